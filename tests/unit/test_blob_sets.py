"""Files stored as one: all new or all as before, whatever fails halfway."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from firstmate.adapters.blobs.local import LocalBlobs
from firstmate.errors import BlobError
from firstmate.ports import BlobInfo
from firstmate.services import blob_sets
from firstmate.services.blob_sets import put_together
from tests.failing_blobs import FailingWrites

FILES = {
    "r/a.html": (b"<p>new</p>", "text/html"),
    "r/a.txt": (b"new", "text/plain"),
    "r/a.pdf": (b"%PDF new", "application/pdf"),
}


def contents(blobs: LocalBlobs) -> dict[str, tuple[bytes, str]]:
    return {info.key: (blobs.get(info.key), info.content_type) for info in blobs.list("r/")}


def test_all_are_stored_and_then_listed(tmp_path: Path) -> None:
    blobs, listed = LocalBlobs(tmp_path), []
    put_together(blobs, FILES, then=lambda: listed.append("report"))
    assert contents(blobs) == FILES and listed == ["report"]


def test_a_failure_halfway_puts_back_what_was_there(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path)
    blobs.put("r/a.html", b"<p>old</p>", "text/html")
    blobs.put("r/a.pdf", b"%PDF old", "application/pdf")
    before = contents(blobs)
    with pytest.raises(BlobError):
        put_together(FailingWrites(blobs, nth=3), FILES)  # type: ignore[arg-type]
    assert contents(blobs) == before  # the old HTML back, the new text gone, the old PDF never touched


def test_a_write_that_fails_after_its_data_landed_is_put_back_too(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path)
    blobs.put("r/a.pdf", b"%PDF old", "application/pdf")
    before = contents(blobs)
    with pytest.raises(BlobError):
        put_together(FailingWrites(blobs, nth=3, landed=True), FILES)  # type: ignore[arg-type]
    assert contents(blobs) == before  # the new PDF landed before its write failed: the old one is back


def test_a_failing_listing_undoes_the_files_too(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path)
    blobs.put("r/a.txt", b"old", "text/plain")

    def listing() -> None:
        raise OSError("database is full")

    with pytest.raises(OSError, match="database is full"):
        put_together(blobs, FILES, then=listing)
    assert contents(blobs) == {"r/a.txt": (b"old", "text/plain")}


def test_when_putting_back_fails_too_the_first_error_is_raised_and_the_second_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blob_sets, "AT_ONCE", 1)  # one after another: the text is the write that finds the disk full
    blobs = LocalBlobs(tmp_path)
    blobs.put("r/a.html", b"<p>old</p>", "text/html")
    disk = FailingWrites(blobs, nth=2)
    disk.delete = lambda key: None  # type: ignore[method-assign]  # nothing freed: the old one cannot go back
    with capture_logs() as logs, pytest.raises(BlobError, match=r"r/a\.txt"):
        put_together(disk, FILES)  # type: ignore[arg-type]
    assert [entry["event"] for entry in logs] == ["blobs.put_back_failed"]
    assert blobs.get("r/a.html") == b"<p>new</p>"  # kept, not deleted: a file beside its listing beats none


def test_an_old_file_goes_back_whole_even_when_only_the_new_ones_space_lets_it(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path)
    blobs.put("r/a.html", b"<p>old</p>", "text/html")
    disk = FailingWrites(blobs, nth=2)  # full from the text on: the old HTML fits only once the new one is gone
    with pytest.raises(BlobError):
        put_together(disk, FILES)  # type: ignore[arg-type]
    assert contents(blobs) == {"r/a.html": (b"<p>old</p>", "text/html")}


Waiting = threading.Event | threading.Barrier


class _Held:
    """The real blob store, each put waiting for `waits` (a put that is slow) or failing (a full disk) by key."""

    def __init__(self, blobs: LocalBlobs, waits: dict[str, Waiting], fails: str = "") -> None:
        self.blobs, self.waits, self.fails = blobs, waits, fails

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> BlobInfo:
        wait = self.waits.get(key)
        if wait is not None:
            wait.wait(timeout=10)  # a barrier: every file of the set at once, or BrokenBarrierError
        if key == self.fails:
            raise BlobError(f"cannot write {key}: No space left on device")
        return self.blobs.put(key, data, content_type)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.blobs, name)


def test_the_files_of_a_set_are_put_at_once(tmp_path: Path) -> None:
    together = threading.Barrier(len(FILES))  # each put waits for the others to have begun
    blobs = LocalBlobs(tmp_path)
    put_together(_Held(blobs, dict.fromkeys(FILES, together)), FILES)  # type: ignore[arg-type]
    assert contents(blobs) == FILES


def test_a_put_still_going_when_another_fails_is_put_back_once_it_lands(tmp_path: Path) -> None:
    blobs, landing = LocalBlobs(tmp_path), threading.Event()
    blobs.put("r/a.pdf", b"%PDF old", "application/pdf")
    before = contents(blobs)
    threading.Timer(0.2, landing.set).start()  # the PDF's put lands after the HTML's has failed
    with pytest.raises(BlobError, match=r"r/a\.html"):
        put_together(_Held(blobs, {"r/a.pdf": landing}, fails="r/a.html"), FILES)  # type: ignore[arg-type]
    assert contents(blobs) == before  # the new PDF, landed late, was put back too: not left beside nothing


def _ctrl_c_at(*seconds: float) -> None:
    """Ctrl-C pressed at each of `seconds` from now: SIGINT to the main thread, as a terminal sends it."""
    for at in seconds:
        threading.Timer(at, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT)).start()


def test_ctrl_c_pressed_again_while_a_put_is_still_going_still_puts_back_the_set(tmp_path: Path) -> None:
    blobs, landing = LocalBlobs(tmp_path), threading.Event()
    for key, (_, content_type) in FILES.items():
        blobs.put(key, b"old", content_type)
    before = contents(blobs)
    _ctrl_c_at(0.1, 0.3)  # the first Ctrl-C seems to do nothing while S3 has not answered: it is pressed again
    threading.Timer(0.6, landing.set).start()  # the PDF's put lands after both
    with capture_logs() as logs, pytest.raises(KeyboardInterrupt):
        put_together(_Held(blobs, {"r/a.pdf": landing}), FILES)  # type: ignore[arg-type]
    assert [(entry["event"], entry["writing"]) for entry in logs] == [
        ("blobs.interrupted_waits_for_writes", ["r/a.pdf"])  # the second Ctrl-C says what it waits for
    ]
    landing.wait(timeout=10)
    time.sleep(0.1)  # the PDF's put, had it not been waited for, lands now
    assert contents(blobs) == before  # all as before: none of the new files, none landing after the put-back


def test_an_empty_set_stores_nothing_and_is_still_listed(tmp_path: Path) -> None:
    blobs, listed = LocalBlobs(tmp_path), []
    put_together(blobs, {}, then=lambda: listed.append("report"))
    assert contents(blobs) == {} and listed == ["report"]
