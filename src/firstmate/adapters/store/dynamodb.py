"""DynamoStore: the Store port on one DynamoDB table (pk, sk; index gsi1; TTL attribute `ttl`).

Every write is guarded by the version it read: firstmate's conditions (Absent, Exists, VersionIs)
are checked against a consistent read, and the write goes through only if the item is still
exactly what was read (`attribute_not_exists(pk)` or `v = :read`), so a condition never holds on
stale data. When the guard fails, someone wrote in between: the write is read and tried again.
Several writes go through one TransactWriteItems call, all or none.

Items past their `ttl` read as absent everywhere (DynamoDB deletes them itself, days later).
Data is kept as one JSON string, so what is read back is exactly what was written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from firstmate.adapters.aws.clients import PerThread, error_code
from firstmate.adapters.aws.resources import GSI_NAME, TTL_ATTRIBUTE
from firstmate.adapters.store.rules import (
    check_key,
    check_limit,
    decode_cursor,
    describe_failure,
    encode_cursor,
    holds,
    validate_writes,
    with_version,
    write_key,
)
from firstmate.domain.shared import to_epoch
from firstmate.errors import ConditionFailed, StoreError, StoreUnavailable
from firstmate.ports import Absent, Check, Clock, Condition, Delete, Exists, Item, Page, Put, VersionIs, Write

#: Guarded writes retried this many times before the store reports itself too busy.
MAX_ROUNDS = 25
_BUSY = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionInProgressException",
}
_NAMES = {"#pk": "pk", "#v": "v", "#ttl": TTL_ATTRIBUTE}
_LOST_RACE = {"ConditionalCheckFailedException", "TransactionCanceledException", "TransactionConflictException"}


@dataclass(frozen=True)
class _Stored:
    """What a consistent read found under a key: the raw version and whether it is live."""

    version: int | None  # None: nothing stored at all
    live: bool

    @property
    def live_version(self) -> int | None:
        return self.version if self.live else None


class DynamoStore:
    """The Store port on a DynamoDB table (see module docstring)."""

    def __init__(self, table: str, clock: Clock, *, region: str) -> None:
        self._table = table
        self._clock = clock
        self._region = region
        self._clients = PerThread("dynamodb", region)

    # -- plumbing ------------------------------------------------------------------------------

    @property
    def _db(self) -> Any:
        return self._clients.get()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            code = error_code(exc)
            if code in _BUSY:
                raise StoreUnavailable(f"DynamoDB is busy ({code})", hint="retry in a moment") from exc
            if code == "ResourceNotFoundException":
                raise StoreError(
                    f"the DynamoDB table {self._table!r} does not exist in {self._region}",
                    hint="deploy the stack (docs/deploy-aws.md) or set FIRSTMATE_TABLE_NAME",
                ) from exc
            if code in ("AccessDeniedException", "UnrecognizedClientException"):
                raise StoreError(
                    f"not allowed to use the DynamoDB table {self._table!r} ({code})",
                    hint="check the function's role or your AWS credentials",
                ) from exc
            raise StoreError(f"DynamoDB refused: {exc}") from exc
        except BotoCoreError as exc:
            raise StoreUnavailable(f"cannot reach DynamoDB: {exc}", hint="retry in a moment") from exc

    def _now(self) -> int:
        return to_epoch(self._clock.now())

    def _live(self, raw: dict[str, Any], now: int) -> bool:
        ttl = raw.get(TTL_ATTRIBUTE)
        return ttl is None or int(ttl["N"]) > now

    # -- reads ---------------------------------------------------------------------------------

    def get(self, pk: str, sk: str) -> Item | None:
        check_key(pk, sk)
        with self._errors():
            raw = self._db.get_item(TableName=self._table, Key=_key(pk, sk), ConsistentRead=True).get("Item")
        if raw is None or not self._live(raw, self._now()):
            return None
        return _item(raw)

    def query(
        self,
        pk: str,
        sk_prefix: str = "",
        *,
        limit: int = 100,
        cursor: str | None = None,
        reverse: bool = False,
    ) -> Page:
        check_limit(limit)
        condition = "#pk = :pk" + (" AND begins_with(sk, :prefix)" if sk_prefix else "")
        values: dict[str, Any] = {":pk": {"S": pk}}
        if sk_prefix:
            values[":prefix"] = {"S": sk_prefix}
        start = {"pk": {"S": pk}, "sk": {"S": decode_cursor(cursor, "q")["sk"]}} if cursor is not None else None
        request = {
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": {"#pk": "pk"},
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not reverse,
            "ConsistentRead": True,
        }
        items = self._collect(request, start, limit)
        if len(items) <= limit:
            return Page(items, None)
        items = items[:limit]
        return Page(items, encode_cursor("q", {"sk": items[-1].sk}))

    def query_index(
        self,
        gsi1pk: str,
        gsi1sk_prefix: str = "",
        *,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page:
        check_limit(limit)
        condition = "gsi1pk = :g" + (" AND begins_with(gsi1sk, :prefix)" if gsi1sk_prefix else "")
        values: dict[str, Any] = {":g": {"S": gsi1pk}}
        if gsi1sk_prefix:
            values[":prefix"] = {"S": gsi1sk_prefix}
        start = None
        if cursor is not None:
            pos = decode_cursor(cursor, "i")
            start = {"gsi1pk": {"S": gsi1pk}, "gsi1sk": {"S": pos["g"]}, **_key(pos["pk"], pos["sk"])}
        request = {"IndexName": GSI_NAME, "KeyConditionExpression": condition, "ExpressionAttributeValues": values}
        items = self._collect(request, start, limit)
        if len(items) <= limit:
            return Page(items, None)
        items = items[:limit]
        last = items[-1]
        return Page(items, encode_cursor("i", {"g": last.gsi1sk, "pk": last.pk, "sk": last.sk}))

    def _collect(self, request: dict[str, Any], start: dict[str, Any] | None, limit: int) -> list[Item]:
        """Up to limit + 1 live items (one more tells whether there is a next page)."""
        now = self._now()
        found: list[Item] = []
        while len(found) <= limit:
            args = {"TableName": self._table, "Limit": limit + 1 - len(found), **request}
            if start is not None:
                args["ExclusiveStartKey"] = start
            with self._errors():
                answer = self._db.query(**args)
            found += [_item(raw) for raw in answer.get("Items", []) if self._live(raw, now)]
            start = answer.get("LastEvaluatedKey")
            if start is None:
                break
        return found

    def _read(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], _Stored]:
        """Consistent reads of `keys` (expired items included, marked not live)."""
        now = self._now()
        stored = {key: _Stored(None, False) for key in keys}
        pending = [_key(*key) for key in keys]
        while pending:
            batch, pending = pending[:100], pending[100:]
            request: dict[str, Any] = {
                self._table: {"Keys": batch, "ConsistentRead": True, "ProjectionExpression": "pk, sk, #v, #ttl",
                              "ExpressionAttributeNames": {"#ttl": TTL_ATTRIBUTE, "#v": "v"}}
            }  # fmt: skip
            while request:
                with self._errors():
                    answer = self._db.batch_get_item(RequestItems=request)
                for raw in answer.get("Responses", {}).get(self._table, []):
                    key = (raw["pk"]["S"], raw["sk"]["S"])
                    stored[key] = _Stored(int(raw["v"]["N"]), self._live(raw, now))
                request = answer.get("UnprocessedKeys") or {}
        return stored

    # -- writes --------------------------------------------------------------------------------

    def put(self, item: Item, condition: Condition | None = None) -> Item:
        try:
            return self.transact([Put(item, condition)])[0]
        except ConditionFailed as exc:
            raise ConditionFailed(str(exc)) from None

    def transact(self, writes: Sequence[Write]) -> list[Item]:
        data = validate_writes(writes)
        keys = [write_key(w) for w in writes]
        # a Put without Absent/VersionIs must learn the version it replaces; others need no read
        need = [k for w, k in zip(writes, keys, strict=True) if isinstance(w, Put) and not _direct(w.condition)]
        if all(isinstance(w, Check) for w in writes):  # nothing to write: the checks are reads
            self._check(writes, keys, self._read(keys), final=True)
            return []
        stored = self._read(need) if need else {}
        for _ in range(MAX_ROUNDS):
            now = self._now()
            self._check(writes, keys, stored)
            planned = [
                self._action(w, stored.get(k), data[i], now) for i, (w, k) in enumerate(zip(writes, keys, strict=True))
            ]
            if self._apply([action for action, _ in planned if action is not None]):
                return [with_version(w.item, version) for w, (_, version) in zip(writes, planned, strict=True)
                        if isinstance(w, Put)]  # fmt: skip
            # a condition failed or someone wrote in between: read, report a failed condition, or retry
            stored = self._read(keys)
            self._check(writes, keys, stored, final=True)
        raise StoreUnavailable("too many concurrent writes to the same items", hint="retry in a moment")

    def _check(
        self, writes: Sequence[Write], keys: list[tuple[str, str]], stored: dict[tuple[str, str], _Stored],
        *, final: bool = False,
    ) -> None:  # fmt: skip
        """Raise ConditionFailed for the first write whose condition fails on what was read
        (before writing: only the conditions that the write itself cannot express)."""
        for index, (write, key) in enumerate(zip(writes, keys, strict=True)):
            if write.condition is None or key not in stored or (_direct(write.condition) and not final):
                continue
            current = stored[key].live_version
            if not holds(write.condition, current):
                raise ConditionFailed(describe_failure(write.condition, *key, current), index=index)

    def _action(
        self, write: Write, stored: _Stored | None, data: str | None, now: int
    ) -> tuple[dict[str, Any] | None, int]:
        """One TransactWriteItems action and the version it writes (None: nothing to send).

        Absent, Exists and VersionIs become the write's own condition; a Put without one is
        guarded by the version it read instead.
        """
        condition = write.condition
        if isinstance(write, Put) and not _direct(condition):
            assert stored is not None
            expression, values = _guard(stored, now)
            version = (stored.live_version or 0) + 1
        elif condition is not None:
            expression, values = _expression(condition, now)
            version = condition.version + 1 if isinstance(condition, VersionIs) else 1
        else:
            expression, values, version = "", {}, 0
        common: dict[str, Any] = {"TableName": self._table}
        if expression:
            common["ConditionExpression"] = expression
            common["ExpressionAttributeNames"] = {n: v for n, v in _NAMES.items() if n in expression}
        if values:
            common["ExpressionAttributeValues"] = values
        if isinstance(write, Put):
            assert data is not None
            return {"Put": {**common, "Item": _raw(write.item, version, data)}}, version
        if isinstance(write, Delete):
            return {"Delete": {**common, "Key": _key(write.pk, write.sk)}}, 0
        assert isinstance(write, Check)
        return {"ConditionCheck": {**common, "Key": _key(write.pk, write.sk)}}, 0

    def _apply(self, actions: list[dict[str, Any]]) -> bool:
        """Send the guarded actions; False when a guard failed (someone wrote in between)."""
        if len(actions) > 1:
            return self._guarded(self._db.transact_write_items, TransactItems=actions)
        if "Put" in actions[0]:
            return self._guarded(self._db.put_item, **actions[0]["Put"])
        return self._guarded(self._db.delete_item, **actions[0]["Delete"])

    def _guarded(self, call: Any, **args: Any) -> bool:
        """Make one guarded call; False when its guard (or a concurrent transaction) stopped it."""
        from botocore.exceptions import ClientError

        try:
            with self._errors():
                call(**args)
        except StoreError as exc:
            cause = exc.__cause__
            if isinstance(cause, ClientError) and error_code(cause) in _LOST_RACE and _only_races(cause):
                return False
            raise
        return True

    def sweep_expired(self, limit: int = 1000) -> int:
        now = self._now()
        removed = 0
        start: dict[str, Any] | None = None
        while removed < limit:
            args: dict[str, Any] = {
                "TableName": self._table,
                "FilterExpression": "#ttl <= :now",
                "ExpressionAttributeNames": {"#ttl": TTL_ATTRIBUTE, "#v": "v"},
                "ExpressionAttributeValues": {":now": {"N": str(now)}},
                "ProjectionExpression": "pk, sk, #v",
            }
            if start is not None:
                args["ExclusiveStartKey"] = start
            with self._errors():
                answer = self._db.scan(**args)
            for raw in answer.get("Items", [])[: limit - removed]:
                # skipped if rewritten since the scan saw it
                unchanged = self._guarded(
                    self._db.delete_item,
                    TableName=self._table,
                    Key={"pk": raw["pk"], "sk": raw["sk"]},
                    ConditionExpression="#v = :v",
                    ExpressionAttributeNames={"#v": "v"},
                    ExpressionAttributeValues={":v": raw["v"]},
                )
                removed += unchanged
            start = answer.get("LastEvaluatedKey")
            if start is None:
                break
        return removed

    def ping(self) -> None:
        with self._errors():
            self._db.get_item(TableName=self._table, Key=_key("PING", "PING"))


# -- helpers -----------------------------------------------------------------------------------


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _only_races(exc: Any) -> bool:
    """Whether a cancelled transaction failed only on guards or concurrent transactions."""
    reasons = exc.response.get("CancellationReasons") or []
    return all(r.get("Code") in (None, "None", "ConditionalCheckFailed", "TransactionConflict") for r in reasons)


_LIVE = "(attribute_not_exists(#ttl) OR #ttl > :now)"


def _direct(condition: Condition | None) -> bool:
    """Whether a Put under `condition` knows the version it writes without reading."""
    return isinstance(condition, Absent | VersionIs)


def _expression(condition: Condition, now: int) -> tuple[str, dict[str, Any]]:
    """`condition` as a DynamoDB condition expression (an expired item counts as absent)."""
    values: dict[str, Any] = {":now": {"N": str(now)}}
    if isinstance(condition, Absent):
        return "attribute_not_exists(#pk) OR #ttl <= :now", values
    if isinstance(condition, Exists):
        return f"attribute_exists(#pk) AND {_LIVE}", values
    assert isinstance(condition, VersionIs)
    return f"#v = :expected AND {_LIVE}", {**values, ":expected": {"N": str(condition.version)}}


def _guard(stored: _Stored, now: int) -> tuple[str, dict[str, Any]]:
    """The condition that the item is still exactly as read (and as live as it was)."""
    if stored.version is None:
        return "attribute_not_exists(#pk)", {}
    values = {":read": {"N": str(stored.version)}, ":now": {"N": str(now)}}
    if stored.live:
        return f"#v = :read AND {_LIVE}", values
    return "#v = :read AND #ttl <= :now", values


def _raw(item: Item, version: int, data: str) -> dict[str, Any]:
    raw: dict[str, Any] = {**_key(item.pk, item.sk), "v": {"N": str(version)}, "data": {"S": data}}
    if item.ttl is not None:
        raw[TTL_ATTRIBUTE] = {"N": str(item.ttl)}
    if item.gsi1pk is not None and item.gsi1sk is not None:
        raw["gsi1pk"], raw["gsi1sk"] = {"S": item.gsi1pk}, {"S": item.gsi1sk}
    return raw


def _item(raw: dict[str, Any]) -> Item:
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
