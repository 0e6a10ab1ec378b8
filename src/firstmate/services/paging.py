"""Reading every page of a query, for the small partitions where that is what a use case needs."""

from __future__ import annotations

from firstmate.ports import Item, Store


def all_items(store: Store, pk: str, prefix: str = "", *, page_size: int = 200) -> list[Item]:
    """Every live item of partition `pk` under `prefix`, in sort-key order."""
    items: list[Item] = []
    cursor: str | None = None
    while True:
        page = store.query(pk, prefix, limit=page_size, cursor=cursor)
        items += page.items
        if page.cursor is None:
            return items
        cursor = page.cursor
