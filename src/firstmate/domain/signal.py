"""Stability-first KPI signals: a change is news only if it is directional, sustained and beyond noise.

For each weekly series the classifier judges the last week against a robust baseline (the weeks
before the last four): the centre is the median, the spread the larger of the median absolute
deviation and what the metric's own noise model allows (Poisson for counts; binomial or
count-based for ratios with their volume). A change counts when the last three weeks all sit on the
same side of the baseline, the three-week mean is well outside the noise band, and enough volume
stands behind it. A single odd week, high or low, is [FLAT]. The status is [ALERT] only for a
sustained change in the adverse direction (cost per lead up; everything else down).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    """Which way a KPI has moved, if it has moved at all."""

    UP = "UP"
    DOWN = "DOWN"
    FLAT = "FLAT"


class Status(StrEnum):
    """Whether the change calls for attention."""

    ALERT = "ALERT"
    OK = "OK"


#: Metrics whose rise is bad news; for every other metric a fall is.
ADVERSE_UP = frozenset({"cpl", "cost", "spend_per_lead", "cpc", "cpm"})
COUNTS = frozenset({"leads", "bookings", "impressions", "clicks"})
METRICS = ("leads", "cpl", "ctr", "impressions", "bookings", "revenue")


@dataclass(frozen=True)
class Point:
    """One week of one KPI; `volume` is what a ratio rests on (leads behind a CPL, impressions behind a CTR)."""

    value: float
    volume: float | None = None


@dataclass(frozen=True)
class Signal:
    """The verdict on a series' last week, with the figures behind it."""

    direction: Direction
    status: Status
    change: float  # relative change of the recent mean against the baseline centre (inf from a zero centre)
    z: float  # how many noise bands the recent mean sits from the centre
    reason: str


@dataclass(frozen=True)
class Tuning:
    """The classifier's thresholds (documented defaults; see docs/signal.md)."""

    recent: int = 3  # weeks that must agree for a change to be sustained
    window: int = 4  # the rolling window judged against the baseline
    z_mean: float = 3.0  # the recent mean must sit this many standard errors out
    z_each: float = 1.0  # and every recent week at least this many spreads out, same side
    min_change: float = 0.10  # and move at least 10% from the centre
    min_count: float = 5.0  # counts below this per week are too thin to read
    min_volume: float = 20.0  # ratios need this much volume behind each week
    min_baseline: int = 6  # weeks of history needed before judging at all


DEFAULT = Tuning()
#: The reason given for a series too short to judge (fewer than `min_baseline` + `window` weeks).
TOO_SHORT = "not enough history"


def classify(metric: str, points: list[Point], tuning: Tuning = DEFAULT) -> Signal:
    """Direction and status of the last week of `points` (oldest first)."""
    history = points[: -tuning.window]
    recent = points[-tuning.recent :]
    if len(history) < tuning.min_baseline or len(points) < tuning.window + 1:
        return _flat(TOO_SHORT)
    centre = statistics.median(p.value for p in history)
    thin = _too_thin(metric, history, recent, centre, tuning)
    if thin:
        return _flat(thin)
    spread = _spread(metric, history, centre)
    if spread <= 0:
        return _flat("no variation to judge against")
    recent_mean = statistics.fmean(p.value for p in recent)
    z = (recent_mean - centre) / (spread / math.sqrt(len(recent)))
    change = (recent_mean - centre) / abs(centre) if centre else math.inf
    sides = [(p.value - centre) / spread for p in recent]
    sustained = all(s >= tuning.z_each for s in sides) or all(s <= -tuning.z_each for s in sides)
    if not sustained or abs(z) < tuning.z_mean or abs(change) < tuning.min_change:
        return Signal(Direction.FLAT, Status.OK, change, z, "within normal variation")
    direction = Direction.UP if z > 0 else Direction.DOWN
    adverse = (direction is Direction.UP) == (metric in ADVERSE_UP)
    against = f"{change:+.0%} against the usual level" if centre else f"{recent_mean:,.4g} against a usual level of 0"
    reason = f"the last {len(recent)} weeks average {against}"
    return Signal(direction, Status.ALERT if adverse else Status.OK, change, z, reason)


def _flat(reason: str) -> Signal:
    return Signal(Direction.FLAT, Status.OK, 0.0, 0.0, reason)


def _too_thin(metric: str, history: list[Point], recent: list[Point], centre: float, tuning: Tuning) -> str:
    if metric in COUNTS and centre < tuning.min_count:
        return f"too few {metric} per week to read a trend"
    volumes = [p.volume for p in history + recent if p.volume is not None]
    if volumes and statistics.median(volumes) < tuning.min_volume:
        return "too little volume behind this ratio"
    return ""


def _spread(metric: str, history: list[Point], centre: float) -> float:
    values = [p.value for p in history]
    mad = statistics.median(abs(v - centre) for v in values) * 1.4826
    model = 0.0
    if metric in COUNTS:
        model = math.sqrt(max(centre, 1.0))  # Poisson: counts wobble by about their square root
    volumes = [p.volume for p in history if p.volume]
    if volumes:
        volume = statistics.median(volumes)
        if metric == "ctr":
            model = math.sqrt(max(centre * (1 - centre), 0.0) / volume)
        else:  # a cost per lead rests on a lead count: relative noise ~ 1/sqrt(leads)
            model = abs(centre) / math.sqrt(volume)
    return max(mad, model, abs(centre) * 0.02)
