"""What every service's reader shares: the account-wide region, turning an AWS refusal into a note,
and the pieces of an infrastructure.yaml row."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from firstmate.adapters.aws.clients import error_code
from firstmate.domain.redaction import ConfigEntry

GLOBAL = "us-east-1"  # S3's bucket list, CloudFront, Route 53 and Cost Explorer answer here
_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}
T = TypeVar("T")


def attempt(notes: list[str], what: str, call: Callable[[], T]) -> T | None:
    """`call()`, or None and a note saying why `what` could not be read."""
    try:
        return call()
    except (ClientError, BotoCoreError) as exc:
        notes.append(f"{what}: {_reason(exc)}")
        return None


def _reason(exc: BaseException) -> str:
    # the code only: an AWS message may quote a request, and nothing read must leak through a note
    code = error_code(exc)
    if code in _DENIED:
        return f"access denied ({code}); grant the read-only permissions listed in docs/deploy-aws.md"
    return f"AWS answered {code}" if code else f"not reachable ({type(exc).__name__})"


def entry(name: str, value: object) -> ConfigEntry:
    """A plain setting firstmate itself describes (never a secret): empty means missing."""
    text = "" if value is None else str(value)
    return ConfigEntry(name=name, is_set=bool(text), secret=False, value=text[:300] or None)


def slug(prefix: str, text: str) -> str:
    """A row id: `prefix-` and `text` in lowercase letters, digits and dashes, 40 characters at most."""
    body = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
    return f"{prefix}-{body}"[:40].rstrip("-")
