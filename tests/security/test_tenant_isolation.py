"""Tenant isolation across every route: a second org built like the first (the same boat, entity
and person ids) reaches none of the first org's things through any route, with any credential it
holds: its service key, its crew's and admin's sessions, its guests' page codes, its feeds.
Another org's things are "not found" (never "forbidden": that would confirm they exist)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.demo.run import demo_profile
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.business import BusinessProfile, Org
from firstmate.domain.guests import SigningForm, waiver_version
from firstmate.services import outbox, outbox_list
from firstmate.services.bookings import get_booking, list_guests, orchestrate_booking
from firstmate.services.business import save_business
from firstmate.services.calendar import Feed, FeedScope, feed_token
from firstmate.services.data import save_row
from firstmate.services.guests import CodeTarget, sign_waiver
from firstmate.services.keys import create_key, revoke_key
from firstmate.services.trips import get_event
from firstmate.web.app import create_app
from tests.conftest import booking_body, crew_link
from tests.security.conftest import Tenant, operator, sign_in
from tests.web.test_guest_flow import DEPARTURE, PNG

#: Routes that hold no org's data: documentation, health, sign-in forms, static files, the upload
#: endpoint (it takes only forms signed for one trip's key) and report emails' PDF links (each opens
#: the one PDF it was signed for): see test_tokens.
PUBLIC = {
    ("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/docs/oauth2-redirect"), ("GET", "/redoc"),
    ("GET", "/static"), ("GET", "/healthz"), ("GET", "/"), ("GET", "/crew/login"), ("POST", "/crew/login"),
    ("GET", "/crew/enter"), ("POST", "/crew/enter"), ("POST", "/crew/logout"), ("GET", "/admin/enter"),
    ("POST", "/uploads"), ("GET", "/report-files/{org}/{file}"),
}  # fmt: skip


def served_routes(app: App) -> set[tuple[str, str]]:
    """Every (method, path) the web app answers."""
    found: set[tuple[str, str]] = set()

    def walk(routes: list[object]) -> None:
        for route in routes:
            router = getattr(route, "original_router", None)  # FastAPI's included routers
            if router is not None:
                walk(router.routes)
            elif isinstance(route, Mount):
                found.add(("GET", route.path))
            elif isinstance(route, APIRoute) or hasattr(route, "methods"):
                found.update((m, route.path) for m in route.methods - {"HEAD"})  # type: ignore[attr-defined]

    walk(create_app(app).routes)
    return found


@dataclass(frozen=True)
class Victim:
    """The demo org's things an attacker aims at."""

    booking_id: str
    event_id: str
    guest_code: str
    outbox_key: str
    photo_id: str
    data_key: str
    secrets: tuple[str, ...]  # what must never show (ids an attacker sends may be echoed)
    attacker_code: str  # the rival's own guest page code


@pytest.fixture
def victim(demo_app: App, demo: Tenant, rival: Tenant, clock: FixedClock) -> Victim:
    clock.set(DEPARTURE - timedelta(minutes=30))  # the album is open: the trip gets a photo
    with TestClient(create_app(demo_app)) as guest:
        page = guest.get(f"/g/{demo.booking.guest_code}").text
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
        fields.pop("waiver_version", None)
        stored = guest.post("/uploads", data=fields, files={"file": ("p.png", PNG, "image/png")}).url
        assert "uploaded" in str(stored)
    [photo_id] = set(re.findall(r"/photos/([0-9a-f]{16})", guest_page_html(demo_app, demo.booking.guest_code)))
    version = waiver_version(demo_profile().entities[0].waiver)  # the lead signs: the admin's waivers list it
    form = SigningForm(typed_name="Dana Whitcomb", agree=True, waiver_version=version)
    sign_waiver(demo_app, CodeTarget("demo", demo.booking.id, "g1"), form, ip="198.51.100.7", user_agent="test")
    key = save_row(demo_app.store, "demo", "payouts", {"id": "PAY-1", "source": "boatsetter", "paid_on": "2026-05-01",
                                                       "amount": "624.00"}, clock=demo_app.clock)  # fmt: skip
    demo_app.blobs.put("reports/demo/roles/2026-06-01/cfo.html", b"<p>demo cfo</p>", "text/html")
    demo_app.blobs.put("reports/demo/weekly/2026-06-01/weekly.html", b"<p>demo weekly</p>", "text/html")
    [crew_mail] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":crew:theo")]
    secrets = (demo.booking.guest_code, "840.75", "624.00", "demo cfo", "demo weekly")
    return Victim(demo.booking.id, demo.booking.event_id, demo.booking.guest_code, crew_mail.key, photo_id, key,
                  secrets, rival.booking.guest_code)  # fmt: skip


def guest_page_html(app: App, code: str) -> str:
    with TestClient(create_app(app)) as guest:
        return guest.get(f"/g/{code}").text


Attack = Callable[[dict[str, TestClient], Victim], list[object]]


def _api(method: str, path: str, body: object = None, *, who: tuple[str, ...] = ("key", "crew")) -> Attack:
    """The rival's service key acting for the rival's own jonah (the same id as demo's jonah), and
    the rival's jonah signed in (the crew API takes either; the bookings API only keys)."""

    def attack(as_: dict[str, TestClient], v: Victim) -> list[object]:
        return [as_[w].request(method, path.format(**v.__dict__), json=body) for w in who]

    return attack


def _page(method: str, path: str, who: str = "crew", **form: str) -> Attack:
    def attack(as_: dict[str, TestClient], v: Victim) -> list[object]:
        url = path.format(**v.__dict__)
        return [as_[who].request(method, url, data=form or None, follow_redirects=False)]

    return attack


#: Every route that serves an org's data, and how the rival goes for the demo org's through it.
ATTACKS: dict[tuple[str, str], Attack] = {
    ("GET", "/api/v1/bookings/{booking_id}"): _api("GET", "/api/v1/bookings/{booking_id}", who=("key",)),
    ("DELETE", "/api/v1/bookings/{booking_id}"): _api("DELETE", "/api/v1/bookings/{booking_id}", who=("key",)),
    ("GET", "/api/v1/events/{event_id}"): _api("GET", "/api/v1/events/{event_id}"),
    ("POST", "/api/v1/events/{event_id}/roles/{role}/claim"): _api(
        "POST", "/api/v1/events/{event_id}/roles/captain/claim"
    ),
    ("POST", "/api/v1/events/{event_id}/roles/{role}/release"): _api(
        "POST", "/api/v1/events/{event_id}/roles/captain/release", {"person_id": "jonah"}
    ),
    ("POST", "/api/v1/events/{event_id}/roles/{role}/designate"): _api(
        "POST", "/api/v1/events/{event_id}/roles/captain/designate", {"person_id": "jonah"}
    ),
    ("GET", "/crew/events/{event_id}"): _page("GET", "/crew/events/{event_id}"),
    ("POST", "/crew/events/{event_id}/roles/{role}/claim"): _page("POST", "/crew/events/{event_id}/roles/crew_1/claim"),
    ("POST", "/crew/events/{event_id}/roles/{role}/release"): _page(
        "POST", "/crew/events/{event_id}/roles/crew_1/release", person_id="jonah"
    ),
    ("POST", "/crew/events/{event_id}/roles/{role}/designate"): _page(
        "POST", "/crew/events/{event_id}/roles/crew_1/designate", person_id="jonah"
    ),
    ("POST", "/crew/events/{event_id}/checklist/{key}/tick"): _page(
        "POST", "/crew/events/{event_id}/checklist/fuel/tick"
    ),
    ("POST", "/crew/events/{event_id}/checklist/{key}/undo"): _page(
        "POST", "/crew/events/{event_id}/checklist/fuel/undo"
    ),
    ("GET", "/admin/outbox/{org}/{key:path}"): _page("GET", "/admin/outbox/demo/{outbox_key}", "admin"),
    ("POST", "/admin/outbox/{org}/{key:path}/retry"): _page(
        "POST", "/admin/outbox/demo/{outbox_key}/retry", "admin", confirm="yes"
    ),
    ("GET", "/admin/reports/{org}/roles/{role}/{as_of}"): _page(
        "GET", "/admin/reports/demo/roles/cfo/2026-06-01", "admin"
    ),
    ("GET", "/admin/reports/{org}/{week}"): _page("GET", "/admin/reports/demo/2026-06-01", "admin"),
    ("GET", "/admin/data/{org}/{kind}"): _page("GET", "/admin/data/demo/payouts", "admin"),
    ("POST", "/admin/data/{org}/{kind}"): _page(
        "POST", "/admin/data/demo/payouts", "admin", id="PAY-1", source="x", paid_on="2026-05-02", amount="1"
    ),
    ("POST", "/admin/data/{org}/{kind}/{key:path}/delete"): _page(
        "POST", "/admin/data/demo/payouts/{data_key}/delete", "admin"
    ),
    ("GET", "/admin/waivers/{org}/{booking_id}/{guest_id}.pdf"): _page(
        "GET", "/admin/waivers/demo/{booking_id}/g1.pdf", "admin"
    ),
    ("GET", "/g/{code}/photos/{photo_id}"): _page("GET", "/g/{attacker_code}/photos/{photo_id}", "guest"),
    ("GET", "/g/{code}/photos/check"): _page("GET", "/g/{attacker_code}/photos/check?id={photo_id}", "guest"),
    ("POST", "/g/{code}/photos/{photo_id}/remove"): _page(
        "POST", "/g/{attacker_code}/photos/{photo_id}/remove", "guest", confirm="yes"
    ),
}
#: Routes whose answer depends on the caller alone (their own org's list, their own guest code,
#: their own feed): checked below for showing nothing of the demo org.
OWN_VIEWS = {
    ("GET", "/crew"), ("GET", "/admin/outbox"), ("GET", "/admin/reports"), ("GET", "/admin/data"),
    ("GET", "/admin/waivers"), ("POST", "/api/v1/bookings"), ("GET", "/g/{code}"), ("POST", "/g/{code}/guests"),
    ("POST", "/g/{code}/confirm"),
    ("POST", "/g/{code}/waiver"), ("GET", "/g/{code}/waiver.pdf"), ("GET", "/calendar/{token}.ics"),
    ("POST", "/g/{code}/withdraw"), ("POST", "/g/{code}/guests/{guest_id}/remove"),
}  # fmt: skip


def test_every_route_is_public_attacked_or_a_view_of_the_callers_own(demo_app: App) -> None:
    unclassified = served_routes(demo_app) - PUBLIC - set(ATTACKS) - OWN_VIEWS
    assert not unclassified, f"say how these routes keep orgs apart, then add them here: {sorted(unclassified)}"


def _rival_browsers(app: App, rival: Tenant) -> dict[str, TestClient]:
    key = TestClient(create_app(app), headers={"Authorization": f"Bearer {rival.key}", "X-Acting-For": "jonah"})
    return {"key": key, "crew": sign_in(app, "jonah", "rival"), "admin": sign_in(app, "marisol", "rival"),
            "guest": TestClient(create_app(app))}  # fmt: skip


def test_no_route_reaches_another_orgs_things(demo_app: App, rival: Tenant, victim: Victim) -> None:
    def state() -> tuple[object, ...]:
        store = demo_app.store
        return (get_booking(store, "demo", victim.booking_id), get_event(store, "demo", victim.event_id),
                len(outbox.list_entries(store, "demo", limit=1000)))  # fmt: skip

    browsers, before, leaks = _rival_browsers(demo_app, rival), state(), []
    for route, attack in sorted(ATTACKS.items()):
        for answer in attack(browsers, victim):
            text, status = answer.text, answer.status_code  # type: ignore[attr-defined]
            if status != 404 or any(secret in text for secret in victim.secrets):
                leaks.append(f"{route}: {status} {text[:160]}")
    assert not leaks
    assert state() == before  # nothing of the demo org changed…
    own = operator(demo_app)  # …and it is all still there for the demo org
    assert own.get(f"/admin/outbox/demo/{victim.outbox_key}").status_code == 200
    assert "PAY-1" in own.get("/admin/data/demo/payouts").text
    assert own.get("/admin/reports/demo/roles/cfo/2026-06-01").status_code == 200
    assert own.get(f"/g/{victim.guest_code}/photos/{victim.photo_id}").status_code == 200
    assert own.get(f"/admin/waivers/demo/{victim.booking_id}/g1.pdf").status_code == 200


def test_views_of_the_callers_own_show_nothing_of_another_org(demo_app: App, rival: Tenant, victim: Victim) -> None:
    browsers = _rival_browsers(demo_app, rival)

    def clean(answer: object, status: int = 200) -> str:
        text: str = answer.text  # type: ignore[attr-defined]
        assert answer.status_code == status, text[:200]  # type: ignore[attr-defined]
        assert not any(secret in text for secret in victim.secrets), text[:200]
        return text

    assert rival.booking.event_id in clean(browsers["crew"].get("/crew"))
    for page in ("/admin/outbox", "/admin/reports", "/admin/data", "/admin/waivers", "/admin/outbox?org=demo",
                 "/admin/waivers?org=demo", f"/admin/waivers?trip={victim.booking_id}"):  # fmt: skip
        clean(browsers["admin"].get(page), 404 if "org=demo" in page or "trip=" in page else 200)
    clean(browsers["admin"].get("/admin/waivers?from=2026-06-13&to=2026-06-13"))  # their own trips that day alone
    # the lists' places (2026-12-06) naming the demo org's rows read the rival's own lists from there, nothing more
    [entry] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key == victim.outbox_key]
    place = " ".join(outbox_list.place_of(entry))
    moment = place.split(" ")[0]
    for name in ("after", "before"):
        clean(browsers["admin"].get("/admin/outbox", params={name: place}))
        clean(browsers["admin"].get("/admin/outbox", params={name: place, "q": "@"}))
    for name, place in (("roles_after", "2026-06-02 demo cfo"), ("runs_after", f"{moment} 2026-06-01-x demo")):
        clean(browsers["admin"].get("/admin/reports", params={name: place}))
    for name in ("after", "before", "at", "edit"):
        clean(browsers["admin"].get("/admin/data/rival/payouts", params={name: victim.data_key.partition("#")[2]}))
    clean(browsers["admin"].get("/admin/data/rival/payouts", params={"page": "2"}), 404)
    # a change to the demo org's booking (same source and external id), sent with the rival's key,
    # is a new booking of the rival's, and changes nothing of the demo org's
    created = browsers["key"].post("/api/v1/bookings", json=booking_body(gross_amount="555.55"))
    assert clean(created, 201) and created.json()["result"] == "created"
    assert get_booking(demo_app.store, "demo", victim.booking_id).revision == 1
    code, guest = rival.booking.guest_code, browsers["guest"]
    [victim_status] = {g.status for g in list_guests(demo_app.store, "demo", victim.booking_id)}
    clean(guest.get(f"/g/{code}"))
    clean(guest.post(f"/g/{code}/guests", data={"name": "Robin Sample"}, follow_redirects=False), 303)
    clean(guest.post(f"/g/{code}/confirm", follow_redirects=False), 303)
    clean(guest.post(f"/g/{code}/withdraw", follow_redirects=False), 303)  # their own status alone
    assert {g.status for g in list_guests(demo_app.store, "demo", victim.booking_id)} == {victim_status}
    clean(guest.get(f"/g/{code}/waiver.pdf"), 404)  # not signed yet: their own waiver, nobody else's
    assert len(list_guests(demo_app.store, "demo", victim.booking_id)) == 1  # the demo trip kept its group
    assert len(list_guests(demo_app.store, "rival", rival.booking.id)) == 2
    assert "Remove Robin Sample from your group?" in clean(guest.post(f"/g/{code}/guests/g2/remove"))
    clean(guest.post(f"/g/{code}/guests/g2/remove", data={"confirm": "yes"}, follow_redirects=False), 303)
    assert len(list_guests(demo_app.store, "rival", rival.booking.id)) == 1  # their own guest: the demo trip's kept
    assert len(list_guests(demo_app.store, "demo", victim.booking_id)) == 1
    for scope, target in ((FeedScope.ORG, "rival"), (FeedScope.ENTITY, "saltwind-charters"), (FeedScope.CREW, "jonah")):
        token = feed_token(demo_app.secret_key, demo_app.store, Feed("rival", scope, target))
        assert "BEGIN:VEVENT" in clean(guest.get(f"/calendar/{token}.ics"))


def test_one_server_keeps_each_orgs_pages_apart_for_people_of_the_same_id(
    demo_app: App, demo: Tenant, rival: Tenant
) -> None:
    """Kept crew pages and trip answers are filed by org as well as person: the two orgs' Marisols
    (the same person id) use one server, one after the other, and each sees only her own org."""
    web = create_app(demo_app)
    browsers = {}
    for tenant in (demo, rival):
        browser = TestClient(web)
        link = crew_link(demo_app, tenant.org, "marisol")
        entered = browser.post("/crew/enter", data={"t": link.split("t=", 1)[1]}, follow_redirects=False)
        assert entered.status_code == 303
        browsers[tenant.org] = browser
    mine = {"demo": demo, "rival": rival}
    for _ in range(2):  # the second time round, everything is answered from what was kept
        for org, browser in browsers.items():
            own, other = mine[org].booking, mine["rival" if org == "demo" else "demo"].booking
            listed = browser.get("/crew").text
            assert own.event_id in listed and other.event_id not in listed
            page = browser.get(f"/crew/events/{own.event_id}").text
            assert f"{own.request.gross_amount} USD" in page and str(other.request.gross_amount) not in page  # admins
            assert browser.get(f"/api/v1/events/{own.event_id}").json()["event_id"] == own.event_id
            assert browser.get(f"/crew/events/{other.event_id}").status_code == 404
            assert browser.get(f"/api/v1/events/{other.event_id}").status_code == 404
    assert len(web.state.crew_pages) == 6  # three kept answers for each Marisol


# --- moved here from tests/web/test_bookings_api.py and test_hardening.py ------------------------------


def _post(client: TestClient, key: str, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/bookings", json=body, headers={"Authorization": f"Bearer {key}"})


def test_keys_are_checked_and_orgs_are_isolated(client: TestClient, demo_app: App, api_key: str) -> None:
    assert client.post("/api/v1/bookings", json=booking_body()).status_code == 401
    assert _post(client, "fmk_000000000000_" + "x" * 43, booking_body()).status_code == 401
    assert _post(client, api_key + "x", booking_body()).status_code == 401
    created = _post(client, api_key, booking_body()).json()

    from firstmate.domain.business import BusinessProfile, Org
    from firstmate.services.business import save_business

    org = Org(id="rival", name="Rival Boats", owner_email="o@example.com", ops_email="p@example.com")
    save_business(demo_app.store, BusinessProfile(org=org))
    rival_key = create_key(demo_app.store, "rival", "x", demo_app.clock.now())[1]
    rival = {"Authorization": f"Bearer {rival_key}"}
    assert client.get(f"/api/v1/bookings/{created['booking_id']}", headers=rival).status_code == 404
    assert client.delete(f"/api/v1/bookings/{created['booking_id']}", headers=rival).status_code == 404
    assert get_event(demo_app.store, "demo", created["event_id"]).status.value == "scheduled"

    key_id = api_key.split("_")[1]
    revoke_key(demo_app.store, "demo", key_id, demo_app.clock.now())
    assert _post(client, api_key, booking_body()).status_code == 401


def _book(app: App, **changes: object) -> BookingRequest:
    request = BookingRequest.model_validate(booking_body(**changes))
    orchestrate_booking(app, "demo", request)
    return request


def test_an_org_admin_sees_only_their_org_and_never_a_usable_link(demo_app: App) -> None:
    save_business(
        demo_app.store,
        BusinessProfile(org=Org(id="rival", name="Rival", owner_email="o@example.com", ops_email="p@example.com")),
    )
    outbox.enqueue(demo_app.store, "rival", [], demo_app.clock.now())
    _book(demo_app)
    admin = sign_in(demo_app, "marisol")
    assert admin.get("/admin/outbox?org=rival").status_code == 404
    listing = admin.get("/admin/outbox")
    assert listing.status_code == 200 and 'value="rival"' not in listing.text
    [crew_mail] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":crew:theo")]
    page = admin.get(f"/admin/outbox/demo/{crew_mail.key}")
    assert page.status_code == 200 and "/crew/enter?t=[redacted]" in page.text and "eyJ" not in page.text
    assert admin.get(f"/admin/outbox/rival/{crew_mail.key}").status_code == 404
    assert sign_in(demo_app, "theo").get("/admin/outbox").status_code == 403
