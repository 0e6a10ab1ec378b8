"""Kept crew pages under load: 8 browsers reopen a trip page, or poll the trip as JSON as an open
page does, against a real `firstmate serve` while the roster keeps changing, from the server's own
API and from another process, now back to back (pages being built as a change commits) and now apart
(pages kept between changes). A page opened after a change has been committed always shows it; a
page opened while one is being made shows the roster before or after it, never anything else.
(Reading the store's change marker after the page's reads instead of before them makes this fail
with about a hundred stale pages.)"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from firstmate.bootstrap import build
from firstmate.config import load_settings
from firstmate.domain.bookings import BookingRequest
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.people import get_person
from firstmate.services.roster import claim_role, release_role
from tests.conftest import booking_body, crew_link
from tests.load.conftest import ORG, prepare_home, serving

CHANGES = 120  # roster changes, half of them through the API, half from this (another) process
BROWSERS = 8
READERS = ("jonah", "marisol")  # a crew member and an admin; Theo's role is the one that changes


@dataclass
class Reads:
    """Every page a browser opened: (opened at, answered at, shows Theo on the roster)."""

    seen: list[tuple[float, float, bool]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, opened: float, answered: float, shows_theo: bool) -> None:
        with self.lock:
            self.seen.append((opened, answered, shows_theo))


def _sign_in(url: str, app: object, person_id: str) -> str:
    link = crew_link(app, ORG, person_id)  # type: ignore[arg-type, attr-defined]
    answer = httpx.post(f"{url}/crew/enter", data={"t": link.split("t=", 1)[1]}, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:300]
    return str(answer.cookies["fm_crew"])


def _browse(url: str, path: str, cookie: str, reads: Reads, stop: threading.Event) -> int:
    opened_pages = 0
    with httpx.Client(base_url=url, cookies={"fm_crew": cookie}, timeout=30) as browser:
        while not stop.is_set():
            opened = time.monotonic()
            page = browser.get(path)
            answered = time.monotonic()
            assert page.status_code == 200, page.text[:300]
            reads.add(opened, answered, _shows_theo(path, page))
            opened_pages += 1
    return opened_pages


def _shows_theo(path: str, answer: httpx.Response) -> bool:
    if path.startswith("/api/"):  # the trip as JSON, as an open trip page polls it
        return any(slot["first_name"] == "Theo" for slot in answer.json()["roster"])
    return ">Theo<" in answer.text


@pytest.mark.slow
def test_pages_opened_after_a_change_show_it_while_eight_browsers_reopen_them(tmp_path: Path) -> None:
    home = tmp_path / "home"
    key = prepare_home(home)
    app = build(load_settings(home=home))
    start = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0).isoformat()
    body = booking_body(external_id="KEPT-1", start=start)
    event_id = orchestrate_booking(app, ORG, BookingRequest.model_validate(body)).booking.event_id
    path = f"/crew/events/{event_id}"
    theo = get_person(app.store, ORG, "theo")
    env = {"FIRSTMATE_HOME": str(home), "FIRSTMATE_LOG_LEVEL": "warning"}
    reads, stop, rng = Reads(), threading.Event(), random.Random(8)
    changes: list[tuple[float, float, bool]] = []  # (begun, committed, Theo holds crew_1 after it)
    with serving(home, env) as served, ThreadPoolExecutor(BROWSERS) as pool:
        cookies = [_sign_in(served.url, app, READERS[n % len(READERS)]) for n in range(BROWSERS)]
        paths = [path, f"/api/v1/events/{event_id}"]  # half open the page, half poll its JSON
        browsers = [pool.submit(_browse, served.url, paths[n // 2 % 2], c, reads, stop) for n, c in enumerate(cookies)]
        api = httpx.Client(
            base_url=served.url, headers={"Authorization": f"Bearer {key}", "X-Acting-For": "theo"}, timeout=30
        )
        try:
            for n in range(CHANGES):
                time.sleep(rng.choice((0, 0.005, 0.05)))  # changes back to back (pages being built) or apart (kept)
                holds = n % 2 == 0
                begun = time.monotonic()
                if n % 4 < 2:  # through the server
                    verb = "claim" if holds else "release"
                    assert api.post(f"/api/v1/events/{event_id}/roles/crew_1/{verb}").status_code == 200
                elif holds:  # from another process: this one, with its own connection
                    claim_role(app, ORG, event_id, "crew_1", "theo")
                else:
                    release_role(app, ORG, event_id, "crew_1", "theo", theo)
                changes.append((begun, time.monotonic(), holds))
            time.sleep(0.2)
        finally:
            stop.set()
            api.close()
            opened = [b.result() for b in browsers]
    app.close()

    assert sum(opened) >= 4 * CHANGES  # the browsers kept reopening throughout
    stale, torn = [], []
    for opened_at, answered_at, shows in reads.seen:
        before = [c for c in changes if c[1] < opened_at]  # committed before the page was asked for
        during = [c for c in changes if c[0] < answered_at and c[1] >= opened_at]
        allowed = {before[-1][2] if before else False, *(c[2] for c in during)}
        if shows not in allowed:
            (torn if during else stale).append((opened_at, shows))
    print(f"\nkept pages and answers: {len(reads.seen)} opened by {BROWSERS} browsers across {CHANGES} roster changes")
    assert stale == [] and torn == [], f"{len(stale)} stale and {len(torn)} impossible pages of {len(reads.seen)}"
