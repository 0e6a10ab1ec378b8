"""Dispatch passes: claim due entries, oldest first, and hand each to its delivery (`delivery`).

A wait set before the clock stepped back sorts the step too far along: a pass counts it again from
its own now (`rules.reanchored`), so it ends within its length of being seen, not the step later.

On a SQLite home a claim names the dispatcher's process (`runner`): a pass that sees that process gone (killed,
a closed terminal) lets the claim go at once (`rules.let_go`), where the message waited out its lease (300 s).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog

from firstmate.domain import outbox as rules
from firstmate.domain.outbox import OutboxEntry, OutboxStatus, RetryPolicy
from firstmate.domain.shared import iso
from firstmate.errors import ConditionFailed
from firstmate.ports import Clock, Item, Mailer, Store, VersionIs
from firstmate.services.access import SigningKeys
from firstmate.services.outbox.delivery import deliver, record_outcome
from firstmate.services.outbox.entries import DUE_INDEX, from_item, outbox_pk, to_item
from firstmate.services.paging import all_items

log = structlog.get_logger(__name__)
#: How far ahead a pass looks for claims whose process is gone: the longest lease (`outbox_lease_s` at most 3600).
LONGEST_LEASE = timedelta(hours=1)
#: Told whether the process a claim names is gone (`App.process_gone`); None where none can be looked at (AWS).
Gone = Callable[[Mapping[str, Any]], bool] | None


@dataclass
class DispatchReport:
    """What one dispatch pass did."""

    sent: int = 0
    retrying: int = 0
    dead: int = 0
    skipped: int = 0
    keys_sent: list[str] = field(default_factory=list)
    #: due entries the pass left unclaimed, its time running short (`TimeLimit`)
    left: int = 0

    @property
    def handled(self) -> int:
        """Entries this pass claimed (sent, retrying or dead)."""
        return self.sent + self.retrying + self.dead


@dataclass(frozen=True)
class TimeLimit:
    """The time of a dispatcher that will be stopped (a Lambda function at its timeout), as
    `time.monotonic()` values: it claims no message after `claim_until`, too late to send and record
    one before it is stopped, and recording a send stops trying at `deadline`."""

    claim_until: float
    deadline: float


def dispatch_outbox(
    store: Store, mailer: Mailer, clock: Clock, policy: RetryPolicy, *, keys: Callable[[], SigningKeys],
    limit: int = 50, stop: threading.Event | None = None, until: TimeLimit | None = None,
    runner: Mapping[str, Any] | None = None, gone: Gone = None,
) -> DispatchReport:  # fmt: skip
    """Deliver up to `limit` due messages, oldest first. Safe to run in many processes at once.
    `runner`: this process, as each claim names it (`App.this_process`); `gone`: how a claim whose process is gone is
    told (`App.process_gone`), let go of at once rather than after its lease.
    `keys` sign the sign-in links of the messages that carry one, as each is sent. Once `stop` is
    set the pass claims nothing more: the message being sent is sent and recorded, and the pass ends.
    With `until`, the pass claims nothing once its time is too short for a send: the rest stay
    pending, unclaimed, counted in the report's `left` (one claimed, then cut off, went again).

    Each entry is claimed with a conditional write before sending, so two dispatchers never send
    the same entry concurrently. A dispatcher that dies after sending but before recording it
    leaves the entry leased; when the lease ends it is sent again with the same Message-ID (the
    only case of a repeat, and never for an entry recorded as sent).
    """
    report = DispatchReport()
    due = list(_due(store, clock.now(), limit, gone))
    for n, item in enumerate(due):
        if stop is not None and stop.is_set():
            break
        if not _dispatch_item(store, mailer, clock, policy, keys, item, report, until, runner):
            report.left = len(due) - n
            break
    return report


def dispatch_entry(
    store: Store, mailer: Mailer, clock: Clock, policy: RetryPolicy, org: str, key: str, *,
    keys: Callable[[], SigningKeys], until: TimeLimit | None = None,
) -> DispatchReport:  # fmt: skip
    """Deliver one entry if it is due now (the AWS stream handler's unit of work); an entry that
    is not due, already sent or claimed by another dispatcher is left alone. Idempotent.
    `until`: the time of a caller that will be stopped (a Lambda's end); an entry it leaves unclaimed
    for lack of it is counted in `left`."""
    report = DispatchReport()
    item = store.get(outbox_pk(org), key)
    if item is None or not from_item(item).is_due(clock.now()):
        report.skipped += 1
        return report
    if not _dispatch_item(store, mailer, clock, policy, keys, item, report, until):
        report.left += 1
    return report


def _dispatch_item(
    store: Store, mailer: Mailer, clock: Clock, policy: RetryPolicy, keys: Callable[[], SigningKeys], item: Item,
    report: DispatchReport, until: TimeLimit | None = None, runner: Mapping[str, Any] | None = None,
) -> bool:  # fmt: skip
    """Claim one due entry, send it, record the outcome (see dispatch_outbox). False when it was left
    unclaimed, too late in `until`'s time to send and record it: the time is looked at just before the
    claim, after this entry's reads (a slow store's reads came on top of the time a send was given)."""
    entry = from_item(item)
    if rules.is_stale(entry, clock.now()):
        next_state = rules.expire(entry)
        log.warning("outbox.expired_unsent", org=entry.org, key=entry.key, attempts=entry.attempts)
    elif rules.out_of_attempts(entry, policy):
        next_state = rules.give_up(entry)
        log.error("outbox.gave_up", org=entry.org, key=entry.key, attempts=entry.attempts)
    elif _after_one_being_sent(store, entry):
        report.skipped += 1  # taken up on a later pass, once the earlier news is sent or withdrawn
        return True
    else:
        next_state = rules.claim(entry, clock.now(), policy, runner)
    if until is not None and time.monotonic() > until.claim_until:
        return False
    try:
        claimed_item = store.put(to_item(next_state), VersionIs(item.version))
    except ConditionFailed:
        report.skipped += 1  # another dispatcher claimed it first
        return True
    if next_state.status is OutboxStatus.DEAD:
        report.dead += 1
        return True
    outcome = deliver(mailer, from_item(claimed_item), clock, policy, keys)
    if record_outcome(store, outcome, claimed_item.version, next_state, clock, until.deadline if until else None):
        _count(report, outcome)
    return True


def _after_one_being_sent(store: Store, entry: OutboxEntry) -> bool:
    """Whether `entry` is a booking's later revision's message to someone an earlier revision's
    message is being sent to right now. It waits: sent beside it, the later news could land first and
    the old be the last word ("You're booked … 16:00" after "moved to 18:00", through a relay slow to
    take the first). Only a revision after the first asks, with one read of the booking's messages."""
    parts = entry.key.split(":")  # bk:<booking>:r<revision>:<audience>[:<who>]
    if len(parts) < 4 or parts[0] != "bk" or not parts[2][1:].isdigit() or parts[2] in ("r0", "r1"):
        return False
    revision, audience = int(parts[2][1:]), ":".join(parts[3:]).removesuffix(":off")
    for item in all_items(store, outbox_pk(entry.org), f"bk:{parts[1]}:r"):
        other = item.sk.split(":")
        if (
            other[2][1:].isdigit()
            and int(other[2][1:]) < revision
            and ":".join(other[3:]).removesuffix(":off") == audience
            and from_item(item).status is OutboxStatus.SENDING
        ):
            return True
    return False


def _due(store: Store, now: datetime, limit: int, gone: Gone = None) -> list[Item]:
    """Up to `limit` entries due at `now`, oldest first, each wait read that was set before the clock
    stepped back first counted again from `now` (`_reanchor`). Such waits sort at the index's far end:
    when the index holds more than a page, a page from there is read too. With `gone`, a claim among the next
    hour's first `limit` whose process is gone is let go of and due too (`_let_go`)."""
    page = store.query_index(DUE_INDEX, limit=limit)
    read = list(page.items)
    if page.cursor is not None:
        near = {(item.pk, item.sk) for item in read}
        far = store.query_index(DUE_INDEX, limit=limit, reverse=True).items
        read += [item for item in far if (item.pk, item.sk) not in near]
    if gone is not None:
        seen = {(item.pk, item.sk) for item in read}
        ahead = store.query_index_between(DUE_INDEX, iso(now), iso(now + LONGEST_LEASE) + "~", limit=limit).items
        read += [item for item in ahead if (item.pk, item.sk) not in seen]
    counted = [_reanchor(store, item, now) for item in read]
    if gone is not None:
        counted = [_let_go(store, item, now, gone) if item is not None else None for item in counted]
    due = [item for item in counted if item is not None and from_item(item).due_at <= now]
    return due[:limit]


def _let_go(store: Store, item: Item, now: datetime, gone: Callable[[Mapping[str, Any]], bool]) -> Item | None:
    """`item` due at `now` when it is a claim whose process is `gone` (`rules.let_go`), else as it is; None when it
    changed since it was read (a later pass reads it). Never a claim of a live process, or of one that cannot be
    looked at (another machine's): its lease alone tells."""
    entry = from_item(item)
    if entry.status is not OutboxStatus.SENDING or entry.due_at <= now or not entry.claimed_by:
        return item
    if not gone(entry.claimed_by):
        return item
    try:  # on its version: only the very claim seen gone is let go of
        stored = store.put(to_item(rules.let_go(entry, now)), VersionIs(item.version))
    except ConditionFailed:
        return None
    log.warning("outbox.claim_let_go", org=entry.org, key=entry.key, attempts=entry.attempts, was_due=iso(entry.due_at))
    return stored


def _reanchor(store: Store, item: Item, now: datetime) -> Item | None:
    """`item` with its wait counted again from `now` when it was set before the clock stepped back
    (`rules.reanchored`), else as it is; None when it changed since it was read (a later pass reads it)."""
    entry = from_item(item)
    later = rules.reanchored(entry, now)
    if later is None:
        return item
    try:  # on its version: only the very claim or wait that was read is counted again
        stored = store.put(to_item(later), VersionIs(item.version))
    except ConditionFailed:
        return None
    log.warning("outbox.wait_reanchored", org=entry.org, key=entry.key, status=entry.status.value,
                was_due=iso(entry.due_at), due=iso(later.due_at))  # fmt: skip
    return stored


def _count(report: DispatchReport, outcome: OutboxEntry) -> None:
    if outcome.status is OutboxStatus.SENT:
        report.sent += 1
        report.keys_sent.append(outcome.key)
    elif outcome.status is OutboxStatus.DEAD:
        report.dead += 1
    else:
        report.retrying += 1
