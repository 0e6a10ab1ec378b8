"""Bookings and blocked slots from an OTA calendar export (.ics): `parse_ics`.

Each VEVENT is keyed by its UID. An event whose DESCRIPTION carries a guest (`Guest:` and
`Email:` lines) is a booking; any other event blocks the boat for its time, unless its UID is
already a booking of this channel (see `services.imports`).

- `calendar`: parse_ics, the whole file: its text, its events, the zone the calendar keeps;
- `versions`: the latest version of a UID listed more than once, and an event's SEQUENCE;
- `record`: one event as a booking request, a blocked slot, or a row error;
- `description`: the DESCRIPTION's text, labelled values, private lines of money, and `Total:`;
- `times`: when an event starts and ends, as aware moments within the years firstmate takes;
- `durations`: an event's DURATION as written (calendar days apart from real hours);
- `properties`: one property's value of the kind wanted, as written, and the UID.
"""

from firstmate.adapters.sources.bookings.ics_file.calendar import parse_ics

__all__ = ["parse_ics"]
