"""HubSpot: one page of contacts read with the private-app token (401: renew it, 403: grant the scope)."""

from __future__ import annotations

import httpx

from firstmate.adapters.aws.preflight.checks import Check, unreachable
from firstmate.config import Settings


def hubspot_checks(settings: Settings, http: httpx.Client, token: str | None) -> list[Check]:
    """One page of contacts, read with the private-app token: 401 means renew, 403 means grant the scope."""
    if settings.crm_source != "hubspot":
        return []
    if not token:
        return [Check("HubSpot", "token", "warn", "not checked: no hubspot_token", "fix its secret first")]
    put = f"aws secretsmanager put-secret-value --secret-id {settings.secrets_prefix}hubspot_token --secret-string '…'"
    url = f"{settings.hubspot_base_url.rstrip('/')}/crm/v3/objects/contacts"
    try:
        response = http.get(url, params={"limit": "1"}, headers={"authorization": f"Bearer {token}"})
    except httpx.HTTPError as exc:
        return [unreachable("HubSpot", "token", settings.hubspot_base_url, exc, "FIRSTMATE_HUBSPOT_BASE_URL")]
    message = _hubspot_message(response)
    if response.status_code == 401:
        fix = f"HubSpot → Settings → Integrations → Private apps → the app → Auth → Rotate token, then {put}"
        return [Check("HubSpot", "token", "fail", f"HubSpot refused the token (401): {message}", fix)]
    if response.status_code == 403:
        fix = "HubSpot → Settings → Integrations → Private apps → the app → Scopes: grant crm.objects.contacts.read"
        return [Check("HubSpot", "token", "fail", f"the token may not read contacts (403): {message}", fix)]
    if response.status_code >= 400:
        fix = "try again later; if it persists, check status.hubspot.com"
        return [Check("HubSpot", "token", "fail", f"HubSpot answered {response.status_code}: {message}", fix)]
    return [Check("HubSpot", "token", "ok", "the token reads contacts")]


def _hubspot_message(response: httpx.Response) -> str:
    try:
        return str(response.json().get("message", ""))[:200]
    except (ValueError, AttributeError):
        return response.text[:200]
