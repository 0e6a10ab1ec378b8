"""Service keys for the API: shown once, stored only as a hash, compared in constant time.

A key reads `fmk_<id>_<secret>`: the id finds the record, the secret is checked against its hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from firstmate.domain.shared import iso
from firstmate.errors import InvalidInput, NotFound, Unauthorized
from firstmate.ports import Absent, Item, Put, Store, VersionIs
from firstmate.services.business import org_pk
from firstmate.services.paging import all_items

_SHAPE = re.compile(r"fmk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})")
#: The longest name a key may have (what it is for: "website", "boatsetter sync").
MAX_NAME = 80


@dataclass(frozen=True)
class ApiKey:
    """A service key's public record (never its secret)."""

    id: str
    org: str
    name: str
    created_at: str
    revoked_at: str | None = None


def _hash(secret: str) -> str:
    # the secret is 256 random bits: a fast hash is enough, no brute force can reach it
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(store: Store, org: str, name: str, now: datetime) -> tuple[ApiKey, str]:
    """A new key for `org`; returns its record and the full key, which is never stored."""
    if not (0 < len(name) <= MAX_NAME and name.isprintable() and name == name.strip()):
        raise InvalidInput(
            f"a key's name is 1 to {MAX_NAME} printable characters on one line, without spaces at either end",
            hint="name it for what uses it, e.g. --name website",
        )
    if store.get(org_pk(org), "PROFILE") is None:
        raise NotFound(f"no org {org!r}", hint="create it first, e.g. with 'firstmate demo'")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    record = ApiKey(id=key_id, org=org, name=name, created_at=iso(now))
    data = {**record.__dict__, "hash": _hash(secret)}
    store.transact(
        [
            Put(Item(f"APIKEY#{key_id}", "KEY", data), Absent()),
            Put(Item(org_pk(org), f"KEY#{key_id}", data), Absent()),
        ]
    )
    return record, f"fmk_{key_id}_{secret}"


def authenticate(store: Store, presented: str) -> ApiKey:
    """The key record for a presented key; raises Unauthorized for a malformed, unknown,
    wrong or revoked key (without saying which)."""
    match = _SHAPE.fullmatch(presented.strip())
    item = store.get(f"APIKEY#{match.group(1)}", "KEY") if match else None
    expected = str(item.data["hash"]) if item else _hash("no such key")
    offered = _hash(match.group(2)) if match else _hash("")
    ok = hmac.compare_digest(expected, offered)
    if item is None or not ok or item.data.get("revoked_at"):
        raise Unauthorized(
            "the service key is missing, wrong or revoked", hint="create one with 'firstmate keys create'"
        )
    return _record(item)


def list_keys(store: Store, org: str) -> list[ApiKey]:
    """Every key of the org, revoked ones included."""
    return [_record(i) for i in all_items(store, org_pk(org), "KEY#")]


def revoke_key(store: Store, org: str, key_id: str, now: datetime) -> ApiKey:
    """Revoke a key at once; idempotent. Raises NotFound for another org's or an unknown key."""
    listed = store.get(org_pk(org), f"KEY#{key_id}")
    lookup = store.get(f"APIKEY#{key_id}", "KEY")
    if listed is None or lookup is None:
        raise NotFound(f"no key {key_id!r} in org {org!r}", hint="see 'firstmate keys list --org ORG'")
    if listed.data.get("revoked_at"):
        return _record(listed)
    data = {**listed.data, "revoked_at": iso(now)}
    store.transact(
        [
            Put(Item(lookup.pk, lookup.sk, data), VersionIs(lookup.version)),
            Put(Item(listed.pk, listed.sk, data), VersionIs(listed.version)),
        ]
    )
    return _record(Item(listed.pk, listed.sk, data))


def _record(item: Item) -> ApiKey:
    d = item.data
    return ApiKey(id=d["id"], org=d["org"], name=d["name"], created_at=d["created_at"], revoked_at=d.get("revoked_at"))
