"""The outbox as admins list it (`/admin/outbox`, `firstmate outbox list`): newest queued first, across
orgs, a page at a time, reading from the store only the page and one row more.

Where the rows come from: sent and dead entries sit in the index under `OUTBOX#SENT` / `OUTBOX#DEAD`,
keyed `<org>#<queued>#<key>`, so each org's are read in the order listed, from any row's place on
(`Store.query_index_between`), and the orgs' are merged. Open ones (pending, sending) are the
dispatcher's, under `OUTBOX#DUE` by due time: they are read whole, being the few waiting to go out (after
an outage, those queued since it began). Entries stored before sent ones were indexed are given their
index keys by `reindex`, once per org (the hourly `sweep` job, or `firstmate outbox reindex`).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

from firstmate.domain.outbox import OutboxEntry, OutboxStatus
from firstmate.domain.shared import iso
from firstmate.ports import Item, Store
from firstmate.services.outbox import DEAD_INDEX, DUE_INDEX, SENT_INDEX, from_item, outbox_pk, to_item
from firstmate.services.paging import iter_items
from firstmate.services.upgrades import rekey_items, upgrade_pending

#: Where an entry stands in the list: when it was queued (UTC, to the microsecond), its org, its key. Places
#: sort as the list does, newest last; the list shows them from the highest.
Place = tuple[str, str, str]
#: Above every org (slugs of a-z, 0-9 and "-"): a place (moment, TOP, "") follows every row queued by then.
_TOP = "\U0010ffff"
#: The upgrade `reindex` is recorded as, per org (`services.upgrades`): entries indexed by when they were queued.
_UPGRADE = "outbox-listed"
#: What a search (`matches`) reads at most in one request before it says where it stopped (a link goes on).
SEARCH_READS = 2000


def stamp(moment: datetime) -> str:
    """A moment as places and index keys hold it: UTC to the microsecond, sorting as time does."""
    return iso(moment.astimezone(UTC))  # as `listed_sk` holds it


def place_of(entry: OutboxEntry) -> Place:
    """Where `entry` stands in the list."""
    return stamp(entry.created_at), entry.org, entry.key


@dataclass(frozen=True)
class Listing:
    """One page of the list, newest first, and whether rows are listed before (newer) or after it (older)
    (or, for a search that stopped reading, are yet to be searched there)."""

    rows: list[OutboxEntry]
    newer: bool
    older: bool
    stopped: str = ""  # "older" or "newer": the side where a search stopped, `most` messages read
    stopped_at: Place | None = None  # the place of the last message it read: the search goes on from there
    read: int = 0  # how many messages a search read


@dataclass
class _Scan:
    """How much of the list a search reads: at most `most` messages (None: no bound), and where it stopped."""

    most: int | None
    read: int = 0
    last: Place | None = None
    stopped: bool = False


Matches = Callable[[OutboxEntry], bool]


def list_page(
    store: Store, orgs: Sequence[str], *, status: OutboxStatus | None = None, upto: datetime | None = None,
    after: Place | None = None, before: Place | None = None, oldest: bool = False, matches: Matches | None = None,
    limit: int = 200, most: int = SEARCH_READS,
) -> Listing:  # fmt: skip
    """A page of `orgs`' messages (of `status`, and that `matches` finds), newest first: the `limit` rows
    listed after the one at place `after` (older), or those before the one at `before` (newer), or the
    oldest `limit` (`oldest`), or else the newest. `upto`: the list as it stood then, leaving out messages
    queued since. A place no longer listed still marks where its row stood; a page whose rows all left
    the list is the list's end instead (its oldest rows, or its newest). Reads the page and one row more
    from each end it reads (`matches` reads on until it has them, but no more than `most` messages: the
    listing then says where it stopped), and every open message of `orgs`."""
    cap: Place | None = (stamp(upto), _TOP, "") if upto else None
    want = limit + 1

    def older_than(place: Place | None) -> tuple[list[OutboxEntry], _Scan]:
        below = min(place, cap) if place and cap else place or cap
        scan = _Scan(most if matches else None)
        rows = _rows(store, orgs, status, matches, below=below, above=None, up=False, want=want, scan=scan)
        return list(islice(rows, want)), scan

    def newer_than(place: Place | None) -> tuple[list[OutboxEntry], _Scan]:
        scan = _Scan(most if matches else None)
        rows = _rows(store, orgs, status, matches, below=cap, above=place, up=True, want=want, scan=scan)
        return list(islice(rows, want)), scan

    def down(rows: list[OutboxEntry], scan: _Scan, *, newer: bool) -> Listing:  # read from the newest end down
        older, stopped = len(rows) > limit or scan.stopped, "older" if scan.stopped else ""
        return Listing(rows[:limit], newer, older, stopped, scan.last if stopped else None, scan.read)

    def up(rows: list[OutboxEntry], scan: _Scan, *, older: bool) -> Listing:  # read from the oldest end up
        newer, stopped = len(rows) > limit or scan.stopped, "newer" if scan.stopped else ""
        return Listing(rows[:limit][::-1], newer, older, stopped, scan.last if stopped else None, scan.read)

    if before or oldest:
        rows, scan = newer_than(before)
        if rows or oldest or scan.stopped:
            return up(rows, scan, older=bool(before))
    elif after:
        rows, scan = older_than(after)
        if rows or scan.stopped:
            return down(rows, scan, newer=True)
        rows, scan = newer_than(None)  # every row after it has left the list: its last page, not "none"
        return up(rows, scan, older=False)
    rows, scan = older_than(None)
    return down(rows, scan, newer=False)


def queued_since(
    store: Store, orgs: Sequence[str], upto: datetime, *, status: OutboxStatus | None = None,
    matches: Matches | None = None, most: int = 200, reads: int = SEARCH_READS,
) -> tuple[int, bool]:  # fmt: skip
    """How many of the messages `list_page` lists were queued after `upto`, counted up to `most` + 1
    (that many or more: "more than `most`"), reading no further; and whether a search (`matches`) stopped
    after reading `reads` messages, before it had counted them all (then: that many or more)."""
    scan = _Scan(reads if matches else None)
    above = (stamp(upto), _TOP, "")
    rows = _rows(store, orgs, status, matches, below=None, above=above, up=True, want=most + 1, scan=scan)
    return sum(1 for _ in islice(rows, most + 1)), scan.stopped


def place_of_row(
    store: Store, orgs: Sequence[str], number: int, *, status: OutboxStatus | None = None,
    upto: datetime | None = None, matches: Matches | None = None,
) -> Place | None:  # fmt: skip
    """The place of the `number`th row (from 1) of the list `list_page` shows, newest first (an address
    with a page number, kept from before the pages named rows, opens at the row its page follows);
    None when the list is shorter. Reads that many rows (a search: that many times `SEARCH_READS` / 200
    at most, None when it has not found them by then)."""
    cap: Place | None = (stamp(upto), _TOP, "") if upto else None
    scan = _Scan(max(number * SEARCH_READS // 200, SEARCH_READS) if matches else None)
    found = _rows(store, orgs, status, matches, below=cap, above=None, up=False, want=number, scan=scan)
    rows = list(islice(found, number))
    return place_of(rows[-1]) if len(rows) == number else None


def newest(
    store: Store, orgs: Sequence[str], *, status: OutboxStatus | None = None, limit: int | None = 200
) -> tuple[list[OutboxEntry], bool]:
    """The newest `limit` messages of `orgs` (None: every one), and whether older ones were left out."""
    if limit is None:
        return list(_rows(store, orgs, status, None, below=None, above=None, up=False, want=0)), False
    rows = list(islice(_rows(store, orgs, status, None, below=None, above=None, up=False, want=limit + 1), limit + 1))
    return rows[:limit], len(rows) > limit


def _rows(
    store: Store, orgs: Sequence[str], status: OutboxStatus | None, matches: Matches | None, *,
    below: Place | None, above: Place | None, up: bool, want: int, scan: _Scan | None = None,
) -> Iterator[OutboxEntry]:  # fmt: skip
    """The messages listed strictly between `above` and `below` (None: no bound), from `below` down
    (newest first), or from `above` up (`up`); each index read a little at a time, for
    `want` rows in all (0: every one, read 500 at a time), each message once (one sent while it was read
    could be met twice). `scan`: stop after reading its `most` messages, saying so in it, with the last read."""
    descending = not up
    indexes = [i for s, i in ((OutboxStatus.SENT, SENT_INDEX), (OutboxStatus.DEAD, DEAD_INDEX)) if status in (None, s)]
    wanted = _Wanted(want or 500, 25 if want else 500, scan)
    first = -(-wanted.left // (len(indexes) * len(orgs) + 1))  # a share each (the open ones too), then more
    streams: list[Iterator[OutboxEntry]] = [
        _indexed(store, index, org, below, above, descending, wanted, first) for index in indexes for org in orgs
    ]
    if status in (None, OutboxStatus.PENDING, OutboxStatus.SENDING):
        streams.append(_open(store, orgs, status, below, above, descending))
    seen: set[tuple[str, str]] = set()
    for entry in heapq.merge(*streams, key=place_of, reverse=descending):
        if (entry.org, entry.key) in seen:
            continue
        if scan is not None and scan.most is not None:
            if scan.read >= scan.most:
                scan.stopped = True
                return
            scan.read, scan.last = scan.read + 1, place_of(entry)
        if matches is not None and not matches(entry):
            continue
        seen.add((entry.org, entry.key))
        wanted.left -= 1
        yield entry


@dataclass
class _Wanted:
    """How many rows a listing still wants: what an index reads next (at least `least`, so that a
    listing never reads a row at a time; no more than a search has left to read, and one more)."""

    left: int
    least: int
    scan: _Scan | None = None

    def next_read(self) -> int:
        """How many items an index reads next."""
        size = max(self.left, self.least)
        if self.scan is not None and self.scan.most is not None:
            size = min(size, max(self.scan.most - self.scan.read + 1, 1))
        return size


def _indexed(
    store: Store, index: str, org: str, below: Place | None, above: Place | None, descending: bool,
    wanted: _Wanted, first: int,
) -> Iterator[OutboxEntry]:  # fmt: skip
    """`org`'s entries under `index` strictly between the places, in the list's order (descending: from
    `below` down), read `first` at a time, then as many as the listing still wants."""
    sk_from = _sk(org, above) if above else f"{org}#"
    sk_to = _sk(org, below) if below else f"{org}$"  # "$" follows "#": after every key of the org
    size, cursor = max(first, 1), None
    while True:
        page = store.query_index_between(index, sk_from, sk_to, limit=size, cursor=cursor, reverse=descending)
        for item in page.items:
            entry = from_item(item)
            place = place_of(entry)
            if (below is None or place < below) and (above is None or place > above):
                yield entry
        if page.cursor is None:
            return
        cursor, size = page.cursor, wanted.next_read()


def _sk(org: str, place: Place) -> str:
    """The index key of `org`'s nearest to `place` (both ways: the bounds are included, and a row at the
    place itself is left out by its caller). At the place's own moment, an org sorting before the
    place's has its rows before it, one after has them after."""
    moment, its_org, key = place
    if org == its_org:
        return f"{org}#{moment}#{key}"
    return f"{org}#{moment}$" if org < its_org else f"{org}#{moment}"


def _open(
    store: Store, orgs: Sequence[str], status: OutboxStatus | None, below: Place | None, above: Place | None,
    descending: bool,
) -> Iterator[OutboxEntry]:  # fmt: skip
    """`orgs`' open entries (of `status`) strictly between the places, in the list's order: every one
    the dispatcher's index holds, read at once (its order is when they are due)."""
    partitions = {outbox_pk(org) for org in orgs}
    statuses = {status.value} if status else {OutboxStatus.PENDING.value, OutboxStatus.SENDING.value}
    entries = [
        from_item(item)
        for item in _index_items(store, DUE_INDEX)
        if item.pk in partitions and item.data.get("status") in statuses
    ]
    within = [e for e in entries if (below is None or place_of(e) < below) and (above is None or place_of(e) > above)]
    yield from sorted(within, key=place_of, reverse=descending)


def _index_items(store: Store, index: str) -> Iterator[Item]:
    cursor: str | None = None
    while True:
        page = store.query_index(index, limit=500, cursor=cursor)
        yield from page.items
        if page.cursor is None:
            return
        cursor = page.cursor


def reindex(store: Store, org: str, *, most: int | None = None) -> tuple[int, bool]:
    """Give `org`'s outbox entries the index keys they are listed by now (sent ones had none, dead ones
    were keyed without their time): entries stored before then are not listed until this is done.
    Returns how many were rewritten, and whether every one is done (False when `most` rewrites were made
    first: call again). Idempotent; an entry written meanwhile is left as written (with its keys)."""

    def indexed(item: Item) -> Item | None:
        rewritten = to_item(from_item(item))
        # open ones included: the dispatcher's index, and its stream, are left alone
        return None if (item.gsi1pk, item.gsi1sk) == (rewritten.gsi1pk, rewritten.gsi1sk) else rewritten

    return rekey_items(store, _UPGRADE, org, iter_items(store, outbox_pk(org)), indexed, most=most)


def reindex_pending(store: Store, orgs: Sequence[str], *, most: int = 5000) -> str:
    """`reindex` the orgs not done yet, at most `most` rewrites a run (the hourly `sweep` job calls it:
    after an upgrade each org's entries are read once, and never again). Says what it did."""
    rewritten, left = upgrade_pending(store, orgs, _UPGRADE, lambda org, n: reindex(store, org, most=n), most=most)
    if not rewritten and not left:
        return ""
    return f"{rewritten} outbox entries indexed for the admin list" + (f"; more next run ({left})" if left else "")
