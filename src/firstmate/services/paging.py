"""Reading every page of a query, for the small partitions where that is what a use case needs."""

from __future__ import annotations

from collections.abc import Iterator

from firstmate.ports import Item, Store


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


def iter_between(store: Store, pk: str, sk_from: str, sk_to: str, *, page_size: int = 200) -> Iterator[Item]:
    """The live items of partition `pk` with sort keys from `sk_from` to `sk_to` (both included), in
    order, a page read at a time."""
    cursor: str | None = None
    while True:
        page = store.query_between(pk, sk_from, sk_to, limit=page_size, cursor=cursor)
        yield from page.items
        if page.cursor is None:
            return
        cursor = page.cursor


def all_items(store: Store, pk: str, prefix: str = "", *, page_size: int = 200) -> list[Item]:
    """Every live item of partition `pk` under `prefix`, in sort-key order."""
    return list(iter_items(store, pk, prefix, page_size=page_size))
