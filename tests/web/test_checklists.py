"""The checklist's rules as docs/crew.md and docs/guests.md state them: only an admin departs without
every waiver, a cancelled trip is worked no more, and a count made before the boat left stands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.crew import ChecklistItem, Phase
from firstmate.domain.guests import GuestStatus, SigningForm, waiver_version
from firstmate.services.bookings import cancel_booking, get_booking, orchestrate_booking
from firstmate.services.business import load_business
from firstmate.services.guests import CodeTarget, confirm_attendance, sign_waiver, the_guest, withdraw_attendance
from firstmate.services.trips import get_event
from tests.conftest import booking_body
from tests.web.test_crew import sign_in


@pytest.fixture
def trip(demo_app: App) -> str:
    return orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking.event_id


def item(app: App, event_id: str, key: str) -> ChecklistItem:
    return next(i for i in get_event(app.store, "demo", event_id).checklist if i.key == key)


def _departed(app: App, trip: str, clock: FixedClock) -> TestClient:
    """Jonah, the trip's captain, having ticked its pre-departure and departure items 20 minutes before it left;
    the clock half an hour after it left."""
    jonah = sign_in(app, "jonah")
    assert jonah.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200
    event = get_event(app.store, "demo", trip)
    clock.set(event.start - timedelta(minutes=20))
    jonah = sign_in(app, "jonah")
    for key in [i.key for i in event.checklist if i.phase in (Phase.PRE_EVENT, Phase.DEPARTURE)]:
        assert jonah.post(f"/crew/events/{trip}/checklist/{key}/tick", follow_redirects=False).status_code == 303
    clock.set(event.start + timedelta(minutes=30))
    return jonah


def test_crew_giving_a_reason_cannot_depart_without_a_guests_waiver(demo_app: App, trip: str) -> None:
    jonah = sign_in(demo_app, "jonah")  # the captain, not an admin
    assert jonah.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200
    for key in ("fuel", "life_jackets", "engine_hours_out"):
        assert jonah.post(f"/crew/events/{trip}/checklist/{key}/tick", follow_redirects=False).status_code == 303
    confirm_attendance(demo_app, CodeTarget("demo", get_event(demo_app.store, "demo", trip).booking_id, "g1"))
    refused = jonah.post(f"/crew/events/{trip}/checklist/waivers/tick", data={"reason": "She said she signed it"})
    assert refused.status_code == 409
    assert "waiting for the waiver of Dana Whitcomb; an admin may override with a reason" in refused.text
    assert item(demo_app, trip, "waivers").done_at is None


def test_a_cancelled_trips_checklist_takes_no_tick(demo_app: App, trip: str) -> None:
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200
    cancel_booking(demo_app, "demo", get_event(demo_app.store, "demo", trip).booking_id)
    refused = jonah.post(f"/crew/events/{trip}/checklist/fuel/tick")
    assert refused.status_code == 409 and "this trip is cancelled" in refused.text
    assert item(demo_app, trip, "fuel").done_at is None
    lines = jonah.get(f"/api/v1/events/{trip}").json()["timing"]["lines"]
    assert not any("checklist" in line for line in lines), lines  # nothing is due on a trip that is off


def test_more_guests_after_the_departure_is_done_leave_the_jackets_counted(
    demo_app: App, trip: str, clock: FixedClock
) -> None:
    """A change recorded after the boat left (the channel's late correction) cannot send the crew back
    to count jackets on a boat at sea; before the departure is done, it does (test_crew)."""
    _departed(demo_app, trip, clock)
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=8)))
    jackets = item(demo_app, trip, "life_jackets")
    assert jackets.label == "Life jackets aboard: 10" and jackets.done_by == "Jonah"
    assert [m.action for m in jackets.history] == ["tick"]


def test_an_admins_reason_to_depart_without_a_waiver_has_five_characters_at_least(demo_app: App, trip: str) -> None:
    marisol = sign_in(demo_app, "marisol")  # an admin
    assert marisol.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200
    for key in ("fuel", "life_jackets", "engine_hours_out"):
        assert marisol.post(f"/crew/events/{trip}/checklist/{key}/tick", follow_redirects=False).status_code == 303
    confirm_attendance(demo_app, CodeTarget("demo", get_event(demo_app.store, "demo", trip).booking_id, "g1"))
    short = marisol.post(f"/crew/events/{trip}/checklist/waivers/tick", data={"reason": "  Rain  "})
    assert short.status_code == 409 and "say why departure goes ahead without the waiver of Dana Whitcomb" in short.text
    assert item(demo_app, trip, "waivers").done_at is None
    five = marisol.post(f"/crew/events/{trip}/checklist/waivers/tick", data={"reason": "Paper"}, follow_redirects=False)
    assert five.status_code == 303
    assert item(demo_app, trip, "waivers").history[-1].note == "departed without the waiver of Dana Whitcomb: Paper"


def test_a_checklist_is_due_until_its_minute_is_over_then_overdue(demo_app: App, trip: str, clock: FixedClock) -> None:
    """docs/crew.md: the panel is as of the start of the minute, so up to a minute past a deadline it may
    still say "due in less than a minute"; then it says overdue, with the deadline's clock time."""
    start = get_event(demo_app.store, "demo", trip).start  # 16:00 PDT: pre-departure due 15:30
    clock.set(start - timedelta(minutes=30, seconds=-30))
    theo = sign_in(demo_app, "theo")

    def first_line() -> str:
        return str(theo.get(f"/api/v1/events/{trip}").json()["timing"]["lines"][0])

    assert first_line() == "Pre-departure checklist due in less than a minute (15:30)"
    clock.set(start - timedelta(minutes=29))
    assert first_line() == "Pre-departure checklist overdue: was due 1 min ago (15:30)"


def test_a_trip_moved_to_another_boat_keeps_its_guests_waivers_ticked(demo_app: App, trip: str) -> None:
    """docs/crew.md: the checks made aboard the other boat are unticked; the guests' waivers keep theirs."""
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200
    for key in ("fuel", "life_jackets", "engine_hours_out", "waivers"):
        assert jonah.post(f"/crew/events/{trip}/checklist/{key}/tick", follow_redirects=False).status_code == 303
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(asset="morning-tern")))
    assert item(demo_app, trip, "fuel").done_at is None  # checked aboard Sea Lark
    waivers = item(demo_app, trip, "waivers")
    assert waivers.done_by == "Jonah" and [m.action for m in waivers.history] == ["tick"]


def test_a_checklist_due_over_two_days_ahead_is_due_in_days_and_one_due_sooner_in_hours(
    demo_app: App, trip: str, clock: FixedClock
) -> None:
    """A due time on another day than the panel's says its day (a review: "due in 3 days (15:30)" left the day to
    work out); one due that day its time alone."""
    due = get_event(demo_app.store, "demo", trip).start - timedelta(minutes=30)  # Sat 13 Jun, 15:30 PDT
    for ahead, words in ((timedelta(hours=30), "30 h"), (timedelta(hours=47, minutes=59), "47 h 59 min")):
        clock.set(due - ahead)
        answer = sign_in(demo_app, "theo").get(f"/api/v1/events/{trip}").json()
        assert answer["timing"]["lines"][0] == f"Pre-departure checklist due in {words} (Sat 13 Jun, 15:30)"
    clock.set(due - timedelta(days=3))
    answer = sign_in(demo_app, "theo").get(f"/api/v1/events/{trip}").json()
    assert answer["timing"]["lines"][0] == "Pre-departure checklist due in 3 days (Sat 13 Jun, 15:30)"
    clock.set(due - timedelta(hours=2))
    answer = sign_in(demo_app, "theo").get(f"/api/v1/events/{trip}").json()
    assert answer["timing"]["lines"][0] == "Pre-departure checklist due in 2 h (15:30)"


def test_a_boat_whose_own_list_has_no_waivers_item_still_departs_only_with_every_waiver(demo_app: App) -> None:
    """Found by a review: docs/guests.md says the departure checklist cannot complete while a guest is on
    hold, but a boat's own list without the "waivers" item completed it, Dana coming and unsigned."""
    from firstmate.demo.run import demo_profile
    from firstmate.domain.business import ChecklistTemplateItem
    from firstmate.domain.checklist import phase_complete
    from firstmate.services.business import save_business

    profile = demo_profile()
    own = (
        ChecklistTemplateItem(key="fuel", phase="pre_event", label="Both fuel tanks checked and topped up"),
        ChecklistTemplateItem(key="briefing", phase="departure", label="Safety briefing given, tender shown"),
        ChecklistTemplateItem(key="hours_in", phase="return", label="Engine hours recorded (both)"),
    )
    boats = tuple(a.model_copy(update={"checklist": own}) if a.id == "morning-tern" else a for a in profile.assets)
    save_business(demo_app.store, profile.model_copy(update={"assets": boats}))
    body = booking_body(external_id="CAT-2", asset="morning-tern")
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    trip = booking.event_id
    assert [(i.key, i.phase) for i in get_event(demo_app.store, "demo", trip).checklist] == [
        ("fuel", Phase.PRE_EVENT),
        ("waivers", Phase.DEPARTURE),
        ("briefing", Phase.DEPARTURE),
        ("hours_in", Phase.RETURN),
    ]
    confirm_attendance(demo_app, CodeTarget("demo", booking.id, "g1"))
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200
    for key in ("fuel", "briefing"):
        assert jonah.post(f"/crew/events/{trip}/checklist/{key}/tick", follow_redirects=False).status_code == 303
    refused = jonah.post(f"/crew/events/{trip}/checklist/waivers/tick")
    assert refused.status_code == 409 and "waiting for the waiver of Dana Whitcomb" in refused.text
    assert not phase_complete(get_event(demo_app.store, "demo", trip), Phase.DEPARTURE)


def test_only_the_trips_crew_or_an_admin_tick_and_undo_its_items(demo_app: App, trip: str) -> None:
    jonah, theo = sign_in(demo_app, "jonah"), sign_in(demo_app, "theo")  # Theo holds no role on this trip
    assert jonah.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200
    refused = theo.post(f"/crew/events/{trip}/checklist/fuel/tick")
    assert refused.status_code == 403 and "only the crew of this trip can work its checklist" in refused.text
    assert item(demo_app, trip, "fuel").done_at is None
    assert jonah.post(f"/crew/events/{trip}/checklist/fuel/tick", follow_redirects=False).status_code == 303
    assert theo.post(f"/crew/events/{trip}/checklist/fuel/undo").status_code == 403
    assert item(demo_app, trip, "fuel").done_by == "Jonah"
    marisol = sign_in(demo_app, "marisol")  # an admin, on no role either
    assert marisol.post(f"/crew/events/{trip}/checklist/life_jackets/tick", follow_redirects=False).status_code == 303


def test_a_guest_who_signed_and_says_they_are_coming_again_leaves_the_waivers_ticked(demo_app: App, trip: str) -> None:
    """Found by a review: Dana signed, said she could not come after all, the crew ticked the waivers, and
    she said she was coming again, ready to board with her signature: the tick was undone, and the crew's
    page said "Undone: Dana Whitcomb is coming and has not signed the waiver yet"."""
    booking = get_booking(demo_app.store, "demo", get_event(demo_app.store, "demo", trip).booking_id)
    dana = CodeTarget("demo", booking.id, "g1")
    confirm_attendance(demo_app, dana)
    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    words = waiver_version(profile.entity(booking.entity).waiver)  # type: ignore[union-attr]
    form = SigningForm(typed_name="Dana Whitcomb", agree=True, waiver_version=words)
    sign_waiver(demo_app, dana, form, ip="192.0.2.7", user_agent="PhoneBrowser/1.0")
    withdraw_attendance(demo_app, dana)
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200
    for key in ("fuel", "life_jackets", "engine_hours_out", "waivers"):
        assert jonah.post(f"/crew/events/{trip}/checklist/{key}/tick", follow_redirects=False).status_code == 303
    confirm_attendance(demo_app, dana)  # coming after all: ready to board with the signature she gave
    assert the_guest(demo_app, dana).status is GuestStatus.CONFIRMED
    waivers = item(demo_app, trip, "waivers")
    assert waivers.done_by == "Jonah" and [m.action for m in waivers.history] == ["tick"]
    assert "has not signed the waiver" not in jonah.get(f"/crew/events/{trip}").text


def test_an_earlier_phase_cannot_be_undone_while_a_later_one_has_ticks(
    demo_app: App, trip: str, clock: FixedClock
) -> None:
    """A review: after the boat left (its departure ticked), a deckhand could undo a pre-departure item: the
    departure then read closed though ticked, the return phase would not open, and the page said "Pre-departure
    overdue" of a boat at sea. An item's Undo is refused, and not offered, while a later phase is done."""
    jonah = _departed(demo_app, trip, clock)
    refused = jonah.post(f"/crew/events/{trip}/checklist/fuel/undo")
    assert refused.status_code == 409
    assert "Departure is done: undo one of its ticks first, then this one" in refused.text
    assert item(demo_app, trip, "fuel").done_by == "Jonah"
    page = jonah.get(f"/crew/events/{trip}").text
    assert "/checklist/fuel/undo" not in page and "/checklist/waivers/undo" in page  # the latest phase's stand open
    # the waivers undone, the departure is not done: the pre-departure checks are free again
    assert jonah.post(f"/crew/events/{trip}/checklist/waivers/undo", follow_redirects=False).status_code == 303
    assert jonah.post(f"/crew/events/{trip}/checklist/fuel/undo", follow_redirects=False).status_code == 303
    assert item(demo_app, trip, "fuel").done_at is None
