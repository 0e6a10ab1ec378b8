"""An Item as a DynamoDB item and back: its key, its attributes (data kept as one JSON string, so what
is read back is exactly what was written), and whether it is live (an item past its `ttl` reads as
absent everywhere; DynamoDB deletes it itself, days later)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from firstmate.adapters.aws.resources import TTL_ATTRIBUTE
from firstmate.ports import Item


@dataclass(frozen=True)
class Stored:
    """What a consistent read found under a key: the raw version and whether it is live."""

    version: int | None  # None: nothing stored at all
    live: bool

    @property
    def live_version(self) -> int | None:
        return self.version if self.live else None


def item_key(pk: str, sk: str) -> dict[str, Any]:
    """The DynamoDB key of (pk, sk)."""
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def is_live(raw: dict[str, Any], now: int) -> bool:
    """Whether a DynamoDB item is not past its `ttl` at `now` (epoch seconds)."""
    ttl = raw.get(TTL_ATTRIBUTE)
    return ttl is None or int(ttl["N"]) > now


def to_raw(item: Item, version: int, data: str) -> dict[str, Any]:
    """`item` as the DynamoDB item written at `version`, its data already as JSON."""
    raw: dict[str, Any] = {**item_key(item.pk, item.sk), "v": {"N": str(version)}, "data": {"S": data}}
    if item.ttl is not None:
        raw[TTL_ATTRIBUTE] = {"N": str(item.ttl)}
    if item.gsi1pk is not None and item.gsi1sk is not None:
        raw["gsi1pk"], raw["gsi1sk"] = {"S": item.gsi1pk}, {"S": item.gsi1sk}
    return raw


def from_raw(raw: dict[str, Any]) -> Item:
    """The Item a DynamoDB item holds."""
    ttl = raw.get(TTL_ATTRIBUTE)
    return Item(
        pk=raw["pk"]["S"],
        sk=raw["sk"]["S"],
        data=json.loads(raw["data"]["S"]),
        version=int(raw["v"]["N"]),
        ttl=int(ttl["N"]) if ttl else None,
        gsi1pk=raw["gsi1pk"]["S"] if "gsi1pk" in raw else None,
        gsi1sk=raw["gsi1sk"]["S"] if "gsi1sk" in raw else None,
    )
