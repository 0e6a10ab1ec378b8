"""The photos of a trip's album, for guests of its own trip only: listed, served, or linked to in storage."""

from __future__ import annotations

from datetime import timedelta

import structlog
from pydantic import ValidationError

from firstmate.domain.photos import Photo
from firstmate.errors import BlobError, BlobNotFound, ConditionFailed, NotFound, StoreError
from firstmate.ports import Item, VersionIs
from firstmate.services.context import Context
from firstmate.services.guests import CodeTarget
from firstmate.services.paging import all_items
from firstmate.services.trips import booking_pk

log = structlog.get_logger(__name__)

#: How long a link straight to a photo in storage works (long enough to load the album page).
PHOTO_LINK_LIFETIME = timedelta(minutes=10)


def list_photos(ctx: Context, target: CodeTarget) -> list[Photo]:
    """The whole album (at most `album_max_photos`), oldest first: a record that does not read as a photo is
    logged and left out, so the album's other photos still show."""
    return sorted(readable_photos(ctx, target)[0], key=lambda p: p.uploaded_at)


def readable_photos(ctx: Context, target: CodeTarget) -> tuple[list[Photo], int]:
    """The album's photo records that read as photos, in the store's order, and how many did not. Each one that
    did not (written by hand, or by an older firstmate) is logged `photos.record_unreadable`: one such record
    answered the album's page with a server error (until 2026-12-07)."""
    photos, unreadable = [], 0
    for item in all_items(ctx.store, booking_pk(target.org, target.booking_id), "PHOTO#"):
        try:
            photos.append(Photo.model_validate(item.data))
        except ValidationError as exc:
            unreadable += 1
            log.error("photos.record_unreadable", org=target.org, booking_id=target.booking_id, sk=item.sk,
                      error=str(exc).splitlines()[0], hint="fix the record, or remove it")  # fmt: skip
    return photos, unreadable


def photo_content(ctx: Context, target: CodeTarget, photo_id: str) -> tuple[bytes, str]:
    """A photo's bytes and type, for guests of its own trip only. NotFound for a photo whose file is gone
    from storage (removed by hand, a bucket's rule), which the operator's log says the first time: the
    guest read the storage's own refusal, naming the booking and where photos are kept, and nobody was told."""
    photo = stored_photo(ctx, target, photo_id)
    try:
        data = ctx.blobs.get(photo.key)
    except BlobNotFound:
        mark_missing(ctx, target, photo)
        raise _no_longer() from None
    clear_missing(ctx, target, photo)
    return data, photo.content_type


def _no_longer() -> NotFound:
    return NotFound("this photo is no longer in the album", hint="the other photos of the album are there")


def mark_missing(ctx: Context, target: CodeTarget, photo: Photo) -> bool:
    """Record that `photo`'s file is gone, logging it for the operator when it is first found so; whether this
    call logged it (False: marked before, by another look, or the photo removed meanwhile)."""
    if photo.missing_since is not None:
        return False
    pk, sk = booking_pk(target.org, target.booking_id), f"PHOTO#{photo.id}"
    item = ctx.store.get(pk, sk)
    if item is None or item.data.get("missing_since"):
        return False
    marked = photo.model_copy(update={"missing_since": ctx.clock.now()})
    try:
        ctx.store.put(Item(pk, sk, marked.model_dump(mode="json")), VersionIs(item.version))
    except ConditionFailed:  # another look at it found it gone first, and logged it
        return False
    except StoreError as exc:  # not recorded: logged now, and again next time rather than never
        log.warning("photos.missing_not_recorded", org=target.org, photo_id=photo.id, error=str(exc))
    log.error(
        "photos.file_missing", org=target.org, booking_id=target.booking_id, photo_id=photo.id, key=photo.key,
        hint="the album lists a photo whose file storage no longer has: restore the file, or remove the photo",
    )  # fmt: skip
    return True


def photo_link(ctx: Context, target: CodeTarget, photo_id: str) -> str | None:
    """A short-lived link straight to a photo in storage, for guests of its own trip only; None
    when the storage has no such links (then serve `photo_content`). NotFound, as `photo_content` says it, for a
    photo whose file is gone, which the operator's log says the first time: the link led to S3's own 404, and
    nobody was told."""
    photo = stored_photo(ctx, target, photo_id)
    link = ctx.blobs.download_url(photo.key, expires_at=ctx.clock.now() + PHOTO_LINK_LIFETIME)
    if link is None:
        return None
    try:  # one request to storage per photo asked for, beside its record's read; the browser keeps the link 5 minutes
        found = ctx.blobs.head(photo.key, quick=True)  # one short try: the guest's photo waits on it
    except BlobError as exc:  # unsure, slow or throttling: the link all the same, as the photo is most likely there
        log.warning("photos.not_looked_up", org=target.org, photo_id=photo.id, error=str(exc))
        return link
    if found is None:
        mark_missing(ctx, target, photo)
        raise _no_longer()
    clear_missing(ctx, target, photo)
    return link


def still_missing(ctx: Context, target: CodeTarget, photos: list[Photo]) -> list[Photo]:
    """Those of `photos` (of the trip of `target`) marked missing whose file storage still has not, asking it
    again of each (one request a photo marked, none for the others): a file restored since clears its mark, as a
    guest's look at it would. One storage cannot answer of now is counted as still missing."""
    missing = []
    for photo in photos:
        if photo.missing_since is None:
            continue
        try:
            found = ctx.blobs.head(photo.key)
        except BlobError as exc:  # unsure: the mark stays, and is said
            log.warning("photos.not_looked_up", org=target.org, photo_id=photo.id, error=str(exc))
            found = None
        if found is None:
            missing.append(photo)
        else:
            clear_missing(ctx, target, photo)
    return missing


def clear_missing(ctx: Context, target: CodeTarget, photo: Photo) -> bool:
    """Clear `photo`'s missing mark, its file found there again (restored from a backup), so that a next loss is
    logged again; whether this call cleared it. A photo never marked, every normal look, writes nothing."""
    if photo.missing_since is None:
        return False
    pk, sk = booking_pk(target.org, target.booking_id), f"PHOTO#{photo.id}"
    item = ctx.store.get(pk, sk)
    if item is None or not item.data.get("missing_since"):
        return False
    back = Photo.model_validate(item.data).model_copy(update={"missing_since": None})
    try:
        ctx.store.put(Item(pk, sk, back.model_dump(mode="json")), VersionIs(item.version))
    except ConditionFailed:  # changed meanwhile (cleared by another look, or removed): that one says it
        return False
    except StoreError as exc:  # the guest has the photo all the same; the next look clears it
        log.warning("photos.back_not_recorded", org=target.org, photo_id=photo.id, error=str(exc))
        return False
    log.info("photos.file_back", org=target.org, booking_id=target.booking_id, photo_id=photo.id, key=photo.key,
             missing_since=photo.missing_since.isoformat())  # fmt: skip
    return True


def stored_photo(ctx: Context, target: CodeTarget, photo_id: str) -> Photo:
    """The album's record of the photo `photo_id` of the trip of `target`; NotFound when it has none."""
    item = ctx.store.get(booking_pk(target.org, target.booking_id), f"PHOTO#{photo_id}")
    if item is None:
        raise NotFound("no such photo")
    return Photo.model_validate(item.data)
