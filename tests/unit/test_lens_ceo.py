"""The CEO lens on a small, hand-computed snapshot (fictional businesses) and hand-made findings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from firstmate.domain.business import Asset, AssetKind, Entity, EntityKind
from firstmate.domain.reports.ceo import ceo_report
from firstmate.domain.reports.document import Finding, ReportDocument, Section, Severity, Tone
from firstmate.domain.snapshot import (
    Expense,
    Finance,
    Goal,
    InfraService,
    Marketing,
    MarketingKpi,
    Occupancy,
    RevenueLine,
    Snapshot,
)

AS_OF = date(2026, 12, 10)  # last full month Nov 2026; revenue model window Sep–Nov
GULL, HAUL, BRINE, QUILL = "gull-charters", "haulaway", "brine", "quill"


def _line(n: int, entity: str, asset: str | None, service: date, amount: int) -> RevenueLine:
    # the asset is left out rather than passed as None: snapshot.OptionalSlug refuses an explicit None
    named = {} if asset is None else {"asset": asset}
    return RevenueLine(
        id=f"r{n}", entity=entity, recorded_on=date(2026, 8, 1), service_date=service, amount=Decimal(amount), **named
    )


def _revenue() -> tuple[RevenueLine, ...]:
    nov, oct_ = date(2026, 11, 14), date(2026, 10, 14)
    lines = [_line(i, GULL, "skiff", nov, 1200) for i in range(3)] + [_line(3, GULL, "skiff", oct_, 1200)]
    lines += [_line(4, GULL, None, nov, 500)]  # a gift voucher: no asset
    lines += [_line(5, HAUL, "truck", nov, 250), _line(6, HAUL, "truck", nov, 250)]
    return tuple(lines)


def _expense(n: int, entity: str, amount: int) -> Expense:
    return Expense(id=f"e{n}", month=date(2026, 11, 1), entity=entity, vendor="Dockside Supply", amount=Decimal(amount))


def _infrastructure() -> tuple[InfraService, ...]:
    return (
        InfraService(
            id="web-host", name="Web host", kind="hosting", monthly_cost=Decimal(40), used_by=(GULL, HAUL, BRINE)
        ),
        InfraService(
            id="mail", name="Mail relay", kind="email", monthly_cost=Decimal(10), used_by=("gull-site", "ghost-app")
        ),
        InfraService(id="old-crm", name="Old CRM", kind="saas", monthly_cost=Decimal(1200)),
        InfraService(id="maps", name="Map tiles", kind="other"),
    )


def _snapshot() -> Snapshot:
    goals = (
        Goal(entity=GULL, metric="profit", monthly=Decimal(2000)),
        Goal(entity=HAUL, metric="profit", monthly=Decimal(100)),
        Goal(metric="profit", monthly=Decimal(3600)),
        Goal(entity=GULL, metric="revenue", monthly=Decimal(4000)),
        Goal(entity=HAUL, metric="revenue", monthly=Decimal(800)),
        Goal(entity=GULL, metric="bookings", monthly=Decimal(5)),
        Goal(entity=BRINE, metric="occupancy", monthly=Decimal("0.70")),
        Goal(metric="leads", monthly=Decimal(100)),
    )
    kpis = (
        MarketingKpi(key="leads", label="Leads (Meta)", value=Decimal(20), unit="count", direction="FLAT", status="OK"),
        MarketingKpi(
            key="cpl", label="Cost per lead", value=Decimal("42.5"), unit="money", direction="UP", status="ALERT",
            change=Decimal("0.15"),
        ),
    )  # fmt: skip
    return Snapshot(
        org_id="tern",
        org_name="Tern Harbour Group",
        as_of=AS_OF,
        entities=(
            Entity(id=GULL, name="Gull Point Charters", kind=EntityKind.CHARTER),
            Entity(id=HAUL, name="Haulaway Hauling", kind=EntityKind.JUNK_REMOVAL),
            Entity(id=BRINE, name="Brine Cottage Stays", kind=EntityKind.RENTAL),
            Entity(id=QUILL, name="Quill Advisory", kind=EntityKind.CONSULTING),
        ),
        assets=(
            Asset(id="skiff", entity=GULL, name="Skiff", kind=AssetKind.BOAT),
            Asset(id="gull-site", entity=GULL, name="gull.example.com", kind=AssetKind.DOMAIN),
            Asset(id="truck", entity=HAUL, name="Box truck", kind=AssetKind.VEHICLE),
            Asset(id="cottage", entity=BRINE, name="Cottage", kind=AssetKind.PROPERTY),
        ),
        revenue=_revenue(),
        expenses=(_expense(1, GULL, 2800), _expense(2, HAUL, 700), _expense(3, BRINE, 400)),
        occupancy=(
            Occupancy(asset="cottage", month="2026-11", nights_available=30, nights_booked=18, revenue=Decimal(2700)),
            Occupancy(asset="cottage", month="2026-10", nights_available=31, nights_booked=20, revenue=Decimal(3000)),
        ),
        infrastructure=_infrastructure(),
        finance=Finance(goals=goals),
        marketing=Marketing(week=date(2026, 12, 7), kpis=kpis),
    )


def _other(key: str, severity: Severity, owner: str, at_stake: int, title: str = "") -> Finding:
    lens = key.split(":")[0]
    return Finding(key, title or f"Act on {key}", "why", severity, owner, Decimal(at_stake), lens)


OTHERS = (
    _other("cfo:runway:org", Severity.MEDIUM, "cfo", 1400),
    _other(
        "billing:overdue:inv-7", Severity.HIGH, "billing", 4200, "Chase Pelican Print Co for $4,200 overdue 75 days"
    ),
    _other("cto:tls:web-host", Severity.HIGH, "cto", 0),
    _other("cmo:listing:gull-charters", Severity.LOW, "cmo", 0),
    _other("logistics:late:z", Severity.MEDIUM, "logistics", 300),
    _other("accounting:uncategorised:a", Severity.MEDIUM, "accounting", 300),
    _other("cfo:revenue-goal:haulaway", Severity.HIGH, "cmo", 300),
)


def _section(doc: ReportDocument, title: str) -> Section:
    return next(s for s in doc.sections if s.title == title)


def test_plan_ranks_by_severity_then_each_reports_first_then_money_then_key() -> None:
    doc = ceo_report(_snapshot(), OTHERS)
    assert doc.sections[0].title == "30-day action plan"
    keys = [(a.source, a.title) for a in doc.actions]
    # HIGH: first each report's top finding by money (billing 4,200; ceo's unused Old CRM 1,200; cfo's
    # Haulaway revenue 300; cto's TLS with no money), then the rest by money: Gull bookings 1 × 1,025
    # (4,100 / 4 lines), Gull profit 700, Haulaway profit 300; then the MEDIUM runway at 1,400
    assert keys[:8] == [
        ("billing", "Chase Pelican Print Co for $4,200 overdue 75 days"),
        ("ceo", "Cancel or assign Old CRM ($1,200 a month, used by nothing)"),
        ("cfo", "Act on cfo:revenue-goal:haulaway"),
        ("cto", "Act on cto:tls:web-host"),
        ("ceo", "Lift bookings at Gull Point Charters to 5 a month (4 in Nov 2026)"),
        ("ceo", "Close the $700 profit gap at Gull Point Charters (Nov 2026 goal $2,000)"),
        ("ceo", "Close the $300 profit gap at Haulaway Hauling (Nov 2026 goal $100)"),
        ("cfo", "Act on cfo:runway:org"),
    ]
    # MEDIUM: runway 1,400; Brine occupancy 450; two at 300 by key (accounting < logistics); org profit 200
    assert [a.title for a in doc.actions[9:12]] == [
        "Act on accounting:uncategorised:a",
        "Act on logistics:late:z",
        "Close the $200 profit gap across all businesses (Nov 2026 goal $3,600)",
    ]
    # 16 unique findings, 12 in the plan
    assert len(doc.actions) == 12 and doc.sections[0].bullets == ("4 lower-ranked findings are left out of the plan.",)


def test_plan_rows_carry_owner_title_and_due_date() -> None:
    doc = ceo_report(_snapshot(), OTHERS)
    table = doc.sections[0].tables[0]
    # another lens's finding keeps its owner: billing → "Portfolio billing audit"; HIGH due 10 Dec + 7
    assert table.rows[0] == (
        "1", "Chase Pelican Print Co for $4,200 overdue 75 days", "Portfolio billing audit", "2026-12-17", "high",
        "$4,200",
    )  # fmt: skip
    runway = next(a for a in doc.actions if a.source == "cfo" and a.title == "Act on cfo:runway:org")
    assert (runway.owner, runway.due) == ("cfo", date(2026, 12, 24))  # MEDIUM: + 14 days
    # 7 HIGH: billing, TLS, CFO revenue, Old CRM, Gull bookings, Gull profit, Haulaway profit
    assert doc.headline == (
        "First: Chase Pelican Print Co for $4,200 overdue 75 days (Portfolio billing audit, by 17 Dec, "
        "$4,200 at stake); 7 high-severity findings in all."
    )


def test_low_findings_are_due_in_thirty_days() -> None:
    empty = Snapshot(org_id="x", org_name="X", as_of=AS_OF)
    doc = ceo_report(empty, [_other("cmo:listing:gull-charters", Severity.LOW, "cmo", 0)])
    assert [(a.rank, a.owner, a.due) for a in doc.actions] == [(1, "cmo", date(2027, 1, 9))]  # 10 Dec + 30


def test_profitability_shortfalls_against_goals() -> None:
    doc = ceo_report(_snapshot(), OTHERS)
    section = _section(doc, "Profitability vs goals")
    rows = {r[0]: r for r in section.tables[0].rows}
    # Gull Nov: 3 × 1,200 + 500 = 4,100 revenue − 2,800 = 1,300 profit; 1,300 / 4,100 = 31.7%
    assert rows["Gull Point Charters"] == ("Gull Point Charters", "$4,100", "$2,800", "$1,300", "32%")
    # Brine has no revenue line: its Nov occupancy revenue 2,700 counts; 2,700 − 400 = 2,300
    assert rows["Brine Cottage Stays"][1:4] == ("$2,700", "$400", "$2,300")
    # all: 4,100 + 500 + 2,700 = 7,300 − 3,900 = 3,400
    assert rows["All businesses"][1:4] == ("$7,300", "$3,900", "$3,400")
    card = next(c for c in section.cards if c.label == "Gull Point Charters profit, Nov 2026")
    assert (card.tone, card.note) == (Tone.ALERT, "goal $2,000; short $700")
    by_key = {f.key: f for f in doc.findings}
    gull = by_key["ceo:profit-goal:gull-charters"]
    # 700 short of 2,000 = 35% > 20%: HIGH; profit goes to the CFO
    assert (gull.severity, gull.owner, gull.money_at_stake) == (Severity.HIGH, "cfo", Decimal(700))
    org = by_key["ceo:profit-goal:all"]
    # 3,600 − 3,400 = 200, 5.6% short: MEDIUM
    assert (org.severity, org.money_at_stake) == (Severity.MEDIUM, Decimal(200))
    haul = by_key["ceo:profit-goal:haulaway"]
    # 500 − 700 = −200 against 100: 300 short
    assert haul.money_at_stake == Decimal(300)
    # Haulaway revenue 500 < 800: the CFO's finding already covers it, so the CEO adds none
    assert "ceo:revenue-goal:haulaway" not in by_key
    alone = {f.key: f for f in ceo_report(_snapshot(), []).findings}["ceo:revenue-goal:haulaway"]
    assert (alone.owner, alone.money_at_stake) == ("cmo", Decimal(300))


def test_kpi_gaps_bookings_occupancy_leads() -> None:
    doc = ceo_report(_snapshot(), [])
    section = _section(doc, "KPI gaps")
    rows = {(r[0], r[1]): r for r in section.tables[0].rows}
    assert rows[("Gull Point Charters", "bookings")][2:] == ("5", "4", "−20%", "[ALERT]")
    # Brine Nov: 18 / 30 = 60% vs 70%
    assert rows[("Brine Cottage Stays", "occupancy")][2:] == ("70%", "60%", "−14%", "[ALERT]")
    # leads: 20 a week × 52 / 12 = 86.7 → 87 vs 100
    assert rows[("All businesses", "leads")][3] == "87"
    by_key = {f.key: f for f in doc.findings}
    occupancy = by_key["ceo:kpi:occupancy:brine"]
    # 0.10 × 30 nights = 3 nights × (2,700 / 18 = 150) = 450; 14% short: MEDIUM, the real-estate manager's
    assert (occupancy.owner, occupancy.money_at_stake, occupancy.severity) == (
        "real_estate",
        Decimal(450),
        Severity.MEDIUM,
    )
    assert section.tables[1].rows == (("Cost per lead", "$42.50", "UP", "+15%"),)


def test_inventory_revenue_model_and_dependencies() -> None:
    doc = ceo_report(_snapshot(), [])
    inventory = _section(doc, "Asset inventory by entity")
    assert ("Quill Advisory", "no assets", "—") in inventory.tables[0].rows
    infra = {r[0]: r for r in inventory.tables[1].rows}
    assert infra["Gull Point Charters"][1:3] == ("2", "2")  # web host directly, mail relay via its domain
    model = _section(doc, "Revenue model per asset")
    by_asset = {r[1]: r for r in model.tables[0].rows}
    # Skiff: Oct 1 + Nov 3 charters × 1,200
    assert by_asset["Skiff"][2:] == ("per charter", "$4,800", "4 charters", "$1,200", "revenue lines")
    # Cottage: Oct 3,000 + Nov 2,700 over 20 + 18 nights = 150 a night
    assert by_asset["Cottage"][3:] == ("$5,700", "38 nights", "$150", "occupancy.csv")
    assert by_asset["gull.example.com"][2] == "enables others, no revenue of its own"
    assert model.tables[1].rows == (("Gull Point Charters", "$500", "1"),)
    # lines: 4 × 1,200 + 500 + 2 × 250 = 5,800; the cottage adds its occupancy revenue 5,700
    assert model.summary == (
        "$5,800 in revenue lines for Sep 2026–Nov 2026, $500 of it naming no asset. "
        "Rentals add $5,700 from occupancy.csv."
    )
    deps = _section(doc, "Dependency map")
    assert ("ghost-app (not in the profile)", "Mail relay", "email", "$10") in deps.tables[0].rows
    assert ("Quill Advisory (business)", "none listed", "—", "—") in deps.tables[0].rows
    by_key = {f.key: f for f in doc.findings}
    assert by_key["ceo:spof:web-host"].owner == "cto"
    assert by_key["ceo:unused-service:old-crm"].severity is Severity.HIGH  # 1,200 a month ≥ 1,000
    assert by_key["ceo:unused-service:maps"].severity is Severity.LOW  # free


def test_empty_snapshot_says_what_to_add() -> None:
    doc = ceo_report(Snapshot(org_id="x", org_name="X", as_of=date(2026, 11, 21)), [])
    assert doc.actions == () and doc.findings == ()
    assert doc.headline == "No findings from any report: nothing to act on in the next 30 days."
    summaries = {s.title: s.summary for s in doc.sections}
    assert "add [[entities]]" in summaries["Asset inventory by entity"]
    assert "add infrastructure.yaml" in summaries["Dependency map"]
    assert "add goals:" in summaries["KPI gaps"]
    assert all(s.method for s in doc.sections)


def test_same_inputs_in_any_order_give_the_same_document() -> None:
    snapshot = _snapshot()
    shuffled = snapshot.model_copy(
        update={"revenue": snapshot.revenue[::-1], "assets": snapshot.assets[::-1], "entities": snapshot.entities[::-1]}
    )
    assert ceo_report(snapshot, OTHERS) == ceo_report(shuffled, OTHERS[::-1])


def test_one_occupancy_shortfall_is_one_action_in_the_plan() -> None:
    """The CEO's KPI gap and the real estate report's finding were two actions for one shortfall, and
    the plan's money at stake counted it twice."""
    from datetime import date
    from decimal import Decimal

    from firstmate.demo.run import demo_profile
    from firstmate.domain.reports.lenses import build_documents
    from firstmate.domain.snapshot import Finance, Goal, Occupancy, Snapshot

    profile = demo_profile()
    snapshot = Snapshot(
        org_id="demo", org_name="Demo", as_of=date(2026, 12, 5), entities=profile.entities, assets=profile.assets,
        occupancy=(Occupancy(asset="loft-unit", month="2026-11", nights_available=30, nights_booked=12,
                             revenue=Decimal("2220.00")),),
        finance=Finance(goals=(Goal(entity="harbor-loft", metric="occupancy", monthly=Decimal("0.70")),)),
    )  # fmt: skip
    ceo = build_documents(snapshot, ["ceo"])["ceo"]
    assert [(a.source, a.money_at_stake) for a in ceo.actions if "occupancy" in a.title] == [("real_estate", 1665)]
    gaps = next(s for s in ceo.sections if s.title == "KPI gaps")
    assert gaps.summary.startswith("1 of 1 KPI goals missed")
    assert any("occupancy shortfall is in the plan from the real estate report" in b for b in gaps.bullets)


def test_a_month_of_refunds_alone_has_no_margin() -> None:
    """A business whose month held only a refund (-$300) and $200 of costs read a margin of 167%, the loss
    divided by the negative revenue: the best margin in the table, for a month that lost $500."""
    snapshot = _snapshot()
    sale = _line(8, QUILL, None, date(2026, 10, 20), 300)  # October's sale, refunded in November
    refund = RevenueLine(
        id="r9", entity=QUILL, recorded_on=date(2026, 11, 20), service_date=date(2026, 11, 20),
        amount=Decimal(-300), reference="r8",
    )  # fmt: skip
    revenue, expenses = (*snapshot.revenue, sale, refund), (*snapshot.expenses, _expense(4, QUILL, 200))
    snapshot = snapshot.model_copy(update={"revenue": revenue, "expenses": expenses})
    table = _section(ceo_report(snapshot, OTHERS), "Profitability vs goals").tables[0]
    quill = next(row for row in table.rows if row[0] == "Quill Advisory")
    assert quill == ("Quill Advisory", "−$300", "$200", "−$500", "—")


def test_a_single_sale_of_an_asset_reads_in_the_singular() -> None:
    """A boat with one charter in the window read "1 charters" in the revenue model."""
    snapshot = _snapshot()
    one = tuple(line for line in snapshot.revenue if line.asset != "skiff" or line.id == "r0")
    model = _section(ceo_report(snapshot.model_copy(update={"revenue": one}), OTHERS), "Revenue model per asset")
    skiff = next(row for row in model.tables[0].rows if row[1] == "Skiff")
    assert skiff[4] == "1 charter"


def test_a_one_property_rentals_lines_naming_no_asset_are_its_revenue_once() -> None:
    """A cottage's takings written in revenue.csv with the asset left empty: November's profit counted them
    and occupancy.csv's revenue of the same lets ($5,400 for $2,700), and the revenue model listed them
    under "Revenue with no asset" while saying "Rentals add $5,700 from occupancy.csv"."""
    snapshot = _snapshot()
    takings = (_line(10, BRINE, None, date(2026, 10, 31), 3000), _line(11, BRINE, None, date(2026, 11, 30), 2700))
    doc = ceo_report(snapshot.model_copy(update={"revenue": (*snapshot.revenue, *takings)}), OTHERS)
    profit = {row[0]: row[1:] for row in _section(doc, "Profitability vs goals").tables[0].rows}
    assert profit["Brine Cottage Stays"][0] == "$2,700"
    model = _section(doc, "Revenue model per asset")
    cottage = next(row for row in model.tables[0].rows if row[1] == "Cottage")
    # in the nights occupancy.csv books in the lines' months (20 + 18), not "2 stays" at $2,850 (a review)
    assert cottage[3:] == ("$5,700", "38 nights", "$150", "revenue lines, nights in occupancy.csv")
    assert "Brine Cottage Stays" not in {row[0] for row in model.tables[1].rows}
    assert "Rentals add" not in model.summary


def test_a_rental_whose_revenue_lines_start_mid_window_earns_the_same_in_the_ceo_and_cfo_reports() -> None:
    """A review: the cottage's takings went into revenue.csv from November only, its September and October lets
    being in occupancy.csv alone. The CFO's burn counted those two months' lets ($3,000 + $3,000) and the CEO's
    revenue model, finding a line of the cottage somewhere in the window, none of them: one revenue, two figures."""
    from firstmate.domain.reports.cfo import cfo_report

    snapshot = _snapshot()
    lets = tuple(
        Occupancy(asset="cottage", month=month, nights_available=30, nights_booked=20, revenue=Decimal(3000))
        for month in ("2026-09", "2026-10")
    )
    november = _line(10, BRINE, "cottage", date(2026, 11, 20), 2700)
    snapshot = snapshot.model_copy(
        update={
            "revenue": (*snapshot.revenue, november),
            "occupancy": (*lets, *(o for o in snapshot.occupancy if o.month.month == 11)),
        }
    )
    model = _section(ceo_report(snapshot, OTHERS), "Revenue model per asset")
    cottage = next(row for row in model.tables[0].rows if row[1] == "Cottage")
    # September and October from occupancy.csv (3,000 each), November from its revenue line (2,700)
    # 40 nights let in occupancy.csv alone, and November's 18 that its line was earned over: one unit, one average
    assert cottage[3:] == ("$8,700", "58 nights", "$150", "revenue lines + occupancy.csv")
    burn = next(s for s in cfo_report(snapshot).sections if s.title == "Monthly burn")
    cfo_total = sum(Decimal(row[4].strip("$").replace(",", "")) for row in burn.tables[0].rows)
    # lines 5,800 + 2,700 = 8,500; the cottage's September and October lets add 6,000
    assert model.summary == (
        "$8,500 in revenue lines for Sep 2026–Nov 2026, $500 of it naming no asset. "
        "Rentals add $6,000 from occupancy.csv."
    )
    assert cfo_total == Decimal(8500 + 6000)


def _amount(cell: str) -> Decimal:
    """A money cell as the owner reads it: "−$1,234" is −1234, "—" is nothing."""
    return Decimal(0) if cell == "—" else Decimal(cell.replace("−", "-").replace("$", "").replace(",", ""))


def test_the_profit_tables_rows_add_up_to_its_all_businesses_row() -> None:
    """A review: the businesses' expenses read $25,424 and "All businesses" $25,774, the gap being the shared
    fixed costs (bookkeeping), which were in the total alone; and rows in cents, each rounded, did not add up to
    the total rounded either ($2,801 + $701 + $400 beside a total worked out from $3,901)."""
    from firstmate.domain.snapshot import FixedCost

    snapshot = _snapshot()
    expenses = (
        Expense(id="e1", month=date(2026, 11, 1), entity=GULL, vendor="Dockside Supply", amount=Decimal("2800.50")),
        Expense(id="e2", month=date(2026, 11, 1), entity=HAUL, vendor="Dockside Supply", amount=Decimal("700.50")),
        _expense(3, BRINE, 400),
    )
    fixed = (FixedCost(name="Bookkeeping", monthly=Decimal(350)),)
    finance = snapshot.finance.model_copy(update={"fixed_costs": fixed})
    section = _section(
        ceo_report(snapshot.model_copy(update={"expenses": expenses, "finance": finance}), OTHERS),
        "Profitability vs goals",
    )
    *parts, total = section.tables[0].rows
    assert total[0] == "All businesses"
    assert ("Shared costs", "—", "$350", "−$350", "—") in parts
    for column in (1, 2, 3):  # revenue, expenses, profit
        assert sum(_amount(row[column]) for row in parts) == _amount(total[column])
    for row in (*parts, total):  # and each row's profit is its revenue less its expenses, as shown
        assert _amount(row[1]) - _amount(row[2]) == _amount(row[3])
    # 7,300 − (2,801 + 701 + 400 + 350 = 4,252) = 3,048: the card and summary read the table's total
    assert total[1:4] == ("$7,300", "$4,252", "$3,048")
    card = next(c for c in section.cards if c.label == "All businesses profit, Nov 2026")
    assert (card.value, card.note) == ("$3,048", "goal $3,600; short $552")
    assert section.summary == "Nov 2026 profit $3,048 on revenue $7,300."


def test_the_ceo_and_the_cfo_read_one_revenue_for_one_month() -> None:
    """A review: the CEO's "All businesses" revenue was its rows added, each rounded, while the CFO's "All
    businesses revenue" card (and its burn table, and the accounting report's Recognised) rounded the exact sum
    once: with cents in the lines, one month read $4,602 in one report and $4,601 in the other. Both read one
    function now: the month's sum rounded once, and the CEO's rows rounded so that they add up to it."""
    from firstmate.domain.reports.cfo import cfo_report

    snapshot = _snapshot()
    cents = (_line(20, GULL, "skiff", date(2026, 11, 15), 0), _line(21, HAUL, "truck", date(2026, 11, 15), 0))
    cents = tuple(line.model_copy(update={"amount": Decimal("0.50")}) for line in cents)
    goals = (*snapshot.finance.goals, Goal(metric="revenue", monthly=Decimal(9000)))
    snapshot = snapshot.model_copy(
        update={"revenue": (*snapshot.revenue, *cents), "finance": snapshot.finance.model_copy(update={"goals": goals})}
    )
    ceo = _section(ceo_report(snapshot, OTHERS), "Profitability vs goals")
    cfo = cfo_report(snapshot)
    targets = _section(cfo, "Revenue targets vs actuals")
    ceo_cards = {c.label: c.value for c in ceo.cards if " revenue, " in c.label}
    cfo_cards = {c.label: c.value for c in targets.cards}
    # lines 4,100.50 + 500.50 and the cottage's 2,700 of lets: 7,301 for all businesses, in every report
    assert ceo_cards == cfo_cards
    assert cfo_cards["All businesses revenue, Nov 2026"] == "$7,301"
    burn = _section(cfo, "Monthly burn").tables[0]
    assert next(row[4] for row in burn.rows if row[0] == "Nov 2026") == "$7,301"
    *parts, total = ceo.tables[0].rows
    assert total[1] == "$7,301"
    assert sum(_amount(row[1]) for row in parts) == _amount(total[1])  # the table still foots
    for row in (*parts, total):
        assert _amount(row[1]) - _amount(row[2]) == _amount(row[3])


def test_the_revenue_models_rows_add_up_to_the_revenue_its_summary_states() -> None:
    """A review: with cents, the rows rounded one by one ($1,201 + $251 + $5,700 by asset, $500 naming none)
    read $7,652, beside a summary of $1,951 in revenue lines and $5,700 from occupancy.csv; and the table had
    no total row."""
    snapshot = _snapshot()
    nov = date(2026, 11, 14)
    cents = (
        _line(1, GULL, "skiff", nov, 0).model_copy(update={"amount": Decimal("1200.50")}),
        _line(2, HAUL, "truck", nov, 0).model_copy(update={"amount": Decimal("250.50")}),
        _line(3, GULL, None, nov, 0).model_copy(update={"amount": Decimal("500.40")}),
    )
    model = _section(ceo_report(snapshot.model_copy(update={"revenue": cents}), OTHERS), "Revenue model per asset")
    # lines 1,951.40 and lets 5,700: 7,651.40 in all, rounded once to 7,651
    assert model.summary == (
        "$1,951 in revenue lines for Sep 2026–Nov 2026, $500 of it naming no asset. "
        "Rentals add $5,700 from occupancy.csv."
    )
    *assets, total = model.tables[0].rows
    assert total == ("All assets", "", "", "$7,151", "", "", "")
    assert sum(_amount(row[3]) for row in assets) == _amount(total[3])
    no_asset = sum(_amount(row[1]) for row in model.tables[1].rows)
    assert no_asset == 500
    assert _amount(total[3]) + no_asset == 1951 + 5700
    # the half-dollars go to the first in the table: the skiff's, and its average reads its row
    skiff, truck = (next(r for r in assets if r[1] == name) for name in ("Skiff", "Box truck"))
    assert (skiff[3], skiff[5], truck[3], truck[5]) == ("$1,201", "$1,201", "$250", "$250")


def test_the_revenue_models_summary_reads_the_revenue_lines_and_the_lets_as_its_months_add_up() -> None:
    """A review: the summary split all the revenue rounded once between the revenue lines and occupancy.csv. Its
    two figures now are the By month table's columns added, each month the CFO's burn month as shown: lines of
    $1,951.60 and a let of $2,700.70 in Nov make $4,652 there, split $1,951 and $2,701 (the larger cents first);
    that both be rounded alone ($1,952 and $2,701) would read $4,653 beside the CFO's $4,652."""
    snapshot = _snapshot()
    nov = date(2026, 11, 14)
    cents = (
        _line(1, GULL, "skiff", nov, 0).model_copy(update={"amount": Decimal("1200.50")}),
        _line(2, HAUL, "truck", nov, 0).model_copy(update={"amount": Decimal("250.50")}),
        _line(3, GULL, None, nov, 0).model_copy(update={"amount": Decimal("500.60")}),
    )
    lets = tuple(o.model_copy(update={"revenue": o.revenue + Decimal("0.70")}) if o.month == nov.replace(day=1) else o
                 for o in snapshot.occupancy)  # fmt: skip
    doc = ceo_report(snapshot.model_copy(update={"revenue": cents, "occupancy": lets}), OTHERS)
    model = _section(doc, "Revenue model per asset")
    assert model.summary == (
        "$1,951 in revenue lines for Sep 2026–Nov 2026, $501 of it naming no asset. Rentals add $5,701 from "
        "occupancy.csv."
    )
    by_month = next(t for t in model.tables if t.title.startswith("By month"))
    assert by_month.rows[-1] == ("Nov 2026", "$1,951", "$2,701", "$4,652")
    # the tables add up to the two figures of the summary
    *_, total = model.tables[0].rows
    no_asset = sum(_amount(row[1]) for row in model.tables[1].rows)
    assert _amount(total[3]) + no_asset == 1951 + 5701


def test_the_revenue_models_three_months_are_the_cfos_burn_months_as_shown_added() -> None:
    """A review: three months of $1,000.50 read $1,001 each in the CFO's burn table ($3,003 added) and
    "$3,002 in revenue lines for Sep 2026–Nov 2026" in the CEO's report, the same revenue of the same months."""
    from firstmate.domain.reports.cfo import cfo_report

    days = (date(2026, 9, 14), date(2026, 10, 14), date(2026, 11, 14))
    halves = tuple(
        _line(n, HAUL, "truck", day, 0).model_copy(update={"amount": Decimal("1000.50")}) for n, day in enumerate(days)
    )
    snapshot = _snapshot().model_copy(update={"revenue": halves, "occupancy": ()})
    burn = next(t for t in _section(cfo_report(snapshot), "Monthly burn").tables if t.title.startswith("Burn by month"))
    at = burn.columns.index("Revenue")
    cfo_months = [(row[0], _amount(row[at])) for row in burn.rows]
    assert [amount for _, amount in cfo_months] == [Decimal(1001)] * 3
    model = _section(ceo_report(snapshot, OTHERS), "Revenue model per asset")
    assert model.summary.startswith("$3,003 in revenue lines for Sep 2026–Nov 2026")
    *_, total = model.tables[0].rows
    assert _amount(total[3]) == 3003
    by_month = next(t for t in model.tables if t.title.startswith("By month"))
    assert [(row[0], _amount(row[-1])) for row in by_month.rows] == cfo_months


def test_the_revenue_models_months_split_lines_and_lets_as_the_cfos_burn_shows_each_month() -> None:
    """With lets kept in occupancy.csv alone, each month of the revenue model reads the CFO's, its revenue lines
    and lets adding up to it, and the summary's two figures are the months' columns added."""
    from firstmate.domain.reports.cfo import cfo_report

    snapshot = _snapshot()
    lets = tuple(o.model_copy(update={"revenue": o.revenue + Decimal("0.70")}) for o in snapshot.occupancy)
    lines = tuple(r.model_copy(update={"amount": r.amount + Decimal("0.40")}) for r in snapshot.revenue)
    snapshot = snapshot.model_copy(update={"revenue": lines, "occupancy": lets})
    burn = next(t for t in _section(cfo_report(snapshot), "Monthly burn").tables if t.title.startswith("Burn by month"))
    cfo_months = [(row[0], _amount(row[burn.columns.index("Revenue")])) for row in burn.rows]
    model = _section(ceo_report(snapshot, OTHERS), "Revenue model per asset")
    by_month = next(t for t in model.tables if t.title.startswith("By month"))
    assert [(row[0], _amount(row[-1])) for row in by_month.rows] == cfo_months
    for row in by_month.rows:
        assert _amount(row[1]) + _amount(row[2]) == _amount(row[3])
    lines_shown = sum(_amount(row[1]) for row in by_month.rows)
    lets_shown = sum(_amount(row[2]) for row in by_month.rows)
    assert (
        model.summary.startswith(f"${lines_shown:,} in revenue lines")
        and f"Rentals add ${lets_shown:,} " in model.summary
    )
    *_, total = model.tables[0].rows
    no_asset = sum(_amount(row[1]) for row in model.tables[1].rows)
    assert _amount(total[3]) + no_asset == sum(amount for _, amount in cfo_months)


def test_an_asset_another_business_sells_on_shows_that_business_on_its_own_row() -> None:
    """A review: the demo's Tidewater Sailing Club sells $350 bookings on Saltwind's Sea Lark, and the CEO's model
    read "Saltwind Charters | Sea Lark | 30 charters | $934" where the CFO counted Saltwind 28 charters at $1,479
    and Tidewater 12 bookings at $350: the two businesses' sales added under one, at an average of neither."""
    from firstmate.domain.reports.cfo import cfo_report

    club = "tern-club"
    snapshot = _snapshot()
    entities = (*snapshot.entities, Entity(id=club, name="Tern Sailing Club", kind=EntityKind.GUEST_BRAND))
    nov = date(2026, 11, 20)
    lines = tuple(_line(20 + n, club, "skiff", nov, 350) for n in range(3))
    snapshot = snapshot.model_copy(update={"entities": entities, "revenue": (*snapshot.revenue, *lines)})
    model = _section(ceo_report(snapshot, OTHERS), "Revenue model per asset")
    rows = {(r[0], r[1]): r for r in model.tables[0].rows}
    # the skiff's own charters, as before; the club's 3 bookings of $350 on a row of their own
    assert rows[("Gull Point Charters", "Skiff")][3:6] == ("$4,800", "4 charters", "$1,200")
    assert rows[("Tern Sailing Club", "Skiff")][2:6] == ("per booking", "$1,050", "3 bookings", "$350")
    evens = {r[0]: r for r in _section(cfo_report(snapshot), "Break-even volume").tables[0].rows}
    assert evens["Tern Sailing Club"][2] == "$350"


def test_a_kpi_gap_is_worked_out_from_the_goal_and_actual_as_shown() -> None:
    """A review: the demo's loft read "70% | 55% | −22%": 17 of 31 nights is 54.8%, and (54.8 − 70) / 70 is −22%,
    but a reader redoing it from the row gets (55 − 70) / 70 = −21%."""
    snapshot = _snapshot()
    november = Occupancy(asset="cottage", month="2026-11", nights_available=30, nights_booked=13, revenue=Decimal(1950))
    snapshot = snapshot.model_copy(
        update={"occupancy": (november, *(o for o in snapshot.occupancy if o.month.month != 11))}
    )
    rows = {(r[0], r[1]): r for r in _section(ceo_report(snapshot, []), "KPI gaps").tables[0].rows}
    # 13 / 30 = 43.3%, shown 43%: (43 − 70) / 70 = −38.6% → −39% (the exact figures made −38%)
    assert rows[("Brine Cottage Stays", "occupancy")][2:5] == ("70%", "43%", "−39%")


def test_an_actual_just_under_its_goal_shows_the_shortfall_it_is_alerted_for() -> None:
    """16 nights of 23 (69.6%) against a 70% goal read "70% | 70% | 0% | [ALERT]": the row showed no shortfall
    beside its alert. An actual that rounds up to its goal shows a place more."""
    snapshot = _snapshot()
    november = Occupancy(asset="cottage", month="2026-11", nights_available=23, nights_booked=16, revenue=Decimal(1950))
    snapshot = snapshot.model_copy(
        update={"occupancy": (november, *(o for o in snapshot.occupancy if o.month.month != 11))}
    )
    report = ceo_report(snapshot, [])
    rows = {(r[0], r[1]): r for r in _section(report, "KPI gaps").tables[0].rows}
    assert rows[("Brine Cottage Stays", "occupancy")][2:6] == ("70%", "69.6%", "−0.6%", "[ALERT]")
