"""Signal quality: the stability-first classifier against the naive rule on the labelled sample.

The sample (`../shared/signal/`: 200 series of 16 weeks, each labelled) is read through the same
adapter as `firstmate signal classify --input`, and both rules judge each series' last week:

- firstmate: `firstmate.domain.signal.classify`;
- naive: ALERT when the last week moved more than 10% the adverse way from the week before; its
  direction is UP or DOWN when the last week moved more than 10% that way, else FLAT.

Scored as the README of the sample says: false alarms (ALERT where no sustained adverse change is
labelled), recall (ALERT where one is), direction right on noise and sustained changes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import record, show
from firstmate.adapters.sources.kpi_csv import read_series
from firstmate.domain.signal import ADVERSE_UP, Direction, Point, Status, classify

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "signal"
#: The kinds whose direction is judged (spikes, dips and thin series have no right direction but FLAT,
#: and are scored through false alarms instead).
JUDGED = ("noise", "shift_adverse", "shift_favorable", "drift_adverse")
Verdict = tuple[Direction, Status]


def naive(metric: str, points: list[Point]) -> Verdict:
    """The rule firstmate replaces: last week against the week before, 10% either way."""
    last, before = points[-1].value, points[-2].value
    change = (last - before) / abs(before) if before else 0.0
    direction = Direction.UP if change > 0.10 else Direction.DOWN if change < -0.10 else Direction.FLAT
    adverse = direction is not Direction.FLAT and (direction is Direction.UP) == (metric in ADVERSE_UP)
    return direction, Status.ALERT if adverse else Status.OK


def stability_first(metric: str, points: list[Point]) -> Verdict:
    """firstmate's classifier, as the weekly report and `firstmate signal classify` use it."""
    signal = classify(metric, points)
    return signal.direction, signal.status


def score(rule: Callable[[str, list[Point]], Verdict], cases: list[tuple[str, str, list[Point]]],
          truth: dict[str, dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    """False alarms, recall and direction of `rule` over the labelled cases, with their counts."""
    quiet = alarms = adverse = caught = judged = right = 0
    for series_id, metric, points in cases:
        label = truth[series_id]
        direction, status = rule(metric, points)
        alerted = status is Status.ALERT
        if label["alert"]:
            adverse += 1
            caught += alerted
        else:
            quiet += 1
            alarms += alerted
        if label["kind"] in JUDGED:
            judged += 1
            right += direction.value == label["direction"]
    return {
        "false_alarm_rate": round(alarms / quiet, 4), "false_alarms": alarms, "quiet": quiet,
        "recall": round(caught / adverse, 4), "caught": caught, "adverse": adverse,
        "direction": round(right / judged, 4), "direction_right": right, "judged": judged,
    }  # fmt: skip


def main() -> None:
    """Score both rules on the sample, print the table and record the figures."""
    if not SAMPLE.is_dir():
        raise SystemExit(f"the labelled sample is missing: expected {SAMPLE}")
    cases = read_series((SAMPLE / "sample.csv").read_text(encoding="utf-8"))
    truth: dict[str, dict[str, Any]] = json.loads((SAMPLE / "sample.truth.json").read_text())
    started = time.perf_counter()
    ours = score(stability_first, cases, truth)
    elapsed = time.perf_counter() - started
    theirs = score(naive, cases, truth)
    show(
        f"Signal quality: {len(cases)} labelled series, judged on the last week",
        [
            ("false alarms, firstmate", f"{ours['false_alarm_rate']:.1%} ({ours['false_alarms']} of {ours['quiet']})",
             "≤ 2%"),
            ("false alarms, naive", f"{theirs['false_alarm_rate']:.1%} ({theirs['false_alarms']} of {theirs['quiet']})",
             ""),
            ("recall, firstmate", f"{ours['recall']:.1%} ({ours['caught']} of {ours['adverse']})", "≥ 95%"),
            ("recall, naive", f"{theirs['recall']:.1%} ({theirs['caught']} of {theirs['adverse']})", ""),
            ("direction, firstmate", f"{ours['direction']:.1%} ({ours['direction_right']} of {ours['judged']})",
             "≥ 95%"),
            ("direction, naive", f"{theirs['direction']:.1%} ({theirs['direction_right']} of {theirs['judged']})", ""),
            ("classify time per series", f"{elapsed / len(cases) * 1e6:.0f} µs", ""),
        ],
    )  # fmt: skip
    record(
        {
            "signal_false_alarm_rate": ours["false_alarm_rate"],
            "signal_recall": ours["recall"],
            "signal_direction": ours["direction"],
            "signal_naive_false_alarm_rate": theirs["false_alarm_rate"],
            "signal_naive_recall": theirs["recall"],
            "signal_naive_direction": theirs["direction"],
        },
        details={"series": len(cases), "firstmate": ours, "naive": theirs, "classify_s": elapsed / len(cases)},
    )


if __name__ == "__main__":
    main()
