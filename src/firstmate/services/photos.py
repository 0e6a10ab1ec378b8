"""The trip album: uploads go straight to blob storage, then are checked before they show."""

from __future__ import annotations

import hashlib
import io
import secrets
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

import structlog
from PIL import Image

from firstmate.domain.photo_metadata import MOST_PARTS, NotParsed, TooManyParts, strip_metadata, tiff_headers
from firstmate.domain.photos import Photo, album_window, heif_boxes_fit, sniff_image
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
from firstmate.ports import Absent, Check, Delete, Exists, Item, PresignedUpload, Put, VersionIs
from firstmate.services.bookings import get_booking
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.guests import CodeTarget
from firstmate.services.paging import all_items, iter_items
from firstmate.services.trips import booking_pk

log = structlog.get_logger(__name__)

UPLOAD_FORM_LIFETIME = timedelta(minutes=30)

#: The most pixels a photo may have: a 200-megapixel phone's, and a little more. A small file that says it has
#: more is a decompression bomb (a few hundred bytes of PNG that inflate to gigabytes), refused before it is read.
MAX_PHOTO_PIXELS = 210_000_000
#: A PNG or WebP is decoded whole to check it, so it has at most this many pixels (a screenshot has a few
#: million); a JPEG is decoded at an eighth of its size, every block of it read all the same.
MAX_DECODED_PIXELS = 30_000_000
Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS  # Pillow's own guard: opening more than twice that raises
#: The photo types Pillow decodes, by the name Pillow gives each and the name a guest knows it by.
_DECODED = {"image/jpeg": ("JPEG", "JPEG"), "image/png": ("PNG", "PNG"), "image/webp": ("WEBP", "WebP")}


def upload_window(ctx: Context, target: CodeTarget) -> tuple[datetime, datetime]:
    """When this trip's album accepts uploads."""
    request = get_booking(ctx.store, target.org, target.booking_id).request
    settings = ctx.settings
    profile = load_business(ctx.store, target.org)
    return album_window(
        request.start,
        request.end,
        opens_before=timedelta(hours=settings.album_opens_before_h),
        closes_after_days=settings.album_closes_after_days,
        zone=profile.org.timezone if profile else "UTC",
    )


def album_opens_before(hours: float) -> str:
    """When an album opens, in words: "an hour before departure", "3 hours before departure", "30 minutes before
    departure" (0.5 read "0.5 hours")."""
    if hours == 1:
        return "an hour before departure"
    return f"{_hours(hours)} before departure" if hours else "at departure"


def album_stays_open(days: float) -> str:
    """How long after the trip an album stays open, in words: "a week after the trip", "2 days after the trip",
    "12 hours after the trip", "15 minutes after the trip", "when the trip returns" (a setting of 0 read "0 days
    after", 0.5 "0.5 days", 0.01 "0.24 hours")."""
    if days == 0:
        return "when the trip returns"
    if days < 1:
        return f"{_hours(days * 24)} after the trip"
    if days == 7:
        return "a week after the trip"
    return "a day after the trip" if days == 1 else f"{days:g} days after the trip"


def _hours(hours: float) -> str:
    """A span under a day in words: whole minutes under an hour ("15 minutes"), else hours ("12 hours", "1.5 hours")."""
    if hours < 1:
        minutes = max(round(hours * 60), 1)
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{hours:.3g} hour{'' if hours == 1 else 's'}"


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
        _quarantine_key(target, photo_id),
        content_type_prefix="image/",
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
    key = _quarantine_key(target, photo_id)
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
            raise InvalidInput("that file is not a photo (JPEG, PNG, WebP or HEIC)")
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
            return _photo(ctx, target, photo_id)
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


def without_metadata(data: bytes, content_type: str) -> bytes:
    """The photo as the album shows it: `data` checked (`check_decodes`), then without where it was taken (EXIF
    GPS), the camera, or any other EXIF, XMP or IPTC, and without what follows its end; its orientation kept, so
    it shows upright (`strip_metadata`). Guests of the trip, and anyone they pass the album's link to, learned
    where each photo was taken, a guest's home among them, until 2026-12-06. A HEIC, which the album cannot take
    apart, is refused when it says where it was taken (InvalidInput saying what to add instead), and kept as it
    is otherwise."""
    if content_type in _DECODED:
        with suppress(NotParsed):  # read for its parts before it is decoded: any other fault is judged below
            try:
                strip_metadata(data, content_type)
            except TooManyParts:
                raise InvalidInput(
                    f"that file is not a {_DECODED[content_type][1]} photo as a camera or phone saves it: it is made "
                    f"of more parts than any photo (over {MOST_PARTS:,}); add the photo as your phone or camera "
                    "saved it"
                ) from None
    orientation = check_decodes(data, content_type)
    if content_type not in _DECODED:
        if _located(data):
            raise InvalidInput(
                "that HEIC photo carries the place where it was taken (GPS), which the album cannot take out of a "
                "HEIC file, and would show every guest: add it as a JPEG, or share it with its location left out "
                "(on an iPhone: Options, then Location off)"
            )
        return data
    try:
        shown = strip_metadata(data, content_type, orientation)
    except NotParsed as exc:
        log.info("photos.not_parsed", content_type=content_type, error=str(exc))
        raise InvalidInput(_not_whole(_DECODED[content_type][1])) from None
    try:  # what is stored opens as the same photo: only metadata was cut (its pixels were decoded above)
        with Image.open(io.BytesIO(shown), formats=[_DECODED[content_type][0]]) as image:
            image.verify()
    except Exception as exc:  # a file this reading took apart wrongly is not shown broken
        log.error("photos.strip_broke_photo", content_type=content_type, error=f"{type(exc).__name__}: {exc}")
        raise InvalidInput(_not_whole(_DECODED[content_type][1])) from None
    return shown


def _located(data: bytes) -> bool:
    """Whether a file the album cannot take apart (a HEIC) says where it was taken: an EXIF with GPS
    coordinates, or an XMP naming them."""
    for name in ("GPSLatitude", "GPSLongitude"):  # XMP is text (exif:GPSLatitude), in UTF-8, UTF-16 or UTF-32
        if any(name.encode(coding) in data for coding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")):
            return True
    for tiff in tiff_headers(data):
        exif = Image.Exif()
        gps: dict[int, object] = {}
        with suppress(Exception):  # bytes that only look like a TIFF header, in the picture's data
            exif.load(tiff)
            gps = dict(exif.get_ifd(0x8825))  # the GPS IFD: 1, 2 latitude (its reference, its value); 3, 4 longitude
        if any(tag in gps for tag in (1, 2, 3, 4)):
            return True
    return False


def check_decodes(data: bytes, content_type: str) -> int:
    """The photo's EXIF orientation (1, upright, when it has none); InvalidInput unless `data` is a whole photo
    of `content_type`: a JPEG, PNG or WebP that decodes (a HEIC whose boxes fit: `heif_boxes_fit`), of at most
    MAX_PHOTO_PIXELS. Its first bytes alone said so until 2026-12-06, and a PNG signature then a page of HTML
    joined the album. Data after a whole photo's end does not refuse it: phones write some there (a motion
    photo's video), which `without_metadata` leaves out."""
    if content_type not in _DECODED:
        if not heif_boxes_fit(data):
            raise InvalidInput(_not_whole("HEIC"))
        return 1
    pillow_name, name = _DECODED[content_type]
    try:
        with Image.open(io.BytesIO(data), formats=[pillow_name]) as image:
            pixels = image.width * image.height
            if pixels > MAX_PHOTO_PIXELS or (pillow_name != "JPEG" and pixels > MAX_DECODED_PIXELS):
                raise InvalidInput(_too_many_pixels(name, image.width, image.height))
            image.verify()  # a PNG's chunks and their checksums, to its end
        with Image.open(io.BytesIO(data), formats=[pillow_name]) as image:
            image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))  # a JPEG: others decode whole
            image.load()
            orientation = image.getexif().get(0x0112, 1)  # read once loaded: a PNG's EXIF may follow its pixels
    except InvalidInput:
        raise
    except Image.DecompressionBombError:
        raise InvalidInput(_too_many_pixels(name)) from None
    except Exception as exc:  # OSError, SyntaxError, struct.error…: whatever a file made to fool it makes Pillow raise
        log.info("photos.not_decoded", content_type=content_type, error=f"{type(exc).__name__}: {exc}")
        raise InvalidInput(_not_whole(name)) from None
    return orientation if isinstance(orientation, int) else 1


def _not_whole(name: str) -> str:
    return (
        f"that file is not a whole {name} photo: it begins like one but does not decode (cut short, damaged, or "
        "something else renamed); add the photo as your phone or camera saved it"
    )


def _too_many_pixels(name: str, width: int = 0, height: int = 0) -> str:
    size = f" ({width:,} × {height:,})" if width else ""
    most = MAX_DECODED_PIXELS if name in ("PNG", "WebP") else MAX_PHOTO_PIXELS
    return f"that {name} photo has too many pixels{size}: at most {most // 1_000_000} megapixels; add a smaller copy"


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


def list_photos(ctx: Context, target: CodeTarget) -> list[Photo]:
    """The whole album (at most `album_max_photos`), oldest first."""
    items = all_items(ctx.store, booking_pk(target.org, target.booking_id), "PHOTO#")
    return sorted((Photo.model_validate(i.data) for i in items), key=lambda p: p.uploaded_at)


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


#: How long a link straight to a photo in storage works (long enough to load the album page).
PHOTO_LINK_LIFETIME = timedelta(minutes=10)


def photo_content(ctx: Context, target: CodeTarget, photo_id: str) -> tuple[bytes, str]:
    """A photo's bytes and type, for guests of its own trip only. NotFound for a photo whose file is gone
    from storage (removed by hand, a bucket's rule), which the operator's log says the first time: the
    guest read the storage's own refusal, naming the booking and where photos are kept, and nobody was told."""
    photo = _photo(ctx, target, photo_id)
    try:
        return ctx.blobs.get(photo.key), photo.content_type
    except BlobNotFound:
        _gone(ctx, target, photo)
        raise NotFound("this photo is no longer in the album", hint="the other photos of the album are there") from None


def _gone(ctx: Context, target: CodeTarget, photo: Photo) -> None:
    """Record that `photo`'s file is gone, logging it for the operator when it is first found so."""
    if photo.missing_since is not None:
        return
    pk, sk = booking_pk(target.org, target.booking_id), f"PHOTO#{photo.id}"
    item = ctx.store.get(pk, sk)
    if item is None or item.data.get("missing_since"):
        return
    marked = photo.model_copy(update={"missing_since": ctx.clock.now()})
    try:
        ctx.store.put(Item(pk, sk, marked.model_dump(mode="json")), VersionIs(item.version))
    except ConditionFailed:  # another look at it found it gone first, and logged it
        return
    except StoreError as exc:  # not recorded: logged now, and again next time rather than never
        log.warning("photos.missing_not_recorded", org=target.org, photo_id=photo.id, error=str(exc))
    log.error(
        "photos.file_missing", org=target.org, booking_id=target.booking_id, photo_id=photo.id, key=photo.key,
        hint="the album lists a photo whose file storage no longer has: restore the file, or remove the photo",
    )  # fmt: skip


def photo_link(ctx: Context, target: CodeTarget, photo_id: str) -> str | None:
    """A short-lived link straight to a photo in storage, for guests of its own trip only; None
    when the storage has no such links (then serve `photo_content`)."""
    photo = _photo(ctx, target, photo_id)
    return ctx.blobs.download_url(photo.key, expires_at=ctx.clock.now() + PHOTO_LINK_LIFETIME)


def _photo(ctx: Context, target: CodeTarget, photo_id: str) -> Photo:
    item = ctx.store.get(booking_pk(target.org, target.booking_id), f"PHOTO#{photo_id}")
    if item is None:
        raise NotFound("no such photo")
    return Photo.model_validate(item.data)


def _quarantine_key(target: CodeTarget, photo_id: str) -> str:
    return f"{QUARANTINE}{target.org}/{target.booking_id}/{photo_id}"


#: Where uploads wait for their check.
QUARANTINE = "quarantine/"
#: How long an upload nobody checked waits before it is removed: as long as S3's bucket rule keeps one. A guest
#: reloading within it still finishes theirs (`check_upload`).
UNCHECKED_KEPT = timedelta(days=1)


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
        try:
            data = ctx.blobs.get(blob.key)
        except BlobNotFound:  # removed since it was listed
            continue
        sniffed = sniff_image(data)
        if sniffed is not None and sniffed[0] not in _DECODED:
            if _located(data) and remove_located_heic and remove_stored_photo(ctx, blob.key):
                result.removed.append(blob.key)
            elif _located(data):
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
        ctx.blobs.put(blob.key, shown, sniffed[0])
        result.stripped += 1
    log.info("photos.stored_stripped", org=org, stripped=result.stripped, unchanged=result.unchanged,
             removed=len(result.removed), located_heic=len(result.located_heic),
             unreadable=len(result.unreadable))  # fmt: skip
    return result


def remove_stored_photo(ctx: Context, key: str) -> bool:
    """Take the photo stored under `key` (`photos/<org>/<booking>/<photo>.<ext>`) out of its album: its record,
    then its file. A file taken out by hand left the album listing a photo that showed broken to every guest.
    False, nothing removed, for a key of another shape (a file put there by hand, which no album lists)."""
    parts = key.split("/")
    if len(parts) != 4 or parts[0] != "photos":
        return False
    _, org, booking_id, name = parts
    ctx.store.transact([Delete(booking_pk(org, booking_id), f"PHOTO#{name.split('.', 1)[0]}")])
    ctx.blobs.delete(key)
    return True


def photo_too_large(photo_max_mb: float) -> PayloadTooLarge:
    """What a guest sending a photo over `photo_max_mb` is told, wherever it is found too large (the upload's
    body, the check after it): the limit as it is set ("0.05 MB", not the "0 MB" of its whole megabytes), and
    what to do."""
    return PayloadTooLarge(
        f"that photo is over {photo_max_mb:g} MB, the most the album takes",
        hint="go back to your trip page and add a smaller copy of it",
    )
