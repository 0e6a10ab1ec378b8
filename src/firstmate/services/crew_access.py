"""Crew sign-in: magic links by email, exchanged once for a session.

A link is a JWT (HS256 pinned; issuer, audience, type, 15-minute expiry, unique id) naming the
person, their org and its purpose (sign in, or open one event). Opening a link spends nothing; only
the "Continue" POST does, so mail scanners that pre-open links do not burn them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog

from firstmate.domain.mail import SignInLink, check_address
from firstmate.domain.people import Person
from firstmate.domain.shared import STORED
from firstmate.errors import NotFound, Unauthorized
from firstmate.ports import Item
from firstmate.services.access import CREW_AUDIENCE, issue_token, spend_token, verify_token
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.messages import templated
from firstmate.services.outbox import enqueue
from firstmate.services.people import get_person, person_key
from firstmate.services.ratelimit import hit

log = structlog.get_logger(__name__)

LINK_TTL = timedelta(minutes=15)
SESSION_TTL = timedelta(days=7)
PER_ADDRESS = 5  # link requests per address per window
PER_CLIENT = 20  # link requests per IP per window
WINDOW = timedelta(minutes=15)
#: Why someone taken off the crew (made inactive) is refused: a new link never comes to them.
NOT_ACTIVE = "this account is not active"


@dataclass(frozen=True)
class CrewSession:
    """Who is signed in, and with which session (its token id; "" when a service key acts for them)."""

    org: str
    person: Person
    session_id: str = ""


@dataclass(frozen=True)
class LinkTarget:
    """What a verified link will open once spent."""

    org: str
    person_id: str
    next_url: str


def request_login_link(ctx: Context, email: str, client: str) -> None:
    """Email a sign-in link if the address belongs to an active person; say nothing either way.

    Raises RateLimited (with Retry-After) past the per-address or per-IP limit, whether or not the
    address is known, so the limits reveal nothing either.
    """
    now = ctx.clock.now()
    address = email.strip().lower()
    hit(ctx.counters, "login-ip", client, limit=PER_CLIENT, window=WINDOW, now=now)
    hit(ctx.counters, "login-address", address[:200], limit=PER_ADDRESS, window=WINDOW, now=now)
    try:
        check_address(address)
    except ValueError:
        return
    for item in ctx.store.query_index(f"EMAIL#{address}", limit=20).items:
        org, person = item.gsi1sk.split("#", 1) if item.gsi1sk else ("", "")
        found = _person(ctx, org, person)
        if found is not None and found.active:
            _send_link(ctx, org, found, purpose="login")
    log.info("crew.link_requested", known=bool(ctx.store.query_index(f"EMAIL#{address}", limit=1).items))


def check_link(ctx: Context, token: str) -> LinkTarget:
    """Verify a link without spending it (the "Continue" page). Raises Unauthorized, for a link of someone no
    longer active too (with who to ask: a new link never comes to them)."""
    target = _link_target(ctx, token)
    person = _person(ctx, target.org, target.person_id)
    if person is None or not person.active:
        raise Unauthorized(NOT_ACTIVE, hint="ask the operations manager")
    return target


def _link_target(ctx: Context, token: str) -> LinkTarget:
    """What a link opens, from its signature, audience, type, expiry and purpose alone; raises Unauthorized."""
    claims = verify_token(ctx.secret_key, token, typ="magic", now=ctx.clock.now(), audience=CREW_AUDIENCE)
    purpose = str(claims.get("purpose", ""))
    if purpose == "login":
        next_url = "/crew"
    elif purpose.startswith("event:ev_") and purpose[6:].replace("_", "").isalnum():
        next_url = f"/crew/events/{purpose.removeprefix('event:')}"
    else:
        raise Unauthorized("that link is for something else", hint="ask for a new link")
    if not claims.get("org"):
        raise Unauthorized("that link is not valid", hint="ask for a new link")
    return LinkTarget(org=str(claims["org"]), person_id=str(claims["sub"]), next_url=next_url)


def spend_link(ctx: Context, token: str) -> tuple[str, str]:
    """Spend a link once: returns (session token, where to go). Raises Unauthorized for a used,
    expired, forged or wrong-audience link, or a person no longer active."""
    target = check_link(ctx, token)
    claims = verify_token(ctx.secret_key, token, typ="magic", now=ctx.clock.now(), audience=CREW_AUDIENCE)
    spend_token(ctx.store, claims)
    session = issue_token(
        ctx.secret_key,
        typ="crew-session",
        subject=target.person_id,
        now=ctx.clock.now(),
        ttl=SESSION_TTL,
        audience=CREW_AUDIENCE,
        extra={"org": target.org},
    )
    return session, target.next_url


def session_claims(ctx: Context, token: str) -> tuple[str, str, str]:
    """The (org, person id, session id) a session cookie names, from its signature and expiry alone
    (no read: whether the person is still active, or the session signed out, is `session_person`'s
    check); raises Unauthorized."""
    claims = _session_token(ctx, token)
    return str(claims["org"]), str(claims["sub"]), str(claims["jti"])


def session_person(ctx: Context, token: str) -> CrewSession:
    """The signed-in person of a session cookie; raises Unauthorized (for a session signed out too)."""
    claims = _session_token(ctx, token)
    org = str(claims["org"])
    found, ended = ctx.store.get_many([person_key(org, str(claims["sub"])), (ended_pk(org), str(claims["jti"]))])
    if ended is not None:
        raise Unauthorized("this session was signed out", hint="ask for a new sign-in link")
    person = Person.model_validate(found.data, context=STORED) if found else None
    if person is None or not person.active:
        raise Unauthorized(NOT_ACTIVE, hint="ask the operations manager")
    return CrewSession(org=org, person=person, session_id=str(claims["jti"]))


def _session_token(ctx: Context, token: str) -> dict[str, Any]:
    """The claims of a crew session cookie, checked (signature, audience, type, expiry)."""
    return verify_token(ctx.secret_key, token, typ="crew-session", now=ctx.clock.now(), audience=CREW_AUDIENCE)


def ended_pk(org: str) -> str:
    """Where an org's signed-out sessions are remembered (by token id, until they would have expired)."""
    return f"ORG#{org}#SESSIONS-ENDED"


def end_session(ctx: Context, token: str) -> bool:
    """Sign a session out for good: the cookie stops working everywhere, even a copy of it, until it
    would have expired. Returns False for a cookie that is not a valid session (nothing to end)."""
    try:
        claims = _session_token(ctx, token)
    except Unauthorized:
        return False
    ended = Item(ended_pk(str(claims["org"])), str(claims["jti"]), {"sub": claims["sub"]}, ttl=int(claims["exp"]))
    ctx.store.put(ended)
    return True


def _send_link(ctx: Context, org: str, person: Person, *, purpose: str) -> None:
    profile = load_business(ctx.store, org)
    name = profile.org.name if profile else org
    sign_in = SignInLink(org=org, person_id=person.id, purpose=purpose, valid_for_s=int(LINK_TTL.total_seconds()))
    link = f"{ctx.settings.base_url}/crew/enter?t={sign_in.slot}"  # signed as it is sent: none is stored
    context = {"person": person, "link": link, "business": name, "colour": "#0b3d5c"}
    subject = f"Your sign-in link for {name}"
    message = templated(
        ctx, key=f"login:{person.id}:{secrets.token_urlsafe(18)}", to=person.email, subject=subject,
        template="crew_login", context=context, sign_in=sign_in,
        stale_after=ctx.clock.now() + LINK_TTL,  # asked for at a sign-in page: of no use after the link's time
    )  # fmt: skip
    enqueue(ctx.store, org, [message], ctx.clock.now())


def _person(ctx: Context, org: str, person_id: str) -> Person | None:
    try:
        return get_person(ctx.store, org, person_id)
    except NotFound:
        return None
