"""The hourly look at the files of albums: a photo whose file storage no longer has is marked missing (logged once,
MISSING in `photos list`) before any guest looks at it, and a file restored clears its mark. Albums open or recently
open are looked at each run; the others (older, or past the most a run) a bounded part a run, walking back from
where the last run stopped, and round again from the latest once the org's first trip is reached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from pydantic import ValidationError

from firstmate.domain.bookings import MAX_TRIP_HOURS
from firstmate.domain.calendar import CalendarEntry, EntryKind
from firstmate.domain.shared import iso
from firstmate.errors import BlobError, StoreError
from firstmate.ports import Delete, Item
from firstmate.services.context import Context
from firstmate.services.guests import CodeTarget
from firstmate.services.paging import iter_between
from firstmate.services.photos.album import clear_missing, mark_missing, readable_photos
from firstmate.services.trips import calendar_pk

log = structlog.get_logger(__name__)

#: How long after its album closes a trip's photos are still looked at each hour: guests look at an album after it
#: closes; older albums are looked at by the walk (`FURTHER_ALBUMS` a run), and by guests' looks meanwhile.
RECENTLY_CLOSED = timedelta(days=1)
#: The most albums of one org looked at in one run, those of the latest departures first: with the window above, an
#: org of 30 trips a day has about 270. Each costs one read of its photos' records and, if it has photos, one
#: listing of its folder (a ListObjectsV2 on S3, a page of 1,000 keys; one folder read on disk).
MOST_ALBUMS = 400
#: The most of an org's other albums looked at in one run (those past `MOST_ALBUMS`, then those closed longer ago,
#: the latest departures first), from where the last run stopped: each costs what one above does. Photos are kept
#: while the org is, so the walk goes back to its first trip: an org of 10,000 trips is gone round in 100 runs.
FURTHER_ALBUMS = 100
#: The most calendar entries of one org the walk reads in one run (a block, a trip's album looked at above, and an
#: album with a second entry are read and passed over): the walk moves on even where no album is to be looked at.
FURTHER_ENTRIES = 1000
_FIRST = "0"  # below every calendar sort key (an ISO time)


@dataclass
class FilesLooked:
    """What `look_at_album_files` found: photos newly marked missing, photos whose file came back, albums looked at,
    and albums open or recently open left for lack of room in this run (past `MOST_ALBUMS`, and not reached by the
    walk through the others: looked at over the next runs)."""

    missing: int = 0
    back: int = 0
    albums: int = 0
    left: int = 0
    unreadable: int = 0
    further: int = 0  # of `albums`: those the walk through older albums looked at


def look_at_album_files(ctx: Context, orgs: list[str]) -> FilesLooked:
    """Look, for each album of `orgs` open now or closed less than `RECENTLY_CLOSED` ago (up to `MOST_ALBUMS`), and
    for up to `FURTHER_ALBUMS` of its other albums (`_walk`), whether each photo's file is in storage: one listing
    of the album's folder, not a request per photo. A photo whose file is gone is marked as a guest's look would
    mark it (`photos.file_missing` logged once); a marked one whose file is there again is
    cleared. The records are read before the folder is listed: a photo shared meanwhile has its file stored before
    its record, and a removal takes the record before the file, so neither reads as missing. An album storage or the
    store cannot answer for is logged and looked at next run."""
    found, now = FilesLooked(), ctx.clock.now()
    returned_after = now - timedelta(days=ctx.settings.album_closes_after_days) - RECENTLY_CLOSED  # ±1 h a clock change
    first, last = returned_after - _trip_hours(), now + timedelta(hours=ctx.settings.album_opens_before_h)
    for org in orgs:
        booked = _albums(ctx, org, iso(first), iso(last), returned_after)
        for booking_id in booked[:MOST_ALBUMS]:
            _look_at(ctx, org, booking_id, found)
        walked = _walk(ctx, org, iso(last), set(booked[:MOST_ALBUMS]), found)
        found.left += len([b for b in booked[MOST_ALBUMS:] if b not in walked])
    if found.left:
        log.warning("photos.albums_not_looked_at", left=found.left, most=MOST_ALBUMS,
                    hint="the latest departures' albums were looked at; the others over the next runs")  # fmt: skip
    return found


def _look_at(ctx: Context, org: str, booking_id: str, found: FilesLooked) -> None:
    try:
        _look(ctx, CodeTarget(org, booking_id, ""), found)
    except (BlobError, StoreError) as exc:
        log.warning("photos.files_not_looked_at", org=org, booking_id=booking_id, error=str(exc))
    found.albums += 1


def walk_key(org: str) -> tuple[str, str]:
    """Where the walk through `org`'s other albums stopped: the calendar entry it read last (`at`)."""
    return f"ORG#{org}#PHOTOLOOK", "WALK"


def _walk(ctx: Context, org: str, top: str, looked: set[str], found: FilesLooked) -> set[str]:
    """Look at up to `FURTHER_ALBUMS` albums of `org` not in `looked`, going back through its calendar from where
    the last run stopped (from `top`, the latest album open, on the first run, and on from there in the same run once
    the first trip is reached), reading up to `FURTHER_ENTRIES` entries; remember where it stopped. The albums looked
    at. A store that cannot read the calendar, or write where it stopped, is logged: the walk goes on from the same
    place next run."""
    pk, sk = walk_key(org)
    walked: set[str] = set()
    read = [0]

    def walk_from(before: str, after_it: bool) -> str | None:
        """Where the walk stopped for its bounds, or None at the org's first trip."""
        for item in iter_between(ctx.store, calendar_pk(org), _FIRST, before, reverse=True):
            if after_it and item.sk == before:
                continue  # the entry the last run stopped at (both bounds are included)
            read[0] += 1
            booking_id = _booked(org, item)
            if booking_id and booking_id not in looked | walked:
                walked.add(booking_id)
                _look_at(ctx, org, booking_id, found)
            if len(walked) >= FURTHER_ALBUMS or read[0] >= FURTHER_ENTRIES:
                return item.sk
        return None

    try:
        kept = ctx.store.get(pk, sk)
        stopped = walk_from(min(str(kept.data.get("at") or top), top), True) if kept else walk_from(top, False)
        if stopped is None and kept is not None:  # the first trip reached: round again from the latest
            stopped = walk_from(top, False)
        if stopped is not None:
            ctx.store.put(Item(pk, sk, {"at": stopped}))  # the next run goes on below it
        elif kept is not None:
            ctx.store.transact([Delete(pk, sk)])
    except StoreError as exc:
        log.warning("photos.albums_not_walked", org=org, error=str(exc))
    found.further += len(walked)
    return walked


def _booked(org: str, item: Item) -> str:
    """The booking of a calendar entry, or "" for a block (or an entry that does not read: logged, passed over)."""
    entry = _entry(org, item)
    return (entry.booking_id or "") if entry and entry.kind is EntryKind.BOOKING else ""


def _entry(org: str, item: Item) -> CalendarEntry | None:
    """A calendar entry as read, or None for one that does not read (logged)."""
    try:
        return CalendarEntry.model_validate(item.data)
    except ValidationError:  # written by hand or by another firstmate: the look goes past it
        log.warning("photos.calendar_entry_unreadable", org=org, sk=item.sk)
        return None


def _albums(ctx: Context, org: str, first: str, last: str, returned_after: datetime) -> list[str]:
    """The bookings of `org` departing from `first` to `last` (ISO times, UTC) and returning after `returned_after`,
    the latest first."""
    # an entry that does not read is passed over (logged), as the walk does: it blinded every org's look (until 12-07)
    read = (_entry(org, i) for i in iter_between(ctx.store, calendar_pk(org), first, last))
    entries = [e for e in read if e is not None]
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
