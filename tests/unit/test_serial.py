"""Report data as plain JSON values: what `serial.plain` makes of every role document and of a
week's facts is what `asdict` and `json` made of them, and a figure JSON cannot hold is null."""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from firstmate.domain.analysis import rules_analysis
from firstmate.domain.intel import compute_facts
from firstmate.domain.marketing import AdWeek
from firstmate.domain.reports.lenses import build_documents
from firstmate.domain.signal import Direction, Signal, Status
from firstmate.reports.serial import data_file, plain, to_plain
from firstmate.reports.weekly import render_weekly
from tests.unit.test_analysis_numbers import WEEK
from tests.unit.test_report_secrets import demo_snapshot


def _by_json(value: dict[str, Any]) -> Any:
    """What reports did before orjson: `asdict`, then `json` there and back."""
    return json.loads(json.dumps(value, default=to_plain))


def test_every_role_document_is_what_asdict_and_json_made_of_it() -> None:
    with tempfile.TemporaryDirectory(prefix="firstmate-serial-test-") as folder:
        documents = build_documents(demo_snapshot(folder))
    assert len(documents) == 8
    for document in documents.values():
        assert plain(document) == _by_json(asdict(document))


def test_a_figure_json_cannot_hold_is_null_and_the_rest_of_a_week_as_json_made_it() -> None:
    rows = [
        AdWeek("meta", "1001", "Spring | Leads", "Spring | Leads", "Spring | Leads/All", "All", "OUTCOME_LEADS",
               WEEK - timedelta(weeks=11 - n), Decimal(250 + 40 * (n % 3)), "USD", 20_000, 300, 9 + n % 4, 431)
        for n in range(12)
    ]  # fmt: skip
    facts = compute_facts("demo", WEEK, rows, [])
    analysis = rules_analysis(facts)
    data = render_weekly(facts, analysis, business="Saltwind Charters").data
    assert data == _by_json({"facts": asdict(facts), "analysis": asdict(analysis)})

    up_from_nothing = Signal(Direction.UP, Status.ALERT, math.inf, 4.2, "the last 3 weeks average 9 against 0")
    assert plain(up_from_nothing)["change"] is None  # json wrote the token Infinity, which JSON readers refuse
    json.dumps(plain({"facts": up_from_nothing}), allow_nan=False)


def test_what_orjson_cannot_write_goes_through_json() -> None:
    value = {"big": 2**70, "lone": "\ud800", "money": Decimal("1.50"), "day": WEEK, "none": math.nan}
    assert plain(value) == {"big": 2**70, "lone": "\ud800", "money": "1.50", "day": "2026-11-09", "none": None}


def test_the_stored_file_reads_back_as_the_data_whatever_orjson_can_write() -> None:
    for data in ({"title": "Ærøskøbing – 4 weeks", "cards": [{"raw": "1.50"}]}, {"big": 2**70, "lone": "\ud800"}):
        assert json.loads(data_file(data)) == data


@dataclass(frozen=True)
class _Odd:
    shown: int
    _hidden: int = 2

    @cached_property
    def worked_out(self) -> int:
        return self.shown * 3


def test_a_dataclass_is_its_fields_as_asdict_takes_them() -> None:
    odd = _Odd(1)
    assert odd.worked_out == 3  # now in its __dict__, which orjson alone would write
    assert plain({"odd": odd}) == _by_json({"odd": asdict(odd)}) == {"odd": {"shown": 1, "_hidden": 2}}
