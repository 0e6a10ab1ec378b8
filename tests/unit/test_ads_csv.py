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


def test_a_missing_or_misnamed_file_or_column_is_told_with_what_the_folder_and_header_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a review: "no ads file ads/2001.csv" named a folder relative to wherever the command ran, and
    neither the file the folder did hold (2001-ads.csv) nor the setting that names the folder; "lacks the
    columns landing_page_views" did not name the column written in its place (lpv)."""
    folder = tmp_path / "ads"
    folder.mkdir()
    (folder / "2001-ads.csv").write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidInput) as missing:
        CsvAdsSource(Path("ads")).pull("2001", date(2026, 11, 2), date(2026, 11, 9))
    said = str(missing.value)
    assert f"no ads file {folder / '2001.csv'}" in said, said  # where it was looked for, wherever that is
    assert "the folder holds 2001-ads.csv" in said and "FIRSTMATE_ADS_CSV_FOLDER" in said, said
    header = ",".join(COLUMNS).replace("landing_page_views", "lpv")
    (folder / "2001.csv").write_text(header + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as lacking:
        CsvAdsSource(folder).pull("2001", date(2026, 11, 2), date(2026, 11, 9))
    assert "2001.csv lacks the columns landing_page_views (it has lpv, which firstmate does not read)" in str(
        lacking.value
    ), lacking.value


def _with_currency(folder: Path, *cells: str) -> CsvAdsSource:
    lines = [",".join(COLUMNS) + ",currency"] + [
        f"2026-11-09,Spring,Harbour {n},OUTCOME_LEADS,1200.00,100,5,1,3,{cell}" for n, cell in enumerate(cells)
    ]
    (folder / "acct.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return CsvAdsSource(folder, currency="USD")


def test_a_file_may_name_its_currency_in_each_row_and_a_file_without_the_column_is_the_business_s(
    tmp_path: Path,
) -> None:
    """A review: an ads file could not name its currency, so a pesos account's figures were taken as the
    business's dollars. An optional currency column (ISO 4217, any case) names it, row by row."""
    source = _with_currency(tmp_path, "MXN", " mxn ")
    rows = source.parse(source.pull("acct", date(2026, 11, 9), date(2026, 11, 9)))
    assert [row.currency for row in rows] == ["MXN", "MXN"]
    _write(tmp_path, ["2026-11-09"])
    plain = CsvAdsSource(tmp_path, currency="EUR")
    assert [row.currency for row in plain.parse(plain.pull("acct", date(2026, 11, 9), date(2026, 11, 9)))] == ["EUR"]


@pytest.mark.parametrize(
    ("cells", "said"),
    [
        (("pesos",), "acct.csv row 2: currency must be an ISO 4217 code like USD, EUR or MXN, not 'pesos'"),
        (("MXN", "$"), "acct.csv row 3: currency must be an ISO 4217 code like USD, EUR or MXN, not '$'"),
        (("MXN", ""), "acct.csv row 3: currency is blank, and row 2's is MXN"),
        (("", "MXN"), "acct.csv row 3: currency is MXN, and row 2's is blank"),
    ],
)
def test_a_currency_that_is_no_code_or_left_blank_beside_one_is_refused_by_its_row(
    tmp_path: Path, cells: tuple[str, ...], said: str
) -> None:
    source = _with_currency(tmp_path, *cells)
    with pytest.raises(InvalidInput) as refused:
        source.pull("acct", date(2026, 11, 9), date(2026, 11, 9))
    assert said in str(refused.value), refused.value
    assert "currency" in str(refused.value.hint), refused.value.hint
