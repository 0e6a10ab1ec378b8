"""The FastAPI application: routes, error mapping, security headers, background workers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path

import structlog
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from firstmate import __version__
from firstmate.bootstrap import App
from firstmate.domain.bookings import problem_text
from firstmate.errors import (
    BlobError,
    Conflict,
    FirstmateError,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    StoreError,
    StoreUnavailable,
    Unauthorized,
    UserError,
)
from firstmate.rendering import render
from firstmate.services.business import load_business
from firstmate.web.deps import app_of
from firstmate.web.limits import MAX_BODY_BYTES, BodyLimit
from firstmate.web.page_cache import KeptPages, PageCache
from firstmate.web.routes import (
    admin,
    bookings,
    calendar,
    crew,
    data,
    events,
    guests,
    health,
    reports,
    uploads,
    waivers,
)
from firstmate.web.same_origin import SameOrigin

log = structlog.get_logger(__name__)

#: The `error` an HTTPException's answer names: firstmate's own type for that status, where there is one.
_HTTP_ERROR_NAMES = {
    cls.http_status: cls.__name__
    for cls in (UserError, Unauthorized, Forbidden, NotFound, Conflict, PayloadTooLarge, InvalidInput, RateLimited)
}
_HTTP_HINTS = {
    400: "send the body as the content type says (JSON in UTF-8, or a well-formed form)",
    404: "check the address",
    405: "check the method: the Allow header lists the ones this address takes",
}


def security_headers(storage_origin: str | None) -> dict[str, str]:
    """Headers on every answer. Browsers may show images from, and post forms to, this app only,
    and the blob storage's origin where photos are uploaded and read straight from it (S3)."""
    extra = f" {storage_origin}" if storage_origin else ""
    return {
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": (
            f"default-src 'self'; img-src 'self' data:{extra}; style-src 'self' 'unsafe-inline'; "
            f"frame-src 'self'; script-src 'self'; base-uri 'none'; form-action 'self'{extra}"
        ),
    }


class SecurityHeaders:
    """ASGI middleware adding `headers` to every answer that does not set them itself (plain ASGI:
    Starlette's BaseHTTPMiddleware would cost a third of the throughput of a small page)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self._app = app
        self._headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self._headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self._app(scope, receive, with_headers)


def create_app(app: App, *, run_workers: bool = False) -> FastAPI:
    """The web app over `app`; with `run_workers`, the dispatcher and scheduler run alongside."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        workers = None
        if run_workers:
            from firstmate.workers import Workers

            workers = Workers(app)
            workers.start()
        try:
            yield
        finally:
            if workers is not None:
                workers.stop()

    web = FastAPI(
        title="firstmate",
        version=__version__,
        description="Back office for a small multi-business operator: bookings, crew, guests, reports.",
        lifespan=lifespan,
    )
    web.state.firstmate = app
    web.state.crew_pages = PageCache(app.settings.crew_page_cache)
    # FastAPI tries routes in order, each miss costing a few µs: the pages opened most come first
    web.include_router(crew.router)
    web.include_router(guests.router)
    web.include_router(health.router)
    web.include_router(admin.router)
    web.include_router(bookings.router)
    web.include_router(calendar.router)
    web.include_router(uploads.router)
    web.include_router(reports.router)
    web.include_router(reports.files)
    web.include_router(data.router)
    web.include_router(waivers.router)
    web.include_router(events.router)
    web.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    web.add_exception_handler(FirstmateError, _error_response)  # type: ignore[arg-type]
    web.add_exception_handler(RequestValidationError, _validation_response)  # type: ignore[arg-type]
    # Starlette's own, raised by FastAPI and Starlette themselves (a body that is not UTF-8, a broken form, no route)
    web.add_exception_handler(HTTPException, _http_response)  # type: ignore[arg-type]
    web.add_middleware(KeptPages, firstmate=app, pages=web.state.crew_pages)  # inside: kept pages get the headers too
    web.add_middleware(SameOrigin, base_url=app.settings.base_url)
    web.add_middleware(SecurityHeaders, headers=security_headers(app.blobs.browser_origin()))
    uploads_limit = uploads.body_limit(app.settings.photo_max_mb)
    web.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES, per_path={"/uploads": uploads_limit})
    return web


async def _validation_response(request: Request, exc: RequestValidationError) -> Response:
    broken = next((e for e in exc.errors() if e.get("type") == "json_invalid"), None)
    if broken is not None:  # no field to name: it was a 422 naming field "0"
        reason, at = str((broken.get("ctx") or {}).get("error", "")).lower(), broken["loc"][-1]
        detail = f"the body is not JSON ({reason} at character {at})"
        return _answer(request, 400, _HTTP_ERROR_NAMES[400], detail, "send a JSON object in UTF-8", None)
    key = getattr(request.state, "api_key", None)  # set once the service key is taken: its org is known
    store = app_of(request).store
    profile = await run_in_threadpool(load_business, store, key.org) if key is not None else None
    zone = profile.org.timezone if profile is not None else None  # an example's offset: the business's own
    errors = [
        {"field": ".".join(str(p) for p in e["loc"] if p != "body") or "body", "problem": problem_text(e, zone)}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['field']}: {e['problem']}" for e in errors[:5])
    body = {
        "error": "InvalidInput",
        "detail": detail,
        "hint": "fix the fields named and send again",
        "errors": errors,
    }
    return JSONResponse(body, status_code=422)


#: What a client is told when firstmate cannot write or read its own files (a full disk, a read-only
#: or damaged database): the why, which names paths on the server, goes to the log only.
STORAGE_DOWN = "firstmate cannot save or read its data right now"
STORAGE_DOWN_HINT = "try again later (the server's log says why)"
#: Seconds a client is asked to wait when storage is down: an operator has to act, so not at once.
STORAGE_RETRY_AFTER_S = 60


async def _error_response(request: Request, exc: FirstmateError) -> Response:
    headers: dict[str, str] | None = None
    status, message, hint = exc.http_status, exc.message, exc.hint
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.retry_after)}
    elif isinstance(exc, StoreUnavailable):  # busy for a moment: a client should come back soon, not at once
        headers = {"Retry-After": "1"}
    elif isinstance(exc, StoreError | BlobError) and status >= 500:  # storage down: 503, so senders retry later
        status, message, hint = 503, STORAGE_DOWN, STORAGE_DOWN_HINT
        headers = {"Retry-After": str(STORAGE_RETRY_AFTER_S)}
    if status >= 500:
        log.error("http.error", path=request.url.path, error=str(exc), kind=type(exc).__name__)
    return _answer(request, status, type(exc).__name__, message, hint, headers)


async def _http_response(request: Request, exc: HTTPException) -> Response:
    if exc.status_code < 400:  # not an error (304, say): FastAPI's own answer, which knows which carry no body
        return await http_exception_handler(request, exc)
    if exc.status_code >= 500:
        log.error("http.error", path=request.url.path, error=str(exc))
    name = _HTTP_ERROR_NAMES.get(exc.status_code) or _phrase_name(exc.status_code)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return _answer(request, exc.status_code, name, detail, _HTTP_HINTS.get(exc.status_code), exc.headers)


def _phrase_name(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.title().replace(" ", "").replace("-", "")
    except ValueError:  # a status the standard library does not know
        return f"Http{status}"


def _answer(
    request: Request, status: int, error: str, detail: str, hint: str | None, headers: Mapping[str, str] | None
) -> Response:
    """The error page for a browser on a page, else the API's ErrorAnswer."""
    wants_html = "text/html" in request.headers.get("accept", "") and not request.url.path.startswith("/api/")
    if wants_html:
        page = render("error.html", status=status, message=detail, hint=hint)
        return HTMLResponse(page, status_code=status, headers=headers)
    body = {"error": error, "detail": detail, "hint": hint}
    return JSONResponse(body, status_code=status, headers=headers)
