"""boto3 clients on the standard credentials chain (environment, profile, Lambda role).

AWS_ENDPOINT_URL, read by boto3 itself, points every client at a stand-in such as moto's server.
"""

from __future__ import annotations

import os
import threading
from typing import Any


def client(service: str, region: str, *, endpoint_url: str | None = None, read_timeout: float = 20) -> Any:
    """A low-level client for `service` in `region` (thread-safe; one per adapter); `endpoint_url`
    overrides AWS_ENDPOINT_URL for this client only."""
    import boto3  # imported on first use: the local setup never pays for it
    from botocore.config import Config

    # standard retries back off on throttling and 5xx answers; timeouts keep a Lambda from hanging
    config = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=5, read_timeout=read_timeout)
    return boto3.session.Session().client(service, region_name=region, config=config, endpoint_url=endpoint_url)


class PerThread:
    """One client of a service for each thread and process, made on first use. A client may be
    shared, but building one is not thread-safe, and a forked child must not reuse its parent's
    connections."""

    def __init__(self, service: str, region: str) -> None:
        self._service = service
        self._region = region
        self._local = threading.local()
        self._pid = os.getpid()

    def get(self) -> Any:
        """This thread's client."""
        if os.getpid() != self._pid:
            self._local = threading.local()
            self._pid = os.getpid()
        made = getattr(self._local, "client", None)
        if made is None:
            made = self._local.client = client(self._service, self._region)
        return made


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ClientError ('' for anything else)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""
