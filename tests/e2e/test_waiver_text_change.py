"""A new version of a business line's waiver text, imported with `firstmate org import`: the guests of the line's
trips still to sail who signed the old text are asked to sign the new one, told once, their old signature kept on
record; a trip that sailed keeps its signatures, and so does another line's. A known gap (docs/reliability.md): the
old text's signatures stood, and a guest boarded on words the business no longer used."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.sources.org_file import org_toml
from firstmate.bootstrap import App, build
from firstmate.config import load_settings
from firstmate.demo.run import demo_people, demo_profile
from firstmate.domain.bookings import Booking, BookingRequest
from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import Phase
from firstmate.domain.guests import Guest, GuestStatus, waiver_version
from firstmate.errors import Conflict
from firstmate.services import outbox
from firstmate.services.bookings import list_guests, orchestrate_booking
from firstmate.services.business import load_business, save_business
from firstmate.services.checklists import tick_item
from firstmate.services.org_setup import org_tables
from firstmate.services.people import get_person, save_people
from firstmate.services.roster import claim_role
from firstmate.services.trips import get_event
from firstmate.web.app import create_app
from tests.conftest import booking_body, mail_text, sent_mail, sign_on_page
from tests.e2e.test_cli import run
from tests.security.conftest import operator

ZONE = ZoneInfo(demo_profile().org.timezone)
NEW_TEXT = (
    "Saltwind Charters: I sail at my own risk. I will wear a life jacket on deck at all times, follow the skipper's "
    "instructions, and tell the crew of any medical condition before we leave the dock."
)


def _profile() -> BusinessProfile:
    """The demo business with Morning Tern run by its other line, Tidewater Sailing Club (the same waiver words)."""
    profile = demo_profile()
    assets = tuple(a.model_copy(update={"entity": "tidewater-guests"}) if a.id == "morning-tern" else a
                   for a in profile.assets)  # fmt: skip
    return profile.model_copy(update={"assets": assets})


def _org_file(folder: Path, saltwind_waiver: str | None, line: str = "saltwind-charters") -> Path:
    """The org file of `_profile` with the waiver text of `line` (Saltwind Charters') written `saltwind_waiver`; None:
    the line's table writes no `waiver`."""
    profile = _profile()
    entities = tuple(e.model_copy(update={"waiver": saltwind_waiver or ""}) if e.id == line else e
                     for e in profile.entities)  # fmt: skip
    path = folder / "org.toml"
    tables = org_tables(profile.model_copy(update={"entities": entities}), demo_people())
    if saltwind_waiver is None:
        next(t for t in tables["entities"] if t["id"] == line).pop("waiver")
    path.write_text(org_toml(tables, "# the demo business\n"), encoding="utf-8")
    return path


def _book(app: App, asset: str, reference: str, start: datetime) -> Booking:
    body = booking_body(asset=asset, external_id=reference, start=start.isoformat(), guest_count=4)
    return orchestrate_booking(app, "demo", BookingRequest.model_validate(body)).booking


def _guests(app: App, booking: Booking) -> dict[str, Guest]:
    return {g.name: g for g in list_guests(app.store, "demo", booking.id)}


def _at_ten(days: int) -> datetime:
    return (datetime.now(ZONE) + timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture
def home(tmp_path: Path) -> tuple[Path, dict[str, Booking]]:
    """A home whose trips have signed guests: Sea Lark's in three days (Saltwind Charters: Dana the lead and Robin
    signed on their pages, and Kit, added without an email, on his, which Dana holds; the crew ticked the waivers),
    Sea Lark's that sailed two days ago (Dana signed before it left), and Morning Tern's in four days (Tidewater's
    line: Dana signed)."""
    folder = tmp_path / "home"
    sailed_at = _at_ten(-2)
    past = build(load_settings(home=folder), clock=FixedClock(sailed_at - timedelta(days=1)))
    try:
        save_business(past.store, _profile())
        save_people(past.store, "demo", demo_people())
        sailed = _book(past, "sea-lark", "WEB-0900", sailed_at)
        with TestClient(create_app(past)) as guest:
            assert guest.post(f"/g/{sailed.guest_code}/confirm").is_success
            sign_on_page(guest, sailed.guest_code, "Dana Whitcomb")
    finally:
        past.close()
    app = build(load_settings(home=folder))
    try:
        soon = _book(app, "sea-lark", "WEB-1001", _at_ten(3))
        other = _book(app, "morning-tern", "WEB-1002", _at_ten(4))
        with TestClient(create_app(app)) as guest:
            lead = soon.guest_code
            assert guest.post(f"/g/{lead}/guests", data={"name": "Robin Sample", "email": "robin@example.com"})
            assert guest.post(f"/g/{lead}/guests", data={"name": "Kit Sample"}).is_success
            listed = _guests(app, soon)
            signers = [(lead, "Dana Whitcomb"), (listed["Robin Sample"].code, "Robin Sample"),
                       (listed["Kit Sample"].code, "Kit Sample"), (other.guest_code, "Dana Whitcomb")]  # fmt: skip
            for code, name in signers:
                assert code is not None
                assert guest.post(f"/g/{code}/confirm").is_success
                sign_on_page(guest, code, name)
        claim_role(app, "demo", soon.event_id, "captain", "jonah")
        jonah = get_person(app.store, "demo", "jonah")
        for item in get_event(app.store, "demo", soon.event_id).checklist:
            if item.phase is Phase.PRE_EVENT or item.key == "waivers":
                tick_item(app, "demo", soon.event_id, item.key, jonah)
    finally:
        app.close()
    return folder, {"soon": soon, "sailed": sailed, "other": other}


def test_a_new_waiver_text_asks_the_guests_of_trips_to_come_to_sign_it_once(
    home: tuple[Path, dict[str, Booking]], tmp_path: Path
) -> None:
    folder, trips = home
    soon = trips["soon"]

    imported = run(folder, "org", "import", str(_org_file(tmp_path, NEW_TEXT)))

    assert imported.returncode == 0, imported.stderr
    assert "3 guests on 1 trip still to sail are asked to sign Saltwind Charters's new waiver text" in imported.stdout
    app = build(load_settings(home=folder))
    try:
        guests = _guests(app, soon)
        for name in ("Dana Whitcomb", "Robin Sample", "Kit Sample"):
            guest = guests[name]
            assert guest.status is GuestStatus.ON_HOLD and guest.waiver is None, name  # the departure waits for them
            assert [s.entity for s in guest.earlier] == ["saltwind-charters"], name  # the old one kept on record
        waivers = next(i for i in get_event(app.store, "demo", soon.event_id).checklist if i.key == "waivers")
        assert waivers.done_at is None  # the crew's tick, made on the old text's signatures, is undone, saying why
        assert "signed Saltwind Charters's earlier waiver text" in waivers.history[-1].note
        with pytest.raises(Conflict, match="Dana Whitcomb"):
            tick_item(app, "demo", soon.event_id, "waivers", get_person(app.store, "demo", "jonah"))
        # a trip that sailed, and another line's, keep theirs
        assert _guests(app, trips["sailed"])["Dana Whitcomb"].waiver is not None
        assert _guests(app, trips["other"])["Dana Whitcomb"].status is GuestStatus.CONFIRMED

        with TestClient(create_app(app)) as guest:
            robin = guests["Robin Sample"]
            assert robin.code is not None
            page = guest.get(f"/g/{robin.code}").text
            assert "The waiver changed since you signed it; please sign the new text." in page
            assert "I sail at my own risk" in page and "<details open>" in page
            sign_on_page(guest, robin.code, "Robin Sample")
        robin = _guests(app, soon)["Robin Sample"]
        assert robin.status is GuestStatus.CONFIRMED and robin.waiver is not None and len(robin.earlier) == 1

        # told once by mail: Robin, and Dana, who holds Kit's page (Kit has no address)
        told = [e for e in outbox.list_entries(app.store, "demo") if e.key.endswith(":waiver-changed")]
        assert sorted(e.message.to[0] for e in told) == ["dana@example.com", "robin@example.com"]
        dana = mail_text(sent_mail(app, "demo", next(e.key for e in told if e.message.to == ("dana@example.com",))))
        assert "The waiver changed since you signed it; please sign the new text on your trip page" in dana
        assert "Kit Sample" in dana
    finally:
        app.close()

    # the operator's record lists the old signatures, and exports them
    listed = run(folder, "waivers", "list", "demo", "--trip", soon.id, columns=None)
    assert listed.returncode == 0, listed.stderr
    assert "Robin Sample (before the waiver text changed)" in listed.stdout
    out = tmp_path / "insurer"
    exported = run(folder, "waivers", "export", "demo", "--trip", soon.id, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert len(list(out.iterdir())) == 4  # Robin's new one, and the three of the earlier text

    again = run(folder, "org", "import", str(_org_file(tmp_path, NEW_TEXT)))
    assert again.returncode == 0, again.stderr
    assert "asked to sign" not in again.stdout
    app = build(load_settings(home=folder))
    try:
        robin = _guests(app, soon)["Robin Sample"]
        assert robin.status is GuestStatus.CONFIRMED and len(robin.earlier) == 1  # his new signature stands
        assert len([e for e in outbox.list_entries(app.store, "demo") if e.key.endswith(":waiver-changed")]) == 2
    finally:
        app.close()


def test_a_waiver_text_changed_in_its_spacing_alone_asks_nobody(
    home: tuple[Path, dict[str, Booking]], tmp_path: Path
) -> None:
    folder, trips = home
    spaced = demo_profile().entities[0].waiver.replace(". ", ".\n\n  ") + "\n"

    imported = run(folder, "org", "import", str(_org_file(tmp_path, spaced)))

    assert imported.returncode == 0, imported.stderr
    assert "asked to sign" not in imported.stdout
    app = build(load_settings(home=folder))
    try:
        assert all(g.status is GuestStatus.CONFIRMED for g in _guests(app, trips["soon"]).values())
        assert not [e for e in outbox.list_entries(app.store, "demo") if e.key.endswith(":waiver-changed")]
    finally:
        app.close()


def test_a_dry_run_says_who_would_be_asked_and_asks_nobody(
    home: tuple[Path, dict[str, Booking]], tmp_path: Path
) -> None:
    folder, trips = home

    dry = run(folder, "org", "import", str(_org_file(tmp_path, NEW_TEXT)), "--dry-run")

    assert dry.returncode == 0, dry.stderr
    assert "3 guests on 1 trip still to sail would be asked to sign Saltwind Charters's new waiver text" in dry.stdout
    app = build(load_settings(home=folder))
    try:
        assert all(g.status is GuestStatus.CONFIRMED for g in _guests(app, trips["soon"]).values())
    finally:
        app.close()


def test_the_demo_run_again_puts_back_its_waiver_text_and_the_signatures_of_it(
    home: tuple[Path, dict[str, Booking]], tmp_path: Path
) -> None:
    """`firstmate demo` run again on a home whose Saltwind Charters waiver `org import` changed puts the demo's own
    text back. Before, it did so behind the guests' backs: Dana and Kit, asked for the new words, stayed on hold,
    their pages saying "The waiver changed since you signed it" above the very text they had signed; Robin, who
    signed the new words, stood ready to board on a text the business no longer used."""
    folder, trips = home
    soon = trips["soon"]
    assert run(folder, "org", "import", str(_org_file(tmp_path, NEW_TEXT))).returncode == 0
    app = build(load_settings(home=folder))
    try:
        robin = _guests(app, soon)["Robin Sample"]
        assert robin.code is not None
        with TestClient(create_app(app)) as guest:
            sign_on_page(guest, robin.code, "Robin Sample")
    finally:
        app.close()

    demo = run(folder, "demo", "--no-serve", "--out", str(tmp_path / "demo-out"))

    assert demo.returncode == 0, demo.stderr
    app = build(load_settings(home=folder))
    try:
        text = next(e.waiver for e in demo_profile().entities if e.id == "saltwind-charters")
        guests = _guests(app, soon)
        for name in ("Dana Whitcomb", "Robin Sample", "Kit Sample"):  # the signatures of the demo's text count again
            signed = guests[name].waiver
            assert guests[name].status is GuestStatus.CONFIRMED and signed is not None, name
            assert signed.waiver_version == waiver_version(text), name
        with TestClient(create_app(app)) as guest:
            page = guest.get(f"/g/{soon.guest_code}").text
        assert "The waiver changed since you signed it" not in page and "Waiver signed by Dana Whitcomb" in page
    finally:
        app.close()


def test_a_new_text_of_the_line_a_trip_moved_to_on_the_same_words_says_the_text_changed(
    home: tuple[Path, dict[str, Booking]], tmp_path: Path
) -> None:
    """Sea Lark's trip moved to Morning Tern (Tidewater Sailing Club, the same words: the signatures stand), then
    Tidewater's text changes: the guests are asked because the text changed. Before, their page, the operator's page,
    `waivers list` and `booking show` said "the trip moved", as for another line's words (their mail said the text
    changed)."""
    folder, trips = home
    soon = trips["soon"]
    app = build(load_settings(home=folder))
    try:
        moved = _book(app, "morning-tern", "WEB-1001", soon.request.start)
        assert moved.id == soon.id and moved.entity == "tidewater-guests"
        assert all(g.status is GuestStatus.CONFIRMED for g in _guests(app, soon).values())  # the same words stand
    finally:
        app.close()

    imported = run(folder, "org", "import", str(_org_file(tmp_path, NEW_TEXT, line="tidewater-guests")))

    assert imported.returncode == 0, imported.stderr
    app = build(load_settings(home=folder))
    try:
        robin = _guests(app, soon)["Robin Sample"]
        assert robin.status is GuestStatus.ON_HOLD and robin.code is not None
        with TestClient(create_app(app)) as guest:
            page = guest.get(f"/g/{robin.code}").text
        assert "The waiver changed since you signed it; please sign the new text." in page
        assert "The trip moved" not in page
        listed = operator(app).get("/admin/waivers", params={"org": "demo", "trip": soon.id}).text
        assert "signed Saltwind Charters's waiver before the waiver text changed: as <q>Robin Sample</q>" in listed
        assert "before the trip moved" not in listed
    finally:
        app.close()
    listed_cli = run(folder, "waivers", "list", "demo", "--trip", soon.id, columns=None)
    assert listed_cli.returncode == 0, listed_cli.stderr
    assert "Robin Sample (before the waiver text changed)" in listed_cli.stdout
    assert "before the trip moved" not in listed_cli.stdout
    shown = run(folder, "booking", "show", soon.id, "--org", "demo", columns=None)
    assert shown.returncode == 0, shown.stderr
    assert "signed Saltwind Charters's before the waiver text changed" in shown.stdout
    assert "before the trip moved" not in shown.stdout


def test_an_org_file_writing_no_waiver_for_a_line_keeps_its_stored_text(
    home: tuple[Path, dict[str, Booking]], tmp_path: Path
) -> None:
    """An import keeps what the file leaves out: a line written without `waiver` keeps the text stored for it. Before,
    it took the default text, and the guests who had signed the line's own were asked to sign the default."""
    folder, trips = home
    soon = trips["soon"]
    assert run(folder, "org", "import", str(_org_file(tmp_path, NEW_TEXT))).returncode == 0
    app = build(load_settings(home=folder))
    try:
        robin = _guests(app, soon)["Robin Sample"]
        assert robin.code is not None
        with TestClient(create_app(app)) as guest:
            sign_on_page(guest, robin.code, "Robin Sample")  # the line's own text
    finally:
        app.close()
    left_out = _org_file(tmp_path, None)
    assert "I sail at my own risk" not in left_out.read_text(encoding="utf-8")

    dry = run(folder, "org", "import", str(left_out), "--dry-run")
    imported = run(folder, "org", "import", str(left_out))

    for said, verb in ((dry, "would keep"), (imported, "keeps")):
        assert said.returncode == 0, said.stderr
        assert "asked to sign" not in said.stdout
        said_in_one_line = " ".join(said.stdout.split())
        assert f"Saltwind Charters (saltwind-charters) {verb} its waiver text as stored" in said_in_one_line
    app = build(load_settings(home=folder))
    try:
        stored = load_business(app.store, "demo")
        assert stored is not None
        assert next(e.waiver for e in stored.entities if e.id == "saltwind-charters") == NEW_TEXT
        robin = _guests(app, soon)["Robin Sample"]
        assert robin.status is GuestStatus.CONFIRMED and robin.waiver is not None
        assert robin.waiver.waiver_version == waiver_version(NEW_TEXT)
    finally:
        app.close()


def test_a_guest_who_said_they_cannot_come_is_not_asked_for_the_new_text_until_they_come_back(
    home: tuple[Path, dict[str, Booking]], tmp_path: Path
) -> None:
    """Robin signed, then said he cannot come: the new text sets his signature aside but mails him nothing; if he
    comes after all, his page asks him for the new text. Before, he was mailed to sign for a trip he had left."""
    folder, trips = home
    soon = trips["soon"]
    app = build(load_settings(home=folder))
    try:
        robin = _guests(app, soon)["Robin Sample"]
        assert robin.code is not None
        with TestClient(create_app(app)) as guest:
            assert guest.post(f"/g/{robin.code}/withdraw").is_success
    finally:
        app.close()

    imported = run(folder, "org", "import", str(_org_file(tmp_path, NEW_TEXT)))

    assert imported.returncode == 0, imported.stderr
    assert "2 guests on 1 trip still to sail are asked to sign Saltwind Charters's new waiver text" in imported.stdout
    app = build(load_settings(home=folder))
    try:
        robin = _guests(app, soon)["Robin Sample"]
        assert robin.status is GuestStatus.INVITED and robin.waiver is None and len(robin.earlier) == 1
        told = [e for e in outbox.list_entries(app.store, "demo") if e.key.endswith(":waiver-changed")]
        assert [e.message.to[0] for e in told] == ["dana@example.com"]  # for herself and Kit, whose page she holds
        assert robin.code is not None
        with TestClient(create_app(app)) as guest:
            assert guest.post(f"/g/{robin.code}/confirm").is_success
            page = guest.get(f"/g/{robin.code}").text
        assert "The waiver changed since you signed it; please sign the new text." in page
        assert _guests(app, soon)["Robin Sample"].status is GuestStatus.ON_HOLD  # the departure waits for him
    finally:
        app.close()


def test_the_export_keeps_each_earlier_signature_of_a_line_whose_text_changed_then_the_trip_moved_off_it(
    home: tuple[Path, dict[str, Booking]], tmp_path: Path
) -> None:
    """Robin signed Saltwind Charters's text, then its new one; then the trip moved to Morning Tern, whose line has
    other words. Both his Saltwind signatures are on record, and `waivers export` writes each. Before, both were
    named "...-robin-sample-saltwind-charters.pdf", and the export wrote one of them: a signed waiver lost."""
    folder, trips = home
    soon = trips["soon"]
    path = _org_file(tmp_path, NEW_TEXT)
    other_words = "Tidewater Sailing Club: members and their guests sail at their own risk and wear a life jacket."
    path.write_text(path.read_text(encoding="utf-8").replace(_profile().entities[1].waiver, other_words, 1))
    assert run(folder, "org", "import", str(path)).returncode == 0
    app = build(load_settings(home=folder))
    try:
        robin = _guests(app, soon)["Robin Sample"]
        assert robin.code is not None
        with TestClient(create_app(app)) as guest:
            sign_on_page(guest, robin.code, "Robin Sample")  # Saltwind's new text
        moved = booking_body(asset="morning-tern", external_id="WEB-1001", start=_at_ten(3).isoformat(), guest_count=4)
        orchestrate_booking(app, "demo", BookingRequest.model_validate(moved))
        robin = _guests(app, soon)["Robin Sample"]
        assert [s.entity for s in robin.earlier] == ["saltwind-charters", "saltwind-charters"]
    finally:
        app.close()

    out = tmp_path / "insurer"
    exported = run(folder, "waivers", "export", "demo", "--trip", soon.id, "--out", str(out))

    assert exported.returncode == 0, exported.stderr
    robins = sorted(p.name for p in out.iterdir() if "robin-sample" in p.name)
    assert len(robins) == 2, robins


def test_a_waiver_of_spaces_alone_is_refused_and_nobody_is_asked_to_sign_it(
    home: tuple[Path, dict[str, Booking]], tmp_path: Path
) -> None:
    """A line's `waiver` written as 30 spaces (its words deleted, the quotes left) passed the 20-character rule: the
    import saved a blank text and asked the signed guests to sign it. It is refused, saying what to write."""
    folder, trips = home
    blank = _org_file(tmp_path, " " * 30)

    for dry in ((), ("--dry-run",)):
        refused = run(folder, "org", "import", str(blank), *dry)

        assert refused.returncode == 2, refused.stdout + refused.stderr
        said = " ".join((refused.stdout + refused.stderr).split())
        assert "entities 'saltwind-charters'.waiver" in said and "write the words guests sign" in said, said
    app = build(load_settings(home=folder))
    try:
        stored = load_business(app.store, "demo")
        assert stored is not None
        assert "own free will" in next(e.waiver for e in stored.entities if e.id == "saltwind-charters")
        assert _guests(app, trips["soon"])["Robin Sample"].waiver is not None
    finally:
        app.close()
