"""Crew event page: an authenticated page under uvicorn against a bare Starlette page of the same size.

Both apps run in their own uvicorn process with the same settings (`UVICORN_FLAGS`) and are loaded
by the same client, in alternating rounds, so the machine's speed and noise cancel out of
`page_vs_starlette = firstmate requests/s ÷ bare Starlette requests/s` (1.0: as fast as Starlette).
The firstmate page is `GET /crew/events/{id}` with the `fm_crew` cookie of a real sign-in; the bare
page is an `async def` endpoint answering the very bytes firstmate rendered.

firstmate keeps the page it built for a person this minute and answers it again while nothing in the
store changes (`crew_page_cache`), as happens when crew reopen a trip between writes: that is
`page_vs_starlette`. The same page built on every request (`crew_page_cache = 0`, what the first
open after any write costs) is measured alongside: `page_built_vs_starlette`. So is a mixed load on
the kept-page server: one request in `GUEST_EVERY` a guest opening their trip page (counted by the
guest-lookup rate limit, in the counters' own database) among crew reopening theirs.

Scaling: two firstmate servers per scale (kept and built pages), on an org with 1×, 4× and 16× as
many trips and crew, loaded in the same rounds; the cost of one page (server time per request,
1000 / rps) should stay flat as the data grows.

The tooling here (servers, load, the demo org and its bookings) is shared with bench_fanout.
`BENCH_QUICK=1` gives a short smoke run.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.common import QUICK, RESULTS, ratio_span, record, show

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
#: The same for every server a benchmark compares: one process, the asyncio loop, the h11 parser,
#: no access log (`firstmate serve` writes one line per request; neither side pays for it here).
UVICORN_FLAGS = ("--workers", "1", "--loop", "asyncio", "--http", "h11", "--log-level", "warning", "--no-access-log")

ORG = "demo"
VIEWER = "priya"  # a crew member (not an admin): the page crew open on the dock
DEMO_CREW = 4  # people in the demo org; grown with the trips
CONCURRENCY = 8
BASE_TRIPS = 20 if QUICK else 50  # trips in the org at 1×
SCALES = {"1x": 1, "4x": 4, "16x": 16}
SECONDS = 1.0 if QUICK else 2.5  # one load run
ROUNDS = 1 if QUICK else 3  # rounds, each loading Starlette and every scale in turn
WARMUP_S = 0.3 if QUICK else 0.5
GUEST_EVERY = 10  # in the mixed load, one request in this many is a guest's page view

Key = tuple[str, str]
#: A row of the store's table, read and written whole.
SELECT_ROW = "SELECT pk, sk, version, ttl, gsi1pk, gsi1sk, data FROM items WHERE pk = ? AND sk = ?"
INSERT_ROW = "INSERT OR REPLACE INTO items (pk, sk, version, ttl, gsi1pk, gsi1sk, data) VALUES (?, ?, ?, ?, ?, ?, ?)"


# -- servers ---------------------------------------------------------------------------------------


def firstmate_app() -> Any:
    """uvicorn factory: the firstmate web app on FIRSTMATE_HOME, logging set up as `firstmate serve`
    does (at warning level), without the background dispatcher and scheduler."""
    from firstmate.bootstrap import build
    from firstmate.config import load_settings
    from firstmate.logs import configure_logging
    from firstmate.web.app import create_app

    settings = load_settings()
    configure_logging(settings.log_format, "warning")
    return create_app(build(settings))


def firstmate_served_app() -> Any:
    """uvicorn factory: the firstmate web app as `firstmate serve` runs it, its dispatcher and scheduler
    alongside (mail to the local outbox folder)."""
    from firstmate.bootstrap import build
    from firstmate.config import load_settings
    from firstmate.logs import configure_logging
    from firstmate.web.app import create_app

    settings = load_settings()
    configure_logging(settings.log_format, "warning")
    return create_app(build(settings), run_workers=True)


def bare_app() -> Any:
    """uvicorn factory: a bare Starlette endpoint answering the file BENCH_PAGE_FILE as HTML."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    body = Path(os.environ["BENCH_PAGE_FILE"]).read_bytes()

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(body)

    return Starlette(routes=[Route("/crew/events/{event_id}", page)])


def bare_fastapi_app() -> Any:
    """uvicorn factory: the same file from a bare FastAPI route: the floor firstmate's framework sets."""
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse

    body = Path(os.environ["BENCH_PAGE_FILE"]).read_bytes()
    app = FastAPI()

    @app.get("/crew/events/{event_id}")
    async def page(event_id: str) -> HTMLResponse:
        return HTMLResponse(body)

    return app


FIRSTMATE = "bench.bench_page:firstmate_app"
SERVED = "bench.bench_page:firstmate_served_app"
STARLETTE = "bench.bench_page:bare_app"
BARE_FASTAPI = "bench.bench_page:bare_fastapi_app"
#: The reference servers, answering the bytes firstmate rendered.
BARE = {"starlette": STARLETTE, "fastapi": BARE_FASTAPI}


def free_ports(count: int) -> list[int]:
    """`count` distinct TCP ports on the loopback interface that nothing listens on now: each probe
    stays bound until all are picked, so the system cannot hand out one port twice."""
    with ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind((HOST, 0))
        return [int(probe.getsockname()[1]) for probe in probes]


@contextmanager
def servers(specs: dict[str, tuple[str, dict[str, str]]], logs: Path) -> Iterator[dict[str, int]]:
    """Run `uvicorn --factory <factory>` with UVICORN_FLAGS for each name → (factory, env), all
    starting at once; yield name → port once every one listens; stop them all after.

    Each `env` is added to an environment without any FIRSTMATE_* variable of the caller's. A port
    taken by another process between the pick and the server's bind is picked again.
    """
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FIRSTMATE_")}
    with ExitStack() as stack:

        def start(name: str, port: int) -> tuple[subprocess.Popen[bytes], int]:
            """The server's process, and where its lines begin in its log."""
            factory, env = specs[name]
            command = [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", HOST, "--port", str(port)]
            output = stack.enter_context((logs / f"{name}.log").open("ab"))
            begins = output.tell()
            process = subprocess.Popen(
                [*command, *UVICORN_FLAGS], cwd=ROOT, env={**clean, **env}, stdout=output, stderr=subprocess.STDOUT
            )
            stack.callback(_stop, process)
            return process, begins

        ports = dict(zip(specs, free_ports(len(specs)), strict=True))
        started = {name: start(name, port) for name, port in ports.items()}
        for name in specs:
            for attempt in itertools.count(1):
                try:
                    _wait_until_listening(*started[name], ports[name], logs / f"{name}.log")
                    break
                except PortTaken:
                    if attempt == 3:
                        raise
                    ports[name] = _another_port(set(ports.values()))
                    started[name] = start(name, ports[name])
        yield ports


def _another_port(taken: set[int]) -> int:
    """A free port none of these servers was given (they may not have bound theirs yet)."""
    while True:
        [port] = free_ports(1)
        if port not in taken:
            return port


class PortTaken(RuntimeError):
    """The server could not bind its port: another process took it after it was picked."""


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _listens(pid: int, port: int) -> bool:
    """Whether process `pid` itself listens on `port` (not just anyone: another process that took the
    port would answer a connection too). Read from /proc on Linux; elsewhere, anyone listening."""
    table = Path("/proc/net/tcp")
    if not table.exists():
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
        except OSError:
            return False
        return True
    listening = set()
    for line in table.read_text().splitlines()[1:]:
        fields = line.split()  # sl, local address:port (hex), remote, state (0A = LISTEN), …, inode
        if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
            listening.add(f"socket:[{fields[9]}]")
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if str(fd.readlink()) in listening:
                return True
        except OSError:  # closed since it was listed
            continue
    return False


def _wait_until_listening(server: subprocess.Popen[bytes], begins: int, port: int, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            said = _said(log, begins)
            raise (PortTaken if "address already in use" in said else RuntimeError)(
                f"the server stopped at start:\n{said}"
            )
        if _listens(server.pid, port):
            return
        time.sleep(0.05)
    raise RuntimeError(f"the server did not listen within 120 s:\n{_said(log, begins)}")


def _said(log: Path, begins: int) -> str:
    """The end of what one start of a server wrote to its log (from `begins`)."""
    return log.read_bytes()[begins:].decode(errors="replace")[-3000:]


# -- load ------------------------------------------------------------------------------------------


def http_request(method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    """The bytes of one HTTP/1.1 keep-alive request."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", *(f"{k}: {v}" for k, v in (headers or {}).items())]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@dataclass(frozen=True)
class Load:
    """What one load run measured."""

    requests: int
    seconds: float
    latencies_ms: list[float]
    unexpected: int  # answers with another status than the one expected
    client_cpu_s: float  # the load generator's own CPU time
    statuses: dict[int, int]  # how many answers had each status

    @property
    def rps(self) -> float:
        """Requests answered per second."""
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        """Latency at percentile `p` (nearest rank), in ms."""
        ranked = sorted(self.latencies_ms)
        return ranked[max(0, min(len(ranked) - 1, round(p / 100 * len(ranked)) - 1))]

    @property
    def client_cpu_share(self) -> float:
        """How busy the load generator kept its core (near 1.0: it, not the server, was the limit)."""
        return self.client_cpu_s / self.seconds


def combine(loads: list[Load]) -> Load:
    """Several runs of the same load as one."""
    return Load(
        requests=sum(x.requests for x in loads),
        seconds=sum(x.seconds for x in loads),
        latencies_ms=[ms for x in loads for ms in x.latencies_ms],
        unexpected=sum(x.unexpected for x in loads),
        client_cpu_s=sum(x.client_cpu_s for x in loads),
        statuses=dict(sum((Counter(x.statuses) for x in loads), Counter())),
    )


def run_load(
    port: int, requests: Iterable[bytes], *, concurrency: int, seconds: float | None = None, expect: int = 200
) -> Load:
    """Send `requests` over `concurrency` keep-alive connections, each waiting for its answer before
    the next, until they run out or `seconds` pass. A small asyncio client on raw sockets: it costs
    far less per request than the servers it loads (see `Load.client_cpu_share`)."""
    return asyncio.run(_load(port, iter(requests), concurrency, seconds, expect))


async def _load(port: int, source: Iterator[bytes], concurrency: int, seconds: float | None, expect: int) -> Load:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    connections = [await asyncio.open_connection(HOST, port) for _ in range(concurrency)]
    started, cpu = time.perf_counter(), time.process_time()
    deadline = None if seconds is None else started + seconds

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for request in source:
            sent = time.perf_counter()
            writer.write(request)
            status, close = await _response(reader)
            done = time.perf_counter()
            latencies.append((done - sent) * 1000)
            statuses[status] += 1
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
            if deadline is not None and done >= deadline:
                break
        writer.close()

    await asyncio.gather(*(client(r, w) for r, w in connections))
    elapsed = time.perf_counter() - started
    unexpected = sum(n for status, n in statuses.items() if status != expect)
    return Load(len(latencies), elapsed, latencies, unexpected, time.process_time() - cpu, dict(statuses))


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip().lower() for k, _, v in (line.partition(":") for line in head[1:] if line)}
    if "content-length" not in headers:
        raise RuntimeError(f"an answer without Content-Length: {head[0]}")
    await reader.readexactly(int(headers["content-length"]))
    return int(head[0].split(" ", 2)[1]), headers.get("connection") == "close"


# -- results ---------------------------------------------------------------------------------------


def record_as(script: str, figures: dict[str, Any], details: dict[str, Any]) -> None:
    """`record`, filing `details` under `script` (bench_fanout records through this module)."""
    record(figures, details=None)
    results = json.loads(RESULTS.read_text())
    results.setdefault("details", {})[script] = details
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


def merged_scaling(name: str, figures: dict[str, Any]) -> dict[str, Any]:
    """The `scaling` entry of bench/results.json with `name`'s part set and the others kept."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    return {**results.get("scaling", {}), name: figures}


# -- the org and its bookings ----------------------------------------------------------------------


#: The first trip, a month ahead: every trip is to come (a trip already over would tell nobody, a
#: lighter fan-out than a booking's), and upcoming on the crew's list.
FIRST_TRIP = (datetime.now(UTC) + timedelta(days=30)).replace(hour=17, minute=0, second=0, microsecond=0)


def trip_body(n: int) -> dict[str, Any]:
    """A valid API booking body, distinct for each `n` (its own id and departure), on Sea Lark."""
    start = FIRST_TRIP + timedelta(hours=5 * n)
    return {
        "source": "direct",
        "external_id": f"BENCH-{n}",
        "asset": "sea-lark",
        "start": start.isoformat(),
        "duration_hours": 3,
        "guest_count": 6,
        "gross_amount": "840.75",
        "currency": "USD",
        "lead_guest": {"name": "Dana Whitcomb", "email": f"guest{n}@example.com", "phone": "+1 415 555 0148"},
        "notes": "Birthday cake aboard",
        "private_notes": "Repeat guest: 10% off",
    }


def open_app(home: Path) -> Any:
    """An App on `home` (created if needed)."""
    from firstmate.bootstrap import build
    from firstmate.config import load_settings

    return build(load_settings(home=home))


def demo_org(home: Path) -> Any:
    """An App on a fresh FIRSTMATE_HOME holding the demo business and its crew."""
    from firstmate.demo.run import demo_people, demo_profile
    from firstmate.services.business import save_business
    from firstmate.services.people import save_people

    app = open_app(home)
    save_business(app.store, demo_profile())
    save_people(app.store, ORG, demo_people())
    return app


def copy_home(source: Path, target: Path) -> None:
    """A FIRSTMATE_HOME holding the same database and signing key as `source`."""
    target.mkdir(parents=True)
    with sqlite3.connect(source / "firstmate.db") as src, sqlite3.connect(target / "firstmate.db") as dst:
        src.backup(dst)
    shutil.copy2(source / "secret.key", target / "secret.key")


@dataclass
class Transactions:
    """Wraps a store's `transact` to note the keys each transaction writes (`put` goes through it)
    and the time spent in it."""

    store: Any
    written: list[list[Key]] = field(default_factory=list)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        original = self.store.transact

        def transact(writes: Sequence[Any]) -> Any:
            self.written.append([(w.item.pk, w.item.sk) if hasattr(w, "item") else (w.pk, w.sk) for w in writes])
            started = time.perf_counter()
            try:
                return original(writes)
            finally:
                self.seconds += time.perf_counter() - started

        self.store.transact = transact

    def take(self) -> tuple[list[list[Key]], float]:
        """The transactions noted, and the seconds spent in them, since the last call."""
        taken, seconds = self.written, self.seconds
        self.written, self.seconds = [], 0.0
        return taken, seconds


def book(app: Any, bodies: Iterable[dict[str, Any]]) -> list[str]:
    """Orchestrate each booking as the API does (validate the body, then the use case); event ids."""
    from firstmate.domain.bookings import BookingRequest
    from firstmate.services.bookings import orchestrate_booking

    return [orchestrate_booking(app, ORG, BookingRequest.model_validate(b)).booking.event_id for b in bodies]


def booked_rows(db: Path, transactions: list[list[Key]]) -> list[list[tuple[Any, ...]]]:
    """The rows the store holds at each transaction's keys (a deleted key is left out)."""
    with sqlite3.connect(db) as conn:
        rows = [[conn.execute(SELECT_ROW, key).fetchone() for key in keys] for keys in transactions]
    return [[row for row in batch if row is not None] for batch in rows]


def booking_templates(db: Path, transactions: list[list[Key]]) -> list[list[tuple[Any, ...]]]:
    """The rows of each transaction that wrote a booking (not, say, the list of long blocked slots
    the first booking of a home writes once), to clone more bookings from."""
    return [rows for rows in booked_rows(db, transactions) if any(row[1] == "BOOKING" for row in rows)]


def clone_bookings(db: Path, templates: list[list[tuple[Any, ...]]], count: int) -> None:
    """Add `count` bookings to the store by copying the rows of real ones (`templates`: the rows one
    `orchestrate_booking` wrote, each) under fresh ids and guest codes: rows of the same shape and
    size in the same partitions and index, written with bare SQL so that growing the data is quick."""
    from firstmate.domain.codes import encode_code, pretty_code

    with sqlite3.connect(db, isolation_level=None) as conn:
        conn.execute("BEGIN IMMEDIATE")
        for n in range(count):
            rows = templates[n % len(templates)]
            booking = next(r[0] for r in rows if r[1] == "BOOKING").rsplit("#bk_", 1)[1]
            code = next(r[0] for r in rows if r[0].startswith("GUESTCODE#")).removeprefix("GUESTCODE#")
            new_booking, new_code = secrets.token_hex(8), encode_code(secrets.token_bytes(7))
            swaps = [(booking, new_booking), (code, new_code), (pretty_code(code), pretty_code(new_code))]
            for row in rows:
                pk, sk, version, ttl, gsi1pk, gsi1sk, data = (_swap(v, swaps) for v in row)
                if pk == f"ORG#{ORG}#INTAKE":
                    sk = f"{sk}#{new_booking}"  # the anchor of (source, external_id): one per booking
                conn.execute(INSERT_ROW, (pk, sk, version, ttl, gsi1pk, gsi1sk, data))
        conn.execute("COMMIT")


def _swap(value: Any, swaps: list[tuple[str, str]]) -> Any:
    if not isinstance(value, str):
        return value
    for old, new in swaps:
        value = value.replace(old, new)
    return value


def grow(app: Any, templates: list[list[tuple[Any, ...]]], bookings: int) -> None:
    """Clone bookings until the store holds `bookings` of them."""
    clone_bookings(app.settings.db_path, templates, bookings - count_bookings(app.settings.db_path))


def count_bookings(db: Path) -> int:
    """How many bookings the store holds."""
    with sqlite3.connect(db) as conn:
        found: int = conn.execute("SELECT count(*) FROM items WHERE pk = ?", (f"ORG#{ORG}#INTAKE",)).fetchone()[0]
        return found


def add_crew(app: Any, total: int) -> None:
    """Grow the crew to `total` people (the demo's four, then deckhands)."""
    from firstmate.domain.people import Person
    from firstmate.services.people import list_people, save_people

    extra = total - len(list_people(app.store, ORG))
    people = [
        Person(id=f"deckhand-{i}", name=f"Deckhand {i}", email=f"deckhand{i}@example.com", qualifications=("crew",))
        for i in range(extra)
    ]
    save_people(app.store, ORG, people)


def crew_cookie(app: Any, port: int) -> str:
    """Sign VIEWER in as crew do: the token of a sign-in mail's link, then Continue; return the
    session cookie."""
    from firstmate.domain.mail import SignInLink
    from firstmate.services.access import crew_link_token

    link = SignInLink(org=ORG, person_id=VIEWER, purpose="login", valid_for_s=900)
    token = crew_link_token(app.secret_key, link, app.clock.now())
    answer = httpx.post(f"http://{HOST}:{port}/crew/enter", data={"t": token}, follow_redirects=False, timeout=60)
    if answer.status_code != 303 or "fm_crew" not in answer.cookies:
        raise RuntimeError(f"sign-in failed: {answer.status_code} {answer.text[:200]}")
    return str(answer.cookies["fm_crew"])


def guest_code(app: Any, event_id: str) -> str:
    """The lead guest's trip page code for the trip of `event_id`."""
    from firstmate.services.bookings import get_booking
    from firstmate.services.trips import get_event

    return str(get_booking(app.store, ORG, get_event(app.store, ORG, event_id).booking_id).guest_code)


# -- the benchmark ---------------------------------------------------------------------------------


def scaled_homes(work: Path) -> tuple[dict[str, Path], str]:
    """One home per scale: 1× orchestrated for real, each larger one a copy of the one before grown
    with cloned trips and more crew. Returns the homes and the event the viewer opens."""
    from firstmate.services.roster import claim_role, list_held_trips

    first = work / "home-1x"
    app = demo_org(first)
    noted = Transactions(app.store)
    events = book(app, (trip_body(n) for n in range(BASE_TRIPS)))
    templates = booking_templates(app.settings.db_path, noted.take()[0])
    event_id = events[len(events) // 2]
    claim_role(app, ORG, event_id, "captain", "jonah")
    claim_role(app, ORG, event_id, "crew_1", VIEWER)
    list_held_trips(app, ORG)  # as the hourly roster_lists job does: their trips listed in their markers
    app.close()
    homes = {"1x": first}
    for scale, factor in list(SCALES.items())[1:]:
        home = work / f"home-{scale}"
        copy_home(list(homes.values())[-1], home)
        app = open_app(home)
        grow(app, templates, BASE_TRIPS * factor)
        add_crew(app, DEMO_CREW * factor)
        app.close()
        homes[scale] = home
    return homes, event_id


def trip_list_ms(home: Path) -> dict[str, float]:
    """The crew trip list for VIEWER, every trip of the org upcoming, built in process: its first page
    (what `/crew` serves) and the whole list (`my_trips`), the best of 5 each, in ms. Not served: its
    cost is the list's own; the page's should stay flat, the whole list's grows with the trips to come."""
    from firstmate.services.crew_views import my_trips, trip_list
    from firstmate.services.people import get_person

    app = open_app(home)
    try:
        viewer = get_person(app.store, ORG, VIEWER)
        now = app.clock.now()
        best = {"page": float("inf"), "all": float("inf")}
        for _ in range(5):
            for name, build in (("page", trip_list), ("all", my_trips)):
                started = time.perf_counter()
                build(app, ORG, viewer, now)
                best[name] = min(best[name], time.perf_counter() - started)
        return {name: round(seconds * 1000, 2) for name, seconds in best.items()}
    finally:
        app.close()


def _round(port: int, requests: Iterator[bytes]) -> Load:
    run_load(port, requests, concurrency=CONCURRENCY, seconds=WARMUP_S)
    return run_load(port, requests, concurrency=CONCURRENCY, seconds=SECONDS)


def mixed_requests(crew: bytes, guest_path: str) -> Iterator[bytes]:
    """Crew reopening their trip page while guests open theirs: every GUEST_EVERY-th request is a
    guest page view, each guest from an address of their own (X-Forwarded-For, which uvicorn trusts
    from loopback), as guests on their own phones are, so the lookup limit counts without refusing."""
    addresses = [f"{net}.{host}" for net in ("192.0.2", "198.51.100", "203.0.113") for host in range(1, 255)]
    for n in itertools.count():
        if n % GUEST_EVERY == GUEST_EVERY - 1:
            address = addresses[(n // GUEST_EVERY) % len(addresses)]
            yield http_request("GET", guest_path, {"Accept": "text/html", "X-Forwarded-For": address})
        else:
            yield crew


def _figures(load: Load) -> dict[str, float]:
    return {
        "rps": round(load.rps, 1),
        "p50_ms": round(load.percentile(50), 2),
        "p99_ms": round(load.percentile(99), 2),
        "ms_per_request": round(1000 / load.rps, 3),
        "requests": load.requests,
        "unexpected": load.unexpected,
        "client_cpu_share": round(load.client_cpu_share, 2),
    }


def main() -> None:
    """Run the page benchmark, print its table and record its figures."""
    with tempfile.TemporaryDirectory(prefix="firstmate-bench-page-") as tmp:
        work = Path(tmp)
        homes, event_id = scaled_homes(work)
        path = f"/crew/events/{event_id}"
        page_file = work / "page.html"
        specs = {scale: (FIRSTMATE, {"FIRSTMATE_HOME": str(home)}) for scale, home in homes.items()}
        specs |= {
            f"{scale}-built": (FIRSTMATE, {"FIRSTMATE_HOME": str(home), "FIRSTMATE_CREW_PAGE_CACHE": "0"})
            for scale, home in homes.items()
        }
        with servers(specs, work) as ports:
            app = open_app(homes["1x"])
            cookie = crew_cookie(app, ports["1x"])  # the homes share their signing key: one session opens all
            guest_path = f"/g/{guest_code(app, event_id)}"
            app.close()
            page = httpx.get(f"http://{HOST}:{ports['1x']}{path}", cookies={"fm_crew": cookie}, timeout=60)
            if page.status_code != 200 or "Priya" not in page.text:
                raise RuntimeError(f"the crew page did not open: {page.status_code}")
            page_file.write_bytes(page.content)
            bare_specs = {name: (factory, {"BENCH_PAGE_FILE": str(page_file)}) for name, factory in BARE.items()}
            with servers(bare_specs, work) as bare_port:
                ports = {**bare_port, **ports}
                loads: dict[str, list[Load]] = {name: [] for name in [*ports, "mixed"]}
                request = http_request("GET", path, {"Cookie": f"fm_crew={cookie}"})
                for _ in range(ROUNDS):
                    for name in ports:
                        loads[name].append(_round(ports[name], itertools.repeat(request)))
                    loads["mixed"].append(_round(ports["1x"], mixed_requests(request, guest_path)))
        trip_list = {scale: trip_list_ms(home) for scale, home in homes.items()}  # servers stopped: a quiet machine
    bare = combine(loads["starlette"])
    floor = combine(loads["fastapi"])
    per_scale = {
        scale: {
            "trips": BASE_TRIPS * factor,
            "crew": DEMO_CREW * factor,
            "firstmate": _figures(combine(loads[scale])),
            "vs_starlette": round(combine(loads[scale]).rps / bare.rps, 3),
            "built": _figures(combine(loads[f"{scale}-built"])),
            "built_vs_starlette": round(combine(loads[f"{scale}-built"]).rps / bare.rps, 3),
            "trip_list_ms": trip_list[scale],
        }
        for scale, factor in SCALES.items()
    }
    fastapi = {**_figures(floor), "vs_starlette": round(floor.rps / bare.rps, 3)}
    mixed = {**_figures(combine(loads["mixed"])), "guest_every": GUEST_EVERY}
    # each round's own ratio (its loads ran minutes apart from the other rounds'): the run's spread
    spread = {
        "kept": [round(f.rps / b.rps, 3) for f, b in zip(loads["1x"], loads["starlette"], strict=True)],
        "built": [round(f.rps / b.rps, 3) for f, b in zip(loads["1x-built"], loads["starlette"], strict=True)],
    }
    report(per_scale, _figures(bare), fastapi, mixed, len(page.content), spread)


def report(
    per_scale: dict[str, dict[str, Any]],
    bare: dict[str, Any],
    fastapi: dict[str, Any],
    mixed: dict[str, Any],
    page_bytes: int,
    spread: dict[str, list[float]],
) -> None:
    """Print the table and merge the figures into bench/results.json."""
    first, last = per_scale["1x"], per_scale["16x"]
    fm = first["firstmate"]
    cost = {scale: s["firstmate"]["ms_per_request"] for scale, s in per_scale.items()}
    growth = round(last["firstmate"]["ms_per_request"] / fm["ms_per_request"], 2)
    built_cost = {scale: s["built"]["ms_per_request"] for scale, s in per_scale.items()}
    built_growth = round(built_cost["16x"] / built_cost["1x"], 2)
    trip_list = {scale: s["trip_list_ms"]["all"] for scale, s in per_scale.items()}
    trip_list_growth = round(trip_list["16x"] / trip_list["1x"], 2)
    trip_page = {scale: s["trip_list_ms"]["page"] for scale, s in per_scale.items()}
    trip_page_growth = round(trip_page["16x"] / trip_page["1x"], 2)
    figures = {
        "page_vs_starlette": first["vs_starlette"],
        "page_built_vs_starlette": first["built_vs_starlette"],
        "page_built_rps": first["built"]["rps"],
        "page_rps": fm["rps"],
        "page_p99_ms": fm["p99_ms"],
        "page_starlette_rps": bare["rps"],
        "page_starlette_p99_ms": bare["p99_ms"],
        "page_fastapi_floor_vs_starlette": fastapi["vs_starlette"],
        "page_vs_starlette_rounds": spread["kept"],
        "page_mixed_rps": mixed["rps"],
        "page_built_vs_starlette_rounds": spread["built"],
    }
    scaling = {
        **cost,
        "16x_over_1x": growth,
        "built": {**built_cost, "16x_over_1x": built_growth},
        "trip_list_ms": {**trip_list, "16x_over_1x": trip_list_growth},
        "trip_list_page_ms": {**trip_page, "16x_over_1x": trip_page_growth},
        "unit": "ms of server time per page (1000 / rps)",
    }
    details = {
        "page_bytes": page_bytes,
        "concurrency": CONCURRENCY,
        "seconds_per_run": SECONDS,
        "rounds": ROUNDS,
        "uvicorn": " ".join(UVICORN_FLAGS),
        "quick": QUICK,
        "scales": per_scale,
        "starlette": bare,
        "bare_fastapi": fastapi,
        "mixed": mixed,
    }
    record_as("bench_page", {**figures, "scaling": merged_scaling("page", scaling)}, details)
    rows = [
        ("crew event page, firstmate (kept page)", _speed(fm), ""),
        ("the same page built every time (crew_page_cache = 0)", _speed(first["built"]), ""),
        (f"kept pages, 1 request in {GUEST_EVERY} a guest's own trip page", _speed(mixed), ""),
        ("same bytes, bare Starlette", _speed(bare), ""),
        ("same bytes, bare FastAPI route (the framework's floor)", _speed(fastapi), f"{fastapi['vs_starlette']:.2f}"),
        ("page_vs_starlette", f"{first['vs_starlette']:.2f} (rounds {ratio_span(spread['kept'])})", "≥ 0.5"),
        ("page_built_vs_starlette", f"{first['built_vs_starlette']:.2f} (rounds {ratio_span(spread['built'])})", ""),
    ]
    for scale, s in per_scale.items():
        rows.append(
            (
                f"{scale}: {s['trips']:,} trips, {s['crew']} crew",
                f"kept {s['firstmate']['ms_per_request']:.2f} ms/page ({s['vs_starlette']:.2f} of Starlette), "
                f"built {s['built']['ms_per_request']:.2f} ms ({s['built_vs_starlette']:.2f})",
                "",
            )
        )
    rows.append(("cost per page, 16× ÷ 1×: kept, built", f"{growth:.2f}, {built_growth:.2f}", "≈ 1 (flat)"))
    rows.append(
        (
            "crew trip list, first page (/crew), built in process, 1× / 4× / 16×",
            " / ".join(f"{ms:.1f}" for ms in trip_page.values()) + f" ms (16× ÷ 1× = {trip_page_growth:.1f})",
            "≈ 1 (flat: 50 trips a page)",
        )
    )
    rows.append(
        (
            "crew trip list, every trip (my_trips), 1× / 4× / 16×",
            " / ".join(f"{ms:.0f}" for ms in trip_list.values()) + f" ms (16× ÷ 1× = {trip_list_growth:.1f})",
            "≈ 16 (linear: every trip is upcoming)",
        )
    )
    show(f"Crew event page ({page_bytes:,} bytes, {CONCURRENCY} connections, {ROUNDS} rounds)", rows)


def _speed(figures: dict[str, Any]) -> str:
    return f"{figures['rps']:.0f} req/s, p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms"


if __name__ == "__main__":
    main()
