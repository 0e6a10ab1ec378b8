"""A trip moved to the boat of another business line (another brand, another legal text): the waivers its guests signed
on the old line's text are kept on record, but the departure waits for the new line's. A known gap
(docs/reliability.md): a signature of Saltwind Charters' waiver let its guest board Tidewater Sailing Club's boat,
under a text they never read, and the crew's waiver tick stood."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.demo.run import demo_profile
from firstmate.domain.bookings import Booking, BookingRequest
from firstmate.domain.crew import Phase
from firstmate.domain.guests import Guest, GuestStatus, SetAside, waiting_names
from firstmate.ports import Store
from firstmate.services import outbox
from firstmate.services.bookings import list_guests, orchestrate_booking
from firstmate.services.business import save_business
from firstmate.services.checklists import tick_item
from firstmate.services.people import get_person
from firstmate.services.roster import claim_role
from firstmate.services.trips import booking_pk, get_event
from tests.conftest import booking_body, mail_text, send_due, sent_mail, sign_on_page
from tests.security.conftest import operator

TIDEWATER_WAIVER = (
    "Tidewater Sailing Club: members and their guests sail at their own risk. I have read the club's safety rules "
    "and will follow the skipper's instructions."
)


@pytest.fixture
def two_lines(demo_app: App) -> App:
    """The demo business with Morning Tern run by its other line, Tidewater Sailing Club, whose waiver is its own."""
    profile = demo_profile()
    entities = tuple(e.model_copy(update={"waiver": TIDEWATER_WAIVER}) if e.id == "tidewater-guests" else e
                     for e in profile.entities)  # fmt: skip
    assets = tuple(a.model_copy(update={"entity": "tidewater-guests", "checklist": ()}) if a.id == "morning-tern" else a
                   for a in profile.assets)  # fmt: skip
    save_business(demo_app.store, profile.model_copy(update={"entities": entities, "assets": assets}))
    return demo_app


def _book(app: App, asset: str, notes: str = "Birthday cake aboard") -> Booking:
    body = booking_body(asset=asset, guest_count=4, notes=notes)
    return orchestrate_booking(app, "demo", BookingRequest.model_validate(body)).booking


def _sign(client: TestClient, code: str, name: str) -> None:
    assert client.post(f"/g/{code}/confirm").is_success
    sign_on_page(client, code, name)


def _guests(app: App, booking: Booking) -> dict[str, Guest]:
    return {g.name: g for g in list_guests(app.store, "demo", booking.id)}


def sign_every_guest(app: App, booking_id: str, waiver: str) -> None:
    """Every guest of the demo org's booking `booking_id` signs the waiver of words `waiver`, as listed."""
    from firstmate.domain import guests as rules
    from firstmate.domain.guests import SigningForm
    from firstmate.services.guests import CodeTarget, sign_waiver

    version = rules.waiver_version(waiver)
    for listed in list_guests(app.store, "demo", booking_id):
        form = SigningForm(typed_name=listed.name, agree=True, waiver_version=version)
        sign_waiver(app, CodeTarget("demo", booking_id, listed.id), form, ip="192.0.2.7", user_agent="Phone")


def guests_answering_meanwhile(store: Store, conflicts: list[int]) -> Callable[[list[object]], object]:
    """`store.transact` of the real store, where a guest's record changes (written again as it is) just before each of
    the first `conflicts[0]` writes of guests only, so that write finds it changed; `conflicts` counts them down."""
    from firstmate.ports import Put, VersionIs

    transact = store.transact

    def answering(writes: list[object]) -> object:
        guests = [w for w in writes if isinstance(w, Put) and w.item.sk.startswith("GUEST#")]
        if conflicts[0] and guests and len(guests) == len(writes) and isinstance(guests[0].condition, VersionIs):
            conflicts[0] -= 1
            current = store.get(guests[0].item.pk, guests[0].item.sk)
            assert current is not None
            store.put(current)
        return transact(writes)  # type: ignore[arg-type]

    return answering


def test_a_trip_moved_to_another_lines_boat_asks_its_signed_guests_for_that_lines_waiver(
    two_lines: App, client: TestClient, clock: FixedClock
) -> None:
    app = two_lines
    booking = _book(app, "sea-lark")
    lead = booking.guest_code
    assert client.post(f"/g/{lead}/guests", data={"name": "Robin Sample", "email": "robin@example.com"}).is_success
    assert client.post(f"/g/{lead}/guests", data={"name": "Kit Sample"}).is_success
    robin = _guests(app, booking)["Robin Sample"]
    assert robin.code is not None
    _sign(client, lead, "Dana Whitcomb")
    _sign(client, robin.code, "Robin Sample")
    send_due(app)
    event = get_event(app.store, "demo", booking.event_id)
    claim_role(app, "demo", event.id, "captain", "jonah")
    jonah = get_person(app.store, "demo", "jonah")
    clock.set(event.start - timedelta(minutes=30))
    for item in event.checklist:
        if item.phase is Phase.PRE_EVENT or item.key == "waivers":
            tick_item(app, "demo", event.id, item.key, jonah)

    moved = _book(app, "morning-tern")  # the same booking, now on Tidewater's boat
    assert moved.id == booking.id and moved.entity == "tidewater-guests"

    guests = _guests(app, booking)
    robin, dana = guests["Robin Sample"], guests["Dana Whitcomb"]
    assert robin.status is GuestStatus.ON_HOLD and robin.waiver is None  # coming, waiver pending
    assert [s.entity for s in robin.earlier] == ["saltwind-charters"] and robin.earlier[0].typed_name == "Robin Sample"
    assert dana.status is GuestStatus.ON_HOLD and dana.waiver is None
    assert waiting_names(list(guests.values())) == "Dana Whitcomb, Robin Sample"
    waivers = next(i for i in get_event(app.store, "demo", booking.event_id).checklist if i.key == "waivers")
    assert waivers.done_at is None  # the crew's tick, made for the other line's signatures, is undone, saying why
    assert "Dana Whitcomb, Robin Sample signed the waiver of the line" in waivers.history[-1].note
    assert "Tidewater Sailing Club's is theirs to sign now" in waivers.history[-1].note

    page = client.get(f"/g/{robin.code}").text
    assert "The trip moved to Tidewater Sailing Club&#39;s boat: its waiver is a different text; please sign it" in (
        page
    )
    assert "Tidewater Sailing Club: members and their guests" in page

    # told once, in the change's own message
    theirs = [e for e in outbox.list_entries(app.store, "demo") if e.message.to == ("robin@example.com",)]
    changed = [e for e in theirs if e.key.startswith(f"bk:{booking.id}:r2:")]
    assert len(changed) == 1, [e.key for e in theirs]
    text = mail_text(sent_mail(app, "demo", changed[0].key))
    assert "Your trip has changed" in text
    assert "The trip moved to Tidewater Sailing Club's boat: its waiver is a different text; please sign it" in text

    # the operator's list keeps what was signed, and its PDF is Saltwind's text as signed
    admin = operator(app)
    listed = admin.get("/admin/waivers", params={"org": "demo", "trip": booking.id}).text
    assert "0 of 3 signed" in listed
    assert "signed Saltwind Charters's waiver before the trip moved: as <q>Robin Sample</q>" in listed
    version = robin.earlier[0].waiver_version
    pdf = admin.get(f"/admin/waivers/demo/{booking.id}/{robin.id}.pdf", params={"version": version})
    assert pdf.status_code == 200 and "robin-sample-saltwind-charters.pdf" in pdf.headers["content-disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Saltwind Charters" in text and "I take part in this boat trip" in text and "Tidewater" not in text

    # Robin signs Tidewater's text: ready to board, Saltwind's signature still on record
    _sign(client, robin.code, "Robin Sample")
    robin = _guests(app, booking)["Robin Sample"]
    assert robin.status is GuestStatus.CONFIRMED and robin.waiver is not None
    assert robin.waiver.entity == "tidewater-guests" and len(robin.earlier) == 1
    assert "please sign it" not in client.get(f"/g/{robin.code}").text

    # moved back to Saltwind's boat: the waivers they signed for Saltwind count again
    _book(app, "sea-lark", notes="Birthday cake aboard, back on Sea Lark")  # (the first body again is old news)
    guests = _guests(app, booking)
    assert guests["Robin Sample"].status is GuestStatus.CONFIRMED
    assert robin.earlier[0].set_aside is SetAside.MOVED  # set aside as the trip moved: asked again, not set aside
    assert guests["Robin Sample"].waiver == robin.earlier[0].model_copy(update={"set_aside": None})
    assert [s.entity for s in guests["Robin Sample"].earlier] == ["tidewater-guests"]
    assert guests["Dana Whitcomb"].status is GuestStatus.CONFIRMED


def test_a_move_within_the_line_changes_no_waiver(demo_app: App, client: TestClient) -> None:
    booking = _book(demo_app, "sea-lark")
    _sign(client, booking.guest_code, "Dana Whitcomb")
    signed = _guests(demo_app, booking)["Dana Whitcomb"]
    _book(demo_app, "morning-tern")  # Saltwind's other boat
    assert _guests(demo_app, booking)["Dana Whitcomb"] == signed
    assert "please sign it" not in client.get(f"/g/{booking.guest_code}").text


def test_a_guest_who_signed_another_lines_waiver_cannot_be_removed(two_lines: App, client: TestClient) -> None:
    """Their signature of the old line's text is the operator's record, as a signature of the new line's is."""
    booking = _book(two_lines, "sea-lark")
    lead = booking.guest_code
    assert client.post(f"/g/{lead}/guests", data={"name": "Robin Sample", "email": "robin@example.com"}).is_success
    robin = _guests(two_lines, booking)["Robin Sample"]
    assert robin.code is not None
    _sign(client, robin.code, "Robin Sample")
    _book(two_lines, "morning-tern")
    page = client.get(f"/g/{lead}").text
    assert f"/guests/{robin.id}/remove" not in page
    refused = client.post(f"/g/{lead}/guests/{robin.id}/remove", data={"confirm": "yes"})
    assert refused.status_code == 409 and "Robin Sample has signed the waiver" in refused.text
    assert "Robin Sample" in _guests(two_lines, booking)


def test_a_signature_given_as_the_trip_moves_to_another_line_is_not_taken_for_the_new_lines(
    two_lines: App, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Robin signs Saltwind's text at the moment the trip moves to Tidewater's boat: recorded after the move, his
    signature of the old text let him board. He is asked to read the new one and sign it, and nothing is recorded."""
    from firstmate.domain import guests as rules
    from firstmate.domain.guests import SigningForm
    from firstmate.errors import Conflict
    from firstmate.services.guests import CodeTarget, sign_waiver

    booking = _book(two_lines, "sea-lark")
    assert client.post(f"/g/{booking.guest_code}/confirm").is_success
    version = rules.waiver_version(demo_profile().entities[0].waiver)
    signing = rules.sign

    def moved_meanwhile(*args: object, **kwargs: object) -> Guest:
        _book(two_lines, "morning-tern")
        return signing(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rules, "sign", moved_meanwhile)
    form = SigningForm(typed_name="Dana Whitcomb", agree=True, waiver_version=version)
    with pytest.raises(Conflict, match="the trip moved to another boat as you signed"):
        sign_waiver(two_lines, CodeTarget("demo", booking.id, "g1"), form, ip="192.0.2.7", user_agent="Phone")
    dana = _guests(two_lines, booking)["Dana Whitcomb"]
    assert dana.status is GuestStatus.ON_HOLD and dana.waiver is None


def test_a_group_larger_than_one_write_follows_the_line_whole(two_lines: App) -> None:
    """A group of 120 who all signed: more guests to change than one transaction takes, beside the change itself.
    Each is on hold after the move all the same, their signatures of Saltwind's text kept."""
    from firstmate.domain.guests import NewGuest
    from firstmate.services.guests import CodeTarget, add_guest

    body = booking_body(asset="sea-lark", guest_count=120)
    booking = orchestrate_booking(two_lines, "demo", BookingRequest.model_validate(body)).booking
    for n in range(119):  # as the lead's page adds them (its views limited)
        add_guest(two_lines, CodeTarget("demo", booking.id, "g1"), NewGuest(name=f"Guest Number{n}"))
    sign_every_guest(two_lines, booking.id, demo_profile().entities[0].waiver)
    orchestrate_booking(two_lines, "demo", BookingRequest.model_validate({**body, "asset": "morning-tern"}))
    guests = list_guests(two_lines.store, "demo", booking.id)
    assert len(guests) == 120
    assert {(g.status, g.waiver, len(g.earlier)) for g in guests} == {(GuestStatus.ON_HOLD, None, 1)}


def test_a_move_to_a_line_whose_waiver_has_the_same_words_keeps_the_signatures(
    demo_app: App, client: TestClient
) -> None:
    """A known gap (docs/reliability.md): both lines kept the waiver every business line starts with (the demo's do),
    so the words Robin signed for Saltwind Charters were Tidewater Sailing Club's word for word; yet the move asked
    him to sign them again. His signature stands: ready to board, nothing asked on his page or in his mail."""
    profile = demo_profile()
    assets = tuple(a.model_copy(update={"entity": "tidewater-guests", "checklist": ()}) if a.id == "morning-tern" else a
                   for a in profile.assets)  # fmt: skip
    save_business(demo_app.store, profile.model_copy(update={"assets": assets}))
    booking = _book(demo_app, "sea-lark")
    lead = booking.guest_code
    assert client.post(f"/g/{lead}/guests", data={"name": "Robin Sample", "email": "robin@example.com"}).is_success
    robin = _guests(demo_app, booking)["Robin Sample"]
    assert robin.code is not None
    _sign(client, robin.code, "Robin Sample")
    signed = _guests(demo_app, booking)["Robin Sample"].waiver
    send_due(demo_app)

    _book(demo_app, "morning-tern")

    moved = _guests(demo_app, booking)["Robin Sample"]
    assert moved.status is GuestStatus.CONFIRMED and moved.waiver == signed and moved.earlier == ()
    page = client.get(f"/g/{robin.code}").text
    assert "Waiver signed by Robin Sample" in page and "please sign" not in page
    theirs = [e for e in outbox.list_entries(demo_app.store, "demo") if e.message.to == ("robin@example.com",)]
    changed = [e for e in theirs if e.key.startswith(f"bk:{booking.id}:r2:")]
    assert len(changed) == 1
    text = mail_text(sent_mail(demo_app, "demo", changed[0].key))
    assert "please sign" not in text and "Morning Tern" in text


def test_a_large_groups_follow_up_outlasts_guests_changing_as_it_writes(
    two_lines: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap (docs/reliability.md): a group of 120 moved to Tidewater's boat, whose guests kept answering as the
    follow-up wrote (each write of it found a guest changed meanwhile), eight times in a row: after five the follow-up
    gave up and dropped its marker, leaving the rest able to board on Saltwind's signature, and no job went back.
    Every guest ends on hold for Tidewater's waiver: at once, or by the next run of the job that finishes fan-outs."""
    from firstmate.domain.guests import NewGuest
    from firstmate.services.bookings import complete_fanouts
    from firstmate.services.guests import CodeTarget, add_guest

    body = booking_body(asset="sea-lark", guest_count=120)
    booking = orchestrate_booking(two_lines, "demo", BookingRequest.model_validate(body)).booking
    for n in range(119):
        add_guest(two_lines, CodeTarget("demo", booking.id, "g1"), NewGuest(name=f"Guest Number{n}"))
    sign_every_guest(two_lines, booking.id, demo_profile().entities[0].waiver)

    store, conflicts = two_lines.store, [8]
    monkeypatch.setattr(store, "transact", guests_answering_meanwhile(store, conflicts))
    orchestrate_booking(two_lines, "demo", BookingRequest.model_validate({**body, "asset": "morning-tern"}))
    assert store.query(booking_pk("demo", booking.id), "FANOUT#r").items  # kept: five conflicts in a row
    complete_fanouts(two_lines)

    guests = list_guests(store, "demo", booking.id)
    assert len(guests) == 120
    assert {(g.status, g.waiver, len(g.earlier)) for g in guests} == {(GuestStatus.ON_HOLD, None, 1)}
    assert conflicts == [0]
    assert not store.query(booking_pk("demo", booking.id), "FANOUT#r").items


def test_a_cancels_dry_run_names_the_guests_a_kept_follow_up_still_moves_and_the_cancel_moves_them(
    two_lines: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The group of 120 moved to Tidewater's boat while its guests kept answering: its messages all queued, its
    follow-up kept for the guests still on Saltwind's signature. A dry run of its cancel names those guests and
    Tidewater's line, and no message to finish; the cancel then moves just them."""
    from firstmate.domain.guests import NewGuest
    from firstmate.services.bookings import cancel_booking, cancellation_preview, get_booking
    from firstmate.services.guests import CodeTarget, add_guest

    body = booking_body(asset="sea-lark", guest_count=120)
    booking = orchestrate_booking(two_lines, "demo", BookingRequest.model_validate(body)).booking
    for n in range(119):
        add_guest(two_lines, CodeTarget("demo", booking.id, "g1"), NewGuest(name=f"Guest Number{n}"))
    sign_every_guest(two_lines, booking.id, demo_profile().entities[0].waiver)
    store = two_lines.store
    with monkeypatch.context() as patched:
        patched.setattr(store, "transact", guests_answering_meanwhile(store, [8]))
        orchestrate_booking(two_lines, "demo", BookingRequest.model_validate({**body, "asset": "morning-tern"}))
    left = sorted(g.id for g in list_guests(store, "demo", booking.id) if g.waiver is not None)
    assert left and store.query(booking_pk("demo", booking.id), "FANOUT#r").items

    preview = cancellation_preview(two_lines, "demo", get_booking(store, "demo", booking.id))
    assert (preview.line, sorted(preview.moved), preview.finished) == (
        "tidewater-guests",
        [f"guest:{g}" for g in left],
        [],
    )
    assert cancel_booking(two_lines, "demo", booking.id).booking.cancelled
    guests = list_guests(store, "demo", booking.id)
    assert {(g.status, g.waiver, len(g.earlier)) for g in guests} == {(GuestStatus.ON_HOLD, None, 1)}


def test_a_signature_given_as_the_line_gets_a_new_waiver_text_is_not_taken_for_the_new_one(
    demo_app: App, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dana signs Saltwind's text at the moment `org import` saves its new words and asks the trip's signed guests
    for them (she had not signed yet, so it asked nothing of her): recorded after, her signature of the old words let
    her board on a text the business no longer uses. She is asked to read the new one and sign it, and nothing is
    recorded."""
    from firstmate.domain import guests as rules
    from firstmate.domain.guests import SigningForm
    from firstmate.errors import Conflict
    from firstmate.ports import Write
    from firstmate.services.business import business_writes, load_business
    from firstmate.services.guests import CodeTarget, sign_waiver
    from firstmate.services.waiver_texts import follow_new_texts, marker_writes

    booking = _book(demo_app, "sea-lark")
    assert client.post(f"/g/{booking.guest_code}/confirm").is_success
    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    old = rules.waiver_version(profile.entity("saltwind-charters").waiver)  # type: ignore[union-attr]
    signing = rules.sign
    entities = tuple(e.model_copy(update={"waiver": "Saltwind Charters: new words."})
                     if e.id == "saltwind-charters" else e for e in profile.entities)  # fmt: skip
    new = profile.model_copy(update={"entities": entities})

    def imported_meanwhile(*args: object, **kwargs: object) -> Guest:
        """The import, as `org import` does it, between the text Dana read and the write of her signature."""
        marker = marker_writes("demo", [e for e in entities if e.id == "saltwind-charters"])
        writes: list[Write] = [*business_writes(demo_app.store, new)[0], *marker]
        if writes[:-1]:  # once: a second reading finds the new text saved
            demo_app.store.transact(writes)
            follow_new_texts(demo_app, "demo")
        return signing(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rules, "sign", imported_meanwhile)
    form = SigningForm(typed_name="Dana Whitcomb", agree=True, waiver_version=old)
    with pytest.raises(Conflict, match="the waiver changed as you signed"):
        sign_waiver(demo_app, CodeTarget("demo", booking.id, "g1"), form, ip="192.0.2.7", user_agent="Phone")
    dana = _guests(demo_app, booking)["Dana Whitcomb"]
    assert dana.status is GuestStatus.ON_HOLD and dana.waiver is None
    page = client.get(f"/g/{booking.guest_code}").text
    assert "Saltwind Charters: new words." in page and "Sign the waiver" in page
