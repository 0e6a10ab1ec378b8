"""Faults met at a chosen point: a database locked for a moment is waited out (a request sent during the
lock answers once it lifts, not 503 at once), and a disk that fills at any one of an import's writes
leaves only whole bookings, which importing again completes. test_faults.py meets a lock held for good
and a disk full wherever the file crosses the limit; a review that broke the code on purpose found
neither caught a store that gives up at once, nor, every time, a booking written in two steps."""

from __future__ import annotations

import dataclasses
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from firstmate.adapters.sources.bookings.csv_file import parse_csv
from firstmate.bootstrap import build
from firstmate.config import load_settings
from firstmate.errors import StoreError
from firstmate.services.imports import import_records
from tests.conftest import booking_body
from tests.load.conftest import FIRSTMATE, ORG, prepare_home, serving
from tests.load.test_faults import LockHolder, _csv, _rows, _whole_bookings, lockable_home

#: How long the other process holds the lock: well inside the 5 s busy timeout, far longer than a
#: request takes to reach the database on loopback.
HELD_S = 1.5


@pytest.mark.slow
def test_a_database_locked_for_a_moment_is_waited_out_not_answered_503(tmp_path: Path) -> None:
    home, key, env, db, ahead = lockable_home(tmp_path)
    with (
        serving(home, env) as server,
        httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=120) as client,
    ):
        with _locked_for_a_moment(db):  # sent at once, while the lock is held: it waits, then goes through
            answer = client.post("/api/v1/bookings", json=booking_body(external_id="BRIEF-1", start=ahead))
        assert answer.status_code == 201 and answer.json()["result"] == "created", answer.text
        with _locked_for_a_moment(db):  # the CLI too
            cli = subprocess.run(
                [FIRSTMATE, "booking", "import", str(_csv(tmp_path / "brief.csv", range(3)))],
                env=env, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
        assert cli.returncode == 0, (cli.returncode, cli.stderr)
        assert "3 created" in cli.stdout


@contextmanager
def _locked_for_a_moment(db: Path) -> Iterator[None]:
    """Another process holds the write lock from now until HELD_S later (whatever the body does)."""
    holder = LockHolder(db)
    release = threading.Timer(HELD_S, holder.release)
    release.start()
    try:
        yield
    finally:
        release.join()
        holder.release()


class FillsUp:
    """The app's store on a disk that fills at its `room`-th write: that write and every later one
    fail as SQLite's do on a full disk (StoreError, nothing of that transaction applied)."""

    def __init__(self, store: object, room: int) -> None:
        self._store, self._left = store, room

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    def _spend(self) -> None:
        self._left -= 1
        if self._left < 0:
            raise StoreError("cannot write firstmate.db: disk I/O error", hint="free disk space and retry")

    def transact(self, writes: list[object]) -> object:
        self._spend()
        return self._store.transact(writes)  # type: ignore[attr-defined]

    def put(self, item: object, condition: object = None) -> object:
        self._spend()
        return self._store.put(item, condition)  # type: ignore[attr-defined]


@pytest.mark.parametrize("room", range(6))
def test_a_disk_filling_at_any_write_of_an_import_leaves_only_whole_bookings(tmp_path: Path, room: int) -> None:
    """The full-disk test in test_faults.py meets the limit wherever the file happens to cross it;
    here the disk fills at each of the import's first six writes in turn, so every point of a
    booking's writing is met."""
    home = tmp_path / "home"
    prepare_home(home, crew=0)
    csv = _csv(tmp_path / "a.csv", range(6))
    app = build(load_settings(home=home))
    try:
        full = dataclasses.replace(app, store=FillsUp(app.store, room))
        before = _rows(app.settings.db_path)
        with pytest.raises(StoreError):
            import_records(full, ORG, parse_csv(csv.read_text()))
    finally:
        app.close()
    whole = _whole_bookings(home / "firstmate.db")  # sound, and every booking in it whole
    assert whole < 6 and set(before) <= set(_rows(home / "firstmate.db"))
    app = build(load_settings(home=home))  # space freed: importing again completes it
    try:
        again = import_records(app, ORG, parse_csv(csv.read_text()))
    finally:
        app.close()
    assert (again.counts["created"], again.counts["unchanged"]) == (6 - whole, whole)
    assert _whole_bookings(home / "firstmate.db") == 6
