"""What an uploaded file must be to join an album (a whole photo, of at most so many pixels and megabytes), and
the photo as the album shows it, without where it was taken (`without_metadata`)."""

from __future__ import annotations

import io
from contextlib import suppress

import structlog
from PIL import Image

from firstmate.domain.photo_metadata import MOST_PARTS, NotParsed, TooManyParts, strip_metadata, tiff_headers
from firstmate.domain.photos import heif_boxes_fit
from firstmate.errors import InvalidInput, PayloadTooLarge, UserError

log = structlog.get_logger(__name__)

#: The most pixels a photo may have: a 200-megapixel phone's, and a little more. A small file that says it has
#: more is a decompression bomb (a few hundred bytes of PNG that inflate to gigabytes), refused before it is read.
MAX_PHOTO_PIXELS = 210_000_000
#: A PNG or WebP is decoded whole to check it, so it has at most this many pixels (a screenshot has a few
#: million); a JPEG is decoded at an eighth of its size, every block of it read all the same.
MAX_DECODED_PIXELS = 30_000_000
Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS  # Pillow's own guard: opening more than twice that raises
#: The photo types Pillow decodes, by the name Pillow gives each and the name a guest knows it by.
DECODED = {"image/jpeg": ("JPEG", "JPEG"), "image/png": ("PNG", "PNG"), "image/webp": ("WEBP", "WebP")}


def without_metadata(data: bytes, content_type: str) -> bytes:
    """The photo as the album shows it: `data` checked (`check_decodes`), then without where it was taken (EXIF
    GPS), the camera, or any other EXIF, XMP or IPTC, and without what follows its end; its orientation kept, so
    it shows upright (`strip_metadata`). Guests of the trip, and anyone they pass the album's link to, learned
    where each photo was taken, a guest's home among them, until 2026-12-06. A HEIC, which the album cannot take
    apart, is refused when it says where it was taken (InvalidInput saying what to add instead), and kept as it
    is otherwise."""
    if content_type in DECODED:
        with suppress(NotParsed):  # read for its parts before it is decoded: any other fault is judged below
            try:
                strip_metadata(data, content_type)
            except TooManyParts:
                raise InvalidInput(
                    f"that file is not a {DECODED[content_type][1]} photo as a camera or phone saves it: it is made "
                    f"of more parts than any photo (over {MOST_PARTS:,}); add the photo as your phone or camera "
                    "saved it"
                ) from None
    orientation = check_decodes(data, content_type)
    if content_type not in DECODED:
        if located(data):
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
        raise InvalidInput(_not_whole(DECODED[content_type][1])) from None
    try:  # what is stored opens as the same photo: only metadata was cut (its pixels were decoded above)
        with Image.open(io.BytesIO(shown), formats=[DECODED[content_type][0]]) as image:
            image.verify()
    except Exception as exc:  # a file this reading took apart wrongly is not shown broken
        log.error("photos.strip_broke_photo", content_type=content_type, error=f"{type(exc).__name__}: {exc}")
        raise InvalidInput(_not_whole(DECODED[content_type][1])) from None
    return shown


def located(data: bytes) -> bool:
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
    if content_type not in DECODED:
        if not heif_boxes_fit(data):
            raise InvalidInput(_not_whole("HEIC"))
        return 1
    pillow_name, name = DECODED[content_type]
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


#: What a guest is told to do of a refused file: on the trip page itself, or after BACK on a page of its own.
SMALLER = "add a smaller copy of it"
AS_SAVED = "add the photo as your phone or camera saved it"
BACK = "go back to your trip page and "


def photo_too_large(photo_max_mb: float) -> PayloadTooLarge:
    """What a guest sending a photo over `photo_max_mb` is told, wherever it is found too large (the upload's
    body, the check after it, the album's form before sending: `said_before_sending`): the limit as it is set
    ("0.05 MB", not the "0 MB" of its whole megabytes), and what to do."""
    return PayloadTooLarge(f"that photo is over {photo_max_mb:g} MB, the most the album takes", hint=BACK + SMALLER)


def not_a_photo() -> InvalidInput:
    """What a guest sending a file that is no photo the album takes is told, wherever that is found (the laptop's
    upload form of a file declared as another type, the check of its bytes after it, the album's form before
    sending): one wording on the laptop and on S3, whose form takes any declared type."""
    return InvalidInput("that file is not a photo (JPEG, PNG, WebP or HEIC)", hint=BACK + AS_SAVED)


def said_before_sending(refusal: UserError) -> str:
    """`refusal` as the album's form says it on the trip page, before the file is sent: a sentence of its words and
    what to do there ("That photo is over 15 MB, the most the album takes: add a smaller copy of it.")."""
    to_do = (refusal.hint or "").removeprefix(BACK)
    return f"{refusal.message[:1].upper()}{refusal.message[1:]}: {to_do}." if to_do else f"{refusal.message}."
