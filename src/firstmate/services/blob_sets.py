"""Files that belong together (a report's HTML, text, JSON and PDF), stored as one: a reader finds
all of the new ones or all of the old ones, never a mix, when the disk fills halfway through.

What it costs: each file's earlier version is read first (a report's four files, the PDF among
them). The files are then put at once, up to `AT_ONCE` (each put waits on a disk flush or on S3's
answer: on a disk busy with other writes, 36 fsynced report files took 120-290 ms one after another and
20-40 ms four at a time; on a quiet one, 10 ms either way).
Two builds of one report must not store at the same moment, or the one that fails may put back
what the other had just written: report builds hold a lease while storing (`leases`)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

import structlog

from firstmate.errors import BlobNotFound
from firstmate.ports import BlobInfo, Blobs

log = structlog.get_logger(__name__)
#: Files put at once: each put waits on the disk's flush (fsync) or S3's answer, so four cost about what one does.
AT_ONCE = 4


def put_together(
    blobs: Blobs,
    files: dict[str, tuple[bytes, str]],
    then: Callable[[], object] | None = None,
    keep: Callable[[BaseException], bool] | None = None,
) -> None:
    """Store `files` (key → content and content type), then run `then` (the record that lists
    them). If a put or `then` fails, each blob written or attempted is put back as it was before (or
    removed when there was none), and the error is raised; unless `keep` says of the error that the
    blobs are to be left as they are (another writer's by now, which putting back would undo)."""
    before: dict[str, bytes | None] = {}
    for key in files:
        try:
            before[key] = blobs.get(key)
        except BlobNotFound:
            before[key] = None
    tried: list[str] = []
    try:
        _put_all(blobs, files, tried)
        if then is not None:
            then()
    except BaseException as exc:
        if keep is not None and keep(exc):
            raise
        for key in tried:
            _put_back(blobs, key, before[key], files[key][1])
        raise


def _put_all(blobs: Blobs, files: dict[str, tuple[bytes, str]], tried: list[str]) -> None:
    """Put every file, up to AT_ONCE at a time (each waits on its disk's flush or S3's answer, not on Python), adding
    to `tried` each key whose put was begun; raises the first error in `files`' order once every put begun has ended,
    so that none lands after it is put back."""
    if len(files) <= 1 or AT_ONCE == 1:  # none or one: no pool (one of no workers is refused)
        for key, (content, content_type) in files.items():
            tried.append(key)  # before the put: one that fails late (its type, a lost answer) may have landed
            blobs.put(key, content, content_type)
        return
    pool = ThreadPoolExecutor(max_workers=min(len(files), AT_ONCE), thread_name_prefix="blobs")
    puts: dict[str, Future[BlobInfo]] = {}
    try:
        for key, (content, content_type) in files.items():  # in the try: interrupted here, those begun still count
            puts[key] = pool.submit(blobs.put, key, content, content_type)
        for future in puts.values():
            future.exception()  # waits; an error is raised below, in the files' order
    finally:
        for future in puts.values():
            future.cancel()  # interrupted: the puts not begun never begin
        tried += [key for key, future in puts.items() if not future.cancelled()]
        _outlast(pool, puts)
    for future in puts.values():
        future.result()


def _outlast(pool: ThreadPoolExecutor, puts: dict[str, Future[BlobInfo]]) -> None:
    """Wait for the puts begun to end, also through a Ctrl-C pressed again meanwhile (the first seems to do nothing
    while S3 has not answered): a put landing after its put-back would stay beside the old files. The Ctrl-C is
    raised once they have ended. Waits on the puts, not the threads: a join interrupted once takes its thread for
    ended (Python 3.11), and a second wait would return at once."""
    pressed: KeyboardInterrupt | None = None
    while True:
        try:
            wait(puts.values())
            pool.shutdown(wait=True)
            break
        except KeyboardInterrupt as exc:
            pressed = exc
            writing = sorted(key for key, future in puts.items() if not future.done())
            log.warning("blobs.interrupted_waits_for_writes", writing=writing)  # else Ctrl-C seems to do nothing
    if pressed is not None:
        raise pressed


def _put_back(blobs: Blobs, key: str, content: bytes | None, content_type: str) -> None:
    try:
        if content is None:
            blobs.delete(key)
            return
        try:
            blobs.put(key, content, content_type)  # replaces the new one whole, or fails leaving it
        except Exception:  # a full disk: the new blob's space is what lets the old one back
            blobs.delete(key)
            blobs.put(key, content, content_type)
    except Exception:  # the first error is the one to report; this one goes to the log
        log.exception("blobs.put_back_failed", key=key)
