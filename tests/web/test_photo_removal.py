"""Taking a photo back out of a trip's album, through the real pages, store and blobs: the guest who shared it
and the lead may, asked first; nobody else can, by button or by a forged form."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.outbox import OutboxEntry
from firstmate.services import outbox
from firstmate.services.bookings import list_guests, orchestrate_booking
from firstmate.services.guests import CodeTarget
from firstmate.services.photo_removal import remove_photo
from firstmate.services.photos import list_photos
from firstmate.web.app import create_app
from tests.conftest import booking_body, mail_text, photo, sent_mail

DEPARTURE = datetime(2026, 6, 13, 23, 0, tzinfo=UTC)  # booking_body's: Sat 13 Jun 2026, 16:00 PDT


@dataclasses.dataclass(frozen=True)
class Trip:
    booking_id: str
    lead: str  # each a page code
    robin: str
    kit: str


@pytest.fixture
def trip(client: TestClient, demo_app: App, clock: FixedClock) -> Trip:
    outcome = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=4)))
    booking_id, code = outcome.booking.id, outcome.booking.guest_code
    for name, email in (("Robin Smaple", "robin@example.com"), ("Kit Sample", "kit@example.com")):
        assert client.post(f"/g/{code}/guests", data={"name": name, "email": email}).status_code == 200
    codes = {g.first_name: g.code for g in list_guests(demo_app.store, "demo", booking_id)}
    clock.set(DEPARTURE - timedelta(minutes=30))  # the album is open
    return Trip(booking_id, code, str(codes["Robin"]), str(codes["Kit"]))


def _share(client: TestClient, code: str, data: bytes) -> str:
    """A photo shared from `code`'s page through the upload form and its check; the page after it."""
    page = client.get(f"/g/{code}").text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    fields.pop("waiver_version", None)
    return client.post("/uploads", data=fields, files={"file": ("p.png", data, "image/png")}).text


def _album(app: App, trip: Trip) -> list[str]:
    """The album's photo ids, by who shared them: the lead (g1), Robin (g2), Kit (g3)."""
    photos = list_photos(app, CodeTarget("demo", trip.booking_id, "g1"))
    return [p.id for p in sorted(photos, key=lambda p: (p.guest_id, p.uploaded_at))]


def _removes(page: str, photo_id: str) -> bool:
    """Whether `page` offers to remove photo `photo_id`."""
    return f'/photos/{photo_id}/remove" class="inline"><button' in page


def test_a_guest_removes_a_photo_they_shared_asked_first_and_its_file_goes_with_it(
    client: TestClient, demo_app: App, trip: Trip
) -> None:
    """A known gap: Robin shared the wrong photo and could not take it back. Now his own photo has "Remove"; the
    page asks first, and once he says yes the photo leaves the album, its file leaves storage, and its link answers
    404. Asked again (the form sent twice), the page says it is gone. The same file can be shared again."""
    wrong = photo("PNG", (5, 3))
    assert "Photo added to the album." in _share(client, trip.robin, wrong)
    _share(client, trip.kit, photo("PNG", (6, 3)))
    robins, kits = _album(demo_app, trip)
    page = client.get(f"/g/{trip.robin}").text
    assert _removes(page, robins) and not _removes(page, kits)  # his own photo alone

    asked = client.post(f"/g/{trip.robin}/photos/{robins}/remove")
    assert asked.status_code == 200
    assert "Remove this photo you shared from the album?" in asked.text and "cannot be undone" in asked.text
    assert "Yes, remove this photo" in asked.text
    assert _album(demo_app, trip) == [robins, kits]  # asked only
    assert client.get(f"/g/{trip.robin}/photos/{robins}").status_code == 200

    done = client.post(f"/g/{trip.robin}/photos/{robins}/remove", data={"confirm": "yes"}, follow_redirects=False)
    assert done.status_code == 303
    shown = client.get(done.headers["location"]).text
    assert "Photo removed from the album" in shown and f"/photos/{robins}" not in shown
    assert _album(demo_app, trip) == [kits]
    assert len(demo_app.blobs.list("photos/")) == 1 and demo_app.blobs.list("quarantine/") == []
    for code in (trip.robin, trip.kit, trip.lead):  # whoever was looking at it
        assert client.get(f"/g/{code}/photos/{robins}").status_code == 404

    again = client.post(f"/g/{trip.robin}/photos/{robins}/remove", data={"confirm": "yes"})
    assert again.status_code == 404 and "that photo is no longer in the album" in again.text
    assert _album(demo_app, trip) == [kits]

    assert "Photo added to the album." in _share(client, trip.robin, wrong)  # not "in the album already"
    assert len(_album(demo_app, trip)) == 2


def test_the_lead_removes_any_photo_of_the_trip_told_whose_it_is(
    client: TestClient, demo_app: App, trip: Trip, clock: FixedClock
) -> None:
    """The lead moderates the album: each photo has "Remove", saying whose it is, and the page asks first. A photo
    can be removed whenever it is: here a month after the trip, its album long closed."""
    _share(client, trip.robin, photo("PNG", (5, 3)))
    _share(client, trip.lead, photo("PNG", (7, 3)))
    dana, robins = _album(demo_app, trip)
    clock.set(DEPARTURE + timedelta(days=30))
    page = client.get(f"/g/{trip.lead}").text
    assert _removes(page, robins) and _removes(page, dana) and "Remove Robin's" in page

    asked = client.post(f"/g/{trip.lead}/photos/{robins}/remove").text
    assert "Remove this photo Robin Smaple shared from the album?" in asked
    assert "Nobody on the trip, Robin included, will see it any more" in asked
    done = client.post(f"/g/{trip.lead}/photos/{robins}/remove", data={"confirm": "yes"})
    assert done.status_code == 200 and "Photo removed from the album" in done.text
    assert _album(demo_app, trip) == [dana]
    assert client.get(f"/g/{trip.robin}/photos/{robins}").status_code == 404
    assert "Remove this photo you shared" in client.post(f"/g/{trip.lead}/photos/{dana}/remove").text


def test_another_guest_has_no_button_and_a_forged_form_is_refused_changing_nothing(
    client: TestClient, demo_app: App, trip: Trip
) -> None:
    """Kit sees Robin's photo but cannot remove it: no button, and a form sent by hand is refused (403) whether
    asking or confirming; a guest of another trip is told there is no such photo (404). The photo stays."""
    _share(client, trip.robin, photo("PNG", (5, 3)))
    [robins] = _album(demo_app, trip)
    assert not _removes(client.get(f"/g/{trip.kit}").text, robins)
    for form in ({}, {"confirm": "yes"}):
        refused = client.post(f"/g/{trip.kit}/photos/{robins}/remove", data=form)
        assert refused.status_code == 403, refused.text
        assert "only the guest who shared a photo, or the guest who booked the trip, can remove it" in refused.text
    body = booking_body(external_id="WEB-2002", start="2026-06-20T16:00:00-07:00")  # a trip the week after
    other = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    for form in ({}, {"confirm": "yes"}):
        assert client.post(f"/g/{other.guest_code}/photos/{robins}/remove", data=form).status_code == 404
    for bad in ("ph_1", "0" * 16, "../" + robins):
        assert client.post(f"/g/{trip.lead}/photos/{bad}/remove", data={"confirm": "yes"}).status_code == 404
    assert _album(demo_app, trip) == [robins]
    assert len(demo_app.blobs.list("photos/")) == 1
    assert client.get(f"/g/{trip.kit}/photos/{robins}").status_code == 200


def test_a_full_album_has_room_again_once_a_photo_is_removed(demo_app: App, trip: Trip) -> None:
    """An album holding its most photos offers no upload form; removing one offers it again, and takes a photo."""
    small = dataclasses.replace(demo_app, settings=demo_app.settings.model_copy(update={"album_max_photos": 2}))
    with TestClient(create_app(small)) as client:
        _share(client, trip.robin, photo("PNG", (5, 3)))
        _share(client, trip.kit, photo("PNG", (6, 3)))
        full = client.get(f"/g/{trip.robin}").text
        assert "The album is full" in full and 'enctype="multipart/form-data"' not in full
        robins = _album(small, trip)[0]
        assert client.post(f"/g/{trip.robin}/photos/{robins}/remove", data={"confirm": "yes"}).status_code == 200
        assert 'enctype="multipart/form-data"' in client.get(f"/g/{trip.robin}").text
        assert "Photo added to the album." in _share(client, trip.robin, photo("PNG", (8, 3)))
        assert len(_album(small, trip)) == 2


def test_a_photo_of_a_cancelled_trip_can_still_be_removed(client: TestClient, demo_app: App, trip: Trip) -> None:
    """A cancelled trip's album takes no more photos, but one shared before can still be taken back."""
    from firstmate.services.bookings import cancel_booking

    _share(client, trip.robin, photo("PNG", (5, 3)))
    [robins] = _album(demo_app, trip)
    cancel_booking(demo_app, "demo", trip.booking_id)
    page = client.get(f"/g/{trip.robin}").text
    assert "This trip is cancelled" in page and _removes(page, robins)
    assert client.post(f"/g/{trip.robin}/photos/{robins}/remove", data={"confirm": "yes"}).status_code == 200
    assert _album(demo_app, trip) == [] and demo_app.blobs.list("photos/") == []


def _told(app: App, address: str) -> list[OutboxEntry]:
    """The mails the outbox holds for `address` saying a photo they shared was removed."""
    entries = outbox.list_entries(app.store, "demo")
    return [e for e in entries if e.message.to == (address,) and "A photo you shared" in e.message.subject]


def test_a_guest_whose_photo_the_lead_removed_is_told_once_by_mail(
    client: TestClient, demo_app: App, trip: Trip
) -> None:
    """A known gap: the lead took Robin's photo out of the album and Robin was not told; it was just gone. He now gets
    one mail saying which trip, and that the trip's lead removed a photo he shared (no photo in it, no reason
    made up). The form sent again tells him nothing more; a guest removing their own photo, the lead theirs, tells
    nobody."""
    _share(client, trip.robin, photo("PNG", (5, 3)))
    _share(client, trip.kit, photo("PNG", (6, 3)))
    _share(client, trip.lead, photo("PNG", (7, 3)))
    dana, robins, kits = _album(demo_app, trip)
    asked = client.post(f"/g/{trip.lead}/photos/{robins}/remove").text
    assert "We let Robin know by email that you removed it." in asked
    assert _told(demo_app, "robin@example.com") == []  # asked only

    done = client.post(f"/g/{trip.lead}/photos/{robins}/remove", data={"confirm": "yes"})
    assert done.status_code == 200 and "We let the guest who shared it know by email." in done.text
    [note] = _told(demo_app, "robin@example.com")
    message = sent_mail(demo_app, "demo", note.key)
    assert message["Subject"] == (
        "A photo you shared was removed from the album of your trip with Saltwind Charters: Sat 13 Jun 2026, 16:00 PDT"
    )
    text = mail_text(message)
    assert text.startswith("Hi Robin,")
    assert (
        "Dana Whitcomb, who booked the trip, removed a photo you shared from the album of the trip with Saltwind "
        "Charters on Sat 13 Jun 2026, 16:00 PDT" in text.replace("\n", " ")
    )
    assert "ask Dana Whitcomb" in text
    assert not [part for part in message.walk() if part.get_content_maintype() == "image"]  # the photo is gone

    again = client.post(f"/g/{trip.lead}/photos/{robins}/remove", data={"confirm": "yes"})
    assert again.status_code == 404 and len(_told(demo_app, "robin@example.com")) == 1
    own = client.post(f"/g/{trip.kit}/photos/{kits}/remove")
    assert "know by email" not in own.text
    assert client.post(f"/g/{trip.kit}/photos/{kits}/remove", data={"confirm": "yes"}).status_code == 200
    assert client.post(f"/g/{trip.lead}/photos/{dana}/remove", data={"confirm": "yes"}).status_code == 200
    assert _told(demo_app, "kit@example.com") == [] and _told(demo_app, "dana@example.com") == []
    assert _album(demo_app, trip) == []


def test_a_guest_without_an_email_whose_photo_the_lead_removed_is_sent_nothing(
    client: TestClient, demo_app: App, trip: Trip
) -> None:
    """Sam, added without an email address, shared a photo the lead removes: it goes, and nothing is queued."""
    assert client.post(f"/g/{trip.lead}/guests", data={"name": "Sam Sample"}).status_code == 200
    sam = next(g for g in list_guests(demo_app.store, "demo", trip.booking_id) if g.first_name == "Sam")
    _share(client, str(sam.code), photo("PNG", (5, 3)))
    [sams] = _album(demo_app, trip)
    queued = len(outbox.list_entries(demo_app.store, "demo"))
    assert "know by email" not in client.post(f"/g/{trip.lead}/photos/{sams}/remove").text
    done = client.post(f"/g/{trip.lead}/photos/{sams}/remove", data={"confirm": "yes"})
    assert done.status_code == 200 and "Photo removed from the album" in done.text and "by email" not in done.text
    assert _album(demo_app, trip) == [] and len(outbox.list_entries(demo_app.store, "demo")) == queued


def test_a_photo_the_former_lead_shared_tells_nobody_not_the_lead_the_booking_was_handed_to(
    client: TestClient, demo_app: App, trip: Trip, clock: FixedClock
) -> None:
    """Dana, who booked, shared a photo; then the channel handed the booking to Sam Rivera, who took Dana's place as
    the lead. The operator removing Dana's photo mailed Sam "A photo you shared was removed": a photo he never
    shared. Dana is no longer in the group, so nobody is told; a photo Sam shares himself still tells him."""
    _share(client, trip.lead, photo("PNG", (7, 3)))
    [danas] = _album(demo_app, trip)
    clock.set(DEPARTURE - timedelta(minutes=20))
    sam = {"name": "Sam Rivera", "email": "sam@example.com"}
    handed = orchestrate_booking(
        demo_app, "demo", BookingRequest.model_validate({**booking_body(guest_count=4), "lead_guest": sam})
    ).booking
    asked = client.post(f"/g/{handed.guest_code}/photos/{danas}/remove").text
    assert "Remove this photo, shared by a guest no longer in your group, from the album?" in asked
    assert "know by email" not in asked
    removed = remove_photo(demo_app, "demo", trip.booking_id, danas, by="operator")
    assert removed is not None and removed.told is None
    assert _told(demo_app, "sam@example.com") == [] and _told(demo_app, "dana@example.com") == []

    clock.set(DEPARTURE - timedelta(minutes=10))
    _share(client, handed.guest_code, photo("PNG", (8, 3)))
    [sams] = _album(demo_app, trip)
    removed = remove_photo(demo_app, "demo", trip.booking_id, sams, by="operator")
    assert removed is not None and removed.told is not None and removed.told.name == "Sam Rivera"
    assert len(_told(demo_app, "sam@example.com")) == 1
