"""The guest flow through real pages: add guests, confirm, sign the waiver, share photos."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.guests import GuestStatus, departure_blockers, guest_counts
from firstmate.services import outbox
from firstmate.services.bookings import list_guests, orchestrate_booking
from firstmate.web.app import create_app
from tests.conftest import booking_body, heic_photo, photo

PNG = photo("PNG")
DEPARTURE = datetime(2026, 6, 13, 23, 0, tzinfo=UTC)


@pytest.fixture
def trip(demo_app: App) -> tuple[str, str]:
    outcome = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=3)))
    return outcome.booking.id, outcome.booking.guest_code


def _guests(app: App, booking_id: str) -> dict[str, object]:
    return {g.name: g for g in list_guests(app.store, "demo", booking_id)}


def _add(client: TestClient, code: str, **form: str) -> object:
    return client.post(f"/g/{code}/guests", data=form, follow_redirects=False)


def test_the_lead_adds_guests_who_get_their_own_page_and_an_invitation(
    client: TestClient, demo_app: App, trip: tuple[str, str]
) -> None:
    booking_id, code = trip
    added = client.post(
        f"/g/{code}/guests", data={"name": "Robin <b>Sample</b>", "email": "robin@example.com"}, follow_redirects=False
    )
    assert added.status_code == 303
    lead_page = client.get(f"/g/{code}").text
    assert "Robin &lt;b&gt;Sample&lt;/b&gt;" in lead_page and "<b>Sample</b>" not in lead_page
    [invite] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":g2:invite")]
    assert invite.message.to == ("robin@example.com",) and "Dana Whitcomb invited you" in invite.message.subject
    guest_code = re.search(r"/g/([0-9A-Z]{10})", invite.message.text)
    assert guest_code is not None
    own_page = client.get(f"/g/{guest_code.group(1)}")
    assert own_page.status_code == 200 and "Hi Robin" in own_page.text
    assert "Dana" not in own_page.text.split("Before you board")[1]  # other guests' details stay private
    assert client.post(f"/g/{guest_code.group(1)}/guests", data={"name": "Sneaky"}).status_code == 401

    kit = client.post(f"/g/{code}/guests", data={"name": "Kit Sample", "minor": "yes"}, follow_redirects=False)
    assert kit.status_code == 303  # a child, no email: nobody to invite
    said = client.get(kit.headers["location"]).text
    assert "they will get an invitation by email" not in said and "Without an email they get no invitation" in said
    kits_code = next(g.code for g in list_guests(demo_app.store, "demo", booking_id) if g.name == "Kit Sample")
    assert f'href="/g/{kits_code}"' in said  # the lead has the link to hand on, or to sign as guardian
    kits_page = client.get(f"/g/{kits_code}")
    assert kits_page.status_code == 200 and "Hi Kit" in kits_page.text
    assert f"/g/{guest_code.group(1)}" not in lead_page  # a guest with an email gets their link by mail only
    full = _add(client, code, name="One Too Many")
    assert full.status_code == 409 and "all 3 places are filled" in full.text
    assert set(_guests(demo_app, booking_id)) == {"Dana Whitcomb", "Robin <b>Sample</b>", "Kit Sample"}


def test_bad_guest_forms_are_refused_and_change_nothing(
    client: TestClient, demo_app: App, trip: tuple[str, str]
) -> None:
    booking_id, code = trip
    bad_email = _add(client, code, name="Robin Sample", email="robin-at-example")
    assert bad_email.status_code == 422 and "not an email address" in bad_email.text
    short = _add(client, code, name="R")
    assert short.status_code == 422 and "name" in short.text
    assert len(_guests(demo_app, booking_id)) == 1


def test_confirm_then_sign_the_exact_waiver_version(client: TestClient, demo_app: App, trip: tuple[str, str]) -> None:
    booking_id, code = trip
    assert client.post(f"/g/{code}/confirm", follow_redirects=False).status_code == 303
    [lead] = list_guests(demo_app.store, "demo", booking_id)
    assert lead.status is GuestStatus.ON_HOLD and departure_blockers([lead]) == [lead]
    page = client.get(f"/g/{code}").text
    version = re.search(r'name="waiver_version" value="([0-9a-f]+)"', page)
    assert version is not None and "I release the operator" in page

    unticked = client.post(
        f"/g/{code}/waiver", data={"typed_name": "Dana Whitcomb", "waiver_version": version.group(1)}
    )
    assert unticked.status_code == 422 and "agree" in unticked.text
    stale = client.post(f"/g/{code}/waiver", data={"typed_name": "Dana W", "agree": "yes", "waiver_version": "0" * 16})
    assert stale.status_code == 422 and "changed while you were reading" in stale.text
    for unseen in ("\u200b\u200b\u200e", "\u200b.\u200b"):  # zero-width spaces, direction marks: no name at all
        invisible = client.post(
            f"/g/{code}/waiver", data={"typed_name": unseen, "agree": "yes", "waiver_version": version.group(1)}
        )
        assert invisible.status_code == 422 and "letters a reader can see" in invisible.text
        assert _add(client, code, name=unseen).status_code == 422  # nor a guest added without one
    # a name past the form's limit is told its length in the guest's words, not "String should have at most 120"
    long = client.post(
        f"/g/{code}/waiver", data={"typed_name": "Dana Whitcomb" * 10, "agree": "yes", "waiver_version": "0" * 16}
    )
    assert long.status_code == 422 and "typed name: is 130 characters long: write at most 120" in long.text, long.text
    assert "String should" not in long.text
    assert list_guests(demo_app.store, "demo", booking_id)[0].status is GuestStatus.ON_HOLD

    form = {"typed_name": "Dana Whitcomb", "agree": "yes", "waiver_version": version.group(1)}
    signed = client.post(
        f"/g/{code}/waiver", data=form, headers={"user-agent": "PhoneBrowser/1.0"}, follow_redirects=False
    )
    assert signed.status_code == 303
    [lead] = list_guests(demo_app.store, "demo", booking_id)
    assert lead.status is GuestStatus.CONFIRMED and lead.waiver is not None
    assert (lead.waiver.waiver_version, lead.waiver.typed_name) == (version.group(1), "Dana Whitcomb")
    assert lead.waiver.user_agent == "PhoneBrowser/1.0" and lead.waiver.ip == "testclient"
    assert guest_counts([lead]) == {"invited": 0, "on_hold": 0, "confirmed": 1} and departure_blockers([lead]) == []
    pdf = client.get(f"/g/{code}/waiver.pdf")
    assert (
        pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    )
    # a review: the page was kept from search engines, the PDF (name, IP address, browser) was not
    assert pdf.headers["x-robots-tag"] == client.get(f"/g/{code}").headers["x-robots-tag"] == "noindex, nofollow"


@pytest.mark.parametrize(
    "name",
    ["张伟", "김민준", "田中 さくら", "สมชาย ใจดี", "Ελένη Παπαδοπούλου",
     "प्रिया शर्मा", "প্রিয়া শর্মা", "தமிழ் செல்வி", "አበበ ቢቂላ", "ਗੁਰਪ੍ਰੀਤ ਕੌਰ", "සුනිල් පෙරේරා", "សុខា"],
)  # fmt: skip
def test_a_name_in_any_script_prints_in_the_signed_waiver_as_typed(
    client: TestClient, demo_app: App, name: str
) -> None:
    """Chinese, Korean, Japanese and Thai names printed nothing (DejaVu has no glyph for them); they
    are drawn in the fallback fonts now. So, since 2026-12-06 (a review), are Hindi, Bengali, Tamil,
    Punjabi, Sinhala, Khmer and Amharic names, shaped (a shaped glyph's text may carry a control
    character where it was reordered: taken out before comparing)."""
    from io import BytesIO

    from pypdf import PdfReader

    body = booking_body(lead_guest={"name": name, "email": "lead@example.com"})  # a waiver is signed as listed
    code = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.guest_code
    version = re.search(r'name="waiver_version" value="([0-9a-f]+)"', client.get(f"/g/{code}").text)
    assert version is not None
    form = {"typed_name": name, "agree": "yes", "waiver_version": version.group(1)}
    assert client.post(f"/g/{code}/waiver", data=form, follow_redirects=False).status_code == 303
    pdf = PdfReader(BytesIO(client.get(f"/g/{code}/waiver.pdf").content))
    assert name in "".join(c for c in pdf.pages[0].extract_text() if c == "\n" or c.isprintable())


def test_a_minor_needs_a_guardian(client: TestClient, demo_app: App, trip: tuple[str, str]) -> None:
    _, code = trip
    _add(client, code, name="Kit Sample", email="kit.parent@example.com", minor="yes")
    [invite] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":invite")]
    kid_code = re.search(r"/g/([0-9A-Z]{10})", invite.message.text).group(1)  # type: ignore[union-attr]
    page = client.get(f"/g/{kid_code}").text
    version = re.search(r'name="waiver_version" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    no_guardian = client.post(
        f"/g/{kid_code}/waiver", data={"typed_name": "Kit Sample", "agree": "yes", "waiver_version": version}
    )
    assert no_guardian.status_code == 422 and "guardian" in no_guardian.text
    ok = client.post(
        f"/g/{kid_code}/waiver",
        data={"typed_name": "Kit Sample", "agree": "yes", "waiver_version": version, "guardian_name": "Lee Sample"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert "guardian: Lee Sample" in client.get(f"/g/{kid_code}").text


def test_a_minor_cannot_sign_as_their_own_guardian(client: TestClient, demo_app: App, trip: tuple[str, str]) -> None:
    """A review: a guest under 18 typed their own name as their guardian's, and the waiver was taken as
    signed by a parent ("Typed name: Kit Sample, Guardian: Kit Sample"), the guest ready to board."""
    booking_id, code = trip
    _add(client, code, name="Kit Sample", minor="yes")
    kid_code = next(g.code for g in list_guests(demo_app.store, "demo", booking_id) if g.name == "Kit Sample")
    version = _waiver_version(client, str(kid_code))
    for typed, guardian in (("Kit Sample", "kit  SAMPLE"), ("Kit", "Kit Sample")):
        own = client.post(
            f"/g/{kid_code}/waiver",
            data={"typed_name": typed, "agree": "yes", "waiver_version": version, "guardian_name": guardian},
        )
        assert own.status_code == 422 and "guardian" in own.text
    kit = _guests(demo_app, booking_id)["Kit Sample"]
    assert kit.waiver is None and kit.status is GuestStatus.INVITED  # type: ignore[attr-defined]


def test_a_parent_opening_a_childs_page_is_asked_for_the_childs_name_then_their_own(
    client: TestClient, demo_app: App, trip: tuple[str, str]
) -> None:
    """Found by a review: Kit's page, opened by Lee, his father, asked "Type your full name", then "Parent or
    guardian's full name"; Lee typed his own name in both, and was refused "add their own name, not the
    guest's", though his own name was all he had typed. The page now asks for the guest's name, then the
    parent's, and that refusal says which name goes where."""
    booking_id, code = trip
    _add(client, code, name="Kit Sample", minor="yes")
    kid_code = next(g.code for g in list_guests(demo_app.store, "demo", booking_id) if g.name == "Kit Sample")
    page = client.get(f"/g/{kid_code}").text
    assert '<label for="typed_name">Type the full name of Kit Sample, the guest under 18</label>' in page
    assert '<label for="guardian_name">Your full name, as their parent or guardian</label>' in page
    form = {"typed_name": "Lee Sample", "guardian_name": "Lee Sample", "agree": "yes"}
    both = client.post(f"/g/{kid_code}/waiver", data={**form, "waiver_version": _waiver_version(client, str(kid_code))})
    [said] = re.findall(r'role="alert">([^<]*)<', both.text)
    assert both.status_code == 422 and said == (
        "a parent or guardian signs for a guest under 18: type the guest&#39;s name first, then yours"
    ), said
    assert client.get(f"/g/{code}").text.count("waiver pending") == 0  # nothing was signed
    assert _guests(demo_app, booking_id)["Kit Sample"].waiver is None  # type: ignore[attr-defined]


def _upload(client: TestClient, code: str, data: bytes, content_type: str = "image/png", **tamper: str) -> object:
    page = client.get(f"/g/{code}").text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    fields.pop("waiver_version", None)
    fields.update(tamper)
    return client.post("/uploads", data=fields, files={"file": ("p.png", data, content_type)}, follow_redirects=False)


def test_photos_upload_only_in_the_window_and_only_real_images_show(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    _, code = trip
    assert "The album opens Sat 13 Jun 2026, 15:00 PDT" in client.get(f"/g/{code}").text
    clock.set(DEPARTURE - timedelta(minutes=30))
    stored = _upload(client, code, PNG)
    assert stored.status_code == 303, stored.text
    assert "/photos/check?id=" in stored.headers["location"]
    checked = client.get(stored.headers["location"], follow_redirects=False)
    assert checked.status_code == 303
    page = client.get(f"/g/{code}").text
    [photo_url] = re.findall(r'<img src="(/g/[^"]+/photos/[0-9a-f]+)"', page)
    image = client.get(photo_url)
    assert image.content == PNG and image.headers["content-type"] == "image/png"

    fake = _upload(client, code, b"MZ\x90\x00 not a picture", "image/png")
    refused = client.get(fake.headers["location"])
    assert refused.status_code == 422 and "not a photo" in refused.text
    assert demo_app.blobs.list("quarantine/") == []
    assert _upload(client, code, PNG, "application/pdf").status_code == 422
    assert _upload(client, code, PNG, **{"x-fm-max-bytes": "999999999"}).status_code == 401  # tampered form
    assert len(re.findall(r'<img src="/g/', client.get(f"/g/{code}").text)) == 1

    clock.set(DEPARTURE + timedelta(days=8))
    closed = client.get(f"/g/{code}").text
    assert "The album closed" in closed and 'action="/uploads"' not in closed


def test_a_form_handed_out_before_the_trip_was_cancelled_adds_no_photo(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    from firstmate.services.bookings import cancel_booking

    booking_id, code = trip
    clock.set(DEPARTURE - timedelta(minutes=30))
    page = client.get(f"/g/{code}").text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    fields.pop("waiver_version", None)
    cancel_booking(demo_app, "demo", booking_id)
    assert "album is closed" in client.get(f"/g/{code}").text
    sent = client.post("/uploads", data=fields, files={"file": ("p.png", PNG, "image/png")}, follow_redirects=False)
    refused = client.get(sent.headers["location"], follow_redirects=False)
    assert refused.status_code == 409 and "cancelled" in refused.text
    assert demo_app.blobs.list("photos/") == [] and demo_app.blobs.list("quarantine/") == []


def test_a_photo_whose_storing_fails_on_the_way_is_stored_when_the_guest_reloads(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The storage failing after the upload (the album's copy refused once, then the photo's
    record once) answers 503, and the upload stays until the photo is recorded: reloading the page
    the guest was sent to stores it (the upload was deleted first, so the reload said it never came)."""
    from firstmate.errors import BlobError, StoreUnavailable

    clock.set(DEPARTURE - timedelta(minutes=30))
    put, transact, failures = demo_app.blobs.put, demo_app.store.transact, ["blobs", "store"]

    def album_put(key: str, *args: object, **kwargs: object) -> object:
        if key.startswith("photos/") and failures[:1] == ["blobs"]:
            failures.pop(0)
            raise BlobError(f"cannot write {key}: SlowDown")
        return put(key, *args, **kwargs)

    def record(writes: list[object], *args: object, **kwargs: object) -> object:
        photo = any(getattr(getattr(w, "item", None), "sk", "").startswith("PHOTO#") for w in writes)
        if photo and failures[:1] == ["store"]:
            failures.pop(0)
            raise StoreUnavailable("the store did not answer")
        return transact(writes, *args, **kwargs)

    monkeypatch.setattr(demo_app.blobs, "put", album_put)
    monkeypatch.setattr(demo_app.store, "transact", record)
    code = trip[1]
    check = _upload(client, code, PNG).headers["location"]
    assert client.get(check, follow_redirects=False).status_code == 503
    assert client.get(check, follow_redirects=False).status_code == 503
    assert failures == [] and len(demo_app.blobs.list("quarantine/")) == 1
    assert client.get(check, follow_redirects=False).status_code == 303
    [photo_url] = re.findall(r'<img src="(/g/[^"]+/photos/[0-9a-f]+)"', client.get(f"/g/{code}").text)
    assert client.get(photo_url).content == PNG
    assert demo_app.blobs.list("quarantine/") == [] and len(demo_app.blobs.list("photos/")) == 1


def test_two_checks_of_one_upload_at_once_keep_the_photo(
    demo_app: App, trip: tuple[str, str], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reload while the first check is still copying the upload into the album: both store the
    same file, one records it, and the other answers with that record (it took the record's refusal
    for a failure and deleted the album's file: the album listed a photo that was gone for good)."""
    import threading
    import time

    clock.set(DEPARTURE - timedelta(minutes=30))
    web = create_app(demo_app)
    first, reload = TestClient(web), TestClient(web)
    code = trip[1]
    check = _upload(first, code, PNG).headers["location"]
    put = demo_app.blobs.put

    def slow_album_put(key: str, *args: object, **kwargs: object) -> object:
        if key.startswith("photos/"):
            time.sleep(0.3)  # the first check is still copying when the reload arrives
        return put(key, *args, **kwargs)

    monkeypatch.setattr(demo_app.blobs, "put", slow_album_put)
    answers: dict[str, int] = {}

    def open_check(name: str, client: TestClient) -> None:
        answers[name] = client.get(check, follow_redirects=False).status_code

    threads = [threading.Thread(target=open_check, args=("first", first))]
    threads[0].start()
    time.sleep(0.1)
    threads.append(threading.Thread(target=open_check, args=("reload", reload)))
    threads[1].start()
    for thread in threads:
        thread.join()
    assert answers == {"first": 303, "reload": 303}
    [photo_url] = re.findall(r'<img src="(/g/[^"]+/photos/[0-9a-f]+)"', first.get(f"/g/{code}").text)
    assert first.get(photo_url).content == PNG and len(demo_app.blobs.list("photos/")) == 1


def test_a_trip_ending_on_another_day_says_which(client: TestClient, demo_app: App) -> None:
    """A two-day charter read "back by 16:00": the same day, or no time at all."""
    body = booking_body(external_id="TWO-DAYS", duration_hours=48)
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    page = client.get(f"/g/{booking.guest_code}").text
    assert "<dt>Return</dt><dd>Mon 15 Jun 2026, 16:00 PDT</dd>" in page
    texts = [e.message.text for e in outbox.list_entries(demo_app.store, "demo") if e.message]
    assert any("back by Mon 15 Jun 2026, 16:00 PDT" in t for t in texts)  # the guest's mail
    assert any("16:00 PDT on Sea Lark (38 ft sloop), return by Mon 15 Jun 2026, 16:00 PDT" in t for t in texts)  # crew
    assert not any(re.search(r"back by 16:00\b|return by 16:00\b|PDT to 16:00 on", t) for t in texts)


def test_a_guest_added_as_the_trip_changes_is_invited_at_the_new_time(demo_app: App) -> None:
    """The lead added Robin while the operator moved the trip from 16:00 to 18:00: Robin's only mail
    said 16:00, and the change, which had read the guest list first, never told Robin. The change
    here lands between the guest's reading of the booking and its write, as two requests would."""
    import dataclasses

    from firstmate.domain.guests import NewGuest
    from firstmate.services.guests import CodeTarget, add_guest

    booked = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body()))
    store, moved = demo_app.store, []

    class ChangedMeanwhile:
        """The app's store, with the trip moved by another request as the guest is written."""

        def __getattr__(self, name: str) -> object:
            return getattr(store, name)

        def transact(self, writes: list[object]) -> object:
            if not moved and any(getattr(w, "item", None) and w.item.sk == "GUEST#g2" for w in writes):
                moved.append(
                    orchestrate_booking(
                        demo_app, "demo", BookingRequest.model_validate(booking_body(start="2026-06-13T18:00:00-07:00"))
                    )
                )
            return store.transact(writes)

    racing = dataclasses.replace(demo_app, store=ChangedMeanwhile())
    add_guest(
        racing, CodeTarget("demo", booked.booking.id, "g1"), NewGuest(name="Robin Sample", email="robin@example.com")
    )
    assert moved and moved[0].result.value == "updated"
    to_robin = [
        e.message.subject for e in outbox.list_entries(demo_app.store, "demo") if e.message.to == ("robin@example.com",)
    ]
    assert to_robin and all("18:00" in subject for subject in to_robin), to_robin


def test_a_cancelled_trips_page_says_its_album_is_closed_and_refuses_im_coming(
    client: TestClient, demo_app: App, trip: tuple[str, str]
) -> None:
    """Found by a review: under "This trip is cancelled" the album said "The album opens …", and a
    page left open took "I'm coming", told the guest to sign the waiver, and stored them as coming."""
    from firstmate.services.bookings import cancel_booking

    booking_id, code = trip
    assert "The album opens" in client.get(f"/g/{code}").text  # 12 days ahead: not open yet
    cancel_booking(demo_app, "demo", booking_id)
    page = client.get(f"/g/{code}").text
    assert "This trip is cancelled, so its album is closed." in page and "The album opens" not in page
    confirmed = client.post(f"/g/{code}/confirm", follow_redirects=False)
    assert confirmed.status_code == 409 and "this trip is cancelled" in confirmed.text
    assert {g.status for g in list_guests(demo_app.store, "demo", booking_id)} == {GuestStatus.INVITED}


def test_im_coming_from_a_page_shown_before_the_trip_moved_is_refused_and_the_new_time_shown(
    client: TestClient, demo_app: App, trip: tuple[str, str]
) -> None:
    """A review: Robin's page said Saturday 16:00; the trip then moved to Sunday 09:00, and "I'm coming"
    on the page still open put Robin on the list for a time never shown, waiver pending: a guest who
    cannot come then holds up the departure, with no way to say so."""
    booking_id, code = trip
    page = client.get(f"/g/{code}").text
    form = re.search(r'<form method="post" action="(/g/[^"]+/confirm)">(.*?)</form>', page, re.S)
    assert form is not None
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    orchestrate_booking(
        demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=3, start="2026-06-14T09:00:00-07:00"))
    )
    late = client.post(form.group(1), data=fields)
    assert late.status_code == 409 and "this trip moved since you opened this page" in late.text
    assert "Sun 14 Jun 2026, 09:00 PDT" in late.text
    assert {g.status for g in list_guests(demo_app.store, "demo", booking_id)} == {GuestStatus.INVITED}
    again = re.search(r'<form method="post" action="(/g/[^"]+/confirm)">(.*?)</form>', late.text, re.S)
    assert again is not None  # the page that says so asks again, at the new time
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', again.group(2)))
    assert client.post(again.group(1), data=fields, follow_redirects=False).status_code == 303
    assert {g.status for g in list_guests(demo_app.store, "demo", booking_id)} == {GuestStatus.ON_HOLD}


def test_once_the_trip_is_over_its_page_asks_nothing_more_and_invites_nobody(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """A review: two days after the return the page still said "Let us know you are coming", took a new
    guest and mailed them "sign the waiver: everyone aboard must sign before we leave the dock", and the
    new guest confirmed and signed; a week later it said "they will get an invitation" for one that went
    dead unsent. The signed waiver and the album stay."""
    booking_id, code = trip
    assert client.post(f"/g/{code}/confirm", follow_redirects=False).status_code == 303
    signed = {"typed_name": "Dana Whitcomb", "agree": "yes", "waiver_version": _waiver_version(client, code)}
    assert client.post(f"/g/{code}/waiver", data=signed, follow_redirects=False).status_code == 303
    assert _add(client, code, name="Kit Sample", minor="yes").status_code == 303  # type: ignore[attr-defined]
    kit = next(g for g in list_guests(demo_app.store, "demo", booking_id) if g.name == "Kit Sample")
    before = len(outbox.list_entries(demo_app.store, "demo"))
    clock.set(DEPARTURE + timedelta(hours=3, minutes=1))  # a minute after the return
    assert client.post(f"/g/{kit.code}/confirm", follow_redirects=False).status_code == 409
    kit_signs = {**signed, "typed_name": "Kit Sample", "guardian_name": "Dana Whitcomb"}
    refused = client.post(f"/g/{kit.code}/waiver", data=kit_signs, follow_redirects=False)
    assert refused.status_code == 409 and "this trip is over" in refused.text
    page = client.get(f"/g/{code}").text
    assert "This trip is over" in page and "Before you board" not in page and "Add guest" not in page
    assert "Download the signed waiver (PDF)" in page and "Photo album" in page
    late = _add(client, code, name="Late Larry", email="larry@example.com")
    assert late.status_code == 409 and "this trip is over" in late.text  # type: ignore[attr-defined]
    assert set(_guests(demo_app, booking_id)) == {"Dana Whitcomb", "Kit Sample"}
    assert _guests(demo_app, booking_id)["Kit Sample"] == kit  # neither coming nor signed after the trip
    assert len(outbox.list_entries(demo_app.store, "demo")) == before


def _waiver_version(client: TestClient, code: str) -> str:
    found = re.search(r'name="waiver_version" value="([^"]+)"', client.get(f"/g/{code}").text)
    assert found is not None
    return found.group(1)


def test_an_album_stays_open_a_week_after_the_return_by_the_local_clocks_across_their_change(
    client: TestClient, demo_app: App, clock: FixedClock
) -> None:
    """Found by a review: a trip back at 19:00 PDT on 31 Oct 2026 (clocks go back on 1 Nov) had its
    album closed at 18:00 PST on 7 Nov, 168 hours on, an hour before "a week after" its return."""
    from zoneinfo import ZoneInfo

    body = booking_body(start="2026-10-31T16:00:00-07:00", duration_hours=3)
    code = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.guest_code
    local = ZoneInfo("America/Los_Angeles")
    clock.set(datetime(2026, 11, 7, 18, 30, tzinfo=local))
    assert 'action="/uploads"' in client.get(f"/g/{code}").text
    clock.set(datetime(2026, 11, 7, 19, 1, tzinfo=local))
    assert "The album closed Sat 7 Nov 2026, 19:00 PST" in client.get(f"/g/{code}").text


def test_the_lead_guest_follows_the_booking_a_corrected_address_hears_of_the_trip_and_a_new_lead_starts_afresh(
    client: TestClient, demo_app: App
) -> None:
    """Found by a review: the channel corrected the lead's address and the trip's mail went on to the
    typo; a booking handed to someone else greeted the old lead, whose signed waiver counted for them."""

    def book(name: str, email: str) -> tuple[str, str]:
        body = booking_body(external_id="W-LEAD", guest_count=3, lead_guest={"name": name, "email": email})
        booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
        return booking.id, booking.guest_code

    booking_id, code = book("Dana Whitcomb", "dana@exmaple.com")  # a typo in the domain
    assert _add(client, code, name="Robin Sample", email="robin@example.com").status_code == 303
    assert client.post(f"/g/{code}/confirm", follow_redirects=False).status_code == 303
    version = re.search(r'name="waiver_version" value="([0-9a-f]+)"', client.get(f"/g/{code}").text)
    assert version is not None
    form = {"typed_name": "Dana Whitcomb", "agree": "yes", "waiver_version": version.group(1)}
    assert client.post(f"/g/{code}/waiver", data=form, follow_redirects=False).status_code == 303
    book("Dana Whitcomb", "dana@example.com")  # the channel corrects it
    [lead] = [g for g in list_guests(demo_app.store, "demo", booking_id) if g.lead]
    assert lead.email == "dana@example.com" and lead.status is GuestStatus.CONFIRMED  # her signature stands
    told = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":guest:g1")]
    assert [e.message.to for e in told if e.status.value == "pending"] == [("dana@example.com",)]
    # the lead alone: Robin's trip is as it was (a review found every guest mailed "Your trip has changed")
    assert not [e for e in outbox.list_entries(demo_app.store, "demo") if ":r2:guest:g2" in e.key]

    _, new_code = book("Sam Rivera", "sam@example.com")  # handed to someone else
    [lead] = [g for g in list_guests(demo_app.store, "demo", booking_id) if g.lead]
    assert (lead.name, lead.status, lead.waiver) == ("Sam Rivera", GuestStatus.INVITED, None)
    # a new page code: Dana's link opened Sam's page, and a waiver signed there counted as his (a review)
    assert new_code != code and client.get(f"/g/{code}").status_code == 404
    assert "Hi Sam" in client.get(f"/g/{new_code}").text
    [told_sam] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.message.to == ("sam@example.com",)]
    assert new_code in told_sam.message.text


def test_a_lead_at_a_new_address_is_told_they_are_booked_not_that_their_trip_changed(demo_app: App) -> None:
    """Found by a review: a booking handed to Sam, or its lead's mistyped address corrected, gave the lead
    their first word of the trip as "Your trip has changed", though nothing had changed for them; they
    are now greeted as booked, and the trip's later changes are changes again."""

    def book(name: str, email: str, **changes: object) -> None:
        body = booking_body(external_id="W-NEW", lead_guest={"name": name, "email": email}, **changes)
        orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body))

    def subjects(to: str) -> list[str]:
        return [e.message.subject for e in outbox.list_entries(demo_app.store, "demo") if e.message.to == (to,)]

    book("Dana Whitcomb", "dana@exmaple.com")  # a typo in the domain
    book("Dana Whitcomb", "dana@example.com")  # corrected
    assert subjects("dana@example.com") == ["You're booked with Saltwind Charters: Sat 13 Jun 2026, 16:00 PDT"]
    book("Sam Rivera", "sam@example.com", guest_count=4)  # handed to someone else, with a change
    assert subjects("sam@example.com") == ["You're booked with Saltwind Charters: Sat 13 Jun 2026, 16:00 PDT"]
    book("Sam Rivera", "sam@example.com", guest_count=5)
    assert subjects("sam@example.com")[-1] == "Your trip has changed: Sat 13 Jun 2026, 16:00 PDT"


def test_a_booking_handed_to_someone_in_the_group_makes_them_the_lead_once_as_they_were(
    client: TestClient, demo_app: App
) -> None:
    """A review: handed to Robin, already in the group and signed, the booking listed him twice, as the
    lead "(you) invited" and as a guest "ready to board": two of three places, and the lead's entry
    waiting for a second signature."""
    body = booking_body(external_id="W-HAND", guest_count=3)
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    assert _add(client, booking.guest_code, name="Robin Sample", email="robin@example.com").status_code == 303
    robin = next(g for g in list_guests(demo_app.store, "demo", booking.id) if g.name == "Robin Sample")
    signed = {"typed_name": "Robin Sample", "agree": "yes", "waiver_version": _waiver_version(client, str(robin.code))}
    assert client.post(f"/g/{robin.code}/waiver", data=signed, follow_redirects=False).status_code == 303
    handed = {**body, "lead_guest": {"name": "Robin Sample", "email": "Robin@example.com"}}
    now = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(handed)).booking
    [lead] = list_guests(demo_app.store, "demo", booking.id)
    assert (lead.id, lead.name, lead.status) == ("g1", "Robin Sample", GuestStatus.CONFIRMED) and lead.waiver
    page = client.get(f"/g/{now.guest_code}").text
    assert page.count("Robin Sample") == 2 and "(2 places left)" in page  # his name in the group, and signed
    # his own link goes, as the lead's does (a second review: kept, it opened the page of the next lead)
    assert client.get(f"/g/{robin.code}").status_code == 404 and "Hi Robin" in client.get(f"/g/{now.guest_code}").text
    told = [e for e in outbox.list_entries(demo_app.store, "demo") if e.message.to == ("robin@example.com",)]
    assert any(now.guest_code in e.message.text for e in told)  # the page's new link, mailed to him
    # and what still waited for him as a guest (his invitation, held by an outage) is withdrawn, not sent
    [invite] = [e for e in told if e.key.endswith(":guest:g2:invite")]
    assert invite.status.value == "dead" and "changed again before it went out" in (invite.last_error or "")
    # a second review: the new lead's next guest got Robin's old id, and its invitation met his (409 forever)
    assert _add(client, now.guest_code, name="Kit Sample", email="kit@example.com").status_code == 303
    assert {g.id for g in list_guests(demo_app.store, "demo", booking.id)} == {"g1", "g3"}


def test_a_guest_form_sent_twice_adds_the_guest_once_and_a_family_may_share_an_address(
    client: TestClient, demo_app: App, trip: tuple[str, str]
) -> None:
    """Found by a review: a double tap on "Add guest" added Robin twice, sent two invitations and took
    two of the booking's places, and the real third guest was refused."""
    booking_id, code = trip
    robin = {"name": "Robin Sample", "email": "robin@example.com"}
    assert _add(client, code, **robin).status_code == 303
    again = _add(client, code, **robin)
    assert again.status_code == 409 and "Robin Sample is already in your group" in again.text
    assert _add(client, code, name="Kit Sample", email="Robin@example.com").status_code == 303  # one family address
    assert sorted(g.name for g in list_guests(demo_app.store, "demo", booking_id)) == [
        "Dana Whitcomb", "Kit Sample", "Robin Sample",
    ]  # fmt: skip
    assert len([e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":invite")]) == 2


def test_a_second_photo_sent_with_a_used_upload_form_is_refused_not_lost(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """Found by a review: a second photo sent with the same form (the Back button) showed "Photo added
    to the album", and lay unseen in quarantine: the album held the first photo only."""
    _, code = trip
    clock.set(DEPARTURE - timedelta(minutes=30))
    page = client.get(f"/g/{code}").text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    fields.pop("waiver_version", None)
    jpeg = photo("JPEG")
    for name, data, kind in (("sunset.png", PNG, "image/png"), ("dolphins.jpg", jpeg, "image/jpeg")):
        answer = client.post("/uploads", data=fields, files={"file": (name, data, kind)})
    assert answer.status_code == 409 and "upload form was used already" in answer.text
    assert "Photo added to the album" not in answer.text
    assert demo_app.blobs.list("quarantine/") == []
    assert len(re.findall(r'<img src="/g/', client.get(f"/g/{code}").text)) == 1
    reloaded = client.get(f"/g/{code}/photos/check?id={fields['key'].rsplit('/', 1)[-1]}", follow_redirects=False)
    assert reloaded.status_code == 303  # a reload of the first upload's check still finds its photo


def test_the_same_photo_added_twice_shows_once_in_the_album(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """Found by a review: a guest unsure their sunset had gone up added it again (or a second guest the same
    file, passed round the group), and the album showed it twice, with no way to take one away, each copy
    taking a place of the album's 500. The second is now refused, saying so, and nothing of it stays."""
    booking_id, code = trip
    clock.set(DEPARTURE - timedelta(minutes=30))
    assert client.get(_upload(client, code, PNG).headers["location"], follow_redirects=False).status_code == 303
    assert _add(client, code, name="Robin Sample").status_code == 303  # type: ignore[attr-defined]
    robin = next(g.code for g in list_guests(demo_app.store, "demo", booking_id) if g.name == "Robin Sample")
    for who in (code, str(robin)):
        again = client.get(_upload(client, who, PNG, "image/jpeg").headers["location"], follow_redirects=False)
        [said] = re.findall(r'role="alert">([^<]*)<', again.text)
        assert again.status_code == 409 and said == "that photo is in the album already, so it was not added again"
    assert (
        client.get(_upload(client, code, photo("JPEG")).headers["location"], follow_redirects=False).status_code == 303
    )
    assert len(re.findall(r'<img src="/g/', client.get(f"/g/{code}").text)) == 2
    assert demo_app.blobs.list("quarantine/") == [] and len(demo_app.blobs.list("photos/")) == 2


def test_a_photo_the_browser_gives_no_type_is_judged_by_its_bytes_as_on_s3(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """Found by a review: on a laptop install a HEIC photo sent as application/octet-stream (a system
    that does not know the format) was refused as "only image files", though S3 takes it."""
    _, code = trip
    clock.set(DEPARTURE - timedelta(minutes=30))
    heic = heic_photo()
    stored = _upload(client, code, heic, "application/octet-stream")
    assert stored.status_code == 303, stored.text
    assert client.get(stored.headers["location"], follow_redirects=False).status_code == 303
    [photo_url] = re.findall(r'<img src="(/g/[^"]+/photos/[0-9a-f]+)"', client.get(f"/g/{code}").text)
    assert client.get(photo_url).headers["content-type"] == "image/heic"
    assert _upload(client, code, PNG, "text/html").status_code == 422  # a type that is no image is still refused


def test_a_guest_who_cannot_come_after_all_says_so_and_the_departure_waits_for_them_no_more(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """A review: "I'm coming" could not be taken back. A guest who then could not come stayed on hold,
    waiver pending, and the departure waited for them until an admin gave a reason to go without."""
    booking_id, code = trip
    assert client.post(f"/g/{code}/confirm", follow_redirects=False).status_code == 303
    assert departure_blockers(list_guests(demo_app.store, "demo", booking_id))  # the dock waits for Dana
    page = client.get(f"/g/{code}").text
    assert "I can't come after all" in page
    assert client.post(f"/g/{code}/withdraw", follow_redirects=False).status_code == 303
    [lead] = list_guests(demo_app.store, "demo", booking_id)
    assert lead.status is GuestStatus.INVITED and departure_blockers([lead]) == []
    again = client.get(f"/g/{code}?done=withdrawn").text
    assert "you are off the list" in again and "I'm coming" in again and "I can't come after all" not in again

    version = re.search(r'name="waiver_version" value="([0-9a-f]+)"', again)
    assert version is not None
    form = {"typed_name": "Dana Whitcomb", "agree": "yes", "waiver_version": version.group(1)}
    assert client.post(f"/g/{code}/waiver", data=form, follow_redirects=False).status_code == 303
    assert client.post(f"/g/{code}/withdraw", follow_redirects=False).status_code == 303  # signed, then not coming
    assert list_guests(demo_app.store, "demo", booking_id)[0].status is GuestStatus.INVITED
    assert client.post(f"/g/{code}/confirm", follow_redirects=False).status_code == 303  # coming after all
    [lead] = list_guests(demo_app.store, "demo", booking_id)
    assert lead.status is GuestStatus.CONFIRMED and lead.waiver is not None  # ready to board: signed before

    clock.set(DEPARTURE + timedelta(minutes=30))  # under way: who sailed is the record
    left = client.post(f"/g/{code}/withdraw")
    assert left.status_code == 409 and "this trip has left" in left.text
    assert "I can't come after all" not in left.text
    assert list_guests(demo_app.store, "demo", booking_id)[0].status is GuestStatus.CONFIRMED


def test_a_cancelled_trips_page_tells_each_guest_whom_to_ask_and_keeps_their_signed_waiver(
    client: TestClient, demo_app: App, trip: tuple[str, str]
) -> None:
    """Found by a review: once the trip was cancelled, every guest's page said "Reply to your confirmation
    email if you have questions": Kit, added without an email, had no email of any kind, and Robin only the
    invitation. And a guest who had signed found no link to their signed waiver any more."""
    from firstmate.services.bookings import cancel_booking

    booking_id, code = trip
    assert _add(client, code, name="Robin Sample", email="robin@example.com").status_code == 303
    assert _add(client, code, name="Kit Sample", minor="yes").status_code == 303
    guests = _guests(demo_app, booking_id)
    robin, kit = str(guests["Robin Sample"].code), str(guests["Kit Sample"].code)  # type: ignore[attr-defined]
    signed = {"typed_name": "Robin Sample", "agree": "yes", "waiver_version": _waiver_version(client, robin)}
    assert client.post(f"/g/{robin}/waiver", data=signed, follow_redirects=False).status_code == 303
    cancel_booking(demo_app, "demo", booking_id)

    def said(page_code: str) -> str:
        return re.findall(r'role="alert">([^<]*)<', client.get(f"/g/{page_code}").text)[0]

    assert said(code) == "This trip is cancelled. Reply to your confirmation email if you have questions."
    assert said(robin) == "This trip is cancelled. Reply to our email about it if you have questions."
    assert said(kit) == "This trip is cancelled. Ask Dana Whitcomb, who booked it, if you have questions."
    assert f'<a href="/g/{robin}/waiver.pdf">Download the signed waiver (PDF)</a>' in client.get(f"/g/{robin}").text
    assert "waiver.pdf" not in client.get(f"/g/{kit}").text  # nothing signed, nothing to download


def test_an_invitation_for_a_guest_under_18_asks_a_parent_or_guardian_to_sign(
    client: TestClient, demo_app: App, trip: tuple[str, str]
) -> None:
    """Found by a review: Kit, 12, added with an email, was asked by the invitation to "say you are coming
    and sign the waiver", which a guest under 18 cannot: their page asks a parent or guardian to."""
    _, code = trip
    _add(client, code, name="Kit Sample", email="kit.parent@example.com", minor="yes")
    _add(client, code, name="Robin Sample", email="robin@example.com")
    invites = {
        e.message.to[0]: e.message for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":invite")
    }
    kit, robin = invites["kit.parent@example.com"], invites["robin@example.com"]
    for part in (kit.text, kit.html or ""):
        assert "a parent or guardian signs the waiver there for a guest under 18" in part, part
        assert "say you are coming and sign the waiver" not in part
    assert "Please open your page to say you are coming and sign the waiver" in robin.text


def test_a_waiver_is_signed_in_the_name_of_the_guest_whose_page_it_is(
    client: TestClient, demo_app: App, trip: tuple[str, str]
) -> None:
    """Found by a review: the typed name was never compared with the guest's, so the lead, who holds the page of a
    guest added without an email, signed Robin's waiver as "Dana Whitcomb", or as anyone, and Robin was ready to
    board. The name typed is the guest's as the group lists it (whatever the case, accents, spacing and order);
    for a guest under 18, the guest's, then the parent's or guardian's own, and the PDF says who signed for whom."""
    from io import BytesIO

    from pypdf import PdfReader

    booking_id, code = trip
    assert _add(client, code, name="Robin Sämple").status_code == 303
    assert _add(client, code, name="Kit Sample", minor="yes").status_code == 303
    robin, kit = (str(_guests(demo_app, booking_id)[n].code) for n in ("Robin Sämple", "Kit Sample"))  # type: ignore[attr-defined]
    page = client.get(f"/g/{robin}").text
    assert "Type your full name, as your group lists it: Robin Sämple" in page
    for typed in ("Dana Whitcomb", "Robin", "Robin Samples"):
        form = {"typed_name": typed, "agree": "yes", "waiver_version": _waiver_version(client, robin)}
        wrong = client.post(f"/g/{robin}/waiver", data=form)
        [said] = re.findall(r'role="alert">([^<]*)<', wrong.text)
        assert wrong.status_code == 422 and said == "type your full name as the group lists it: Robin Sämple", typed
    assert _guests(demo_app, booking_id)["Robin Sämple"].waiver is None  # type: ignore[attr-defined]
    form = {"typed_name": "  sample,  ROBIN ", "agree": "yes", "waiver_version": _waiver_version(client, robin)}
    assert client.post(f"/g/{robin}/waiver", data=form, follow_redirects=False).status_code == 303

    minor = {"guardian_name": "Lee Sample", "agree": "yes", "waiver_version": _waiver_version(client, kit)}
    wrong = client.post(f"/g/{kit}/waiver", data={**minor, "typed_name": "Sam Sample"})
    [said] = re.findall(r'role="alert">([^<]*)<', wrong.text)
    assert wrong.status_code == 422 and said == (
        "type the name of the guest under 18 as the group lists it, Kit Sample, then yours"
    )
    assert client.post(f"/g/{kit}/waiver", data={**minor, "typed_name": "Kit Sample"}).status_code == 200
    pdf = PdfReader(BytesIO(client.get(f"/g/{kit}/waiver.pdf").content)).pages[0].extract_text()
    assert "Lee Sample, parent or guardian, for Kit Sample (under 18)" in " ".join(pdf.split())


def test_the_lead_removes_a_guest_added_by_mistake_after_saying_yes(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """Found by a review: a guest added by mistake (a typo in the name, the wrong Robin) could not be taken off:
    they held a place, and their page and invitation stayed. The lead removes them, asked first, until departure
    and unless they have signed; their link stops opening the trip and their invitation is withdrawn."""
    booking_id, code = trip
    assert _add(client, code, name="Robin Smaple", email="robin@example.com").status_code == 303
    assert _add(client, code, name="Kit Sample", email="kit@example.com").status_code == 303
    assert "(0 places left)" not in client.get(f"/g/{code}").text and "Add guest" not in client.get(f"/g/{code}").text
    robin = _guests(demo_app, booking_id)["Robin Smaple"]
    asked = client.post(f"/g/{code}/guests/{robin.id}/remove")  # type: ignore[attr-defined]
    assert asked.status_code == 200 and "Remove Robin Smaple from your group?" in asked.text
    assert "Yes, remove Robin Smaple" in asked.text and "Robin Smaple" in _guests(demo_app, booking_id)  # asked only
    done = client.post(f"/g/{code}/guests/{robin.id}/remove", data={"confirm": "yes"})  # type: ignore[attr-defined]
    assert done.status_code == 200 and "Guest removed from your group" in done.text and "Add guest" in done.text
    assert set(_guests(demo_app, booking_id)) == {"Dana Whitcomb", "Kit Sample"}
    assert client.get(f"/g/{robin.code}").status_code == 404  # type: ignore[attr-defined]
    [invite] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.message.to == ("robin@example.com",)]
    assert invite.status.value == "dead" and "the lead removed them" in (invite.last_error or "")
    # the place is free again, and the next guest gets an id of their own (the removed one's invitation keeps its key)
    assert _add(client, code, name="Robin Sample", email="robin@example.com").status_code == 303
    assert {g.id for g in list_guests(demo_app.store, "demo", booking_id)} == {"g1", "g3", "g4"}

    kit = _guests(demo_app, booking_id)["Kit Sample"]
    signed = {"typed_name": "Kit Sample", "agree": "yes", "waiver_version": _waiver_version(client, str(kit.code))}  # type: ignore[attr-defined]
    assert client.post(f"/g/{kit.code}/waiver", data=signed, follow_redirects=False).status_code == 303  # type: ignore[attr-defined]
    kept = client.post(f"/g/{code}/guests/{kit.id}/remove", data={"confirm": "yes"})  # type: ignore[attr-defined]
    [said] = re.findall(r'role="alert">([^<]*)<', kept.text)
    assert (
        kept.status_code == 409
        and said == "Kit Sample has signed the waiver, so only the operator can take them off the trip"
    )
    robin = _guests(demo_app, booking_id)["Robin Sample"]
    assert client.post(f"/g/{robin.code}/guests/g1/remove", data={"confirm": "yes"}).status_code == 401  # type: ignore[attr-defined]
    clock.set(DEPARTURE + timedelta(minutes=5))
    assert "Remove Robin" not in client.get(f"/g/{code}").text
    late = client.post(f"/g/{code}/guests/{robin.id}/remove", data={"confirm": "yes"})  # type: ignore[attr-defined]
    assert late.status_code == 409 and "this trip has left" in late.text
    assert set(_guests(demo_app, booking_id)) == {"Dana Whitcomb", "Kit Sample", "Robin Sample"}


@pytest.mark.parametrize("listed", ["J", "李", "—", "J (Airbnb)", "李 [Booking.com]"])
def test_a_lead_booked_under_a_name_the_form_cannot_take_still_signs(demo_app: App, listed: str) -> None:
    """A booking channel may send a lead's name the signing form would refuse typed (one letter, one character, no
    letter at all): the page asked "Type your full name, as your group lists it: J", typing "J" was refused "is
    too short: write at least 2 characters" and "J J" "type your full name as the group lists it: J", so the
    lead could never sign and never board ready. Such a lead signs in their full name as they type it. Found by a
    review: so does "J (Airbnb)", which the page asks for as "J", the channel's note aside (`name_to_sign`)."""
    body = booking_body(lead_guest={"name": listed, "email": "dana@example.com"})
    code = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.guest_code
    with TestClient(create_app(demo_app)) as client:
        page = client.get(f"/g/{code}").text
        assert "Type your full name" in page and "as your group lists it" not in page
        form = {"typed_name": "Jo Whitcomb", "agree": "yes", "waiver_version": _waiver_version(client, code)}
        assert client.post(f"/g/{code}/waiver", data=form, follow_redirects=False).status_code == 303
        assert "Waiver signed" in client.get(f"/g/{code}").text
