"""What every Store adapter checks the same way: DynamoDB's limits, conditions, page cursors.

Both adapters enforce DynamoDB's limits, so what works on a laptop works on AWS.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

from firstmate.errors import InvalidInput
from firstmate.ports import MAX_TRANSACTION_WRITES, Absent, Condition, Exists, Item, Page, Put, VersionIs, Write

MAX_ITEM_BYTES = 400_000
MAX_PK_BYTES = 2048
MAX_SK_BYTES = 1024
MAX_TRANSACTION_BYTES = 4_000_000
#: What `json.dumps(data, separators=(",", ":"), allow_nan=False)` does, built once (a batch of
#: writes encodes thousands of items; building an encoder each time was a fifth of the cost).
_COMPACT = json.JSONEncoder(separators=(",", ":"), allow_nan=False)


def write_key(write: Write) -> tuple[str, str]:
    """The (pk, sk) a write touches."""
    if isinstance(write, Put):
        return write.item.pk, write.item.sk
    return write.pk, write.sk


def holds(condition: Condition, current: int | None) -> bool:
    """Whether `condition` holds for a live item of version `current` (None: absent)."""
    if isinstance(condition, Absent):
        return current is None
    if isinstance(condition, Exists):
        return current is not None
    if isinstance(condition, VersionIs):
        return current == condition.version
    raise TypeError(f"unknown condition {condition!r}")


def describe_failure(condition: Condition, pk: str, sk: str, current: int | None) -> str:
    """Why `condition` failed, in words."""
    if isinstance(condition, Absent):
        return f"{pk} / {sk} already exists (version {current})"
    if isinstance(condition, Exists):
        return f"{pk} / {sk} does not exist"
    assert isinstance(condition, VersionIs)
    found = "it is absent" if current is None else f"found version {current}"
    return f"{pk} / {sk} changed: expected version {condition.version}, {found}"


def validate_writes(writes: Sequence[Write]) -> list[str | None]:
    """Check a transaction's shape and items; return each Put's data as JSON (None for others).

    Raises InvalidInput for no writes, too many, two writes on one key, or a bad item.
    """
    if not writes:
        raise InvalidInput("a transaction needs at least one write")
    if len(writes) > MAX_TRANSACTION_WRITES:
        raise InvalidInput(f"a transaction holds at most {MAX_TRANSACTION_WRITES} writes, got {len(writes)}")
    seen: set[tuple[str, str]] = set()
    for write in writes:
        key = write_key(write)
        check_key(*key)
        if key in seen:
            raise InvalidInput(f"two writes in one transaction touch {key[0]} / {key[1]}")
        seen.add(key)
    data = [item_json(w.item) if isinstance(w, Put) else None for w in writes]
    # DynamoDB counts its 4 MB by the items' whole sizes: their keys too (up to 6 KB an item)
    total = sum(len(d) + _keys_bytes(w.item) for w, d in zip(writes, data, strict=True) if isinstance(w, Put) and d)
    if total > MAX_TRANSACTION_BYTES:
        raise InvalidInput(f"a transaction writes at most {MAX_TRANSACTION_BYTES} bytes, got {total}")
    return data


def check_key(pk: str, sk: str) -> None:
    """Raise InvalidInput unless both key parts are non-empty and within DynamoDB's sizes."""
    if not fits(pk, sk):
        raise InvalidInput(f"key too long: pk ≤ {MAX_PK_BYTES} bytes, sk ≤ {MAX_SK_BYTES} bytes")


def fits(pk: str, sk: str) -> bool:
    """Whether an item could be stored under this key: False for a part longer than DynamoDB's keys
    can be (a read of it finds nothing, on either engine); InvalidInput for an empty part."""
    if not pk or not sk:
        raise InvalidInput("every key needs a non-empty pk and sk")
    return len(pk.encode()) <= MAX_PK_BYTES and len(sk.encode()) <= MAX_SK_BYTES


def prefix_fits(pk: str, prefix: str) -> bool:
    """Whether any stored key could lie under this partition and sort-key prefix (see `fits`)."""
    if not pk:
        raise InvalidInput("a query needs a non-empty partition key")
    return len(pk.encode()) <= MAX_PK_BYTES and len(prefix.encode()) <= MAX_SK_BYTES


def outer_prefixes(pk: str, prefixes: Sequence[str]) -> list[str]:
    """Of `prefixes` (`Store.query_prefixes`), sorted, those a key could lie under and no other of them holds: their
    keys apart, each read once. InvalidInput for an empty partition key or prefix."""
    if not pk:
        raise InvalidInput("a query needs a non-empty partition key")
    if not all(prefixes):
        raise InvalidInput("every prefix read together must be non-empty: query the whole partition instead")
    kept: list[str] = []
    for prefix in sorted({p for p in prefixes if prefix_fits(pk, p)}):
        if not (kept and prefix.startswith(kept[-1])):  # sorted: a prefix comes right after any that holds it
            kept.append(prefix)
    return kept


def item_json(item: Item) -> str:
    """The item's data as compact JSON, after checking the index keys and the item's size."""
    check_key(item.pk, item.sk)
    if (item.gsi1pk is None) != (item.gsi1sk is None) or item.gsi1pk == "" or item.gsi1sk == "":
        raise InvalidInput(f"{item.pk} / {item.sk}: set both gsi1pk and gsi1sk (non-empty), or neither")
    if item.gsi1pk is not None and item.gsi1sk is not None and not fits(item.gsi1pk, item.gsi1sk):
        # DynamoDB's index keys are its keys' sizes: SQLite took one longer, which AWS then refused
        raise InvalidInput(f"{item.pk} / {item.sk}: index key too long: ≤ {MAX_PK_BYTES} and ≤ {MAX_SK_BYTES} bytes")
    try:
        data = _COMPACT.encode(item.data)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{item.pk} / {item.sk}: data is not plain JSON ({exc})") from exc
    size = len(data) + _keys_bytes(item)  # the JSON is ASCII (non-ASCII is escaped): one byte a character
    if size > MAX_ITEM_BYTES:
        raise InvalidInput(f"{item.pk} / {item.sk} is {size} bytes; an item holds at most {MAX_ITEM_BYTES}")
    return data


def _keys_bytes(item: Item) -> int:
    """The bytes of the item's keys and index keys, in UTF-8 (what DynamoDB counts of them)."""
    return len((item.pk + item.sk + (item.gsi1pk or "") + (item.gsi1sk or "")).encode())


def with_version(item: Item, version: int) -> Item:
    """`item` as stored at `version`."""
    return Item(
        pk=item.pk,
        sk=item.sk,
        data=item.data,
        version=version,
        ttl=item.ttl,
        gsi1pk=item.gsi1pk,
        gsi1sk=item.gsi1sk,
    )


def check_range(pk: str, sk_from: str, sk_to: str, cursor_sk: str | None = None) -> bool:
    """Whether the sort-key range [sk_from, sk_to] can hold anything; InvalidInput for a bound that
    could not be a sort key (empty, too long), or for a cursor (the sort key a page ended on)
    outside the range it pages through."""
    if not sk_from or not sk_to:
        raise InvalidInput("a sort-key range needs both bounds")
    check_key(pk, sk_from)
    check_key(pk, sk_to)
    if cursor_sk is not None and not sk_from <= cursor_sk <= sk_to:
        raise InvalidInput("this cursor pages through another range of sort keys")
    return sk_from <= sk_to  # str order is code point order, which is UTF-8's byte order


def check_limit(limit: int) -> None:
    """Raise InvalidInput for a page limit below 1."""
    if limit < 1:
        raise InvalidInput(f"a page limit must be at least 1, got {limit}")


#: The fields of each kind of cursor: a partition query ("q") or range ("r") resumes after a sort
#: key, an index query ("i") after (index sort key, pk, sk).
_CURSOR_FIELDS = {"q": ("sk",), "r": ("sk",), "i": ("g", "pk", "sk")}


def encode_cursor(kind: str, position: dict[str, Any]) -> str:
    """An opaque cursor for a position in a query (`kind` "q"), a range ("r") or an index query ("i")."""
    raw = json.dumps({"t": kind, **position}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str, prefix: str = "") -> dict[str, Any]:
    """The position in a cursor of `kind`; InvalidInput for one this store did not issue (its place not
    one a key could hold), and for one whose place is not under `prefix`, the sort-key prefix of the query
    it is to page through: DynamoDB refuses to start a query outside its key condition, SQLite did not."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("that page cursor is not one this store issued") from exc
    if (
        not isinstance(position, dict)
        or position.get("t") != kind
        or not all(isinstance(position.get(f), str) and position[f] for f in _CURSOR_FIELDS[kind])
        or not fits(position.get("pk", "p"), position["g" if kind == "i" else "sk"])
        or (kind == "i" and not fits(position["pk"], position["sk"]))
    ):
        raise InvalidInput("that page cursor is not one this store issued")
    if not position["g" if kind == "i" else "sk"].startswith(prefix):
        raise InvalidInput("this cursor pages through another prefix of sort keys")
    return position


def index_page(items: list[Item], limit: int) -> Page:
    """A page of an index query read `limit` + 1 items deep: the first `limit`, and a cursor at the last of
    them when there was one more."""
    if len(items) <= limit:
        return Page(items, None)
    last = items[limit - 1]
    return Page(items[:limit], encode_cursor("i", {"g": last.gsi1sk, "pk": last.pk, "sk": last.sk}))
