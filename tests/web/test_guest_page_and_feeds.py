"""Guest pages and calendar feeds: right for their audience, never showing money to crew or guests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import icalendar
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.services.bookings import cancel_booking, orchestrate_booking
from firstmate.services.calendar import Feed, FeedScope, feed_token, revoke_feed
from firstmate.web.app import create_app
from tests.conftest import booking_body
from tests.web.test_crew import sign_in


@pytest.fixture
def client(demo_app: App) -> Iterator[TestClient]:
    with TestClient(create_app(demo_app)) as test_client:
        yield test_client


def _book(app: App, **changes: object) -> tuple[str, str]:
    outcome = orchestrate_booking(app, "demo", BookingRequest.model_validate(booking_body(**changes)))
    return outcome.booking.id, outcome.booking.guest_code


def _feed(client: TestClient, app: App, scope: FeedScope, target: str) -> icalendar.Calendar:
    token = feed_token(app.secret_key, app.store, Feed("demo", scope, target))
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_the_guest_page_shows_the_trip_in_local_time_and_no_money(client: TestClient, demo_app: App) -> None:
    _, code = _book(demo_app)
    page = client.get(f"/g/{code.lower()}")  # codes are read case-insensitively
    assert page.status_code == 200
    text = page.text
    assert "Sat 13 Jun 2026, 16:00 PDT" in text and "Pier 39, Dock B, slip 12" in text
    assert "Sunset" in text and "20:3" in text  # mid-June sunset in San Francisco is about 20:34
    assert "Saltwind Charters" in text and "--brand:#0b3d5c" in text
    assert "840" not in text and "Repeat guest" not in text
    assert "dana@example.com" not in text
    assert page.headers["cache-control"] == "private, no-store"


def test_wrong_codes_are_404_and_then_rate_limited(client: TestClient, demo_app: App) -> None:
    _, code = _book(demo_app)
    for attempt in range(10):
        assert client.get(f"/g/ZZZZZZZZZ{attempt}").status_code == 404
    blocked = client.get(f"/g/{code}")
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    demo_app.clock.advance(timedelta(minutes=11))  # type: ignore[attr-defined]
    assert client.get(f"/g/{code}").status_code == 200
    assert client.get("/g/not-a-code!").status_code == 404


def test_feeds_parse_and_follow_changes_with_stable_uid_and_rising_sequence(client: TestClient, demo_app: App) -> None:
    booking_id, _ = _book(demo_app)
    [first] = _feed(client, demo_app, FeedScope.ORG, "demo").walk("VEVENT")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=7)))
    [changed] = _feed(client, demo_app, FeedScope.ORG, "demo").walk("VEVENT")
    cancel_booking(demo_app, "demo", booking_id)
    calendar = _feed(client, demo_app, FeedScope.ORG, "demo")
    [cancelled] = calendar.walk("VEVENT")
    assert first["UID"] == changed["UID"] == cancelled["UID"]
    assert (first["SEQUENCE"], changed["SEQUENCE"], cancelled["SEQUENCE"]) == (0, 1, 2)
    assert str(cancelled["STATUS"]) == "CANCELLED" and str(first["STATUS"]) == "CONFIRMED"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "America/Los_Angeles"
    assert first.decoded("DTSTART") == datetime(2026, 6, 13, 23, 0, tzinfo=UTC)
    assert "840.75" in str(first["DESCRIPTION"])  # the org's own feed carries money…


def test_crew_and_entity_feeds_carry_no_money(client: TestClient, demo_app: App) -> None:
    _book(demo_app)
    for scope, target in ((FeedScope.ENTITY, "saltwind-charters"), (FeedScope.CREW, "priya")):
        [event] = _feed(client, demo_app, scope, target).walk("VEVENT")
        assert "840" not in event.to_ical().decode() and "Repeat guest" not in event.to_ical().decode()
        assert "Birthday cake aboard" in str(event["DESCRIPTION"])
    [other] = _feed(client, demo_app, FeedScope.ENTITY, "haulaway").walk("VEVENT") or [None]
    assert other is None


def test_feeds_answer_304_when_unchanged_and_404_when_forged_or_revoked(client: TestClient, demo_app: App) -> None:
    _book(demo_app)
    feed = Feed("demo", FeedScope.CREW, "priya")
    token = feed_token(demo_app.secret_key, demo_app.store, feed)
    first = client.get(f"/calendar/{token}.ics")
    assert client.get(f"/calendar/{token}.ics", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert client.get(f"/calendar/{token[:-2]}xx.ics").status_code == 404
    assert client.get("/calendar/nothing.ics").status_code == 404
    revoke_feed(demo_app.store, feed)
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    fresh = feed_token(demo_app.secret_key, demo_app.store, feed)
    assert fresh != token and client.get(f"/calendar/{fresh}.ics").status_code == 200


money = st.decimals(min_value=Decimal("1000.01"), max_value=Decimal("99999.99"), places=2)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(gross=money, guests=st.integers(1, 12), hours=st.sampled_from([1, 2, 3.5, 8]), day=st.integers(0, 200))
def test_no_crew_or_guest_output_ever_shows_the_gross(
    client: TestClient, demo_app: App, gross: Decimal, guests: int, hours: float, day: int
) -> None:
    start = datetime(2026, 1, 1, 17, tzinfo=UTC) + timedelta(days=day)
    body = booking_body(
        external_id=f"P-{day}-{guests}-{hours}",
        gross_amount=str(gross),
        guest_count=guests,
        duration_hours=hours,
        start=start.isoformat(),
    )
    outcome = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body))
    shown = [f"{gross}", f"{gross:,}"]  # as written, and as money is displayed
    crew_feed = client.get(
        f"/calendar/{feed_token(demo_app.secret_key, demo_app.store, Feed('demo', FeedScope.CREW, 'theo'))}.ics"
    ).text
    page = client.get(f"/g/{outcome.booking.guest_code}").text
    from firstmate.services import outbox

    crew_mail = [
        e.message.text + (e.message.html or "")
        for e in outbox.list_entries(demo_app.store, "demo")
        if e.key.startswith(f"bk:{outcome.booking.id}:") and (":crew:" in e.key or ":guest:" in e.key)
    ]
    assert crew_mail
    crew = sign_in(demo_app, "theo")
    event_id = outcome.booking.event_id
    crew_page = crew.get(f"/crew/events/{event_id}").text
    crew_api = crew.get(f"/api/v1/events/{event_id}").text
    trips = crew.get("/crew").text
    assert "Sea Lark" in crew_page and event_id in crew_api
    for text in (crew_feed, page, crew_page, crew_api, trips, *crew_mail):
        assert not any(amount in text for amount in shown)


def test_a_crew_members_feed_shows_their_role_and_the_trips_they_could_take(client: TestClient, demo_app: App) -> None:
    from firstmate.services.roster import claim_role

    mine = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(external_id="A")))
    orchestrate_booking(
        demo_app, "demo", BookingRequest.model_validate(booking_body(external_id="B", asset="morning-tern"))
    )
    claim_role(demo_app, "demo", mine.booking.event_id, "crew_1", "priya")
    summaries = sorted(str(e["SUMMARY"]) for e in _feed(client, demo_app, FeedScope.CREW, "priya").walk("VEVENT"))
    assert summaries[0].startswith("Crew 1: Sea Lark") and summaries[1].startswith(
        "Open (crew 1, crew 2): Morning Tern"
    )
