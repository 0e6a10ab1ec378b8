"""The CFO lens on small, hand-computed snapshots (fictional businesses)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from firstmate.domain.business import Asset, AssetKind, Entity, EntityKind
from firstmate.domain.reports.books import books_on
from firstmate.domain.reports.cfo import cfo_report
from firstmate.domain.reports.document import ReportDocument, Section, Severity, Tone
from firstmate.domain.reports.format import whole
from firstmate.domain.snapshot import (
    CapitalOption,
    Cash,
    Expense,
    Finance,
    FixedCost,
    Goal,
    Maintenance,
    Occupancy,
    RevenueLine,
    Snapshot,
)
from firstmate.reports.role import role_text

AS_OF = date(2026, 12, 10)  # window Sep 2026–Nov 2026; last full month Nov; quarter to date Oct–Nov
GULL, HAUL = "gull-charters", "haulaway"


def _line(n: int, entity: str, service: date, amount: str) -> RevenueLine:
    return RevenueLine(
        id=f"r{n}", entity=entity, recorded_on=date(2026, 8, 1), service_date=service, amount=Decimal(amount)
    )


def _expense(n: int, entity: str, month: str, amount: str, *, fixed: bool = False) -> Expense:
    return Expense(
        id=f"e{n}", month=month, entity=entity, vendor="Harbour Supply Co", amount=Decimal(amount), fixed=fixed
    )


def _revenue() -> tuple[RevenueLine, ...]:
    gull = [date(2026, 9, 5)] * 2 + [date(2026, 10, 5)] * 3 + [date(2026, 11, 5)] * 4
    lines = [_line(i, GULL, d, "1500") for i, d in enumerate(gull)]
    lines += [_line(20, HAUL, date(2026, 9, 9), "400"), _line(21, HAUL, date(2026, 11, 9), "300")]
    lines += [_line(22, HAUL, date(2026, 11, 19), "300")]
    # outside the window by service date, though recorded inside it: never counted
    lines += [_line(30, GULL, date(2026, 12, 20), "9000"), _line(31, GULL, date(2026, 8, 20), "9000")]
    return tuple(lines)


def _expenses() -> tuple[Expense, ...]:
    rows = [
        _expense(1, GULL, "2026-09", "2000"),
        _expense(2, GULL, "2026-10", "2400"),
        _expense(3, GULL, "2026-11", "1600"),
        _expense(4, HAUL, "2026-09", "800"),
        _expense(5, HAUL, "2026-11", "1000"),  # no Haulaway rows in Oct: a gap
    ]
    rows += [_expense(10 + i, GULL, m, "600", fixed=True) for i, m in enumerate(("2026-09", "2026-10", "2026-11"))]
    return tuple(rows)


def _snapshot(**finance: object) -> Snapshot:
    base = Finance(
        cash=Cash(balance=Decimal(7000), as_of=date(2026, 12, 1)),
        fixed_costs=(
            FixedCost(name="Slip rent", entity=GULL, monthly=Decimal(2400)),
            FixedCost(name="Bookkeeping", monthly=Decimal(300)),
        ),
        goals=(
            Goal(metric="revenue", monthly=Decimal(9000)),
            Goal(entity=GULL, metric="revenue", monthly=Decimal(7000)),
            Goal(entity=HAUL, metric="revenue", monthly=Decimal(500)),
            Goal(entity=GULL, metric="bookings", monthly=Decimal(5)),
        ),
    )
    return Snapshot(
        org_id="tern",
        org_name="Tern Harbour Group",
        as_of=AS_OF,
        entities=(
            Entity(id=GULL, name="Gull Point Charters", kind=EntityKind.CHARTER),
            Entity(id=HAUL, name="Haulaway Hauling", kind=EntityKind.JUNK_REMOVAL),
        ),
        assets=(Asset(id="skiff", entity=GULL, name="Skiff", kind=AssetKind.BOAT),),
        revenue=_revenue(),
        expenses=_expenses(),
        maintenance=(
            Maintenance(id="m1", asset="skiff", date=date(2026, 12, 20), description="Haul-out", cost=Decimal(1200)),
            Maintenance(id="m2", asset="skiff", date=date(2026, 12, 10), description="Today", cost=Decimal(50)),
            Maintenance(id="m3", asset="skiff", date=date(2027, 3, 11), description="Day 91", cost=Decimal(70)),
        ),
        finance=base.model_copy(update=finance),
    )


def _section(doc: ReportDocument, title: str) -> Section:
    return next(s for s in doc.sections if s.title == title)


def _card(section: Section, label: str) -> tuple[str, Tone]:
    card = next(c for c in section.cards if c.label == label)
    return card.value, card.tone


def test_burn_is_a_range_when_an_entity_skips_a_month() -> None:
    doc = cfo_report(_snapshot())
    burn = _section(doc, "Monthly burn")
    # commitments 2,400 + 300 = 2,700; fixed expenses 1,800 / 3 = 600; variable 7,800 / 3 = 2,600
    # low = 5,900; high adds Haulaway's largest month (1,000) for its Oct gap: 5,900 + 1,000 / 3 = 6,233.33
    assert _card(burn, "Gross burn a month")[0] == "$5,900–$6,233"
    # revenue by service date Sep 3,400 + Oct 4,500 + Nov 6,600 = 14,500 / 3 = 4,833.33
    assert _card(burn, "Average monthly revenue")[0] == "$4,833"
    # net = 5,900 − 4,833.33 = 1,066.67 .. 6,233.33 − 4,833.33 = 1,400
    assert _card(burn, "Net burn a month")[0] == "$1,067–$1,400"
    october = next(r for r in burn.tables[0].rows if r[0] == "Oct 2026")
    assert october == ("Oct 2026", "$2,700", "$600", "$2,400", "$4,500", "Haulaway Hauling")
    assert any("Haulaway Hauling has no expense rows for Oct 2026" in b for b in burn.bullets)
    gap = next(f for f in doc.findings if f.key == "cfo:expense-gap:haulaway")
    assert (gap.severity, gap.owner) == (Severity.LOW, "accounting")


def test_runway_under_six_months_is_an_alert_with_the_cash_needed() -> None:
    doc = cfo_report(_snapshot())
    # 7,000 / 1,400 = 5.0 months; 7,000 / 1,066.67 = 6.56 → 6.6 months
    value, tone = _card(_section(doc, "Runway"), "Runway")
    assert (value, tone) == ("5.0–6.6 months", Tone.ALERT)
    runway = next(f for f in doc.findings if f.key == "cfo:runway:org")
    # between 3 and 6 months: MEDIUM; six months at 1,400 = 8,400 − 7,000 cash = 1,400
    assert (runway.severity, runway.money_at_stake) == (Severity.MEDIUM, Decimal(1400))
    assert doc.headline.startswith("Burning $5,900–$6,233 a month with 5.0–6.6 months of runway;")


def test_runway_under_three_months_is_high_and_no_burn_is_not_alerted() -> None:
    poor = cfo_report(_snapshot(cash=Cash(balance=Decimal(2800), as_of=date(2026, 12, 1))))
    # 2,800 / 1,400 = 2.0 months at the high burn
    assert next(f for f in poor.findings if f.key == "cfo:runway:org").severity is Severity.HIGH
    rich = _snapshot()
    rich = rich.model_copy(update={"revenue": (*rich.revenue, _line(40, GULL, date(2026, 10, 1), "9000"))})
    # revenue 23,500 / 3 = 7,833.33 > high burn 6,233.33: not burning cash
    doc = cfo_report(rich)
    assert _card(_section(doc, "Runway"), "Runway") == ("not burning cash", Tone.OK)
    assert not any(f.key == "cfo:runway:org" for f in doc.findings)


def test_break_even_names_units_by_kind_and_flags_lines_below_it() -> None:
    doc = cfo_report(_snapshot())
    table = _section(doc, "Break-even volume").tables[0]
    gull = next(r for r in table.rows if r[0] == "Gull Point Charters")
    # 9 charters / 3 = 3 a month; avg 1,500; variable 6,000 / 9 = 666.67, shown $667; margin $1,500 − $667 = $833;
    # fixed 2,400 slip rent + 600 fixed expenses = 3,000; ceil(3,000 / 833) = ceil(3.6) = 4; gap 3 − 4
    assert gull == (
        "Gull Point Charters",
        "3 charters",
        "$1,500",
        "$667",
        "$833",
        "$3,000",
        "4 charters",
        "−1.0",
    )  # the minus sign of every other figure
    lift = next(f for f in doc.findings if f.key == "cfo:break-even:gull-charters")
    # (4 − 3) × 833 = 833 a month, under 1,000: MEDIUM
    assert lift.money_at_stake == Decimal(833)
    assert lift.severity is Severity.MEDIUM
    haul = next(r for r in table.rows if r[0] == "Haulaway Hauling")
    # 3 jobs, avg 1,000 / 3 = 333.33, shown $333; variable 1,800 / 3 = 600 per job: margin $333 − $600 = −$267
    assert haul[1] == "1 job" and haul[6] == "never at this margin"
    never = next(f for f in doc.findings if f.key == "cfo:negative-margin:haulaway")
    # no fixed costs of its own; loses 267 × 1 job a month
    assert never.severity is Severity.HIGH
    assert never.money_at_stake == Decimal(267)
    assert doc.headline.endswith("Haulaway Hauling cannot break even at its current margin.")


def test_capital_tiers_short_of_reserve_is_high() -> None:
    doc = cfo_report(_snapshot())
    tiers = _section(doc, "Capital deployment tiers")
    # reserve 3 × the $6,233 burn shown = 18,699; committed: only the Dec 20 haul-out (today and day 91 are
    # outside) = 1,200
    assert [r[2] for r in tiers.tables[0].rows] == ["$18,699", "$1,200", "short by $12,899"]
    # free = 7,000 − 18,699 − 1,200 = −12,899
    assert _card(tiers, "Free to deploy") == ("short by $12,899", Tone.ALERT)
    short = next(f for f in doc.findings if f.key == "cfo:reserve:short")
    assert (short.severity, short.money_at_stake) == (Severity.HIGH, Decimal(12899))


def test_capital_options_are_funded_by_payback_while_cash_lasts() -> None:
    options = (
        CapitalOption(name="Second boat", cost=Decimal(6000), monthly_return=Decimal(500)),  # payback 12
        CapitalOption(name="Website refresh", cost=Decimal(1000), monthly_return=Decimal(250)),  # payback 4
        CapitalOption(name="Trailer", cost=Decimal(200), monthly_return=Decimal(0)),  # never: last
        CapitalOption(name="Dock cart", cost=Decimal(300), monthly_return=Decimal(100)),  # payback 3
    )
    doc = cfo_report(_snapshot(reserve_months=0, capital_options=options))
    section = _section(doc, "Capital deployment tiers")
    # free = 7,000 − 0 − 1,200 = 5,800: dock cart (5,500 left), website (4,500 left), the boat (6,000) does
    # not fit, so funding stops: the trailer waits too although it would fit
    assert _card(section, "Free to deploy")[0] == "$5,800"
    assert [(r[0], r[3], r[4]) for r in section.tables[1].rows] == [
        ("Dock cart", "3.0", "fund now"),
        ("Website refresh", "4.0", "fund now"),
        ("Second boat", "12.0", "wait"),
        ("Trailer", "never", "wait"),
    ]
    funded = sorted(f.key for f in doc.findings if f.key.startswith("cfo:fund:"))
    assert funded == ["cfo:fund:dock-cart", "cfo:fund:website-refresh"]


def test_revenue_targets_monthly_and_quarter_to_date() -> None:
    doc = cfo_report(_snapshot())
    table = _section(doc, "Revenue targets vs actuals").tables[0]
    rows = {r[0]: r for r in table.rows}
    # Gull Nov: 4 × 1,500 = 6,000 vs 7,000 (−14%); Oct–Nov: 4,500 + 6,000 = 10,500 vs 14,000 (−25%)
    assert rows["Gull Point Charters"] == (
        "Gull Point Charters", "$7,000", "$6,000", "−14%", "$14,000", "$10,500", "−25%"
    )  # fmt: skip
    # all businesses Nov: 6,000 + 600 = 6,600 vs 9,000: short 2,400 (26.7%)
    assert rows["All businesses"][2:4] == ("$6,600", "−27%")
    by_key = {f.key: f for f in doc.findings}
    org = by_key["cfo:revenue-goal:all"]
    assert (org.severity, org.owner, org.money_at_stake) == (Severity.HIGH, "ceo", Decimal(2400))
    gull = by_key["cfo:revenue-goal:gull-charters"]
    # 1,000 short of 7,000 is 14%: MEDIUM, owned by the CMO
    assert (gull.severity, gull.owner, gull.money_at_stake) == (Severity.MEDIUM, "cmo", Decimal(1000))
    # Haulaway Nov 600 ≥ 500: no finding, an OK card
    assert "cfo:revenue-goal:haulaway" not in by_key
    assert _card(_section(doc, "Revenue targets vs actuals"), "Haulaway Hauling revenue, Nov 2026")[1] is Tone.OK


def test_same_snapshot_in_any_row_order_gives_the_same_document() -> None:
    snapshot = _snapshot()
    shuffled = snapshot.model_copy(update={"revenue": snapshot.revenue[::-1], "expenses": snapshot.expenses[::-1]})
    assert cfo_report(snapshot) == cfo_report(shuffled)


def test_empty_snapshot_says_which_files_to_fill() -> None:
    doc = cfo_report(Snapshot(org_id="x", org_name="X", as_of=date(2026, 11, 21)))
    summaries = {s.title: s.summary for s in doc.sections}
    assert "add expenses.csv" in summaries["Monthly burn"]
    assert "add cash: to business.yaml" in summaries["Runway"]
    assert "add revenue.csv" in summaries["Break-even volume"]
    assert "add goals:" in summaries["Revenue targets vs actuals"]
    assert all(s.method for s in doc.sections)
    assert [f.key for f in doc.findings] == ["cfo:cash:missing"]
    assert doc.role == "cfo" and doc.title == "CFO report" and doc.actions == ()


def test_a_refund_and_a_deposit_are_no_sale_and_a_refund_of_a_sale_cancels_it() -> None:
    """Every revenue line was a unit: three $1,500 charters and a refund were four units at $750."""
    from datetime import date
    from decimal import Decimal

    from firstmate.domain.reports.format import units_sold
    from firstmate.domain.snapshot import RevenueLine

    def line(n: int, amount: str, reference: str = "", deposit: bool = False) -> RevenueLine:
        day = date(2026, 11, n)
        return RevenueLine(id=f"r{n}", entity="tide", source="direct", recorded_on=day, service_date=day,
                           amount=Decimal(amount), reference=reference, deposit=deposit)  # fmt: skip

    sales = [line(1, "1500", "BK-1"), line(2, "1500", "BK-2"), line(3, "1500", "BK-3")]
    assert units_sold([*sales, line(4, "-1500", "BK-3")]) == 2  # the refund of BK-3
    assert units_sold([*sales, line(4, "-200", "BK-3")]) == 3  # a partial refund leaves the sale
    assert units_sold([*sales, line(4, "-1500")]) == 3  # a refund naming no sale cancels none
    assert units_sold([line(5, "300", "BK-5", deposit=True), line(6, "1200", "BK-5")]) == 1  # deposit and balance
    assert units_sold([line(7, "300", "BK-7", deposit=True)]) == 0  # a deposit alone is no sale yet
    assert units_sold([line(8, "900"), line(9, "900")]) == 2  # lines without a reference: each its own
    # a refund naming its sale by id, as the import's error allows: the sale's reference or none
    assert units_sold([*sales, line(4, "-1500", "r3")]) == 2
    assert units_sold([line(8, "900"), line(9, "900"), line(10, "-900", "r9")]) == 1
    assert units_sold([*sales, line(4, "-1000", "r3"), line(5, "-500", "r3")]) == 2  # refunded in two lines


def test_the_ceo_and_the_cfo_judge_a_revenue_goal_on_the_same_revenue() -> None:
    """A let kept in occupancy.csv alone counted in the CEO's revenue and not the CFO's: one goal, one
    month, "$10,220 [OK]" in one report and "$8,000 [ALERT] short $2,000" in the other."""
    from datetime import date
    from decimal import Decimal

    from firstmate.demo.run import demo_profile
    from firstmate.domain.reports.lenses import build_documents
    from firstmate.domain.snapshot import Finance, Goal, Occupancy, RevenueLine, Snapshot

    profile = demo_profile()
    snapshot = Snapshot(
        org_id="demo", org_name="Demo", as_of=date(2026, 12, 5), entities=profile.entities, assets=profile.assets,
        revenue=(RevenueLine(id="r1", entity="saltwind-charters", asset="sea-lark", recorded_on=date(2026, 11, 2),
                             service_date=date(2026, 11, 8), amount=Decimal("8000.00")),),
        occupancy=(Occupancy(asset="loft-unit", month="2026-11", nights_available=30, nights_booked=12,
                             revenue=Decimal("2220.00")),),
        finance=Finance(goals=(Goal(metric="revenue", monthly=Decimal("10000")),)),
    )  # fmt: skip
    documents = build_documents(snapshot, ["ceo", "cfo"])
    cards = [
        next(c for s in documents[role].sections for c in s.cards if c.label == "All businesses revenue, Nov 2026")
        for role in ("ceo", "cfo")
    ]
    assert [(c.raw, c.value, c.marker) for c in cards] == [(Decimal("10220.00"), "$10,220", "[OK]")] * 2
    assert not [f for f in documents["cfo"].findings if f.key.startswith("cfo:revenue-goal:")]


def test_a_line_whose_sales_were_all_refunded_or_are_deposits_is_said_to_have_no_sale_not_divided_by() -> None:
    """Found by a review: a business line whose only charter in the window was refunded in full (or
    with a deposit alone) divided by zero units, and every role report failed to build."""
    refunded = (
        RevenueLine(id="h1", entity=HAUL, recorded_on=date(2026, 9, 1), service_date=date(2026, 9, 9),
                    amount=Decimal(400), reference="JOB-1"),
        RevenueLine(id="h2", entity=HAUL, recorded_on=date(2026, 9, 12), service_date=date(2026, 9, 9),
                    amount=Decimal(-400), reference="JOB-1"),
        RevenueLine(id="h3", entity=HAUL, recorded_on=date(2026, 11, 1), service_date=date(2026, 11, 20),
                    amount=Decimal(150), reference="JOB-2", deposit=True),
    )  # fmt: skip
    gull = tuple(r for r in _revenue() if r.entity == GULL)
    doc = cfo_report(_snapshot().model_copy(update={"revenue": gull + refunded}))
    section = _section(doc, "Break-even volume")
    assert [row[0] for row in section.tables[0].rows] == ["Gull Point Charters"]
    assert "Haulaway Hauling has no sale in Sep 2026–Nov 2026: its revenue lines are refunds or deposits alone." in (
        section.bullets
    )
    alone = cfo_report(_snapshot().model_copy(update={"revenue": refunded}))
    assert _section(alone, "Break-even volume").summary.startswith("No sales with a service date in Sep 2026–Nov 2026")


def test_a_rental_kept_in_occupancy_csv_alone_earns_in_the_burn_and_breaks_even_in_nights() -> None:
    """Found by a review: the same CFO report had Harbor Loft's October revenue at $6,000 (target met)
    and average monthly revenue $0, a 2-month runway and a HIGH "raise or save $20,000"."""
    from firstmate.demo.run import demo_profile
    from firstmate.domain.snapshot import Occupancy

    profile = demo_profile()
    loft = next(a for a in profile.assets if a.kind is AssetKind.PROPERTY)
    snapshot = Snapshot(
        org_id="demo", org_name="Demo", as_of=date(2026, 11, 21), entities=profile.entities, assets=profile.assets,
        occupancy=tuple(Occupancy(asset=loft.id, month=f"2026-{m:02d}", nights_available=30, nights_booked=25,
                                  revenue=Decimal("6000.00")) for m in (8, 9, 10)),
        expenses=tuple(Expense(id=f"E-{m}", month=f"2026-{m:02d}", entity=loft.entity, vendor="Example Bank",
                               amount=Decimal("5000.00"), fixed=True) for m in (8, 9, 10)),
        finance=Finance(cash=Cash(balance=Decimal(10000), as_of=date(2026, 11, 20))),
    )  # fmt: skip
    doc = cfo_report(snapshot)
    burn = _section(doc, "Monthly burn")
    assert next(c for c in burn.cards if c.label == "Average monthly revenue").raw == Decimal("6000.00")
    assert not [f for f in doc.findings if "Raise or save" in f.title]
    [row] = _section(doc, "Break-even volume").tables[0].rows
    assert (row[1], row[2], row[6], row[7]) == ("25 nights", "$240", "21 nights", "+4.0")  # $5,000 fixed / $240 a night


def test_a_let_kept_in_occupancy_csv_beside_revenue_lines_is_said_to_be_outside_the_break_even() -> None:
    """A review found the burn counting a flat kept in occupancy.csv alone while the break-even of its
    business line, which has revenue lines, did not, and nothing said so."""
    from firstmate.demo.run import demo_profile
    from firstmate.domain.snapshot import Occupancy

    profile = demo_profile()
    loft = next(a for a in profile.assets if a.kind is AssetKind.PROPERTY)
    other = loft.model_copy(update={"id": "loft-unit-3", "name": "Loft unit 3"})
    snapshot = Snapshot(
        org_id="demo", org_name="Demo", as_of=date(2026, 11, 21), entities=profile.entities,
        assets=(*profile.assets, other),
        revenue=(RevenueLine(id="s1", entity=loft.entity, asset=loft.id, recorded_on=date(2026, 9, 1),
                             service_date=date(2026, 9, 5), amount=Decimal("6000.00")),),
        occupancy=tuple(Occupancy(asset=other.id, month=f"2026-{m:02d}", nights_available=30, nights_booked=20,
                                  revenue=Decimal("3000.00")) for m in (8, 9, 10)),
    )  # fmt: skip
    section = _section(cfo_report(snapshot), "Break-even volume")
    name = snapshot.entity_name(loft.entity)
    assert (
        f"{name}: $9,000 of lets kept in occupancy.csv alone is in the burn but not in this break-even, which "
        "counts its revenue lines' sales." in section.bullets
    )


def test_a_cash_balance_dated_after_the_report_day_is_unknown_on_that_day() -> None:
    """A review: as of 1 Jan 2025 the demo's CFO report read "Cash: $88,500 as of 2026-12-04", with a
    runway and free cash to deploy from it."""
    snapshot = _snapshot(cash=Cash(balance=Decimal(2813), as_of=AS_OF + timedelta(days=1)))
    doc = cfo_report(books_on(snapshot))
    summaries = {s.title: s.summary for s in doc.sections}
    later = f"the cash balance in business.yaml is dated 2026-12-11, after {AS_OF}"
    assert summaries["Runway"] == f"Cash on {AS_OF} unknown: {later}; runway is not computed."
    assert summaries["Capital deployment tiers"] == f"Free cash unknown: {later}."
    assert "runway unknown (cash dated 2026-12-11, after 2026-12-10)" in doc.headline
    assert "$2,813" not in role_text(doc)
    # no runway alert, reserve shortfall or "record the cash" finding: the balance is recorded, for a later day
    assert not [f.key for f in doc.findings if f.key.split(":")[1] in ("runway", "reserve", "cash", "fund")]
    # on its own day it counts
    assert "$2,813" in role_text(cfo_report(books_on(snapshot.model_copy(update={"as_of": AS_OF + timedelta(days=1)}))))


def test_a_break_even_of_one_unit_reads_in_the_singular() -> None:
    """The demo's break-even table read "1 stay" a month done beside "1 stays" to break even, and as of 1 Jan
    2027 its headline (the mail's subject) said "Harbor Loft Rental breaks even at 1 stays a month (doing 0.7)"."""
    snapshot = Snapshot(
        org_id="tern",
        org_name="Tern Harbour Group",
        as_of=AS_OF,
        entities=(Entity(id=GULL, name="Gull Point Charters", kind=EntityKind.CHARTER),),
        # two charters of $1,500 in Sep–Nov: 0.7 a month; slip rent $1,000 a month / $1,500 margin → 1 a month
        revenue=(_line(1, GULL, date(2026, 9, 5), "1500"), _line(2, GULL, date(2026, 11, 5), "1500")),
        finance=Finance(fixed_costs=(FixedCost(name="Slip rent", entity=GULL, monthly=Decimal(1000)),)),
    )
    doc = cfo_report(snapshot)
    row = _section(doc, "Break-even volume").tables[0].rows[0]
    assert row[6] == "1 charter"
    assert doc.headline.endswith("Gull Point Charters breaks even at 1 charter a month (doing 0.7).")
    lift = next(f for f in doc.findings if f.key == "cfo:break-even:gull-charters")
    assert lift.title == "Lift Gull Point Charters to 1 charter a month (doing 0.7) to break even"
    assert "= 1 charter a month; doing 0.7." in lift.detail


def test_a_revenue_goal_of_zero_missed_by_a_refund_builds() -> None:
    """A line paused for the winter with a revenue goal of 0, whose last month held only the refund of an
    earlier sale, stopped the CFO report with DivisionByZero (its share of the goal), and the CEO's plan
    went out without the CFO's findings."""
    sale = RevenueLine(
        id="r1", entity=GULL, recorded_on=date(2026, 10, 1), service_date=date(2026, 10, 3), amount=Decimal(300)
    )
    refund = RevenueLine(
        id="r2", entity=GULL, recorded_on=date(2026, 11, 4), service_date=date(2026, 11, 4), amount=Decimal(-300),
        reference="r1",
    )  # fmt: skip
    snapshot = Snapshot(
        org_id="tern",
        org_name="Tern Harbour Group",
        as_of=AS_OF,
        entities=(Entity(id=GULL, name="Gull Point Charters", kind=EntityKind.CHARTER),),
        revenue=(sale, refund),
        finance=Finance(goals=(Goal(entity=GULL, metric="revenue", monthly=Decimal(0)),)),
    )
    doc = cfo_report(snapshot)
    short = next(f for f in doc.findings if f.key == "cfo:revenue-goal:gull-charters")
    assert short.detail == "Nov 2026 revenue −$300 against a $0 target: $300 short."
    assert short.money_at_stake == Decimal(300)


def test_a_one_property_rentals_lines_naming_no_asset_are_its_lets_not_counted_twice() -> None:
    """revenue.csv's asset column is optional: a loft let through Airbnb, its month's takings written as a
    line of the business with the asset left empty, and the month's row in occupancy.csv, read $4,440 of
    November revenue in the CFO's burn for $2,220 earned: the line named no property, so occupancy.csv's
    revenue of the same lets was added as a let kept there alone."""
    loft = "harbor-lofts"
    snapshot = Snapshot(
        org_id="tern",
        org_name="Tern Harbour Group",
        as_of=AS_OF,
        entities=(Entity(id=loft, name="Harbor Lofts", kind=EntityKind.RENTAL),),
        assets=(Asset(id="loft-2", entity=loft, name="Loft 2", kind=AssetKind.PROPERTY),),
        revenue=(_line(1, loft, date(2026, 11, 1), "2220"),),
        occupancy=(
            Occupancy(asset="loft-2", month="2026-11", nights_available=30, nights_booked=12, revenue=Decimal(2220)),
        ),
        finance=Finance(goals=(Goal(entity=loft, metric="revenue", monthly=Decimal(3000)),)),
    )
    doc = cfo_report(snapshot)
    november = next(r for r in _section(doc, "Monthly burn").tables[0].rows if r[0] == "Nov 2026")
    assert november[4] == "$2,220"
    target = _section(doc, "Revenue targets vs actuals").cards[0]
    assert (target.value, target.tone) == ("$2,220", Tone.ALERT)


def _dollars(text: str) -> Decimal:
    """ "$18,699" → 18699; "short by $12,899" → −12899."""
    figure = Decimal(text.rpartition("$")[2].replace(",", ""))
    return -figure if text.startswith("short by") else figure


def test_the_reserve_is_the_months_times_the_burn_shown_and_the_tiers_add_up_to_the_cash_shown() -> None:
    """A review: the demo's reserve read $76,501 for 3 months of a burn its card showed as $25,500; the owner's
    3 × $25,500 = $76,500. The tiers are a schedule in whole dollars: each is worked out from the figures shown."""
    options = {"cash": Cash(balance=Decimal("30000.40"), as_of=date(2026, 12, 1))}
    maintenance = Maintenance(id="m4", asset="skiff", date=date(2026, 12, 21), description="Antifoul",
                              cost=Decimal("0.60"))  # fmt: skip
    snapshot = _snapshot(**options)
    snapshot = snapshot.model_copy(update={"maintenance": (*snapshot.maintenance, maintenance)})
    doc = cfo_report(snapshot)
    burn = _card(_section(doc, "Monthly burn"), "Gross burn a month")[0]
    high = _dollars(burn.rpartition("–")[2])  # the range's high end: $6,233 (6,233.33 exactly)
    tiers = _section(doc, "Capital deployment tiers")
    reserve, committed, free = (_dollars(row[2]) for row in tiers.tables[0].rows)
    assert reserve == 3 * high == Decimal(18699)
    cash = _dollars(_card(_section(doc, "Runway"), "Cash")[0])
    assert (cash, committed) == (Decimal(30000), Decimal(1201))
    assert free == cash - reserve - committed == Decimal(10100)
    assert _dollars(_card(tiers, "Reserve")[0]) == reserve
    assert "3 months of burn at $6,233" in tiers.tables[0].rows[0][1]


def test_the_gross_burn_card_s_fixed_and_variable_add_up_to_its_low_end() -> None:
    """Found by the same review: each part of the gross burn card's note was rounded on its own, so a month of
    $3,300.50 fixed and $2,600.50 variable read "fixed $3,301 + variable $2,601" under a burn of $5,901."""
    snapshot = _snapshot()
    extra = (_expense(30, GULL, "2026-10", "1.50", fixed=True), _expense(31, GULL, "2026-10", "1.50"))
    doc = cfo_report(snapshot.model_copy(update={"expenses": (*snapshot.expenses, *extra)}))
    card = next(c for c in _section(doc, "Monthly burn").cards if c.label == "Gross burn a month")
    # fixed 2,700 + 1,801.50 / 3 = 3,300.50; variable 7,801.50 / 3 = 2,600.50; low end 5,901
    assert card.value.startswith("$5,901–")
    fixed, variable = (_dollars(part) for part in card.note.split(" + "))
    assert fixed + variable == Decimal(5901)


def test_a_let_of_no_nights_is_revenue_in_the_break_even_as_in_the_burn() -> None:
    """A review: an occupancy.csv row with revenue and 0 nights booked (a cleaning fee, a cancellation charge)
    was in the burn's revenue and left out of the break-even of a rental kept in occupancy.csv alone, so the
    two disagreed on what the flat earned; a flat with such rows alone had no break-even row and no word why."""
    from firstmate.demo.run import demo_profile

    profile = demo_profile()
    loft = next(a for a in profile.assets if a.kind is AssetKind.PROPERTY)

    def let(month: int, nights: int, revenue: str) -> Occupancy:
        return Occupancy(asset=loft.id, month=f"2026-{month:02d}", nights_available=30, nights_booked=nights,
                         revenue=Decimal(revenue))  # fmt: skip

    snapshot = Snapshot(
        org_id="demo", org_name="Demo", as_of=date(2026, 11, 21), entities=profile.entities, assets=profile.assets,
        occupancy=(let(8, 25, "6000.00"), let(9, 25, "6000.00"), let(10, 0, "300.00")),  # October: a cancellation
        expenses=tuple(Expense(id=f"E-{m}", month=f"2026-{m:02d}", entity=loft.entity, vendor="Example Bank",
                               amount=Decimal("5000.00"), fixed=True) for m in (8, 9, 10)),
    )  # fmt: skip
    doc = cfo_report(snapshot)
    burn = next(c for c in _section(doc, "Monthly burn").cards if c.label == "Average monthly revenue")
    assert burn.raw == Decimal("4100.00")  # 12,300 / 3
    [row] = _section(doc, "Break-even volume").tables[0].rows
    # 50 nights earned the burn's 12,300: $246 a night, where $240 left out October's $300
    assert (row[1], row[2]) == ("16.7 nights", "$246")
    fees = snapshot.model_copy(update={"occupancy": (let(8, 0, "150.00"), let(9, 0, "150.00"), let(10, 0, "150.00"))})
    section = _section(cfo_report(fees), "Break-even volume")
    name = snapshot.entity_name(loft.entity)
    assert (
        f"{name} has no night let in Aug 2026–Oct 2026: its $450 in occupancy.csv is in the burn, with no unit "
        "to break even on." in section.bullets
    )
    assert not [b for b in section.bullets if "has costs but no revenue lines" in b]
    # the CEO's revenue model names where that revenue comes from, as it does a let of some nights
    from firstmate.domain.reports.ceo import ceo_report

    model = next(s for s in ceo_report(fees, []).sections if s.title == "Revenue model per asset")
    row = next(r for r in model.tables[0].rows if r[1] == loft.name)
    assert row[3:] == ("$450", "0 nights", "—", "occupancy.csv")  # it read "—", as if from nowhere


def test_a_break_even_row_foots_from_its_own_figures() -> None:
    """A review: the margin was the exact one rounded, so a row read $1,000 − $601 = $400 a unit, and its
    break-even (3,995 / 399.80 = 9.99 → 10) did not follow from the $399 a reader gets from the figures shown."""
    doc = cfo_report(_five_charters_of_1000_40())
    row = _section(doc, "Break-even volume").tables[0].rows[0]
    average, variable, margin, fixed = (_dollars(cell) for cell in row[2:6])
    assert (average, variable, margin, fixed) == (1000, 601, 399, 3995)
    assert margin == average - variable
    # 3,995 / 399 = 10.01 → 11 charters a month; doing 5 / 3 = 1.7
    assert row[6] == "11 charters"
    lift = next(f for f in doc.findings if f.key == "cfo:break-even:gull-charters")
    assert "Fixed $3,995 a month / margin $399 per unit = 11 charters a month" in lift.detail
    # (11 − 1.7, as shown) × 399 = 3,710.70 a month
    assert lift.money_at_stake == Decimal("3710.70")


def test_the_missing_margin_is_worked_out_from_the_sales_a_month_as_shown() -> None:
    """A review: the break-even's "Missing margin" took the exact sales a month (5 / 3), where the table and the
    finding show 1.7, so (11 − 1.7) × $399 = $3,711 read $3,724; a line that loses money read its loss alike."""
    snapshot = _five_charters_of_1000_40()
    doc = cfo_report(snapshot)
    row = _section(doc, "Break-even volume").tables[0].rows[0]
    doing, margin, target = Decimal(row[1].split()[0]), _dollars(row[4]), Decimal(row[6].split()[0])
    assert (doing, row[7]) == (Decimal("1.7"), f"{doing - target:+.1f}".replace("-", "−"))
    lift = next(f for f in doc.findings if f.key == "cfo:break-even:gull-charters")
    assert f"doing {doing}. Missing margin: $3,711 a month." in lift.detail
    assert whole(lift.money_at_stake or Decimal(0)) == whole((target - doing) * margin) == 3711
    # the same line at a loss: variable $6,003 is $1,200.60 a charter, margin $1,000 − $1,201 = −$201; fixed $3,995
    losing = snapshot.model_copy(update={"expenses": (_expense(1, GULL, "2026-10", "6003"),)})
    never = next(f for f in cfo_report(losing).findings if f.key == "cfo:negative-margin:gull-charters")
    # $3,995 + $201 × 1.7 a month = $4,336.70, where 5 / 3 charters read $4,330
    assert "it loses about $4,337 a month (fixed $3,995 + $201 a charter × 1.7)." in never.detail


def _five_charters_of_1000_40() -> Snapshot:
    """Five charters over three months, $5,002 in all: $1,000.40 each; variable $3,003: $600.60 each; slip rent
    $3,995 a month."""
    return Snapshot(
        org_id="tern",
        org_name="Tern Harbour Group",
        as_of=AS_OF,
        entities=(Entity(id=GULL, name="Gull Point Charters", kind=EntityKind.CHARTER),),
        revenue=tuple(_line(n, GULL, date(2026, 9 + n % 3, 5), "1000.40") for n in range(5)),
        expenses=(_expense(1, GULL, "2026-10", "3003"),),
        finance=Finance(fixed_costs=(FixedCost(name="Slip rent", entity=GULL, monthly=Decimal(3995)),)),
    )


def test_the_burn_cards_are_redone_from_the_burn_table_as_shown() -> None:
    """A review: the cards averaged the exact months, so with cents a table of $1,000, $1,000 and $1,001 of
    revenue (averaging $1,000.33) stood under "Average monthly revenue: $1,001", and the gross burn and the
    net burn beside them read $1 off what the table's figures give."""
    months = (date(2026, 9, 5), date(2026, 10, 5), date(2026, 11, 5))
    cents = ("1000.40", "1000.40", "1000.70"), ("500.40", "500.40", "500.70")
    snapshot = Snapshot(
        org_id="tern",
        org_name="Tern Harbour Group",
        as_of=AS_OF,
        entities=(Entity(id=GULL, name="Gull Point Charters", kind=EntityKind.CHARTER),),
        revenue=tuple(_line(n, GULL, d, a) for n, (d, a) in enumerate(zip(months, cents[0], strict=True))),
        expenses=tuple(
            _expense(n, GULL, f"2026-{d.month:02d}", a) for n, (d, a) in enumerate(zip(months, cents[1], strict=True))
        ),
    )
    section = _section(cfo_report(snapshot), "Monthly burn")
    rows = section.tables[0].rows
    revenue = sum(_dollars(row[4]) for row in rows) / 3  # 3,001 / 3 = 1,000.33
    spent = sum(_dollars(cell) for row in rows for cell in row[1:4]) / 3  # 1,501 / 3 = 500.33
    cards = {c.label: c for c in section.cards}
    assert cards["Average monthly revenue"].value == f"${whole(revenue):,}" == "$1,000"
    assert cards["Gross burn a month"].value == f"${whole(spent):,}" == "$500"
    assert cards["Net burn a month"].note == f"revenue exceeds burn by ${whole(revenue) - whole(spent):,} a month"


def test_when_every_line_breaks_even_the_headline_names_the_one_closest_to_it() -> None:
    """A review: with every line above break-even, the demo's headline named the biggest earner, "Bluewater Yacht
    Delivery breaks even at 0 deliveries a month (doing 4)": a line with no fixed costs, which says nothing."""
    days = (date(2026, 9, 5), date(2026, 10, 5), date(2026, 11, 5))
    snapshot = Snapshot(
        org_id="tern",
        org_name="Tern Harbour Group",
        as_of=AS_OF,
        entities=(
            Entity(id=GULL, name="Gull Point Charters", kind=EntityKind.CHARTER),
            Entity(id=HAUL, name="Haulaway Hauling", kind=EntityKind.JUNK_REMOVAL),
        ),
        # Gull: 2 charters of $1,500 a month against 1 to cover its $1,000 slip rent; Haulaway: 1 job of $9,000 a
        # month, the biggest earner, with no fixed costs (0 to break even)
        revenue=tuple(_line(n, GULL, day, "1500") for n, day in enumerate(days * 2))
        + tuple(_line(10 + n, HAUL, day, "9000") for n, day in enumerate(days)),
        finance=Finance(fixed_costs=(FixedCost(name="Slip rent", entity=GULL, monthly=Decimal(1000)),)),
    )
    doc = cfo_report(snapshot)
    assert "breaks even at 0" not in doc.headline
    assert doc.headline.endswith(
        "; every business line at or above break-even, the closest Gull Point Charters: 2 charters a month against "
        "1 to break even."
    )


def test_the_committed_tier_lists_the_work_it_adds() -> None:
    """A review: the demo's "Committed, 90 days: $5,180" named no row: the CFO report lists no maintenance, and
    the real-estate report, the loft's $1,200 alone."""
    later = Maintenance(id="m4", asset="skiff", date=date(2027, 1, 5), description="Antifoul", cost=Decimal("400.60"))
    snapshot = _snapshot()
    snapshot = snapshot.model_copy(update={"maintenance": (*snapshot.maintenance, later)})
    section = _section(cfo_report(snapshot), "Capital deployment tiers")
    card = next(c for c in section.cards if c.label == "Committed, 90 days")
    table = next(t for t in section.tables if t.title.startswith("Committed"))
    # the Dec 20 haul-out and the Jan 5 antifoul; today's and day 91's are outside the 90 days
    assert table.rows == (
        ("2026-12-20", "Skiff", "Haul-out", "$1,200"),
        ("2027-01-05", "Skiff", "Antifoul", "$401"),
    )
    assert card.value == "$1,601" == f"${sum(int(row[3][1:].replace(',', '')) for row in table.rows):,}"


def test_a_snapshots_months_are_let_go_with_the_snapshot() -> None:
    """A long-running process keeps no org's revenue lines after its build: the months the lenses grouped a snapshot's
    lines into go as the snapshot goes (kept for the last four snapshots, they held a 16x build's peak at 140 MB)."""
    import gc

    from firstmate.domain.reports.cfo import revenue

    before = len(revenue._BY_MONTH)
    snapshot = _snapshot().model_copy(update={"revenue": (*_revenue(), _line(49, GULL, date(2026, 11, 6), "700"))})
    role_text(cfo_report(snapshot))
    assert len(revenue._BY_MONTH) == before + 1
    del snapshot
    gc.collect()
    assert len(revenue._BY_MONTH) == before


def test_each_snapshot_reads_its_own_revenue_though_the_lenses_keep_its_months() -> None:
    # the lenses group a snapshot's lines by month once and keep that (`revenue_by_month`): a report of another
    # snapshot, more than it keeps or one built again in between, still reads its own lines, never another's
    snapshots = [
        _snapshot().model_copy(update={"revenue": (*_revenue(), _line(40 + n, GULL, date(2026, 11, 6), f"{100 * n}"))})
        for n in range(1, 7)
    ]
    first = [role_text(cfo_report(s)) for s in snapshots]
    again = [role_text(cfo_report(s)) for s in reversed(snapshots)][::-1]
    assert first == again
    assert len(set(first)) == len(snapshots)  # each November read its own extra sale
    fresh = _snapshot().model_copy(update={"revenue": snapshots[2].revenue})  # equal lines, another tuple
    assert role_text(cfo_report(fresh)) == first[2]
