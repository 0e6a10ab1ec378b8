"""`firstmate signal`: classify weekly KPI series, stability first."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated

import typer

from firstmate.adapters.sources.kpi_csv import read_series
from firstmate.cli.common import example, input_file, utf8_text
from firstmate.domain.signal import classify

signal_cli = typer.Typer(help="KPI signals.", no_args_is_help=True)
MAX_FILE_BYTES = 10 * 1024 * 1024  # series of weekly figures: far more than years of them for every KPI


@signal_cli.command("classify", epilog=example("signal classify --input kpis.csv --explain"))
def signal_classify(
    input: Annotated[Path, typer.Option("--input", help="CSV: series_id,metric,week_start,value,volume")],
    explain: Annotated[bool, typer.Option(help="Add the change, z and reason to each line.")] = False,
) -> None:
    """Print one JSON line per series: its last week's direction (UP, DOWN, FLAT) and status (ALERT, OK)."""
    for series_id, metric, points in read_series(utf8_text(input_file(input, MAX_FILE_BYTES))):
        verdict = classify(metric, points)
        line: dict[str, object] = {
            "series_id": series_id,
            "direction": verdict.direction.value,
            "status": verdict.status.value,
        }
        if explain:
            line.update(change=_figure(verdict.change, 4), z=_figure(verdict.z, 2), reason=verdict.reason)
        sys.stdout.write(json.dumps(line, allow_nan=False) + "\n")


def _figure(value: float, digits: int) -> float | None:
    """The rounded figure, or null where it has no finite value (a change from a zero baseline):
    JSON has no Infinity."""
    return round(value, digits) if math.isfinite(value) else None
