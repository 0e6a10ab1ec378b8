"""The CEO lens's goal comparisons: profit and revenue per business line against its goals, and the
volume KPIs (bookings, leads, occupancy) against theirs. `ceo.py` assembles the report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from firstmate.domain.business import AssetKind
from firstmate.domain.currencies import in_units_of
from firstmate.domain.reports.cfo import month_revenue
from firstmate.domain.reports.cmo_calc import change_percent, kpi_value
from firstmate.domain.reports.document import Card, Finding, Section, Severity, Table, Tone
from firstmate.domain.reports.format import (
    REVENUE_LINES,
    count,
    money,
    month_label,
    months_back,
    pct,
    ratio,
    units_sold,
    whole,
)
from firstmate.domain.snapshot import Goal, RevenueLine, Snapshot

ROLE = "ceo"
ZERO = Decimal(0)
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
# Severity guide: HIGH = money at stake >= 1,000, a security/legal exposure, or a goal missed by > 20 %;
# MEDIUM = smaller money or a clear gap; LOW = hygiene.
# Money in a dollar's worth, scaled to the currency (`in_units_of`: ¥100,000).
HIGH_MONEY = Decimal(1000)
HIGH_SHORT = Decimal("0.2")

Part = tuple[Section, list[Finding]]
#: The profit table's row of what is no one business's: the shared fixed costs (business.yaml, no entity).
SHARED_COSTS = "Shared costs"
#: Revenue and expenses of a month in whole units, as the profit table shows them, by entity (None: all).
Shown = dict[str | None, tuple[Decimal, Decimal]]


def finding(key: str, title: str, detail: str, severity: Severity, owner: str, at_stake: Decimal = ZERO) -> Finding:
    """A CEO-lens finding; money in cents (a dinar's fils: `Finding` rounds it) so the plan shows what the detail
    states."""
    return Finding(f"{ROLE}:{key}", title, detail, severity, owner, at_stake, ROLE)


def shortfall_severity(short: Decimal, goal: Decimal, at_stake: Decimal, currency: str) -> Severity:
    """HIGH when more than 20 % short of the goal or 1,000 or more at stake (in `currency`'s scale); else MEDIUM."""
    share = ratio(short, goal)
    high = at_stake >= in_units_of(HIGH_MONEY, currency)
    return Severity.HIGH if high or share is None or share > HIGH_SHORT else Severity.MEDIUM


def last_month(snapshot: Snapshot) -> date:
    """The last full month before the snapshot date."""
    return months_back(snapshot.as_of, 1)[0]


def month_lines(snapshot: Snapshot, month: date) -> list[RevenueLine]:
    """The revenue lines whose service date falls in `month` (its first day), in snapshot order."""
    if month.day != 1:
        return []
    year, number = month.year, month.month  # compared by parts: cheaper than date.replace on every line
    return [r for r in snapshot.revenue if r.service_date.month == number and r.service_date.year == year]


def _entity_ids(snapshot: Snapshot, month: date, lines: list[RevenueLine]) -> list[str]:
    """Every entity of the profile plus any named by the month's rows, by name then id."""
    ids = {e.id for e in snapshot.entities}
    ids |= {r.entity for r in lines}
    ids |= {e.entity for e in snapshot.expenses if e.month == month}
    return sorted(ids, key=lambda i: (snapshot.entity_name(i), i))


def month_expenses(snapshot: Snapshot, entity: str | None, month: date) -> Decimal:
    """Expenses of one month, for an entity or all (None): its expenses.csv rows, and the business.yaml fixed
    costs (commitments such as a loan or a mortgage are costs of the month too; shared ones only in the total)."""
    spent = sum((e.amount for e in snapshot.expenses if entity in (None, e.entity) and e.month == month), ZERO)
    return spent + sum((f.monthly for f in snapshot.finance.fixed_costs if entity in (None, f.entity)), ZERO)


def profit_rows(
    snapshot: Snapshot, month: date, lines: list[RevenueLine], ids: list[str]
) -> tuple[list[tuple[str, Decimal, Decimal]], Shown]:
    """The profit table's rows (name, revenue, expenses) in whole units, as shown: each business of `ids`,
    then the shared costs when there are any, then all businesses; and the figures by entity (None: all
    businesses) for the goal cards, so that a card reads its row. Revenue is `month_revenue` (revenue lines by
    service date, and the occupancy.csv lets of rentals no line names), as the CFO reads it: all businesses' the
    month's sum rounded once, the rows rounded to add up to it (they were added rounded one by one, and read $1–2
    above the CFO's figure of the same month). Expenses (`month_expenses`): each row rounded, all businesses the
    rows added. The shared fixed costs were in the total alone, and rows rounded one by one did not add up to the
    exact total rounded: $25,424 of the businesses' expenses read $25,774 for all of them."""
    rows: list[tuple[str, Decimal, Decimal]] = []
    shown: Shown = {}
    revenue = month_revenue(snapshot, month, lines)
    exact_spent = ZERO
    for entity in ids:
        spent = month_expenses(snapshot, entity, month)
        exact_spent += spent
        shown[entity] = (revenue.of(entity), whole(spent))
        rows.append((snapshot.entity_name(entity), *shown[entity]))
    shared_revenue = revenue.total - sum((shown[entity][0] for entity in ids), ZERO)  # a let of no business's
    shared = (shared_revenue, whole(month_expenses(snapshot, None, month) - exact_spent))  # of no one business
    if shared != (ZERO, ZERO):
        rows.append((SHARED_COSTS, *shared))
    shown[None] = (revenue.total, sum((r[2] for r in rows), ZERO))
    rows.append((snapshot.entity_name(None), *shown[None]))
    return rows, shown


def profitability_section(snapshot: Snapshot, others: Sequence[Finding]) -> Part:
    """Revenue, expenses and profit per entity in the last full month, against profit and revenue goals."""
    cur, month = snapshot.currency, last_month(snapshot)
    method = (
        f"{month_label(month)}: revenue = {REVENUE_LINES} by service-date month, plus occupancy.csv revenue of "
        "property assets no line of the month names; expenses = expenses.csv rows "
        f"of that month (fixed and variable) plus business.yaml fixed_costs (shared ones, of no entity, in the "
        f"row {SHARED_COSTS}); profit = revenue − expenses. Each row in whole units. All businesses' revenue = the "
        "month's sum rounded once, as the CFO report reads it, each row's rounded so that the rows add up to it; "
        "All businesses' expenses = the rows above it added. Goals with metric profit or revenue (business.yaml; "
        "no entity = all businesses) are compared with the month's figure as its row shows it; a shortfall is "
        f"HIGH when more than 20% short or {money(in_units_of(HIGH_MONEY, cur), cur)} or more."
    )
    lines = month_lines(snapshot, month)
    ids = _entity_ids(snapshot, month, lines)
    if not ids:
        summary = (
            f"No businesses or rows for {month_label(month)}: add revenue.csv and expenses.csv to the data folder."
        )
        return Section("Profitability vs goals", summary, method=method), []
    rows, shown = profit_rows(snapshot, month, lines, ids)
    cells = []
    for name, revenue, spent in rows:
        # no margin on no sales: a month of a refund alone read the loss over it, "167%"
        margin = ratio(revenue - spent, revenue) if revenue > 0 else None
        sales = "—" if name == SHARED_COSTS and not revenue else money(revenue, cur)
        margin_text = "—" if margin is None else pct(margin)
        cells.append((name, sales, money(spent, cur), money(revenue - spent, cur), margin_text))
    table = Table(("Entity", "Revenue", "Expenses", "Profit", "Margin"), tuple(cells), title=month_label(month))
    cards, findings, bullets = [], [], []
    goals = _unique([g for g in snapshot.finance.goals if g.metric in ("profit", "revenue")])
    cfo_keys = {f.key for f in others if f.key.startswith("cfo:revenue-goal:")}
    for goal in goals:
        card, found = _goal_card(snapshot, goal, month, lines, shown)
        cards.append(card)
        # the CFO lens already puts a revenue shortfall in the plan: one action, not two
        if found is not None and goal.metric == "revenue" and found.key.replace(ROLE, "cfo", 1) in cfo_keys:
            bullets.append(f"{card.label} shortfall is in the plan from the CFO report.")
        elif found is not None:
            findings.append(found)
    if not goals:
        bullets.append("No profit or revenue goals: add goals: with metric profit or revenue to business.yaml.")
    total_rev, total_spent = shown[None]
    summary = f"{month_label(month)} profit {money(total_rev - total_spent, cur)} on revenue {money(total_rev, cur)}."
    return Section("Profitability vs goals", summary, tuple(cards), (table,), tuple(bullets), method), findings


def _unique(goals: list[Goal]) -> list[Goal]:
    """One goal per (entity, metric), the first given; org-wide first, then by entity id and metric."""
    unique: dict[tuple[str | None, str], Goal] = {}
    for goal in goals:
        unique.setdefault((goal.entity, goal.metric), goal)
    return sorted(unique.values(), key=lambda g: (g.entity is not None, g.entity or "", g.metric))


def _goal_card(
    snapshot: Snapshot, goal: Goal, month: date, lines: list[RevenueLine], shown: Shown
) -> tuple[Card, Finding | None]:
    cur, who = snapshot.currency, snapshot.entity_name(goal.entity)
    if goal.entity in shown:  # as its row of the table reads
        revenue, spent = shown[goal.entity]
    else:
        revenue = month_revenue(snapshot, month, lines).of(goal.entity)
        spent = whole(month_expenses(snapshot, goal.entity, month))
    actual = revenue - spent if goal.metric == "profit" else revenue
    label = f"{who} {goal.metric}, {month_label(month)}"
    short = goal.monthly - actual
    if short <= 0:
        return Card(label, money(actual, cur), Tone.OK, "[OK]", f"goal {money(goal.monthly, cur)}", actual), None
    note = f"goal {money(goal.monthly, cur)}; short {money(short, cur)}"
    card = Card(label, money(actual, cur), Tone.ALERT, "[ALERT]", note, actual)
    # profit is the CFO's to fix (costs and prices); revenue the CMO's (demand)
    owner = "cfo" if goal.metric == "profit" else "cmo"
    figures = f"revenue {money(revenue, cur)}"
    if goal.metric == "profit":
        figures += f" − expenses {money(spent, cur)} = profit {money(actual, cur)}"
    goal_text = money(goal.monthly, cur)
    detail = f"{month_label(month)}: {figures}, against a {goal.metric} goal of {goal_text}: short {money(short, cur)}."
    where = "across all businesses" if goal.entity is None else f"at {who}"
    title = f"Close the {money(short, cur)} {goal.metric} gap {where} ({month_label(month)} goal {goal_text})"
    severity = shortfall_severity(short, goal.monthly, short, cur)
    key = f"{goal.metric}-goal:{goal.entity or 'all'}"
    return card, finding(key, title, detail, severity, owner, short)


def kpi_section(snapshot: Snapshot, others: Sequence[Finding] = ()) -> Part:
    """Bookings, leads and occupancy against their goals, and the marketing KPIs flagged ALERT. An
    occupancy shortfall the real estate report already puts in the plan, for a property of the goal's,
    is one action there, not a second one here (it was counted twice in the plan's money at stake)."""
    month = last_month(snapshot)
    method = (
        f"Bookings = sales of the entity (all when the goal has none) with a service date in "
        f"{month_label(month)}: revenue lines, each reference once, not refunds or deposits. Leads = the "
        "latest weekly marketing report's leads KPI × 52 / 12 as a monthly "
        "estimate (org-wide: the report does not split by business). Occupancy = nights booked / nights "
        f"available in occupancy.csv for the entity's property assets in {month_label(month)}; the goal is a "
        "fraction (0.70; a value above 1 is read as a percent). Money at stake: missing bookings × the month's "
        "average line; missing nights × revenue per booked night. Gap = (actual − goal) / goal, as the row shows "
        "them (an occupancy to the whole percent, a count to the whole; a place more where only that shows a "
        "shortfall). Goals from business.yaml."
    )
    goals = sorted(
        _unique([g for g in snapshot.finance.goals if g.metric in ("bookings", "leads", "occupancy")]),
        key=lambda g: (g.metric, g.entity or ""),
    )
    rows, findings, bullets = [], [], []
    missed = 0
    for goal in goals:
        row, found = _kpi_row(snapshot, goal, month)
        rows.append(row)
        missed += found is not None
        if found is not None and goal.metric == "occupancy" and _in_real_estate(snapshot, goal, others):
            bullets.append(f"{snapshot.entity_name(goal.entity)} occupancy shortfall is in the plan from the real "
                           "estate report.")  # fmt: skip
        elif found is not None:
            findings.append(found)
    tables = [Table(("Who", "Metric", "Goal", "Actual", "Gap", "Status"), tuple(rows), title=month_label(month))]
    if not goals:
        bullets.append("No KPI goals: add goals: with metric bookings, leads or occupancy to business.yaml.")
    alerts = _marketing_alerts(snapshot)
    if alerts is None:
        bullets.append("No marketing report yet: the weekly marketing report supplies leads and the other KPIs.")
    elif alerts.rows:
        tables.append(alerts)
    summary = f"{missed} of {len(goals)} KPI goals missed in {month_label(month)}." if goals else bullets.pop(0)
    shown = tuple(t for t in tables if t.rows)
    return Section("KPI gaps", summary, (), shown, tuple(bullets), method), findings


def _in_real_estate(snapshot: Snapshot, goal: Goal, others: Sequence[Finding]) -> bool:
    """Whether the real estate report has an occupancy finding for a property the goal covers."""
    covered = {a.id for a in snapshot.assets if a.kind is AssetKind.PROPERTY and goal.entity in (None, a.entity)}
    return any(f.key.startswith("real_estate:occupancy:") and f.key.rsplit(":", 1)[1] in covered for f in others)


def _kpi_actual(snapshot: Snapshot, goal: Goal, month: date) -> tuple[Decimal | None, Decimal, str]:
    """The month's figure for a KPI goal (None when there is no data), the revenue one whole unit of the
    metric is worth, and what is missing when there is no data."""
    if goal.metric == "bookings":
        lines = [r for r in month_lines(snapshot, month) if goal.entity in (None, r.entity)]
        sold = units_sold(lines)
        per_sale = sum((r.amount for r in lines), ZERO) / sold if sold else ZERO
        return Decimal(sold), per_sale, ""
    if goal.metric == "leads":
        kpis = snapshot.marketing.kpis if snapshot.marketing else ()
        kpi = next((k for k in kpis if k.key == "leads"), None)
        if kpi is None or kpi.value is None:
            return None, ZERO, "no leads KPI: no weekly marketing report yet"
        return kpi.value * WEEKS_PER_MONTH, ZERO, ""
    properties = {a.id for a in snapshot.assets if a.kind is AssetKind.PROPERTY and goal.entity in (None, a.entity)}
    rows = [o for o in snapshot.occupancy if o.asset in properties and o.month == month]
    available, booked = sum(o.nights_available for o in rows), sum(o.nights_booked for o in rows)
    if not available:
        return None, ZERO, f"no occupancy rows for {month_label(month)}: add occupancy.csv"
    per_night = sum((o.revenue for o in rows), ZERO) / booked if booked else ZERO
    # occupancy is a fraction: a whole unit (1.0) is every available night at the month's rate
    return Decimal(booked) / Decimal(available), per_night * available, ""


def _show(metric: str, value: Decimal, places: int = 0) -> str:
    return pct(value, places) if metric == "occupancy" else count(_shown(metric, value, places))


def _shown(metric: str, value: Decimal, places: int = 0) -> Decimal:
    """A KPI's figure as the row shows it: an occupancy to the whole percent, a count to the whole (or to
    `places` more)."""
    step = Decimal(1).scaleb(-places)
    if metric == "occupancy":
        return (value * 100).quantize(step, ROUND_HALF_UP) / 100
    return value.quantize(step, ROUND_HALF_UP)


def _places(metric: str, actual: Decimal, target: Decimal) -> int:
    """The decimal places that show a shortfall: none, unless the actual rounds up to its goal (69.6% of a 70%
    goal read "70% | 70% | 0%" beside its alert), then one, or two."""
    places = 0
    while places < 2 and actual < target and _shown(metric, actual, places) >= _shown(metric, target, places):
        places += 1
    return places


def _kpi_row(snapshot: Snapshot, goal: Goal, month: date) -> tuple[tuple[str, ...], Finding | None]:
    who, cur, metric = snapshot.entity_name(goal.entity), snapshot.currency, goal.metric
    target = goal.monthly / 100 if metric == "occupancy" and goal.monthly > 1 else goal.monthly
    actual, unit_value, missing = _kpi_actual(snapshot, goal, month)
    if actual is None:
        return (who, metric, _show(metric, target), "no data", "—", missing), None
    short, places = target - actual, _places(metric, actual, target)
    # the gap from the goal and actual as the row shows them: 17 of 31 nights (54.8%, shown 55%) against 70% read
    # −22%, where a reader redoing the row gets −21%
    shown_target, shown_actual = _shown(metric, target, places), _shown(metric, actual, places)
    gap = ratio(shown_actual - shown_target, shown_target)
    status = "[ALERT]" if short > 0 else "[OK]"
    gap_said = "—" if gap is None else pct(gap, places)
    row = (who, metric, _show(metric, target), _show(metric, actual, places), gap_said, status)
    if short <= 0:
        return row, None
    at_stake = short * unit_value
    owner = "real_estate" if metric == "occupancy" else "cmo"
    where = "across all businesses" if goal.entity is None else f"at {who}"
    # leads come from the latest weekly report, not from the month's rows
    when = "from the latest week" if metric == "leads" else f"in {month_label(month)}"
    title = f"Lift {metric} {where} to {_show(metric, target)} a month ({_show(metric, actual, places)} {when})"
    lost = f"; about {money(at_stake, cur)} of revenue missing" if at_stake else ""
    detail = f"{metric.capitalize()} {_show(metric, actual, places)} against a goal of {_show(metric, target)}{lost}."
    severity = shortfall_severity(short, target, at_stake, cur)
    return row, finding(f"kpi:{metric}:{goal.entity or 'all'}", title, detail, severity, owner, at_stake)


def _marketing_alerts(snapshot: Snapshot) -> Table | None:
    """The latest marketing report's KPIs marked ALERT; None without a report."""
    if snapshot.marketing is None:
        return None
    alerts = sorted((k for k in snapshot.marketing.kpis if k.status == "ALERT"), key=lambda k: k.key)
    rows = tuple(
        (
            k.label,
            kpi_value(k, snapshot.marketing.currency),
            k.direction,
            "—" if k.change is None else change_percent(k.change),
        )
        for k in alerts
    )
    title = f"Marketing KPIs flagged [ALERT], week of {snapshot.marketing.week.isoformat()}"
    # the trend is the last 3 weeks against the usual level: "UP" beside "−14%" read as a contradiction
    return Table(("KPI", "Value", "3-week trend", "Week over week"), rows, title=title)
