"""Adapters under contract. Each factory is picklable, so other processes can build the same
adapter. AWS adapters run against moto's server over HTTP and carry the `aws` marker."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from firstmate.adapters.aws.resources import create_resources
from firstmate.adapters.blobs.local import LocalBlobs
from firstmate.adapters.blobs.s3 import S3Blobs
from firstmate.adapters.clock import FixedClock, SystemClock
from firstmate.adapters.store.dynamodb import DynamoStore
from firstmate.adapters.store.sqlite import SqliteStore
from firstmate.ports import Blobs, Clock, Store
from tests.moto_server import CREDENTIALS, REGION, MotoServer


@dataclass(frozen=True)
class SqliteFactory:
    """Builds a SqliteStore on one database file."""

    path: Path

    def __call__(self, clock: Clock | None = None) -> Store:
        return SqliteStore(self.path, clock or SystemClock())


@dataclass(frozen=True)
class DynamoFactory:
    """Builds a DynamoStore on one table of moto's server (the endpoint travels with it, so a
    spawned process reaches the same server)."""

    table: str
    endpoint: str

    def __call__(self, clock: Clock | None = None) -> Store:
        os.environ.update({**CREDENTIALS, "AWS_ENDPOINT_URL": self.endpoint})
        return DynamoStore(self.table, clock or SystemClock(), region=REGION)


StoreFactory = SqliteFactory | DynamoFactory
STORE_ADAPTERS = ["sqlite", pytest.param("dynamodb", marks=pytest.mark.aws)]


@pytest.fixture(params=STORE_ADAPTERS)
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    if request.param == "sqlite":
        return SqliteFactory(tmp_path / "contract.db")
    if request.param == "dynamodb":
        aws: MotoServer = request.getfixturevalue("aws")
        create_resources(REGION, table="contract", bucket="contract-data", archive_bucket="contract-archive")
        return DynamoFactory("contract", aws.url)
    raise AssertionError(request.param)


@pytest.fixture
def store(store_factory: StoreFactory, clock: FixedClock) -> Iterator[Store]:
    built = store_factory(clock)
    yield built
    close = getattr(built, "close", None)
    if callable(close):
        close()


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.aws)])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> Blobs:
    if request.param == "s3":
        request.getfixturevalue("aws")
        create_resources(REGION, table="contract", bucket="contract-data", archive_bucket="contract-archive")
        return S3Blobs("contract-data", "contract-archive", region=REGION, base_url="https://trips.example.com")
    return LocalBlobs(tmp_path / "blobs")
