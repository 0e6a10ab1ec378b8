"""Hostile addresses for every page outside the API (schemathesis covers that): the admin pages, the
crew app, a guest's trip page, album and waiver, the calendar feeds, report emails' PDF links.
Whoever asks (the operator, a crew member, a stranger) with whatever path segments and query
values, the answer is a page or a redirect, never a crash (no 5xx). Looking changes nothing
stored, and neither does a refused form (retry a message, delete a data row, confirm a guest,
sign out); nothing typed comes back as markup."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from fastapi.testclient import TestClient
from hypothesis import event, given, settings
from hypothesis import strategies as st

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import Booking, BookingRequest
from firstmate.services import outbox
from firstmate.services.access import admin_link_token
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.calendar import Feed, FeedScope, feed_token
from firstmate.web.app import create_app
from tests.conftest import booking_body, crew_link
from tests.fuzz.strategies import FUZZ, examples, hostile
from tests.security.conftest import operator, sign_in

#: Each page (a GET unless it says POST), its path segments and query values to fill: `{name}` in the
#: path, `?name` after it.
PAGES = (
    "/admin/outbox?org&status",
    "/admin/outbox/{org}/{key}",
    "/admin/reports?org",
    "/admin/reports/{org}/roles/{role}/{day}",
    "/admin/reports/{org}/{week}",
    "/admin/data",
    "/admin/data/{org}/{kind}",
    "/admin/waivers?org&trip&from&to&after",
    "/admin/waivers/{org}/{booking}/{guest}.pdf",
    "/crew",
    "/crew/events/{event}",
    "/crew/login?next",
    "/crew/enter?t",
    "/admin/enter?t",
    "/g/{code}",
    "/g/{code}/waiver.pdf",
    "/g/{code}/photos/check",
    "/g/{code}/photos/{photo}",
    "/calendar/{token}.ics",
    "/report-files/{org}/{file}?expires&sig",
    "POST /admin/outbox/{org}/{key}/retry",
    "POST /admin/data/{org}/{kind}/{row}/delete",
    "POST /g/{code}/confirm",
    "POST /g/{code}/photos/{photo}/remove",
    "POST /crew/logout",
)
WHO = ("operator", "crew", "stranger")
#: What a browser asks for: errors come as pages then (others get the API's JSON)
BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
#: What a page may never contain raw: the markup in the hostile inputs, unescaped.
RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


@pytest.fixture
def trip(demo_app: App) -> Booking:
    return orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking


@pytest.fixture
def browsers(demo_app: App) -> Iterator[dict[str, TestClient]]:
    clients = {"operator": operator(demo_app), "crew": sign_in(demo_app, "priya")}
    clients["stranger"] = TestClient(create_app(demo_app))
    yield clients
    for client in clients.values():
        client.close()


def _sign_in_again(app: App, who: str, browser: TestClient) -> None:
    if who == "operator":
        assert browser.get(f"/admin/enter?t={admin_link_token(app.secret_key, app.clock.now())}").status_code == 200
    elif who == "crew":
        token = crew_link(app, "demo", "priya").split("t=", 1)[1]
        assert browser.post("/crew/enter", data={"t": token}, follow_redirects=False).status_code == 303


def real_values(app: App, trip: Booking) -> dict[str, list[str]]:
    """Values that lead somewhere, so that hostile ones are tried beside real pages too."""
    [entry, *_] = outbox.list_entries(app.store, "demo")
    return {
        "org": ["demo"], "key": [entry.key], "status": ["pending", "sent", "dead"], "role": ["ceo", "cfo"],
        "day": ["2026-11-21.html", "2026-11-21.pdf"], "week": ["2026-11-09"], "kind": ["expenses", "invoices"],
        "event": [trip.event_id], "next": ["/crew"], "t": [""], "code": [trip.guest_code], "photo": ["ph_1"],
        "row": ["inv-1"], "trip": [trip.id, trip.event_id], "booking": [trip.id], "guest": ["g1"],
        "from": ["2026-06-13"], "to": ["2026-06-14"], "after": [f"2026-06-13T23:00:00.000000Z#{trip.id}"],
        "token": [feed_token(app.secret_key, app.store, Feed("demo", FeedScope.CREW, "priya"))],
    }  # fmt: skip


@st.composite
def visits(draw: st.DrawFn, real: dict[str, list[str]]) -> tuple[str, str, str]:
    """Who opens which page how, each segment and query value real or hostile (one in two)."""
    method, _, page = draw(st.sampled_from(PAGES)).rpartition(" ")
    path, _, query = page.partition("?")

    def value(name: str) -> str:
        return draw(st.one_of(hostile, st.sampled_from(real.get(name, [""]))))

    names = [part[1:-1] for part in path.replace(".ics", "").replace(".pdf", "").split("/") if part.startswith("{")]
    for name in names:
        # a message key is a path of its own (`{key:path}`): its slashes may stay
        path = path.replace(f"{{{name}}}", quote(value(name), safe="/" if name == "key" else ""), 1)
    asked = {name: value(name) for name in query.split("&") if name}
    return draw(st.sampled_from(WHO)), method or "GET", path + (f"?{urlencode(asked)}" if asked else "")


def test_hostile_addresses_get_a_page_never_a_crash_and_change_nothing(
    demo_app: App, clock: FixedClock, trip: Booking, browsers: dict[str, TestClient]
) -> None:
    real = real_values(demo_app, trip)

    @settings(FUZZ, max_examples=examples(300))
    @given(visit=visits(real))
    def run(visit: tuple[str, str, str]) -> None:
        who, method, address = visit
        clock.advance(timedelta(minutes=11))  # a fresh rate-limit window: one fuzzer is faster than any crowd
        _sign_in_again(demo_app, who, browsers[who])  # hours pass that way: a session lasts less
        before = demo_app.store.change_marker()
        answer = browsers[who].request(method, address, headers=BROWSER, follow_redirects=False)
        event(f"{method} {address.split('/')[1]} as {who}: {answer.status_code}")
        assert answer.status_code < 500, (who, method, address, answer.text[:300])
        if method == "GET" or answer.status_code != 303:  # a refused form changes nothing either
            assert demo_app.store.change_marker() == before, (who, method, address, answer.status_code)
        for raw in RAW_MARKUP:
            assert raw not in answer.text, (who, address)

    run()
