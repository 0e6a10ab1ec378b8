"""Kept crew trip pages: answered again only while nothing in the store has changed, never to
someone else, never past the minute they were built in, never to a person no longer active."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App, build
from firstmate.domain.bookings import BookingRequest
from firstmate.ports import Item
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.people import get_person, save_people
from firstmate.services.trips import get_event
from firstmate.web.app import create_app
from firstmate.web.page_cache import PageCache
from tests.conftest import booking_body, guest_code, shows_gross
from tests.web.test_crew import sign_in

READS = ("get", "get_many", "query", "query_between", "query_index")


@pytest.fixture
def trip(demo_app: App, clock: FixedClock) -> str:
    event_id = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking.event_id
    clock.set(get_event(demo_app.store, "demo", event_id).start - timedelta(minutes=75))
    return event_id


@pytest.fixture
def reads(demo_app: App, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the store reads made from now on (the real store still answers them)."""
    made: list[str] = []
    for name in READS:
        method = getattr(demo_app.store, name)

        def counted(*args: object, _name: str = name, _method: object = method, **kwargs: object) -> object:
            made.append(_name)
            assert callable(_method)
            return _method(*args, **kwargs)

        monkeypatch.setattr(demo_app.store, name, counted)
    yield made


def _write_elsewhere(app: App) -> None:
    """A committed write from another process on the same home (its own connection)."""
    other = build(app.settings)
    try:
        other.store.put(Item(pk="ORG#demo#NOTES", sk="unrelated", data={"note": "a write the page does not show"}))
    finally:
        other.close()


def test_a_kept_page_is_answered_without_reads_until_the_store_changes_or_the_minute_turns(
    demo_app: App, trip: str, clock: FixedClock, reads: list[str]
) -> None:
    theo = sign_in(demo_app, "theo")
    first = theo.get(f"/crew/events/{trip}")
    assert first.status_code == 200 and "Pre-departure checklist due in 45 min" in first.text
    reads.clear()
    again = theo.get(f"/crew/events/{trip}")
    assert again.text == first.text and dict(again.headers) == dict(first.headers)  # security headers too
    assert again.headers["cache-control"] == "private, no-store"
    assert reads == []  # answered from the kept page

    clock.advance(timedelta(seconds=59))  # the same minute: still the page of 75 minutes before
    assert theo.get(f"/crew/events/{trip}").text == first.text and reads == []

    _write_elsewhere(demo_app)
    assert theo.get(f"/crew/events/{trip}").text == first.text and reads != []  # built afresh, nothing to show
    reads.clear()
    assert theo.get(f"/crew/events/{trip}").text == first.text and reads == []  # and kept again

    clock.advance(timedelta(seconds=1))  # a new minute: the countdown moves on without any write
    turned = theo.get(f"/crew/events/{trip}").text
    assert "Pre-departure checklist due in 44 min" in turned and reads != []


def test_guests_opening_pages_and_strangers_guessing_codes_leave_kept_pages_kept(
    demo_app: App, trip: str, reads: list[str]
) -> None:
    """Rate limits count every guest page view, wrong code and sign-in request. The counts are
    writes, but not to the store: a busy guest page must not rebuild every crew page."""
    theo = sign_in(demo_app, "theo")
    first = theo.get(f"/crew/events/{trip}").text
    visitors = TestClient(create_app(demo_app), client=("203.0.113.9", 40000))
    for _ in range(3):
        assert visitors.get(f"/g/{guest_code(demo_app, trip)}", headers={"Accept": "text/html"}).status_code == 200
    assert visitors.get("/g/ZZZZ-ZZZZ-ZZZZ", headers={"Accept": "text/html"}).status_code == 404
    assert visitors.post("/crew/login", data={"email": "nobody@example.com"}).status_code == 200
    assert demo_app.counters.query("RATE#guest-miss#203.0.113.9").items  # the wrong code was counted
    reads.clear()
    assert theo.get(f"/crew/events/{trip}").text == first and reads == []  # still the kept page


def test_a_change_from_another_process_shows_on_the_next_open(demo_app: App, trip: str) -> None:
    from firstmate.services.roster import claim_role

    theo = sign_in(demo_app, "theo")
    assert "Jonah" not in theo.get(f"/crew/events/{trip}").text
    other = build(demo_app.settings, clock=demo_app.clock)  # another process, at the same time
    try:
        claim_role(other, "demo", trip, "captain", "jonah")
    finally:
        other.close()
    assert "Jonah" in theo.get(f"/crew/events/{trip}").text


def test_the_trip_list_is_kept_too_and_shows_a_trip_booked_from_another_process(
    demo_app: App, trip: str, clock: FixedClock, reads: list[str]
) -> None:
    theo = sign_in(demo_app, "theo")
    first = theo.get("/crew").text
    assert trip in first
    reads.clear()
    assert theo.get("/crew").text == first and reads == []
    other = build(demo_app.settings, clock=demo_app.clock)  # another process, at the same time
    try:
        start = (clock.now() + timedelta(days=3)).isoformat()
        body = BookingRequest.model_validate(booking_body(external_id="OTHER-1", start=start))
        booked = orchestrate_booking(other, "demo", body).booking.event_id
    finally:
        other.close()
    assert booked in theo.get("/crew").text


def test_a_person_made_inactive_is_signed_out_though_their_page_was_kept(demo_app: App, trip: str) -> None:
    theo = sign_in(demo_app, "theo")
    assert theo.get(f"/crew/events/{trip}").status_code == 200
    theo_now = get_person(demo_app.store, "demo", "theo")
    save_people(demo_app.store, "demo", [theo_now.model_copy(update={"active": False})])
    gone = theo.get(f"/crew/events/{trip}", follow_redirects=False)
    assert gone.status_code == 401 and "this account is not active" in gone.text  # the sign-in page, saying why


def test_each_person_gets_their_own_page_and_no_one_else_gets_any(demo_app: App, trip: str) -> None:

    web = create_app(demo_app)  # one server process: one cache for both browsers
    marisol, theo = sign_in(demo_app, "marisol"), sign_in(demo_app, "theo")
    admin_cookie, crew_cookie = marisol.cookies["fm_crew"], theo.cookies["fm_crew"]
    with TestClient(web) as server:
        for _ in range(2):
            server.cookies.set("fm_crew", admin_cookie)
            assert "840.75 USD" in server.get(f"/crew/events/{trip}").text
            server.cookies.set("fm_crew", crew_cookie)
            page = server.get(f"/crew/events/{trip}").text
            assert not shows_gross(page) and "Theo" in page
        assert len(web.state.crew_pages) == 2
        server.cookies.clear()  # two Cookie headers: the kept answer is the one the route would give
        both = [("cookie", f"fm_crew={crew_cookie}"), ("cookie", f"fm_crew={admin_cookie}")]
        routed = server.get(f"/crew/events/{trip}", params={"fresh": "1"}, headers=both).text
        kept = server.get(f"/crew/events/{trip}", headers=both).text
        assert ("840.75 USD" in kept) == ("840.75 USD" in routed)
        server.cookies.set("fm_crew", crew_cookie[:-4] + ("AAAA" if not crew_cookie.endswith("AAAA") else "BBBB"))
        assert server.get(f"/crew/events/{trip}", follow_redirects=False).headers["location"] == "/crew/login"
        server.cookies.clear()
        assert server.get(f"/crew/events/{trip}", follow_redirects=False).headers["location"] == "/crew/login"


def test_the_trip_as_json_that_an_open_page_polls_is_kept_and_shows_a_claim_made_elsewhere(
    demo_app: App, trip: str, clock: FixedClock, reads: list[str]
) -> None:
    from firstmate.services.roster import claim_role

    theo = sign_in(demo_app, "theo")
    first = theo.get(f"/api/v1/events/{trip}")
    assert first.status_code == 200 and first.json()["my_role"] is None
    reads.clear()
    again = theo.get(f"/api/v1/events/{trip}")
    assert again.content == first.content and dict(again.headers) == dict(first.headers) and reads == []
    assert theo.get(f"/crew/events/{trip}").headers["content-type"].startswith("text/html")  # its own key
    other = build(demo_app.settings, clock=demo_app.clock)  # another process, at the same time
    try:
        claim_role(other, "demo", trip, "captain", "jonah")
    finally:
        other.close()
    roster = {s["role"]: s["first_name"] for s in theo.get(f"/api/v1/events/{trip}").json()["roster"]}
    assert roster["captain"] == "Jonah"
    clock.advance(timedelta(minutes=1))  # the timing panel moves on with the minute, as the page's does
    reads.clear()
    assert theo.get(f"/api/v1/events/{trip}").status_code == 200 and reads != []


def test_a_service_key_acting_for_someone_is_answered_for_them_never_from_a_kept_answer(
    demo_app: App, trip: str, api_key: str, reads: list[str]
) -> None:
    theo = sign_in(demo_app, "theo")
    assert theo.get(f"/api/v1/events/{trip}").json()["is_admin"] is False  # kept for Theo
    reads.clear()
    acting = {"Authorization": f"Bearer {api_key}", "X-Acting-For": "marisol"}
    answer = theo.get(f"/api/v1/events/{trip}", headers=acting)  # Theo's cookie is sent too
    assert answer.status_code == 200 and answer.json()["is_admin"] is True and reads != []
    refused = theo.get(f"/api/v1/events/{trip}", headers={"Authorization": "Bearer fm_not-a-key"})
    assert refused.status_code == 401


def test_a_page_with_a_message_is_never_kept(demo_app: App, trip: str, reads: list[str]) -> None:
    theo = sign_in(demo_app, "theo")
    theo.get(f"/crew/events/{trip}")
    reads.clear()
    shown = theo.post(f"/crew/events/{trip}/roles/crew_9/claim")  # a role no boat has: the page with its error
    assert shown.status_code == 404 and 'role="alert"' in shown.text and reads != []
    assert 'role="alert"' not in theo.get(f"/crew/events/{trip}").text


def test_no_page_is_kept_with_the_cache_set_to_zero(demo_app: App, trip: str, reads: list[str]) -> None:
    unkept = dataclasses.replace(demo_app, settings=demo_app.settings.model_copy(update={"crew_page_cache": 0}))
    theo = sign_in(unkept, "theo")
    first = theo.get(f"/crew/events/{trip}").text
    reads.clear()
    assert theo.get(f"/crew/events/{trip}").text == first and reads != []


def test_the_cache_keeps_the_most_recently_used_pages_and_only_under_their_marker() -> None:
    pages = PageCache(capacity=2)
    pages.put("a", 1, HTMLResponse("A"))
    pages.put("b", 1, HTMLResponse("B"))
    assert _body(pages.get("a", 1)) == b"A"  # now the most recently used
    pages.put("c", 1, HTMLResponse("C"))
    assert [_body(pages.get(k, 1)) for k in "abc"] == [b"A", None, b"C"]
    assert pages.get("a", 2) is None  # the store changed since: not answered
    pages.put("d", None, HTMLResponse("D"))  # a store that cannot tell: nothing kept
    pages.put("e", 1, HTMLResponse("E", status_code=404))  # only whole pages are kept
    assert pages.get("d", None) is None and pages.get("e", 1) is None and len(pages) == 2
    unkept = PageCache(capacity=0)
    unkept.put("a", 1, HTMLResponse("A"))
    assert unkept.get("a", 1) is None and len(unkept) == 0


def _body(kept: Any) -> bytes | None:
    return None if kept is None else bytes(kept.body)
