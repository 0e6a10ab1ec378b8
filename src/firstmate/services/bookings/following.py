"""What a booking's change makes its trip follow: its guests on another business line (`line_followed`), its
crew event on another boat, day or line or with more guests (`event_followed`), a moved trip's roster markers and
clashes (`moved_onto`), and its reminders still to go (`reminder_writes`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from firstmate.domain.bookings import Booking, BookingRequest
from firstmate.domain.business import Asset, BusinessProfile, Entity
from firstmate.domain.checklist import (
    checked_elsewhere,
    checked_for_another_day,
    departed,
    recount,
    signed_for_another_line,
)
from firstmate.domain.crew import CrewEvent, follow_booking, jackets_for, move_to_boat, resolved, taken_off_by
from firstmate.domain.guests import Guest, GuestStatus
from firstmate.domain.roster import Clash, clashes
from firstmate.domain.timing import when
from firstmate.ports import Item, Put, Store, Write
from firstmate.services.context import Context
from firstmate.services.crew_trips import roster_marker
from firstmate.services.outbox import NOT_THEIRS, reminders_followed
from firstmate.services.trips import events_between
from firstmate.services.waiver_lines import lines_followed


def line_followed(
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


def event_followed(
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


def moved_onto(
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


def reminder_writes(
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
