"""A crew member's morning, in a real browser: email → Continue → captain → checklist → timing."""

from __future__ import annotations

import email
import re
import time
from email import policy
from typing import Any

from tests.browser.conftest import Server, screenshot
from tests.conftest import shows_gross

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _link_from_outbox(server: Server, to: str, after: float) -> str:
    """Wait for the sign-in mail the server's dispatcher writes, and take the link out of it."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for path in sorted((server.home / "outbox").glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
            if path.stat().st_mtime < after:
                continue
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"] == to and "sign-in link" in str(message["Subject"]):
                body = message.get_body(preferencelist=("plain",))
                assert body is not None
                match = re.search(r"(http://\S+/crew/enter\?t=\S+)", body.get_content())
                assert match is not None
                return match.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no sign-in mail for {to}")


def _sign_in(browser: Any, server: Server, address: str, name: str) -> Any:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{server.url}/crew/login")
    page.get_by_label("Email").fill(address)
    asked = time.time() - 1
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    page.goto(_link_from_outbox(server, address, asked))
    page.get_by_role("heading", name="Continue to your trips").wait_for()
    screenshot(page, f"{name}-continue")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{server.url}/crew")
    assert "t=" not in page.url
    return page


def test_request_link_continue_claim_captain_tick_checklist_see_timing(browser: Any, server: Server) -> None:
    jonah = _sign_in(browser, server, "jonah@example.com", "jonah")
    marisol = _sign_in(browser, server, "marisol@example.com", "marisol")
    screenshot(jonah, "my-trips")

    jonah.get_by_role("link", name=re.compile("Morning Tern")).first.click()
    event_url = jonah.url
    marisol.goto(event_url)  # both look at the same open trip
    jonah.get_by_role("button", name="I'll be captain").click()
    jonah.wait_for_url(event_url)
    roster = jonah.locator("#roster")
    assert "Jonah" in roster.inner_text()

    # the second person presses the same button a moment later: a clear refusal, nothing changed
    marisol.get_by_role("button", name="I'll be captain").click()
    alert = marisol.get_by_role("alert")
    assert "captain is already taken by Jonah" in alert.inner_text()
    screenshot(marisol, "second-claim-refused")

    for _ in range(3):  # the three pre-departure items
        jonah.locator("section[aria-labelledby=checklist-h] li form button", has_text="Done").first.click()
        jonah.wait_for_url(event_url)
    pre = jonah.locator("h3.phase", has_text="Pre-departure")
    assert "3/3" in pre.inner_text()
    assert jonah.locator("li", has_text="Both fuel tanks checked").locator(".done").count() == 1

    timing = jonah.locator("section.timing").inner_text()
    # the live countdown (crew.js) speaks as the server does and keeps the clock time, with its day when not today
    due = r"Departure checklist due in (\d+ days|\d+ h( \d+ min)?|\d+ min) \((\w{3} \d{1,2} \w{3}, )?\d\d:\d\d\)"
    assert re.search(due, timing), timing
    assert re.search(r"Sunset \d\d:\d\d, return by \d\d:\d\d", timing)
    assert not shows_gross(jonah.content(), "1150")
    screenshot(jonah, "event-captain-checklist")
