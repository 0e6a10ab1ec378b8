"""A booking's first revision and all it fans out to: the booking, its crew event, its calendar entry, its
guest page code, its lead guest and the notices it causes, in one transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from firstmate.domain.bookings import Booking, BookingRequest, IntakeResult
from firstmate.domain.business import Asset, BusinessProfile, Entity
from firstmate.domain.calendar import CalendarEntry, next_sequence
from firstmate.domain.codes import encode_code
from firstmate.domain.crew import CrewEvent, new_event
from firstmate.domain.guests import Guest
from firstmate.domain.reports.format import plural
from firstmate.ports import Absent, Item, Put, VersionIs, Write
from firstmate.services.bookings.anchors import anchor_data, anchor_numbers, bodies_with, intake_sk, revision_seen
from firstmate.services.bookings.fanout import commit_with_notices
from firstmate.services.context import Context
from firstmate.services.crew_freed import not_asked_write
from firstmate.services.notifications import EVERYONE, booking_notifications, still_unheard
from firstmate.services.people import crew_for_roles
from firstmate.services.trips import (
    DEFERRED_CHECK,
    booking_pk,
    calendar_pk,
    calendar_sk,
    check_owed,
    code_pk,
    crew_busy_between,
    intake_pk,
    report_double_bookings,
)


def create_booking(
    ctx: Context,
    profile: BusinessProfile,
    entity: Entity,
    asset: Asset,
    request: BookingRequest,
    result: IntakeResult,
    *,
    tell: bool,
    remembered: Item | None = None,
    retiring: Sequence[Write] = (),
) -> tuple[Booking, tuple[CalendarEntry, ...]]:
    """The booking's first revision and all it fans out to: `result` is CREATED, or CANCELLED for a
    cancellation of a booking never seen (recorded, and told to the operations manager alone). `remembered`: the
    anchor of a cancellation that came before it (`remember_cancellation`), whose numbers it keeps: recorded
    cancelled (`cancelled_first`), it is told to nobody, the cancellation already said when imported. `retiring`: the
    writes that cancel the hold its channel's request left (`trips.retiring_hold`), in the same transaction."""
    now = ctx.clock.now()
    suffix = secrets.token_hex(8)
    booking = Booking(
        id=f"bk_{suffix}",
        org=profile.org.id,
        event_id=f"ev_{suffix}",
        entity=entity.id,
        asset=asset.id,
        guest_code=encode_code(secrets.token_bytes(7)),
        request=request,
        fingerprint=request.fingerprint(),
        created_at=now,
        updated_at=now,
    )
    booking = booking.model_copy(
        update={"unheard": tuple(sorted(still_unheard(ctx, profile, booking, EVERYONE, at=now)))}
    )
    event = new_event(booking, asset.name, asset.roles, asset.checklist)
    entry = next_sequence(None, calendar_entry_for(booking, event, asset, now))
    lead = Guest(id="g1", name=request.lead_guest.name, email=request.lead_guest.email, lead=True, added_at=now)
    org, pk = profile.org.id, booking_pk(profile.org.id, booking.id)
    writes: list[Write] = [
        Put(
            Item(
                intake_pk(org),
                intake_sk(request),
                anchor_data(
                    booking.id,
                    [revision_seen(booking)],
                    request,
                    anchor_numbers(remembered),
                    bodies_with(None, request),
                ),
            ),
            VersionIs(remembered.version) if remembered else Absent(),
        ),
        Put(Item(pk, "BOOKING", booking.model_dump(mode="json")), Absent()),
        Put(Item(pk, "EVENT", event.model_dump(mode="json")), Absent()),
        Put(Item(pk, f"GUEST#{lead.id}", lead.model_dump(mode="json")), Absent()),
        Put(
            Item(calendar_pk(org), calendar_sk(request.start, booking.id), entry.model_dump(mode="json")),
            Absent(),
        ),
        check_owed(org, calendar_sk(request.start, booking.id), after=None if tell else now + DEFERRED_CHECK),
        Put(Item(code_pk(booking.guest_code), "CODE", {"org": org, "booking_id": booking.id}), Absent()),
        *retiring,
    ]
    # those on another trip then are not asked to crew it (read only for a trip to come, which crew are asked of)
    live = result is IntakeResult.CREATED and request.start > now
    busy = crew_busy_between(ctx.store, org, request.start, request.end) if live else frozenset()
    # who that leaves out is kept: asked once the trip keeping them busy lets them go (`crew_freed`)
    left_out = {p.id for p in crew_for_roles(ctx.store, org, asset.roles) if p.id in busy} if busy else set()
    if (kept := not_asked_write(org, booking.id, left_out)) is not None:
        writes.append(kept)
    # one whose cancellation came first is told as a cancellation never heard of: to the operations manager alone
    notices = booking_notifications(ctx, profile, entity, asset, booking, event, [lead], result, busy=busy)
    commit_with_notices(ctx, booking, writes, notices, result)
    return booking, tuple(report_double_bookings(ctx, profile, entry)) if tell else ()


def calendar_entry_for(booking: Booking, event: CrewEvent, asset: Asset, now: datetime) -> CalendarEntry:
    """The calendar entry of `booking`'s revision on `asset`, with its crew `event`, as of `now` (its sequence
    left to `next_sequence`)."""
    request = booking.request
    crew_lines = [f"Guests: {request.guest_count}", f"Boat: {asset.name}"]
    if request.notes:
        crew_lines.append(f"Notes: {request.notes}")
    return CalendarEntry(
        uid=f"{booking.id}@firstmate",
        org=booking.org,
        entity=booking.entity,
        asset=booking.asset,
        booking_id=booking.id,
        event_id=event.id,
        title=f"{asset.name.split(' (')[0]}: {request.lead_guest.name} ({plural(request.guest_count, 'guest')})",
        start=request.start,
        end=request.end,
        location=asset.meeting_point or "",
        crew_description="\n".join(crew_lines),
        money_summary=f"Gross {request.gross} via {request.source} ({request.external_id})",
        cancelled=booking.cancelled,
        updated_at=now,
        channel=request.source,
        reference=request.external_id,
    )
