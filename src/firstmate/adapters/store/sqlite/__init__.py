"""The Store port on one SQLite table in WAL mode: `SqliteStore`.

- `store`: SqliteStore, its connections (one per thread, none shared past a fork), reads and write transactions;
- `writes`: a transaction's writes applied under their conditions, against their keys' live versions;
- `rows`: a row as an item, the keys one statement looks up, and the bound past a prefix's keys;
- `database`: the file created private, a connection to it, and its one table and indexes;
- `failures`: SQLite's errors as the store's, each saying what to do;
- `watcher`: the connection `change_marker` keeps for itself (WATCH_TIMEOUT_S), opened by `open_watcher`.
"""

from firstmate.adapters.store.sqlite.store import SqliteStore
from firstmate.adapters.store.sqlite.watcher import WATCH_TIMEOUT_S

__all__ = ["WATCH_TIMEOUT_S", "SqliteStore"]
