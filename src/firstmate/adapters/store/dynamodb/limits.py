"""How long one DynamoDB call may take, how many keys one call carries, and how often a contended
write or read is tried again (with a jittered pause between tries)."""

from __future__ import annotations

import random
import time

#: Guarded writes retried this many times before the store reports itself too busy.
MAX_ROUNDS = 25
#: Keys per TransactGetItems call: DynamoDB takes 100, moto (the tests' stand-in) still 25.
READ_BATCH = 25
#: Keys per BatchGetItem call (DynamoDB's limit).
GET_BATCH = 100
#: Items a page of `query_prefixes` asks for (DynamoDB stops a page at 1 MB too).
PREFIX_PAGE = 1000
#: Queries of `query_prefixes` asked side by side (a trip's crew; botocore keeps 10 connections a client).
PREFIX_THREADS = 8

CONNECT_TIMEOUT_S = 2.0
READ_TIMEOUT_S = 5.0
ATTEMPTS = 3
#: The longest one store call may take: ATTEMPTS of connecting and answering, and the standard retry
#: mode's backoff between them (up to 1 s, then 2 s).
CALL_LIMIT_S = ATTEMPTS * (CONNECT_TIMEOUT_S + READ_TIMEOUT_S) + 3.0


def pause(attempt: int) -> None:
    """Jittered backoff between tries on contended items, as DynamoDB advises."""
    time.sleep(random.uniform(0, min(0.5, 0.01 * 2**attempt)))  # noqa: S311 - jitter, not security
