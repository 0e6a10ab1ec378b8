"""Crew pages: sign in by link, see my trips, claim roles, work the checklist. No money, ever
(admins get one extra panel). Everything works without JavaScript."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from firstmate.bootstrap import App
from firstmate.domain.guests import MAX_REASON
from firstmate.errors import RateLimited, StoreError, Unauthorized, UserError
from firstmate.rendering import render
from firstmate.services import checklists, roster
from firstmate.services.crew_access import (
    NOT_ACTIVE,
    CrewSession,
    check_link,
    end_session,
    request_login_link,
    spend_link,
)
from firstmate.services.crew_access import SESSION_TTL as CREW_SESSION_TTL
from firstmate.services.crew_views import admin_money, event_view, place_in_list, trip_list
from firstmate.services.trips import get_event
from firstmate.web.deps import CREW_COOKIE, client_network, crew_session, get_app
from firstmate.web.page_cache import keep, minute_of

router = APIRouter(prefix="/crew", include_in_schema=False)
log = structlog.get_logger(__name__)
AppDep = Annotated[App, Depends(get_app)]


def _html(template: str, status: int = 200, **context: object) -> HTMLResponse:
    response = HTMLResponse(render(template, **context), status_code=status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _signed_in(request: Request) -> CrewSession | Response:
    """The session's person, or where to go instead: the sign-in page (someone taken off the crew is told
    why there, and their cookie forgotten: they were sent to it with no word, and asked for a link that never
    came)."""
    try:
        return crew_session(request)
    except Unauthorized as exc:
        if exc.message != NOT_ACTIVE:
            return RedirectResponse("/crew/login", status_code=303)
        page = _html("crew/login.html", status=401, error=_refused(exc))
        page.delete_cookie(CREW_COOKIE, path="/")
        return page


@router.get("/login", response_class=HTMLResponse)
def login_form() -> HTMLResponse:
    """Ask for a sign-in link."""
    return _html("crew/login.html")


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, app: AppDep, email: Annotated[str, Form()] = "") -> HTMLResponse:
    """Send a link if the address is known; the answer is the same either way."""
    try:
        request_login_link(app, email, client_network(request))
    except RateLimited as exc:
        response = _html("crew/login.html", status=429, error=exc.message)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    return _html("crew/check_email.html")


@router.get("/enter", response_class=HTMLResponse)
def enter_form(app: AppDep, t: str = "") -> HTMLResponse:
    """A link opens this page; nothing is spent until Continue is pressed."""
    try:
        check_link(app, t)
    except Unauthorized as exc:
        return _html("crew/login.html", status=401, error=_refused(exc))
    return _html("crew/continue.html", token=t)


def _refused(exc: Unauthorized) -> str:
    """Why a link opens nothing, and what to do: its own hint when it has one ("ask the operations manager",
    for someone no longer active, to whom a new link never comes), else a new link."""
    if exc.hint and "new link" not in exc.hint:
        return f"{exc.message}: {exc.hint}."
    return f"{exc.message}: ask for a new link below."


@router.post("/enter")
def enter(request: Request, app: AppDep, t: Annotated[str, Form()] = "") -> Response:
    """Spend the link, set the session cookie, and go on to a URL without the token."""
    try:
        session, next_url = spend_link(app, t)
    except Unauthorized as exc:
        return _html("crew/login.html", status=401, error=_refused(exc))
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        CREW_COOKIE,
        session,
        max_age=int(CREW_SESSION_TTL.total_seconds()),
        httponly=True,
        secure=request.url.scheme == "https" or app.settings.base_url.startswith("https://"),
        samesite="lax",
        path="/",
    )
    return response


@router.post("/logout")
def logout(request: Request, app: AppDep) -> Response:
    """Sign the session out for good (a copy of the cookie stops working too), and forget it."""
    token = request.cookies.get(CREW_COOKIE)
    try:
        if token:
            end_session(app, token)
    except StoreError as exc:  # storage down: the browser still forgets the session; copies live on
        log.error("crew.sign_out_not_recorded", error=str(exc))
    response = RedirectResponse("/crew/login", status_code=303)
    response.delete_cookie(CREW_COOKIE, path="/")
    return response


@router.get("", response_class=HTMLResponse)
def home(request: Request, app: AppDep, after: str = "") -> Response:
    """My trips and the ones I could crew, as of the current minute, `TRIPS_SHOWN` a page (`after`:
    the place the page before ended, its "Later trips" link). The first page is kept for `KeptPages`
    to answer again while nothing in the store changes."""
    marker = app.store.change_marker()  # before every read the page rests on
    session = _signed_in(request)
    if not isinstance(session, CrewSession):
        return session
    if after:
        place_in_list(after)  # refused before anything is read
    now = minute_of(app.clock.now())
    listing = trip_list(app, session.org, session.person, now, after=after or None)
    page = _html("crew/home.html", person=session.person, trips=listing.trips, later=listing.later, after=after)
    # a later page is not kept: kept pages are filed by path alone, and "/crew" must answer the first
    return page if after else keep(request, session, now, marker, page)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(event_id: str, request: Request, app: AppDep) -> Response:
    """One trip: timing, roster, checklist, as of the current minute. Kept for `KeptPages` to answer
    again while nothing in the store changes. Its error notice is an action's own, never the address's:
    `?error=` showed any text as an alert on the genuine page (a spoofed "confirm your bank details")."""
    marker = app.store.change_marker()  # before every read the page rests on
    session = _signed_in(request)
    if not isinstance(session, CrewSession):
        return session
    now = minute_of(app.clock.now())
    return keep(request, session, now, marker, _event(app, session, event_id, now=now))


def _event(
    app: App, session: CrewSession, event_id: str, *, error: str = "", status: int = 200, now: datetime | None = None
) -> HTMLResponse:
    view = event_view(app, session.org, event_id, session.person, now)
    money = admin_money(app, session.org, get_event(app.store, session.org, event_id)) if session.person.admin else None
    return _html(
        "crew/event.html", status=status, person=session.person, trip=view, admin=money, error=error,
        max_reason=MAX_REASON,
    )  # fmt: skip


def _act(request: Request, app: App, event_id: str, action: object) -> Response:
    session = _signed_in(request)
    if not isinstance(session, CrewSession):
        return session
    assert callable(action)
    try:
        action(session)
    except UserError as exc:
        return _event(app, session, event_id, error=exc.message, status=exc.http_status)
    return RedirectResponse(f"/crew/events/{event_id}", status_code=303)


@router.post("/events/{event_id}/roles/{role}/claim")
def claim(event_id: str, role: str, request: Request, app: AppDep, seen: Annotated[str, Form()] = "") -> Response:
    """Take a role, at the times the page showed (`seen`): refused, the page shown again, if the trip moved since."""
    return _act(
        request, app, event_id, lambda s: roster.claim_role(app, s.org, event_id, role, s.person.id, seen=seen or None)
    )


@router.post("/events/{event_id}/roles/{role}/release")
def release(
    event_id: str, role: str, request: Request, app: AppDep, person_id: Annotated[str, Form()] = ""
) -> Response:
    """Give a role back (or, for the captain or an admin, release someone)."""
    return _act(
        request, app, event_id,
        lambda s: roster.release_role(app, s.org, event_id, role, person_id or s.person.id, s.person),
    )  # fmt: skip


@router.post("/events/{event_id}/roles/{role}/designate")
def designate(
    event_id: str, role: str, request: Request, app: AppDep, person_id: Annotated[str, Form()] = ""
) -> Response:
    """The captain or an admin assigns someone."""
    return _act(
        request, app, event_id, lambda s: roster.designate_role(app, s.org, event_id, role, person_id, s.person)
    )


@router.post("/events/{event_id}/checklist/{key}/tick")
def tick(
    event_id: str, key: str, request: Request, app: AppDep, reason: Annotated[str, Form()] = "",
    seen: Annotated[str, Form()] = "", waiting: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    """Tick an item as the page showed it (`seen`: refused, the page shown again, if it changed since;
    admins may give a reason to depart without the waivers of those the page named, `waiting`)."""
    return _act(
        request, app, event_id,
        lambda s: checklists.tick_item(
            app, s.org, event_id, key, s.person, override_reason=reason, seen=seen or None, waiting=waiting or None
        ),
    )  # fmt: skip


@router.post("/events/{event_id}/checklist/{key}/undo")
def undo(event_id: str, key: str, request: Request, app: AppDep) -> Response:
    """Undo a tick (recorded)."""
    return _act(request, app, event_id, lambda s: checklists.untick_item(app, s.org, event_id, key, s.person))
