"""The CLI refuses what it cannot use before it does any work, in one line, and prints whatever a
user typed as typed: a folder that is a file, a date out of range, a feed of no one, a key name
with brackets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from firstmate.bootstrap import build
from firstmate.config import Settings
from firstmate.services.keys import list_keys
from tests.e2e.test_cli import run

TODAY = date(2026, 11, 21)


def save_people(home: Path) -> None:
    """The demo's people, beside its profile."""
    from firstmate.demo.run import demo_people
    from firstmate.services.people import save_people as save

    app = build(Settings(home=home))
    try:
        save(app.store, "demo", demo_people())
    finally:
        app.close()


def _stored(home: Path) -> tuple[int, int, int]:
    """Role reports stored, weekly reports stored, and messages queued."""
    app = build(Settings(home=home))
    try:
        counts = (
            len(app.blobs.list("reports/demo/roles/")),
            len(app.blobs.list("reports/demo/weekly/")),
            len(app.store.query("ORG#demo#OUTBOX").items),
        )
    finally:
        app.close()
    return counts


def test_an_out_folder_that_is_a_file_is_refused_before_anything_is_built_stored_or_sent(
    home: Path, tmp_path: Path
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine\n")
    before = _stored(home)
    for command in (
        ["report", "all", "--send", "--as-of", TODAY.isoformat(), "--out", str(a_file)],
        ["report", "ceo", "--out", str(a_file / "under")],
        ["intel", "replay", "2026-11-09-20261121T150000-abc123", "--out", str(a_file)],
        ["data", "template", str(a_file), "--force"],
    ):
        refused = run(home, *command)
        assert refused.returncode == 2, (command, refused.stderr)
        assert refused.stderr.count("\n") == 1 and "is a file, or lies under one" in refused.stderr, refused.stderr
    assert _stored(home) == before and a_file.read_text() == "mine\n"


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31"])
def test_a_day_outside_the_years_reported_on_is_one_line(home: Path, as_of: str) -> None:
    refused = run(home, "report", "ceo", "--as-of", as_of)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert f"--as-of {as_of} is not between 2000 and 2100" in refused.stderr


def test_a_report_as_of_a_day_after_today_is_refused_in_one_line_before_anything_is_made(
    home: Path, tmp_path: Path
) -> None:
    """Found by a review: `report all --as-of 2099-01-01` built, stored (and with --send mailed) a report of a
    week that has not happened, every figure of it as of today. The org's tomorrow is refused too."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from firstmate.demo.run import demo_profile

    zone = demo_profile().org.timezone
    before, out = _stored(home), tmp_path / "reports"
    tomorrow = datetime.now(ZoneInfo(zone)).date() + timedelta(days=1)
    for as_of in ("2099-01-01", tomorrow.isoformat()):
        refused = run(home, "report", "all", "--send", "--as-of", as_of, "--out", str(out))
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
        assert refused.stderr.startswith(f"error: --as-of {as_of} is after today, "), refused.stderr
        assert f" in {zone} (leave --as-of out for today's report, or name a day up to today)" in refused.stderr
    assert _stored(home) == before and not out.exists()


def test_revoking_the_feed_of_an_org_line_or_person_that_does_not_exist_is_refused(home: Path) -> None:
    save_people(home)
    # each says what there is to choose from (it said "no entity 'nope'" alone)
    for options, choices in (
        (["--org", "nope"], "the orgs are: demo"),
        (["--org", "demo", "--entity", "nope"], "the business lines are: bluewater-delivery, "),
        (["--org", "demo", "--person", "../x"], "the people are: "),
    ):
        refused = run(home, "calendar", "revoke", *options)
        assert refused.returncode == 2 and "no " in refused.stderr and "✓" not in refused.stderr, refused.stderr
        assert choices in refused.stderr and refused.stderr.count("\n") == 1, refused.stderr
    app = build(Settings(home=home))
    try:
        for org in ("demo", "nope"):
            assert app.store.query(f"ORG#{org}", "FEEDGEN#").items == []
    finally:
        app.close()


def test_an_empty_option_naming_a_feed_or_boat_is_refused_not_read_as_the_whole_org(home: Path) -> None:
    """`--person "$WHO"` with WHO unset revoked the owner's whole-org feed, and `--entity ""` printed
    the feed with money where a crew-safe one was meant."""
    url = run(home, "calendar", "url", "--org", "demo")
    for command in (
        ["calendar", "revoke", "--org", "demo", "--person", ""],
        ["calendar", "url", "--org", "demo", "--entity", " "],
        ["booking", "import", str(home / "missing.ics"), "--asset", ""],
        ["outbox", "list", "--org", ""],
    ):
        refused = run(home, *command)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, (command, refused.stderr)
        assert "is empty: name" in refused.stderr and "✓" not in refused.stderr, refused.stderr
    assert run(home, "calendar", "url", "--org", "demo").stdout == url.stdout  # the org's feed still works


def test_a_key_name_is_printed_as_typed_and_an_unusable_one_is_refused(home: Path) -> None:
    created = run(home, "keys", "create", "--org", "demo", "--name", "[/x] website [bold]")
    assert created.returncode == 0, created.stderr
    assert "([/x] website [bold])" in created.stderr and created.stdout.startswith("fmk_")
    listed = run(home, "keys", "list", "--org", "demo")
    assert listed.returncode == 0 and "[/x] website [bold]" in listed.stdout, listed.stderr
    for name in ("", " padded", "x" * 81, "red\x1b[31m", "two\nlines"):
        refused = run(home, "keys", "create", "--org", "demo", "--name", name)
        assert refused.returncode == 2 and "1 to 80 printable characters" in refused.stderr, (name, refused.stderr)
    app = build(Settings(home=home))
    try:
        assert [key.name for key in list_keys(app.store, "demo")] == ["[/x] website [bold]"]
    finally:
        app.close()


def test_an_org_or_run_that_does_not_exist_is_named_not_listed_as_empty(home: Path) -> None:
    for command in (["keys", "list", "--org", "nope"], ["data", "show", "--org", "nope"],
                    ["outbox", "list", "--org", "nope"], ["intel", "runs", "--org", "nope"]):  # fmt: skip
        refused = run(home, *command)
        assert refused.returncode == 2 and "no org 'nope' (the orgs are: demo)" in refused.stderr, refused.stderr
    for run_id in ("", "a\x01b", "../x"):
        refused = run(home, "intel", "replay", run_id)
        assert refused.returncode == 2 and "no archived run" in refused.stderr and "blob key" not in refused.stderr


def test_the_weekly_report_of_an_org_that_does_not_exist_names_the_orgs_there_are(home: Path) -> None:
    """`intel run --org acme` said "no org 'acme'" and nothing of what to do; `intel replay` that the org
    had no such run."""
    for command in (["intel", "run", "--org", "acme"], ["intel", "replay", "2026-11-23-20261206T094256-6f9b07",
                                                          "--org", "acme"]):  # fmt: skip
        refused = run(home, *command)
        assert refused.returncode == 2 and refused.stderr.strip() == "error: no org 'acme' (the orgs are: demo)", (
            refused.stderr
        )


def test_every_command_given_an_org_that_does_not_exist_names_the_orgs_there_are(home: Path, tmp_path: Path) -> None:
    """A mistyped org ('dmeo') was told "load the business profile first, e.g. with 'firstmate demo'"
    (report, data, booking import), "create it first" (keys create), or that it had no such key or
    message (keys revoke, outbox show and retry): none of them said which orgs there are."""
    from typer.testing import CliRunner

    from firstmate.cli import cli
    from firstmate.errors import NotFound

    bookings, data = tmp_path / "b.csv", tmp_path / "data"
    bookings.write_text("external_id,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email\n")
    data.mkdir()
    (data / "revenue.csv").write_text("id,entity,asset,source,recorded_on,service_date,amount,deposit,reference\n")
    for command in (
        ["report", "cfo", "--org", "dmeo"],
        ["data", "import", str(data), "--org", "dmeo"],
        ["data", "template", str(tmp_path / "template"), "--org", "dmeo"],
        ["booking", "import", str(bookings), "--org", "dmeo"],
        ["keys", "create", "--org", "dmeo"],
        ["keys", "revoke", "0123456789ab", "--org", "dmeo"],
        ["outbox", "show", "dmeo", "welcome"],
        ["outbox", "retry", "dmeo", "welcome"],
    ):
        result = CliRunner().invoke(cli, command, env={"FIRSTMATE_HOME": str(home)})
        assert isinstance(result.exception, NotFound), (command, result.exception, result.output)
        assert str(result.exception) == "no org 'dmeo' (the orgs are: demo)", command
    assert not (tmp_path / "template").exists()


def test_a_command_with_a_progress_display_leaves_no_blank_line_where_nobody_watches_it(
    home: Path, tmp_path: Path
) -> None:
    """Not in a terminal (cron, a pipe, a log), each command with a progress display wrote a blank line on
    stderr: its errors read "\\nerror: …", two lines, and a run that went well left one behind."""
    refused = run(home, "intel", "run", "--week", "2026-11-02", "--org", "demo", env={"FIRSTMATE_ADS_SOURCE": "csv"})
    assert refused.returncode == 2 and refused.stderr.startswith("error: "), refused.stderr
    assert len(refused.stderr.splitlines()) == 1, refused.stderr
    bookings = tmp_path / "b.csv"
    bookings.write_text(
        "external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email\n"
        "C-1,sea-lark,2030-07-04T17:00:00-07:00,2.5,5,600.00,USD,Rob Sample,rob@example.com\n"
    )
    imported = run(home, "booking", "import", str(bookings))
    assert imported.returncode == 0 and imported.stderr == "", imported.stderr


def test_a_folder_in_the_way_of_a_starter_file_is_named_and_nothing_is_written(home: Path, tmp_path: Path) -> None:
    """`data template DIR --force` with a folder named revenue.csv in DIR wrote the first eight files over
    the user's, then stopped with "cannot write the starter files into DIR: Is a directory", naming none."""
    folder = tmp_path / "data"
    (folder / "revenue.csv").mkdir(parents=True)
    (folder / "expenses.csv").write_text("mine\n")
    refused = run(home, "data", "template", str(folder), "--force")
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.startswith(f"error: cannot write {folder / 'revenue.csv'}: it is a folder"), refused.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["expenses.csv", "revenue.csv"]
    assert (folder / "expenses.csv").read_text() == "mine\n"


def test_an_org_that_does_not_exist_is_refused_before_its_folders_are_read_or_made(home: Path, tmp_path: Path) -> None:
    """Found by a review: 'data import DIR --org dmeo' read the whole folder first (15 s for a 10 MB
    revenue.csv) and, were a file of it wrong, listed its problems and stopped there, the org never named;
    'report --out' and 'intel run --out' made their folder for an org that is not there."""
    from typer.testing import CliRunner

    from firstmate.cli import cli
    from firstmate.errors import NotFound

    data = tmp_path / "data"
    data.mkdir()
    (data / "revenue.csv").write_text("id,amount\n")  # wrong columns: a problem of the folder
    for command in (
        ["data", "import", str(data), "--org", "dmeo"],
        ["report", "cfo", "--org", "dmeo", "--out", str(tmp_path / "reports")],
        ["intel", "run", "--org", "dmeo", "--out", str(tmp_path / "weekly")],
        ["intel", "replay", "2026-11-23-20261130T150000-6f9b07", "--org", "dmeo", "--out", str(tmp_path / "replay")],
    ):
        result = CliRunner().invoke(cli, command, env={"FIRSTMATE_HOME": str(home)})
        assert isinstance(result.exception, NotFound), (command, result.exception, result.output)
        assert str(result.exception) == "no org 'dmeo' (the orgs are: demo)", command
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "home"]


def test_a_mistyped_file_name_is_said_not_to_exist_naming_the_file_meant(home: Path, tmp_path: Path) -> None:
    """Found by a review: `booking import bookings.cvs` said "bookings.cvs is not a file", as for a folder, and
    named nothing to import instead."""
    (tmp_path / "bookings.csv").write_text("external_id\n")
    typo = run(home, "booking", "import", str(tmp_path / "bookings.cvs"))
    said = " ".join(typo.stderr.split())
    assert typo.returncode == 2 and "bookings.cvs does not exist" in said, said
    assert f"did you mean {tmp_path / 'bookings.csv'}?" in said, said
    nothing_like = run(home, "booking", "import", str(tmp_path / "june.ics"))
    said = " ".join(nothing_like.stderr.split())
    assert nothing_like.returncode == 2 and "june.ics does not exist" in said and "did you mean" not in said, said
    folder = run(home, "booking", "import", str(tmp_path))
    assert folder.returncode == 2 and "is a folder: name a file in it" in folder.stderr, folder.stderr
