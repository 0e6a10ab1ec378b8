"""The Blobs contract: every adapter must pass this suite unchanged."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from firstmate.errors import BlobNotFound, InvalidInput
from firstmate.ports import Blobs


def test_put_get_head_list_delete(blobs: Blobs) -> None:
    info = blobs.put("raw/meta/2026-06-01/page-1.json", b'{"data": []}', "application/json")
    assert info.size == 12 and info.content_type == "application/json"
    blobs.put("raw/meta/2026-06-08/page-1.json", b"{}", "application/json")
    blobs.put("photos/trip-1/a.jpg", b"\xff\xd8\xff", "image/jpeg")
    assert blobs.get("raw/meta/2026-06-01/page-1.json") == b'{"data": []}'
    head = blobs.head("photos/trip-1/a.jpg")
    assert head is not None and head.size == 3 and head.content_type == "image/jpeg"
    assert blobs.head("photos/trip-1/a.jpg", quick=True) == head  # a quick look (a guest's photo link) sees the same
    assert blobs.head("photos/trip-1/none.jpg", quick=True) is None
    assert [b.key for b in blobs.list("raw/")] == [
        "raw/meta/2026-06-01/page-1.json",
        "raw/meta/2026-06-08/page-1.json",
    ]
    assert len(blobs.list()) == 3
    blobs.delete("photos/trip-1/a.jpg")
    blobs.delete("photos/trip-1/a.jpg")  # idempotent
    assert blobs.head("photos/trip-1/a.jpg") is None
    with pytest.raises(BlobNotFound):
        blobs.get("photos/trip-1/a.jpg")


def test_put_replaces(blobs: Blobs) -> None:
    blobs.put("reports/weekly.html", b"old", "text/html")
    blobs.put("reports/weekly.html", b"new version", "text/html")
    assert blobs.get("reports/weekly.html") == b"new version"
    assert [b.key for b in blobs.list("reports/")] == ["reports/weekly.html"]


def test_a_replaced_blob_has_the_type_it_was_put_with(blobs: Blobs) -> None:
    key = "reports/2026-11-09/ceo.json"
    for content_type in ("application/json", "application/octet-stream", "text/plain", "application/json"):
        blobs.put(key, b"{}", content_type)
        found = blobs.head(key)
        assert found is not None and found.content_type == content_type
    blobs.put("photos/trip-1/b", b"\xff\xd8\xff", "image/jpeg")  # no ending to imply a type
    found = blobs.head("photos/trip-1/b")
    assert found is not None and found.content_type == "image/jpeg"


@pytest.mark.parametrize(
    "key",
    ["../escape", "a/../../etc/passwd", "/etc/passwd", "a//b", "a\\b", "./a", "a/./b", "", ".meta/x",
     "a/.hidden", "a\x00b", "a/b\n", "x" * 2000],
)  # fmt: skip
def test_unsafe_keys_are_refused_and_write_nothing(blobs: Blobs, key: str) -> None:
    with pytest.raises(InvalidInput):
        blobs.put(key, b"evil")
    with pytest.raises(InvalidInput):
        blobs.get(key)
    assert blobs.list() == []


def test_readers_never_see_a_half_written_blob(blobs: Blobs) -> None:
    big_a, big_b = b"A" * 2_000_000, b"B" * 2_000_000
    blobs.put("archive/run.json", big_a)
    stop = threading.Event()
    torn: list[int] = []

    def writer() -> None:
        for i in range(30):
            blobs.put("archive/run.json", big_b if i % 2 else big_a)
        stop.set()

    def reader() -> None:
        while not stop.is_set():
            data = blobs.get("archive/run.json")
            if data not in (big_a, big_b):
                torn.append(len(data))

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert torn == []
    assert [b.key for b in blobs.list()] == ["archive/run.json"]


def test_a_download_link_reads_the_blob_from_the_storage_origin_or_there_is_none(blobs: Blobs) -> None:
    import httpx

    blobs.put("photos/trip-1/a.png", b"\x89PNG-bytes", "image/png")
    link = blobs.download_url("photos/trip-1/a.png", expires_at=datetime.now(UTC) + timedelta(minutes=5))
    origin = blobs.browser_origin()
    if link is None:  # the web app serves these blobs itself
        assert origin is None
        return
    assert origin is not None and link.startswith(origin + "/")
    assert httpx.get(link).content == b"\x89PNG-bytes"
    with pytest.raises(InvalidInput):
        blobs.download_url("../escape", expires_at=datetime.now(UTC))
