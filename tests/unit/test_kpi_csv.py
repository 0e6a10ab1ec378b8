"""Reading weekly KPI series from CSV: every bad row is an InvalidInput naming it."""

from __future__ import annotations

import math

import pytest

from firstmate.adapters.sources.kpi_csv import read_series
from firstmate.domain.signal import Direction, Point, classify
from firstmate.errors import InvalidInput

HEADER = "series_id,metric,week_start,value,volume\n"


def test_a_field_too_large_for_the_csv_module_names_its_row() -> None:
    text = HEADER + "a,leads,2026-01-05,10,\n" + 'a,leads,2026-01-12,"' + "x" * 140_000 + '",\n'
    with pytest.raises(InvalidInput, match=r"^row 3: cannot split this into fields: field larger than field limit"):
        read_series(text)


def test_a_quote_left_open_in_the_header_names_the_header() -> None:
    with pytest.raises(InvalidInput, match=r"^the header: cannot split this into fields"):
        read_series('series_id,"metric' + "x" * 140_000 + "\n")


@pytest.mark.parametrize("value", ["1e308", "-1e308", "1.5e12", "inf", "-inf", "nan"])
def test_absurd_and_non_finite_values_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput, match=rf"^row 2: value {value} is out of range"):
        read_series(HEADER + f"a,revenue,2026-01-05,{value},\n")


def test_a_large_but_plausible_value_is_read() -> None:
    [(_, _, points)] = read_series(HEADER + "a,impressions,2026-01-05,900000000000,\n")
    assert points == [Point(9e11, None)]


def test_a_negative_volume_is_refused_and_zero_is_read() -> None:
    with pytest.raises(InvalidInput, match=r"^row 2: volume -3 is negative"):
        read_series(HEADER + "a,cpl,2026-01-05,25.5,-3\n")
    [(_, _, points)] = read_series(HEADER + "a,cpl,2026-01-05,25.5,0\n")
    assert points == [Point(25.5, 0.0)]


def test_a_change_from_a_zero_baseline_is_infinite_but_its_reason_says_the_level() -> None:
    verdict = classify("revenue", [Point(v) for v in (-1, 0, 1, -2, 2, 0, 50, 500, 500, 500)])
    assert verdict.direction is Direction.UP and math.isinf(verdict.change)
    assert verdict.reason == "the last 3 weeks average 500 against a usual level of 0"


def test_a_header_with_a_space_after_each_comma_is_read_as_its_rows_are() -> None:
    """The header passed its check with its names stripped, but rows were read under the names as written
    (" metric"): every row was refused as "metric '' is not one of leads, cpl, …"."""
    [(series, metric, points)] = read_series("series_id, metric, week_start, value\nA, leads, 2026-11-02, 30\n")
    assert (series, metric, points) == ("A", "leads", [Point(30.0, None)])
