"""Hostile input in the public forms (add a guest, sign the waiver, confirm, ask for a crew sign-in
link): every submission is answered with a page (303 on success, 409 or 422 saying what to fix),
never a crash; a refused form changes nothing, and nothing typed comes back as markup."""

from __future__ import annotations

import contextlib
import itertools
from datetime import timedelta
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.guests import Guest, GuestStatus, NewGuest, SigningForm
from firstmate.services.bookings import list_guests, orchestrate_booking
from firstmate.services.guests import CodeTarget, add_guest
from tests.conftest import booking_body
from tests.fuzz.strategies import FUZZ, addresses, any_text, examples, hostile, mostly_valid, names

PLACES = 40
#: What a page may never contain raw: the markup in the hostile inputs, unescaped.
RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


@pytest.fixture
def trip(demo_app: App) -> tuple[str, str]:
    body = booking_body(guest_count=PLACES)
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    return booking.id, booking.guest_code


def _no_markup(html: str) -> None:
    for raw in RAW_MARKUP:
        assert raw not in html


def _next_minute(clock: FixedClock) -> None:
    """A fresh rate-limit window: the fuzzer is one client sending far faster than any guest."""
    clock.advance(timedelta(minutes=11))


guest_forms = mostly_valid(
    {"name": names, "email": st.one_of(st.just(""), addresses), "minor": st.sampled_from(["", "yes", "no"])}, at_most=2
)


@settings(FUZZ, max_examples=examples(60))
@given(form=guest_forms)
def test_the_add_guest_form_answers_anything_with_a_page(
    client: TestClient, demo_app: App, clock: FixedClock, trip: tuple[str, str], form: dict[str, str]
) -> None:
    _next_minute(clock)
    booking_id, code = trip
    before = len(list_guests(demo_app.store, "demo", booking_id))
    answer = client.post(f"/g/{code}/guests", data=form, follow_redirects=False)
    event(f"add guest: {answer.status_code}")
    assert answer.status_code in (303, 409, 422), answer.text[:300]
    after = len(list_guests(demo_app.store, "demo", booking_id))
    assert after == before + (answer.status_code == 303) and after <= PLACES
    _no_markup(answer.text)
    page = client.get(f"/g/{code}")
    assert page.status_code == 200
    _no_markup(page.text)


signing_forms = mostly_valid(
    {
        "typed_name": names,
        "agree": st.sampled_from(["yes", "", "on"]),
        "guardian_name": st.one_of(st.just(""), names),
        "waiver_version": st.just("CURRENT"),
    },
    at_most=2,
)
user_agents = st.one_of(st.just("PhoneBrowser/1.0"), st.text(st.characters(min_codepoint=32, max_codepoint=126)))


@settings(FUZZ, max_examples=examples(40))
@given(form=signing_forms, minor=st.booleans(), user_agent=user_agents)
def test_the_waiver_form_answers_anything_with_a_page_and_signs_only_what_was_shown(
    client: TestClient, demo_app: App, clock: FixedClock, form: dict[str, str], minor: bool, user_agent: str
) -> None:
    _next_minute(clock)
    booking_id, lead_code, guest = _fresh_guest(demo_app, minor, form["typed_name"])
    page = client.get(f"/g/{guest.code}").text
    version = page.split('name="waiver_version" value="', 1)[1].split('"', 1)[0]
    form = {**form, "waiver_version": version if form["waiver_version"] == "CURRENT" else form["waiver_version"]}
    answer = client.post(
        f"/g/{guest.code}/waiver", data=form, headers={"user-agent": user_agent}, follow_redirects=False
    )
    event(f"sign: {answer.status_code}")
    assert answer.status_code in (303, 409, 422), answer.text[:300]
    _no_markup(answer.text)
    [signed] = [g for g in list_guests(demo_app.store, "demo", booking_id) if g.id == guest.id]
    if answer.status_code != 303:
        assert signed.waiver is None and signed.status is not GuestStatus.CONFIRMED  # refused: nothing changed
        return
    assert signed.waiver is not None and signed.waiver.waiver_version == version
    assert signed.waiver.typed_name == form["typed_name"].strip() and form["agree"] == "yes"
    assert not minor or signed.waiver.guardian_name  # a minor's waiver names a guardian
    pdf = client.get(f"/g/{guest.code}/waiver.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    _no_markup(client.get(f"/g/{lead_code}").text)


def _fresh_guest(app: App, minor: bool, name: str) -> tuple[str, str, Guest]:
    """A new trip and a guest on it with their own page: (booking id, the lead's code, the guest). The guest is
    named `name` when the add form takes it, so that a waiver signed in that name is signed (a waiver is signed in
    the name the group lists), else "Robin Sample"."""
    body = booking_body(external_id=f"FUZZ-{next(_trips)}", guest_count=2)
    booking = orchestrate_booking(app, "demo", BookingRequest.model_validate(body)).booking
    try:
        new = NewGuest(name=name, minor=minor)
    except ValidationError:
        new = NewGuest(name="Robin Sample", minor=minor)
    guest = add_guest(app, CodeTarget("demo", booking.id, "g1"), new)
    return booking.id, booking.guest_code, guest


_trips = itertools.count()


@settings(FUZZ, max_examples=examples(50))
@given(code=hostile, extra=st.dictionaries(any_text, any_text, max_size=3))
def test_any_page_code_and_form_fields_get_a_page_not_a_crash(
    client: TestClient, clock: FixedClock, code: str, extra: dict[str, str]
) -> None:
    _next_minute(clock)
    for method, path in (("GET", ""), ("POST", "/confirm"), ("POST", "/guests"), ("GET", "/waiver.pdf")):
        answer = client.request(method, f"/g/{quote(code, safe='')}{path}", data=extra if method == "POST" else None)
        event(f"{method} /g/<code>{path}: {answer.status_code}")
        assert answer.status_code in (404, 405, 422, 429), answer.text[:300]


@settings(FUZZ, max_examples=examples(50))
@given(email=st.one_of(addresses, hostile))
def test_the_sign_in_form_gives_every_address_the_same_answer(
    client: TestClient, clock: FixedClock, email: str
) -> None:
    clock.advance(timedelta(minutes=16))  # a fresh window for the per-IP and per-address limits
    answer = client.post("/crew/login", data={"email": email})
    assert answer.status_code == 200 and "Check your email" in answer.text
    _no_markup(answer.text)


@settings(FUZZ, max_examples=examples(300))
@given(
    fields=st.dictionaries(
        st.sampled_from(["name", "email", "minor", "typed_name", "agree", "guardian_name", "waiver_version", "x"]),
        st.one_of(hostile, st.booleans(), st.integers(), st.none(), st.lists(any_text, max_size=2)),
    )
)
def test_the_form_models_accept_or_raise_a_validation_error(fields: dict[str, object]) -> None:
    for model in (NewGuest, SigningForm):
        try:
            model.model_validate(fields)
        except ValidationError as exc:
            assert exc.errors()  # names each field and problem
    with contextlib.suppress(ValidationError, ValueError):  # both are a 422 from the guest service
        NewGuest.model_validate({k: v for k, v in fields.items() if k in NewGuest.model_fields}).checked_email()
