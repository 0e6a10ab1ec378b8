"""boto3 clients on the standard credentials chain (environment, profile, Lambda role).

AWS_ENDPOINT_URL, read by boto3 itself, points every client at a stand-in such as moto's server.
"""

from __future__ import annotations

import os
import threading
from typing import Any


def client(
    service: str,
    region: str,
    *,
    endpoint_url: str | None = None,
    connect_timeout: float = 5,
    read_timeout: float = 20,
    attempts: int = 5,
) -> Any:
    """A low-level client for `service` in `region` (thread-safe; one per adapter); `endpoint_url`
    overrides AWS_ENDPOINT_URL for this client only. `attempts` counts the first call: botocore's
    standard retries back off on throttling, 5xx answers and timeouts until then."""
    import boto3  # imported on first use: the local setup never pays for it
    from botocore.config import Config

    # timeouts keep a Lambda from hanging on a service that does not answer
    config = Config(
        retries={"mode": "standard", "total_max_attempts": attempts},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_pool_connections=50,  # one client serves every thread of the web app
        **(_s3_config(endpoint_url) if service == "s3" else {}),
    )
    return boto3.session.Session().client(service, region_name=region, config=config, endpoint_url=endpoint_url)


def _s3_config(endpoint_url: str | None) -> dict[str, Any]:
    """S3's presigned forms and links in Signature Version 4, the only one a bucket made since 2020 takes
    (botocore still presigns with version 2 in the regions that once had it), at the bucket's regional
    host on AWS itself (the global one answers a new bucket with redirects for up to a day). A stand-in
    (AWS_ENDPOINT_URL) keeps botocore's addressing: `<bucket>.localhost` does not resolve."""
    stand_in = endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    return {"signature_version": "s3v4", **({} if stand_in else {"s3": {"addressing_style": "virtual"}})}


class Shared:
    """One client of a service for the whole process, made on first use. A client is safe to share
    between threads, but making one is not, and a forked child must not reuse its parent's
    connections; one client per process also keeps a Lambda's cold start to one set-up."""

    def __init__(
        self, service: str, region: str, *, connect_timeout: float = 5, read_timeout: float = 20, attempts: int = 5
    ) -> None:
        self._service = service
        self._region = region
        self._timeouts = (connect_timeout, read_timeout)
        self._attempts = attempts
        self._lock = threading.Lock()
        self._client: Any = None
        self._pid = os.getpid()

    def get(self) -> Any:
        """The process's client."""
        with self._lock:
            if self._client is None or os.getpid() != self._pid:
                connect, read = self._timeouts
                self._client = client(
                    self._service, self._region, connect_timeout=connect, read_timeout=read, attempts=self._attempts
                )
                self._pid = os.getpid()
            return self._client


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ClientError ('' for anything else)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


#: What to do when no AWS credentials (or no such profile) are found: the set-up's to fix, not the network's.
CREDENTIALS_HINT = "set up AWS credentials: aws configure, or AWS_PROFILE (on AWS, the role)"


def unreachable_hint(exc: BaseException) -> str:
    """What to do about a botocore error that is no answer from AWS: credentials missing, or a profile
    that does not exist, are to be set up (retrying never helped); anything else (the network) may pass."""
    from botocore.exceptions import NoCredentialsError, PartialCredentialsError, ProfileNotFound

    if isinstance(exc, NoCredentialsError | PartialCredentialsError | ProfileNotFound):
        return CREDENTIALS_HINT
    return "retry in a moment"
