"""`firstmate booking list` and `booking show`: an operator on a laptop finds their bookings, and sees what one
told whom, without the API. Run as a real process on a real home, bookings imported as a user would."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.test_cli import run
from tests.e2e.test_cli_refusals import save_people

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

    by_reference = run(home, "booking", "show", "W-3", "--source", "direct", columns=None)
    assert by_reference.returncode == 0 and f"Booking {booked['W-3']} · CANCELLED" in by_reference.stdout
    cancelled_told = [line for line in by_reference.stdout.splitlines() if "cancelled" in line.lower()]
    assert any("\tpending\t" in line or "\tsent\t" in line for line in cancelled_told), by_reference.stdout


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
