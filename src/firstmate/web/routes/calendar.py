"""Calendar feeds at /calendar/<token>.ics, with ETags so calendar apps poll cheaply."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from firstmate.bootstrap import App
from firstmate.services.calendar import etag, feed_ics, resolve_feed
from firstmate.web.deps import get_app

router = APIRouter(include_in_schema=False)


@router.get("/calendar/{token}.ics")
def calendar_feed(token: str, request: Request, app: Annotated[App, Depends(get_app)]) -> Response:
    """The feed a secret token opens (404 for anything else)."""
    feed = resolve_feed(app.secret_key, app.store, token)
    body = feed_ics(app.store, feed, app.clock.now(), more_at=f"{app.settings.base_url}/crew")
    tag = etag(body)
    headers = {"ETag": tag, "Cache-Control": "private, max-age=300"}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)
