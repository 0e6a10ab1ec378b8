"""Admin access: short-lived signed sign-in links exchanged for a session cookie.

Tokens are JWTs (HS256 pinned) with issuer, audience, type, expiry and a unique id. Expiry is
checked against the app's clock, so tests can move time. They are signed with the current key of
`SigningKeys` and verified with any of its keys, so that a key can be rotated without signing
everyone out at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt

from firstmate.domain.mail import OutgoingMessage, SignInLink
from firstmate.errors import ConditionFailed, Unauthorized
from firstmate.ports import Absent, Item, Store

ISSUER = "firstmate"
ADMIN_AUDIENCE = "firstmate:admin"
CREW_AUDIENCE = "firstmate:crew"
LINK_TTL = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=12)
_ALGORITHM = "HS256"
#: The shortest key that signs anything.
MIN_KEY_LENGTH = 32


@dataclass(frozen=True)
class SigningKeys:
    """The key that signs links, sessions and calendar URLs, and the keys before it that still
    verify them: during a rotation the secret holds the new key, then the old one."""

    current: bytes
    previous: tuple[bytes, ...] = ()

    @property
    def all(self) -> tuple[bytes, ...]:
        """Every key that verifies, the current one first."""
        return (self.current, *self.previous)

    def sign(self, purpose: str, body: str, *, size: int) -> str:
        """A short signature of `body` for `purpose` (what a URL carries: a calendar feed, a report's
        PDF) with the current key: HMAC-SHA256 cut to `size` bytes, base64url."""
        return _signature(self.current, purpose, body, size)

    def verifies(self, purpose: str, body: str, signature: str, *, size: int) -> bool:
        """Whether one of the keys signed `body` for `purpose` as `signature` (`sign`)."""
        given = signature.encode()
        return any(hmac.compare_digest(_signature(key, purpose, body, size).encode(), given) for key in self.all)

    @classmethod
    def parse(cls, text: str) -> SigningKeys:
        """The keys of a secret's value: one key, or several separated by spaces or new lines, the one
        that signs first. Raises ValueError, saying which, for a key under 32 characters or none at all."""
        keys = text.split()
        if not keys:
            raise ValueError("the secret key is empty")
        for n, key in enumerate(keys, 1):
            if len(key) < MIN_KEY_LENGTH:
                which = "the secret key" if len(keys) == 1 else f"key {n} of {len(keys)} in the secret key"
                raise ValueError(f"{which} is too short ({len(key)} characters, at least {MIN_KEY_LENGTH})")
        current, *previous = (key.encode() for key in keys)
        return cls(current, tuple(previous))


def _signature(key: bytes, purpose: str, body: str, size: int) -> str:
    digest = hmac.new(key, f"{purpose}:{body}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:size]).decode()


def issue_token(
    secret: SigningKeys,
    *,
    typ: str,
    subject: str,
    now: datetime,
    ttl: timedelta,
    audience: str = ADMIN_AUDIENCE,
    extra: dict[str, Any] | None = None,
) -> str:
    """A signed token of type `typ` for `subject` and `audience`, valid from `now` for `ttl`."""
    claims = {
        **(extra or {}),
        "iss": ISSUER,
        "aud": audience,
        "typ": typ,
        "sub": subject,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "jti": secrets.token_urlsafe(12),
    }
    return jwt.encode(claims, secret.current, algorithm=_ALGORITHM)


def verify_token(
    secret: SigningKeys, token: str, *, typ: str, now: datetime, audience: str = ADMIN_AUDIENCE
) -> dict[str, Any]:
    """The token's claims if it is ours (signed with any of the keys), for `audience`, of type `typ`
    and unexpired; else raise Unauthorized."""
    claims = _claims(secret, token, audience)
    if claims is None:
        raise Unauthorized("that sign-in link or session is not valid", hint="ask for a new link")
    if claims.get("typ") != typ:
        raise Unauthorized("that token is for something else", hint="ask for a new link")
    if int(claims["exp"]) <= now.timestamp():
        raise Unauthorized("that sign-in link or session has expired", hint="ask for a new link")
    if int(claims["iat"]) > (now + CLOCK_SKEW).timestamp():  # made "later" than now: a clock far ahead
        raise Unauthorized(
            "that sign-in link is not valid yet", hint="check this machine's clock, or ask for a new link"
        )
    return claims


#: How far ahead of this machine's clock another's may have made a token that is still taken.
CLOCK_SKEW = timedelta(minutes=5)


def _claims(secret: SigningKeys, token: str, audience: str) -> dict[str, Any] | None:
    for key in secret.all:
        try:
            return dict(_decoded(key, token, audience))
        except jwt.InvalidSignatureError:
            continue  # signed with another key of the ring, perhaps
        except jwt.PyJWTError:
            return None
    return None


@lru_cache(maxsize=4096)
def _decoded(secret: bytes, token: str, audience: str) -> tuple[tuple[str, Any], ...]:
    # a session cookie comes with every crew page: its signature is checked once per process, not each
    # time (a pure function of these three; failures are not cached, expiry is checked by the caller)
    claims: dict[str, Any] = jwt.decode(
        token,
        secret,
        algorithms=[_ALGORITHM],
        audience=audience,
        issuer=ISSUER,
        # times are the caller's, against firstmate's own clock (PyJWT reads the machine's, and refused a
        # link made by a host whose clock ran a little ahead): a cached verdict holds no time either
        options={
            "verify_exp": False,
            "verify_iat": False,
            "verify_nbf": False,
            "require": ["exp", "iat", "jti", "sub", "typ"],
        },
    )
    return tuple(claims.items())


def spend_token(store: Store, claims: dict[str, Any]) -> None:
    """Mark a single-use token as used; raise Unauthorized if it was used before.

    The record expires with the token, so the list of spent tokens never grows without bound.
    """
    marker = Item(f"SPENT#{claims['aud']}", str(claims["jti"]), {"sub": claims["sub"]}, ttl=int(claims["exp"]))
    try:
        store.put(marker, Absent())
    except ConditionFailed:
        raise Unauthorized("that sign-in link was already used", hint="ask for a new link") from None


def admin_link_token(secret: SigningKeys, now: datetime) -> str:
    """A 15-minute admin sign-in link token."""
    return issue_token(secret, typ="admin-link", subject="admin", now=now, ttl=LINK_TTL)


def admin_session_token(secret: SigningKeys, now: datetime) -> str:
    """A 12-hour admin session, set as an HttpOnly cookie."""
    return issue_token(secret, typ="admin-session", subject="admin", now=now, ttl=SESSION_TTL)


#: Links in crew notifications: long enough to read the mail on the dock, still single-use.
NOTIFICATION_LINK_TTL = timedelta(hours=72)


def crew_link_token(secret: SigningKeys, link: SignInLink, now: datetime) -> str:
    """The token of a crew member's sign-in link (single-use, like every link), valid from `now`
    for the link's time."""
    return issue_token(
        secret,
        typ="magic",
        subject=link.person_id,
        now=now,
        ttl=timedelta(seconds=link.valid_for_s),
        audience=CREW_AUDIENCE,
        extra={"org": link.org, "purpose": link.purpose},
    )


def with_sign_in(message: OutgoingMessage, secret: SigningKeys, now: datetime) -> OutgoingMessage:
    """The message as it goes out: its sign-in link's token made `now`, in the text and the HTML
    (the message itself when it carries no link)."""
    if message.sign_in is None:
        return message
    slot, token = message.sign_in.slot, crew_link_token(secret, message.sign_in, now)
    html = message.html.replace(slot, token) if message.html is not None else None
    return message.model_copy(update={"text": message.text.replace(slot, token), "html": html})
