"""Health and home."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, JSONResponse

from firstmate import __version__
from firstmate.bootstrap import App
from firstmate.errors import StoreError
from firstmate.rendering import render
from firstmate.web.deps import get_app

router = APIRouter()


@router.get("/healthz", tags=["health"], summary="Is the app up and its store reachable?")
def healthz(app: Annotated[App, Depends(get_app)]) -> JSONResponse:
    """200 with `status: ok` when the store answers, 503 otherwise."""
    body: dict[str, Any] = {"status": "ok", "version": __version__, "store": "ok"}
    try:
        app.store.ping()
    except StoreError as exc:
        body.update(status="degraded", store=str(exc))
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(app: Annotated[App, Depends(get_app)]) -> HTMLResponse:
    """What this firstmate serves, with links."""
    return HTMLResponse(render("home.html", settings=app.settings, version=__version__))
