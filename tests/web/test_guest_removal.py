"""Removing a guest added by mistake, through the real pages, store, blobs and outbox: their photos leave the
album, what still waits to be mailed to them is withdrawn, and a guest who heard of the trip is told, once."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.outbox import OutboxEntry
from firstmate.errors import NotFound
from firstmate.services import outbox
from firstmate.services.bookings import list_guests, orchestrate_booking
from firstmate.services.guests import CodeTarget
from firstmate.services.photos import list_photos
from tests.conftest import booking_body, mail_text, photo, send_due, sent_mail

DEPARTURE = datetime(2026, 6, 13, 23, 0, tzinfo=UTC)  # booking_body's: Sat 13 Jun 2026, 16:00 PDT


@pytest.fixture
def trip(demo_app: App) -> tuple[str, str]:
    outcome = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=4)))
    return outcome.booking.id, outcome.booking.guest_code


def _guest(app: App, booking_id: str, name: str) -> tuple[str, str]:
    [guest] = [g for g in list_guests(app.store, "demo", booking_id) if g.name == name]
    assert guest.code is not None
    return guest.id, guest.code


def _share(client: TestClient, code: str, width: int) -> None:
    """A photo shared from `code`'s page, through the local upload form and its check (each its own picture)."""
    page = client.get(f"/g/{code}").text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    fields.pop("waiver_version", None)
    sent = client.post("/uploads", data=fields, files={"file": ("p.png", photo("PNG", (width, 3)), "image/png")})
    assert sent.status_code == 200 and "Photo added to the album." in sent.text, sent.text


def _to(app: App, address: str) -> list[OutboxEntry]:
    return [e for e in outbox.list_entries(app.store, "demo") if e.message.to == (address,)]


def test_a_removed_guests_photos_leave_the_album_and_the_guest_is_told_once(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """A known gap: Robin, added by mistake, had shared three photos before the lead removed him; they stayed in
    the album (Robin's page gone, nobody could take them out), and Robin, who had his invitation, heard nothing
    more: his link just stopped working. The lead is told the photos go too, and they do (record and file);
    Robin gets one short note, naming no other guest and no money."""
    booking_id, code = trip
    for name, email in (("Robin Smaple", "robin@example.com"), ("Kit Sample", "kit@example.com")):
        assert client.post(f"/g/{code}/guests", data={"name": name, "email": email}).status_code == 200
    robin_id, robin = _guest(demo_app, booking_id, "Robin Smaple")
    _, kit = _guest(demo_app, booking_id, "Kit Sample")
    send_due(demo_app)  # the invitations go out
    clock.set(DEPARTURE - timedelta(minutes=30))  # the album is open
    for width in (4, 5, 6):
        _share(client, robin, width)
    _share(client, kit, 7)
    album = list_photos(demo_app, CodeTarget("demo", booking_id, "g1"))
    robins = [p for p in album if p.guest_id == robin_id]
    assert len(album) == 4 and len(robins) == 3

    asked = client.post(f"/g/{code}/guests/{robin_id}/remove")
    assert "Remove Robin Smaple from your group?" in asked.text
    assert "The 3 photos Robin shared will be removed from the album too." in asked.text
    assert len(list_photos(demo_app, CodeTarget("demo", booking_id, "g1"))) == 4  # asked only
    done = client.post(f"/g/{code}/guests/{robin_id}/remove", data={"confirm": "yes"})
    assert done.status_code == 200 and "Guest removed from your group" in done.text

    left = list_photos(demo_app, CodeTarget("demo", booking_id, "g1"))
    assert len(left) == 1 and left[0].guest_id != robin_id  # Kit's photo alone
    assert len(re.findall(r'<img src="/g/[^"]+/photos/', done.text)) == 1
    stored = {b.key for b in demo_app.blobs.list("photos/")}
    assert stored == {left[0].key}  # Robin's files are gone from storage too
    for gone in robins:
        assert client.get(f"/g/{code}/photos/{gone.id}").status_code == 404

    invite, note = sorted(_to(demo_app, "robin@example.com"), key=lambda e: e.created_at)
    assert invite.key.endswith(":invite") and invite.provider_ref  # he had his invitation
    assert note.status.value == "pending"
    text = mail_text(sent_mail(demo_app, "demo", note.key))
    assert "Hi Robin," in text and "Dana Whitcomb took you off the group" in text and "Sat 13 Jun 2026" in text
    assert "the 3 photos you shared left its album" in text
    assert "Kit" not in text and "840" not in text and robin not in text and "/g/" not in text
    send_due(demo_app)  # once only, whatever runs again
    assert [e.status.value for e in _to(demo_app, "robin@example.com")] == ["sent", "sent"]


def test_a_removed_guest_who_never_heard_of_the_trip_is_not_told_and_a_guest_added_again_is_not_told_off(
    client: TestClient, demo_app: App, trip: tuple[str, str]
) -> None:
    """A guest whose invitation an outage still held never heard of the trip: their invitation is withdrawn and
    they get no "you are off the trip" note. A guest removed after their invitation went, then added again at the
    same address (the name retyped), is invited again, and the note saying they are off is withdrawn."""
    booking_id, code = trip
    assert client.post(f"/g/{code}/guests", data={"name": "Robin Smaple", "email": "robin@example.com"}).is_success
    robin_id, _ = _guest(demo_app, booking_id, "Robin Smaple")
    assert client.post(f"/g/{code}/guests/{robin_id}/remove", data={"confirm": "yes"}).is_success
    [invite] = _to(demo_app, "robin@example.com")
    assert invite.status.value == "dead" and "the lead removed them" in (invite.last_error or "")

    assert client.post(f"/g/{code}/guests", data={"name": "Kit Smaple", "email": "kit@example.com"}).is_success
    send_due(demo_app)
    kit_id, _ = _guest(demo_app, booking_id, "Kit Smaple")
    assert client.post(f"/g/{code}/guests/{kit_id}/remove", data={"confirm": "yes"}).is_success
    assert client.post(f"/g/{code}/guests", data={"name": "Kit Sample", "email": "kit@example.com"}).is_success
    send_due(demo_app)
    sent = [e.message.subject for e in _to(demo_app, "kit@example.com") if e.status.value == "sent"]
    assert len(sent) == 2 and all("invited you aboard" in s for s in sent), sent
    [note] = [e for e in _to(demo_app, "kit@example.com") if e.key.endswith(":removed")]
    assert note.status.value == "dead" and "added them again" in (note.last_error or "")


def test_an_upload_form_a_removed_guest_left_open_leaves_no_file_in_quarantine_past_a_day(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """A known gap: Robin's page was open, its upload form with it, when the lead removed him. The photo he sent
    with it landed in quarantine, its check answered 404 (his code opens nothing now), and locally the file stayed
    there for good (S3's bucket expires such files within a day). The hourly sweep now removes an unchecked upload
    a day after it landed, as the bucket does; a newer one, and the album's photos, stay."""
    from firstmate.jobs import sweep_expired

    booking_id, code = trip
    assert client.post(f"/g/{code}/guests", data={"name": "Robin Smaple", "email": "robin@example.com"}).is_success
    robin_id, robin = _guest(demo_app, booking_id, "Robin Smaple")
    clock.set(DEPARTURE - timedelta(minutes=30))
    _share(client, code, 4)  # Dana's photo, in the album
    page = client.get(f"/g/{robin}").text  # Robin's page, its upload form with it
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    form.pop("waiver_version", None)
    assert client.post(f"/g/{code}/guests/{robin_id}/remove", data={"confirm": "yes"}).is_success
    sent = client.post("/uploads", data=form, files={"file": ("p.png", photo("PNG", (9, 3)), "image/png")})
    assert sent.status_code == 404  # his code opens nothing: nobody checks the file
    assert len(demo_app.blobs.list("quarantine/")) == 1
    landed = demo_app.blobs.list("quarantine/")[0].modified  # by the storage's clock

    clock.set(landed + timedelta(hours=23))
    sweep_expired(demo_app, clock.now())
    assert len(demo_app.blobs.list("quarantine/")) == 1  # a guest reloading within the day still finishes theirs
    clock.set(landed + timedelta(days=1, minutes=1))
    said = sweep_expired(demo_app, clock.now())
    assert demo_app.blobs.list("quarantine/") == [] and "1 unchecked upload removed" in said
    assert len(demo_app.blobs.list("photos/")) == 1  # Dana's photo stays


def test_a_removed_guest_with_more_photos_than_one_write_takes_leaves_none(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """An album takes 500 photos, and a write at most 100 changes: a guest who shared 150 has them all removed,
    those the removal's own write has no room for right after it."""
    from firstmate.domain.photos import Photo
    from firstmate.ports import Item
    from firstmate.services.trips import booking_pk

    booking_id, code = trip
    assert client.post(f"/g/{code}/guests", data={"name": "Robin Smaple", "email": "robin@example.com"}).is_success
    robin_id, _ = _guest(demo_app, booking_id, "Robin Smaple")
    clock.set(DEPARTURE - timedelta(minutes=30))
    for n in range(150):  # as the album records a checked photo: its file, then its record
        key = f"photos/demo/{booking_id}/{n:016x}.png"
        demo_app.blobs.put(key, photo("PNG", (n + 1, 3)), "image/png")
        shared = Photo(id=f"{n:016x}", guest_id=robin_id, key=key, content_type="image/png", size=80,
                       uploaded_at=clock.now() + timedelta(seconds=n), digest=f"{n:064x}")  # fmt: skip
        demo_app.store.put(Item(booking_pk("demo", booking_id), f"PHOTO#{shared.id}", shared.model_dump(mode="json")))
    assert "The 150 photos Robin shared will be removed" in client.post(f"/g/{code}/guests/{robin_id}/remove").text
    assert client.post(f"/g/{code}/guests/{robin_id}/remove", data={"confirm": "yes"}).is_success
    assert list_photos(demo_app, CodeTarget("demo", booking_id, "g1")) == []
    assert demo_app.blobs.list("photos/") == []


def test_a_photo_checked_as_its_guest_is_removed_does_not_stay_in_the_album(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """Robin's upload was being checked (his code read, the file being read and cleaned) when the lead removed
    him: the check then recorded the photo under a guest no longer in the group, after the removal had taken his
    photos out, and it stayed in the album for everyone, with nobody able to remove it. It is refused now."""
    from firstmate.services.photos import check_upload

    booking_id, code = trip
    assert client.post(f"/g/{code}/guests", data={"name": "Robin Smaple", "email": "robin@example.com"}).is_success
    robin_id, robin = _guest(demo_app, booking_id, "Robin Smaple")
    clock.set(DEPARTURE - timedelta(minutes=30))
    page = client.get(f"/g/{robin}").text
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    form.pop("waiver_version", None)
    landed = client.post(
        "/uploads", data=form, files={"file": ("p.png", photo("PNG", (9, 3)), "image/png")}, follow_redirects=False
    )
    assert landed.status_code == 303  # the browser is sent on to the check, which read Robin's code
    photo_id = landed.headers["location"].rsplit("id=", 1)[1]
    checking = CodeTarget("demo", booking_id, robin_id)  # as the check resolved his code, before the removal
    assert client.post(f"/g/{code}/guests/{robin_id}/remove", data={"confirm": "yes"}).is_success
    with pytest.raises(NotFound):
        check_upload(demo_app, checking, photo_id)
    assert list_photos(demo_app, CodeTarget("demo", booking_id, "g1")) == []
    assert demo_app.blobs.list("photos/") == [] and demo_app.blobs.list("quarantine/") == []


def test_a_photo_recorded_while_its_guest_is_being_removed_leaves_the_album_with_them(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other order: Robin's upload was recorded after the removal had read his photos, just before it wrote.
    The removal took out the photos it had read; this one stayed in the album for everyone, his page gone."""
    from firstmate.ports import Delete
    from firstmate.services.photos import check_upload

    booking_id, code = trip
    assert client.post(f"/g/{code}/guests", data={"name": "Robin Smaple", "email": "robin@example.com"}).is_success
    robin_id, robin = _guest(demo_app, booking_id, "Robin Smaple")
    clock.set(DEPARTURE - timedelta(minutes=30))
    _share(client, robin, 4)  # one photo before
    page = client.get(f"/g/{robin}").text
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    form.pop("waiver_version", None)
    landed = client.post(
        "/uploads", data=form, files={"file": ("p.png", photo("PNG", (9, 3)), "image/png")}, follow_redirects=False
    )
    photo_id = landed.headers["location"].rsplit("id=", 1)[1]
    transact, checked = demo_app.store.transact, []

    def checked_just_before(writes: list[object]) -> object:  # his check records the photo as the removal writes
        if not checked and any(isinstance(w, Delete) and w.sk == f"GUEST#{robin_id}" for w in writes):
            checked.append(check_upload(demo_app, CodeTarget("demo", booking_id, robin_id), photo_id))
        return transact(writes)  # type: ignore[arg-type]

    monkeypatch.setattr(demo_app.store, "transact", checked_just_before)
    assert client.post(f"/g/{code}/guests/{robin_id}/remove", data={"confirm": "yes"}).is_success
    assert checked  # the photo was recorded in between
    assert list_photos(demo_app, CodeTarget("demo", booking_id, "g1")) == []
    assert demo_app.blobs.list("photos/") == []


def test_a_note_held_for_a_removed_guest_stays_when_someone_else_is_added_at_the_same_address(
    client: TestClient, demo_app: App, trip: tuple[str, str]
) -> None:
    """Found by a review: the Samples share one address. Robin, invited, was removed; the note telling him he is off
    the trip waited out an outage. The lead then added Kit at the family's address, and Robin's note was withdrawn
    as if Robin had been added back: he was never told. Only Robin added again (his name retyped) withdraws it."""
    booking_id, code = trip
    family = "samples@example.com"
    assert client.post(f"/g/{code}/guests", data={"name": "Robin Smaple", "email": family}).is_success
    send_due(demo_app)  # his invitation goes out
    robin_id, _ = _guest(demo_app, booking_id, "Robin Smaple")
    assert client.post(f"/g/{code}/guests/{robin_id}/remove", data={"confirm": "yes"}).is_success
    assert client.post(f"/g/{code}/guests", data={"name": "Kit Sample", "email": family}).is_success
    [note] = [e for e in _to(demo_app, family) if e.key.endswith(":removed")]
    assert note.status.value == "pending", note.last_error  # still to tell Robin he is off

    assert client.post(f"/g/{code}/guests", data={"name": "Robin Sample", "email": family}).is_success
    [note] = [e for e in _to(demo_app, family) if e.key.endswith(":removed")]
    assert note.status.value == "dead" and "added them again" in (note.last_error or "")


def test_a_removed_guests_photo_whose_file_storage_refused_to_delete_is_deleted_by_the_sweep(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """Robin's photos leave the album with him; storage refusing to delete one's file left it in storage for good
    (logged, never shown). It is named for the hourly sweep, which deletes it; Kit's photo stays."""
    import dataclasses

    from firstmate.jobs.sweeps import sweep_expired
    from firstmate.web.app import create_app
    from tests.web.test_photo_missing import Deleting

    booking_id, code = trip
    for name, email in (("Robin Smaple", "robin@example.com"), ("Kit Sample", "kit@example.com")):
        assert client.post(f"/g/{code}/guests", data={"name": name, "email": email}).status_code == 200
    robin_id, robin = _guest(demo_app, booking_id, "Robin Smaple")
    _, kit = _guest(demo_app, booking_id, "Kit Sample")
    clock.set(DEPARTURE - timedelta(minutes=30))
    _share(client, robin, 4)
    _share(client, kit, 7)
    [kits] = [p for p in list_photos(demo_app, CodeTarget("demo", booking_id, "g1")) if p.guest_id != robin_id]
    refusing = TestClient(create_app(dataclasses.replace(demo_app, blobs=Deleting(demo_app.blobs, refuse=True))))
    refusing.cookies.update(client.cookies)
    done = refusing.post(f"/g/{code}/guests/{robin_id}/remove", data={"confirm": "yes"})
    assert done.status_code == 200 and "Guest removed from your group" in done.text
    assert len(demo_app.blobs.list("photos/")) == 2  # storage refused Robin's
    assert "1 leftover album file deleted (no photo names it)" in sweep_expired(demo_app, clock.now())
    assert [b.key for b in demo_app.blobs.list("photos/")] == [kits.key]
