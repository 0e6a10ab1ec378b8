"""Docs stay in step with the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from firstmate.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text()
    missing = [name for name in Settings.model_fields if f"| `{name}` |" not in text]
    assert missing == []


def test_the_readme_opens_with_the_two_commands() -> None:
    opening = (ROOT / "README.md").read_text().split("##")[0]
    assert "make demo" in opening and "make test" in opening


#: The figures the issue asks bench/results.json to carry, quoted in bold in docs/performance.md's headline table.
HEADLINES = ("fanout_vs_sqlite", "page_vs_starlette", "reports_s", "reports_peak_mb", "reports_vs_read")


def test_the_performance_docs_quote_the_figures_bench_results_json_holds() -> None:
    """Whoever commits a new bench/results.json updates the headline table (and its date) with it."""
    results = json.loads((ROOT / "bench" / "results.json").read_text())
    text = (ROOT / "docs" / "performance.md").read_text()
    measured = results["machine"]["measured_at"][:10]
    assert f"**Latest run:** {measured}" in text, f"docs/performance.md's latest run is not the one of {measured}"
    for name in HEADLINES:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{name}` |"))
        latest = re.search(r"\*\*([\d.]+)", row.split("|")[2])
        assert latest is not None, f"no figure in bold in the latest run's column for {name}"
        shown = latest.group(1)
        places = len(shown.partition(".")[2])
        recorded = results[name]
        assert float(shown) == round(recorded, places), f"{name}: the docs say {shown}, results.json {recorded}"
