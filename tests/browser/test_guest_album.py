"""A guest adding a photo to the trip's album, in a real browser."""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.browser.conftest import FIRSTMATE, Server, serve_demo

LIMIT_MB = 0.05  # a small limit, so a photo over it is small too


@pytest.fixture(scope="module")
def album_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serve_demo(tmp_path_factory, FIRSTMATE_PHOTO_MAX_MB=str(LIMIT_MB))


def _trip_page(server: Server) -> str:
    """A trip leaving in half an hour (its album open), booked through the API: its lead's page."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIRSTMATE_")}
    env["FIRSTMATE_HOME"] = str(server.home)
    made = subprocess.run([FIRSTMATE, "keys", "create", "--org", "demo", "--name", "album"], env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip
    start = (datetime.now(UTC) + timedelta(minutes=30)).replace(microsecond=0)
    body = {"source": "direct", "external_id": "ALBUM-1", "asset": "sea-lark", "start": start.isoformat(),
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
    page.goto(_trip_page(album_server))
    large, small = _jpeg(400), _jpeg(60)
    assert len(large) > LIMIT_MB * 1_000_000 > len(small)
    before = page.url
    page.set_input_files("#file", files=[{"name": "large.jpg", "mimeType": "image/jpeg", "buffer": large}])
    said = page.get_by_role("alert").filter(has_text="over 0.05 MB")
    said.wait_for()
    assert said.inner_text() == "That photo is over 0.05 MB, the most the album takes: add a smaller copy of it."
    page.get_by_role("button", name="Upload").click()
    page.wait_for_timeout(500)
    assert page.url == before and page.locator("img[alt^='Trip photo']").count() == 0  # nothing was sent
    page.set_input_files("#file", files=[{"name": "small.jpg", "mimeType": "image/jpeg", "buffer": small}])
    assert not said.is_visible()
    page.get_by_role("button", name="Upload").click()
    page.locator("img[alt^='Trip photo']").first.wait_for()
    page.close()
