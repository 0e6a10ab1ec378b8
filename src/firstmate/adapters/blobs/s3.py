"""S3Blobs: the Blobs port on two S3 buckets.

Raw API archives (`raw/…`) go to the archive bucket, whose lifecycle rule deletes them after 90
days; everything else (photos, reports, unchecked uploads under `quarantine/`) goes to the data
bucket. Guests upload photos straight to the data bucket with a presigned POST whose policy holds
the key, a size range and a Content-Type prefix; firstmate checks the bytes before promoting them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from firstmate.adapters.aws.clients import Shared, error_code, unreachable_hint
from firstmate.adapters.blobs.local import check_key
from firstmate.errors import BlobError, BlobNotFound
from firstmate.ports import BlobInfo, PresignedUpload

ARCHIVE_PREFIX = "raw/"
_MISSING = {"NoSuchKey", "404", "NotFound"}
#: A quick look (`head(quick=True)`): one try of at most this long, so a guest's photo link does not wait on S3
#: throttling or not answering (the shared client's 5 tries of up to 25 s each outlast the web function's 29 s).
QUICK_CONNECT_S = 1.0
QUICK_READ_S = 2.0


class S3Blobs:
    """The Blobs port on S3 (see module docstring)."""

    def __init__(self, bucket: str, archive_bucket: str, *, region: str, base_url: str) -> None:
        self._bucket = bucket
        self._archive = archive_bucket
        self._base_url = base_url.rstrip("/")
        self._clients = Shared("s3", region)
        self._quick = Shared("s3", region, connect_timeout=QUICK_CONNECT_S, read_timeout=QUICK_READ_S, attempts=1)

    @property
    def _s3(self) -> Any:
        return self._clients.get()

    def _bucket_for(self, key: str) -> str:
        return self._archive if key.startswith(ARCHIVE_PREFIX) else self._bucket

    @contextmanager
    def _errors(self, key: str) -> Iterator[None]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            code = error_code(exc)
            if code in _MISSING:
                raise BlobNotFound(f"no blob under {key!r}") from None
            if code == "NoSuchBucket":
                raise BlobError(
                    f"the S3 bucket {self._bucket_for(key)!r} does not exist",
                    hint="deploy the stack (docs/deploy-aws.md) or set FIRSTMATE_BUCKET / FIRSTMATE_ARCHIVE_BUCKET",
                ) from exc
            raise BlobError(f"S3 refused {key!r}: {exc}") from exc
        except BotoCoreError as exc:
            raise BlobError(f"cannot reach S3: {exc}", hint=unreachable_hint(exc)) from exc

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> BlobInfo:
        check_key(key)
        with self._errors(key):
            self._s3.put_object(Bucket=self._bucket_for(key), Key=key, Body=data, ContentType=content_type)
        return BlobInfo(key=key, size=len(data), content_type=content_type, modified=datetime.now(UTC))

    def get(self, key: str) -> bytes:
        check_key(key)
        with self._errors(key):
            body: bytes = self._s3.get_object(Bucket=self._bucket_for(key), Key=key)["Body"].read()
        return body

    def head(self, key: str, *, quick: bool = False) -> BlobInfo | None:
        check_key(key)
        s3 = self._quick.get() if quick else self._s3
        try:
            with self._errors(key):
                answer = s3.head_object(Bucket=self._bucket_for(key), Key=key)
        except BlobNotFound:
            return None
        return BlobInfo(
            key=key,
            size=int(answer["ContentLength"]),
            content_type=answer.get("ContentType", "application/octet-stream"),
            modified=answer["LastModified"],
        )

    def delete(self, key: str) -> None:
        check_key(key)
        with self._errors(key):
            self._s3.delete_object(Bucket=self._bucket_for(key), Key=key)

    def list(self, prefix: str = "") -> list[BlobInfo]:
        # a prefix shorter than raw/ ("", "r") may match keys in both buckets
        buckets = {self._bucket, self._archive} if ARCHIVE_PREFIX.startswith(prefix) else {self._bucket_for(prefix)}
        found = [info for bucket in sorted(buckets) for info in self._list(bucket, prefix)]
        return sorted(found, key=lambda info: info.key)

    def _list(self, bucket: str, prefix: str) -> Iterator[BlobInfo]:
        paginator = self._s3.get_paginator("list_objects_v2")
        with self._errors(prefix or "/"):
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
                for entry in page.get("Contents", []):
                    # listing does not carry types; reading each head would cost a request per blob
                    yield BlobInfo(
                        key=entry["Key"],
                        size=int(entry["Size"]),
                        content_type="application/octet-stream",
                        modified=entry["LastModified"],
                    )

    def presign_upload(
        self, key: str, *, content_type_prefix: str, max_bytes: int, expires_at: datetime, redirect_to: str
    ) -> PresignedUpload:
        check_key(key)
        # S3 redirects only to absolute URLs, and appends bucket, key and etag to the query
        redirect = redirect_to if redirect_to.startswith("http") else f"{self._base_url}{redirect_to}"
        seconds = max(1, int((expires_at - datetime.now(UTC)).total_seconds()))
        with self._errors(key):
            form = self._s3.generate_presigned_post(
                Bucket=self._bucket_for(key),
                Key=key,
                Fields={"Content-Type": content_type_prefix, "success_action_redirect": redirect},
                Conditions=[
                    # from 0, as the local form takes it: an empty file is refused by firstmate's check, in its
                    # words; S3's own refusal is an XML page on the bucket's address, a dead end for a guest
                    ["content-length-range", 0, max_bytes],
                    ["starts-with", "$Content-Type", content_type_prefix],
                    {"success_action_redirect": redirect},
                ],
                ExpiresIn=seconds,
            )
        return PresignedUpload(url=form["url"], fields=form["fields"], expires_at=expires_at)

    def download_url(self, key: str, *, expires_at: datetime) -> str | None:
        check_key(key)
        seconds = max(1, int((expires_at - datetime.now(UTC)).total_seconds()))
        with self._errors(key):
            url: str = self._s3.generate_presigned_url(
                "get_object", Params={"Bucket": self._bucket_for(key), "Key": key}, ExpiresIn=seconds
            )
        return url

    def browser_origin(self) -> str | None:
        # signing is local: a URL for any key shows the scheme and host browsers will be sent to
        example = urlsplit(self._s3.generate_presigned_url("get_object", Params={"Bucket": self._bucket, "Key": "x"}))
        return f"{example.scheme}://{example.netloc}"
