"""Bookings and blocked slots from an OTA calendar export (.ics).

Each VEVENT is keyed by its UID. An event whose DESCRIPTION carries a guest (`Guest:` and
`Email:` lines) is a booking; any other event blocks the boat for its time, unless its UID is
already a booking of this channel (see `services.imports`).
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeVar, cast
from zoneinfo import ZoneInfo

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from pydantic import ValidationError

from firstmate.adapters.sources.bookings.fields import (
    DOLLARS,
    boat_named,
    boats_named,
    describe,
    plain_amount,
    thousands_dot,
    within_notes_limit,
)
from firstmate.domain.bookings import MAX_SEQUENCE, BookingRequest, IntakePath
from firstmate.domain.currencies import minor_units
from firstmate.domain.intake import BlockedSlot, ParsedRecord, RowError
from firstmate.domain.redaction import MONEY_WORDS, speaks_of_money

# a line `Label: value`, matched one line at a time: a value never reaches the next line (an empty
# `Notes:` took "Guests: 6" for its value); no-break spaces pasted from a web page are spaces around a label too
_LINE = re.compile(r"[ \t\xa0]*(?P<key>[A-Za-z][A-Za-z \xa0]{0,30}):[ \t]*(?P<value>.*?)[ \t]*")
_TOTAL = re.compile(
    # up to four places, as a currency may have (a dinar's fils): more than its own are refused with the booking's
    r"^(?P<currency>[A-Za-z]{3})?\s*(?P<sign>[$€£])?\s*(?P<amount>[0-9][0-9,]*(?:\.[0-9]{1,4})?)\s*"
    r"(?P<sign_after>[€£])?\s*(?P<suffix>[A-Za-z]{3})?$"
)
#: The currency a total's sign names: "$" is the US dollar's, as it was before signs were read, unless the business
#: keeps its money in another dollar (`DOLLARS`)
_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP"}
#: The labels of a booking's description (docs/bookings.md); the notes run on to the next of them.
LABELS = frozenset({"guest", "email", "phone", "guests", "total", "boat", "notes"})
#: Any `label: value` line among the notes, its label whatever it holds ("Owner's payout", "Payout (est.)"):
#: a label of money (MONEY_WORDS) with an amount (`_AMOUNT`) goes to the private notes, never to the crew.
_LABELLED = re.compile(r"[ \t]*(?P<key>[^:\n]{1,40}?):[ \t]*(?P<value>.*?)[ \t]*")
#: A value that is an amount of money and nothing else, a currency's code or sign before or after it or
#: not ("USD 624.00", "524", "1,250", "usd 524", "$200", "60.75 EUR", "200€"); not a count of something
#: ("4 adults and 2 children", "2 landing nets aboard", "5 knots max"), nor words ("gate 3")
_AMOUNT = re.compile(r"\s*(?:[A-Za-z]{3}\s*|[$€£¥]\s*)?\d[\d,]*(?:\.\d+)?\s*(?:[A-Za-z]{3}|[$€£¥])?\s*")
MAX_EVENTS = 5000
#: The years an event may start and end in: the bound a booking's start has (BookingRequest.start).
FIRST_YEAR, LAST_YEAR = 2000, 2100
T = TypeVar("T")
_ZONES = threading.Lock()  # one file read at a time: the zones icalendar knows are the file's own


def parse_ics(
    raw: bytes,
    *,
    source: str,
    timezone: str,
    asset: str | None,
    boats: Mapping[str, str] | None = None,
    currency: str = "USD",
) -> list[ParsedRecord]:
    """Every VEVENT as a booking request, a blocked slot, or a RowError naming its UID; a file that
    is not UTF-8 is one RowError. `boats` (asset id to boat name) lets `Boat:` name a boat by its
    name, as firstmate's own feeds write it ("Sea Lark (38 ft sloop)"), as well as by its id. A `Total:`
    that names no currency is in `currency`, the business's."""
    try:  # strictly: icalendar puts U+FFFD for what it cannot read, and "Zoë" was greeted as "Zo�"
        text = raw.decode("utf-8-sig")  # a byte order mark, as some Windows programs write, is no text
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [RowError("file", f"line {line} is not UTF-8 text: save the calendar as UTF-8")]
    with _ZONES:
        # icalendar keeps the zones a file defines (VTIMEZONE) for the whole process: forget earlier
        # files' zones, so that this file's names mean what it says, or nothing
        icalendar.use_zoneinfo()  # type: ignore[no-untyped-call]
        try:
            calendar = icalendar.Calendar.from_ical(text)
        except ValueError as exc:
            return [RowError("file", f"not an iCalendar file: {exc}")]
        events = cast(list[icalendar.Event], calendar.walk("VEVENT"))
        if len(events) > MAX_EVENTS:
            return [RowError("file", f"a file holds at most {MAX_EVENTS} events; split it")]
        durations = _written_durations(text)
        latest = _latest_versions(events)
        floating = _calendar_zone(calendar) or timezone
        return [
            latest[n]
            or _record(
                event,
                source=source,
                timezone=floating,
                asset=asset,
                duration=durations.get(n),
                boats=boats,
                currency=currency,
            )
            for n, event in enumerate(events)
            if n in latest
        ]


def _calendar_zone(calendar: icalendar.Calendar) -> str | None:
    """The zone the calendar says it keeps (`X-WR-TIMEZONE`, as Google Calendar and others export it), when it is
    a known one (an IANA name, or a Windows one as Outlook writes it): its floating times and all-day dates are
    that zone's. They were read in the business's own, hours off for a channel's calendar kept in another zone.
    None when it names none, or none firstmate knows."""
    written = str(calendar.get("X-WR-TIMEZONE") or "").strip()[:60]
    named = WINDOWS_TO_OLSON.get(written, written)  # Outlook writes "GMT Standard Time" for Europe/London
    if not named:
        return None
    try:
        ZoneInfo(named)
    except (ValueError, KeyError, OSError):  # no zone firstmate knows (a typo): as before, the business's
        return None
    return named


def _latest_versions(events: list[icalendar.Event]) -> dict[int, RowError | None]:
    """The places in the file of the events to read: of a UID listed more than once (a reservation
    and its update, in either order), its latest version alone, as calendars take it (`_version`),
    or a RowError when the versions cannot be told apart. An event without a UID is read, to be refused."""
    places: dict[str, list[int]] = {}
    for n, event in enumerate(events):
        # an edited occurrence (RECURRENCE-ID) shares its series' UID: each is read, and refused as repeating
        alone = not _uid(event) or event.get("RECURRENCE-ID") is not None
        places.setdefault(f"#{n}" if alone else _uid(event), []).append(n)
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
    modified = _decoded(event, "LAST-MODIFIED", datetime)
    return sequence, modified if modified.tzinfo else modified.replace(tzinfo=UTC)  # RFC 5545: always UTC


def _number(event: icalendar.Event) -> int:
    """The event's SEQUENCE (0 when absent), refused when it is not one whole number."""
    sequence = event.get("SEQUENCE", 0)
    if not isinstance(sequence, int):
        raise ValueError(f"its SEQUENCE {_raw(event, 'SEQUENCE')!r} is not one whole number; write it like SEQUENCE:2")
    return sequence


def _sequence(event: icalendar.Event) -> int | None:
    """The event's SEQUENCE, its channel's revision number, or None when it gives none. One out of range
    is refused for every event, as for a booking's: stored on a cancellation, it made the booking unreadable."""
    if event.get("SEQUENCE") is None:
        return None
    sequence = _number(event)  # its LAST-MODIFIED matters only to a UID listed twice (`_version`)
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"its SEQUENCE {sequence} is not from 0 to {MAX_SEQUENCE}; write it like SEQUENCE:2")
    return sequence


def _uid(event: icalendar.Event) -> str:
    return str(event.get("UID", "")).strip()


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _written_durations(text: str) -> dict[int, str]:
    """Each VEVENT's DURATION as written, by the event's place in the file: icalendar keeps it as a
    timedelta, which cannot tell PT26H (26 real hours) from P1DT2H (a calendar day and 2 hours)."""
    lines = re.sub(r"\n[ \t]", "", text.replace("\r\n", "\n")).split("\n")  # unfolded
    found: dict[int, str] = {}
    events, inside = -1, []  # the components the line is in: an alarm's DURATION is not its event's
    for line in lines:
        name, value = _split_line(line)
        if name == "BEGIN":
            inside.append(value.upper())  # as icalendar reads it: "VEVENT " is another component
            events += inside[-1] == "VEVENT"
        elif name == "END" and inside:
            inside.pop()
        elif name == "DURATION" and inside[-1:] == ["VEVENT"]:
            found.setdefault(events, value.strip())
    return found


def _split_line(line: str) -> tuple[str, str]:
    """A content line's name (upper case, without its parameters) and its value: the first colon
    outside a quoted parameter value ends the name (DURATION;X-A="x:y":PT1H)."""
    quoted = False
    for n, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:n].split(";", 1)[0].strip().upper(), line[n + 1 :]
    return line.split(";", 1)[0].strip().upper(), ""


def _record(
    event: icalendar.Event,
    *,
    source: str,
    timezone: str,
    asset: str | None,
    duration: str | None = None,
    boats: Mapping[str, str] | None = None,
    currency: str = "USD",
) -> ParsedRecord:
    uid = _uid(event)
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
        start, end = _times(event, timezone, duration)
    except ValueError as exc:
        return RowError(f"event {uid}", str(exc))
    status = str(event.get("STATUS", "")).upper()
    cancelled = status == "CANCELLED"
    # a title is shown in terminals and pages: control characters (escape sequences) become spaces
    summary = " ".join(_CONTROL.sub(" ", str(event.get("SUMMARY", ""))).split())
    fields = _fields(_plain(str(event.get("DESCRIPTION", ""))))
    try:
        asset = _boat(fields.get("boat"), boats) or asset
    except ValueError as exc:
        return RowError(f"event {uid}", str(exc))
    # a tentative reservation (a request not yet accepted) holds the boat: "Crew needed" and "You're
    # booked" wait until it is confirmed, which makes it a booking and retires the hold
    tentative = status == "TENTATIVE"
    try:
        sequence = _sequence(event)
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
    try:
        currency, amount = _total(fields.get("total", "0"), currency)
        body = {
            "source": source,
            "external_id": uid,
            "asset": asset,
            "start": start.isoformat(),
            "duration_hours": str(Decimal(_elapsed(start, end).total_seconds()) / 3600),
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


#: A tag HTML marks text with: a description holding one is HTML (Google Calendar writes one typed in its editor so).
#: Its name ends at a space, "/" or ">", as a tag's does: "<a.lee@example.com>" is an address, not an <a> tag.
_HTML = re.compile(r"</?(?:a|b|i|u|em|strong|span|div|p|br|ul|ol|li|body|html)(?:\s[^<>]*)?/?>", re.I)
#: The tags that end a line of text.
_HTML_BREAK = re.compile(r"<(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^<>]*>", re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _plain(description: str) -> str:
    """The description's text: one written in HTML ("<div>Guest: Jordan Pike</div><div>Email: <a href=…>")
    as its lines, without tags or entities. Read as it was, it was one line, and its booking a blocked slot."""
    if not _HTML.search(description):
        return description
    text = _HTML_TAG.sub("", _HTML_BREAK.sub("\n", description))
    return html.unescape(text).replace("\xa0", " ")


def _fields(description: str) -> dict[str, str]:
    """The description's values by lower-case label ("guests": "6"), each the rest of its line but
    the notes, which run from `Notes:` to the next of LABELS or the end (a note's own lines may hold
    a colon: "One guest uses a wheelchair: please rig the ramp"), and "private notes": the lines
    among them labelled as money (`_MONEY_LABEL`). A label left empty ("Phone:") says nothing, as if
    its line were not there."""
    found: dict[str, str] = {}
    money: list[str] = []
    in_notes = False
    for line in description.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _LINE.fullmatch(line)
        label = match["key"].strip().lower() if match else ""
        if match and label == "notes" and _money(match["value"]):
            found["notes"], in_notes = "", True  # "Notes: Owner payout: USD 350.00": the payout is not a note
            money.append(match["value"])
        elif match and label in LABELS:  # a no-break space pasted from a web page is no part of a value
            found[label], in_notes = match["value"].strip(), label == "notes"
        elif in_notes and _money(line):
            money.append(line.strip())
        elif in_notes:
            found["notes"] += "\n" + line.rstrip()
    found["notes"] = within_notes_limit(found.get("notes", "").strip())  # an empty `Notes:` may have its text below it
    found["private notes"] = within_notes_limit("\n".join(money))
    return {key: value for key, value in found.items() if value}


def _money(line: str) -> bool:
    """Whether a line of the notes is one of money: a label of money, whatever else its label holds, and a
    value that is an amount alone ("Owner's payout: USD 624.00", "Payout (est.): $624"; not "Tip: keep it a
    surprise", "Total party: 4 adults", "Net: 2 landing nets aboard"), or an amount told in words
    (`speaks_of_money`: "Payout - $624", "Payout USD 624"). Until 2026-12-06 a label of letters and spaces
    alone was looked at, and a value beginning with a figure was taken for money ("Rate: 5 knots max")."""
    labelled = _LABELLED.fullmatch(line)
    if labelled and MONEY_WORDS.search(labelled["key"]) and _AMOUNT.fullmatch(labelled["value"]):
        return True
    return speaks_of_money(line, in_doubt=False)  # a figure in doubt stays a note: crew_notes hides it there


def _times(event: icalendar.Event, timezone: str, duration: str | None = None) -> tuple[datetime, datetime]:
    if event.get("DTSTART") is None:
        raise ValueError("no DTSTART")
    start = _within_years("starts", _aware(event, "DTSTART", timezone))
    if event.get("DTEND") is not None:
        end = _aware(event, "DTEND", timezone)
    elif event.get("DURATION") is not None:
        decoded = _decoded(event, "DURATION", timedelta)  # one a reader can read, or its error
        try:
            days, seconds = _duration_parts(duration or _raw(event, "DURATION"))
        except ValueError:  # the text found is not this event's: as icalendar read it
            days, seconds = decoded.days, decoded.seconds
        if timedelta(days=days, seconds=seconds) != decoded:  # the text found is another event's: as read
            days, seconds = decoded.days, decoded.seconds
        try:  # RFC 5545: its weeks and days are calendar days (the same clock time), the rest real time
            day_later = start + timedelta(days=days)
            end = (day_later.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(start.tzinfo)
        except OverflowError:
            raise ValueError(f"the DURATION {_raw(event, 'DURATION')!r} is too long") from None
    elif isinstance(event.decoded("DTSTART"), datetime):  # RFC 5545: it ends as it starts (it was given a day)
        raise ValueError("gives its start time and no end (no DTEND or DURATION): export it with its end time")
    else:
        end = start + timedelta(days=1)  # an all-day event: to the same clock time the next day
    _within_years("ends", end)
    if _elapsed(start, end) <= timedelta(0):
        raise ValueError("the event ends before it starts")
    return start, end


_DURATION = re.compile(
    r"^(?P<sign>[+-])?P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


def _duration_parts(text: str) -> tuple[int, int]:
    """A DURATION's calendar days and its real seconds, as written: icalendar makes PT26H a day and
    two hours, and a day is 23 hours on the day the clocks go forward."""
    match = _DURATION.fullmatch(text.strip().upper())
    if match is None:
        raise ValueError(f"cannot read DURATION {text!r}; write it like DURATION:PT3H")
    number = {k: int(v or 0) for k, v in match.groupdict().items() if k != "sign"}
    sign = -1 if match["sign"] == "-" else 1
    days = number["weeks"] * 7 + number["days"]
    seconds = number["hours"] * 3600 + number["minutes"] * 60 + number["seconds"]
    return sign * days, sign * seconds


def _elapsed(start: datetime, end: datetime) -> timedelta:
    """The real time between two moments: in one zone, Python subtracts clock times, an hour off
    across a change of the clocks (a night sail from 22:00 PST to 04:00 PDT is 5 hours, not 6)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def _decoded(event: icalendar.Event, name: str, kind: type[T]) -> T:
    """The property's value if it is a `kind`; icalendar hands back text (or raises) for what it cannot read."""
    try:
        value = event.decoded(name)
    except (ValueError, TypeError, AttributeError):  # icalendar's own failures (VALUE=TIME, say)
        value = None
    if isinstance(value, list):
        raise ValueError(f"the event has {len(value)} {name} lines; keep one")
    if not isinstance(value, kind):
        example = "PT3H" if kind is timedelta else "20260613T160000"
        raise ValueError(f"cannot read {name} {_raw(event, name)!r}; write it like {name}:{example}")
    return value


def _raw(event: icalendar.Event, name: str) -> str:
    value = event.get(name)
    text = value.to_ical() if hasattr(value, "to_ical") else str(value)
    return (text.decode(errors="replace") if isinstance(text, bytes) else str(text))[:60]


def _within_years(verb: str, moment: datetime) -> datetime:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(
            f"the event {verb} on {moment.date()}: firstmate takes dates between {FIRST_YEAR} and {LAST_YEAR}"
        )
    return moment


def _aware(event: icalendar.Event, name: str, timezone: str) -> datetime:
    """The property's moment. A floating time, or an all-day date (midnight), is in `timezone` (the calendar's
    own, else the business's); a time in a zone icalendar could not find is refused rather than read as local."""
    value = _decoded(event, name, date)
    if not isinstance(value, datetime):  # an all-day event: midnight local
        value = datetime.combine(value, time())
    elif value.tzinfo is None and getattr(event.get(name), "params", {}).get("TZID"):
        zone = str(event.get(name).params["TZID"])[:60]
        raise ValueError(
            f"{name} is in the time zone {zone!r}, which is not defined in the file and is not a known zone; "
            "export the calendar with zones like America/Los_Angeles, or in UTC"
        )
    if value.tzinfo is None:  # floating time: the calendar's zone, else the business's
        value = value.replace(tzinfo=ZoneInfo(timezone))
    return value


def _total(text: str, currency: str) -> tuple[str, str]:
    """The currency and amount a `Total:` says ("USD 1,120.00", "€480.00", "95.50 £"); one naming no currency is
    in the business's `currency` (it was taken for dollars, and a business in euros counted its revenue in USD),
    and so is "$" in a business of another dollar (Canadian, Australian…)."""
    match = _TOTAL.fullmatch(text.strip())
    if not match:
        places = minor_units(currency)  # "JPY 1200.00" asked for cents yen do not have
        raise ValueError(f"cannot read the total {text!r}; write it like '{currency} {1200:.{places}f}'")
    try:
        amount = Decimal(plain_amount(match["amount"]))
    except InvalidOperation:
        raise ValueError(f"cannot read the total {text!r}") from None
    sign = match["sign"] or match["sign_after"]
    said = "" if sign == "$" and currency.upper() in DOLLARS else _SIGNS.get(sign or "")  # "$": the business's dollar
    code = (match["currency"] or match["suffix"] or said or currency).upper()
    if why := thousands_dot(f"the total {text.strip()!r}", code, match["amount"]):  # "EUR 1.240": 1,240 euros
        raise ValueError(why)
    return code, str(amount)
