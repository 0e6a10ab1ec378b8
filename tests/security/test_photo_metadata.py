"""A photo in the album shows its picture and nothing of where it was taken: a review found every photo served
with its EXIF intact, GPS among it, so any guest of the trip (or anyone with the album's link) learned where
each was taken, a guest's home among them, and with what phone."""

from __future__ import annotations

import io
import re
import struct

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from firstmate.bootstrap import App
from firstmate.domain.bookings import Booking
from firstmate.domain.photo_metadata import strip_metadata
from firstmate.web.app import create_app
from tests.conftest import heic_photo
from tests.security.test_uploads import _send, _stored, album  # noqa: F401 (album: the fixture)

GPS_IFD = 0x8825
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description exif:GPSLatitude="37,48.5N" dc:creator="Dana"/></x:xmpmeta>'
)


def _exif(orientation: int = 6) -> Image.Exif:
    """What a phone writes: the camera, the owner, the time, where (a home's coordinates) and how it was held."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x013B] = "Pixelphone", "Pixelphone 9 Pro", "Dana Whitcomb"
    exif[0x0112] = orientation
    exif[0x0132] = "2026:06:13 16:40:00"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (37.0, 48.0, 30.0), 3: "W", 4: (122.0, 25.0, 10.0)})
    return exif


def _picture(size: tuple[int, int] = (64, 48)) -> Image.Image:
    picture = Image.new("RGB", size, (30, 110, 160))
    picture.paste((240, 200, 40), (0, 0, size[0] // 2, size[1] // 3))  # not all one colour: a turn would show
    return picture


def _jpeg() -> bytes:
    out = io.BytesIO()
    _picture().save(out, "JPEG", exif=_exif(), xmp=XMP, quality=90)
    data = out.getvalue()
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0c\x1c\x02\x5a\x00\x06Oaklnd"  # IPTC: the city
    app13 = b"\xff\xed" + struct.pack(">H", len(iptc) + 2) + iptc
    motion = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 8 + b"\xa9xyz+37.8083-122.4194/"  # a video, with its place
    return data[:2] + app13 + data[2:] + motion


def _png() -> bytes:
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    text.add_text("Author", "Dana Whitcomb")
    out = io.BytesIO()
    _picture().save(out, "PNG", exif=_exif(), pnginfo=text)
    return out.getvalue()


def _webp() -> bytes:
    out = io.BytesIO()
    _picture().save(out, "WEBP", exif=_exif(), xmp=XMP, lossless=True)
    return out.getvalue()


def _shown(client: TestClient, code: str) -> bytes:
    [url] = set(re.findall(r'src="(/g/[^"]+/photos/[0-9a-f]+)"', client.get(f"/g/{code}").text))
    return client.get(url).content


@pytest.mark.parametrize(
    ("make", "content_type"),
    [pytest.param(_jpeg, "image/jpeg", id="jpeg"), pytest.param(_png, "image/png", id="png"),
     pytest.param(_webp, "image/webp", id="webp")],
)  # fmt: skip
def test_a_photo_is_shown_without_where_it_was_taken_nor_the_camera_and_still_upright(
    album: tuple[App, Booking],  # noqa: F811
    make: object,
    content_type: str,
) -> None:
    app, trip = album
    sent = make()  # type: ignore[operator]
    with TestClient(create_app(app)) as client:
        assert _send(client, trip.guest_code, sent, content_type) == (303, 303)
        shown = _shown(client, trip.guest_code)
    for secret in (b"Pixelphone", b"Dana", b"GPSLatitude", b"Oaklnd", b"+37.8083", b"xmpmeta", b"2026:06:13"):
        assert secret not in shown, secret
    with Image.open(io.BytesIO(shown)) as image, Image.open(io.BytesIO(sent)) as original:
        exif = image.getexif()
        assert dict(exif) == {0x0112: 6} and not exif.get_ifd(GPS_IFD)  # upright: turned as the phone said
        assert image.convert("RGB").tobytes() == original.convert("RGB").tobytes()  # the picture as it was sent
        assert not {k for k in image.info if k in ("xmp", "XML:com.adobe.xmp", "Author", "photoshop")}


def test_the_same_photo_sent_again_is_known_though_the_album_keeps_it_without_its_metadata(
    album: tuple[App, Booking],  # noqa: F811
) -> None:
    app, trip = album
    with TestClient(create_app(app)) as client:
        assert _send(client, trip.guest_code, _jpeg(), "image/jpeg") == (303, 303)
        assert _send(client, trip.guest_code, _jpeg(), "image/jpeg") == (303, 409)
    assert len([k for k in _stored(app) if k.startswith("photos/")]) == 1


def _heic_with(exif: bytes) -> bytes:
    """A HEIC whose data holds an EXIF item (as an iPhone's does: its offset, then "Exif", then the TIFF)."""
    whole = heic_photo()
    mdat = whole.rindex(b"mdat") - 4
    body = struct.pack(">I", 6) + exif + b"\x00" * 64
    return whole[:mdat] + struct.pack(">I", 8 + len(body)) + b"mdat" + body


def test_a_heic_that_says_where_it_was_taken_is_refused_saying_what_to_add_instead(
    album: tuple[App, Booking],  # noqa: F811
) -> None:
    """The album cannot take a HEIC apart (it has no HEIC decoder, and takes no new dependency for one), so it
    cannot show one without its location: it refuses it, as a guest would rather be asked than have their
    home shown; a HEIC that names no place is kept as it is."""
    app, trip = album
    located = _heic_with(_exif().tobytes())
    with TestClient(create_app(app)) as client:
        fields = {"file": ("IMG_0001.HEIC", located, "image/heic")}
        from tests.security.test_uploads import _form

        sent = client.post("/uploads", data=_form(client, trip.guest_code), files=fields)
        [said] = re.findall(r'role="alert">([^<]*)<', sent.text)
        assert sent.status_code == 422 and said.startswith("that HEIC photo carries the place where it was taken")
        assert "add it as a JPEG" in said
        unlocated = Image.Exif()
        unlocated[0x0112] = 6
        assert _send(client, trip.guest_code, _heic_with(unlocated.tobytes()), "image/heic") == (303, 303)
    assert [k for k in _stored(app) if k.startswith("quarantine/")] == []


def test_stripping_a_phone_sized_photo_cuts_its_segments_and_decodes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 12-megapixel JPEG of ~4 MB loses its metadata by cutting segments, with nothing decoded: its pixels'
    bytes pass through as they were (how long it takes is the benchmarks' business, not a test's)."""
    out = io.BytesIO()
    noise = Image.effect_noise((4032, 3024), 64).convert("RGB")
    noise.save(out, "JPEG", exif=_exif(), quality=92)
    data = out.getvalue()
    monkeypatch.setattr(Image, "open", _decoding_refused)
    shown = strip_metadata(data, "image/jpeg", 6)
    scan = data.index(b"\xff\xda")  # the start of the pixels' scan: everything from it is kept byte for byte
    assert b"Pixelphone" not in shown and shown.endswith(data[scan:])


def _decoding_refused(*args: object, **kwargs: object) -> None:
    raise AssertionError("the file was handed to the decoder")


def test_photos_stored_before_are_stripped_by_a_command_and_a_located_heic_is_named(
    album: tuple[App, Booking],  # noqa: F811
) -> None:
    """The photos albums took before the fix keep their GPS until `firstmate photos strip` takes it out; a HEIC
    that says where it was taken cannot be, and is named for the operator to remove."""
    from typer.testing import CliRunner

    from firstmate.cli import cli

    app, trip = album
    with TestClient(create_app(app)) as client:
        assert _send(client, trip.guest_code, _jpeg(), "image/jpeg") == (303, 303)
        [key] = [k for k in _stored(app) if k.startswith("photos/")]
        app.blobs.put(key, _jpeg(), "image/jpeg")  # as the album stored it before: GPS and all
        located = f"photos/demo/{trip.id}/0123456789abcdef.heic"
        app.blobs.put(located, _heic_with(_exif().tobytes()), "image/heic")
        assert b"Pixelphone" in _shown(client, trip.guest_code)
        home = {"FIRSTMATE_HOME": str(app.settings.home), "COLUMNS": "300"}
        ran = CliRunner().invoke(cli, ["photos", "strip", "--org", "demo"], env=home)
        assert ran.exit_code == 0, ran.output
        assert "1 photo(s) of demo's albums stripped of their metadata" in ran.output
        assert f"{located}: a HEIC that says where it was taken" in ran.output
        shown = _shown(client, trip.guest_code)
        assert (
            b"Pixelphone" not in shown
            and b"GPS" not in shown
            and dict(Image.open(io.BytesIO(shown)).getexif()) == {0x0112: 6}
        )
        again = CliRunner().invoke(cli, ["photos", "strip", "--org", "demo"], env=home)
        assert "0 photo(s) of demo's albums stripped of their metadata, 1 had none" in again.output


def test_a_located_heic_the_albums_took_before_is_taken_out_of_its_album_by_the_command(
    album: tuple[App, Booking],  # noqa: F811
) -> None:
    """A review: `photos strip` named a HEIC saying where it was taken "for the operator to remove", and nothing
    removed one: the file taken out by hand left the album listing a photo that showed broken to every guest,
    holding one of the album's places. `--remove-located-heic` takes it out of its album, record and file."""
    from typer.testing import CliRunner

    from firstmate.cli import cli

    app, trip = album
    with TestClient(create_app(app)) as client:
        assert _send(client, trip.guest_code, _heic_with(b"no place"), "image/heic", "p.heic") == (303, 303)
        [key] = [k for k in _stored(app) if k.startswith("photos/")]
        app.blobs.put(key, _heic_with(_exif().tobytes()), "image/heic")  # as the album kept it before: its GPS
        page = client.get(f"/g/{trip.guest_code}").text
        [url] = set(re.findall(r'src="(/g/[^"]+/photos/[0-9a-f]+)"', page))
        home = {"FIRSTMATE_HOME": str(app.settings.home), "COLUMNS": "300"}
        ran = CliRunner().invoke(cli, ["photos", "strip", "--org", "demo", "--remove-located-heic"], env=home)
        assert ran.exit_code == 0, ran.output
        assert f"{key}: a HEIC that said where it was taken, taken out of its album" in ran.output
        assert url not in client.get(f"/g/{trip.guest_code}").text and client.get(url).status_code == 404
        assert not [k for k in _stored(app) if k.startswith("photos/")]
        again = CliRunner().invoke(cli, ["photos", "strip", "--org", "demo"], env=home)
        assert "Nothing left that says where a photo was taken." in again.output


def test_a_located_heic_whose_file_storage_refuses_to_delete_leaves_its_album_and_the_sweep_deletes_it(
    album: tuple[App, Booking],  # noqa: F811
) -> None:
    """Found by a review of the album-file sweep: `photos strip --remove-located-heic` took the record out, then
    stopped with storage's refusal of the file, which no record named and nothing ever deleted: a photo saying where
    it was taken stayed in storage for good. The command goes on, and the hourly sweep deletes the file."""
    import dataclasses

    from firstmate.jobs.sweeps import sweep_expired
    from firstmate.services.photos import strip_stored_photos
    from tests.web.test_photo_missing import Deleting

    app, trip = album
    with TestClient(create_app(app)) as client:
        assert _send(client, trip.guest_code, _heic_with(b"no place"), "image/heic", "p.heic") == (303, 303)
        [key] = [k for k in _stored(app) if k.startswith("photos/")]
        app.blobs.put(key, _heic_with(_exif().tobytes()), "image/heic")  # as the album kept it before: its GPS
        [url] = set(re.findall(r'src="(/g/[^"]+/photos/[0-9a-f]+)"', client.get(f"/g/{trip.guest_code}").text))
        refusing = dataclasses.replace(app, blobs=Deleting(app.blobs, refuse=True))
        assert strip_stored_photos(refusing, "demo", remove_located_heic=True).removed == [key]
        assert client.get(url).status_code == 404 and key in _stored(app)  # out of the album; storage refused
        assert "1 leftover album file deleted (no photo names it)" in sweep_expired(app, app.clock.now())
        assert not [k for k in _stored(app) if k.startswith("photos/")]


@pytest.mark.parametrize("storage", ["deleting", "refusing"])
def test_a_photo_removed_while_photos_strip_rewrites_it_leaves_no_file_behind(
    album: tuple[App, Booking],  # noqa: F811
    storage: str,
) -> None:
    """A known gap: `photos strip` read a photo, and its lead removed it (record, then file) before the strip wrote
    it back: the stripped file stayed in storage, named by no record and by nothing the sweep reads, for good. The
    strip now deletes what it wrote when the photo's record has gone meanwhile (storage refusing, the hourly sweep
    deletes it); a photo still listed is stripped."""
    import dataclasses
    from typing import Any

    from firstmate.jobs.sweeps import sweep_expired
    from firstmate.ports import Blobs
    from firstmate.services.photo_removal import remove_photo
    from firstmate.services.photos import strip_stored_photos
    from tests.web.test_photo_missing import Deleting

    app, trip = album
    with TestClient(create_app(app)) as client:
        for tail in (b"1", b"2"):  # two photos: the same file twice is refused
            assert _send(client, trip.guest_code, _jpeg() + tail, "image/jpeg") == (303, 303)
        removed, kept = sorted(k for k in _stored(app) if k.startswith("photos/"))
        for key in (removed, kept):
            app.blobs.put(key, _jpeg(), "image/jpeg")  # as the album stored them before: GPS and all
        kept_url = f"/g/{trip.guest_code}/photos/{kept.rsplit('/', 1)[1].split('.')[0]}"

        class RemovedAsRead:
            """The app's storage, the lead removing `removed` just after the strip has read it."""

            def __init__(self, blobs: Blobs) -> None:
                self._blobs = blobs

            def __getattr__(self, name: str) -> Any:
                return getattr(self._blobs, name)

            def get(self, key: str) -> bytes:
                data = self._blobs.get(key)
                if key == removed:
                    photo_id = key.rsplit("/", 1)[1].split(".")[0]
                    assert remove_photo(app, "demo", trip.id, photo_id, by="lead") is not None
                return data

        strip_with = RemovedAsRead(Deleting(app.blobs, refuse=storage == "refusing"))
        done = strip_stored_photos(dataclasses.replace(app, blobs=strip_with), "demo")  # type: ignore[arg-type]
        if storage == "refusing":
            assert "1 leftover album file deleted (no photo names it)" in sweep_expired(app, app.clock.now())
        assert [k for k in _stored(app) if k.startswith("photos/")] == [kept]  # the removed photo's file is gone
        assert done.stripped == 1 and "leftover" not in sweep_expired(app, app.clock.now())
        assert b"Pixelphone" not in client.get(kept_url).content


def test_a_photo_whose_record_went_before_photos_strip_read_it_is_not_written_back_after_its_file_went(
    album: tuple[App, Booking],  # noqa: F811
) -> None:
    """The review of the strip race (2026-12-07): the lead's removal took the photo's record before the strip looked
    for it, and its file between the strip's read and its write. The strip, finding no record, wrote the file back
    without looking again: named by nothing (the removal had forgotten it), kept for good. A photo whose record is
    gone and whose file a removal names is now left to the removal; the other photo is stripped."""
    import dataclasses
    import threading
    from typing import Any

    from firstmate.ports import Blobs
    from firstmate.services.photo_removal import remove_photo
    from firstmate.services.photos import strip_stored_photos
    from tests.web.test_photo_missing import Deleting

    app, trip = album
    with TestClient(create_app(app)) as client:
        for tail in (b"1", b"2"):
            assert _send(client, trip.guest_code, _jpeg() + tail, "image/jpeg") == (303, 303)
        removed, kept = sorted(k for k in _stored(app) if k.startswith("photos/"))
        for key in (removed, kept):
            app.blobs.put(key, _jpeg(), "image/jpeg")  # as the album stored them before: GPS and all
    record_gone, strip_read = threading.Event(), threading.Event()

    def file_about_to_go(key: str) -> None:  # the removal, its record gone, waits for the strip's read
        if not record_gone.is_set():
            record_gone.set()
            assert strip_read.wait(30)

    removal_blobs = Deleting(app.blobs, file_about_to_go)
    lead = threading.Thread(
        target=lambda: remove_photo(
            dataclasses.replace(app, blobs=removal_blobs),  # type: ignore[arg-type]
            "demo",
            trip.id,
            removed.rsplit("/", 1)[1].split(".")[0],
            by="lead",
        )
    )

    class RemovedAround:
        """The app's storage, the lead's removal taking the record as the strip lists, the file after it reads."""

        def __init__(self, blobs: Blobs) -> None:
            self._blobs = blobs

        def __getattr__(self, name: str) -> Any:
            return getattr(self._blobs, name)

        def list(self, prefix: str = "") -> Any:
            found = self._blobs.list(prefix)
            lead.start()
            assert record_gone.wait(30)
            return found

        def get(self, key: str) -> bytes:
            data = self._blobs.get(key)
            if key == removed:
                strip_read.set()
                lead.join(30)
            return data

    done = strip_stored_photos(dataclasses.replace(app, blobs=RemovedAround(app.blobs)), "demo")  # type: ignore[arg-type]
    strip_read.set()  # a strip that left the file alone: the removal goes on
    lead.join(30)
    assert not lead.is_alive() and done.stripped == 1
    assert [k for k in _stored(app) if k.startswith("photos/")] == [kept]  # the removed photo's file stays gone
    assert b"Pixelphone" not in app.blobs.get(kept)


def _png_with_chunk(kind: bytes, body: bytes) -> bytes:
    """A PNG carrying `kind` before its pixels, as C2PA's content credentials (caBX) or an old writer's exIf do."""
    import zlib

    out = io.BytesIO()
    _picture().save(out, "PNG")
    data = out.getvalue()
    at = data.index(b"IDAT") - 4
    chunk = struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return data[:at] + chunk + data[at:]


def _webp_with_chunk(kind: bytes, body: bytes) -> bytes:
    """A WebP carrying `kind` after its picture, as C2PA's content credentials (C2PA) do."""
    out = io.BytesIO()
    _picture().save(out, "WEBP", lossless=True)
    data = out.getvalue()
    chunk = kind + struct.pack("<I", len(body)) + body + b"\x00" * (len(body) & 1)
    return b"RIFF" + struct.pack("<I", len(data) - 8 + len(chunk)) + data[8:] + chunk


def _jpeg_with_app0(body: bytes) -> bytes:
    out = io.BytesIO()
    _picture().save(out, "JPEG")
    data = out.getvalue()
    return data[:2] + b"\xff\xe0" + struct.pack(">H", len(body) + 2) + body + data[2:]


PLACE = b"GPSLatitude 37.8083 GPSLongitude -122.4194 Pixelphone 9 Pro"


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        pytest.param(lambda: _png_with_chunk(b"caBX", PLACE), "image/png", id="png-c2pa-caBX"),
        pytest.param(lambda: _png_with_chunk(b"exIf", _exif().tobytes()), "image/png", id="png-old-exIf"),
        pytest.param(lambda: _png_with_chunk(b"gpSx", PLACE), "image/png", id="png-private-chunk"),
        pytest.param(lambda: _webp_with_chunk(b"C2PA", PLACE), "image/webp", id="webp-c2pa"),
        pytest.param(lambda: _webp_with_chunk(b"GPS ", PLACE), "image/webp", id="webp-unknown-chunk"),
        pytest.param(lambda: _jpeg_with_app0(b"XMPX\x00" + PLACE), "image/jpeg", id="jpeg-app0-not-jfif"),
    ],
)
def test_metadata_in_a_chunk_or_segment_the_album_does_not_know_is_not_shown(make: object, content_type: str) -> None:
    """What the album keeps of a file is what draws its picture, not all but what it knows to be metadata: a
    PNG's or WebP's chunk of another name (C2PA's content credentials, which can carry where a photo was taken;
    an old writer's exIf; a maker's own), or an APP0 segment that is not JFIF's, was kept, GPS and all."""
    from firstmate.services.photos import without_metadata

    sent = make()  # type: ignore[operator]
    shown = without_metadata(sent, content_type)
    assert b"GPSLatitude" not in shown and b"Pixelphone" not in shown
    with Image.open(io.BytesIO(shown)) as image, Image.open(io.BytesIO(sent)) as original:
        assert image.convert("RGB").tobytes() == original.convert("RGB").tobytes()


def _tiff_at(offset: int) -> bytes:
    """An EXIF whose first IFD starts `offset` bytes into it (TIFF lets it start anywhere; 8 is only the usual
    place), holding a GPS IFD with a latitude."""
    gps = offset + 2 + 12 + 4
    rational = gps + 2 + 2 * 12 + 4
    header = b"MM\x00*" + struct.pack(">I", offset) + b"\x00" * (offset - 8)
    first = struct.pack(">H", 1) + struct.pack(">HHII", GPS_IFD, 4, 1, gps) + struct.pack(">I", 0)
    latitude = struct.pack(">HHI", 1, 2, 2) + b"N\x00\x00\x00" + struct.pack(">HHII", 2, 5, 3, rational)
    return (
        b"Exif\x00\x00"
        + header
        + first
        + struct.pack(">H", 2)
        + latitude
        + struct.pack(">I", 0)
        + struct.pack(">6I", 37, 1, 48, 1, 30, 1)
    )


@pytest.mark.parametrize(
    "exif",
    [
        pytest.param(_tiff_at(10), id="exif-first-ifd-at-10"),
        pytest.param(_tiff_at(32), id="exif-first-ifd-at-32"),
        pytest.param(XMP.decode().encode("utf-16"), id="xmp-utf-16"),
        pytest.param(XMP.decode().encode("utf-16-be"), id="xmp-utf-16-be"),
    ],
)
def test_a_heic_says_where_it_was_taken_wherever_its_exif_starts_and_however_its_xmp_is_written(
    album: tuple[App, Booking],  # noqa: F811
    exif: bytes,
) -> None:
    """A HEIC's EXIF was looked for only where its first IFD follows the TIFF header (offset 8), and its XMP only
    as UTF-8: one whose IFD starts elsewhere, or whose XMP is UTF-16 (both allowed), joined the album GPS and all."""
    app, trip = album
    with TestClient(create_app(app)) as client:
        assert _send(client, trip.guest_code, _heic_with(exif), "image/heic") == (303, 422)
    assert [k for k in _stored(app) if not k.startswith("waivers/")] == []


def _jpeg_of_parts(segment: bytes, count: int) -> bytes:
    out = io.BytesIO()
    _picture((8, 8)).save(out, "JPEG")
    data = out.getvalue()
    return data[:2] + segment * count + data[2:]


def _png_of_parts(kind: bytes, count: int) -> bytes:
    import zlib

    out = io.BytesIO()
    _picture((8, 8)).save(out, "PNG")
    data = out.getvalue()
    at = data.index(b"IDAT") - 4
    return data[:at] + (struct.pack(">I", 0) + kind + struct.pack(">I", zlib.crc32(kind))) * count + data[at:]


def _webp_of_parts(count: int) -> bytes:
    out = io.BytesIO()
    _picture((8, 8)).save(out, "WEBP", lossless=True)
    body = out.getvalue()[12:] + (b"JUNK" + struct.pack("<I", 0)) * count
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        pytest.param(lambda: _jpeg_of_parts(b"\xff\xfe\x00\x02", 200_000), "image/jpeg", id="jpeg-200k-comments"),
        pytest.param(lambda: _jpeg_of_parts(b"\xff\xe1\x00\x02", 200_000), "image/jpeg", id="jpeg-200k-app1"),
        pytest.param(lambda: _png_of_parts(b"tEXt", 200_000), "image/png", id="png-200k-text-chunks"),
        pytest.param(lambda: _png_of_parts(b"IDAT", 200_000), "image/png", id="png-200k-empty-idat"),
        pytest.param(lambda: _webp_of_parts(200_000), "image/webp", id="webp-200k-chunks"),
    ],
)
def test_a_file_of_more_parts_than_any_photo_is_refused_before_it_is_decoded(
    make: object, content_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A photo is a few dozen segments or chunks (a large PNG some thousands): a file of 15 MB made of millions of
    empty ones, which the decoder and the cutting of metadata both walk one by one, took 5 to 9 s of the server's
    time to check (a minute under a 100 MB limit), and was taken. It is refused, read no further than the most
    parts a photo has (100,000)."""
    from firstmate.domain import photo_metadata
    from firstmate.errors import InvalidInput
    from firstmate.services.photos import without_metadata

    sent = make()  # type: ignore[operator]
    counted: list[int] = []
    count = photo_metadata._counted
    monkeypatch.setattr(photo_metadata, "_counted", lambda parts: counted.append(parts) or count(parts))
    monkeypatch.setattr(Image, "open", _decoding_refused)
    with pytest.raises(InvalidInput, match="more parts than any photo"):
        without_metadata(sent, content_type)
    assert len(counted) == photo_metadata.MOST_PARTS + 1  # read no further than one part past the most a photo has
