"""What a channel is told of a booking's boat: what else holds it while the trip does, and its passenger limit."""

from __future__ import annotations

from collections.abc import Sequence

from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile
from firstmate.domain.calendar import CalendarEntry
from firstmate.services.bookings.reads import booking_entry
from firstmate.services.context import Context
from firstmate.services.notifications import double_booking_lines
from firstmate.services.trips import double_bookings, report_double_bookings


def double_booked_now(
    ctx: Context, profile: BusinessProfile | None, booking: Booking, *, tell: bool = False
) -> tuple[CalendarEntry, ...]:
    """What else holds the booking's boat while its trip does, now (nothing once cancelled):
    for a channel that sends a booking again, or reads it, to learn of a clash it missed. With `tell`,
    the operations manager is also told of any pair not told of yet (a process that stopped between
    a booking's write and its check); without, nothing is written."""
    entry = booking_entry(ctx.store, booking)
    if entry is None or profile is None:
        return ()
    if tell:
        return tuple(report_double_bookings(ctx, profile, entry))
    return tuple(double_bookings(ctx.store, booking.org, entry, ctx.clock.now(), reading=True))


def said_to_channel(profile: BusinessProfile | None, entries: Sequence[CalendarEntry]) -> list[str]:
    """`entries` holding a boat, in words for the channel that sent or read a booking: by boat and
    time, without their titles (a booking's title names its lead guest, not this channel's to know;
    a blocked slot's may name someone too)."""
    return double_booking_lines(profile, entries, titled=False) if profile else []


def over_limit(profile: BusinessProfile | None, booking: Booking) -> str | None:
    """The booking over its boat's passenger limit, in words with what to do; None within it, without a
    limit, or once cancelled. Such a booking is recorded all the same: the channel has sold it."""
    asset = profile.asset(booking.asset) if profile is not None and not booking.cancelled else None
    line = asset.over_limit(booking.request.guest_count) if asset is not None else None
    if line is None:
        return None
    return f"{line}: the booking is recorded; move it to a larger boat, or correct its guest count"
