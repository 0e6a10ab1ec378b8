"""A calendar event without guest lines whose UID is a booking of its channel: that booking as the listing
places it (`booked_as`, `as_placed`), a refusal when it would move the trip (`guestless_move`), or, of a cancelled
booking, a change it does not take (`asks_of_cancelled`)."""

from __future__ import annotations

from firstmate.domain.bookings import Booking, BookingRequest, BookingStatus, IntakePath, newest_by_path, numbered_below
from firstmate.domain.business import BusinessProfile
from firstmate.domain.intake import BlockedSlot, RowError
from firstmate.domain.timing import when
from firstmate.ports import Item
from firstmate.services.bookings import get_booking, last_said
from firstmate.services.context import Context
from firstmate.services.trips import intake_pk


def guestless_move(ctx: Context, profile: BusinessProfile, index: int, slot: BlockedSlot) -> list[RowError]:
    """A refusal for an event without guest lines whose UID is a live booking at other times: it
    cannot be the booking (it does not say who sails), and as a blocked slot it clashes with it."""
    anchor = anchor_of(ctx, profile.org.id, slot)
    booking = booked_as(ctx, profile.org.id, slot)
    if booking is None or booking.cancelled or slot.cancelled or slot.tentative:  # a change asked: the booking stands
        return []
    if (slot.start, slot.end) == (booking.request.start, booking.request.end):
        return []
    if anchor is not None and numbered_below(slot.sequence, _calendars_number(anchor)):
        return []  # an older revision, before the trip moved: it changes nothing
    booked_at = when(booking.request.start, profile.org.timezone)
    return [RowError(f"record {index} ({slot.uid})",
                     f"is the booking of {booking.request.lead_guest.name} ({booked_at}), listed at other times "
                     "without its Guest: and Email: lines: export it with them to move the trip")]  # fmt: skip


def asks_of_cancelled(ctx: Context, org: str, booking: Booking, slot: BlockedSlot) -> bool:
    """Whether `slot`, a listing of `booking`'s UID (`booked_as`), asks a change of it cancelled, which it does not
    take (a cancellation is final) and the import says: listed tentative (asked again) or at other times, not
    cancelled, and not numbered below the newest export of it (older news, from before it moved)."""
    if not booking.cancelled or slot.cancelled:
        return False
    anchor = anchor_of(ctx, org, slot)
    if anchor is not None and numbered_below(slot.sequence, _calendars_number(anchor)):
        return False
    return slot.tentative or (slot.start, slot.end) != (booking.request.start, booking.request.end)


def anchor_of(ctx: Context, org: str, slot: BlockedSlot) -> Item | None:
    """The intake's record of `slot`'s UID in the channel that listed it, if it has one."""
    return ctx.store.get(intake_pk(org), f"{slot.source}#{slot.uid}") if slot.source else None


def _calendars_number(anchor: Item) -> int | None:
    """The highest revision number calendar exports gave the booking `anchor` holds (other paths number
    their own revisions: an email's send time or a CSV row's number says nothing of an export's SEQUENCE)."""
    return newest_by_path(anchor.data.get("sequences"), anchor.data.get("sequence")).get(IntakePath.CALENDAR)


def booked_as(ctx: Context, org: str, slot: BlockedSlot) -> Booking | None:
    """The booking that `slot`'s UID already is in the channel that listed it (an export may list a
    reservation without its guest lines: cancelled, say), or None."""
    anchor = anchor_of(ctx, org, slot)
    booking_id = anchor.data.get("booking_id") if anchor else None  # a blocked slot's own anchor has none
    return get_booking(ctx.store, org, str(booking_id)) if booking_id else None


def as_placed(booking: Booking, slot: BlockedSlot, anchor: Item | None) -> BookingRequest:
    """What calendar exports last said of `booking` (`anchor` its intake's record), numbered as `slot` lists
    it: a revision numbered between the two is then older news, and the listing, saying nothing of the
    trip, changes nothing. Said as the booking stands (naming its boat, as `cancellation_of` does) when no
    export has spoken of it since they were kept (2026-12-06): as the booking stands, it was kept as their
    last word, and their next listing with its guests took back what other paths had changed since. A
    tentative listing is a change asked, not made: it numbers nothing (the booking's own number, of
    whichever path, is no export's)."""
    sequence = None if slot.tentative else slot.sequence
    said = last_said(anchor, IntakePath.CALENDAR) if anchor is not None else None
    if said is not None and said.asset is not None:
        return said.model_copy(update={"sequence": sequence, "status": BookingStatus.CONFIRMED})
    return booking.request.model_copy(update={"entity": None, "asset": booking.asset, "sequence": sequence})
