"""`firstmate aws preflight` against moto's server and the Meta/HubSpot stand-ins: a healthy
deployment passes, and each deliberately broken piece fails alone, with a fix that names the action."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import fields
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from firstmate.adapters.aws.preflight import Check, judge_dkim, judge_sender, run_preflight
from firstmate.adapters.aws.resources import create_resources
from firstmate.config import Settings, load_settings
from firstmate.standin import hubspot, meta
from firstmate.standin.data import build_history
from firstmate.standin.server import HUBSPOT_TOKEN, META_TOKEN, StandIn, running
from tests.moto_server import REGION, MotoServer

pytestmark = pytest.mark.aws

HISTORY = build_history(date(2026, 11, 9))
SECRET_KEY = "k" * 48  # fictional
#: moto has no SESv2 GetAccount, so whether the account left the sandbox cannot be told there.
MOTO_CANNOT_TELL = ("SES", "production access")
ENVIRONMENT = {
    "store": "dynamodb", "blobs": "s3", "mailer": "ses", "secrets": "aws",
    "base_url": "https://crew.example.com", "mail_from": "crew@example.com",
}  # fmt: skip


@pytest.fixture(scope="module")
def standin() -> Iterator[StandIn]:
    with running(HISTORY) as server:
        yield server


@pytest.fixture
def deployment(aws: MotoServer, standin: StandIn, tmp_path: Path) -> Settings:
    """A healthy deployment: the stack's resources, a verified sender with DKIM, the secrets, live tokens."""
    _reset(standin.meta_faults, meta.MetaFaults())
    _reset(standin.hubspot_faults, hubspot.HubSpotFaults())
    create_resources(REGION, table="firstmate", bucket="firstmate-data", archive_bucket="firstmate-archive")
    ses = client("sesv2", REGION)
    ses.create_email_identity(
        EmailIdentity="example.com", DkimSigningAttributes={"NextSigningKeyLength": "RSA_2048_BIT"}
    )
    ses.create_configuration_set(ConfigurationSetName="firstmate")
    manager = client("secretsmanager", REGION)
    for name, value in (
        ("secret_key", SECRET_KEY),
        ("meta_access_token", META_TOKEN),
        ("hubspot_token", HUBSPOT_TOKEN),
    ):
        manager.create_secret(Name=f"firstmate/{name}", SecretString=value)
    return load_settings(home=tmp_path / "home", meta_base_url=standin.url, hubspot_base_url=standin.url, **ENVIRONMENT)


@cache
def _session() -> Any:
    """One boto3 session for the test's own calls: a session per client would reload botocore's data."""
    import boto3

    return boto3.session.Session()


def client(service: str, region: str) -> Any:
    """A client on moto's server (the `aws` fixture sets the endpoint and credentials)."""
    return _session().client(service, region_name=region)


def _reset(faults: Any, fresh: Any) -> None:
    for field in fields(fresh):
        setattr(faults, field.name, getattr(fresh, field.name))


def _by_key(checks: list[Check]) -> dict[tuple[str, str], Check]:
    return {(check.area, check.name): check for check in checks}


def _failed(checks: list[Check]) -> set[tuple[str, str]]:
    return {(check.area, check.name) for check in checks if check.status == "fail"}


def test_a_healthy_deployment_passes_every_check(deployment: Settings) -> None:
    checks = run_preflight(deployment)
    assert {c.area for c in checks} == {"Settings", "SES", "Secrets", "Meta", "HubSpot", "DynamoDB", "S3"}
    not_ok = {(c.area, c.name): c for c in checks if c.status != "ok"}
    assert list(not_ok) == [MOTO_CANNOT_TELL] and not_ok[MOTO_CANNOT_TELL].status == "warn"
    found = _by_key(checks)
    assert len(checks) == 24 and len(found) == 24
    assert found[("SES", "sender identity")].detail == "example.com is verified for sending"
    assert "never expires" in found[("Meta", "access token")].detail
    assert found[("S3", "archive lifecycle")].detail == "firstmate-archive: objects expire after 90 days"
    assert all(META_TOKEN not in c.detail + c.fix and HUBSPOT_TOKEN not in c.detail + c.fix for c in checks)


def _aws_break(action: Callable[[], object]) -> Callable[[Settings, StandIn], Settings]:
    def breaker(settings: Settings, standin: StandIn) -> Settings:
        action()
        return settings

    return breaker


def _fault(apply: Callable[[StandIn], None]) -> Callable[[Settings, StandIn], Settings]:
    def breaker(settings: Settings, standin: StandIn) -> Settings:
        apply(standin)
        return settings

    return breaker


def _settings(**changes: str) -> Callable[[Settings, StandIn], Settings]:
    return lambda settings, _: settings.model_copy(update=changes)


def _recreate_identity_without_dkim() -> None:
    ses = client("sesv2", REGION)
    ses.delete_email_identity(EmailIdentity="example.com")
    ses.create_email_identity(EmailIdentity="example.com")


def _secret_without_value() -> None:
    manager = client("secretsmanager", REGION)
    manager.delete_secret(SecretId="firstmate/hubspot_token", ForceDeleteWithoutRecovery=True)
    manager.create_secret(Name="firstmate/hubspot_token")


BREAKAGES = {
    "table missing": (
        _aws_break(lambda: client("dynamodb", REGION).delete_table(TableName="firstmate")),
        {("DynamoDB", "table")}, "sam deploy",
    ),
    "ttl off": (
        _aws_break(lambda: client("dynamodb", REGION).update_time_to_live(
            TableName="firstmate", TimeToLiveSpecification={"Enabled": False, "AttributeName": "ttl"})),
        {("DynamoDB", "TTL")}, "update-time-to-live --table-name firstmate",
    ),
    "stream off": (
        _aws_break(lambda: client("dynamodb", REGION).update_table(
            TableName="firstmate", StreamSpecification={"StreamEnabled": False})),
        {("DynamoDB", "stream")}, "StreamEnabled=true,StreamViewType=NEW_IMAGE",
    ),
    "archive bucket without lifecycle": (
        _aws_break(lambda: client("s3", REGION).delete_bucket_lifecycle(Bucket="firstmate-archive")),
        {("S3", "archive lifecycle")}, "put-bucket-lifecycle-configuration --bucket firstmate-archive",
    ),
    "data bucket public": (
        _aws_break(lambda: client("s3", REGION).delete_public_access_block(Bucket="firstmate-data")),
        {("S3", "data public access")}, "put-public-access-block --bucket firstmate-data",
    ),
    "archive bucket missing": (
        _aws_break(lambda: client("s3", REGION).delete_bucket(Bucket="firstmate-archive")),
        {("S3", "archive bucket")}, "FIRSTMATE_ARCHIVE_BUCKET",
    ),
    "secret missing": (
        _aws_break(lambda: client("secretsmanager", REGION).delete_secret(
            SecretId="firstmate/secret_key", ForceDeleteWithoutRecovery=True)),
        {("Secrets", "secret_key")}, "create-secret --name firstmate/secret_key",
    ),
    "secret scheduled for deletion": (
        _aws_break(lambda: client("secretsmanager", REGION).delete_secret(
            SecretId="firstmate/secret_key", RecoveryWindowInDays=7)),
        {("Secrets", "secret_key")}, "restore-secret --secret-id firstmate/secret_key",
    ),
    "secret without a value": (
        _aws_break(_secret_without_value),
        {("Secrets", "hubspot_token")}, "put-secret-value --secret-id firstmate/hubspot_token",
    ),
    "secret blank": (
        _aws_break(lambda: client("secretsmanager", REGION).put_secret_value(
            SecretId="firstmate/meta_access_token", SecretString="  ")),
        {("Secrets", "meta_access_token")}, "put-secret-value --secret-id firstmate/meta_access_token",
    ),
    "secret still the deploy's placeholder": (
        _aws_break(lambda: client("secretsmanager", REGION).put_secret_value(
            SecretId="firstmate/meta_access_token", SecretString="REPLACE_ME")),
        {("Secrets", "meta_access_token")}, "put-secret-value --secret-id firstmate/meta_access_token",
    ),
    "ses identity missing": (
        _aws_break(lambda: client("sesv2", REGION).delete_email_identity(EmailIdentity="example.com")),
        {("SES", "sender identity"), ("SES", "DKIM")}, "create-email-identity --email-identity example.com",
    ),
    "dkim never started": (
        _aws_break(_recreate_identity_without_dkim),
        {("SES", "DKIM")}, "put-email-identity-dkim-signing-attributes --email-identity example.com",
    ),
    "configuration set missing": (
        _aws_break(lambda: client("sesv2", REGION).delete_configuration_set(ConfigurationSetName="firstmate")),
        {("SES", "configuration set")}, "FIRSTMATE_SES_CONFIGURATION_SET",
    ),
    "meta token expired": (
        _fault(lambda s: setattr(s.meta_faults, "token_expired", True)),
        {("Meta", "access token")}, "Generate new token",
    ),
    "meta token unknown": (
        _aws_break(lambda: client("secretsmanager", REGION).put_secret_value(
            SecretId="firstmate/meta_access_token", SecretString="EAAG-revoked")),
        {("Meta", "access token")}, "put-secret-value --secret-id firstmate/meta_access_token",
    ),
    "meta token without ads_read": (
        _fault(lambda s: setattr(s.meta_faults, "scopes", ["read_insights", "business_management"])),
        {("Meta", "ads_read permission")}, "ads_read",
    ),
    "meta app in development mode": (
        _fault(lambda s: setattr(s.meta_faults, "app_in_development", True)),
        {("Meta", "app mode")}, "switch App Mode to Live",
    ),
    "hubspot token rotated": (
        _fault(lambda s: setattr(s.hubspot_faults, "unauthorized", True)),
        {("HubSpot", "token")}, "Rotate token",
    ),
    "hubspot scope missing": (
        _fault(lambda s: setattr(s.hubspot_faults, "missing_scope", True)),
        {("HubSpot", "token")}, "grant crm.objects.contacts.read",
    ),
    "settings still local": (
        _settings(store="sqlite", blobs="local", mailer="outbox", secrets="local"),
        {("Settings", "store"), ("Settings", "blobs"), ("Settings", "mailer"), ("Settings", "secrets")},
        "FIRSTMATE_STORE=dynamodb",
    ),
    "base url not https": (
        _settings(base_url="http://127.0.0.1:8000"),
        {("Settings", "base_url")}, "FIRSTMATE_BASE_URL",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BREAKAGES))
def test_each_broken_piece_fails_alone_with_its_fix(case: str, deployment: Settings, standin: StandIn) -> None:
    breaker, expected, fix = BREAKAGES[case]
    checks = run_preflight(breaker(deployment, standin))
    assert _failed(checks) == expected
    assert any(fix in check.fix for check in checks if (check.area, check.name) in expected), checks
    assert all(check.fix for check in checks if check.status != "ok")
    # the other checks still ran
    assert {c.area for c in checks} == {"Settings", "SES", "Secrets", "Meta", "HubSpot", "DynamoDB", "S3"}
    assert all(META_TOKEN not in c.detail + c.fix and HUBSPOT_TOKEN not in c.detail + c.fix for c in checks)


def test_a_missing_token_secret_skips_its_source_with_a_warning(deployment: Settings) -> None:
    client("secretsmanager", REGION).delete_secret(
        SecretId="firstmate/meta_access_token", ForceDeleteWithoutRecovery=True
    )
    found = _by_key(run_preflight(deployment))
    assert found[("Secrets", "meta_access_token")].status == "fail"
    assert found[("Meta", "access token")].status == "warn" and "not checked" in found[("Meta", "access token")].detail
    assert found[("HubSpot", "token")].status == "ok"


@pytest.fixture
def closed() -> Iterator[str]:
    """The URL of a port held bound, never listening, for the whole test: every connection to it is refused,
    and no other process can take it meanwhile (a port found free and let go was, once, under load)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}"


def test_unreachable_endpoints_become_failed_checks_not_tracebacks(
    deployment: Settings, closed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", closed)
    checks = run_preflight(deployment.model_copy(update={"meta_base_url": closed, "hubspot_base_url": closed}))
    assert {area for area, _ in _failed(checks)} == {"SES", "Secrets", "DynamoDB", "S3"}
    assert all("AWS_ENDPOINT_URL" in c.fix for c in checks if c.status == "fail")
    assert {c.area for c in checks if c.status == "warn"} >= {"Meta", "HubSpot"}  # no token could be read


def test_an_unverified_sender_fails_with_the_records_to_publish() -> None:
    # moto answers SUCCESS for every identity, so a pending one is judged from a GetEmailIdentity answer
    pending = {"VerificationStatus": "PENDING", "VerifiedForSendingStatus": False,
               "DkimAttributes": {"SigningEnabled": True, "Status": "PENDING"}}  # fmt: skip
    found: dict[str, dict[str, object] | None] = {"example.com": pending, "crew@example.com": None}
    sender = judge_sender("crew@example.com", "example.com", found, "us-east-1")
    assert sender.status == "fail" and "PENDING" in sender.detail
    assert "get-email-identity --email-identity example.com" in sender.fix
    dkim = judge_dkim("example.com", found)
    assert dkim.status == "fail" and "3 DKIM CNAME records" in dkim.fix


def test_the_command_prints_the_table_and_exits_1_on_a_failure(
    deployment: Settings, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    from firstmate.cli import cli

    for name, value in {**ENVIRONMENT, "meta_base_url": standin.url, "hubspot_base_url": standin.url}.items():
        monkeypatch.setenv(f"FIRSTMATE_{name.upper()}", value)
    monkeypatch.setenv("COLUMNS", "250")
    healthy = CliRunner().invoke(cli, ["aws", "preflight"])
    assert healthy.exit_code == 0, healthy.output
    assert "24 checks: 0 failed, 1 warning" in healthy.output and "✓" in healthy.output
    client("dynamodb", REGION).update_time_to_live(
        TableName="firstmate", TimeToLiveSpecification={"Enabled": False, "AttributeName": "ttl"}
    )
    broken = CliRunner().invoke(cli, ["aws", "preflight"])
    assert broken.exit_code == 1
    assert "✗" in broken.output and "update-time-to-live --table-name firstmate" in broken.output
    assert "24 checks: 1 failed, 1 warning" in broken.output
    assert META_TOKEN not in broken.output and HUBSPOT_TOKEN not in broken.output and SECRET_KEY not in broken.output


def test_a_profile_that_does_not_exist_is_said_to_be_the_credentials_not_the_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AWS_PROFILE misspelt failed every AWS check with "check the network, FIRSTMATE_AWS_REGION and
    AWS_ENDPOINT_URL": botocore's ProfileNotFound is no network error. Nothing reaches the network."""
    monkeypatch.setenv("AWS_PROFILE", "firstmate-no-such-profile")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    checks = run_preflight(load_settings(home=tmp_path / "home", **ENVIRONMENT))
    failed = [check for check in checks if check.area in {"SES", "Secrets", "DynamoDB", "S3"}]
    assert failed and all(check.status == "fail" for check in failed)
    assert all("could not be found" in check.detail for check in failed), [c.detail for c in failed]
    assert all(check.fix.startswith("configure AWS credentials") for check in failed), [c.fix for c in failed]
