"""Guest pages at /g/<code>: the trip, branded for its business line; no money, ever."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from firstmate.bootstrap import App
from firstmate.rendering import render
from firstmate.services.guest_pages import open_guest_page
from firstmate.web.deps import client_ip, get_app

router = APIRouter(include_in_schema=False)


@router.get("/g/{code}", response_class=HTMLResponse)
def guest_page(code: str, request: Request, app: Annotated[App, Depends(get_app)]) -> HTMLResponse:
    """A trip's page for its guests."""
    page = open_guest_page(app, code, client_ip(request))
    response = HTMLResponse(render("guests/page.html", page=page, trip=page.trip))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
