"""Fixed-window rate limits counted in a store (the context's `counters`), so they hold across
processes and servers."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog

from firstmate.domain.shared import to_epoch
from firstmate.errors import ConditionFailed, RateLimited, StoreError, StoreUnavailable
from firstmate.ports import Absent, Item, Store, VersionIs

log = structlog.get_logger(__name__)


def hit(
    store: Store,
    bucket: str,
    key: str,
    *,
    limit: int,
    window: timedelta,
    now: datetime,
    open_if_unwritable: bool = False,
) -> bool:
    """Count one request for `key` in `bucket`; raise RateLimited once `limit` is passed in the
    current window (with the seconds until it ends). With `open_if_unwritable`, a store that cannot
    write at all (a full disk, a read-only database) lets the request through uncounted, logged: for
    limits on plain reads, so that guests keep their trip pages; every other limit then fails.
    Whether the request was counted."""
    seconds = int(window.total_seconds())
    start = to_epoch(now) // seconds * seconds
    pk, sk = f"RATE#{bucket}#{key}", str(start)
    retry_after = max(start + seconds - to_epoch(now), 1)
    for _ in range(10):
        current = store.get(pk, sk)
        count = int(current.data["n"]) if current else 0
        if count >= limit:
            raise RateLimited("too many requests; wait a little and try again", retry_after=retry_after)
        item = Item(pk, sk, {"n": count + 1}, ttl=start + seconds + 60)
        try:
            store.put(item, VersionIs(current.version) if current else Absent())
            return True
        except ConditionFailed:
            continue  # a concurrent request counted first: count again
        except StoreUnavailable:
            raise  # busy for a moment: the caller answers 503, and the client comes back
        except StoreError as exc:  # cannot write at all (full disk, read-only database)
            if not open_if_unwritable:
                raise
            log.error("ratelimit.not_counted", bucket=bucket, error=str(exc))
            return False
    raise RateLimited("too many requests at once; try again", retry_after=1)


def give_back(store: Store, bucket: str, key: str, *, window: timedelta, now: datetime) -> None:
    """Take back one request counted by `hit` in the current window (one that turned out not to
    count, such as a guess that was right). Best effort: a count it cannot lower stays, erring strict."""
    seconds = int(window.total_seconds())
    start = to_epoch(now) // seconds * seconds
    pk, sk = f"RATE#{bucket}#{key}", str(start)
    for _ in range(10):
        current = store.get(pk, sk)
        if current is None or int(current.data["n"]) <= 0:
            return
        try:
            store.put(Item(pk, sk, {"n": int(current.data["n"]) - 1}, ttl=current.ttl), VersionIs(current.version))
            return
        except ConditionFailed:
            continue
        except StoreError as exc:
            log.error("ratelimit.not_given_back", bucket=bucket, error=str(exc))
            return
