"""1,000 bookings from 32 concurrent clients against a real `firstmate serve` (SQLite in WAL mode
across the server's threads, its dispatcher running), with duplicates racing their originals,
late replays and changes. Afterwards the store and the SMTP server are read back: no booking,
event, calendar entry, guest page, outbox entry or mail is lost or doubled."""

from __future__ import annotations

import collections
import queue
import random
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from firstmate.bootstrap import App, build
from firstmate.config import load_settings
from firstmate.domain.bookings import BookingStatus
from firstmate.domain.crew import EventStatus
from firstmate.services.bookings import get_booking, list_guests
from firstmate.services.outbox import DUE_INDEX
from firstmate.services.paging import all_items
from firstmate.services.people import list_people
from firstmate.services.trips import calendar_pk, calendar_sk, code_pk, get_event, intake_pk
from tests.conftest import firstmate_env
from tests.load.conftest import (
    DISPATCHER,
    ORG,
    count_items,
    ledger,
    prepare_home,
    received_keys,
    serving,
    wait_until,
)
from tests.smtp_server import SmtpServer

BOOKINGS = 1000
CLIENTS = 32
DUPLICATES = BOOKINGS // 10  # half race their original, half arrive after the last change
CHANGES = BOOKINGS // 20  # four in five update fields (some move the trip), one in five cancel
SOURCES = ("direct", "boatsetter", "getmyboat")
BOATS = ("sea-lark", "morning-tern")
#: A month ahead: every trip to come (a trip already over tells its crew nothing).
FIRST_DEPARTURE = (datetime.now(UTC) + timedelta(days=30)).replace(hour=15, minute=0, second=0, microsecond=0)


def _body(n: int) -> dict[str, Any]:
    start = FIRST_DEPARTURE + timedelta(hours=5 * n)
    return {
        "source": SOURCES[n % len(SOURCES)],
        "external_id": f"LOAD-{n:04d}",
        "asset": BOATS[n % len(BOATS)],
        "start": start.isoformat(),
        "duration_hours": 2 + (n % 4) * 0.5,
        "guest_count": 1 + n % 12,
        "gross_amount": f"{400 + n}.25",
        "currency": "USD",
        "lead_guest": {"name": f"Guest {n}", "email": f"guest{n}@example.com"},
        "notes": f"load booking {n}",
        "private_notes": f"internal {n}",
    }


def _changed(body: dict[str, Any], n: int, cancel: bool) -> dict[str, Any]:
    if cancel:
        return {**body, "status": "cancelled"}
    start = datetime.fromisoformat(body["start"]) + timedelta(hours=1 if n % 2 else 0)
    return {
        **body,
        "start": start.isoformat(),
        "guest_count": body["guest_count"] + 1,
        "gross_amount": f"{Decimal(body['gross_amount']) + 100}",
        "notes": f"changed: {body['notes']}",
    }


@dataclass(frozen=True)
class Task:
    """One request a client sends: booking n's original, a duplicate of it, or its change."""

    n: int
    kind: str  # original, duplicate, change
    body: dict[str, Any]


@dataclass
class Plan:
    """What the clients send, and what must be true afterwards."""

    first: list[Task]
    after: dict[tuple[int, str], list[Task]]  # sent once the keyed task has been answered
    final: dict[int, dict[str, Any]]  # each booking's last body
    revisions: dict[int, int]


def _plan(rng: random.Random) -> Plan:
    originals = {n: _body(n) for n in range(BOOKINGS)}
    changes = rng.sample(range(BOOKINGS), CHANGES)
    changed, cancelled = set(changes), set(changes[: CHANGES // 5])
    duplicates = rng.sample(range(BOOKINGS), DUPLICATES)
    racing = set(duplicates[: DUPLICATES // 2])
    late = set(duplicates[DUPLICATES // 2 :])
    final = dict(originals)
    after: dict[tuple[int, str], list[Task]] = collections.defaultdict(list)
    for n in changes:
        final[n] = _changed(originals[n], n, n in cancelled)
        after[(n, "original")].append(Task(n, "change", final[n]))
    for n in late:  # a replay of the original after every change: it must not undo them
        after[(n, "change" if n in changed else "original")].append(Task(n, "duplicate", originals[n]))
    first: list[Task] = []
    order = list(range(BOOKINGS))
    rng.shuffle(order)
    for n in order:
        first.append(Task(n, "original", originals[n]))
        if n in racing:  # right behind its original: another client sends it at the same moment
            first.append(Task(n, "duplicate", originals[n]))
    revisions = {n: 2 if n in changed else 1 for n in range(BOOKINGS)}
    return Plan(first, after, final, revisions)


@dataclass
class Tally:
    """What the clients were answered, gathered across their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    results: dict[int, list[tuple[str, str]]] = field(default_factory=lambda: collections.defaultdict(list))
    booking_ids: dict[int, set[str]] = field(default_factory=lambda: collections.defaultdict(set))
    failures: list[str] = field(default_factory=list)
    busy_retries: int = 0


def _send(client: httpx.Client, task: Task, tally: Tally) -> None:
    for _ in range(5):  # a 503 (store busy) says "retry": an idempotent request may be sent again
        answer = client.post("/api/v1/bookings", json=task.body)
        if answer.status_code != 503:
            break
        with tally.lock:
            tally.busy_retries += 1
            if not answer.headers.get("retry-after", "").isdigit():  # a busy answer says when to come back
                tally.failures.append(f"{task.kind} {task.n}: 503 without Retry-After")
    with tally.lock:
        if answer.status_code not in (200, 201):
            tally.failures.append(f"{task.kind} {task.n}: {answer.status_code} {answer.text[:300]}")
            return
        data = answer.json()
        tally.results[task.n].append((task.kind, data["result"]))
        tally.booking_ids[task.n].add(data["booking_id"])


def _run_clients(url: str, key: str, plan: Plan) -> Tally:
    tasks: queue.Queue[Task | None] = queue.Queue()
    for task in plan.first:
        tasks.put(task)
    tally = Tally()

    def client_loop() -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=120) as client:
            while (task := tasks.get()) is not None:
                try:
                    _send(client, task, tally)
                    for follow in plan.after.get((task.n, task.kind), []):
                        tasks.put(follow)  # queued before this one is marked done: join() waits for it
                except Exception as exc:
                    with tally.lock:
                        tally.failures.append(f"{task.kind} {task.n}: {type(exc).__name__}: {exc}")
                finally:
                    tasks.task_done()

    threads = [threading.Thread(target=client_loop, name=f"client-{i}") for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    tasks.join()
    for _ in threads:
        tasks.put(None)
    for thread in threads:
        thread.join(timeout=60)
    return tally


def _expected_keys(booking_id: str, revisions: int, crew: list[str]) -> set[str]:
    audiences = ["ops", "guest:g1", *(f"crew:{person}" for person in crew)]
    return {f"bk:{booking_id}:r{r}:{a}" for r in range(1, revisions + 1) for a in audiences}


def _check_answers(plan: Plan, tally: Tally) -> None:
    """What each client was told: one "created" per booking, replays "unchanged", changes applied."""
    assert tally.failures == [], tally.failures[:10]
    for n in range(BOOKINGS):
        answers = tally.results[n]
        assert len(tally.booking_ids[n]) == 1, f"booking {n} answered with several ids: {answers}"
        assert [result for _, result in answers].count("created") == 1, (n, answers)
        cancelled = plan.final[n].get("status") == "cancelled"
        for kind, result in answers:
            if kind == "change":
                assert result == ("cancelled" if cancelled else "updated"), (n, answers)
    results = collections.Counter(result for answers in tally.results.values() for _, result in answers)
    assert results == {
        "created": BOOKINGS,
        "unchanged": DUPLICATES,
        "updated": CHANGES - CHANGES // 5,
        "cancelled": CHANGES // 5,
    }


def _check_store(app: App, plan: Plan, tally: Tally) -> dict[int, str]:
    """Each booking once, at its latest values, with one event, guest, calendar entry and guest
    page; returns the booking ids."""
    assert len(all_items(app.store, intake_pk(ORG))) == BOOKINGS
    ids: dict[int, str] = {}
    for n, body in plan.final.items():
        anchor = app.store.get(intake_pk(ORG), f"{body['source']}#{body['external_id']}")
        assert anchor is not None, f"booking {n} lost"
        booking = get_booking(app.store, ORG, anchor.data["booking_id"])
        assert {booking.id} == tally.booking_ids[n]
        ids[n] = booking.id
        request = booking.request
        assert booking.revision == plan.revisions[n]
        assert (request.guest_count, request.gross_amount) == (body["guest_count"], Decimal(body["gross_amount"]))
        assert request.start == datetime.fromisoformat(body["start"])
        assert request.status == BookingStatus(body.get("status", "confirmed"))
        event = get_event(app.store, ORG, booking.event_id)
        assert (event.booking_id, event.guest_count) == (booking.id, body["guest_count"])
        assert (event.status is EventStatus.CANCELLED) == booking.cancelled
        assert [g.id for g in list_guests(app.store, ORG, booking.id)] == ["g1"]
        page = app.store.get(code_pk(booking.guest_code), "CODE")
        assert page is not None and page.data["booking_id"] == booking.id
    # one calendar entry per booking, at its latest start, cancelled if the booking is
    entries = {e.sk: e.data["cancelled"] for e in all_items(app.store, calendar_pk(ORG))}
    assert entries == {
        calendar_sk(datetime.fromisoformat(body["start"]), ids[n]): body.get("status") == "cancelled"
        for n, body in plan.final.items()
    }
    # nothing beside them: no orphan booking, event or guest page left by a lost race
    db = app.settings.db_path
    assert count_items(db, "GUESTCODE#%") == BOOKINGS
    assert count_items(db, f"ORG#{ORG}#BK#%", "BOOKING") == BOOKINGS
    assert count_items(db, f"ORG#{ORG}#BK#%", "EVENT") == BOOKINGS
    return ids


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_thousand_bookings_from_32_clients_lose_and_double_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    key = prepare_home(home, crew=2)  # two crew: four messages a revision (ops, lead guest, both crew)
    plan = _plan(random.Random(20261122))
    smtp = SmtpServer().start()
    app = build(load_settings(home=home))
    try:
        env = firstmate_env(home, smtp, FIRSTMATE_DISPATCH_INTERVAL_S="0.2")
        with serving(home, env) as server:
            tally = _run_clients(server.url, key, plan)
            _check_answers(plan, tally)
            ids = _check_store(app, plan, tally)
            crew = [p.id for p in list_people(app.store, ORG)]
            expected = {k for n, bid in ids.items() for k in _expected_keys(bid, plan.revisions[n], crew)}
            assert set(ledger(app)) == expected, "the outbox lost or doubled a message"
            # a second dispatcher process joins the server's own: claims must hold across both
            helper = subprocess.Popen([sys.executable, DISPATCHER], env=env)
            try:
                assert helper.wait(timeout=300) == 0
            finally:
                if helper.poll() is None:
                    helper.kill()
            wait_until(
                lambda: not app.store.query_index(DUE_INDEX, limit=1).items,
                timeout=120,
                what=f"the dispatchers to send {len(expected)} messages",
                every=0.5,
            )
        entries = ledger(app)
        # a change arriving before its booking's first messages went out withdraws those to the people it
        # tells anew (they hear of the trip as it is, once): each such one is a first revision's, not the
        # operations manager's, and the second revision's message to the same person went out
        withdrawn = {k for k, e in entries.items() if e.status.value == "dead"}
        assert all((entries[k].last_error or "").startswith("not sent: the trip changed again") for k in withdrawn)
        assert all(":r1:" in k and ":ops" not in k and k.replace(":r1:", ":r2:") in expected for k in withdrawn)
        assert {k for k, e in entries.items() if e.status.value == "sent"} == expected - withdrawn
        delivered = received_keys(smtp)
        assert set(delivered) == expected - withdrawn, "a message was lost"
        assert set(delivered.values()) == {1}, "a message went out twice"
        requests = sum(len(answers) for answers in tally.results.values())
        print(
            f"\nload: {requests} requests from {CLIENTS} clients, {BOOKINGS} bookings, {DUPLICATES} duplicates, "
            f"{CHANGES} changes, {tally.busy_retries} busy answers retried, {len(delivered)} messages "
            f"({len(withdrawn)} of a first revision withdrawn by its change before they went out), lost 0"
        )
    finally:
        app.close()
        smtp.stop()
