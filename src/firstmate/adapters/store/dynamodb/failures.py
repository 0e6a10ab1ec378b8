"""DynamoDB's errors as the store's: busy (StoreUnavailable, retry in a moment), a missing table or
a refused identity (StoreError naming its fix), and a transaction cancelled by a condition or a
concurrent transaction (a lost race, which the store reads again and retries)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from firstmate.adapters.aws.clients import error_code, unreachable_hint
from firstmate.errors import StoreError, StoreUnavailable

_BUSY = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionInProgressException",
}
_LOST_RACE = {"ConditionalCheckFailedException", "TransactionCanceledException", "TransactionConflictException"}
#: Cancellation reasons of a transaction that a retry may get past, and those that mean "busy".
_RACES = {"None", "ConditionalCheckFailed", "TransactionConflict"}
_THROTTLED = {"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}


@contextmanager
def translated(table: str, region: str) -> Iterator[None]:
    """Raise botocore's errors from the calls inside as StoreUnavailable or StoreError."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        code = error_code(exc)
        if code in _BUSY:
            raise StoreUnavailable(f"DynamoDB is busy ({code})", hint="retry in a moment") from exc
        if code == "ResourceNotFoundException":
            raise StoreError(
                f"the DynamoDB table {table!r} does not exist in {region}",
                hint="deploy the stack (docs/deploy-aws.md) or set FIRSTMATE_TABLE_NAME",
            ) from exc
        if code in ("AccessDeniedException", "UnrecognizedClientException"):
            raise StoreError(
                f"not allowed to use the DynamoDB table {table!r} ({code})",
                hint="check the function's role or your AWS credentials",
            ) from exc
        raise StoreError(f"DynamoDB refused: {exc}") from exc
    except BotoCoreError as exc:
        raise StoreUnavailable(f"cannot reach DynamoDB: {exc}", hint=unreachable_hint(exc)) from exc


def try_transaction(call: Callable[..., Any], table: str, region: str, **args: Any) -> Any:
    """Make one transactional call; None when a condition or a concurrent transaction
    cancelled it. Every write is a transaction, even of one item: botocore gives each call a
    client request token, so a retried timeout cannot apply a write twice or fail its own
    condition."""
    from botocore.exceptions import ClientError

    try:
        with translated(table, region):
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
