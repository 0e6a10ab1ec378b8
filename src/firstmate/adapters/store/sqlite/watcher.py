"""The connection `change_marker` keeps for itself, and how long it waits for a lock."""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import dataclass
from pathlib import Path

#: change_marker may run on a web server's event loop: it never waits long for a lock.
WATCH_TIMEOUT_S = 0.1


@dataclass(frozen=True)
class Watcher:
    connection: sqlite3.Connection
    number: int


#: Numbers the watcher connections of this process (pid and number make a marker unique).
WATCHERS = itertools.count(1)


def open_watcher(path: Path) -> Watcher:
    """A connection to the database at `path` for `change_marker` alone, numbered apart from this process's others."""
    connection = sqlite3.connect(path, timeout=WATCH_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    return Watcher(connection, next(WATCHERS))
