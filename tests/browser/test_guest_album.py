"""A guest adding a photo to the trip's album, in a real browser: on the laptop, and on AWS (moto's S3)."""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import httpx
import pytest
from PIL import Image

from firstmate.adapters.aws.resources import create_resources
from tests.browser.conftest import FIRSTMATE, Server, serve_demo
from tests.conftest import photo
from tests.moto_server import CREDENTIALS, REGION, MotoServer

LIMIT_MB = 0.05  # a small limit, so a photo over it is small too
#: On AWS the album's form posts straight to the data bucket (moto's S3 here).
ON_S3 = {"FIRSTMATE_BLOBS": "s3", "FIRSTMATE_BUCKET": "fm-data", "FIRSTMATE_ARCHIVE_BUCKET": "fm-archive",
         "FIRSTMATE_AWS_REGION": REGION}  # fmt: skip


@pytest.fixture(scope="module", params=["laptop", pytest.param("aws", marks=pytest.mark.aws)])
def album_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A firstmate whose album takes photos up to LIMIT_MB: its photos on its own disk, or (aws) in S3."""
    if request.param == "laptop":
        yield from serve_demo(tmp_path_factory, FIRSTMATE_PHOTO_MAX_MB=str(LIMIT_MB))
        return
    moto: MotoServer = request.getfixturevalue("moto_server")
    moto.reset()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in moto.environ().items():
            patch.setenv(name, value)
        create_resources(REGION, table="fm-table", bucket=ON_S3["FIRSTMATE_BUCKET"],
                         archive_bucket=ON_S3["FIRSTMATE_ARCHIVE_BUCKET"])  # fmt: skip
    for server in serve_demo(tmp_path_factory, FIRSTMATE_PHOTO_MAX_MB=str(LIMIT_MB), **ON_S3, **moto.environ()):
        yield dataclasses.replace(server, storage=moto.url)


def _stored_uploads(server: Server) -> list[str]:
    """The keys of what guests' uploads left in storage, unchecked or in the album."""
    if server.storage is None:
        blobs = server.home / "blobs"
        return sorted(p.relative_to(blobs).as_posix() for folder in ("quarantine", "photos")
                      for p in (blobs / folder).rglob("*") if p.is_file())  # fmt: skip
    s3 = boto3.client("s3", endpoint_url=server.storage, region_name=REGION,
                      aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                      aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"])  # fmt: skip
    listed = s3.list_objects_v2(Bucket=ON_S3["FIRSTMATE_BUCKET"]).get("Contents", [])
    return sorted(str(o["Key"]) for o in listed if str(o["Key"]).startswith(("quarantine/", "photos/")))


def _trip_page(server: Server, reference: str) -> str:
    """A trip leaving in half an hour (its album open), booked through the API: its lead's page."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIRSTMATE_")}
    env["FIRSTMATE_HOME"] = str(server.home)
    made = subprocess.run([FIRSTMATE, "keys", "create", "--org", "demo", "--name", "album"], env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip
    start = (datetime.now(UTC) + timedelta(minutes=30)).replace(microsecond=0)
    body = {"source": "direct", "external_id": reference, "asset": "sea-lark", "start": start.isoformat(),
            "duration_hours": 2, "guest_count": 2, "currency": "USD", "gross_amount": "600.00",
            "lead_guest": {"name": "Robin Sample", "email": "robin@example.com"}}  # fmt: skip
    answer = httpx.post(f"{server.url}/api/v1/bookings", headers={"Authorization": f"Bearer {made.stdout.strip()}"},
                        json=body, timeout=30)  # fmt: skip
    assert answer.status_code == 201, answer.text
    return str(answer.json()["guest_page_url"])


def _jpeg(side: int) -> bytes:
    noisy = Image.effect_noise((side, side), 80).convert("RGB")  # noise does not compress: the size grows with side
    out = io.BytesIO()
    noisy.save(out, "JPEG", quality=95)
    return out.getvalue()


def test_a_photo_over_the_albums_limit_is_told_so_before_it_is_sent_and_a_smaller_one_goes_in(
    browser: Any, album_server: Server
) -> None:
    """On AWS a file over the upload form's limit was answered by S3's own XML page ("EntityTooLarge"), the guest
    left on the bucket's address; the page now says so before sending, in the words the laptop's server uses."""
    page = browser.new_page()
    page.goto(_trip_page(album_server, "ALBUM-1"))
    large, small = _jpeg(400), _jpeg(60)
    assert len(large) > LIMIT_MB * 1_000_000 > len(small)
    before, stored = page.url, _stored_uploads(album_server)
    page.set_input_files("#file", files=[{"name": "large.jpg", "mimeType": "image/jpeg", "buffer": large}])
    said = page.get_by_role("alert").filter(has_text="over 0.05 MB")
    said.wait_for()
    assert said.inner_text() == "That photo is over 0.05 MB, the most the album takes: add a smaller copy of it."
    page.get_by_role("button", name="Upload").click()
    page.wait_for_timeout(500)
    assert page.url == before and page.locator("img[alt^='Trip photo']").count() == 0  # nothing was sent
    assert _stored_uploads(album_server) == stored
    page.set_input_files("#file", files=[{"name": "small.jpg", "mimeType": "image/jpeg", "buffer": small}])
    assert not said.is_visible()
    page.get_by_role("button", name="Upload").click()
    page.locator("img[alt^='Trip photo']").first.wait_for()
    [added] = set(_stored_uploads(album_server)) - set(stored)
    assert added.startswith("photos/")  # checked and in the album, nothing left waiting
    page.close()


def test_a_file_that_is_not_a_photo_is_told_so_before_it_is_sent_in_the_words_of_the_check_after(
    browser: Any, album_server: Server
) -> None:
    """A known gap: a file declared as another type (a PDF) was refused by the laptop's form as "only image files
    can be uploaded here", and on AWS went up to S3 to be refused by the check after it as "not a photo": the page
    now says so before sending, in the check's words, on both; nothing goes to storage."""
    page = browser.new_page()
    page.goto(_trip_page(album_server, "ALBUM-2"))
    menu = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
    _refused_before_sending(page, album_server, "menu.pdf", "application/pdf", menu)
    page.close()


def _refused_before_sending(page: Any, album_server: Server, name: str, declared: str, content: bytes) -> Any:
    """Choose a file the album does not take: the page says so in the check's words, and Upload sends nothing.
    The alert, to see it go when a photo is chosen."""
    before, stored = page.url, _stored_uploads(album_server)
    page.set_input_files("#file", files=[{"name": name, "mimeType": declared, "buffer": content}])
    said = page.get_by_role("alert").filter(has_text="not a photo")
    said.wait_for(timeout=5000)
    assert said.inner_text() == (
        "That file is not a photo (JPEG, PNG, WebP or HEIC): add the photo as your phone or camera saved it."
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_timeout(500)
    assert page.url == before and _stored_uploads(album_server) == stored  # nothing was sent
    return said


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "navy").save(out, "GIF")
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.mark.parametrize(
    ("name", "declared", "content"),
    [pytest.param("wave.gif", "image/gif", _gif(), id="gif"), pytest.param("logo.svg", "image/svg+xml", SVG, id="svg")],
)
def test_an_image_of_a_type_the_album_does_not_take_is_told_so_before_it_is_sent(
    browser: Any, album_server: Server, name: str, declared: str, content: bytes
) -> None:
    """A known gap: a file the browser types `image/…` that the album does not take (a GIF, an SVG) passed the page's
    check, went up to storage, and was refused only by the check after it. The page now refuses, before sending, every
    type the check refuses, in the check's words (the types are the server's list); a PNG is still taken."""
    page = browser.new_page()
    page.goto(_trip_page(album_server, f"ALBUM-{declared.split('/')[1][:3].upper()}"))
    said = _refused_before_sending(page, album_server, name, declared, content)
    png = io.BytesIO()
    Image.new("RGB", (20, 20), "teal").save(png, "PNG")
    page.set_input_files("#file", files=[{"name": "deck.png", "mimeType": "image/png", "buffer": png.getvalue()}])
    assert not said.is_visible()
    page.get_by_role("button", name="Upload").click()
    page.locator("img[alt^='Trip photo']").first.wait_for()
    page.close()


@pytest.mark.parametrize(
    ("name", "declared", "kind"),
    [
        pytest.param("harbour.gif", "image/gif", "JPEG", id="jpeg-named-gif"),
        pytest.param("harbour.jpg", "image/x-citrix-jpeg", "JPEG", id="citrix-typed"),
        pytest.param("harbour.jpg", "image/jpeg", "WEBP", id="webp-named-jpg"),
        pytest.param("harbour", "", "PNG", id="png-untyped"),
    ],
)
def test_a_photo_named_or_typed_as_another_kind_is_not_refused_by_its_name(
    browser: Any, album_server: Server, name: str, declared: str, kind: str
) -> None:
    """The review of the page's list of types (2026-12-07): a real JPEG the browser typed otherwise (named `.gif`,
    or typed by a Windows system's own name of a JPEG, image/x-citrix-jpeg) was refused on the page as "not a
    photo", though the check after the upload takes it by its bytes: the guest could not share it at all. The page
    now reads the file's first bytes: one that begins as a photo is sent, and joins the album (a WebP named `.jpg`
    and a PNG with no name's end or type too, now that every file's bytes are judged)."""
    page = browser.new_page()
    page.goto(_trip_page(album_server, f"ALBUM-N{len(name)}{declared[-3:].upper()}{kind}"))
    stored = _stored_uploads(album_server)
    content = _jpeg(40) if kind == "JPEG" else photo(kind, (40, 30))
    page.set_input_files("#file", files=[{"name": name, "mimeType": declared, "buffer": content}])
    page.get_by_role("button", name="Upload").click()
    page.locator("img[alt^='Trip photo']").first.wait_for()
    ending = {"JPEG": ".jpg", "WEBP": ".webp", "PNG": ".png"}[kind]
    assert [k for k in set(_stored_uploads(album_server)) - set(stored) if k.endswith(ending)]
    page.close()


@pytest.mark.parametrize(
    ("name", "declared", "content"),
    [
        pytest.param("wave.jpg", "image/jpeg", _gif(), id="gif-named-jpg"),
        pytest.param("wave", "", _gif(), id="gif-untyped"),
        pytest.param("logo.png", "image/png", SVG, id="svg-named-png"),
        pytest.param("notes.heic", "image/heic", b"ftypheic is not where a HEIC has it", id="text-named-heic"),
        pytest.param("empty.jpg", "image/jpeg", b"", id="empty"),
        pytest.param("cut.png", "image/png", b"\x89PNG\r\n", id="six-bytes-of-a-png"),
        pytest.param("frame.webp", "image/webp", b"\x00" * 8 + b"WEBPVP8 ", id="webp-without-riff"),
    ],
)
def test_a_file_named_as_a_photo_whose_bytes_are_not_one_is_told_so_before_it_is_sent(
    browser: Any, album_server: Server, name: str, declared: str, content: bytes
) -> None:
    """A known gap: a GIF renamed `.jpg` (typed image/jpeg by its name) passed the page's check, went up to storage
    and was refused only by the check after it; a file with no type was sent whatever it held. The page now reads
    every file's first bytes before sending and refuses one that does not begin as a photo the check takes, in the
    check's words (its signatures are the server's list); nothing goes to storage, and a photo chosen next is sent."""
    page = browser.new_page()
    page.goto(_trip_page(album_server, f"ALBUM-B{len(name)}{len(content)}"))
    said = _refused_before_sending(page, album_server, name, declared, content)
    page.set_input_files("#file", files=[{"name": "deck.jpg", "mimeType": "image/jpeg", "buffer": _jpeg(40)}])
    page.get_by_role("button", name="Upload").click()
    page.locator("img[alt^='Trip photo']").first.wait_for()
    assert not said.is_visible()
    page.close()


#: The page's reads of a file's first bytes held until the test lets each go (`window.heldReads`), and counted as
#: they finish (`window.readsDone`): the order two reads finish in, chosen, not timed.
HELD_READS = """
(() => {
  const read = FileReader.prototype.readAsArrayBuffer;
  window.heldReads = []; window.readsDone = 0;
  FileReader.prototype.readAsArrayBuffer = function (blob) {
    this.addEventListener("loadend", () => { window.readsDone += 1; });
    window.heldReads.push(() => read.call(this, blob));
  };
})();
"""


def test_a_file_chosen_while_the_one_before_is_still_read_is_not_sent_on_the_first_ones_read(
    browser: Any, album_server: Server
) -> None:
    """Found in review: a guest who chose a photo, then (before its first bytes were read) a GIF renamed `.jpg`, and
    pressed Upload once the photo's read finished but not yet the GIF's, sent the GIF: the photo's read ended the
    wait for any read. A read of a file no longer chosen now says nothing: the GIF is refused before it is sent."""
    page = browser.new_page()
    page.add_init_script(HELD_READS)
    page.goto(_trip_page(album_server, "ALBUM-RACE"))
    before, stored = page.url, _stored_uploads(album_server)
    page.set_input_files("#file", files=[{"name": "deck.jpg", "mimeType": "image/jpeg", "buffer": _jpeg(40)}])
    page.set_input_files("#file", files=[{"name": "wave.jpg", "mimeType": "image/jpeg", "buffer": _gif()}])
    page.evaluate("window.heldReads[0]()")  # the photo's read finishes; the GIF's is still held
    page.wait_for_function("window.readsDone === 1")
    page.get_by_role("button", name="Upload").click()
    assert page.url == before
    page.evaluate("window.heldReads[1]()")
    said = page.get_by_role("alert").filter(has_text="not a photo")
    said.wait_for(timeout=5000)
    assert page.url == before and _stored_uploads(album_server) == stored  # nothing was sent
    page.close()
