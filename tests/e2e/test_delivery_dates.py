"""deliveries.csv's billed_on and collected_on record what happened: a job billed on a day, and paid on a later one.
A billed_on typed 2062 for 2026 read the job as unbilled in every report until 2062, and a collected_on before its
billed_on was taken as written. Both are refused, by row and field, by `data import` and the admin form alike
(the same checks), and nothing is stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.sources.data_folder import read_data_folder
from firstmate.bootstrap import App, build
from firstmate.config import Settings
from firstmate.domain.intake import RowError
from firstmate.errors import DataRejected
from firstmate.services.data import check_data, data_rows, import_data
from tests.security.conftest import operator

HEADER = "id,entity,client,promised,delivered,billed,collected,billed_on,collected_on\n"
#: Saturday 21 November 2026, noon in the demo business's zone (Los Angeles).
NOW = datetime(2026, 11, 21, 20, 0, tzinfo=UTC)


def _folder(tmp_path: Path, *rows: str) -> dict:
    (tmp_path / "deliveries.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    raw = read_data_folder(tmp_path)
    assert not isinstance(raw, list), raw
    return raw


def test_a_billed_on_after_today_or_a_collected_on_before_its_billing_is_refused_by_row(
    data_app: App, clock: FixedClock, tmp_path: Path
) -> None:
    clock.set(NOW)
    before = data_rows(data_app.store, "demo", "deliveries")
    raw = _folder(
        tmp_path,
        "BW-900,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,3400,3400,2062-10-03,2026-10-20\n",
        "BW-901,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,3400,3400,2026-10-20,2026-10-03\n",
        "BW-902,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,3400,3400,2026-10-03,2026-11-22\n",
        "BW-903,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,3400,3400,2026-10-03,2026-11-21\n",  # today
    )
    with pytest.raises(DataRejected) as refused:
        check_data(data_app.store, "demo", raw, clock=data_app.clock)
    assert refused.value.errors == [
        RowError(
            "deliveries.csv row 1 (line 2), field billed_on",
            "2062-10-03 is after today (2026-11-21 in America/Los_Angeles): billed_on is the day the job was "
            "billed, which has happened; correct the date (a year mistyped?), or leave it empty until it is billed",
        ),
        RowError(
            "deliveries.csv row 1 (line 2), field collected_on",
            "2026-10-20 is before billed_on 2062-10-03: a job is paid once it is billed; correct whichever date "
            "is wrong",
        ),
        RowError(
            "deliveries.csv row 2 (line 3), field collected_on",
            "2026-10-03 is before billed_on 2026-10-20: a job is paid once it is billed; correct whichever date "
            "is wrong",
        ),
        RowError(
            "deliveries.csv row 3 (line 4), field collected_on",
            "2026-11-22 is after today (2026-11-21 in America/Los_Angeles): collected_on is the day the last of it "
            "was paid, which has happened; correct the date (a year mistyped?), or leave it empty until it is paid",
        ),
    ]
    assert data_rows(data_app.store, "demo", "deliveries") == before  # nothing stored

    clock.set(datetime(2026, 11, 22, 20, 0, tzinfo=UTC))  # a day on, the same file but row 3's date has come
    ok = _folder(
        tmp_path, "BW-902,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,3400,3400,2026-10-03,2026-11-22\n"
    )
    import_data(data_app.store, "demo", check_data(data_app.store, "demo", ok, clock=data_app.clock))
    assert [key for key, _ in data_rows(data_app.store, "demo", "deliveries")] == ["BW-902"]


def test_the_admin_form_refuses_the_same_dates(data_app: App, clock: FixedClock) -> None:
    clock.set(NOW)
    admin = operator(data_app)
    row = {"id": "BW-950", "entity": "bluewater-delivery", "client": "Marlow Studio", "promised": "2026-10-01",
           "delivered": "2026-10-02", "billed": "3400", "collected": "3400"}  # fmt: skip
    future = admin.post("/admin/data/demo/deliveries", data={**row, "billed_on": "2062-10-03"})
    assert future.status_code == 422 and "2062-10-03 is after today (2026-11-21 in America/Los_Angeles)" in future.text
    backwards = admin.post(
        "/admin/data/demo/deliveries", data={**row, "billed_on": "2026-10-20", "collected_on": "2026-10-03"}
    )
    assert backwards.status_code == 422 and "2026-10-03 is before billed_on 2026-10-20" in backwards.text
    assert all(key != "BW-950" for key, _ in data_rows(data_app.store, "demo", "deliveries"))
    good = admin.post(
        "/admin/data/demo/deliveries",
        data={**row, "billed_on": "2026-10-03", "collected_on": "2026-11-21"},
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert any(key == "BW-950" for key, _ in data_rows(data_app.store, "demo", "deliveries"))


def test_data_import_says_each_date_and_imports_nothing(home: Path, tmp_path: Path) -> None:
    """Through the CLI, on the real clock: a dry run and an import alike name the row, the field and both dates."""
    from typer.testing import CliRunner

    from firstmate.cli import cli

    data = tmp_path / "data"
    data.mkdir()
    (data / "deliveries.csv").write_text(
        HEADER + "BW-900,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,3400,3400,2062-10-03,\n"
        "BW-901,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,3400,3400,2026-10-20,2026-10-03\n",
        encoding="utf-8",
    )
    for dry_run in (["--dry-run"], []):
        result = CliRunner().invoke(cli, ["data", "import", str(data), *dry_run], env={"FIRSTMATE_HOME": str(home)})
        said = " ".join(result.output.split())
        assert result.exit_code != 0, said
        assert "row 1 (line 2), field billed_on" in said and "2062-10-03 is after today" in said, said
        assert "row 2 (line 3), field collected_on" in said and "2026-10-03 is before billed_on 2026-10-20" in said
    assert not data_rows(build(Settings(home=home)).store, "demo", "deliveries")


def test_a_delivered_day_after_today_is_refused_as_the_billing_days_are(
    data_app: App, clock: FixedClock, tmp_path: Path
) -> None:
    """A review: a job promised for 1 October and still not done, its delivered typed 2062 for 2026, was taken, and
    read as done: the logistics report said "Overdue open deliveries: 0 [OK]" and asked to collect its $3,400,
    -13099 days after it was delivered. delivered records what happened, as billed_on does."""
    clock.set(NOW)
    before = data_rows(data_app.store, "demo", "deliveries")
    raw = _folder(
        tmp_path,
        "BW-960,bluewater-delivery,Marlow Studio,2026-10-01,2062-10-02,3400,0,,\n",
        "BW-961,bluewater-delivery,Marlow Studio,2026-12-01,2026-11-21,3400,0,,\n",  # delivered today: taken
    )
    with pytest.raises(DataRejected) as refused:
        check_data(data_app.store, "demo", raw, clock=data_app.clock)
    assert refused.value.errors == [
        RowError(
            "deliveries.csv row 1 (line 2), field delivered",
            "2062-10-02 is after today (2026-11-21 in America/Los_Angeles): delivered is the day the job was "
            "delivered, which has happened; correct the date (a year mistyped?), or leave it empty until it is "
            "delivered",
        ),
    ]
    assert data_rows(data_app.store, "demo", "deliveries") == before  # nothing stored


def test_a_collection_without_its_billing_day_or_a_billing_without_its_amount_is_refused(
    data_app: App, clock: FixedClock, tmp_path: Path
) -> None:
    """A job collected with no billed_on was read as billed in every past day's report, and paid from a day on; a
    billed_on with no amount billed said the job was billed for nothing. Each refused, saying what to write."""
    clock.set(NOW)
    before = data_rows(data_app.store, "demo", "deliveries")
    raw = _folder(
        tmp_path,
        "BW-970,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,3400,3400,,2026-10-20\n",
        "BW-971,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,,,2026-10-03,\n",
        "BW-972,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,0,0,2026-10-03,\n",
        "BW-973,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,3400,0,2026-10-03,\n",  # billed, unpaid: taken
        "BW-974,bluewater-delivery,Marlow Studio,2026-10-01,2026-10-02,3400,3400,,\n",  # no days at all: taken
    )
    with pytest.raises(DataRejected) as refused:
        check_data(data_app.store, "demo", raw, clock=data_app.clock)
    assert refused.value.errors == [
        RowError(
            "deliveries.csv row 1 (line 2), field billed_on",
            "is empty while collected_on is 2026-10-20: a job is paid once it is billed; write the day it was billed, "
            "or leave collected_on empty too",
        ),
        RowError(
            "deliveries.csv row 2 (line 3), field billed",
            "is empty while billed_on is 2026-10-03: write the amount billed, or leave billed_on empty until it is "
            "billed",
        ),
        RowError(
            "deliveries.csv row 3 (line 4), field billed",
            "is 0 while billed_on is 2026-10-03: write the amount billed, or leave billed_on empty until it is billed",
        ),
    ]
    assert data_rows(data_app.store, "demo", "deliveries") == before  # nothing stored

    admin = operator(data_app)
    row = {"id": "BW-975", "entity": "bluewater-delivery", "client": "Marlow Studio", "promised": "2026-10-01",
           "delivered": "2026-10-02", "billed": "3400", "collected": "3400", "billed_on": ""}  # fmt: skip
    unbilled = admin.post("/admin/data/demo/deliveries", data={**row, "collected_on": "2026-10-20"})
    assert unbilled.status_code == 422 and "is empty while collected_on is 2026-10-20" in unbilled.text
    nothing = admin.post("/admin/data/demo/deliveries", data={**row, "billed": "", "billed_on": "2026-10-03"})
    assert nothing.status_code == 422 and "is empty while billed_on is 2026-10-03" in nothing.text
    assert all(key != "BW-975" for key, _ in data_rows(data_app.store, "demo", "deliveries"))
