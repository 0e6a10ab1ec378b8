"""Sparklines as small PNGs (matplotlib, Agg): the same numbers always give the same bytes."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display: charts are files and mail attachments

from matplotlib import pyplot

INK, ALERT, OK = "#0b3d5c", "#a4161a", "#2b7a3d"


def sparkline(series: list[float], *, colour: str = INK, width_px: int = 240, height_px: int = 72) -> bytes:
    """A 4:1 trend line of `series` with its last point marked, as PNG bytes."""
    figure, axes = pyplot.subplots(figsize=(width_px / 100, height_px / 100), dpi=100)
    try:
        xs = list(range(len(series)))
        axes.plot(xs, series, color=colour, linewidth=1.6)
        if series:
            axes.plot([xs[-1]], [series[-1]], "o", color=colour, markersize=3.5)
            axes.axvspan(len(series) - 4.5, len(series) - 0.5, color="#eef2f5", zorder=0)  # the 4-week window
        axes.set_axis_off()
        figure.subplots_adjust(0.02, 0.08, 0.98, 0.92)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()
    finally:
        pyplot.close(figure)
