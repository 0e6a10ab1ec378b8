"""A VEVENT's lines written as `icalendar` writes an Event, without an Event: the same bytes, ten times sooner.

An `icalendar.Event` per trip and its `to_ical()` cost about 0.7 ms a trip (property objects, parameters, folding
each line char by char): a feed of 10,000 trips took 7 to 15 s, near a web function's 29 s. Here a property is
written from its value: text escaped by icalendar's own `vText`, a date-time as `vDDDTypes` writes it (its
`NAME;TZID=…:` prefix asked of icalendar once per zone), the properties in `Event`'s own order, and a line past
75 octets folded by icalendar's `Contentline`. `tests/web/test_feed_render.py` holds it to an Event's bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo

import icalendar
from icalendar.parser import Contentline

#: What a property may hold here: text, an integer (SEQUENCE) or an aware date-time.
Value = str | int | datetime

#: The properties a feed's VEVENT carries (a name not here is written last, in the order given).
_NAMES = (
    "UID",
    "SEQUENCE",
    "DTSTAMP",
    "LAST-MODIFIED",
    "DTSTART",
    "DTEND",
    "STATUS",
    "SUMMARY",
    "TRANSP",
    "LOCATION",
    "DESCRIPTION",
)
#: icalendar writes these in UTC whatever the zone they are given in (RFC 5545 asks it of them).
_IN_UTC = frozenset({"DTSTAMP", "CREATED", "LAST-MODIFIED"})
#: A content line of this many octets or more is folded (icalendar keeps 74 to a line).
_FOLD_AT = 75


def _rank() -> dict[str, int]:
    """Each name's place as an Event sorts its properties (its canonical order, then alphabetical)."""
    probe = icalendar.Event()
    for name in _NAMES:
        probe[name] = icalendar.vText("")
    return {name: place for place, name in enumerate(probe.sorted_keys())}


_RANK = _rank()


def vevent_ics(properties: Sequence[tuple[str, Value]]) -> bytes:
    """The VEVENT holding `properties` (upper-case names, each once), byte for byte what an `icalendar.Event`
    given them by `add` writes."""
    ordered = sorted(properties, key=lambda p: _RANK.get(p[0], len(_RANK)))
    lines = [_folded(_line(name, value)) for name, value in ordered]
    return b"BEGIN:VEVENT\r\n" + b"\r\n".join(lines) + b"\r\nEND:VEVENT\r\n"


def _line(name: str, value: Value) -> str:
    if isinstance(value, datetime):
        if name in _IN_UTC:
            value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
        key = (name, value.tzinfo, value.tzname())
        prefix, suffix = _FORMS.get(key) or _FORMS.setdefault(key, _date_time_form(name, value))
        return f"{prefix}{_digits(value)}{suffix}"
    if isinstance(value, int):
        return f"{name}:{value}"
    escaped: bytes = icalendar.vText(value).to_ical()
    # read back as icalendar reads it, "utf-8-sig": a byte order mark leading the text is dropped
    return f"{name}:{escaped.decode('utf-8-sig')}"


#: What icalendar writes around a date-time, by name and zone (and the zone's name then, as a TZID could follow it).
_FORMS: dict[tuple[str, tzinfo | None, str | None], tuple[str, str]] = {}


def _digits(moment: datetime) -> str:
    return f"{moment.year:04}{moment.month:02}{moment.day:02}T{moment.hour:02}{moment.minute:02}{moment.second:02}"


def _date_time_form(name: str, moment: datetime) -> tuple[str, str]:
    """What icalendar writes before and after the digits of `moment` as `name` (its `;TZID=` parameter, or
    the `Z` of UTC): asked of icalendar once per zone and name."""
    value = icalendar.vDDDTypes(moment)
    written: str = Contentline.from_parts(name, value.params, value)
    digits = _digits(moment)
    for suffix in ("Z", ""):
        if written.endswith(digits + suffix):
            return written.removesuffix(digits + suffix), suffix
    raise ValueError(f"icalendar writes {moment.isoformat()} as {written!r}, not with {digits}")


def _folded(line: str) -> bytes:
    """`line` as icalendar writes it: folded past 75 octets (the short ones, nearly all, as they are)."""
    if len(line) < _FOLD_AT and (line.isascii() or len(line.encode("utf-8")) < _FOLD_AT):
        return line.encode("utf-8")
    line_of_icalendar = Contentline(line)  # type: ignore[no-untyped-call]
    folded: bytes = line_of_icalendar.to_ical()  # type: ignore[no-untyped-call]
    return folded
