"""Booking fan-out: bookings fully orchestrated per second against the raw SQLite ceiling.

`orchestrate_booking` writes a booking and everything it fans out to (event, calendar entry, guest
page code, lead guest, outbox entries) in one durable transaction. The ceiling is bare sqlite3
writing the very same rows, grouped in the very same transactions, with the store's settings (WAL,
synchronous=FULL, BEGIN IMMEDIATE, the same table and indexes) into a copy of the same database:

    fanout_vs_sqlite = ceiling seconds ÷ firstmate seconds, for the same bookings
                     = firstmate bookings/s ÷ bare-SQLite bookings/s   (1.0: as fast as bare SQLite)

A commit that comes after some milliseconds of other work costs this machine more than one straight
after another (the disk's flush is slower to a caller that paused), and firstmate's Python always comes
between its commits. So the same rows are written a third time, into a third copy, with a busy wait
before each transaction as long as firstmate's own time outside `store.transact` per transaction: the
*paced ceiling*. `store_vs_paced_sqlite` (paced ceiling's time in its transactions ÷ firstmate's time in
`store.transact`) is then the store's own overhead, and `vs_sqlite_with_bare_store` the ratio firstmate
would read with a store as fast as bare sqlite3 and its Python unchanged.

Scaling: the same on stores already holding 1×, 4× and 16× as many bookings (1× orchestrated for
real, the rest cloned from them); the cost of one booking should stay flat as the data grows.
Rounds go firstmate, ceiling, firstmate, ceiling… across every scale in turn, so the machine's
noise falls on all of them alike.

Then the API: `POST /api/v1/bookings` on uvicorn (the settings of bench_page) at 1, 8 and 32
concurrent clients, every booking distinct: p50/p99 latency and bookings/s.
`BENCH_QUICK=1` gives a short smoke run.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.bench_page import (
    FIRSTMATE,
    INSERT_ROW,
    ORG,
    SCALES,
    SERVED,
    UVICORN_FLAGS,
    Transactions,
    book,
    booked_rows,
    booking_templates,
    copy_home,
    count_bookings,
    demo_org,
    grow,
    http_request,
    merged_scaling,
    open_app,
    record_as,
    run_load,
    servers,
    trip_body,
)
from bench.common import QUICK, ratio_span, show

# This module borrows bench_page's tooling, so `python -m bench` finds bench.bench_page imported when it
# runs it as __main__, and runpy warns. Harmless: no module-level state is shared or changed.
warnings.filterwarnings("ignore", r"'bench\.bench_page' found in sys\.modules", RuntimeWarning)

BASE = 50 if QUICK else 200  # bookings already in the store at 1×
PER_ROUND = 20 if QUICK else 75  # bookings measured per round and scale
ROUNDS = 2 if QUICK else 4
API_REQUESTS = {1: 30, 8: 80, 32: 160} if QUICK else {1: 120, 8: 320, 32: 640}  # per concurrency


class Ceiling:
    """Bare sqlite3 on a copy of the store's database, set up as the store sets up its own."""

    def __init__(self, source: Path, path: Path) -> None:
        with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
            src.backup(dst)
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")

    def write(self, transactions: list[list[tuple[Any, ...]]]) -> float:
        """Write these rows in these transactions (BEGIN IMMEDIATE … COMMIT each), one straight after
        another; the seconds."""
        started = time.perf_counter()
        for rows in transactions:
            self.conn.execute("BEGIN IMMEDIATE")
            for row in rows:
                self.conn.execute(INSERT_ROW, row)
            self.conn.execute("COMMIT")
        return time.perf_counter() - started

    def write_paced(self, transactions: list[list[tuple[Any, ...]]], gap_s: float) -> float:
        """The same, with `gap_s` of CPU work (a busy wait) before each transaction, as firstmate's own
        Python comes between its commits; the seconds inside the transactions alone."""
        inside = 0.0
        for rows in transactions:
            until = time.perf_counter() + gap_s
            while time.perf_counter() < until:
                pass
            started = time.perf_counter()
            self.conn.execute("BEGIN IMMEDIATE")
            for row in rows:
                self.conn.execute(INSERT_ROW, row)
            self.conn.execute("COMMIT")
            inside += time.perf_counter() - started
        return inside

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


@dataclass
class Scale:
    """One scale's store, and what was measured on it (summed over the rounds)."""

    app: Any
    noted: Transactions
    ceiling: Ceiling
    paced: Ceiling  # the ceiling at firstmate's pace, on a copy of its own
    existing: int
    bookings: int = 0
    firstmate_s: float = 0.0
    store_s: float = 0.0  # of firstmate_s, inside store.transact
    ceiling_s: float = 0.0
    paced_s: float = 0.0
    transactions: int = 0
    rows: int = 0
    row_bytes: int = 0
    rounds: list[float] = field(default_factory=list)  # each round's own ratio: the run's spread

    def measure(self, bodies: list[dict[str, Any]]) -> None:
        """Orchestrate `bodies`, then write what they wrote again with bare sqlite3."""
        self.noted.take()
        started = time.perf_counter()
        book(self.app, bodies)
        firstmate_s = time.perf_counter() - started
        keys, store_s = self.noted.take()
        rows = booked_rows(self.app.settings.db_path, keys)
        ceiling_s = self.ceiling.write(rows)
        self.paced_s += self.paced.write_paced(rows, gap_s=(firstmate_s - store_s) / max(len(keys), 1))
        self.rounds.append(round(ceiling_s / firstmate_s, 3))
        self.firstmate_s += firstmate_s
        self.ceiling_s += ceiling_s
        self.store_s += store_s
        self.bookings += len(bodies)
        self.transactions += len(keys)
        self.rows += sum(len(t) for t in rows)
        self.row_bytes += sum(len(r[0]) + len(r[1]) + len(r[6]) for t in rows for r in t)

    def figures(self) -> dict[str, Any]:
        """The scale's figures for bench/results.json."""
        return {
            "existing_bookings": self.existing,
            "bookings": self.bookings,
            "ms_per_booking": round(self.firstmate_s / self.bookings * 1000, 3),
            "ms_in_store_transact": round(self.store_s / self.bookings * 1000, 3),
            "ceiling_ms_per_booking": round(self.ceiling_s / self.bookings * 1000, 3),
            "paced_ceiling_ms_per_booking": round(self.paced_s / self.bookings * 1000, 3),
            "store_vs_paced_sqlite": round(self.paced_s / self.store_s, 3),
            # the ratio a store as fast as bare sqlite3 at firstmate's pace would give, firstmate's Python unchanged
            "vs_sqlite_with_bare_store": round(self.ceiling_s / (self.firstmate_s - self.store_s + self.paced_s), 3),
            "bookings_per_s": round(self.bookings / self.firstmate_s, 1),
            "vs_sqlite": round(self.ceiling_s / self.firstmate_s, 3),
            "transactions_per_booking": round(self.transactions / self.bookings, 2),
            "rows_per_booking": round(self.rows / self.bookings, 2),
            "bytes_per_row": round(self.row_bytes / max(self.rows, 1)),
            "vs_sqlite_rounds": self.rounds,
        }


def prepare(work: Path, numbers: Iterator[int]) -> tuple[dict[str, Path], Path]:
    """One home per scale (1× orchestrated for real, the larger ones grown with clones) and a copy
    of the 1× home for the API."""
    first = work / "home-1x"
    app = demo_org(first)
    noted = Transactions(app.store)
    book(app, (trip_body(n) for n in itertools.islice(numbers, BASE)))
    templates = booking_templates(app.settings.db_path, noted.take()[0])
    app.close()
    homes = {"1x": first}
    for scale, factor in list(SCALES.items())[1:]:
        home = work / f"home-{scale}"
        copy_home(list(homes.values())[-1], home)
        app = open_app(home)
        grow(app, templates, BASE * factor)
        app.close()
        homes[scale] = home
    copy_home(first, work / "home-api")
    copy_home(first, work / "home-served")
    return homes, work / "home-api"


def measure_scales(homes: dict[str, Path], work: Path, numbers: Iterator[int]) -> dict[str, dict[str, Any]]:
    """Rounds of PER_ROUND new bookings on every scale in turn; each scale's figures."""
    scales: dict[str, Scale] = {}
    for name, home in homes.items():
        app = open_app(home)
        existing = count_bookings(app.settings.db_path)
        db = app.settings.db_path
        ceiling, paced = Ceiling(db, work / f"{name}.db"), Ceiling(db, work / f"{name}-paced.db")
        scales[name] = Scale(app, Transactions(app.store), ceiling, paced, existing)
    try:
        for _ in range(ROUNDS):
            for scale in scales.values():
                scale.measure([trip_body(n) for n in itertools.islice(numbers, PER_ROUND)])
    finally:
        for scale in scales.values():
            scale.ceiling.close()
            scale.paced.close()
            scale.app.close()
    return {name: scale.figures() for name, scale in scales.items()}


def measure_api(home: Path, work: Path, numbers: Iterator[int], factory: str = FIRSTMATE) -> dict[str, dict[str, Any]]:
    """POST distinct bookings to the real server at each concurrency; latency and throughput. With the
    SERVED factory the dispatcher sends the bookings' messages meanwhile, as under `firstmate serve`; then
    how long the last messages took to go, and how many went."""
    from firstmate.services.keys import create_key

    app = open_app(home)
    key = create_key(app.store, ORG, "bench", app.clock.now())[1]
    app.close()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def requests(count: int) -> list[bytes]:
        bodies = (trip_body(n) for n in itertools.islice(numbers, count))
        return [http_request("POST", "/api/v1/bookings", headers, json.dumps(b).encode()) for b in bodies]

    answers: dict[str, dict[str, Any]] = {}
    with servers({"api": (factory, {"FIRSTMATE_HOME": str(home)})}, work) as ports:
        run_load(ports["api"], requests(10), concurrency=2, expect=201)  # warm up
        for concurrency, count in API_REQUESTS.items():
            load = run_load(ports["api"], requests(count), concurrency=concurrency, expect=201)
            answers[str(concurrency)] = {
                "p50": round(load.percentile(50), 2),
                "p99": round(load.percentile(99), 2),
                "max": round(max(load.latencies_ms), 2),
                "bookings_per_s": round(load.rps, 1),
                "requests": load.requests,
                "not_201": load.unexpected,
                "statuses": {str(k): v for k, v in sorted(load.statuses.items())},
            }
        if factory == SERVED:
            answers["outbox"] = drained(home / "firstmate.db")
    return answers


def drained(db: Path, limit_s: float = 600.0) -> dict[str, Any]:
    """Wait for the served app's dispatcher to send every message the load queued: the seconds it took
    after the last answer, and the messages by status."""
    started = time.perf_counter()
    count = "SELECT json_extract(data, '$.status'), count(*) FROM items WHERE pk = ? GROUP BY 1"
    while True:
        with sqlite3.connect(db) as conn:
            statuses = dict(conn.execute(count, (f"ORG#{ORG}#OUTBOX",)).fetchall())
        waited = time.perf_counter() - started
        if (not statuses.get("pending") and not statuses.get("sending")) or waited > limit_s:
            return {"drained_after_s": round(waited, 1), "statuses": statuses}
        time.sleep(0.25)


def main() -> None:
    """Run the fan-out benchmark, print its table and record its figures."""
    numbers = itertools.count()  # every booking of the run is distinct
    with tempfile.TemporaryDirectory(prefix="firstmate-bench-fanout-") as tmp:
        work = Path(tmp)
        homes, api_home = prepare(work, numbers)
        per_scale = measure_scales(homes, work, numbers)
        api = measure_api(api_home, work, numbers)
        served = measure_api(work / "home-served", work, numbers, factory=SERVED)
    report(per_scale, api, served)


def report(
    per_scale: dict[str, dict[str, Any]], api: dict[str, dict[str, Any]], served: dict[str, dict[str, Any]]
) -> None:
    """Print the table and merge the figures into bench/results.json."""
    first, last = per_scale["1x"], per_scale["16x"]
    growth = round(last["ms_per_booking"] / first["ms_per_booking"], 2)
    cost = {name: s["ms_per_booking"] for name, s in per_scale.items()}
    figures = {
        "fanout_vs_sqlite": first["vs_sqlite"],
        "fanout_vs_sqlite_rounds": first["vs_sqlite_rounds"],
        "fanout_bookings_per_s": first["bookings_per_s"],
        "fanout_sqlite_bookings_per_s": round(1000 / first["ceiling_ms_per_booking"], 1),
        "fanout_store_vs_paced_sqlite": first["store_vs_paced_sqlite"],
        "fanout_vs_sqlite_with_bare_store": first["vs_sqlite_with_bare_store"],
        "fanout_latency_ms": {c: {"p50": a["p50"], "p99": a["p99"]} for c, a in api.items()},
        "fanout_latency_served_ms": {c: {"p50": a["p50"], "p99": a["p99"]} for c, a in served.items() if "p50" in a},
        "scaling": merged_scaling("fanout", {**cost, "16x_over_1x": growth, "unit": "ms per booking"}),
    }
    details = {
        "scales": per_scale,
        "api": api,
        "api_served": served,
        "rounds": ROUNDS,
        "bookings_per_round": PER_ROUND,
        "uvicorn": " ".join(UVICORN_FLAGS),
        "quick": QUICK,
    }
    record_as("bench_fanout", figures, details)
    rows = [
        (
            "one booking writes",
            f"{first['rows_per_booking']:g} rows of {first['bytes_per_row']} B on average, "
            f"in {first['transactions_per_booking']:g} transaction",
            "1 transaction",
        ),
        (
            "firstmate, in process",
            f"{first['bookings_per_s']:.0f} bookings/s ({first['ms_per_booking']:.1f} ms, "
            f"{first['ms_in_store_transact']:.1f} in store.transact)",
            "",
        ),
        ("bare sqlite3, same rows and transactions", f"{figures['fanout_sqlite_bookings_per_s']:.0f} bookings/s", ""),
        ("fanout_vs_sqlite", f"{first['vs_sqlite']:.2f} (rounds {ratio_span(first['vs_sqlite_rounds'])})", "≥ 0.5"),
        (
            "bare sqlite3 at firstmate's pace",
            f"{first['paced_ceiling_ms_per_booking']:.2f} ms a booking in its transactions, against "
            f"{first['ceiling_ms_per_booking']:.2f} straight on and firstmate's {first['ms_in_store_transact']:.2f}",
            "",
        ),
        (
            "fanout_vs_sqlite_with_bare_store",
            f"{first['vs_sqlite_with_bare_store']:.2f} (firstmate's Python, bare sqlite3's writes at its pace)",
            "",
        ),
    ]
    for label, answers in (("", api), (", mail sent meanwhile", served)):
        for concurrency, a in answers.items():
            if concurrency == "outbox":
                continue
            others = ", ".join(f"{n} × {status}" for status, n in a["statuses"].items() if status != "201")
            failed = f" ({others})" if others else ""
            rows.append(
                (
                    f"POST /api/v1/bookings, {concurrency} client{'' if concurrency == '1' else 's'}{label}",
                    f"p50 {a['p50']:.0f} ms, p99 {a['p99']:.0f} ms, {a['bookings_per_s']:.0f} bookings/s{failed}",
                    "",
                )
            )
    outbox = served["outbox"]
    by_status = ", ".join(f"{n:,} {status}" for status, n in sorted(outbox["statuses"].items()))
    rows.append(
        (
            "their messages (firstmate serve's dispatcher)",
            f"{by_status}; the last {outbox['drained_after_s']:g} s after the last answer",
            "none left",
        )
    )
    for name, s in per_scale.items():
        rows.append(
            (
                f"{name}: {s['existing_bookings']:,} bookings stored",
                f"{s['ms_per_booking']:.1f} ms/booking ({s['vs_sqlite']:.2f} of bare SQLite)",
                "",
            )
        )
    rows.append(("cost per booking, 16× ÷ 1×", f"{growth:.2f}", "≈ 1 (linear)"))
    show(f"Booking fan-out ({first['bookings']} bookings per scale, {ROUNDS} rounds)", rows)


if __name__ == "__main__":
    main()
