"""Boatsetter-style booking confirmation and cancellation emails, and booking requests, which book nothing and
hold their boat until answered (`HeldRequest`).

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

from firstmate.adapters.sources.bookings.fields import (
    DOLLARS,
    boat_named,
    describe,
    plain_amount,
    thousands_dot,
    within_notes_limit,
)
from firstmate.adapters.sources.bookings.written import passengers, start_at, trip_day, trip_hours
from firstmate.domain.bookings import MAX_SEQUENCE, BookingRequest, IntakePath
from firstmate.domain.currencies import currency_code
from firstmate.domain.intake import (
    SENT_EPOCH,
    CancelledByReference,
    HeldRequest,
    NotBooked,
    ParsedRecord,
    RowError,
    request_lapse,
)

SOURCE = "boatsetter"
_LABEL = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]{1,40}):[ \t]*(?P<value>.*)$", re.M)
_RENTER = re.compile(r"^[ \t]*Message from renter:[ \t]*$", re.M | re.I)
_FOOTER = re.compile(r"^[ \t]*Manage this booking\b", re.M | re.I)
_BOOKING_ASKED = (
    "is a booking request awaiting the owner's acceptance: nothing was booked; its confirmation email will book it"
)
_REQUEST = re.compile(r"\brequest(?:s|ed)?\b")
_ACCEPTED = re.compile(r"\b(?:accepted|approved|confirmed)\b")
#: A subject or headline (lower case) telling the owner declined a request ("Booking request declined", "You declined
#: Dana's request"): the trip is off, as cancelled; not a request's "accept or decline", nor a card "payment declined"
_DECLINED = re.compile(
    r"^(?!.*\b(?:payment|card)\b)(?:.*\b(?:request|booking|trip)\b.*\bdeclined\b|.*\bdeclined\b.*\b(?:request|booking|trip)\b)"
)
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
#: The other labels a marketplace writes the passengers under ("Guests: 6", "Party size: 6").
_PASSENGER_LABELS = ("Passengers", "Guests", "Party size")
#: A total as marketplaces write it: a currency's code or sign before the amount, after it, or both ("$840.75",
#: "USD 840.75", "$840.75 USD", "US$840.75", "€450.00", "450.00 EUR", "A$500", "CAD $640.00"); up to four places,
#: as a currency may have (a dinar's fils): more than its own are refused with the booking's check
_MONEY = re.compile(
    r"(?P<code>[A-Za-z]{3})?\s*(?P<sign>(?:[A-Z]{1,2})?\$|[€£¥])?\s*(?P<amount>[0-9][0-9,]*(?:\.[0-9]{1,4})?)\s*"
    r"(?P<sign_after>[€£])?\s*(?P<code_after>[A-Za-z]{3})?"
)
#: The currencies signs name. A "$" alone is the US dollar's: the marketplace charges in them unless it says otherwise.
_SIGNS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD",
          "NZ$": "NZD", "HK$": "HKD", "S$": "SGD", "MX$": "MXN"}  # fmt: skip


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
    cancelled = any(told.search(line) for told in (_CANCELLED, _DECLINED) for line in (subject, headline))
    if asked := _asked(subject) or _asked(headline):  # the owner has not accepted: the trip may never happen
        held = _held(message, fields, text, booking_id, timezone, boats) if asked == _BOOKING_ASKED else asked
        if isinstance(held, HeldRequest):
            return held
        if asked == _BOOKING_ASKED:  # the owner, told requests hold their boat, took this one for held
            unheld = _BOOKING_ASKED.split(";", 1)
            asked = f"{unheld[0]}, and no boat is held: {held};{unheld[1]}"
        return NotBooked(f"{SOURCE} {booking_id}", asked)
    if any(_DECLINED.search(line) for line in (subject, headline)):
        # a request declined was never a booking, whatever lines it repeats: read by its reference, it releases the
        # hold, or is remembered; with its lines it was a booking never heard of, "Cancelled booking" to the ops
        return CancelledByReference(SOURCE, booking_id, _sent(message))
    # an email without a line was refused for the empty value in its place ("guest_count: ''"), naming no line
    lacking = [label for label in _LINES if not _said(fields, label)]
    if cancelled and lacking:  # its booking id names the booking: the trip's lines are no cancellation's to give
        return CancelledByReference(SOURCE, booking_id, _sent(message))
    if lacking:
        quoted = [f"'{label}:'" for label in lacking]
        named = " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
        others = ", or ".join(_PASSENGER_LABELS[1:])
        lines = [f"{line} (or {others})" if line == "Passengers" else line for line in _LINES]
        listed = ", ".join(lines[:-1]) + f" and {lines[-1]}"
        return RowError(
            f"email {booking_id}",
            f"has no {named} line: firstmate reads a booking from the lines {listed}; import the marketplace's own "
            "email as it sent it",
        )
    try:
        return _booking(message, fields, text, booking_id, timezone, boats, cancelled=cancelled)
    except ValueError as exc:
        if cancelled:  # a total or a count that does not read ("¥120,000") kept a cancelled trip sailing
            return CancelledByReference(SOURCE, booking_id, _sent(message))
        problem = describe(exc) if isinstance(exc, ValidationError) else str(exc)
        return RowError(f"email {booking_id}", problem)


def _booking(
    message: EmailMessage,
    fields: dict[str, str],
    text: str,
    booking_id: str,
    timezone: str,
    boats: Mapping[str, str],
    *,
    cancelled: bool,
) -> BookingRequest:
    """The booking the email's lines say (every one of `_LINES` there). Raises ValueError for a line that does
    not read."""
    start = _start(fields, timezone)
    currency, amount = _total(fields.get("total trip price", ""))
    body = {
        "source": SOURCE,
        "external_id": booking_id,
        "asset": boat_named(fields.get("boat", ""), boats, where="the email"),
        "start": start.isoformat(),
        "duration_hours": trip_hours(fields.get("duration", "")),
        "guest_count": _guest_count(fields),
        "gross_amount": amount,
        "currency": currency,
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


def _asked(line: str) -> str | None:
    """What a request's subject or headline (lower case) leaves undone, in words, or None when it is
    no request: "New booking request: Sea Lark …" books nothing, "Booking change request" changes
    nothing, until the owner accepts; "Booking request accepted" is a confirmation."""
    if not _REQUEST.search(line) or _ACCEPTED.search(line) or _DECLINED.search(line):
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
    return _BOOKING_ASKED


#: The line a request's price is read from, and the total it is read with when that does not read, to hold its
#: boat: a hold keeps no money.
_PRICE, _NO_PRICE = "Total trip price", "USD 0"


def _held(
    message: EmailMessage,
    fields: dict[str, str],
    text: str,
    booking_id: str,
    timezone: str,
    boats: Mapping[str, str],
) -> HeldRequest | str:
    """The hold a booking request's trip makes, when every line of it reads (the price aside: a hold keeps none, and
    one that does not read is said, `unread_price`) and the email says when it was sent: until `REQUEST_HELD` after,
    or the trip's start if sooner (an owner answers within a day or two). Otherwise why it holds nothing, in words
    ("it has no 'Boat:' line")."""
    sent = _sent(message)
    if lacking := [label for label in _LINES if label != _PRICE and not _said(fields, label)]:
        return f"it has no '{lacking[0]}:' line"
    if sent is None:
        return "it has no Date saying when it was sent, which its hold would lapse from"
    unread_price = "" if _said(fields, _PRICE) else f"it has no '{_PRICE}:' line"
    trip: BookingRequest | None = None
    if not unread_price:
        try:
            trip = _booking(message, fields, text, booking_id, timezone, boats, cancelled=False)
        except ValueError as exc:
            unread_price = _why(exc)  # the price's, if the trip reads without it
    if trip is None:  # a hold keeps no price: read without it, the request holds its boat if that was all
        unpriced = {**fields, _PRICE.lower(): _NO_PRICE}
        try:
            trip = _booking(message, unpriced, text, booking_id, timezone, boats, cancelled=False)
        except ValueError as other:
            return _why(other)
    who = f"{trip.lead_guest.name}, " if trip.lead_guest.name else ""
    passengers = f"{trip.guest_count} passenger{'' if trip.guest_count == 1 else 's'}"
    return HeldRequest(
        source=SOURCE,
        external_id=booking_id,
        asset=trip.asset or "",
        start=trip.start,
        end=trip.end,
        title=f"Request: {who}{passengers}",  # no money: a hold's title shows in the org's feed as it is
        held_until=request_lapse(sent, trip.start),
        sequence=sent,
        what=f"{SOURCE} {booking_id}",
        asked=_BOOKING_ASKED.split(":", 1)[0],
        unread_price=unread_price,
    )


def _why(exc: ValueError) -> str:
    """What a line that did not read says, in words."""
    return describe(exc) if isinstance(exc, ValidationError) else str(exc)


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
    return min(max(int((sent - SENT_EPOCH).total_seconds()), 0), MAX_SEQUENCE)


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


def _said(fields: dict[str, str], line: str) -> bool:
    """Whether the email writes the line `line` (one of `_LINES`) with a value: the passengers under any of
    their labels ("Passengers:", "Guests:", "Party size:")."""
    labels = _PASSENGER_LABELS if line == "Passengers" else (line,)
    return any(fields.get(label.lower()) for label in labels)


def _guest_count(fields: dict[str, str]) -> str:
    """How many sail, as each passengers line the email writes says it: two lines saying different counts
    ("Passengers: 6", "Guests: 8") are refused naming both, as which is right only the marketplace knows. A
    "Guests:" or "Party size:" line that is no count ("Guests: Dana and five friends") beside a passengers line
    that reads is no count: it is left aside."""
    said = {label: fields[label.lower()] for label in _PASSENGER_LABELS if fields.get(label.lower())}
    counts, unread = {}, {}
    for label, value in said.items():
        try:
            counts[label] = passengers(value)
        except ValueError as exc:
            unread[label] = exc
    if "Passengers" in unread or not counts:
        raise unread.get("Passengers") or next(iter(unread.values()))
    if len(set(counts.values())) > 1:
        both = " and ".join(f"'{label}: {said[label]}'" for label in counts)
        raise ValueError(f"says {both}: check the passengers with the marketplace")
    return next(iter(counts.values()))  # one at least: an email without any is refused before, for the line


def _total(text: str) -> tuple[str, str]:
    """The currency and amount of a `Total trip price:` as written: in the currency its sign or code names
    ("€450.00", "EUR 450.00", "450.00 EUR", "A$500", "$640.00 CAD"), US dollars when it names none or a "$"
    alone. Two currencies named, a "¥" alone (yen or yuan?) or a code ISO 4217 does not list are refused."""
    written = text.strip()
    match = _MONEY.fullmatch(written)
    if not match:
        raise ValueError(
            f"cannot read the total trip price {written!r}: write it like $840.75, or with its currency: EUR 450.00"
        )
    sign = match["sign"] or match["sign_after"]
    if sign is not None and sign != "¥" and sign not in _SIGNS:
        raise ValueError(
            f"the total trip price {written!r}: {sign!r} names no currency firstmate knows; write its code, like "
            "CAD 640.00"
        )
    named = [_code(written, code) for code in (match["code"], match["code_after"]) if code]
    signed = _SIGNS.get(sign) if sign and sign != "$" else None  # a "$" alone gives way to a dollar's code
    said = sorted({*named, *([signed] if signed else [])})
    if sign == "$" and said and said[0] not in DOLLARS:
        raise ValueError(
            f"the total trip price {written!r} writes a dollar sign and {said[0]}: check it with the marketplace"
        )
    if len(said) > 1:
        both = " and ".join(said)
        raise ValueError(
            f"the total trip price {written!r} names two currencies, {both}: check it with the marketplace"
        )
    if sign == "¥" and not said:
        amount = match["amount"]
        raise ValueError(
            f"the total trip price {written!r} does not say whether '¥' is yen or yuan: write it like JPY {amount} or "
            f"CNY {amount}"
        )
    currency = said[0] if said else "USD"
    if why := thousands_dot(f"the total trip price {written!r}", currency, match["amount"]):  # "€1.240"
        raise ValueError(why)
    return currency, plain_amount(match["amount"])


def _code(written: str, code: str) -> str:
    """`code` as a currency code, or the total trip price `written` refused for naming none."""
    try:
        return currency_code(code)
    except ValueError:
        raise ValueError(
            f"the total trip price {written!r}: {code.upper()!r} is not a currency code (ISO 4217), like USD or EUR"
        ) from None


def _renter_message(text: str) -> str:
    """The renter's message, every paragraph of it (a second one asking for a wheelchair ramp was
    dropped), up to the email's own footer."""
    parts = _RENTER.split(text, maxsplit=1)
    if len(parts) < 2:
        return ""
    body = _FOOTER.split(parts[1], maxsplit=1)[0]
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body)]
    return within_notes_limit("\n".join(p for p in paragraphs if p))
