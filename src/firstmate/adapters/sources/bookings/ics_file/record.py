"""One VEVENT as a booking request (a guest in its description), a blocked slot (any other event, a
tentative one included), or a RowError saying what to fix."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

import icalendar
from pydantic import ValidationError

from firstmate.adapters.sources.bookings.fields import boat_named, boats_named, describe
from firstmate.adapters.sources.bookings.ics_file.description import description_fields, plain_text, read_total
from firstmate.adapters.sources.bookings.ics_file.properties import event_uid
from firstmate.adapters.sources.bookings.ics_file.times import elapsed, event_times
from firstmate.adapters.sources.bookings.ics_file.versions import event_sequence
from firstmate.domain.bookings import BookingRequest, IntakePath
from firstmate.domain.intake import BlockedSlot, ParsedRecord, RowError

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


#: The longest title kept of a channel's event; a longer one is cut, ending in "…".
MAX_TITLE = 200


def read_event(
    event: icalendar.Event,
    *,
    source: str,
    timezone: str,
    asset: str | None,
    duration: str | None = None,
    boats: Mapping[str, str] | None = None,
    currency: str = "USD",
) -> ParsedRecord:
    """The event as a BookingRequest, a BlockedSlot, or a RowError naming its UID."""
    uid = event_uid(event)
    if not uid:
        return RowError("event without UID", "every event needs a UID to be imported")
    repeats = next((name for name in ("RRULE", "RDATE", "RECURRENCE-ID") if event.get(name) is not None), None)
    if repeats:  # read as its first time alone, a weekly blocked slot blocked one day and warned of no clash after
        return RowError(
            f"event {uid}",
            f"repeats ({repeats}): firstmate imports each trip or blocked time as an event of its own; "
            "export the calendar with repeating events written out, or add their dates one by one",
        )
    try:
        start, end = event_times(event, timezone, duration)
    except ValueError as exc:
        return RowError(f"event {uid}", str(exc))
    status = str(event.get("STATUS", "")).upper()
    cancelled = status == "CANCELLED"
    # a title is shown in terminals and pages: control characters (escape sequences) become spaces
    summary = " ".join(_CONTROL.sub(" ", str(event.get("SUMMARY", ""))).split())
    if len(summary) > MAX_TITLE:  # each crew feed reads a hold's title for money: 30 KB took seconds a fetch
        summary = summary[: MAX_TITLE - 1].rstrip() + "…"
    fields = description_fields(plain_text(str(event.get("DESCRIPTION", ""))))
    try:
        asset = _boat(fields.get("boat"), boats) or asset
    except ValueError as exc:
        return RowError(f"event {uid}", str(exc))
    # a tentative reservation (a request not yet accepted) holds the boat: "Crew needed" and "You're
    # booked" wait until it is confirmed, which makes it a booking and retires the hold
    tentative = status == "TENTATIVE"
    try:
        sequence = event_sequence(event)
    except ValueError as exc:
        return RowError(f"event {uid}", str(exc))
    all_day = not isinstance(event.decoded("DTSTART"), datetime)
    # a booking of whole days cancelled cancels by its UID alone, as one listed without its guests
    if tentative or not ("guest" in fields and "email" in fields) or (all_day and cancelled):
        return BlockedSlot(
            uid=uid,
            start=start,
            end=end,
            title=summary or ("Tentative" if tentative else "Unavailable"),
            asset=asset,  # a request names its boat as a booking does
            cancelled=cancelled,
            source=source,
            tentative=tentative,
            sequence=sequence,
        )
    if all_day:  # its midnight was taken for the departure
        return RowError(
            f"event {uid}",
            "is a booking of whole days (DTSTART;VALUE=DATE) with no departure time (read as midnight, its crew "
            "and guest would be told 00:00): give the event the start and end times of the trip",
        )
    return _booking(uid, fields, source=source, asset=asset, start=start, end=end, currency=currency,
                    cancelled=cancelled, sequence=sequence)  # fmt: skip


def _booking(
    uid: str, fields: Mapping[str, str], *, source: str, asset: str | None, start: datetime, end: datetime,
    currency: str, cancelled: bool, sequence: int | None,
) -> ParsedRecord:  # fmt: skip
    """The booking the event's description fields tell (its guest, guests, total, notes), or a RowError naming its
    UID."""
    try:
        currency, amount = read_total(fields.get("total", "0"), currency)
        body = {
            "source": source,
            "external_id": uid,
            "asset": asset,
            "start": start.isoformat(),
            "duration_hours": str(Decimal(elapsed(start, end).total_seconds()) / 3600),
            "guest_count": fields.get("guests", "1"),
            "gross_amount": amount,
            "currency": currency,
            "lead_guest": {"name": fields["guest"], "email": fields["email"], "phone": fields.get("phone")},
            "notes": fields.get("notes", ""),
            "private_notes": fields.get("private notes", ""),
            "status": "cancelled" if cancelled else "confirmed",
            "sequence": sequence,  # an older export imported after a newer one is left alone by it
        }
        return BookingRequest.model_validate(body).numbered_in(IntakePath.CALENDAR)
    except ValidationError as exc:
        return RowError(f"event {uid}", describe(exc))
    except ValueError as exc:
        return RowError(f"event {uid}", str(exc))


def _boat(written: str | None, boats: Mapping[str, str] | None) -> str | None:
    """The asset `Boat:` names: a boat's id as written, or the id of the boat it names by name (it
    took ids alone, and refused the names firstmate's own feeds write). Text that is one boat's id
    and another's name is refused: taking the id sent the other boat's trip to the wrong crew."""
    if not written or boats is None:
        return written
    if written not in boats:
        return boat_named(written, boats, where="Boat:")
    others = [asset for asset in boats_named(written, boats) if asset != written]
    if others:
        names = " and ".join(f"{boats[asset]!r} ({asset})" for asset in others)
        ids = " or ".join(repr(asset) for asset in others)
        raise ValueError(
            f"Boat: names {written!r}, the id of boat {boats[written]!r} and the name of boat{'s' * (len(others) > 1)} "
            f"{names}; write {boats[written]!r} or {ids} to say which"
        )
    return written
