"""Kept pages: a page built for a signed-in crew member is answered again, before any routing, while
nothing in the store has changed since it was built and the minute it shows has not passed. The
same goes for the trip as JSON (`GET /api/v1/events/{id}`), which an open trip page polls every 15 s.

The route that builds a page keeps it (`PageCache.put`, under `kept_key`); `KeptPages`, an ASGI
middleware, answers a GET of that path in the same session and minute without reading the
store: a session signature check and the store's change marker (about 5 µs on SQLite). Any committed
write, by any thread or process, retires every kept page; a store that cannot tell (DynamoDB) keeps
none. The same idea as a reverse proxy's cache, with exact invalidation instead of a time to live.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from firstmate.bootstrap import App
from firstmate.errors import Unauthorized
from firstmate.services.crew_access import CrewSession, session_claims
from firstmate.web.deps import CREW_COOKIE

ResponseT = TypeVar("ResponseT", bound=Response)

#: Only pages at or under this path are ever kept (the crew's trip list and trip pages)…
KEPT_ROOT = "/crew"
#: … and the trip as JSON right under this one, when asked with the session cookie (not a service key).
KEPT_API = "/api/v1/events/"


def minute_of(moment: datetime) -> datetime:
    """`moment` to the minute: what a kept page shows is as of this."""
    return moment.replace(second=0, microsecond=0)


def kept_key(org: str, person_id: str, session_id: str, path: str, minute: datetime) -> Hashable:
    """What a kept page is filed under: one page per session (so a signed-out session's copy of the
    cookie never gets a page another of the person's sessions built), path and minute."""
    return (org, person_id, session_id, path, minute)


@dataclass(frozen=True)
class _Kept:
    marker: Hashable
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


class PageCache:
    """Answers by key, each kept with the store's change marker read before it was built, and given
    back only while the store's marker still equals it. Holds at most `capacity` answers (the least
    recently used go first; 0 keeps none). Shared by the event loop and worker threads."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._kept: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, key: Hashable, marker: Hashable | None, response: Response) -> None:
        """Keep `response` (a 200 built from reads made after the store showed `marker`); anything
        else, or no marker, is not kept."""
        if marker is None or self._capacity == 0 or response.status_code != 200:
            return
        kept = _Kept(marker, tuple(response.raw_headers), bytes(response.body))
        with self._lock:
            self._kept[key] = kept
            self._kept.move_to_end(key)
            while len(self._kept) > self._capacity:
                self._kept.popitem(last=False)

    def get(self, key: Hashable, marker: Hashable | None) -> _Kept | None:
        """The answer kept under `key` if it was built under `marker`; None otherwise (or for no marker)."""
        if marker is None:
            return None
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or kept.marker != marker:
                return None
            self._kept.move_to_end(key)
            return kept

    def __len__(self) -> int:
        return len(self._kept)


def keep(
    request: Request, session: CrewSession, minute: datetime, marker: Hashable | None, answer: ResponseT
) -> ResponseT:
    """A route's `answer`, kept for this session, path and minute under the `marker` it read before
    any read the answer rests on (the app's PageCache; nothing is kept unless it is a 200, nor for a
    service key acting for someone)."""
    if session.session_id:
        pages: PageCache = request.app.state.crew_pages
        key = kept_key(session.org, session.person.id, session.session_id, request.scope["path"], minute)
        pages.put(key, marker, answer)
    return answer


class KeptPages:
    """ASGI middleware: answers a GET of a kept path (no query string) from a signed-in crew member
    with the answer kept for them, this path and this minute, if the store has not changed since;
    passes everything else on untouched, so a miss or any doubt costs only the look-up."""

    def __init__(self, app: ASGIApp, firstmate: App, pages: PageCache) -> None:
        self._app = app
        self._firstmate = firstmate
        self._pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kept = self._kept(scope) if scope["type"] == "http" else None
        if kept is None:
            await self._app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 200, "headers": list(kept.headers)})
        await send({"type": "http.response.body", "body": kept.body})

    def _kept(self, scope: Scope) -> _Kept | None:
        path: str = scope["path"]
        if not self._pages or scope["method"] != "GET" or scope["query_string"] or not _kept_path(path):
            return None  # nothing kept (none yet, or crew_page_cache = 0): no cookie, marker or signature to check
        if path.startswith(KEPT_API) and Headers(scope=scope).get("authorization"):
            return None  # a service key acting for someone: the route answers for them
        token = Request(scope).cookies.get(CREW_COOKIE)  # as the route will read it, whatever the headers
        if not token:
            return None
        app = self._firstmate
        marker = app.store.change_marker()  # read first: a write after it only makes the page look stale
        if marker is None:  # a store that cannot tell: nothing was kept
            return None
        try:
            org, person_id, session_id = session_claims(app, token)
        except Unauthorized:
            return None  # the route answers as it always does
        return self._pages.get(kept_key(org, person_id, session_id, path, minute_of(app.clock.now())), marker)


def _kept_path(path: str) -> bool:
    if path.startswith(KEPT_API):
        return "/" not in path.removeprefix(KEPT_API)  # the trip itself, not its actions
    return path == KEPT_ROOT or path.startswith(KEPT_ROOT + "/")
