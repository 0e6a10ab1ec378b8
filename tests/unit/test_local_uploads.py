"""The local stand-in for S3 browser uploads honours its signed form exactly."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from firstmate.adapters.blobs.local import LocalBlobs
from firstmate.errors import BlobError, InvalidInput, PayloadTooLarge, Unauthorized

NOW = datetime(2026, 6, 13, 22, tzinfo=UTC)


def _form(blobs: LocalBlobs) -> dict[str, str]:
    upload = blobs.presign_upload(
        "quarantine/demo/bk/1", content_type_prefix="image/", max_bytes=10, expires_at=NOW + timedelta(minutes=5),
        redirect_to="/g/CODE/photos/check?id=1",
    )  # fmt: skip
    return {**upload.fields, "file-content-type": "image/png"}


def test_a_signed_form_stores_the_file_and_says_where_to_go(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path, keys=lambda: [b"k" * 32])
    assert blobs.accept_upload(_form(blobs), b"\x89PNG", NOW) == "/g/CODE/photos/check?id=1"
    assert blobs.get("quarantine/demo/bk/1") == b"\x89PNG"


def test_a_form_signed_before_a_rotation_is_taken_while_its_key_is_listed(tmp_path: Path) -> None:
    keys = [b"o" * 32]
    blobs = LocalBlobs(tmp_path, keys=lambda: keys)
    before = _form(blobs)
    keys = [b"n" * 32, b"o" * 32]  # rotated, without a new LocalBlobs
    assert blobs.accept_upload(before, b"\x89PNG", NOW) == "/g/CODE/photos/check?id=1"
    keys = [b"n" * 32]
    with pytest.raises(Unauthorized):  # the old key dropped
        blobs.accept_upload(before, b"\x89PNG", NOW)
    assert blobs.accept_upload(_form(blobs), b"\x89PNG", NOW)  # a new form is signed with the new key


@pytest.mark.parametrize(
    ("change", "data", "error"),
    [
        ({"key": "photos/elsewhere"}, b"x", Unauthorized),
        ({"x-fm-max-bytes": "999"}, b"x", Unauthorized),
        ({"success_action_redirect": "https://evil.example.com/"}, b"x", Unauthorized),
        ({}, b"x" * 11, PayloadTooLarge),
        ({"file-content-type": "text/html"}, b"x", InvalidInput),
    ],
)
def test_anything_outside_the_signed_form_is_refused(
    tmp_path: Path, change: dict[str, str], data: bytes, error: type[Exception]
) -> None:
    blobs = LocalBlobs(tmp_path, keys=lambda: [b"k" * 32])
    with pytest.raises(error):
        blobs.accept_upload({**_form(blobs), **change}, data, NOW)
    assert blobs.list() == []


def test_an_expired_form_is_refused(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path, keys=lambda: [b"k" * 32])
    with pytest.raises(Unauthorized, match="expired"):
        blobs.accept_upload(_form(blobs), b"x", NOW + timedelta(minutes=6))


def test_listing_skips_what_is_not_a_readable_file(tmp_path: Path) -> None:
    # a link that loops or leads nowhere (left by hand, or a file another process just deleted)
    blobs = LocalBlobs(tmp_path, keys=lambda: [b"k" * 32])
    blobs.put("raw/meta/page-1.json", b"{}", "application/json")
    (tmp_path / "raw" / "loop").symlink_to(tmp_path / "raw" / "loop")
    (tmp_path / "raw" / "gone").symlink_to(tmp_path / "raw" / "deleted")
    assert [info.key for info in blobs.list("raw/")] == ["raw/meta/page-1.json"]
    assert blobs.head("raw/loop") is None and blobs.head("raw/gone") is None
    assert blobs.head("raw/meta/page-1.json") is not None


def test_a_write_finishes_even_when_another_process_deletes_the_blob_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the archive sweep of another process removing the file the moment it lands
    blobs = LocalBlobs(tmp_path, keys=lambda: [b"k" * 32])
    rename = os.replace

    def rename_then_lose(source: str, target: Path) -> None:
        rename(source, target)
        if not str(target).endswith(".json"):
            Path(target).unlink()

    monkeypatch.setattr("firstmate.adapters.blobs.local.os.replace", rename_then_lose)
    info = blobs.put("raw/page.bin", b"12345", "application/octet-stream")
    assert (info.key, info.size) == ("raw/page.bin", 5) and info.modified.tzinfo is not None
    assert blobs.head("raw/page.bin") is None


def test_a_file_where_the_blob_folder_belongs_is_a_blob_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "blobs").write_text("not a folder")
    with pytest.raises(BlobError, match=r"cannot make the blob folder .*blobs"):
        LocalBlobs(tmp_path / "blobs")
