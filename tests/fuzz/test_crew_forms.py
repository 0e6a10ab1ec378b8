"""Hostile input in the crew app's forms (claim, release, designate, tick, undo): whatever a signed-in
crew member or admin posts, with any role, checklist key, person or reason, the answer is a page
(303 when done; 403, 404, 409 or 422 saying why not), never a crash. A refused action changes
nothing, the roster stays sound (a role held once, a person in one role, only by someone qualified)
and nothing typed comes back as markup."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import event, given, settings
from hypothesis import strategies as st

from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.events import get_event
from firstmate.services.guests import CodeTarget, confirm_attendance
from firstmate.services.people import get_person
from firstmate.services.trips import booking_pk
from tests.conftest import booking_body
from tests.fuzz.strategies import FUZZ, examples, hostile
from tests.security.conftest import sign_in

PEOPLE = ("marisol", "jonah", "priya")  # an admin, a captain, a deckhand
ACTIONS = ("roles/{}/claim", "roles/{}/release", "roles/{}/designate", "checklist/{}/tick", "checklist/{}/undo")
RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


@pytest.fixture
def trip(demo_app: App) -> str:
    """A trip whose lead guest is coming without a signed waiver: ticking `waivers` needs a reason."""
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    confirm_attendance(demo_app, CodeTarget("demo", booking.id, "g1"))
    return booking.event_id


@pytest.fixture
def crew(demo_app: App) -> Iterator[dict[str, TestClient]]:
    browsers = {person: sign_in(demo_app, person) for person in PEOPLE}
    yield browsers
    for browser in browsers.values():
        browser.close()


def mostly(real: list[str]) -> st.SearchStrategy[str]:
    """A real value three times in four, so that actions get past the first refusal; else hostile."""
    return st.integers(0, 3).flatmap(lambda n: hostile if n == 0 else st.sampled_from(real))


@st.composite
def crew_actions(draw: st.DrawFn, roles: list[str], keys: list[str]) -> tuple[str, str, dict[str, str]]:
    """Who posts what: a real or hostile role or checklist key, and a real or hostile form field."""
    action = draw(st.sampled_from(ACTIONS))
    target = draw(mostly(roles if action.startswith("roles") else keys))
    form = {
        "person_id": draw(mostly([*PEOPLE, "theo", ""])),
        "reason": draw(mostly(["", "Signed on paper at the dock"])),
    }
    return draw(st.sampled_from(PEOPLE)), action.format(quote(target, safe="")), form


def test_hostile_crew_forms_are_answered_with_a_page_and_keep_the_roster_sound(
    demo_app: App, trip: str, crew: dict[str, TestClient]
) -> None:
    first = get_event(demo_app.store, "demo", trip)
    roles, keys = [slot.role for slot in first.roles], [item.key for item in first.checklist]
    people = {p: get_person(demo_app.store, "demo", p) for p in (*PEOPLE, "theo")}

    @settings(FUZZ, max_examples=examples(150))
    @given(act=crew_actions(roles, keys))
    def run(act: tuple[str, str, dict[str, str]]) -> None:
        person, path, form = act
        before = demo_app.store.get(booking_pk("demo", first.booking_id), "EVENT")
        answer = crew[person].post(f"/crew/events/{trip}/{path}", data=form, follow_redirects=False)
        event(f"{path.split('/')[0]} {path.rsplit('/', 1)[-1]}: {answer.status_code}")
        assert answer.status_code in (303, 403, 404, 409, 422), (person, path, form, answer.text[:300])
        for raw in RAW_MARKUP:
            assert raw not in answer.text
        after = demo_app.store.get(booking_pk("demo", first.booking_id), "EVENT")
        assert before is not None and after is not None
        if answer.status_code != 303:
            assert after.version == before.version, "a refused action changed the trip"
        trip_now = get_event(demo_app.store, "demo", trip)
        holders = [slot.person_id for slot in trip_now.roles if slot.person_id]
        assert len(holders) == len(set(holders)), "someone holds two roles"
        assert [slot.role for slot in trip_now.roles] == roles and [i.key for i in trip_now.checklist] == keys
        assert all(people[s.person_id].may_take(s.role) for s in trip_now.roles if s.person_id), "unqualified"
        page = crew["marisol"].get(f"/crew/events/{trip}")
        assert page.status_code == 200
        for raw in RAW_MARKUP:
            assert raw not in page.text

    run()
