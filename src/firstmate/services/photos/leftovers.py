"""The sweep of album files no photo names: left by a removal stopped between its record and its file."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import structlog

from firstmate.services.context import Context
from firstmate.services.paging import all_items
from firstmate.services.trips import booking_pk

log = structlog.get_logger(__name__)

#: How long an album file no record names is kept: a check of an upload writes the file moments before its record.
UNNAMED_KEPT = timedelta(days=1)
#: How far back, past that day, files are looked at: a sweep stopped for a week still finds them, and each run
#: reads the records of the albums of a week's uploads only, not of every album ever.
LOOKED_BACK = timedelta(days=7)
#: An album file of our making: `photos/<org>/<booking>/<photo id>.<ext>` (a file put there by hand is left alone).
_ALBUM_FILE = re.compile(r"photos/([^/]+)/([^/]+)/([0-9a-f]{16})\.[a-z]+")


def sweep_album_files(ctx: Context, now: datetime) -> int:
    """Delete the album files stored `UNNAMED_KEPT` before `now` (up to `LOOKED_BACK` further) that no photo's
    record names; return how many. A removal takes a photo's record out before its file (so a guest never finds
    a photo whose file is gone, a false `photos.file_missing`): storage refusing the file's deletion, or a crash
    between, left a file no guest could see and nothing deleted. Each album's records are read once; a file one
    of them names (by its key, or its photo's id) is kept."""
    looked_at: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for blob in ctx.blobs.list("photos/"):
        found = _ALBUM_FILE.fullmatch(blob.key)
        if found is not None and now - UNNAMED_KEPT - LOOKED_BACK < blob.modified <= now - UNNAMED_KEPT:
            looked_at.setdefault((found[1], found[2]), []).append((blob.key, found[3]))
    removed = 0
    for (org, booking_id), files in looked_at.items():
        records = all_items(ctx.store, booking_pk(org, booking_id), "PHOTO#")
        named = {str(i.data.get("key")) for i in records} | {i.sk.removeprefix("PHOTO#") for i in records}
        for key, photo_id in files:
            if key in named or photo_id in named:
                continue
            ctx.blobs.delete(key)
            log.info("photos.leftover_removed", org=org, booking_id=booking_id, key=key)
            removed += 1
    return removed
