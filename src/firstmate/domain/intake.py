"""What booking sources produce: booking requests, blocked slots, or a record that could not be read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from firstmate.domain.bookings import BookingRequest


@dataclass(frozen=True)
class BlockedSlot:
    """Time a boat is unavailable, from a calendar export (keyed by the event's UID)."""

    uid: str
    start: datetime
    end: datetime
    title: str
    asset: str | None = None
    cancelled: bool = False
    #: the channel whose calendar listed it: that channel's booking of the same UID is this reservation
    source: str = ""
    #: a reservation requested, not yet accepted (STATUS:TENTATIVE): held, and of a booking already
    #: made, a change not yet agreed (the booking stands)
    tentative: bool = False
    #: its channel's revision number (the event's SEQUENCE), if it gave one: a cancellation numbered
    #: below the booking's newest revision is older news
    sequence: int | None = None


@dataclass(frozen=True)
class RowError:
    """A record that could not be read: where, and what to fix."""

    where: str
    problem: str


ParsedRecord = BookingRequest | BlockedSlot | RowError
