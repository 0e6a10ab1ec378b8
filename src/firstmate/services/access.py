"""Admin access: short-lived signed sign-in links exchanged for a session cookie.

Tokens are JWTs (HS256 pinned) with issuer, audience, type, expiry and a unique id. Expiry is
checked against the app's clock, so tests can move time.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import jwt

from firstmate.errors import Unauthorized

ISSUER = "firstmate"
ADMIN_AUDIENCE = "firstmate:admin"
LINK_TTL = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=12)
_ALGORITHM = "HS256"


def issue_token(secret: bytes, *, typ: str, subject: str, now: datetime, ttl: timedelta) -> str:
    """A signed token of type `typ` for `subject`, valid from `now` for `ttl`."""
    claims = {
        "iss": ISSUER,
        "aud": ADMIN_AUDIENCE,
        "typ": typ,
        "sub": subject,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "jti": secrets.token_urlsafe(12),
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


def verify_token(secret: bytes, token: str, *, typ: str, now: datetime) -> dict[str, Any]:
    """The token's claims if it is ours, of type `typ` and unexpired; else raise Unauthorized."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            audience=ADMIN_AUDIENCE,
            issuer=ISSUER,
            options={"verify_exp": False, "require": ["exp", "iat", "jti", "sub", "typ"]},
        )
    except jwt.PyJWTError:
        raise Unauthorized("that sign-in link or session is not valid", hint="ask for a new link") from None
    if claims.get("typ") != typ:
        raise Unauthorized("that token is for something else", hint="ask for a new link")
    if int(claims["exp"]) <= now.timestamp():
        raise Unauthorized("that sign-in link or session has expired", hint="ask for a new link")
    return claims


def admin_link_token(secret: bytes, now: datetime) -> str:
    """A 15-minute admin sign-in link token."""
    return issue_token(secret, typ="admin-link", subject="admin", now=now, ttl=LINK_TTL)


def admin_session_token(secret: bytes, now: datetime) -> str:
    """A 12-hour admin session, set as an HttpOnly cookie."""
    return issue_token(secret, typ="admin-session", subject="admin", now=now, ttl=SESSION_TTL)
