"""A booking's next revision and all it fans out to: its crew event followed (another boat, another day, more
guests), its calendar entry moved, reminders reworded, and who hears of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple

from firstmate.domain.bookings import Booking, BookingRequest, IntakeResult, revise
from firstmate.domain.business import Asset, BusinessProfile, Entity
from firstmate.domain.calendar import CalendarEntry, next_sequence
from firstmate.domain.checklist import (
    checked_elsewhere,
    checked_for_another_day,
    departed,
    recount,
    signed_for_another_line,
)
from firstmate.domain.crew import CrewEvent, follow_booking, jackets_for, move_to_boat, resolved, taken_off_by
from firstmate.domain.guests import Guest, GuestStatus
from firstmate.domain.outbox import OutboxStatus
from firstmate.domain.roster import Clash, clashes
from firstmate.domain.timing import when
from firstmate.errors import ConditionFailed
from firstmate.ports import MAX_TRANSACTION_WRITES, Absent, Delete, Item, Put, Store, VersionIs, Write
from firstmate.services.bookings.anchors import (
    MAX_REMEMBERED,
    anchor_data,
    anchor_data_kept,
    anchor_numbers,
    anchor_seen,
    bodies_with,
    heard_fingerprints,
    revision_seen,
)
from firstmate.services.bookings.create import calendar_entry_for
from firstmate.services.bookings.fanout import commit_with_notices, finish_booking_fanouts
from firstmate.services.bookings.leads import lead_followed
from firstmate.services.context import Context
from firstmate.services.crew_freed import ask_the_freed, lists_followed, not_asked_held, rest_followed
from firstmate.services.crew_owed import freed_owed
from firstmate.services.crew_trips import roster_marker
from firstmate.services.notifications import (
    CREW,
    EVERYONE,
    GUESTS,
    LEAD,
    OPS,
    OTHER_GUESTS,
    booking_notifications,
    quiet_audiences,
    still_unheard,
)
from firstmate.services.outbox import NOT_THEIRS, from_item, outbox_pk, reminders_followed, superseded, unheard_so_far
from firstmate.services.paging import all_items
from firstmate.services.trips import (
    DEFERRED_CHECK,
    booking_pk,
    calendar_pk,
    calendar_sk,
    check_owed,
    events_between,
    report_double_bookings,
)
from firstmate.services.waiver_lines import lines_followed

#: How far into a change's transaction the lists it follows may go (`lists_followed`).
_LISTS_ROOM = MAX_TRANSACTION_WRITES // 2


def change_booking(
    ctx: Context,
    profile: BusinessProfile,
    entity: Entity,
    asset: Asset,
    existing: Booking,
    request: BookingRequest,
    anchor: Item,
    result: IntakeResult,
    *,
    sent: tuple[BookingRequest, tuple[str, str]],
    tell: bool,
    news: bool = False,
) -> tuple[Booking, tuple[CalendarEntry, ...]]:
    """The booking's next revision, `request` (`merge_revision` of the body `sent` as it was placed, kept
    as its intake path's last word), and all it fans out to. With `news` (a booking the same import
    created), it is news to whoever has heard nothing of the trip yet, all they were given still waiting."""
    now = ctx.clock.now()
    org = profile.org.id
    finish_booking_fanouts(ctx, org, existing.id)
    stored = _stored(ctx.store, org, existing)
    booking = revise(existing, request, now).model_copy(update={"entity": entity.id, "asset": asset.id})
    unheard = _unheard(ctx, profile, existing)  # who had heard nothing of the trip before this change
    still = still_unheard(ctx, profile, booking, unheard, was_end=existing.request.end, at=now)  # and after it
    booking = booking.model_copy(update={"unheard": tuple(sorted(still))})
    booking, guests, lead_writes, readdressed = lead_followed(ctx.store, org, booking)
    guests, line_writes, resign = _line_followed(
        ctx.store, org, existing, booking, entity, stored.event, guests, lead_writes, now
    )
    before, event, off_trip = _event_followed(
        profile, existing, booking, entity, asset, stored.event, guests, resign, now
    )
    entry = next_sequence(
        CalendarEntry.model_validate(stored.entry.data), calendar_entry_for(booking, event, asset, now)
    )
    writes = _revision_writes(org, existing, booking, event, entry, anchor, sent, stored, tell=tell, now=now)
    writes += lead_writes
    was_end = existing.request.end
    moved = (request.start, request.end) != (existing.request.start, existing.request.end)
    markers, clashing = _moved_onto(ctx.store, org, event, request, now) if moved else ([], [])
    writes += markers
    writes += _reminders_followed(
        ctx, profile, existing, booking, event, asset, moved=moved, off_trip=off_trip, now=now
    )
    # a "Crew needed on N trips" still waiting names the trip as it was: withdrawn, and listed anew as it is; at most
    # half the transaction, the change's own notices needing the rest: lists beyond it follow once it is written
    lists, lists_left = lists_followed(ctx, profile, booking, before, event, now, room=_LISTS_ROOM - len(writes))
    quiet, unheard = _audiences(ctx.store, profile, booking, before, event, guests, result, unheard, readdressed)
    busy, held = not_asked_held(ctx.store, org, booking.id)
    writes.append(held)
    # asking those it frees (or, moved, those it left out) is owed with the change: a crash after it asks them later
    if (owed := freed_owed(org, before, event, now)) is not None:
        writes.append(owed)
    fresh, ops_waiting = (
        _first_word(ctx.store, org, existing, booking, before, guests, now) if news else (frozenset(), [])
    )
    for first_word in (fresh, frozenset()) if fresh else (frozenset(),):
        notices = booking_notifications(
            ctx, profile, entity, asset, booking, event, guests, result, was_end=was_end, clashes=clashing,
            off_trip=off_trip, quiet=quiet - first_word, unheard=unheard | first_word, busy=busy,
        )  # fmt: skip
        withdrawn = _withdrawn(ctx.store, org, booking, guests, notices, entry, now)
        if OPS in first_word:  # the operations manager's first word of the trip is this revision's
            withdrawn += ops_waiting
        # decided only where it is written at once with the withdrawals it counts on: one sent meanwhile refuses it
        if len(writes) + len(lists) + len(notices) + len(withdrawn) + len(line_writes) <= MAX_TRANSACTION_WRITES:
            break
    # a list left with three trips asks by each one's own "Crew needed": of this trip, this revision's crew message
    # to them ("Trip changed" to every qualified crew member, nobody aboard) tells them of it instead
    noticed = {n.item.sk for n in notices}
    writes += [w for w in lists if not (isinstance(w, Put) and w.item.pk == outbox_pk(org) and w.item.sk in noticed)]
    quiet, unheard = quiet - first_word, unheard | first_word
    commit_with_notices(
        ctx, booking, writes, notices, result, was_end=was_end, quiet=quiet, withdrawals=withdrawn,
        off_trip=off_trip, unheard=unheard, guests_followed=line_writes,
    )  # fmt: skip
    # its crew free at times it no longer holds them: asked to crew the trips then they were left out of; and,
    # moved, those it left out who are free at its new times
    rest_followed(ctx, profile, booking, before, event, lists_left, now)
    ask_the_freed(ctx, profile, before, event, owed=owed)
    return booking, tuple(report_double_bookings(ctx, profile, entry)) if tell else ()


class _Stored(NamedTuple):
    """What a change writes over, as read: each written on its version."""

    booking: Item
    event: Item
    entry: Item


def _stored(store: Store, org: str, existing: Booking) -> _Stored:
    """What the change writes over, as stored: the booking, its crew event and its calendar entry; raises
    ConditionFailed when one is missing (someone else is writing the booking)."""
    pk = booking_pk(org, existing.id)
    booking_item = store.get(pk, "BOOKING")
    event_item = store.get(pk, "EVENT")
    entry_item = store.get(calendar_pk(org), calendar_sk(existing.request.start, existing.id))
    if booking_item is None or event_item is None or entry_item is None:
        raise ConditionFailed("the booking is being written by someone else")
    return _Stored(booking_item, event_item, entry_item)


def _line_followed(
    store: Store,
    org: str,
    existing: Booking,
    booking: Booking,
    entity: Entity,
    event_item: Item,
    guests: list[Guest],
    lead_writes: list[Write],
    now: datetime,
) -> tuple[list[Guest], list[Write], list[str]]:
    """The guests once the trip, not yet departed, is on another business line (`lines_followed`), the writes
    recording it, and the names of who boarded on the old line's waiver: the new line's is theirs to sign now."""
    if existing.entity == entity.id or departed(CrewEvent.model_validate(event_item.data), now):
        return guests, [], []
    was = {g.id: g for g in guests}
    guests, line_writes = lines_followed(store, org, booking.id, entity.waiver, guests, lead_writes)
    resign = [g.name for g in guests if g.status is GuestStatus.ON_HOLD and was[g.id].status is not g.status]
    return guests, line_writes, resign


def _event_followed(
    profile: BusinessProfile,
    existing: Booking,
    booking: Booking,
    entity: Entity,
    asset: Asset,
    event_item: Item,
    guests: list[Guest],
    resign: list[str],
    now: datetime,
) -> tuple[CrewEvent, CrewEvent, dict[str, str]]:
    """The trip's crew event as it stood and as the revision leaves it (another boat, another day, another line,
    more guests: what that undoes checked again), and who it takes off the trip (person id: role)."""
    # items stored before they kept their label's template take it from the boat they were made for
    made_on = profile.asset(existing.asset)
    before = resolved(CrewEvent.model_validate(event_item.data), made_on.checklist if made_on else ())
    event = follow_booking(before, booking, group=len(guests))
    if existing.asset != asset.id:
        event = move_to_boat(event, asset.name, asset.roles, asset.checklist, group=len(guests))
        event = checked_elsewhere(event, before.asset_name, at=now)  # a tick aboard the other boat checks nothing here
    # put off to another day: what was checked for its day is checked again for the new one
    event = checked_for_another_day(event, before.start, profile.org.timezone, at=now)
    event = event.model_copy(update={"entity": entity.id, "asset": asset.id, "asset_name": asset.name})
    # more people aboard than when the jackets were counted: they are counted again
    event = recount(event, jackets_for(before.guest_count, len(guests), len(before.roles)), at=now)
    event = signed_for_another_line(event, resign, entity.name, at=now)
    # a new boat without a role someone held: they are off the trip, told, and shown so on its page
    off_trip = {s.person_id: s.role for s in before.roles if s.person_id}
    for slot in event.roles:
        off_trip.pop(slot.person_id or "", None)
    return before, taken_off_by(event, off_trip), off_trip


def _revision_writes(
    org: str,
    existing: Booking,
    booking: Booking,
    event: CrewEvent,
    entry: CalendarEntry,
    anchor: Item,
    sent: tuple[BookingRequest, tuple[str, str]],
    stored: _Stored,
    *,
    tell: bool,
    now: datetime,
) -> list[Write]:
    """The revision's own writes, each on the version read: its intake anchor (the body `sent` kept as its path's
    last word, and known again should it come late), the booking, its crew event, its calendar entry (under its new
    start's key when it moved) and the double-booking check owed (deferred without `tell`)."""
    pk = booking_pk(org, existing.id)
    booking_item, event_item, entry_item = stored
    old_sk, new_sk = calendar_sk(existing.request.start, existing.id), calendar_sk(booking.request.start, booking.id)
    body, placed = sent
    seen = anchor_seen(anchor) + heard_fingerprints(revision_seen(booking), body, placed)
    kept = anchor_data(existing.id, seen[-MAX_REMEMBERED:], body, anchor_numbers(anchor), bodies_with(anchor, body))
    writes: list[Write] = [
        Put(Item(anchor.pk, anchor.sk, {**anchor_data_kept(anchor), **kept}), VersionIs(anchor.version)),
        Put(Item(pk, "BOOKING", booking.model_dump(mode="json")), VersionIs(booking_item.version)),
        Put(Item(pk, "EVENT", event.model_dump(mode="json")), VersionIs(event_item.version)),
    ]
    if new_sk != old_sk:
        writes.append(Delete(calendar_pk(org), old_sk, VersionIs(entry_item.version)))
        writes.append(Put(Item(calendar_pk(org), new_sk, entry.model_dump(mode="json")), Absent()))
    else:
        writes.append(Put(Item(calendar_pk(org), new_sk, entry.model_dump(mode="json")), VersionIs(entry_item.version)))
    writes.append(check_owed(org, new_sk, after=None if tell else now + DEFERRED_CHECK))
    return writes


def _moved_onto(
    store: Store, org: str, event: CrewEvent, request: BookingRequest, now: datetime
) -> tuple[list[Put], list[Clash]]:
    """A moved trip's roster markers for the crew holding its roles, and the clashes of its new times with their
    other trips or its boat's: the operations manager hears of a trip moved onto another."""
    holders = sorted({s.person_id for s in event.roles if s.person_id})
    # before their trips are read (see roster); each lists this trip at its new times
    markers = [roster_marker(store, org, p, holding=event, now=now) for p in holders]
    if not holders:
        return markers, []
    return markers, clashes(event, events_between(store, org, request.start, request.end, held_by=holders))


def _reminders_followed(
    ctx: Context,
    profile: BusinessProfile,
    existing: Booking,
    booking: Booking,
    event: CrewEvent,
    asset: Asset,
    *,
    moved: bool,
    off_trip: Mapping[str, str],
    now: datetime,
) -> list[Put]:
    """The writes that follow the trip's reminders still to go: those a move, a cancellation or someone taken off
    the trip would make mislead their reader (`reminders_followed`), and, unless cancelled, those naming the boat
    and role, reworded (`reminders_reworded`)."""
    org, request = profile.org.id, booking.request
    followed: list[Put] = []
    if moved or booking.cancelled or off_trip:  # a reminder an outage held back would mislead its reader
        departure = None if booking.cancelled else request.start
        change = "was cancelled" if booking.cancelled else f"moved to {when(request.start, profile.org.timezone)}"
        followed = reminders_followed(
            ctx.store, org, event.id, departure=departure, now=now, change=change,
            holders=frozenset(slot.person_id for slot in event.roles if slot.person_id),
            leaving=f"moved to {asset.name}, without their role" if off_trip else NOT_THEIRS,
        )  # fmt: skip
    if not booking.cancelled:  # a reminder still to go names the boat and the role: reworded on another boat
        from firstmate.services.reminders import reminders_reworded  # it reads bookings: imported here

        on_another_boat = [s.person_id for s in event.roles if s.person_id] if existing.asset != asset.id else []
        followed = reminders_reworded(ctx, org, event, on_another_boat, written=followed)
    return followed


def _audiences(
    store: Store,
    profile: BusinessProfile,
    booking: Booking,
    before: CrewEvent,
    event: CrewEvent,
    guests: list[Guest],
    result: IntakeResult,
    unheard: frozenset[str],
    readdressed: bool,
) -> tuple[frozenset[str], frozenset[str]]:
    """Who the change need not tell (`quiet_audiences`) and who it is news to (`unheard`, with the lead at a new
    address and the guests no mail of the trip reached), none of whom is quiet."""
    unheard |= {LEAD} if readdressed else set()
    unheard |= _never_reached(store, profile.org.id, booking.id, guests)
    quiet = quiet_audiences(profile, before, event) if result is IntakeResult.UPDATED else frozenset()
    if readdressed and GUESTS in quiet:  # the lead at their new address hears of the trip; the others need not
        quiet = quiet - {GUESTS} | {OTHER_GUESTS}
    quiet -= unheard  # the trip is news to them, changed or not
    return quiet, unheard


def _first_word(
    store: Store, org: str, existing: Booking, booking: Booking, before: CrewEvent, guests: list[Guest], now: datetime
) -> tuple[frozenset[str], list[Put]]:
    """Of an import's later row of a booking it created: who heard nothing yet (all they were given still waits)
    and hears of the trip as this revision leaves it, as news; and the operations manager's messages that wait,
    withdrawn in this same transaction when they are told so."""
    fresh, ops_waiting = unheard_so_far(store, org, existing, booking.revision, now)
    fresh -= {CREW} if any(slot.person_id for slot in before.roles) else set()  # a role taken: they heard
    fresh -= {GUESTS} if len(guests) > 1 else set()  # a guest added by the lead: they heard
    return fresh, ops_waiting


def _withdrawn(
    store: Store,
    org: str,
    booking: Booking,
    guests: list[Guest],
    notices: list[Put],
    entry: CalendarEntry,
    now: datetime,
) -> list[Put]:
    """What the revision's `notices` supersede (`superseded`), withdrawn in its transaction."""
    told = [put.item.sk for put in notices]
    # a guest merged into the lead is told as the lead now: what still waits for them under their own id goes
    merged = [m for g in guests if g.lead for m in g.merged]
    told += [f"bk:{booking.id}:r{booking.revision}:guest:{m}" for m in merged]
    return superseded(store, org, booking, told, now, placed=entry.placed)


def _unheard(ctx: Context, profile: BusinessProfile, booking: Booking) -> frozenset[str]:
    """Who has heard nothing of `booking`'s trip so far (history imported late, a year typed wrong, and
    any change made while it was still over): to them its next change is news. Of a booking stored before
    this was kept (`Booking.unheard`), who heard nothing of its first revision, as its second alone knew."""
    if booking.cancelled:
        return frozenset()
    if booking.unheard is not None:
        return frozenset(booking.unheard)
    if booking.revision != 1:
        return frozenset()
    return still_unheard(ctx, profile, booking, EVERYONE, at=booking.created_at)


def _never_reached(store: Store, org: str, booking_id: str, guests: list[Guest]) -> frozenset[str]:
    """The audiences ("guest:<g>") of the guests but the lead whose invitation has not gone out (an outage held
    it), whom no other mail of the trip reached and who did nothing on their page: a change is told them as their
    invitation, with the trip as it is now (`booking_messages`); "Your trip has changed" told them of a trip they
    never heard of. A guest whose invitation is no longer kept (sent long ago) is not one."""
    invited, reached = set(), set()
    for item in all_items(store, outbox_pk(org), f"bk:{booking_id}:"):
        parts = item.sk.split(":")
        if "guest" not in parts[:4] or parts.index("guest") + 1 >= len(parts):
            continue
        guest = parts[parts.index("guest") + 1]
        if item.sk == f"bk:{booking_id}:guest:{guest}:invite":
            invited.add(guest)
        if from_item(item).status in (OutboxStatus.SENT, OutboxStatus.SENDING):
            reached.add(guest)
    never = invited - reached  # and one who said they are coming, or signed, on their page handed on has heard
    return frozenset(
        f"guest:{g.id}" for g in guests if not g.lead and g.id in never and g.status is GuestStatus.INVITED
    )
