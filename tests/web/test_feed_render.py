"""A feed written line by line (10,000 trips took 7 to 15 s as icalendar Events) says byte for byte what the
Events said: every field, the money kept from crew, the zones, folding and escaping, and a change in the next fetch."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from fastapi.testclient import TestClient

from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.calendar import CalendarEntry, EntryKind, crew_title
from firstmate.domain.redaction import crew_notes, speaks_of_money
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.calendar import Feed, FeedScope, feed_token, render_ics
from tests.conftest import booking_body

NOTES = [
    "",
    "Birthday cake on board.",
    "Deposit 200 paid, balance USD 450.00 due; call the skipper",
    "Line one\nline two\r\nline three\rfour, with \\ a backslash and \\N",
    "船上で誕生日ケーキ。" * 6,
    "Allergic to nuts 🥜, vegan; asks for the sunset route " * 4,
    "x" * 57 + "\\" + "y" * 40,  # a backslash where the line folds: icalendar keeps the escape whole
    "Paid EUR 1.250,00 — rest on the day €",
]
TITLES = ["Sea Lark: Dana Whitcomb (6 guests)", "Osprey: Kai O'Neill, party of 3 (12 guests)", "Sea Lark"]
BLOCKED = ["Reserved - Rob S. - payout USD 624.00", "Maintenance; hull, paint", "Request: Dana Whitcomb, 6 passengers"]


def _entries() -> list[CalendarEntry]:
    """Trips and blocked slots with every field a feed writes, in every shape it takes."""
    start = datetime(2026, 10, 30, 15, 0, tzinfo=UTC)
    # a location whose line is 75 octets, the first length icalendar folds; one of 69 characters, 77 octets
    locations = ["", "Pier 39, Dock B; slip 12 \\ north", "P" * 66, "Dock ü " * 8 + "pier"]
    shapes = itertools.product(range(len(NOTES)), [False, True], locations)
    entries = []
    for n, (note, cancelled, location) in enumerate(shapes):
        blocked = n % 5 == 0
        begins = start + timedelta(days=n % 9, hours=n * 7 % 24, minutes=n * 13 % 60)
        if n % 11 == 0:
            begins = datetime(2026, 11, 1, 9, 15, tzinfo=UTC)  # 01:15 PST, the second time the clocks read it
        entries.append(
            CalendarEntry(
                uid=f"b{n:04d}@firstmate",
                org="demo",
                entity="charters",
                asset="" if blocked and n % 2 else "sea-lark",
                kind=EntryKind.BLOCKED if blocked else EntryKind.BOOKING,
                event_id=None if blocked else f"e{n}",
                title=BLOCKED[n % 3] if blocked else TITLES[n % 3],
                start=begins,
                end=begins + timedelta(hours=(3, 8, 250)[n % 3]),
                location=location,
                crew_description=f"Guests: {n % 12 + 1}\nSkipper: Ana Reyes\nNotes: {NOTES[note]}",
                money_summary="" if n % 4 == 0 else f"Total USD {n * 37}.50, paid USD 100.00",
                cancelled=cancelled,
                sequence=n % 6,
                # written in UTC whatever the zone it was read in (RFC 5545 asks it of DTSTAMP)
                updated_at=(start - timedelta(days=n, seconds=n * 101, microseconds=n * 7919)).astimezone(
                    ZoneInfo(("UTC", "Asia/Tokyo", "America/Denver")[n % 3])
                ),
                held_until=start if blocked and n % 3 == 2 else None,
            )
        )
    return entries


def _event_as_icalendar_wrote_it(entry: CalendarEntry, zone: ZoneInfo, with_money: bool) -> icalendar.Event:
    """A feed's VEVENT as firstmate built it with icalendar's Event until 2026-12-07."""
    event = icalendar.Event()
    event.add("uid", entry.uid)
    event.add("sequence", entry.sequence)
    event.add("dtstamp", entry.updated_at)
    event.add("last-modified", entry.updated_at)
    for name, moment in (("dtstart", entry.start), ("dtend", entry.end)):
        there = moment.astimezone(zone)
        event.add(
            name, there if there.replace(fold=0).astimezone(UTC) == moment.astimezone(UTC) else moment.astimezone(UTC)
        )
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    if entry.kind is EntryKind.BLOCKED:
        title = entry.title if with_money else crew_title(entry)
        event.add("summary", (title if with_money or not speaks_of_money(title) else "") or "Unavailable")
        event.add("transp", "OPAQUE")
        return event
    event.add("summary", ("Cancelled: " if entry.cancelled else "") + entry.title)
    if entry.location:
        event.add("location", entry.location)
    description = entry.crew_description
    if not with_money:
        own, label, notes = description.partition("Notes: ")
        description = own + label + crew_notes(notes)
    elif entry.money_summary:
        description = f"{description}\n{entry.money_summary}"
    event.add("description", description)
    return event


def _feed_as_icalendar_wrote_it(entries: list[CalendarEntry], timezone: str, with_money: bool) -> bytes:
    calendar = icalendar.Calendar()
    for name, value in [("prodid", "-//firstmate//calendar feed//EN"), ("version", "2.0"), ("calscale", "GREGORIAN")]:
        calendar.add(name, value)
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Saltwind Charters trips")
    calendar.add("x-wr-timezone", timezone)
    ordered = sorted(entries, key=lambda e: e.start)
    calendar.subcomponents.extend(_event_as_icalendar_wrote_it(e, ZoneInfo(timezone), with_money) for e in ordered)
    calendar.add_missing_timezones(
        first_date=min(e.start for e in entries).date() - timedelta(days=400),
        last_date=max(e.end for e in entries).date() + timedelta(days=400),
    )
    ics: bytes = calendar.to_ical()
    return ics


@pytest.mark.parametrize("timezone", ["America/Los_Angeles", "UTC", "Asia/Kolkata", "Australia/Lord_Howe"])
@pytest.mark.parametrize("with_money", [True, False], ids=["org feed", "crew feed"])
def test_a_feed_says_byte_for_byte_what_icalendar_s_events_said(timezone: str, with_money: bool) -> None:
    entries = _entries()
    written = render_ics(entries, timezone, "Saltwind Charters trips", with_money=with_money)
    assert written == _feed_as_icalendar_wrote_it(entries, timezone, with_money)
    events = icalendar.Calendar.from_ical(written).walk("VEVENT")  # and every app still reads it
    assert len(events) == len(entries) == 64
    if not with_money:
        assert not any("USD" in str(e.get("DESCRIPTION", "")) + str(e["SUMMARY"]) for e in events)


def test_an_empty_feed_is_the_calendar_it_was() -> None:
    written = render_ics([], "Europe/Lisbon", "Saltwind Charters trips", with_money=True)
    calendar = icalendar.Calendar.from_ical(written)
    assert calendar.walk("VEVENT") == [] and calendar.walk("VTIMEZONE") == []
    assert written.startswith(b"BEGIN:VCALENDAR\r\n") and written.endswith(b"END:VCALENDAR\r\n")
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Lisbon"


def test_a_change_to_a_booking_is_in_the_next_fetch_under_a_new_etag(client: TestClient, demo_app: App) -> None:
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(notes="Bring a cake")))
    token = feed_token(demo_app.secret_key, demo_app.store, Feed("demo", FeedScope.CREW, "priya"))
    first = client.get(f"/calendar/{token}.ics")
    change = booking_body(notes="Bring two cakes", guest_count=7)
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(change))
    again = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200 and again.headers["etag"] != first.headers["etag"]
    [event] = icalendar.Calendar.from_ical(again.content).walk("VEVENT")
    assert "Bring two cakes" in str(event["DESCRIPTION"]) and str(event["SUMMARY"]).endswith("(7 guests)")
    assert event["SEQUENCE"] == 1
    unchanged = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": again.headers["etag"]})
    assert unchanged.status_code == 304


def test_a_byte_order_mark_leading_a_field_is_dropped_as_icalendar_dropped_it() -> None:
    # a blocked slot's title and a dock's name pasted from a file saved with a BOM (Windows Notepad)
    [slot, trip] = _entries()[:2]
    entries = [
        slot.model_copy(update={"title": "\ufeffMaintenance; hull"}),
        trip.model_copy(update={"location": "\ufeffPier 39, Dock B", "uid": "\ufeffb0001@firstmate"}),
    ]
    for with_money in (True, False):
        written = render_ics(entries, "America/Los_Angeles", "Saltwind Charters trips", with_money=with_money)
        assert written == _feed_as_icalendar_wrote_it(entries, "America/Los_Angeles", with_money)
        assert "\ufeff".encode() not in written
