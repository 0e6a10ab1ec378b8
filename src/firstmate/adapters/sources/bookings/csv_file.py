"""Bookings from a CSV file (see docs/bookings.md for the columns)."""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from firstmate.adapters.sources.bookings.fields import describe, plain_amount
from firstmate.adapters.sources.bookings.written import clocks_change
from firstmate.adapters.sources.csv_errors import csv_problem
from firstmate.domain.bookings import BookingRequest, IntakePath
from firstmate.domain.intake import ParsedRecord, RowError

REQUIRED = (
    "external_id", "start", "duration_hours", "guest_count", "gross_amount", "currency", "lead_name", "lead_email",
)  # fmt: skip
OPTIONAL = ("source", "entity", "asset", "lead_phone", "notes", "private_notes", "status", "sequence")
MAX_ROWS = 10_000
#: A start written in UTC outright ("Z", or RFC 3339's "-00:00"): no business zone's offset copied down a column.
_UTC_WRITTEN = re.compile(r"(?:[Zz]|-00:00)$")
_UNNAMED = "\x00column "  # the name a column with none is read under (no header can hold it)


def parse_csv(
    text: str, *, default_source: str = "csv", timezone: str | None = None, warnings: list[str] | None = None
) -> list[ParsedRecord]:
    """One record per data row; a header naming unknown or missing columns is one RowError. With the
    business's `timezone`, a start written with its offset of another season is refused (`_season`), and one
    written with another zone's offset is taken as the moment it names, said in `warnings` ("row 3: 10:00
    -07:00 is 18:00 in Europe/Lisbon; if 10:00 Lisbon time was meant, write 2027-07-04T10:00:00+01:00").
    Columns are separated by commas, or by semicolons or tabs when the header has no comma.
    Lines may end in LF, CRLF or a bare CR (old Mac spreadsheet exports). Rows are numbered as a
    spreadsheet shows them; a row holding nothing (a blank line, or commas alone) is let be."""
    # newline="": the csv module splits records itself, bare CRs and line breaks inside quotes included
    # strict: a cell typed as `"Big" Bertha` is refused, saying how to write it, not read without its quotes
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text), strict=True)
    header_row, header = 0, list[str]()  # the header is the first row that is not blank
    try:
        while not header and (line := next(reader, None)) is not None:
            header_row, header = header_row + 1, [h.strip() for h in line]
    except csv.Error as exc:
        return [_unsplittable("header", exc, _line(text, reader.line_num))]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in REQUIRED + OPTIONAL]
    repeated = sorted({c for c in header if c and header.count(c) > 1})  # read, the last would win unsaid
    if missing or unknown or repeated:
        problems = []
        if missing:
            problems.append(f"missing columns: {', '.join(missing)}")
        if unknown:
            unused = [*missing, *(c for c in OPTIONAL if c not in header)]
            problems.append(f"unknown columns: {', '.join(_with_meant(c, unused) for c in unknown)}")
        if repeated:
            problems.append(f"columns named twice: {', '.join(repeated)}; keep one of each")
        return [RowError("header", "; ".join(problems))]
    # columns with no name (a spreadsheet's trailing empty ones) are let be while they hold nothing
    names = [name or f"{_UNNAMED}{index}" for index, name in enumerate(header, start=1)]
    records: list[ParsedRecord] = []
    number = header_row
    try:
        for number, cells in enumerate(reader, start=header_row + 1):
            # a spreadsheet's empty rows (",,,,," below its last booking) hold nothing to import; counted
            # all the same, so that a row's number is the one the spreadsheet shows
            if not any(cell.strip() for cell in cells):
                continue
            if len(records) == MAX_ROWS:
                records.append(RowError(f"row {number}", f"a file holds at most {MAX_ROWS} rows; split it"))
                break
            if len(cells) > len(names):
                records.append(RowError(f"row {number}", "more values than columns (an unquoted comma?)"))
                continue
            row = dict(zip(names, [*cells, *[""] * (len(names) - len(cells))], strict=True))
            stray = [k.removeprefix(_UNNAMED) for k, v in row.items() if k.startswith(_UNNAMED) and v.strip()]
            if stray:
                said = f"a value in column {', '.join(stray)}, which has no name: name the column or delete the value"
                records.append(RowError(f"row {number}", said))
                continue
            record = _record(number, {k: v.strip() for k, v in row.items()}, default_source, timezone)
            other = record.offset_warning(timezone) if isinstance(record, BookingRequest) and timezone else None
            if other and warnings is not None:
                warnings.append(f"row {number}: {other}")
            records.append(record)
    except csv.Error as exc:
        records.append(_unsplittable(f"row {number + 1}", exc, _line(text, reader.line_num)))  # the row being read
    return records


def _with_meant(column: str, unused: list[str]) -> str:
    """`column`, with the column of firstmate's it stands for when it is one ("guests (did you mean guest_count?)",
    "Lead Email" for lead_email), among those the header lacks."""
    typed = re.sub(r"[\s-]+", "_", column.strip().lower())
    close = difflib.get_close_matches(typed, unused, n=1, cutoff=0.6)
    stem = typed.rstrip("s")  # "guests" for guest_count
    meant = close[0] if close else next((c for c in unused if len(stem) > 3 and c.startswith(stem)), None)
    return f"{column} (did you mean {meant}?)" if meant else column


def _separator(text: str) -> str:
    """What the file's header separates its columns with: a comma, or else a semicolon or a tab (a
    spreadsheet set to a European locale, a text export), which refused every column as missing."""
    header = next((line for line in re.split(r"\r\n|\r|\n", text) if line.strip()), "")
    return next((other for other in (";", "\t") if other in header and "," not in header), ",")


def _line(text: str, number: int) -> str:
    """The file's line `number` (1-based), as the csv module counts them, or ""."""
    lines = re.split(r"\r\n|\r|\n", text.lstrip("\ufeff"))  # as the csv module ends lines (not at U+2028)
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _unsplittable(where: str, error: csv.Error, line: str = "") -> RowError:
    """What the csv module cannot split into fields at all (most often a quote left open)."""
    return RowError(where, f"{csv_problem(error, line)} (the rows after it were not read)")


#: The booking's fields a CSV file writes under other names: a problem names the file's column.
CSV_COLUMNS = {"lead_guest.name": "lead_name", "lead_guest.email": "lead_email", "lead_guest.phone": "lead_phone"}


def _status(written: str) -> str:
    """A row's status as spreadsheets write it: in any case, "canceled" as American English spells it
    (refused, they stopped the whole file); empty is confirmed."""
    status = written.strip().lower() or "confirmed"
    return "cancelled" if status == "canceled" else status


def _season(start: str, timezone: str) -> str | None:
    """Why `start` is refused when its offset is the business zone's in another season than its day's
    ("2026-12-12T10:00:00-07:00" in Los Angeles, as a summer row's offset copied down a column): read as
    written, the trip was an hour off, and crew and guests were told so; another zone's time with that offset
    (Denver's winter "-07:00") cannot be told from it, and is told to write its moment in UTC. None when it is
    not: a time in UTC written so ("Z", where a zone's winter offset is UTC's: London), or a clock time the
    zone skips."""
    try:
        moment = datetime.fromisoformat(start)
    except ValueError:
        return None  # the booking's own check says what is wrong with it
    offset, zone = moment.utcoffset(), ZoneInfo(timezone)
    if offset is None or offset == moment.astimezone(zone).utcoffset() or _UTC_WRITTEN.search(start.strip()):
        return None
    seasons = {datetime(moment.year, month, 1, tzinfo=zone).utcoffset() for month in (1, 7)}
    if offset not in seasons:
        return None  # UTC, or another zone's time: the same moment however written
    meant = moment.replace(tzinfo=zone)
    if meant.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != meant.replace(tzinfo=None):
        return None  # the hour the clocks go forward: no such time there, its offset alone says when
    # another zone's time may have that offset too (Denver's winter is Los Angeles' summer): its same moment in UTC
    in_utc = f"{moment.astimezone(UTC).replace(tzinfo=None).isoformat()}Z"
    or_utc = (
        f", or {in_utc} if {moment:%H:%M} is UTC"
        if not offset
        else f"; if {_hours(offset)} is right (a time in another zone), write the same moment in UTC: {in_utc}"
    )
    return (
        f"start: {start}: {_hours(offset)} is {timezone}'s offset in another season; on {meant:%d %b %Y} it is "
        f"{_hours(meant.utcoffset())}: write {meant.isoformat()} if the trip leaves at {meant:%H:%M} there{or_utc}"
    )


#: A date alone, as ISO 8601 writes it: no time of day, so no departure.
_DATE_ALONE = re.compile(r"[0-9]{4}-?[0-9]{2}-?[0-9]{2}")


def _with_offset(start: str, timezone: str | None) -> str:
    """`start` with its offset: a date and time written without one ("2026-07-04 10:00", as an operator types
    it in a spreadsheet) is the business's clock time, and gets its offset there on that date (it was refused,
    "Input should have timezone info"). Refused (ValueError): a start no ISO 8601 reading takes, saying how to
    write it in the business's zone (`_unread_start`), a date alone, a clock time the zone skips (02:30
    the night the clocks go forward) or repeats (01:30 the night they go back), read either way an hour off,
    and any time without its offset when there is no business `timezone` to read it in."""
    try:
        moment = datetime.fromisoformat(start)
    except ValueError:
        if start and timezone is not None:
            raise ValueError(_unread_start(start, timezone)) from None
        return start  # the booking's own check says what is wrong with it
    if moment.tzinfo is not None:
        return start
    if _DATE_ALONE.fullmatch(start):
        raise ValueError(f"start: {start} has no time of day: write the departure, like {moment:%Y-%m-%d} 17:00")
    if timezone is None:
        said = f"like {moment:%Y-%m-%dT%H:%M:%S}-07:00"
        raise ValueError(f"start: {start} has no offset: write it with its offset, {said}")
    zone = ZoneInfo(timezone)
    first, second = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.isoformat()
    went, came = clocks_change(moment, zone)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment:  # a time the clocks skip
        raise ValueError(
            f"start: {start} does not happen in {timezone}: its clocks go from {went} to {came} that night; write "
            f"the time the trip leaves by its clocks then, like {first.astimezone(UTC).astimezone(zone):%Y-%m-%d %H:%M}"
        )
    raise ValueError(
        f"start: {start} happens twice in {timezone}: its clocks go from {went} back to {came} that night; write it "
        f"with its offset: {first.isoformat()} for the first, {second.isoformat()} for the second"
    )


def _hours(offset: timedelta | None) -> str:
    """An offset as ISO 8601 writes it: "-07:00"."""
    minutes = int((offset or timedelta(0)).total_seconds() // 60)
    return f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


#: Hours written with a decimal comma ("2,5"), as a spreadsheet in a European locale saves them.
_HOURS_WITH_COMMA = re.compile(r"[0-9]{1,2},[0-9]{1,2}")


def _record(number: int, row: dict[str, str], default_source: str, timezone: str | None = None) -> ParsedRecord:
    """The row's booking, or a RowError naming every problem of it; hours with a decimal comma are said to want a
    decimal point (they were told "write it like 1200.50, without thousands commas or a currency sign")."""
    hours = row["duration_hours"]
    if not _HOURS_WITH_COMMA.fullmatch(hours):
        return _read_row(number, row, default_source, timezone)
    point = hours.replace(",", ".")
    said = f"duration_hours: {hours!r} has a decimal comma: write the hours with a decimal point, like {point}"
    rest = _read_row(number, {**row, "duration_hours": "1"}, default_source, timezone)
    return RowError(f"row {number}", f"{said}; {rest.problem}" if isinstance(rest, RowError) else said)


def _read_row(number: int, row: dict[str, str], default_source: str, timezone: str | None = None) -> ParsedRecord:
    try:
        amount = plain_amount(row["gross_amount"])
    except ValueError as exc:
        return RowError(f"row {number}", f"gross_amount: {exc}")
    body = {
        "source": row.get("source") or default_source,
        "external_id": row["external_id"],
        "entity": row.get("entity") or None,
        "asset": row.get("asset") or None,
        "start": row["start"],
        "duration_hours": row["duration_hours"],
        "guest_count": row["guest_count"],
        "gross_amount": amount,
        "currency": row["currency"],
        "lead_guest": {
            "name": row["lead_name"],
            "email": row["lead_email"],
            "phone": row.get("lead_phone") or None,
        },
        "notes": row.get("notes", ""),
        "private_notes": row.get("private_notes", ""),
        "status": _status(row.get("status", "")),
        "sequence": row.get("sequence") or None,  # the channel's revision number: an older row changes nothing
    }
    if (day := _day_number(row["start"])) is not None:
        return RowError(f"row {number}", _counted_day(row["start"], day, body, timezone))
    try:
        body["start"] = _with_offset(row["start"], timezone)
    except ValueError as exc:
        return RowError(f"row {number}", _with_the_rest(str(exc), body))
    if timezone and (wrong := _season(row["start"], timezone)):
        return RowError(f"row {number}", _with_the_rest(wrong, body))
    try:
        return BookingRequest.model_validate(body).numbered_in(IntakePath.CSV).placed_at(f"row {number}")
    except ValidationError as exc:
        return RowError(f"row {number}", describe(exc, CSV_COLUMNS))


#: A spreadsheet's day number (days since 30 Dec 1899) from 2000 to 2100: how it saves a date it formats.
_DAY_NUMBER = re.compile(r"\d{5}(?:\.\d+)?")
_DAY_ZERO = datetime(1899, 12, 30)


def _day_number(start: str) -> datetime | None:
    """The moment `start` names as a spreadsheet's day number ("46207.70833": 4 Jul 2026, 17:00), if it is
    one: read as seconds since 1970, it was refused as "a date between 2000 and 2100", naming nothing."""
    if not _DAY_NUMBER.fullmatch(start) or not 36526 <= float(start) < 73051:
        return None
    return _DAY_ZERO + timedelta(minutes=round(float(start) * 24 * 60))  # to the minute, as it was typed


#: How to write a start when there is no business zone to read a clock time in.
_EXAMPLE_WITH_OFFSET = "with its offset, like 2026-07-04T17:00:00-07:00"


def _counted_day(start: str, day: datetime, body: Mapping[str, object], timezone: str | None) -> str:
    """The refusal of a start written as a spreadsheet's day number, with the row's other problems."""
    how = f"as the business's clock time, like {day:%Y-%m-%d %H:%M}" if timezone else _EXAMPLE_WITH_OFFSET
    said = (
        f"start: {start} is a date as a spreadsheet counts days ({day.day} {day:%b %Y, %H:%M}): format the column as "
        f"text and write each start {how}"
    )
    return _with_the_rest(said, body)


def _unread_start(start: str, timezone: str) -> str:
    """The refusal of a start no ISO 8601 reading takes ("04/07/2027 10:00"), saying how to write it in the
    business's own zone: the generic example's "-07:00", copied by a business in Lisbon, booked its trips
    in Los Angeles time."""
    example = datetime(2026, 7, 4, 17, 0, tzinfo=ZoneInfo(timezone))
    return (
        f"start: {start} is not a date and time firstmate reads: write it year first, as the business's clock "
        f"time in {timezone}, like {example:%Y-%m-%d %H:%M} (or with its offset there, like {example.isoformat()})"
    )


def _with_the_rest(said: str, body: Mapping[str, object]) -> str:
    """A refusal of a row's start, with the row's other problems: every problem of the file is said at once."""
    try:  # the row's other fields, checked with a start that is right
        BookingRequest.model_validate({**body, "start": "2026-07-04T17:00:00-07:00"})
    except ValidationError as exc:
        said += f"; {describe(exc, CSV_COLUMNS)}"
    return said
