"""What booking sources produce: booking requests, blocked slots, a record that could not be read, one
left alone (a request not yet accepted whose trip does not read), or a request's hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from firstmate.domain.bookings import BookingRequest

#: Emails' revision numbers (their send time) count seconds from here, to fit a SEQUENCE.
SENT_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
#: How long a booking request holds its boat, from when the marketplace sent it: owners answer within a day or two.
REQUEST_HELD = timedelta(hours=48)


def request_lapse(sent: int, start: datetime) -> datetime:
    """When a request emailed at `sent` (seconds since `SENT_EPOCH`) for a trip leaving at `start` stops holding
    its boat unanswered: `REQUEST_HELD` after the email, or the trip's start if sooner."""
    return min(SENT_EPOCH + timedelta(seconds=sent) + REQUEST_HELD, start)


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


@dataclass(frozen=True)
class NotBooked:
    """A record read and rightly left alone: a marketplace's booking request, not yet accepted. Nothing
    is written; `why` says so in words, and what will book it."""

    what: str  # the channel and its id: "boatsetter BS-7Q4K2M"
    why: str


@dataclass(frozen=True)
class HeldRequest:
    """A marketplace's booking request, not yet accepted, whose trip reads: it holds the boat for the trip's
    times under its channel and reference (the keys a hold from that channel's calendar export takes, so the
    confirmation or the decline retires it) until `held_until`, unless answered before. `what` and `asked` say
    the request in words, as `NotBooked` does; `unread_price`, why its price alone did not read."""

    source: str
    external_id: str
    asset: str
    start: datetime
    end: datetime
    title: str  # "Request: Dana Whitcomb, 6 passengers": no money
    held_until: datetime
    #: its channel's revision number (an email's send time): a request older than the decline is older news
    sequence: int
    what: str  # the channel and its id: "boatsetter BS-7Q4K2M"
    asked: str  # "is a booking request awaiting the owner's acceptance"
    #: why its price did not read ("" when it did): a hold keeps no price, so it holds its boat all the same
    unread_price: str = ""


@dataclass(frozen=True)
class CancelledByReference:
    """A cancellation naming its booking by its channel's reference alone (a marketplace's short cancellation
    email, without the trip's date, time, passengers or price): the booking recorded under that reference is
    cancelled; one never recorded is nothing to cancel."""

    source: str
    external_id: str
    #: its channel's revision number (an email's send time): one below the booking's newest is older news
    sequence: int | None = None


ParsedRecord = BookingRequest | BlockedSlot | RowError | NotBooked | CancelledByReference | HeldRequest
