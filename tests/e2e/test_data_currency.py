"""business.yaml's currency names the currency of every amount stored: a review found that changing it (an import
of business.yaml alone, or the admin form) left the stored rows' dollars to be shown, and added, as euros."""

from __future__ import annotations

from pathlib import Path

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.sources.data_folder import read_data_folder
from firstmate.bootstrap import App
from firstmate.demo.business_data import write_demo_data
from firstmate.errors import DataRejected
from firstmate.services.data import check_data, data_rows, import_data, save_row
from firstmate.services.reports import build_snapshot
from tests.e2e.conftest import DEMO_DATA_DAY, DEMO_DATA_NOW

TODAY = DEMO_DATA_DAY


def _stored_currency(app: App) -> str:
    return build_snapshot(app, "demo", as_of=TODAY).currency


def test_a_currency_change_that_would_relabel_stored_amounts_is_refused_saying_what_to_do(
    data_app: App, tmp_path: Path
) -> None:
    folder = tmp_path / "euros"
    folder.mkdir()
    (folder / "business.yaml").write_text("currency: EUR\n", encoding="utf-8")
    raw = read_data_folder(folder)
    assert not isinstance(raw, list)
    with pytest.raises(DataRejected) as rejected:
        check_data(data_app.store, "demo", raw, clock=data_app.clock)
    [error] = rejected.value.errors
    assert error.where == "business.yaml, field currency"
    assert error.problem.startswith("changes the currency from USD to EUR, while ")
    assert "stored rows hold amounts in USD" in error.problem
    assert "import them again with their amounts in EUR, in the same folder as business.yaml" in error.problem
    assert "or keep currency: USD" in error.problem
    # in the admin form alike, and nothing is changed
    with pytest.raises(DataRejected, match="changes the currency from USD to EUR"):
        save_row(data_app.store, "demo", "finance", {"currency": "EUR"}, clock=data_app.clock)
    assert _stored_currency(data_app) == "USD"


def test_a_currency_change_with_every_file_of_amounts_in_the_new_currency_is_taken(
    data_app: App, tmp_path: Path
) -> None:
    """The whole folder again, its amounts now written in euros: every stored amount is the new currency's."""
    folder = write_demo_data(tmp_path / "euros", TODAY)
    business = folder / "business.yaml"
    business.write_text(business.read_text().replace("currency: USD", "currency: EUR"), encoding="utf-8")
    raw = read_data_folder(folder)
    assert not isinstance(raw, list)
    import_data(data_app.store, "demo", check_data(data_app.store, "demo", raw, clock=FixedClock(DEMO_DATA_NOW)))
    assert _stored_currency(data_app) == "EUR"
    assert data_rows(data_app.store, "demo", "revenue")


def test_a_rupiah_businesss_cash_goals_and_costs_of_a_billion_are_taken(demo_app: App, tmp_path: Path) -> None:
    """A review: every amount of the data files was held to 1,000,000,000 whatever the currency, so an Indonesian
    rupiah business could not write its cash (Rp 1,500,000,000, about $92,000), a revenue goal of Rp 1,200,000,000
    a month, nor a Rp 1,250,000,000 engine: "1500000000 is above 1000000000: write 1000000000 or less". The bound is
    a billion dollars' worth in the currency's scale (×10,000 for IDR), and a dollar's is as it was."""
    folder = tmp_path / "rupiah"
    folder.mkdir()
    (folder / "business.yaml").write_text(
        "currency: IDR\ncash:\n  balance: 1500000000\n  as_of: 2026-11-20\n"
        "goals:\n  - {metric: revenue, monthly: 1200000000}\n",
        encoding="utf-8",
    )
    header = "id,month,entity,category,vendor,amount,fixed,asset\n"
    (folder / "expenses.csv").write_text(
        header + "E-1,2026-11,saltwind-charters,repairs,Marina Benoa,1250000000,false,\n", encoding="utf-8"
    )
    raw = read_data_folder(folder)
    assert not isinstance(raw, list), raw
    import_data(demo_app.store, "demo", check_data(demo_app.store, "demo", raw, clock=FixedClock(DEMO_DATA_NOW)))
    snapshot = build_snapshot(demo_app, "demo", as_of=TODAY)
    assert snapshot.currency == "IDR" and snapshot.finance.cash is not None
    assert snapshot.finance.cash.balance == 1_500_000_000
    assert [e.amount for e in snapshot.expenses] == [1_250_000_000]

    (folder / "expenses.csv").write_text(
        header + "E-1,2026-11,saltwind-charters,repairs,Marina Benoa,20000000000000,false,\n", encoding="utf-8"
    )
    raw = read_data_folder(folder)
    assert not isinstance(raw, list), raw
    with pytest.raises(DataRejected) as refused:
        check_data(demo_app.store, "demo", raw, clock=FixedClock(DEMO_DATA_NOW))
    assert [(e.where, e.problem) for e in refused.value.errors] == [
        ("expenses.csv row 1 (line 2), field amount",
         "'20000000000000' is above 10000000000000: write 10000000000000 or less"),
    ]  # fmt: skip


def test_an_amount_far_over_its_currencys_bound_is_told_that_currencys_bound(demo_app: App, tmp_path: Path) -> None:
    """A review: a dollar business's expense of 200,000,000,000,000 (a slip of the keyboard) was told "is above
    100000000000000: write 100000000000000 or less" (the Lebanese pound's bound, each file's own since rupiah were
    taken), and an owner who wrote that was refused again. Each is told its currency's bound, as an amount just over
    it is."""
    folder = tmp_path / "dollars"
    folder.mkdir()
    (folder / "business.yaml").write_text(
        "currency: USD\ncash:\n  balance: 300000000000000\n  as_of: 2026-11-20\n", encoding="utf-8"
    )
    header = "id,month,entity,category,vendor,amount,fixed,asset\n"
    (folder / "expenses.csv").write_text(
        header + "E-1,2026-11,saltwind-charters,repairs,Harbor Marine,200000000000000,false,\n",
        encoding="utf-8",
    )
    raw = read_data_folder(folder)
    assert not isinstance(raw, list), raw
    with pytest.raises(DataRejected) as refused:
        check_data(demo_app.store, "demo", raw, clock=FixedClock(DEMO_DATA_NOW))
    assert sorted((e.where, e.problem) for e in refused.value.errors) == [
        ("business.yaml, field cash.balance", "300000000000000 is above 1000000000: write 1000000000 or less"),
        ("expenses.csv row 1 (line 2), field amount",
         "'200000000000000' is above 1000000000: write 1000000000 or less"),
    ]  # fmt: skip
