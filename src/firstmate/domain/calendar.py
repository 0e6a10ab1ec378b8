"""Calendar entries: one per booking or blocked slot, versioned the way RFC 5545 expects."""

from __future__ import annotations

from collections.abc import Iterable
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
    #: the sequence at which it last took its times and boat (or came back from a cancellation): a
    #: double booking made again by a move is a new one to tell of, even at the same times
    placed: int = 0
    updated_at: datetime
    #: who sent it, for the operations manager: the booking's channel or the feed that blocked the slot,
    #: and the channel's own reference of a booking ("" for an entry stored before 2026-12-06)
    channel: str = ""
    reference: str = ""
    #: a marketplace's booking request held (a blocked slot): it stops holding the boat then, if never answered
    held_until: datetime | None = None

    def lapsed(self, now: datetime) -> bool:
        """Whether it is a request's hold that has stopped holding the boat by `now`, never answered."""
        return self.held_until is not None and self.held_until <= now


def as_of(entry: CalendarEntry, now: datetime) -> CalendarEntry:
    """`entry` as it stands at `now`: a request's hold that has lapsed unanswered reads as cancelled (one
    SEQUENCE on, so calendars take the change), holding no boat, with nothing written."""
    if not entry.lapsed(now) or entry.cancelled:
        return entry
    return entry.model_copy(update={"cancelled": True, "sequence": entry.sequence + 1})


def next_sequence(previous: CalendarEntry | None, changed: CalendarEntry) -> CalendarEntry:
    """`changed` with its SEQUENCE one above the previous entry's (0 for a new entry), and `placed`
    moved up to it when its times, boat or cancellation changed."""
    if previous is None:
        return changed.model_copy(update={"sequence": 0, "placed": 0})
    sequence = previous.sequence + 1
    where = (changed.start, changed.end, changed.asset, changed.cancelled)
    moved = where != (previous.start, previous.end, previous.asset, previous.cancelled)
    return changed.model_copy(update={"sequence": sequence, "placed": sequence if moved else previous.placed})


def holds_the_same_boat(one: CalendarEntry, other: CalendarEntry) -> bool:
    """True when two live entries hold one boat at a shared moment: two trips on it, or a trip and
    a blocked slot (a slot that names no boat holds every boat). Two blocked slots never clash, and
    a trip departing as another comes back does not."""
    if one.uid == other.uid or one.cancelled or other.cancelled:
        return False
    if one.kind is EntryKind.BLOCKED and other.kind is EntryKind.BLOCKED:
        return False
    every_boat = any(e.kind is EntryKind.BLOCKED and not e.asset for e in (one, other))
    return (every_boat or one.asset == other.asset) and one.start < other.end and other.start < one.end


def double_booked(entry: CalendarEntry, others: Iterable[CalendarEntry]) -> list[CalendarEntry]:
    """The entries of `others` that hold `entry`'s boat while it does, soonest first."""
    return sorted((o for o in others if holds_the_same_boat(entry, o)), key=lambda o: o.start)


def crew_title(entry: CalendarEntry) -> str:
    """A booking's title as crew read it: its boat and head count, not the lead guest's name, which no crew
    page shows ("Sea Lark (6 guests)" of "Sea Lark: Dana Whitcomb (6 guests)", the form a booking's entry is
    written in). A blocked slot's title is its own, but a request's hold's, which names the renter: "Request: 6
    passengers" of "Request: Dana Whitcomb, 6 passengers"."""
    if entry.kind is not EntryKind.BOOKING:
        asked, said, rest = entry.title.partition(": ")
        return f"{asked}: {rest.rpartition(', ')[2]}" if entry.held_until is not None and said else entry.title
    boat, said, rest = entry.title.partition(": ")
    if not said:
        return entry.title
    count = rest[rest.rfind(" (") :] if rest.endswith(")") and " (" in rest else ""
    return boat + count
