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


def read_series(text: str) -> list[tuple[str, str, list[Point]]]:
    """(series id, metric, points oldest first) per series, in order of first appearance.

    Raises InvalidInput naming the row and column of the first problem."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS[:4] if c not in header]
    if missing:
        raise InvalidInput(f"the CSV needs the columns {', '.join(COLUMNS)}; missing: {', '.join(missing)}")
    weeks: dict[str, dict[date, Point]] = defaultdict(dict)
    metrics: dict[str, str] = {}
    for number, row in enumerate(reader, start=2):
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
        volume_text = (row.get("volume") or "").strip()
        volume = _number(volume_text, number, "volume") if volume_text else None
        if value is None:
            raise InvalidInput(f"row {number}: value is empty")
        if week in weeks[sid]:
            raise InvalidInput(f"row {number}: series {sid} has week {week} twice")
        weeks[sid][week] = Point(value, volume)
    return [(sid, metrics[sid], [weeks[sid][w] for w in sorted(weeks[sid])]) for sid in metrics]


def _number(text: str | None, number: int, column: str) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(f"row {number}: {column} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise InvalidInput(f"row {number}: {column} must be a finite number")
    return value
