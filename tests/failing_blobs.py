"""A blob store whose disk fills: the app's real blobs, with writes failing from the nth on."""

from __future__ import annotations

import threading
from typing import Any

from firstmate.errors import BlobError
from firstmate.ports import BlobInfo, Blobs


class FailingWrites:
    """The real blob store, where the `nth` write and those after it fail as on a full disk, until
    something is deleted (space freed). With `landed`, a failing write's data is stored before it
    fails (as when only LocalBlobs' content-type file no longer fits, or S3's answer is lost). Only
    writes under `prefix` count and fail."""

    def __init__(self, blobs: Blobs, nth: int, *, landed: bool = False, prefix: str = "") -> None:
        self.blobs, self.left, self.landed, self.prefix = blobs, nth - 1, landed, prefix
        self.counting = threading.Lock()  # a report's files are put at once: each write counts once

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> BlobInfo:
        if not key.startswith(self.prefix):
            return self.blobs.put(key, data, content_type)
        with self.counting:
            full = self.left <= 0
            self.left -= 0 if full else 1
        if full:
            if self.landed:
                self.blobs.put(key, data, content_type)
            raise BlobError(f"cannot write {key}: No space left on device", hint="free disk space")
        return self.blobs.put(key, data, content_type)

    def delete(self, key: str) -> None:
        self.blobs.delete(key)
        with self.counting:
            self.left = max(self.left, 1)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.blobs, name)
