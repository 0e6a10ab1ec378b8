"""Reading one property of an event: its value if it is of the kind wanted, as written, and the UID."""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

import icalendar

T = TypeVar("T")


def decoded_value(event: icalendar.Event, name: str, kind: type[T]) -> T:
    """The property's value if it is a `kind`; icalendar hands back text (or raises) for what it cannot read."""
    try:
        value = event.decoded(name)
    except (ValueError, TypeError, AttributeError):  # icalendar's own failures (VALUE=TIME, say)
        value = None
    if isinstance(value, list):
        raise ValueError(f"the event has {len(value)} {name} lines; keep one")
    if not isinstance(value, kind):
        example = "PT3H" if kind is timedelta else "20260613T160000"
        raise ValueError(f"cannot read {name} {as_written(event, name)!r}; write it like {name}:{example}")
    return value


def as_written(event: icalendar.Event, name: str) -> str:
    """The property as the file writes it, cut to 60 characters, to quote in a message."""
    value = event.get(name)
    text = value.to_ical() if hasattr(value, "to_ical") else str(value)
    return (text.decode(errors="replace") if isinstance(text, bytes) else str(text))[:60]


def event_uid(event: icalendar.Event) -> str:
    """The event's UID, "" when it has none."""
    return str(event.get("UID", "")).strip()
