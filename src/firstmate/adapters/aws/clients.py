"""boto3 clients on the standard credentials chain (environment, profile, Lambda role).

AWS_ENDPOINT_URL, read by boto3 itself, points every client at a stand-in such as moto's server.
"""

from __future__ import annotations

from typing import Any


def client(service: str, region: str) -> Any:
    """A low-level client for `service` in `region` (thread-safe; one per adapter)."""
    import boto3  # imported on first use: the local setup never pays for it
    from botocore.config import Config

    # standard retries back off on throttling and 5xx answers; timeouts keep a Lambda from hanging
    config = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=5, read_timeout=20)
    return boto3.session.Session().client(service, region_name=region, config=config)


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ClientError ('' for anything else)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""
