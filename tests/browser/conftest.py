"""Real Chromium (Debian's package, driven by Playwright) against a real `firstmate serve`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.smtp_server import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FIRSTMATE = Path(sys.executable).with_name("firstmate")
SCREENSHOTS = Path(__file__).parents[2] / "test-output" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


@dataclass
class Server:
    """A running firstmate with the demo business loaded."""

    url: str
    home: Path
    storage: str | None = None  # the S3 endpoint its photos go to, when not its own disk


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serve_demo(tmp_path_factory)


def serve_demo(tmp_path_factory: pytest.TempPathFactory, **settings: str) -> Iterator[Server]:
    """`firstmate serve` on a home holding the demo, with these FIRSTMATE_* `settings` besides; stopped after."""
    home = tmp_path_factory.mktemp("browser") / "home"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIRSTMATE_")}
    env.update(
        FIRSTMATE_HOME=str(home), FIRSTMATE_BASE_URL=f"http://127.0.0.1:{port}", FIRSTMATE_DISPATCH_INTERVAL_S="0.2"
    )
    env.update(settings)
    demo = subprocess.run(
        [FIRSTMATE, "demo", "--no-serve", "--out", str(home.parent / "out")], env=env, capture_output=True, text=True
    )
    assert demo.returncode == 0, demo.stderr
    process = subprocess.Popen(
        [FIRSTMATE, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{url}/healthz", timeout=2)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "firstmate serve did not start"
            time.sleep(0.2)
    yield Server(url=url, home=home)
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: 'make test' installs it (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed: run 'make test' (it installs it) or apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def screenshot(page: Any, name: str) -> None:
    """Keep a picture of a key page in test-output/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
