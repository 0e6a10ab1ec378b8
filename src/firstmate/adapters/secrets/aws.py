"""AwsSecrets: the Secrets port on AWS Secrets Manager, secret `<prefix><name>`.

A value is reused for `cache_s` seconds, then read again: a rotated token is picked up within
that time, with no redeploy. If Secrets Manager cannot be reached, the last value read is used
rather than failing a send or a report that it would have served moments ago.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from firstmate.adapters.aws.clients import client, error_code, unreachable_hint
from firstmate.adapters.aws.resources import SECRET_PLACEHOLDER
from firstmate.errors import ConfigError

#: One read's tries and timeouts, as the store's: at worst 3 × (2 + 5) s and the backoff between them,
#: inside a web request's 29 s at API Gateway.
CONNECT_TIMEOUT_S = 2.0
READ_TIMEOUT_S = 5.0
ATTEMPTS = 3


# not in errors.py: caught in this module (the last good value, else a ConfigError)
class _Unavailable(Exception):
    """Secrets Manager did not answer (throttled, unreachable): worth trying again later, unless `hint`
    says otherwise (no credentials to ask with)."""

    def __init__(self, message: str, *, hint: str = "retry in a moment") -> None:
        super().__init__(message)
        self.hint = hint


class AwsSecrets:
    """The Secrets port on Secrets Manager (see module docstring)."""

    def __init__(
        self, *, region: str, prefix: str = "firstmate/", cache_s: float = 300.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self._region = region
        self._prefix = prefix
        self._cache_s = cache_s
        self._monotonic = monotonic
        self._cache: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()
        self._client: Any = None

    def _sm(self) -> Any:
        if self._client is None:
            # bounded as the store's calls are: a web request that finds its cached key stale must answer
            # within API Gateway's 29 s (5 tries of 25 s each left it to the gateway's bare 504)
            self._client = client(
                "secretsmanager", self._region, connect_timeout=CONNECT_TIMEOUT_S, read_timeout=READ_TIMEOUT_S,
                attempts=ATTEMPTS,
            )  # fmt: skip
        return self._client

    def get(self, name: str) -> str:
        now = self._monotonic()
        with self._lock:
            cached = self._cache.get(name)
        if cached is not None and now - cached[0] < self._cache_s:
            return cached[1]
        try:
            value = self._read(name)
        except _Unavailable as exc:  # the last good value beats failing outright
            if cached is not None:
                with self._lock:  # and serves its time again: not a slow failing call on every read
                    self._cache[name] = (now, cached[1])
                return cached[1]
            raise ConfigError(str(exc), hint=exc.hint) from exc
        with self._lock:
            self._cache[name] = (now, value)
        return value

    def _read(self, name: str) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        secret_id = f"{self._prefix}{name}"
        hint = f"set it: aws secretsmanager put-secret-value --secret-id {secret_id} --secret-string '…'"
        try:
            answer = self._sm().get_secret_value(SecretId=secret_id)
        except ClientError as exc:
            code = error_code(exc)
            if code == "ResourceNotFoundException":
                raise ConfigError(f"secret {secret_id} does not exist in Secrets Manager", hint=hint) from None
            if code == "AccessDeniedException":
                raise ConfigError(
                    f"not allowed to read secret {secret_id}", hint="grant secretsmanager:GetSecretValue on it"
                ) from None
            raise _Unavailable(f"Secrets Manager refused {secret_id} ({code})") from exc
        except BotoCoreError as exc:
            raise _Unavailable(f"cannot reach Secrets Manager: {exc}", hint=unreachable_hint(exc)) from exc
        value = (answer.get("SecretString") or "").strip()
        if not value or value == SECRET_PLACEHOLDER:
            raise ConfigError(f"secret {secret_id} is empty or still the deploy's placeholder", hint=hint)
        return str(value)
