"""Which version of an event to read when its UID is listed more than once (SEQUENCE, then LAST-MODIFIED),
and an event's SEQUENCE, its channel's revision number."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar

from firstmate.adapters.sources.bookings.ics_file.properties import as_written, decoded_value, event_uid
from firstmate.domain.bookings import MAX_SEQUENCE
from firstmate.domain.intake import RowError


def latest_versions(events: list[icalendar.Event]) -> dict[int, RowError | None]:
    """The places in the file of the events to read: of a UID listed more than once (a reservation
    and its update, in either order), its latest version alone, as calendars take it (`_version`),
    or a RowError when the versions cannot be told apart. An event without a UID is read, to be refused."""
    places: dict[str, list[int]] = {}
    for n, event in enumerate(events):
        # an edited occurrence (RECURRENCE-ID) shares its series' UID: each is read, and refused as repeating
        alone = not event_uid(event) or event.get("RECURRENCE-ID") is not None
        places.setdefault(f"#{n}" if alone else event_uid(event), []).append(n)
    latest: dict[int, RowError | None] = {}
    for uid, listed in places.items():
        if len(listed) == 1:  # listed once: its SEQUENCE matters to nothing
            latest[listed[0]] = None
            continue
        try:  # the last listed of equal versions: as applying them in file order left it
            numbers = {n: _number(events[n]) for n in listed}
            newest = [n for n in listed if numbers[n] == max(numbers.values())]
            # LAST-MODIFIED is read only between versions of one SEQUENCE (a date-only one refused the file)
            latest[newest[0] if len(newest) == 1 else max(newest, key=lambda n: (*_version(events[n]), n))] = None
        except ValueError as exc:
            latest[listed[-1]] = RowError(
                f"event {uid}", f"listed {len(listed)} times, and which is the latest cannot be told: {exc}"
            )
    return latest


def _version(event: icalendar.Event) -> tuple[int, datetime]:
    """How recent a version of an event is: its SEQUENCE (0 when absent), then its LAST-MODIFIED."""
    sequence = _number(event)
    if event.get("LAST-MODIFIED") is None:
        return sequence, datetime.min.replace(tzinfo=UTC)
    modified = decoded_value(event, "LAST-MODIFIED", datetime)
    return sequence, modified if modified.tzinfo else modified.replace(tzinfo=UTC)  # RFC 5545: always UTC


def _number(event: icalendar.Event) -> int:
    """The event's SEQUENCE (0 when absent), refused when it is not one whole number."""
    sequence = event.get("SEQUENCE", 0)
    if not isinstance(sequence, int):
        raise ValueError(
            f"its SEQUENCE {as_written(event, 'SEQUENCE')!r} is not one whole number; write it like SEQUENCE:2"
        )
    return sequence


def event_sequence(event: icalendar.Event) -> int | None:
    """The event's SEQUENCE, its channel's revision number, or None when it gives none. One out of range
    is refused for every event, as for a booking's: stored on a cancellation, it made the booking unreadable."""
    if event.get("SEQUENCE") is None:
        return None
    sequence = _number(event)  # its LAST-MODIFIED matters only to a UID listed twice (`_version`)
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"its SEQUENCE {sequence} is not from 0 to {MAX_SEQUENCE}; write it like SEQUENCE:2")
    return sequence
