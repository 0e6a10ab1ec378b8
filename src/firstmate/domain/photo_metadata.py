"""What a photo says besides its picture: where it was taken (GPS), the camera, the owner's name, in EXIF, XMP
and IPTC. The album keeps none of it, and keeps the picture's bytes as they are: the metadata is cut out of
the file's structure (JPEG segments, PNG chunks, WebP chunks), so nothing is decoded or re-compressed, and a
200-megapixel JPEG costs no memory. Only the orientation stays, in an EXIF of that one tag, so a photo taken
with the phone turned shows upright. Data after the picture's end (a motion photo's video, which carries its
own location) goes too."""

from __future__ import annotations

import struct
import zlib

#: EXIF's orientation tag: 1 is upright; 2 to 8 say how the picture is turned or mirrored.
ORIENTATION = 0x0112

#: JPEG application segments kept, by what they begin with: APP0 when JFIF's, APP14 (Adobe: how a CMYK picture's
#: colours are coded), APP2 when a colour profile (ICC_PROFILE), not a multi-picture index (MPF) of images dropped
#: with it. Any other APPn goes, whatever it holds (EXIF and XMP in APP1, C2PA in APP11, IPTC in APP13, a maker's).
_KEPT_APPS = {0xE0: (b"JFIF\x00",), 0xE2: (b"ICC_PROFILE\x00",), 0xEE: (b"Adobe",)}
#: Other segments than APPn kept: those that code the picture (0xC0 to 0xDF: SOFn, DHT, DQT, DRI, SOS, …); a
#: comment (COM) and the reserved JPGn go. (Until 2026-12-06 only the segments named metadata went: an APP0
#: that was not JFIF's kept what it held.)
#: PNG chunks kept: the critical ones (IHDR, PLTE, IDAT, IEND) and the ancillary ones that say how to draw the
#: picture (transparency, colour, pixel size, an animation's frames). Any other goes, whatever its name: eXIf,
#: text (XMP and IPTC in iTXt/zTXt, an author in tEXt), tIME, C2PA's caBX, an old writer's exIf, a maker's own.
#: (Until 2026-12-06 only the named ones went, and a caBX or a maker's chunk kept its GPS.)
_PNG_KEPT = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD",
             b"pHYs", b"hIST", b"acTL", b"fcTL", b"fdAT", b"cICP", b"mDCV", b"mDCv", b"cLLI", b"cLLi"}  # fmt: skip
#: WebP chunks kept: the picture (VP8, VP8L, its alpha), the extended header, an animation's, the colour profile;
#: any other goes (EXIF, XMP, C2PA's, a maker's own).
_WEBP_KEPT = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
#: The VP8X header's flags of chunks dropped: EXIF, XMP.
_WEBP_FLAGS = {b"EXIF": 0x08, b"XMP ": 0x04}


#: The most segments (JPEG) or chunks (PNG, WebP) a photo is read for: a photo has a few dozen, a large PNG some
#: thousands (one IDAT per 8 KB). A file of 15 MB made of millions of empty ones took 5 to 9 s to check.
MOST_PARTS = 100_000


# not in errors.py: caught by services/photos/screening.py, which refuses the photo (InvalidInput) in its words
class NotParsed(ValueError):
    """The file's structure is not what its type says (the decoder took it, this reading did not)."""


class TooManyParts(NotParsed):
    """The file holds more than `MOST_PARTS` segments or chunks: no photo does."""


def _counted(parts: int) -> int:
    if parts > MOST_PARTS:
        raise TooManyParts(f"more than {MOST_PARTS:,} parts")
    return parts


def orientation_exif(orientation: int) -> bytes:
    """A TIFF-formatted EXIF holding only `orientation` (no "Exif" prefix): what the album keeps of a photo's EXIF."""
    entry = struct.pack(">HHIHH", ORIENTATION, 3, 1, orientation, 0)
    return b"MM\x00*" + struct.pack(">IH", 8, 1) + entry + struct.pack(">I", 0)


def strip_metadata(data: bytes, content_type: str, orientation: int = 1) -> bytes:
    """`data`, a JPEG, PNG or WebP that decodes, without its metadata and without what follows its end; an
    `orientation` other than 1 kept as its EXIF's only tag. NotParsed for a file of another structure."""
    keep = orientation if 2 <= orientation <= 8 else 1
    try:
        if content_type == "image/jpeg":
            return _jpeg(data, keep)
        if content_type == "image/png":
            return _png(data, keep)
        if content_type == "image/webp":
            return _webp(data, keep)
    except NotParsed:
        raise
    except (IndexError, ValueError, struct.error) as exc:  # cut short: an index past the end, no marker to find
        raise NotParsed(f"cut short: {exc}") from None
    raise NotParsed(f"no metadata reader for {content_type}")


def _jpeg(data: bytes, orientation: int) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise NotParsed("no JPEG start")
    out, at, exif_at, parts = [b"\xff\xd8"], 2, 1, 0
    while True:
        parts = _counted(parts + 1)
        if data[at] != 0xFF:
            raise NotParsed(f"no marker at {at}")
        while data[at + 1] == 0xFF:  # fill bytes before a marker
            at += 1
        marker = data[at + 1]
        if marker == 0xD9:  # the end of the picture: what follows (a motion photo's video) goes
            out.append(b"\xff\xd9")
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers of no length
            out.append(data[at : at + 2])
            at += 2
            continue
        (length,) = struct.unpack_from(">H", data, at + 2)
        end = at + 2 + length
        if length < 2 or end > len(data):
            raise NotParsed(f"a segment runs past the end at {at}")
        segment = data[at:end]
        app = 0xE0 <= marker <= 0xEF
        if not (0xC0 <= marker <= 0xDF or (app and segment[4:].startswith(_KEPT_APPS.get(marker, ())))):
            at = end  # EXIF and XMP (APP1), C2PA (APP11), IPTC (APP13), MPF, a maker's own, a comment, JPGn: dropped
            continue
        out.append(segment)
        if marker == 0xE0 and len(out) == 2:
            exif_at = 2  # after JFIF's APP0, which comes first
        at = end
        if marker == 0xDA:  # a scan: its coded data runs to the next marker that is not a restart
            scan = at
            while True:
                at = data.index(b"\xff", at)
                following = data[at + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    at += 2
                elif following == 0xFF:
                    at += 1
                else:
                    break
            out.append(data[scan:at])
    if orientation != 1:
        exif = b"Exif\x00\x00" + orientation_exif(orientation)
        out.insert(exif_at, b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif)
    return b"".join(out)


def _png(data: bytes, orientation: int) -> bytes:
    signature = b"\x89PNG\r\n\x1a\n"
    if not data.startswith(signature):
        raise NotParsed("no PNG signature")
    out, at, parts = [signature], len(signature), 0
    while True:
        parts = _counted(parts + 1)
        length, kind = struct.unpack_from(">I4s", data, at)
        end = at + 12 + length
        if end > len(data):
            raise NotParsed(f"a chunk runs past the end at {at}")
        if kind == b"IDAT" and orientation != 1 and not any(c[4:8] == b"eXIf" for c in out[1:]):
            body = orientation_exif(orientation)
            crc = zlib.crc32(b"eXIf" + body)
            out.append(struct.pack(">I", len(body)) + b"eXIf" + body + struct.pack(">I", crc))
        if kind in _PNG_KEPT:
            out.append(data[at:end])
        at = end
        if kind == b"IEND":  # what follows the end goes
            return b"".join(out)


def _webp(data: bytes, orientation: int) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise NotParsed("no WebP header")
    (riff_size,) = struct.unpack_from("<I", data, 4)
    stop = min(8 + riff_size, len(data))
    chunks: list[tuple[bytes, bytearray]] = []
    at = 12
    while at + 8 <= stop:
        _counted(len(chunks) + 1)
        kind, size = struct.unpack_from("<4sI", data, at)
        end = at + 8 + size + (size & 1)
        if at + 8 + size > stop:
            raise NotParsed(f"a chunk runs past the end at {at}")
        chunks.append((kind, bytearray(data[at:end])))
        at = end
    kept = [(kind, chunk) for kind, chunk in chunks if kind in _WEBP_KEPT]
    extended = [chunk for kind, chunk in kept if kind == b"VP8X"]
    if extended:
        for flag in _WEBP_FLAGS.values():
            extended[0][8] &= ~flag & 0xFF
        if orientation != 1:
            body = orientation_exif(orientation)
            kept.append((b"EXIF", bytearray(b"EXIF" + struct.pack("<I", len(body)) + body + b"\x00" * (len(body) & 1))))
            extended[0][8] |= _WEBP_FLAGS[b"EXIF"]
    body = b"WEBP" + b"".join(bytes(chunk) for _, chunk in kept)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def tiff_headers(data: bytes, most: int = 16) -> list[bytes]:
    """Where an EXIF may start in a file this album cannot take apart (a HEIC): the bytes from each TIFF
    header on (its byte order and 42; its first IFD may start anywhere after it, not only at 8), at most
    `most` of them, for a reader of EXIF to look into."""
    found: list[bytes] = []
    for header in (b"MM\x00*", b"II*\x00"):
        at = data.find(header)
        while at != -1 and len(found) < most:
            found.append(data[at:])
            at = data.find(header, at + 1)
    return found
