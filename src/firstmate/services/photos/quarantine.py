"""Where uploads wait for their check (`QUARANTINE`), and the sweep of those nobody checked."""

from __future__ import annotations

from datetime import datetime, timedelta

from firstmate.services.context import Context
from firstmate.services.guests import CodeTarget

#: Where uploads wait for their check.
QUARANTINE = "quarantine/"
#: How long an upload nobody checked waits before it is removed: as long as S3's bucket rule keeps one. A guest
#: reloading within it still finishes theirs (`check_upload`).
UNCHECKED_KEPT = timedelta(days=1)


def quarantine_key(target: CodeTarget, photo_id: str) -> str:
    """Where the upload `photo_id` to the trip of `target` waits for its check."""
    return f"{QUARANTINE}{target.org}/{target.booking_id}/{photo_id}"


def sweep_quarantine(ctx: Context, now: datetime) -> int:
    """Remove the uploads nobody checked that landed `UNCHECKED_KEPT` or longer before `now`; return how many.
    A guest who closed the page, or whom the lead removed with their upload form open (their code opens nothing,
    so nothing checks it), left the file there for good in local storage (S3 expires it with a lifecycle rule)."""
    removed = 0
    for blob in ctx.blobs.list(QUARANTINE):
        if blob.modified <= now - UNCHECKED_KEPT:
            ctx.blobs.delete(blob.key)
            removed += 1
    return removed
