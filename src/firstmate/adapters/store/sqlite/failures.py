"""SQLite's errors as the store's, each saying what to do next."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from firstmate.errors import StoreError, StoreUnavailable


@contextmanager
def store_errors(path: Path) -> Iterator[None]:
    """SQLite's errors as the store's: busy as StoreUnavailable, the rest as StoreError, each saying what to do."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise StoreUnavailable("the database is busy (another process holds it)", hint="retry in a moment") from exc
        if "readonly" in text:
            raise StoreError(
                f"the database {path} is read-only",
                hint="make FIRSTMATE_HOME writable or point it at a writable folder",
            ) from exc
        if "disk is full" in text or "disk I/O" in text:
            raise StoreError(f"cannot write {path}: {text}", hint="free disk space and retry") from exc
        if "unable to open" in text:
            hint = "check that it is a file firstmate may read and write, and that the process has files to spare"
            raise StoreError(f"cannot open the database {path}", hint=hint) from exc
        raise StoreError(f"database error: {text}") from exc
    except sqlite3.Error as exc:
        raise StoreError(
            f"database error: {exc}", hint=f"check {path} with 'sqlite3 … PRAGMA integrity_check'"
        ) from exc
