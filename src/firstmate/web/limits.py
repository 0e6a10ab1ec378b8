"""Request body limits, enforced before a body is parsed (so a huge body costs nothing)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from firstmate.rendering import render

#: No request firstmate accepts needs more (photos go straight to blob storage).
MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class PathLimit:
    """The largest body one path takes, and what a sender over it is told (a guest's photo: in megabytes,
    what to do, where "the body is over 15064000 bytes; send less" told them neither)."""

    max_bytes: int
    detail: str
    hint: str


class BodyLimit:
    """ASGI middleware: 413 for a body over `max_bytes`, by Content-Length or as it streams; a browser on a
    page gets the error page, anyone else the API's answer."""

    def __init__(self, app: ASGIApp, max_bytes: int, per_path: dict[str, PathLimit] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.per_path = per_path or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = self.per_path.get(scope["path"])
        limit = path.max_bytes if path else self.max_bytes
        said = path or PathLimit(limit, f"the body is over {limit} bytes", "send less")
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        page = b"text/html" in headers.get(b"accept", b"") and not scope["path"].startswith("/api/")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(send, said, page=page)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _too_large(send, said, page=page)


# not in errors.py: caught in this module, which answers 413 itself
class _TooLarge(Exception):
    pass


async def _too_large(send: Send, said: PathLimit, *, page: bool) -> None:
    if page:  # as the app's error pages are (`app._answer`)
        body, kind = render("error.html", status=413, message=said.detail, hint=said.hint).encode(), b"text/html"
    else:
        body = json.dumps({"error": "PayloadTooLarge", "detail": said.detail, "hint": said.hint}).encode()
        kind = b"application/json"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
