"""The hourly look at the files of albums open or recently open: a photo whose file storage no longer has is marked
missing (logged once, MISSING in `photos list`) before any guest looks at it, and a file restored clears its mark."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from firstmate.domain.bookings import MAX_TRIP_HOURS
from firstmate.domain.calendar import CalendarEntry, EntryKind
from firstmate.domain.shared import iso
from firstmate.errors import BlobError, StoreError
from firstmate.services.context import Context
from firstmate.services.guests import CodeTarget
from firstmate.services.paging import iter_between
from firstmate.services.photos.album import clear_missing, mark_missing, readable_photos
from firstmate.services.trips import calendar_pk

log = structlog.get_logger(__name__)

#: How long after its album closes a trip's photos are still looked at each hour: guests look at an album after it
#: closes, and their looks mark what the sweep no longer does.
RECENTLY_CLOSED = timedelta(days=1)
#: The most albums of one org looked at in one run, those of the latest departures first: with the window above, an
#: org of 30 trips a day has about 270. Each costs one read of its photos' records and, if it has photos, one
#: listing of its folder (a ListObjectsV2 on S3, a page of 1,000 keys; one folder read on disk).
MOST_ALBUMS = 400


@dataclass
class FilesLooked:
    """What `look_at_album_files` found: photos newly marked missing, photos whose file came back, albums looked at,
    and albums left for lack of room in this run (`MOST_ALBUMS`)."""

    missing: int = 0
    back: int = 0
    albums: int = 0
    left: int = 0
    unreadable: int = 0


def look_at_album_files(ctx: Context, orgs: list[str]) -> FilesLooked:
    """Look, for each album of `orgs` open now or closed less than `RECENTLY_CLOSED` ago, whether each photo's file
    is in storage: one listing of the album's folder, not a request per photo. A photo whose file is gone is marked
    as a guest's look would mark it (`photos.file_missing` logged once); a marked one whose file is there again is
    cleared. The records are read before the folder is listed: a photo shared meanwhile has its file stored before
    its record, and a removal takes the record before the file, so neither reads as missing. An album storage or the
    store cannot answer for is logged and looked at next run."""
    found, now = FilesLooked(), ctx.clock.now()
    returned_after = now - timedelta(days=ctx.settings.album_closes_after_days) - RECENTLY_CLOSED  # ±1 h a clock change
    first, last = returned_after - _trip_hours(), now + timedelta(hours=ctx.settings.album_opens_before_h)
    for org in orgs:
        booked = _albums(ctx, org, iso(first), iso(last), returned_after)
        found.left += max(len(booked) - MOST_ALBUMS, 0)
        for booking_id in booked[:MOST_ALBUMS]:
            try:
                _look(ctx, CodeTarget(org, booking_id, ""), found)
            except (BlobError, StoreError) as exc:
                log.warning("photos.files_not_looked_at", org=org, booking_id=booking_id, error=str(exc))
            found.albums += 1
    if found.left:
        log.warning("photos.albums_not_looked_at", left=found.left, most=MOST_ALBUMS,
                    hint="the latest departures' albums were looked at; a guest's look marks the others")  # fmt: skip
    return found


def _albums(ctx: Context, org: str, first: str, last: str, returned_after: datetime) -> list[str]:
    """The bookings of `org` departing from `first` to `last` (ISO times, UTC) and returning after `returned_after`,
    the latest first."""
    entries = [CalendarEntry.model_validate(i.data) for i in iter_between(ctx.store, calendar_pk(org), first, last)]
    booked = (e.booking_id for e in reversed(entries)
              if e.kind is EntryKind.BOOKING and e.booking_id and e.end > returned_after)  # fmt: skip
    return list(dict.fromkeys(booked))


def _trip_hours() -> timedelta:
    return timedelta(hours=MAX_TRIP_HOURS)


def _look(ctx: Context, target: CodeTarget, found: FilesLooked) -> None:
    """Mark the photos of one album whose file is gone, and clear those whose file is back."""
    photos, unreadable = readable_photos(ctx, target)  # one unreadable blinded the look at every album (until 12-07)
    found.unreadable += unreadable
    if not photos:
        return
    stored = {blob.key for blob in ctx.blobs.list(f"photos/{target.org}/{target.booking_id}/")}
    for photo in photos:
        if photo.key not in stored:
            found.missing += mark_missing(ctx, target, photo)  # False for one marked before: logged once
        else:
            found.back += clear_missing(ctx, target, photo)  # a photo never marked writes nothing
