"""Break-even volume per business line: its unit economics over the window, and its section."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from firstmate.domain.business import AssetKind
from firstmate.domain.reports.cfo.burn import WINDOW_MONTHS, Burn, window_label
from firstmate.domain.reports.cfo.findings import Part, by_money, cfo_finding
from firstmate.domain.reports.cfo.revenue import ZERO, line_nights, lines_by_month, unlisted_rentals
from firstmate.domain.reports.cfo.text import SINGULAR, UNIT_NAMES, units_label, units_text
from firstmate.domain.reports.document import Finding, Section, Severity, Table
from firstmate.domain.reports.format import money, months_back, units_sold, whole
from firstmate.domain.snapshot import RevenueLine, Snapshot


@dataclass(frozen=True)
class BreakEven:
    """One business line's unit economics over the window."""

    entity: str
    unit: str  # "charters", "stays"…
    units: int  # sales in the window (`units_sold`)
    revenue: Decimal
    variable: Decimal  # the entity's variable expenses in the window
    fixed_per_month: Decimal

    @property
    def per_month(self) -> Decimal:
        """Units actually sold per month."""
        return Decimal(self.units) / WINDOW_MONTHS

    @property
    def per_month_shown(self) -> Decimal:
        """Units sold a month as the table shows them (5 / 3 → 1.7), which the gap and the missing margin are
        worked out from: the exact 5 / 3 read (11 − 1.7) × $399 = $3,724."""
        return self.per_month.quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def avg_revenue(self) -> Decimal:
        """Average revenue per unit."""
        return self.revenue / self.units

    @property
    def variable_per_unit(self) -> Decimal:
        """Variable cost per unit."""
        return self.variable / self.units

    @property
    def margin(self) -> Decimal:
        """Contribution margin per unit, from the figures as the table shows them: average revenue less variable
        cost per unit, each in whole units. The exact margin rounded read $1,000 − $601 = $400 a unit."""
        return whole(self.avg_revenue) - whole(self.variable_per_unit)

    @property
    def fixed_shown(self) -> Decimal:
        """Fixed costs a month in whole units, as the table shows them."""
        return whole(self.fixed_per_month)

    @property
    def break_even(self) -> int | None:
        """Units a month that cover the entity's fixed costs, from the fixed costs and the margin as shown
        (`margin`); None when no volume ever does."""
        if self.margin <= 0:
            return None
        return math.ceil(self.fixed_shown / self.margin)

    @property
    def shortfall(self) -> Decimal:
        """Margin a month missing to break even (0 when at or above it), from the figures as shown."""
        target = self.break_even
        if target is None or self.per_month_shown >= target:
            return ZERO
        return (target - self.per_month_shown) * self.margin


def break_evens(snapshot: Snapshot) -> list[BreakEven]:
    """Unit economics of every entity with a sale in the window, by entity id (one whose lines are
    only refunds or deposits has no unit to divide by: see `unsold`). A rental whose lets only
    occupancy.csv holds sells nights, as the CEO's report counts them."""
    window = months_back(snapshot.as_of, WINDOW_MONTHS)
    lines = [r for month in lines_by_month(snapshot, window).values() for r in month]
    kinds = {e.id: str(e.kind) for e in snapshot.entities}
    result = []
    for entity in sorted({r.entity for r in lines} - set(_unsold(lines))):
        own = [r for r in lines if r.entity == entity]
        unit, units = UNIT_NAMES.get(kinds.get(entity, ""), "units"), units_sold(own)
        nights = line_nights(snapshot, own) if kinds.get(entity) == "rental" else None
        if nights:  # a rental's lines in the nights they were earned over, as the real-estate report counts them
            unit, units = "nights", nights
        result.append(_break_even(snapshot, entity, unit, units, sum((r.amount for r in own), ZERO)))
    for entity, (nights, revenue) in sorted(_lets_alone(snapshot, window, lines).items()):
        if nights:  # a let of no nights has no unit to divide by: see `unlet`
            result.append(_break_even(snapshot, entity, "nights", nights, revenue))
    return sorted(result, key=lambda be: be.entity)


def _break_even(snapshot: Snapshot, entity: str, unit: str, units: int, revenue: Decimal) -> BreakEven:
    window = months_back(snapshot.as_of, WINDOW_MONTHS)
    expenses = [e for e in snapshot.expenses if e.entity == entity and e.month in window]
    commitments = sum((c.monthly for c in snapshot.finance.fixed_costs if c.entity == entity), ZERO)
    fixed_expenses = sum((e.amount for e in expenses if e.fixed), ZERO) / WINDOW_MONTHS
    variable = sum((e.amount for e in expenses if not e.fixed), ZERO)
    return BreakEven(entity, unit, units, revenue, variable, commitments + fixed_expenses)


def _lets_alone(snapshot: Snapshot, window: list[date], lines: list[RevenueLine]) -> dict[str, tuple[int, Decimal]]:
    """Nights let and their revenue in the window, by entity, of rentals only occupancy.csv holds
    (entities with no revenue line in it): their burn counted that revenue and their break-even none.
    Every row counts, as in the burn: one of revenue and no night booked (a cleaning fee, a cancellation
    charge) was left out of the break-even alone."""
    with_lines = {r.entity for r in lines}
    rentals = {
        a.id: a.entity
        for a in snapshot.assets
        if a.kind is AssetKind.PROPERTY and a.entity is not None and a.entity not in with_lines
    }
    lets: dict[str, tuple[int, Decimal]] = {}
    for row in snapshot.occupancy:
        if row.asset in rentals and row.month in window:
            nights, revenue = lets.get(rentals[row.asset], (0, ZERO))
            lets[rentals[row.asset]] = (nights + row.nights_booked, revenue + row.revenue)
    return lets


def unlet(snapshot: Snapshot) -> dict[str, Decimal]:
    """By entity of rentals only occupancy.csv holds: the revenue of those whose rows in the window book no
    night (fees, cancellation charges alone), which the burn counts and a break-even in nights cannot."""
    window = months_back(snapshot.as_of, WINDOW_MONTHS)
    lines = [r for month in lines_by_month(snapshot, window).values() for r in month]
    lets = _lets_alone(snapshot, window, lines)
    return {entity: revenue for entity, (nights, revenue) in sorted(lets.items()) if not nights and revenue}


def lets_outside_break_even(snapshot: Snapshot) -> dict[str, Decimal]:
    """By entity with revenue lines in the window: the occupancy.csv revenue of its rentals no line
    names that month, which the burn counts and its break-even (of its lines' sales and nights) cannot."""
    by_month = lines_by_month(snapshot, months_back(snapshot.as_of, WINDOW_MONTHS))
    outside: dict[str, Decimal] = {}
    for entity in sorted({r.entity for lines in by_month.values() for r in lines}):
        amount = sum((unlisted_rentals(snapshot, entity, m, lines) for m, lines in by_month.items()), ZERO)
        if amount:
            outside[entity] = amount
    return outside


def unsold(snapshot: Snapshot) -> list[str]:
    """Entities with revenue lines in the window but no sale (a sale refunded in full, a deposit
    alone), by id: their break-even divided by zero units, and every role report failed to build."""
    by_month = lines_by_month(snapshot, months_back(snapshot.as_of, WINDOW_MONTHS))
    return _unsold([r for lines in by_month.values() for r in lines])


def _unsold(lines: list[RevenueLine]) -> list[str]:
    own: dict[str, list[RevenueLine]] = defaultdict(list)
    for line in lines:
        own[line.entity].append(line)
    return [entity for entity in sorted(own) if units_sold(own[entity]) == 0]


def break_even_section(snapshot: Snapshot, b: Burn, evens: list[BreakEven]) -> Part:
    """The Break-even volume section: each business line's unit economics, and a finding for each below it."""
    window = window_label(b)
    method = (
        f"Per entity with revenue lines whose service date falls in {window}: units = sales (the lines of "
        "one reference are one sale while they net above zero: a refund with its sale's reference or id cancels "
        "it; a refund or deposit alone is none); average revenue = revenue / units; variable cost per unit "
        "= the entity's variable expenses.csv rows in the window / units; margin = average revenue − "
        "variable cost per unit, as the table shows them (whole units); fixed a month = fixed_costs of that entity "
        "(business.yaml) + its fixed expense rows averaged over 3 months; break-even = ceil(fixed / margin), as "
        "shown; actual = units / 3; "
        "gap = actual − break-even. Shared fixed costs (no entity) are not allocated to any line. A rental's "
        "revenue lines are counted in nights: units = occupancy.csv nights booked of the properties and months they "
        "are of (a line may hold a stay or a month of lets), or sales when a month has no occupancy.csv row. A rental "
        "line with no revenue lines in the window sells nights: units = occupancy.csv nights booked, revenue "
        "= their occupancy.csv revenue, a row of no night booked (a fee, a cancellation charge) included, as in "
        "the burn."
    )
    unsold_lines, no_nights = unsold(snapshot), unlet(snapshot)
    no_sale = tuple(
        f"{snapshot.entity_name(e)} has no sale in {window}: its revenue lines are refunds or deposits alone."
        for e in unsold_lines
    )
    no_sale += tuple(
        f"{snapshot.entity_name(e)} has no night let in {window}: its {money(amount, snapshot.currency)} in "
        "occupancy.csv is in the burn, with no unit to break even on."
        for e, amount in no_nights.items()
    )
    if not evens:
        summary = f"No revenue lines with a service date in {window}: add revenue.csv to the data folder."
        if no_sale:
            summary = f"No sales with a service date in {window}, only refunds or deposits."
        if no_nights:
            summary = f"No sales or nights let in {window}: the revenue has no unit to break even on."
        return Section("Break-even volume", summary, bullets=no_sale, method=method), []
    rows = tuple(_break_even_row(snapshot, be) for be in evens)
    findings = [f for f in (_break_even_finding(snapshot, be) for be in evens) if f is not None]
    columns = ("Entity", "Units/month", "Avg revenue", "Variable cost/unit", "Margin/unit", "Fixed/month")
    table = Table((*columns, "Break-even units/month", "Gap"), rows, title=f"Break-even, {window}")
    earning = {be.entity for be in evens} | set(unsold_lines) | set(no_nights)
    idle = sorted({e.entity for e in snapshot.expenses if e.month in b.months} - earning)
    bullets = no_sale + tuple(f"{snapshot.entity_name(e)} has costs but no revenue lines in {window}." for e in idle)
    bullets += tuple(
        f"{snapshot.entity_name(e)}: {money(amount, snapshot.currency)} of lets kept in occupancy.csv alone is in "
        "the burn but not in this break-even, which counts its revenue lines' sales."
        for e, amount in lets_outside_break_even(snapshot).items()
    )
    below = sum(1 for be in evens if be.break_even is None or be.per_month_shown < be.break_even)
    summary = f"{len(evens) - below} of {len(evens)} business lines at or above break-even volume."
    return Section("Break-even volume", summary, (), (table,), bullets, method), findings


def _break_even_row(snapshot: Snapshot, be: BreakEven) -> tuple[str, ...]:
    cur, target = snapshot.currency, be.break_even
    return (
        snapshot.entity_name(be.entity),
        units_label(be.per_month, be.unit),
        money(be.avg_revenue, cur),
        money(be.variable_per_unit, cur),
        money(be.margin, cur),
        money(be.fixed_shown, cur),
        "never at this margin" if target is None else units_label(target, be.unit),
        "—" if target is None else f"{be.per_month_shown - target:+.1f}".replace("-", "−"),  # the minus of every figure
    )


def _break_even_finding(snapshot: Snapshot, be: BreakEven) -> Finding | None:
    cur, name = snapshot.currency, snapshot.entity_name(be.entity)
    if be.break_even is None:
        # what the line loses a month at today's volume, as shown: its fixed costs plus the negative margin
        loss = be.fixed_shown - be.margin * be.per_month_shown
        each = f"{money(-be.margin, cur)} a {SINGULAR.get(be.unit, be.unit)} × {units_text(be.per_month)}"
        detail = (
            f"Average revenue {money(be.avg_revenue, cur)} per unit does not cover variable cost "
            f"{money(be.variable_per_unit, cur)}: no volume breaks even; it loses about {money(loss, cur)} a month "
            f"(fixed {money(be.fixed_shown, cur)} + {each})."
        )
        title = f"Reprice or cut costs at {name}: margin per unit is {money(be.margin, cur)}"
        return cfo_finding(f"negative-margin:{be.entity}", title, detail, Severity.HIGH, at_stake=loss)
    if be.shortfall <= 0:
        return None
    doing, target = units_text(be.per_month), units_label(be.break_even, be.unit)
    detail = (
        f"Fixed {money(be.fixed_shown, cur)} a month / margin {money(be.margin, cur)} per unit = "
        f"{target} a month; doing {doing}. Missing margin: {money(be.shortfall, cur)} a month."
    )
    title = f"Lift {name} to {target} a month (doing {doing}) to break even"
    return cfo_finding(f"break-even:{be.entity}", title, detail, by_money(be.shortfall, cur), at_stake=be.shortfall)
