"""What admins do with the outbox: list its entries, read one, and give dead messages fresh attempts."""

from __future__ import annotations

from datetime import datetime

from firstmate.domain import outbox as rules
from firstmate.domain.outbox import OutboxEntry, OutboxStatus
from firstmate.errors import ConditionFailed, InvalidInput, NotFound
from firstmate.ports import Store, VersionIs
from firstmate.services.outbox.entries import DEAD_INDEX, from_item, outbox_pk, to_item
from firstmate.services.paging import all_items


def list_entries(
    store: Store, org: str, *, status: OutboxStatus | None = None, limit: int | None = 200
) -> list[OutboxEntry]:
    """One org's outbox entries, newest first, optionally of one status; the newest `limit` (None: all)."""
    entries = [e for e in map(from_item, all_items(store, outbox_pk(org))) if status is None or e.status is status]
    entries.sort(key=lambda e: e.created_at, reverse=True)
    return entries if limit is None else entries[:limit]


def get_entry(store: Store, org: str, key: str) -> OutboxEntry:
    """One entry; raises NotFound if this org has no entry with that key."""
    item = store.get(outbox_pk(org), key)
    if item is None:
        raise NotFound(f"no outbox message {key!r} in org {org!r}", hint="list them with 'firstmate outbox list'")
    return from_item(item)


def retry_entry(store: Store, org: str, key: str, now: datetime) -> OutboxEntry:
    """Give a dead message a fresh set of attempts.

    Raises NotFound for an unknown key and InvalidInput when the message is not dead.
    """
    item = store.get(outbox_pk(org), key)
    if item is None:
        raise NotFound(f"no outbox message {key!r} in org {org!r}", hint="list them with 'firstmate outbox list'")
    try:
        revived = rules.revive(from_item(item), now)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    stored = store.put(to_item(revived), VersionIs(item.version))
    return from_item(stored)


def retry_dead(store: Store, org: str, now: datetime) -> tuple[int, int]:
    """Give every dead message of `org` a fresh set of attempts (after an outage, a fixed relay).
    Returns how many are pending again, and how many stay dead because they went out of date (an
    expired sign-in link, a reminder for a trip that has left). One retried meanwhile by someone
    else is left as they left it."""
    revived = stale = 0
    for entry in _dead(store, org):
        if rules.is_stale(entry, now):
            stale += 1
            continue
        try:
            retry_entry(store, org, entry.key, now)
        except (InvalidInput, ConditionFailed):  # retried, or sent, since it was listed
            continue
        revived += 1
    return revived, stale


def _dead(store: Store, org: str) -> list[OutboxEntry]:
    """`org`'s dead entries, from their index (the org's other entries are not read)."""
    dead, cursor = [], None
    while True:
        page = store.query_index_between(DEAD_INDEX, f"{org}#", f"{org}$", limit=200, cursor=cursor)
        dead += [from_item(item) for item in page.items]
        if page.cursor is None:
            return dead
        cursor = page.cursor


def dead_entries(store: Store, *, limit: int = 100) -> list[OutboxEntry]:
    """Dead messages across every org, for the admin page."""
    return [from_item(i) for i in store.query_index(DEAD_INDEX, limit=limit).items]
