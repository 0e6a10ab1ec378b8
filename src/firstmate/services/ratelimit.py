"""Fixed-window rate limits kept in the store, so they hold across processes and servers."""

from __future__ import annotations

from datetime import datetime, timedelta

from firstmate.domain.shared import to_epoch
from firstmate.errors import ConditionFailed, RateLimited
from firstmate.ports import Absent, Item, Store, VersionIs


def hit(store: Store, bucket: str, key: str, *, limit: int, window: timedelta, now: datetime) -> None:
    """Count one request for `key` in `bucket`; raise RateLimited once `limit` is passed in the
    current window (with the seconds until it ends)."""
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
            return
        except ConditionFailed:
            continue  # a concurrent request counted first: count again
    raise RateLimited("too many requests at once; try again", retry_after=1)
