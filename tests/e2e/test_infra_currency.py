"""An AWS bill is in dollars whatever the org's currency: a review found `firstmate aws inventory`'s rows imported
into a euro business as euros, added to its other services' euros in the CTO's total and its savings, and shown
"€12" in the CEO's dependency map."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from firstmate.adapters.aws.inventory.costs import _cost_row
from firstmate.adapters.aws.inventory.result import Inventory, inventory_yaml
from firstmate.adapters.sources.data_folder import read_data_folder
from firstmate.bootstrap import App
from firstmate.domain.reports.ceo import ceo_report
from firstmate.domain.reports.cto import cto_report
from firstmate.services.data import check_data, data_rows, import_data
from firstmate.services.reports import build_snapshot

TODAY = date(2026, 6, 10)
WEB = "- id: web\n  name: Web host\n  kind: hosting\n  monthly_cost: 40\n  used_by: [saltwind-charters]\n"


def _import(app: App, folder: Path, files: dict[str, str]) -> None:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    raw = read_data_folder(folder)
    assert not isinstance(raw, list), raw
    import_data(app.store, "demo", check_data(app.store, "demo", raw, clock=app.clock))


def test_an_aws_bill_keeps_its_dollars_in_a_euro_business_and_is_added_to_no_euro(
    demo_app: App, tmp_path: Path
) -> None:
    bill = Inventory("123456789012", "eu-west-1", [_cost_row("AWS Lambda", Decimal("12.34"), "USD", "2026-05")])
    infrastructure = inventory_yaml(bill, TODAY) + WEB
    assert "currency: USD" in infrastructure
    _import(demo_app, tmp_path / "data", {"business.yaml": "currency: EUR\n", "infrastructure.yaml": infrastructure})
    stored = dict(data_rows(demo_app.store, "demo", "infrastructure"))
    assert stored["aws-lambda"].currency == "USD"  # type: ignore[attr-defined]

    snapshot = build_snapshot(demo_app, "demo", as_of=TODAY)
    cto = cto_report(snapshot)
    cost = next(s for s in cto.sections if s.title == "Infrastructure cost and savings")
    cards = {c.label: c.value for c in cost.cards}
    assert cards["Monthly infrastructure cost"] == "€40"  # the web host alone: no dollar is added to it
    assert cards["Monthly infrastructure cost in USD"] == "$12"
    assert cards["Possible savings / month"] == "€0"
    assert "$12 USD a month across 1 service billed in USD, not added" in cost.summary
    monthly = {row[0]: row[3] for row in cost.tables[0].rows}
    assert monthly == {"Web host": "€40", "AWS Lambda (AWS bill)": "$12 USD"}
    cancel = next(f for f in cto.findings if f.key.startswith("cto:cancel:"))
    assert "$12 USD" in cancel.title and cancel.money_at_stake == 0  # not euros at stake in the CEO's plan

    ceo = ceo_report(snapshot, cto.findings)
    dependencies = next(s for s in ceo.sections if s.title == "Dependency map")
    assert ("AWS Lambda (AWS bill)", "$12 USD") in {(row[1], row[3]) for row in dependencies.tables[0].rows} | {
        (b.split(" is used by")[0], b.split("(")[-1].split(" a month")[0]) for b in dependencies.bullets
    }
    about = [a for a in ceo.actions if "AWS Lambda" in a.title]  # one action: the CTO's saving
    assert [a.source for a in about] == ["cto"] and about[0].money_at_stake == 0
    assert "€12" not in "".join(b for b in dependencies.bullets)
    alone = ceo_report(snapshot, [])  # without the CTO's findings the CEO's own "used by nothing" says it
    unused = next(f for f in alone.findings if f.key.endswith("unused-service:aws-lambda"))
    assert "$12 USD a month" in unused.title and unused.money_at_stake == 0
    assert "€12" not in unused.title


def test_a_currency_change_leaves_an_aws_bills_dollars_be_and_refuses_over_the_orgs_own(
    demo_app: App, tmp_path: Path
) -> None:
    import pytest

    from firstmate.errors import DataRejected

    bill = Inventory("123456789012", "eu-west-1", [_cost_row("AWS Lambda", Decimal("12.34"), "USD", "2026-05")])
    _import(demo_app, tmp_path / "aws", {"infrastructure.yaml": inventory_yaml(bill, TODAY)})
    _import(demo_app, tmp_path / "euros", {"business.yaml": "currency: EUR\n"})  # the bill's dollars stay dollars
    assert build_snapshot(demo_app, "demo", as_of=TODAY).currency == "EUR"
    _import(demo_app, tmp_path / "web", {"infrastructure.yaml": inventory_yaml(bill, TODAY) + WEB})  # €40
    with pytest.raises(DataRejected, match=r"while 1 stored row holds amounts in EUR \(1 in infrastructure.yaml\)"):
        _import(demo_app, tmp_path / "pounds", {"business.yaml": "currency: GBP\n"})
