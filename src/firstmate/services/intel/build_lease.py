"""One build of a week at a time: the lease a sending run holds while it builds (`hold_build`), renewed
between its pulls and before storing (`keep_turn`), the run's entry stored only while it is still held
(`store_in_turn`), what another run is told meanwhile (`BuildUnderWay`, `LeaseHeld`), and whether a build
holds it, looked at without taking it (`build_under_way`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime

from firstmate.errors import BuildUnderWay, LeaseHeld, LeaseLost
from firstmate.ports import Write
from firstmate.services.context import Context
from firstmate.services.intel.weeks import moment_in
from firstmate.services.leases import Held, exclusive, holding


@contextmanager
def hold_build(ctx: Context, org: str, week: date, timezone: str, *, wait: bool) -> Iterator[Held]:
    """Hold the lease of `org`'s build of `week`: waited for up to WAIT_S, or, without `wait`, not at all
    (BuildUnderWay). Another lease than `weekly#<week>`, which the build takes again to store its report."""
    doing = f"building the weekly report of the week of {week}"
    taken = False
    try:  # a `with`, not an ExitStack's enter_context: a Ctrl-C between its take and its push left the turn held
        with exclusive(ctx, org, f"weekly-build#{week}", doing=doing, wait_s=None if wait else 0) as held:
            taken = True
            yield held
    except LeaseHeld as exc:
        if taken:  # the build's own (another lease it waited for): as it is
            raise
        since = f" (since {_moment_of(exc.since, timezone)})" if exc.since else ""
        if wait:  # by hand: said in the business's time, with when a process killed mid-build no longer holds it
            hint = "try again when it is done"
            if exc.until is not None:
                hint += f"; should it have stopped, it can be run again from {moment_in(exc.until, timezone)}"
            said = f"another process is {doing}{since}"
            raise LeaseHeld(said, hint=hint, since=exc.since, until=exc.until) from None
        raise _under_way(week, since, exc.since, exc.until) from None


def build_under_way(ctx: Context, org: str, week: date, timezone: str) -> BuildUnderWay | None:
    """What another run is told while a build of `org`'s `week` holds its turn (as `hold_build` without waiting), the
    turn only looked at, not taken: a reader that took it (a skip telling whether the week was sent) took a slow
    build's lapsed turn over, and that build, which would have taken it back and sent the week, stored nothing.
    None when no build holds it."""
    lease = holding(ctx, org, f"weekly-build#{week}")
    if lease is None:
        return None
    at = str(lease.data.get("since", ""))
    until = datetime.fromtimestamp(lease.ttl, UTC) if lease.ttl is not None else None
    return _under_way(week, f" (since {_moment_of(at, timezone)})" if at else "", at, until)


def _under_way(week: date, since: str, at: str, until: datetime | None) -> BuildUnderWay:
    """Another run building `week` (`since`: when, as said), its turn lapsing at `until`."""
    hint = "it sends the week; 'firstmate intel runs' lists it when it is done"
    return BuildUnderWay(
        f"another run is building the week of {week}{since}", hint=hint, since=at, week=week, until=until
    )


def keep_turn(held: Held | None) -> None:
    """Renew a build's turn (`Held.confirm`) between its pulls and before it stores: never renewed, it lapsed in a
    build slower than LEASE (Meta's report runs, a model's analysis), and the waiting run looking again built and
    listed the week too. Taken over meanwhile, LeaseLost: this build stops, the other sends the week."""
    if held is None:
        return
    try:
        held.confirm()
    except LeaseLost as exc:
        raise _taken_over(exc) from None


def store_in_turn(ctx: Context, held: Held | None, writes: Sequence[Write]) -> None:
    """Store `writes` (the run's entry) in one transaction with the check that the build still holds its turn
    (`Held.transact`), as the role reports' store does: taken over since its last look, none of them is stored
    and LeaseLost says so. A build that holds no turn (one that sends nothing) stores them as they are."""
    if held is None:
        ctx.store.transact(writes)
        return
    try:
        held.transact(writes)
    except LeaseLost as exc:
        raise _taken_over(exc) from None


def _taken_over(exc: LeaseLost) -> LeaseLost:
    """`exc` with what to do: "run it again" built the week a second time, where the run that took over sends it."""
    hint = "the run that took over builds and sends the week; 'firstmate intel runs' lists it when it is done"
    return LeaseLost(exc.message, hint=hint)


def _moment_of(at: str, timezone: str) -> str:
    """A stored moment (`iso`) as read in `timezone`, or as stored when it cannot be read."""
    try:
        return moment_in(datetime.fromisoformat(at), timezone)
    except ValueError:
        return at
