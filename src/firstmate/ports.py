"""Ports: the interfaces the use cases need from the outside world.

Each Protocol has a local adapter that needs nothing beyond the package (the default) and, later,
an AWS adapter. Every adapter of a port passes the same contract suite in `tests/contract/`.
Every method here states its contract: what it returns, what it raises, whether it is idempotent.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable

from firstmate.domain.analysis import Analysis
from firstmate.domain.intel import WeeklyFacts
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.marketing import AdWeek, CrmLead

JSON = Mapping[str, Any]


# ---------------------------------------------------------------------------------------------
# Store vocabulary: one logical table in the shape DynamoDB offers.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One stored item. `version` is set by the store (1 on create, +1 on each write).

    `ttl` is epoch seconds; an item whose ttl has passed reads as absent everywhere.
    `gsi1pk`/`gsi1sk` place it in the one secondary index (both or neither).
    """

    pk: str
    sk: str
    data: JSON = field(default_factory=dict)
    version: int = 0
    ttl: int | None = None
    gsi1pk: str | None = None
    gsi1sk: str | None = None


@dataclass(frozen=True)
class Absent:
    """Condition: no live item has this key."""


@dataclass(frozen=True)
class Exists:
    """Condition: a live item has this key (any version)."""


@dataclass(frozen=True)
class VersionIs:
    """Condition: the live item with this key has exactly this version."""

    version: int


Condition = Absent | Exists | VersionIs


@dataclass(frozen=True)
class Put:
    """Write `item` (replacing any item with its key) if `condition` holds."""

    item: Item
    condition: Condition | None = None


@dataclass(frozen=True)
class Delete:
    """Delete the item with this key (a no-op if absent) if `condition` holds."""

    pk: str
    sk: str
    condition: Condition | None = None


@dataclass(frozen=True)
class Check:
    """Write nothing; fail the transaction unless `condition` holds for this key."""

    pk: str
    sk: str
    condition: Condition


Write = Put | Delete | Check

#: DynamoDB's limit on one TransactWriteItems call; every adapter enforces it.
MAX_TRANSACTION_WRITES = 100


@dataclass(frozen=True)
class Page:
    """A page of query results; `cursor` is None on the last page."""

    items: Sequence[Item]
    cursor: str | None = None


class Store(Protocol):
    """Single-table key-value store with conditional writes and all-or-nothing transactions."""

    def get(self, pk: str, sk: str) -> Item | None:
        """Return the live item with this key, or None if absent or expired (or longer than a key can
        be: a pk over 2,048 bytes, an sk over 1,024). Never raises NotFound; InvalidInput for an empty part."""
        ...

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Item | None]:
        """Return the live item of each (pk, sk) in `keys`, in the same order (None where absent or
        expired or longer than a key can be; a key given twice answers twice). Reads as a `get` per key
        would, in far fewer round trips; the items are not one snapshot. Raises InvalidInput for an empty key."""
        ...

    def query(
        self,
        pk: str,
        sk_prefix: str = "",
        *,
        limit: int = 100,
        cursor: str | None = None,
        reverse: bool = False,
    ) -> Page:
        """Return live items of partition `pk` whose sort key starts with `sk_prefix`.

        Items come in sort-key order (byte order of UTF-8; descending when `reverse`), at most
        `limit` per page; pass the returned cursor back to get the next page. Expired items are
        skipped; a partition key or prefix longer than a key can be holds nothing. Raises InvalidInput
        for an empty partition key, a limit below 1, a cursor that this store did not issue or one that
        pages through another prefix (DynamoDB starts no query outside its key condition).
        """
        ...

    def query_prefixes(self, pk: str, prefixes: Sequence[str]) -> list[Item]:
        """Return every live item of partition `pk` whose sort key starts with any of `prefixes`, in sort-key order,
        each once (prefixes may overlap), every page read: what a `query` a prefix would read, in one call (one
        SELECT on SQLite; on DynamoDB, whose query takes one key condition, a query a prefix not inside another).
        For a few small groups of keys read together (the waiting lists of a trip's crew), not a partition's
        history. A prefix longer than a key can be holds nothing. Raises InvalidInput for an empty partition key
        or an empty prefix (that would be the whole partition: `query` pages through it)."""
        ...

    def query_between(
        self, pk: str, sk_from: str, sk_to: str, *, limit: int = 100, cursor: str | None = None,
        reverse: bool = False,
    ) -> Page:  # fmt: skip
        """Return live items of partition `pk` whose sort key lies from `sk_from` to `sk_to`, both
        included, in sort-key order (descending from `sk_to` when `reverse`), paged as `query` pages; a
        range that ends before it starts holds nothing. One read where prefixes would take several (a
        calendar's days, say), or a page that starts at a place (the rows before or after a row). Raises
        InvalidInput for an empty bound, a limit below 1 or a cursor of another range."""
        ...

    def query_index(
        self,
        gsi1pk: str,
        gsi1sk_prefix: str = "",
        *,
        limit: int = 100,
        cursor: str | None = None,
        reverse: bool = False,
    ) -> Page:
        """Return live items whose `gsi1pk` matches and `gsi1sk` starts with the prefix.

        Ordered by `gsi1sk` ascending (descending when `reverse`); pagination (and its cursors) as in `query`. The
        index is eventually consistent on some engines: callers re-`get` an item before acting on it.
        """
        ...

    def query_index_between(
        self, gsi1pk: str, sk_from: str, sk_to: str, *, limit: int = 100, cursor: str | None = None,
        reverse: bool = False,
    ) -> Page:  # fmt: skip
        """Return live items whose `gsi1pk` matches and `gsi1sk` lies from `sk_from` to `sk_to`, both
        included, ordered and paged as `query_index` (descending from `sk_to` when `reverse`): a page
        of an index that starts at a place rather than at a prefix's end. A range that ends before it
        starts holds nothing. Raises InvalidInput for an empty bound, a limit below 1 or a cursor of
        another range; eventually consistent as `query_index`."""
        ...

    def put(self, item: Item, condition: Condition | None = None) -> Item:
        """Write `item` if `condition` holds and return it as stored (with its new version).

        The version written is the previous live version + 1 (1 when creating). Raises
        ConditionFailed, changing nothing, when the condition does not hold; StoreUnavailable when
        the store stays busy past its timeout. Idempotent only under an Absent condition.
        """
        ...

    def transact(self, writes: Sequence[Write]) -> list[Item]:
        """Apply all writes or none. Returns the stored items of the Put writes, in order.

        Raises ConditionFailed (with the failing write's index) when any condition fails, and
        InvalidInput for more than MAX_TRANSACTION_WRITES writes, two writes on one key, or items of more
        than 4 MB in all, their keys counted (as DynamoDB counts them).
        """
        ...

    def sweep_expired(self, limit: int = 1000) -> int:
        """Physically delete up to `limit` expired items; return how many. Idempotent."""
        ...

    def ping(self) -> None:
        """Check that the store answers; raise StoreUnavailable if not."""
        ...

    def change_marker(self) -> Hashable | None:
        """A value that differs after every committed write to the store, by any thread or process,
        or None when this store cannot tell cheaply. Compare two markers of the same Store object
        for equality only: a view read after a marker is current while the marker is unchanged
        (the passage of time, and so expiry, is not a write). No two moments with writes between
        them share a marker, also across a fork or `close`. Never raises."""
        ...


# ---------------------------------------------------------------------------------------------
# Blobs: files by key (raw archives, photos, rendered reports and pages).
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlobInfo:
    """What is known about a stored blob without reading it."""

    key: str
    size: int
    content_type: str
    modified: datetime


@dataclass(frozen=True)
class PresignedUpload:
    """A browser form that uploads one file straight to blob storage: POST `fields` and the file
    (as the form field `file`, last) to `url`. Storage enforces the size and type limits."""

    url: str
    fields: Mapping[str, str]
    expires_at: datetime


class Blobs(Protocol):
    """A flat key → bytes store. Keys are `/`-separated relative paths of safe characters."""

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> BlobInfo:
        """Store `data` under `key`, atomically replacing any previous blob. Idempotent.

        Raises InvalidInput for an unsafe key (absolute, `..`, backslash, empty segment, control
        characters); a reader never sees a half-written blob.
        """
        ...

    def get(self, key: str) -> bytes:
        """Return the blob's bytes. Raises BlobNotFound if there is none, InvalidInput for a bad key."""
        ...

    def head(self, key: str, *, quick: bool = False) -> BlobInfo | None:
        """Return the blob's size, type and time, or None if there is none. `quick`: one short try, for a guest's
        request that waits on it (BlobError when the storage does not answer at once), not the patient retries."""
        ...

    def delete(self, key: str) -> None:
        """Delete the blob; a no-op if it does not exist. Idempotent."""
        ...

    def list(self, prefix: str = "") -> list[BlobInfo]:
        """Return the blobs whose key starts with `prefix`, sorted by key."""
        ...

    def presign_upload(
        self, key: str, *, content_type_prefix: str, max_bytes: int, expires_at: datetime, redirect_to: str
    ) -> PresignedUpload:
        """A form for one browser upload to `key`, accepted until `expires_at` only if the file is
        at most `max_bytes` and its declared type starts with `content_type_prefix`; after storing,
        the browser is redirected (303) to `redirect_to`. The caller must still check the bytes.
        """
        ...

    def download_url(self, key: str, *, expires_at: datetime) -> str | None:
        """A URL from which a browser may read the blob until `expires_at`, or None when this
        storage has none (the web app then serves the bytes itself). Raises InvalidInput for a bad key.
        """
        ...

    def browser_origin(self) -> str | None:
        """The origin browsers reach this storage at (uploads and download URLs), for the pages'
        Content-Security-Policy; None when the web app itself serves both."""
        ...


# ---------------------------------------------------------------------------------------------
# Mail, time.
# ---------------------------------------------------------------------------------------------


class Mailer(Protocol):
    """Hands a message to its recipients' mail system."""

    def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
        """Deliver `message` (HTML and plain-text parts, inline images, BCC) and return a
        provider reference (a file path, a queue id). `recipients`: the envelope, when only some of
        the message's recipients are still to get it (None: all of them); the headers stay the
        message's own.

        Raises TransientDeliveryError when a retry may succeed and PermanentDeliveryError when it
        cannot; PartialDeliveryError when the server took it for some recipients and refused it for
        others (whom it names: send it again to those only), and when it refused every one of a
        `recipients` that left out some of the message's (an earlier send reached those). Sending
        the same message twice is idempotent only where the adapter says so (the outbox mailer is:
        it overwrites one file per Message-ID); the outbox dispatcher is what guarantees a message
        marked sent is never sent again.
        """
        ...


class Secrets(Protocol):
    """Credentials for outside services, read when needed (so rotation needs no restart)."""

    def get(self, name: str) -> str:
        """The current value of secret `name`; raises ConfigError saying where to set it."""
        ...


#: One raw answer of an outside API, archived as is: what was asked and what came back.
RawPage = dict[str, Any]


class AdsSource(Protocol):
    """An ad platform (Meta): weekly ad-set figures, raw first."""

    name: str

    def pull(self, account: str, since: date, until: date) -> list[RawPage]:
        """Every raw page of weekly ad-set insights for whole weeks between `since` and `until`.

        Retries transient failures with backoff and slows down when the platform reports high
        usage. Raises SourceAuthError (renew the token), SourcePermissionError (grant ads_read /
        publish the app), SourceUnavailable (still failing after retries).
        """
        ...

    def parse(self, pages: list[RawPage]) -> list[AdWeek]:
        """The ad-set weeks in raw pages (pure: replaying an archive gives the same rows)."""
        ...

    def timezone(self, account: str) -> str | None:
        """The time zone (an IANA name) whose days the account's weeks count, or None when the source does
        not say (CSV files: their weeks are as written). Meta counts an ad account's days in its own zone,
        which may be behind the business's. Raises like `pull`."""
        ...


class CrmSource(Protocol):
    """A CRM (HubSpot): contacts created in a time range, raw first."""

    name: str

    def pull(self, since: datetime, until: datetime) -> list[RawPage]:
        """Every raw page of contacts created in [since, until], splitting the range where the
        CRM caps results. Raises the SourceError subclasses like AdsSource.pull."""
        ...

    def parse(self, pages: list[RawPage]) -> list[CrmLead]:
        """The leads in raw pages (pure)."""
        ...


class Analyst(Protocol):
    """Turns the week's facts into department sections."""

    name: str

    def analyse(self, facts: WeeklyFacts) -> Analysis:
        """Marketing, Digital/Dev and Leadership sections from `facts` alone. Never raises: a
        model that fails or answers out of format gives way to the rules analysis, with a note."""
        ...


@runtime_checkable
class Clock(Protocol):
    """The source of the current time, so that tests can move it."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware in UTC."""
        ...
