"""Token forgery and replay: sign-in links, sessions, calendar feeds, service keys, upload forms
and report emails' PDF links.
A token opens only what it was issued for, once when it is single-use, until it expires or is
revoked; any other token, and any change to a real one, opens nothing."""

from __future__ import annotations

import base64
import binascii
import os
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from structlog.testing import capture_logs

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App, build
from firstmate.config import Settings
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.mail import SignInLink
from firstmate.domain.people import Person
from firstmate.errors import NotFound, Unauthorized
from firstmate.services import outbox
from firstmate.services.access import (
    ADMIN_AUDIENCE,
    CREW_AUDIENCE,
    NOTIFICATION_LINK_TTL,
    SigningKeys,
    admin_link_token,
    admin_session_token,
    crew_link_token,
    issue_token,
    verify_token,
)
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.calendar import Feed, FeedScope, feed_token, resolve_feed
from firstmate.services.people import get_person, save_people
from firstmate.services.report_links import REPORT_LINK_TTL, report_pdf_link
from firstmate.web.app import create_app
from tests.conftest import booking_body, crew_link, mail_text, sent_mail
from tests.fuzz.strategies import FUZZ, examples
from tests.security.conftest import Tenant, book, sign_in

URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
JWT_HEADER = "eyJhbGciOi"  # how every token firstmate signs begins: {"alg":…


def _crew_link(app: App, person: str = "jonah") -> str:
    return crew_link(app, "demo", person).split("t=", 1)[1]


def _crew_event_link(app: App, event_id: str, person: str = "jonah") -> str:
    """The token of a "Crew needed" mail's link, as the mail carries it once sent."""
    ttl = int(NOTIFICATION_LINK_TTL.total_seconds())
    link = SignInLink(org="demo", person_id=person, purpose=f"event:{event_id}", valid_for_s=ttl)
    return crew_link_token(app.secret_key, link, app.clock.now())


def _crew_session(app: App, person: str = "jonah") -> str:
    return issue_token(app.secret_key, typ="crew-session", subject=person, now=app.clock.now(),
                       ttl=timedelta(days=7), audience=CREW_AUDIENCE, extra={"org": "demo"})  # fmt: skip


def _crew_link_opens(client: TestClient, token: str) -> bool:
    client.cookies.clear()
    return client.post("/crew/enter", data={"t": token}, follow_redirects=False).status_code == 303


def _crew_session_opens(client: TestClient, token: str) -> bool:
    client.cookies.clear()
    client.cookies.set("fm_crew", token)
    return client.get("/crew", follow_redirects=False).status_code == 200


def _admin_link_opens(client: TestClient, token: str) -> bool:
    client.cookies.clear()
    return client.get("/admin/enter", params={"t": token}, follow_redirects=False).status_code == 303


def _admin_session_opens(client: TestClient, token: str) -> bool:
    client.cookies.clear()
    client.cookies.set("fm_admin", token)
    return client.get("/admin/outbox", follow_redirects=False).status_code == 200


DOORS: dict[str, Callable[[TestClient, str], bool]] = {
    "crew link": _crew_link_opens,
    "crew session": _crew_session_opens,
    "admin link": _admin_link_opens,
    "admin session": _admin_session_opens,
}


def test_each_token_opens_only_the_door_it_was_issued_for(client: TestClient, demo_app: App, demo: Tenant) -> None:
    now = demo_app.clock.now()
    tokens = {
        "crew link": lambda: _crew_link(demo_app),
        "crew event link": lambda: _crew_event_link(demo_app, demo.booking.event_id),
        "crew session": lambda: _crew_session(demo_app),
        "admin link": lambda: admin_link_token(demo_app.secret_key, now),
        "admin session": lambda: admin_session_token(demo_app.secret_key, now),
    }
    opened = {(kind, door) for kind, make in tokens.items() for door, opens in DOORS.items() if opens(client, make())}
    assert opened == {
        ("crew link", "crew link"),
        ("crew event link", "crew link"),
        ("crew session", "crew session"),
        ("admin link", "admin link"),
        ("admin session", "admin session"),
    }


def _claims(app: App, **changes: Any) -> dict[str, Any]:
    now = int(app.clock.now().timestamp())
    claims = {"iss": "firstmate", "aud": CREW_AUDIENCE, "typ": "magic", "sub": "jonah", "org": "demo",
              "purpose": "login", "iat": now, "exp": now + 600, "jti": f"j{len(changes)}{sorted(changes)}"}  # fmt: skip
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "algorithm"),
    [
        pytest.param({"exp": None}, "HS256", id="no-expiry"),
        pytest.param({"iat": None}, "HS256", id="no-issued-at"),
        pytest.param({"jti": None}, "HS256", id="no-id-so-no-single-use"),
        pytest.param({"exp": 1}, "HS256", id="expired-long-ago"),
        pytest.param({"iss": "someone-else"}, "HS256", id="other-issuer"),
        pytest.param({"aud": ADMIN_AUDIENCE}, "HS256", id="admin-audience"),
        pytest.param({"aud": None}, "HS256", id="no-audience"),
        pytest.param({"typ": "crew-session"}, "HS256", id="a-session-as-a-link"),
        pytest.param({"org": None}, "HS256", id="no-org"),
        pytest.param({"sub": "nobody"}, "HS256", id="no-such-person"),
        pytest.param({"purpose": "admin"}, "HS256", id="unknown-purpose"),
        pytest.param({"purpose": "event:../../admin/outbox"}, "HS256", id="purpose-with-a-path"),
        pytest.param({"purpose": "event:ev_1/../../admin/outbox"}, "HS256", id="trip-with-a-path"),
        pytest.param({}, "HS512", id="other-algorithm-same-key"),
    ],
)
def test_links_signed_with_our_key_but_wrong_claims_open_nothing(
    client: TestClient, demo_app: App, changes: dict[str, Any], algorithm: str
) -> None:
    token = jwt.encode(_claims(demo_app, **changes), demo_app.secret_key.current, algorithm=algorithm)
    assert client.post("/crew/enter", data={"t": token}, follow_redirects=False).status_code == 401
    if "sub" not in changes:  # opening checks the token; only spending it looks the person up
        assert client.get("/crew/enter", params={"t": token}).status_code == 401
    assert "fm_crew" not in client.cookies


def _decoded(token: str) -> tuple[bytes | None, ...]:
    """What each dot-separated part of a token decodes to (a change that decodes the same is none)."""
    parts: list[bytes | None] = []
    for part in token.split("."):
        try:
            parts.append(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        except (binascii.Error, ValueError):
            parts.append(None)
    return tuple(parts)


@st.composite
def tampering(draw: st.DrawFn) -> Callable[[str], str]:
    """One change an attacker might try: a character replaced, cut off, or added."""
    how = draw(st.sampled_from(["replace", "truncate", "append"]))
    where = draw(st.floats(0, 1, exclude_max=True))
    char = draw(st.sampled_from(URLSAFE))

    def tamper(token: str) -> str:
        at = int(where * len(token))
        if how == "replace":
            return token[:at] + char + token[at + 1 :]
        return token[:at] if how == "truncate" else token + char

    return tamper


@settings(FUZZ, max_examples=examples(60))
@given(tamper=tampering(), kind=st.sampled_from(["crew link", "admin link", "admin session", "crew session"]))
def test_any_change_to_a_real_token_opens_nothing(
    client: TestClient, demo_app: App, tamper: Callable[[str], str], kind: str
) -> None:
    now = demo_app.clock.now()
    original = {
        "crew link": lambda: _crew_link(demo_app),
        "admin link": lambda: admin_link_token(demo_app.secret_key, now),
        "admin session": lambda: admin_session_token(demo_app.secret_key, now),
        "crew session": lambda: _crew_session(demo_app),
    }[kind]()
    forged = tamper(original)
    if _decoded(forged) == _decoded(original):  # base64's spare bits: the same token, spelled otherwise
        return
    assert not DOORS[kind](client, forged)


@settings(FUZZ, max_examples=examples(40))
@given(tamper=tampering())
def test_any_change_to_a_feed_or_service_key_opens_nothing(
    client: TestClient, demo_app: App, demo: Tenant, tamper: Callable[[str], str]
) -> None:
    token = feed_token(demo_app.secret_key, demo_app.store, Feed("demo", FeedScope.ORG, "demo"))
    if tamper(token) != token:
        assert client.get(f"/calendar/{tamper(token)}.ics").status_code == 404
    forged_key = tamper(demo.key)
    if forged_key.strip() != demo.key:
        answer = client.get(f"/api/v1/bookings/{demo.booking.id}", headers={"Authorization": f"Bearer {forged_key}"})
        assert answer.status_code == 401


def test_a_feed_token_of_one_org_is_no_key_to_another(client: TestClient, demo_app: App, rival: Tenant) -> None:
    mine = feed_token(demo_app.secret_key, demo_app.store, Feed("rival", FeedScope.ORG, "rival"))
    body, mac = mine.split(".")
    payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).replace(b'"rival"', b'"demo"')
    swapped = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    assert client.get(f"/calendar/{swapped}.{mac}.ics").status_code == 404
    own = client.get(f"/calendar/{mine}.ics").text  # the real one opens its own org only
    assert "777.77" in own and "840.75" not in own


def test_a_link_pressed_twenty_times_at_once_signs_in_once(demo_app: App) -> None:
    token = _crew_link(demo_app)
    clients = [TestClient(create_app(demo_app)) for _ in range(20)]
    for client in clients:
        client.get("/crew/login")  # each server up and ready before the rush
    barrier = threading.Barrier(20)
    answers: list[int] = []

    def enter(client: TestClient) -> None:
        barrier.wait()
        answers.append(client.post("/crew/enter", data={"t": token}, follow_redirects=False).status_code)

    threads = [threading.Thread(target=enter, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(answers) == {303: 1, 401: 19}


def test_a_notification_link_opens_its_own_trip_once(client: TestClient, demo_app: App, demo: Tenant) -> None:
    [queued] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":crew:theo")]
    assert "eyJ" not in queued.message.text + (queued.message.html or "")  # no token at rest in the outbox
    match = re.search(r"/crew/enter\?t=([\w.-]+)", mail_text(sent_mail(demo_app, "demo", queued.key)))
    assert match is not None
    entered = client.post("/crew/enter", data={"t": match.group(1)}, follow_redirects=False)
    assert entered.status_code == 303 and entered.headers["location"] == f"/crew/events/{demo.booking.event_id}"
    client.cookies.clear()
    assert client.post("/crew/enter", data={"t": match.group(1)}).status_code == 401


def test_text_a_renter_wrote_cannot_carry_a_crew_members_token(demo_app: App) -> None:
    """A booking's notes reach every crew member's mail. Notes holding the place of the sign-in
    token, as `outbox show` displays it (or a guess at one), come out of the sent mail as written:
    each message's place is its own and unguessable, so the one token goes into the real link only
    (with one fixed place for all, a note's link to another site carried each crew member's token)."""
    from firstmate.domain.mail import SIGN_IN_SLOT

    bait = f"https://evil.example/plan?x={SIGN_IN_SLOT[:-1]}) and {SIGN_IN_SLOT}{'0' * 24}) or {SIGN_IN_SLOT}"
    body = booking_body(external_id="BAIT-1", notes=f"Bring snacks: {bait}")
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    crew = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.startswith(f"bk:{booking.id}:r1:crew:")]
    assert len(crew) == 4 and len({e.message.sign_in.slot for e in crew if e.message.sign_in}) == 4
    for entry in crew:
        mail = sent_mail(demo_app, "demo", entry.key)
        text = mail_text(mail)
        html = mail.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
        assert bait in text and text.count(JWT_HEADER) == 1  # one token, in the link
        assert html.count(JWT_HEADER) == 1 and re.search(rf'href="[^"]*/crew/enter\?t={JWT_HEADER}', html)


def test_a_session_stops_working_when_its_person_is_deactivated(demo_app: App, demo: Tenant) -> None:
    theo = sign_in(demo_app, "theo")
    assert theo.get(f"/api/v1/events/{demo.booking.event_id}").status_code == 200
    save_people(
        demo_app.store, "demo", [Person(id="theo", name="Theo Bowline", email="theo@example.com", active=False)]
    )
    assert theo.get(f"/api/v1/events/{demo.booking.event_id}").status_code == 401
    assert theo.get("/crew", follow_redirects=False).status_code == 401  # told why (the sign-in page)
    assert not _crew_link_opens(theo, _crew_link(demo_app, "theo"))


def test_someone_taken_off_the_crew_is_told_so_by_their_link_not_to_ask_for_another(demo_app: App) -> None:
    """A review: Theo, made inactive after his sign-in link was sent, opened it to a "Continue" page, and
    Continue answered "this account is not active: ask for a new link below." A new link never comes to
    someone inactive. The link now says so as it opens, with who to ask, and spends nothing."""
    token = _crew_link(demo_app, "theo")
    theo = get_person(demo_app.store, "demo", "theo")
    save_people(demo_app.store, "demo", [theo.model_copy(update={"active": False})])
    browser = TestClient(create_app(demo_app))
    opened = browser.get(f"/crew/enter?t={token}")
    assert opened.status_code == 401 and "Continue" not in opened.text
    assert "this account is not active: ask the operations manager" in opened.text
    pressed = browser.post("/crew/enter", data={"t": token})
    assert pressed.status_code == 401 and "this account is not active: ask the operations manager" in pressed.text
    assert "ask for a new link" not in opened.text + pressed.text
    save_people(demo_app.store, "demo", [theo])  # back on the crew: the link was not spent
    assert browser.post("/crew/enter", data={"t": token}, follow_redirects=False).status_code == 303


def test_someone_signed_in_and_taken_off_the_crew_is_told_why_they_are_signed_out(demo_app: App, demo: Tenant) -> None:
    """A review: Theo, signed in and then made inactive, was sent to the sign-in page with no word of why;
    asking for a link there answered "check your email", and none came. His pages now answer 401 with the
    sign-in page saying "this account is not active: ask the operations manager", and forget his cookie."""
    theo = sign_in(demo_app, "theo")
    trip = f"/crew/events/{demo.booking.event_id}"
    assert theo.get(trip).status_code == 200
    theo_now = get_person(demo_app.store, "demo", "theo")
    save_people(demo_app.store, "demo", [theo_now.model_copy(update={"active": False})])
    cookie = theo.cookies["fm_crew"]
    for method, path in (("post", f"{trip}/roles/crew_1/claim"), ("get", trip), ("get", "/crew")):
        theo.cookies.set("fm_crew", cookie)
        answer = theo.request(method, path, follow_redirects=False)
        assert answer.status_code == 401 and "this account is not active: ask the operations manager" in answer.text
        assert 'fm_crew="";' in answer.headers["set-cookie"] and "max-age=0" in answer.headers["set-cookie"].lower()
    from firstmate.services.trips import get_event

    assert get_event(demo_app.store, "demo", demo.booking.event_id).roles[1].person_id is None  # nothing changed


def test_a_signed_out_session_cannot_be_replayed_and_other_devices_stay_signed_in(demo_app: App, demo: Tenant) -> None:
    web = create_app(demo_app)  # one server: a page kept for the session must not outlive it either
    tablet, phone = TestClient(web), TestClient(web)
    for device in (tablet, phone):
        link = crew_link(demo_app, "demo", "theo")
        assert device.post("/crew/enter", data={"t": link.split("t=", 1)[1]}, follow_redirects=False).status_code == 303
    trip = f"/crew/events/{demo.booking.event_id}"
    assert tablet.get(trip).status_code == 200 and tablet.get(f"/api/v1/events/{demo.booking.event_id}").is_success
    copied = tablet.cookies["fm_crew"]  # someone took a copy of the cookie before Theo signed out
    signed_out = tablet.post("/crew/logout", follow_redirects=False)
    assert signed_out.status_code == 303 and "fm_crew" not in tablet.cookies
    for path in (trip, "/crew", f"/api/v1/events/{demo.booking.event_id}"):  # kept afresh for the phone's session
        assert phone.get(path).status_code == 200
    replay = TestClient(web, cookies={"fm_crew": copied})
    assert replay.get(trip, follow_redirects=False).headers["location"] == "/crew/login"
    assert replay.get("/crew", follow_redirects=False).headers["location"] == "/crew/login"
    assert replay.get(f"/api/v1/events/{demo.booking.event_id}").status_code == 401
    assert replay.post(f"{trip}/roles/captain/claim", follow_redirects=False).headers["location"] == "/crew/login"
    assert phone.get(trip).status_code == 200  # signing out on one device leaves the others alone
    assert TestClient(web).post("/crew/logout", follow_redirects=False).status_code == 303  # no session: fine


def test_a_service_key_acts_only_for_people_of_its_own_org(
    client: TestClient, demo_app: App, demo: Tenant, rival: Tenant
) -> None:
    url = f"/api/v1/events/{demo.booking.event_id}/roles/captain/claim"
    nobody = client.post(url, headers={"Authorization": f"Bearer {demo.key}"})
    assert nobody.status_code == 401  # a key must say whom it acts for
    stranger = client.post(url, headers={"Authorization": f"Bearer {demo.key}", "X-Acting-For": "no-one"})
    assert stranger.status_code == 404
    other_org = client.post(url, headers={"Authorization": f"Bearer {rival.key}", "X-Acting-For": "jonah"})
    assert other_org.status_code == 404  # rival's jonah, demo's trip
    assert all(slot.person_id is None for slot in _roster(demo_app, demo))


def test_a_service_key_no_longer_acts_for_someone_made_inactive(
    client: TestClient, demo_app: App, demo: Tenant
) -> None:
    """As their sessions, links and feed stop: an admin who left designated crew through a key."""

    marisol = get_person(demo_app.store, "demo", "marisol")
    save_people(demo_app.store, "demo", [marisol.model_copy(update={"active": False})])
    as_her = {"Authorization": f"Bearer {demo.key}", "X-Acting-For": "marisol"}
    trip = f"/api/v1/events/{demo.booking.event_id}"
    assert client.get(trip, headers=as_her).status_code == 401
    made = client.post(f"{trip}/roles/captain/designate", headers=as_her, json={"person_id": "jonah"})
    assert made.status_code == 401 and "not active" in made.json()["detail"]
    assert all(slot.person_id is None for slot in _roster(demo_app, demo))
    as_jonah = {"Authorization": f"Bearer {demo.key}", "X-Acting-For": "jonah"}
    assert client.get(trip, headers=as_jonah).status_code == 200  # the key itself still works


def _roster(app: App, tenant: Tenant) -> list[Any]:
    from firstmate.services.trips import get_event

    return list(get_event(app.store, tenant.org, tenant.booking.event_id).roles)


def test_an_expired_upload_form_and_a_form_for_another_trip_are_refused(
    client: TestClient, demo_app: App, clock: FixedClock
) -> None:
    from tests.web.test_guest_flow import DEPARTURE, PNG

    first, second = book(demo_app, external_id="A"), book(demo_app, external_id="B", asset="morning-tern")
    clock.set(DEPARTURE - timedelta(minutes=30))
    page = client.get(f"/g/{first.guest_code}").text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    fields.pop("waiver_version", None)
    moved = {**fields, "key": fields["key"].replace(first.id, second.id)}
    upload = {"file": ("p.png", PNG, "image/png")}
    assert client.post("/uploads", data=moved, files=upload, follow_redirects=False).status_code == 401
    clock.advance(timedelta(minutes=31))
    assert client.post("/uploads", data=fields, files=upload, follow_redirects=False).status_code == 401
    assert demo_app.blobs.list("quarantine/") == []


def test_posting_a_booking_needs_a_key_of_the_right_shape(client: TestClient, demo: Tenant) -> None:
    for header in (
        "",
        "Bearer",
        f"Basic {demo.key}",
        f"Bearer {demo.key[:-1]}",
        f"bearer  {demo.key}x",
        "Bearer ' OR 1=1",
    ):
        answer = client.post("/api/v1/bookings", json=booking_body(external_id="X"), headers={"Authorization": header})
        assert answer.status_code == 401, header


# --- moved here from tests/web/test_crew.py, test_app.py and test_hardening.py ----------------------


@pytest.fixture
def web(client: TestClient) -> TestClient:
    """The crew tests' name for the same browser."""
    return client


def _latest_link(app: App, to: str) -> str:
    entries = [
        e for e in outbox.list_entries(app.store, "demo") if e.message.to == (to,) and e.key.startswith("login:")
    ]
    match = re.search(r"(/crew/enter\?t=[\w.-]+)", mail_text(sent_mail(app, "demo", entries[0].key)))
    assert match is not None
    return match.group(1)


def test_a_sign_in_link_is_sent_only_to_known_people_with_the_same_answer(web: TestClient, demo_app: App) -> None:
    known = web.post("/crew/login", data={"email": "Marisol@Example.com"})
    unknown = web.post("/crew/login", data={"email": "stranger@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text and "Check your email" in known.text
    [mail] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.startswith("login:")]
    assert mail.message.to == ("marisol@example.com",)


def test_opening_a_link_spends_nothing_continue_spends_it_once(web: TestClient, demo_app: App) -> None:
    web.post("/crew/login", data={"email": "priya@example.com"})
    path = _latest_link(demo_app, "priya@example.com")
    assert web.get(path).status_code == 200  # a mail scanner opens it…
    page = web.get(path)
    assert page.status_code == 200 and "Continue" in page.text and page.headers["referrer-policy"] == "same-origin"
    token = path.split("t=", 1)[1]
    entered = web.post("/crew/enter", data={"t": token}, follow_redirects=False)
    assert entered.status_code == 303 and entered.headers["location"] == "/crew"
    cookie = entered.headers["set-cookie"].lower()
    assert "fm_crew=" in cookie and "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert "Hi Priya" in web.get("/crew").text
    web.cookies.clear()
    assert web.post("/crew/enter", data={"t": token}).status_code == 401  # used


def test_expired_forged_wrong_audience_and_unsigned_tokens_are_refused(
    web: TestClient, demo_app: App, clock: FixedClock
) -> None:
    person = get_person(demo_app.store, "demo", "jonah")
    stale = crew_link(demo_app, "demo", person.id).split("t=", 1)[1]
    clock.advance(timedelta(minutes=16))
    forged = jwt.encode({"sub": "jonah", "org": "demo", "typ": "magic"}, "not-our-key-" * 4, algorithm="HS256")
    unsigned = jwt.encode(
        {"sub": "jonah", "org": "demo", "typ": "magic", "aud": "firstmate:crew", "iss": "firstmate", "exp": 4102444800},
        key=None, algorithm="none",
    )  # fmt: skip
    admin = admin_link_token(demo_app.secret_key, clock.now())
    for token in (stale, forged, unsigned, admin, "garbage"):
        assert web.post("/crew/enter", data={"t": token}).status_code == 401
        assert web.get(f"/crew/enter?t={token}").status_code == 401
    assert "fm_crew" not in web.cookies


def test_tokens_are_timed_by_firstmates_clock_with_minutes_of_leeway_for_another_hosts(demo_app: App) -> None:
    """A review: PyJWT checked `iat` against the machine's own clock, so a link made by a host whose clock
    ran a little ahead (or at a time firstmate's clock says, as in every test run) was refused."""
    keys = demo_app.secret_key
    ahead = (demo_app.clock.now() + timedelta(days=400)).replace(microsecond=0)  # later than this machine's clock
    token = admin_link_token(keys, ahead)
    assert verify_token(keys, token, typ="admin-link", now=ahead)["sub"] == "admin"
    assert verify_token(keys, token, typ="admin-link", now=ahead - timedelta(minutes=4))  # another host, ahead
    with pytest.raises(Unauthorized, match="not valid yet"):
        verify_token(keys, token, typ="admin-link", now=ahead - timedelta(minutes=6))


HTML = {"accept": "text/html"}


def _sign_in(client: TestClient, app: App) -> None:
    token = admin_link_token(app.secret_key, app.clock.now())
    response = client.get(f"/admin/enter?t={token}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/outbox"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_admin_pages_need_a_sign_in(client: TestClient) -> None:
    page = client.get("/admin/outbox", headers=HTML)
    assert page.status_code == 401 and "firstmate admin link" in page.text
    api = client.get("/admin/outbox")
    assert api.status_code == 401 and api.json()["error"] == "Unauthorized"


def test_bad_expired_and_misused_links_are_refused(client: TestClient, app: App, clock: FixedClock) -> None:
    assert client.get("/admin/enter?t=not-a-token").status_code == 401
    assert client.get("/admin/enter").status_code == 401
    stale = admin_link_token(app.secret_key, clock.now())
    clock.advance(timedelta(minutes=16))
    assert client.get(f"/admin/enter?t={stale}").status_code == 401
    forged = admin_link_token(SigningKeys(b"x" * 48), clock.now())
    assert client.get(f"/admin/enter?t={forged}").status_code == 401
    _sign_in(client, app)
    session = client.cookies.get("fm_admin")
    client.cookies.clear()
    assert client.get(f"/admin/enter?t={session}").status_code == 401  # a session is not a link
    assert client.get("/admin/outbox").status_code == 401


def test_a_sign_in_link_works_once(client: TestClient, app: App) -> None:
    token = admin_link_token(app.secret_key, app.clock.now())
    assert client.get(f"/admin/enter?t={token}", follow_redirects=False).status_code == 303
    client.cookies.clear()
    replay = client.get(f"/admin/enter?t={token}", headers=HTML)
    assert replay.status_code == 401 and "already used" in replay.text


def test_odd_characters_in_secrets_are_refused_not_crashed_on(client: TestClient) -> None:
    assert client.get("/calendar/abc.%C3%A9.ics").status_code == 404
    upload = client.post(
        "/uploads", data={"x-fm-signature": "é", "key": "x"}, files={"file": ("a.png", b"x", "image/png")}
    )
    assert upload.status_code == 401


def test_people_who_left_lose_their_feed_and_cannot_be_designated(client: TestClient, demo_app: App) -> None:
    from firstmate.services.calendar import Feed, FeedScope, feed_token

    event_id = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking.event_id
    token = feed_token(demo_app.secret_key, demo_app.store, Feed("demo", FeedScope.CREW, "theo"))
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    save_people(
        demo_app.store, "demo", [Person(id="theo", name="Theo Bowline", email="theo@example.com", active=False)]
    )
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    refused = sign_in(demo_app, "marisol").post(
        f"/api/v1/events/{event_id}/roles/crew_1/designate", json={"person_id": "theo"}
    )
    assert refused.status_code == 422 and "not active" in refused.json()["detail"]


def test_during_a_rotation_the_new_key_signs_and_every_listed_key_verifies(demo_app: App) -> None:
    old, new = SigningKeys(b"o" * 40), SigningKeys.parse("n" * 40 + "\n" + "o" * 40)
    now = demo_app.clock.now()
    assert new.current == b"n" * 40 and new.previous == (b"o" * 40,)
    sent_before = admin_link_token(old, now)
    assert verify_token(new, sent_before, typ="admin-link", now=now)["sub"] == "admin"
    signed_now = admin_link_token(new, now)
    with pytest.raises(Unauthorized):
        verify_token(old, signed_now, typ="admin-link", now=now)  # signed with the new key, not the old
    with pytest.raises(Unauthorized, match="not valid"):  # the old key dropped: what it signed opens nothing
        verify_token(SigningKeys(b"n" * 40), sent_before, typ="admin-link", now=now)
    feed = Feed("demo", FeedScope.ORG, "demo")
    assert resolve_feed(new, demo_app.store, feed_token(old, demo_app.store, feed)) == feed
    with pytest.raises(NotFound):
        resolve_feed(SigningKeys(b"n" * 40), demo_app.store, feed_token(old, demo_app.store, feed))
    for text, words in [("", "the secret key is empty"), ("short", "the secret key is too short (5 characters")]:
        with pytest.raises(ValueError, match=re.escape(words)):
            SigningKeys.parse(text)


def _home_with_secret_key(tmp_path: Path, key: str) -> Path:
    """A FIRSTMATE_HOME whose secrets.toml holds `key` as secret_key."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "secrets.toml").write_text(f'secret_key = "{key}"\n')
    return home


def _rotate(home: Path, keys: str, step: int) -> None:
    """secrets.toml's secret_key rewritten to `keys`, with the `step`th new modification time (however
    coarse the file system's clock, the app sees a new file)."""
    (home / "secrets.toml").write_text(f'secret_key = "{keys}"\n')
    os.utime(home / "secrets.toml", ns=(0, step * 10**18))


def test_locally_a_key_in_secrets_toml_signs_and_its_rotation_needs_no_restart(tmp_path: Path) -> None:
    """secret_key in HOME/secrets.toml was ignored: a key generated into HOME/secret.key signed instead."""
    home = _home_with_secret_key(tmp_path, "o" * 40)
    app = build(Settings(home=home))
    try:
        assert app.secret_key == SigningKeys(b"o" * 40) and not (home / "secret.key").exists()
        _rotate(home, f"{'n' * 40} {'o' * 40}", 1)
        assert app.secret_key == SigningKeys(b"n" * 40, (b"o" * 40,))
    finally:
        app.close()


def test_a_key_rotated_out_of_secrets_toml_no_longer_opens_an_upload_form(tmp_path: Path) -> None:
    """Upload forms were signed and checked with the keys read at start: a key rotated out of
    secrets.toml (say, leaked) went on signing forms and opening forms forged with it until a restart."""
    home = _home_with_secret_key(tmp_path, "o" * 40)
    app = build(Settings(home=home))
    try:
        client = TestClient(create_app(app))

        def upload(form: dict[str, str]) -> int:
            png = {"file": ("p.png", b"\x89PNG", "image/png")}
            return client.post("/uploads", data=form, files=png, follow_redirects=False).status_code

        def form() -> dict[str, str]:
            expires = app.clock.now() + timedelta(minutes=5)
            return app.blobs.presign_upload(
                "photos/p.png", content_type_prefix="image/", max_bytes=100, expires_at=expires, redirect_to="/"
            ).fields

        before = form()
        _rotate(home, f"{'n' * 40} {'o' * 40}", 1)
        assert upload(before) == 303  # listed second: a form handed out before the rotation still works
        _rotate(home, "n" * 40, 2)
        assert upload(before) == 401  # rotated out: what it signed opens nothing
        assert upload(form()) == 303  # new forms are signed with the new key
    finally:
        app.close()


def test_a_secrets_file_saved_unreadable_while_running_leaves_the_last_good_keys_signing(tmp_path: Path) -> None:
    """secrets.toml saved as Latin-1 while the app ran made every signed request fail (UnicodeDecodeError)."""
    home = _home_with_secret_key(tmp_path, "o" * 40)
    app = build(Settings(home=home))
    try:
        (home / "secrets.toml").write_bytes(f'secret_key = "{"n" * 40}"\nhubspot_token = "café"\n'.encode("latin-1"))
        os.utime(home / "secrets.toml", ns=(0, 10**18))
        with capture_logs() as logs:
            assert app.secret_key == SigningKeys(b"o" * 40)
            _sign_in(TestClient(create_app(app)), app)
        assert [entry["log_level"] for entry in logs if entry["event"] == "secrets.secret_key_unreadable"] == ["error"]
        assert "not UTF-8 text" in logs[0]["error"]
    finally:
        app.close()


def _report_link(app: App, org: str = "demo", file: str = "cfo-2026-11-21.pdf") -> str:
    """A report email's link to a PDF, as a path and query."""
    return report_pdf_link(app, org, file).removeprefix(app.settings.base_url)


@pytest.fixture
def report_pdfs(demo_app: App) -> None:
    for org in ("demo", "rival"):
        for key in ("roles/2026-11-21/cfo", "roles/2026-11-21/ceo", "roles/2026-11-20/cfo", "weekly/2026-11-09/weekly"):
            demo_app.blobs.put(f"reports/{org}/{key}.pdf", f"%PDF {org} {key}".encode(), "application/pdf")


def test_a_report_link_opens_its_own_pdf_and_nothing_else(client: TestClient, demo_app: App, report_pdfs: None) -> None:
    link = _report_link(demo_app, "rival")  # a rival's reader holds a link to the rival's CFO report
    opened = client.get(link)
    assert opened.content == b"%PDF rival roles/2026-11-21/cfo"
    assert opened.headers["content-disposition"] == 'inline; filename="rival-cfo-2026-11-21.pdf"'
    path, _, query = link.partition("?")
    expires, sig = (value for _, value in (pair.split("=") for pair in query.split("&")))
    other_files = [path.replace("/rival/", "/demo/"), path.replace("/cfo-", "/ceo-"), path.replace("21.pdf", "20.pdf"),
                   path.replace("cfo-2026-11-21", "weekly-2026-11-09")]  # fmt: skip
    tried = [f"{other}?{query}" for other in other_files]
    admin = admin_link_token(demo_app.secret_key, demo_app.clock.now())
    tried += [f"{path}?expires={int(expires) + 365 * 86400}&sig={sig}", f"{path}?expires={expires}", path,
              f"{path}?expires={expires}&sig={admin}", f"{path}?expires={expires}&sig=",
              f"{path}?expires=-1&sig={sig}", f"{path}?expires=²&sig={sig}",
              f"{path}?expires={expires}&sig={sig}x", f"{path}?expires=00{expires}&sig={sig}",
              f"{path}?expires={expires}&sig=%C3%A9", f"{path}?expires={expires}&sig={sig[:-1]}%C3%A9"]  # fmt: skip
    for url in tried:
        answer = client.get(url)
        assert answer.status_code == 404 and b"%PDF" not in answer.content, url
    assert client.get("/admin/reports/rival/roles/cfo/2026-11-21?format=pdf").status_code == 401  # no admin door


@settings(FUZZ, max_examples=examples(60))
@given(tamper=tampering())
def test_any_change_to_a_report_link_opens_nothing(
    client: TestClient, demo_app: App, report_pdfs: None, tamper: Callable[[str], str]
) -> None:
    link = _report_link(demo_app)
    forged = tamper(link)
    if forged != link:
        answer = client.get(forged)
        assert b"%PDF" not in answer.content  # cut to "" it is the home page; any report-files URL is a 404
        assert answer.status_code == 404 or not forged.startswith("/report-files/")


def test_a_report_link_expires_after_ninety_days_and_a_dropped_key_voids_it(
    client: TestClient, demo_app: App, clock: FixedClock, report_pdfs: None
) -> None:
    link = _report_link(demo_app, file="weekly-2026-11-09.pdf")
    clock.advance(REPORT_LINK_TTL - timedelta(seconds=1))
    assert client.get(link).content == b"%PDF demo weekly/2026-11-09/weekly"
    clock.advance(timedelta(seconds=1))
    expired = client.get(link, headers={"Accept": "text/html"})
    assert expired.status_code == 401 and "that report link has expired" in expired.text
    # a rotation: links signed with the old key open while it is listed, and not once it is dropped
    old, new = demo_app.secret_key.current, b"n" * 40
    signed_before = _report_link(demo_app)
    rotated = replace(demo_app, signing_keys=lambda: SigningKeys(new, (old,)))
    assert TestClient(create_app(rotated)).get(signed_before).status_code == 200
    dropped = TestClient(create_app(replace(demo_app, signing_keys=lambda: SigningKeys(new))))
    refused = dropped.get(signed_before, headers={"Accept": "text/html"})
    assert refused.status_code == 404 and "while the key that signed it is kept" in refused.text
