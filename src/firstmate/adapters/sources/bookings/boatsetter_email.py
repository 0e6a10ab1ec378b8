"""Boatsetter-style booking confirmation and cancellation emails (and booking requests, which book nothing).

Reads the plain-text part: labelled lines (`Booking ID: …`, `Trip date: …`), their dates, times and
durations as the marketplace's emails vary in writing them (`written`). Times are local to the boat, so
they are read in the business's time zone; one written with another zone is refused. The payout goes to
the private notes (admins only); the renter's message goes to the crew-visible notes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.message import EmailMessage

from pydantic import ValidationError

from firstmate.adapters.sources.bookings.fields import boat_named, describe, plain_amount, within_notes_limit
from firstmate.adapters.sources.bookings.written import passengers, start_at, trip_day, trip_hours
from firstmate.domain.bookings import MAX_SEQUENCE, BookingRequest, IntakePath
from firstmate.domain.intake import CancelledByReference, NotBooked, ParsedRecord, RowError

SOURCE = "boatsetter"
_LABEL = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]{1,40}):[ \t]*(?P<value>.*)$", re.M)
_RENTER = re.compile(r"^[ \t]*Message from renter:[ \t]*$", re.M | re.I)
_FOOTER = re.compile(r"^[ \t]*Manage this booking\b", re.M | re.I)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # emails' revision numbers count from here, to fit a SEQUENCE
_REQUEST = re.compile(r"\brequest(?:s|ed)?\b")
_ACCEPTED = re.compile(r"\b(?:accepted|approved|confirmed)\b")
_CHANGE = re.compile(r"\b(?:change|modification|reschedul\w*)\b")
#: A subject or headline (lower case) telling of a cancellation, however worded: "Booking cancelled", "Your
#: booking has been cancelled", "Re: Trip canceled", "Cancellation confirmed"; not a confirmation's "free
#: cancellation", "cancellation policy" or "cancellation protection" (insurance, cover: what the renter bought)
_CANCELLED = re.compile(r"\bcancel(?:l?ed)\b|(?<!free )\bcancellation\b(?! polic| protection| insurance| cover)")
#: The lines a booking is read from, as the email writes their labels.
_LINES = (
    "Booking ID", "Boat", "Trip date", "Start time", "Duration", "Passengers", "Renter", "Renter email",
    "Total trip price",
)  # fmt: skip
#: A total in US dollars, as the marketplace writes it: "$840.75", "USD 840.75", "$840.75 USD", "US$840.75"
_MONEY = re.compile(r"^(?:USD\s*|US)?\$?\s*(?P<amount>[0-9][0-9,]*(?:\.[0-9]{1,2})?)(?:\s*USD)?$", re.I)
#: A total in another currency: its code or sign
_OTHER_CURRENCY = re.compile(r"[€£¥]|\b(?!USD\b)[A-Z]{3}\b")


def matches(message: EmailMessage) -> bool:
    """Whether this looks like a Boatsetter booking email."""
    sender = str(message.get("From", "")).lower()
    return "boatsetter" in sender and "Booking ID:" in _text(message)


def parse(message: EmailMessage, *, timezone: str, boats: Mapping[str, str]) -> ParsedRecord:
    """The booking (or its cancellation) the email describes. `boats` maps asset ids to boat names."""
    text = _text(message)
    fields: dict[str, str] = {}
    # the renter's own words are no field: "Booking ID: …" in them rewrote another guest's booking
    for match in _LABEL.finditer(_RENTER.split(text, maxsplit=1)[0]):
        fields.setdefault(match["label"].strip().lower(), match["value"].strip())
    booking_id = fields.get("booking id")
    if not booking_id:
        return RowError("email", "no 'Booking ID:' line found")
    # decided by the subject and the headline only: the renter's own words must never cancel a trip. Read
    # only when they began "Booking cancelled", "Your booking has been cancelled" was taken for a confirmation
    headline = text.strip().splitlines()[0].lower() if text.strip() else ""
    subject = str(message.get("Subject", "")).lower()
    cancelled = bool(_CANCELLED.search(subject) or _CANCELLED.search(headline))
    if asked := _asked(subject) or _asked(headline):  # the owner has not accepted: the trip may never happen
        return NotBooked(f"{SOURCE} {booking_id}", asked)
    # an email without a line was refused for the empty value in its place ("guest_count: ''"), naming no line
    lacking = [label for label in _LINES if not fields.get(label.lower())]
    if cancelled and lacking:  # its booking id names the booking: the trip's lines are no cancellation's to give
        return CancelledByReference(SOURCE, booking_id, _sent(message))
    if lacking:
        quoted = [f"'{label}:'" for label in lacking]
        named = " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
        listed = ", ".join(_LINES[:-1]) + f" and {_LINES[-1]}"
        return RowError(
            f"email {booking_id}",
            f"has no {named} line: firstmate reads a booking from the lines {listed}; import the marketplace's own "
            "email as it sent it",
        )
    try:
        start = _start(fields, timezone)
        body = {
            "source": SOURCE,
            "external_id": booking_id,
            "asset": boat_named(fields.get("boat", ""), boats, where="the email"),
            "start": start.isoformat(),
            "duration_hours": trip_hours(fields.get("duration", "")),
            "guest_count": passengers(fields.get("passengers", "")),
            "gross_amount": _amount(fields.get("total trip price", "")),
            "currency": "USD",
            "lead_guest": {
                "name": fields.get("renter", ""),
                "email": fields.get("renter email", ""),
                "phone": fields.get("renter phone") or None,
            },
            "notes": _renter_message(text),
            "private_notes": f"Boatsetter payout {fields['your estimated payout']}"
            if fields.get("your estimated payout")
            else "",
            "status": "cancelled" if cancelled else "confirmed",
            "sequence": _sent(message),  # an older email imported after a newer one changes nothing
        }
        return BookingRequest.model_validate(body).numbered_in(IntakePath.EMAIL)
    except ValueError as exc:
        problem = describe(exc) if isinstance(exc, ValidationError) else str(exc)
        return RowError(f"email {booking_id}", problem)


def _asked(line: str) -> str | None:
    """What a request's subject or headline (lower case) leaves undone, in words, or None when it is
    no request: "New booking request: Sea Lark …" books nothing, "Booking change request" changes
    nothing, until the owner accepts; "Booking request accepted" is a confirmation."""
    if not _REQUEST.search(line) or _ACCEPTED.search(line):
        return None
    if _CANCELLED.search(line):
        return (
            "is a cancellation request awaiting the owner's acceptance: nothing was cancelled; the email confirming "
            "the cancellation will cancel it"
        )
    if _CHANGE.search(line):
        return (
            "is a change request awaiting the owner's acceptance: nothing was changed; the email confirming the "
            "change will make it"
        )
    return (
        "is a booking request awaiting the owner's acceptance: nothing was booked; its confirmation email will book it"
    )


def _sent(message: EmailMessage) -> int | None:
    """When the marketplace sent the email (its Date, in seconds since 2000), as the booking's revision
    number: the confirmation imported after the change it preceded took the trip back to its old time.
    None when the email has no date that can be read."""
    try:
        sent = getattr(message["Date"], "datetime", None)
    except (TypeError, ValueError, IndexError):  # a Date header the standard library cannot parse
        return None
    if not isinstance(sent, datetime):
        return None
    sent = sent if sent.tzinfo else sent.replace(tzinfo=UTC)  # RFC 5322: "-0000" is UTC, its sender's zone untold
    return min(max(int((sent - _EPOCH).total_seconds()), 0), MAX_SEQUENCE)


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return ""
    content = part.get_content()
    if not isinstance(content, str):
        return ""
    # mail travels with CRLF line ends, and a saved .eml keeps them: `$` stopped at the CR, and the
    # renter's message went unfound
    return content.replace("\r\n", "\n").replace("\r", "\n")


def _start(fields: dict[str, str], timezone: str) -> datetime:
    """The departure the email's `Trip date:` and `Start time:` say, in the business's `timezone`."""
    return start_at(trip_day(fields.get("trip date", "")), fields.get("start time", ""), timezone)


def _amount(text: str) -> str:
    match = _MONEY.fullmatch(text.strip())
    if not match and _OTHER_CURRENCY.search(text):
        raise ValueError(
            f"the total trip price {text.strip()!r} is not in US dollars, the marketplace's currency: import the "
            "marketplace's own email as it sent it"
        )
    if not match:
        raise ValueError(f"cannot read the total trip price {text.strip()!r}: write it like $840.75")
    return plain_amount(match["amount"])


def _renter_message(text: str) -> str:
    """The renter's message, every paragraph of it (a second one asking for a wheelchair ramp was
    dropped), up to the email's own footer."""
    parts = _RENTER.split(text, maxsplit=1)
    if len(parts) < 2:
        return ""
    body = _FOOTER.split(parts[1], maxsplit=1)[0]
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body)]
    return within_notes_limit("\n".join(p for p in paragraphs if p))
