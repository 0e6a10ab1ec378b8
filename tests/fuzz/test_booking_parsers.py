"""Hostile files for the booking importers (marketplace email, CSV, OTA calendar): every input ends
as booking requests, blocked slots or a RowError naming what to fix; never a crash, never an
exception outside firstmate's typed errors.

Each crash once found has a test of its own below, asserting the row error that replaced it.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from firstmate.adapters.sources.bookings.csv_file import OPTIONAL, REQUIRED, parse_csv
from firstmate.adapters.sources.bookings.email import parse_email
from firstmate.adapters.sources.bookings.ics_file import parse_ics
from firstmate.bootstrap import App
from firstmate.demo.run import SAMPLE_EMAIL
from firstmate.domain.bookings import BookingRequest, BookingStatus
from firstmate.domain.intake import BlockedSlot, CancelledByReference, NotBooked, ParsedRecord, RowError
from firstmate.errors import FirstmateError
from firstmate.services.imports import import_records
from tests.fuzz.strategies import (
    FUZZ,
    addresses,
    any_text,
    examples,
    hostile,
    mostly_valid,
    names,
    nasty,
    phones,
    quarter_hours,
)

BOATS = {"sea-lark": "Sea Lark (38 ft sloop)", "morning-tern": "Morning Tern (45 ft catamaran)"}
ZONE = "America/Los_Angeles"
SAMPLE = SAMPLE_EMAIL.read_bytes()
zones = st.sampled_from([UTC, ZoneInfo(ZONE), ZoneInfo("Pacific/Chatham"), ZoneInfo("Asia/Kathmandu")])


def _records(parse: Callable[[], list[ParsedRecord]]) -> list[ParsedRecord]:
    """What a parser returns; a typed firstmate error is an answer too (then: no records)."""
    try:
        records = parse()
    except FirstmateError:
        return []
    assert isinstance(records, list)
    assert all(isinstance(r, BookingRequest | BlockedSlot | RowError | NotBooked | CancelledByReference)
               for r in records), records  # fmt: skip
    for record in records:
        if currently_in_test_context():  # --hypothesis-show-statistics tells how many of each came out
            event(type(record).__name__)
        if isinstance(record, RowError):
            assert record.where and record.problem  # says where, and what to fix
    return records


# --- marketplace email ------------------------------------------------------------------------

#: How marketplace emails write passengers in words, and a total with its currency ({:,} the amount).
PASSENGERS_IN_WORDS = ["six", "Six guests", "twelve", "two adults, one child", "Twenty-two people", "4 adults, 2 kids"]
TOTAL_FORMS = ["${:,}", "USD {:,}", "€{:,}", "{:,} EUR", "£{:,}", "A$ {:,}", "CA${:,}", "$ {:,} CAD", "¥{:,}"]
email_fields = mostly_valid(
    {
        "Booking ID": st.from_regex(r"BS-[A-Z0-9]{6}", fullmatch=True),
        "Boat": st.sampled_from(["Sea Lark", "Morning Tern", "sea lark"]),
        "Trip date": st.dates(date(2001, 1, 1), date(2099, 12, 31)).map(lambda d: d.strftime("%A, %B %d, %Y")),
        "Start time": st.times().map(lambda t: t.strftime("%I:%M %p")),
        "Duration": quarter_hours.map(lambda h: f"{h} hours"),
        "Passengers": st.one_of(st.integers(1, 150).map(str), st.sampled_from(PASSENGERS_IN_WORDS)),
        "Renter": names,
        "Renter email": addresses,
        "Renter phone": phones,
        "Total trip price": st.tuples(st.decimals(0, 1_000_000, places=2), st.sampled_from(TOTAL_FORMS)).map(
            lambda total: total[1].format(total[0])
        ),
        "Your estimated payout": st.decimals(0, 1_000_000, places=2).map(lambda d: f"${d:,}"),
    }
)


#: Subjects and whether each cancels the booking.
SUBJECTS = {"Booking confirmed: Sea Lark": False, "Booking cancelled: Sea Lark": True, "Booking canceled": True,
            "Re: Booking cancelled": True, "": False}  # fmt: skip


def boatsetter_email(fields: dict[str, str], subject: str, message: str) -> bytes:
    """A Boatsetter-style confirmation whose labelled values and renter message are `fields` and `message`."""
    lines = "\n".join(f"{label}: {value}" for label, value in fields.items())
    text = (
        "From: Boatsetter <notifications@boatsetter.example.com>\n"
        f"Subject: {subject}\n"
        'MIME-Version: 1.0\nContent-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n\n'
        f"Booking confirmed!\n\n{lines}\n\nMessage from renter:\n{message}\n"
    )
    return text.encode("utf-8", "surrogatepass")


@settings(FUZZ, max_examples=examples(100))
@given(fields=email_fields, subject=st.one_of(st.sampled_from(list(SUBJECTS)), hostile), message=hostile)
def test_hostile_values_in_a_marketplace_email_give_a_booking_or_a_row_error(
    fields: dict[str, str], subject: str, message: str
) -> None:
    [record] = _records(lambda: parse_email(boatsetter_email(fields, subject, message), timezone=ZONE, boats=BOATS))
    if isinstance(record, BookingRequest) and subject in SUBJECTS:
        # only the subject or the headline cancels, never the renter's words (the headline here confirms)
        assert (record.status is BookingStatus.CANCELLED) == SUBJECTS[subject]
        payout = fields["Your estimated payout"].strip()
        if payout and payout not in message:
            assert payout not in record.notes  # the payout is private: crew read the notes


@settings(FUZZ, max_examples=examples(100))
@given(raw=st.one_of(st.binary(max_size=400), any_text.map(lambda s: s.encode("utf-8", "surrogatepass"))))
def test_any_bytes_as_an_email_give_a_row_error_or_a_booking(raw: bytes) -> None:
    records = _records(lambda: parse_email(raw, timezone=ZONE, boats=BOATS))
    assert len(records) <= 1


@settings(FUZZ, max_examples=examples(200))
@given(at=st.integers(0, SAMPLE.index(b"\n\n")), junk=st.binary(min_size=1, max_size=12), cut=st.integers(0, 8))
def test_a_mangled_email_header_block_gives_a_row_error(at: int, junk: bytes, cut: int) -> None:
    _records(lambda: parse_email(SAMPLE[:at] + junk + SAMPLE[at + cut :], timezone=ZONE, boats=BOATS))


def test_a_from_header_the_stdlib_cannot_read_is_a_row_error() -> None:
    raw = b"From:. Boatsetter <notifications@boatsetter.example.com>\n\nBooking ID: BS-1\n"
    [record] = _records(lambda: parse_email(raw, timezone=ZONE, boats=BOATS))
    assert isinstance(record, RowError) and record.where == "email"
    assert "From header" in record.problem and "notifications@boatsetter.example.com" in record.problem


def test_an_unknown_charset_is_a_row_error() -> None:
    raw = SAMPLE.replace(b'charset="utf-8"', b'charset="tf-8"', 1)
    [record] = _records(lambda: parse_email(raw, timezone=ZONE, boats=BOATS))
    assert isinstance(record, RowError) and record.where == "email"
    assert "unknown character set 'tf-8'" in record.problem and "UTF-8" in record.problem


def test_a_count_in_words_with_letters_that_only_fold_to_ascii_is_a_row_error() -> None:
    """Found while adding counts in words: "ſix" (a long s) and "fıve" (a dotless ı) match "six" and "five"
    case-insensitively in Unicode, and looking them up in the table of words crashed the import (KeyError)."""
    for written in ("ſix", "fıve", "ſix guests"):
        raw = SAMPLE.replace(b"Passengers: 6", f"Passengers: {written}".encode())
        [record] = _records(lambda: parse_email(raw, timezone=ZONE, boats=BOATS))  # noqa: B023 (called at once)
        assert isinstance(record, RowError) and f"cannot read the passengers {written!r}" in record.problem


def test_a_renters_message_is_no_field_and_is_kept_whole_to_the_footer() -> None:
    """Found by a review: "Booking ID: BS-5T2PL9" in a renter's message rewrote that other guest's
    booking (the last label won), and the message was cut after its first paragraph."""
    message = (
        "Last year we sailed as Booking ID: BS-5T2PL9\nPassengers: 2 adults, 4 kids\n\n"
        "Also, my father uses a wheelchair. Is there a ramp at the dock?\n\nManage this booking in your dashboard."
    )
    fields = {"Booking ID": "BS-7Q4K2M", "Boat": "Sea Lark", "Trip date": "Saturday, December 12, 2026",
              "Start time": "10:00 AM", "Duration": "3 hours", "Passengers": "6", "Renter": "Dana Whitcomb",
              "Renter email": "dana@example.com", "Total trip price": "$840.75"}  # fmt: skip
    [record] = _records(lambda: parse_email(boatsetter_email(fields, "Booking confirmed", message), timezone=ZONE,
                                            boats=BOATS))  # fmt: skip
    assert isinstance(record, BookingRequest)
    assert (record.external_id, record.guest_count) == ("BS-7Q4K2M", 6)
    assert record.notes.endswith("Also, my father uses a wheelchair. Is there a ramp at the dock?")
    assert "Manage this booking" not in record.notes


def test_a_renters_message_longer_than_a_booking_holds_is_cut_saying_so() -> None:
    """Found by a review: a renter's message over the 2,000 characters a booking's notes hold was cut
    mid-word with nothing said, and the crew read its last request half-written as the whole of it."""
    message = "We are a large family group. " * 80 + "Please rig the boarding ramp for my father."
    fields = {"Booking ID": "BS-7Q4K2M", "Boat": "Sea Lark", "Trip date": "Saturday, December 12, 2026",
              "Start time": "10:00 AM", "Duration": "3 hours", "Passengers": "6", "Renter": "Dana Whitcomb",
              "Renter email": "dana@example.com", "Total trip price": "$840.75"}  # fmt: skip
    [record] = _records(lambda: parse_email(boatsetter_email(fields, "Booking confirmed", message), timezone=ZONE,
                                            boats=BOATS))  # fmt: skip
    assert isinstance(record, BookingRequest) and len(record.notes) <= 2000
    assert record.notes.endswith("(cut here: the rest is in the channel's booking)")


def test_an_email_naming_a_boat_two_boats_could_be_is_refused_naming_both() -> None:
    """Found by a review: "Boat: Osprey" with boats "Osprey (Lagoon 42, 2019)" and "Osprey (Lagoon 42,
    2021)" went to the first, unsaid, and its crew were told; two boats of one name collapsed into one."""
    sisters = {"osprey-a": "Osprey (Lagoon 42, 2019)", "osprey-b": "Osprey (Lagoon 42, 2021)"}
    raw = SAMPLE.replace(b"Boat: Sea Lark", b"Boat: Osprey")
    [record] = _records(lambda: parse_email(raw, timezone=ZONE, boats=sisters))
    assert isinstance(record, RowError)
    assert "could be 'Osprey (Lagoon 42, 2019)' and 'Osprey (Lagoon 42, 2021)'" in record.problem
    [exact] = _records(lambda: parse_email(raw, timezone=ZONE, boats={**sisters, "osprey": "Osprey"}))
    assert isinstance(exact, BookingRequest) and exact.asset == "osprey"  # its very name: no doubt
    [twins] = _records(lambda: parse_email(raw, timezone=ZONE, boats={"o-1": "Osprey", "o-2": "Osprey"}))
    assert isinstance(twins, RowError) and "could be" in twins.problem


#: How marketplace emails write a trip date.
DATE_FORMS = ["%A, %B %d, %Y", "%a, %b %d, %Y", "%b %d, %Y", "%B %d, %Y", "%d %B %Y", "%A, %d %B %Y", "%a %b %d %Y",
              "%Y-%m-%d", "%A, %b. %d, %Y"]  # fmt: skip


@settings(FUZZ, max_examples=examples(200))
@given(day=st.dates(date(2001, 1, 1), date(2099, 12, 31)), form=st.sampled_from(DATE_FORMS), shift=st.integers(1, 6))
def test_an_emails_trip_date_reads_as_its_day_however_written_and_a_wrong_weekday_is_refused(
    day: date, form: str, shift: int
) -> None:
    raw = boatsetter_email({"Booking ID": "BS-1", "Boat": "Sea Lark", "Trip date": day.strftime(form),
                            "Start time": "10:00 AM", "Duration": "3 hours", "Passengers": "2", "Renter": "Ann Lee",
                            "Renter email": "ann@example.com", "Total trip price": "$100.00"}, "", "")  # fmt: skip
    [record] = _records(lambda: parse_email(raw, timezone=ZONE, boats=BOATS))
    assert isinstance(record, BookingRequest), record
    assert record.start.astimezone(ZoneInfo(ZONE)).date() == day
    if "%a" in form.lower():  # another day's weekday: one of them is wrong, and the email says which
        other = (day + timedelta(days=shift)).strftime("%A" if "%A" in form else "%a")
        wrong = raw.replace(
            day.strftime(form).encode(), day.strftime(form.replace("%A", other).replace("%a", other)).encode()
        )
        [refused] = _records(lambda: parse_email(wrong, timezone=ZONE, boats=BOATS))
        assert isinstance(refused, RowError) and f"but {day.day} {day:%B %Y} is a {day:%A}" in refused.problem


#: How marketplace emails write a duration (h: hours, w: whole hours, m: minutes beyond them, t: all in minutes).
DURATION_FORMS = ["{h:g} hours", "{h:g} hrs", "{h:g}h", "{w} hours {m} min", "{w}h{m}m", "{w} hrs, {m} mins",
                  "{t} minutes"]  # fmt: skip


@settings(FUZZ, max_examples=examples(200))
@given(quarters=st.integers(1, 72 * 4), form=st.sampled_from(DURATION_FORMS))
def test_an_emails_duration_reads_as_its_hours_however_written(quarters: int, form: str) -> None:
    hours = Decimal(quarters) / 4
    written = form.format(h=hours, w=quarters // 4, m=quarters % 4 * 15, t=quarters * 15)
    raw = boatsetter_email({"Booking ID": "BS-1", "Boat": "Sea Lark", "Trip date": "Saturday, December 12, 2026",
                            "Start time": "10:00 AM PST", "Duration": written, "Passengers": "2", "Renter": "Ann Lee",
                            "Renter email": "ann@example.com", "Total trip price": "$100.00"}, "", "")  # fmt: skip
    [record] = _records(lambda: parse_email(raw, timezone=ZONE, boats=BOATS))
    assert isinstance(record, BookingRequest), (written, record)
    assert record.duration_hours == hours, written


# --- CSV --------------------------------------------------------------------------------------

cells = mostly_valid(
    {
        "external_id": st.from_regex(r"C-[0-9]{1,5}", fullmatch=True),
        "start": st.datetimes(datetime(2001, 1, 1), datetime(2099, 1, 1), timezones=zones).map(datetime.isoformat),
        "duration_hours": quarter_hours,
        "guest_count": st.integers(1, 150).map(str),
        "gross_amount": st.decimals(0, 1_000_000, places=2).map(lambda d: f"{d:,}"),
        "currency": st.sampled_from(["USD", "eur", "Gbp"]),
        "lead_name": names,
        "lead_email": addresses,
        "asset": st.sampled_from(["sea-lark", "morning-tern", ""]),
        "status": st.sampled_from(["confirmed", "cancelled", ""]),
        "source": st.sampled_from(["csv", "getmyboat", ""]),
        "entity": st.just(""),
        "lead_phone": st.one_of(st.just(""), phones),
        "notes": hostile,
        "private_notes": hostile,
        "sequence": st.one_of(st.just(""), st.integers(0, 2**31 - 1).map(str)),
    }
)


def universal_newlines(text: str) -> str:
    """The text as `firstmate booking import` reads a file (Path.read_text: universal newlines)."""
    return io.StringIO(text, newline=None).read()


@settings(FUZZ, max_examples=examples(100))
@given(
    optional=st.lists(st.sampled_from(OPTIONAL), unique=True),
    order=st.randoms(use_true_random=False),
    rows=st.lists(cells, min_size=1, max_size=4),
)
def test_hostile_csv_cells_give_one_record_per_row(
    optional: list[str], order: random.Random, rows: list[dict[str, str]]
) -> None:
    columns = [*REQUIRED, *optional]
    order.shuffle(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([[row[c] for c in columns] for row in rows])
    records = _records(lambda: parse_csv(universal_newlines(buffer.getvalue())))
    assert len(records) == len(rows)
    for number, record in enumerate(records, start=2):
        if isinstance(record, RowError):
            assert record.where == f"row {number}"


@settings(FUZZ, max_examples=examples(100))
@given(text=st.one_of(any_text, st.lists(st.one_of(nasty, any_text, st.just(",")), max_size=30).map("".join)))
def test_any_text_as_a_csv_file_gives_records_or_row_errors(text: str) -> None:
    header = ",".join(REQUIRED) + "\n"
    for raw in (text, header + text):
        _records(lambda raw=raw: parse_csv(universal_newlines(raw)))  # as `firstmate booking import` reads a file
        _records(lambda raw=raw: parse_csv(raw))  # as any other caller may pass it: bare CRs and all


#: Zones whose clocks change by an hour, by half an hour (Lord Howe), or twice in a year on either side of UTC.
_CHANGING = ["America/Los_Angeles", "Europe/London", "Australia/Lord_Howe", "Pacific/Chatham", "America/Santiago"]


@settings(FUZZ, max_examples=examples(200))
@given(
    moment=st.datetimes(datetime(2001, 1, 1), datetime(2099, 1, 1)).map(lambda d: d.replace(second=0, microsecond=0)),
    zone=st.sampled_from(_CHANGING),
    separator=st.sampled_from([" ", "T"]),
)
def test_a_csv_start_without_its_offset_is_the_business_zones_clock_time_or_refused_saying_why(
    moment: datetime, zone: str, separator: str
) -> None:
    """A spreadsheet's start without an offset ("2026-07-04 10:00") is read as the business's clock shows it
    that day; one its clocks skip or show twice is refused, saying so, never read an hour off."""
    start = moment.isoformat(sep=separator, timespec="minutes")
    row = f"C-1,{start},4,6,840.75,USD,Ann Lee,ann@example.com\n"
    [record] = _records(lambda: parse_csv(",".join(REQUIRED) + "\n" + row, timezone=zone))
    if isinstance(record, BookingRequest):
        assert record.start.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == moment
    else:
        assert isinstance(record, RowError)
        assert f"start: {start} does not happen in {zone}" in record.problem or (
            f"start: {start} happens twice in {zone}" in record.problem
        ), record.problem


def test_bare_carriage_returns_end_rows_as_in_old_mac_exports() -> None:
    row = "C-1,2026-06-13T16:00:00-07:00,4,6,840.75,USD,Ann Lee,ann@example.com"
    quoted = 'C-2,2026-06-14T16:00:00-07:00,4,6,840.75,USD,Bo Chen,bo@example.com,"line one\rline two"'
    records = _records(lambda: parse_csv(",".join(REQUIRED) + ",notes\r" + row + ",\r" + quoted + "\r"))
    assert [r.external_id for r in records if isinstance(r, BookingRequest)] == ["C-1", "C-2"]
    assert isinstance(records[1], BookingRequest) and records[1].notes == "line one\nline two"  # one kind of break


def test_a_notes_cell_over_several_lines_of_a_windows_file_holds_plain_line_breaks() -> None:
    """A CRLF file's multi-line cell kept its CRs: the same notes sent from a Mac, or typed in the API,
    read as a change, and crew pages and mail carried stray CRs."""
    row = 'C-1,2026-06-13T16:00:00-07:00,4,6,840.75,USD,Ann Lee,ann@example.com,"Cake\r\nand candles"\r\n'
    [record] = _records(lambda: parse_csv(",".join(REQUIRED) + ",notes\r\n" + row))
    assert isinstance(record, BookingRequest) and record.notes == "Cake\nand candles"


def test_a_cell_beginning_with_a_quote_not_quoted_whole_is_refused_saying_how_to_write_it() -> None:
    """`"Big" Bertha cake` was read as `Big Bertha cake`, its quotes dropped with nothing said."""
    rows = [
        "C-1,2026-06-13T16:00:00-07:00,4,6,840.75,USD,Ann Lee,ann@example.com,Cake",
        'C-2,2026-06-14T16:00:00-07:00,4,6,840.75,USD,Bo Chen,bo@example.com,"Big" Bertha cake',
        "C-3,2026-06-15T16:00:00-07:00,4,6,840.75,USD,Cy Diaz,cy@example.com,",
    ]
    first, refused = _records(lambda: parse_csv("\n".join([",".join(REQUIRED) + ",notes", *rows]) + "\n"))
    assert isinstance(first, BookingRequest) and first.external_id == "C-1"
    assert isinstance(refused, RowError) and refused.where == "row 3"
    assert '"""Big"" Bertha" for "Big" Bertha' in refused.problem and "rows after it were not read" in refused.problem
    quoted = rows[1].replace('"Big" Bertha cake', '"""Big"" Bertha cake"')  # as a spreadsheet writes it
    records = _records(lambda: parse_csv("\n".join([",".join(REQUIRED) + ",notes", rows[0], quoted, rows[2]])))
    assert [r.notes for r in records if isinstance(r, BookingRequest)] == ["Cake", '"Big" Bertha cake', ""]


def test_a_carriage_return_inside_an_unquoted_field_is_a_row_error() -> None:
    [record] = _records(lambda: parse_csv("a\rb"))  # read as two lines: a header of one unknown column
    assert isinstance(record, RowError) and record.where == "header" and "missing columns" in record.problem


def test_a_quote_left_open_is_a_row_error_naming_its_row() -> None:
    text = ",".join(REQUIRED) + '\nC-1,2026-06-13T16:00:00-07:00,4,6,"840.75' + "9" * 200_000 + "\n"
    [record] = _records(lambda: parse_csv(text))
    assert isinstance(record, RowError) and record.where == "row 2" and "quote left open" in record.problem


# --- OTA calendar export ----------------------------------------------------------------------

moments = st.one_of(
    st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=zones),
    st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)),  # floating: the business's zone
    st.dates(date(2000, 1, 1), date(2100, 1, 1)),  # all day
)
spans = st.one_of(
    st.integers(1, 72 * 4).map(lambda q: timedelta(minutes=15 * q)),  # what a booking may last
    st.timedeltas(timedelta(hours=-3), timedelta(days=4)),
    st.none(),
)
guest_lines = mostly_valid(
    {
        "Guest": names,
        "Email": addresses,
        "Phone": phones,
        "Guests": st.integers(1, 150).map(str),
        "Total": st.decimals(0, 1_000_000, places=2).map(lambda d: f"USD {d:,}"),
        "Notes": hostile.map(lambda s: s.replace("\n", " ")),
    },
    at_most=2,
)
description = st.one_of(
    guest_lines.map(lambda fields: "\n".join(f"{key}: {value}" for key, value in fields.items())),  # a booking
    hostile,  # a blocked slot, or nonsense
)


def ota_export(events: list[dict[str, object]]) -> bytes:
    """An OTA calendar export holding `events` (their properties set through icalendar, so escaped right)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//fuzz//EN")
    calendar.add("version", "2.0")
    for props in events:
        event = icalendar.Event()
        for name, value in props.items():
            if value is not None:
                event.add(name, value)
        calendar.add_component(event)
    return calendar.to_ical()


@st.composite
def vevents(draw: st.DrawFn) -> dict[str, object]:
    start = draw(moments)
    span = draw(spans)
    end_kind = draw(st.sampled_from(["dtend", "duration", "none"]))
    text = draw(description)
    return {
        "uid": draw(st.one_of(st.from_regex(r"gmb-[0-9]{3,6}@ota\.example\.com", fullmatch=True), hostile)),
        "dtstart": start,
        "dtend": start + span if span is not None and end_kind == "dtend" else None,
        "duration": span if span is not None and end_kind == "duration" else None,
        "summary": draw(hostile),
        "status": draw(st.sampled_from(["CONFIRMED", "CANCELLED", "TENTATIVE", None])),
        "description": text,
    }


@settings(FUZZ, max_examples=examples(100))
@given(events=st.lists(vevents(), min_size=1, max_size=4), asset=st.sampled_from(["sea-lark", None]))
def test_hostile_calendar_events_give_one_record_each(events: list[dict[str, object]], asset: str | None) -> None:
    raw = ota_export(events)
    records = _records(lambda: parse_ics(raw, source="getmyboat", timezone=ZONE, asset=asset))
    uids = [str(e.get("UID", "")).strip() for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")]
    assert len(uids) == len(events)
    assert len(records) == len({uid for uid in uids if uid}) + uids.count("")  # a UID listed twice: its latest
    for record in records:
        if isinstance(record, BookingRequest | BlockedSlot):
            assert record.start.tzinfo is not None  # every time is aware, floating ones in the business's zone


@settings(FUZZ, max_examples=examples(100))
@given(raw=st.one_of(st.binary(max_size=400), any_text.map(lambda s: f"BEGIN:VCALENDAR\n{s}\nEND:VCALENDAR".encode())))
def test_any_bytes_as_a_calendar_give_records_or_a_row_error(raw: bytes) -> None:
    _records(lambda: parse_ics(raw, source="ical", timezone=ZONE, asset="sea-lark"))


def _raw_event(lines: str) -> bytes:
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:u1\r\n{lines}END:VEVENT\r\nEND:VCALENDAR\r\n".encode()
    )


@settings(FUZZ, max_examples=examples(36))
@given(
    dtstart=st.sampled_from(["20261219T090000", "20261219", "99991231T235959", "00010101T000000", "X", ""]),
    end=st.sampled_from(["", "DTEND:20261219T130000", "DTEND:bad", "DURATION:PT3H", "DURATION:-PT3H", "DURATION:bad"]),
)
def test_undecodable_or_extreme_event_times_are_a_row_error(dtstart: str, end: str) -> None:
    lines = f"DTSTART:{dtstart}\r\n" + (f"{end}\r\n" if end else "")
    _records(lambda: parse_ics(_raw_event(lines), source="ical", timezone=ZONE, asset="sea-lark"))


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        pytest.param("DTSTART:X\r\n", "cannot read DTSTART 'X'", id="dtstart-garbage"),
        pytest.param("DTSTART:20261219T090000\r\nDTEND:bad\r\n", "cannot read DTEND 'bad'", id="dtend-garbage"),
        pytest.param(
            "DTSTART:20261219T090000\r\nDURATION:bad\r\n", "cannot read DURATION 'bad'", id="duration-garbage"
        ),
        pytest.param("DTSTART;VALUE=TIME:090000\r\n", "cannot read DTSTART '090000'", id="a-time-without-a-date"),
        pytest.param("DTSTART:20261219T090000\r\nDTSTART:20261220T090000\r\n", "2 DTSTART lines", id="two-starts"),
        pytest.param(
            "DTSTART:20261219T090000\r\nDURATION:P999999999D\r\n", "DURATION 'P999999999D' is too long", id="eons"
        ),
        pytest.param("DTSTART:99991231T235959\r\n", "starts on 9999-12-31", id="last-day-of-the-calendar"),
        pytest.param("DTSTART:00010101T000000\r\nDURATION:-PT3H\r\n", "starts on 0001-01-01", id="first-day"),
        pytest.param("DTSTART:20261219\r\nDTEND:99991231\r\n", "ends on 9999-12-31", id="blocked-for-ever"),
    ],
)
def test_each_known_bad_event_time_is_a_row_error(lines: str, problem: str) -> None:
    [record] = _records(lambda: parse_ics(_raw_event(lines), source="ical", timezone=ZONE, asset="sea-lark"))
    assert isinstance(record, RowError) and record.where == "event u1" and problem in record.problem


@pytest.mark.parametrize("day", ["19991231", "21010101"])
def test_a_blocked_slot_outside_2000_to_2100_is_not_imported(demo_app: App, day: str) -> None:
    # no guest in the description: a blocked slot, bound to the same years as a booking's start
    records = _records(
        lambda: parse_ics(_raw_event(f"DTSTART:{day}\r\n"), source="ical", timezone=ZONE, asset="sea-lark")
    )
    assert [type(r) for r in records] == [RowError]
    assert "between 2000 and 2100" in records[0].problem  # type: ignore[union-attr]
    report = import_records(demo_app, "demo", records)
    assert report.errors and not report.counts  # nothing imported


# --- from parsed records to an import ---------------------------------------------------------

plausible_rows = cells.map(
    lambda row: {**row, "asset": "sea-lark", "currency": "USD", "status": "confirmed", "source": "csv", "entity": ""}
)


@settings(FUZZ, max_examples=examples(60))
@given(rows=st.lists(plausible_rows, min_size=1, max_size=3))
def test_importing_hostile_rows_imports_all_or_names_each_problem(demo_app: App, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*REQUIRED, *OPTIONAL])
    writer.writeheader()
    writer.writerows(rows)
    records = _records(lambda: parse_csv(universal_newlines(buffer.getvalue())))
    try:
        report = import_records(demo_app, "demo", records)
    except FirstmateError as exc:  # a typed refusal is an answer too
        event(f"refused with {type(exc).__name__}")
        return
    event("imported" if report.ok else "refused")
    bookings = [r for r in records if isinstance(r, BookingRequest)]
    if report.ok:
        assert sum(report.counts.values()) == len(records) == len(bookings)
        assert all(Decimal(0) <= b.gross_amount <= Decimal(1_000_000) for b in bookings)
    else:
        assert report.errors and not report.counts  # all or nothing


def test_a_forwarded_or_html_only_booking_email_is_refused_saying_what_to_import_instead() -> None:
    """Found by a review: both got "not a booking email firstmate can read (it reads: boatsetter)"."""
    forwarded = SAMPLE.replace(
        b"From: Boatsetter <notifications@boatsetter.example.com>", b"From: Marisol Tern <marisol@example.com>"
    ).replace(b"Subject: ", b"Subject: Fwd: ")
    [record] = _records(lambda: parse_email(forwarded, timezone=ZONE, boats=BOATS))
    assert (
        isinstance(record, RowError)
        and "this is a forward: forward the marketplace's email as an attachment" in record.problem
    )
    html_only = (b"From: Boatsetter <notifications@boatsetter.example.com>\nSubject: Booking confirmed\n"
                 b"MIME-Version: 1.0\nContent-Type: text/html\n\n<p>Booking ID: BS-1</p>\n")  # fmt: skip
    [record] = _records(lambda: parse_email(html_only, timezone=ZONE, boats=BOATS))
    assert isinstance(record, RowError) and "it has no plain-text part" in record.problem


def test_a_space_after_a_quoted_cells_closing_quote_is_refused_saying_so() -> None:
    """A review found such a row refused with the advice for "Big" Bertha, which did not fit: the cell
    was quoted whole. The refusal now names the space."""
    row = 'C-1,2026-06-13T16:00:00-07:00,4,6,840.75,USD,"Whitcomb, Dana" ,dana@example.com'
    [record] = _records(lambda: parse_csv(",".join(REQUIRED) + "\n" + row + "\n"))
    assert isinstance(record, RowError) and record.where == "row 2"
    assert record.problem.startswith("a space follows a quoted cell's closing quote: take it out")
    # in the header too, and below a note holding a line separator (a second review: the wrong line was read)
    header = '"external_id" ,' + ",".join(REQUIRED[1:])
    [record] = _records(lambda: parse_csv(header + "\n"))
    assert isinstance(record, RowError) and record.problem.startswith("a space follows a quoted cell's closing quote")
    noted = 'C-0,2026-06-12T16:00:00-07:00,4,6,840.75,USD,Ann Lee,ann@example.com,"one\u2028two"'
    records = _records(lambda: parse_csv(",".join(REQUIRED) + ",notes\n" + noted + "\n" + row + ",\n"))
    assert records[-1].problem.startswith("a space follows a quoted cell's closing quote")  # type: ignore[union-attr]


#: A valid Boatsetter confirmation's labelled lines.
VALID_EMAIL = {"Booking ID": "BS-7Q4K2M", "Boat": "Sea Lark", "Trip date": "Saturday, June 13, 2026",
               "Start time": "04:00 PM", "Duration": "3 hours", "Passengers": "4", "Renter": "Ann Lee",
               "Renter email": "ann@example.com", "Renter phone": "+1 415 555 0100", "Total trip price": "$840.75",
               "Your estimated payout": "$624.00"}  # fmt: skip


@pytest.mark.parametrize("dropped", list(VALID_EMAIL))
def test_a_marketplace_email_missing_any_one_of_its_lines_gives_a_booking_or_a_row_error(dropped: str) -> None:
    """The email fuzzer always writes every labelled line (hostile values, never a missing line): a line
    the marketplace leaves out (no phone, no payout) gives a booking or a row error too, never a KeyError."""
    from firstmate.adapters.sources.bookings.email import parse_email

    kept = {label: value for label, value in VALID_EMAIL.items() if label != dropped}
    raw = boatsetter_email(kept, "Booking confirmed: Sea Lark", "See you there")
    assert len(_records(lambda: parse_email(raw, timezone=ZONE, boats=BOATS))) == 1


@settings(FUZZ, max_examples=examples(60))
@given(
    sequence=st.one_of(st.integers(-(2**40), 2**40).map(str), st.from_regex(r"[0-9A-Za-z.,+-]{1,12}", fullmatch=True))
)
def test_any_sequence_of_a_calendar_event_gives_a_record_or_a_row_error(sequence: str) -> None:
    """The calendar fuzzer never writes SEQUENCE: any value of it is a record or a row error naming it."""
    from firstmate.adapters.sources.bookings.ics_file import parse_ics

    raw = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//EN\r\nBEGIN:VEVENT\r\nUID:gmb-9@ota.example.com\r\n"
           "DTSTART:20261219T170000Z\r\nDTEND:20261219T200000Z\r\n"
           f"SEQUENCE:{sequence}\r\nSUMMARY:Hold\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()  # fmt: skip
    assert len(_records(lambda: parse_ics(raw, source="getmyboat", timezone=ZONE, asset="sea-lark"))) == 1
