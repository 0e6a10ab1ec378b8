"""One kind of business data as the admin pages list it (`/admin/data/<org>/<kind>`): by id, a page at a
time, reading from the store only the page and a row more, from a row's place on (`Store.query_between`,
either way), not every row of the kind. A search (the rows whose id holds some text) reads on until it has
its page, but no further than `most` rows a request, and says where it stopped.

Where the rows are: `ORG#<org>#DATA` / `<kind>#<row key>` (`services.data`), in id order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

from firstmate.domain.datafiles import BY_KIND
from firstmate.domain.shared import STORED
from firstmate.errors import InvalidInput, NotFound
from firstmate.ports import Item, Store
from firstmate.services.data import data_pk

#: What a search reads at most in one request before it says where it stopped (a link goes on from there).
SEARCH_READS = 2000
#: Past the longest place a page link may name: a row's id is far shorter (a sort key holds 1,024 bytes).
_LONGEST_PLACE = 900

Matches = Callable[[str], bool]


@dataclass(frozen=True)
class DataListing:
    """One page of a kind's rows, by id, and what the links around it need."""

    rows: list[tuple[str, BaseModel]]
    first: str  # the place the rows before it are read from ("previous": the rows listed before it)
    last: str  # the place the rows after it are read from ("next"): its last row, or where a search stopped
    earlier: bool  # rows (or rows yet to search) are listed before it
    later: bool  # rows (or rows yet to search) are listed after it
    stopped: str = ""  # "before" or "after": the side where a search stopped reading, `most` rows read
    read: int = 0  # how many rows it read


def list_rows(
    store: Store, org: str, kind: str, *, after: str | None = None, before: str | None = None, at: str | None = None,
    last_page: bool = False, matches: Matches | None = None, limit: int = 200, most: int = SEARCH_READS,
) -> DataListing:  # fmt: skip
    """A page of `org`'s rows of `kind` (those whose id `matches` finds), by id: the `limit` rows after the
    id `after`, or before `before`, or from `at` on (the row itself first), or the last `limit`
    (`last_page`), or else the first. A place no longer listed (a removed row) still marks where its row
    stood; a page whose rows all left the list is the list's end instead. Reads the page and a row more;
    a search reads on until it has them, but no more than `most` rows (`stopped` then says on which side)."""
    spec = BY_KIND.get(kind)
    if spec is None:
        raise NotFound(f"no data kind {kind!r}", hint=f"the kinds are: {', '.join(BY_KIND)}")
    for place in (after, before, at):
        if place is not None and len(place.encode()) > _LONGEST_PLACE:
            raise InvalidInput(f"{place[:40]!r}… is no row's id: it is too long", hint="open the list from its page 1")

    def model(item: Item) -> tuple[str, BaseModel]:
        return item.sk.partition("#")[2], spec.model.model_validate(item.data, context=STORED)

    def take(place: str | None, reverse: bool, *, inclusive: bool = False) -> _Taken:
        return _take(store, data_pk(org), kind, place, reverse, inclusive, matches, limit + 1, most)

    if before is not None or last_page:
        got = take(before, True)
        if got.items or last_page or got.stopped:
            rows = [model(i) for i in got.items[:limit]][::-1]
            first = got.last_read if got.stopped and len(got.items) <= limit else rows[0][0] if rows else ""
            return DataListing(
                rows, first=first, last=rows[-1][0] if rows else before or "", earlier=len(got.items) > limit or
                got.stopped, later=before is not None, stopped="before" if got.stopped else "", read=got.read,
            )  # fmt: skip
        after = None  # no row before it: the first page
    if after is not None or at is not None:
        got = take(after if at is None else at, False, inclusive=at is not None)
        if got.items or got.stopped:
            rows = [model(i) for i in got.items[:limit]]
            earlier = after is not None or _any_before(store, data_pk(org), kind, str(at))
            return _forward(rows, got, limit, earlier=earlier, first=rows[0][0] if rows else str(after or at))
        return list_rows(store, org, kind, last_page=True, matches=matches, limit=limit, most=most)  # all left it
    got = take(None, False)
    rows = [model(i) for i in got.items[:limit]]
    return _forward(rows, got, limit, earlier=False, first=rows[0][0] if rows else "")


def place_of_row(store: Store, org: str, kind: str, number: int, *, matches: Matches | None = None) -> str | None:
    """The id of the `number`th row (from 1) of the list `list_rows` shows (an address with a page number,
    kept from before the pages named rows, opens at the row its page follows); None when the list is
    shorter. Reads that many rows (a search, up to `number` times `SEARCH_READS`)."""
    got = _take(store, data_pk(org), kind, None, False, False, matches, number, number * SEARCH_READS)
    return got.items[-1].sk.partition("#")[2] if len(got.items) == number else None


def count_rows(store: Store, org: str, kind: str, *, most: int = 200) -> int:
    """How many rows of `kind` `org` has, counted up to `most` + 1 (that many or more: "more than
    `most`"), reading no further."""
    return len(store.query(data_pk(org), f"{kind}#", limit=most + 1).items)


def _forward(rows: list[tuple[str, BaseModel]], got: _Taken, limit: int, *, earlier: bool, first: str) -> DataListing:
    more = len(got.items) > limit
    last = got.last_read if got.stopped and not more else rows[-1][0] if rows else first
    return DataListing(
        rows, first=first, last=last, earlier=earlier, later=more or got.stopped,
        stopped="after" if got.stopped and not more else "", read=got.read,
    )  # fmt: skip


def _any_before(store: Store, pk: str, kind: str, place: str) -> bool:
    """Whether a row of `kind` is listed before the id `place`."""
    near = store.query_between(pk, f"{kind}#", f"{kind}#{place}", limit=2, reverse=True).items
    return any(item.sk != f"{kind}#{place}" for item in near)


@dataclass(frozen=True)
class _Taken:
    items: list[Item]
    read: int
    stopped: bool  # `most` rows were read before `want` were found, and more are left
    last_read: str  # the id of the last row read


def _take(
    store: Store, pk: str, kind: str, place: str | None, reverse: bool, inclusive: bool, matches: Matches | None,
    want: int, most: int,
) -> _Taken:  # fmt: skip
    """Up to `want` of `kind`'s rows that `matches` finds, from `place` on (left out unless `inclusive`), by
    id (descending when `reverse`), reading no more than `most` rows."""
    items: list[Item] = []
    read, last_read = 0, place or ""
    low, high = f"{kind}#", f"{kind}$"  # "$" follows "#": after every row of the kind
    if place is not None:
        low, high = (low, f"{kind}#{place}") if reverse else (f"{kind}#{place}", high)
    cursor: str | None = None
    while True:
        # a page and a row more (the place's own row, left out); a search, 500 at a time up to its bound and a row
        size = want + 1 if matches is None else min(500, most - read + 2)
        page = store.query_between(pk, low, high, limit=size, cursor=cursor, reverse=reverse)
        for item in page.items:
            key = item.sk.partition("#")[2]
            if key == place and not inclusive:
                continue
            if read >= most:
                return _Taken(items, read, True, last_read)
            read, last_read = read + 1, key
            if matches is None or matches(key):
                items.append(item)
                if len(items) >= want:
                    return _Taken(items, read, False, last_read)
        if page.cursor is None:
            return _Taken(items, read, False, last_read)
        cursor = page.cursor
