"""`make bench` keeps working as the code changes: every benchmark runs (short, BENCH_QUICK=1) and
records each figure docs/performance.md reports. Only that they run and record is checked here;
their timings belong to bench/ and the docs, never to a test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: What the issue asks bench/results.json to carry, and what docs/performance.md quotes besides.
FIGURES = (
    "fanout_vs_sqlite", "page_vs_starlette", "reports_s", "reports_peak_mb", "reports_vs_read",
    "page_fastapi_floor_vs_starlette", "reports_scaling", "signal_false_alarm_rate", "signal_recall",
    "signal_direction", "signal_naive_false_alarm_rate", "page_built_vs_starlette", "page_mixed_rps",
    "fanout_store_vs_paced_sqlite", "fanout_vs_sqlite_with_bare_store", "fanout_latency_served_ms",
)  # fmt: skip
#: Each round's own ratio within the run (its spread), alongside the headline ratios.
ROUNDS = (
    "fanout_vs_sqlite_rounds", "page_vs_starlette_rounds", "page_built_vs_starlette_rounds", "reports_vs_read_rounds",
)  # fmt: skip


@pytest.mark.slow
@pytest.mark.timeout(1200)  # the quick run takes about 80 s alone; a loaded machine must not cut it off
def test_every_benchmark_runs_and_records_its_figures(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIRSTMATE_")}
    env.update(BENCH_QUICK="1", BENCH_RESULTS=str(results), COLUMNS="200")
    run = subprocess.run(
        [sys.executable, "-m", "bench"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200, check=False
    )
    assert run.returncode == 0, run.stderr[-3000:]
    recorded = json.loads(results.read_text())
    assert [name for name in FIGURES if name not in recorded] == []
    assert all(isinstance(recorded[name], float | int | dict) for name in FIGURES)
    assert all(recorded[name] and all(isinstance(r, float) for r in recorded[name]) for name in ROUNDS)
    assert set(recorded["scaling"]["page"]["trip_list_ms"]) == {"1x", "4x", "16x", "16x_over_1x"}
    mixed = recorded["details"]["bench_page"]["mixed"]  # guests from many addresses: opened, never limited
    assert mixed["requests"] > 0 and mixed["unexpected"] == 0
    assert all(recorded["details"][f"bench_{name}"]["quick"] for name in ("fanout", "page", "reports"))
    # the bookings posted to the app as `serve` runs it: every message they queued went, none dead
    outbox = recorded["details"]["bench_fanout"]["api_served"]["outbox"]["statuses"]
    assert set(outbox) == {"sent"} and outbox["sent"] > 0, outbox
    for table in ("Booking fan-out", "Crew event page", "Reports:", "Signal quality:"):
        assert table in run.stdout
