"""Request dependencies: the App, and the admin session check."""

from __future__ import annotations

from fastapi import Request

from firstmate.bootstrap import App
from firstmate.errors import Unauthorized
from firstmate.services.access import verify_token
from firstmate.services.keys import ApiKey, authenticate

ADMIN_COOKIE = "fm_admin"


def get_app(request: Request) -> App:
    """The App this web app was built with."""
    app: App = request.app.state.firstmate
    return app


def require_admin(request: Request) -> None:
    """Raise Unauthorized unless the request carries a valid admin session cookie."""
    app = get_app(request)
    token = request.cookies.get(ADMIN_COOKIE)
    if not token:
        raise Unauthorized("sign in to see admin pages", hint="run 'firstmate admin link' for a sign-in link")
    verify_token(app.secret_key, token, typ="admin-session", now=app.clock.now())


def require_service_key(request: Request) -> ApiKey:
    """The service key presented as `Authorization: Bearer <key>`; raise Unauthorized otherwise."""
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented:
        raise Unauthorized(
            "send a service key as 'Authorization: Bearer <key>'",
            hint="create one with 'firstmate keys create'",
        )
    return authenticate(get_app(request).store, presented)


def client_ip(request: Request) -> str:
    """The caller's address, for rate limits (the direct peer: proxies are not trusted blindly)."""
    return request.client.host if request.client else "unknown"
