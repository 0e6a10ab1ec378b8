"""Request dependencies: the App, and the admin session check."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from fastapi import Request

from firstmate.bootstrap import App
from firstmate.errors import Forbidden, NotFound, Unauthorized
from firstmate.services.access import verify_token
from firstmate.services.crew_access import CrewSession, session_person
from firstmate.services.keys import ApiKey, authenticate
from firstmate.services.people import get_person

ADMIN_COOKIE = "fm_admin"


async def get_app(request: Request) -> App:
    """The App this web app was built with (async: FastAPI would run a plain function in a worker
    thread, a hop that cost more than the rest of a dependency this small)."""
    return app_of(request)


def app_of(request: Request) -> App:
    """The App this web app was built with, for plain functions."""
    app: App = request.app.state.firstmate
    return app


@dataclass(frozen=True)
class AdminScope:
    """What an admin may see: every org (the operator, signed in from the CLI) or one org (an
    admin crew member, signed in by email)."""

    org: str | None

    def check(self, org: str) -> None:
        """404 for an org outside the scope: another org's things are never revealed."""
        if self.org is not None and org != self.org:
            raise NotFound(f"no org {org!r}")


def require_admin(request: Request) -> AdminScope:
    """The admin's scope; raises Unauthorized without an admin session and Forbidden for crew."""
    app = app_of(request)
    token = request.cookies.get(ADMIN_COOKIE)
    if token:
        verify_token(app.secret_key, token, typ="admin-session", now=app.clock.now())
        return AdminScope(org=None)
    if request.cookies.get(CREW_COOKIE):
        session = crew_session(request)
        if session.person.admin:
            return AdminScope(org=session.org)
        raise Forbidden("admin pages are for admins")
    raise Unauthorized("sign in to see admin pages", hint="run 'firstmate admin link' for a sign-in link")


def require_service_key(request: Request) -> ApiKey:
    """The service key presented as `Authorization: Bearer <key>`; raise Unauthorized otherwise."""
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented:
        raise Unauthorized(
            "send a service key as 'Authorization: Bearer <key>'",
            hint="create one with 'firstmate keys create'",
        )
    key = authenticate(app_of(request).store, presented)
    request.state.api_key = key  # whose answer a refused body is: its org's zone writes the examples
    return key


def client_ip(request: Request) -> str:
    """The caller's address (the direct peer: proxies are not trusted blindly), as a signature records it."""
    return request.client.host if request.client else "unknown"


def client_network(request: Request) -> str:
    """Who the caller is for rate limits: their IPv4 address, or their IPv6 address's /64 network. One
    IPv6 host holds a whole /64 and may take a new address of it for every request: counted by address,
    30 wrong trip codes from one host were all answered, none refused."""
    host = client_ip(request)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:203.0.113.7, an IPv4 client of a dual-stack socket
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return host


CREW_COOKIE = "fm_crew"


def crew_session(request: Request) -> CrewSession:
    """The signed-in crew member (or admin); raises Unauthorized."""
    token = request.cookies.get(CREW_COOKIE)
    if not token:
        raise Unauthorized("sign in first", hint="ask for a sign-in link at /crew/login")
    return session_person(app_of(request), token)


def acting_person(request: Request) -> CrewSession:
    """Who an API call acts for: the session's person, or with a service key the person named in
    the X-Acting-For header. Raises Unauthorized; another org's people are not found (404)."""
    if request.headers.get("authorization"):
        key = require_service_key(request)
        person_id = request.headers.get("x-acting-for", "")
        if not person_id:
            raise Unauthorized("a service key must name the person it acts for in X-Acting-For")
        person = get_person(app_of(request).store, key.org, person_id)
        if not person.active:  # as for their sessions, links and feed: someone who left acts no more
            raise Unauthorized(f"{person_id!r} is not active", hint="name an active person in X-Acting-For")
        return CrewSession(org=key.org, person=person)
    return crew_session(request)
