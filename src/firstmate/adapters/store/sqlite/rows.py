"""Rows as items, the keys one statement may look up, and the bound past a prefix's keys."""

from __future__ import annotations

import json
from typing import Any

from firstmate.ports import Item

TOP = "\U0010ffff"  # the highest character: a prefix's bound goes past any run of it (`past_prefix`)
KEYS_PER_SELECT = 400  # two parameters a key: within SQLite's oldest limit of 999 parameters


def past_prefix(prefix: str) -> str | None:
    """The least text above every text that begins with `prefix` (None: there is none), in SQLite's
    order of text, by code point: the prefix with its last character below U+10FFFF one higher. The
    bound was the prefix and U+10FFFF, which left out a key with that character next."""
    kept = prefix.rstrip(TOP)
    if not kept:
        return None
    after = ord(kept[-1]) + 1
    return kept[:-1] + chr(0xE000 if 0xD800 <= after <= 0xDFFF else after)  # no text holds a surrogate


def row_item(row: tuple[Any, ...]) -> Item:
    pk, sk, version, ttl, gsi1pk, gsi1sk, data = row
    return Item(pk=pk, sk=sk, data=json.loads(data), version=version, ttl=ttl, gsi1pk=gsi1pk, gsi1sk=gsi1sk)
