"""S3: both buckets exist, block public access, and carry their lifecycle rules."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from firstmate.adapters.aws.clients import error_code
from firstmate.adapters.aws.preflight.checks import NOT_FOUND, Aws, Check, safely
from firstmate.adapters.aws.resources import ARCHIVE_DAYS, QUARANTINE_PREFIX, archive_lifecycle, data_lifecycle
from firstmate.config import Settings


def bucket_checks(settings: Settings, aws: Aws) -> list[Check]:
    """Both buckets exist, block public access, and carry their lifecycle rules."""
    s3 = aws("s3")
    checks = []
    buckets = (("data", settings.bucket, "BUCKET"), ("archive", settings.archive_bucket, "ARCHIVE_BUCKET"))
    for kind, name, setting in buckets:
        checks += safely("S3", f"{kind} bucket", partial(_bucket, s3, kind, name, setting))
    return checks


def _bucket(s3: Any, kind: str, name: str, setting: str) -> list[Check]:
    try:
        s3.head_bucket(Bucket=name)
    except ClientError as exc:
        if error_code(exc) in NOT_FOUND:
            fix = f"deploy the stack (sam deploy) or set FIRSTMATE_{setting} to the deployed bucket"
            return [Check("S3", f"{kind} bucket", "fail", f"{name} does not exist", fix)]
        if error_code(exc) in {"403", "AccessDenied"}:
            fix = f"allow s3:ListBucket on {name}, or pick a name you own (bucket names are global)"
            return [Check("S3", f"{kind} bucket", "fail", f"{name} exists but this identity may not read it", fix)]
        raise
    return [
        *safely("S3", f"{kind} public access", lambda: _public_access(s3, kind, name)),
        *safely("S3", f"{kind} lifecycle", lambda: _lifecycle(s3, kind, name)),
    ]


def _public_access(s3: Any, kind: str, name: str) -> Check:
    try:
        block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    except ClientError as exc:
        if error_code(exc) != "NoSuchPublicAccessBlockConfiguration":
            raise
        block = {}
    flags = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    if all(block.get(flag) for flag in flags):
        return Check("S3", f"{kind} public access", "ok", f"{name}: blocked")
    fix = (f"aws s3api put-public-access-block --bucket {name} --public-access-block-configuration "
           + ",".join(f"{flag}=true" for flag in flags))  # fmt: skip
    return Check("S3", f"{kind} public access", "fail", f"{name}: public access is not fully blocked", fix)


def _lifecycle(s3: Any, kind: str, name: str) -> Check:
    try:
        rules = s3.get_bucket_lifecycle_configuration(Bucket=name).get("Rules") or []
    except ClientError as exc:
        if error_code(exc) != "NoSuchLifecycleConfiguration":
            raise
        rules = []
    archive = kind == "archive"
    prefix, limit = ("", ARCHIVE_DAYS) if archive else (QUARANTINE_PREFIX, 365)
    what = "objects" if archive else f"uploads under {QUARANTINE_PREFIX}"
    for rule in rules:
        days = (rule.get("Expiration") or {}).get("Days")
        if rule.get("Status") == "Enabled" and _prefix(rule) == prefix and days and days <= limit:
            return Check("S3", f"{kind} lifecycle", "ok", f"{name}: {what} expire after {days} day{'s' * (days != 1)}")
    lifecycle = json.dumps(archive_lifecycle() if archive else data_lifecycle(), separators=(",", ":"))
    fix = f"aws s3api put-bucket-lifecycle-configuration --bucket {name} --lifecycle-configuration '{lifecycle}'"
    within = f" within {limit} days" if archive else ""
    return Check("S3", f"{kind} lifecycle", "fail", f"{name}: no enabled rule expires {what}{within}", fix)


def _prefix(rule: dict[str, Any]) -> str | None:
    """The prefix a lifecycle rule covers ('' for all), None when tags or sizes narrow it."""
    rule_filter = rule.get("Filter")
    if rule_filter is None:
        return str(rule.get("Prefix", ""))
    if set(rule_filter) <= {"Prefix"}:
        return str(rule_filter.get("Prefix", ""))
    both = rule_filter.get("And")
    if isinstance(both, dict) and set(both) <= {"Prefix"}:
        return str(both.get("Prefix", ""))
    return None
