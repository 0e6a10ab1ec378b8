"""Double bookings under load: 240 bookings from 16 concurrent clients against a real `firstmate
serve`, every one on a boat already booked for part of its time by exactly one other. What is
promised, and checked: the check runs after the write, so of each pair the one recorded second
names the other in its answer, even when both were sent at the same moment; every answer sent after
a partner was recorded names it; once the load is over, reading any booking names its partner and
nothing else; and the operations manager got exactly one "Double booked!" message per pair."""

from __future__ import annotations

import queue
import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from firstmate.bootstrap import build
from firstmate.config import load_settings
from firstmate.domain.timing import span
from firstmate.services import outbox
from tests.conftest import firstmate_env
from tests.load.conftest import ORG, prepare_home, serving

BOOKINGS = 240
CLIENTS = 16
BOATS = ("sea-lark", "morning-tern")
BOAT_NAMES = ("Sea Lark (38 ft sloop)", "Morning Tern (45 ft catamaran)")
ZONE = "America/Los_Angeles"  # the demo business's
FIRST_DEPARTURE = (datetime.now(UTC) + timedelta(days=30)).replace(hour=15, minute=0, second=0, microsecond=0)


def _body(n: int) -> dict[str, Any]:
    """Four bookings every four hours: on each boat one at the hour and one half an hour later, three
    hours each, so each booking shares its boat with exactly one other (its partner: n ^ 1)."""
    start = FIRST_DEPARTURE + timedelta(hours=4 * (n // 4), minutes=30 * (n % 2))
    return {
        "source": "direct",
        "external_id": f"CLASH-{n:03d}",
        "asset": BOATS[(n // 2) % 2],
        "start": start.isoformat(),
        "duration_hours": 3,
        "guest_count": 2,
        "gross_amount": "500.00",
        "currency": "USD",
        "lead_guest": {"name": f"Guest {n}", "email": f"guest{n}@example.com"},
    }


@dataclass
class Answer:
    """One booking's POST: when it was sent and answered, and what it said."""

    sent: float
    answered: float
    status: int
    body: dict[str, Any]


def _post_all(url: str, key: str, order: list[int]) -> dict[int, Answer]:
    tasks: queue.Queue[int] = queue.Queue()
    for n in order:
        tasks.put(n)
    answers: dict[int, Answer] = {}

    def client_loop() -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=120) as client:
            while True:
                try:
                    n = tasks.get_nowait()
                except queue.Empty:
                    return
                sent = time.monotonic()
                response = client.post("/api/v1/bookings", json=_body(n))
                while response.status_code == 503:  # the store busy for a moment: again, as any client should
                    time.sleep(float(response.headers.get("Retry-After", "1")))
                    response = client.post("/api/v1/bookings", json=_body(n))
                answers[n] = Answer(sent, time.monotonic(), response.status_code, response.json())

    threads = [threading.Thread(target=client_loop) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _names_partner(lines: list[str], n: int) -> bool:
    """Whether an answer about booking `n` names its partner, by boat and time (never by its guest)."""
    partner = datetime.fromisoformat(_body(n ^ 1)["start"])
    said = f"{BOAT_NAMES[(n // 2) % 2]} is also booked {span(partner, partner + timedelta(hours=3), ZONE)}"
    return lines == [said]


@pytest.mark.slow
def test_every_double_booking_is_named_once_its_partner_is_recorded(tmp_path: Path) -> None:
    home = tmp_path / "home"
    key = prepare_home(home)
    order = list(range(BOOKINGS))
    random.Random(20261205).shuffle(order)
    with serving(home, firstmate_env(home)) as served:
        answers = _post_all(served.url, key, order)
        assert sorted(answers) == list(range(BOOKINGS)) and {a.status for a in answers.values()} == {201}
        with httpx.Client(base_url=served.url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
            read = {n: client.get(f"/api/v1/bookings/{a.body['booking_id']}").json() for n, a in answers.items()}

    # once the load is over, every booking names its partner, and nothing else
    assert all(_names_partner(read[n]["double_booked"], n) for n in order)
    for n in range(0, BOOKINGS, 2):
        first, second = sorted((n, n + 1), key=lambda m: answers[m].sent)
        if answers[second].sent > answers[first].answered:  # sent after its partner was recorded
            assert _names_partner(answers[second].body["double_booked"], second)
        else:  # both in flight at once: the one recorded second saw the other
            assert any(_names_partner(answers[m].body["double_booked"], m) for m in (n, n + 1))
    app = build(load_settings(home=home))
    try:
        told = [e for e in outbox.list_entries(app.store, ORG, limit=10_000) if e.key.startswith("clash:")]
    finally:
        app.close()
    pairs = {frozenset((answers[n].body["booking_id"], answers[n ^ 1].body["booking_id"])) for n in order}
    assert len(told) == len(pairs) == BOOKINGS // 2  # one message per pair, however they raced
    assert {frozenset(k.removeprefix("bk_").split("@")[0] for k in e.key.split(":")[1:3]) for e in told} == {
        frozenset(b.removeprefix("bk_") for b in pair) for pair in pairs
    }
