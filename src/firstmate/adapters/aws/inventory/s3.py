"""S3 buckets as rows: public access block (the bucket's own, else the account's), default encryption,
lifecycle rules and region."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from firstmate.adapters.aws.clients import client, error_code
from firstmate.adapters.aws.inventory.reading import GLOBAL, attempt, entry, slug
from firstmate.domain.snapshot import InfraService

_PUBLIC_BLOCK = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def buckets(notes: list[str], account: str) -> tuple[list[InfraService], set[str]]:
    """Every bucket in the account, one row each (a bare row when it cannot be read), and their names."""
    s3 = client("s3", GLOBAL)
    names = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
    account_block: list[bool | None] = []

    def account_blocked() -> bool | None:  # read once, and only if a bucket lacks its own block
        if not account_block:
            account_block.append(
                attempt(notes, "S3 account-level public access block", partial(_account_block, account))
            )
        return account_block[0]

    rows = [
        attempt(notes, f"S3 bucket {name}", partial(_bucket, s3, name, account_blocked))
        or InfraService(id=slug("s3", name), name=name, kind="storage")
        for name in names
    ]
    return rows, set(names)


def _bucket(s3: Any, name: str, account_blocked: Callable[[], bool | None]) -> InfraService:
    block = _s3_get(s3, "get_public_access_block", name, "NoSuchPublicAccessBlockConfiguration")
    flags = (block or {}).get("PublicAccessBlockConfiguration", {})
    missing = [flag for flag in _PUBLIC_BLOCK if not flags.get(flag)]
    blocked_by_account = bool(missing) and account_blocked() is True
    encryption = _s3_get(s3, "get_bucket_encryption", name, "ServerSideEncryptionConfigurationNotFoundError")
    rules = (encryption or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    lifecycle = _s3_get(s3, "get_bucket_lifecycle_configuration", name, "NoSuchLifecycleConfiguration")
    enabled = [r for r in (lifecycle or {}).get("Rules", []) if r.get("Status") == "Enabled"]
    location = s3.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
    block_text = "full" if not missing else ("account-wide" if blocked_by_account else _partial(missing))
    return InfraService(
        id=slug("s3", name),
        name=name,
        kind="storage",
        public=bool(missing) and not blocked_by_account,
        config=(
            entry("public_access_block", block_text),
            entry(
                "encryption",
                ", ".join(r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm", "") for r in rules),
            ),
            entry("lifecycle", f"{len(enabled)} rule{'' if len(enabled) == 1 else 's'}" if enabled else ""),
            entry("region", location),
        ),
    )


def _partial(missing: list[str]) -> str:
    return "none" if len(missing) == len(_PUBLIC_BLOCK) else "partial, missing " + ", ".join(missing)


def _s3_get(s3: Any, operation: str, bucket: str, not_configured: str) -> dict[str, Any] | None:
    """The answer, or None when the bucket simply has no such configuration."""
    try:
        return dict(getattr(s3, operation)(Bucket=bucket))
    except ClientError as exc:
        if error_code(exc) == not_configured:
            return None
        raise


def _account_block(account: str) -> bool:
    try:
        answer = client("s3control", GLOBAL).get_public_access_block(AccountId=account)
    except ClientError as exc:
        if error_code(exc) == "NoSuchPublicAccessBlockConfiguration":
            return False
        raise
    return all(answer.get("PublicAccessBlockConfiguration", {}).get(flag) for flag in _PUBLIC_BLOCK)
