"""Synthetic weekly KPI series of known kinds, to check the classifier beyond the labelled sample.

Every change is sized against the metric's own noise (3-5 weekly noise bands), so "sustained
adverse change" means what it means to a person reading the chart, not a fixed percentage."""

from __future__ import annotations

import math
import random

from firstmate.domain.signal import ADVERSE_UP, Point

KINDS = ("noise", "spike", "dip", "shift_adverse", "shift_favorable", "drift_adverse", "lowvol")
BASE = {"leads": 40.0, "bookings": 15.0, "impressions": 90_000.0, "revenue": 18_000.0, "cpl": 30.0, "ctr": 0.012}


def _poisson(rng: random.Random, mean: float) -> float:
    if mean > 50:
        return max(0.0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return float(k)
        k += 1


def series(rng: random.Random, kind: str, metric: str, weeks: int = 16) -> list[Point]:
    """One series of `kind` for `metric`; changes happen in the last 3-5 weeks."""
    base = BASE[metric] * rng.uniform(0.6, 1.6)
    if kind == "lowvol":
        base = rng.uniform(1.0, 4.0)
    noise = rng.uniform(0.05, 0.12)  # week-to-week spread of non-count metrics
    adverse = 1.0 if metric in ADVERSE_UP else -1.0
    # a "clear" change is 3-5 times the metric's own weekly noise (as a person reading the chart sees it)
    relative_noise = {"leads": 1 / math.sqrt(base), "bookings": 1 / math.sqrt(base), "cpl": 1 / math.sqrt(45)}
    size = min(max(rng.uniform(3, 5) * relative_noise.get(metric, noise), 0.2), 0.85)
    onset = weeks - rng.randint(3, 5)
    levels = [base] * weeks
    for week in range(weeks):
        if kind.startswith("shift") and week >= onset:
            sign = adverse if kind == "shift_adverse" else -adverse
            levels[week] = base * (1 + sign * size)
        if kind == "drift_adverse" and week >= weeks - 6:
            levels[week] = base * (1 + adverse * size * (week - (weeks - 7)) / 6)
    if kind == "spike":
        levels[-1] = base * (1 + size * 1.5)
    if kind == "dip":
        levels[rng.randint(weeks - 3, weeks - 1)] = base * (1 - size)
    points = []
    for level in levels:
        volume = None
        if metric in ("leads", "bookings") or kind == "lowvol":
            value = _poisson(rng, level)
        elif metric == "impressions":
            value = max(0.0, rng.gauss(level, level * noise))
        elif metric == "cpl":
            volume = float(max(1, int(_poisson(rng, 45))))
            value = level * rng.gauss(1, 1 / math.sqrt(volume))
        elif metric == "ctr":
            volume = float(int(rng.uniform(30_000, 150_000)))
            value = _poisson(rng, level * volume) / volume
        else:
            value = max(0.0, rng.gauss(level, level * noise))
        points.append(Point(value, volume))
    return points
