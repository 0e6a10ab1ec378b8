"""Weekly KPI series from a CSV file: `series_id,metric,week_start,value,volume` (volume optional)."""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from datetime import date

from firstmate.domain.signal import METRICS, Point
from firstmate.errors import InvalidInput

COLUMNS = ("series_id", "metric", "week_start", "value", "volume")
#: No weekly KPI comes near this; beyond it a figure is a typo, and sums of such figures overflow.
MAX_MAGNITUDE = 1e12


def read_series(text: str) -> list[tuple[str, str, list[Point]]]:
    """(series id, metric, points oldest first) per series, in order of first appearance.

    Raises InvalidInput naming the row and column of the first problem."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    weeks: dict[str, dict[date, Point]] = defaultdict(dict)
    metrics: dict[str, str] = {}
    number = 1  # the row being read (1 is the header): where a csv.Error is reported
    try:
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header  # rows under these names too: " metric" read every metric as ''
        missing = [c for c in COLUMNS[:4] if c not in header]
        if missing:
            raise InvalidInput(f"the CSV needs the columns {', '.join(COLUMNS)}; missing: {', '.join(missing)}")
        number = 2
        for row in reader:
            sid, week, point = _row(number, row, metrics)
            if week in weeks[sid]:
                raise InvalidInput(f"row {number}: series {sid} has week {week} twice")
            weeks[sid][week] = point
            number += 1
    except csv.Error as exc:
        where = "the header" if number == 1 else f"row {number}"
        raise InvalidInput(
            f"{where}: cannot split this into fields: {exc}", hint="check for a quote left open"
        ) from None
    return [(sid, metrics[sid], [weeks[sid][w] for w in sorted(weeks[sid])]) for sid in metrics]


def _row(number: int, row: dict[str, str], metrics: dict[str, str]) -> tuple[str, date, Point]:
    sid, metric = (row.get("series_id") or "").strip(), (row.get("metric") or "").strip()
    if not sid:
        raise InvalidInput(f"row {number}: series_id is empty")
    if metric not in METRICS:
        raise InvalidInput(f"row {number}: metric {metric!r} is not one of {', '.join(METRICS)}")
    if metrics.setdefault(sid, metric) != metric:
        raise InvalidInput(f"row {number}: series {sid} mixes metrics {metrics[sid]} and {metric}")
    try:
        week = date.fromisoformat((row.get("week_start") or "").strip())
    except ValueError:
        raise InvalidInput(f"row {number}: week_start must be a date like 2026-08-03") from None
    value = _number(row.get("value"), number, "value")
    if value is None:
        raise InvalidInput(f"row {number}: value is empty")
    volume = _number(row.get("volume"), number, "volume")
    if volume is not None and volume < 0:
        raise InvalidInput(f"row {number}: volume {volume:g} is negative; it counts what the ratio rests on")
    return sid, week, Point(value, volume)


def _number(text: str | None, number: int, column: str) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(f"row {number}: {column} {text!r} is not a number") from None
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        raise InvalidInput(f"row {number}: {column} {text.strip()} is out of range; use a figure within ±1e12")
    return value
