"""The crew app through its pages and API: sign-in by link, role claims, checklists, no money."""

from __future__ import annotations

import html
import re
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.services import outbox
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.crew_views import my_trips
from firstmate.services.people import get_person
from firstmate.services.roster import claim_role
from firstmate.services.trips import get_event
from firstmate.web.app import create_app
from tests.conftest import booking_body, crew_link, shows_gross


@pytest.fixture
def web(demo_app: App) -> Iterator[TestClient]:
    with TestClient(create_app(demo_app)) as client:
        yield client


@pytest.fixture
def trip(demo_app: App) -> str:
    return orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking.event_id


def sign_in(app: App, person_id: str) -> TestClient:
    """A separate browser signed in as `person_id` through a real link."""
    client = TestClient(create_app(app))
    link = crew_link(app, "demo", person_id)
    token = link.split("t=", 1)[1]
    assert client.post("/crew/enter", data={"t": token}, follow_redirects=False).status_code == 303
    return client


def test_claim_and_a_second_person_gets_taken_by_first_name(demo_app: App, trip: str) -> None:
    marisol, jonah = sign_in(demo_app, "marisol"), sign_in(demo_app, "jonah")
    assert marisol.post(f"/crew/events/{trip}/roles/captain/claim", follow_redirects=False).status_code == 303
    taken = jonah.post(f"/crew/events/{trip}/roles/captain/claim")
    assert taken.status_code == 409 and "captain is already taken by Marisol" in taken.text
    api = jonah.post(f"/api/v1/events/{trip}/roles/captain/claim")
    assert api.status_code == 409 and "taken by Marisol" in api.json()["detail"]
    event = get_event(demo_app.store, "demo", trip)
    assert [(s.role, s.first_name) for s in event.roles] == [("captain", "Marisol"), ("crew_1", None)]


def test_twenty_people_claiming_one_role_at_once_exactly_one_wins(demo_app: App, api_key: str, trip: str) -> None:
    from firstmate.domain.people import Person
    from firstmate.services.people import save_people

    save_people(demo_app.store, "demo", [
        Person(id=f"deck{n}", name=f"Deck Hand{n}", email=f"deck{n}@example.com") for n in range(20)
    ])  # fmt: skip
    client = TestClient(create_app(demo_app))
    barrier = threading.Barrier(20)
    results: list[int] = []

    def claim(n: int) -> None:
        headers = {"Authorization": f"Bearer {api_key}", "X-Acting-For": f"deck{n}"}
        barrier.wait()
        results.append(client.post(f"/api/v1/events/{trip}/roles/crew_1/claim", headers=headers).status_code)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(results) == {200: 1, 409: 19}
    [holder] = [s for s in get_event(demo_app.store, "demo", trip).roles if s.role == "crew_1"]
    assert holder.person_id is not None and holder.person_id.startswith("deck")


def test_qualifications_and_one_role_per_person(demo_app: App, trip: str) -> None:
    priya = sign_in(demo_app, "priya")
    unqualified = priya.post(f"/api/v1/events/{trip}/roles/captain/claim")
    assert unqualified.status_code == 403 and "not qualified as captain" in unqualified.json()["detail"]
    assert priya.post(f"/api/v1/events/{trip}/roles/crew_1/claim").status_code == 200
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200
    both = jonah.post(f"/api/v1/events/{trip}/roles/crew_1/claim")
    assert both.status_code == 409 and "taken by Priya" in both.json()["detail"]
    assert jonah.post(f"/api/v1/events/{trip}/roles/bosun/claim").status_code == 404


def test_a_late_release_waits_for_the_captain(demo_app: App, trip: str, clock: FixedClock) -> None:
    priya, jonah = sign_in(demo_app, "priya"), sign_in(demo_app, "jonah")
    jonah.post(f"/api/v1/events/{trip}/roles/captain/claim")
    priya.post(f"/api/v1/events/{trip}/roles/crew_1/claim")
    early = priya.post(f"/api/v1/events/{trip}/roles/crew_1/release").json()
    assert early["released"] is True
    priya.post(f"/api/v1/events/{trip}/roles/crew_1/claim")
    clock.set(get_event(demo_app.store, "demo", trip).start - timedelta(hours=20))
    priya, jonah = sign_in(demo_app, "priya"), sign_in(demo_app, "jonah")  # a week later: sessions have expired
    late_answer = priya.post(f"/api/v1/events/{trip}/roles/crew_1/release")
    assert late_answer.status_code == 200, late_answer.text
    late = late_answer.json()
    assert late["released"] is False and late["roster"][1] == {
        "role": "crew_1",
        "first_name": "Priya",
        "release_requested": True,
    }
    asked = [e for e in outbox.list_entries(demo_app.store, "demo") if "release-requested" in e.key]
    assert {e.message.to for e in asked} == {("jonah@example.com",), ("marisol@example.com",)}  # captain and admin
    theo = sign_in(demo_app, "theo")
    assert theo.post(f"/api/v1/events/{trip}/roles/crew_1/release", json={"person_id": "priya"}).status_code == 403
    approved = jonah.post(f"/api/v1/events/{trip}/roles/crew_1/release", json={"person_id": "priya"}).json()
    assert approved["released"] is True and approved["roster"][1]["first_name"] is None


def test_someone_released_by_the_captain_or_an_admin_is_told_they_are_off_the_trip(
    demo_app: App, trip: str, clock: FixedClock
) -> None:
    """A review: when the captain approved Priya's late release, or took her off a trip days ahead, the
    captain and admins got "Role open: Priya no longer holds crew 1" and Priya nothing; her reminder was
    withdrawn too, so the first she would know was the dock. Released by someone else, she is told."""
    from firstmate.services import outbox

    claim_role(demo_app, "demo", trip, "captain", "jonah")
    claim_role(demo_app, "demo", trip, "crew_1", "priya")
    jonah = sign_in(demo_app, "jonah")
    taken_off = jonah.post(f"/api/v1/events/{trip}/roles/crew_1/release", json={"person_id": "priya"})
    assert taken_off.status_code == 200 and taken_off.json()["released"] is True

    def told_priya() -> list[str]:
        return [
            e.message.subject for e in outbox.list_entries(demo_app.store, "demo")
            if e.message.to == ("priya@example.com",) and e.key.startswith("ev:") and "You're" not in e.message.subject
        ]  # fmt: skip

    assert told_priya() == ["Released: Sat 13 Jun 2026, 16:00 PDT, Sea Lark (38 ft sloop)"]
    claim_role(demo_app, "demo", trip, "crew_1", "priya")
    clock.set(get_event(demo_app.store, "demo", trip).start - timedelta(hours=20))
    priya, jonah = sign_in(demo_app, "priya"), sign_in(demo_app, "jonah")
    assert priya.post(f"/api/v1/events/{trip}/roles/crew_1/release").json()["released"] is False  # a request
    assert jonah.post(f"/api/v1/events/{trip}/roles/crew_1/release", json={"person_id": "priya"}).json()["released"]
    released = [e for e in outbox.list_entries(demo_app.store, "demo") if e.message.subject.startswith("Released")]
    assert len(released) == 2 and "Jonah released you from crew 1" in released[-1].message.text


def test_a_captain_cannot_leave_the_role_late_by_designating_themselves_elsewhere(
    demo_app: App, trip: str, clock: FixedClock
) -> None:
    """A review: 20 hours out, the captain's own release was only a request, but designating himself
    crew 1 emptied the captain's role at once, and nobody who decides heard of it."""
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200
    clock.set(get_event(demo_app.store, "demo", trip).start - timedelta(hours=20))
    jonah, marisol = sign_in(demo_app, "jonah"), sign_in(demo_app, "marisol")
    moved = jonah.post(f"/api/v1/events/{trip}/roles/crew_1/designate", json={"person_id": "jonah"})
    assert moved.status_code == 403 and "cannot leave captain yourself" in moved.json()["detail"]
    assert [(s.role, s.person_id) for s in get_event(demo_app.store, "demo", trip).roles][:2] == [
        ("captain", "jonah"), ("crew_1", None)
    ]  # fmt: skip
    # a review of the fix: putting someone else in his own role took him off as well, unasked
    handed = jonah.post(f"/api/v1/events/{trip}/roles/captain/designate", json={"person_id": "marisol"})
    assert handed.status_code == 403 and "cannot leave captain yourself" in handed.json()["detail"]
    assert jonah.post(f"/api/v1/events/{trip}/roles/crew_1/designate", json={"person_id": "priya"}).status_code == 200
    done = marisol.post(f"/api/v1/events/{trip}/roles/crew_1/designate", json={"person_id": "jonah"})
    assert done.status_code == 200  # an admin decides


def test_only_the_captain_or_an_admin_designates(demo_app: App, trip: str) -> None:
    theo, marisol = sign_in(demo_app, "theo"), sign_in(demo_app, "marisol")
    assert theo.post(f"/api/v1/events/{trip}/roles/crew_1/designate", json={"person_id": "theo"}).status_code == 403
    done = marisol.post(f"/api/v1/events/{trip}/roles/crew_1/designate", json={"person_id": "theo"})
    assert done.status_code == 200 and done.json()["roster"][1]["first_name"] == "Theo"
    told = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.startswith(f"ev:{trip}:theo")]
    assert told and "Marisol made you crew 1" in told[0].message.text


def test_checklist_phases_go_in_order_and_the_waivers_wait_for_guests(demo_app: App, trip: str) -> None:
    jonah, marisol = sign_in(demo_app, "jonah"), sign_in(demo_app, "marisol")
    jonah.post(f"/api/v1/events/{trip}/roles/captain/claim")
    early = jonah.post(f"/crew/events/{trip}/checklist/safety_briefing/tick")
    assert early.status_code == 409 and "Departure is not open yet: finish Pre-departure first" in early.text
    for key in ("fuel", "life_jackets", "engine_hours_out"):
        assert jonah.post(f"/crew/events/{trip}/checklist/{key}/tick", follow_redirects=False).status_code == 303
    event = get_event(demo_app.store, "demo", trip)
    fuel = next(i for i in event.checklist if i.key == "fuel")
    assert fuel.done_by == "Jonah" and fuel.done_at is not None

    from firstmate.services.guests import CodeTarget, confirm_attendance

    booking_id = event.booking_id
    confirm_attendance(demo_app, CodeTarget("demo", booking_id, "g1"))  # the lead is coming, waiver unsigned
    blocked = jonah.post(f"/crew/events/{trip}/checklist/waivers/tick")
    assert blocked.status_code == 409 and "waiting for the waiver of Dana Whitcomb" in blocked.text
    no_reason = marisol.post(f"/crew/events/{trip}/checklist/waivers/tick", data={"reason": ""})
    assert no_reason.status_code == 409 and "say why" in no_reason.text
    override = marisol.post(
        f"/crew/events/{trip}/checklist/waivers/tick", data={"reason": "Signed on paper at the dock"}
    )
    assert override.status_code == 200 or override.status_code == 303
    waivers = next(i for i in get_event(demo_app.store, "demo", trip).checklist if i.key == "waivers")
    assert waivers.done_by == "Marisol" and "Signed on paper at the dock" in waivers.history[-1].note

    jonah.post(f"/crew/events/{trip}/checklist/fuel/undo")
    fuel = next(i for i in get_event(demo_app.store, "demo", trip).checklist if i.key == "fuel")
    assert fuel.done_at is None and [m.action for m in fuel.history] == ["tick", "undo"]


def test_a_guest_coming_after_the_waivers_were_ticked_undoes_the_tick(demo_app: App, trip: str) -> None:
    """The waivers item looked at the guests only when ticked: a guest who said they were coming later
    (waiver unsigned) did not stop the departure from completing."""
    from firstmate.domain.checklist import phase_complete
    from firstmate.domain.crew import Phase
    from firstmate.services.guests import CodeTarget, confirm_attendance

    jonah = sign_in(demo_app, "jonah")
    jonah.post(f"/api/v1/events/{trip}/roles/captain/claim")
    for key in ("fuel", "life_jackets", "engine_hours_out", "waivers"):  # nobody coming yet: nothing to wait for
        assert jonah.post(f"/crew/events/{trip}/checklist/{key}/tick", follow_redirects=False).status_code == 303
    booking_id = get_event(demo_app.store, "demo", trip).booking_id
    confirm_attendance(demo_app, CodeTarget("demo", booking_id, "g1"))
    waivers = next(i for i in get_event(demo_app.store, "demo", trip).checklist if i.key == "waivers")
    assert waivers.done_at is None
    assert waivers.history[-1].note == "Dana Whitcomb is coming and has not signed the waiver yet"
    assert jonah.post(f"/crew/events/{trip}/checklist/safety_briefing/tick", follow_redirects=False).status_code == 303
    assert not phase_complete(get_event(demo_app.store, "demo", trip), Phase.DEPARTURE)
    again = jonah.post(f"/crew/events/{trip}/checklist/waivers/tick")
    assert again.status_code == 409 and "waiting for the waiver of Dana Whitcomb" in again.text
    assert "Dana Whitcomb is coming and has not signed the waiver yet" in jonah.get(f"/crew/events/{trip}").text


def test_a_lead_written_last_comma_first_undoes_the_waivers_tick_by_their_first_name(demo_app: App) -> None:
    """Found by a review: the crew read the waivers item undone by "Whitcomb," for a lead "Whitcomb, Dana"."""
    from firstmate.services.guests import CodeTarget, confirm_attendance

    lead = {"name": "Whitcomb, Dana", "email": "dana@example.com"}
    booked = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(lead_guest=lead)))
    trip = booked.booking.event_id
    jonah = sign_in(demo_app, "jonah")
    jonah.post(f"/api/v1/events/{trip}/roles/captain/claim")
    for key in ("fuel", "life_jackets", "engine_hours_out", "waivers"):
        assert jonah.post(f"/crew/events/{trip}/checklist/{key}/tick", follow_redirects=False).status_code == 303
    confirm_attendance(demo_app, CodeTarget("demo", booked.booking.id, "g1"))
    waivers = next(i for i in get_event(demo_app.store, "demo", trip).checklist if i.key == "waivers")
    assert waivers.history[-1].by == "Dana"


def test_a_guest_saying_they_are_coming_after_the_boat_left_changes_no_checklist(
    demo_app: App, trip: str, clock: FixedClock
) -> None:
    """A no-show tapping "I'm coming" at sea reopened the departure and locked the crew out of the
    return checklist."""
    from firstmate.domain.crew import Phase
    from firstmate.services.checklists import tick_item
    from firstmate.services.guests import CodeTarget, confirm_attendance
    from firstmate.services.people import get_person
    from firstmate.services.roster import claim_role

    claim_role(demo_app, "demo", trip, "captain", "jonah")
    jonah, event = get_person(demo_app.store, "demo", "jonah"), get_event(demo_app.store, "demo", trip)
    clock.set(event.start - timedelta(minutes=20))
    for item in event.checklist:
        if item.phase in (Phase.PRE_EVENT, Phase.DEPARTURE):
            tick_item(demo_app, "demo", trip, item.key, jonah)
    clock.set(event.start + timedelta(minutes=40))
    confirm_attendance(demo_app, CodeTarget("demo", event.booking_id, "g1"))
    after = get_event(demo_app.store, "demo", trip)
    assert next(i for i in after.checklist if i.key == "waivers").done_at is not None
    returning = next(i for i in after.checklist if i.phase is Phase.RETURN)
    assert tick_item(demo_app, "demo", trip, returning.key, jonah)
    tick_item(demo_app, "demo", trip, "waivers", jonah)  # ticking a done item again changes nothing, refuses nothing


def test_a_boat_still_at_the_dock_after_its_time_waits_for_a_guest_who_says_they_are_coming(
    demo_app: App, trip: str, clock: FixedClock
) -> None:
    """Skipping the guard once the start time had passed let a late departure complete with a guest
    on hold and no signed waiver."""
    from firstmate.domain.checklist import phase_complete
    from firstmate.domain.crew import Phase
    from firstmate.services.checklists import tick_item
    from firstmate.services.guests import CodeTarget, confirm_attendance
    from firstmate.services.people import get_person
    from firstmate.services.roster import claim_role

    claim_role(demo_app, "demo", trip, "captain", "jonah")
    jonah, event = get_person(demo_app.store, "demo", "jonah"), get_event(demo_app.store, "demo", trip)
    clock.set(event.start - timedelta(minutes=20))
    for item in event.checklist:
        if item.phase is Phase.PRE_EVENT or item.key == "waivers":
            tick_item(demo_app, "demo", trip, item.key, jonah)
    clock.set(event.start + timedelta(minutes=5))  # running late, still at the dock
    confirm_attendance(demo_app, CodeTarget("demo", event.booking_id, "g1"))
    after = get_event(demo_app.store, "demo", trip)
    assert next(i for i in after.checklist if i.key == "waivers").done_at is None
    assert not phase_complete(after, Phase.DEPARTURE)


def test_crew_pages_show_timing_and_no_money_and_admins_see_it(demo_app: App, trip: str, clock: FixedClock) -> None:
    start = get_event(demo_app.store, "demo", trip).start
    clock.set(start - timedelta(minutes=75))
    theo, marisol = sign_in(demo_app, "theo"), sign_in(demo_app, "marisol")
    page = theo.get(f"/crew/events/{trip}")
    assert page.status_code == 200
    assert "Pre-departure checklist due in 45 min" in page.text
    assert re.search(r"Sunset 20:3\d, return by 19:00", page.text)  # the 3-hour trip ends before sunset
    assert not shows_gross(page.text) and "Repeat guest" not in page.text
    answer = theo.get(f"/api/v1/events/{trip}")
    assert answer.status_code == 200 and not shows_gross(answer.text) and "gross" not in answer.text
    assert answer.json()["timing"]["lines"][0].startswith("Pre-departure checklist due in 45 min")
    assert "840.75 USD" in marisol.get(f"/crew/events/{trip}").text
    assert len(page.content) < 50_000


def test_orgs_are_isolated_and_cancelled_trips_are_closed(demo_app: App, trip: str) -> None:
    jonah = sign_in(demo_app, "jonah")
    assert jonah.get("/crew/events/ev_0000000000000000").status_code == 404
    assert jonah.post("/api/v1/events/ev_0000000000000000/roles/captain/claim").status_code == 404
    from firstmate.services.bookings import cancel_booking

    cancel_booking(demo_app, "demo", get_event(demo_app.store, "demo", trip).booking_id)
    closed = jonah.post(f"/api/v1/events/{trip}/roles/captain/claim")
    assert closed.status_code == 409 and "cancelled" in closed.json()["detail"]
    assert jonah.get("/crew").status_code == 200
    # a review: the trip's JSON still offered its roles ("claimable"), and the list "open: captain"
    view = jonah.get(f"/api/v1/events/{trip}").json()
    assert view["cancelled"] is True and view["claimable"] == []
    assert my_trips(demo_app, "demo", get_person(demo_app.store, "demo", "jonah")) == []


def test_a_cancelled_trips_timing_panel_tells_no_departure_nor_a_time_to_be_back(demo_app: App, trip: str) -> None:
    """A review: the page of a trip cancelled said "This trip is cancelled." above a timing panel reading
    "Sunset 20:32, return by 19:00" and "Departure in 12 days", as if it still left."""
    from firstmate.services.bookings import cancel_booking

    claim_role(demo_app, "demo", trip, "captain", "jonah")
    cancel_booking(demo_app, "demo", get_event(demo_app.store, "demo", trip).booking_id)
    jonah = sign_in(demo_app, "jonah")
    timing = jonah.get(f"/api/v1/events/{trip}").json()["timing"]
    assert timing["lines"] == ["Cancelled: it does not leave, and nothing is due"]
    assert timing["countdown_to"] is None
    page = jonah.get(f"/crew/events/{trip}").text
    assert "Departure in" not in page and "return by" not in page and "Cancelled: it does not leave" in page


def test_a_cancelled_trips_checklist_takes_no_undo_as_it_takes_no_tick(demo_app: App, trip: str) -> None:
    """A review: on a trip cancelled, "Done" was refused (409 "this trip is cancelled") but every tick
    still had its Undo, and pressing it undid the tick: what was checked before the cancellation was
    rewritten after it."""
    from firstmate.services.bookings import cancel_booking

    claim_role(demo_app, "demo", trip, "captain", "jonah")
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/crew/events/{trip}/checklist/fuel/tick", follow_redirects=False).status_code == 303
    cancel_booking(demo_app, "demo", get_event(demo_app.store, "demo", trip).booking_id)
    assert "/checklist/fuel/undo" not in jonah.get(f"/crew/events/{trip}").text
    undone = jonah.post(f"/crew/events/{trip}/checklist/fuel/undo")
    assert undone.status_code == 409 and "this trip is cancelled" in undone.text
    fuel = next(i for i in get_event(demo_app.store, "demo", trip).checklist if i.key == "fuel")
    assert fuel.done_by == "Jonah" and [m.action for m in fuel.history] == ["tick"]


def test_a_tick_made_on_another_day_than_the_trips_says_its_day(demo_app: App, trip: str, clock: FixedClock) -> None:
    """A review: fuel topped up the evening before a trip read "✓ Fuel checked and topped up  Jonah, 18:30" on
    the trip's morning page, at 08:00, as if checked that day (at a time not come yet). A tick made on another
    day than the trip's departure (by the business's clocks) now says its day; one made that day its time."""
    claim_role(demo_app, "demo", trip, "captain", "jonah")
    start = get_event(demo_app.store, "demo", trip).start  # Sat 13 Jun 2026, 16:00 PDT
    clock.set(start - timedelta(hours=21, minutes=30))  # Fri 12 Jun, 18:30 PDT
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/crew/events/{trip}/checklist/fuel/tick", follow_redirects=False).status_code == 303
    clock.set(start - timedelta(hours=8))  # Sat 13 Jun, 08:00 PDT
    assert jonah.post(f"/crew/events/{trip}/checklist/life_jackets/tick", follow_redirects=False).status_code == 303
    entries = {e["key"]: e for p in jonah.get(f"/api/v1/events/{trip}").json()["phases"] for e in p["entries"]}
    assert entries["fuel"]["done_time"] == "Fri 12 Jun, 18:30"
    assert entries["life_jackets"]["done_time"] == "08:00"
    page = jonah.get(f"/crew/events/{trip}").text
    assert "Jonah, Fri 12 Jun, 18:30" in page and "Jonah, 08:00" in page


def test_a_trip_over_offers_no_role_and_takes_no_claim_but_an_admin_may_record_its_crew(
    demo_app: App, trip: str, clock: FixedClock
) -> None:
    """A review: crew could claim a role on a trip that ended days ago (200), made its crew unasked."""
    clock.set(get_event(demo_app.store, "demo", trip).end + timedelta(days=2))
    jonah, marisol = sign_in(demo_app, "jonah"), sign_in(demo_app, "marisol")
    assert jonah.get(f"/api/v1/events/{trip}").json()["claimable"] == []
    late = jonah.post(f"/api/v1/events/{trip}/roles/captain/claim")
    assert late.status_code == 409 and "this trip is over" in late.json()["detail"]
    recorded = marisol.post(f"/api/v1/events/{trip}/roles/captain/designate", json={"person_id": "jonah"})
    assert recorded.status_code == 200 and recorded.json()["roster"][0]["first_name"] == "Jonah"
    # a second review: the captain could still designate after the trip, refused "less than 48 hours before"
    late = jonah.post(f"/api/v1/events/{trip}/roles/crew_1/designate", json={"person_id": "priya"})
    assert late.status_code == 409 and "this trip is over" in late.json()["detail"]


def test_a_trip_over_keeps_its_crew_only_an_admin_may_take_someone_off_it(
    demo_app: App, trip: str, clock: FixedClock
) -> None:
    """A review: after the trip, crew 'Release' asked the captain and admins to release them "less than
    48 hours before departure", and the captain could then take them off the roster of a trip sailed."""
    from firstmate.services.roster import claim_role

    claim_role(demo_app, "demo", trip, "captain", "jonah")
    claim_role(demo_app, "demo", trip, "crew_1", "theo")
    clock.set(get_event(demo_app.store, "demo", trip).end + timedelta(hours=3))
    jonah, theo, marisol = sign_in(demo_app, "jonah"), sign_in(demo_app, "theo"), sign_in(demo_app, "marisol")
    # its page offers crew no Release that would only be refused; an admin's still does
    assert "/release" not in theo.get(f"/crew/events/{trip}").text
    assert "/release" not in jonah.get(f"/crew/events/{trip}").text
    assert "Release Theo" in marisol.get(f"/crew/events/{trip}").text
    asked = theo.post(f"/api/v1/events/{trip}/roles/crew_1/release")
    assert asked.status_code == 409 and "this trip is over" in asked.json()["detail"]
    on_page = theo.post(f"/crew/events/{trip}/roles/crew_1/release")
    assert on_page.status_code == 409 and "this trip is over" in on_page.text
    by_captain = jonah.post(f"/api/v1/events/{trip}/roles/crew_1/release", json={"person_id": "theo"})
    assert by_captain.status_code == 409 and "this trip is over" in by_captain.json()["detail"]
    roles = get_event(demo_app.store, "demo", trip).roles
    assert [(s.role, s.person_id, s.release_requested) for s in roles] == [
        ("captain", "jonah", False),
        ("crew_1", "theo", False),
    ]
    assert not [e for e in outbox.list_entries(demo_app.store, "demo") if "release-requested" in e.key]
    # an admin still corrects the record of who crewed it
    fixed = marisol.post(f"/api/v1/events/{trip}/roles/crew_1/release", json={"person_id": "theo"})
    assert fixed.status_code == 200 and fixed.json()["released"] is True


def _claim_form(page: str, role: str) -> tuple[str, dict[str, str]]:
    """Where a trip page's "I'll be <role>" posts, and what its form sends."""
    form = re.search(rf'<form method="post" action="([^"]+/roles/{role}/claim)">(.*?)</form>', page)
    assert form is not None, page
    return form.group(1), dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))


def test_a_claim_from_a_page_shown_before_the_trip_moved_is_refused_and_the_new_time_shown(
    demo_app: App, trip: str
) -> None:
    """A review: Theo opened the trip (Saturday 16:00), the booking then moved to Sunday 09:00, and his
    "I'll be crew 1" on the page still open made him crew at a time he was never shown."""
    theo = sign_in(demo_app, "theo")
    action, fields = _claim_form(theo.get(f"/crew/events/{trip}").text, "crew_1")
    moved = booking_body(start="2026-06-14T09:00:00-07:00")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(moved))
    late = theo.post(action, data=fields)
    assert late.status_code == 409 and "this trip moved since you opened it" in late.text
    assert "Sun 14 Jun 2026, 09:00 PDT" in late.text
    assert get_event(demo_app.store, "demo", trip).roles[1].person_id is None
    # the page that says so offers the role at the new time
    action, fields = _claim_form(late.text, "crew_1")
    assert theo.post(action, data=fields, follow_redirects=False).status_code == 303
    assert get_event(demo_app.store, "demo", trip).roles[1].person_id == "theo"


def _tick_form(page: str, key: str) -> tuple[str, dict[str, str]]:
    """Where a trip page's "Done" of checklist item `key` posts, and what its form sends."""
    form = re.search(rf'<form method="post" action="([^"]+/checklist/{key}/tick)">(.*?)</form>', page, re.S)
    assert form is not None, page
    return form.group(1), dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))


def test_a_tick_from_a_page_shown_before_the_item_changed_is_refused(demo_app: App, trip: str) -> None:
    """A review: Jonah's page said "Life jackets aboard: 8"; the booking then grew to 12 guests, and his
    "Done" there recorded 14 jackets counted (the count asked for now), so nothing asked to count again.
    A tick of "Fuel checked" from a page of the boat the trip has since left went to the new boat's."""
    from firstmate.services.roster import claim_role

    claim_role(demo_app, "demo", trip, "captain", "jonah")
    jonah = sign_in(demo_app, "jonah")
    page = jonah.get(f"/crew/events/{trip}").text
    assert "Life jackets aboard: 8" in page
    jackets, fuel = _tick_form(page, "life_jackets"), _tick_form(page, "fuel")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=12)))
    late = jonah.post(jackets[0], data=jackets[1])
    assert late.status_code == 409 and "Life jackets aboard: 14" in late.text and "check it again" in late.text
    item = next(i for i in get_event(demo_app.store, "demo", trip).checklist if i.key == "life_jackets")
    assert item.done_at is None
    counted = _tick_form(late.text, "life_jackets")  # the page that says so asks for the count of now
    assert jonah.post(counted[0], data=counted[1], follow_redirects=False).status_code == 303
    item = next(i for i in get_event(demo_app.store, "demo", trip).checklist if i.key == "life_jackets")
    assert item.done_by == "Jonah" and item.ticked_for == 14

    orchestrate_booking(
        demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=12, asset="morning-tern"))
    )
    aboard_the_other = jonah.post(fuel[0], data=fuel[1])
    assert aboard_the_other.status_code == 409 and "Morning Tern" in aboard_the_other.text
    assert next(i for i in get_event(demo_app.store, "demo", trip).checklist if i.key == "fuel").done_at is None


def test_a_boat_brings_its_own_checklist(demo_app: App) -> None:
    body = booking_body(external_id="CAT-1", asset="morning-tern", guest_count=10)
    event_id = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.event_id
    labels = [i.label for i in get_event(demo_app.store, "demo", event_id).checklist]
    assert "Port and starboard engines started and checked" in labels
    assert "Life jackets aboard: 13" in labels  # 10 guests + 3 crew roles


def test_every_item_counting_life_jackets_follows_the_people_aboard_and_is_counted_again(demo_app: App) -> None:
    """A boat's own items kept the count made at booking (only an item keyed life_jackets followed,
    reworded), a count ticked for 8 stayed ticked for 14, and a count lowered below the guest list
    asked for jackets for fewer people than had said they were coming."""
    from firstmate.demo.run import demo_profile
    from firstmate.domain.business import ChecklistTemplateItem
    from firstmate.domain.guests import NewGuest
    from firstmate.services.business import save_business
    from firstmate.services.guests import CodeTarget, add_guest

    profile = demo_profile()
    own = (
        ChecklistTemplateItem(key="pfds", phase="pre_event", label="PFDs counted and stowed: {jackets}"),
        ChecklistTemplateItem(key="life_jackets", phase="pre_event", label="{jackets} life jackets, 2 child sizes"),
    )
    tern = profile.asset("morning-tern")
    template = (*own, *(t for t in tern.checklist if t.key != "life_jackets"))
    boats = tuple(a.model_copy(update={"checklist": template}) if a.id == "morning-tern" else a for a in profile.assets)
    save_business(demo_app.store, profile.model_copy(update={"assets": boats}))

    def book(**changes: object) -> str:
        body = booking_body(external_id="JK-1", asset="morning-tern", **changes)
        return orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.event_id

    def items() -> dict[str, tuple[str, str | None]]:
        return {i.key: (i.label, i.done_by) for i in get_event(demo_app.store, "demo", event_id).checklist}

    event_id = book(guest_count=6)  # 6 guests + 3 crew roles
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/api/v1/events/{event_id}/roles/captain/claim").status_code == 200
    for key in ("pfds", "life_jackets"):
        assert jonah.post(f"/crew/events/{event_id}/checklist/{key}/tick", follow_redirects=False).status_code == 303
    book(guest_count=12)
    assert items()["pfds"] == ("PFDs counted and stowed: 15", None)
    assert items()["life_jackets"] == ("15 life jackets, 2 child sizes", None)
    page = jonah.get(f"/crew/events/{event_id}").text
    assert "15 life jackets needed now, 9 when counted: count them again" in page
    booking_id = get_event(demo_app.store, "demo", event_id).booking_id
    lead = CodeTarget("demo", booking_id, "g1")
    for n in range(9):
        add_guest(demo_app, lead, NewGuest(name=f"Robin Sample{n}"))
    book(guest_count=4)  # the channel says 4; ten are on the guest list
    assert items()["pfds"][0] == "PFDs counted and stowed: 13"
    [ops] = [e.message.text for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":r3:ops")]
    assert "Guest list: 10 guests, more than the 4 booked. The crew count life jackets for 10" in ops


def test_life_jackets_on_trips_stored_before_and_on_items_that_count_none(demo_app: App) -> None:
    """Found by a review of the fix above: trips booked before it kept the stale count; an item
    keyed life_jackets that counts nothing ("inspected") was reworded; and a count ticked for 9 was
    unticked when 8 were needed after 7."""
    from firstmate.demo.run import demo_profile
    from firstmate.domain.business import ChecklistTemplateItem
    from firstmate.ports import Item
    from firstmate.services.business import save_business
    from firstmate.services.trips import booking_pk

    profile = demo_profile()
    own = (
        ChecklistTemplateItem(key="pfds", phase="pre_event", label="PFDs counted and stowed: {jackets}"),
        ChecklistTemplateItem(key="life_jackets", phase="pre_event", label="Life jackets inspected: straps, lights"),
    )
    boats = tuple(a.model_copy(update={"checklist": own}) if a.id == "morning-tern" else a for a in profile.assets)
    save_business(demo_app.store, profile.model_copy(update={"assets": boats}))

    def book(guests: int) -> str:
        body = booking_body(external_id="JK-2", asset="morning-tern", guest_count=guests)
        return orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.event_id

    def items() -> dict[str, tuple[str, str | None]]:
        return {i.key: (i.label, i.done_by) for i in get_event(demo_app.store, "demo", event_id).checklist}

    event_id = book(6)  # 6 guests + 3 crew roles: 9
    booking_id = get_event(demo_app.store, "demo", event_id).booking_id
    stored = demo_app.store.get(booking_pk("demo", booking_id), "EVENT")
    assert stored is not None  # as stored before items kept their template and their tick's count:
    old = [{k: v for k, v in i.items() if k not in ("label_template", "ticked_for")} for i in stored.data["checklist"]]
    demo_app.store.put(Item(stored.pk, stored.sk, {**stored.data, "checklist": old}))
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/api/v1/events/{event_id}/roles/captain/claim").status_code == 200
    assert jonah.post(f"/crew/events/{event_id}/checklist/pfds/tick", follow_redirects=False).status_code == 303
    book(4)
    book(5)  # 8 needed now: the 9 counted still do
    assert items()["pfds"] == ("PFDs counted and stowed: 8", "Jonah")
    assert items()["life_jackets"] == ("Life jackets inspected: straps, lights", None)
    book(12)  # a boat whose checklist has no departure items: recounted until its departure time
    assert items()["pfds"] == ("PFDs counted and stowed: 15", None)


def test_crew_taken_off_by_a_move_to_a_boat_without_their_role_are_told(demo_app: App, clock: FixedClock) -> None:
    """Moved to a boat without crew 2, Theo was off the trip without a word, and a reminder an outage
    held back still told him to be aboard."""
    from firstmate.services.reminders import send_due_reminders

    body = booking_body(external_id="OFF-1", asset="morning-tern")  # captain, crew 1, crew 2
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    for person, role in (("jonah", "captain"), ("priya", "crew_1"), ("theo", "crew_2")):
        claimed = sign_in(demo_app, person).post(f"/api/v1/events/{booking.event_id}/roles/{role}/claim")
        assert claimed.status_code == 200
    clock.set(booking.request.start - timedelta(hours=2) + timedelta(minutes=1))
    assert send_due_reminders(demo_app, [timedelta(hours=2)], clock.now()) == 3  # held: the relay is down
    # to the sloop, an hour longer from the same start: the move keeps reminders for that departure
    orchestrate_booking(
        demo_app, "demo", BookingRequest.model_validate({**body, "asset": "sea-lark", "duration_hours": "4"})
    )
    mail = {
        e.key.removesuffix(":off").rsplit(":", 1)[-1]: e
        for e in outbox.list_entries(demo_app.store, "demo")
        if ":r2:" in e.key
    }
    assert mail["theo"].key.endswith(":crew:theo:off")  # outlives a cancellation that does not tell them
    told = mail["theo"].message.text
    assert "You are no longer crew 2 on this trip: it moved to Sea Lark (38 ft sloop), which has no crew 2." in told
    assert "/crew/enter" not in told  # nothing to open
    assert "Crew taken off: Theo" in mail["ops"].message.text and "was crew 2" in mail["ops"].message.text
    entries = outbox.list_entries(demo_app.store, "demo")
    reminders = {e.key.rsplit(":", 1)[-1]: e for e in entries if ":reminder:" in e.key}
    assert reminders["theo"].status.value == "dead" and "without their role" in (reminders["theo"].last_error or "")
    assert reminders["jonah"].status.value == "pending" and reminders["priya"].status.value == "pending"
    # back to the catamaran an hour later, Theo designated again: then to the sloop at another time at once
    back = {**body, "start": (booking.request.start + timedelta(hours=1)).isoformat()}
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(back))
    admin = sign_in(demo_app, "marisol")
    designated = admin.post(f"/api/v1/events/{booking.event_id}/roles/crew_2/designate", json={"person_id": "theo"})
    assert designated.is_success
    assert send_due_reminders(demo_app, [timedelta(hours=2)], clock.now() + timedelta(hours=1)) == 3
    again = {**body, "asset": "sea-lark", "guest_count": 5}  # not a re-send of revision 2: that is ignored
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(again))
    waiting = {e.key.rsplit(":", 1)[-1] for e in outbox.list_entries(demo_app.store, "demo")
               if ":reminder:" in e.key and e.status.value == "pending"}  # fmt: skip
    assert waiting == {"jonah", "priya"}  # theirs for this time again; not Theo's: he is off the trip


def test_a_boat_renamed_from_another_process_shows_on_the_next_page(demo_app: App, trip: str) -> None:
    from firstmate.bootstrap import build
    from firstmate.services.business import load_business, save_business

    marisol = sign_in(demo_app, "marisol")
    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    boat = get_event(demo_app.store, "demo", trip).asset
    before = next(a for a in profile.assets if a.id == boat).name
    assert before in marisol.get(f"/crew/events/{trip}").text
    other = build(demo_app.settings)  # another process on the same home: its own connection and memory
    try:
        renamed = [a.model_copy(update={"name": "Sea Lark II"}) if a.id == boat else a for a in profile.assets]
        save_business(other.store, profile.model_copy(update={"assets": tuple(renamed)}))
    finally:
        other.close()
    page = marisol.get(f"/crew/events/{trip}").text
    assert "Sea Lark II" in page and before not in page


def test_the_trip_list_shows_upcoming_trips_soonest_first_that_the_viewer_holds_or_could_take(
    demo_app: App, clock: FixedClock
) -> None:
    from firstmate.services.roster import claim_role

    def book(n: int, days: float, hours: int = 3) -> str:
        start = (clock.now() + timedelta(days=days)).isoformat()
        body = booking_body(external_id=f"LIST-{n}", start=start, duration_hours=hours)
        return orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.event_id

    later, ended_long_ago, sooner, ended_yesterday, full = book(1, 9), book(2, -4), book(3, 2), book(4, -1), book(5, 5)
    long_ago, three_days_out = book(6, -30), book(7, -4.9, hours=72)  # the longest trip: back 1.9 days ago
    claim_role(demo_app, "demo", full, "captain", "marisol")
    claim_role(demo_app, "demo", full, "crew_1", "jonah")
    claim_role(demo_app, "demo", later, "crew_1", "theo")
    listed = re.findall(r'href="/crew/events/(ev_\w+)"', sign_in(demo_app, "theo").get("/crew").text)
    assert listed == [sooner, later]  # not the one with no role left for Theo, nor those over: none to take
    assert ended_long_ago not in listed and long_ago not in listed  # off the list two days after the trip
    admin_listed = re.findall(r'href="/crew/events/(ev_\w+)"', sign_in(demo_app, "marisol").get("/crew").text)
    assert admin_listed == [three_days_out, ended_yesterday, sooner, full, later]


def test_a_reason_longer_than_the_form_allows_is_refused_and_changes_nothing(demo_app: App, trip: str) -> None:
    from firstmate.services.guests import CodeTarget, confirm_attendance

    jonah, marisol = sign_in(demo_app, "jonah"), sign_in(demo_app, "marisol")
    jonah.post(f"/api/v1/events/{trip}/roles/captain/claim")
    for key in ("fuel", "life_jackets", "engine_hours_out"):
        jonah.post(f"/crew/events/{trip}/checklist/{key}/tick")
    confirm_attendance(demo_app, CodeTarget("demo", get_event(demo_app.store, "demo", trip).booking_id, "g1"))
    before = get_event(demo_app.store, "demo", trip)
    long = marisol.post(f"/crew/events/{trip}/checklist/waivers/tick", data={"reason": "Signed on paper. " * 20})
    assert long.status_code == 422 and "at most 200 characters" in long.text
    assert get_event(demo_app.store, "demo", trip) == before
    reason = "Signed on paper. " * 11  # 187 characters: within the limit
    ok = marisol.post(f"/crew/events/{trip}/checklist/waivers/tick", data={"reason": reason}, follow_redirects=False)
    assert ok.status_code == 303
    waivers = next(i for i in get_event(demo_app.store, "demo", trip).checklist if i.key == "waivers")
    assert waivers.done_by == "Marisol" and waivers.history[-1].note.endswith(reason.strip())


def test_an_admins_reason_to_go_without_a_waiver_covers_only_the_guests_it_was_given_for(demo_app: App) -> None:
    """A review: the admin's page said "1 waiver pending" and no name; Marisol gave her reason for Dana
    ("signed on paper at the dock"), Robin said he was coming meanwhile, and the tick recorded the
    departure without Robin's waiver too, on Dana's reason."""
    from firstmate.domain.guests import NewGuest
    from firstmate.services.guests import CodeTarget, add_guest, confirm_attendance
    from firstmate.services.roster import claim_role

    trip = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    claim_role(demo_app, "demo", trip.event_id, "captain", "jonah")
    jonah, marisol = sign_in(demo_app, "jonah"), sign_in(demo_app, "marisol")
    for key in ("fuel", "life_jackets", "engine_hours_out"):
        jonah.post(f"/crew/events/{trip.event_id}/checklist/{key}/tick")
    lead = CodeTarget("demo", trip.id, "g1")
    robin = add_guest(demo_app, lead, NewGuest(name="Robin Sample", email="robin@example.com"))
    confirm_attendance(demo_app, lead)
    page = marisol.get(f"/crew/events/{trip.event_id}").text
    assert "Dana Whitcomb" in page.split('name="reason"')[0].rsplit("<form", 1)[1]  # named beside the reason
    action, fields = _tick_form(page, "waivers")
    confirm_attendance(demo_app, CodeTarget("demo", trip.id, robin.id))
    late = marisol.post(action, data={**fields, "reason": "Dana signed on paper at the dock"})
    assert late.status_code == 409 and "Robin Sample" in late.text
    waivers = next(i for i in get_event(demo_app.store, "demo", trip.event_id).checklist if i.key == "waivers")
    assert waivers.done_at is None
    action, fields = _tick_form(late.text, "waivers")  # the page that says so names both
    given = marisol.post(action, data={**fields, "reason": "Both signed on paper"}, follow_redirects=False)
    assert given.status_code == 303
    waivers = next(i for i in get_event(demo_app.store, "demo", trip.event_id).checklist if i.key == "waivers")
    assert waivers.history[-1].note == (
        "departed without the waiver of Dana Whitcomb, Robin Sample: Both signed on paper"
    )


def test_an_item_ticked_and_undone_again_and_again_keeps_its_latest_changes_and_the_trip_stays_changeable(
    demo_app: App, api_key: str, trip: str
) -> None:
    jonah = sign_in(demo_app, "jonah")
    jonah.post(f"/api/v1/events/{trip}/roles/captain/claim")
    for _ in range(30):
        assert jonah.post(f"/crew/events/{trip}/checklist/fuel/tick", follow_redirects=False).status_code == 303
        assert jonah.post(f"/crew/events/{trip}/checklist/fuel/undo", follow_redirects=False).status_code == 303
    jonah.post(f"/crew/events/{trip}/checklist/fuel/tick")
    [fuel] = [
        e for p in jonah.get(f"/api/v1/events/{trip}").json()["phases"] for e in p["entries"] if e["key"] == "fuel"
    ]
    assert len(fuel["history"]) == 50 and fuel["earlier_changes"] == 11
    assert [m["action"] for m in fuel["history"][-3:]] == ["tick", "undo", "tick"] and fuel["done_by"] == "Jonah"
    booking_id = get_event(demo_app.store, "demo", trip).booking_id
    cancel = jonah.delete(f"/api/v1/bookings/{booking_id}", headers={"Authorization": f"Bearer {api_key}"})
    assert cancel.status_code == 200 and cancel.json()["result"] == "cancelled"


def test_the_trip_list_comes_fifty_trips_a_page_and_a_clash_across_pages_still_shows(
    demo_app: App, clock: FixedClock
) -> None:
    """Every upcoming trip was on one page (800 trips: a page a phone could not scroll, built in 80 ms
    each time a booking changed). Now 50 a page, "Later trips" a link away; a trip overlapping one the
    viewer holds on the next page or on the page before still reads busy."""
    from firstmate.services.roster import claim_role

    def book(n: int, hours: float, length: float, boat: str = "sea-lark") -> str:
        start = (clock.now() + timedelta(days=1, hours=hours)).isoformat()
        body = booking_body(external_id=f"PAGE-{n}", start=start, duration_hours=length, asset=boat)
        return orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body), tell=False).booking.event_id

    sloop = [book(n, 4 * n, 3) for n in range(110)]  # every 4 hours, 3 hours long
    # Theo's roles on the catamaran: one just after the first page's last trip, overlapping it; one
    # before the second page's last trip, overlapping the first trips of the third page
    ahead, behind = book(200, 4 * 49 + 1, 2, "morning-tern"), book(201, 4 * 97 - 1, 14, "morning-tern")
    claim_role(demo_app, "demo", ahead, "crew_1", "theo")
    claim_role(demo_app, "demo", behind, "crew_1", "theo")
    theo = sign_in(demo_app, "theo")
    pages, address = [], "/crew"
    while address:
        page = theo.get(address)
        assert page.status_code == 200
        pages.append(
            dict(re.findall(r'href="/crew/events/(ev_\w+)">.*?<span class="tag">(.*?)</span>', page.text, re.S))
        )
        later = re.findall(r'href="([^"]+)" rel="next">Later trips', page.text)
        address = html.unescape(later[0]) if later else ""
        assert ('href="/crew">Soonest trips' in page.text) == (len(pages) > 1)
    whole = my_trips(demo_app, "demo", get_person(demo_app.store, "demo", "theo"))
    assert [len(p) for p in pages] == [50, 50, 12] and len(whole) == 112
    assert [event for p in pages for event in p] == [t["event_id"] for t in whole]  # each once, in order
    assert list(pages[0])[-1] == sloop[49] and pages[0][sloop[49]] == "busy: on Morning Tern (45 ft catamaran)"
    assert pages[0][sloop[48]] == "open: crew 1" and pages[1][ahead] == pages[1][behind] == "you: crew 1"
    assert list(pages[1])[-1] == sloop[97] and list(pages[2])[:3] == sloop[98:101]
    assert {pages[2][e] for e in sloop[98:101]} == {"busy: on Morning Tern (45 ft catamaran)"}  # held: page before
    assert pages[2][sloop[101]] == "open: crew 1"
    assert theo.get("/crew?after=yesterday").status_code == 422
    assert list(re.findall(r'href="/crew/events/(ev_\w+)"', theo.get("/crew").text)) == list(pages[0])  # still first


def test_a_trip_under_way_offers_no_role_and_takes_no_claim(demo_app: App, trip: str, clock: FixedClock) -> None:
    """A review: a trip that had left, not back yet, still offered its open roles on its page and in the
    list, and took a claim from the dock, making someone its crew and telling the captain so."""
    event = get_event(demo_app.store, "demo", trip)
    clock.set(event.start + timedelta(minutes=30))  # out on the water
    theo = sign_in(demo_app, "theo")
    page = theo.get(f"/crew/events/{trip}").text
    assert "I'll be" not in page and trip not in theo.get("/crew").text
    refused = theo.post(f"/api/v1/events/{trip}/roles/crew_1/claim")
    assert refused.status_code == 409 and "this trip has left" in refused.json()["detail"]
    assert get_event(demo_app.store, "demo", trip) == event
    assert theo.get(f"/api/v1/events/{trip}").json()["claimable"] == []


def test_a_trip_under_way_keeps_its_crew_only_an_admin_changes_its_roster(
    demo_app: App, trip: str, clock: FixedClock
) -> None:
    """A review: with the boat out, a crew member's Release asked the captain and admins to release them
    "less than 48 hours before departure", and the captain could take them off the roster, or designate
    someone from the dock in their place, of a trip sailing with them aboard (docs/crew.md: once a trip
    has left, the captain cannot either)."""
    from firstmate.services.roster import claim_role

    claim_role(demo_app, "demo", trip, "captain", "jonah")
    claim_role(demo_app, "demo", trip, "crew_1", "theo")
    clock.set(get_event(demo_app.store, "demo", trip).start + timedelta(minutes=30))  # out on the water
    sailing = get_event(demo_app.store, "demo", trip)
    jonah, theo, marisol = sign_in(demo_app, "jonah"), sign_in(demo_app, "theo"), sign_in(demo_app, "marisol")
    assert "/release" not in theo.get(f"/crew/events/{trip}").text
    assert "/release" not in jonah.get(f"/crew/events/{trip}").text
    assert "Release Theo" in marisol.get(f"/crew/events/{trip}").text
    assert theo.get(f"/api/v1/events/{trip}").json()["left"] is True
    asked = theo.post(f"/api/v1/events/{trip}/roles/crew_1/release")
    assert asked.status_code == 409 and "this trip has left" in asked.json()["detail"]
    by_captain = jonah.post(f"/api/v1/events/{trip}/roles/crew_1/release", json={"person_id": "theo"})
    assert by_captain.status_code == 409 and "this trip has left" in by_captain.json()["detail"]
    swapped = jonah.post(f"/api/v1/events/{trip}/roles/crew_1/designate", json={"person_id": "priya"})
    assert swapped.status_code == 409 and "this trip has left" in swapped.json()["detail"]
    assert get_event(demo_app.store, "demo", trip) == sailing
    recorded = marisol.post(f"/api/v1/events/{trip}/roles/crew_1/designate", json={"person_id": "priya"})
    assert recorded.status_code == 200 and recorded.json()["roster"][1]["first_name"] == "Priya"


def test_notes_over_several_lines_keep_their_lines_on_the_crew_page_and_in_html_mail(demo_app: App) -> None:
    """Found by a review: a calendar's notes kept every line ("… please rig the boarding ramp" below a
    birthday), but the crew's trip page and the HTML of their mail ran them into one line, a list of
    requests read as "- cake - ramp - no alcohol"."""
    notes = "Celebrating a birthday.\n- rig the boarding ramp\n- <no> glass aboard"
    body = booking_body(external_id="W-LINES", notes=notes)
    trip = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.event_id
    page = sign_in(demo_app, "jonah").get(f"/crew/events/{trip}").text
    shown = "Celebrating a birthday.<br>- rig the boarding ramp<br>- &lt;no&gt; glass aboard"
    assert shown in page
    [mail] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":crew:jonah")]
    assert shown in (mail.message.html or "")
    [ops] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":ops")]
    assert shown in (ops.message.html or "")


def test_the_captain_or_an_admin_puts_someone_in_an_open_role_from_the_trip_page(
    demo_app: App, trip: str, clock: FixedClock
) -> None:
    """A review: a claim on a trip that has left says an admin may put someone in its roles, but no crew page
    had a form for it (only the API). The captain, until the trip leaves, and an admin see "Put in" beside
    each open role, listing the active people qualified for it; other crew do not."""
    claim_role(demo_app, "demo", trip, "captain", "jonah")
    jonah, marisol, priya = sign_in(demo_app, "jonah"), sign_in(demo_app, "marisol"), sign_in(demo_app, "priya")
    page = jonah.get(f"/crew/events/{trip}").text
    assert f'action="/crew/events/{trip}/roles/crew_1/designate"' in page and 'value="priya"' in page
    assert 'value="jonah"' not in page.split("roles/crew_1/designate")[1].split("</form>")[0]  # aboard already
    assert "/designate" not in priya.get(f"/crew/events/{trip}").text
    put = jonah.post(f"/crew/events/{trip}/roles/crew_1/designate", data={"person_id": "priya"}, follow_redirects=False)
    assert put.status_code == 303
    assert next(s for s in get_event(demo_app.store, "demo", trip).roles if s.role == "crew_1").person_id == "priya"
    clock.set(get_event(demo_app.store, "demo", trip).end + timedelta(days=2))  # over: the admin records its crew
    jonah, marisol = sign_in(demo_app, "jonah"), sign_in(demo_app, "marisol")
    taken_off = marisol.post(f"/crew/events/{trip}/roles/crew_1/release", data={"person_id": "priya"})
    assert taken_off.status_code in (200, 303)
    assert "/designate" not in jonah.get(f"/crew/events/{trip}").text
    assert "roles/crew_1/designate" in marisol.get(f"/crew/events/{trip}").text
