"""Forms that act for a signed-in person are taken from firstmate's own pages only.

Crew and admin sessions are cookies (`fm_crew`, `fm_admin`). SameSite=Lax keeps a cross-site form's
POST from carrying them, but not one from a sibling site of the same registrable domain (another app
on `*.example.com`), nor an old browser's. A browser names the page a form was sent from in its
`Origin` header: a request that changes something, with a session cookie, from any other origin is
refused (403) before it reaches a route. Requests without `Origin` (API clients, which carry a key,
not a cookie) pass as before.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from firstmate.web.deps import ADMIN_COOKIE, CREW_COOKIE

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SESSIONS = (f"{CREW_COOKIE}=".encode(), f"{ADMIN_COOKIE}=".encode())


def origin_of(url: str) -> str:
    """A URL's origin as browsers write it: "https://book.example.com" (the port only when not the scheme's);
    "" for one that has none (a host "[::1" or a port past 65535, as a `Host` header may name them)."""
    try:
        parts = urlsplit(url)
        given = parts.port
    except ValueError:
        return ""
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = f":{given}" if given and given != default else ""
    host = (parts.hostname or "").lower()
    return f"{parts.scheme}://{f'[{host}]' if ':' in host else host}{port}"  # an IPv6 address in brackets


class SameOrigin:
    """ASGI middleware refusing a changing request that carries a session cookie from a page of another
    origin than firstmate's (`base_url`, or the host the request was sent to)."""

    def __init__(self, app: ASGIApp, base_url: str) -> None:
        self._app = app
        self._own = origin_of(base_url)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self._app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        origin = headers.get(b"origin", b"").decode("latin-1").strip()
        cookies = headers.get(b"cookie", b"")
        if origin and any(name in cookies for name in _SESSIONS) and not self._allowed(origin.lower(), scope, headers):
            body = orjson.dumps({"error": "Forbidden", "detail": "a form from another site cannot act for you here"})
            length = str(len(body)).encode()
            start = {"type": "http.response.start", "status": 403,
                     "headers": [(b"content-type", b"application/json"), (b"content-length", length)]}  # fmt: skip
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        await self._app(scope, receive, send)

    def _allowed(self, origin: str, scope: Scope, headers: dict[bytes, bytes]) -> bool:
        host = headers.get(b"host", b"").decode("latin-1").lower()
        scheme = str(scope.get("scheme", "http"))
        sent_to = origin_of(f"{scheme}://{host}") if host else ""  # a broken Host header names no origin
        return origin == self._own or (bool(sent_to) and origin == sent_to)
