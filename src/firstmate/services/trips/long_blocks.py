"""The org's live blocked slots longer than any trip, also kept in one small list read whole (`long_blocks`):
a haul-out or a winter ashore lasting months costs one read to find, however long it is."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import structlog

from firstmate.domain.calendar import CalendarEntry, EntryKind
from firstmate.domain.shared import iso
from firstmate.errors import ConditionFailed, StoreError
from firstmate.ports import Absent, Item, Put, Store, VersionIs, Write
from firstmate.services.paging import iter_items
from firstmate.services.trips.keys import calendar_pk
from firstmate.services.trips.overlaps import TRIP_LENGTH

#: A blocked slot over this long ago no longer matters to a booking, nor to a calendar feed (which shows
#: what ended up to this long ago): it leaves the list of long ones.
LONG_BLOCKS_KEPT_AFTER_END = timedelta(days=60)
#: Marks a stored list as keeping its slots that long: one kept by an earlier release is built again.
KEPT_DAYS = LONG_BLOCKS_KEPT_AFTER_END.days
#: At most this many long slots are kept in their list (about 300 bytes each with a title in Latin letters)…
MAX_LONG_BLOCKS = 1000
#: … and at most this many bytes of them as stored, inside the 400 KB of one store item: a title of 80 characters
#: in Japanese is 480 bytes (the stored JSON escapes each), in emoji 960, and 1,000 such made 668 KB.
MAX_LONG_BLOCKS_BYTES = 360_000
LISTED_TITLE = 80

log = structlog.get_logger(__name__)


def long_blocks(store: Store, org: str, now: datetime, *, keep: bool = True) -> tuple[Item | None, list[CalendarEntry]]:
    """The org's live blocked slots longer than any trip, ending no more than 60 days before `now`
    (the stored list, and its entries). A home from before the list existed, or whose list kept its
    slots for fewer days after their end (30 until 2026-12-06: a feed then missed those ended 30 to 60
    days ago), gets it built from its calendar, and kept unless `keep` is False (a read must write
    nothing: it is built again next time)."""
    stored = store.get(*_long_blocks_key(org))
    if stored is not None and stored.data.get("kept_days") == KEPT_DAYS:
        return stored, [_from_listed(org, e) for e in stored.data["blocks"]]
    entries = map(CalendarEntry.model_validate, (i.data for i in iter_items(store, calendar_pk(org))))
    found = _trimmed([e for e in entries if e.kind is EntryKind.BLOCKED and _is_long(e)], now)
    if not keep:
        return None, found
    condition = VersionIs(stored.version) if stored is not None else Absent()
    try:
        stored = store.put(_long_blocks_item(org, _listed(found)), condition)
    except ConditionFailed:
        return long_blocks(store, org, now)  # built by another process meanwhile
    return stored, found


def list_long_blocks_pending(store: Store, orgs: Sequence[str], now: datetime, *, most: int = 25) -> str:
    """Build and keep the list of long slots (`long_blocks`) of the orgs whose list was never built or keeps
    its slots for fewer days, at most `most` orgs a run (each reads its whole calendar once). The hourly
    `sweep` job calls it: a feed only reads the list, so a home that took no booking or slot since the
    upgrade read its whole calendar on every poll. Says what it listed ("" for no slot: a new home's list is
    kept empty); a store failing is logged, and the org left for the next run."""
    kept = store.get_many([_long_blocks_key(org) for org in orgs])
    pending = [o for o, item in zip(orgs, kept, strict=True) if item is None or item.data.get("kept_days") != KEPT_DAYS]
    listed = built = 0
    for org in pending[:most]:
        try:
            listed += len(long_blocks(store, org, now)[1])
        except StoreError as exc:
            log.warning("calendar.long_blocks_unbuilt", org=org, error=str(exc))
            continue
        built += 1
    more = f"; more next run ({len(pending) - most} orgs)" if len(pending) > most else ""
    if not listed and not more:
        return ""
    slots = f"{listed} long blocked slot{'' if listed == 1 else 's'}"
    return f"{slots} listed for {built} org{'' if built == 1 else 's'}{more}"


def _long_blocks_key(org: str) -> tuple[str, str]:
    return f"ORG#{org}#CALMETA", "LONG-BLOCKS"


def long_blocks_write(store: Store, org: str, entry: CalendarEntry, now: datetime) -> list[Write]:
    """The list of long slots with `entry` as it is now (added, changed, or gone if cancelled or
    short); nothing to write when the list stays as it is."""
    stored, blocks = long_blocks(store, org, now)
    kept = [b for b in blocks if b.uid != entry.uid]
    if _is_long(entry):
        kept.append(entry)
    listed = _listed(_trimmed(kept, now))
    if stored is not None and listed == stored.data["blocks"]:
        return []
    condition = VersionIs(stored.version) if stored else Absent()
    return [Put(_long_blocks_item(org, listed), condition)]


def _long_blocks_item(org: str, listed: list[dict[str, Any]]) -> Item:
    """The stored list of long slots, marked with how long it keeps them after their end."""
    return Item(*_long_blocks_key(org), {"blocks": listed, "kept_days": KEPT_DAYS})


def _is_long(entry: CalendarEntry) -> bool:
    return not entry.cancelled and entry.end - entry.start > TRIP_LENGTH


def _trimmed(blocks: list[CalendarEntry], now: datetime) -> list[CalendarEntry]:
    """The slots worth keeping in the list, soonest first: not ended over 60 days ago, and at most
    MAX_LONG_BLOCKS of them in at most MAX_LONG_BLOCKS_BYTES (those ending last), so that the list stays
    inside one store item whatever the script of their titles."""
    recent = sorted((b for b in blocks if b.end > now - LONG_BLOCKS_KEPT_AFTER_END), key=lambda b: b.end)
    kept = recent[-MAX_LONG_BLOCKS:]
    # as stored (escaped), when they could be too many (a slot is 1.3 KB at most: a title of 80 emoji)
    sizes = [len(json.dumps(e, separators=(",", ":"))) + 1 for e in _listed(kept)] if len(kept) > 250 else []
    total, first = sum(sizes), 0
    while total > MAX_LONG_BLOCKS_BYTES:  # those ending first go
        total, first = total - sizes[first], first + 1
    kept = kept[first:]
    if len(kept) < len(recent):
        log.warning("calendar.long_blocks_capped", kept=len(kept), dropped=len(recent) - len(kept))
    return sorted(kept, key=lambda b: (b.start, b.uid))


def _listed(blocks: list[CalendarEntry]) -> list[dict[str, Any]]:
    """What the list keeps of each slot: what a double booking needs (its message's key names when
    the slot last moved), and a title to name it by."""
    return [{"uid": b.uid, "asset": b.asset, "title": b.title[:LISTED_TITLE], "start": iso(b.start), "end": iso(b.end),
             "placed": b.placed, "channel": b.channel} for b in blocks]  # fmt: skip


def _from_listed(org: str, listed: dict[str, Any]) -> CalendarEntry:
    start = datetime.fromisoformat(listed["start"])
    return CalendarEntry(uid=listed["uid"], org=org, entity="", asset=listed["asset"], kind=EntryKind.BLOCKED,
                         title=listed["title"], start=start, end=datetime.fromisoformat(listed["end"]),
                         placed=int(listed.get("placed", 0)), updated_at=start,
                         channel=str(listed.get("channel", "")))  # fmt: skip
