"""A trip's own "Crew needed" still waiting to go out (an outage held it) follows its trip moved or put on another
boat while someone holds a role on it (`asks_moved`): the revision then tells only its crew, and the waiting mail
(`outbox.superseded` withdraws only what the revision tells anew) would ask the rest to crew it at the old time.

It is withdrawn in the change's own transaction, saying how the trip moved, and the revision's "Crew needed" is
queued in its place, as the trip is now, once (its key is the revision's). One being sent is marked
(`rules.withdrawal`): withdrawn if its send fails; if it goes, the new one follows it (the new time is news). Someone
the trip no longer offers a role is not asked again; someone busy at its new time (one trip at a time) is left out as
of a trip booked then (`NOT_ASKED`, in the same transaction): asked once their other trip lets them go (`freed`). More
than the transaction has room for follow once the change is written (`rest_asks_moved`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from firstmate.domain import outbox as rules
from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import CrewEvent
from firstmate.domain.outbox import OutboxStatus
from firstmate.domain.people import Person
from firstmate.domain.shared import STORED
from firstmate.domain.timing import when
from firstmate.ports import Put, VersionIs, Write
from firstmate.services.context import Context
from firstmate.services.crew_freed.asking import still_listable, written_apart
from firstmate.services.crew_freed.asks import Ask, crew_messages
from firstmate.services.crew_freed.lists import not_asked_held, not_asked_with
from firstmate.services.crew_freed.reopened import offers
from firstmate.services.notifications import crew_needed_message
from firstmate.services.outbox import enqueue_write, to_item
from firstmate.services.people import person_key
from firstmate.services.trips import crew_busy_between


def asks_moved(
    ctx: Context,
    profile: BusinessProfile,
    booking: Booking,
    before: CrewEvent,
    event: CrewEvent,
    now: datetime,
    *,
    room: int,
) -> Moved:
    """Writes, for the transaction of `booking`'s change (its trip `before` it and `event` after), that withdraw each
    earlier revision's "Crew needed" still waiting of a trip moved or put on another boat, and queue the revision's in
    its place (of those it still offers a role, free at its new time): at most `room` writes. With them, their
    audiences (`crew:<person>`, for the revision's `unheard`: it is their first word of the trip), those busy at its
    new time, for the trip's `NOT_ASKED` in the same transaction, and the people left over for `rest_asks_moved`."""
    found = _moved(ctx, profile, booking, before, event, now)
    writes: list[Write] = []
    for at, theirs in enumerate(found):
        if len(writes) + len(theirs.writes) > room:
            return Moved(writes, _asked(found[:at]), _left_out(found[:at]), [f.person_id for f in found[at:]])
        writes += theirs.writes
    return Moved(writes, _asked(found), _left_out(found), [])


def rest_asks_moved(
    ctx: Context,
    profile: BusinessProfile,
    booking: Booking,
    before: CrewEvent,
    event: CrewEvent,
    rest: Iterable[str],
    now: datetime,
) -> None:
    """Once `booking`'s change is written, the "Crew needed" `asks_moved` had no room for follow it, each person's in
    a transaction of its own, read again: one the dispatcher claimed meanwhile goes as it is, its successor after."""
    if not (left := frozenset(rest)):
        return
    org = profile.org.id
    for theirs in _moved(ctx, profile, booking, before, event, now, only=left):
        writes = theirs.writes
        if theirs.left_out:  # read now, each in its own transaction: one person's record must not undo another's
            listed, held = not_asked_held(ctx.store, org, booking.id)
            writes = [*writes, not_asked_with(held, listed, {theirs.person_id})]
        written_apart(ctx, org, [(theirs.person_id, writes)], event="crew.ask_unmoved")


@dataclass(frozen=True)
class Moved:
    """What `asks_moved` writes in the change's transaction: its `writes`, the audiences it asks anew (`asked`), those
    busy at the new time to keep among those the trip left out (`left_out`), and the people left for later (`rest`)."""

    writes: list[Write]
    asked: frozenset[str]
    left_out: frozenset[str]
    rest: list[str]


@dataclass(frozen=True)
class _Found:
    """One person's waiting "Crew needed" of the moved trip: the writes withdrawing it (and queueing the revision's),
    and whether they are left out, busy at its new time."""

    person_id: str
    writes: list[Write]
    left_out: bool


def _asked(found: list[_Found]) -> frozenset[str]:
    """The audiences of those `found` asked anew (a withdrawal and a queued mail), not only withdrawn."""
    return frozenset(f"crew:{f.person_id}" for f in found if len(f.writes) > 1)


def _left_out(found: list[_Found]) -> frozenset[str]:
    """Those `found` busy at the trip's new time: asked once free."""
    return frozenset(f.person_id for f in found if f.left_out)


def _moved(
    ctx: Context,
    profile: BusinessProfile,
    booking: Booking,
    before: CrewEvent,
    event: CrewEvent,
    now: datetime,
    only: frozenset[str] | None = None,
) -> list[_Found]:
    """Each person whose earlier revision's "Crew needed" still waits of the trip `before` moved to `event`, with the
    writes withdrawing it and, asked anew, queueing the revision's."""
    if booking.cancelled or (before.start, before.end, before.asset) == (event.start, event.end, event.asset):
        return []
    holders = {s.person_id for s in event.roles if s.person_id}
    if not holders:
        return []  # nobody aboard: the revision tells every qualified crew member, withdrawing what it supersedes
    org = profile.org.id
    sent = {p: asks for p, asks in crew_messages(ctx, org, booking.id).items() if only is None or p in only}
    waiting: dict[str, Ask] = {}
    for person_id, asks in sent.items():
        last = max(asks, key=lambda a: a.revision)
        entry = last.entry
        live = entry.status is OutboxStatus.PENDING or (
            entry.status is OutboxStatus.SENDING and not (entry.last_error or "").startswith(rules.WITHDRAWN)
        )
        # its crew the revision tells itself, withdrawing what it supersedes
        ask = entry.message.subject.startswith("Crew needed") and last.revision < booking.revision
        if live and ask and person_id not in holders:
            waiting[person_id] = last
    if not waiting:
        return []
    zone = profile.org.timezone
    boat = f" on {event.asset_name}" if event.asset != before.asset else ""
    change = f"{when(before.start, zone)} moved to {when(event.start, zone)}{boat} before it went out"
    busy = crew_busy_between(ctx.store, org, event.start, event.end)
    listable = bool(still_listable(ctx, org, [booking.id], now, changed=(booking, event)))
    items = ctx.store.get_many([person_key(org, p) for p in waiting])
    found: list[_Found] = []
    for (person_id, last), item in zip(waiting.items(), items, strict=True):
        person = Person.model_validate(item.data, context=STORED) if item else None
        crew = listable and person is not None and person.active and offers(profile, event, person)
        # one trip at a time: left out as of a trip booked then, and asked once the other lets them go (`freed`)
        left_out = crew and person_id in busy
        asking = crew and person is not None and not left_out
        message = crew_needed_message(ctx, profile, booking, event, person) if asking and person else None
        queued: list[Write] = []
        if left_out:
            said = "not asked now: busy on another trip then, asked once it lets them go"
        elif message is None:
            said = "not asked again: no role of it is theirs to take then"
        else:
            said, queued = f"asked anew as {message.idempotency_key}", [enqueue_write(org, message, now)]
        withdrawn = rules.withdrawal(last.entry, f"{change}; {said}", now)
        if withdrawn is not None:
            writes: list[Write] = [Put(to_item(withdrawn), VersionIs(last.item.version)), *queued]
            found.append(_Found(person_id, writes, left_out))
    return found
