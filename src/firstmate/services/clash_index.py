"""Which "Double booked!" messages name a trip, read without reading the others.

Each message is queued with one small item per entry of its pair, in the same transaction:
`ORG#<org>#CLASHES` / `<uid>#<hash of the outbox key>` → the outbox key. A booking's change reads its
own trip's (`told_keys`) to withdraw those it makes outdated (`outbox.superseded`), where it read every
`clash:` entry the org was ever sent. Messages queued before these items were kept get theirs from
`index_pending` (the hourly `sweep` job), once per org; until an org's are done, a change reads them
all, as it did.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import timedelta

from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.shared import to_epoch
from firstmate.ports import Item, Put, Store
from firstmate.services.paging import iter_items
from firstmate.services.upgrades import is_upgraded, mark_upgraded, upgrade_pending

#: The upgrade `index_told` is recorded as, per org (`services.upgrades`): older messages named under trips.
_UPGRADE = "clash-index"
#: An item outlives its message's use by this much (a sent message is kept 90 days: `outbox.SENT_RETENTION`).
KEPT_AFTER_USE = timedelta(days=90)
#: The trips firstmate names in a message's key (bookings' and blocked slots'), whose changes look them up.
_OWN_UID = re.compile(r"(?<=:)[^:]+@firstmate(?=:)")


def clashes_pk(org: str) -> str:
    """The partition naming, for each trip, the "Double booked!" messages of `org` about it."""
    return f"ORG#{org}#CLASHES"


def told_writes(org: str, message: OutgoingMessage, uids: Sequence[str]) -> list[Put]:
    """The writes naming `message` (a "Double booked!") under each of the calendar entries `uids` it is
    about, for the transaction that queues it."""
    key = message.idempotency_key
    ttl = to_epoch(message.stale_after + KEPT_AFTER_USE) if message.stale_after else None
    return [Put(_item(org, uid, key, ttl)) for uid in dict.fromkeys(uids)]


def _item(org: str, uid: str, key: str, ttl: int | None) -> Item:
    # the key hashed: a uid and a key side by side could outgrow a sort key's 1 KB
    return Item(clashes_pk(org), f"{uid}#{hashlib.sha256(key.encode()).hexdigest()[:24]}", {"key": key}, ttl=ttl)


def told_keys(store: Store, org: str, uid: str) -> list[str] | None:
    """The outbox keys of `org`'s "Double booked!" messages about the calendar entry `uid`; None while
    the org has messages from before they were named so (`index_pending` has not gone through them):
    the caller reads them all."""
    if not is_upgraded(store, _UPGRADE, org):
        return None
    return [str(item.data["key"]) for item in iter_items(store, clashes_pk(org), f"{uid}#")]


def index_told(store: Store, org: str, *, most: int | None = None) -> tuple[int, bool]:
    """Name `org`'s "Double booked!" messages under the trips firstmate keeps (`<id>@firstmate` in their
    key), those queued before they were. Returns how many names were written, and whether every one is
    done (False when `most` were first: call again). Idempotent."""
    from firstmate.services.outbox import from_item, outbox_pk  # it reads this module: imported here

    named = 0
    page = list[Put]()
    for item in iter_items(store, outbox_pk(org), "clash:"):
        page += told_writes(org, from_item(item).message, _OWN_UID.findall(item.sk))
        if len(page) >= 100:
            count, finished = _named(store, page, None if most is None else most - named)
            named, page = named + count, []
            if not finished:
                return named, False
    count, finished = _named(store, page, None if most is None else most - named)
    named += count
    if not finished:
        return named, False
    mark_upgraded(store, _UPGRADE, org)
    return named, True


def _named(store: Store, writes: list[Put], most: int | None) -> tuple[int, bool]:
    """Make those of `writes` not made yet (a run cut short names the rest next time), up to `most`."""
    made = store.get_many([(w.item.pk, w.item.sk) for w in writes]) if writes else []
    named = 0
    for write, found in zip(writes, made, strict=True):
        if found is not None:
            continue
        if most is not None and named >= most:
            return named, False
        store.put(write.item)
        named += 1
    return named, True


def index_pending(store: Store, orgs: Sequence[str], *, most: int = 5000) -> str:
    """`index_told` the orgs not done yet, at most `most` messages a run (the hourly `sweep` job calls
    it: after an upgrade each org's are read once, and never again). Says what it did."""
    named, left = upgrade_pending(store, orgs, _UPGRADE, lambda org, n: index_told(store, org, most=n), most=most)
    if not named and not left:
        return ""
    return f"{named} double-booking messages named under their trips" + (f"; more next run ({left})" if left else "")
