"""A recording wrapper around the Store port, for tests that keep a path's reads bounded (what a
request reads must not grow with the business's history)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from firstmate.bootstrap import App
from firstmate.ports import Item, Page, Store
from firstmate.services.access import admin_link_token
from firstmate.web.app import create_app


@contextmanager
def admin_browser(app: App, store: Any) -> Iterator[tuple[App, TestClient]]:
    """`app` reading through `store` (a wrapper of its own store that watches its reads), and a browser signed
    in to it as an admin."""
    watched = dataclasses.replace(app, store=store)
    with TestClient(create_app(watched)) as client:
        token = admin_link_token(app.secret_key, app.clock.now())
        assert client.get(f"/admin/enter?t={token}", follow_redirects=False).status_code == 303
        yield watched, client


class RecordingStore:
    """The app's store, recording the key of every item a read hands back."""

    def __init__(self, store: Store) -> None:
        self._store, self.read = store, list[tuple[str, str]]()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def _seen(self, items: Sequence[Item | None]) -> None:
        self.read += [(i.pk, i.sk) for i in items if i is not None]

    def _paged(self, page: Page) -> Page:
        self._seen(page.items)
        return page

    def get(self, pk: str, sk: str) -> Item | None:
        item = self._store.get(pk, sk)
        self._seen([item])
        return item

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Item | None]:
        items = self._store.get_many(keys)
        self._seen(items)
        return items

    def query(self, *args: Any, **kwargs: Any) -> Page:
        return self._paged(self._store.query(*args, **kwargs))

    def query_prefixes(self, pk: str, prefixes: Sequence[str]) -> list[Item]:
        items = self._store.query_prefixes(pk, prefixes)
        self._seen(items)
        return items

    def query_between(self, *args: Any, **kwargs: Any) -> Page:
        return self._paged(self._store.query_between(*args, **kwargs))

    def query_index(self, *args: Any, **kwargs: Any) -> Page:
        return self._paged(self._store.query_index(*args, **kwargs))

    def query_index_between(self, *args: Any, **kwargs: Any) -> Page:
        return self._paged(self._store.query_index_between(*args, **kwargs))
