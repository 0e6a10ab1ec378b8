"""What only the SQLite engine can be asked: its files, its locks, its sweep (of the store and of the
rate-limit counters' own database)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.store.sqlite import SqliteStore
from firstmate.bootstrap import App
from firstmate.domain.shared import to_epoch
from firstmate.errors import StoreError, StoreUnavailable
from firstmate.jobs import sweep_expired
from firstmate.ports import Item
from firstmate.services.ratelimit import hit

PK = "ORG#acme#X"


def test_the_database_is_in_wal_mode(tmp_path: Path, clock: FixedClock) -> None:
    SqliteStore(tmp_path / "db", clock).put(Item(PK, "a", {}))
    with sqlite3.connect(tmp_path / "db") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_new_database_and_its_journal_files_are_readable_by_their_owner_alone(
    tmp_path: Path, clock: FixedClock
) -> None:
    """A review: firstmate.db (guests' names and addresses, crew's emails) and counters.db were created 0644,
    readable by every local user, where the blobs and outbox files are 0600."""
    store = SqliteStore(tmp_path / "firstmate.db", clock)
    store.put(Item(PK, "a", {"name": "Dana Whitcomb"}))
    files = [tmp_path / name for name in ("firstmate.db", "firstmate.db-wal", "firstmate.db-shm")]
    assert {path.name: path.stat().st_mode & 0o777 for path in files} == {path.name: 0o600 for path in files}
    store.close()
    (tmp_path / "shared.db").touch(mode=0o640)  # one made by someone else keeps the mode they gave it
    SqliteStore(tmp_path / "shared.db", clock).close()
    assert (tmp_path / "shared.db").stat().st_mode & 0o777 == 0o640


def test_sweep_deletes_exactly_the_expired_rows(tmp_path: Path, clock: FixedClock) -> None:
    store = SqliteStore(tmp_path / "db", clock)
    for i in range(5):
        store.put(Item(PK, f"s{i}", {}, ttl=to_epoch(clock.now() + timedelta(seconds=5))))
    store.put(Item(PK, "keep", {}))
    clock.advance(timedelta(seconds=6))
    assert store.sweep_expired(limit=3) == 3
    assert store.sweep_expired() == 2
    with sqlite3.connect(tmp_path / "db") as raw:
        assert raw.execute("SELECT count(*) FROM items").fetchone()[0] == 1


def test_a_failed_write_releases_the_lock(tmp_path: Path, clock: FixedClock) -> None:
    store = SqliteStore(tmp_path / "db", clock)
    store.put(Item(PK, "old", {}, ttl=to_epoch(clock.now() + timedelta(seconds=1))))
    with sqlite3.connect(tmp_path / "db") as raw:
        raw.execute("CREATE TRIGGER no_delete BEFORE DELETE ON items BEGIN SELECT RAISE(ABORT, 'refused'); END")
    clock.advance(timedelta(seconds=2))
    with pytest.raises(StoreError, match="refused"):
        store.sweep_expired()
    other = SqliteStore(tmp_path / "db", clock, busy_timeout_s=0.5)
    assert other.put(Item(PK, "after", {})).version == 1  # no lock left behind
    assert store.put(Item(PK, "same-connection", {})).version == 1


def test_a_database_locked_by_another_process_is_unavailable_not_broken(tmp_path: Path, clock: FixedClock) -> None:
    store = SqliteStore(tmp_path / "db", clock, busy_timeout_s=0.2)
    store.put(Item(PK, "a", {"n": 1}))
    holder = sqlite3.connect(tmp_path / "db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreUnavailable, match="busy"):
            store.put(Item(PK, "a", {"n": 2}))
        assert store.get(PK, "a") is not None  # readers are not blocked in WAL mode
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    got = store.get(PK, "a")
    assert got is not None and got.data == {"n": 1}
    assert store.put(Item(PK, "a", {"n": 2})).version == 2


def _marker_in_a_forked_child(store: SqliteStore, markers: object) -> None:
    markers.put(store.change_marker())  # type: ignore[attr-defined]


def test_a_forked_child_never_answers_a_marker_of_its_parent(tmp_path: Path, clock: FixedClock) -> None:
    import multiprocessing as mp

    store = SqliteStore(tmp_path / "f.db", clock)
    before = store.change_marker()
    other = SqliteStore(tmp_path / "f.db", clock)
    other.put(Item("ORG#a#THINGS", "k", {}))  # a write the parent's watcher has not looked at yet
    other.close()
    fork = mp.get_context("fork")
    markers = fork.Queue()
    with store._watcher_lock:  # held at the fork, as another thread of a server may hold it: no deadlock
        child = fork.Process(target=_marker_in_a_forked_child, args=(store, markers))
        child.start()
    child.join(timeout=30)
    assert child.exitcode == 0
    assert markers.get(timeout=5) not in (None, before)
    store.close()


def _read_in_a_forked_child(store: SqliteStore, answers: object) -> None:
    store.close()  # closing first, as a worker that only cleans up would, must not wait either
    got = store.get(PK, "a")
    answers.put(got.data if got else None)  # type: ignore[attr-defined]


def test_a_forked_child_reads_while_a_thread_of_its_parent_opens_a_connection(
    tmp_path: Path, clock: FixedClock
) -> None:
    import multiprocessing as mp

    store = SqliteStore(tmp_path / "f.db", clock)
    store.put(Item(PK, "a", {"n": 1}))
    fork = mp.get_context("fork")
    answers = fork.Queue()
    with store._lock, store._watcher_lock:  # held at the fork by a parent's thread: no deadlock
        child = fork.Process(target=_read_in_a_forked_child, args=(store, answers))
        child.start()
    child.join(timeout=15)
    if child.exitcode is None:
        child.kill()
    assert child.exitcode == 0
    assert answers.get(timeout=5) == {"n": 1}
    store.close()


def test_the_hourly_sweep_also_clears_expired_rate_limit_counts_from_their_own_database(
    app: App, clock: FixedClock
) -> None:
    for n in range(3):
        hit(app.counters, "guest-lookup", f"203.0.113.{n}", limit=5, window=timedelta(minutes=1), now=clock.now())
    app.store.put(Item(PK, "gone", {}, ttl=to_epoch(clock.now() + timedelta(seconds=5))))
    assert app.store.query("RATE#guest-lookup#203.0.113.0").items == []  # counted apart from the store
    clock.advance(timedelta(minutes=3))
    assert sweep_expired(app, clock.now()) == "4 expired items removed"
    with sqlite3.connect(app.settings.counters_db_path) as raw:
        assert raw.execute("SELECT count(*) FROM items").fetchone()[0] == 0


def test_a_sweep_that_cannot_clear_the_counts_still_clears_the_store_and_says_so(app: App, clock: FixedClock) -> None:
    hit(app.counters, "guest-lookup", "203.0.113.1", limit=5, window=timedelta(minutes=1), now=clock.now())
    app.store.put(Item(PK, "gone", {}, ttl=to_epoch(clock.now() + timedelta(seconds=5))))
    with sqlite3.connect(app.settings.counters_db_path) as raw:
        raw.execute("CREATE TRIGGER no_delete BEFORE DELETE ON items BEGIN SELECT RAISE(ABORT, 'refused'); END")
    clock.advance(timedelta(minutes=3))
    detail = sweep_expired(app, clock.now())
    assert detail.startswith("1 expired items removed; rate-limit counts not swept (") and "refused" in detail
    assert app.store.sweep_expired() == 0  # the store's own expired item went


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files through /proc")
def test_threads_that_came_and_went_leave_no_files_open(tmp_path: Path, clock: FixedClock) -> None:
    # a server's worker threads end when idle and new ones start; each used to leave its connection
    # (two open files) behind until the server stopped, and a long-running server ran out of files
    store = SqliteStore(tmp_path / "db", clock)
    store.put(Item(PK, "a", {"n": 1}))
    read: list[Item | None] = []
    for _ in range(50):
        worker = threading.Thread(target=lambda: read.append(store.get(PK, "a")))
        worker.start()
        worker.join()
    assert len(read) == 50 and all(item is not None and item.data == {"n": 1} for item in read)
    assert _open_files(tmp_path / "db") <= 8  # this thread's and the last worker's, with their WAL files
    store.close()
    assert _open_files(tmp_path / "db") == 0


def _open_files(database: Path) -> int:
    """How many of this process's file descriptors point at the database or its WAL."""
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            count += str(fd.readlink()).startswith(str(database))
        except OSError:  # closed since it was listed
            continue
    return count


def test_a_database_path_that_is_a_folder_is_a_store_error_naming_it(tmp_path: Path, clock: FixedClock) -> None:
    (tmp_path / "f.db").mkdir()
    with pytest.raises(StoreError, match=r"cannot open the database .*f\.db") as failure:
        SqliteStore(tmp_path / "f.db", clock)
    assert failure.value.hint and "read and write" in failure.value.hint
