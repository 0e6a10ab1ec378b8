"""What S3Blobs adds to the Blobs contract: the archive bucket, and browser uploads by presigned POST."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from firstmate.adapters.aws.clients import client
from firstmate.adapters.aws.resources import ARCHIVE_DAYS, create_resources
from firstmate.adapters.blobs.s3 import S3Blobs
from tests.moto_server import REGION, MotoServer

pytestmark = pytest.mark.aws


@pytest.fixture
def blobs(aws: MotoServer) -> S3Blobs:
    create_resources(REGION, table="t", bucket="trip-data", archive_bucket="trip-archive")
    return S3Blobs("trip-data", "trip-archive", region=REGION, base_url="https://trips.example.com/")


def test_raw_archives_go_to_the_bucket_that_forgets_them_after_90_days(blobs: S3Blobs) -> None:
    blobs.put("raw/demo/run-1/page-1.json", b"{}", "application/json")
    blobs.put("reports/demo/weekly.html", b"<p>", "text/html")
    s3 = client("s3", REGION)
    archived = [o["Key"] for o in s3.list_objects_v2(Bucket="trip-archive").get("Contents", [])]
    assert archived == ["raw/demo/run-1/page-1.json"]
    rules = s3.get_bucket_lifecycle_configuration(Bucket="trip-archive")["Rules"]
    assert [r["Expiration"]["Days"] for r in rules] == [ARCHIVE_DAYS]
    assert [b.key for b in blobs.list()] == ["raw/demo/run-1/page-1.json", "reports/demo/weekly.html"]
    assert [b.key for b in blobs.list("raw/")] == ["raw/demo/run-1/page-1.json"]


def _policy(fields: dict[str, str]) -> dict[str, object]:
    policy: dict[str, object] = json.loads(base64.b64decode(fields["policy"]))
    return policy


def test_a_presigned_post_limits_size_type_key_and_where_the_browser_goes(blobs: S3Blobs) -> None:
    expires = datetime.now(UTC) + timedelta(minutes=30)
    form = blobs.presign_upload(
        "quarantine/demo/bk-1/abcd", content_type_prefix="image/", max_bytes=15_000_000, expires_at=expires,
        redirect_to="/g/CODE/photos/check?id=abcd",
    )  # fmt: skip
    policy = _policy(dict(form.fields))
    conditions = policy["conditions"]
    assert isinstance(conditions, list)
    # an empty file too: the check refuses it with the words the laptop's form gives ("not a photo"), where S3
    # refused it with an XML page of its own (EntityTooSmall) that left the guest on the bucket's address
    assert ["content-length-range", 0, 15_000_000] in conditions
    assert ["starts-with", "$Content-Type", "image/"] in conditions
    assert {"key": "quarantine/demo/bk-1/abcd"} in conditions
    redirect = "https://trips.example.com/g/CODE/photos/check?id=abcd"
    assert {"success_action_redirect": redirect} in conditions
    assert form.fields["success_action_redirect"] == redirect

    # the browser's POST, as the guest page's form sends it: the fields, then the file
    answer = httpx.post(
        form.url, data=dict(form.fields), files={"file": ("boat.png", b"\x89PNG\r\n\x1a\n", "image/png")}
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith(redirect)
    assert blobs.get("quarantine/demo/bk-1/abcd") == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("region", ["us-east-1", "us-west-2", "eu-west-1"])
def test_presigned_upload_forms_and_links_are_signed_with_signature_version_4(
    region: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review: botocore presigned with Signature Version 2 in the regions that once took it, which no bucket
    made since 2020 accepts (a guest's photo upload and its link refused on a fresh stack); moto takes both."""
    from datetime import UTC, datetime, timedelta

    from firstmate.adapters.blobs.s3 import S3Blobs

    for name, value in {
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_SESSION_TOKEN": "token",
    }.items():  # a Lambda role's credentials; no call is made
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    blobs = S3Blobs("stack-databucket-1a2b3c", "stack-archivebucket-4d5e6f", region=region,
                    base_url="https://app.example.com")  # fmt: skip
    later = datetime.now(UTC) + timedelta(minutes=10)
    form = blobs.presign_upload(
        "quarantine/acme/b1/abcd1234abcd1234", content_type_prefix="image/", max_bytes=15_000_000,
        expires_at=later, redirect_to="/g/x/photos/check?id=1",
    )  # fmt: skip
    link = blobs.download_url("photos/acme/b1/abcd1234abcd1234", expires_at=later)
    assert form.fields.get("x-amz-algorithm") == "AWS4-HMAC-SHA256", sorted(form.fields)
    assert link is not None and "X-Amz-Algorithm=AWS4-HMAC-SHA256" in link
    if region != "us-east-1":  # the region's own endpoint: a new bucket answers the global one with redirects
        assert f"s3.{region}.amazonaws.com/" in form.url


def test_s3_blobs_work_against_a_stand_in_named_by_host_name(aws: MotoServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A review: with virtual-host addressing, a stand-in named by host name (moto's `localhost`, a compose
    service's name) was asked at `<bucket>.localhost`, which does not resolve: every put and get failed."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws.url.replace("127.0.0.1", "localhost"))
    create_resources(REGION, table="host-named", bucket="trip-data", archive_bucket="trip-archive")
    blobs = S3Blobs("trip-data", "trip-archive", region=REGION, base_url="https://trips.example.com")
    blobs.put("reports/demo/weekly.html", b"<p>", "text/html")
    assert blobs.get("reports/demo/weekly.html") == b"<p>"
