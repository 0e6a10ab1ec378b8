"""What shares a moment with a span of time on the calendar (`calendar_between`).

The calendar is sorted by start, so what overlaps a moment is found by reading the days before it,
as far back as the longest trip (72 hours). Blocked slots may last months (a haul-out, a winter
ashore): the long ones are also kept in one small list, read whole, so finding them costs one read
however long they are.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from firstmate.domain.bookings import MAX_TRIP_HOURS
from firstmate.domain.calendar import CalendarEntry
from firstmate.domain.shared import iso
from firstmate.ports import Store
from firstmate.services.paging import iter_between
from firstmate.services.trips.keys import calendar_pk

#: The longest a trip lasts: how far before a moment the calendar is read for what still holds it then.
TRIP_LENGTH = timedelta(hours=MAX_TRIP_HOURS)


def calendar_between(
    store: Store, org: str, start: datetime, end: datetime, lookback: timedelta
) -> list[CalendarEntry]:
    """The calendar entries (trips and blocked slots, cancelled ones included) sharing a moment with
    [start, end) among those starting from `lookback` before `start`, in order. The calendar's sort
    keys begin with the UTC start, so it is read as one range of them: the cost is the entries
    starting in that span, whatever the calendar holds."""
    first, last = (start - lookback).astimezone(UTC), end.astimezone(UTC)
    items = iter_between(store, calendar_pk(org), iso(first), iso(last))  # from first, to just before last
    # only the few that overlap are validated: a model per entry of the span was most of the cost
    return [
        CalendarEntry.model_validate(i.data)
        for i in items
        if first <= datetime.fromisoformat(i.data["start"]) < end and datetime.fromisoformat(i.data["end"]) > start
    ]
