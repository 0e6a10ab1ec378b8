"""The operator's view of bookings: those departing on some days, read from the calendar by departure, and one
booking with what it told whom. Money included: this is for the org's admins, never for crew."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from firstmate.domain.bookings import Booking
from firstmate.domain.calendar import CalendarEntry, EntryKind
from firstmate.domain.outbox import OutboxEntry
from firstmate.domain.shared import iso
from firstmate.errors import NotFound
from firstmate.services.bookings import get_booking
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.outbox import from_item, outbox_pk
from firstmate.services.paging import all_items, check_days, iter_between
from firstmate.services.trips import calendar_pk


@dataclass(frozen=True)
class BookingsListed:
    """The bookings departing from `first` to `last` (days in the business's zone), soonest first."""

    first: date
    last: date
    timezone: str
    bookings: list[Booking]


def bookings_between(ctx: Context, org: str, first: date, last: date, *, cancelled: bool = False) -> BookingsListed:
    """`org`'s bookings departing from day `first` to day `last` (both in the business's zone), soonest first;
    cancelled ones too with `cancelled`. InvalidInput for a range that ends before it starts, is over a year, or
    is outside 2000–2100; NotFound for an org that does not exist."""
    check_days(first, last)
    profile = load_business(ctx.store, org)
    if profile is None:
        raise NotFound(f"no org {org!r}")
    zone = ZoneInfo(profile.org.timezone)
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    found: list[Booking] = []
    # the calendar's sort keys begin with the UTC start: the range read is the departures asked for
    for item in iter_between(ctx.store, calendar_pk(org), iso(start), iso(end)):
        entry = CalendarEntry.model_validate(item.data)
        if entry.kind is not EntryKind.BOOKING or not entry.booking_id or not start <= entry.start < end:
            continue
        if entry.cancelled and not cancelled:
            continue
        found.append(get_booking(ctx.store, org, entry.booking_id))
    return BookingsListed(first, last, profile.org.timezone, found)


def booking_messages(ctx: Context, org: str, booking: Booking) -> list[OutboxEntry]:
    """Every message `booking` queued (each revision's to the operations manager, the crew and the guests; the
    guests' invitations), in the order queued, with where each stands: sent, waiting, dead or withdrawn."""
    entries = [from_item(item) for item in all_items(ctx.store, outbox_pk(org), f"bk:{booking.id}:")]
    return sorted(entries, key=lambda e: (e.created_at, e.key))
