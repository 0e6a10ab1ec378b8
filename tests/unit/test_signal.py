"""The stability-first classifier: on the labelled sample, on synthetic series, and by hand."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from firstmate.domain.signal import Direction, Point, Status, classify
from tests.unit.signal_synth import KINDS, series

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "signal"
FIRSTMATE = Path(sys.executable).with_name("firstmate")


def _score(cases: list[tuple[str, str, list[Point], dict[str, object]]]) -> tuple[float, float, float]:
    false_alarms = quiet = caught = adverse = right = judged = 0
    for _, metric, points, truth in cases:
        verdict = classify(metric, points)
        alerted = verdict.status is Status.ALERT
        if truth["alert"]:
            adverse += 1
            caught += alerted
        else:
            quiet += 1
            false_alarms += alerted
        if truth["kind"] in ("noise", "shift_adverse", "shift_favorable", "drift_adverse"):
            judged += 1
            right += verdict.direction.value == truth["direction"]
    return false_alarms / quiet, caught / adverse, right / judged


def test_the_labelled_sample_meets_the_targets() -> None:
    assert SAMPLE.is_dir(), "the labelled sample lives in ../shared/signal beside the repository"
    truth = json.loads((SAMPLE / "sample.truth.json").read_text())
    points: dict[str, list[Point]] = defaultdict(list)
    metric: dict[str, str] = {}
    for row in csv.DictReader((SAMPLE / "sample.csv").open()):
        volume = float(row["volume"]) if row["volume"] else None
        points[row["series_id"]].append(Point(float(row["value"]), volume))
        metric[row["series_id"]] = row["metric"]
    false_alarms, recall, direction = _score([(s, metric[s], points[s], truth[s]) for s in truth])
    assert false_alarms <= 0.02 and recall >= 0.95 and direction >= 0.95, (false_alarms, recall, direction)


def test_it_generalises_to_series_it_was_not_tuned_on() -> None:
    rng = random.Random(1729)
    cases = []
    for n in range(1400):
        kind = KINDS[n % len(KINDS)]
        metric = rng.choice(
            ["leads", "bookings"] if kind == "lowvol" else ["leads", "bookings", "impressions", "revenue", "cpl", "ctr"]
        )
        adverse_up = metric == "cpl"
        direction = {
            "shift_adverse": "UP" if adverse_up else "DOWN",
            "drift_adverse": "UP" if adverse_up else "DOWN",
            "shift_favorable": "DOWN" if adverse_up else "UP",
        }.get(kind, "FLAT")
        truth = {"kind": kind, "alert": kind in ("shift_adverse", "drift_adverse"), "direction": direction}
        cases.append((str(n), metric, series(rng, kind, metric), truth))
    false_alarms, recall, direction = _score(cases)
    # a looser bar than the sample's: these are other shapes and sizes, not tuned on (see docs/signal.md)
    assert false_alarms <= 0.03 and recall >= 0.85 and direction >= 0.88, (false_alarms, recall, direction)


@pytest.mark.parametrize(
    ("metric", "values", "direction", "status"),
    [
        ("leads", [40, 38, 42, 41, 39, 40, 43, 37, 41, 40, 39, 42, 41, 40, 38, 80], Direction.FLAT, Status.OK),  # spike
        ("leads", [40, 38, 42, 41, 39, 40, 43, 37, 41, 40, 39, 42, 22, 20, 21, 19], Direction.DOWN, Status.ALERT),
        ("leads", [40, 38, 42, 41, 39, 40, 43, 37, 41, 40, 39, 42, 60, 62, 58, 61], Direction.UP, Status.OK),
        ("leads", [2, 3, 1, 2, 4, 2, 3, 2, 1, 3, 2, 2, 0, 0, 1, 0], Direction.FLAT, Status.OK),  # too thin to read
        (
            "revenue",
            [100, 104, 97, 101, 99, 103, 98, 100, 102, 99, 101, 100, 58, 101, 99, 100],
            Direction.FLAT,
            Status.OK,
        ),
    ],
)
def test_by_hand(metric: str, values: list[float], direction: Direction, status: Status) -> None:
    verdict = classify(metric, [Point(v) for v in values])
    assert (verdict.direction, verdict.status) == (direction, status)


def test_a_rising_cost_per_lead_with_enough_leads_alerts() -> None:
    values = [30, 31, 29, 30, 32, 30, 29, 31, 30, 30, 31, 29, 41, 43, 42, 44]
    verdict = classify("cpl", [Point(v, 60) for v in values])
    assert (verdict.direction, verdict.status) == (Direction.UP, Status.ALERT)
    thin = classify("cpl", [Point(v, 4) for v in values])
    assert (thin.direction, thin.status) == (Direction.FLAT, Status.OK)


def test_the_cli_prints_one_json_line_per_series_and_names_bad_rows(tmp_path: Path) -> None:
    good = tmp_path / "kpi.csv"
    rows = ["series_id,metric,week_start,value,volume"]
    rows += [f"a,leads,2026-{(w // 4) + 1:02d}-{(w % 4) * 7 + 1:02d},{40 if w < 12 else 20}," for w in range(16)]
    good.write_text("\n".join(rows) + "\n")
    done = subprocess.run([FIRSTMATE, "signal", "classify", "--input", str(good)], capture_output=True, text=True)
    assert done.returncode == 0 and json.loads(done.stdout) == {
        "series_id": "a",
        "direction": "DOWN",
        "status": "ALERT",
    }
    bad = tmp_path / "bad.csv"
    bad.write_text("series_id,metric,week_start,value,volume\na,followers,2026-01-01,3,\n")
    refused = subprocess.run([FIRSTMATE, "signal", "classify", "--input", str(bad)], capture_output=True, text=True)
    assert refused.returncode == 2 and "row 2: metric 'followers'" in refused.stderr
