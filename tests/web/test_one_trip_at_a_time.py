"""Nobody crews two trips at once: claims and designations that would overlap are refused, on the
pages and in the API, also when the same person presses on several trips at the same moment."""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.services import outbox
from firstmate.services.bookings import cancel_booking, orchestrate_booking
from firstmate.services.trips import get_event
from firstmate.web.app import create_app
from tests.conftest import booking_body
from tests.web.test_crew import sign_in

# booking_body's trip: Sea Lark, Sat 13 Jun 2026, 16:00 to 19:00 PDT
SEA_LARK_TRIP = "2026-06-13T16:00:00-07:00"


def book(app: App, ref: str, start: str, asset: str = "sea-lark", hours: float = 3) -> str:
    body = booking_body(external_id=ref, start=start, asset=asset, duration_hours=hours)
    return orchestrate_booking(app, "demo", BookingRequest.model_validate(body)).booking.event_id


def roster_of(app: App, event_id: str) -> dict[str, str | None]:
    return {s.role: s.person_id for s in get_event(app.store, "demo", event_id).roles}


def notices_about(app: App, event_id: str) -> list[str]:
    return [e.key for e in outbox.list_entries(app.store, "demo") if e.key.startswith(f"ev:{event_id}:")]


def test_a_claim_on_a_trip_overlapping_ones_own_is_refused_and_changes_nothing(demo_app: App) -> None:
    first = book(demo_app, "A-1", SEA_LARK_TRIP)
    overlapping = book(demo_app, "A-2", "2026-06-13T18:00:00-07:00", asset="morning-tern")
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/api/v1/events/{first}/roles/captain/claim").status_code == 200

    refused = jonah.post(f"/api/v1/events/{overlapping}/roles/captain/claim")
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "you are already captain on Sea Lark (38 ft sloop), Sat 13 Jun 2026, 16:00 PDT to 19:00: one trip at a time"
    )
    page = jonah.post(f"/crew/events/{overlapping}/roles/crew_1/claim")
    assert page.status_code == 409 and "one trip at a time" in page.text
    assert set(roster_of(demo_app, overlapping).values()) == {None}
    assert notices_about(demo_app, overlapping) == []


def test_the_pages_offer_no_role_on_a_trip_the_viewer_is_busy_for(demo_app: App) -> None:
    first = book(demo_app, "B-1", SEA_LARK_TRIP)
    overlapping = book(demo_app, "B-2", "2026-06-13T14:00:00-07:00", asset="morning-tern")
    jonah = sign_in(demo_app, "jonah")
    jonah.post(f"/api/v1/events/{first}/roles/captain/claim")

    page = jonah.get(f"/crew/events/{overlapping}").text
    assert "You are captain on Sea Lark (38 ft sloop), Sat 13 Jun 2026, 16:00 PDT to 19:00" in page
    assert "I'll be" not in page
    answer = jonah.get(f"/api/v1/events/{overlapping}").json()
    assert answer["claimable"] == [] and answer["busy"].startswith("captain on Sea Lark")
    listing = jonah.get("/crew").text
    assert re.search(rf'href="/crew/events/{overlapping}".*?busy: on Sea Lark \(38 ft sloop\)<', listing, re.S)

    theo = sign_in(demo_app, "theo")  # free then: offered every role he may take
    assert "I'll be crew 1" in theo.get(f"/crew/events/{overlapping}").text
    assert theo.get(f"/api/v1/events/{overlapping}").json()["busy"] is None


def test_back_to_back_trips_and_cancelled_or_released_ones_leave_the_person_free(demo_app: App) -> None:
    first = book(demo_app, "C-1", SEA_LARK_TRIP)
    right_after = book(demo_app, "C-2", "2026-06-13T19:00:00-07:00")  # departs as the first comes back
    overlapping = book(demo_app, "C-3", "2026-06-13T18:30:00-07:00", asset="morning-tern")
    priya = sign_in(demo_app, "priya")
    assert priya.post(f"/api/v1/events/{first}/roles/crew_1/claim").status_code == 200
    assert priya.post(f"/api/v1/events/{right_after}/roles/crew_1/claim").status_code == 200
    assert priya.post(f"/api/v1/events/{overlapping}/roles/crew_1/claim").status_code == 409

    cancel_booking(demo_app, "demo", get_event(demo_app.store, "demo", right_after).booking_id)
    assert priya.post(f"/api/v1/events/{first}/roles/crew_1/release").json()["released"] is True
    assert priya.post(f"/api/v1/events/{overlapping}/roles/crew_1/claim").status_code == 200
    assert roster_of(demo_app, overlapping)["crew_1"] == "priya"


def test_a_long_trip_days_before_still_counts(demo_app: App) -> None:
    three_days = book(demo_app, "D-1", "2026-06-11T09:00:00-07:00", hours=72)  # back Sun 14 Jun, 09:00
    marisol = sign_in(demo_app, "marisol")
    assert marisol.post(f"/api/v1/events/{three_days}/roles/captain/claim").status_code == 200
    during = book(demo_app, "D-2", SEA_LARK_TRIP, asset="morning-tern")
    refused = marisol.post(f"/api/v1/events/{during}/roles/captain/claim")
    assert refused.status_code == 409
    assert (
        "captain on Sea Lark (38 ft sloop), Thu 11 Jun 2026, 09:00 PDT to Sun 14 Jun 2026, 09:00 PDT: one"
        in (refused.json()["detail"])
    )


def test_designating_someone_busy_elsewhere_is_refused(demo_app: App) -> None:
    first = book(demo_app, "E-1", SEA_LARK_TRIP)
    overlapping = book(demo_app, "E-2", "2026-06-13T17:00:00-07:00", asset="morning-tern")
    marisol = sign_in(demo_app, "marisol")  # an admin
    assert sign_in(demo_app, "theo").post(f"/api/v1/events/{first}/roles/crew_1/claim").status_code == 200
    refused = marisol.post(f"/api/v1/events/{overlapping}/roles/crew_1/designate", json={"person_id": "theo"})
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("Theo is already crew 1 on Sea Lark (38 ft sloop), Sat 13 Jun")
    assert roster_of(demo_app, overlapping)["crew_1"] is None and notices_about(demo_app, overlapping) == []


def test_one_person_pressing_on_eight_overlapping_trips_at_once_gets_exactly_one(demo_app: App, api_key: str) -> None:
    trips = [
        book(demo_app, f"F-{n}", f"2026-06-13T10:{5 * n:02d}:00-07:00", asset="sea-lark" if n % 2 else "morning-tern")
        for n in range(8)
    ]  # three hours each, five minutes apart: every one overlaps every other
    client = TestClient(create_app(demo_app))
    headers = {"Authorization": f"Bearer {api_key}", "X-Acting-For": "priya"}
    barrier = threading.Barrier(len(trips))
    answers: dict[str, int] = {}

    def claim(event_id: str) -> None:
        barrier.wait()
        answers[event_id] = client.post(f"/api/v1/events/{event_id}/roles/crew_1/claim", headers=headers).status_code

    threads = [threading.Thread(target=claim, args=(t,)) for t in trips]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(answers.values()) == {200: 1, 409: 7}
    [won] = [t for t, status in answers.items() if status == 200]
    assert [t for t in trips if roster_of(demo_app, t)["crew_1"] == "priya"] == [won]
    told = [t for t in trips if notices_about(demo_app, t)]
    assert told == [] or told == [won]  # only a captain hears of a claim, and these trips have none


def test_a_trip_moved_onto_another_of_its_crews_trips_tells_the_operations_manager(demo_app: App) -> None:
    first = book(demo_app, "G-1", SEA_LARK_TRIP)
    morning = book(demo_app, "G-2", "2026-06-13T09:00:00-07:00", asset="morning-tern")
    jonah = sign_in(demo_app, "jonah")
    for trip in (first, morning):
        assert jonah.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200

    book(demo_app, "G-2", "2026-06-13T17:00:00-07:00", asset="morning-tern")  # the guests asked for later
    ops = [e.message for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":r2:ops")]
    assert len(ops) == 1 and ops[0].to == ("ops@example.com",)
    clash = "Jonah is also captain on Sea Lark (38 ft sloop), Sat 13 Jun 2026, 16:00 PDT to 19:00"
    assert f"Crew clash: {clash}." in ops[0].text and clash in ops[0].html
    assert roster_of(demo_app, morning)["captain"] == "jonah"  # recorded as the source says: the people decide

    to_jonah = [e.message for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":r2:crew:jonah")]
    assert "you are also captain on Sea Lark (38 ft sloop), Sat 13 Jun 2026, 16:00 PDT to 19:00" in to_jonah[0].text
    page = jonah.get(f"/crew/events/{morning}").text
    assert "This trip now overlaps another of yours: you are also captain on Sea Lark" in page
    assert "This trip now overlaps another of yours" in jonah.get(f"/crew/events/{first}").text  # both ways

    book(demo_app, "G-2", "2026-06-14T17:00:00-07:00", asset="morning-tern")  # moved again, to the next day
    again = [e.message for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":r3:ops")]
    assert "clash" not in again[0].text
    assert "overlaps" not in jonah.get(f"/crew/events/{morning}").text


def test_a_claim_racing_a_move_of_another_trip_of_the_same_person_is_decided_again(
    demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jonah claims the 17:00 trip while the morning trip he is captain of is moved to 16:00: each
    looked at the other before it changed. The person's marker makes the claim decide again."""
    from firstmate.services import roster

    morning = book(demo_app, "R-1", "2026-06-13T09:00:00-07:00")
    evening = book(demo_app, "R-2", "2026-06-13T17:00:00-07:00", asset="morning-tern")
    assert sign_in(demo_app, "jonah").post(f"/api/v1/events/{morning}/roles/captain/claim").status_code == 200
    checked = roster.busy_elsewhere
    moved: list[bool] = []

    def move_meanwhile(*args: object, **kwargs: object) -> str | None:
        found = checked(*args, **kwargs)  # type: ignore[arg-type]
        if not moved:  # between the claim's look at Jonah's trips and its write
            moved.append(bool(book(demo_app, "R-1", "2026-06-13T16:00:00-07:00")))
        return found

    monkeypatch.setattr(roster, "busy_elsewhere", move_meanwhile)
    refused = sign_in(demo_app, "jonah").post(f"/api/v1/events/{evening}/roles/captain/claim")
    assert moved and refused.status_code == 409 and "one trip at a time" in refused.json()["detail"]
    assert roster_of(demo_app, evening)["captain"] is None and roster_of(demo_app, morning)["captain"] == "jonah"


def listed(app: App, person: str = "jonah") -> list[str]:
    """The trips `person`'s roster marker lists, by event id; [] when it lists none."""
    from firstmate.services.crew_trips import held_trips, roster_marker_key

    held = held_trips(app.store.get(*roster_marker_key("demo", person)))
    return [e for e, _, _ in held.trips] if held else []


def list_rosters(app: App) -> int:
    from firstmate.services.roster import list_held_trips

    return list_held_trips(app, "demo")


def test_the_trips_a_person_holds_are_listed_in_their_marker_by_the_job_and_looked_for_in_the_calendar_until(
    demo_app: App,
) -> None:
    """Roles taken before the marker listed trips (its old form, or no marker at all) still count:
    until the `roster_lists` job lists them, the calendar around the trip is read."""
    from firstmate.ports import Delete, Item, Put
    from firstmate.services.crew_trips import roster_marker_key

    first = book(demo_app, "H-1", SEA_LARK_TRIP)
    later = book(demo_app, "H-2", "2026-06-20T10:00:00-07:00")
    overlapping = book(demo_app, "H-3", "2026-06-13T18:00:00-07:00", asset="morning-tern")
    apart = book(demo_app, "H-4", "2026-06-27T10:00:00-07:00")
    jonah = sign_in(demo_app, "jonah")
    for trip in (first, later):
        assert jonah.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200
    assert listed(demo_app) == []  # a person without a list stays so until the job
    assert list_rosters(demo_app) >= 1 and listed(demo_app) == [first, later]
    assert list_rosters(demo_app) == 0  # nobody due any more

    key = roster_marker_key("demo", "jonah")
    for before in ([Put(Item(*key, {"taken": 2}))], [Delete(*key)]):  # yesterday's marker, or none at all
        demo_app.store.transact(before)
        refused = jonah.post(f"/api/v1/events/{overlapping}/roles/crew_1/claim")
        assert refused.status_code == 409 and "captain on Sea Lark" in refused.json()["detail"]
        assert jonah.get(f"/api/v1/events/{overlapping}").json()["busy"].startswith("captain on Sea Lark")
    assert list_rosters(demo_app) > 0  # everyone in the org, so that they are due together next month
    assert jonah.post(f"/api/v1/events/{apart}/roles/captain/claim").status_code == 200
    assert listed(demo_app) == [first, later, apart]  # listed by the job, then this one added

    # a role let go of stays listed, but is looked at as it is now: it keeps nobody busy
    assert jonah.post(f"/api/v1/events/{first}/roles/captain/release").status_code == 200
    assert first in listed(demo_app) and jonah.get(f"/api/v1/events/{overlapping}").json()["busy"] is None
    assert jonah.post(f"/api/v1/events/{overlapping}/roles/crew_1/claim").status_code == 200


def test_trips_beyond_the_list_or_too_many_to_list_are_looked_for_in_the_calendar(
    demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list spans from 30 days ago to three years ahead: a trip outside it, held or claimed,
    is checked against the calendar; so is everything of a person holding more than a list holds."""
    from firstmate.services import crew_trips

    jonah, marisol = sign_in(demo_app, "jonah"), sign_in(demo_app, "marisol")
    past = book(demo_app, "F-1", "2026-04-11T10:00:00-07:00")  # the clock is at 2026-06-01: 51 days before
    far = book(demo_app, "F-2", "2030-07-06T10:00:00-07:00")  # over three years ahead
    for trip in (past, far):  # a trip over takes no claim: an admin records its crew
        put = marisol.post(f"/api/v1/events/{trip}/roles/captain/designate", json={"person_id": "jonah"})
        assert put.status_code == 200
    list_rosters(demo_app)
    assert listed(demo_app) == []  # neither is inside the span, and the list is there, empty
    for start in ("2026-04-11T11:00:00-07:00", "2030-07-06T11:00:00-07:00"):
        other = book(demo_app, f"F-{start[:4]}", start, asset="morning-tern")
        refused = marisol.post(f"/api/v1/events/{other}/roles/crew_1/designate", json={"person_id": "jonah"})
        assert refused.status_code == 409 and "one trip at a time" in refused.json()["detail"]

    monkeypatch.setattr(crew_trips, "MAX_HELD_LISTED", 1)
    soon = book(demo_app, "F-3", SEA_LARK_TRIP)
    assert sign_in(demo_app, "priya").post(f"/api/v1/events/{soon}/roles/crew_1/claim").status_code == 200
    assert jonah.post(f"/api/v1/events/{soon}/roles/captain/claim").status_code == 200
    assert listed(demo_app) == [soon]
    again = book(demo_app, "F-4", "2026-06-20T10:00:00-07:00")
    assert jonah.post(f"/api/v1/events/{again}/roles/captain/claim").status_code == 200  # two: over the cap
    assert listed(demo_app) == [] and list_rosters(demo_app) == 0  # not listed again for a month
    clash = book(demo_app, "F-5", "2026-06-20T11:00:00-07:00", asset="morning-tern")
    refused = jonah.post(f"/api/v1/events/{clash}/roles/crew_1/claim")
    assert refused.status_code == 409 and "one trip at a time" in refused.json()["detail"]


def test_a_listed_trip_moved_is_listed_at_its_new_times(demo_app: App) -> None:
    first = book(demo_app, "L-1", SEA_LARK_TRIP)
    other = book(demo_app, "L-2", "2026-06-14T10:00:00-07:00", asset="morning-tern")
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/api/v1/events/{first}/roles/captain/claim").status_code == 200
    list_rosters(demo_app)
    book(demo_app, "L-1", "2026-06-14T10:30:00-07:00")  # moved onto the morning after
    refused = jonah.post(f"/api/v1/events/{other}/roles/crew_1/claim")
    assert refused.status_code == 409 and "Sun 14 Jun 2026, 10:30 PDT" in refused.json()["detail"]


def test_a_claim_landing_while_the_job_reads_the_calendar_is_listed_by_the_next_run(
    demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from firstmate.services import crew_trips

    first = book(demo_app, "J-1", SEA_LARK_TRIP)
    later = book(demo_app, "J-2", "2026-06-20T10:00:00-07:00")
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/api/v1/events/{first}/roles/captain/claim").status_code == 200
    real, claimed = crew_trips.events_between, []

    def then_a_claim(*args: Any, **kwargs: Any) -> Any:
        read = real(*args, **kwargs)
        if not claimed:  # after the job's read, before its writes
            claimed.append(jonah.post(f"/api/v1/events/{later}/roles/captain/claim").status_code)
        return read

    monkeypatch.setattr(crew_trips, "events_between", then_a_claim)
    list_rosters(demo_app)
    assert claimed == [200] and listed(demo_app) == []  # his list, read without J-2, was not written
    monkeypatch.setattr(crew_trips, "events_between", real)
    list_rosters(demo_app)
    assert listed(demo_app) == [first, later]


def test_lists_are_built_again_monthly_and_a_person_with_too_many_trips_is_tried_again(
    demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from firstmate.adapters.clock import FixedClock
    from firstmate.services import crew_trips

    clock = demo_app.clock
    assert isinstance(clock, FixedClock)
    trip = book(demo_app, "M-1", "2026-12-15T10:00:00-08:00")
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200
    assert list_rosters(demo_app) > 0 and list_rosters(demo_app) == 0
    clock.advance(timedelta(days=29))
    assert list_rosters(demo_app) == 0
    clock.advance(timedelta(days=2))  # the list's span is now a month short of three years ahead
    assert list_rosters(demo_app) > 0 and listed(demo_app) == [trip]

    monkeypatch.setattr(crew_trips, "MAX_HELD_LISTED", 0)
    assert list_rosters(demo_app) == 0
    clock.advance(timedelta(days=31))
    list_rosters(demo_app)  # over the cap: found too many, not listed
    assert listed(demo_app) == [] and list_rosters(demo_app) == 0
    other = book(demo_app, "M-2", "2026-12-22T10:00:00-08:00")
    jonah = sign_in(demo_app, "jonah")  # his session of two months ago has run out
    assert jonah.post(f"/api/v1/events/{other}/roles/captain/claim").status_code == 200
    assert list_rosters(demo_app) == 0  # a claim keeps the marker's word that he has too many
    clock.advance(timedelta(days=31))
    monkeypatch.setattr(crew_trips, "MAX_HELD_LISTED", 2000)
    assert list_rosters(demo_app) > 0 and listed(demo_app) == [trip, other]  # tried again a month on


def test_the_list_keeps_whole_seconds_widened_and_its_span_narrowed() -> None:
    from datetime import UTC, datetime

    from firstmate.services.crew_trips import HeldTrips

    at = datetime(2026, 6, 13, 23, 0, 0, 500_000, tzinfo=UTC)
    stored = HeldTrips(at, at, (("ev_1", at, at),)).stored()
    whole = int(at.timestamp())
    assert stored["trips"] == [["ev_1", whole, whole + 1]] and (stored["since"], stored["until"]) == (whole + 1, whole)
