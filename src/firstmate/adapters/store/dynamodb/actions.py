"""Each write as one TransactWriteItems action, under its condition expression.

Absent, Exists and VersionIs become the write's own condition expression (an expired item counts
as absent). A Put without one is guarded by the version it read instead: it goes through only if
the item is still exactly what was read (`attribute_not_exists(pk)` or `v = :read`).
"""

from __future__ import annotations

from typing import Any

from firstmate.adapters.aws.resources import TTL_ATTRIBUTE
from firstmate.adapters.store.dynamodb.items import Stored, item_key, to_raw
from firstmate.ports import Absent, Check, Condition, Delete, Exists, Put, VersionIs, Write

_NAMES = {"#pk": "pk", "#v": "v", "#ttl": TTL_ATTRIBUTE}
_LIVE = "(attribute_not_exists(#ttl) OR #ttl > :now)"


def direct(condition: Condition | None) -> bool:
    """Whether a Put under `condition` knows the version it writes without reading."""
    return isinstance(condition, Absent | VersionIs)


def action(
    table: str, write: Write, stored: Stored | None, data: str | None, now: int
) -> tuple[dict[str, Any] | None, int]:
    """One TransactWriteItems action on `table` and the version it writes (None: nothing to send).

    Absent, Exists and VersionIs become the write's own condition; a Put without one is
    guarded by the version it read instead.
    """
    condition = write.condition
    if isinstance(write, Put) and not direct(condition):
        assert stored is not None
        expression, values = _guard(stored, now)
        version = (stored.live_version or 0) + 1
    elif condition is not None:
        expression, values = _expression(condition, now)
        version = condition.version + 1 if isinstance(condition, VersionIs) else 1
    else:
        expression, values, version = "", {}, 0
    common: dict[str, Any] = {"TableName": table}
    if expression:
        common["ConditionExpression"] = expression
        common["ExpressionAttributeNames"] = {n: v for n, v in _NAMES.items() if n in expression}
    if values:
        common["ExpressionAttributeValues"] = values
    if isinstance(write, Put):
        assert data is not None
        return {"Put": {**common, "Item": to_raw(write.item, version, data)}}, version
    if isinstance(write, Delete):
        return {"Delete": {**common, "Key": item_key(write.pk, write.sk)}}, 0
    assert isinstance(write, Check)
    return {"ConditionCheck": {**common, "Key": item_key(write.pk, write.sk)}}, 0


def _expression(condition: Condition, now: int) -> tuple[str, dict[str, Any]]:
    """`condition` as a DynamoDB condition expression (an expired item counts as absent)."""
    values: dict[str, Any] = {":now": {"N": str(now)}}
    if isinstance(condition, Absent):
        return "attribute_not_exists(#pk) OR #ttl <= :now", values
    if isinstance(condition, Exists):
        return f"attribute_exists(#pk) AND {_LIVE}", values
    assert isinstance(condition, VersionIs)
    return f"#v = :expected AND {_LIVE}", {**values, ":expected": {"N": str(condition.version)}}


def _guard(stored: Stored, now: int) -> tuple[str, dict[str, Any]]:
    """The condition that the item is still exactly as read (and as live as it was)."""
    if stored.version is None:
        return "attribute_not_exists(#pk)", {}
    values = {":read": {"N": str(stored.version)}, ":now": {"N": str(now)}}
    if stored.live:
        return f"#v = :read AND {_LIVE}", values
    return "#v = :read AND #ttl <= :now", values
