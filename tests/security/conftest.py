"""Two tenants that look alike (the same boats, entities and person ids), each with a trip, and
browsers signed in as anyone of either."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from firstmate.bootstrap import App
from firstmate.demo.run import demo_people, demo_profile
from firstmate.domain.bookings import Booking, BookingRequest
from firstmate.services.access import admin_link_token
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.business import save_business
from firstmate.services.keys import create_key
from firstmate.services.people import save_people
from firstmate.web.app import create_app
from tests.conftest import booking_body, crew_link


@dataclass(frozen=True)
class Tenant:
    """An org as an outsider could meet it: its service key and one booked trip."""

    org: str
    key: str
    booking: Booking


def book(app: App, org: str = "demo", **changes: object) -> Booking:
    """A trip booked for `org` (the conftest's booking body, with `changes`)."""
    return orchestrate_booking(app, org, BookingRequest.model_validate(booking_body(**changes))).booking


@pytest.fixture
def demo(demo_app: App, api_key: str) -> Tenant:
    return Tenant("demo", api_key, book(demo_app))


@pytest.fixture
def rival(demo_app: App) -> Tenant:
    """A second org built like the demo one: same boat, entity and person ids, other addresses."""
    profile = demo_profile()
    org = profile.org.model_copy(
        update={"id": "rival", "name": "Rival Boats", "owner_email": "owner@rival.test", "ops_email": "ops@rival.test"}
    )
    save_business(demo_app.store, profile.model_copy(update={"org": org}))
    people = [p.model_copy(update={"email": p.email.replace("@example.com", "@rival.test")}) for p in demo_people()]
    save_people(demo_app.store, "rival", people)
    key = create_key(demo_app.store, "rival", "rival", demo_app.clock.now())[1]
    return Tenant("rival", key, book(demo_app, "rival", external_id="RIVAL-1", gross_amount="777.77"))


def sign_in(app: App, person_id: str, org: str = "demo") -> TestClient:
    """A separate browser signed in as `person_id` of `org` through a real link."""
    client = TestClient(create_app(app))
    link = crew_link(app, org, person_id)
    assert client.post("/crew/enter", data={"t": link.split("t=", 1)[1]}, follow_redirects=False).status_code == 303
    return client


def operator(app: App) -> TestClient:
    """A separate browser signed in as the operator (every org's admin pages)."""
    client = TestClient(create_app(app))
    token = admin_link_token(app.secret_key, app.clock.now())
    assert client.get(f"/admin/enter?t={token}", follow_redirects=False).status_code == 303
    return client
