"""The guest side at its edges, as docs/guests.md states them: the album open from an hour before
departure until a week after return, the page asking nothing more from the return time on."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import Booking, BookingRequest
from firstmate.services.bookings import list_guests, orchestrate_booking
from firstmate.services.guests import CodeTarget, the_guest
from firstmate.services.photos import list_photos
from firstmate.web.app import create_app
from tests.conftest import booking_body, mail_text, photo, sent_mail

DEPARTURE = datetime(2026, 6, 13, 23, 0, tzinfo=UTC)  # booking_body's: Sat 13 Jun 2026, 16:00 PDT, back 19:00
RETURN = DEPARTURE + timedelta(hours=3)
UPLOAD_FORM = 'action="/uploads"'


def target_of(booking: Booking) -> CodeTarget:
    return CodeTarget("demo", booking.id, "g1")


@pytest.fixture
def booking(demo_app: App) -> Booking:
    return orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking


@pytest.fixture
def code(booking: Booking) -> str:
    return booking.guest_code


def test_the_album_opens_on_the_hour_before_departure_and_closes_on_the_week_after_return(
    client: TestClient, code: str, clock: FixedClock
) -> None:
    opens, closes = DEPARTURE - timedelta(hours=1), RETURN + timedelta(days=7)
    clock.set(opens - timedelta(seconds=1))
    early = client.get(f"/g/{code}").text
    assert "The album opens Sat 13 Jun 2026, 15:00 PDT" in early and UPLOAD_FORM not in early
    clock.set(opens)
    assert UPLOAD_FORM in client.get(f"/g/{code}").text
    clock.set(closes)
    assert UPLOAD_FORM in client.get(f"/g/{code}").text
    clock.set(closes + timedelta(seconds=1))
    late = client.get(f"/g/{code}").text
    assert "The album closed Sat 20 Jun 2026, 19:00 PDT" in late and UPLOAD_FORM not in late


def test_at_the_return_time_the_trip_is_over_for_its_guests(client: TestClient, code: str, clock: FixedClock) -> None:
    clock.set(RETURN)
    refused = client.post(f"/g/{code}/confirm", follow_redirects=False)
    assert refused.status_code == 409 and "this trip is over" in refused.text
    added = client.post(f"/g/{code}/guests", data={"name": "Kit Sample"}, follow_redirects=False)
    assert added.status_code == 409 and "this trip is over" in added.text


def test_a_code_opens_its_page_in_any_case_with_or_without_its_hyphen(client: TestClient, code: str) -> None:
    for typed in (code, code.lower(), f"{code[:5]}-{code[5:]}".lower()):
        assert client.get(f"/g/{typed}").status_code == 200, typed


def test_a_guest_sees_only_themselves_and_the_lead_sees_the_whole_group(
    client: TestClient, demo_app: App, booking: Booking, code: str
) -> None:
    for name, email in (("Kit Sample", "kit@example.com"), ("Robin Sample", "robin@example.com")):
        added = client.post(f"/g/{code}/guests", data={"name": name, "email": email}, follow_redirects=False)
        assert added.status_code == 303
    lead = client.get(f"/g/{code}").text
    assert "Kit Sample" in lead and "Robin Sample" in lead
    [kit] = [g for g in list_guests(demo_app.store, "demo", booking.id) if g.name == "Kit Sample"]
    own = client.get(f"/g/{kit.code}").text
    assert "Hi Kit," in own and "Robin Sample" not in own and "robin@example.com" not in own


def _upload_form(client: TestClient, code: str) -> dict[str, str]:
    page = client.get(f"/g/{code}").text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    fields.pop("waiver_version", None)
    return fields


def test_an_upload_form_handed_out_just_before_the_album_closes_takes_no_photo_after(
    client: TestClient, demo_app: App, booking: Booking, code: str, clock: FixedClock
) -> None:
    """A form is good for a while after it is handed out, but never past the album's close."""
    closes = RETURN + timedelta(days=7)
    clock.set(closes - timedelta(minutes=5))
    form = _upload_form(client, code)
    clock.set(closes + timedelta(minutes=1))
    sent = client.post("/uploads", data=form, files={"file": ("p.png", photo("PNG"), "image/png")})
    assert sent.status_code == 401
    assert demo_app.blobs.list("quarantine/") == [] and list_photos(demo_app, target_of(booking)) == []


def test_a_waiver_signed_twice_keeps_the_first_signature(
    client: TestClient, demo_app: App, booking: Booking, code: str, clock: FixedClock
) -> None:
    """The signature is the proof of who agreed to which text, and when: a second form (the Back button, or
    another name typed later) changes none of it."""
    found = re.search(r'name="waiver_version" value="([^"]+)"', client.get(f"/g/{code}").text)
    assert found is not None
    signed = {"typed_name": "Dana Whitcomb", "agree": "yes", "waiver_version": found.group(1)}
    assert client.post(f"/g/{code}/waiver", data=signed, follow_redirects=False).status_code == 303
    first = the_guest(demo_app, target_of(booking)).waiver
    clock.advance(timedelta(hours=2))
    again = {**signed, "typed_name": "Sam Whitcomb"}
    assert client.post(f"/g/{code}/waiver", data=again, follow_redirects=False).status_code == 303
    kept = the_guest(demo_app, target_of(booking)).waiver
    assert first is not None and kept == first and kept.typed_name == "Dana Whitcomb"


def test_the_signed_waivers_pdf_gives_the_text_signed_after_the_waiver_is_reworded(
    client: TestClient, demo_app: App, code: str
) -> None:
    """docs/guests.md: the text of every signed version is kept, and the PDF gives the signed waiver."""
    from io import BytesIO

    from pypdf import PdfReader

    from firstmate.demo.run import demo_profile
    from firstmate.services.business import save_business

    found = re.search(r'name="waiver_version" value="([^"]+)"', client.get(f"/g/{code}").text)
    assert found is not None
    signed = {"typed_name": "Dana Whitcomb", "agree": "yes", "waiver_version": found.group(1)}
    assert client.post(f"/g/{code}/waiver", data=signed, follow_redirects=False).status_code == 303
    profile = demo_profile()
    boat = profile.asset("sea-lark")
    line = profile.entity(boat.entity) if boat else None
    assert line is not None and "I release the operator" in line.waiver
    reworded = line.model_copy(update={"waiver": "Guests swim at their own risk and follow the captain."})
    lines = tuple(reworded if e.id == line.id else e for e in profile.entities)
    save_business(demo_app.store, profile.model_copy(update={"entities": lines}))
    pdf = PdfReader(BytesIO(client.get(f"/g/{code}/waiver.pdf").content))
    text = " ".join("".join(page.extract_text() for page in pdf.pages).split())
    assert "I release the operator" in text and "swim at their own risk" not in text


def test_the_album_says_until_when_it_takes_photos_before_it_opens_and_while_it_is_open(
    client: TestClient, code: str, clock: FixedClock
) -> None:
    """Found by a review: before it opened the page said "share your photos from then until a week after.",
    a week after nothing it named, and while it was open it said nothing of when it would close."""
    clock.set(DEPARTURE - timedelta(days=2))
    early = client.get(f"/g/{code}").text
    said = "The album opens Sat 13 Jun 2026, 15:00 PDT: share your photos from then until Sat 20 Jun 2026, 19:00 PDT"
    assert f"{said}, a week after the trip." in early
    clock.set(RETURN)
    assert "Open until Sat 20 Jun 2026, 19:00 PDT, a week after the trip." in client.get(f"/g/{code}").text


def test_a_trip_over_or_cancelled_is_not_said_to_have_its_crew_assigned_soon(
    client: TestClient, demo_app: App, booking: Booking, clock: FixedClock
) -> None:
    """Found by a review: a trip back days ago, or cancelled, whose crew never claimed their roles in the app,
    still read "Your crew: assigned soon"."""
    from firstmate.services.bookings import cancel_booking

    assert "assigned soon" in client.get(f"/g/{booking.guest_code}").text  # ahead of the trip, it may be
    clock.set(RETURN + timedelta(days=2))
    over = client.get(f"/g/{booking.guest_code}").text
    assert "This trip is over" in over and "assigned soon" not in over
    clock.set(DEPARTURE - timedelta(days=2))
    cancel_booking(demo_app, "demo", booking.id)
    cancelled = client.get(f"/g/{booking.guest_code}").text
    assert "This trip is cancelled" in cancelled and "assigned soon" not in cancelled


@pytest.mark.parametrize(
    ("start", "back"),
    [
        ("2026-11-01T00:30:00-07:00", "01:30 PST"),  # 2 hours, across the clocks going back: 01:30 comes twice
        ("2026-03-08T01:00:00-08:00", "04:00 PDT"),  # 2 hours, across the clocks going forward: not 3
    ],
)
def test_a_trip_across_a_clock_change_says_its_return_in_the_zone_it_is_in(
    client: TestClient, demo_app: App, clock: FixedClock, start: str, back: str
) -> None:
    """Found by a review: a two-hour trip leaving at 00:30 PDT on the night the clocks go back read "back by
    01:30", which comes twice that night (the first an hour after leaving), and one leaving at 01:00 PST on
    the night they go forward "Departure 01:00, Return 04:00", three hours by the page."""
    clock.set(datetime(2026, 1, 5, tzinfo=UTC))
    body = booking_body(external_id=f"DST-{start[:10]}", start=start, duration_hours=2)
    code = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.guest_code
    page = client.get(f"/g/{code}").text
    assert f"back by {back}." in page and f"<dt>Return</dt><dd>{back}</dd>" in page


def test_once_the_boat_has_left_the_page_asks_nothing_before_boarding_and_nobody_is_added(
    client: TestClient, demo_app: App, booking: Booking, code: str, clock: FixedClock
) -> None:
    """Found by a review: half an hour out, the lead's page still said "Before you board" and offered "Add
    guest", and a guest added then was invited to "sign before we leave the dock", which the boat had."""
    from firstmate.services import outbox

    added = client.post(f"/g/{code}/guests", data={"name": "Robin Sample", "email": "robin@example.com"})
    assert added.status_code == 200  # before departure: added, and invited
    clock.set(DEPARTURE + timedelta(minutes=30))
    page = client.get(f"/g/{code}").text
    assert "Before you board" not in page and "before departure" not in page and "Add guest" not in page
    assert "The trip has left. If you are aboard, say so and sign the waiver." in page
    said = client.post(f"/g/{code}/confirm").text  # Dana, aboard under an admin's override, says so and signs
    assert "Thanks: you are on the list. Sign the waiver below." in said and "to board" not in said
    version = re.search(r'name="waiver_version" value="([^"]+)"', said)
    assert version is not None
    form = {"typed_name": "Dana Whitcomb", "agree": "yes", "waiver_version": version.group(1)}
    signed = client.post(f"/g/{code}/waiver", data=form).text
    assert "Waiver signed. Thank you!" in signed and "to board" not in signed and "on board" not in signed
    page = client.get(f"/g/{code}").text
    assert "The trip has left: guests could be added until departure." in page
    late = client.post(f"/g/{code}/guests", data={"name": "Kit Sample", "email": "kit@example.com"})
    [said] = re.findall(r'role="alert">([^<]*)<', late.text)
    assert late.status_code == 409 and said == "this trip has left, so nobody can be added to it now"
    assert [g.name for g in list_guests(demo_app.store, "demo", booking.id)] == ["Dana Whitcomb", "Robin Sample"]
    # Robin's invitation, held until now (a relay outage), goes, worded for a boat that has left: not "sign before
    # we leave the dock" (tests/web/test_guest_invitations.py)
    outbox.dispatch_outbox(
        demo_app.store, demo_app.mailer, demo_app.clock, demo_app.retry_policy, keys=demo_app.signing_keys
    )
    [invite] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":invite")]
    assert invite.message.to == ("robin@example.com",) and invite.provider_ref
    said = mail_text(sent_mail(demo_app, "demo", invite.key))
    assert "If you are aboard, open your page to say so" in said and "before we leave the dock" not in said
    assert not [e for e in outbox.list_entries(demo_app.store, "demo") if e.message.to == ("kit@example.com",)]


def test_a_photo_whose_file_is_gone_from_storage_is_not_found_and_logged_once(
    client: TestClient, demo_app: App, booking: Booking, code: str, clock: FixedClock
) -> None:
    """Found by a review: a photo whose file was gone from storage (removed by hand, a bucket rule) answered 503
    "try again later", for ever, and nobody was told; it is 404 for that photo, the album shows the others, and
    the operator's log says so once."""
    from structlog.testing import capture_logs

    clock.set(DEPARTURE - timedelta(minutes=30))
    for kind in ("PNG", "JPEG"):
        page = client.get(f"/g/{code}").text
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
        fields.pop("waiver_version", None)
        sent = client.post("/uploads", data=fields, files={"file": ("p", photo(kind), f"image/{kind.lower()}")})
        assert sent.status_code == 200, sent.text
    gone, kept = list_photos(demo_app, target_of(booking))
    demo_app.blobs.delete(gone.key)
    with capture_logs() as logs:
        for _ in range(2):
            missing = client.get(f"/g/{code}/photos/{gone.id}")
            assert missing.status_code == 404 and "this photo is no longer in the album" in missing.text
            assert gone.key not in missing.text and booking.id not in missing.text  # where storage keeps them
    assert client.get(f"/g/{code}/photos/{kept.id}").content == photo(kept.content_type.removeprefix("image/"))
    page = client.get(f"/g/{code}")
    assert page.status_code == 200 and f"/photos/{kept.id}" in page.text
    [logged] = [e for e in logs if e["event"] == "photos.file_missing"]
    assert logged["log_level"] == "error" and logged["key"] == gone.key and logged["booking_id"] == booking.id


def test_a_boat_left_out_of_the_org_file_keeps_its_trips_pages(
    client: TestClient, demo_app: App, booking: Booking, code: str
) -> None:
    """A review feared that removing a boat from the business profile turned its trips' guest pages into 404 "no
    trip has that code". An org file without the boat removes nothing: the boat is kept, and named as kept
    (docs/configuration.md), so its trips' guest and crew pages work as booked."""
    from firstmate.demo.run import demo_people, demo_profile
    from firstmate.services.org_setup import OrgSetup, import_org
    from tests.web.test_crew import sign_in

    profile = demo_profile()
    without = profile.model_copy(update={"assets": tuple(a for a in profile.assets if a.id != booking.asset)})
    imported = import_org(demo_app.store, OrgSetup(without, tuple(demo_people())))
    assert imported.kept["assets"] == [booking.asset]
    page = client.get(f"/g/{code}")
    assert page.status_code == 200 and "Aboard Sea Lark" in page.text
    crew = sign_in(demo_app, "marisol").get(f"/crew/events/{booking.event_id}")
    assert crew.status_code == 200 and "Sea Lark" in crew.text


@pytest.mark.parametrize(
    ("days", "said"),
    [(0, "Open until Sat 13 Jun 2026, 19:00 PDT, when the trip returns."),
     (0.5, "Open until Sun 14 Jun 2026, 07:00 PDT, 12 hours after the trip."),
     (2, "Open until Mon 15 Jun 2026, 19:00 PDT, 2 days after the trip.")],
)  # fmt: skip
def test_an_album_that_closes_within_a_day_of_the_return_says_so_in_words(
    demo_app: App, booking: Booking, clock: FixedClock, days: float, said: str
) -> None:
    """album_closes_after_days takes 0 and fractions (0 to 365): an album closing as the trip returned read "Open
    until Sat 13 Jun 2026, 19:00 PDT, 0 days after the trip.", one closing half a day after "0.5 days after"."""
    import dataclasses

    app = dataclasses.replace(demo_app, settings=demo_app.settings.model_copy(update={"album_closes_after_days": days}))
    clock.set(DEPARTURE + timedelta(hours=1))
    with TestClient(create_app(app)) as client:
        assert said in client.get(f"/g/{booking.guest_code}").text


def test_a_cancelled_trips_guest_page_says_it_is_cancelled_not_when_it_would_be_back(
    client: TestClient, demo_app: App
) -> None:
    """A known gap (docs/reliability.md): the guest page of a cancelled trip said "This trip is cancelled." and,
    under it, "Aboard Sea Lark, back by 21:02", with its departure and return times as if it sailed. It says the
    trip is cancelled, and no time to board or to be back."""
    from firstmate.services.bookings import cancel_booking

    body = booking_body(external_id="DUSK", start="2026-06-13T18:00:00-07:00", duration_hours=4)
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    cancel_booking(demo_app, "demo", booking.id)
    page = client.get(f"/g/{booking.guest_code}").text
    assert "This trip is cancelled." in page
    assert "Cancelled: Sat 13 Jun 2026, 18:00 PDT" in page and "Sea Lark (38 ft sloop) will not sail." in page
    assert "back by" not in page and "<dt>Return</dt>" not in page and "<dt>Departure</dt>" not in page
    assert "21:02" not in page and "22:00" not in page and "What to bring" not in page
