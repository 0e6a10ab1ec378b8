"""SqliteStore: the Store port on one SQLite table in WAL mode.

Safe under many threads (one connection per thread) and many processes (SQLite's own locks:
every write transaction starts with BEGIN IMMEDIATE, so conditions are checked and writes applied
under the single writer lock). Conditions are evaluated in SQL transactions, never in Python locks.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Hashable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from firstmate.adapters.store.rules import (
    check_limit,
    check_range,
    decode_cursor,
    encode_cursor,
    fits,
    index_page,
    outer_prefixes,
    prefix_fits,
    validate_writes,
)
from firstmate.adapters.store.sqlite.database import SCHEMA, connect, create_private
from firstmate.adapters.store.sqlite.failures import store_errors
from firstmate.adapters.store.sqlite.rows import KEYS_PER_SELECT, past_prefix, row_item
from firstmate.adapters.store.sqlite.watcher import Watcher, open_watcher
from firstmate.adapters.store.sqlite.writes import apply_writes
from firstmate.domain.shared import to_epoch
from firstmate.errors import ConditionFailed
from firstmate.ports import Clock, Condition, Item, Page, Put, Write


class SqliteStore:
    """The Store port on a SQLite file (see module docstring)."""

    def __init__(self, path: Path, clock: Clock, *, busy_timeout_s: float = 5.0, durable: bool = True) -> None:
        """A store on the SQLite file at `path`. `durable=False` lets a commit return before it is on
        disk (the last few may be lost with the machine's power, never corrupted): for counters."""
        self._path = Path(path)
        self._durable = durable
        self._clock = clock
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._pid = os.getpid()
        self._connections: list[tuple[threading.Thread, sqlite3.Connection]] = []  # each thread's own
        self._lock = threading.Lock()  # guards the list of connections only
        # Writers of this process queue here, so SQLite's busy handler (sleep and poll) only ever
        # arbitrates between processes: under 32 writing threads it starved some past the timeout.
        # Correctness still rests on BEGIN IMMEDIATE and the conditions, not on this lock.
        self._writer = threading.Lock()
        self._watcher: Watcher | None = None  # change_marker's own connection
        self._watcher_lock = threading.Lock()
        self._watcher_pid = os.getpid()
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._errors():
            create_private(self._path)
            conn = self._conn()
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)

    # -- connections ---------------------------------------------------------------------------

    def _after_fork(self) -> None:
        """In a forked child, forget the parent's connections and locks: they are not its own, and a
        lock a parent's thread held at the fork would never be released here."""
        if os.getpid() != self._pid:
            self._local, self._connections, self._pid = threading.local(), [], os.getpid()
            self._lock, self._writer = threading.Lock(), threading.Lock()
        if os.getpid() != self._watcher_pid:
            self._watcher_lock, self._watcher, self._watcher_pid = threading.Lock(), None, os.getpid()

    def _conn(self) -> sqlite3.Connection:
        self._after_fork()
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self._path, self._busy_timeout_s, durable=self._durable)
            self._local.conn = conn
            with self._lock:
                # a thread that has ended never uses its connection again: close it, or a server whose
                # worker threads come and go (idle ones end after 10 s) keeps their files open forever
                kept = [(threading.current_thread(), conn)]
                for thread, old in self._connections:
                    if thread.is_alive():
                        kept.append((thread, old))
                    else:
                        old.close()
                self._connections = kept
        return conn

    def close(self) -> None:
        """Close every connection this store opened (in this process)."""
        self._after_fork()
        with self._lock:
            for _, conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()
        with self._watcher_lock:
            if self._watcher is not None:
                self._watcher.connection.close()
            self._watcher = None

    def _errors(self) -> AbstractContextManager[None]:
        return store_errors(self._path)

    def _now(self) -> int:
        return to_epoch(self._clock.now())

    # -- reads ---------------------------------------------------------------------------------

    def get(self, pk: str, sk: str) -> Item | None:
        if not fits(pk, sk):
            return None
        with self._errors():
            row = (
                self._conn()
                .execute(
                    "SELECT pk, sk, version, ttl, gsi1pk, gsi1sk, data FROM items "
                    "WHERE pk = ? AND sk = ? AND (ttl IS NULL OR ttl > ?)",
                    (pk, sk, self._now()),
                )
                .fetchone()
            )
        return row_item(row) if row else None

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Item | None]:
        found: dict[tuple[str, str], Item] = {}
        unique = [key for key in dict.fromkeys(keys) if fits(*key)]
        now = self._now()
        for start in range(0, len(unique), KEYS_PER_SELECT):
            chunk = unique[start : start + KEYS_PER_SELECT]
            # one primary-key look-up per key (a row-value IN over VALUES would scan the table)
            keyed = " OR ".join(["(pk = ? AND sk = ?)"] * len(chunk))
            columns = "pk, sk, version, ttl, gsi1pk, gsi1sk, data"
            sql = f"SELECT {columns} FROM items WHERE ({keyed}) AND (ttl IS NULL OR ttl > ?)"  # noqa: S608 - placeholders only
            with self._errors():
                rows = self._conn().execute(sql, [part for key in chunk for part in key] + [now]).fetchall()
            found.update(((row[0], row[1]), row_item(row)) for row in rows)
        return [found.get(key) for key in keys]

    def query(
        self,
        pk: str,
        sk_prefix: str = "",
        *,
        limit: int = 100,
        cursor: str | None = None,
        reverse: bool = False,
    ) -> Page:
        check_limit(limit)
        if not prefix_fits(pk, sk_prefix):
            return Page([], None)
        past = past_prefix(sk_prefix)
        sql = "SELECT pk, sk, version, ttl, gsi1pk, gsi1sk, data FROM items WHERE pk = ? AND sk >= ? "
        sql += "AND sk < ? AND (ttl IS NULL OR ttl > ?)" if past else "AND (ttl IS NULL OR ttl > ?)"
        args: list[Any] = [pk, sk_prefix, *([past] if past else []), self._now()]
        if cursor is not None:
            after = decode_cursor(cursor, "q", sk_prefix)["sk"]
            sql += " AND sk < ?" if reverse else " AND sk > ?"
            args.append(after)
        sql += " ORDER BY sk DESC" if reverse else " ORDER BY sk"
        sql += " LIMIT ?"
        args.append(limit + 1)
        with self._errors():
            rows = self._conn().execute(sql, args).fetchall()
        items = [row_item(r) for r in rows[:limit]]
        more = len(rows) > limit
        return Page(items, encode_cursor("q", {"sk": items[-1].sk}) if more else None)

    def query_prefixes(self, pk: str, prefixes: Sequence[str]) -> list[Item]:
        outer = outer_prefixes(pk, prefixes)
        found: list[Item] = []
        for start in range(0, len(outer), KEYS_PER_SELECT):  # one SELECT: no caller reads hundreds together
            ranges, args = [], [pk]
            for prefix in outer[start : start + KEYS_PER_SELECT]:
                past = past_prefix(prefix)
                ranges.append("(sk >= ? AND sk < ?)" if past else "sk >= ?")
                args += [prefix, past] if past else [prefix]
            sql = (
                "SELECT pk, sk, version, ttl, gsi1pk, gsi1sk, data FROM items WHERE pk = ? "  # noqa: S608 - placeholders only
                f"AND ({' OR '.join(ranges)}) AND (ttl IS NULL OR ttl > ?) ORDER BY sk"
            )
            with self._errors():
                rows = self._conn().execute(sql, [*args, self._now()]).fetchall()
            found += [row_item(r) for r in rows]
        return found

    def query_between(
        self, pk: str, sk_from: str, sk_to: str, *, limit: int = 100, cursor: str | None = None,
        reverse: bool = False,
    ) -> Page:  # fmt: skip
        check_limit(limit)
        after = decode_cursor(cursor, "r")["sk"] if cursor is not None else None
        if not check_range(pk, sk_from, sk_to, after):
            return Page([], None)
        sql = (
            "SELECT pk, sk, version, ttl, gsi1pk, gsi1sk, data FROM items "
            "WHERE pk = ? AND sk >= ? AND sk <= ? AND (ttl IS NULL OR ttl > ?)"
        )
        args: list[Any] = [pk, sk_from, sk_to, self._now()]
        if after is not None:
            sql += " AND sk < ?" if reverse else " AND sk > ?"
            args.append(after)
        sql += " ORDER BY sk DESC LIMIT ?" if reverse else " ORDER BY sk LIMIT ?"
        args.append(limit + 1)
        with self._errors():
            rows = self._conn().execute(sql, args).fetchall()
        items = [row_item(r) for r in rows[:limit]]
        return Page(items, encode_cursor("r", {"sk": items[-1].sk}) if len(rows) > limit else None)

    def query_index(
        self,
        gsi1pk: str,
        gsi1sk_prefix: str = "",
        *,
        limit: int = 100,
        cursor: str | None = None,
        reverse: bool = False,
    ) -> Page:
        check_limit(limit)
        if not prefix_fits(gsi1pk, gsi1sk_prefix):
            return Page([], None)
        past = past_prefix(gsi1sk_prefix)
        sql = "SELECT pk, sk, version, ttl, gsi1pk, gsi1sk, data FROM items WHERE gsi1pk = ? AND gsi1sk >= ? "
        sql += "AND gsi1sk < ? AND (ttl IS NULL OR ttl > ?)" if past else "AND (ttl IS NULL OR ttl > ?)"
        args: list[Any] = [gsi1pk, gsi1sk_prefix, *([past] if past else []), self._now()]
        pos = decode_cursor(cursor, "i", gsi1sk_prefix) if cursor is not None else None
        return self._index_page(sql, args, pos, limit=limit, reverse=reverse)

    def query_index_between(
        self, gsi1pk: str, sk_from: str, sk_to: str, *, limit: int = 100, cursor: str | None = None,
        reverse: bool = False,
    ) -> Page:  # fmt: skip
        check_limit(limit)
        pos = decode_cursor(cursor, "i") if cursor is not None else None
        if not check_range(gsi1pk, sk_from, sk_to, pos["g"] if pos else None):
            return Page([], None)
        sql = (
            "SELECT pk, sk, version, ttl, gsi1pk, gsi1sk, data FROM items "
            "WHERE gsi1pk = ? AND gsi1sk >= ? AND gsi1sk <= ? AND (ttl IS NULL OR ttl > ?)"
        )
        args: list[Any] = [gsi1pk, sk_from, sk_to, self._now()]
        return self._index_page(sql, args, pos, limit=limit, reverse=reverse)

    def _index_page(self, sql: str, args: list[Any], pos: dict[str, str] | None, *, limit: int, reverse: bool) -> Page:
        """The page of the index `sql` selects, from past the cursor's place `pos`, in the index's order."""
        if pos is not None:
            sql += " AND (gsi1sk, pk, sk) < (?, ?, ?)" if reverse else " AND (gsi1sk, pk, sk) > (?, ?, ?)"
            args = [*args, pos["g"], pos["pk"], pos["sk"]]
        sql += " ORDER BY gsi1sk DESC, pk DESC, sk DESC LIMIT ?" if reverse else " ORDER BY gsi1sk, pk, sk LIMIT ?"
        with self._errors():
            rows = self._conn().execute(sql, [*args, limit + 1]).fetchall()
        return index_page([row_item(r) for r in rows], limit)

    # -- writes --------------------------------------------------------------------------------

    def put(self, item: Item, condition: Condition | None = None) -> Item:
        try:
            return self.transact([Put(item, condition)])[0]
        except ConditionFailed as exc:
            raise ConditionFailed(str(exc)) from None

    def transact(self, writes: Sequence[Write]) -> list[Item]:
        data = validate_writes(writes)
        with self._errors(), self._write_transaction() as conn:
            return apply_writes(conn, writes, data, self._now())

    @contextmanager
    def _write_transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any failure (COMMIT's own included), so a
        connection never keeps the write lock after an error."""
        conn = self._conn()
        writer = self._writer
        if not writer.acquire(timeout=self._busy_timeout_s):
            raise sqlite3.OperationalError("database is locked (waited for this process's other writers)")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            writer.release()

    def sweep_expired(self, limit: int = 1000) -> int:
        with self._errors(), self._write_transaction() as conn:
            cur = conn.execute(
                "DELETE FROM items WHERE (pk, sk) IN "
                "(SELECT pk, sk FROM items WHERE ttl IS NOT NULL AND ttl <= ? LIMIT ?)",
                (self._now(), limit),
            )
            return cur.rowcount

    def ping(self) -> None:
        with self._errors():
            self._conn().execute("SELECT 1").fetchone()

    def change_marker(self) -> Hashable | None:
        """`PRAGMA data_version` of a connection kept for this alone, with that connection's own
        number: the version moves whenever any other connection commits (this process's writers and
        every other process), and a connection that never writes sees them all; a new connection
        (after a fork or `close`) starts counting again, so its number tells its markers apart.
        About 5 µs."""
        self._after_fork()  # a forked child: its own lock (the parent's may be held) and connection
        try:
            with self._watcher_lock:
                if self._watcher is None:
                    self._watcher = open_watcher(self._path)
                version: int = self._watcher.connection.execute("PRAGMA data_version").fetchone()[0]
                return (os.getpid(), self._watcher.number, version)
        except sqlite3.Error:
            return None  # cannot tell: callers read afresh
