"""A guest's upload to a trip's album: a form to send one photo straight to storage, then its check before it
shows."""

from __future__ import annotations

import hashlib
import secrets
from contextlib import suppress
from datetime import timedelta
from itertools import islice

import structlog

from firstmate.domain.photos import Photo, sniff_image
from firstmate.domain.timing import when
from firstmate.errors import (
    BlobError,
    BlobNotFound,
    ConditionFailed,
    Conflict,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    StoreError,
)
from firstmate.ports import Absent, Check, Exists, Item, PresignedUpload, Put
from firstmate.services.bookings import get_booking
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.guests import CodeTarget
from firstmate.services.paging import iter_items
from firstmate.services.photos.album import stored_photo
from firstmate.services.photos.quarantine import quarantine_key
from firstmate.services.photos.screening import not_a_photo, photo_too_large, without_metadata
from firstmate.services.photos.window import album_opens_before, upload_window
from firstmate.services.trips import booking_pk

log = structlog.get_logger(__name__)

UPLOAD_FORM_LIFETIME = timedelta(minutes=30)
#: The types (a prefix) a browser may declare of a photo it sends, as the laptop's form and S3's policy check it (a
#: policy cannot list types; the page's script checks the list, `declared_photo_types`; a HEIC may come with none):
#: the bytes are checked after.
PHOTO_TYPES = "image/"


def request_upload(ctx: Context, target: CodeTarget, code: str) -> PresignedUpload:
    """A form to upload one photo, if the album is open now; else Conflict saying when it opens
    or that it has closed."""
    booking = get_booking(ctx.store, target.org, target.booking_id)
    if booking.cancelled:
        raise Conflict("this trip is cancelled, so its album is closed")
    opens, closes = upload_window(ctx, target)
    now = ctx.clock.now()
    profile = load_business(ctx.store, target.org)
    zone = profile.org.timezone if profile else "UTC"
    if now < opens:
        raise Conflict(f"the album opens {when(opens, zone)}, {album_opens_before(ctx.settings.album_opens_before_h)}")
    if now > closes:
        raise Conflict(f"the album closed {when(closes, zone)}")
    _check_room(ctx, target)
    photo_id = secrets.token_hex(8)
    return ctx.blobs.presign_upload(
        quarantine_key(target, photo_id),
        content_type_prefix=PHOTO_TYPES,
        max_bytes=int(ctx.settings.photo_max_mb * 1_000_000),
        expires_at=min(now + UPLOAD_FORM_LIFETIME, closes),
        redirect_to=f"/g/{code}/photos/check?id={photo_id}",
    )


def check_upload(ctx: Context, target: CodeTarget, photo_id: str) -> Photo:
    """Move an uploaded file into the album if it really is a photo of allowed size; otherwise
    delete it and raise InvalidInput / PayloadTooLarge (Conflict when the album is full). Checking
    twice is harmless, and so is a failure of the storage on the way: the upload stays until the
    photo is recorded, so checking again (a reload) finishes the move. NotFound, the files removed, when the
    lead removed its guest while it was being checked."""
    if not (photo_id.isascii() and photo_id.isalnum()) or len(photo_id) != 16:  # ours are hex: "１２" is no id either
        raise NotFound("no such upload")
    existing = ctx.store.get(booking_pk(target.org, target.booking_id), f"PHOTO#{photo_id}")
    key = quarantine_key(target, photo_id)
    if existing is not None:
        return _checked_before(ctx, Photo.model_validate(existing.data), key)
    try:
        data = ctx.blobs.get(key)
    except BlobNotFound:
        raise NotFound("that upload did not arrive; try again") from None
    try:
        if get_booking(ctx.store, target.org, target.booking_id).cancelled:  # a form handed out before
            raise Conflict("this trip is cancelled, so its album is closed")
        _check_room(ctx, target)  # forms handed out before the album filled up are refused here
        if len(data) > ctx.settings.photo_max_mb * 1_000_000:
            raise photo_too_large(ctx.settings.photo_max_mb)
        sniffed = sniff_image(data)
        if sniffed is None:
            raise not_a_photo()
        shown = without_metadata(data, sniffed[0])
        digest = hashlib.sha256(data).hexdigest()  # of the file as sent: the same file sent again is known
        twin = _same_file(ctx, target, digest)
        if twin is not None and twin.id == photo_id:  # another check of this upload recorded it meanwhile
            return twin
        if twin is not None:  # added again (unsure it went up, or passed round the group): it showed twice
            raise Conflict("that photo is in the album already, so it was not added again")
    except (Conflict, PayloadTooLarge, InvalidInput):
        ctx.blobs.delete(key)  # refused for good: nothing unchecked stays in storage
        raise
    content_type, extension = sniffed
    album_key = f"photos/{target.org}/{target.booking_id}/{photo_id}.{extension}"
    ctx.blobs.put(album_key, shown, content_type)
    photo = Photo(
        id=photo_id,
        guest_id=target.guest_id,
        key=album_key,
        content_type=content_type,
        size=len(shown),
        uploaded_at=ctx.clock.now(),
        digest=digest,
    )
    pk, sk = booking_pk(target.org, target.booking_id), f"PHOTO#{photo_id}"
    try:  # only while its guest is in the group: one the lead removed meanwhile had their photos taken out
        ctx.store.transact([Put(Item(pk, sk, photo.model_dump(mode="json")), Absent()),
                            Check(pk, f"GUEST#{target.guest_id}", Exists())])  # fmt: skip
    except ConditionFailed:
        if ctx.store.get(pk, sk) is not None:  # another check of the same upload (a reload) recorded it first
            return stored_photo(ctx, target, photo_id)
        with suppress(BlobError):  # no record names them: never shown (the sweep takes a leftover upload)
            ctx.blobs.delete(album_key)
            ctx.blobs.delete(key)
        raise NotFound("no trip has that code") from None
    except StoreError:
        with suppress(StoreError, BlobError):
            if ctx.store.get(pk, sk) is None:  # a file no record names could never be shown or removed
                ctx.blobs.delete(album_key)
        raise
    try:
        ctx.blobs.delete(key)
    except BlobError as exc:  # the photo is in the album; the leftover upload is never shown (S3 expires it)
        log.warning("photos.upload_not_removed", org=target.org, key=key, error=str(exc))
    return photo


def _checked_before(ctx: Context, photo: Photo, key: str) -> Photo:
    """A check of an upload whose photo is recorded already: a reload gets the photo. A file under
    the upload's key now is either the photo's own leftover (its removal failed) or another photo sent
    with the same form (the Back button): that one was said to be added and lay unseen in quarantine.
    It is removed, and the guest is told to reload for a new form."""
    try:
        data = ctx.blobs.get(key)
    except BlobNotFound:
        return photo
    ctx.blobs.delete(key)
    if photo.digest:  # the album's copy is the file without its metadata: the upload is known by its digest
        same = hashlib.sha256(data).hexdigest() == photo.digest
    else:
        same = len(data) == photo.size and data == ctx.blobs.get(photo.key)
    if not same:
        raise Conflict("that upload form was used already, so this photo was not added: reload the page and add it")
    return photo


def _same_file(ctx: Context, target: CodeTarget, digest: str) -> Photo | None:
    """The photo of the album that is the file of `digest`, if any."""
    for item in iter_items(ctx.store, booking_pk(target.org, target.booking_id), "PHOTO#"):
        if item.data.get("digest") == digest:
            return Photo.model_validate(item.data)
    return None


def _check_room(ctx: Context, target: CodeTarget) -> None:
    """Raise Conflict when the album already holds `album_max_photos` photos."""
    most = ctx.settings.album_max_photos
    photos = iter_items(ctx.store, booking_pk(target.org, target.booking_id), "PHOTO#")
    if next(islice(photos, most - 1, None), None) is not None:
        raise Conflict(f"the album is full: it holds {most} photos, the most a trip's album takes")
