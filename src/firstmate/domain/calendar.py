"""Calendar entries: one per booking or blocked slot, versioned the way RFC 5545 expects."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class EntryKind(StrEnum):
    """A trip, or time the boat is unavailable."""

    BOOKING = "booking"
    BLOCKED = "blocked"


class CalendarEntry(BaseModel):
    """What every calendar feed shows of a booking. `sequence` rises with each change;
    `money_summary` is for the org's own feed only and never reaches crew feeds."""

    model_config = ConfigDict(frozen=True)

    uid: str
    org: str
    entity: str
    asset: str
    kind: EntryKind = EntryKind.BOOKING
    booking_id: str | None = None
    event_id: str | None = None
    title: str
    start: datetime
    end: datetime
    location: str = ""
    crew_description: str = ""
    money_summary: str = ""
    cancelled: bool = False
    sequence: int = 0
    updated_at: datetime


def next_sequence(previous: CalendarEntry | None, changed: CalendarEntry) -> CalendarEntry:
    """`changed` with its SEQUENCE one above the previous entry's (0 for a new entry)."""
    if previous is None:
        return changed.model_copy(update={"sequence": 0})
    return changed.model_copy(update={"sequence": previous.sequence + 1})
