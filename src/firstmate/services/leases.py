"""One holder at a time, across processes, for work that must not interleave: two builds storing
one report, where the one that fails puts back the files it replaced, and would put them back over
the other's. A lease is a store item written on condition of its absence, expiring by itself should
its holder die. One taken before the clock stepped back (NTP) is counted again from when a waiter
gives up on it, rather than lasting the step longer (`_reanchor`). A holder stores what the lease guards
in one transaction with the lease's guard (`Held.transact`): a holder whose step outlived the lease, another
having taken it over meanwhile, stores nothing, where a check before the write let through the write under way.
On a laptop (a SQLite home) a lease names the process holding it (`Context.this_process`): one whose process is gone
(kill -9, a closed terminal) is free at once, taken over by the next process that wants it (`_take_over`), not
waited out for its ten minutes. A holder stopped (Ctrl-C) as it takes the lease lets go of it all the same."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from firstmate.domain.shared import iso, to_epoch
from firstmate.errors import ConditionFailed, LeaseHeld, LeaseLost, StoreError
from firstmate.ports import Absent, Check, Delete, Item, Put, VersionIs, Write
from firstmate.services.context import Context

log = structlog.get_logger(__name__)

#: A lease left by a holder that died is free again after this long.
LEASE = timedelta(minutes=10)
DAY = timedelta(days=1)
#: How long to wait for another holder before giving up (a report build takes seconds).
WAIT_S = 60.0
POLL_S = 0.1


@dataclass
class Held:
    """A lease `exclusive` took: `confirm` before each step the lease guards, and store what it guards with
    `transact`. `last`: the version of the lease's LAST item as this holder last wrote it (taking or renewing)."""

    ctx: Context
    org: str
    pk: str
    name: str
    token: str
    doing: str
    last: int

    def confirm(self) -> None:
        """Raise StoreUnavailable when the lease is no longer this holder's (held past LEASE, another
        process took it over, or took it and is done: what it stores would be over the other's); take it
        again when it ran out and nobody took it since; renew it once half of it has gone, so that a long
        holder keeps it while it lives."""
        lease = self.ctx.store.get(self.pk, self.name)
        if lease is None and self._last_taken_by_me():
            try:  # ran out in a step longer than LEASE, and nobody took it since: still ours to take
                lease, last = _take(self.ctx, self.pk, self.name, self.token)
                self.last = last.version
            except ConditionFailed:  # taken just now by another
                lease = None
        if lease is None or lease.data.get("holder") != self.token:
            raise self._lost()
        now = to_epoch(self.ctx.clock.now())
        if lease.ttl is not None and lease.ttl - now < LEASE.total_seconds() / 2:
            try:  # on its version: lost meanwhile, the next confirm says so
                _, last = self.ctx.store.transact(
                    [
                        Put(replace(lease, ttl=now + int(LEASE.total_seconds())), VersionIs(lease.version)),
                        # still ours (the lease's version says so): LAST kept a day past the lease renewed
                        Put(_last_item(self.pk, self.name, self.token, self.ctx.clock.now())),
                    ]
                )
                self.last = last.version
            except ConditionFailed:
                self.confirm()

    def transact(self, writes: Sequence[Write]) -> list[Item]:
        """Apply `writes` as `Store.transact` does, only while nobody has taken the lease since this holder
        did (its LAST item unchanged), in the same transaction: a step that outlived the lease, another holder
        having taken it over meanwhile, writes none of them and raises LeaseLost. One that outlived it with
        nobody taking it since writes them (the lease is still this holder's to take, as `confirm` has it).
        Other failed conditions raise ConditionFailed with their own index, as `Store.transact`."""
        try:
            return self.ctx.store.transact([*writes, Check(self.pk, f"{self.name}{LAST}", VersionIs(self.last))])
        except ConditionFailed as exc:
            if exc.index != len(writes):
                raise
            raise self._lost() from None

    def _lost(self) -> LeaseLost:
        log.warning("lease.lost", org=self.org, lease=self.name)
        return LeaseLost(
            f"this process was {self.doing} for over {int(LEASE.total_seconds() // 60)} minutes and another "
            "took over: nothing more of it was stored",
            hint="run it again",
        )

    def _last_taken_by_me(self) -> bool:
        last = self.ctx.store.get(self.pk, f"{self.name}{LAST}")
        return last is not None and last.data.get("holder") == self.token


#: Beside each lease, who took it last (kept a day past its lease): a holder finding its lease run out
#: tells from it whether another took it meanwhile, and was done. Written at each take and renewal, its
#: version moves on with each: unchanged, nobody took the lease since (`Held.transact`). (The lease's own
#: version cannot say so: every lease taken anew starts at 1, and a waiter's `_reanchor` moves it on.)
LAST = "#last"


def _take(ctx: Context, pk: str, name: str, token: str) -> tuple[Item, Item]:
    """Take the lease `name` (ConditionFailed while another holds it), noting who took it last; returns
    the lease and that note (LAST) as stored."""
    now = ctx.clock.now()
    taken, last = ctx.store.transact(
        [Put(_lease_item(ctx, pk, name, token, now), Absent()), Put(_last_item(pk, name, token, now))]
    )
    return taken, last


def _take_over(ctx: Context, org: str, pk: str, name: str, token: str) -> Item | None:
    """Take the lease `name` over from a holder whose process is gone (`Context.process_gone`: killed on this
    laptop); its LAST note as stored, or None when it is not to be taken over: free, its holder alive or not to be
    looked at (another machine, AWS, a lease that names no process), or taken anew meanwhile. On the versions read of
    the lease and of its LAST note (which moves on at every take, where a lease taken anew starts at 1 again): of two
    processes that both saw it so, one takes it over."""
    gone = ctx.process_gone()
    lease = ctx.store.get(pk, name) if gone is not None else None
    if gone is None or lease is None or not _holder_gone(lease, gone):
        return None
    last = ctx.store.get(pk, f"{name}{LAST}")
    if last is None or last.data.get("holder") != lease.data.get("holder"):  # a note of another take: not the same
        return None
    now = ctx.clock.now()
    try:
        _, taken = ctx.store.transact(
            [
                Put(_lease_item(ctx, pk, name, token, now), VersionIs(lease.version)),
                Put(_last_item(pk, name, token, now), VersionIs(last.version)),
            ]
        )
    except ConditionFailed:  # taken over or anew by another just now
        return None
    log.warning("lease.taken_over", org=org, lease=name, since=lease.data.get("since"), why="its process is gone")
    return taken


def _watched(ctx: Context, lease: Item) -> bool:
    """Whether the process `lease` names is one of this machine's, looked at here (`Context.process_gone`): the lease
    is free as soon as that process ends, not once its ttl has passed."""
    runner, here = lease.data.get("runner"), ctx.this_process()
    if not isinstance(runner, Mapping) or here is None or ctx.process_gone() is None:
        return False
    return all(runner.get(key) == here.get(key) for key in ("host", "boot", "pid_ns"))


def _holder_gone(lease: Item, gone: Callable[[Mapping[str, Any]], bool]) -> bool:
    """Whether the process `lease` names (`runner`) is gone, as `gone` tells; False for a lease that names none."""
    runner = lease.data.get("runner")
    return isinstance(runner, Mapping) and gone(runner)


def _lease_item(ctx: Context, pk: str, name: str, token: str, now: datetime) -> Item:
    lease: dict[str, Any] = {"since": iso(now), "holder": token, "lease_s": int(LEASE.total_seconds())}
    if (runner := ctx.this_process()) is not None:  # a SQLite home: looked at by a process wanting the lease
        lease["runner"] = runner
    return Item(pk, name, lease, ttl=to_epoch(now + LEASE))


def _last_item(pk: str, name: str, token: str, now: datetime) -> Item:
    return Item(pk, f"{name}{LAST}", {"holder": token, "since": iso(now)}, ttl=to_epoch(now + LEASE + DAY))


@contextmanager
def exclusive(ctx: Context, org: str, name: str, *, doing: str, wait_s: float | None = None) -> Iterator[Held]:
    """Run the block holding the org's lease `name`. While another process holds it, wait (up to
    `wait_s`, WAIT_S unless said; 0: not at all), then raise LeaseHeld: "another process is <doing>
    (since …)". Released at the end; a holder that dies leaves it to expire after LEASE (after LEASE
    from a waiter giving up, when it was taken before the clock stepped back). The block gets the lease
    (`Held.confirm` before each step it guards, `Held.transact` to store what it guards). One held by a process that
    is gone (on a laptop: `_take_over`) is taken over at once. Ctrl-C (or any error) as it is taken lets go of it."""
    wait = WAIT_S if wait_s is None else wait_s
    pk, deadline, token = f"ORG#{org}#LEASE", time.monotonic() + wait, secrets.token_hex(8)
    held = False
    try:  # from before the take: a Ctrl-C in the instant after it is stored lets go of it, not left ten minutes
        while True:
            try:
                _, last = _take(ctx, pk, name, token)
                break
            except ConditionFailed:
                if (taken := _take_over(ctx, org, pk, name, token)) is not None:
                    last = taken
                    break
                if time.monotonic() >= deadline:
                    raise _held_by_another(ctx, org, pk, name, doing) from None
                time.sleep(POLL_S)
        held = True
        yield Held(ctx, org, pk, name, token, doing, last.version)
    finally:
        _release(ctx, org, pk, name, token, held=held)


def _held_by_another(ctx: Context, org: str, pk: str, name: str, doing: str) -> LeaseHeld:
    """What a process that waited in vain for the lease `name` is told: who holds it since when, and until when."""
    other = ctx.store.get(pk, name)
    ttl = _reanchor(ctx, org, other) if other is not None else None
    since = str(other.data.get("since", "")) if other else ""
    said = f" (since {since})" if since else ""
    # a holder of this laptop frees it as it ends: "run again from <its ttl>" would have one wait ten minutes
    lapses = ttl is not None and other is not None and not _watched(ctx, other)
    until = datetime.fromtimestamp(ttl, UTC) if lapses and ttl is not None else None
    return LeaseHeld(f"another process is {doing}{said}", hint="try again when it is done", since=since, until=until)


def holding(ctx: Context, org: str, name: str) -> Item | None:
    """The org's lease `name` while someone holds it (its `since`; its ttl, when it lapses), None when it is free or
    has run out. Not taken: one that took it to look would take over a slow holder's lapsed lease, where that holder
    (`Held.confirm`, finding it free) takes it back and goes on. One taken before the clock stepped back is counted
    again from this look, as by a waiter giving up on it (`_reanchor`). One whose holder's process is gone (on a
    laptop: `Context.process_gone`) is free: the next process that wants it takes it over; one whose process lives
    on this laptop has no ttl said (None): it is free as soon as that process ends."""
    lease = ctx.store.get(f"ORG#{org}#LEASE", name)
    if lease is None or ((gone := ctx.process_gone()) is not None and _holder_gone(lease, gone)):
        return None
    ttl = _reanchor(ctx, org, lease)
    return replace(lease, ttl=None if _watched(ctx, lease) else ttl)


def _reanchor(ctx: Context, org: str, lease: Item) -> int | None:
    """Count another's `lease` again from now when it began after now: taken before the clock stepped
    back, a dead holder's lease would last the step longer. No less than no time has passed since it
    was taken, so a live holder keeps at least its whole lease. Leases taken before their length was
    kept are left to their ttl. Returns when the lease lapses (its ttl, as counted again)."""
    length, now = lease.data.get("lease_s"), to_epoch(ctx.clock.now())
    if not isinstance(length, int) or lease.ttl is None or lease.ttl - length <= now:
        return lease.ttl
    try:  # on its version: a lease released or taken anew meanwhile is left alone
        ctx.store.put(replace(lease, ttl=now + length), VersionIs(lease.version))
    except StoreError:  # taken anew, or the store busy: the next build to give up tries again
        return lease.ttl
    log.warning("lease.reanchored", org=org, lease=lease.sk, since=lease.data.get("since"))
    return now + length


def _release(ctx: Context, org: str, pk: str, name: str, token: str, *, held: bool = True) -> None:
    """Drop the lease if it is still ours: one that ran out may be another's by now (every lease
    starts at the same version, so only its holder's token tells them apart). Not `held`: stopped while taking it,
    it may be ours all the same (stored, then Ctrl-C), or another's, which is then left alone, unsaid."""
    try:
        lease = ctx.store.get(pk, name)
        if lease is not None and lease.data.get("holder") == token:
            ctx.store.transact([Delete(pk, name, VersionIs(lease.version))])
        elif lease is not None and held:
            log.warning("lease.outlived", org=org, lease=name)  # held past LEASE: another took it over
    except StoreError as exc:  # the store down (or the lease changed hands just now): it expires by itself
        log.warning("lease.not_released", org=org, lease=name, error=str(exc))
