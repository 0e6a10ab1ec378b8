"""A finding's severity by money is judged in the money's own currency: every lens put HIGH at 1,000 whatever the
currency, so an unused ¥50,000 subscription (about $330) read HIGH in the CEO's plan and the CTO's savings, beside
a $4,200 overdue invoice, and the CTO's "MEDIUM from 50 a month" made a ¥60 saving MEDIUM. The thresholds are now
in a dollar's worth, scaled to the currency by the power of ten nearest its rate (yen: 100, won: 1,000)."""

from __future__ import annotations

from datetime import date
from typing import Any

from firstmate.domain.reports.ceo import ceo_report
from firstmate.domain.reports.cto import cto_report
from firstmate.domain.reports.document import ReportDocument, Severity
from firstmate.domain.reports.logistics import logistics_report
from firstmate.domain.snapshot import Snapshot

AS_OF = date(2026, 11, 21)
ENTITIES = [{"id": "tide", "name": "Tidewater Charters", "kind": "charter"}]


def _snapshot(currency: str, *services: dict[str, Any], **changes: Any) -> Snapshot:
    return Snapshot.model_validate(
        {"org_id": "o", "org_name": "Saltmarsh Holdings", "as_of": AS_OF, "currency": currency,
         "entities": ENTITIES, "infrastructure": list(services), **changes}
    )  # fmt: skip


def _unused(id_: str, cost: str, currency: str | None = None) -> dict[str, Any]:
    return {"id": id_, "name": id_.title(), "kind": "saas", "monthly_cost": cost, "currency": currency}


def _severities(doc: ReportDocument) -> dict[str, Severity]:
    return {f.key: f.severity for f in doc.findings}


def test_an_unused_yen_subscription_is_weighed_in_yen_by_the_ceo_and_the_cto() -> None:
    yen = _snapshot(
        "JPY", _unused("crm", "50000"), _unused("wiki", "120000"), _unused("maps", "3000"), _unused("fonts", "60")
    )
    ceo, cto = _severities(ceo_report(yen, [])), _severities(cto_report(yen))
    assert ceo["ceo:unused-service:crm"] is Severity.MEDIUM  # ¥50,000 ≈ $330: not HIGH (was HIGH)
    assert ceo["ceo:unused-service:wiki"] is Severity.HIGH  # ¥120,000: over ¥100,000
    assert cto["cto:cancel:crm"] is Severity.MEDIUM
    assert cto["cto:cancel:wiki"] is Severity.HIGH
    assert cto["cto:cancel:maps"] is Severity.LOW  # ¥3,000 a month: under ¥5,000, the CTO's bar for MEDIUM
    assert cto["cto:cancel:fonts"] is Severity.LOW  # ¥60 a month (was MEDIUM, as $60 would be)


def test_a_bill_in_another_currency_is_weighed_in_its_own() -> None:
    """A dollar business with a yen bill (a Tokyo SaaS) and a dollar one: each by its own currency's scale."""
    usd = _snapshot("USD", _unused("crm", "50000", "JPY"), _unused("old-host", "1000"), _unused("tiles", "60", "EUR"))
    ceo, cto = _severities(ceo_report(usd, [])), _severities(cto_report(usd))
    assert ceo["ceo:unused-service:crm"] is Severity.MEDIUM and cto["cto:cancel:crm"] is Severity.MEDIUM
    assert ceo["ceo:unused-service:old-host"] is Severity.HIGH and cto["cto:cancel:old-host"] is Severity.HIGH
    assert cto["cto:cancel:tiles"] is Severity.MEDIUM  # €60: a euro is weighed as a dollar


def test_the_other_lenses_weigh_the_businesss_own_currency_too() -> None:
    deliveries = [
        {"id": f"D{n}", "entity": "tide", "client": "Cove Marine", "promised": "2026-09-01", "delivered": "2026-09-01",
         "billed": billed, "collected": "0"}
        for n, billed in enumerate(("50000", "150000"))
    ]  # fmt: skip
    doc = logistics_report(_snapshot("JPY", deliveries=deliveries))
    found = _severities(doc)
    assert found["logistics:uncollected:D0"] is Severity.MEDIUM  # ¥50,000 outstanding 81 days: under ¥100,000
    assert found["logistics:uncollected:D1"] is Severity.HIGH


def test_the_scale_is_the_power_of_ten_nearest_the_currencys_rate() -> None:
    from firstmate.domain.currencies import money_scale

    assert [money_scale(c) for c in ("USD", "EUR", "GBP", "KWD", "SEK", "JPY", "INR", "KRW", "IDR", "VND")] == [
        1, 1, 1, 1, 10, 100, 100, 1000, 10000, 10000,
    ]  # fmt: skip
    assert money_scale("jpy") == 100 and money_scale("XTS") == 1  # a code the table does not list: as a dollar


def test_a_dinar_businesss_money_at_stake_keeps_its_fils() -> None:
    """A review: a Kuwaiti dinar has three decimal places (fils), and a payout of 742.505 KWD read "Match 1 payout
    (742.505 KWD) …" beside "742.510 KWD at stake", in the accountant's report, the CEO's plan and its total, and
    the report's data said 742.51: each finding's money at stake was rounded to two places, whatever the currency."""
    from firstmate.domain.reports.lenses import build_documents
    from firstmate.reports.role import role_data, role_text

    payouts = [
        {"id": "P1", "source": "getmyboat", "paid_on": "2026-11-02", "amount": "742.505", "reference": "GMB-77"},
        {"id": "P2", "source": "getmyboat", "paid_on": "2026-11-03", "amount": "100.250", "reference": "GMB-78"},
    ]
    docs = build_documents(_snapshot("KWD", payouts=payouts), ["ceo", "accounting"])
    accounting, ceo = role_text(docs["accounting"]), role_text(docs["ceo"])
    assert "Match 2 payouts (842.755 KWD) to bookings or record the revenue" in accounting
    assert "842.755 KWD at stake" in accounting and "842.760" not in accounting
    assert "842.755 KWD at stake" in ceo and "Money at stake in the plan: 842.755 KWD" in ceo
    assert "842.760" not in ceo
    [finding] = role_data(docs["accounting"])["findings"]
    assert finding["money_at_stake"] == "842.755"
    # two places are kept as before, in dollars and in a computed figure alike
    dollars = build_documents(_snapshot("USD", payouts=[{**p, "amount": "742.50"} for p in payouts]), ["accounting"])
    assert role_data(dollars["accounting"])["findings"][0]["money_at_stake"] == "1485.00"


def test_an_unused_service_is_one_action_of_the_ceos_plan_weighed_as_the_cto_weighs_it() -> None:
    """A review: a €29-a-month service nothing used was two actions of the CEO's plan, "Cancel or assign Crm" MEDIUM
    (due in 14 days) and the CTO's "Cancel Crm" LOW (in 30), its €29 counted twice in "Money at stake in the plan";
    and a ¥60 one, LOW in the CTO's savings, read MEDIUM in the CEO's. Now the plan has the CTO's saving once, and
    the CEO's own finding (made when the CTO's report is not there) weighs it as the CTO does."""
    from decimal import Decimal

    from firstmate.domain.reports.lenses import build_documents
    from firstmate.reports.role import role_text

    docs = build_documents(_snapshot("EUR", _unused("crm", "29")), ["ceo", "cto"])
    about = [(a.title, a.severity, a.money_at_stake) for a in docs["ceo"].actions if "Crm" in a.title]
    assert about == [("Cancel Crm: nothing depends on it (save €29/month)", Severity.LOW, Decimal("29.00"))]
    ceo = role_text(docs["ceo"])
    assert "Money at stake in the plan: €29 " in ceo
    assert "Crm is used by nothing (€29 a month)." in ceo  # the dependency map still says so
    alone = _severities(ceo_report(_snapshot("JPY", _unused("fonts", "60"), _unused("crm", "50000")), []))
    assert alone["ceo:unused-service:fonts"] is Severity.LOW and alone["ceo:unused-service:crm"] is Severity.MEDIUM
