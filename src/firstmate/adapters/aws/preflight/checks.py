"""A check's verdict (`Check`: ok, warn or fail, with the one action that fixes it), and every error met
while checking as a failed check naming its fix, so that one failure never stops the other checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError, ProfileNotFound

from firstmate.adapters.aws.clients import error_code

Status = Literal["ok", "warn", "fail"]
#: Makes the client for a service name; one boto3 session serves a whole run.
Aws = Callable[[str], Any]
#: The error codes of a resource that does not exist.
NOT_FOUND = {"ResourceNotFoundException", "NotFoundException", "NoSuchBucket", "404"}


@dataclass(frozen=True)
class Check:
    """One verdict: where (area), what (name), how it went, and the one action that fixes it."""

    area: str
    name: str
    status: Status
    detail: str
    fix: str = ""


def summary(checks: list[Check]) -> str:
    """'N checks: X failed, Y warnings'."""
    failed = sum(c.status == "fail" for c in checks)
    warned = sum(c.status == "warn" for c in checks)
    return f"{len(checks)} checks: {failed} failed, {warned} warning{'' if warned == 1 else 's'}"


def safely(area: str, name: str, run: Callable[[], Check | list[Check]]) -> list[Check]:
    """Run one group of checks; any error becomes one failed check, so the next group still runs."""
    try:
        result = run()
    except Exception as exc:  # preflight reports every failure; it never raises
        return [failure(area, name, exc, _SERVICES.get(area, area.lower()))]
    return result if isinstance(result, list) else [result]


_SERVICES = {"SES": "ses", "Secrets": "secretsmanager", "DynamoDB": "dynamodb", "S3": "s3"}


def failure(area: str, name: str, exc: BaseException, service: str) -> Check:
    """`exc`, met while checking `service`, as a failed check naming its fix."""
    code = error_code(exc)
    operation = getattr(exc, "operation_name", "")
    if "AccessDenied" in code or code in {"403", "UnauthorizedOperation", "AuthorizationError"}:
        fix = f"allow {service}:{operation or '*'} to the role or user running preflight"
    elif code in {"UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException"}:
        fix = "refresh the AWS credentials (aws sso login, or AWS_PROFILE)"
    elif isinstance(exc, NoCredentialsError | PartialCredentialsError | ProfileNotFound):  # no network's doing
        fix = "configure AWS credentials (aws configure, AWS_PROFILE or the function's role)"
    elif isinstance(exc, BotoCoreError):
        fix = "check the network, FIRSTMATE_AWS_REGION and AWS_ENDPOINT_URL (if set)"
    else:
        fix = "re-run; if it repeats, read the detail and check the AWS console"
    return Check(area, name, "fail", f"{operation or 'the check'} failed: {reason(exc)}", fix)


def reason(exc: BaseException) -> str:
    """What went wrong, short, and never a URL (Meta's carry the token)."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        message = " ".join(str(error.get("Message", "")).split())[:160]
        code = error.get("Code", "?")
        return f"{code}: {message}" if message and not message.startswith("<") else str(code)  # not an HTML page
    if isinstance(exc, BotoCoreError):
        return f"{type(exc).__name__}: {str(exc)[:160]}"
    return type(exc).__name__  # other messages may quote a URL, and Meta's URLs carry the token


def unreachable(area: str, name: str, base: str, exc: httpx.HTTPError, setting: str) -> Check:
    """An endpoint out of reach as a failed check: fix the network or the `setting` naming its URL."""
    detail = f"could not reach {base} ({type(exc).__name__})"  # not str(exc): URLs carry the token
    return Check(area, name, "fail", detail, f"check the network and {setting}")
