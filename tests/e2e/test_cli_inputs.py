"""Bad input to the CLI gets a typed error (one line, naming what to fix) and changes nothing.

Most cases run in-process (a process start is slow); the last test runs the real command to show the line."""

from __future__ import annotations

import errno
import json
import re
import socket
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from firstmate.bootstrap import build
from firstmate.cli import STOPPED, cli, main
from firstmate.cli.run import _check_port
from firstmate.config import Settings
from firstmate.errors import ConfigError, FirstmateError, InvalidInput, UserError
from firstmate.jobs import declared_jobs
from firstmate.services.data import data_rows
from tests.e2e.test_cli import run

HEADER = "series_id,metric,week_start,value,volume"


def refused(*args: str, env: dict[str, str] | None = None) -> FirstmateError:
    """The typed error the command stops with (anything else fails the test)."""
    result = CliRunner().invoke(cli, list(args), env=env)
    assert isinstance(result.exception, FirstmateError), (result.exception, result.output)
    return result.exception


def kpi_file(folder: Path, values: list[str], *, metric: str = "revenue", volume: str = "") -> Path:
    start = date(2026, 1, 5)
    rows = [HEADER] + [f"a,{metric},{start + timedelta(weeks=n)},{v},{volume}" for n, v in enumerate(values)]
    path = folder / "kpi.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# --- signal classify ---------------------------------------------------------------------------------


def test_signal_refuses_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "kpi.csv"
    path.write_bytes(f"{HEADER}\na,leads,2026-01-05,\xff\xfe,3\n".encode("latin-1"))
    error = refused("signal", "classify", "--input", str(path))
    assert isinstance(error, InvalidInput) and str(path) in str(error) and "not UTF-8" in str(error)


def test_signal_refuses_a_file_over_the_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("firstmate.cli.signal.MAX_FILE_BYTES", 100)
    path = kpi_file(tmp_path, ["10"] * 12)
    error = refused("signal", "classify", "--input", str(path))
    assert isinstance(error, InvalidInput) and str(error).endswith("MB; split the data")


def test_signal_names_the_row_of_a_field_too_large_to_read(tmp_path: Path) -> None:
    path = kpi_file(tmp_path, ["10", '"' + "x" * 140_000 + '"'])
    error = refused("signal", "classify", "--input", str(path))
    assert isinstance(error, InvalidInput) and str(error).startswith("row 3: cannot split this into fields")


@pytest.mark.parametrize("value", ["1e308", "-1e308", "1e13", "inf", "nan"])
def test_signal_refuses_absurd_values_by_row(tmp_path: Path, value: str) -> None:
    path = kpi_file(tmp_path, ["10"] * 8 + [value] * 4)
    error = refused("signal", "classify", "--input", str(path))
    assert isinstance(error, InvalidInput) and str(error).startswith(f"row 10: value {value} is out of range")


def test_signal_refuses_a_negative_volume(tmp_path: Path) -> None:
    path = kpi_file(tmp_path, ["10"] * 12, metric="cpl", volume="-50")
    error = refused("signal", "classify", "--input", str(path))
    assert isinstance(error, InvalidInput) and str(error).startswith("row 2: volume -50 is negative")


def test_signal_output_is_strict_json_when_the_baseline_is_zero(tmp_path: Path) -> None:
    path = kpi_file(tmp_path, ["-1", "0", "1", "-2", "2", "0", "50", "500", "500", "500"])
    result = CliRunner().invoke(cli, ["signal", "classify", "--input", str(path), "--explain"])
    assert result.exit_code == 0, result.output

    def no_constants(name: str) -> object:
        raise AssertionError(f"{name} is not JSON")

    line = json.loads(result.stdout, parse_constant=no_constants)
    assert line["direction"] == "UP" and line["change"] is None
    assert line["reason"] == "the last 3 weeks average 500 against a usual level of 0"


# --- aws render-template and inventory ---------------------------------------------------------------


def test_render_template_refuses_an_out_that_is_a_folder_or_empty(tmp_path: Path) -> None:
    folder = refused("aws", "render-template", "--out", str(tmp_path))
    assert isinstance(folder, InvalidInput) and str(folder).startswith(f"--out {tmp_path} is a folder")
    empty = refused("aws", "render-template", "--out", "")
    assert isinstance(empty, InvalidInput) and str(empty).startswith("--out is empty")


def test_render_template_refuses_an_out_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    error = refused("aws", "render-template", "--out", str(tmp_path / "afile" / "x.yaml"))
    assert isinstance(error, InvalidInput) and f"{tmp_path / 'afile'} is a file, not a folder" in str(error)
    assert (tmp_path / "afile").read_text() == "x"


def test_render_template_check_refuses_a_binary_file(tmp_path: Path) -> None:
    binary = tmp_path / "template.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x81 not text")
    error = refused("aws", "render-template", "--check", "--out", str(binary))
    assert isinstance(error, InvalidInput) and "is not UTF-8 text" in str(error)


def test_render_template_reports_a_cron_eventbridge_cannot_express_as_a_setting(tmp_path: Path) -> None:
    target = tmp_path / "template.yaml"
    error = refused("aws", "render-template", "--out", str(target), env={"FIRSTMATE_WEEKLY_REPORT_CRON": "0 7 1 * MON"})
    assert isinstance(error, ConfigError) and error.exit_code == 3
    assert error.message.startswith("'0 7 1 * MON' sets both day-of-month and day-of-week")
    assert "FIRSTMATE_WEEKLY_REPORT_CRON" in str(error) and not target.exists()


def test_inventory_checks_its_out_file_before_collecting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def collect(*_: object, **__: object) -> None:
        raise AssertionError("collected although the --out file cannot be written")

    monkeypatch.setattr("firstmate.adapters.aws.inventory.credentials_found", lambda: True)
    monkeypatch.setattr("firstmate.adapters.aws.inventory.collect_inventory", collect)
    (tmp_path / "afile").write_text("x")
    error = refused("aws", "inventory", "--out", str(tmp_path / "afile" / "x"))
    assert isinstance(error, InvalidInput) and "is a file, not a folder" in str(error)


# --- demo and serve: --port and --host ---------------------------------------------------------------


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a check let bad input through, the test fails at once instead of running a demo or a server."""

    def started(*_: object, **__: object) -> None:
        raise AssertionError("the port check let the command start")

    monkeypatch.setattr("firstmate.cli.run.app_context", started)
    monkeypatch.setattr("firstmate.cli.run._serve", started)


@pytest.mark.parametrize("command", ["demo", "serve"])
@pytest.mark.parametrize("port", ["99999", "-1", "0"])
@pytest.mark.usefixtures("no_server")
def test_a_port_out_of_range_is_refused(command: str, port: str) -> None:
    error = refused(command, "--port", port)
    assert isinstance(error, InvalidInput) and str(error).startswith(f"--port {port} is not a port number")


@pytest.mark.usefixtures("no_server")
def test_a_host_that_does_not_resolve_is_not_called_in_use(monkeypatch: pytest.MonkeyPatch) -> None:
    def unresolvable(*_: object, **__: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unresolvable)  # no DNS lookup from a test
    error = refused("serve", "--host", "nonexistent.invalid")
    assert isinstance(error, InvalidInput) and "in use" not in str(error)
    assert str(error).startswith("cannot listen on nonexistent.invalid: no such address or host name")


@pytest.mark.usefixtures("no_server")
def test_a_host_of_another_machine_is_not_called_in_use() -> None:
    error = refused("serve", "--host", "192.0.2.1")  # TEST-NET-1: never this machine's address
    assert "in use" not in str(error) and "192.0.2.1 is not an address of this machine" in str(error)


@pytest.mark.usefixtures("no_server")
def test_a_port_in_use_is_still_called_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        error = refused("serve", "--port", str(port))
    assert type(error) is UserError and str(error).startswith(f"cannot listen on 127.0.0.1:{port}: it is in use")


@pytest.mark.usefixtures("no_server")
def test_a_name_with_two_addresses_is_in_use_when_either_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server listens on every address of a name ("localhost" is often ::1 and 127.0.0.1); the
    check used to try the first only, and the server then failed after the work was done."""
    with socket.socket(socket.AF_INET6) as taken:
        taken.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        try:
            taken.bind(("::1", 0))
        except OSError:
            pytest.skip("this machine has no IPv6 loopback")
        taken.listen()
        port = taken.getsockname()[1]
        _localhost_is(monkeypatch, ("127.0.0.1", port), ("::1", port, 0, 0))  # dual-stack, on any machine
        error = refused("serve", "--host", "localhost", "--port", str(port))
    assert type(error) is UserError and str(error).startswith(f"cannot listen on localhost:{port}: it is in use")


@pytest.mark.usefixtures("no_server")
def test_an_address_family_the_machine_has_turned_off_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """With IPv6 off in the kernel, "localhost" may still resolve to ::1 too: the server listens on
    127.0.0.1 alone, and the check used to fail with a raw OSError instead."""
    real_socket = socket.socket

    def no_ipv6(family: int = socket.AF_INET, *args: object) -> socket.socket:
        if family == socket.AF_INET6:
            raise OSError(errno.EAFNOSUPPORT, "Address family not supported by protocol")
        return real_socket(family, *args)  # type: ignore[arg-type]

    _localhost_is(monkeypatch, ("::1", 8000, 0, 0), ("127.0.0.1", 0))
    monkeypatch.setattr(socket, "socket", no_ipv6)
    _check_port("localhost", 8000)  # nothing to refuse: 127.0.0.1 is free


def _localhost_is(monkeypatch: pytest.MonkeyPatch, *addresses: tuple[object, ...]) -> None:
    """Host names resolve to `addresses` (IPv6 ones have four parts), whatever this machine's resolver says."""
    found = [(socket.AF_INET6 if len(a) == 4 else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", a)
             for a in addresses]  # fmt: skip
    monkeypatch.setattr(socket, "getaddrinfo", lambda *_, **__: found)


# --- the real command: one line on stderr ------------------------------------------------------------


def test_each_refusal_is_one_line_from_the_real_command(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "secret.key").write_bytes(b"\xdb\xff" * 32)
    key = run(home, "admin", "link")
    assert key.returncode == 3, key.stderr
    assert key.stderr.strip() == (
        f"error: {home / 'secret.key'} holds no usable key: it is not text (delete it to have a new one generated)"
    )
    (tmp_path / "kpi.csv").write_bytes(f"{HEADER}\na,leads,2026-01-05,\xff,3\n".encode("latin-1"))
    for args in (
        ("signal", "classify", "--input", str(tmp_path / "kpi.csv")),
        ("aws", "render-template", "--out", str(tmp_path)),
        ("demo", "--port", "99999"),
    ):
        done = run(home, *args)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, (args, done.stderr)
        assert done.stderr.startswith("error: ") and "unexpected" not in done.stderr, (args, done.stderr)


def test_a_misspelt_setting_in_the_environment_is_named_once_and_the_command_still_runs(home: Path) -> None:
    """A FIRSTMATE_ variable that is not a setting used to do nothing, silently."""
    listed = run(home, "outbox", "list", env={"FIRSTMATE_SMTP_HSOT": "relay.example.com"})
    assert listed.returncode == 0, listed.stderr
    assert listed.stderr.splitlines() == [
        "warning: FIRSTMATE_SMTP_HSOT is not a firstmate setting and is ignored; did you mean FIRSTMATE_SMTP_HOST?"
    ]
    assert "No messages" in listed.stdout
    assert run(home, "outbox", "list").stderr == ""  # nothing to say when every variable is a setting
    # named also when the settings are refused: the misspelt one is why the others do not fit
    too_slow = {"FIRSTMATE_MAILER": "smtp", "FIRSTMATE_SMTP_TIMEOUT_S": "60", "FIRSTMATE_OUTBOX_LEASE": "400"}
    refused = run(home, "outbox", "list", env=too_slow)
    assert refused.returncode == 3
    assert refused.stderr.splitlines()[0] == (
        "warning: FIRSTMATE_OUTBOX_LEASE is not a firstmate setting and is ignored; "
        "did you mean FIRSTMATE_OUTBOX_LEASE_S?"
    )
    assert "settings do not fit together" in refused.stderr


def test_a_server_on_another_port_makes_its_links_to_that_port(tmp_path: Path) -> None:
    """`serve --port 8765` (the hint when 8000 is taken) sent every link to port 8000, where nothing listens."""
    from datetime import UTC, datetime

    import httpx

    from firstmate.bootstrap import build
    from firstmate.config import load_settings
    from firstmate.services import outbox
    from tests.conftest import booking_body, firstmate_env
    from tests.load.conftest import ORG, prepare_home, serving

    home = tmp_path / "home"
    key = prepare_home(home, crew=1)
    ahead = (datetime.now(UTC) + timedelta(days=30)).replace(minute=0, second=0, microsecond=0).isoformat()
    with serving(home, firstmate_env(home), base_url=False) as server:
        booked = httpx.post(f"{server.url}/api/v1/bookings", json=booking_body(start=ahead),
                            headers={"Authorization": f"Bearer {key}"}, timeout=60)  # fmt: skip
        assert booked.status_code == 201, booked.text
        assert booked.json()["guest_page_url"].startswith(f"{server.url}/g/")
    assert f"Links point to {server.url}" in (tmp_path / "serve.log").read_text()
    app = build(load_settings(home=home))
    try:
        texts = [e.message.text for e in outbox.list_entries(app.store, ORG)]
    finally:
        app.close()
    assert texts and all(f"{server.url}/" in text and "127.0.0.1:8000" not in text for text in texts)


def test_a_source_that_is_no_channel_name_is_refused_once_before_the_file_is_read(tmp_path: Path) -> None:
    """It was refused on every row of the file, as "row 2: source: String should match pattern …"."""
    file = tmp_path / "bookings.csv"
    file.write_text("external_id\n", encoding="utf-8")
    error = refused("booking", "import", str(file), "--source", "Web Site")
    assert str(error.message) == (
        "--source 'Web Site' must be 2 to 30 lower-case letters, digits, dashes or underscores, like boatsetter or "
        "web-site"
    )


def test_an_option_the_files_kind_does_not_take_is_refused_not_ignored(home: Path, tmp_path: Path) -> None:
    """`--source boatsetter` with a .eml, or `--asset` with a .csv, was taken and ignored: the import
    went on as if it had not been written (a marketplace email names its channel and boat itself)."""
    from firstmate.demo.run import SAMPLE_EMAIL

    email, table = tmp_path / "confirmation.eml", tmp_path / "bookings.csv"
    email.write_bytes(SAMPLE_EMAIL.read_bytes())
    table.write_text("external_id\n", encoding="utf-8")
    for file, option, value, said in (
        (email, "--source", "getmyboat", "--source is for .csv and .ics files: an email's channel is the marketplace"),
        (email, "--asset", "sea-lark", "--asset is for .ics files: an email names its boat"),
        (table, "--asset", "sea-lark", "--asset is for .ics files: a .csv file names each row's boat in its asset"),
    ):  # fmt: skip
        refusal = run(home, "booking", "import", str(file), option, value)
        assert refusal.returncode == 2 and said in refusal.stderr, refusal.stderr
    imported = run(home, "booking", "import", str(email))  # without them, the same file is imported
    assert imported.returncode == 0 and "1 created" in imported.stdout, imported.stderr


def test_importing_a_booking_request_email_says_so_in_one_line_and_books_nothing(home: Path, tmp_path: Path) -> None:
    """Found by a review: a Boatsetter booking request (not yet accepted) was imported as "1 created", and
    the crew were called for it. One sent over 48 hours ago (the sample's, of November 2026) holds nothing either:
    its hold has lapsed."""
    from tests.e2e.test_booking_import import REQUEST_EMAIL

    email = tmp_path / "request.eml"
    email.write_bytes(REQUEST_EMAIL)
    imported = run(home, "booking", "import", str(email))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip().splitlines() == [
        "request.eml: boatsetter BS-7Q4K2M is a booking request awaiting the owner's acceptance: nothing was "
        "booked; its hold of Sea Lark lapsed on Thu 26 Nov 2026, 10:02 PST, unanswered: nothing is held; its "
        "confirmation email will book it."
    ], imported.stdout
    listed = run(home, "outbox", "list", "--org", "demo")
    assert listed.returncode == 0 and "bk:" not in listed.stdout, listed.stdout + listed.stderr


def test_importing_a_fresh_booking_request_email_holds_the_boat_and_says_till_when(home: Path, tmp_path: Path) -> None:
    """A request sent just now holds its boat (no booking, nobody told), and the import says "1 request held"."""
    from datetime import UTC, datetime
    from email.utils import format_datetime

    from tests.e2e.test_booking_import import REQUEST_EMAIL

    sent = datetime.now(UTC).replace(microsecond=0)
    trip = (sent + timedelta(days=30)).date()
    email = tmp_path / "request.eml"
    email.write_bytes(
        REQUEST_EMAIL.replace(b"Tue, 24 Nov 2026 18:02:11 +0000", format_datetime(sent).encode()).replace(
            b"Trip date: Saturday, December 12, 2026", f"Trip date: {trip:%A, %B} {trip.day}, {trip.year}".encode()
        )
    )
    imported = run(home, "booking", "import", str(email))
    assert imported.returncode == 0, imported.stderr
    said = " ".join(imported.stdout.split())
    assert "request.eml: 1 request held." in said, said
    assert (
        "not booked: boatsetter BS-7Q4K2M is a booking request awaiting the owner's acceptance: nothing was booked; "
        "Sea Lark is held for it on "
    ) in said, said
    assert "unless answered before: its confirmation email will book it, its decline will release it" in said, said
    listed = run(home, "outbox", "list", "--org", "demo")
    assert listed.returncode == 0 and "bk:" not in listed.stdout, listed.stdout + listed.stderr


def test_outbox_list_says_it_left_older_messages_out(home: Path) -> None:
    """A review: 250 dead messages listed as 200, with nothing saying there were more."""
    from datetime import UTC, datetime

    from firstmate.bootstrap import build
    from firstmate.config import Settings
    from firstmate.services import outbox
    from tests.e2e.test_outbox_delivery import _message

    app = build(Settings(home=home))
    try:
        start = datetime(2026, 11, 2, 15, tzinfo=UTC)
        for n in range(250):
            outbox.enqueue(app.store, "demo", [_message(n)], start + timedelta(minutes=n))
    finally:
        app.close()
    listed = run(home, "outbox", "list", "--json")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 200
    assert json.loads(listed.stdout.splitlines()[0])["key"] == "booking:249:crew:notify"  # the newest first
    assert listed.stderr == "Older messages not shown: --limit 0 lists every one.\n"
    every = run(home, "outbox", "list", "--json", "--limit", "0")
    assert len(every.stdout.splitlines()) == 250 and every.stderr == ""


def test_outbox_reindex_lists_the_messages_an_earlier_version_stored(home: Path) -> None:
    """Sent messages stored before the admin list read them by index are listed once reindexed."""
    from datetime import UTC, datetime

    from firstmate.adapters.clock import FixedClock
    from firstmate.bootstrap import build
    from firstmate.config import Settings
    from firstmate.domain.outbox import OutboxStatus
    from tests.web.test_admin_outbox_reads import _entry, _store_all

    app = build(Settings(home=home))
    try:
        clock = FixedClock(datetime(2026, 11, 2, 15, tzinfo=UTC))
        _store_all(app.store, [_entry("demo", n, clock, OutboxStatus.SENT) for n in range(12)], shaped=False)
    finally:
        app.close()
    reindexed = run(home, "outbox", "reindex")
    assert reindexed.returncode == 0 and "12 message(s) given their index keys" in reindexed.stdout
    assert len(run(home, "outbox", "list", "--json", "--status", "sent").stdout.splitlines()) == 12
    assert "0 message(s)" in run(home, "outbox", "reindex").stdout  # again: nothing to do


@pytest.mark.parametrize("command", [("outbox", "show", "demo", ""), ("outbox", "retry", "demo", " ")])
def test_an_empty_outbox_key_is_refused_saying_where_keys_are(command: tuple[str, ...]) -> None:
    error = refused(*command)
    assert error.message == "KEY is empty: name a message's key" and error.hint == "'firstmate outbox list' shows them"


def test_outbox_show_says_who_already_has_a_message_a_retry_leaves_out(home: Path) -> None:
    """A review: who a relay had taken a partly refused message for was on no page and in no command."""
    from datetime import UTC, datetime

    from firstmate.bootstrap import build
    from firstmate.config import Settings
    from firstmate.domain import outbox as rules
    from firstmate.services import outbox
    from tests.e2e.test_outbox_delivery import _message

    app = build(Settings(home=home))
    try:
        now = datetime(2026, 11, 2, 15, tzinfo=UTC)
        entry = rules.new_entry("demo", _message(1, to="owner@example.com", bcc=("audit@example.com",)), now)
        dead = entry.model_copy(update={"status": rules.OutboxStatus.DEAD, "sent_to": ("audit@example.com",)})
        app.store.put(outbox.to_item(dead))
    finally:
        app.close()
    shown = run(home, "outbox", "show", "demo", entry.key)
    assert shown.returncode == 0 and "Already sent to: audit@example.com (not to them again)" in shown.stdout


def test_outbox_show_says_a_withdrawn_or_out_of_date_message_reached_some_not_that_it_was_not_sent(
    home: Path,
) -> None:
    """A message the relay took for the audit Bcc alone, then withdrawn (its trip cancelled) or out of
    date before its retry, said "Last error: not sent: …": the audit address had it."""
    from datetime import UTC, datetime

    from firstmate.adapters.clock import FixedClock
    from firstmate.bootstrap import build
    from firstmate.config import Settings
    from tests.e2e.test_outbox_delivery import partly_sent_then_ended

    clock = FixedClock(datetime.now(UTC) - timedelta(hours=2))
    app = build(Settings(home=home), clock=clock)
    try:
        cancelled, late = partly_sent_then_ended(app, clock)
    finally:
        app.close()
    shown = {key: CliRunner().invoke(cli, ["outbox", "show", "demo", key], env={"FIRSTMATE_HOME": str(home)})
             for key in (cancelled, late)}  # fmt: skip
    assert all(result.exit_code == 0 for result in shown.values())
    assert (
        "Last error: withdrawn after it reached audit@example.com, not sent to owner@example.com: the trip was "
        "cancelled\n"
    ) in shown[cancelled].output
    assert (
        "Last error: expired after it reached audit@example.com, not sent to owner@example.com: out of date since "
    ) in shown[late].output
    assert not any("not sent:" in result.output for result in shown.values())


# --- --home ------------------------------------------------------------------------------------------


def test_an_empty_home_option_is_refused_not_read_as_the_working_folder(tmp_path: Path) -> None:
    """`--home "$UNSET"` put firstmate.db, blobs/, outbox/ and secret.key in the working folder."""
    error = refused("--home", "", "init")
    assert isinstance(error, ConfigError) and str(error).startswith("--home is empty (name the folder")
    assert list(tmp_path.iterdir()) == []  # the working folder (conftest chdir)


# --- input files that cannot be read -----------------------------------------------------------------


def test_a_file_or_folder_that_cannot_be_read_is_named_not_reported_as_a_bug(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user's file (mode 0600) was 'unexpected PermissionError … Run again with --verbose … and
    report it'. Permissions are faked: the tests may run as root, whom they do not stop."""
    data = tmp_path / "data"
    data.mkdir()
    locked = {tmp_path / name for name in ("b.csv", "b.eml", "b.ics", "kpi.csv")} | {data / "revenue.csv"}
    for path in locked:
        path.write_text("x\n", encoding="utf-8")
    real_open, real_iterdir = Path.open, Path.iterdir

    def denied(path: Path) -> PermissionError:
        return PermissionError(errno.EACCES, "Permission denied", str(path))

    def open_(self: Path, *args: object, **kwargs: object) -> object:
        if self in locked:
            raise denied(self)
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", open_)
    env = {"FIRSTMATE_HOME": str(home)}
    for name in ("b.csv", "b.eml", "b.ics"):
        error = refused("booking", "import", str(tmp_path / name), env=env)
        assert isinstance(error, InvalidInput), error
        assert (
            str(error)
            == f"cannot read {tmp_path / name}: Permission denied (make it readable by the user firstmate runs as)"
        )
    error = refused("signal", "classify", "--input", str(tmp_path / "kpi.csv"))
    assert isinstance(error, InvalidInput) and str(error).startswith(f"cannot read {tmp_path / 'kpi.csv'}: Permission")
    result = CliRunner().invoke(cli, ["data", "import", str(data)], env=env)
    assert result.exit_code == 2 and "unexpected" not in result.output, result.output
    assert "revenue.csv" in result.output and "cannot be read: Permission denied" in result.output

    def iterdir(self: Path) -> object:
        if self == data:
            raise denied(self)
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    result = CliRunner().invoke(cli, ["data", "import", str(data)], env=env)
    assert result.exit_code == 2 and "cannot be read: Permission denied" in result.output, result.output


def test_a_file_in_a_folder_that_cannot_be_searched_is_named_not_reported_as_a_bug(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a review: a booking file in another user's folder (mode 0700), or a data folder readable but
    not searchable (mode 0644, 'chmod -R 644 data'), could not even be looked at (stat: Permission denied),
    and that was still 'unexpected PermissionError … report it'. Permissions are faked, as above."""
    data = tmp_path / "data"
    data.mkdir()
    locked = {tmp_path / "b.csv", data / "revenue.csv"}
    for path in locked:
        path.write_text("x\n", encoding="utf-8")
    real_stat = Path.stat

    def stat(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self in locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    env = {"FIRSTMATE_HOME": str(home)}
    error = refused("booking", "import", str(tmp_path / "b.csv"), env=env)
    assert isinstance(error, InvalidInput), error
    assert str(error) == (
        f"cannot read {tmp_path / 'b.csv'}: Permission denied (make it readable by the user firstmate runs as)"
    )
    result = CliRunner().invoke(cli, ["data", "import", str(data)], env=env)
    assert result.exit_code == 2 and "unexpected" not in result.output, result.output
    assert "revenue.csv" in result.output and "cannot be read: Permission denied" in result.output


def test_data_import_lists_every_problem_of_every_file_at_once_and_imports_nothing(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a review: a misnamed file stopped the import there, and the row errors of the other files
    came one round later; a row with a cell too many hid the rows after it. Every problem comes in one run."""
    monkeypatch.setenv("COLUMNS", "300")  # the table's rows whole, to be read here
    data = tmp_path / "data"
    data.mkdir()
    (data / "payout.csv").write_text("id,booking_ref,amount\n", encoding="utf-8")
    (data / "invoices.csv").write_text(
        "id,entity,client,issued,due,amount\n"
        "INV-1,keel-advisory,Example Client Co,2026-09-22,2026-10-22,1,800.00\n"
        "INV-2,keel-advisory,Example Client Co,2026-09-22,2026-10-22,1,900.00\n"
        "INV-3,keel-advisory,Example Client Co,2026-09-22,2026-10-22,not-money\n",
        encoding="utf-8",
    )
    (data / "maintenance.csv").write_text(
        "id,asset,date,description,cost\nM-1,no-such-boat,2026-05-01,Antifouling,900\n", encoding="utf-8"
    )
    env = {"FIRSTMATE_HOME": str(home)}
    result = CliRunner().invoke(cli, ["data", "import", str(data), "--yes"], env=env)
    assert result.exit_code == 2, result.output
    assert "Nothing was imported: 5 problem(s)" in result.output, result.output
    for said in (
        "payout.csv",
        "invoices.csv row 1 (line 2)",
        "invoices.csv row 2 (line 3)",
        "invoices.csv row 3 (line 4), field amount",
        "maintenance.csv row 1 (line 2), field asset",
    ):
        assert said in result.output, (said, result.output)
    app = build(Settings(home=home))
    try:
        assert data_rows(app.store, "demo", "invoices") == [] and data_rows(app.store, "demo", "maintenance") == []
    finally:
        app.close()


# --- Ctrl-C ------------------------------------------------------------------------------------------


def test_ctrl_c_mid_command_says_so_in_one_line(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C ended a command with exit 130 and nothing said, as if it had finished."""

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("firstmate.jobs.declared_jobs", interrupted)
    monkeypatch.setattr("sys.argv", ["firstmate", "--home", str(home), "jobs", "list"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 130
    said = capsys.readouterr()
    assert said.out == "" and said.err.strip().splitlines() == [
        "stopped (Ctrl-C): what was done before it stays done, and running the command again is safe"
    ]


# --- log lines of a command --------------------------------------------------------------------------


def test_a_failed_job_run_by_hand_logs_its_error_in_a_line_and_its_traceback_only_with_verbose(home: Path) -> None:
    """`jobs run weekly_report` without a Meta token printed the job's whole traceback on stderr (a
    coloured one in a terminal) above its one-line error."""
    env = {"FIRSTMATE_HOME": str(home)}
    failed = CliRunner().invoke(cli, ["jobs", "run", "weekly_report"], env=env)
    assert isinstance(failed.exception, UserError) and "job weekly_report failed" in str(failed.exception)
    assert "Traceback" not in failed.stderr and 'File "' not in failed.stderr, failed.stderr
    logged = [json.loads(line) for line in failed.stderr.splitlines() if line]  # not a terminal: JSON lines
    assert [line["event"] for line in logged] == ["job.failed"]
    assert logged[0]["error"].startswith("JobFailed: demo: secret meta_access_token is missing")  # the class: the log's
    verbose = CliRunner().invoke(cli, ["--verbose", "jobs", "run", "weekly_report"], env=env)
    assert "Traceback (most recent call last)" in verbose.stderr


def test_a_job_run_by_hand_shows_that_it_is_running_in_a_terminal(home: Path) -> None:
    """`jobs run role_reports` took 6 s over a large data folder, and `jobs run weekly_report` as long as
    Meta takes (minutes), with nothing on the screen."""
    done = run(home, "jobs", "run", "sweep", env={"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"})
    assert done.returncode == 0 and "Running the job sweep" in done.stderr, done.stderr
    assert done.stdout.strip().endswith("sweep: 0 expired items removed"), done.stdout


def test_a_line_logged_while_a_job_runs_in_a_terminal_is_not_written_into_its_spinner(home: Path) -> None:
    """Found by a review: since `jobs run` shows a spinner, the job's logged failure was written straight to
    the terminal behind the spinner's frame, and stayed there once the spinner went: '⠋ Running the job
    weekly_report 0:00:00{"job": "weekly_report", … "event": "job.failed" …'."""
    failed = run(home, "jobs", "run", "weekly_report", env={"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"})
    assert failed.returncode == 2 and "Running the job weekly_report" in failed.stderr, failed.stderr
    # the screen's lines as the terminal ends them (a carriage return starts the line again)
    shown = [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", part) for part in re.split(r"[\r\n]", failed.stderr)]
    [logged] = [part for part in shown if "job.failed" in part]
    assert json.loads(logged)["event"] == "job.failed", shown


def test_ctrl_c_while_the_command_starts_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """The command takes half a second to load; a Ctrl-C then printed a Python traceback of the imports."""
    import subprocess
    import sys

    start = (  # the console script's own line, with a Ctrl-C arriving as firstmate.cli loads its commands
        "import builtins\n"
        "real = builtins.__import__\n"
        "def interrupted(name, *args, **kwargs):\n"
        "    if name == 'firstmate.cli.run':\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = interrupted\n"
        "from firstmate.cli import main\n"
    )
    done = subprocess.run([sys.executable, "-c", start], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 130 and done.stdout == "", (done.returncode, done.stderr)
    assert done.stderr == f"{STOPPED}\n" and STOPPED.startswith("stopped (Ctrl-C): what was done before it stays done")


# --- --help ------------------------------------------------------------------------------------------


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The path of every command under `group` (`("booking", "import")`, …)."""
    found: list[tuple[str, ...]] = []
    for name, command in group.commands.items():
        found += _commands(command, (*path, name)) if hasattr(command, "commands") else [(*path, name)]
    return found


def test_every_commands_help_says_what_it_does_and_shows_an_example() -> None:
    """No --help showed how a command is typed: which of `outbox show ORG KEY` and `--org` is which, what
    a key or a run id looks like, which job names `jobs run` takes."""
    commands = _commands(typer.main.get_command(cli))
    assert len(commands) > 20
    for path in commands:
        shown = CliRunner().invoke(cli, [*path, "--help"], env={"COLUMNS": "200"})
        assert shown.exit_code == 0, (path, shown.output)
        assert f"Example: firstmate {' '.join(path)}" in shown.output, (path, shown.output)
    assert "The message's key" in CliRunner().invoke(cli, ["outbox", "show", "--help"], env={"COLUMNS": "200"}).output
    jobs_help = CliRunner().invoke(cli, ["jobs", "run", "--help"], env={"COLUMNS": "200"}).output
    assert all(job.name in jobs_help for job in declared_jobs(Settings())), jobs_help  # each job it takes


def test_no_help_shows_a_flag_as_taking_a_value() -> None:
    """Found by a review: every --help showed its flags as options taking a value, `--verbose -v <bool>`,
    `--once <bool>`, `--help <bool>` (typer 0.29 gives each option its type there, a flag's too), where
    `--once true` is refused. A flag shows no value; an option that takes one still shows its type."""
    for path in [(), *_commands(typer.main.get_command(cli))]:
        shown = CliRunner().invoke(cli, [*path, "--help"], env={"COLUMNS": "200"})
        assert shown.exit_code == 0, (path, shown.output)
        assert "<bool>" not in shown.output, (path, shown.output)
    root = CliRunner().invoke(cli, ["--help"], env={"COLUMNS": "200"}).output
    [verbose] = [line for line in root.splitlines() if "--verbose" in line]
    assert verbose.split() == ["│", "--verbose", "-v", "Show", "log", "lines.", "│"], verbose
    assert "<str>" in next(line for line in root.splitlines() if "--home" in line)  # it takes a folder


def test_importing_a_csv_start_with_another_zones_offset_warns_of_its_row(home: Path, tmp_path: Path) -> None:
    """A review: a start written with another zone's offset was imported as written, the trip hours off what was
    meant, and the summary said "1 created" alone. The row is imported and warned of, saying how to write it."""
    table = tmp_path / "bookings.csv"
    table.write_text(
        "external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email\n"
        "C-1,sea-lark,2027-07-03T10:00:00-07:00,2,5,600.00,USD,Rob Sample,rob@example.com\n"
        "C-2,sea-lark,2027-07-04T10:00:00+01:00,2,5,600.00,USD,Rob Sample,rob@example.com\n",
        encoding="utf-8",
    )
    imported = run(home, "booking", "import", str(table))
    assert imported.returncode == 0 and "2 created" in imported.stdout, imported.stderr
    lines = [" ".join(line.split()) for line in imported.stdout.splitlines() if "warning" in line]
    assert lines == [
        "warning: row 3: 10:00 +01:00 is 02:00 in America/Los_Angeles; if 10:00 Los Angeles time was meant, "
        "write 2027-07-04T10:00:00-07:00"
    ], imported.stdout


def test_the_data_template_writes_the_currency_the_orgs_bookings_are_in(home: Path, tmp_path: Path) -> None:
    """A review: `data template` wrote `currency: USD` into business.yaml for an org whose bookings are in euros,
    and an import of it made every report count dollars. It writes the org's currency (business.yaml's once
    imported, else its bookings')."""
    _a_euro_booking(home, tmp_path)
    written = run(home, "data", "template", str(tmp_path / "data"))
    assert written.returncode == 0, written.stderr
    business = (tmp_path / "data" / "business.yaml").read_text(encoding="utf-8")
    assert "\ncurrency: EUR\n" in business and "USD" not in business.split("cash:")[0], business


#: the money cells of the data template, as written: CSV columns by file, and business.yaml's and
#: infrastructure.yaml's money keys (rates, ratings and versions hold decimals that are not money)
_TEMPLATE_MONEY = {
    "revenue.csv": ("amount",), "expenses.csv": ("amount",), "invoices.csv": ("amount", "paid_amount"),
    "payouts.csv": ("amount",), "occupancy.csv": ("revenue",), "maintenance.csv": ("cost",),
    "deliveries.csv": ("billed", "collected"),
}  # fmt: skip
_YAML_MONEY = re.compile(r"^\s*-?\s*(balance|monthly|cost|monthly_return|average_order|monthly_cost): (\S+)$", re.M)


def _template_amounts(folder: Path) -> list[str]:
    import csv

    amounts = []
    for name, columns in _TEMPLATE_MONEY.items():
        lines = [line for line in (folder / name).read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
        amounts += [row[c] for row in csv.DictReader(lines) for c in columns if row[c]]
    for name in ("business.yaml", "infrastructure.yaml"):
        # a goal's monthly figure is a revenue target written whole, or a count of leads, or a fraction
        text = re.sub(r"\ngoals:\n(  .*\n)*", "\n", (folder / name).read_text(encoding="utf-8"))
        amounts += [value for _, value in _YAML_MONEY.findall(text)]
    return amounts


@pytest.mark.parametrize(
    ("currency", "price", "written"),
    [("JPY", "60000", re.compile(r"^\d+$")), ("BHD", "60.500", re.compile(r"^\d+\.\d{3}$"))],
)
def test_the_data_template_writes_its_example_amounts_in_the_currency_it_names(
    home: Path, tmp_path: Path, currency: str, price: str, written: re.Pattern[str]
) -> None:
    """A review: the template named a yen business's currency in business.yaml, and kept its example amounts in
    cents ("42000.00", a payout of "1232.50"), which no amount of yen has. They are written to the currency's
    places (none for yen, three for a dinar), and the template of a yen business imports as written."""
    table = tmp_path / "bookings.csv"
    table.write_text(
        "external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email\n"
        f"C-1,sea-lark,2027-07-03T10:00:00-07:00,2,5,{price},{currency},Rob Sample,rob@example.com\n",
        encoding="utf-8",
    )
    assert run(home, "booking", "import", str(table)).returncode == 0
    folder = tmp_path / "data"
    assert run(home, "data", "template", str(folder)).returncode == 0
    assert f"\ncurrency: {currency}\n" in (folder / "business.yaml").read_text(encoding="utf-8")
    amounts = _template_amounts(folder)
    assert len(amounts) > 20 and [a for a in amounts if not written.match(a)] == []
    if currency == "JPY":  # business.yaml left as written: every file imports, its payout in whole yen
        imported = run(home, "data", "import", str(folder))
        assert imported.returncode == 0, imported.stderr
        payouts = run(home, "data", "show", "--kind", "payouts").stdout
        assert '"amount":"1232"' in payouts.replace(" ", ""), payouts


def test_a_calendar_exports_total_without_a_currency_code_is_in_the_businesss_currency(
    home: Path, tmp_path: Path
) -> None:
    """Found by a review: an export's `Total: 1,120.00` was taken as dollars in a business that keeps its money
    in euros, and its revenue was counted in USD beside its euro trips; `Total: €480.00`, as a European
    channel writes it, refused the whole file ("write it like 'USD 1200.00'"). A total without a code is in
    the business's currency (business.yaml's, else its bookings'), and € and £ are EUR and GBP."""
    _a_euro_booking(home, tmp_path)
    events = [("E-1", "1\\,120.00"), ("E-2", "€480.00"), ("E-3", "95.50 £"), ("E-4", "USD 300.00")]
    export = tmp_path / "export.ics"
    export.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example OTA//EN\r\n"
        + "".join(
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:2027080{n}T170000Z\r\n"
            f"DTEND:2027080{n}T200000Z\r\nSUMMARY:Reserved\r\n"
            f"DESCRIPTION:Guest: Jordan Pike\\nEmail: jordan.pike@example.com\\nTotal: {total}\r\nEND:VEVENT\r\n"
            for n, (uid, total) in enumerate(events, start=1)
        )
        + "END:VCALENDAR\r\n",
        encoding="utf-8",
    )
    imported = run(home, "booking", "import", str(export), "--source", "getmyboat", "--asset", "sea-lark")
    assert imported.returncode == 0 and "4 created" in imported.stdout, imported.stdout + imported.stderr
    app = build(Settings(home=home))
    try:
        from firstmate.services.bookings import get_booking
        from firstmate.services.paging import all_items
        from firstmate.services.trips import intake_pk

        anchors = {a.sk: a.data["booking_id"] for a in all_items(app.store, intake_pk("demo"))}
        requests = {uid: get_booking(app.store, "demo", anchors[f"getmyboat#{uid}"]).request for uid, _ in events}
    finally:
        app.close()
    assert {uid: (str(r.gross_amount), r.currency) for uid, r in requests.items()} == {
        "E-1": ("1120.00", "EUR"), "E-2": ("480.00", "EUR"), "E-3": ("95.50", "GBP"), "E-4": ("300.00", "USD")
    }  # fmt: skip


def _export(events: list[tuple[str, str, str]]) -> str:
    """A calendar export of bookings (UID, start, end in UTC), each of Jordan Pike."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example OTA//EN\r\n"
        + "".join(
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:{start}\r\nDTEND:{end}\r\n"
            "SUMMARY:Reserved\r\nDESCRIPTION:Guest: Jordan Pike\\nEmail: jordan.pike@example.com\\nTotal: 300.00\r\n"
            "END:VEVENT\r\n"
            for uid, start, end in events
        )
        + "END:VCALENDAR\r\n"
    )


def test_an_export_that_no_longer_lists_a_booking_says_so_and_how_to_cancel_it(home: Path, tmp_path: Path) -> None:
    """Found by a review: a channel's export drops a reservation its renter cancelled (as many calendar feeds
    do, rather than list it STATUS:CANCELLED). Imported, the export said "1 unchanged", and the booking stayed,
    its crew and guest expecting a trip nobody had paid for. The import now names each upcoming booking of the
    channel and boat, within the dates the export covers, that it does not list, and says how to cancel it;
    it cancels nothing itself (an export may leave out what it likes)."""
    export = tmp_path / "export.ics"
    first = [
        ("G-1", "20270801T170000Z", "20270801T200000Z"),
        ("G-2", "20270805T170000Z", "20270805T200000Z"),
        ("G-3", "20270810T170000Z", "20270810T200000Z"),
        ("G-9", "20270901T170000Z", "20270901T200000Z"),  # after the next export's last date: not said
    ]
    export.write_text(_export(first), encoding="utf-8")
    args = ("booking", "import", str(export), "--source", "getmyboat", "--asset", "sea-lark")
    imported = run(home, *args)
    assert imported.returncode == 0 and "4 created" in imported.stdout, imported.stdout + imported.stderr
    assert "note:" not in imported.stdout
    export.write_text(_export([first[0], first[2]]), encoding="utf-8")  # G-2 dropped
    again = run(home, *args)
    assert again.returncode == 0, again.stderr
    lines = [" ".join(line.split()) for line in again.stdout.splitlines()]
    assert lines[0] == "✓ export.ics: 2 unchanged." or lines[0].endswith("export.ics: 2 unchanged."), lines
    [note] = [line for line in lines if "not in this export" in line]
    assert note.startswith(
        "note: getmyboat G-2 (Thu 5 Aug 2027, 10:00 PDT, Jordan Pike) is booked but not in this export, which lists "
        "Sea Lark's trips from 1 Aug to 10 Aug 2027: if getmyboat cancelled it, import an export listing it "
        "STATUS:CANCELLED, or cancel it with: firstmate booking cancel bk_"
    ), note
    assert note.endswith(" --org demo"), note
    listed = run(home, "outbox", "list", "--org", "demo", "--json")
    assert listed.returncode == 0, listed.stderr
    keys = [json.loads(line)["key"] for line in listed.stdout.splitlines()]
    assert keys and not [key for key in keys if ":r2:" in key]  # nothing was cancelled, nobody told


def test_an_asset_that_is_no_boat_of_the_business_is_refused_once_before_the_export_is_read(
    home: Path, tmp_path: Path
) -> None:
    """Found by a review: `--asset sea-larc` (a typo) was refused on every event of the export, one line each (a
    year's export, hundreds of lines of "unknown boat 'sea-larc'"), and `--asset "Sea Lark"`, the boat's name,
    as "asset: must be an id of lower-case letters, digits and dashes" on each booking and "unknown boat" on
    each blocked slot. Each is said once, with the boats' ids, and nothing is read or written."""
    from tests.e2e.test_booking_import import OTA

    export = tmp_path / "export.ics"
    export.write_bytes(OTA)
    env = {"FIRSTMATE_HOME": str(home)}
    error = refused("booking", "import", str(export), "--source", "getmyboat", "--asset", "sea-larc", env=env)
    assert isinstance(error, InvalidInput) and str(error.message) == (
        "--asset 'sea-larc' is no boat of demo's: write one of morning-tern (Morning Tern (45 ft catamaran)), "
        "sea-lark (Sea Lark (38 ft sloop))"
    ), error
    error = refused("booking", "import", str(export), "--source", "getmyboat", "--asset", "Sea Lark", env=env)
    assert isinstance(error, InvalidInput), error
    assert str(error.message) == "--asset 'Sea Lark' is the name of a boat: write its id, sea-lark"
    app = build(Settings(home=home))
    try:
        from firstmate.services.paging import all_items
        from firstmate.services.trips import calendar_pk

        assert all_items(app.store, calendar_pk("demo")) == []
    finally:
        app.close()


def _a_euro_booking(home: Path, tmp_path: Path) -> None:
    """One booking in euros imported by CSV: an org whose money is in euros before any business.yaml says so."""
    table = tmp_path / "bookings.csv"
    table.write_text(
        "external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email\n"
        "C-1,sea-lark,2027-07-03T10:00:00-07:00,2,5,600.00,EUR,Rob Sample,rob@example.com\n",
        encoding="utf-8",
    )
    assert run(home, "booking", "import", str(table)).returncode == 0


def test_data_relist_lists_a_line_an_older_firstmate_wrote_after_the_listing_went_past_it(home: Path) -> None:
    """During a rolling deploy, an older firstmate still running stored a sale and its refund without listing them by
    sale, after this one's listing had gone through the org: removing the sale was let through, leaving the refund
    undoing nothing. `firstmate data relist`, run once the deploy is over, lists them: the removal is refused."""
    from firstmate.errors import DataRejected
    from firstmate.ports import Item
    from firstmate.services.data import data_pk, delete_row
    from firstmate.services.data_refs import is_listed, refunds_left

    sale = {"id": "R-OLD", "entity": "saltwind-charters", "recorded_on": "2026-05-01", "service_date": "2026-05-01",
            "amount": "900.00", "source": "direct", "deposit": False, "reference": "BK-OLD"}  # fmt: skip
    app = build(Settings(home=home))
    try:
        assert is_listed(app.store, "demo")  # created by this firstmate: listed from the start
        for row in (sale, {**sale, "id": "R-OLD-BACK", "amount": "-900.00"}):  # the older firstmate's writes
            app.store.put(Item(data_pk("demo"), f"revenue#{row['id']}", row))
        assert refunds_left(app.store, "demo", "revenue", "R-OLD", None, "…") == []  # the refund unseen
    finally:
        app.close()
    relisted = run(home, "data", "relist")
    assert relisted.returncode == 0, relisted.stderr
    assert "2 revenue line(s) gone through; every one is listed by the sale it names." in relisted.stdout
    app = build(Settings(home=home))
    try:
        with pytest.raises(DataRejected) as kept:
            delete_row(app.store, "demo", "revenue", "R-OLD")
        assert [e.where for e in kept.value.errors] == ["revenue row R-OLD-BACK"]
    finally:
        app.close()
    assert "2 revenue line(s)" in run(home, "data", "relist", "--org", "demo").stdout  # again: safe
