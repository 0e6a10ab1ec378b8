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

from collections.abc import Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any

from firstmate.adapters.aws.clients import Shared
from firstmate.adapters.aws.resources import GSI_NAME, TTL_ATTRIBUTE
from firstmate.adapters.store.dynamodb.actions import action, direct
from firstmate.adapters.store.dynamodb.failures import translated, try_transaction
from firstmate.adapters.store.dynamodb.items import Stored, from_raw, is_live, item_key
from firstmate.adapters.store.dynamodb.limits import (
    ATTEMPTS,
    CONNECT_TIMEOUT_S,
    GET_BATCH,
    MAX_ROUNDS,
    PREFIX_PAGE,
    PREFIX_THREADS,
    READ_BATCH,
    READ_TIMEOUT_S,
    pause,
)
from firstmate.adapters.store.rules import (
    check_limit,
    check_range,
    decode_cursor,
    describe_failure,
    encode_cursor,
    fits,
    holds,
    index_page,
    outer_prefixes,
    prefix_fits,
    validate_writes,
    with_version,
    write_key,
)
from firstmate.domain.shared import to_epoch
from firstmate.errors import ConditionFailed, StoreUnavailable
from firstmate.ports import Check, Clock, Condition, Item, Page, Put, Write


class DynamoStore:
    """The Store port on a DynamoDB table (see the module docstring)."""

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

    def _errors(self) -> AbstractContextManager[None]:
        return translated(self._table, self._region)

    def _now(self) -> int:
        return to_epoch(self._clock.now())

    # -- reads ---------------------------------------------------------------------------------

    def get(self, pk: str, sk: str) -> Item | None:
        if not fits(pk, sk):  # DynamoDB would refuse the key
            return None
        with self._errors():
            raw = self._db.get_item(TableName=self._table, Key=item_key(pk, sk), ConsistentRead=True).get("Item")
        if raw is None or not is_live(raw, self._now()):
            return None
        return from_raw(raw)

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Item | None]:
        now = self._now()
        found: dict[tuple[str, str], Item] = {}
        # BatchGetItem refuses a key given twice, and one longer than its keys can be
        unique = [key for key in dict.fromkeys(keys) if fits(*key)]
        for start in range(0, len(unique), GET_BATCH):
            for raw in self._batch_get(unique[start : start + GET_BATCH]):
                if is_live(raw, now):
                    found[(raw["pk"]["S"], raw["sk"]["S"])] = from_raw(raw)
        return [found.get(key) for key in keys]

    def _batch_get(self, keys: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        """The stored items of `keys` (one BatchGetItem, consistent), asking again for what
        DynamoDB leaves unprocessed under load."""
        request: dict[str, Any] = {self._table: {"Keys": [item_key(*key) for key in keys], "ConsistentRead": True}}
        items: list[dict[str, Any]] = []
        for attempt in range(MAX_ROUNDS):
            with self._errors():
                answer = self._db.batch_get_item(RequestItems=request)
            items += answer.get("Responses", {}).get(self._table, [])
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                return items
            pause(attempt)
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

    def query_prefixes(self, pk: str, prefixes: Sequence[str]) -> list[Item]:
        # a query takes one key condition, one prefix: its lists' keys name an import no one knows (no BatchGetItem),
        # and one range over them all would read everyone's between; so one query a prefix, asked side by side
        kept = outer_prefixes(pk, prefixes)
        if len(kept) <= 1:
            return [item for prefix in kept for item in self._prefix_items(pk, prefix)]
        with ThreadPoolExecutor(max_workers=min(PREFIX_THREADS, len(kept))) as pool:
            found = list(pool.map(lambda prefix: self._prefix_items(pk, prefix), kept))
        return [item for items in found for item in items]  # the prefixes sorted and apart: in sort-key order

    def _prefix_items(self, pk: str, prefix: str) -> list[Item]:
        """Every live item under `prefix`, a page of PREFIX_PAGE at a time."""
        found: list[Item] = []
        cursor: str | None = None
        while True:
            page = self.query(pk, prefix, limit=PREFIX_PAGE, cursor=cursor)
            found += page.items
            if (cursor := page.cursor) is None:
                return found

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
            start = {"gsi1pk": {"S": gsi1pk}, "gsi1sk": {"S": pos["g"]}, **item_key(pos["pk"], pos["sk"])}
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
            start = {"gsi1pk": {"S": gsi1pk}, "gsi1sk": {"S": pos["g"]}, **item_key(pos["pk"], pos["sk"])}
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
            found += [from_raw(raw) for raw in answer.get("Items", []) if is_live(raw, now)]
            start = answer.get("LastEvaluatedKey")
            if start is None:
                break
        return found

    def _read(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Stored]:
        """`keys` as stored now (expired items included, marked not live), read by TransactGetItems
        so that up to READ_BATCH of them are one snapshot; the writes that follow are guarded by
        what was read, so a larger set needs no single snapshot to stay correct."""
        now = self._now()
        stored = {key: Stored(None, False) for key in keys}
        for start in range(0, len(keys), READ_BATCH):
            for raw in self._snapshot(keys[start : start + READ_BATCH]):
                stored[(raw["pk"]["S"], raw["sk"]["S"])] = Stored(int(raw["v"]["N"]), is_live(raw, now))
        return stored

    def _snapshot(self, keys: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        names = {"#ttl": TTL_ATTRIBUTE, "#v": "v"}
        gets = [{"Get": {"TableName": self._table, "Key": item_key(*key), "ProjectionExpression": "pk, sk, #v, #ttl",
                         "ExpressionAttributeNames": names}} for key in keys]  # fmt: skip
        for attempt in range(MAX_ROUNDS):
            answer = self._try(self._db.transact_get_items, TransactItems=gets)
            if answer is not None:
                return [r["Item"] for r in answer.get("Responses", []) if r.get("Item")]
            pause(attempt)  # a concurrent transaction on these items: read again in a moment
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
        need = [k for w, k in zip(writes, keys, strict=True) if isinstance(w, Put) and not direct(w.condition)]
        if all(isinstance(w, Check) for w in writes):  # nothing to write: the checks are reads
            self._check(writes, keys, self._read(keys), final=True)
            return []
        stored = self._read(need) if need else {}
        for attempt in range(MAX_ROUNDS):
            now = self._now()
            self._check(writes, keys, stored)
            planned = [
                action(self._table, w, stored.get(k), data[i], now)
                for i, (w, k) in enumerate(zip(writes, keys, strict=True))
            ]
            if self._try(self._db.transact_write_items, TransactItems=[a for a, _ in planned if a is not None]):
                return [with_version(w.item, version) for w, (_, version) in zip(writes, planned, strict=True)
                        if isinstance(w, Put)]  # fmt: skip
            # a condition failed or someone wrote in between: read, report a failed condition, or retry
            stored = self._read(keys)
            self._check(writes, keys, stored, final=True)
            pause(attempt)
        raise StoreUnavailable("too many concurrent writes to the same items", hint="retry in a moment")

    def _check(
        self, writes: Sequence[Write], keys: list[tuple[str, str]], stored: dict[tuple[str, str], Stored],
        *, final: bool = False,
    ) -> None:  # fmt: skip
        """Raise ConditionFailed for the first write whose condition fails on what was read
        (before writing: only the conditions that the write itself cannot express)."""
        for index, (write, key) in enumerate(zip(writes, keys, strict=True)):
            if write.condition is None or key not in stored or (direct(write.condition) and not final):
                continue
            current = stored[key].live_version
            if not holds(write.condition, current):
                raise ConditionFailed(describe_failure(write.condition, *key, current), index=index)

    def _try(self, call: Any, **args: Any) -> Any:
        """One transactional call (`try_transaction`); None when a condition or a concurrent one cancelled it."""
        return try_transaction(call, self._table, self._region, **args)

    def sweep_expired(self, limit: int = 1000) -> int:
        """Nothing to do: DynamoDB's own TTL deletes expired items (within days, at no cost), and
        they read as absent until then. Scanning the table for them would be billed per item."""
        return 0

    def ping(self) -> None:
        with self._errors():
            self._db.get_item(TableName=self._table, Key=item_key("PING", "PING"))

    def change_marker(self) -> Hashable | None:
        """None: DynamoDB has no cheap counter of the table's writes, so views are always read afresh."""
        return None
