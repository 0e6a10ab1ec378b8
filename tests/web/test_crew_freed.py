"""Someone on another trip at a new trip's time is not asked to crew it ("Crew needed"), one trip at a time. Once
that other trip is cancelled, or moved away from it, they are free: they are asked then, once, if the new trip
still has a role for them (docs/crew.md, "Asked once free")."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.services import outbox
from firstmate.services.bookings import cancel_booking, get_booking, orchestrate_booking
from firstmate.services.business import load_business
from firstmate.services.people import get_person, save_people
from firstmate.services.roster import claim_role
from firstmate.services.trips import get_event
from tests.conftest import booking_body, sent_mail
from tests.web.test_crew import sign_in

# booking_body's trip: Sea Lark, Sat 13 Jun 2026, 16:00 to 19:00 PDT
SEA_LARK_TRIP = "2026-06-13T16:00:00-07:00"


def book(app: App, ref: str, start: str = SEA_LARK_TRIP, asset: str = "sea-lark", hours: float = 3) -> str:
    body = booking_body(external_id=ref, start=start, asset=asset, duration_hours=hours)
    return orchestrate_booking(app, "demo", BookingRequest.model_validate(body)).booking.id


def asked(app: App, booking_id: str, person: str) -> list[str]:
    """The keys of the "Crew needed" messages about `booking_id`'s trip to `person`."""
    return [
        e.key
        for e in outbox.list_entries(app.store, "demo")
        if e.key.startswith(f"bk:{booking_id}:") and e.message.subject.startswith("Crew needed")
        and e.message.to == (f"{person}@example.com",)
    ]  # fmt: skip


def busy_on_the_sloop(app: App) -> tuple[str, str]:
    """Priya crews the sloop's trip; the catamaran is booked at the same time, and she is not asked to crew it."""
    sloop = book(app, "SLOOP")
    claim_role(app, "demo", f"ev_{sloop.removeprefix('bk_')}", "crew_1", "priya")
    catamaran = book(app, "TERN", "2026-06-13T17:00:00-07:00", asset="morning-tern")
    assert asked(app, catamaran, "priya") == [] and asked(app, catamaran, "theo")
    return sloop, catamaran


def test_someone_freed_by_a_cancellation_is_asked_to_crew_the_trip_they_were_busy_for(demo_app: App) -> None:
    sloop, catamaran = busy_on_the_sloop(demo_app)
    priya = sign_in(demo_app, "priya")
    tern = f"ev_{catamaran.removeprefix('bk_')}"
    assert re.search(rf'href="/crew/events/{tern}".*?busy: on Sea Lark', priya.get("/crew").text, re.S)

    cancel_booking(demo_app, "demo", sloop)

    keys = asked(demo_app, catamaran, "priya")
    assert len(keys) == 1, keys
    mail = sent_mail(demo_app, "demo", keys[0])
    assert mail["Subject"].strip() == "Crew needed: Sat 13 Jun 2026, 17:00 PDT, Morning Tern (45 ft catamaran)"
    link = re.search(r"(/crew/enter\?t=[\w.\-]+)", mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert link is not None  # her link opens the trip, as anyone's "Crew needed" does
    page = priya.get(f"/crew/events/{tern}").text
    assert "I'll be crew 1" in page and "busy" not in priya.get("/crew").text

    cancel_booking(demo_app, "demo", sloop)  # the same cancellation again: asked once, never twice
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(external_id="OTHER")))
    assert asked(demo_app, catamaran, "priya") == keys
    assert asked(demo_app, catamaran, "theo") and len(asked(demo_app, catamaran, "theo")) == 1  # asked before


def test_someone_freed_by_a_move_away_is_asked_and_one_still_busy_is_not(demo_app: App) -> None:
    _, catamaran = busy_on_the_sloop(demo_app)
    moved = booking_body(external_id="SLOOP", start="2026-06-13T20:00:00-07:00")  # leaving as the catamaran is back
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(moved))
    assert len(asked(demo_app, catamaran, "priya")) == 1

    # Jonah, captain on a trip of the sloop, and on another the catamaran overlaps too: the move of one frees him
    # of nothing
    first = book(demo_app, "ONE", "2026-06-20T10:00:00-07:00")
    claim_role(demo_app, "demo", f"ev_{first.removeprefix('bk_')}", "captain", "jonah")
    second = book(demo_app, "TWO", "2026-06-20T13:00:00-07:00", hours=2)
    claim_role(demo_app, "demo", f"ev_{second.removeprefix('bk_')}", "captain", "marisol")
    wide = book(demo_app, "WIDE", "2026-06-20T11:00:00-07:00", asset="morning-tern", hours=4)
    assert asked(demo_app, wide, "jonah") == [] and asked(demo_app, wide, "marisol") == []
    claim_role(demo_app, "demo", f"ev_{second.removeprefix('bk_')}", "crew_1", "jonah")
    cancel_booking(demo_app, "demo", first)
    assert asked(demo_app, wide, "jonah") == []  # still crew 1 on the 13:00 trip, which the catamaran's overlaps
    cancel_booking(demo_app, "demo", second)
    assert len(asked(demo_app, wide, "jonah")) == 1 and len(asked(demo_app, wide, "marisol")) == 1


def test_nobody_is_asked_for_a_role_since_filled_nor_when_inactive_nor_for_a_trip_over(
    demo_app: App, clock: FixedClock
) -> None:
    sloop, catamaran = busy_on_the_sloop(demo_app)
    tern = f"ev_{catamaran.removeprefix('bk_')}"
    claim_role(demo_app, "demo", tern, "crew_1", "theo")
    claim_role(demo_app, "demo", tern, "crew_2", "jonah")  # no role left she may take (she is crew only)
    cancel_booking(demo_app, "demo", sloop)
    assert asked(demo_app, catamaran, "priya") == []

    again, other = busy_on_the_sloop_on(demo_app, "2026-06-27")
    save_people(
        demo_app.store, "demo", [get_person(demo_app.store, "demo", "priya").model_copy(update={"active": False})]
    )
    cancel_booking(demo_app, "demo", again)
    assert asked(demo_app, other, "priya") == []

    late, over = busy_on_the_sloop_on(demo_app, "2026-07-04", person="theo")
    clock.set(get_event(demo_app.store, "demo", f"ev_{over.removeprefix('bk_')}").end + timedelta(minutes=1))
    cancel_booking(demo_app, "demo", late)
    assert asked(demo_app, over, "theo") == []


def busy_on_the_sloop_on(app: App, day: str, person: str = "priya") -> tuple[str, str]:
    sloop = book(app, f"SLOOP-{day}", f"{day}T16:00:00-07:00")
    claim_role(app, "demo", f"ev_{sloop.removeprefix('bk_')}", "crew_1", person)
    catamaran = book(app, f"TERN-{day}", f"{day}T17:00:00-07:00", asset="morning-tern")
    assert asked(app, catamaran, person) == []
    return sloop, catamaran


def test_someone_never_asked_hears_nothing_of_the_trips_changes_until_asked(demo_app: App) -> None:
    """Priya was not asked to crew the catamaran (busy): its change, nobody aboard yet, told everyone asked "Trip
    changed", and her too, of a trip she never heard of."""
    sloop, catamaran = busy_on_the_sloop(demo_app)
    later = booking_body(external_id="TERN", start="2026-06-13T17:30:00-07:00", asset="morning-tern")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(later))
    told = {
        e.message.to[0]
        for e in outbox.list_entries(demo_app.store, "demo")
        if e.key.startswith(f"bk:{catamaran}:r2:crew:")
    }
    assert "theo@example.com" in told and "priya@example.com" not in told

    cancel_booking(demo_app, "demo", sloop)
    assert asked(demo_app, catamaran, "priya") == [f"bk:{catamaran}:r2:crew:priya"]  # the trip as it is now


def test_someone_freed_by_a_release_a_designation_or_a_boat_without_their_role_is_asked(demo_app: App) -> None:
    sloop, catamaran = busy_on_the_sloop(demo_app)
    priya = sign_in(demo_app, "priya")
    assert priya.post(f"/api/v1/events/ev_{sloop.removeprefix('bk_')}/roles/crew_1/release").json()["released"]
    assert len(asked(demo_app, catamaran, "priya")) == 1

    # Theo crew 1 on the sloop's trip of the 20th, replaced by Jonah: free for the catamaran's then
    sloop, catamaran = busy_on_the_sloop_on(demo_app, "2026-06-20", person="theo")
    marisol = sign_in(demo_app, "marisol")  # an admin
    put_in = marisol.post(
        f"/api/v1/events/ev_{sloop.removeprefix('bk_')}/roles/crew_1/designate", json={"person_id": "jonah"}
    )
    assert put_in.status_code == 200
    assert len(asked(demo_app, catamaran, "theo")) == 1

    # Priya crew 2 on the catamaran's trip of the 27th, moved to the sloop (no crew 2): free for the other then
    tern = book(demo_app, "TERN-27", "2026-06-27T16:00:00-07:00", asset="morning-tern")
    claim_role(demo_app, "demo", f"ev_{tern.removeprefix('bk_')}", "crew_2", "priya")
    other = book(demo_app, "TERN-27B", "2026-06-27T17:00:00-07:00", asset="morning-tern")
    assert asked(demo_app, other, "priya") == []
    to_the_sloop = booking_body(external_id="TERN-27", start="2026-06-27T16:00:00-07:00", asset="sea-lark")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(to_the_sloop))
    assert len(asked(demo_app, other, "priya")) == 1


def test_someone_left_out_is_asked_when_the_trip_moves_to_a_time_they_are_free(demo_app: App) -> None:
    _, catamaran = busy_on_the_sloop(demo_app)  # Priya on the sloop 16:00 to 19:00; the catamaran 17:00 to 20:00
    still_busy = booking_body(external_id="TERN", start="2026-06-13T18:00:00-07:00", asset="morning-tern")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(still_busy))
    assert asked(demo_app, catamaran, "priya") == []
    later = booking_body(external_id="TERN", start="2026-06-13T19:00:00-07:00", asset="morning-tern")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(later))
    assert asked(demo_app, catamaran, "priya") == [f"bk:{catamaran}:r3:crew:priya"]


def test_nobody_is_asked_to_crew_a_trip_that_has_left(demo_app: App, clock: FixedClock) -> None:
    """The sloop's trip (Priya crew 1, 16:00 to 19:00) turned back for the wind at 17:30 and was cancelled: the
    catamaran's, out since 17:00, sent her "Crew needed" with a link to a trip whose page offers no role and
    refuses a claim ("this trip has left")."""
    sloop, catamaran = busy_on_the_sloop(demo_app)
    tern = f"ev_{catamaran.removeprefix('bk_')}"
    clock.set(get_event(demo_app.store, "demo", tern).start + timedelta(minutes=30))
    cancel_booking(demo_app, "demo", sloop)
    assert asked(demo_app, catamaran, "priya") == []
    assert "I'll be crew" not in sign_in(demo_app, "priya").get(f"/crew/events/{tern}").text

    # moved to leave an hour ago (its time set right late), clear of her trip: under way, she is not asked either
    _, other = busy_on_the_sloop_on(demo_app, "2026-06-20")
    clock.set(datetime.fromisoformat("2026-06-20T13:00:00-07:00"))
    earlier = booking_body(external_id="TERN-2026-06-20", start="2026-06-20T12:00:00-07:00", asset="morning-tern")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(earlier))
    assert asked(demo_app, other, "priya") == []


def test_a_trip_booked_once_under_way_asks_nobody_to_crew_it(demo_app: App, clock: FixedClock) -> None:
    """A channel's booking for the catamaran's 17:00 trip reached firstmate at 17:10, the boat out with a walk-up
    party: every qualified crew member got "Crew needed" with a link to a page offering no role, whose claim
    said "this trip has left". The operations manager hears of it; an admin puts in who is aboard."""
    clock.set(datetime.fromisoformat("2026-06-13T17:10:00-07:00"))
    late = book(demo_app, "TERN-LATE", "2026-06-13T17:00:00-07:00", asset="morning-tern")
    assert all(asked(demo_app, late, who) == [] for who in ("marisol", "jonah", "priya", "theo"))
    crew = [e.key for e in outbox.list_entries(demo_app.store, "demo") if e.key.startswith(f"bk:{late}:r1:crew:")]
    assert crew == []
    assert any(e.key == f"bk:{late}:r1:ops" for e in outbox.list_entries(demo_app.store, "demo"))
    tern = f"ev_{late.removeprefix('bk_')}"
    put_in = sign_in(demo_app, "marisol").post(
        f"/api/v1/events/{tern}/roles/captain/designate", json={"person_id": "jonah"}
    )
    assert put_in.status_code == 200


def test_a_change_racing_the_freeing_of_someone_it_left_out_tells_them_of_the_change(demo_app: App) -> None:
    """A review: the catamaran's change read who its "Crew needed" left out (Priya) while the sloop's cancellation,
    at that moment, asked her and took her off that list; the change then left her out as busy, so her only word
    of the trip was the old revision's "Crew needed", its notes as they were. The change now writes only if that
    list is as it read it, else reads again: she hears of the change."""
    sloop, catamaran = busy_on_the_sloop(demo_app)
    store, raced = demo_app.store, []
    transact = store.transact

    def racing(writes: list[object]) -> None:
        if not raced and any(
            getattr(w, "item", None)
            and w.item.sk == "BOOKING"  # type: ignore[attr-defined]
            and w.item.data.get("revision") == 2
            and w.item.pk.endswith(catamaran)
            for w in writes
        ):
            raced.append(True)
            cancel_booking(demo_app, "demo", sloop)  # the sloop's cancellation lands first
        transact(writes)  # type: ignore[arg-type]

    store.transact = racing  # type: ignore[method-assign]
    try:
        changed = booking_body(external_id="TERN", start="2026-06-13T17:00:00-07:00", asset="morning-tern",
                               notes="Bring the spare tender")  # fmt: skip
        orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(changed))
    finally:
        store.transact = transact  # type: ignore[method-assign]
    assert raced
    hers = [e for e in outbox.list_entries(demo_app.store, "demo")
            if e.key.startswith(f"bk:{catamaran}:") and e.message.to == ("priya@example.com",)]  # fmt: skip
    assert any(":r2:" in e.key for e in hers), [(e.key, e.message.subject, e.status.value) for e in hers]


def test_someone_made_active_while_on_another_trip_is_asked_once_it_lets_them_go(demo_app: App) -> None:
    """A known gap (docs/reliability.md): Priya, inactive when the catamaran was booked at the time of the sloop's
    trip she crews, was made active again: on nobody's list, she was never asked, even once the sloop's trip was
    cancelled. Busy then, she is not asked at once (one trip at a time) but once the sloop lets her go; Theo, who
    was asked, is not asked again."""
    from firstmate.services.crew_freed import ask_the_joined
    from firstmate.services.people import list_people

    sloop = book(demo_app, "SLOOP")
    claim_role(demo_app, "demo", f"ev_{sloop.removeprefix('bk_')}", "crew_1", "priya")
    priya = get_person(demo_app.store, "demo", "priya")
    save_people(demo_app.store, "demo", [priya.model_copy(update={"active": False})])
    catamaran = book(demo_app, "TERN", "2026-06-13T17:00:00-07:00", asset="morning-tern")
    theo = asked(demo_app, catamaran, "theo")
    assert asked(demo_app, catamaran, "priya") == [] and len(theo) == 1

    before = {p.id: p for p in list_people(demo_app.store, "demo")}
    save_people(demo_app.store, "demo", [priya])
    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    joined = ask_the_joined(demo_app, profile, before, list_people(demo_app.store, "demo"), dry_run=False)
    assert (joined.asked, joined.waiting) == ({}, {"priya": 1})
    assert asked(demo_app, catamaran, "priya") == []

    cancel_booking(demo_app, "demo", sloop)
    assert len(asked(demo_app, catamaran, "priya")) == 1
    assert asked(demo_app, catamaran, "theo") == theo


def store_down_as_crew_are_asked(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The store stops answering as the step that asks crew reads who is busy (the change itself saved before);
    it answers again once the returned list is emptied."""
    from firstmate.errors import StoreUnavailable
    from firstmate.services.crew_freed import asking, freed

    real, down = freed.crew_busy_between, [True]

    def busy_between(*args: Any, **kwargs: Any) -> frozenset[str]:
        if down:
            raise StoreUnavailable("the store did not answer")
        return real(*args, **kwargs)

    monkeypatch.setattr(freed, "crew_busy_between", busy_between)  # a trip's change freeing them
    monkeypatch.setattr(asking, "crew_busy_between", busy_between)  # an import making them crew
    return down


def run_fanouts(app: App, clock: FixedClock) -> str:
    """The `fanouts` job's next pass, five minutes on."""
    from firstmate.jobs import finish_fanouts

    clock.advance(timedelta(minutes=5))
    return finish_fanouts(app, clock.now())


def test_a_freeing_whose_asking_failed_is_asked_by_the_job_once(
    demo_app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap (docs/reliability.md): the sloop's cancellation was saved, then the store failed as Priya was
    to be asked to crew the catamaran she was busy for; nobody asked again until the next change that freed her.
    The `fanouts` job asks her within the hour, once, however often it runs."""
    sloop, catamaran = busy_on_the_sloop(demo_app)
    down = store_down_as_crew_are_asked(monkeypatch)
    cancel_booking(demo_app, "demo", sloop)  # saved: the cancellation is not refused for the step after it
    assert get_booking(demo_app.store, "demo", sloop).cancelled
    assert asked(demo_app, catamaran, "priya") == []

    assert "left for the next pass" in run_fanouts(demo_app, clock)  # still down: kept
    assert asked(demo_app, catamaran, "priya") == []
    down.clear()
    said = run_fanouts(demo_app, clock)
    assert "1 crew member asked" in said, said
    assert len(asked(demo_app, catamaran, "priya")) == 1
    run_fanouts(demo_app, clock)
    cancel_booking(demo_app, "demo", sloop)
    assert len(asked(demo_app, catamaran, "priya")) == 1
    assert len(asked(demo_app, catamaran, "theo")) == 1  # asked when it was booked, and never again


def test_a_release_or_a_move_whose_asking_failed_is_asked_by_the_job_once(
    demo_app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same for a role released (the roster's change) and a trip moved to a time they are free."""
    sloop, catamaran = busy_on_the_sloop(demo_app)
    _, later = busy_on_the_sloop_on(demo_app, "2026-06-20", person="theo")
    down = store_down_as_crew_are_asked(monkeypatch)
    released = sign_in(demo_app, "priya").post(f"/api/v1/events/ev_{sloop.removeprefix('bk_')}/roles/crew_1/release")
    assert released.json()["released"]
    moved = booking_body(external_id="TERN-2026-06-20", start="2026-06-20T19:00:00-07:00", asset="morning-tern")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(moved))
    assert asked(demo_app, catamaran, "priya") == [] and asked(demo_app, later, "theo") == []
    down.clear()
    run_fanouts(demo_app, clock)
    run_fanouts(demo_app, clock)
    assert len(asked(demo_app, catamaran, "priya")) == 1 and len(asked(demo_app, later, "theo")) == 1


def test_someone_made_active_by_an_import_whose_asking_failed_is_asked_by_the_job_once(
    demo_app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap (docs/reliability.md): the org import saved Priya active again, then the store failed as she was
    to be asked to crew the trips booked while she was not; no later import asked again (she was active by then).
    The `fanouts` job asks her, once."""
    from firstmate.services.org_setup import check_org, import_org, org_tables
    from firstmate.services.people import list_people

    priya = get_person(demo_app.store, "demo", "priya")
    save_people(demo_app.store, "demo", [priya.model_copy(update={"active": False})])
    catamaran = book(demo_app, "TERN", "2026-06-13T17:00:00-07:00", asset="morning-tern")
    assert asked(demo_app, catamaran, "priya") == []
    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    people = [
        p.model_copy(update={"active": True}) if p.id == "priya" else p for p in list_people(demo_app.store, "demo")
    ]
    setup = check_org(org_tables(profile, people))
    down = store_down_as_crew_are_asked(monkeypatch)
    import_org(demo_app.store, setup, ctx=demo_app)
    assert get_person(demo_app.store, "demo", "priya").active and asked(demo_app, catamaran, "priya") == []
    assert import_org(demo_app.store, setup, ctx=demo_app).joined.asked == {}  # active already: no news to it

    down.clear()
    run_fanouts(demo_app, clock)
    run_fanouts(demo_app, clock)
    assert len(asked(demo_app, catamaran, "priya")) == 1


def made_crew_by_an_import(app: App, name: str = "Priya Halyard") -> dict[str, int]:
    """An org import makes Priya (inactive when the trips were booked) active again, under `name`: the trips each
    person made crew is asked about."""
    from firstmate.services.org_setup import check_org, import_org, org_tables
    from firstmate.services.people import list_people

    profile = load_business(app.store, "demo")
    assert profile is not None
    people = [
        p.model_copy(update={"active": True, "name": name}) if p.id == "priya" else p
        for p in list_people(app.store, "demo")
    ]
    return import_org(app.store, check_org(org_tables(profile, people)), ctx=app).joined.asked


def inactive_priya_and_trips(app: App, days: range) -> list[str]:
    """Priya inactive while Sea Lark is booked on each of `days` of June 2026, 16:00: nobody asks her."""
    priya = get_person(app.store, "demo", "priya")
    save_people(app.store, "demo", [priya.model_copy(update={"active": False})])
    trips = [book(app, f"JUNE-{day}", f"2026-06-{day}T16:00:00-07:00") for day in days]
    assert all(asked(app, trip, "priya") == [] for trip in trips)
    return trips


def mail_to(app: App, person: str) -> list[tuple[str, str]]:
    """(key, subject) of every message queued to `person`."""
    return sorted(
        (e.key, e.message.subject)
        for e in outbox.list_entries(app.store, "demo")
        if e.message.to == (f"{person}@example.com",)
    )


def test_someone_made_crew_for_many_trips_gets_one_mail_listing_them_not_one_each(demo_app: App) -> None:
    """A charter booked a season ahead: Priya, made active again by an org import, was sent one "Crew needed" per
    trip to come, five at once. She gets one mail, "Crew needed on 5 trips", listing each (its local date and time,
    the boat, the roles open to her, never money), a link to each, and one sign-in link opening her trip list."""
    from fastapi.testclient import TestClient

    from firstmate.domain.timing import when
    from firstmate.web.app import create_app
    from tests.conftest import mail_text, shows_gross

    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    assert made_crew_by_an_import(demo_app, "<b>Priya</b> Halyard") == {"priya": 5}
    assert all(asked(demo_app, trip, "priya") == [] for trip in trips)  # no mail per trip
    digests = [key for key, subject in mail_to(demo_app, "priya") if subject == "Crew needed on 5 trips"]
    assert len(digests) == 1 and len(mail_to(demo_app, "priya")) == 1, mail_to(demo_app, "priya")

    message = sent_mail(demo_app, "demo", digests[0])
    text, html = mail_text(message), str(message.get_body(preferencelist=("html",)).get_content())  # type: ignore[union-attr]
    for trip in trips:
        event = get_event(demo_app.store, "demo", f"ev_{trip.removeprefix('bk_')}")
        for part in (text, html):
            assert when(event.start, "America/Los_Angeles") in part and f"/crew/events/{event.id}" in part
    assert "Sat 13 Jun 2026, 16:00 PDT" in text and "Sea Lark (38 ft sloop)" in text and "crew 1" in text
    # the one time to be back, as each trip's page says it, not the booked span ("16:00 PDT to 19:00")
    assert "Sat 13 Jun 2026, 16:00 PDT on Sea Lark (38 ft sloop), return by 19:00" in text and "return by 19:00" in html
    assert "captain" not in text.lower()  # she is qualified as crew alone
    assert not shows_gross(text) and not shows_gross(html) and "USD" not in text and "$" not in text
    assert "&lt;b&gt;Priya&lt;/b&gt;" in html and "<b>Priya" not in html

    links = re.findall(r"/crew/enter\?t=([^\s\"<]+)", text)
    assert len(links) == 1 and links[0] in html
    browser = TestClient(create_app(demo_app))
    entered = browser.post("/crew/enter", data={"t": links[0]}, follow_redirects=False)
    assert entered.status_code == 303 and entered.headers["location"] == "/crew"  # her trip list
    first = get_event(demo_app.store, "demo", f"ev_{trips[0].removeprefix('bk_')}")
    page = browser.get(f"/crew/events/{first.id}")
    assert page.status_code == 200 and "Sea Lark" in page.text

    # imported again, or made inactive and active again: each trip knows it asked her
    assert made_crew_by_an_import(demo_app) == {}
    priya = get_person(demo_app.store, "demo", "priya")
    save_people(demo_app.store, "demo", [priya.model_copy(update={"active": False})])
    assert made_crew_by_an_import(demo_app) == {}
    assert len(mail_to(demo_app, "priya")) == 1


def test_someone_made_crew_for_three_trips_gets_each_trips_own_mail(demo_app: App) -> None:
    """Three trips or fewer: each trip's own "Crew needed", as the others got it."""
    trips = inactive_priya_and_trips(demo_app, range(13, 16))
    assert made_crew_by_an_import(demo_app) == {"priya": 3}
    assert all(len(asked(demo_app, trip, "priya")) == 1 for trip in trips)
    assert len(mail_to(demo_app, "priya")) == 3


def test_an_import_whose_asking_failed_midway_through_many_trips_still_sends_one_mail(
    demo_app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store stops answering as the import's asking has written two of Priya's five trips: the `fanouts` job
    finishes it, and she gets the one mail listing all five, once, and no mail per trip."""
    from firstmate.errors import StoreUnavailable
    from firstmate.services.crew_freed import asking

    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    real, calls, down = asking.crew_busy_between, [0], [True]

    def busy_between(*args: Any) -> frozenset[str]:
        calls[0] += 1
        if down and calls[0] > 7:  # five trips looked at, then two written
            raise StoreUnavailable("the store did not answer")
        return real(*args)

    monkeypatch.setattr(asking, "crew_busy_between", busy_between)
    made_crew_by_an_import(demo_app)
    assert get_person(demo_app.store, "demo", "priya").active and mail_to(demo_app, "priya") == []
    assert made_crew_by_an_import(demo_app) == {}  # active already: no news to a later import

    down.clear()
    said = run_fanouts(demo_app, clock)
    assert "1 owed crew ask done" in said, said
    run_fanouts(demo_app, clock)
    mail = mail_to(demo_app, "priya")
    assert [subject for _, subject in mail] == ["Crew needed on 5 trips"], mail
    text = mail_text_of(demo_app, mail[0][0])
    assert all(f"/crew/events/ev_{trip.removeprefix('bk_')}" in text for trip in trips)


def mail_text_of(app: App, key: str) -> str:
    from tests.conftest import mail_text

    return mail_text(sent_mail(app, "demo", key))


def test_a_release_saved_as_the_store_fails_says_released_and_the_job_asks_the_one_it_freed(
    demo_app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review: Priya released her role on the sloop; it was saved, then the store failed as the business was read
    to ask her to crew the catamaran she had been busy for. She was answered an error for a release that had landed
    (trying again, she no longer held the role). She is answered "released" now, and the `fanouts` job asks her."""
    from firstmate.errors import StoreUnavailable
    from firstmate.services import roster

    sloop, catamaran = busy_on_the_sloop(demo_app)
    priya = sign_in(demo_app, "priya")
    real, down = roster.load_business, [True]

    def load_business_down(*args: Any) -> Any:
        if down:
            raise StoreUnavailable("the store did not answer")
        return real(*args)

    monkeypatch.setattr(roster, "load_business", load_business_down)
    released = priya.post(f"/api/v1/events/ev_{sloop.removeprefix('bk_')}/roles/crew_1/release")
    assert released.status_code == 200, released.text
    assert released.json()["released"]
    assert asked(demo_app, catamaran, "priya") == []
    down.clear()
    said = run_fanouts(demo_app, clock)
    assert "1 crew member asked" in said, said
    run_fanouts(demo_app, clock)
    assert len(asked(demo_app, catamaran, "priya")) == 1


def booked_by_an_older_firstmate(app: App, booking_id: str) -> None:
    """The trip of `booking_id` as an older firstmate left it: no list of who its "Crew needed" left out."""
    from firstmate.ports import Delete
    from firstmate.services.crew_freed import NOT_ASKED
    from firstmate.services.trips import booking_pk

    app.store.transact([Delete(booking_pk("demo", booking_id), NOT_ASKED)])


def test_a_trip_booked_before_the_lists_were_kept_asks_those_it_left_out_once_they_are_free(
    demo_app: App, clock: FixedClock
) -> None:
    """A known gap (docs/reliability.md): the catamaran was booked by an older firstmate, which kept no list of
    those it left out for being busy (Priya, on the sloop's trip then); once the sloop's trip was cancelled she was
    never asked. The hourly `sweep` job writes the list of those it left out, busy still; a later freeing asks
    them, once. It asks nobody of those busy by itself."""
    from firstmate.jobs import sweep_expired

    sloop, catamaran = busy_on_the_sloop(demo_app)
    booked_by_an_older_firstmate(demo_app, catamaran)
    theo = asked(demo_app, catamaran, "theo")

    said = sweep_expired(demo_app, clock.now())
    assert "1 trip booked before" in said and "1 crew member listed" in said, said
    assert asked(demo_app, catamaran, "priya") == []  # busy still: listed, not asked
    assert "trip booked before" not in sweep_expired(demo_app, clock.now())  # once per org

    cancel_booking(demo_app, "demo", sloop)
    assert len(asked(demo_app, catamaran, "priya")) == 1
    assert asked(demo_app, catamaran, "theo") == theo  # asked when it was booked, and never again


def test_someone_a_trip_booked_before_the_lists_left_out_and_since_free_is_asked_by_the_upgrade_once(
    demo_app: App, clock: FixedClock
) -> None:
    """The sloop's trip was cancelled before the upgrade, under the older firstmate: Priya, free since, never heard
    of the catamaran's trip, which still needs crew. The upgrade asks her, as she would be asked now, once; nobody
    who heard of the trip is asked again."""
    from firstmate.jobs import sweep_expired

    sloop, catamaran = busy_on_the_sloop(demo_app)
    booked_by_an_older_firstmate(demo_app, catamaran)
    cancel_booking(demo_app, "demo", sloop)
    assert asked(demo_app, catamaran, "priya") == []  # the gap: nobody knew she was left out
    everyone = len(outbox.list_entries(demo_app.store, "demo"))

    sweep_expired(demo_app, clock.now())
    assert asked(demo_app, catamaran, "priya") == [f"bk:{catamaran}:r1:crew:priya"]
    assert len(outbox.list_entries(demo_app.store, "demo")) == everyone + 1  # her "Crew needed", nothing else

    # run again, as after a crash before the org was recorded done: she heard of it, and is not asked again
    from firstmate.ports import Delete
    from firstmate.services.paging import iter_items
    from firstmate.services.upgrades import UPGRADES_PK

    for item in list(iter_items(demo_app.store, UPGRADES_PK)):
        demo_app.store.transact([Delete(item.pk, item.sk)])
    sweep_expired(demo_app, clock.now())
    assert len(outbox.list_entries(demo_app.store, "demo")) == everyone + 1


def test_the_upgrade_of_many_old_trips_goes_a_few_a_run_and_sends_one_mail_listing_them(demo_app: App) -> None:
    """Five trips booked by an older firstmate while Priya was inactive; an older firstmate made her active again
    and asked her about none. The upgrade, two trips a run, asks her once, by one mail listing all five."""
    from firstmate.services.crew_freed import list_left_out_pending

    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    for trip in trips:
        booked_by_an_older_firstmate(demo_app, trip)
    priya = get_person(demo_app.store, "demo", "priya")
    save_people(demo_app.store, "demo", [priya.model_copy(update={"active": True})])

    said = [list_left_out_pending(demo_app, ["demo"], most=2) for _ in range(4)]
    assert "more next run (demo)" in said[0] and "more next run" in said[1], said
    assert "more next run" not in said[2] and said[3] == "", said
    mail = mail_to(demo_app, "priya")
    assert [subject for _, subject in mail] == ["Crew needed on 5 trips"], mail
    text = mail_text_of(demo_app, mail[0][0])
    assert all(f"/crew/events/ev_{trip.removeprefix('bk_')}" in text for trip in trips)


def test_the_upgrade_does_not_ask_someone_who_took_a_role_on_the_trip_and_gave_it_up(
    demo_app: App, clock: FixedClock
) -> None:
    """Priya was left out of the catamaran's trip (busy on the sloop's) by an older firstmate, which asked nobody
    when the sloop's trip was cancelled. She found the catamaran's trip in the crew app, took crew 1 ("You're crew
    1") and gave it up. She knows of the trip and chose to leave it: the upgrade must not send her its "Crew
    needed" as news."""
    from firstmate.jobs import sweep_expired
    from firstmate.services.roster import release_role

    sloop, catamaran = busy_on_the_sloop(demo_app)
    booked_by_an_older_firstmate(demo_app, catamaran)
    cancel_booking(demo_app, "demo", sloop)
    tern = f"ev_{catamaran.removeprefix('bk_')}"
    claim_role(demo_app, "demo", tern, "crew_1", "priya")
    priya = get_person(demo_app.store, "demo", "priya")
    release_role(demo_app, "demo", tern, "crew_1", "priya", priya)
    told = mail_to(demo_app, "priya")
    assert any(subject.startswith("You're crew 1") for _, subject in told), told

    sweep_expired(demo_app, clock.now())
    assert asked(demo_app, catamaran, "priya") == []
    assert mail_to(demo_app, "priya") == told


def test_the_upgrade_over_several_runs_lists_in_its_mail_a_trip_an_earlier_run_gave_a_list(demo_app: App) -> None:
    """As above, but Theo crews the catamaran's trip at the time of the first of the five: the upgrade's first run
    puts him on that trip's list, and records Priya asked about it by the mail to come. The later runs, which leave
    a trip with a list alone, must still list it in her mail: she is recorded asked about it, and would never
    hear of it."""
    from firstmate.services.crew_freed import list_left_out_pending

    tern = book(demo_app, "TERN-13", "2026-06-13T17:00:00-07:00", asset="morning-tern")
    claim_role(demo_app, "demo", f"ev_{tern.removeprefix('bk_')}", "crew_1", "theo")
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    for trip in trips:
        booked_by_an_older_firstmate(demo_app, trip)
    priya = get_person(demo_app.store, "demo", "priya")
    save_people(demo_app.store, "demo", [priya.model_copy(update={"active": True})])

    said = [list_left_out_pending(demo_app, ["demo"], most=2) for _ in range(4)]
    assert "1 crew member listed" in said[0] and said[3] == "", said
    mail = [(key, subject) for key, subject in mail_to(demo_app, "priya") if key.startswith("crew-asked:")]
    assert [subject for _, subject in mail] == ["Crew needed on 5 trips"], mail
    text = mail_text_of(demo_app, mail[0][0])
    assert all(f"/crew/events/ev_{trip.removeprefix('bk_')}" in text for trip in trips)


def test_the_upgrade_of_a_trip_with_many_crew_failing_midway_asks_the_rest_the_next_run(
    demo_app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big crew: 100 deckhands taken on by an older firstmate after the catamaran's trip was booked, which asked
    none of them; Priya is busy on the sloop's trip. The upgrade asks them in several writes (the store takes 100
    a transaction); the store fails after the first. The next run must ask the rest: the first write gave the trip
    its list (Priya), yet the trip is not done."""
    from firstmate.domain.people import Person
    from firstmate.errors import StoreUnavailable
    from firstmate.services.crew_freed import list_left_out_pending

    sloop, catamaran = busy_on_the_sloop(demo_app)
    booked_by_an_older_firstmate(demo_app, catamaran)
    deckhands = [f"zz-deck-{n:03}" for n in range(100)]
    save_people(demo_app.store, "demo", [Person(id=d, name=f"Deck {d}", email=f"{d}@example.com") for d in deckhands])

    real, writes = demo_app.store.transact, [0]

    def fails_second(batch: Any) -> Any:
        if any(":crew:zz-deck-" in getattr(w, "item", w).sk for w in batch):
            writes[0] += 1
            if writes[0] == 2:
                raise StoreUnavailable("the store did not answer")
        return real(batch)

    monkeypatch.setattr(demo_app.store, "transact", fails_second)
    assert "more next run (demo)" in list_left_out_pending(demo_app, ["demo"])
    monkeypatch.setattr(demo_app.store, "transact", real)
    list_left_out_pending(demo_app, ["demo"])

    unasked = [d for d in deckhands if len(asked(demo_app, catamaran, d)) != 1]
    assert unasked == [], f"{len(unasked)} never asked: {unasked[:3]}…"
    cancel_booking(demo_app, "demo", sloop)
    assert len(asked(demo_app, catamaran, "priya")) == 1  # listed, asked once free


def test_the_upgrade_says_how_many_people_it_asked_not_how_many_trips_it_asked_them_about(demo_app: App) -> None:
    """Priya alone is asked, about five trips (one mail): `jobs run sweep` says one crew member was asked, not
    five."""
    from firstmate.services.crew_freed import list_left_out_pending

    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    for trip in trips:
        booked_by_an_older_firstmate(demo_app, trip)
    priya = get_person(demo_app.store, "demo", "priya")
    save_people(demo_app.store, "demo", [priya.model_copy(update={"active": True})])

    said = list_left_out_pending(demo_app, ["demo"])
    assert said.startswith("5 trips booked before") and said.endswith("1 crew member asked now"), said


def lists_waiting(app: App, person: str) -> list[str]:
    """The texts of the "Crew needed on N trips" mails to `person` still to go out (not withdrawn, not sent)."""
    from firstmate.domain.outbox import OutboxStatus

    return [
        e.message.text
        for e in outbox.list_entries(app.store, "demo", limit=None)
        if e.key.startswith(f"crew-asked:{person}:") and e.status is OutboxStatus.PENDING
    ]


def test_a_list_still_waiting_to_go_out_follows_its_trips_cancelled_or_moved(demo_app: App) -> None:
    """A known gap (docs/reliability.md): Priya, made crew by an import, was listed five trips in one "Crew needed
    on 5 trips" mail; one was cancelled and another moved to 10:00 before the mail went out (an outage held it),
    and the mail still asked her about the cancelled one, and the other at 16:00. What goes out lists the trips
    that still need her, each at its time now; the withdrawn one says why."""
    from firstmate.domain.outbox import OutboxStatus

    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)
    [first] = lists_waiting(demo_app, "priya")
    assert "Sun 14 Jun 2026, 16:00 PDT" in first and "Mon 15 Jun 2026, 16:00 PDT" in first

    cancel_booking(demo_app, "demo", trips[1])  # Sun 14 Jun
    [text] = lists_waiting(demo_app, "priya")
    assert text.startswith("Hi Priya") and "4 trips to come" in text and "Sun 14 Jun" not in text
    assert f"ev_{trips[1].removeprefix('bk_')}" not in text
    assert all(f"/crew/events/ev_{trip.removeprefix('bk_')}" in text for trip in trips if trip != trips[1])

    book(demo_app, "JUNE-15", "2026-06-15T10:00:00-07:00")  # the channel moves Mon 15 Jun to 10:00
    [text] = lists_waiting(demo_app, "priya")
    assert "Mon 15 Jun 2026, 10:00 PDT" in text and "Mon 15 Jun 2026, 16:00 PDT" not in text
    assert "Sat 13 Jun 2026, 16:00 PDT" in text and "Sun 14 Jun" not in text

    lists = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.startswith("crew-asked:priya:")]
    assert sorted(e.status for e in lists) == [OutboxStatus.DEAD, OutboxStatus.DEAD, OutboxStatus.PENDING]
    said = sorted(e.last_error or "" for e in lists if e.status is OutboxStatus.DEAD)
    assert said[0].startswith("not sent: the trip Mon 15 Jun 2026, 16:00 PDT changed (Mon 15 Jun 2026, 10:00 PDT"), said
    assert said[1].startswith("not sent: the trip Sun 14 Jun 2026, 16:00 PDT was cancelled before it went out"), said
    assert [e.message.subject for e in lists if e.status is OutboxStatus.PENDING] == ["Crew needed on 4 trips"]
    # nothing per trip besides: the list is how she is asked about them
    assert all(asked(demo_app, trip, "priya") == [] for trip in trips)

    # every trip cancelled: nothing left to ask her
    for trip in trips:
        cancel_booking(demo_app, "demo", trip)
    assert lists_waiting(demo_app, "priya") == []


def test_a_trip_listed_in_many_waiting_lists_can_still_be_cancelled_and_each_list_follows_it(demo_app: App) -> None:
    """A new season's crew file made 60 deckhands crew at once; each was listed five trips in one "Crew needed on 5
    trips", still waiting to go out, when one trip was cancelled. Withdrawing and listing anew 60 mails is 120
    writes, more than one transaction holds (100): the cancellation was refused ("a transaction holds at most 100
    writes"). It is cancelled, and each of the 60 lists follows it all the same."""
    from firstmate.domain.people import Person
    from firstmate.services.org_setup import check_org, import_org, org_tables
    from firstmate.services.people import list_people

    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    deckhands = [Person(id=f"deck-{n}", name=f"Deck Hand{n}", email=f"deck-{n}@example.com") for n in range(60)]
    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    people = [*list_people(demo_app.store, "demo"), *deckhands]
    import_org(demo_app.store, check_org(org_tables(profile, people)), ctx=demo_app)
    assert all(len(lists_waiting(demo_app, p.id)) == 1 for p in deckhands)

    cancel_booking(demo_app, "demo", trips[1])  # Sun 14 Jun
    assert get_booking(demo_app.store, "demo", trips[1]).cancelled
    for person in deckhands:
        [text] = lists_waiting(demo_app, person.id)
        assert "4 trips to come" in text and "Sun 14 Jun" not in text, person.id


def test_a_trip_listed_in_waiting_lists_of_a_whole_season_can_still_be_cancelled(demo_app: App) -> None:
    """Two trips a day booked a season ahead (220), and 25 deckhands made crew by one file, each listed all of them in
    one "Crew needed on 220 trips" still waiting: withdrawing and listing anew 25 such mails, 100 KB each, is more
    than one transaction writes (4 MB), and the cancellation was refused ("a transaction writes at most 4000000
    bytes"). It is cancelled, and each list follows it."""
    from datetime import date

    from firstmate.domain.people import Person
    from firstmate.services.org_setup import check_org, import_org, org_tables
    from firstmate.services.people import list_people

    first = date(2026, 6, 13)  # 10:00 and 16:00 each day
    starts = [f"{first + timedelta(days=n // 2)}T{10 + n % 2 * 6}:00:00-07:00" for n in range(220)]
    trips = [book(demo_app, f"S{n}", start) for n, start in enumerate(starts)]
    deckhands = [Person(id=f"deck-{n}", name=f"Deck Hand{n}", email=f"deck-{n}@example.com") for n in range(25)]
    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    people = [*list_people(demo_app.store, "demo"), *deckhands]
    import_org(demo_app.store, check_org(org_tables(profile, people)), ctx=demo_app)

    cancel_booking(demo_app, "demo", trips[1])  # Sat 13 Jun, 16:00
    assert get_booking(demo_app.store, "demo", trips[1]).cancelled
    for person in deckhands:
        [text] = lists_waiting(demo_app, person.id)
        assert "219 trips to come" in text and "Sat 13 Jun 2026, 16:00 PDT" not in text, person.id
