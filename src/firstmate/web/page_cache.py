"""Rendered pages kept in memory while the store has not changed since they were built."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class PageCache:
    """Page bodies by key, each kept with the store's change marker read before it was built and
    answered only while the store's marker still equals it: any committed write, by any thread or
    process, retires every page at once. Holds at most `capacity` pages (the least recently used go
    first; 0 keeps none). Safe to share between the event loop and worker threads."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._pages: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, marker: int | None) -> bytes | None:
        """The page kept under `key` if it was built under `marker`; None otherwise (or for no marker)."""
        if marker is None:
            return None
        with self._lock:
            kept = self._pages.get(key)
            if kept is None or kept[0] != marker:
                return None
            self._pages.move_to_end(key)
            return kept[1]

    def put(self, key: Hashable, marker: int | None, body: bytes) -> None:
        """Keep `body` under `key`, built from reads made after the store showed `marker` (None: not kept)."""
        if marker is None or self._capacity == 0:
            return
        with self._lock:
            self._pages[key] = (marker, body)
            self._pages.move_to_end(key)
            while len(self._pages) > self._capacity:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)
