"""Meta: the token valid, not about to expire and holding ads_read; the app live (it can read ad accounts)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx

from firstmate.adapters.aws.preflight.checks import Check, unreachable
from firstmate.config import Settings

META_VERSION = "v21.0"
META_PERMISSION_CODES = {3, 10, 200, 294}
RENEW_WARNING_DAYS = 14


_META_RENEW = (
    "Business settings → System users → Generate new token (ads_read, never expires), then "
    "aws secretsmanager put-secret-value --secret-id {id} --secret-string '…'"
)


# not in errors.py: caught in this module, and told as a failed preflight check
class _MetaRefused(Exception):
    """Meta answered with an error body."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def meta_checks(settings: Settings, http: httpx.Client, token: str | None) -> list[Check]:
    """The token valid and not about to expire, with ads_read; the app live (it can read ad accounts)."""
    if settings.ads_source != "meta":
        return []
    fix = _META_RENEW.format(id=settings.secrets_prefix + "meta_access_token")
    if not token:
        return [Check("Meta", "access token", "warn", "not checked: no meta_access_token", "fix its secret first")]
    base = f"{settings.meta_base_url.rstrip('/')}/{META_VERSION}"
    try:
        info = _meta_get(http, f"{base}/debug_token", {"input_token": token}, token)["data"]
    except _MetaRefused as exc:
        return [Check("Meta", "access token", "fail", f"Meta refused the token (code {exc.code}): {exc}", fix)]
    except httpx.HTTPError as exc:
        return [unreachable("Meta", "access token", settings.meta_base_url, exc, "FIRSTMATE_META_BASE_URL")]
    token_check = _judge_token(info, fix)
    if token_check.status == "fail":
        return [token_check]
    scopes = [str(scope) for scope in info.get("scopes") or []]
    if "ads_read" not in scopes:
        detail = f"the token lacks ads_read (has {', '.join(scopes) or 'none'})"
        missing = Check("Meta", "ads_read permission", "fail", detail, fix)
        return [token_check, missing, Check("Meta", "app mode", "warn", "not checked: needs ads_read", "see above")]
    granted = Check("Meta", "ads_read permission", "ok", "granted")
    return [token_check, granted, _app_mode(http, base, token, str(info.get("application") or "the app"))]


def _judge_token(info: dict[str, Any], fix: str) -> Check:
    expires = int(info.get("expires_at") or 0)
    if not info.get("is_valid"):
        reason = (info.get("error") or {}).get("message") or "Meta says the token is not valid"
        return Check("Meta", "access token", "fail", str(reason), fix)
    app = f"{info.get('type', 'token')} token of {info.get('application', 'the app')} (app {info.get('app_id', '?')})"
    if expires == 0:
        return Check("Meta", "access token", "ok", f"valid {app}, never expires")
    day = datetime.fromtimestamp(expires, UTC).date().isoformat()
    if expires < time.time():
        return Check("Meta", "access token", "fail", f"{app} expired on {day}", fix)
    if expires < time.time() + RENEW_WARNING_DAYS * 86400:
        return Check("Meta", "access token", "warn", f"valid {app}, expires on {day}", f"renew it: {fix}")
    return Check("Meta", "access token", "ok", f"valid {app}, expires on {day}")


def _app_mode(http: httpx.Client, base: str, token: str, app: str) -> Check:
    # The Graph API has no app-mode field: a Development-mode app shows itself by being refused
    # (#200 and kin) reading ad accounts although its token holds ads_read.
    live_fix = f"developers.facebook.com/apps → {app} → switch App Mode to Live (top bar)"
    try:
        params = {"fields": "account_id", "limit": "5"}
        accounts = _meta_get(http, f"{base}/me/adaccounts", params, token)
    except _MetaRefused as exc:
        if exc.code in META_PERMISSION_CODES:
            detail = f"reading ad accounts refused although ads_read is granted (app in Development mode?): {exc}"
            return Check("Meta", "app mode", "fail", detail, live_fix)
        return Check("Meta", "app mode", "fail", f"Meta refused reading ad accounts (code {exc.code}): {exc}", live_fix)
    except httpx.HTTPError as exc:
        return unreachable("Meta", "app mode", base, exc, "FIRSTMATE_META_BASE_URL")
    if not accounts.get("data"):
        fix = "Business settings → System users → Assign assets: give the system user the ad accounts"
        return Check("Meta", "app mode", "warn", "live, but the token sees no ad account", fix)
    return Check("Meta", "app mode", "ok", f"live: the token reads {len(accounts['data'])} ad account(s)")


def _meta_get(http: httpx.Client, url: str, params: dict[str, str], token: str) -> dict[str, Any]:
    response = http.get(url, params=params, headers={"authorization": f"Bearer {token}"})
    try:
        body = response.json()
    except ValueError:
        raise _MetaRefused(0, f"HTTP {response.status_code}, not JSON") from None
    if not isinstance(body, dict):
        raise _MetaRefused(0, f"HTTP {response.status_code}, unexpected body")
    if "error" in body or response.status_code >= 400:
        error = body.get("error") or {}
        raise _MetaRefused(int(error.get("code", 0)), str(error.get("message", f"HTTP {response.status_code}")))
    return body
