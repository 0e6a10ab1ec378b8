"""Revenue targets against actuals, last month and quarter to date, and their section."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from firstmate.domain.reports.cfo.findings import Part, cfo_finding
from firstmate.domain.reports.cfo.revenue import ZERO, month_revenue, revenue_lines_in
from firstmate.domain.reports.document import Card, Finding, Section, Severity, Table, Tone
from firstmate.domain.reports.format import REVENUE_LINES, money, month_label, months_back, pct, ratio, signed_pct
from firstmate.domain.snapshot import Goal, Snapshot


def quarter_months(month: date) -> list[date]:
    """The months of `month`'s calendar quarter up to and including `month`."""
    first = (month.month - 1) // 3 * 3 + 1
    return [month.replace(month=m) for m in range(first, month.month + 1)]


def revenue_goals(goals: tuple[Goal, ...]) -> list[Goal]:
    """Revenue goals, org-wide first then by entity id; an entity's first goal wins so keys stay unique."""
    unique: dict[str | None, Goal] = {}
    for goal in goals:
        if goal.metric == "revenue":
            unique.setdefault(goal.entity, goal)
    return sorted(unique.values(), key=lambda g: (g.entity is not None, g.entity or ""))


def gap_text(actual: Decimal, target: Decimal) -> str:
    """(actual − target) / target as a signed percent; "—" without a target."""
    share = ratio(actual - target, target)
    return "—" if share is None else signed_pct(share)


def targets_section(snapshot: Snapshot) -> Part:
    """The Revenue targets vs actuals section: last month's and the quarter's revenue against each goal."""
    cur, last = snapshot.currency, months_back(snapshot.as_of, 1)[0]
    quarter = quarter_months(last)
    method = (
        f"Goals with metric revenue (goals: in business.yaml; no entity = all businesses). Actual = {REVENUE_LINES} "
        "by service-date month, plus occupancy.csv revenue of rental properties no line of the month names, in "
        "whole units as the CEO report's profit table reads it: all businesses' the month's sum rounded once, a "
        "business's rounded so that the businesses add up to it. "
        f"Monthly: {month_label(last)} target vs actual. Quarter to date: "
        f"{month_label(quarter[0])}–{month_label(last)}, target = monthly goal × {len(quarter)} months, actual = "
        "those months' actuals added. Gap = (actual − target) / target. A shortfall is HIGH when more than 20% short."
    )
    goals = revenue_goals(snapshot.finance.goals)
    if not goals:
        summary = "No revenue goals: add goals: with metric revenue to business.yaml."
        return Section("Revenue targets vs actuals", summary, method=method), []
    rows, cards, findings = [], [], []
    # each month's revenue as the CEO's profit table reads it too, found once for every goal
    months = [month_revenue(snapshot, month, revenue_lines_in(snapshot, [month])) for month in quarter]
    for goal in goals:
        who = snapshot.entity_name(goal.entity)
        actual, qtd = months[-1].of(goal.entity), sum((m.of(goal.entity) for m in months), ZERO)
        q_target = goal.monthly * len(quarter)
        month_cells = (money(goal.monthly, cur), money(actual, cur), gap_text(actual, goal.monthly))
        rows.append((who, *month_cells, money(q_target, cur), money(qtd, cur), gap_text(qtd, q_target)))
        label, note, short = (
            f"{who} revenue, {month_label(last)}",
            f"target {money(goal.monthly, cur)}",
            goal.monthly - actual,
        )
        if short <= 0:
            cards.append(Card(label, money(actual, cur), Tone.OK, "[OK]", note, actual))
            continue
        cards.append(
            Card(label, money(actual, cur), Tone.ALERT, "[ALERT]", f"{note}; short {money(short, cur)}", actual)
        )
        findings.append(_target_finding(snapshot, goal, actual, last))
    columns = ("Who", "Last month target", "Actual", "Gap", "Quarter-to-date target", "Actual", "Gap")
    table = Table(columns, tuple(rows), title=f"Revenue vs target, {month_label(last)} and quarter to date")
    summary = f"{len(findings)} of {len(goals)} revenue targets missed in {month_label(last)}."
    return Section("Revenue targets vs actuals", summary, tuple(cards), (table,), (), method), findings


def _target_finding(snapshot: Snapshot, goal: Goal, actual: Decimal, last: date) -> Finding:
    cur = snapshot.currency
    where = "across all businesses" if goal.entity is None else f"at {snapshot.entity_name(goal.entity)}"
    short = goal.monthly - actual
    severity = Severity.HIGH if short > goal.monthly * Decimal("0.2") else Severity.MEDIUM
    # an org-wide miss goes to the CEO; an entity's miss to the CMO, since more revenue needs more demand
    owner = "ceo" if goal.entity is None else "cmo"
    # a goal of 0 missed by a refund has no share to give (it stopped the report with DivisionByZero)
    share = f" ({pct(short / goal.monthly)})" if goal.monthly else ""
    detail = (
        f"{month_label(last)} revenue {money(actual, cur)} against a {money(goal.monthly, cur)} target: "
        f"{money(short, cur)}{share} short."
    )
    title = (
        f"Close the {money(short, cur)} monthly revenue gap {where} ({month_label(last)}: "
        f"{money(actual, cur)} of {money(goal.monthly, cur)})"
    )
    return cfo_finding(f"revenue-goal:{goal.entity or 'all'}", title, detail, severity, owner=owner, at_stake=short)
