"""A calendar feed is bounded: a window of trips around today, and a byte budget under Lambda's 6 MB answer."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import icalendar
import structlog
from fastapi.testclient import TestClient

from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.calendar import Feed, FeedScope, feed_ics, feed_token
from tests.conftest import booking_body

ORG_FEED = Feed("demo", FeedScope.ORG, "demo")


def _book_days_from_now(app: App, days: list[int]) -> dict[int, str]:
    """A 3-hour trip at 16:00 local `days` from the app's today, each its own booking: their UIDs by day."""
    today = app.clock.now().date()
    uids = {}
    for n in days:
        start = datetime.fromisoformat(f"{today + timedelta(days=n)}T16:00:00-07:00")
        body = booking_body(external_id=f"DAY{n}", start=start.isoformat())
        uids[n] = f"{orchestrate_booking(app, 'demo', BookingRequest.model_validate(body)).booking.id}@firstmate"
    return uids


def test_a_feed_lists_the_trips_from_60_days_back_to_18_months_ahead(client: TestClient, demo_app: App) -> None:
    """Every future trip was listed, years of them, with nothing bounding the answer."""
    uids = _book_days_from_now(demo_app, [-90, -59, -1, 3, 200, 540, 560, 900, 1500])
    token = feed_token(demo_app.secret_key, demo_app.store, ORG_FEED)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    listed = {str(e["UID"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}
    assert listed == {uids[n] for n in (-59, -1, 3, 200, 540)}


def test_a_feed_over_its_budget_keeps_the_soonest_trips_and_says_where_the_rest_are(demo_app: App) -> None:
    uids = _book_days_from_now(demo_app, list(range(1, 21)))
    whole = feed_ics(demo_app.store, ORG_FEED, demo_app.clock.now(), more_at="https://app.example.com/crew")
    assert len(icalendar.Calendar.from_ical(whole).walk("VEVENT")) == 20  # within the default budget: all
    budget = len(whole) // 2
    with structlog.testing.capture_logs() as logs:
        cut = feed_ics(
            demo_app.store, ORG_FEED, demo_app.clock.now(), budget=budget, more_at="https://app.example.com/crew"
        )
    assert len(cut) <= budget
    events = icalendar.Calendar.from_ical(cut).walk("VEVENT")  # still a calendar every app reads
    *trips, note = events
    assert 5 < len(trips) < 20
    assert [str(e["UID"]) for e in trips] == [uids[n] for n in range(1, len(trips) + 1)]  # the soonest ones
    first_left_out = demo_app.clock.now().date() + timedelta(days=len(trips) + 1)
    assert note.decoded("DTSTART") == first_left_out and isinstance(note.decoded("DTSTART"), date)  # all day
    assert not isinstance(note.decoded("DTSTART"), datetime)
    assert str(note["SUMMARY"]) == "This calendar stops here: later trips are not in it"
    description = str(note["DESCRIPTION"])
    assert f"{len(trips)} of 20 trips" in description and "https://app.example.com/crew" in description
    assert f"from {first_left_out:%a %d %b %Y}" in description
    [warning] = [e for e in logs if e["event"] == "calendar.feed_cut"]
    assert warning["log_level"] == "warning" and warning["listed"] == len(trips) and warning["entries"] == 20
    # the same answer every poll while nothing changes, so calendar apps keep getting 304
    again = feed_ics(
        demo_app.store, ORG_FEED, demo_app.clock.now(), budget=budget, more_at="https://app.example.com/crew"
    )
    assert again == cut


def test_a_crew_feed_over_its_budget_is_cut_the_same_way(demo_app: App) -> None:
    _book_days_from_now(demo_app, list(range(1, 11)))
    crew = Feed("demo", FeedScope.CREW, "priya")
    whole = icalendar.Calendar.from_ical(feed_ics(demo_app.store, crew, demo_app.clock.now()))
    assert [str(e["SUMMARY"]) for e in whole.walk("VEVENT")] == ["Open (crew 1): Sea Lark (6 guests)"] * 10
    budget = len(whole.to_ical()) // 2
    cut = feed_ics(demo_app.store, crew, demo_app.clock.now(), budget=budget, more_at="https://app.example.com/crew")
    *trips, note = icalendar.Calendar.from_ical(cut).walk("VEVENT")
    assert [e["UID"] for e in trips] == [e["UID"] for e in whole.walk("VEVENT")][: len(trips)] and 0 < len(trips) < 10
    assert "in the crew app: https://app.example.com/crew" in str(note["DESCRIPTION"]) and len(cut) <= budget


def test_a_feed_in_japanese_is_cut_by_what_lambda_carries_not_by_its_utf8_bytes(demo_app: App) -> None:
    """Lambda answers a JSON string, where a character beyond ASCII may be six bytes: a feed cut at 5 MB
    of UTF-8 could have been 10 MB there."""
    lead = {"name": "山田 花子", "email": "hanako@example.com", "phone": "+81 90 5555 0101"}
    today = demo_app.clock.now().date()
    for n in range(1, 11):
        start = f"{today + timedelta(days=n)}T16:00:00-07:00"
        body = booking_body(external_id=f"JP{n}", start=start, lead_guest=lead, notes="船上で誕生日ケーキ。" * 20)
        orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body))
    whole = feed_ics(demo_app.store, ORG_FEED, demo_app.clock.now())
    budget = len(whole)  # every trip fits in UTF-8, not as Lambda carries them
    cut = feed_ics(demo_app.store, ORG_FEED, demo_app.clock.now(), budget=budget)
    assert len(json.dumps(cut.decode())) - 2 <= budget
    *trips, note = icalendar.Calendar.from_ical(cut).walk("VEVENT")
    assert 0 < len(trips) < 10 and "山田 花子" in str(trips[0]["SUMMARY"]) and "stops here" in str(note["SUMMARY"])


def test_a_cut_feed_never_lists_part_of_the_day_its_note_says_is_left_out(demo_app: App) -> None:
    """Three trips a day: a feed cut after the first of a day's trips listed it, then the note "This calendar stops
    here" on that same day saying those from it on are in the crew app. The captain saw one trip that day and took
    it for the whole day; the other two were not there. A cut feed now stops at the start of a day: every trip it
    lists is before the note's day, and the note's count says so."""
    today = demo_app.clock.now().date()
    for n in range(1, 7):
        for hour in (8, 12, 16):
            start = f"{today + timedelta(days=n)}T{hour:02d}:00:00-07:00"
            body = booking_body(external_id=f"D{n}H{hour}", start=start)
            orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body))
    whole = feed_ics(demo_app.store, ORG_FEED, demo_app.clock.now())
    for eighth in range(2, 8):
        cut = feed_ics(demo_app.store, ORG_FEED, demo_app.clock.now(), budget=len(whole) * eighth // 8)
        *trips, note = icalendar.Calendar.from_ical(cut).walk("VEVENT")
        day = note.decoded("DTSTART")
        assert [e.decoded("DTSTART").date() for e in trips if e.decoded("DTSTART").date() >= day] == []
        assert len(trips) % 3 == 0 and f"the first {len(trips)} of 18 trips" in str(note["DESCRIPTION"])
