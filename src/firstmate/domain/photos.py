"""Trip photos: when guests may upload, and what counts as a photo."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

#: Signatures of the image formats phones produce, and the type each means.
_MAGIC: tuple[tuple[int, bytes, str, str], ...] = (
    (0, b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (8, b"WEBP", "image/webp", "webp"),
    (4, b"ftypheic", "image/heic", "heic"),
    (4, b"ftypheix", "image/heic", "heic"),
    (4, b"ftypmif1", "image/heif", "heif"),
)
#: How a WebP file begins before its signature (at 8): the check takes none that does not.
_RIFF = b"RIFF"
#: Other names a browser may give a file of a kind the album takes (older systems' names of a JPEG and a PNG).
_ALSO_DECLARED = ("image/jpg", "image/pjpeg", "image/x-png")


def declared_photo_types() -> tuple[str, ...]:
    """The types a browser may declare of a file the album takes, as the album's page checks them before sending:
    the types of the photos `sniff_image` knows, and their other names. A file declared as any other type (a GIF,
    an SVG, an AVIF) is one the check after the upload refuses."""
    return tuple(dict.fromkeys([kind for _, _, kind, _ in _MAGIC] + list(_ALSO_DECLARED)))


def photo_signatures() -> tuple[str, ...]:
    """How a file the album takes begins, as `sniff_image` judges it, for the album's page to check a file's first
    bytes before sending it ("offset:hex bytes", "." any hex digit): a JPEG named `.gif`, or typed by a system's own
    name (image/x-citrix-jpeg), is a photo; a GIF named `.jpg` is not."""
    return tuple(dict.fromkeys(_signature(offset, magic, kind) for offset, magic, kind, _ in _MAGIC))


def _signature(offset: int, magic: bytes, kind: str) -> str:
    if kind == "image/webp":  # "RIFF", its size (any four bytes), then "WEBP"
        return f"0:{_RIFF.hex()}{'.' * 2 * (offset - len(_RIFF))}{magic.hex()}"
    return f"{offset}:{magic.hex()}"


class Photo(BaseModel):
    """A checked photo in a trip's album."""

    model_config = ConfigDict(frozen=True)

    id: str
    guest_id: str
    key: str
    content_type: str
    size: int
    uploaded_at: datetime
    #: sha256 of its bytes, so that the same file added again is known ("" for photos checked before it was kept)
    digest: str = ""
    #: when its file was first found gone from storage (logged then, once), or None
    missing_since: datetime | None = None


def album_window(
    start: datetime, end: datetime, *, opens_before: timedelta, closes_after_days: float, zone: str
) -> tuple[datetime, datetime]:
    """When uploads are accepted: from shortly before departure until some days after return."""
    return start - opens_before, album_closes_at(end, closes_after_days, zone)


def album_closes_at(end: datetime, days: float, zone: str) -> datetime:
    """`days` after a trip ending at `end`, by the clocks of `zone`, in UTC: "a week after" a return
    at 19:00 is 19:00 a week on, however the clocks changed between (24-hour days in UTC closed it
    an hour early, or late, across a clock change)."""
    return (end.astimezone(ZoneInfo(zone)) + timedelta(days=days)).astimezone(UTC)


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """(content type, file extension) if the bytes begin like a photo, else None."""
    for offset, magic, content_type, extension in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            if content_type == "image/webp" and not data.startswith(_RIFF):
                continue
            return content_type, extension
    return None


def heif_boxes_fit(data: bytes) -> bool:
    """Whether a HEIC/HEIF file is whole, as far as its boxes tell: each top-level box (ISO BMFF: a length, a
    type) ends where the next begins and the last at the file's end, its `ftyp` first and a `meta` among them.
    A file that only begins like one (an `ftyp` box, then a page of HTML) is not. The album has no HEIC decoder
    to read the picture itself."""
    kinds, at = [], 0
    while at < len(data):
        if len(data) - at < 8:
            return False
        size, kind = struct.unpack_from(">I4s", data, at)
        if size == 1 and len(data) - at >= 16:  # a 64-bit length follows the type
            (size,) = struct.unpack_from(">Q", data, at + 8)
        elif size == 0:  # the last box, to the file's end
            size = len(data) - at
        if size < 8 or at + size > len(data):
            return False
        kinds.append(kind)
        at += size
    return bool(kinds) and kinds[0] == b"ftyp" and b"meta" in kinds
