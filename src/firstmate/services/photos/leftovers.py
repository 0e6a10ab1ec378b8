"""The album files a removal left in storage (storage refused to delete them, or it stopped just then): named as
their photo's record leaves the album, and deleted by the hourly sweep."""

from __future__ import annotations

from datetime import datetime

import structlog

from firstmate.domain.photos import Photo
from firstmate.domain.shared import iso
from firstmate.errors import StoreError
from firstmate.ports import Delete, Item, Put
from firstmate.services.context import Context
from firstmate.services.paging import all_items
from firstmate.services.trips import booking_pk

log = structlog.get_logger(__name__)


def leftovers_pk(org: str) -> str:
    """The partition naming, by key, the album files of `org` whose photos were removed, until they are deleted."""
    return f"ORG#{org}#PHOTOFILES"


def leftover_write(org: str, booking_id: str, photo: Photo, now: datetime) -> Put:
    """The write naming `photo`'s file as one to delete, for the transaction taking its record out of the album: a
    removal stopped before its file is gone (storage refusing, a crash) leaves it named for `sweep_album_files`,
    whenever the photo was shared."""
    return file_write(org, booking_id, photo.id, photo.key, now)


def file_write(org: str, booking_id: str, photo_id: str, key: str, now: datetime) -> Put:
    """`leftover_write` of the file `key` of photo `photo_id`, its record not read."""
    return Put(Item(leftovers_pk(org), key, {"booking_id": booking_id, "photo_id": photo_id, "at": iso(now)}))


def file_deleted(ctx: Context, org: str, key: str) -> None:
    """Forget the album file `key` once it is deleted; a store that cannot write now leaves it to the sweep."""
    try:
        ctx.store.transact([Delete(leftovers_pk(org), key)])
    except StoreError as exc:  # the sweep finds the file gone, and forgets it then
        log.warning("photos.leftover_not_forgotten", org=org, key=key, error=str(exc))


def sweep_album_files(ctx: Context, orgs: list[str]) -> int:
    """Delete the album files of `orgs` whose photos were removed, which storage still holds; return how many. Only
    a file a removal named is looked at, however long before it was shared, and none is deleted that a photo of its
    album names again (a reload of its upload's check put it back, the removal unable to delete the upload)."""
    removed = 0
    for org in orgs:
        for item in all_items(ctx.store, leftovers_pk(org)):
            booking_id, photo_id = str(item.data["booking_id"]), str(item.data["photo_id"])
            found = ctx.blobs.head(item.sk)
            back = ctx.store.get(booking_pk(org, booking_id), f"PHOTO#{photo_id}") is not None
            if found is not None and not back:
                ctx.blobs.delete(item.sk)
                log.info("photos.leftover_removed", org=org, booking_id=booking_id, key=item.sk)
                removed += 1
            ctx.store.transact([Delete(leftovers_pk(org), item.sk)])
    return removed
