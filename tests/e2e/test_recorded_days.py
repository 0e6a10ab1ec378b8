"""A delivery's collected_on records money come in, revenue's recorded_on the day the books show a line and
business.yaml's cash.as_of the day of a bank balance: each records what has happened. A collected_on with nothing
collected was taken (a job "paid" on a day with no money), and a recorded_on or an as_of typed 2062 for 2026 was
taken too (the line out of every report's books until then; the CFO's runway read unknown). Each is refused, by
file, row and field, by `data import` (a dry run too) and the admin form alike, and nothing is stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.sources.data_folder import read_data_folder
from firstmate.bootstrap import App, build
from firstmate.config import Settings
from firstmate.domain.intake import RowError
from firstmate.domain.snapshot import Finance
from firstmate.errors import DataRejected
from firstmate.services.data import check_data, data_rows, import_data
from tests.security.conftest import operator

DELIVERIES = "id,entity,client,promised,delivered,billed,collected,billed_on,collected_on\n"
REVENUE = "id,entity,asset,source,recorded_on,service_date,amount,deposit,reference\n"
#: Saturday 21 November 2026, noon in the demo business's zone (Los Angeles).
NOW = datetime(2026, 11, 21, 20, 0, tzinfo=UTC)


def _business(as_of: str) -> str:
    return f"currency: USD\ncash:\n  balance: 42000\n  as_of: {as_of}\n"


def _folder(tmp_path: Path, files: dict[str, str]) -> dict:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    raw = read_data_folder(tmp_path)
    assert not isinstance(raw, list), raw
    return raw


def _stored(app: App) -> tuple[object, ...]:
    return tuple(data_rows(app.store, "demo", kind) for kind in ("deliveries", "revenue", "finance"))


def test_a_collection_of_nothing_and_days_recorded_after_today_are_refused_by_row(
    data_app: App, clock: FixedClock, tmp_path: Path
) -> None:
    clock.set(NOW)
    before = _stored(data_app)
    raw = _folder(
        tmp_path,
        {
            "deliveries.csv": DELIVERIES
            + "BW-980,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,3400,,2026-10-03,2026-10-20\n"
            "BW-981,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,3400,0.00,2026-10-03,2026-10-20\n"
            "BW-982,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,3400,1700,2026-10-03,2026-10-20\n",  # part
            "revenue.csv": REVENUE + "R-980,keel-advisory,,direct,2062-11-02,2026-11-02,1200,false,JOB-980\n"
            "R-981,keel-advisory,,direct,2026-11-21,2026-12-02,400,true,DEP-981\n",  # recorded today: taken
            "business.yaml": _business("2062-11-20"),
        },
    )
    with pytest.raises(DataRejected) as refused:
        check_data(data_app.store, "demo", raw, clock=data_app.clock)
    assert refused.value.errors == [
        RowError(
            "business.yaml, field cash.as_of",
            "2062-11-20 is after today (2026-11-21 in America/Los_Angeles): cash.as_of is the day the bank held "
            "that balance, which has happened; correct the date (a year mistyped?), or give the balance of today "
            "or an earlier day",
        ),
        RowError(
            "deliveries.csv row 1 (line 2), field collected",
            "is empty while collected_on is 2026-10-20: write the amount collected, or leave collected_on empty "
            "until it is paid",
        ),
        RowError(
            "deliveries.csv row 2 (line 3), field collected",
            "is 0.00 while collected_on is 2026-10-20: write the amount collected, or leave collected_on empty "
            "until it is paid",
        ),
        RowError(
            "revenue.csv row 1 (line 2), field recorded_on",
            "2062-11-02 is after today (2026-11-21 in America/Los_Angeles): recorded_on is the day the books show "
            "it, which has happened; correct the date (a year mistyped?), or leave the line out until it is recorded",
        ),
    ]
    assert _stored(data_app) == before  # nothing stored

    (tmp_path / "deliveries.csv").unlink()
    (tmp_path / "revenue.csv").unlink()
    ok = _folder(tmp_path, {"business.yaml": _business("2026-11-21")})  # the balance of today is taken
    import_data(data_app.store, "demo", check_data(data_app.store, "demo", ok, clock=data_app.clock))
    ((_, finance),) = data_rows(data_app.store, "demo", "finance")
    assert isinstance(finance, Finance) and finance.cash is not None and str(finance.cash.as_of) == "2026-11-21"


def test_the_admin_form_refuses_the_same_rows(data_app: App, clock: FixedClock) -> None:
    clock.set(NOW)
    admin = operator(data_app)
    job = {"id": "BW-985", "entity": "bluewater-delivery", "client": "Marlow Studio", "promised": "2026-10-01",
           "delivered": "2026-10-02", "billed": "3400", "billed_on": "2026-10-03",
           "collected_on": "2026-10-20"}  # fmt: skip
    nothing = admin.post("/admin/data/demo/deliveries", data={**job, "collected": "0"})
    assert nothing.status_code == 422 and "is 0 while collected_on is 2026-10-20" in nothing.text
    line = {"id": "R-985", "entity": "keel-advisory", "asset": "", "source": "direct", "service_date": "2026-11-02",
            "amount": "1200", "deposit": "false", "reference": "JOB-985"}  # fmt: skip
    future = admin.post("/admin/data/demo/revenue", data={**line, "recorded_on": "2026-11-22"})
    assert future.status_code == 422
    assert "2026-11-22 is after today (2026-11-21 in America/Los_Angeles): recorded_on is" in future.text
    assert all(key != "BW-985" for key, _ in data_rows(data_app.store, "demo", "deliveries"))
    assert all(key != "R-985" for key, _ in data_rows(data_app.store, "demo", "revenue"))
    paid = admin.post("/admin/data/demo/deliveries", data={**job, "collected": "3400"}, follow_redirects=False)
    assert paid.status_code == 303, paid.text
    today = admin.post("/admin/data/demo/revenue", data={**line, "recorded_on": "2026-11-21"}, follow_redirects=False)
    assert today.status_code == 303, today.text


def test_data_import_says_each_row_and_imports_nothing(home: Path, tmp_path: Path) -> None:
    """Through the CLI, on the real clock: a dry run and an import alike name the file, row and field."""
    from typer.testing import CliRunner

    from firstmate.cli import cli

    data = tmp_path / "data"
    data.mkdir()
    (data / "deliveries.csv").write_text(
        DELIVERIES + "BW-980,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,3400,,2026-10-03,2026-10-20\n",
        encoding="utf-8",
    )
    (data / "revenue.csv").write_text(
        REVENUE + "R-980,keel-advisory,,direct,2062-11-02,2026-11-02,1200,false,JOB-980\n", encoding="utf-8"
    )
    (data / "business.yaml").write_text(_business("2062-11-20"), encoding="utf-8")
    for dry_run in (["--dry-run"], []):
        result = CliRunner().invoke(cli, ["data", "import", str(data), *dry_run], env={"FIRSTMATE_HOME": str(home)})
        said = " ".join(result.output.split())
        assert result.exit_code != 0, said
        assert "deliveries.csv row 1 (line 2), field collected is empty while collected_on is 2026-10-20" in said
        assert "revenue.csv row 1 (line 2), field recorded_on 2062-11-02 is after today" in said, said
        assert "business.yaml, field cash.as_of 2062-11-20 is after today" in said, said
    app = build(Settings(home=home))
    assert not any(data_rows(app.store, "demo", kind) for kind in ("deliveries", "revenue", "finance"))
