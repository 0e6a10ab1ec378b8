"""The CFO's report: its sections in order, their findings, and the headline."""

from __future__ import annotations

from firstmate.domain.reports.cfo.break_even import BreakEven, break_even_section, break_evens
from firstmate.domain.reports.cfo.burn import Burn, burn, burn_section, no_data, window_label
from firstmate.domain.reports.cfo.capital import capital_section
from firstmate.domain.reports.cfo.findings import ROLE
from firstmate.domain.reports.cfo.runway import runway, runway_section, runway_text
from firstmate.domain.reports.cfo.targets import targets_section
from firstmate.domain.reports.cfo.text import money_range, units_label, units_text
from firstmate.domain.reports.document import ReportDocument, compose
from firstmate.domain.reports.format import money
from firstmate.domain.snapshot import Snapshot


def cfo_report(snapshot: Snapshot) -> ReportDocument:
    """The CFO's report: burn, runway, break-even volume, capital tiers and revenue targets."""
    b = burn(snapshot)
    evens = break_evens(snapshot)
    parts = [
        burn_section(snapshot, b),
        runway_section(snapshot, b),
        break_even_section(snapshot, b, evens),
        capital_section(snapshot, b),
        targets_section(snapshot),
    ]
    findings = [finding for _, found in parts for finding in found]
    return compose(ROLE, snapshot, _headline(snapshot, b, evens), [section for section, _ in parts], findings)


def _headline(snapshot: Snapshot, b: Burn, evens: list[BreakEven]) -> str:
    cur = snapshot.currency
    if no_data(snapshot, b):
        return f"No expenses or revenue for {window_label(b)} yet: add expenses.csv and revenue.csv to the data folder."
    gross = money_range(b.low, b.high, cur)
    if b.net_high <= 0:
        first = f"Cash-positive: {money(b.revenue, cur)} a month of revenue covers {gross} of burn"
    else:
        cash = snapshot.finance.cash
        months = runway(None if cash is None else cash.balance, b)
        unknown = "add cash: to business.yaml"
        if snapshot.cash_dated_later is not None:
            unknown = f"cash dated {snapshot.cash_dated_later}, after {snapshot.as_of}"
        tail = f"runway unknown ({unknown})" if months is None else f"{runway_text(months)} of runway"
        first = f"Burning {gross} a month with {tail}"
    if not evens:
        return first + "."
    # the line furthest below break-even matters most; when none is below, the biggest earner
    worst = max(evens, key=lambda e: (e.break_even is None, e.shortfall, e.revenue, e.entity))
    name = snapshot.entity_name(worst.entity)
    if worst.break_even is None:
        return f"{first}; {name} cannot break even at its current margin."
    if worst.shortfall <= 0:
        return f"{first}; {_closest(snapshot, evens)}."
    doing = units_text(worst.per_month)
    return f"{first}; {name} breaks even at {units_label(worst.break_even, worst.unit)} a month (doing {doing})."


def _closest(snapshot: Snapshot, evens: list[BreakEven]) -> str:
    """With no line below break-even, the one nearest it: the fewest sales a month for each one break-even needs
    (it named the biggest earner, "breaks even at 0 deliveries a month (doing 4)", a line of no fixed costs)."""
    judged = [e for e in evens if e.break_even]
    if not judged:
        return "no business line has fixed costs of its own to break even on"
    closest = min(judged, key=lambda e: (e.per_month_shown / (e.break_even or 1), e.entity))
    doing, needed = units_label(closest.per_month_shown, closest.unit), closest.break_even or 0
    name = snapshot.entity_name(closest.entity)
    lead = "every business line at or above break-even, the closest"
    return f"{lead} {name}: {doing} a month against {needed} to break even"
