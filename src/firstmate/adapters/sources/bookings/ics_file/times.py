"""When an event starts and ends: aware moments (floating times and all-day dates in the calendar's zone,
else the business's), within the years firstmate takes, an end after the start."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar

from firstmate.adapters.sources.bookings.ics_file.durations import duration_parts
from firstmate.adapters.sources.bookings.ics_file.properties import as_written, decoded_value

#: The years an event may start and end in: the bound a booking's start has (BookingRequest.start).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def event_times(event: icalendar.Event, timezone: str, duration: str | None = None) -> tuple[datetime, datetime]:
    """When the event starts and ends; `duration` is its DURATION as written (`written_durations`)."""
    if event.get("DTSTART") is None:
        raise ValueError("no DTSTART")
    start = _within_years("starts", _aware(event, "DTSTART", timezone))
    if event.get("DTEND") is not None:
        end = _aware(event, "DTEND", timezone)
    elif event.get("DURATION") is not None:
        decoded = decoded_value(event, "DURATION", timedelta)  # one a reader can read, or its error
        try:
            days, seconds = duration_parts(duration or as_written(event, "DURATION"))
        except ValueError:  # the text found is not this event's: as icalendar read it
            days, seconds = decoded.days, decoded.seconds
        if timedelta(days=days, seconds=seconds) != decoded:  # the text found is another event's: as read
            days, seconds = decoded.days, decoded.seconds
        try:  # RFC 5545: its weeks and days are calendar days (the same clock time), the rest real time
            day_later = start + timedelta(days=days)
            end = (day_later.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(start.tzinfo)
        except OverflowError:
            raise ValueError(f"the DURATION {as_written(event, 'DURATION')!r} is too long") from None
    elif isinstance(event.decoded("DTSTART"), datetime):  # RFC 5545: it ends as it starts (it was given a day)
        raise ValueError("gives its start time and no end (no DTEND or DURATION): export it with its end time")
    else:
        end = start + timedelta(days=1)  # an all-day event: to the same clock time the next day
    _within_years("ends", end)
    if elapsed(start, end) <= timedelta(0):
        raise ValueError("the event ends before it starts")
    return start, end


def elapsed(start: datetime, end: datetime) -> timedelta:
    """The real time between two moments: in one zone, Python subtracts clock times, an hour off
    across a change of the clocks (a night sail from 22:00 PST to 04:00 PDT is 5 hours, not 6)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def _within_years(verb: str, moment: datetime) -> datetime:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(
            f"the event {verb} on {moment.date()}: firstmate takes dates between {FIRST_YEAR} and {LAST_YEAR}"
        )
    return moment


def _aware(event: icalendar.Event, name: str, timezone: str) -> datetime:
    """The property's moment. A floating time, or an all-day date (midnight), is in `timezone` (the calendar's
    own, else the business's); a time in a zone icalendar could not find is refused rather than read as local."""
    value = decoded_value(event, name, date)
    if not isinstance(value, datetime):  # an all-day event: midnight local
        value = datetime.combine(value, time())
    elif value.tzinfo is None and getattr(event.get(name), "params", {}).get("TZID"):
        zone = str(event.get(name).params["TZID"])[:60]
        raise ValueError(
            f"{name} is in the time zone {zone!r}, which is not defined in the file and is not a known zone; "
            "export the calendar with zones like America/Los_Angeles, or in UTC"
        )
    if value.tzinfo is None:  # floating time: the calendar's zone, else the business's
        value = value.replace(tzinfo=ZoneInfo(timezone))
    return value
