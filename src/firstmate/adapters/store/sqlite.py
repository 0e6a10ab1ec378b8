"""SqliteStore: the Store port on one SQLite table in WAL mode.

Safe under many threads (one connection per thread) and many processes (SQLite's own locks:
every write transaction starts with BEGIN IMMEDIATE, so conditions are checked and writes applied
under the single writer lock). Conditions are evaluated in SQL transactions, never in Python locks.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from firstmate.domain.shared import to_epoch
from firstmate.errors import ConditionFailed, InvalidInput, StoreError, StoreUnavailable
from firstmate.ports import (
    MAX_TRANSACTION_WRITES,
    Absent,
    Clock,
    Condition,
    Delete,
    Exists,
    Item,
    Page,
    Put,
    VersionIs,
    Write,
)

#: DynamoDB's limits, enforced here too so that what works locally works on AWS.
MAX_ITEM_BYTES = 400_000
MAX_PK_BYTES = 2048
MAX_SK_BYTES = 1024
MAX_TRANSACTION_BYTES = 4_000_000
_TOP = "\U0010ffff"  # sorts after every other character: the upper bound of a prefix range

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    pk      TEXT NOT NULL,
    sk      TEXT NOT NULL,
    version INTEGER NOT NULL,
    ttl     INTEGER,
    gsi1pk  TEXT,
    gsi1sk  TEXT,
    data    TEXT NOT NULL,
    PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS items_gsi1 ON items (gsi1pk, gsi1sk, pk, sk) WHERE gsi1pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_ttl ON items (ttl) WHERE ttl IS NOT NULL;
"""


class SqliteStore:
    """The Store port on a SQLite file (see module docstring)."""

    def __init__(self, path: Path, clock: Clock, *, busy_timeout_s: float = 5.0) -> None:
        self._path = Path(path)
        self._clock = clock
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._pid = os.getpid()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()  # guards the list of connections only
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._errors():
            conn = self._conn()
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)

    # -- connections ---------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        if os.getpid() != self._pid:  # a forked child must not share its parent's connections
            self._local = threading.local()
            self._connections = []
            self._pid = os.getpid()
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self._path,
                timeout=self._busy_timeout_s,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute("PRAGMA synchronous=FULL")  # a committed write survives power loss
            conn.execute("PRAGMA foreign_keys=OFF")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def close(self) -> None:
        """Close every connection this store opened (in this process)."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise StoreUnavailable(
                    "the database is busy (another process holds it)", hint="retry in a moment"
                ) from exc
            if "readonly" in text:
                raise StoreError(
                    f"the database {self._path} is read-only",
                    hint="make FIRSTMATE_HOME writable or point it at a writable folder",
                ) from exc
            if "disk is full" in text or "disk I/O" in text:
                raise StoreError(f"cannot write {self._path}: {text}", hint="free disk space and retry") from exc
            raise StoreError(f"database error: {text}") from exc
        except sqlite3.Error as exc:
            raise StoreError(
                f"database error: {exc}", hint=f"check {self._path} with 'sqlite3 … PRAGMA integrity_check'"
            ) from exc

    def _now(self) -> int:
        return to_epoch(self._clock.now())

    # -- reads ---------------------------------------------------------------------------------

    def get(self, pk: str, sk: str) -> Item | None:
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
        return _item(row) if row else None

    def query(
        self,
        pk: str,
        sk_prefix: str = "",
        *,
        limit: int = 100,
        cursor: str | None = None,
        reverse: bool = False,
    ) -> Page:
        _check_limit(limit)
        sql = (
            "SELECT pk, sk, version, ttl, gsi1pk, gsi1sk, data FROM items "
            "WHERE pk = ? AND sk >= ? AND sk < ? AND substr(sk, 1, ?) = ? "
            "AND (ttl IS NULL OR ttl > ?)"
        )
        args: list[Any] = [pk, sk_prefix, sk_prefix + _TOP, len(sk_prefix), sk_prefix, self._now()]
        if cursor is not None:
            after = _decode_cursor(cursor, "q")["sk"]
            sql += " AND sk < ?" if reverse else " AND sk > ?"
            args.append(after)
        sql += " ORDER BY sk DESC" if reverse else " ORDER BY sk"
        sql += " LIMIT ?"
        args.append(limit + 1)
        with self._errors():
            rows = self._conn().execute(sql, args).fetchall()
        items = [_item(r) for r in rows[:limit]]
        more = len(rows) > limit
        return Page(items, _encode_cursor("q", {"sk": items[-1].sk}) if more else None)

    def query_index(
        self,
        gsi1pk: str,
        gsi1sk_prefix: str = "",
        *,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page:
        _check_limit(limit)
        sql = (
            "SELECT pk, sk, version, ttl, gsi1pk, gsi1sk, data FROM items "
            "WHERE gsi1pk = ? AND gsi1sk >= ? AND gsi1sk < ? AND substr(gsi1sk, 1, ?) = ? "
            "AND (ttl IS NULL OR ttl > ?)"
        )
        prefix = gsi1sk_prefix
        args: list[Any] = [gsi1pk, prefix, prefix + _TOP, len(prefix), prefix, self._now()]
        if cursor is not None:
            pos = _decode_cursor(cursor, "i")
            sql += " AND (gsi1sk, pk, sk) > (?, ?, ?)"
            args += [pos["g"], pos["pk"], pos["sk"]]
        sql += " ORDER BY gsi1sk, pk, sk LIMIT ?"
        args.append(limit + 1)
        with self._errors():
            rows = self._conn().execute(sql, args).fetchall()
        items = [_item(r) for r in rows[:limit]]
        if len(rows) <= limit:
            return Page(items, None)
        last = items[-1]
        return Page(items, _encode_cursor("i", {"g": last.gsi1sk, "pk": last.pk, "sk": last.sk}))

    # -- writes --------------------------------------------------------------------------------

    def put(self, item: Item, condition: Condition | None = None) -> Item:
        try:
            return self.transact([Put(item, condition)])[0]
        except ConditionFailed as exc:
            raise ConditionFailed(str(exc)) from None

    def transact(self, writes: Sequence[Write]) -> list[Item]:
        _validate_writes(writes)
        rows = [_row(w.item) if isinstance(w, Put) else None for w in writes]
        total = sum(len(row[-1]) for row in rows if row is not None)
        if total > MAX_TRANSACTION_BYTES:
            raise InvalidInput(f"a transaction writes at most {MAX_TRANSACTION_BYTES} bytes, got {total}")
        with self._errors(), self._write_transaction() as conn:
            return self._apply(conn, writes, rows, self._now())

    @contextmanager
    def _write_transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any failure (COMMIT's own included), so a
        connection never keeps the write lock after an error."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _apply(
        self,
        conn: sqlite3.Connection,
        writes: Sequence[Write],
        rows: list[tuple[Any, ...] | None],
        now: int,
    ) -> list[Item]:
        stored: list[Item] = []
        for index, write in enumerate(writes):
            pk, sk = _key(write)
            found = conn.execute(
                "SELECT version FROM items WHERE pk = ? AND sk = ? AND (ttl IS NULL OR ttl > ?)",
                (pk, sk, now),
            ).fetchone()
            current = found[0] if found else None
            if write.condition is not None and not _holds(write.condition, current):
                raise ConditionFailed(_describe_failure(write.condition, pk, sk, current), index=index)
            if isinstance(write, Put):
                version = (current or 0) + 1
                row = rows[index]
                assert row is not None
                conn.execute(
                    "INSERT OR REPLACE INTO items (pk, sk, version, ttl, gsi1pk, gsi1sk, data) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (row[0], row[1], version, *row[2:]),
                )
                stored.append(_with_version(write.item, version))
            elif isinstance(write, Delete):
                conn.execute("DELETE FROM items WHERE pk = ? AND sk = ?", (pk, sk))
        return stored

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


# -- helpers -----------------------------------------------------------------------------------


def _key(write: Write) -> tuple[str, str]:
    if isinstance(write, Put):
        return write.item.pk, write.item.sk
    return write.pk, write.sk


def _holds(condition: Condition, current: int | None) -> bool:
    if isinstance(condition, Absent):
        return current is None
    if isinstance(condition, Exists):
        return current is not None
    if isinstance(condition, VersionIs):
        return current == condition.version
    raise TypeError(f"unknown condition {condition!r}")


def _describe_failure(condition: Condition, pk: str, sk: str, current: int | None) -> str:
    if isinstance(condition, Absent):
        return f"{pk} / {sk} already exists (version {current})"
    if isinstance(condition, Exists):
        return f"{pk} / {sk} does not exist"
    assert isinstance(condition, VersionIs)
    found = "it is absent" if current is None else f"found version {current}"
    return f"{pk} / {sk} changed: expected version {condition.version}, {found}"


def _validate_writes(writes: Sequence[Write]) -> None:
    if not writes:
        raise InvalidInput("a transaction needs at least one write")
    if len(writes) > MAX_TRANSACTION_WRITES:
        raise InvalidInput(f"a transaction holds at most {MAX_TRANSACTION_WRITES} writes, got {len(writes)}")
    seen: set[tuple[str, str]] = set()
    for write in writes:
        key = _key(write)
        _check_key(*key)
        if key in seen:
            raise InvalidInput(f"two writes in one transaction touch {key[0]} / {key[1]}")
        seen.add(key)


def _check_key(pk: str, sk: str) -> None:
    if not pk or not sk:
        raise InvalidInput("every key needs a non-empty pk and sk")
    if len(pk.encode()) > MAX_PK_BYTES or len(sk.encode()) > MAX_SK_BYTES:
        raise InvalidInput(f"key too long: pk ≤ {MAX_PK_BYTES} bytes, sk ≤ {MAX_SK_BYTES} bytes")


def _row(item: Item) -> tuple[Any, ...]:
    _check_key(item.pk, item.sk)
    if (item.gsi1pk is None) != (item.gsi1sk is None) or item.gsi1pk == "" or item.gsi1sk == "":
        raise InvalidInput(f"{item.pk} / {item.sk}: set both gsi1pk and gsi1sk (non-empty), or neither")
    try:
        data = json.dumps(item.data, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{item.pk} / {item.sk}: data is not plain JSON ({exc})") from exc
    size = sum(len(part.encode()) for part in (data, item.pk, item.sk, item.gsi1pk or "", item.gsi1sk or ""))
    if size > MAX_ITEM_BYTES:
        raise InvalidInput(f"{item.pk} / {item.sk} is {size} bytes; an item holds at most {MAX_ITEM_BYTES}")
    return (item.pk, item.sk, item.ttl, item.gsi1pk, item.gsi1sk, data)


def _item(row: tuple[Any, ...]) -> Item:
    pk, sk, version, ttl, gsi1pk, gsi1sk, data = row
    return Item(pk=pk, sk=sk, data=json.loads(data), version=version, ttl=ttl, gsi1pk=gsi1pk, gsi1sk=gsi1sk)


def _with_version(item: Item, version: int) -> Item:
    return Item(
        pk=item.pk,
        sk=item.sk,
        data=item.data,
        version=version,
        ttl=item.ttl,
        gsi1pk=item.gsi1pk,
        gsi1sk=item.gsi1sk,
    )


def _check_limit(limit: int) -> None:
    if limit < 1:
        raise InvalidInput(f"a page limit must be at least 1, got {limit}")


def _encode_cursor(kind: str, position: dict[str, Any]) -> str:
    raw = json.dumps({"t": kind, **position}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, kind: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("that page cursor is not one this store issued") from exc
    fields = {"q": ("sk",), "i": ("g", "pk", "sk")}[kind]
    if (
        not isinstance(position, dict)
        or position.get("t") != kind
        or not all(isinstance(position.get(f), str) for f in fields)
    ):
        raise InvalidInput("that page cursor is not one this store issued")
    return position
