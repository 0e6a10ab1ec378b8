"""Reading every page of a query, for the small partitions where that is what a use case needs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from firstmate.errors import InvalidInput
from firstmate.ports import Item, Store

#: The most days one list of trips covers: a season at a time, so that a mistyped year reads no decade of calendar.
MOST_DAYS = 366


def iter_items(
    store: Store, pk: str, prefix: str = "", *, reverse: bool = False, page_size: int = 200
) -> Iterator[Item]:
    """The live items of partition `pk` under `prefix`, in sort-key order (descending when
    `reverse`), a page read at a time: a caller that stops early reads no further pages."""
    cursor: str | None = None
    while True:
        page = store.query(pk, prefix, limit=page_size, cursor=cursor, reverse=reverse)
        yield from page.items
        if page.cursor is None:
            return
        cursor = page.cursor


def iter_between(
    store: Store, pk: str, sk_from: str, sk_to: str, *, page_size: int = 200, reverse: bool = False
) -> Iterator[Item]:
    """The live items of partition `pk` with sort keys from `sk_from` to `sk_to` (both included), in
    order (descending from `sk_to` when `reverse`), a page read at a time: a caller that stops early reads no
    further pages."""
    cursor: str | None = None
    while True:
        page = store.query_between(pk, sk_from, sk_to, limit=page_size, cursor=cursor, reverse=reverse)
        yield from page.items
        if page.cursor is None:
            return
        cursor = page.cursor


def all_items(store: Store, pk: str, prefix: str = "", *, page_size: int = 200) -> list[Item]:
    """Every live item of partition `pk` under `prefix`, in sort-key order."""
    return list(iter_items(store, pk, prefix, page_size=page_size))


def check_days(first: date, last: date) -> None:
    """Refuse, saying what to write, a list of trips from day `first` to day `last` that ends before it starts,
    covers more than MOST_DAYS, or reaches outside 2000–2100 (where no trip is)."""
    for day in (first, last):
        if not 2000 <= day.year <= 2100:
            raise InvalidInput(f"{day} is not between 2000 and 2100: write a day of a trip, like 2026-06-13")
    if last < first:
        raise InvalidInput(f"the range ends ({last}) before it starts ({first}): give the earlier day first")
    if (last - first).days >= MOST_DAYS:
        raise InvalidInput(f"{first} to {last} is over {MOST_DAYS} days: list a season at a time")
