"""Sparklines as small PNGs (matplotlib's Agg canvas, imported at the first chart): the same numbers
always give the same bytes.

Making a figure and its axes costs two thirds of a sparkline, so each thread keeps one canvas per
size and draws every chart on it afresh: the previous chart's lines and band are removed and the
data limits start over, which draws exactly what a new figure would (tests compare the bytes).
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

INK, ALERT, OK = "#0b3d5c", "#a4161a", "#2b7a3d"

_LOCAL = threading.local()  # a figure is not safe to draw on from two threads at once


def sparkline(series: Sequence[float | None], *, colour: str = INK, width_px: int = 240, height_px: int = 72) -> bytes:
    """A 4:1 trend line of `series` with its last point marked, as PNG bytes; a week without a figure
    (None) is a gap in the line."""
    figure, axes = _canvas(width_px, height_px)
    for artist in [*axes.lines, *axes.patches]:  # what the previous chart drew here
        artist.remove()
    axes.relim()
    axes.ignore_existing_data_limits = True
    axes.autoscale(enable=True)
    xs = list(range(len(series)))
    ys = [math.nan if v is None else v for v in series]
    axes.plot(xs, ys, color=colour, linewidth=1.6)
    if series and series[-1] is not None:
        axes.plot([xs[-1]], [ys[-1]], "o", color=colour, markersize=3.5)
        axes.axvspan(len(series) - 4.5, len(series) - 0.5, color="#eef2f5", zorder=0)  # the 4-week window
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _canvas(width_px: int, height_px: int) -> tuple[Figure, Axes]:
    """This thread's figure of that size, with its axes off and its margins set (made once)."""
    canvases: dict[tuple[int, int], tuple[Figure, Axes]] = _LOCAL.__dict__.setdefault("canvases", {})
    if (width_px, height_px) not in canvases:
        # imported at the first chart: matplotlib is a second of every CLI command's start otherwise
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # no display: charts are files
        from matplotlib.figure import Figure

        figure = Figure(figsize=(width_px / 100, height_px / 100), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.subplots()
        axes.set_axis_off()
        figure.subplots_adjust(0.02, 0.08, 0.98, 0.92)
        canvases[(width_px, height_px)] = (figure, axes)
    return canvases[(width_px, height_px)]
