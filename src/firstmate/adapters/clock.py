"""Clocks: the system clock, and a settable one for tests and replays."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stays where it is put; `advance` moves it. Thread-safe."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by `delta`."""
        with self._lock:
            self._now += delta

    def set(self, moment: datetime) -> None:
        """Put the clock at `moment` (timezone-aware)."""
        with self._lock:
            self._now = moment.astimezone(UTC)
