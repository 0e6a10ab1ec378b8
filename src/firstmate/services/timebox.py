"""The time a long job has where a platform stops it (a Lambda function at its timeout).

A job given a TimeBox looks at it before each step it can stop before (`check`), and its waits (a source
backing off, Meta's report run) stop short of it (`sleep`): past its end, OutOfTime is raised, the job drops
what it had begun and says why, and its run is recorded failed and tried again, as any failed run. Its end is
set well before the platform's, so that the step under way, and recording the failure, fit in what is left.
Without a TimeBox (the local scheduler) a job takes the time it takes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from firstmate.errors import OutOfTime


@dataclass(frozen=True)
class TimeBox:
    """`ends`: the `time.monotonic()` after which no step starts and no wait goes on; `of`: whose time it
    is, in words ("the function's 15 minutes")."""

    ends: float
    of: str = "the function's time"
    _now: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)

    def spent(self) -> bool:
        """Whether the time is up."""
        return self._now() >= self.ends

    def left(self) -> float:
        """The seconds left before the end (less than 0 past it)."""
        return self.ends - self._now()

    def check(self, step: str) -> None:
        """Raise OutOfTime if the time is up, before `step` ("pulling Meta's figures") begins."""
        if self.spent():
            raise self._out(step)

    def sleep(self, seconds: float) -> None:
        """Wait `seconds`, or raise OutOfTime at once if the wait would go past the end."""
        if self._now() + seconds > self.ends:
            raise self._out("waiting for a source")
        time.sleep(seconds)

    def _out(self, step: str) -> OutOfTime:
        return OutOfTime(
            f"stopped before {step}: {self.of} was nearly up; nothing of this build was kept",
            hint="tried again by the scheduler; a source slow for long (Meta's report runs) is the usual cause",
        )
