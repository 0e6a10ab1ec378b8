"""What use cases need from the application: ports and settings (the App satisfies this)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from firstmate.config import Settings
from firstmate.ports import Blobs, Clock, Store
from firstmate.services.access import SigningKeys


class Context(Protocol):
    """The ports and settings a use case may use."""

    @property
    def settings(self) -> Settings:
        """Configuration."""
        ...

    @property
    def store(self) -> Store:
        """The store."""
        ...

    @property
    def counters(self) -> Store:
        """Where rate limits count requests: short-lived, frequent writes kept out of `store`
        (on SQLite a database of its own, so a count does not move the store's change marker)."""
        ...

    @property
    def blobs(self) -> Blobs:
        """The blob store."""
        ...

    @property
    def clock(self) -> Clock:
        """The clock."""
        ...

    @property
    def secret_key(self) -> SigningKeys:
        """The keys that sign and verify links and sessions."""
        ...

    def this_process(self) -> dict[str, Any] | None:
        """This process, as what it holds names it (a job's try, a build's turn), where another process can look at
        it (a SQLite home: one machine); None where none can (AWS)."""
        ...

    def process_gone(self) -> Callable[[Mapping[str, Any]], bool] | None:
        """Whether the process a record names (`this_process`, of another process) is gone: killed, or ended without
        letting go of what it held; None where it cannot be told (AWS): a lease alone tells."""
        ...
