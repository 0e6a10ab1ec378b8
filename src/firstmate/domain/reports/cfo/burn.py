"""Monthly burn over the last full months, with gaps in the books turned into a range, and its section."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from firstmate.domain.reports.cfo.findings import Part, cfo_finding
from firstmate.domain.reports.cfo.revenue import ZERO, lines_by_month, unlisted_rentals
from firstmate.domain.reports.cfo.text import money_range
from firstmate.domain.reports.document import Card, Finding, Section, Severity, Table, Tone
from firstmate.domain.reports.format import REVENUE_LINES, apportioned, money, month_label, months_back, whole
from firstmate.domain.snapshot import Snapshot

WINDOW_MONTHS = 3


@dataclass(frozen=True)
class Gap:
    """A month with no expense rows for an entity that has rows in other months of the window."""

    entity: str
    month: date
    fill: Decimal  # the entity's largest month in the window: the high end's guess for the gap


@dataclass(frozen=True)
class Burn:
    """Gross and net monthly burn over the window; averages per month, each of the months as the burn table
    shows them (whole units), so that a reader's average of the table is the card's: the exact months
    averaged read "Average monthly revenue: $1,001" over a table of $1,000, $1,000 and $1,001."""

    months: tuple[date, ...]
    commitments: Decimal  # business.yaml fixed costs, per month
    fixed_expenses: Decimal  # expenses marked fixed, average per month
    variable: Decimal  # other expenses, average per month
    gaps: tuple[Gap, ...]
    revenue_by_month: tuple[Decimal, ...]

    @property
    def low(self) -> Decimal:
        """Gross burn with every gap taken as zero spend: the table's months as shown, averaged."""
        return whole(self.commitments) + self.fixed_expenses + self.variable

    @property
    def high(self) -> Decimal:
        """Gross burn with every gap filled with the entity's largest month (as its bullet shows it)."""
        return self.low + sum((whole(g.fill) for g in self.gaps), ZERO) / len(self.months)

    @property
    def revenue(self) -> Decimal:
        """Average monthly revenue, recognised at service date: the table's months as shown, averaged."""
        return sum((whole(m) for m in self.revenue_by_month), ZERO) / len(self.months)

    @property
    def net_low(self) -> Decimal:
        """Net burn at the low end of gross burn: the two cards' figures as shown, one less the other."""
        return whole(self.low) - whole(self.revenue)

    @property
    def net_high(self) -> Decimal:
        """Net burn at the high end of gross burn, from the cards' figures as shown."""
        return whole(self.high) - whole(self.revenue)


def burn(snapshot: Snapshot) -> Burn:
    """Burn over the last `WINDOW_MONTHS` full months: commitments + fixed + variable expenses, and
    the revenue of those months by service date (with the lets occupancy.csv alone holds)."""
    window = months_back(snapshot.as_of, WINDOW_MONTHS)
    rows = [e for e in snapshot.expenses if e.month in window]
    by_entity_month: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in rows:
        by_entity_month[row.entity][row.month] += row.amount
    gaps = []
    for entity in sorted(by_entity_month):
        months = by_entity_month[entity]
        largest = max(months.values())
        gaps += [Gap(entity, m, largest) for m in window if m not in months]
    revenue = []
    for month, lines in lines_by_month(snapshot, window).items():  # a let kept in occupancy.csv alone is revenue too
        revenue.append(sum((r.amount for r in lines), ZERO) + unlisted_rentals(snapshot, None, month, lines))
    n = Decimal(len(window))
    shown = [[whole(part) for part in month_totals(snapshot, month)] for month in window]  # the table's cells
    return Burn(
        months=tuple(window),
        commitments=sum((c.monthly for c in snapshot.finance.fixed_costs), ZERO),
        fixed_expenses=sum((fixed for fixed, _ in shown), ZERO) / n,
        variable=sum((variable for _, variable in shown), ZERO) / n,
        gaps=tuple(gaps),
        revenue_by_month=tuple(revenue),
    )


def month_totals(snapshot: Snapshot, month: date) -> tuple[Decimal, Decimal]:
    """Fixed and variable expense rows of one month."""
    rows = [e for e in snapshot.expenses if e.month == month]
    return sum((e.amount for e in rows if e.fixed), ZERO), sum((e.amount for e in rows if not e.fixed), ZERO)


def window_label(b: Burn) -> str:
    """ "Sep 2026–Nov 2026"."""
    return f"{month_label(b.months[0])}–{month_label(b.months[-1])}"


def no_data(snapshot: Snapshot, b: Burn) -> bool:
    """Nothing to compute burn from: no commitments, no revenue and no expense rows in the window."""
    return b.commitments == 0 and b.revenue == 0 and not any(e.month in b.months for e in snapshot.expenses)


def net_text(snapshot: Snapshot, b: Burn) -> str:
    """Net burn as a range, or "cash-positive" when revenue covers it."""
    if b.net_high <= 0:
        return "cash-positive"
    if b.net_low <= 0:
        return f"cash-positive to {money(b.net_high, snapshot.currency)}"
    return money_range(b.net_low, b.net_high, snapshot.currency)


_BURN_METHOD = (
    "Window: the last 3 full months ({window}). Fixed = fixed_costs monthly amounts from business.yaml + "
    "expenses.csv rows marked fixed (averaged over the 3 months); variable = the other expenses.csv rows, "
    "averaged. A gap is an entity with expense rows in some months of the window but none in another: the "
    "low end counts the gap as 0, the high end fills it with that entity's largest month in the window. "
    f"Gross burn = average monthly total. Revenue = {REVENUE_LINES} summed by service-date month "
    "(recognised at service, deposits included), with the occupancy.csv revenue of rentals no revenue line "
    "names that month, averaged; net burn = gross burn − average revenue. Every average is of the months as the "
    "table shows them, and net burn is worked out from the cards as shown (whole units)."
)


def burn_section(snapshot: Snapshot, b: Burn) -> Part:
    """The Monthly burn section: burn by month, the gross, revenue and net cards, and a finding per gap."""
    cur, window = snapshot.currency, window_label(b)
    method = _BURN_METHOD.format(window=window)
    if no_data(snapshot, b):
        summary = (
            f"No expenses yet for {window}: add expenses.csv to the data folder and fixed_costs: to business.yaml."
        )
        return Section("Monthly burn", summary, method=method), []
    rows = []
    for month, revenue in zip(b.months, b.revenue_by_month, strict=True):
        fixed, variable = month_totals(snapshot, month)
        missing = ", ".join(snapshot.entity_name(g.entity) for g in b.gaps if g.month == month) or "—"
        cells = (money(b.commitments, cur), money(fixed, cur), money(variable, cur), money(revenue, cur))
        rows.append((month_label(month), *cells, missing))
    columns = ("Month", "Commitments", "Fixed expenses", "Variable expenses", "Revenue", "No expense rows")
    table = Table(columns, tuple(rows), title=f"Burn by month, {window}")
    # the parts in whole units that add up to the low end shown (rounded one by one, $3,301 + $2,601 read $5,901)
    fixed_part, variable_part = apportioned([whole(b.commitments) + b.fixed_expenses, b.variable])
    fixed_note = f"fixed {money(fixed_part, cur)} + variable {money(variable_part, cur)}"
    cards = (
        Card("Gross burn a month", money_range(b.low, b.high, cur), note=fixed_note, raw=b.high),
        Card("Average monthly revenue", money(b.revenue, cur), note="by service date", raw=b.revenue),
        _net_card(snapshot, b),
    )
    bullets, findings = _burn_gaps(snapshot, b)
    if not any(e.month in b.months for e in snapshot.expenses):
        bullets.insert(0, f"No expense rows for {window}: add expenses.csv to the data folder.")
    if b.revenue == 0:
        bullets.insert(0, f"No revenue lines with a service date in {window}: add revenue.csv to the data folder.")
    summary = f"Gross burn {money_range(b.low, b.high, cur)} a month; net of revenue {net_text(snapshot, b)}."
    return Section("Monthly burn", summary, cards, (table,), tuple(bullets), method), findings


def _burn_gaps(snapshot: Snapshot, b: Burn) -> tuple[list[str], list[Finding]]:
    """One bullet and one bookkeeping finding per entity with missing expense months."""
    bullets, findings = [], []
    for entity in sorted({g.entity for g in b.gaps}):
        months = ", ".join(month_label(g.month) for g in b.gaps if g.entity == entity)
        name = snapshot.entity_name(entity)
        fill = money(max(g.fill for g in b.gaps if g.entity == entity), snapshot.currency)
        bullets.append(f"{name} has no expense rows for {months}: the high end counts {fill} for each.")
        detail = f"{name} has expenses in other months of {window_label(b)} but none for {months}, so burn is a range."
        title = f"Enter {name}'s expenses for {months}"
        findings.append(cfo_finding(f"expense-gap:{entity}", title, detail, Severity.LOW, owner="accounting"))
    return bullets, findings


def _net_card(snapshot: Snapshot, b: Burn) -> Card:
    if b.net_high <= 0:
        note = f"revenue exceeds burn by {money(-b.net_high, snapshot.currency)} a month"
        return Card("Net burn a month", "cash-positive", Tone.OK, "[OK]", note, b.net_high)
    return Card("Net burn a month", net_text(snapshot, b), note="gross burn − average revenue", raw=b.net_high)
