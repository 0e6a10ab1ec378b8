"""The roster's rules at their edges, as docs/crew.md states them: a release free until 48 hours
before departure, no claim once the trip has left, and only active, qualified people put in a role."""

from __future__ import annotations

from datetime import timedelta

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.people import Person
from firstmate.errors import Forbidden
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.people import save_people
from firstmate.services.roster import claim_role
from firstmate.services.trips import get_event
from tests.conftest import booking_body
from tests.web.test_crew import sign_in


@pytest.fixture
def trip(demo_app: App) -> str:
    return orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking.event_id


def roster_of(app: App, event_id: str) -> dict[str, str | None]:
    return {s.role: s.person_id for s in get_event(app.store, "demo", event_id).roles}


def test_a_release_is_free_until_exactly_48_hours_before_departure(demo_app: App, trip: str, clock: FixedClock) -> None:
    start = get_event(demo_app.store, "demo", trip).start
    assert sign_in(demo_app, "priya").post(f"/api/v1/events/{trip}/roles/crew_1/claim").status_code == 200
    clock.set(start - timedelta(hours=48))
    on_the_hour = sign_in(demo_app, "priya").post(f"/api/v1/events/{trip}/roles/crew_1/release").json()
    assert on_the_hour["released"] is True and roster_of(demo_app, trip)["crew_1"] is None

    assert sign_in(demo_app, "priya").post(f"/api/v1/events/{trip}/roles/crew_1/claim").status_code == 200
    clock.set(start - timedelta(hours=48) + timedelta(seconds=1))
    a_second_later = sign_in(demo_app, "priya").post(f"/api/v1/events/{trip}/roles/crew_1/release").json()
    assert a_second_later["released"] is False and roster_of(demo_app, trip)["crew_1"] == "priya"


def test_a_claim_at_the_departure_time_is_refused_the_trip_has_left(
    demo_app: App, trip: str, clock: FixedClock
) -> None:
    event = get_event(demo_app.store, "demo", trip)
    clock.set(event.start)
    jonah = sign_in(demo_app, "jonah")
    assert jonah.get(f"/api/v1/events/{trip}").json()["claimable"] == []
    refused = jonah.post(f"/api/v1/events/{trip}/roles/captain/claim")
    assert refused.status_code == 409 and refused.json()["detail"] == "this trip has left"
    assert roster_of(demo_app, trip)["captain"] is None


def test_a_trip_back_at_its_return_time_is_over(demo_app: App, trip: str, clock: FixedClock) -> None:
    clock.set(get_event(demo_app.store, "demo", trip).end)
    refused = sign_in(demo_app, "jonah").post(f"/api/v1/events/{trip}/roles/captain/claim")
    assert refused.status_code == 409 and refused.json()["detail"] == "this trip is over"


def test_an_admin_cannot_put_an_inactive_or_unqualified_person_in_a_role(demo_app: App, trip: str) -> None:
    save_people(demo_app.store, "demo", [
        Person(id="wren", name="Wren Cleat", email="wren@example.com", qualifications=("captain", "crew"), active=False)
    ])  # fmt: skip
    marisol = sign_in(demo_app, "marisol")  # an admin
    inactive = marisol.post(f"/api/v1/events/{trip}/roles/captain/designate", json={"person_id": "wren"})
    assert inactive.status_code == 422 and "Wren's account is not active" in inactive.json()["detail"]
    unqualified = marisol.post(f"/api/v1/events/{trip}/roles/captain/designate", json={"person_id": "priya"})
    assert unqualified.status_code == 422 and "Priya is not qualified as captain" in unqualified.json()["detail"]
    assert roster_of(demo_app, trip) == {"captain": None, "crew_1": None}


def test_a_person_holds_at_most_one_role_per_trip(demo_app: App, trip: str) -> None:
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200
    second = jonah.post(f"/api/v1/events/{trip}/roles/crew_1/claim")  # open, and he is qualified as crew
    assert second.status_code == 422
    assert second.json()["detail"] == "you are already captain on this trip: release that first"
    assert roster_of(demo_app, trip) == {"captain": "jonah", "crew_1": None}


def test_qualifications_decide_each_role_a_captain_only_is_no_deckhand(demo_app: App, trip: str) -> None:
    save_people(demo_app.store, "demo", [
        Person(id="ansel", name="Ansel Sample", email="ansel@example.com", qualifications=("captain",))
    ])  # fmt: skip
    ansel = sign_in(demo_app, "ansel")
    assert ansel.get(f"/api/v1/events/{trip}").json()["claimable"] == ["captain"]
    refused = ansel.post(f"/api/v1/events/{trip}/roles/crew_1/claim")
    assert refused.status_code == 403 and refused.json()["detail"] == "you are not qualified as crew 1"
    assert roster_of(demo_app, trip)["crew_1"] is None
    # a role is taken by the name its boat gives it: "Captain" from a page is no role of this trip, said so
    wrong_case = ansel.post(f"/crew/events/{trip}/roles/Captain/claim", follow_redirects=False)
    assert wrong_case.status_code == 404 and "this trip has no role" in wrong_case.text
    assert roster_of(demo_app, trip)["captain"] is None


def test_a_person_made_inactive_takes_no_role(demo_app: App, trip: str) -> None:
    """Their session is refused first; the rule holds in the use case too, for any caller of it."""
    save_people(demo_app.store, "demo", [
        Person(id="wren", name="Wren Cleat", email="wren@example.com", qualifications=("captain", "crew"), active=False)
    ])  # fmt: skip
    with pytest.raises(Forbidden, match="your account is not active"):
        claim_role(demo_app, "demo", trip, "crew_1", "wren")
    assert roster_of(demo_app, trip)["crew_1"] is None


def test_someone_made_inactive_while_holding_a_role_is_sent_no_more_mail_of_the_trip(demo_app: App, trip: str) -> None:
    """A review: Priya, taken off the crew (made inactive) while holding crew 1, still got "Trip changed"
    with a sign-in link that answered 401 "this account is not active", and Jonah, made inactive as its
    captain, "Roster change: Theo took crew 1" and "Marisol gave captain to Marisol". Reminders already
    skipped them: now so does every crew mail."""
    from firstmate.services import outbox
    from firstmate.services.people import get_person
    from firstmate.services.roster import designate_role

    claim_role(demo_app, "demo", trip, "captain", "jonah")
    claim_role(demo_app, "demo", trip, "crew_1", "priya")
    gone = [get_person(demo_app.store, "demo", p).model_copy(update={"active": False}) for p in ("jonah", "priya")]
    save_people(demo_app.store, "demo", gone)
    before = {e.key for e in outbox.list_entries(demo_app.store, "demo")}

    moved = booking_body(start="2026-06-13T17:00:00-07:00")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(moved))
    admin = get_person(demo_app.store, "demo", "marisol")
    release = sign_in(demo_app, "marisol").post(
        f"/api/v1/events/{trip}/roles/crew_1/release", json={"person_id": "priya"}
    )
    assert release.status_code == 200 and release.json()["released"] is True
    claim_role(demo_app, "demo", trip, "crew_1", "theo")
    designate_role(demo_app, "demo", trip, "captain", "marisol", admin)

    sent = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key not in before]
    to = {address for e in sent for address in e.message.to}
    assert "priya@example.com" not in to and "jonah@example.com" not in to, sorted(e.key for e in sent)
    assert {"theo@example.com", "marisol@example.com"} <= to  # those still aboard hear as before


def test_crew_needed_is_not_sent_to_someone_on_another_trip_at_that_time(demo_app: App) -> None:
    """A review: "Crew needed" went to every qualified crew member, one already crewing another trip at that time
    too, whose trip page then offered them no role on it (one trip at a time)."""
    from firstmate.services import outbox
    from firstmate.services.roster import claim_role

    first = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(external_id="A")))
    claim_role(demo_app, "demo", first.booking.event_id, "crew_1", "priya")
    same_time = booking_body(external_id="B", asset="morning-tern")
    second = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(same_time))
    asked = {
        e.message.to[0]
        for e in outbox.list_entries(demo_app.store, "demo")
        if e.key.startswith(f"bk:{second.booking.id}:") and "Crew needed" in e.message.subject
    }
    assert asked and "priya@example.com" not in asked, asked
    later = booking_body(external_id="C", asset="morning-tern", start="2026-06-14T10:00:00-07:00")
    third = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(later))
    asked_later = {
        e.message.to[0]
        for e in outbox.list_entries(demo_app.store, "demo")
        if e.key.startswith(f"bk:{third.booking.id}:") and "Crew needed" in e.message.subject
    }
    assert "priya@example.com" in asked_later  # free the next day
