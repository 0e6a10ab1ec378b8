"""invoices.csv's and payouts.csv's paid_on record a payment made: one after today (2062 typed for 2026) read the
invoice as unpaid (chased as overdue) and the payout as not come in every report until then. Refused, by file, row
and field, by `data import` (a dry run too) and the admin form alike (the same checks), and nothing is stored; a
payment of today is taken."""

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

INVOICES = "id,entity,client,issued,due,amount,paid_on,paid_amount\n"
PAYOUTS = "id,source,paid_on,amount,reference\n"
#: Saturday 21 November 2026, noon in the demo business's zone (Los Angeles).
NOW = datetime(2026, 11, 21, 20, 0, tzinfo=UTC)


def _folder(tmp_path: Path, files: dict[str, str]) -> dict:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    raw = read_data_folder(tmp_path)
    assert not isinstance(raw, list), raw
    return raw


def test_a_payment_after_today_is_refused_by_file_row_and_field(
    data_app: App, clock: FixedClock, tmp_path: Path
) -> None:
    clock.set(NOW)
    before = (data_rows(data_app.store, "demo", "invoices"), data_rows(data_app.store, "demo", "payouts"))
    raw = _folder(
        tmp_path,
        {
            "invoices.csv": INVOICES
            + "KA-9001,keel-advisory,Example Client Co,2026-10-01,2026-10-31,4200,2062-11-02,\n"
            "KA-9002,keel-advisory,Example Client Co,2026-10-01,2026-10-31,4200,2026-11-22,2100\n"
            "KA-9003,keel-advisory,Example Client Co,2026-10-01,2026-10-31,4200,2026-11-21,\n",  # paid today: taken
            "payouts.csv": PAYOUTS + "P-9001,boatsetter,2026-11-21,612.40,BS-1\n"  # today: taken
            "P-9002,boatsetter,2062-11-20,612.40,BS-2\n",
        },
    )
    with pytest.raises(DataRejected) as refused:
        check_data(data_app.store, "demo", raw, clock=data_app.clock)
    assert refused.value.errors == [
        RowError(
            "invoices.csv row 1 (line 2), field paid_on",
            "2062-11-02 is after today (2026-11-21 in America/Los_Angeles): paid_on is the day the client paid, "
            "which has happened; correct the date (a year mistyped?), or leave paid_on and paid_amount empty until "
            "it is paid",
        ),
        RowError(
            "invoices.csv row 2 (line 3), field paid_on",
            "2026-11-22 is after today (2026-11-21 in America/Los_Angeles): paid_on is the day the client paid, "
            "which has happened; correct the date (a year mistyped?), or leave paid_on and paid_amount empty until "
            "it is paid",
        ),
        RowError(
            "payouts.csv row 2 (line 3), field paid_on",
            "2062-11-20 is after today (2026-11-21 in America/Los_Angeles): paid_on is the day the marketplace paid "
            "out, which has happened; correct the date (a year mistyped?), or leave the row out until it is paid out",
        ),
    ]
    after = (data_rows(data_app.store, "demo", "invoices"), data_rows(data_app.store, "demo", "payouts"))
    assert after == before  # nothing stored

    clock.set(datetime(2026, 11, 22, 20, 0, tzinfo=UTC))  # a day on, row 2's day has come
    ok = _folder(
        tmp_path,
        {
            "invoices.csv": INVOICES
            + "KA-9002,keel-advisory,Example Client Co,2026-10-01,2026-10-31,4200,2026-11-22,2100\n",
            "payouts.csv": PAYOUTS + "P-9001,boatsetter,2026-11-21,612.40,BS-1\n",
        },
    )
    import_data(data_app.store, "demo", check_data(data_app.store, "demo", ok, clock=data_app.clock))
    assert [key for key, _ in data_rows(data_app.store, "demo", "invoices")] == ["KA-9002"]


def test_the_admin_form_refuses_a_payment_after_today(data_app: App, clock: FixedClock) -> None:
    clock.set(NOW)
    admin = operator(data_app)
    invoice = {"id": "KA-9050", "entity": "keel-advisory", "client": "Example Client Co", "issued": "2026-10-01",
               "due": "2026-10-31", "amount": "4200", "paid_amount": ""}  # fmt: skip
    future = admin.post("/admin/data/demo/invoices", data={**invoice, "paid_on": "2062-11-02"})
    assert future.status_code == 422
    assert "2062-11-02 is after today (2026-11-21 in America/Los_Angeles): paid_on is the day the client paid" in (
        future.text
    )
    payout = {"id": "P-9050", "source": "boatsetter", "amount": "612.40", "reference": "BS-1"}
    late = admin.post("/admin/data/demo/payouts", data={**payout, "paid_on": "2026-11-22"})
    assert late.status_code == 422 and "2026-11-22 is after today (2026-11-21 in America/Los_Angeles)" in late.text
    assert all(key != "KA-9050" for key, _ in data_rows(data_app.store, "demo", "invoices"))
    assert all(key != "P-9050" for key, _ in data_rows(data_app.store, "demo", "payouts"))
    for kind, row in (("invoices", invoice), ("payouts", payout)):
        good = admin.post(f"/admin/data/demo/{kind}", data={**row, "paid_on": "2026-11-21"}, follow_redirects=False)
        assert good.status_code == 303, good.text
    assert any(key == "KA-9050" for key, _ in data_rows(data_app.store, "demo", "invoices"))
    assert any(key == "P-9050" for key, _ in data_rows(data_app.store, "demo", "payouts"))


def test_data_check_and_import_say_each_payment_and_import_nothing(home: Path, tmp_path: Path) -> None:
    """Through the CLI, on the real clock: a dry run and an import alike name the file, row and field."""
    from typer.testing import CliRunner

    from firstmate.cli import cli

    data = tmp_path / "data"
    data.mkdir()
    (data / "invoices.csv").write_text(
        INVOICES + "KA-9001,keel-advisory,Example Client Co,2026-10-01,2026-10-31,4200,2062-11-02,\n", encoding="utf-8"
    )
    (data / "payouts.csv").write_text(PAYOUTS + "P-9002,boatsetter,2062-11-20,612.40,BS-2\n", encoding="utf-8")
    for dry_run in (["--dry-run"], []):
        result = CliRunner().invoke(cli, ["data", "import", str(data), *dry_run], env={"FIRSTMATE_HOME": str(home)})
        said = " ".join(result.output.split())
        assert result.exit_code != 0, said
        assert "invoices.csv row 1 (line 2), field paid_on" in said and "2062-11-02 is after today" in said, said
        assert "payouts.csv row 1 (line 2), field paid_on" in said and "2062-11-20 is after today" in said, said
    app = build(Settings(home=home))
    assert not data_rows(app.store, "demo", "invoices") and not data_rows(app.store, "demo", "payouts")
