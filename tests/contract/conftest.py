"""Adapters under contract. Each factory is picklable, so other processes can build the same
adapter; a later adapter (DynamoDB over moto's server) joins by adding a factory here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from firstmate.adapters.blobs.local import LocalBlobs
from firstmate.adapters.clock import FixedClock, SystemClock
from firstmate.adapters.store.sqlite import SqliteStore
from firstmate.ports import Blobs, Clock, Store


@dataclass(frozen=True)
class SqliteFactory:
    """Builds a SqliteStore on one database file."""

    path: Path

    def __call__(self, clock: Clock | None = None) -> Store:
        return SqliteStore(self.path, clock or SystemClock())


STORE_ADAPTERS = ["sqlite"]


@pytest.fixture(params=STORE_ADAPTERS)
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> SqliteFactory:
    if request.param == "sqlite":
        return SqliteFactory(tmp_path / "contract.db")
    raise AssertionError(request.param)


@pytest.fixture
def store(store_factory: SqliteFactory, clock: FixedClock) -> Iterator[Store]:
    built = store_factory(clock)
    yield built
    close = getattr(built, "close", None)
    if callable(close):
        close()


@pytest.fixture(params=["local"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> Blobs:
    return LocalBlobs(tmp_path / "blobs")
