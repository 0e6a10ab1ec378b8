"""Sliding-window rate limits counted in a store (the context's `counters`), so they hold across
processes and servers. Each key keeps the times of its latest requests (at most `limit` of them) in
one item: a limit of 10 in 10 minutes is 10 in any 10 minutes (counted in fixed blocks of the clock,
20 got through across a block's end), and Retry-After says when the oldest of them leaves the window."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog

from firstmate.domain.shared import to_epoch
from firstmate.errors import ConditionFailed, RateLimited, StoreError, StoreUnavailable
from firstmate.ports import Absent, Item, Store, VersionIs

log = structlog.get_logger(__name__)
#: The sort key of a key's item of request times.
TIMES = "times"


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
    """Count one request for `key` in `bucket`; raise RateLimited once `limit` requests were counted
    in the `window` before `now` (with the seconds until the oldest of them is out of it). With
    `open_if_unwritable`, a store that cannot write at all (a full disk, a read-only database) lets the
    request through uncounted, logged: for limits on plain reads, so that guests keep their trip pages;
    every other limit then fails. Whether the request was counted."""
    seconds, at = int(window.total_seconds()), to_epoch(now)
    pk = f"RATE#{bucket}#{key}"
    for _ in range(10):
        current = store.get(pk, TIMES)
        recent = _within(current, at, seconds)
        if len(recent) >= limit:
            # free again once enough of them have left the window for this one to be the limit's last
            retry_after = max(recent[len(recent) - limit] + seconds - at, 1)
            raise RateLimited("too many requests; wait a little and try again", retry_after=retry_after)
        item = Item(pk, TIMES, {"at": [*recent, at]}, ttl=at + seconds + 60)
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
    """Take back the latest request counted by `hit` (one that turned out not to count, such as a guess
    that was right). Best effort: a count it cannot lower stays, erring strict."""
    seconds, at = int(window.total_seconds()), to_epoch(now)
    pk = f"RATE#{bucket}#{key}"
    for _ in range(10):
        current = store.get(pk, TIMES)
        recent = _within(current, at, seconds)
        if current is None or not recent:
            return
        try:
            store.put(Item(pk, TIMES, {"at": recent[:-1]}, ttl=current.ttl), VersionIs(current.version))
            return
        except ConditionFailed:
            continue
        except StoreError as exc:
            log.error("ratelimit.not_given_back", bucket=bucket, error=str(exc))
            return


def _within(item: Item | None, at: int, seconds: int) -> list[int]:
    """The request times `item` keeps that are inside the window of `seconds` before `at`, oldest first."""
    return sorted(t for t in (item.data.get("at", []) if item else []) if at - seconds < int(t) <= at)
