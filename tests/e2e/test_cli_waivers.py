"""`firstmate waivers list` and `firstmate waivers export` as the operator runs them: a real process on a real home
where guests went through their real trip pages, one of them signing the waiver."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from firstmate.bootstrap import App, build
from firstmate.config import load_settings
from firstmate.demo.run import demo_people, demo_profile
from firstmate.domain.bookings import Booking, BookingRequest
from firstmate.domain.business import BusinessProfile
from firstmate.services.bookings import list_guests, orchestrate_booking
from firstmate.services.business import save_business
from firstmate.services.people import save_people
from firstmate.web.app import create_app
from tests.conftest import booking_body, sign_on_page
from tests.e2e.test_cli import run


def _demo_home(folder: Path, profile: BusinessProfile | None = None) -> App:
    """A home at `folder` holding the demo's business (or `profile`) and people."""
    app = build(load_settings(home=folder))
    save_business(app.store, profile or demo_profile())
    save_people(app.store, "demo", demo_people())
    return app


def _in_three_days(app: App, guest_count: int) -> tuple[dict[str, object], Booking]:
    """A demo trip departing in three days at 10:00, on the real clock (the commands read it): its body, and it."""
    zone = ZoneInfo(demo_profile().org.timezone)
    start = (datetime.now(zone) + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    body = booking_body(start=start.isoformat(), guest_count=guest_count)
    return body, orchestrate_booking(app, "demo", BookingRequest.model_validate(body)).booking


def _day(booking: Booking) -> str:
    """The day `booking` departs, in the business's zone."""
    return booking.request.start.astimezone(ZoneInfo(demo_profile().org.timezone)).date().isoformat()


@pytest.fixture
def home(tmp_path: Path) -> tuple[Path, Booking]:
    """A home whose demo trip (in three days, on the real clock) has a group: Robin signed through the page, typing
    "robin SAMPLE"; the lead Dana is coming and has not signed; Kit <b>Sample</b> has said nothing."""
    folder = tmp_path / "home"
    app = _demo_home(folder)
    try:
        _, booking = _in_three_days(app, 4)
        with TestClient(create_app(app)) as guest:
            lead = booking.guest_code
            robin_form = {"name": "Robin Sample", "email": "robin@example.com"}
            assert guest.post(f"/g/{lead}/guests", data=robin_form).is_success
            assert guest.post(f"/g/{lead}/guests", data={"name": "Kit <b>Sample</b>"}).is_success
            assert guest.post(f"/g/{lead}/confirm").is_success
            robin = next(g for g in list_guests(app.store, "demo", booking.id) if g.name == "Robin Sample")
            assert robin.code is not None
            sign_on_page(guest, robin.code, "robin SAMPLE")
    finally:
        app.close()
    return folder, booking


def test_the_operator_lists_a_trips_waivers_and_exports_the_signed_ones(
    home: tuple[Path, Booking], tmp_path: Path
) -> None:
    folder, booking = home
    day = _day(booking)
    for how in (["--trip", booking.id], ["--trip", booking.event_id], ["--from", day, "--to", day], []):
        listed = run(folder, "waivers", "list", "demo", *how, columns=None)  # a pipe: one row a line
        assert listed.returncode == 0, listed.stderr
        rows = {line.split("\t")[0]: line.split("\t") for line in listed.stdout.splitlines() if "\t" in line}
        assert f"booking {booking.id} · 1 of 3 signed" in listed.stdout, how
        robin = rows["Robin Sample"]
        assert robin[2:4] == ["signed", "robin SAMPLE"] and robin[4].endswith(("PDT", "PST"))
        assert robin[5].startswith("Saltwind Charters, version ") and robin[6] == f"{day}-g2-robin-sample.pdf"
        assert rows["Dana Whitcomb (booked)"][1:3] == ["dana@example.com, +1 415 555 0148", "not signed"]
        assert rows["Kit <b>Sample</b>"][2] == "not coming"  # the name as typed, never read as markup
    out = tmp_path / "insurer"
    exported = run(folder, "waivers", "export", "demo", "--trip", booking.id, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert f"1 signed waiver(s) of trip {booking.id}" in exported.stdout
    assert "not signed: Dana Whitcomb (not signed)" in exported.stdout
    assert "not signed: Kit <b>Sample</b> (not coming)" in exported.stdout
    [pdf] = list(out.iterdir())
    assert pdf.name == f"{day}-g2-robin-sample.pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "robin SAMPLE" in text and booking.id in text
    # again: the file there is kept, nothing is written, and --force says how to replace it
    pdf.write_bytes(b"the insurer's copy")
    again = run(folder, "waivers", "export", "demo", "--trip", booking.id, "--out", str(out))
    assert again.returncode != 0 and "already in" in again.stderr and "--force" in again.stderr
    assert pdf.read_bytes() == b"the insurer's copy" and "Traceback" not in again.stderr
    forced = run(folder, "waivers", "export", "demo", "--trip", booking.id, "--out", str(out), "--force")
    assert forced.returncode == 0 and pdf.read_bytes().startswith(b"%PDF")
    assert [p.name for p in out.iterdir()] == [pdf.name]  # no part-written file left beside it


def test_mistakes_are_one_clear_line_and_write_nothing(home: tuple[Path, Booking], tmp_path: Path) -> None:
    folder, booking = home
    a_file = tmp_path / "a-file.pdf"
    a_file.write_bytes(b"x")
    for args, says in [
        (["list", "demo", "--trip", booking.id, "--from", "2026-06-13"], "give --trip or --from and --to, not both"),
        (["list", "demo", "--to", "2026-06-13"], "--to needs --from"),
        (["list", "demo", "--from", "13/06/2026"], "--from '13/06/2026' is not a date like 2026-06-13"),
        (["list", "demo", "--from", "2026-06-13", "--to", "2026-06-01"], "give the earlier day first"),
        (["list", "demo", "--trip", "Saturday"], "booking id (bk_…) or its event id (ev_…)"),
        (["list", "rival"], "no org 'rival'"),
        (["list", "demo", "--trip", "bk_0123abcd"], "no booking 'bk_0123abcd'"),
        (["export", "demo", "--out", str(tmp_path / "w")], "name the trip with --trip"),
        (["export", "demo", "--trip", booking.id], "name the folder to write the PDFs into with --out"),
        (["export", "demo", "--trip", booking.id, "--out", str(a_file)], "is a file: name a folder"),
    ]:
        answer = run(folder, "waivers", *args)
        assert answer.returncode != 0, args
        assert says in answer.stderr and "Traceback" not in answer.stderr, (args, answer.stderr)
    assert not (tmp_path / "w").exists()


def test_an_empty_out_is_refused_and_writes_nothing_in_the_current_folder(
    home: tuple[Path, Booking], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a review: `--out ""` was read as "." and the signed waivers were written into whatever folder the
    operator happened to be in. It is refused in one line, as a missing --out is, and nothing is written."""
    folder, booking = home
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    for empty in ("", "  "):
        answer = run(folder, "waivers", "export", "demo", "--trip", booking.id, "--out", empty)
        assert answer.returncode != 0, answer.stdout
        assert "name the folder to write the PDFs into with --out" in answer.stderr, answer.stderr
        assert "Traceback" not in answer.stderr and len(answer.stderr.strip().splitlines()) <= 2, answer.stderr
    assert list(here.iterdir()) == []


def test_a_waiver_signed_before_the_trip_moved_to_another_line_is_listed_and_exported(tmp_path: Path) -> None:
    """A known gap (docs/reliability.md): the trip moved from Saltwind Charters' Sea Lark to Tidewater Sailing Club's
    Morning Tern, another text to sign. Robin's signature of Saltwind's text stays on record: listed, as signed before
    the trip moved, and exported as its PDF beside the signatures of Tidewater's."""
    folder = tmp_path / "home"
    profile = demo_profile()
    entities = tuple(
        e.model_copy(update={"waiver": "Tidewater Sailing Club: guests sail at their own risk, as told."})
        if e.id == "tidewater-guests" else e for e in profile.entities
    )  # fmt: skip
    assets = tuple(a.model_copy(update={"entity": "tidewater-guests"}) if a.id == "morning-tern" else a
                   for a in profile.assets)  # fmt: skip
    app = _demo_home(folder, profile.model_copy(update={"entities": entities, "assets": assets}))
    try:
        body, booking = _in_three_days(app, 3)
        with TestClient(create_app(app)) as guest:
            assert guest.post(f"/g/{booking.guest_code}/guests", data={"name": "Robin Sample"}).is_success
            robin = next(g for g in list_guests(app.store, "demo", booking.id) if g.name == "Robin Sample")
            assert robin.code is not None
            sign_on_page(guest, robin.code, "Robin Sample")
        orchestrate_booking(app, "demo", BookingRequest.model_validate({**body, "asset": "morning-tern"}))
    finally:
        app.close()
    day = _day(booking)
    listed = run(folder, "waivers", "list", "demo", "--trip", booking.id, columns=None)
    assert listed.returncode == 0, listed.stderr
    rows = {line.split("\t")[0]: line.split("\t") for line in listed.stdout.splitlines() if "\t" in line}
    assert "0 of 2 signed" in listed.stdout
    assert rows["Robin Sample"][2] == "not signed"  # coming: the departure waits for Tidewater's signature
    before = rows["Robin Sample (before the trip moved)"]
    assert before[2:4] == ["signed Saltwind Charters's", "Robin Sample"]
    assert before[5].startswith("Saltwind Charters, version ")
    assert before[6] == f"{day}-g2-robin-sample-saltwind-charters.pdf"

    shown = run(folder, "booking", "show", booking.id, "--org", "demo", columns=None)
    assert "g2\tRobin Sample\t\ton_hold\tsigned Saltwind Charters's before the trip moved" in shown.stdout

    out = tmp_path / "insurer"
    exported = run(folder, "waivers", "export", "demo", "--trip", booking.id, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert "1 signed waiver(s)" in exported.stdout and "signed for the line the trip was on before" in exported.stdout
    [pdf] = list(out.iterdir())
    assert pdf.name == f"{day}-g2-robin-sample-saltwind-charters.pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "Saltwind Charters" in text and "Tidewater" not in text


def test_a_former_leads_signature_is_listed_and_exported_after_the_booking_is_handed_on(tmp_path: Path) -> None:
    """A known gap (docs/reliability.md): Dana signed, then the channel handed the booking to Sam Rivera, and Dana's
    signature was gone from `waivers list` and `waivers export`. It is listed as the former lead's, out of the
    group's count, and exported as its PDF."""
    folder = tmp_path / "home"
    app = _demo_home(folder)
    try:
        body, booking = _in_three_days(app, 3)
        with TestClient(create_app(app)) as guest:
            sign_on_page(guest, booking.guest_code, "Dana Whitcomb")
        sam = {"name": "Sam Rivera", "email": "sam@example.com"}
        orchestrate_booking(app, "demo", BookingRequest.model_validate({**body, "lead_guest": sam}))
    finally:
        app.close()
    day = _day(booking)
    listed = run(folder, "waivers", "list", "demo", "--trip", booking.id, columns=None)
    assert listed.returncode == 0, listed.stderr
    rows = {line.split("\t")[0]: line.split("\t") for line in listed.stdout.splitlines() if "\t" in line}
    assert "0 of 1 signed" in listed.stdout and rows["Sam Rivera (booked)"][2] == "not coming"
    dana = rows["Dana Whitcomb (former lead, no longer in the group)"]
    assert dana[2:4] == ["signed, not counted for the departure", "Dana Whitcomb"]
    assert dana[6] == f"{day}-g2-dana-whitcomb-former-lead.pdf"
    out = tmp_path / "insurer"
    exported = run(folder, "waivers", "export", "demo", "--trip", booking.id, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert "1 signed waiver(s)" in exported.stdout
    [pdf] = list(out.iterdir())
    assert pdf.name == f"{day}-g2-dana-whitcomb-former-lead.pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "Dana Whitcomb (the former lead)" in text and booking.id in text
