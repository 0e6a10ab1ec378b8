"""Sparklines drawn on a kept canvas are byte for byte what a new figure draws."""

from __future__ import annotations

import io
import random
import threading

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from firstmate.reports.charts import ALERT, INK, sparkline


def _fresh(series: list[float], colour: str, width_px: int = 240, height_px: int = 72) -> bytes:
    """A sparkline on a new figure, as charts.py drew them before it kept a canvas."""
    figure = Figure(figsize=(width_px / 100, height_px / 100), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    xs = list(range(len(series)))
    axes.plot(xs, series, color=colour, linewidth=1.6)
    if series:
        axes.plot([xs[-1]], [series[-1]], "o", color=colour, markersize=3.5)
        axes.axvspan(len(series) - 4.5, len(series) - 0.5, color="#eef2f5", zorder=0)
    axes.set_axis_off()
    figure.subplots_adjust(0.02, 0.08, 0.98, 0.92)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def test_each_sparkline_is_what_a_new_figure_draws_whatever_came_before() -> None:
    rng = random.Random(11)
    cases: list[list[float]] = [[], [5.0], [1.0, 1.0], [0.0] * 16, [float(n) for n in range(16)], [-3.0, 2.0, 1e6]]
    cases += [[rng.uniform(-1000, 1000) for _ in range(rng.randint(1, 20))] for _ in range(25)]
    cases += [[rng.choice([0.0, 1.0, 100.0, 123_456.0]) for _ in range(16)] for _ in range(10)]
    for series in cases:
        colour = rng.choice([INK, ALERT])
        assert sparkline(series, colour=colour) == _fresh(series, colour), series
    assert sparkline([1.0, 3.0, 2.0], width_px=120, height_px=30) == _fresh([1.0, 3.0, 2.0], INK, 120, 30)


def test_threads_draw_on_their_own_canvas() -> None:
    series = [[float((n * k) % 17) for k in range(16)] for n in range(8)]
    expected = [_fresh(s, INK) for s in series]
    found: dict[int, list[bytes]] = {}

    def draw(n: int) -> None:
        found[n] = [sparkline(s) for s in series * 3]

    threads = [threading.Thread(target=draw, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(charts == expected * 3 for charts in found.values())
