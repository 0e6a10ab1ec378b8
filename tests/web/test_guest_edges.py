"""The guest side at its edges, as docs/guests.md states them: the album open from an hour before
departure until a week after return, the page asking nothing more from the return time on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import Booking, BookingRequest
from firstmate.services.bookings import list_guests, orchestrate_booking
from firstmate.web.app import create_app
from tests.conftest import booking_body

DEPARTURE = datetime(2026, 6, 13, 23, 0, tzinfo=UTC)  # booking_body's: Sat 13 Jun 2026, 16:00 PDT, back 19:00
RETURN = DEPARTURE + timedelta(hours=3)
UPLOAD_FORM = 'action="/uploads"'


@pytest.fixture
def client(demo_app: App) -> Iterator[TestClient]:
    with TestClient(create_app(demo_app)) as test_client:
        yield test_client


@pytest.fixture
def booking(demo_app: App) -> Booking:
    return orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking


@pytest.fixture
def code(booking: Booking) -> str:
    return booking.guest_code


def test_the_album_opens_on_the_hour_before_departure_and_closes_on_the_week_after_return(
    client: TestClient, code: str, clock: FixedClock
) -> None:
    opens, closes = DEPARTURE - timedelta(hours=1), RETURN + timedelta(days=7)
    clock.set(opens - timedelta(seconds=1))
    early = client.get(f"/g/{code}").text
    assert "The album opens Sat 13 Jun 2026, 15:00 PDT" in early and UPLOAD_FORM not in early
    clock.set(opens)
    assert UPLOAD_FORM in client.get(f"/g/{code}").text
    clock.set(closes)
    assert UPLOAD_FORM in client.get(f"/g/{code}").text
    clock.set(closes + timedelta(seconds=1))
    late = client.get(f"/g/{code}").text
    assert "The album closed Sat 20 Jun 2026, 19:00 PDT" in late and UPLOAD_FORM not in late


def test_at_the_return_time_the_trip_is_over_for_its_guests(client: TestClient, code: str, clock: FixedClock) -> None:
    clock.set(RETURN)
    refused = client.post(f"/g/{code}/confirm", follow_redirects=False)
    assert refused.status_code == 409 and "this trip is over" in refused.text
    added = client.post(f"/g/{code}/guests", data={"name": "Kit Sample"}, follow_redirects=False)
    assert added.status_code == 409 and "this trip is over" in added.text


def test_a_code_opens_its_page_in_any_case_with_or_without_its_hyphen(client: TestClient, code: str) -> None:
    for typed in (code, code.lower(), f"{code[:5]}-{code[5:]}".lower()):
        assert client.get(f"/g/{typed}").status_code == 200, typed


def test_a_guest_sees_only_themselves_and_the_lead_sees_the_whole_group(
    client: TestClient, demo_app: App, booking: Booking, code: str
) -> None:
    for name, email in (("Kit Sample", "kit@example.com"), ("Robin Sample", "robin@example.com")):
        added = client.post(f"/g/{code}/guests", data={"name": name, "email": email}, follow_redirects=False)
        assert added.status_code == 303
    lead = client.get(f"/g/{code}").text
    assert "Kit Sample" in lead and "Robin Sample" in lead
    [kit] = [g for g in list_guests(demo_app.store, "demo", booking.id) if g.name == "Kit Sample"]
    own = client.get(f"/g/{kit.code}").text
    assert "Hi Kit," in own and "Robin Sample" not in own and "robin@example.com" not in own
