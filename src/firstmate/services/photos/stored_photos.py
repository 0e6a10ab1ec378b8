"""The photos albums took before their metadata was taken out at the upload: stripped in place, or taken out."""

from __future__ import annotations

from dataclasses import dataclass, field

import structlog

from firstmate.domain.photos import sniff_image
from firstmate.errors import BlobError, BlobNotFound, InvalidInput
from firstmate.ports import Delete
from firstmate.services.context import Context
from firstmate.services.photos.leftovers import file_deleted, file_write, leftovers_pk
from firstmate.services.photos.screening import DECODED, located, without_metadata
from firstmate.services.trips import booking_pk

log = structlog.get_logger(__name__)


@dataclass
class StoredPhotosStripped:
    """What `strip_stored_photos` did: photos rewritten, photos that had nothing to take out, the HEICs saying where
    they were taken that it took out of their albums, and the album files it left as they are, by key: HEICs saying
    where they were taken (it cannot take one apart), and files that did not read as the photo they begin as."""

    stripped: int = 0
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    located_heic: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


def strip_stored_photos(ctx: Context, org: str, *, remove_located_heic: bool = False) -> StoredPhotosStripped:
    """Take the metadata out of the photos `org`'s albums took before it was taken out at the upload (until
    2026-12-06: their GPS position, camera and owner were shown to every guest), as `without_metadata` does.
    Safe to run again: a photo without metadata is left as it is. Each is rewritten whole, in place (a reader
    sees the old file or the new). A HEIC saying where it was taken is named, or with `remove_located_heic`
    taken out of its album (`remove_stored_photo`)."""
    result = StoredPhotosStripped()
    for blob in ctx.blobs.list(f"photos/{org}/"):
        listed = _record(ctx, blob.key)  # read before the file: a removal takes the record first, then the file
        if listed is None and _being_removed(ctx, org, blob.key):  # its file is the removal's (or the sweep's)
            continue
        try:
            data = ctx.blobs.get(blob.key)
        except BlobNotFound:  # removed since it was listed
            continue
        sniffed = sniff_image(data)
        if sniffed is not None and sniffed[0] not in DECODED:
            if located(data) and remove_located_heic and remove_stored_photo(ctx, blob.key):
                result.removed.append(blob.key)
            elif located(data):
                result.located_heic.append(blob.key)
            else:
                result.unchanged += 1
            continue
        try:
            if sniffed is None:
                raise InvalidInput("not a photo")
            shown = without_metadata(data, sniffed[0])
        except InvalidInput:
            result.unreadable.append(blob.key)
            continue
        if shown == data:
            result.unchanged += 1
            continue
        if _rewrite(ctx, blob.key, shown, sniffed[0], listed=listed):
            result.stripped += 1
    log.info("photos.stored_stripped", org=org, stripped=result.stripped, unchanged=result.unchanged,
             removed=len(result.removed), located_heic=len(result.located_heic),
             unreadable=len(result.unreadable))  # fmt: skip
    return result


def _record(ctx: Context, key: str) -> tuple[str, str, str] | None:
    """(org, booking, photo id) of the album photo stored under `key`, while its album lists it; None otherwise (a
    key of another shape, or a file no record names)."""
    parts = key.split("/")
    if len(parts) != 4 or parts[0] != "photos":
        return None
    _, org, booking_id, name = parts
    photo_id = name.split(".", 1)[0]
    return (org, booking_id, photo_id) if ctx.store.get(booking_pk(org, booking_id), f"PHOTO#{photo_id}") else None


def _being_removed(ctx: Context, org: str, key: str) -> bool:
    """Whether a removal names the file `key` as one to delete (with its record gone): the removal deletes it next,
    or the hourly sweep does. Until 2026-12-07 the strip wrote such a file back after the removal had deleted it, and
    had forgotten it: named by nothing, kept for good. Read after the record: a removal names the file as the record
    goes, and forgets it only once the file is deleted."""
    return ctx.store.get(leftovers_pk(org), key) is not None


def _rewrite(ctx: Context, key: str, shown: bytes, content_type: str, *, listed: tuple[str, str, str] | None) -> bool:
    """Write `shown` over the file `key`; whether it stays. A photo removed from its album meanwhile (its record gone
    by the time the file is written) has its file deleted again, as its removal did: the write put back a file the
    removal had deleted, named by nothing and kept for good (until 2026-12-07). One storage refuses to delete then
    is named for the hourly `sweep_album_files`."""
    ctx.blobs.put(key, shown, content_type)
    if listed is None or _record(ctx, key) is not None:  # the removal, if any, deletes the file after this write
        return True
    org, booking_id, photo_id = listed
    log.info("photos.strip_removed_meanwhile", org=org, booking_id=booking_id, key=key)
    try:
        ctx.blobs.delete(key)
    except BlobError as exc:
        log.warning("photos.file_not_removed", org=org, key=key, error=str(exc))
        ctx.store.transact([file_write(org, booking_id, photo_id, key, ctx.clock.now())])
    return False


def remove_stored_photo(ctx: Context, key: str) -> bool:
    """Take the photo stored under `key` (`photos/<org>/<booking>/<photo>.<ext>`) out of its album: its record,
    then its file (one storage refuses is named for the hourly `sweep_album_files`). A file taken out by hand left
    the album listing a photo that showed broken to every guest. False, nothing removed, for a key of another
    shape (a file put there by hand, which no album lists)."""
    parts = key.split("/")
    if len(parts) != 4 or parts[0] != "photos":
        return False
    _, org, booking_id, name = parts
    photo_id = name.split(".", 1)[0]
    ctx.store.transact([Delete(booking_pk(org, booking_id), f"PHOTO#{photo_id}"),
                        file_write(org, booking_id, photo_id, key, ctx.clock.now())])  # fmt: skip
    try:
        ctx.blobs.delete(key)
    except BlobError as exc:  # out of its album: never shown; the hourly sweep deletes the file it names
        log.warning("photos.file_not_removed", org=org, key=key, error=str(exc))
    else:
        file_deleted(ctx, org, key)
    return True
