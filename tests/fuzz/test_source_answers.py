"""Hostile answers from the report's sources (Meta's insights pages, HubSpot's contact searches, an
ads CSV file): parsing gives rows whose figures a report can trust (finite, from 0 up, times with
their offset) or a typed error naming the source and the row, never another exception."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from firstmate.adapters.sources.ads_csv import COLUMNS, CsvAdsSource
from firstmate.adapters.sources.hubspot import HubSpotSource
from firstmate.adapters.sources.meta_ads import MetaAdsSource
from firstmate.domain.marketing import MAX_FIGURE, AdWeek, CrmLead
from firstmate.errors import InvalidInput, SourceError
from tests.fuzz.strategies import FUZZ, examples, hostile

T = TypeVar("T")
WEEK = date(2026, 11, 9)
META = MetaAdsSource("http://127.0.0.1:9", lambda: "token")  # parsing only: nothing is called
HUBSPOT = HubSpotSource("http://127.0.0.1:9", lambda: "token")
#: Any JSON value, as a changed or broken API could send it.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | hostile,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
figures = st.one_of(
    st.sampled_from(["0", "12.50", "NaN", "Infinity", "-1", "1e400", "1e12", "1.5", "", " 7", "0x10", "١٢"]),
    st.integers(-(10**15), 10**15), st.floats(), json_values,
)  # fmt: skip


def _insight(draw: st.DrawFn) -> dict[str, Any]:
    """An ad-set row of Meta's insights, valid but for up to three fields changed, dropped or added."""
    row: dict[str, Any] = {
        "account_id": "1001", "campaign_id": "23850000001", "campaign_name": "Sunset sails", "adset_id": "23850000011",
        "adset_name": "Locals 25-44", "objective": "OUTCOME_LEADS", "spend": "84.10", "impressions": "5120",
        "clicks": "71", "date_start": WEEK.isoformat(), "date_stop": "2026-11-15",
        "actions": [{"action_type": "lead", "value": "3"}, {"action_type": "landing_page_view", "value": "40"}],
    }  # fmt: skip
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from([*row, "actions", "extra"]))
        change = draw(st.sampled_from(["figure", "any", "drop", "action"]))
        if change == "drop":
            row.pop(name, None)
        elif change == "action":
            row["actions"] = [
                {"action_type": draw(st.sampled_from(["lead", "landing_page_view"])), "value": draw(figures)}
            ]
        else:
            row[name] = draw(figures if change == "figure" else json_values)
    return row


@st.composite
def meta_pages(draw: st.DrawFn) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 2))):
        body: Any = {"data": [_insight(draw) for _ in range(draw(st.integers(0, 3)))]}
        if draw(st.integers(0, 9)) == 0:  # now and then the whole body is broken
            body = draw(st.one_of(json_values, st.fixed_dictionaries({"data": json_values})))
        pages.append({"request": {}, "body": body})
    return pages


def _read_or_refused(
    parse: Callable[[list[dict[str, Any]]], list[T]], pages: list[dict[str, Any]], source: str
) -> list[T] | None:
    """What `parse` made of the pages, or None when it refused them with a SourceError naming `source`."""
    try:
        found = parse(pages)
    except SourceError as exc:
        event("refused")
        assert exc.message.startswith(f"{source} answered ") and exc.hint
        return None
    event("read")
    return found


def _trusted(rows: list[AdWeek]) -> None:
    for row in rows:
        assert row.spend.is_finite() and Decimal(0) <= row.spend <= MAX_FIGURE
        assert all(0 <= n <= MAX_FIGURE for n in (row.impressions, row.clicks, row.leads, row.landing_page_views))
        assert isinstance(row.week_start, date) and row.campaign_id and row.adset_id


@settings(FUZZ, max_examples=examples(300))
@given(pages=meta_pages())
def test_any_meta_insights_page_gives_trusted_rows_or_a_source_error(pages: list[dict[str, Any]]) -> None:
    rows = _read_or_refused(META.parse, pages, "Meta")
    if rows is not None:
        _trusted(rows)


@st.composite
def hubspot_pages(draw: st.DrawFn) -> list[dict[str, Any]]:
    results = []
    for n in range(draw(st.integers(0, 4))):
        props: dict[str, Any] = {"createdate": "2026-11-10T16:04:05.120Z", "hs_analytics_source": "PAID_SOCIAL"}
        result: Any = {"id": str(1000 + n), "properties": props, "createdAt": "2026-11-10T16:04:05.120Z"}
        for _ in range(draw(st.integers(0, 2))):
            target = draw(st.sampled_from(["id", "properties", "createdAt", "createdate", "hs_analytics_source"]))
            value = draw(st.one_of(json_values, st.sampled_from(["2026-11-10", "2026-11-10T10:00:00", "x", ""])))
            (props if target in props else result)[target] = value
        if draw(st.integers(0, 9)) == 0:
            result = draw(json_values)
        results.append(result)
    return [{"request": {}, "body": {"results": results, "total": len(results)}}]


@settings(FUZZ, max_examples=examples(300))
@given(pages=hubspot_pages())
def test_any_hubspot_search_page_gives_leads_with_their_offset_or_a_source_error(pages: list[dict[str, Any]]) -> None:
    for lead in _read_or_refused(HUBSPOT.parse, pages, "HubSpot") or []:
        assert isinstance(lead, CrmLead) and lead.id and isinstance(lead.created, datetime)
        assert lead.created.tzinfo is not None


@settings(FUZZ, max_examples=examples(100))
@given(cells=st.lists(st.tuples(st.sampled_from(COLUMNS[4:]), figures.map(str)), max_size=4))
def test_an_ads_csv_with_any_figures_gives_trusted_rows_or_names_the_row(
    tmp_path_factory: Any, cells: list[tuple[str, str]]
) -> None:
    folder = Path(tmp_path_factory.mktemp("ads"))
    valid = [WEEK.isoformat(), "Sunset sails", "Locals", "OUTCOME_LEADS", "84.10", "5120", "71", "3", "40"]
    row = dict(zip(COLUMNS, valid, strict=True))
    row.update(cells)
    text = io.StringIO()
    csv.writer(text).writerows([COLUMNS, [row[c] for c in COLUMNS]])
    (folder / "1001.csv").write_text(text.getvalue(), encoding="utf-8")
    source = CsvAdsSource(folder)
    try:
        rows = source.parse(source.pull("1001", WEEK, WEEK))
    except InvalidInput as exc:
        event("refused")
        assert exc.message.startswith("1001.csv row 2: ")
        return
    event("read")
    assert len(rows) == 1
    _trusted(rows)


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"\xff\xfe\x00w\x00e", "1001.csv is not UTF-8 text"), (b'a,"' + b"x" * 200_000, "cannot be read")],
)
def test_an_ads_file_that_is_not_utf8_or_not_csv_is_one_error_naming_it(
    tmp_path: Path, content: bytes, says: str
) -> None:
    (tmp_path / "1001.csv").write_bytes(content)
    with pytest.raises(InvalidInput, match=says):
        CsvAdsSource(tmp_path).pull("1001", WEEK, WEEK)
