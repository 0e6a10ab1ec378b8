"""Running every check of a deployment, in a stable order, on clients that give up quickly."""

from __future__ import annotations

from typing import Any

import httpx
from botocore.config import Config

from firstmate.adapters.aws.preflight.buckets import bucket_checks
from firstmate.adapters.aws.preflight.checks import Aws, Check, safely
from firstmate.adapters.aws.preflight.hubspot import hubspot_checks
from firstmate.adapters.aws.preflight.meta import meta_checks
from firstmate.adapters.aws.preflight.secrets_manager import read_secrets
from firstmate.adapters.aws.preflight.ses import ses_checks
from firstmate.adapters.aws.preflight.settings import settings_checks
from firstmate.adapters.aws.preflight.table import table_checks
from firstmate.config import Settings

#: One quick retry: preflight answers in seconds, even when an endpoint is unreachable.
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=3, read_timeout=10)


def run_preflight(settings: Settings, *, http: httpx.Client | None = None) -> list[Check]:
    """Every check for the deployment `settings` describe, in a stable order (read-only calls)."""
    client = http or httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0))
    aws = _clients(settings.aws_region)
    try:
        secret_results, tokens = read_secrets(settings, aws)
        return [
            *settings_checks(settings),
            *safely("SES", "sender", lambda: ses_checks(settings, aws)),
            *secret_results,
            *safely("Meta", "access token", lambda: meta_checks(settings, client, tokens.get("meta_access_token"))),
            *safely("HubSpot", "token", lambda: hubspot_checks(settings, client, tokens.get("hubspot_token"))),
            *safely("DynamoDB", "table", lambda: table_checks(settings, aws)),
            *safely("S3", "buckets", lambda: bucket_checks(settings, aws)),
        ]
    finally:
        if http is None:
            client.close()


def _clients(region: str) -> Aws:
    """Clients on the standard credentials chain (AWS_ENDPOINT_URL honoured) that give up quickly,
    from one session made on first use: its endpoint data is loaded once, not once per service."""
    sessions: list[Any] = []

    def make(service: str) -> Any:
        import boto3

        if not sessions:
            sessions.append(boto3.session.Session())
        return sessions[0].client(service, region_name=region, config=_CONFIG)

    return make
