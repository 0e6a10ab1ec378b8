"""Cancellations by reference alone: of a booking recorded (as it stands), or of one never heard of (remembered,
its hold released); and the other channels' bookings under the same reference, in words."""

from __future__ import annotations

import re
from collections.abc import Mapping

from firstmate.domain.bookings import SOURCE, Booking, BookingRequest, IntakePath, IntakeResult, cancellation_of
from firstmate.domain.business import BusinessProfile
from firstmate.domain.calendar import CalendarEntry
from firstmate.domain.intake import BlockedSlot, CancelledByReference
from firstmate.domain.timing import when
from firstmate.errors import Conflict, NotFound
from firstmate.ports import Item
from firstmate.services.bookings import MAX_ATTEMPTS, get_booking, remember_cancellation
from firstmate.services.context import Context
from firstmate.services.paging import all_items
from firstmate.services.trips import intake_pk


def _booking_named(ctx: Context, org: str, record: CancelledByReference) -> Booking | None:
    """The booking its channel's reference names, or None when none was recorded under it."""
    anchor = ctx.store.get(intake_pk(org), f"{record.source}#{record.external_id}")
    booking_id = anchor.data.get("booking_id") if anchor else None
    return get_booking(ctx.store, org, str(booking_id)) if booking_id else None


def cancelled_by_reference(ctx: Context, org: str, record: CancelledByReference) -> BookingRequest | IntakeResult:
    """The cancellation of the booking `record`'s reference names, as that booking stands; or, of one never
    recorded, what remembering it did (`remember_cancellation`): its confirmation, when it comes, books nothing."""
    for _ in range(MAX_ATTEMPTS):
        if recorded := _booking_named(ctx, org, record):
            return cancellation_of(recorded, sequence=record.sequence).numbered_in(IntakePath.EMAIL)
        if (result := remember_cancellation(ctx, org, record)) is not None:
            return result
    raise Conflict("the booking kept changing while its cancellation was being saved", hint="import it again")


def remembered_words(
    profile: BusinessProfile, record: CancelledByReference, result: IntakeResult, slot: CalendarEntry | None
) -> str:
    """What the import says of a cancellation remembered (`result`: CANCELLED now, UNCHANGED already), and of the
    hold of its reference it released (`slot`), if any."""
    held = f", held as “{slot.title}” ({when(slot.start, profile.org.timezone)})" if slot else ""
    released = "the hold is released; " if slot else ""
    already = "already " if result is IntakeResult.UNCHANGED else ""
    return (
        f"{record.source} {record.external_id} cancels a booking firstmate has no record of yet{held}: {released}"
        f"{already}remembered, so its confirmation, if it comes, is recorded as cancelled and told to the operations "
        "manager alone"
    )


def bookings_by_reference(ctx: Context, org: str) -> dict[str, list[tuple[str, str]]]:
    """Each reference (external_id) the org's bookings were given: the channels that gave it and their booking
    ids, in one read of the anchors however many cancellations never heard of a file holds."""
    found: dict[str, list[tuple[str, str]]] = {}
    for anchor in all_items(ctx.store, intake_pk(org)):
        channel, _, reference = anchor.sk.partition("#")
        if re.fullmatch(SOURCE, channel) and anchor.data.get("booking_id"):  # a blocked slot's is no booking's
            found.setdefault(reference, []).append((channel, str(anchor.data["booking_id"])))
    return found


def same_reference(
    ctx: Context, profile: BusinessProfile, source: str, reference: str, booked: Mapping[str, list[tuple[str, str]]]
) -> list[str]:
    """The other channels' bookings (`booked`: `bookings_by_reference`), still to sail, under the `reference` a
    cancellation from `source` names (none of its own recorded), in words with the command that cancels each:
    one imported from a CSV file without a source column is csv's. Nothing is cancelled across channels: two
    may share a reference."""
    org, zone, lines = profile.org.id, profile.org.timezone, []
    for channel, booking_id in booked.get(reference, []):
        try:
            booking = get_booking(ctx.store, org, booking_id) if channel != source else None
        except NotFound:  # its anchor left behind: nothing to cancel
            continue
        if booking is None or booking.cancelled or booking.request.end <= ctx.clock.now():
            continue
        lines.append(
            f"{channel} {reference} ({booking.request.lead_guest.name}'s trip, {when(booking.request.start, zone)}) "
            f"has the reference of {source} {reference}, which this file cancels, and still sails: if it is the same "
            f"booking, cancel it with: firstmate booking cancel {booking.id} --org {org}"
        )
    return lines


def remembered_by_reference(ctx: Context, org: str) -> dict[str, list[str]]:
    """Each reference (external_id) a cancellation remembered before its booking came names (`remember_cancellation`):
    the channels it came from, in one read of the anchors however many bookings a file creates."""
    found: dict[str, list[str]] = {}
    for anchor in all_items(ctx.store, intake_pk(org)):
        channel, _, reference = anchor.sk.partition("#")
        if re.fullmatch(SOURCE, channel) and cancelled_first(anchor):
            found.setdefault(reference, []).append(channel)
    return found


def cancelled_elsewhere(
    ctx: Context, profile: BusinessProfile, booking: Booking, remembered: Mapping[str, list[str]]
) -> list[str]:
    """The cancellations another channel sent of `booking`'s reference before it came (`remembered`:
    `remembered_by_reference`), the booking just created and still to sail, in words with the command that cancels
    it: as `same_reference` says when the booking came first. Nothing is cancelled across channels."""
    request, org = booking.request, profile.org.id
    if booking.cancelled or request.end <= ctx.clock.now():
        return []
    trip = f"{request.lead_guest.name}'s trip, {when(request.start, profile.org.timezone)}"
    return [
        f"{request.source} {request.external_id} ({trip}) has the reference of {channel} {request.external_id}, "
        "whose cancellation was imported earlier, and sails: if it is the same booking, cancel it with: "
        f"firstmate booking cancel {booking.id} --org {org}"
        for channel in remembered.get(request.external_id, [])
        if channel != request.source
    ]


def cancelled_first(anchor: Item | None) -> bool:
    """Whether the intake `anchor` of a channel's reference holds a cancellation remembered before any booking of
    it came (`remember_cancellation`)."""
    return anchor is not None and not anchor.data.get("booking_id") and "cancelled_first" in anchor.data


def hold_cancelled_first_words(profile: BusinessProfile, slot: BlockedSlot) -> str:
    """What the import says of a hold (or a listing without guest lines) of a reference whose cancellation came
    first: recorded cancelled, it holds no boat."""
    held = f"held as “{slot.title}” ({when(slot.start, profile.org.timezone)})"
    return (
        f"{slot.source} {slot.uid}, {held}, was cancelled before it arrived (by a cancellation imported earlier): "
        "the hold is recorded as cancelled and holds no boat"
    )


def hold_declined_words(profile: BusinessProfile, slot: BlockedSlot) -> str:
    """What the import says of a channel's listing of a request its email held and its decline since released
    (`declined_hold`): the decline stands, and it holds no boat."""
    held = f"held as “{slot.title}” ({when(slot.start, profile.org.timezone)})"
    return (
        f"{slot.source} {slot.uid}, {held}, was declined (or withdrawn) by an email imported earlier: the decline "
        "stands, and it holds no boat"
    )
