"""What every benchmark shares: the results file, the machine it ran on, a table on screen.

Each benchmark is a script (`python bench/<name>.py`, all of them by `make bench`) that measures
ratios within one run, so that the machine's speed and noise cancel out, and merges its figures
into bench/results.json under its own keys.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

#: Where figures are merged: bench/results.json, or BENCH_RESULTS (the test that runs every benchmark).
RESULTS = Path(os.environ.get("BENCH_RESULTS") or Path(__file__).resolve().parent / "results.json")
#: BENCH_QUICK=1: a short smoke run of each benchmark (its figures are marked `quick`).
QUICK = os.environ.get("BENCH_QUICK") == "1"
console = Console()


def machine() -> dict[str, Any]:
    """The machine and software the figures come from."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def record(figures: dict[str, Any], *, details: dict[str, Any] | None = None) -> None:
    """Merge `figures` (the headline keys, such as `fanout_vs_sqlite`) and `details` (under
    `details.<script>`) into bench/results.json, keeping other benchmarks' entries."""
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update(figures)
    results["machine"] = machine()
    if details is not None:
        # the benchmark's own module (bench.bench_fanout), also when `python -m bench` runs it
        spec = sys._getframe(1).f_globals.get("__spec__")
        script = spec.name.rpartition(".")[2] if spec is not None else Path(sys.argv[0]).stem
        results.setdefault("details", {})[script] = details
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


def ratio_span(ratios: list[float]) -> str:
    """The lowest and highest of a run's per-round ratios, as `0.61–0.70`."""
    return f"{min(ratios):.2f}–{max(ratios):.2f}"


def show(title: str, rows: list[tuple[str, str, str]]) -> None:
    """Print a table of (measure, value, goal) rows."""
    table = Table("measure", "value", "goal", title=title)
    for row in rows:
        table.add_row(*row)
    console.print(table)
