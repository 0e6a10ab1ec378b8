"""DynamoStore: the Store port on one DynamoDB table (pk, sk; index gsi1; TTL attribute `ttl`).

Absent, Exists and VersionIs become the write's own condition expression (an expired item counts
as absent). A put without one must know the version it replaces: it reads it, and the write goes
through only if the item is still exactly what was read (`attribute_not_exists(pk)` or
`v = :read`); when that guard fails, someone wrote in between, so it reads and tries again, after
a jittered pause. Every write is one TransactWriteItems call (all or none, and idempotent when
botocore retries a timeout); reads before writes are one TransactGetItems snapshot.

Items past their `ttl` read as absent everywhere (DynamoDB deletes them itself, days later).
Data is kept as one JSON string, so what is read back is exactly what was written.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from firstmate.adapters.aws.clients import Shared, error_code, unreachable_hint
from firstmate.adapters.aws.resources import GSI_NAME, TTL_ATTRIBUTE
from firstmate.adapters.store.rules import (
    check_limit,
    check_range,
    decode_cursor,
    describe_failure,
    encode_cursor,
    fits,
    holds,
    index_page,
    prefix_fits,
    validate_writes,
    with_version,
    write_key,
)
from firstmate.domain.shared import to_epoch
from firstmate.errors import ConditionFailed, StoreError, StoreUnavailable
from firstmate.ports import Absent, Check, Clock, Condition, Delete, Exists, Item, Page, Put, VersionIs, Write

#: Guarded writes retried this many times before the store reports itself too busy.
MAX_ROUNDS = 25
#: Keys per TransactGetItems call: DynamoDB takes 100, moto (the tests' stand-in) still 25.
READ_BATCH = 25
#: Keys per BatchGetItem call (DynamoDB's limit).
GET_BATCH = 100
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
#: Cancellation reasons of a transaction that a retry may get past, and those that mean "busy".
_RACES = {"None", "ConditionalCheckFailed", "TransactionConflict"}
_THROTTLED = {"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}


CONNECT_TIMEOUT_S = 2.0
READ_TIMEOUT_S = 5.0
ATTEMPTS = 3
#: The longest one store call may take: ATTEMPTS of connecting and answering, and the standard retry
#: mode's backoff between them (up to 1 s, then 2 s).
CALL_LIMIT_S = ATTEMPTS * (CONNECT_TIMEOUT_S + READ_TIMEOUT_S) + 3.0


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
        # a call's worst case (CALL_LIMIT_S) stays inside a web request's 29 s, so a store that does not
        # answer gets the app's 503 with Retry-After rather than API Gateway's bare error (every write is a
        # transaction with a client request token: retrying one never applies it twice)
        self._clients = Shared(
            "dynamodb", region, connect_timeout=CONNECT_TIMEOUT_S, read_timeout=READ_TIMEOUT_S, attempts=ATTEMPTS
        )

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
            raise StoreUnavailable(f"cannot reach DynamoDB: {exc}", hint=unreachable_hint(exc)) from exc

    def _now(self) -> int:
        return to_epoch(self._clock.now())

    def _live(self, raw: dict[str, Any], now: int) -> bool:
        ttl = raw.get(TTL_ATTRIBUTE)
        return ttl is None or int(ttl["N"]) > now

    # -- reads ---------------------------------------------------------------------------------

    def get(self, pk: str, sk: str) -> Item | None:
        if not fits(pk, sk):  # DynamoDB would refuse the key
            return None
        with self._errors():
            raw = self._db.get_item(TableName=self._table, Key=_key(pk, sk), ConsistentRead=True).get("Item")
        if raw is None or not self._live(raw, self._now()):
            return None
        return _item(raw)

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Item | None]:
        now = self._now()
        found: dict[tuple[str, str], Item] = {}
        # BatchGetItem refuses a key given twice, and one longer than its keys can be
        unique = [key for key in dict.fromkeys(keys) if fits(*key)]
        for start in range(0, len(unique), GET_BATCH):
            for raw in self._batch_get(unique[start : start + GET_BATCH]):
                if self._live(raw, now):
                    found[(raw["pk"]["S"], raw["sk"]["S"])] = _item(raw)
        return [found.get(key) for key in keys]

    def _batch_get(self, keys: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        """The stored items of `keys` (one BatchGetItem, consistent), asking again for what
        DynamoDB leaves unprocessed under load."""
        request: dict[str, Any] = {self._table: {"Keys": [_key(*key) for key in keys], "ConsistentRead": True}}
        items: list[dict[str, Any]] = []
        for attempt in range(MAX_ROUNDS):
            with self._errors():
                answer = self._db.batch_get_item(RequestItems=request)
            items += answer.get("Responses", {}).get(self._table, [])
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                return items
            _pause(attempt)
        raise StoreUnavailable("DynamoDB kept leaving keys unread", hint="retry in a moment")

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
        if not prefix_fits(pk, sk_prefix):  # DynamoDB would refuse the key condition
            return Page([], None)
        condition = "#pk = :pk" + (" AND begins_with(sk, :prefix)" if sk_prefix else "")
        values: dict[str, Any] = {":pk": {"S": pk}}
        if sk_prefix:
            values[":prefix"] = {"S": sk_prefix}
        after = decode_cursor(cursor, "q", sk_prefix)["sk"] if cursor is not None else None
        start = {"pk": {"S": pk}, "sk": {"S": after}} if after is not None else None
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

    def query_between(
        self, pk: str, sk_from: str, sk_to: str, *, limit: int = 100, cursor: str | None = None,
        reverse: bool = False,
    ) -> Page:  # fmt: skip
        check_limit(limit)
        after = decode_cursor(cursor, "r")["sk"] if cursor is not None else None
        if not check_range(pk, sk_from, sk_to, after):  # DynamoDB refuses a BETWEEN whose start is after its end
            return Page([], None)
        request = {
            "KeyConditionExpression": "#pk = :pk AND sk BETWEEN :from AND :to",
            "ExpressionAttributeNames": {"#pk": "pk"},
            "ExpressionAttributeValues": {":pk": {"S": pk}, ":from": {"S": sk_from}, ":to": {"S": sk_to}},
            "ScanIndexForward": not reverse,
            "ConsistentRead": True,
        }
        items = self._collect(request, {"pk": {"S": pk}, "sk": {"S": after}} if after is not None else None, limit)
        if len(items) <= limit:
            return Page(items, None)
        items = items[:limit]
        return Page(items, encode_cursor("r", {"sk": items[-1].sk}))

    def query_index(
        self,
        gsi1pk: str,
        gsi1sk_prefix: str = "",
        *,
        limit: int = 100,
        cursor: str | None = None,
        reverse: bool = False,
    ) -> Page:
        check_limit(limit)
        if not prefix_fits(gsi1pk, gsi1sk_prefix):
            return Page([], None)
        condition = "gsi1pk = :g" + (" AND begins_with(gsi1sk, :prefix)" if gsi1sk_prefix else "")
        values: dict[str, Any] = {":g": {"S": gsi1pk}}
        if gsi1sk_prefix:
            values[":prefix"] = {"S": gsi1sk_prefix}
        start = None
        if cursor is not None:
            pos = decode_cursor(cursor, "i", gsi1sk_prefix)
            start = {"gsi1pk": {"S": gsi1pk}, "gsi1sk": {"S": pos["g"]}, **_key(pos["pk"], pos["sk"])}
        request = {
            "IndexName": GSI_NAME,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not reverse,
        }
        return self._index_page(request, start, limit)

    def query_index_between(
        self, gsi1pk: str, sk_from: str, sk_to: str, *, limit: int = 100, cursor: str | None = None,
        reverse: bool = False,
    ) -> Page:  # fmt: skip
        check_limit(limit)
        pos = decode_cursor(cursor, "i") if cursor is not None else None
        if not check_range(gsi1pk, sk_from, sk_to, pos["g"] if pos else None):  # DynamoDB refuses such a BETWEEN
            return Page([], None)
        start = None
        if pos is not None:
            start = {"gsi1pk": {"S": gsi1pk}, "gsi1sk": {"S": pos["g"]}, **_key(pos["pk"], pos["sk"])}
        request = {
            "IndexName": GSI_NAME,
            "KeyConditionExpression": "gsi1pk = :g AND gsi1sk BETWEEN :from AND :to",
            "ExpressionAttributeValues": {":g": {"S": gsi1pk}, ":from": {"S": sk_from}, ":to": {"S": sk_to}},
            "ScanIndexForward": not reverse,
        }
        return self._index_page(request, start, limit)

    def _index_page(self, request: dict[str, Any], start: dict[str, Any] | None, limit: int) -> Page:
        """The page of the index query `request`, from `start` on, with a cursor when there is more."""
        return index_page(self._collect(request, start, limit), limit)

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
        """`keys` as stored now (expired items included, marked not live), read by TransactGetItems
        so that up to READ_BATCH of them are one snapshot; the writes that follow are guarded by
        what was read, so a larger set needs no single snapshot to stay correct."""
        now = self._now()
        stored = {key: _Stored(None, False) for key in keys}
        for start in range(0, len(keys), READ_BATCH):
            for raw in self._snapshot(keys[start : start + READ_BATCH]):
                stored[(raw["pk"]["S"], raw["sk"]["S"])] = _Stored(int(raw["v"]["N"]), self._live(raw, now))
        return stored

    def _snapshot(self, keys: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        names = {"#ttl": TTL_ATTRIBUTE, "#v": "v"}
        gets = [{"Get": {"TableName": self._table, "Key": _key(*key), "ProjectionExpression": "pk, sk, #v, #ttl",
                         "ExpressionAttributeNames": names}} for key in keys]  # fmt: skip
        for attempt in range(MAX_ROUNDS):
            answer = self._try(self._db.transact_get_items, TransactItems=gets)
            if answer is not None:
                return [r["Item"] for r in answer.get("Responses", []) if r.get("Item")]
            _pause(attempt)  # a concurrent transaction on these items: read again in a moment
        raise StoreUnavailable("these items are too busy to read", hint="retry in a moment")

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
        for attempt in range(MAX_ROUNDS):
            now = self._now()
            self._check(writes, keys, stored)
            planned = [
                self._action(w, stored.get(k), data[i], now) for i, (w, k) in enumerate(zip(writes, keys, strict=True))
            ]
            if self._try(self._db.transact_write_items, TransactItems=[a for a, _ in planned if a is not None]):
                return [with_version(w.item, version) for w, (_, version) in zip(writes, planned, strict=True)
                        if isinstance(w, Put)]  # fmt: skip
            # a condition failed or someone wrote in between: read, report a failed condition, or retry
            stored = self._read(keys)
            self._check(writes, keys, stored, final=True)
            _pause(attempt)
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

    def _try(self, call: Any, **args: Any) -> Any:
        """Make one transactional call; None when a condition or a concurrent transaction
        cancelled it. Every write is a transaction, even of one item: botocore gives each call a
        client request token, so a retried timeout cannot apply a write twice or fail its own
        condition."""
        from botocore.exceptions import ClientError

        try:
            with self._errors():
                return call(**args)
        except StoreError as exc:
            cause = exc.__cause__
            if isinstance(cause, ClientError) and error_code(cause) in _LOST_RACE:
                codes = {str(r.get("Code")) for r in cause.response.get("CancellationReasons") or []}
                if codes & _THROTTLED:
                    raise StoreUnavailable("DynamoDB is throttling these items", hint="retry in a moment") from cause
                if codes <= _RACES:
                    return None
            raise

    def sweep_expired(self, limit: int = 1000) -> int:
        """Nothing to do: DynamoDB's own TTL deletes expired items (within days, at no cost), and
        they read as absent until then. Scanning the table for them would be billed per item."""
        return 0

    def ping(self) -> None:
        with self._errors():
            self._db.get_item(TableName=self._table, Key=_key("PING", "PING"))

    def change_marker(self) -> Hashable | None:
        """None: DynamoDB has no cheap counter of the table's writes, so views are always read afresh."""
        return None


# -- helpers -----------------------------------------------------------------------------------


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _pause(attempt: int) -> None:
    """Jittered backoff between tries on contended items, as DynamoDB advises."""
    time.sleep(random.uniform(0, min(0.5, 0.01 * 2**attempt)))  # noqa: S311 - jitter, not security


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
