"""`firstmate booking cancel`: an operator whose guest cancels by phone cancels the booking from the command line,
as the API's DELETE does, without crafting an API call. A known gap (docs/reliability.md): there was no such
command, and the note on a booking an export no longer lists pointed at the API."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from firstmate.bootstrap import build
from firstmate.config import Settings
from firstmate.domain.calendar import CalendarEntry
from firstmate.domain.crew import EventStatus
from firstmate.services.bookings import booking_entry, get_booking
from firstmate.services.paging import all_items
from firstmate.services.trips import get_event, intake_pk
from tests.e2e.test_cli import FIRSTMATE, run
from tests.e2e.test_cli_refusals import save_people

HEADER = "source,external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email,notes\n"
ROWS = (
    "getmyboat,G-2,sea-lark,2027-08-05T10:00:00-07:00,3,4,480.00,USD,Jordan Pike,jordan.pike@example.com,\n"
    "direct,W-7,sea-lark,2027-08-12T10:00:00-07:00,3,2,300.00,USD,Rosa Quill,rosa.quill@example.com,\n"
)


@pytest.fixture
def booked(home: Path, tmp_path: Path) -> dict[str, str]:
    """The demo's business and people with two bookings imported, getmyboat G-2 and direct W-7, each told to its
    crew, guest and the operations manager: their booking ids by reference."""
    save_people(home)
    bookings = tmp_path / "bookings.csv"
    bookings.write_text(HEADER + ROWS, encoding="utf-8")
    imported = run(home, "booking", "import", str(bookings), "--org", "demo")
    assert imported.returncode == 0 and "2 created" in imported.stdout, imported.stdout + imported.stderr
    app = build(Settings(home=home))
    try:
        anchors = {a.sk: a.data["booking_id"] for a in all_items(app.store, intake_pk("demo"))}
    finally:
        app.close()
    return {"G-2": anchors["getmyboat#G-2"], "W-7": anchors["direct#W-7"]}


def _outbox(home: Path) -> list[dict[str, str]]:
    listed = run(home, "outbox", "list", "--org", "demo", "--json")
    assert listed.returncode == 0, listed.stderr
    return [json.loads(line) for line in listed.stdout.splitlines()]


def _state(home: Path, booking_id: str) -> tuple[str, int, str, bool]:
    """The booking's status and revision, its crew event's status, and whether its calendar entry is cancelled."""
    app = build(Settings(home=home))
    try:
        booking = get_booking(app.store, "demo", booking_id)
        event = get_event(app.store, "demo", booking.event_id)
        entry = booking_entry(app.store, booking)
        assert isinstance(entry, CalendarEntry)
        return booking.request.status.value, booking.revision, event.status.value, entry.cancelled
    finally:
        app.close()


def test_cancel_tells_everyone_once_says_so_in_one_line_and_a_second_cancel_sends_nothing(
    home: Path, booked: dict[str, str]
) -> None:
    g2 = booked["G-2"]
    told_of_booking = {m["key"].split(":", 3)[3] for m in _outbox(home) if m["key"].startswith(f"bk:{g2}:r1:")}
    assert "ops" in told_of_booking and any(a.startswith("crew:") for a in told_of_booking), told_of_booking

    cancelled = run(home, "booking", "cancel", g2, "--org", "demo", "--yes")
    assert cancelled.returncode == 0, cancelled.stderr
    [line] = cancelled.stdout.splitlines()
    assert line.startswith(
        f"✓ Cancelled getmyboat G-2 ({g2}), Jordan Pike's trip on Sea Lark, Thu 5 Aug 2027, 10:00 PDT; "
        "the operations manager, "
    ), line
    assert line.endswith("and 1 guest (Jordan Pike) will be told."), line
    assert _state(home, g2) == ("cancelled", 2, EventStatus.CANCELLED.value, True)

    # exactly one cancellation message per recipient: everyone told of the booking, once
    messages = [m for m in _outbox(home) if m["key"].startswith(f"bk:{g2}:r2:")]
    audiences = [m["key"].split(":", 3)[3] for m in messages]
    assert sorted(audiences) == sorted(set(audiences)) and set(audiences) == told_of_booking, audiences
    crew = [a for a in audiences if a.startswith("crew:")]
    assert f"{len(crew)} crew (" in line
    # the other booking is untouched
    assert _state(home, booked["W-7"])[:2] == ("confirmed", 1)

    everything = _outbox(home)
    again = run(home, "booking", "cancel", g2, "--org", "demo", "--yes")
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [
        f"getmyboat G-2 ({g2}), Jordan Pike's trip on Sea Lark, Thu 5 Aug 2027, 10:00 PDT was already cancelled on "
        + again.stdout.split("was already cancelled on ", 1)[1].splitlines()[0]
    ]
    assert again.stdout.rstrip().endswith("; nothing was sent."), again.stdout
    assert _outbox(home) == everything and _state(home, g2)[:2] == ("cancelled", 2)


def test_a_booking_is_found_by_its_channels_reference_and_the_org_may_come_first(
    home: Path, booked: dict[str, str]
) -> None:
    cancelled = run(home, "booking", "cancel", "demo", "W-7", "--source", "direct", "--yes")
    assert cancelled.returncode == 0, cancelled.stderr
    assert cancelled.stdout.startswith(f"✓ Cancelled direct W-7 ({booked['W-7']}), Rosa Quill's trip"), cancelled.stdout
    assert _state(home, booked["W-7"])[0] == "cancelled" and _state(home, booked["G-2"])[0] == "confirmed"


def test_a_dry_run_says_who_would_be_told_and_changes_nothing(home: Path, booked: dict[str, str]) -> None:
    g2 = booked["G-2"]
    before = _outbox(home)
    dry = run(home, "booking", "cancel", g2, "--org", "demo", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    [line] = dry.stdout.splitlines()
    assert line.startswith(f"Would cancel getmyboat G-2 ({g2}), Jordan Pike's trip on Sea Lark, Thu 5 Aug 2027"), line
    assert line.endswith("would be told. Nothing was changed (dry run)."), line
    assert _outbox(home) == before and _state(home, g2)[:2] == ("confirmed", 1)
    # what it said is what the cancel does
    done = run(home, "booking", "cancel", g2, "--org", "demo", "--yes")
    assert done.returncode == 0, done.stderr
    would = line.split("; ", 1)[1].removesuffix(" would be told. Nothing was changed (dry run).")
    told = done.stdout.split("; ", 1)[1].removesuffix(" will be told.\n")
    assert would == told, (would, told)


def test_refused_inputs_say_what_to_do_in_one_line_and_change_nothing(home: Path, booked: dict[str, str]) -> None:
    g2 = booked["G-2"]
    before = _outbox(home)
    refusals = {
        # no terminal to ask, and no --yes
        (g2, "--org", "demo"): "nothing was cancelled: cancelling getmyboat G-2",
        ("bk_0000000000000000", "--org", "demo", "--yes"): "no booking 'bk_0000000000000000' in demo",
        ("G-2", "--org", "demo", "--yes"): "no booking 'G-2' in demo (it is getmyboat's reference for a booking: "
        "add --source getmyboat)",
        ("G-9", "--org", "demo", "--yes"): "no booking 'G-9' in demo (a booking id starts bk_; to name a booking by "
        "its channel's reference, add --source and the channel)",
        ("G-9", "--source", "getmyboat", "--org", "demo", "--yes"): "no getmyboat booking 'G-9' in demo",
        ("W-7", "--source", "getmyboat", "--org", "demo", "--yes"): "no getmyboat booking 'W-7' in demo (it is "
        "direct's reference for a booking: write --source direct)",
        (g2, "--org", "dmeo", "--yes"): "no org 'dmeo'",
        ("--org", "demo", "--yes"): "0 arguments given: name one booking",
        ("demo", g2, "--org", "other", "--yes"): "two orgs given, demo and --org other: give one",
        ("", "--org", "demo", "--yes"): "BOOKING is empty",
    }
    for args, said in refusals.items():
        refused = run(home, "booking", "cancel", *args)
        assert refused.returncode == 2, (args, refused.stdout, refused.stderr)
        assert refused.stderr.count("\n") == 1 and said in refused.stderr, (args, refused.stderr)
    no_yes = run(home, "booking", "cancel", g2, "--org", "demo")
    assert "add --yes to cancel it without being asked" in no_yes.stderr, no_yes.stderr
    assert _outbox(home) == before and _state(home, g2)[:2] == ("confirmed", 1)


def test_another_orgs_booking_is_named_as_theirs_and_left_alone(home: Path, booked: dict[str, str]) -> None:
    from firstmate.demo.run import demo_profile
    from firstmate.services.business import save_business

    profile = demo_profile()
    other = profile.model_copy(update={"org": profile.org.model_copy(update={"id": "harbour"})})
    app = build(Settings(home=home))
    try:
        save_business(app.store, other)
    finally:
        app.close()
    refused = run(home, "booking", "cancel", booked["G-2"], "--org", "harbour", "--yes")
    assert refused.returncode == 2, refused.stderr
    assert f"no booking '{booked['G-2']}' in harbour (it is demo's: add --org demo)" in refused.stderr
    # and with two orgs, a cancel never guesses which
    unnamed = run(home, "booking", "cancel", booked["G-2"], "--yes")
    assert unnamed.returncode == 2 and "add --org with the one to act on" in unnamed.stderr, unnamed.stderr
    assert _state(home, booked["G-2"])[:2] == ("confirmed", 1)


def _at_a_terminal(home: Path, *args: str, answer: str) -> tuple[int, str]:
    """`firstmate ARGS` with a terminal as its input, answering its question `answer`: its exit code and output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIRSTMATE_")}
    env.update(FIRSTMATE_HOME=str(home), COLUMNS="200")
    main, side = pty.openpty()
    try:
        os.write(main, f"{answer}\n".encode())
        done = subprocess.run(
            [FIRSTMATE, *args], env=env, stdin=side, capture_output=True, text=True, timeout=120, check=False
        )
    finally:
        os.close(main)
        os.close(side)
    return done.returncode, done.stdout + done.stderr


def test_at_a_terminal_it_asks_first_and_no_cancels_nothing(home: Path, booked: dict[str, str]) -> None:
    g2 = booked["G-2"]
    before = _outbox(home)
    code, said = _at_a_terminal(home, "booking", "cancel", g2, "--org", "demo", answer="n")
    assert code == 1 and "Nothing was cancelled." in said, said
    assert f"Cancel getmyboat G-2 ({g2}), Jordan Pike's trip on Sea Lark, Thu 5 Aug 2027, 10:00 PDT? The " in said
    assert _outbox(home) == before and _state(home, g2)[:2] == ("confirmed", 1)
    code, said = _at_a_terminal(home, "booking", "cancel", g2, "--org", "demo", answer="y")
    assert code == 0 and "✓ Cancelled getmyboat G-2" in said, said
    assert _state(home, g2)[:2] == ("cancelled", 2)


def test_the_command_an_import_names_for_a_booking_its_export_dropped_cancels_it(home: Path, tmp_path: Path) -> None:
    """The note on a booking a channel's export no longer lists named the API's DELETE, of no use on a laptop
    without an API client: it names this command, which, typed as it is written, cancels the booking."""
    from tests.e2e.test_cli_inputs import _export

    export = tmp_path / "export.ics"
    listed = [("G-1", "20270801T170000Z", "20270801T200000Z"), ("G-2", "20270805T170000Z", "20270805T200000Z"),
              ("G-3", "20270810T170000Z", "20270810T200000Z")]  # fmt: skip
    export.write_text(_export(listed), encoding="utf-8")
    args = ("booking", "import", str(export), "--source", "getmyboat", "--asset", "sea-lark")
    assert run(home, *args).returncode == 0
    export.write_text(_export([listed[0], listed[2]]), encoding="utf-8")  # G-2 dropped: cancelled at getmyboat
    again = run(home, *args)
    [note] = [" ".join(line.split()) for line in again.stdout.splitlines() if "not in this export" in line]
    command = note.split("or cancel it with: firstmate ", 1)[1].split()
    assert command[:2] == ["booking", "cancel"] and command[-2:] == ["--org", "demo"], note
    cancelled = run(home, *command, "--yes")
    assert cancelled.returncode == 0 and "Cancelled getmyboat G-2" in cancelled.stdout, cancelled.stderr
    assert _state(home, command[2])[0] == "cancelled"
    assert "not in this export" not in run(home, *args).stdout  # cancelled, it is no longer said


def test_a_trip_long_over_is_cancelled_and_said_to_tell_nobody(home: Path, tmp_path: Path) -> None:
    """A booking of a trip whose photo album has closed (history imported late) is cancelled, for the reports'
    sake, and nobody hears of it: the line says so, and why, rather than a bare "nobody"."""
    old = tmp_path / "old.csv"
    old.write_text(HEADER + "direct,OLD-1,sea-lark,2025-08-05T10:00:00-07:00,3,4,480.00,USD,Ada Old,"
                   "ada.old@example.com,\n", encoding="utf-8")  # fmt: skip
    assert run(home, "booking", "import", str(old), "--org", "demo").returncode == 0
    before = _outbox(home)
    cancelled = run(home, "booking", "cancel", "OLD-1", "--source", "direct", "--yes")
    assert cancelled.returncode == 0, cancelled.stderr
    assert cancelled.stdout.endswith(
        "Ada Old's trip on Sea Lark, Tue 5 Aug 2025, 10:00 PDT (over); nobody will be told: its photo album closed.\n"
    ), cancelled.stdout
    assert _outbox(home) == before


def test_a_reference_two_channels_gave_names_both_and_whose_booking_each_is(
    home: Path, tmp_path: Path, booked: dict[str, str]
) -> None:
    """Found by a review: a reference both getmyboat and direct gave was said to be "direct and getmyboat's
    reference for a booking: add --source direct", one of them, picked by its name: the operator cancelling
    Jordan Pike's getmyboat G-2 who wrote what they were told cancelled Lena Marsh's direct booking. Both are
    named, with whose trip each is, and the operator picks."""
    other = tmp_path / "other.csv"
    other.write_text(HEADER + "direct,G-2,sea-lark,2027-08-20T10:00:00-07:00,3,2,300.00,USD,Lena Marsh,"
                     "lena.marsh@example.com,\n", encoding="utf-8")  # fmt: skip
    assert run(home, "booking", "import", str(other), "--org", "demo").returncode == 0
    before = _outbox(home)
    both = (
        "it is the reference of 2 bookings, direct's (Lena Marsh's trip, Fri 20 Aug 2027) and getmyboat's (Jordan "
        "Pike's trip, Thu 5 Aug 2027): {} --source direct or --source getmyboat"
    )
    for args, said in (
        (("G-2",), "no booking 'G-2' in demo (" + both.format("add") + ")"),
        (("G-2", "--source", "boatsetter"), "no boatsetter booking 'G-2' in demo (" + both.format("write") + ")"),
    ):
        refused = run(home, "booking", "cancel", *args, "--org", "demo", "--yes")
        assert refused.returncode == 2 and said in refused.stderr, refused.stderr
    assert _outbox(home) == before and _state(home, booked["G-2"])[:2] == ("confirmed", 1)


def test_a_trip_under_way_or_over_is_said_to_be_so_before_it_is_cancelled(home: Path, tmp_path: Path) -> None:
    """Found by a review: the question and the line named a trip that left the dock an hour ago as any other
    ("Cancel direct NOW-1 (…), Ada Quay's trip on Sea Lark, Sun 6 Dec 2026, 11:00 PST? … 4 crew … will be
    told"): an operator who mistyped a reference cancelled a trip at sea, its crew aboard told "Trip cancelled".
    It now says the trip is under way, or over, where it says when."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    rows = "".join(
        f"direct,{ref},sea-lark,{start.isoformat()},3,4,480.00,USD,{name},{name.split()[0].lower()}@example.com,\n"
        for ref, start, name in (
            ("NOW-1", now - timedelta(hours=1), "Ada Quay"),
            ("PAST-1", now - timedelta(days=2), "Bram Tiller"),
        )
    )
    trips = tmp_path / "trips.csv"
    trips.write_text(HEADER + rows, encoding="utf-8")
    assert run(home, "booking", "import", str(trips), "--org", "demo").returncode == 0
    for ref, state in (("NOW-1", "(under way)"), ("PAST-1", "(over)")):
        dry = run(home, "booking", "cancel", ref, "--source", "direct", "--org", "demo", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert f" {state}; " in dry.stdout, dry.stdout


def test_cancelling_a_reference_whose_cancellation_came_first_says_there_is_nothing_to_cancel(
    home: Path, tmp_path: Path
) -> None:
    """Found by a review: Boatsetter's short cancellation of BS-7Q4K2M imported before its booking (remembered), the
    operator cancelling it as the renter asked was told "no boatsetter booking 'BS-7Q4K2M' in demo (write the
    reference as the channel gave it, …)", as if it was mistyped. It says the cancellation is remembered."""
    from tests.e2e.test_booking_import import _a_year_on, _short_cancellation

    email = tmp_path / "cancelled.eml"
    email.write_bytes(_a_year_on(_short_cancellation()))
    assert run(home, "booking", "import", str(email), "--org", "demo").returncode == 0
    refused = run(home, "booking", "cancel", "BS-7Q4K2M", "--source", "boatsetter", "--org", "demo", "--yes")
    assert refused.returncode != 0
    said = " ".join(refused.stderr.split())
    assert said == (
        "error: no boatsetter booking 'BS-7Q4K2M' in demo (its cancellation was imported before it, and is "
        "remembered: its booking, if it comes, is recorded as cancelled; there is nothing to cancel)"
    ), said


def test_a_csv_row_changing_a_cancelled_booking_says_why_it_changed_nothing(
    home: Path, booked: dict[str, str], tmp_path: Path
) -> None:
    """A row asking a change of a cancelled booking (the channel's file still listing it, with another guest count) was
    counted "1 unchanged" without a word: the operator took the change for made. It says the booking is cancelled,
    that the change was not applied, and what to do, as the API's answer does; nothing stored changes."""
    g2 = booked["G-2"]
    assert run(home, "booking", "cancel", g2, "--org", "demo", "--yes").returncode == 0
    before, mail = _state(home, g2), _outbox(home)
    changed = tmp_path / "changed.csv"
    changed.write_text(HEADER + ROWS.splitlines(keepends=True)[0].replace(",3,4,480.00,", ",3,6,480.00,"))
    imported = run(home, "booking", "import", str(changed), "--org", "demo")
    assert imported.returncode == 0, imported.stderr
    assert "changed.csv: 1 unchanged (1 change(s) to cancelled bookings not applied, listed below)." in imported.stdout
    said = " ".join(imported.stdout.split())  # as wrapped to the terminal's width
    assert re.search(
        r"not changed: row 2: getmyboat G-2 was cancelled on \w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d P[DS]T: a "
        r"cancellation is final, so this change changed nothing; a rebooking comes with a new external_id",
        said,
    ), said
    assert _state(home, g2) == before and _outbox(home) == mail
    # the same row again, its own body, asks a change still: said again; the booking's own body asks none
    again = run(home, "booking", "import", str(changed), "--org", "demo")
    assert "not changed: row 2: getmyboat G-2 was cancelled on " in " ".join(again.stdout.split())
    same = tmp_path / "same.csv"
    same.write_text(HEADER + ROWS.splitlines(keepends=True)[0])
    quiet = run(home, "booking", "import", str(same), "--org", "demo")
    assert "same.csv: 1 unchanged." in quiet.stdout and "not changed" not in quiet.stdout, quiet.stdout


def test_two_csv_rows_changing_a_cancelled_booking_each_name_their_row(
    home: Path, booked: dict[str, str], tmp_path: Path
) -> None:
    """Two rows of one file asking changes of a booking the operator cancelled printed the same `not changed:` line
    twice: the operator could not tell which rows were not applied. Each line names its row, as errors do."""
    g2 = booked["G-2"]
    assert run(home, "booking", "cancel", g2, "--org", "demo", "--yes").returncode == 0
    before, mail = _state(home, g2), _outbox(home)
    row = ROWS.splitlines(keepends=True)[0]
    changed = tmp_path / "changed.csv"
    changed.write_text(HEADER + row.replace(",3,4,480.00,", ",3,6,480.00,") + row.replace(",3,4,", ",4,4,"))
    imported = run(home, "booking", "import", str(changed), "--org", "demo")
    assert imported.returncode == 0, imported.stderr
    assert "changed.csv: 2 unchanged (2 change(s) to cancelled bookings not applied, listed below)." in imported.stdout
    said = [" ".join(line.split()) for line in imported.stdout.splitlines() if "not changed:" in line]
    final = r"a cancellation is final, so this change changed nothing; a rebooking comes with a new external_id"
    for line, number in zip(said, (2, 3), strict=True):
        cancelled = rf"getmyboat G-2 was cancelled on [^:]+:\d\d P[DS]T: {final}"
        assert re.fullmatch(rf"not changed: row {number}: {cancelled}", line), line
    assert _state(home, g2) == before and _outbox(home) == mail
