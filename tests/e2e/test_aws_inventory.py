"""`firstmate aws inventory` against moto's server: an account with an old Lambda runtime, secrets in
environment variables, an open bucket, weak TLS, missing DMARC and a dangling record. The rows must import
as infrastructure.yaml and the CTO report must name each finding; no environment variable value may
appear anywhere."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from firstmate.adapters.aws.clients import client
from firstmate.adapters.aws.inventory import Inventory, collect_inventory, findings
from firstmate.bootstrap import App
from firstmate.domain.snapshot import InfraService
from tests.e2e.test_cli import run
from tests.moto_server import REGION, MotoServer

pytestmark = pytest.mark.aws

#: Values set on the functions that must never leave AWS: not in the YAML, the summary or a report.
ENV_VALUES = ("hunter2-fictional", "sk_live_fictional0000", "https://example.com")
TODAY = datetime.now(UTC).date()
COSTS = {"AWS Lambda": "12.344", "Amazon Simple Storage Service": "3.10", "Amazon Route 53": "0.50", "Tax": "0.001"}


def _lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 'ok'\n")
    return buffer.getvalue()


def _functions() -> None:
    role = client("iam", REGION).create_role(RoleName="fn-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam = client("lambda", REGION)
    common = {"Role": role, "Handler": "app.handler", "Code": {"ZipFile": _lambda_zip()}}
    variables = {"DATABASE_PASSWORD": ENV_VALUES[0], "STRIPE_API_KEY": ENV_VALUES[1], "SITE_URL": ENV_VALUES[2],
                 "FEATURE_FLAGS": ""}  # fmt: skip
    lam.create_function(FunctionName="legacy-report", Runtime="python3.8", MemorySize=256, Timeout=30,
                        Environment={"Variables": variables}, **common)  # fmt: skip
    lam.create_function(FunctionName="booking_sync", Runtime="python3.12", **common)


def _buckets() -> None:
    s3 = client("s3", REGION)
    for name in ("saltwind-private-example", "saltwind-open-example"):
        s3.create_bucket(Bucket=name)
    flags = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    s3.put_public_access_block(
        Bucket="saltwind-private-example", PublicAccessBlockConfiguration=dict.fromkeys(flags, True)
    )
    s3.put_bucket_encryption(
        Bucket="saltwind-private-example",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket="saltwind-private-example",
        LifecycleConfiguration={
            "Rules": [{"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 90}}]
        },
    )


def _distribution() -> str:
    """A distribution on a custom certificate that still accepts TLS 1.0, without a default root object."""
    config = {
        "CallerReference": "inventory-test", "Comment": "", "Enabled": True,
        "Aliases": {"Quantity": 1, "Items": ["www.example.com"]},
        "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": "saltwind-private-example.s3.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https", "MinTTL": 0,
                                 "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}},
        "ViewerCertificate": {"ACMCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/fictional",
                              "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1"},
    }  # fmt: skip
    created = client("cloudfront", REGION).create_distribution(DistributionConfig=config)["Distribution"]
    return str(created["DomainName"])


def _zone(distribution_domain: str) -> None:
    """example.com: SPF but no DMARC; shop and old point at a bucket and a distribution that do not exist;
    files and www at ones that do."""
    r53 = client("route53", REGION)
    zone = r53.create_hosted_zone(Name="example.com", CallerReference="inventory-test")["HostedZone"]

    def record(name: str, kind: str, value: str) -> dict[str, Any]:
        values = [{"Value": value}]
        return {
            "Action": "CREATE",
            "ResourceRecordSet": {"Name": name, "Type": kind, "TTL": 300, "ResourceRecords": values},
        }

    alias = {"HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": distribution_domain, "EvaluateTargetHealth": False}
    changes = [
        record("example.com", "TXT", '"v=spf1 include:amazonses.com ~all"'),
        record("shop.example.com", "CNAME", "missing-bucket.s3-website-us-east-1.amazonaws.com"),
        record("files.example.com", "CNAME", "saltwind-open-example.s3-website-us-east-1.amazonaws.com"),
        record("old.example.com", "CNAME", "d000fictional.cloudfront.net"),
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "www.example.com", "Type": "A", "AliasTarget": alias}},
    ]
    r53.change_resource_record_sets(HostedZoneId=zone["Id"], ChangeBatch={"Changes": changes})


def _costs(aws: MotoServer) -> None:
    """moto keeps no bill: queue the answer Cost Explorer would give."""
    groups = [{"Keys": [service], "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}}}
              for service, amount in COSTS.items()]  # fmt: skip
    result = {"ResultsByTime": [{"TimePeriod": {"Start": "2026-05-01", "End": "2026-06-01"}, "Total": {},
                                 "Groups": groups, "Estimated": False}]}  # fmt: skip
    answer = httpx.post(f"{aws.url}/moto-api/static/ce/cost-and-usage-results", json={"results": [result]}, timeout=10)
    answer.raise_for_status()


@pytest.fixture
def account(aws: MotoServer) -> MotoServer:
    """An AWS account holding one of each thing the inventory reads, with a problem in most."""
    _functions()
    _buckets()
    _zone(_distribution())
    client("sesv2", REGION).create_email_identity(EmailIdentity="example.com")
    _costs(aws)
    return aws


def _by_id(inventory: Inventory) -> dict[str, InfraService]:
    return {s.id: s for s in inventory.services}


def _config(service: InfraService) -> dict[str, str]:
    return {e.name: e.value if e.value is not None else e.state for e in service.config}


def test_the_inventory_describes_each_service_and_keeps_no_environment_value(account: MotoServer) -> None:
    inventory = collect_inventory(REGION, TODAY)
    rows = _by_id(inventory)

    legacy, current = rows["lambda-legacy-report"], rows["lambda-booking-sync"]
    assert (legacy.kind, legacy.runtime, current.runtime) == ("function", "python3.8", "python3.12")
    assert legacy.version.startswith("sha256:")  # the deployed package's hash: a pinned version
    env = {e.name: e for e in legacy.config if e.name.isupper()}
    assert {name for name, e in env.items() if e.secret} == {"DATABASE_PASSWORD", "STRIPE_API_KEY"}
    assert env["SITE_URL"].is_set and not env["SITE_URL"].secret and env["SITE_URL"].value is None
    assert not env["FEATURE_FLAGS"].is_set
    assert _config(legacy)["memory_mb"] == "256" and _config(legacy)["timeout_s"] == "30"
    assert all(e.value is None for e in env.values())  # names only: no environment value is kept

    private, public = rows["s3-saltwind-private-example"], rows["s3-saltwind-open-example"]
    assert private.public is False and public.public is True
    assert _config(private) | {"region": "-"} == {"public_access_block": "full", "encryption": "AES256",
                                                  "lifecycle": "1 rule", "region": "-"}  # fmt: skip
    assert _config(public)["public_access_block"] == "none"
    assert _config(public)["encryption"] == "missing" and _config(public)["lifecycle"] == "missing"

    (cdn,) = (s for s in inventory.services if s.kind == "cdn")
    assert cdn.name == "www.example.com (CloudFront)" and cdn.tls is False
    assert _config(cdn)["tls_issue"] == "minimum protocol TLSv1" and _config(cdn)["default_root_object"] == "missing"

    zone, mail = rows["zone-example-com"], rows["ses-example-com"]
    assert (zone.kind, zone.spf, zone.dmarc) == ("domain", True, False)
    dangling = {name: why for name, why in _config(zone).items() if name.startswith("dangling ")}
    assert dangling == {
        "dangling shop.example.com": "CNAME → missing-bucket.s3-website-us-east-1.amazonaws.com "
        "(no S3 bucket missing-bucket in this account)",
        "dangling old.example.com": "CNAME → d000fictional.cloudfront.net "
        "(no CloudFront distribution with that domain in this account)",
    }
    assert zone.sending_domain == ""  # SES sends for example.com: its row carries the mail checks, once
    assert (mail.kind, mail.sending_domain, mail.spf, mail.dkim, mail.dmarc) == (
        "email",
        "example.com",
        True,
        False,
        False,
    )

    bill = {s.name: s.monthly_cost for s in inventory.services if s.kind == "other"}
    assert bill == {  # rounded to the cent; the tax of a tenth of a cent rounds to nothing and is left out
        "AWS Lambda (AWS bill)": Decimal("12.34"),
        "Amazon Simple Storage Service (AWS bill)": Decimal("3.10"),
        "Amazon Route 53 (AWS bill)": Decimal("0.50"),
    }
    assert all(s.monthly_cost == 0 for s in inventory.services if s.kind != "other")

    summary = "\n".join(findings(inventory, TODAY))
    for expected in (
        "runtime: legacy-report (Lambda, us-east-1) runs python3.8",
        "public bucket: saltwind-open-example",
        "weak TLS: www.example.com",
        "example.com has no DKIM, DMARC",
        "dangling record: shop.example.com",
        "secret-looking environment variables: legacy-report (Lambda, us-east-1): DATABASE_PASSWORD, STRIPE_API_KEY",
    ):
        assert expected in summary
    dumped = json.dumps([s.model_dump(mode="json") for s in inventory.services]) + summary
    assert not [value for value in ENV_VALUES if value in dumped]


def test_the_cli_output_imports_as_infrastructure_yaml_and_the_cto_report_names_each_finding(
    account: MotoServer, demo_app: App, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from firstmate.adapters.sources.data_folder import read_data_folder
    from firstmate.cli import cli
    from firstmate.domain.reports.cto import cto_report
    from firstmate.services.data import check_data, import_data
    from firstmate.services.reports import build_snapshot

    folder = tmp_path / "data"
    written = run(tmp_path / "home", "aws", "inventory", "--out", str(folder / "infrastructure.yaml"),
                  "--used-by", "saltwind-charters")  # fmt: skip
    assert written.returncode == 0, written.stderr
    text = (folder / "infrastructure.yaml").read_text()
    assert text.startswith("# Collected from AWS account 123456789012 on ")
    assert "Environment variable values were not read into this file" in text
    assert "Collected from AWS account 123456789012: 2 functions, 2 buckets, 1 distribution" in written.stderr
    assert "dangling record: shop.example.com" in written.stderr and "weak TLS: www.example.com" in written.stderr
    to_stdout = CliRunner().invoke(cli, ["aws", "inventory", "--no-costs"])  # in-process: a second start is slow
    assert to_stdout.exit_code == 0, to_stdout.output
    assert {row["id"] for row in yaml.safe_load(to_stdout.stdout)} >= {"lambda-legacy-report", "zone-example-com"}
    everything = text + written.stdout + written.stderr + to_stdout.stdout + to_stdout.stderr
    assert not [value for value in ENV_VALUES if value in everything]

    raw = read_data_folder(folder)
    assert not isinstance(raw, list), raw
    import_data(demo_app.store, "demo", check_data(demo_app.store, "demo", raw, clock=demo_app.clock))
    report = cto_report(build_snapshot(demo_app, "demo", as_of=TODAY))
    keys = {f.key for f in report.findings}
    cdn = next(row["id"] for row in yaml.safe_load(text) if row["kind"] == "cdn")
    assert {
        "cto:runtime:lambda-legacy-report",
        "cto:secret-in-config:lambda-legacy-report:database-password",
        "cto:secret-in-config:lambda-legacy-report:stripe-api-key",
        "cto:public-storage:s3-saltwind-open-example",
        f"cto:tls-off:{cdn}",
        "cto:dmarc:ses-example-com",
        "cto:dkim:ses-example-com",
    } <= keys
    assert not [k for k in keys if "site-url" in k or k.startswith("cto:cancel:")]  # used_by given: nothing to cancel
    assert not [value for value in ENV_VALUES if value in json.dumps(report, default=str)]


class _Refuses(BaseHTTPRequestHandler):
    """Answers every AWS call the way an account without the permission does."""

    def _deny(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"__type": "AccessDeniedException", "message": "not authorized (fictional)"}).encode()
        self.send_response(403)
        self.send_header("x-amzn-ErrorType", "AccessDeniedException")
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._deny()

    def do_POST(self) -> None:
        self._deny()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def refusing_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refuses)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_service_that_refuses_becomes_a_note_and_the_rest_is_still_read(
    account: MotoServer, refusing_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", refusing_endpoint)
    monkeypatch.setenv("AWS_ENDPOINT_URL_COST_EXPLORER", refusing_endpoint)
    inventory = collect_inventory(REGION, TODAY)
    assert [n for n in inventory.notes if n.startswith(("Lambda functions:", "Cost Explorer:"))] == [
        "Lambda functions: access denied (AccessDeniedException); grant the read-only permissions listed in "
        "docs/deploy-aws.md",
        "Cost Explorer: access denied (AccessDeniedException); grant the read-only permissions listed in "
        "docs/deploy-aws.md",
    ]
    kinds = {s.kind for s in inventory.services}
    assert "function" not in kinds and "other" not in kinds
    assert {"storage", "cdn", "domain", "email"} <= kinds
