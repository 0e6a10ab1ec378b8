"""Files that belong together (a report's HTML, text, JSON and PDF), stored as one: a reader finds
all of the new ones or all of the old ones, never a mix, when the disk fills halfway through."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from firstmate.errors import BlobNotFound
from firstmate.ports import Blobs

log = structlog.get_logger(__name__)


def put_together(blobs: Blobs, files: dict[str, tuple[bytes, str]], then: Callable[[], object] | None = None) -> None:
    """Store `files` (key → content and content type), then run `then` (the record that lists
    them). If a put or `then` fails, each blob already put is put back as it was before (or removed
    when there was none), and the error is raised."""
    before: dict[str, bytes | None] = {}
    for key in files:
        try:
            before[key] = blobs.get(key)
        except BlobNotFound:
            before[key] = None
    done: list[str] = []
    try:
        for key, (content, content_type) in files.items():
            blobs.put(key, content, content_type)
            done.append(key)
        if then is not None:
            then()
    except BaseException:
        _put_back(blobs, {key: (before[key], files[key][1]) for key in done})
        raise


def _put_back(blobs: Blobs, previous: dict[str, tuple[bytes | None, str]]) -> None:
    for key, (content, content_type) in previous.items():
        try:
            blobs.delete(key)  # first: on a full disk, the new blob's space is what lets the old one back
            if content is not None:
                blobs.put(key, content, content_type)
        except Exception:  # the first error is the one to report; this one goes to the log
            log.exception("blobs.put_back_failed", key=key)
