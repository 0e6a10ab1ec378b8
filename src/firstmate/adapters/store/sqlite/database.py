"""The database file: created readable by its owner alone, a connection to it as the store uses one, and its one
table and indexes."""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from pathlib import Path

SCHEMA = """
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


def create_private(path: Path) -> None:
    """Create the database file readable by its owner alone, if it is not there yet: it holds guests' names and
    addresses, and every local user could read it (0644, as the blobs and outbox files never were). SQLite gives
    its -wal and -shm files the database's own mode."""
    with suppress(OSError):  # there already, or not to be made here: SQLite's own open then says what is wrong
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def connect(path: Path, busy_timeout_s: float, *, durable: bool) -> sqlite3.Connection:
    """A connection to the database at `path` in autocommit mode (the store begins its own transactions), waiting
    up to `busy_timeout_s` for a lock; `durable`: each commit on disk before it returns."""
    conn = sqlite3.connect(
        path,
        timeout=busy_timeout_s,
        isolation_level=None,
        check_same_thread=False,
    )
    # FULL: a committed write survives power loss; NORMAL (WAL): it may not, and costs no fsync
    conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
    conn.execute("PRAGMA foreign_keys=OFF")
    return conn
