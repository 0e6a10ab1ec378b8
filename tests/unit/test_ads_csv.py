"""CSV ad files: rows read by their week, and a week that is no date refused by its row, wherever it is."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from firstmate.adapters.sources.ads_csv import COLUMNS, CsvAdsSource
from firstmate.errors import InvalidInput


def _write(folder: Path, weeks: list[str]) -> None:
    lines = [",".join(COLUMNS)] + [f"{week},Spring,Harbour,OUTCOME_LEADS,10.00,100,5,1,3" for week in weeks]
    (folder / "acct.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_only_the_weeks_asked_for_are_kept_however_often_a_week_repeats(tmp_path: Path) -> None:
    _write(tmp_path, ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-02", " 2026-11-09", "2026-11-16"])
    pages = CsvAdsSource(tmp_path).pull("acct", date(2026, 11, 2), date(2026, 11, 9))
    assert [row["row"] for row in pages[0]["body"]["data"]] == [3, 4, 5, 6]


@pytest.mark.parametrize("bad", ["2026-13-02", "next week", ""])
def test_a_week_that_is_no_date_is_refused_by_its_first_row_even_outside_the_weeks_asked(
    tmp_path: Path, bad: str
) -> None:
    _write(tmp_path, ["2026-11-02", bad, "2026-11-09", bad])
    with pytest.raises(InvalidInput, match=r"acct\.csv row 3: week_start must be a date"):
        CsvAdsSource(tmp_path).pull("acct", date(2026, 11, 9), date(2026, 11, 9))


@pytest.mark.parametrize("spend", ["-0.004", "-5", "1e26", "NaN"])
def test_a_spend_out_of_range_is_refused_naming_the_range_however_it_would_round(tmp_path: Path, spend: str) -> None:
    """A review: read to the cent, -0.004 became -0.00 and was taken, and 1e26 said "must be numbers"."""
    lines = [",".join(COLUMNS), f"2026-11-09,Spring,Harbour,OUTCOME_LEADS,{spend},100,5,1,3"]
    (tmp_path / "acct.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    source = CsvAdsSource(tmp_path)
    with pytest.raises(InvalidInput, match="spend must be an amount from 0 to"):
        source.parse(source.pull("acct", date(2026, 11, 9), date(2026, 11, 9)))
