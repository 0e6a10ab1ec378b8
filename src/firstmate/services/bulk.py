"""Large builds (the weekly report, the role reports) and Python's cyclic garbage collector.

A build allocates millions of short-lived objects, so the collector would run hundreds of times
during it, and each full pass would also walk every object alive before the build began (modules,
compiled templates, fonts, schemas: some 150,000 objects): about 0.5 s of a large build, spent
finding the few cycles it makes (PDF documents, fonts, chart figures). `bulk_work` pauses the
collector for the build and leaves the objects alive before it out of its passes (`gc.freeze`).
Reference counting still frees every other object as soon as it is unused; the collector takes up
the build's cycles when the last build under way in the process ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    """The collector is one per process: paused by the first build under way, resumed by the last."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.builds = 0
        self.was_enabled = False

    def enter(self) -> None:
        with self.lock:
            self.builds += 1
            if self.builds == 1:
                self.was_enabled = gc.isenabled()
                gc.disable()
                gc.freeze()

    def leave(self) -> None:
        with self.lock:
            self.builds -= 1
            if self.builds == 0:
                gc.unfreeze()
                if self.was_enabled:
                    gc.enable()


_PAUSE = _Pause()


@contextmanager
def bulk_work() -> Iterator[None]:
    """Run a large build with the cyclic garbage collector paused (see the module docstring).
    Usable as a decorator."""
    _PAUSE.enter()
    try:
        yield
    finally:
        _PAUSE.leave()
