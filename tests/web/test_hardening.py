"""Holes a review found in bookings, guests and crew, each pinned by a test."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.sources.bookings.email import parse_email
from firstmate.bootstrap import App
from firstmate.demo.run import SAMPLE_EMAIL, demo_profile
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.guests import NewGuest
from firstmate.services import outbox
from firstmate.services.bookings import (
    IntakeOutcome,
    cancel_booking,
    cancellation_preview,
    complete_fanouts,
    get_booking,
    orchestrate_booking,
)
from firstmate.services.business import save_business
from firstmate.services.guests import CodeTarget, add_guest
from firstmate.services.reminders import send_due_reminders
from firstmate.services.roster import claim_role
from firstmate.services.trips import booking_pk, get_event
from tests.conftest import booking_body, send_due
from tests.web.test_crew import sign_in


class Stopped(BaseException):
    """The process stopped (a deploy, a function's timeout) right after a change's write."""


def stopped(*args: object, **kwargs: object) -> None:
    """What a patched step does: the process stops there."""
    raise Stopped


def _large_group(app: App) -> IntakeOutcome:
    """A 120-guest charter with 100 guests on its list, each with an email: its notices are more
    than one transaction holds."""
    outcome = orchestrate_booking(app, "demo", BookingRequest.model_validate(booking_body(guest_count=120)))
    lead = CodeTarget("demo", outcome.booking.id, "g1")
    for n in range(99):
        add_guest(app, lead, NewGuest(name=f"Guest Number{n}", email=f"guest{n}@example.com"))
    return outcome


def _book(app: App, **changes: object) -> BookingRequest:
    request = BookingRequest.model_validate(booking_body(**changes))
    orchestrate_booking(app, "demo", request)
    return request


def test_added_guests_are_always_sent_their_own_page(demo_app: App) -> None:
    outcome = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body()))
    robin = add_guest(
        demo_app, CodeTarget("demo", outcome.booking.id, "g1"), NewGuest(name="Robin Sample", email="robin@example.com")
    )
    _book(demo_app, guest_count=7)
    [changed] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":r2:guest:g2")]
    assert f"/g/{robin.code}" in changed.message.text and outcome.booking.guest_code not in changed.message.text


def test_a_large_group_can_still_be_changed_and_cancelled(demo_app: App) -> None:
    outcome = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=120)))
    lead = CodeTarget("demo", outcome.booking.id, "g1")
    for n in range(95):
        add_guest(demo_app, lead, NewGuest(name=f"Guest Number{n}", email=f"guest{n}@example.com"))
    for _ in range(10):  # every guest has their invitation (the dispatcher sends a batch at a time)
        send_due(demo_app)
    assert not [e for e in outbox.list_entries(demo_app.store, "demo", limit=1000) if e.status.value == "pending"]
    cancel_booking(demo_app, "demo", outcome.booking.id)
    cancelled = [e for e in outbox.list_entries(demo_app.store, "demo", limit=1000) if ":r2:" in e.key]
    assert len(cancelled) == 1 + 4 + 96  # the ops manager, four crew, every guest
    assert demo_app.store.get(booking_pk("demo", outcome.booking.id), "FANOUT#r2") is None
    assert complete_fanouts(demo_app) == 0


def test_a_large_group_changed_again_before_its_mail_went_out_can_still_be_cancelled(demo_app: App) -> None:
    """Withdrawing the last change's waiting mail (one write each) went into the cancellation's own
    transaction, past its 100 writes: the trip could be neither moved again nor cancelled."""
    outcome = _large_group(demo_app)
    _book(demo_app, guest_count=120, start="2026-06-13T17:00:00-07:00")  # told to 100 guests, none sent yet
    cancel_booking(demo_app, "demo", outcome.booking.id)
    entries = outbox.list_entries(demo_app.store, "demo", limit=10_000)
    withdrawn = [e for e in entries if ":r2:" in e.key and e.status.value == "dead"]
    assert len(withdrawn) == 4 + 100  # every crew member and guest: the cancellation is the word now
    assert all("changed again before it went out (revision 3" in (e.last_error or "") for e in withdrawn)
    # the ops manager, the crew and the lead; the 99 guests whose invitations never went (withdrawn unsent) heard
    # nothing of the trip, and are told nothing of its cancellation
    assert len([e for e in entries if ":r3:" in e.key]) == 1 + 4 + 1


def test_withdrawals_a_stopped_process_left_are_made_by_the_fanouts_job(
    demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large group's withdrawals too many for the change's transaction followed it, and nothing
    made them if the process stopped in between: the first move's mail went out after the second's."""
    import firstmate.services.bookings.fanout as fanout

    _large_group(demo_app)
    _book(demo_app, guest_count=120, start="2026-06-13T17:00:00-07:00")  # told to 100 guests, none sent yet

    with monkeypatch.context() as patched:
        patched.setattr(fanout, "_withdraw", stopped)
        with pytest.raises(Stopped):
            _book(demo_app, guest_count=120, start="2026-06-13T18:00:00-07:00")
    first_move = [e for e in outbox.list_entries(demo_app.store, "demo", limit=10_000) if ":r2:" in e.key]
    assert {e.status.value for e in first_move if ":ops" not in e.key} == {"pending"}  # left waiting
    complete_fanouts(demo_app)
    first_move = [e for e in outbox.list_entries(demo_app.store, "demo", limit=10_000) if ":r2:" in e.key]
    assert {e.status.value for e in first_move if ":ops" not in e.key} == {"dead"}


def test_a_large_groups_change_left_half_done_is_finished_before_the_next(
    demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A move whose process stopped after its write, then a price correction (told to the operations
    manager alone): the fanouts job dropped the move's marker as superseded, and the guests past the
    first transaction never heard of the move."""
    import firstmate.services.bookings.fanout as fanout

    _large_group(demo_app)

    moved = {"guest_count": 120, "start": "2026-06-13T17:00:00-07:00"}
    with monkeypatch.context() as patched:
        patched.setattr(fanout, "complete_fanout", stopped)
        with pytest.raises(Stopped):
            _book(demo_app, **moved)
    _book(demo_app, **moved, gross_amount="9900.00")  # the price corrected: news for nobody but the ops manager
    told = {
        e.key.rsplit(":", 1)[-1]
        for e in outbox.list_entries(demo_app.store, "demo", limit=10_000)
        if ":r2:guest:" in e.key
    }
    assert len(told) == 100  # every guest hears of the move


def test_someone_taken_off_a_large_groups_trip_gets_none_of_their_old_mail(demo_app: App) -> None:
    """The fan-out marker rebuilt a large group's messages without who was taken off, so Priya, told
    she was no longer crew 2, still got "Crew needed" and "You're crew 2" for Morning Tern after it."""
    from firstmate.services.roster import claim_role

    outcome = orchestrate_booking(
        demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=120, asset="morning-tern"))
    )
    lead = CodeTarget("demo", outcome.booking.id, "g1")
    for n in range(99):
        add_guest(demo_app, lead, NewGuest(name=f"Guest Number{n}", email=f"guest{n}@example.com"))
    claim_role(demo_app, "demo", outcome.booking.event_id, "crew_2", "priya")
    _book(demo_app, guest_count=120, asset="sea-lark")  # no crew 2 aboard: Priya is off the trip
    priyas = {
        e.key: e
        for e in outbox.list_entries(demo_app.store, "demo", limit=10_000)
        if e.key.endswith(":priya") or ":priya:" in e.key
    }
    [off] = [e for key, e in priyas.items() if ":r2:crew:priya" in key]
    assert off.status.value == "pending" and "no longer crew 2" in off.message.text
    earlier = [e for key, e in priyas.items() if ":r2:" not in key]
    assert earlier and {e.status.value for e in earlier} == {"dead"}, [(e.key, e.status) for e in earlier]


def test_a_large_groups_fan_out_finished_late_leaves_a_double_booking_of_the_trip_as_it_is(
    demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The move's fan-out, finished by the job after another booking took the boat at the new time,
    withdrew that "Double booked!" too (as of a trip since moved), and it was never told; and a marker
    that could not be finished (its boat moved to another business line) refused every later change."""
    import firstmate.services.bookings.fanout as fanout
    from firstmate.jobs import finish_fanouts

    outcome = _large_group(demo_app)

    with monkeypatch.context() as patched:
        patched.setattr(fanout, "complete_fanout", stopped)
        with pytest.raises(Stopped):
            _book(demo_app, guest_count=120, start="2026-06-13T17:00:00-07:00")
    _book(demo_app, external_id="W-2", start="2026-06-13T18:00:00-07:00")  # the boat, at the moved trip's time
    finish_fanouts(demo_app, demo_app.clock.now())
    clashes = [e for e in outbox.list_entries(demo_app.store, "demo", limit=10_000) if e.key.startswith("clash:")]
    assert [e.status.value for e in clashes] == ["pending"]

    with monkeypatch.context() as patched:
        patched.setattr(fanout, "complete_fanout", stopped)
        with pytest.raises(Stopped):
            _book(demo_app, guest_count=120, start="2026-06-13T19:00:00-07:00")
    profile = demo_profile()
    tidewater = profile.entities[0].model_copy(update={"id": "tidewater-guests", "name": "Tidewater Guests"})
    boats = tuple(
        a.model_copy(update={"entity": "tidewater-guests"}) if a.id == "sea-lark" else a for a in profile.assets
    )
    save_business(
        demo_app.store, profile.model_copy(update={"entities": (*profile.entities, tidewater), "assets": boats})
    )
    # nor to a dry run, which names the move's messages the cancel first queues, as it then does
    said = cancellation_preview(demo_app, "demo", get_booking(demo_app.store, "demo", outcome.booking.id)).finished
    keys = {e.key for e in outbox.list_entries(demo_app.store, "demo", limit=10_000)}
    assert cancel_booking(demo_app, "demo", outcome.booking.id).booking.cancelled  # the marker no bar to it
    new = {e.key for e in outbox.list_entries(demo_app.store, "demo", limit=10_000)} - keys
    assert said and sorted(said) == sorted(k.split(":", 3)[3] for k in new if ":r3:" in k)


def test_told_they_are_off_then_put_back_on_their_last_word_is_the_trip(demo_app: App) -> None:
    """Theo, told he was off the trip (it moved to a boat without crew 2), then crew 1 on it and told
    of its next change: the "no longer crew 2" still waiting could come last."""
    outcome = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(asset="morning-tern")))
    claim_role(demo_app, "demo", outcome.booking.event_id, "crew_2", "theo")
    _book(demo_app)  # to Sea Lark: no crew 2 aboard
    claim_role(demo_app, "demo", outcome.booking.event_id, "crew_1", "theo")
    _book(demo_app, start="2026-06-13T17:00:00-07:00")  # told of the move, as crew 1
    theos = {
        e.key: e
        for e in outbox.list_entries(demo_app.store, "demo")
        if e.key.startswith("bk:") and ":crew:theo" in e.key
    }
    [off] = [e for key, e in theos.items() if ":r2:" in key]
    assert "no longer crew 2" in off.message.text and off.status.value == "dead"
    assert theos[f"bk:{outcome.booking.id}:r3:crew:theo"].status.value == "pending"


def test_a_move_withdraws_a_waiting_roster_notice_for_its_own_message_which_names_the_role_and_who_is_aboard(
    demo_app: App, clock: FixedClock
) -> None:
    """Held by an outage, "You're captain: Sat 13 Jun, 16:00" could arrive after "Trip changed: … 17:00".
    The change's own message now says the role and who is aboard, and the notice is withdrawn; a
    release asked for stands (it wants the captain's answer). And Jonah, whose captaincy Marisol took,
    keeps his "Roster change" through a cancellation told to holders only (his last word had been
    "You're captain")."""
    from firstmate.services.people import get_person
    from firstmate.services.roster import designate_role, release_role

    outcome = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body()))
    event_id = outcome.booking.event_id
    claim_role(demo_app, "demo", event_id, "captain", "jonah")
    claim_role(demo_app, "demo", event_id, "crew_1", "theo")
    clock.set(outcome.booking.request.start - timedelta(hours=30))  # inside 48 hours: a release is a request
    theo = get_person(demo_app.store, "demo", "theo")
    release_role(demo_app, "demo", event_id, "crew_1", "theo", theo)
    _book(demo_app, start="2026-06-13T17:00:00-07:00")  # moved
    entries = outbox.list_entries(demo_app.store, "demo")
    jonahs = {e.key.split(":")[3]: e for e in entries if f"ev:{event_id}:jonah:" in e.key}  # by headline
    notice = jonahs["you're-captain"]
    assert notice.status.value == "dead" and "changed again" in (notice.last_error or "")
    assert jonahs["release-requested"].status.value == "pending"
    [changed] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":r2:crew:jonah")]
    assert "17:00" in changed.message.subject and changed.status.value == "pending"
    assert "You are captain on this trip." in changed.message.text
    assert "Aboard: captain Jonah, crew 1 Theo." in changed.message.text
    assert "You are captain on this trip." in (changed.message.html or "")

    marisol = get_person(demo_app.store, "demo", "marisol")
    designate_role(demo_app, "demo", event_id, "captain", "marisol", marisol)
    cancel_booking(demo_app, "demo", outcome.booking.id)
    changes = [e for e in outbox.list_entries(demo_app.store, "demo") if ":jonah:roster-change:" in e.key]
    [taken] = [e for e in changes if "gave captain to Marisol" in e.message.text]
    assert taken.status.value == "pending"  # not told of the cancellation
    [took] = [e for e in changes if "Theo took crew 1" in e.message.text]
    assert took.status.value == "dead"  # before the move, which told him who is aboard


def test_a_cancellation_withdraws_every_invitation_and_roster_notice_still_waiting(demo_app: App) -> None:
    """Robin, invited while the relay was down, got "Your trip is cancelled" and then "invited you
    aboard"; Jonah got "Trip cancelled" and then "You're captain"."""
    from firstmate.services.roster import claim_role

    outcome = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body()))
    add_guest(
        demo_app, CodeTarget("demo", outcome.booking.id, "g1"), NewGuest(name="Robin Sample", email="robin@example.com")
    )
    claim_role(demo_app, "demo", outcome.booking.event_id, "captain", "jonah")
    waiting = {
        e.key for e in outbox.list_entries(demo_app.store, "demo") if ":invite" in e.key or e.key.startswith("ev:")
    }
    assert any(":invite" in key for key in waiting) and any(key.startswith("ev:") for key in waiting)
    cancel_booking(demo_app, "demo", outcome.booking.id)
    after = {e.key: e for e in outbox.list_entries(demo_app.store, "demo")}
    assert {after[key].status.value for key in waiting} == {"dead"}
    # Robin never had his invitation: he heard nothing of the trip, and is told nothing of its cancellation
    assert f"bk:{outcome.booking.id}:r2:guest:g2" not in after


def test_a_cancellation_is_final_and_old_bodies_cannot_undo_changes(demo_app: App) -> None:
    first = booking_body()
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(first))
    moved = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=9)))
    stale = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(first))  # a late retry
    assert stale.result.value == "unchanged" and stale.booking.request.guest_count == 9
    cancel_booking(demo_app, "demo", moved.booking.id)
    again = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=9)))
    assert again.result.value == "unchanged" and again.booking.cancelled


def test_naming_the_business_line_a_boat_belongs_to_is_the_same_booking(demo_app: App) -> None:
    """A body that named it and one that left it out fingerprinted apart: re-sending the booking the
    other way made it `updated` and mailed the crew and the guest that their trip had changed."""
    first = booking_body()  # the boat only
    named = booking_body(entity="saltwind-charters")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(first))
    queued = len(outbox.list_entries(demo_app.store, "demo"))
    for body in (named, first, named):
        again = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body))
        assert again.result.value == "unchanged" and again.booking.revision == 1
    assert len(outbox.list_entries(demo_app.store, "demo")) == queued
    moved = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=9)))
    assert moved.result.value == "updated"
    late = orchestrate_booking(
        demo_app, "demo", BookingRequest.model_validate(named)
    )  # the first, written the other way
    assert late.result.value == "unchanged" and late.booking.request.guest_count == 9
    other_boat = orchestrate_booking(
        demo_app, "demo", BookingRequest.model_validate(booking_body(asset="morning-tern"))
    )
    assert other_boat.result.value == "updated" and other_boat.booking.asset == "morning-tern"


def test_a_booking_moved_to_a_boat_added_since_it_came_is_moved(app: App) -> None:
    """A body that left the boat out meant the only boat then: named now, another boat is a move,
    not the first body sent late (a review found it taken for one, and the move lost in silence)."""
    one_boat = demo_profile().model_copy(
        update={"assets": [a for a in demo_profile().assets if a.id != "morning-tern"]}
    )
    save_business(app.store, one_boat)
    first = orchestrate_booking(app, "demo", BookingRequest.model_validate(booking_body(asset=None)))
    assert first.booking.asset == "sea-lark"
    save_business(app.store, demo_profile())  # the second boat comes
    moved = orchestrate_booking(app, "demo", BookingRequest.model_validate(booking_body(asset="morning-tern")))
    assert moved.result.value == "updated" and moved.booking.asset == "morning-tern"
    late = orchestrate_booking(app, "demo", BookingRequest.model_validate(booking_body(asset="sea-lark")))
    assert late.result.value == "unchanged" and late.booking.asset == "morning-tern"  # the first, sent late


def test_a_renters_words_never_cancel_a_booking() -> None:
    raw = SAMPLE_EMAIL.read_bytes().replace(
        b"Celebrating my sister's birthday.", b"Last year our booking cancelled due to wind, so fingers crossed!"
    )
    [record] = parse_email(raw, timezone="America/Los_Angeles", boats={"sea-lark": "Sea Lark (38 ft sloop)"})
    assert isinstance(record, BookingRequest) and record.status.value == "confirmed"


def test_moving_a_booking_to_another_boat_takes_that_boats_roles_and_checklist(demo_app: App) -> None:
    request = _book(demo_app)
    event = get_event(demo_app.store, "demo", orchestrate_booking(demo_app, "demo", request).booking.event_id)
    claim_role(demo_app, "demo", event.id, "captain", "jonah")
    _book(demo_app, asset="morning-tern")
    moved = get_event(demo_app.store, "demo", event.id)
    assert [(s.role, s.first_name) for s in moved.roles] == [("captain", "Jonah"), ("crew_1", None), ("crew_2", None)]
    assert any("Port and starboard engines" in i.label for i in moved.checklist)


def test_a_rescheduled_trip_gets_its_reminders_again(demo_app: App, clock: FixedClock) -> None:
    request = _book(demo_app)
    booking = orchestrate_booking(demo_app, "demo", request).booking
    claim_role(demo_app, "demo", booking.event_id, "captain", "jonah")
    offsets = [timedelta(hours=24)]
    clock.set(request.start - timedelta(hours=24) + timedelta(minutes=1))
    assert send_due_reminders(demo_app, offsets, clock.now()) == 1
    later = request.start + timedelta(days=1)
    _book(demo_app, start=later.isoformat())
    clock.set(later - timedelta(hours=24) + timedelta(minutes=1))
    assert send_due_reminders(demo_app, offsets, clock.now()) == 1


def test_a_captain_cannot_approve_their_own_late_release(demo_app: App, clock: FixedClock) -> None:
    request = _book(demo_app)
    event_id = orchestrate_booking(demo_app, "demo", request).booking.event_id
    claim_role(demo_app, "demo", event_id, "captain", "jonah")
    clock.set(request.start - timedelta(hours=3))
    answer = sign_in(demo_app, "jonah").post(f"/api/v1/events/{event_id}/roles/captain/release").json()
    assert answer["released"] is False and answer["roster"][0]["release_requested"] is True


def test_someone_taken_off_a_trip_is_shown_so_on_its_page_until_they_hold_a_role_again(demo_app: App) -> None:
    """Theo, taken off when the trip moved to a boat without crew 2, saw nothing of it on the trip's
    page: only his mail said so, and the page offered him crew 1 as if he had never been aboard."""
    from firstmate.services.people import get_person
    from firstmate.services.roster import release_role

    outcome = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(asset="morning-tern")))
    event_id = outcome.booking.event_id
    claim_role(demo_app, "demo", event_id, "crew_2", "theo")
    _book(demo_app)  # to Sea Lark: no crew 2 aboard
    theo, priya = sign_in(demo_app, "theo"), sign_in(demo_app, "priya")
    said = "You were crew 2 on this trip until it moved to Sea Lark (38 ft sloop), which has no crew 2."
    page = theo.get(f"/crew/events/{event_id}").text
    assert said in page and "unless you take a role that is open" in page
    assert "You were crew 2" not in priya.get(f"/crew/events/{event_id}").text  # his, not everyone's
    claim_role(demo_app, "demo", event_id, "crew_1", "theo")
    assert "You were crew 2" not in theo.get(f"/crew/events/{event_id}").text  # aboard again
    release_role(demo_app, "demo", event_id, "crew_1", "theo", get_person(demo_app.store, "demo", "theo"))
    assert "You were crew 2" not in theo.get(f"/crew/events/{event_id}").text  # he left it himself (a review)

    other = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(
        booking_body(external_id="W-2", asset="morning-tern", start="2026-06-20T16:00:00-07:00")))  # fmt: skip
    claim_role(demo_app, "demo", other.booking.event_id, "crew_2", "priya")
    _book(demo_app, external_id="W-2", start="2026-06-20T16:00:00-07:00")  # to Sea Lark: she is off
    assert "You were crew 2" in priya.get(f"/crew/events/{other.booking.event_id}").text
    _book(demo_app, external_id="W-2", start="2026-06-20T16:00:00-07:00", asset="morning-tern", guest_count=5)
    assert "You were crew 2" not in priya.get(f"/crew/events/{other.booking.event_id}").text  # crew 2 is back


def test_an_address_cannot_put_its_own_words_on_a_crew_or_guest_page(client: TestClient, demo_app: App) -> None:
    """A review: `?error=` showed any text as a red alert on the genuine trip page, crew's or guest's
    ("Trip moved: confirm your bank details at https://evil.example"); nothing in firstmate links to it."""
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    bait = "confirm your bank details at https://evil.example"
    crew_page = sign_in(demo_app, "jonah").get(f"/crew/events/{booking.event_id}", params={"error": bait})
    guest_page = client.get(f"/g/{booking.guest_code}", params={"error": bait, "done": bait})
    for page in (crew_page, guest_page):
        assert page.status_code == 200 and "evil.example" not in page.text and 'role="alert"' not in page.text


def test_a_form_from_another_site_cannot_act_for_a_signed_in_crew_member_or_admin(demo_app: App) -> None:
    """A review: crew and admin forms relied on SameSite=Lax alone, which a sibling site of the same domain
    (another app on *.example.com) passes. A changing request with a session cookie from another origin
    is refused; from firstmate's own pages, or from an API client sending no Origin, it goes through."""
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    jonah = sign_in(demo_app, "jonah")
    claim = f"/crew/events/{booking.event_id}/roles/captain/claim"
    for origin in ("https://evil.example.com", "null", "http://testserver.example.com"):
        refused = jonah.post(claim, headers={"origin": origin}, follow_redirects=False)
        assert refused.status_code == 403 and "another site" in refused.json()["detail"], origin
    assert get_event(demo_app.store, "demo", booking.event_id).roles[0].person_id is None
    own = jonah.post(claim, headers={"origin": "http://testserver"}, follow_redirects=False)
    assert own.status_code == 303
    assert jonah.post(f"/api/v1/events/{booking.event_id}/roles/captain/claim").status_code == 200  # no Origin
    for host in ("[::1", "testserver:99999", "[::1]:x"):  # a Host header naming no origin: refused, not a 500
        broken = jonah.post(claim, headers={"origin": "http://testserver", "host": host}, follow_redirects=False)
        assert broken.status_code == 403, host


def test_an_origin_is_read_as_browsers_write_it_ipv6_and_default_ports_too() -> None:
    """A review of the same-origin check: served at http://[::1]:8000, every crew and admin form was
    refused, the address read back without its brackets."""
    from firstmate.web.same_origin import origin_of

    assert origin_of("http://[::1]:8000") == "http://[::1]:8000"
    assert origin_of("https://Book.Example.com:443/crew") == "https://book.example.com"
    assert origin_of("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"


def test_a_dry_run_of_a_cancel_passes_over_a_send_out_it_cannot_work_out_as_the_cancel_does(
    demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A move's send-out left half done by a version since rolled back, its marker naming a kind of change this one
    does not know: the cancel leaves it to the `fanouts` job and goes on, so its dry run says nothing of it either
    (it stopped with a traceback, where the cancel then worked)."""
    import firstmate.services.bookings.fanout as fanout

    outcome = _large_group(demo_app)
    with monkeypatch.context() as patched:
        patched.setattr(fanout, "complete_fanout", stopped)
        with pytest.raises(Stopped):
            _book(demo_app, guest_count=120, start="2026-06-13T17:00:00-07:00")
    pk = booking_pk("demo", outcome.booking.id)
    marker = demo_app.store.get(pk, "FANOUT#r2")
    assert marker is not None
    demo_app.store.put(dataclasses.replace(marker, data={**marker.data, "result": "rescheduled-by-a-later-version"}))
    booking = get_booking(demo_app.store, "demo", outcome.booking.id)
    preview = cancellation_preview(demo_app, "demo", booking)
    told = cancel_booking(demo_app, "demo", outcome.booking.id)
    assert told.booking.cancelled and preview.finished == [] and preview.told
