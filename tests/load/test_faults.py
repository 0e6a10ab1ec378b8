"""Faults injected into real processes on loopback: dispatchers killed at random points, the SMTP
server away, the database locked by another process, a full disk and a read-only home.

Every test checks what a user would notice (every message out, exactly once in the ledger; a clear
one-line error; 503 while locked) and that the state left behind is whole: nothing half-written."""

from __future__ import annotations

import collections
import dataclasses
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.sources.bookings.csv_file import parse_csv
from firstmate.adapters.store.sqlite import SqliteStore
from firstmate.bootstrap import App, build
from firstmate.config import load_settings
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxStatus
from firstmate.services import outbox
from firstmate.services.imports import import_records
from firstmate.services.outbox import DUE_INDEX
from firstmate.services.paging import all_items
from firstmate.services.trips import intake_pk
from firstmate.web.app import create_app
from tests.conftest import booking_body, firstmate_env, photo
from tests.load.conftest import (
    DISPATCHER,
    FIRSTMATE,
    ORG,
    count_items,
    ledger,
    prepare_home,
    received_keys,
    serving,
    statuses,
    wait_until,
)
from tests.smtp_server import SmtpServer


def _message(n: int, to: str = "crew@example.com") -> OutgoingMessage:
    return OutgoingMessage(
        idempotency_key=f"load:{n}:notify",
        sender="ops@example.com",
        to=(to,),
        subject=f"Charter #{n}",
        text=f"Charter {n} needs a captain.",
        html=f"<p>Charter <b>{n}</b> needs a captain.</p>",
    )


def _enqueue(app: App, numbers: range) -> None:
    assert outbox.enqueue(app.store, ORG, [_message(n) for n in numbers], app.clock.now()) == len(numbers)


# -- the dispatcher killed at random points ------------------------------------------------------

MESSAGES = 500
WAVES = 5  # messages keep arriving: a wave of 100 is queued before each of the first five runs
RUNS = 8  # dispatcher runs that are killed (at most 60 deliveries each: 500 never run out); a ninth drains the rest


def _kill_worker_after(env: dict[str, str], smtp: SmtpServer, deliveries: int, pause: float, log: IO[bytes]) -> None:
    """Run `firstmate worker` (its output to `log`); SIGKILL it `pause` seconds after the server has
    accepted `deliveries` messages in all, wherever it is then (claiming, sending, recording: a message
    takes some 10 to 30 ms, so a random pause lands anywhere in one; killed at once, it was always just
    after a delivery)."""
    worker = subprocess.Popen([FIRSTMATE, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: len(smtp.recorder.received) >= deliveries, timeout=120, what="deliveries", every=0.01)
        time.sleep(pause)
    finally:
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(timeout=30) == -signal.SIGKILL


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_dispatchers_killed_at_random_points_while_500_messages_flow_send_each_once_per_the_ledger(
    tmp_path: Path,
) -> None:
    rng = random.Random(20261123)
    smtp = SmtpServer(delay=0.01).start()
    home = tmp_path / "home"
    # warnings logged: each `outbox.send_failed` (a timed-out send) may be a repeat, and is counted below
    env = firstmate_env(
        home, smtp, FIRSTMATE_OUTBOX_LEASE_S="3", FIRSTMATE_SMTP_TIMEOUT_S="0.3", FIRSTMATE_DISPATCH_INTERVAL_S="0.05",
        FIRSTMATE_LOG_LEVEL="warning",
    )  # fmt: skip
    app = build(load_settings(home=home))
    wave = MESSAGES // WAVES
    recorded_sent: dict[str, int] = {}  # key → deliveries seen when the ledger first said "sent"
    crashes_after_send = 0
    logged = tmp_path / "dispatchers.log"  # what every dispatcher run said
    log = logged.open("ab")
    try:
        for run in range(RUNS):
            if run < WAVES:
                _enqueue(app, range(run * wave, (run + 1) * wave))
            if run % 2:  # the worst moment: after the server accepted a message, before recording it
                die_after = rng.randint(5, 60)
                crashed = subprocess.run(
                    [sys.executable, DISPATCHER], env={**env, "DIE_AFTER_SEND": str(die_after)},
                    stdout=log, stderr=subprocess.STDOUT,
                )  # fmt: skip
                assert crashed.returncode == 137
                crashes_after_send += 1
            else:  # any moment: a SIGKILL once the server has seen a random number more messages
                more, pause = rng.randint(5, 60), rng.uniform(0, 0.05)
                _kill_worker_after(env, smtp, len(smtp.recorder.received) + more, pause, log)
            delivered = received_keys(smtp)
            for key, entry in ledger(app).items():
                if entry.status is OutboxStatus.SENT:
                    recorded_sent.setdefault(key, delivered[key])
        drain = [sys.executable, DISPATCHER]
        subprocess.run(drain, env=env, check=True, timeout=300, stdout=log, stderr=subprocess.STDOUT)
        log.close()

        entries = ledger(app)
        assert len(entries) == MESSAGES and statuses(app) == {"sent": MESSAGES}, "each sent once per the ledger"
        delivered = received_keys(smtp)
        assert set(delivered) == set(entries), "a message was lost"
        repeats = sum(delivered.values()) - MESSAGES
        # a send that timed out (a busy machine, a 0.3 s timeout) may have reached the server all the same
        failed_sends = logged.read_text(errors="replace").count("outbox.send_failed")
        assert crashes_after_send <= repeats <= RUNS + failed_sends, "more repeats than interrupted or failed sends"
        for key, seen in recorded_sent.items():
            assert delivered[key] == seen, f"{key} was sent again after the ledger recorded it as sent"
        # a repeat is recognisably the same mail: one Message-ID per key
        ids = collections.defaultdict(set)
        with smtp.recorder.lock:
            for received in smtp.recorder.received:
                ids[str(received.message["X-Firstmate-Key"])].add(str(received.message["Message-ID"]))
        assert all(len(mids) == 1 for mids in ids.values())
        assert len({mid for mids in ids.values() for mid in mids}) == MESSAGES
        print(f"\nkills: {RUNS} ({crashes_after_send} between send and record), {MESSAGES} messages, "
              f"{failed_sends} sends timed out, {repeats} repeats, lost 0")  # fmt: skip
    finally:
        log.close()
        app.close()
        smtp.stop()


# -- the SMTP server away, then back ---------------------------------------------------------------


@pytest.mark.slow
def test_smtp_down_then_back_messages_back_off_then_all_go_out_and_a_rejected_one_is_dead(tmp_path: Path) -> None:
    count = 100
    smtp = SmtpServer()  # not started: the server is down
    home = tmp_path / "home"
    # short backoffs and many attempts: the outage may last as long as this machine is slow
    env = firstmate_env(
        home,
        smtp,
        FIRSTMATE_DISPATCH_INTERVAL_S="0.1",
        FIRSTMATE_OUTBOX_BASE_DELAY_S="0.2",
        FIRSTMATE_OUTBOX_MAX_DELAY_S="1",
        FIRSTMATE_OUTBOX_MAX_ATTEMPTS="50",
        FIRSTMATE_OUTBOX_LEASE_S="9",
        FIRSTMATE_SMTP_TIMEOUT_S="1",
    )
    app = build(load_settings(home=home, outbox_base_delay_s=0.2, outbox_max_delay_s=1, outbox_max_attempts=50))
    _enqueue(app, range(count))
    rejected = f"load:{count}:notify"
    worker = subprocess.Popen([FIRSTMATE, "worker"], env=env, stdout=subprocess.DEVNULL)
    try:
        wait_until(
            lambda: all(e.attempts >= 3 for e in ledger(app).values()),
            timeout=120,
            what="every message to be tried three times while the server is down",
        )
        waiting = ledger(app)
        assert {e.status for e in waiting.values()} <= {OutboxStatus.PENDING, OutboxStatus.SENDING}
        for entry in waiting.values():
            if entry.status is OutboxStatus.PENDING:  # each retry waited out its backoff: 0.2 s doubling, at most 1 s
                backoff = timedelta(seconds=sum(min(0.2 * 2 ** (n - 1), 1.0) for n in range(1, entry.attempts + 1)))
                assert entry.due_at - entry.created_at >= backoff, entry
                assert "cannot reach" in (entry.last_error or "")
        smtp.start()
        outbox.enqueue(app.store, ORG, [_message(count, to="reject-me@example.com")], app.clock.now())
        wait_until(lambda: not app.store.query_index(DUE_INDEX, limit=1).items, timeout=180, what="the outbox to drain")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        smtp.stop()
    assert statuses(app) == {"sent": count, "dead": 1}
    delivered = received_keys(smtp)
    assert set(delivered) == set(ledger(app)) - {rejected} and set(delivered.values()) == {1}
    dead = outbox.get_entry(app.store, ORG, rejected)
    assert dead.attempts == 1 and "550" in (dead.last_error or ""), "a rejected address is not retried"
    listing = subprocess.run(
        [FIRSTMATE, "outbox", "list", "--org", ORG, "--status", "dead", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listing.returncode == 0, listing.stderr
    assert rejected in listing.stdout and listing.stdout.count('"status": "dead"') == 1
    app.close()


# -- the database locked by another process ---------------------------------------------------------

HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


class LockHolder:
    """Another process holding the database's write lock until `release()`."""

    def __init__(self, db: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None and self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.write("\n")
            self.process.stdin.flush()
        assert self.process.wait(timeout=60) == 0


def _rows(db: Path) -> list[tuple[object, ...]]:
    """Every item in the database (the outbox's and rate limits' included), in key order."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT pk, sk, version, data FROM items ORDER BY pk, sk").fetchall()


def _one_line_error(result: subprocess.CompletedProcess[str], code: int, starts: str) -> None:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(starts), result.stderr
    assert "Traceback" not in result.stdout + result.stderr


LOS_ANGELES = ZoneInfo("America/Los_Angeles")
#: Trips to come (a trip already over tells nobody), the same for every file of the run.
FIRST_TRIP_DAY = datetime.now(UTC).date() + timedelta(days=60)


def _csv(path: Path, numbers: range) -> Path:
    rows = ["external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email"]
    # four trips a day, three hours apart: none shares the boat with another (that would add a message)
    # in the business's zone, with the offset of the day's season (the other season's is refused)
    days = [FIRST_TRIP_DAY + timedelta(days=n // 4) for n in numbers]
    starts = [
        datetime(d.year, d.month, d.day, 8 + 3 * (n % 4), tzinfo=LOS_ANGELES)
        for n, d in zip(numbers, days, strict=True)
    ]
    rows += [f"F-{n},sea-lark,{start.isoformat()},2.5,5,600.00,USD,Rob Sample,rob{n}@example.com"
             for n, start in zip(numbers, starts, strict=True)]  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    path.chmod(0o644)
    return path


def _import(home: Path, csv: Path) -> None:
    """Import a CSV file in this process (the state a fault will meet)."""
    app = build(load_settings(home=home))
    try:
        assert import_records(app, ORG, parse_csv(csv.read_text())).ok
    finally:
        app.close()


def lockable_home(tmp_path: Path) -> tuple[Path, str, dict[str, str], Path, str]:
    """A home with one crew member for a locked database's tests: it, a service key, the environment of
    its commands, its database, and a departure a month ahead on the hour."""
    home = tmp_path / "home"
    key = prepare_home(home, crew=1)
    ahead = (datetime.now(UTC) + timedelta(days=30)).replace(minute=0, second=0, microsecond=0).isoformat()
    return home, key, firstmate_env(home), home / "firstmate.db", ahead


@pytest.mark.slow
def test_a_locked_database_answers_503_nothing_half_written_then_the_same_request_succeeds(tmp_path: Path) -> None:
    home, key, env, db, ahead = lockable_home(tmp_path)
    headers = {"Authorization": f"Bearer {key}"}
    later = (datetime.fromisoformat(ahead) + timedelta(hours=6)).isoformat()  # the boat is free again by then
    with serving(home, env) as server, httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
        first = client.post("/api/v1/bookings", json=booking_body(external_id="LOCK-1", start=ahead))
        assert first.status_code == 201
        holder = LockHolder(db)
        try:
            before = _rows(db)  # read under the lock: nobody can write from here on
            cli = subprocess.Popen(
                [FIRSTMATE, "booking", "import", str(_csv(tmp_path / "more.csv", range(3)))],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            assert client.get(f"/api/v1/bookings/{first.json()['booking_id']}").status_code == 200  # reads go on
            code = first.json()["guest_page_url"].rsplit("/g/", 1)[1]
            opened = client.get(f"/g/{code}", headers={"Accept": "text/html"})  # its count goes to counters.db
            assert opened.status_code == 200 and "Sea Lark" in opened.text  # so a guest neither waits nor gets 503
            busy = client.post("/api/v1/bookings", json=booking_body(external_id="LOCK-2", start=later))
            assert busy.status_code == 503, busy.text
            assert busy.json()["error"] == "StoreUnavailable" and busy.json()["hint"]
            stdout, stderr = cli.communicate(timeout=120)
            _one_line_error(
                subprocess.CompletedProcess(cli.args, cli.returncode, stdout, stderr), 4, "error: the database is busy"
            )
            assert _rows(db) == before, "a refused write left something behind"
        finally:
            holder.release()
        again = client.post("/api/v1/bookings", json=booking_body(external_id="LOCK-2", start=later))
        assert again.status_code == 201 and again.json()["result"] == "created"
        assert (
            client.post("/api/v1/bookings", json=booking_body(external_id="LOCK-2", start=later)).json()["result"]
            == "unchanged"
        )
    app = build(load_settings(home=home))
    try:
        assert len(all_items(app.store, intake_pk(ORG))) == 2
        assert len(ledger(app)) == 2 * 3  # ops, one crew member and the lead guest for each booking
    finally:
        app.close()


def test_a_503_for_a_locked_database_says_when_to_retry(tmp_path: Path) -> None:
    home = tmp_path / "home"
    key = prepare_home(home, crew=0)
    built = build(load_settings(home=home))
    app = dataclasses.replace(built, store=SqliteStore(built.settings.db_path, built.clock, busy_timeout_s=0.2))
    holder = LockHolder(built.settings.db_path)
    try:
        with TestClient(create_app(app)) as client:
            busy = client.post("/api/v1/bookings", json=booking_body(), headers={"Authorization": f"Bearer {key}"})
    finally:
        holder.release()
        app.close()
        built.close()
    assert busy.status_code == 503
    assert int(busy.headers.get("Retry-After", "0")) >= 1


# -- a full disk ----------------------------------------------------------------------------------

LIMITED = """
import os, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
os.execv(sys.argv[2], sys.argv[2:])
"""


def _whole_bookings(db: Path) -> int:
    """How many bookings the database holds, after checking that it is sound and that each booking
    is whole (anchor, booking, event, lead guest, calendar entry, guest page, its two messages)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    bookings = count_items(db, f"ORG#{ORG}#INTAKE")
    for part in ("BOOKING", "EVENT", "GUEST#g1"):
        assert count_items(db, f"ORG#{ORG}#BK#%", part) == bookings, part
    assert count_items(db, f"ORG#{ORG}#CAL") == bookings
    assert count_items(db, "GUESTCODE#%") == bookings
    assert count_items(db, f"ORG#{ORG}#OUTBOX") == 2 * bookings
    return bookings


@pytest.mark.slow
def test_a_full_disk_stops_an_import_with_one_clear_line_and_leaves_only_whole_bookings(tmp_path: Path) -> None:
    home = tmp_path / "home"
    prepare_home(home, crew=0)
    env = firstmate_env(home)
    _import(home, _csv(tmp_path / "a.csv", range(20)))
    db = home / "firstmate.db"
    before = _rows(db)
    assert _whole_bookings(db) == 20

    second = _csv(tmp_path / "b.csv", range(20, 120))
    room = db.stat().st_size + 200_000  # no file may grow past this: a few bookings fit, not a hundred
    full = subprocess.run(
        [sys.executable, "-c", LIMITED, str(room), str(FIRSTMATE), "booking", "import", str(second)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    _one_line_error(full, 1, f"error: cannot write {db}")
    assert "free disk space" in full.stderr
    imported = _whole_bookings(db) - 20
    assert 0 <= imported < 100
    assert set(before) <= set(_rows(db)), "the bookings from before changed"

    again = subprocess.run([FIRSTMATE, "booking", "import", str(second)], env=env, capture_output=True, text=True,
                           timeout=120)  # fmt: skip
    assert again.returncode == 0, again.stderr
    expected = f"{100 - imported} created, {imported} unchanged" if imported else "100 created"
    assert expected in again.stdout
    assert _whole_bookings(db) == 120
    print(f"\ndisk full: {imported} of 100 bookings written whole before the failure, none half-written")


# -- a read-only home -----------------------------------------------------------------------------


class ReadOnly:
    """Makes files and folders read-only for firstmate. Root ignores permission bits, so as root
    they are made immutable (chattr +i), which even root cannot write, like a read-only mount."""

    def __init__(self) -> None:
        self.root = os.geteuid() == 0
        self.locked: list[Path] = []

    def lock(self, *paths: Path) -> None:
        for path in paths:
            if self.root:
                subprocess.run(["chattr", "+i", str(path)], check=True, capture_output=True)
            else:
                path.chmod(0o555 if path.is_dir() else 0o444)
            self.locked.append(path)

    def unlock_all(self) -> None:
        for path in reversed(self.locked):
            if self.root:
                subprocess.run(["chattr", "-i", str(path)], check=True, capture_output=True)
            else:
                path.chmod(0o755 if path.is_dir() else 0o644)
        self.locked.clear()


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[ReadOnly]:
    guard = ReadOnly()
    if guard.root:
        probe = tmp_path / "probe"
        probe.touch()
        if (
            shutil.which("chattr") is None
            or subprocess.run(["chattr", "+i", str(probe)], capture_output=True).returncode
        ):
            pytest.skip("running as root where chattr +i does not work: no way to make a file read-only for root")
        subprocess.run(["chattr", "-i", str(probe)], check=True)
    yield guard
    guard.unlock_all()


@pytest.mark.slow
def test_a_read_only_home_or_database_gives_one_clear_line_and_changes_nothing(
    tmp_path: Path, read_only: ReadOnly
) -> None:
    home = tmp_path / "home"
    prepare_home(home, crew=0)
    env = firstmate_env(home)
    _import(home, _csv(tmp_path / "a.csv", range(5)))
    db = home / "firstmate.db"
    before = _rows(db)
    more = ["booking", "import", str(_csv(tmp_path / "b.csv", range(5, 10)))]

    read_only.lock(*home.rglob("*"), home)  # the whole home
    _one_line_error(subprocess.run([FIRSTMATE, *more], env=env, capture_output=True, text=True, timeout=120), 3,
                    f"error: FIRSTMATE_HOME {home} is not a writable folder")  # fmt: skip
    read_only.unlock_all()
    read_only.lock(db)  # the folder writable, the database file not
    _one_line_error(subprocess.run([FIRSTMATE, *more], env=env, capture_output=True, text=True, timeout=120), 1,
                    f"error: the database {db} is read-only")  # fmt: skip
    read_only.unlock_all()
    assert _rows(db) == before and _whole_bookings(db) == 5


@pytest.mark.slow
def test_a_database_gone_read_only_under_a_running_server_answers_503_and_guests_keep_their_pages(
    tmp_path: Path, read_only: ReadOnly
) -> None:
    """The server keeps running when its database can no longer be written (as on a full disk): a
    booking is answered 503 with Retry-After, in words that name no path on the server, and nothing
    is written; a guest still opens their trip page, and wrong codes are still counted (in the
    counters' own database). With that one read-only too, the page view goes uncounted and a wrong
    code is refused with 503."""
    home = tmp_path / "home"
    key = prepare_home(home, crew=0)
    app = build(load_settings(home=home))
    db = home / "firstmate.db"
    headers = {"Authorization": f"Bearer {key}"}
    soon = (datetime.now(UTC) + timedelta(minutes=30)).replace(microsecond=0).isoformat()  # the album is open
    with TestClient(create_app(app)) as server:
        booked = server.post("/api/v1/bookings", json=booking_body(start=soon), headers=headers)
        assert booked.status_code == 201
        code = app.store.get(f"ORG#{ORG}#BK#{booked.json()['booking_id']}", "BOOKING")
        assert code is not None
        guest_code = code.data["guest_code"]
        form = _upload_form(server.get(f"/g/{guest_code}").text)
        app.close()  # the next request opens the database afresh, as a new worker thread would
        before = _rows(db)
        read_only.lock(db)
        refused = server.post("/api/v1/bookings", json=booking_body(external_id="RO-2"), headers=headers)
        assert refused.status_code == 503 and refused.headers["retry-after"] == "60"
        assert refused.json()["error"] == "StoreError" and "try again later" in refused.json()["hint"]
        assert str(tmp_path) not in refused.text and "firstmate.db" not in refused.text
        page = server.get(f"/g/{guest_code}", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Sea Lark" in page.text
        health = server.get("/healthz")  # what monitoring sees, before any booking fails
        assert health.status_code == 503 and health.json()["status"] == "degraded"
        assert health.json()["database"] == "read-only" and health.json()["store"] == "ok"
        assert health.json()["counters"] == "ok"
        assert str(tmp_path) not in health.text
        read_only.unlock_all()
        read_only.lock(home)  # the file writable, its folder not: SQLite cannot make its WAL files there
        folder = server.get("/healthz")
        assert folder.status_code == 503 and folder.json()["database"] == "read-only"
        read_only.unlock_all()
        read_only.lock(db)
        missing = server.get("/g/ZZZZ-ZZZZ-ZZZZ", headers={"Accept": "text/html"})
        assert missing.status_code == 404  # counted where counts are kept: the limit on guessing holds
        app.close()
        read_only.lock(home / "counters.db")  # a full disk takes both
        assert server.get(f"/g/{guest_code}", headers={"Accept": "text/html"}).status_code == 200
        assert server.get("/healthz").json()["counters"] == "read-only"
        missing = server.get("/g/ZZZZ-ZZZZ-ZZZZ", headers={"Accept": "text/html"})  # a wrong code must be counted:
        assert missing.status_code == 503 and "/admin/outbox" not in missing.text  # refused, and no admin menu
        sent = server.post("/uploads", data=form, files={"file": ("p.png", PHOTO, "image/png")}, follow_redirects=False)
        assert sent.status_code == 303  # storage took the file; the album cannot record it
        checked = server.get(sent.headers["location"], follow_redirects=False)
        assert checked.status_code == 503 and "try again later" in checked.text
        assert [p for p in (home / "blobs").rglob("*") if p.is_file() and "photos" in p.parts] == []  # no orphan
    read_only.unlock_all()
    assert _rows(db) == before


@pytest.mark.slow
def test_a_full_or_read_only_blob_folder_refuses_an_upload_with_503_and_keeps_nothing(
    tmp_path: Path, read_only: ReadOnly
) -> None:
    """Photos (and reports) are files under FIRSTMATE_HOME/blobs: when they cannot be written, a
    guest's upload is answered 503 with Retry-After, naming no path on the server, and no partial
    file is left behind."""
    home = tmp_path / "home"
    key = prepare_home(home, crew=0)
    app = build(load_settings(home=home))
    soon = (datetime.now(UTC) + timedelta(minutes=30)).replace(microsecond=0).isoformat()  # the album is open
    with TestClient(create_app(app)) as server:
        headers = {"Authorization": f"Bearer {key}"}
        booked = server.post("/api/v1/bookings", json=booking_body(start=soon), headers=headers)
        assert booked.status_code == 201
        booking = app.store.get(f"ORG#{ORG}#BK#{booked.json()['booking_id']}", "BOOKING")
        assert booking is not None
        form = _upload_form(server.get(f"/g/{booking.data['guest_code']}").text)
        blobs = home / "blobs"
        before = sorted(p.relative_to(blobs).as_posix() for p in blobs.rglob("*"))
        read_only.lock(blobs, *[p for p in blobs.rglob("*") if p.is_dir()])
        health = server.get("/healthz")
        assert health.status_code == 503 and health.json()["blobs"] == "read-only"
        sent = server.post("/uploads", data=form, files={"file": ("p.png", PHOTO, "image/png")})
        read_only.unlock_all()
        assert sent.status_code == 503 and sent.headers["retry-after"] == "60", sent.text[:300]
        assert str(tmp_path) not in sent.text
        assert sorted(p.relative_to(blobs).as_posix() for p in blobs.rglob("*")) == before  # no partial file
    app.close()


PHOTO = photo("PNG")  # a real PNG: the album's check decodes it


def _upload_form(guest_page: str) -> dict[str, str]:
    """The upload form's fields on a guest page whose album is open."""
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', guest_page))
    form.pop("waiver_version", None)
    assert "x-fm-max-bytes" in form, "the album is not open: no upload form"
    return form
