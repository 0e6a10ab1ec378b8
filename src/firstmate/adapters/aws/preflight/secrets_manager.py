"""Secrets Manager: each secret exists, is not being deleted, and holds a value other than the placeholder
(a secret key of 32+ characters). The values are handed to the Meta and HubSpot checks, never put into a result."""

from __future__ import annotations

from functools import partial
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from firstmate.adapters.aws.clients import error_code
from firstmate.adapters.aws.preflight.checks import NOT_FOUND, Aws, Check, failure, safely
from firstmate.adapters.aws.resources import SECRET_PLACEHOLDER
from firstmate.config import Settings


def read_secrets(settings: Settings, aws: Aws) -> tuple[list[Check], dict[str, str]]:
    values: dict[str, str] = {}
    checks: list[Check] = []
    try:
        manager = aws("secretsmanager")
    except (BotoCoreError, ValueError) as exc:
        return [failure("Secrets", "client", exc, "secretsmanager")], values
    for name in ["secret_key", *settings.token_secrets]:
        checks += safely("Secrets", name, partial(_secret, manager, name, settings.secrets_prefix + name, values))
    return checks, values


def _secret(manager: Any, name: str, secret_id: str, values: dict[str, str]) -> Check:
    put = f"aws secretsmanager put-secret-value --secret-id {secret_id} --secret-string '…'"
    try:
        described = manager.describe_secret(SecretId=secret_id)
    except ClientError as exc:
        if error_code(exc) not in NOT_FOUND:
            raise
        fix = f"aws secretsmanager create-secret --name {secret_id} --secret-string '…'"
        return Check("Secrets", name, "fail", f"{secret_id} does not exist", fix)
    if described.get("DeletedDate"):
        fix = f"aws secretsmanager restore-secret --secret-id {secret_id}"
        return Check("Secrets", name, "fail", f"{secret_id} is scheduled for deletion", fix)
    try:
        value = manager.get_secret_value(SecretId=secret_id)
    except ClientError as exc:
        if error_code(exc) not in NOT_FOUND:
            raise
        return Check("Secrets", name, "fail", f"{secret_id} exists but has no value", f"set it with {put}")
    text = str(value.get("SecretString") or "").strip()
    if not text and not value.get("SecretBinary"):
        return Check("Secrets", name, "fail", f"{secret_id} is empty", f"set it with {put}")
    if text == SECRET_PLACEHOLDER:
        return Check("Secrets", name, "fail", f"{secret_id} still holds the placeholder", f"set it with {put}")
    values[name] = text
    if name == "secret_key" and any(len(key) < 32 for key in text.split()):  # one key, or the keys of a rotation
        return Check("Secrets", name, "warn", f"{secret_id} holds a key shorter than 32 characters",
                     f"use 32+ random characters per key: {put}")  # fmt: skip
    return Check("Secrets", name, "ok", f"{secret_id} is set")
