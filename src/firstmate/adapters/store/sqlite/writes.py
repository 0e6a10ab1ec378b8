"""A transaction's writes applied under their conditions, against the live versions of their keys."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from firstmate.adapters.store.rules import (
    describe_failure,
    holds,
    with_version,
    write_key,
)
from firstmate.adapters.store.sqlite.rows import KEYS_PER_SELECT
from firstmate.errors import ConditionFailed
from firstmate.ports import Delete, Item, Put, Write


def apply_writes(
    conn: sqlite3.Connection,
    writes: Sequence[Write],
    data: list[str | None],
    now: int,
) -> list[Item]:
    """Check each write's condition against the live versions, then apply them all in `conn`'s transaction;
    ConditionFailed (with the failing write's index) before any is applied. The items stored, versioned."""
    keys = [write_key(write) for write in writes]
    versions = live_versions(conn, keys, now)  # keys are distinct: no write sees another's effect
    stored: list[Item] = []
    puts: list[tuple[Any, ...]] = []
    deletes: list[tuple[str, str]] = []
    for index, (write, (pk, sk)) in enumerate(zip(writes, keys, strict=True)):
        current = versions.get((pk, sk))
        if write.condition is not None and not holds(write.condition, current):
            raise ConditionFailed(describe_failure(write.condition, pk, sk, current), index=index)
        if isinstance(write, Put):
            version = (current or 0) + 1
            item = write.item
            puts.append((pk, sk, version, item.ttl, item.gsi1pk, item.gsi1sk, data[index]))
            stored.append(with_version(item, version))
        elif isinstance(write, Delete):
            deletes.append((pk, sk))
    conn.executemany(
        "INSERT OR REPLACE INTO items (pk, sk, version, ttl, gsi1pk, gsi1sk, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
        puts,
    )
    conn.executemany("DELETE FROM items WHERE pk = ? AND sk = ?", deletes)
    return stored


def live_versions(conn: sqlite3.Connection, keys: Sequence[tuple[str, str]], now: int) -> dict[tuple[str, str], int]:
    """The live version of each of `keys` that is stored, read in as few statements as the keys allow."""
    versions: dict[tuple[str, str], int] = {}
    for start in range(0, len(keys), KEYS_PER_SELECT):
        chunk = keys[start : start + KEYS_PER_SELECT]
        keyed = " OR ".join(["(pk = ? AND sk = ?)"] * len(chunk))
        sql = f"SELECT pk, sk, version FROM items WHERE ({keyed}) AND (ttl IS NULL OR ttl > ?)"  # noqa: S608 - placeholders only
        rows = conn.execute(sql, [part for key in chunk for part in key] + [now]).fetchall()
        versions.update(((pk, sk), version) for pk, sk, version in rows)
    return versions
