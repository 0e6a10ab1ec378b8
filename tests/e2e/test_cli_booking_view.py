"""`firstmate booking list` and `booking show`: an operator on a laptop finds their bookings, and sees what one
told whom, without the API. Run as a real process on a real home, bookings imported as a user would."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from firstmate.domain.bookings import BookingRequest
from firstmate.domain.timing import when
from firstmate.services.bookings import former_leads, orchestrate_booking
from firstmate.web.app import create_app
from tests.conftest import sign_on_page
from tests.e2e.test_cli import run
from tests.e2e.test_cli_refusals import save_people
from tests.e2e.test_cli_waivers import _demo_home, _in_three_days

LA = ZoneInfo("America/Los_Angeles")
HEADER = "source,external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email,notes\n"


def _day(days: int) -> date:
    return datetime.now(LA).date() + timedelta(days=days)


@pytest.fixture
def booked(home: Path, tmp_path: Path) -> dict[str, str]:
    """Three bookings: one in 3 days, one in 40 days, one in 5 days cancelled; their ids by reference."""
    save_people(home)
    rows = [
        f"getmyboat,G-1,sea-lark,{_day(3)}T10:00:00,3,4,480.00,USD,Jordan Pike,jordan.pike@example.com,Cake",
        f"direct,W-2,morning-tern,{_day(40)}T14:30:00,2.5,8,1150.00,USD,Rosa Quill,rosa.quill@example.com,",
        f"direct,W-3,sea-lark,{_day(5)}T10:00:00,3,2,300.00,USD,Ines Parra,ines.parra@example.com,",
    ]
    file = tmp_path / "bookings.csv"
    file.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    imported = run(home, "booking", "import", str(file), "--org", "demo")
    assert imported.returncode == 0 and "3 created" in imported.stdout, imported.stdout + imported.stderr
    listed = run(home, "booking", "list", "--from", str(_day(0)), "--to", str(_day(60)), "--json")
    assert listed.returncode == 0, listed.stderr
    ids = {row["external_id"]: row["id"] for row in map(json.loads, listed.stdout.splitlines())}
    cancelled = run(home, "booking", "cancel", ids["W-3"], "--org", "demo", "--yes")
    assert cancelled.returncode == 0, cancelled.stderr
    return ids


def test_the_list_shows_the_next_30_days_soonest_first_with_money_and_the_ids_other_commands_take(
    home: Path, booked: dict[str, str]
) -> None:
    listed = run(home, "booking", "list", columns=None)  # a pipe: rows one a line, cells tab-separated
    assert listed.returncode == 0, listed.stderr
    title, header, *rows = listed.stdout.splitlines()
    assert title == f"Bookings of demo departing {_day(0)} to {_day(29)}: 1"
    assert header.split("\t") == ["departs", "boat", "lead guest", "guests", "channel", "total", "booking"]
    [row] = [line.split("\t") for line in rows]
    assert row[1:] == ["Sea Lark (38 ft sloop)", "Jordan Pike", "4", "getmyboat G-1", "480.00 USD", booked["G-1"]]
    assert row[0].endswith(", 10:00 PDT") or row[0].endswith(", 10:00 PST")

    every = run(home, "booking", "list", "--from", str(_day(0)), "--to", str(_day(60)), "--cancelled", columns=None)
    lines = [line.split("\t") for line in every.stdout.splitlines()[2:]]
    assert [(cells[4], "CANCELLED" in cells[0]) for cells in lines] == [
        ("getmyboat G-1", False), ("direct W-3", True), ("direct W-2", False)
    ]  # fmt: skip
    one_day = run(home, "booking", "list", "--from", str(_day(40)), "--json")
    [only] = [json.loads(line) for line in one_day.stdout.splitlines()]
    assert (only["external_id"], only["gross_amount"], only["id"]) == ("W-2", "1150.00", booked["W-2"])
    none = run(home, "booking", "list", "--from", str(_day(10)), "--to", str(_day(20)))
    assert none.returncode == 0
    assert none.stdout.strip() == (
        f"No booking (cancelled ones left out: --cancelled lists them) of demo's departs from {_day(10)} to {_day(20)}."
    )


def test_show_gives_the_booking_its_guests_and_every_message_it_queued(home: Path, booked: dict[str, str]) -> None:
    shown = run(home, "booking", "show", booked["G-1"], columns=None)
    assert shown.returncode == 0, shown.stderr
    facts = dict(line.split("\t", 1) for line in shown.stdout.split("Guests:")[0].splitlines()[1:])
    assert facts["total"] == "480.00 USD" and facts["channel"] == "getmyboat G-1" and facts["crew notes"] == "Cake"
    assert facts["lead guest"] == "Jordan Pike, jordan.pike@example.com" and facts["guests"] == "4"
    assert facts["guest page"].startswith("http") and facts["revision"].startswith("1, crew event ev_")
    outbox = run(home, "outbox", "list", "--org", "demo", "--json")
    queued = [json.loads(line) for line in outbox.stdout.splitlines()]
    theirs = [row for row in queued if row["key"].startswith(f"bk:{booked['G-1']}:")]
    assert f"Messages: {len(theirs)}" in shown.stdout and len(theirs) == 6  # ops, 4 crew, the lead guest
    assert "Jordan Pike (booked)\tjordan.pike@example.com\tinvited" in shown.stdout
    assert "Former leads" not in shown.stdout  # never handed on: no such section

    by_reference = run(home, "booking", "show", "W-3", "--source", "direct", columns=None)
    assert by_reference.returncode == 0 and f"Booking {booked['W-3']} · CANCELLED" in by_reference.stdout
    cancelled_told = [line for line in by_reference.stdout.splitlines() if "cancelled" in line.lower()]
    assert any("\tpending\t" in line or "\tsent\t" in line for line in cancelled_told), by_reference.stdout


def test_show_lists_a_former_lead_kept_for_their_signature_after_the_booking_was_handed_on(tmp_path: Path) -> None:
    """A known gap (docs/reliability.md): Dana signed, then the channel handed the booking to Sam Rivera; Dana's
    signature was kept on record, but `booking show` did not list it. It lists her under "Former leads", out of the
    guests: her name and address, when she stopped being the lead, and the waiver she signed (its line and version)."""
    folder = tmp_path / "home"
    app = _demo_home(folder)
    try:
        body, booking = _in_three_days(app, 3)
        with TestClient(create_app(app)) as guest:
            sign_on_page(guest, booking.guest_code, "Dana Whitcomb")
        sam = {"name": "Sam Rivera", "email": "sam@example.com"}
        orchestrate_booking(app, "demo", BookingRequest.model_validate({**body, "lead_guest": sam}))
        [dana] = former_leads(app.store, "demo", booking.id)
    finally:
        app.close()
    assert dana.waiver is not None and dana.left_at is not None
    shown = run(folder, "booking", "show", booking.id, "--org", "demo", columns=None)
    assert shown.returncode == 0, shown.stderr
    guests, former = shown.stdout.split("Guests: 1\n")[1].split("Messages:")[0].split("Former leads: 1\n")
    assert "Sam Rivera (booked)\tsam@example.com" in guests and "Dana" not in guests
    header, row, *_ = former.splitlines()
    assert header.split("\t") == ["id", "former lead", "email", "lead until", "waiver"]
    zone = "America/Los_Angeles"
    signed = f"signed {when(dana.waiver.signed_at, zone)} (Saltwind Charters, version {dana.waiver.waiver_version})"
    assert row.split("\t") == [dana.id, "Dana Whitcomb", "dana@example.com", when(dana.left_at, zone), signed]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("booking", "list", "--to", "2027-01-01"), "--to needs --from"),
        (("booking", "list", "--from", "2027-02-01", "--to", "2027-01-01"), "ends (2027-01-01) before it starts"),
        (("booking", "list", "--from", "2027-01-01", "--to", "2028-06-01"), "is over 366 days"),
        (("booking", "list", "--from", "01/02/2027"), "--from"),
        (("booking", "list", "--org", "nosuch"), "no org 'nosuch'"),
        (("booking", "show", "bk_0000000000000000"), "no booking 'bk_0000000000000000' in demo"),
        (("booking", "show", "G-1"), "add --source getmyboat"),
        (("booking", "show", " "), "BOOKING is empty"),
    ],
)
def test_a_mistake_is_one_line_saying_what_to_write(
    home: Path, booked: dict[str, str], args: tuple[str, ...], said: str
) -> None:
    refused = run(home, *args)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert said in refused.stderr and "Traceback" not in refused.stderr, refused.stderr


def test_show_says_the_guest_of_a_booking_cancelled_as_it_came_was_never_invited(tmp_path: Path) -> None:
    """A known gap (docs/reliability.md): Boatsetter's short cancellation of BS-7Q4K2M was imported, then its
    booking came through the API, recorded cancelled and told to the operations manager alone; `booking show`
    listed its lead guest as "invited", though no invitation went. It says what is true."""
    from firstmate.domain.intake import CancelledByReference
    from firstmate.services.imports import import_records

    folder = tmp_path / "home"
    app = _demo_home(folder)
    try:
        import_records(app, "demo", [CancelledByReference("boatsetter", "BS-7Q4K2M", 880_000_000)])
        start = (datetime.now(LA) + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
        body = {"source": "boatsetter", "external_id": "BS-7Q4K2M", "asset": "sea-lark", "start": start.isoformat(),
                "duration_hours": 3, "guest_count": 6, "gross_amount": "840.75", "currency": "USD",
                "lead_guest": {"name": "Dana Whitcomb", "email": "dana@example.com"}}  # fmt: skip
        booking = orchestrate_booking(app, "demo", BookingRequest.model_validate(body)).booking
    finally:
        app.close()
    assert booking.cancelled
    shown = run(folder, "booking", "show", booking.id, "--org", "demo", columns=None)
    assert shown.returncode == 0, shown.stderr
    guests = shown.stdout.split("Guests: 1\n")[1].split("Messages:")[0]
    _header, row, *_ = guests.splitlines()
    assert row.split("\t")[:4] == [
        "g1", "Dana Whitcomb (booked)", "dana@example.com", "not invited: cancelled before it was heard of"
    ]  # fmt: skip
    assert "\tinvited" not in shown.stdout
