"""Reading a whole .ics file: its text (UTF-8), its events (at most MAX_EVENTS), the latest version of each,
and the zone the calendar keeps."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import cast
from zoneinfo import ZoneInfo

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from firstmate.adapters.sources.bookings.ics_file.durations import written_durations
from firstmate.adapters.sources.bookings.ics_file.record import read_event
from firstmate.adapters.sources.bookings.ics_file.versions import latest_versions
from firstmate.domain.intake import ParsedRecord, RowError

MAX_EVENTS = 5000
_ZONES = threading.Lock()  # one file read at a time: the zones icalendar knows are the file's own


def parse_ics(
    raw: bytes,
    *,
    source: str,
    timezone: str,
    asset: str | None,
    boats: Mapping[str, str] | None = None,
    currency: str = "USD",
) -> list[ParsedRecord]:
    """Every VEVENT as a booking request, a blocked slot, or a RowError naming its UID; a file that
    is not UTF-8 is one RowError. `boats` (asset id to boat name) lets `Boat:` name a boat by its
    name, as firstmate's own feeds write it ("Sea Lark (38 ft sloop)"), as well as by its id. A `Total:`
    that names no currency is in `currency`, the business's."""
    try:  # strictly: icalendar puts U+FFFD for what it cannot read, and "Zoë" was greeted as "Zo�"
        text = raw.decode("utf-8-sig")  # a byte order mark, as some Windows programs write, is no text
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [RowError("file", f"line {line} is not UTF-8 text: save the calendar as UTF-8")]
    with _ZONES:
        # icalendar keeps the zones a file defines (VTIMEZONE) for the whole process: forget earlier
        # files' zones, so that this file's names mean what it says, or nothing
        icalendar.use_zoneinfo()  # type: ignore[no-untyped-call]
        try:
            calendar = icalendar.Calendar.from_ical(text)
        except ValueError as exc:
            return [RowError("file", f"not an iCalendar file: {exc}")]
        events = cast(list[icalendar.Event], calendar.walk("VEVENT"))
        if len(events) > MAX_EVENTS:
            return [RowError("file", f"a file holds at most {MAX_EVENTS} events; split it")]
        durations = written_durations(text)
        latest = latest_versions(events)
        floating = _calendar_zone(calendar) or timezone
        return [
            latest[n]
            or read_event(
                event,
                source=source,
                timezone=floating,
                asset=asset,
                duration=durations.get(n),
                boats=boats,
                currency=currency,
            )
            for n, event in enumerate(events)
            if n in latest
        ]


def _calendar_zone(calendar: icalendar.Calendar) -> str | None:
    """The zone the calendar says it keeps (`X-WR-TIMEZONE`, as Google Calendar and others export it), when it is
    a known one (an IANA name, or a Windows one as Outlook writes it): its floating times and all-day dates are
    that zone's. They were read in the business's own, hours off for a channel's calendar kept in another zone.
    None when it names none, or none firstmate knows."""
    written = str(calendar.get("X-WR-TIMEZONE") or "").strip()[:60]
    named = WINDOWS_TO_OLSON.get(written, written)  # Outlook writes "GMT Standard Time" for Europe/London
    if not named:
        return None
    try:
        ZoneInfo(named)
    except (ValueError, KeyError, OSError):  # no zone firstmate knows (a typo): as before, the business's
        return None
    return named
