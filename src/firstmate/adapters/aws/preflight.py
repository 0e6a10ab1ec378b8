"""`firstmate aws preflight`: read-only checks of what silently broke production before.

Unverified SES senders, missing or empty secrets, adapters left on their local settings, a Meta
token that expired or lacks ads_read, a Meta app still in Development mode, a HubSpot token that
was rotated, and a table or bucket drifted from `resources.py`. Every call only reads; every
failure, AWS error or unreachable endpoint becomes a failed `Check` naming its fix, and one
failure never stops the other checks. Token values are read but never put into a result.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr
from functools import partial
from typing import Any, Literal

import httpx
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
)

from firstmate.adapters.aws.clients import error_code
from firstmate.adapters.aws.resources import (
    ARCHIVE_DAYS,
    GSI_NAME,
    QUARANTINE_PREFIX,
    SECRET_PLACEHOLDER,
    TTL_ATTRIBUTE,
    archive_lifecycle,
    data_lifecycle,
    table_schema,
)
from firstmate.config import Settings

Status = Literal["ok", "warn", "fail"]
#: Makes the client for a service name; one boto3 session serves a whole run.
Aws = Callable[[str], Any]
#: One quick retry: preflight answers in seconds, even when an endpoint is unreachable.
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=3, read_timeout=10)
META_VERSION = "v21.0"
META_PERMISSION_CODES = {3, 10, 200, 294}
RENEW_WARNING_DAYS = 14
_NOT_FOUND = {"ResourceNotFoundException", "NotFoundException", "NoSuchBucket", "404"}


@dataclass(frozen=True)
class Check:
    """One verdict: where (area), what (name), how it went, and the one action that fixes it."""

    area: str
    name: str
    status: Status
    detail: str
    fix: str = ""


def run_preflight(settings: Settings, *, http: httpx.Client | None = None) -> list[Check]:
    """Every check for the deployment `settings` describe, in a stable order (read-only calls)."""
    client = http or httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0))
    aws = _clients(settings.aws_region)
    try:
        secret_results, tokens = _secrets(settings, aws)
        return [
            *_settings_checks(settings),
            *_safely("SES", "sender", lambda: _ses_checks(settings, aws)),
            *secret_results,
            *_safely("Meta", "access token", lambda: _meta_checks(settings, client, tokens.get("meta_access_token"))),
            *_safely("HubSpot", "token", lambda: _hubspot_checks(settings, client, tokens.get("hubspot_token"))),
            *_safely("DynamoDB", "table", lambda: _table_checks(settings, aws)),
            *_safely("S3", "buckets", lambda: _bucket_checks(settings, aws)),
        ]
    finally:
        if http is None:
            client.close()


def summary(checks: list[Check]) -> str:
    """'N checks: X failed, Y warnings'."""
    failed = sum(c.status == "fail" for c in checks)
    warned = sum(c.status == "warn" for c in checks)
    return f"{len(checks)} checks: {failed} failed, {warned} warning{'' if warned == 1 else 's'}"


# --- settings -------------------------------------------------------------------------------------

_ADAPTERS = {
    "store": ("dynamodb", "data would live on one Lambda's temporary disk and vanish"),
    "blobs": ("s3", "files would live on one Lambda's temporary disk and vanish"),
    "mailer": ("ses", "mail would not go out through SES"),
    "secrets": ("aws", "tokens would not be read from Secrets Manager"),
}


def _settings_checks(settings: Settings) -> list[Check]:
    """The environment the functions run with: AWS adapters, a public https URL, a sender address."""
    checks = []
    for name, (wanted, otherwise) in _ADAPTERS.items():
        value = getattr(settings, name)
        if value == wanted:
            checks.append(Check("Settings", name, "ok", f"{name} = {value}"))
        else:
            fix = f"set FIRSTMATE_{name.upper()}={wanted} on every function (template Globals → Environment)"
            checks.append(Check("Settings", name, "fail", f"{name} is {value!r}: {otherwise}", fix))
    url = httpx.URL(settings.base_url)
    if url.scheme == "https" and url.host not in {"localhost", "127.0.0.1"}:
        checks.append(Check("Settings", "base_url", "ok", settings.base_url))
    else:
        fix = "set FIRSTMATE_BASE_URL to the public https URL (the HTTP API's URL or your domain)"
        checks.append(Check("Settings", "base_url", "fail", f"{settings.base_url} is not a public https URL", fix))
    _, address = parseaddr(settings.mail_from)
    if "@" in address and "." in address.rpartition("@")[2]:
        checks.append(Check("Settings", "mail_from", "ok", address))
    else:
        fix = "set FIRSTMATE_MAIL_FROM to an address on your SES domain, e.g. bookings@example.com"
        checks.append(Check("Settings", "mail_from", "fail", f"{settings.mail_from!r} is not an address", fix))
    return checks


# --- SES ------------------------------------------------------------------------------------------


def _ses_checks(settings: Settings, aws: Aws) -> list[Check]:
    """The sender (address or its domain) verified, DKIM signing, the configuration set, the account."""
    ses = aws("sesv2")
    _, address = parseaddr(settings.mail_from)
    domain = address.rpartition("@")[2]
    found = {name: _identity(ses, name) for name in dict.fromkeys([domain, address]) if name}
    return [
        judge_sender(address, domain, found, settings.aws_region),
        judge_dkim(domain, found),
        *_safely("SES", "configuration set", lambda: _configuration_set(ses, settings.ses_configuration_set)),
        *_safely("SES", "production access", lambda: _account(ses)),
    ]


def judge_sender(address: str, domain: str, found: dict[str, dict[str, Any] | None], region: str) -> Check:
    """Whether SES lets `address` send: itself or its domain verified (GetEmailIdentity answers)."""
    present = {name: identity for name, identity in found.items() if identity is not None}
    for name, identity in present.items():
        if _verified(identity):
            return Check("SES", "sender identity", "ok", f"{name} is verified for sending")
    if not present:
        fix = f"aws sesv2 create-email-identity --email-identity {domain} --region {region}, publish its DKIM CNAMEs"
        return Check("SES", "sender identity", "fail", f"neither {address} nor {domain} is an SES identity", fix)
    name, identity = next(iter(present.items()))
    status = str(identity.get("VerificationStatus") or "not verified")
    if status == "PENDING":
        fix = f"publish the DNS records listed by aws sesv2 get-email-identity --email-identity {name}; SES rechecks"
    else:
        fix = f"check the DNS records of {name}, then: aws sesv2 create-email-identity --email-identity {name}"
    return Check("SES", "sender identity", "fail", f"{name} is {status}: SES refuses mail from {address}", fix)


def judge_dkim(domain: str, found: dict[str, dict[str, Any] | None]) -> Check:
    """Whether mail is DKIM-signed: signing enabled and the DKIM records found (Status SUCCESS)."""
    name, identity = next(((n, i) for n, i in found.items() if i is not None), (domain, None))
    if identity is None:
        return Check("SES", "DKIM", "fail", "no identity to sign for", "create the sender identity first (above)")
    dkim = identity.get("DkimAttributes") or {}
    status = str(dkim.get("Status", "NOT_STARTED"))
    if status == "SUCCESS" and dkim.get("SigningEnabled"):
        return Check("SES", "DKIM", "ok", f"{name}: signing enabled, records found")
    if status == "SUCCESS":
        fix = f"aws sesv2 put-email-identity-dkim-attributes --email-identity {name} --signing-enabled"
        return Check("SES", "DKIM", "fail", f"{name}: DKIM records found but signing is off", fix)
    if status == "NOT_STARTED":
        fix = (f"aws sesv2 put-email-identity-dkim-signing-attributes --email-identity {name} "
               "--signing-attributes-origin AWS_SES, then publish the 3 CNAME records")  # fmt: skip
    else:
        fix = f"publish the 3 DKIM CNAME records listed by aws sesv2 get-email-identity --email-identity {name}"
    return Check("SES", "DKIM", "fail", f"{name}: DKIM is {status}; receivers may junk unsigned mail", fix)


def _identity(ses: Any, name: str) -> dict[str, Any] | None:
    try:
        return dict(ses.get_email_identity(EmailIdentity=name))
    except ClientError as exc:
        if error_code(exc) in _NOT_FOUND:
            return None
        raise


def _verified(identity: dict[str, Any]) -> bool:
    # VerificationStatus is the detailed field; older answers carry only VerifiedForSendingStatus
    status = identity.get("VerificationStatus")
    return status == "SUCCESS" if status else bool(identity.get("VerifiedForSendingStatus"))


def _configuration_set(ses: Any, name: str) -> Check:
    try:
        ses.get_configuration_set(ConfigurationSetName=name)
    except ClientError as exc:
        if error_code(exc) not in _NOT_FOUND:
            raise
        fix = f"deploy the stack (it creates {name}) or set FIRSTMATE_SES_CONFIGURATION_SET to an existing set"
        return Check("SES", "configuration set", "fail", f"configuration set {name} does not exist", fix)
    return Check("SES", "configuration set", "ok", f"{name} exists")


def _account(ses: Any) -> Check:
    try:
        account = ses.get_account()
    except (ClientError, BotoCoreError) as exc:
        detail = f"could not tell whether the account is out of the sandbox ({_reason(exc)})"
        return Check("SES", "production access", "warn", detail, "allow ses:GetAccount, or look in the SES console")
    if account.get("SendingEnabled") is False:
        fix = "read the SES console's Reputation metrics and ask AWS Support to resume sending"
        return Check("SES", "production access", "fail", "sending is paused for the whole account", fix)
    if not account.get("ProductionAccessEnabled"):
        fix = "SES console → Account dashboard → Request production access"
        return Check("SES", "production access", "warn", "sandbox: mail goes only to verified addresses", fix)
    return Check("SES", "production access", "ok", "out of the sandbox")


# --- Secrets Manager ------------------------------------------------------------------------------


def _secrets(settings: Settings, aws: Aws) -> tuple[list[Check], dict[str, str]]:
    values: dict[str, str] = {}
    checks: list[Check] = []
    try:
        manager = aws("secretsmanager")
    except (BotoCoreError, ValueError) as exc:
        return [_failure("Secrets", "client", exc, "secretsmanager")], values
    for name in ["secret_key", *settings.token_secrets]:
        checks += _safely("Secrets", name, partial(_secret, manager, name, settings.secrets_prefix + name, values))
    return checks, values


def _secret(manager: Any, name: str, secret_id: str, values: dict[str, str]) -> Check:
    put = f"aws secretsmanager put-secret-value --secret-id {secret_id} --secret-string '…'"
    try:
        described = manager.describe_secret(SecretId=secret_id)
    except ClientError as exc:
        if error_code(exc) not in _NOT_FOUND:
            raise
        fix = f"aws secretsmanager create-secret --name {secret_id} --secret-string '…'"
        return Check("Secrets", name, "fail", f"{secret_id} does not exist", fix)
    if described.get("DeletedDate"):
        fix = f"aws secretsmanager restore-secret --secret-id {secret_id}"
        return Check("Secrets", name, "fail", f"{secret_id} is scheduled for deletion", fix)
    try:
        value = manager.get_secret_value(SecretId=secret_id)
    except ClientError as exc:
        if error_code(exc) not in _NOT_FOUND:
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


# --- Meta -----------------------------------------------------------------------------------------

_META_RENEW = (
    "Business settings → System users → Generate new token (ads_read, never expires), then "
    "aws secretsmanager put-secret-value --secret-id {id} --secret-string '…'"
)


class _MetaRefused(Exception):
    """Meta answered with an error body."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _meta_checks(settings: Settings, http: httpx.Client, token: str | None) -> list[Check]:
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
        return [_unreachable("Meta", "access token", settings.meta_base_url, exc, "FIRSTMATE_META_BASE_URL")]
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
        return _unreachable("Meta", "app mode", base, exc, "FIRSTMATE_META_BASE_URL")
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


# --- HubSpot --------------------------------------------------------------------------------------


def _hubspot_checks(settings: Settings, http: httpx.Client, token: str | None) -> list[Check]:
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
        return [_unreachable("HubSpot", "token", settings.hubspot_base_url, exc, "FIRSTMATE_HUBSPOT_BASE_URL")]
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


# --- DynamoDB -------------------------------------------------------------------------------------


def _table_checks(settings: Settings, aws: Aws) -> list[Check]:
    """The table exists with the keys and index of `table_schema()`, its stream on, TTL on `ttl`."""
    dynamodb = aws("dynamodb")
    name = settings.table_name
    try:
        table = dynamodb.describe_table(TableName=name)["Table"]
    except ClientError as exc:
        if error_code(exc) not in _NOT_FOUND:
            raise
        fix = "deploy the stack (sam deploy) or set FIRSTMATE_TABLE_NAME to the deployed table"
        return [Check("DynamoDB", "table", "fail", f"table {name} does not exist in {settings.aws_region}", fix)]
    return [
        _keys(table, name),
        _stream(table, name),
        *_safely("DynamoDB", "TTL", lambda: _ttl(dynamodb, name)),
    ]


def _keys(table: dict[str, Any], name: str) -> Check:
    schema = table_schema()
    indexes = {index["IndexName"]: index for index in table.get("GlobalSecondaryIndexes") or []}
    wanted_index = schema["GlobalSecondaryIndexes"][0]
    problems = []
    if table.get("KeySchema") != schema["KeySchema"]:
        problems.append("its key is not pk/sk")
    index = indexes.get(GSI_NAME)
    if index is None or index.get("KeySchema") != wanted_index["KeySchema"]:
        problems.append(f"index {GSI_NAME} (gsi1pk/gsi1sk) is missing or different")
    if not problems:
        return Check("DynamoDB", "keys and index", "ok", f"{name}: pk/sk, {GSI_NAME}")
    fix = "recreate the table from deploy/aws/template.yaml (keys cannot change in place; export the data first)"
    return Check("DynamoDB", "keys and index", "fail", f"{name}: {'; '.join(problems)}", fix)


def _stream(table: dict[str, Any], name: str) -> Check:
    stream = table.get("StreamSpecification") or {}
    if stream.get("StreamEnabled") and stream.get("StreamViewType") in {"NEW_IMAGE", "NEW_AND_OLD_IMAGES"}:
        return Check("DynamoDB", "stream", "ok", f"{name}: {stream['StreamViewType']}")
    fix = (f"aws dynamodb update-table --table-name {name} --stream-specification "
           "StreamEnabled=true,StreamViewType=NEW_IMAGE, then sam deploy to reconnect the dispatcher")  # fmt: skip
    return Check("DynamoDB", "stream", "fail", f"{name}: no stream with new images, so the outbox never sends", fix)


def _ttl(dynamodb: Any, name: str) -> Check:
    ttl = dynamodb.describe_time_to_live(TableName=name).get("TimeToLiveDescription") or {}
    status, attribute = ttl.get("TimeToLiveStatus", "DISABLED"), ttl.get("AttributeName")
    if status == "ENABLED" and attribute == TTL_ATTRIBUTE:
        return Check("DynamoDB", "TTL", "ok", f"{name}: on {TTL_ATTRIBUTE}")
    if status == "ENABLING" and attribute == TTL_ATTRIBUTE:
        return Check("DynamoDB", "TTL", "warn", f"{name}: TTL is still being enabled", "wait an hour and re-run")
    fix = (f"aws dynamodb update-time-to-live --table-name {name} "
           f"--time-to-live-specification Enabled=true,AttributeName={TTL_ATTRIBUTE}")  # fmt: skip
    state = f"on {attribute}, not {TTL_ATTRIBUTE}" if status == "ENABLED" else status.lower()
    detail = f"{name}: TTL is {state}; expired items pile up"
    return Check("DynamoDB", "TTL", "fail", detail, fix)


# --- S3 -------------------------------------------------------------------------------------------


def _bucket_checks(settings: Settings, aws: Aws) -> list[Check]:
    """Both buckets exist, block public access, and carry their lifecycle rules."""
    s3 = aws("s3")
    checks = []
    buckets = (("data", settings.bucket, "BUCKET"), ("archive", settings.archive_bucket, "ARCHIVE_BUCKET"))
    for kind, name, setting in buckets:
        checks += _safely("S3", f"{kind} bucket", partial(_bucket, s3, kind, name, setting))
    return checks


def _bucket(s3: Any, kind: str, name: str, setting: str) -> list[Check]:
    try:
        s3.head_bucket(Bucket=name)
    except ClientError as exc:
        if error_code(exc) in _NOT_FOUND:
            fix = f"deploy the stack (sam deploy) or set FIRSTMATE_{setting} to the deployed bucket"
            return [Check("S3", f"{kind} bucket", "fail", f"{name} does not exist", fix)]
        if error_code(exc) in {"403", "AccessDenied"}:
            fix = f"allow s3:ListBucket on {name}, or pick a name you own (bucket names are global)"
            return [Check("S3", f"{kind} bucket", "fail", f"{name} exists but this identity may not read it", fix)]
        raise
    return [
        *_safely("S3", f"{kind} public access", lambda: _public_access(s3, kind, name)),
        *_safely("S3", f"{kind} lifecycle", lambda: _lifecycle(s3, kind, name)),
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


# --- shared ---------------------------------------------------------------------------------------


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


def _safely(area: str, name: str, run: Callable[[], Check | list[Check]]) -> list[Check]:
    """Run one group of checks; any error becomes one failed check, so the next group still runs."""
    try:
        result = run()
    except Exception as exc:  # preflight reports every failure; it never raises
        return [_failure(area, name, exc, _SERVICES.get(area, area.lower()))]
    return result if isinstance(result, list) else [result]


_SERVICES = {"SES": "ses", "Secrets": "secretsmanager", "DynamoDB": "dynamodb", "S3": "s3"}


def _failure(area: str, name: str, exc: BaseException, service: str) -> Check:
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
    return Check(area, name, "fail", f"{operation or 'the check'} failed: {_reason(exc)}", fix)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        message = " ".join(str(error.get("Message", "")).split())[:160]
        code = error.get("Code", "?")
        return f"{code}: {message}" if message and not message.startswith("<") else str(code)  # not an HTML page
    if isinstance(exc, BotoCoreError):
        return f"{type(exc).__name__}: {str(exc)[:160]}"
    return type(exc).__name__  # other messages may quote a URL, and Meta's URLs carry the token


def _unreachable(area: str, name: str, base: str, exc: httpx.HTTPError, setting: str) -> Check:
    detail = f"could not reach {base} ({type(exc).__name__})"  # not str(exc): URLs carry the token
    return Check(area, name, "fail", detail, f"check the network and {setting}")
