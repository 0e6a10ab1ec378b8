"""LocalBlobs' content types: a type the key's ending implies needs no sidecar file (one file
written and fsynced per blob, not two); any other type is kept beside it, as before."""

from __future__ import annotations

import json
from pathlib import Path

from firstmate.adapters.blobs.local import LocalBlobs


def test_a_type_the_ending_implies_writes_no_sidecar_and_reads_back(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path)
    for key, content_type in [
        ("r/ceo.json", "application/json"),
        ("r/ceo.pdf", "application/pdf"),
        ("r/x", "application/octet-stream"),
    ]:
        blobs.put(key, b"1", content_type)
        found = blobs.head(key)
        assert found is not None and found.content_type == content_type
    assert not list((tmp_path / ".meta").rglob("*.json"))
    assert [b.content_type for b in blobs.list("r/")] == [
        "application/json",
        "application/pdf",
        "application/octet-stream",
    ]


def test_another_type_is_kept_beside_the_blob_and_a_sidecar_from_before_is_honoured(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path)
    blobs.put("photos/t1/a.jpg", b"\xff\xd8", "image/webp")  # what the browser declared, not what the name says
    assert json.loads((tmp_path / ".meta/photos/t1/a.jpg.json").read_bytes()) == {"content_type": "image/webp"}
    sidecar = tmp_path / ".meta/r/old.json.json"  # written by an earlier version for every blob
    blobs.put("r/old.json", b"{}", "application/json")
    sidecar.parent.mkdir(parents=True, exist_ok=True)
    sidecar.write_text(json.dumps({"content_type": "text/plain"}))
    found = blobs.head("r/old.json")
    assert found is not None and found.content_type == "text/plain"


def test_a_listing_walks_only_the_folder_its_prefix_names_and_finds_what_a_walk_of_everything_would(
    tmp_path: Path,
) -> None:
    """The hourly sweep lists each open album's folder: a listing read every file of the home to keep those of one
    album. It walks that folder alone now, and a prefix ending mid-name, or naming no folder, lists as before."""
    blobs = LocalBlobs(tmp_path)
    for key in ("photos/demo/bk_1/a.png", "photos/demo/bk_12/b.png", "photos/other/bk_1/c.png", "reports/x.pdf"):
        blobs.put(key, b"x", "image/png" if key.endswith(".png") else "application/pdf")
    assert [b.key for b in blobs.list("photos/demo/bk_1/")] == ["photos/demo/bk_1/a.png"]
    assert [b.key for b in blobs.list("photos/demo/bk_1")] == ["photos/demo/bk_1/a.png", "photos/demo/bk_12/b.png"]
    assert [b.key for b in blobs.list("photos/nobody/")] == [] and blobs.list("../") == []
    assert len(blobs.list("")) == 4 and [b.key for b in blobs.list("rep")] == ["reports/x.pdf"]
