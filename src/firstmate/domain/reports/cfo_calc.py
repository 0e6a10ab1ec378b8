"""The CFO lens's arithmetic: burn over the last full months (with gaps in the books turned into a
range), break-even volume per business line, and the capital ranking. Pure functions on the snapshot;
`cfo.py` turns their results into sections and findings."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from firstmate.domain.business import AssetKind
from firstmate.domain.reports.format import (
    apportioned,
    money,
    month_label,
    months_back,
    ratio,
    shown_total,
    signed_pct,
    units_sold,
    whole,
)
from firstmate.domain.snapshot import CapitalOption, Goal, Maintenance, Occupancy, RevenueLine, Snapshot

WINDOW_MONTHS = 3
ZERO = Decimal(0)
#: What one revenue line is, by the kind of business that earned it. A rental's lines are counted in the nights
#: occupancy.csv books in their months (`line_nights`), else as sales: a line may hold a stay or a month of them.
UNIT_NAMES = {
    "charter": "charters",
    "rental": "sales",
    "junk_removal": "jobs",
    "delivery": "deliveries",
    "consulting": "invoices",
    "guest_brand": "bookings",
}
SINGULAR = {"charters": "charter", "stays": "stay", "jobs": "job", "deliveries": "delivery", "invoices": "invoice"}
SINGULAR |= {"bookings": "booking", "units": "unit", "nights": "night", "lines": "line", "sales": "sale"}


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
    for month, lines in _by_month(snapshot, window).items():  # a let kept in occupancy.csv alone is revenue too
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
    lines = [r for month in _by_month(snapshot, window).values() for r in month]
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
    lines = [r for month in _by_month(snapshot, window).values() for r in month]
    lets = _lets_alone(snapshot, window, lines)
    return {entity: revenue for entity, (nights, revenue) in sorted(lets.items()) if not nights and revenue}


def lets_outside_break_even(snapshot: Snapshot) -> dict[str, Decimal]:
    """By entity with revenue lines in the window: the occupancy.csv revenue of its rentals no line
    names that month, which the burn counts and its break-even (of its lines' sales and nights) cannot."""
    by_month = _by_month(snapshot, months_back(snapshot.as_of, WINDOW_MONTHS))
    outside: dict[str, Decimal] = {}
    for entity in sorted({r.entity for lines in by_month.values() for r in lines}):
        amount = sum((unlisted_rentals(snapshot, entity, m, lines) for m, lines in by_month.items()), ZERO)
        if amount:
            outside[entity] = amount
    return outside


def unsold(snapshot: Snapshot) -> list[str]:
    """Entities with revenue lines in the window but no sale (a sale refunded in full, a deposit
    alone), by id: their break-even divided by zero units, and every role report failed to build."""
    by_month = _by_month(snapshot, months_back(snapshot.as_of, WINDOW_MONTHS))
    return _unsold([r for lines in by_month.values() for r in lines])


def _unsold(lines: list[RevenueLine]) -> list[str]:
    own: dict[str, list[RevenueLine]] = defaultdict(list)
    for line in lines:
        own[line.entity].append(line)
    return [entity for entity in sorted(own) if units_sold(own[entity]) == 0]


def _by_month(snapshot: Snapshot, window: list[date]) -> dict[date, list[RevenueLine]]:
    """The revenue lines of each month of `window`, by service date, in one pass over them all."""
    months = {(m.year, m.month): m for m in window}
    grouped: dict[date, list[RevenueLine]] = {m: [] for m in window}
    for line in snapshot.revenue:
        month = months.get((line.service_date.year, line.service_date.month))
        if month is not None:
            grouped[month].append(line)
    return grouped


def committed_work(snapshot: Snapshot, days: int = 90) -> list[Maintenance]:
    """Maintenance scheduled in the next `days` days (after the snapshot date, up to and including day N), by date."""
    end = snapshot.as_of + timedelta(days=days)
    work = (m for m in snapshot.maintenance if snapshot.as_of < m.date <= end)
    return sorted(work, key=lambda m: (m.date, snapshot.asset_name(m.asset), m.id))


def committed(snapshot: Snapshot, days: int = 90) -> Decimal:
    """What `committed_work` costs, its rows as the CFO's table shows them (whole units) added."""
    return shown_total(m.cost for m in committed_work(snapshot, days))


def payback(option: CapitalOption) -> Decimal | None:
    """Months for an option to return its cost; None when it returns nothing."""
    return option.cost / option.monthly_return if option.monthly_return > 0 else None


def ranked_options(options: tuple[CapitalOption, ...]) -> list[CapitalOption]:
    """Shortest payback first; options that return nothing last; ties by name."""

    def key(option: CapitalOption) -> tuple[int, Decimal, str]:
        months = payback(option)
        return (1, ZERO, option.name) if months is None else (0, months, option.name)

    return sorted(options, key=key)


def fund(options: list[CapitalOption], free: Decimal | None) -> list[bool]:
    """Fund options in rank order while free cash lasts. The first that does not fit stops the
    funding, so a cheaper, slower option never jumps ahead of a better one still waiting for cash."""
    decisions, left, stopped = [], free, free is None
    for option in options:
        fits = not stopped and left is not None and option.cost <= left
        if fits and left is not None:
            left -= option.cost
        stopped = stopped or not fits
        decisions.append(fits)
    return decisions


def money_range(low: Decimal, high: Decimal, currency: str) -> str:
    """ "$1,200" when both ends round alike, else "$1,200–$1,500"."""
    first, second = money(low, currency), money(high, currency)
    return first if first == second else f"{first}–{second}"


def months_text(value: Decimal) -> str:
    """7.14 → "7.1"."""
    return f"{value.quantize(Decimal('0.1'), ROUND_HALF_UP)}"


def units_text(value: Decimal) -> str:
    """A per-month volume: whole numbers plain, else one decimal (3.67 → "3.7")."""
    return f"{value:.0f}" if value == value.to_integral_value() else months_text(value)


def quarter_months(month: date) -> list[date]:
    """The months of `month`'s calendar quarter up to and including `month`."""
    first = (month.month - 1) // 3 * 3 + 1
    return [month.replace(month=m) for m in range(first, month.month + 1)]


def runway(balance: Decimal | None, b: Burn) -> tuple[Decimal, Decimal | None] | None:
    """Months of cash: (short end at the high burn, long end at the low burn or None when the low end
    is not burning); None when there is no cash figure or no net burn at the high end."""
    if balance is None or b.net_high <= 0:
        return None
    cash = max(balance, ZERO)  # an overdrawn account has no runway, not a negative one
    return cash / b.net_high, (cash / b.net_low if b.net_low > 0 else None)


def revenue_lines_in(snapshot: Snapshot, months: list[date]) -> list[RevenueLine]:
    """The revenue lines whose service date falls in `months` (first days), in snapshot order."""
    wanted = {(m.year, m.month) for m in months if m.day == 1}  # by (year, month): cheaper than date.replace
    return [r for r in snapshot.revenue if (r.service_date.year, r.service_date.month) in wanted]


def revenue_in(
    snapshot: Snapshot, entity: str | None, months: list[date], lines: list[RevenueLine] | None = None
) -> Decimal:
    """Revenue lines of an entity (all entities when None) whose service date falls in `months`;
    looked for among `lines` when given (`revenue_lines_in` a span holding `months`)."""
    in_months = revenue_lines_in(snapshot, months) if lines is None else lines
    total = ZERO
    for month in (m for m in months if m.day == 1):
        of_month = [r for r in in_months if (r.service_date.year, r.service_date.month) == (month.year, month.month)]
        total += sum((r.amount for r in of_month if entity in (None, r.entity)), ZERO)
        total += unlisted_rentals(snapshot, entity, month, of_month)
    return total


@dataclass(frozen=True)
class MonthRevenue:
    """A month's revenue in whole units as every report shows it (`month_revenue`)."""

    total: Decimal  # all businesses': the month's exact sum, rounded once
    by_entity: dict[str, Decimal]  # each business's, rounded so that they add up to `total` with what is no one's

    def of(self, entity: str | None) -> Decimal:
        """All businesses' revenue (None), or one business's (0 for one that earned nothing)."""
        return self.total if entity is None else self.by_entity.get(entity, ZERO)


def month_revenue(snapshot: Snapshot, month: date, lines: list[RevenueLine] | None = None) -> MonthRevenue:
    """The revenue of `month` (`revenue_in`, among `lines` when given) as the CEO's and the CFO's reports show
    it: all businesses' the exact sum rounded once, as the CFO's burn and the accounting report's Recognised read
    it; each business's rounded so that the businesses' (and what is no one's, a let of a property of no
    business) add up to it, largest remainders first (`apportioned`), for the CEO's profit table to foot. The
    CEO added its rows rounded one by one and the CFO rounded the sum: with cents, one month's revenue read $1–2
    apart in the two reports."""
    in_month = revenue_lines_in(snapshot, [month]) if lines is None else lines
    ids = {e.id for e in snapshot.entities} | {r.entity for r in in_month}
    ids |= {a.entity for a in snapshot.assets if a.entity is not None}  # a rental's lets in occupancy.csv
    entities = sorted(ids)
    exact = [revenue_in(snapshot, entity, [month], in_month) for entity in entities]
    total = revenue_in(snapshot, None, [month], in_month)
    *shown, _no_ones = apportioned([*exact, total - sum(exact, ZERO)])
    return MonthRevenue(whole(total), dict(zip(entities, shown, strict=True)))


def sole_properties(snapshot: Snapshot) -> dict[str, str]:
    """Business line → its property, for each whose one asset is a property: its revenue lines naming no
    asset (revenue.csv's asset column is optional) are that property's lets."""
    owned: dict[str, list[str]] = defaultdict(list)
    for asset in snapshot.assets:
        if asset.entity is not None:
            owned[asset.entity].append(asset.id)
    kinds = {a.id: a.kind for a in snapshot.assets}
    return {e: ids[0] for e, ids in owned.items() if len(ids) == 1 and kinds[ids[0]] is AssetKind.PROPERTY}


def line_asset(line: RevenueLine, sole: dict[str, str]) -> str | None:
    """The asset a revenue line is of: the one it names, else its business's one property (`sole_properties`)."""
    return line.asset or sole.get(line.entity)


def line_nights(snapshot: Snapshot, lines: list[RevenueLine]) -> int | None:
    """The nights booked that `lines` (a rental's revenue lines) were earned over: occupancy.csv's nights booked of
    each property and month a sale among them is of, each once. None when one is of a property or month with no
    occupancy.csv row: what such a line holds is not known. A line may hold a stay, or a month of lets as a channel
    pays them: the demo's loft, one line a month, read "1 stay" a month in the CFO's break-even and "3 stays" at
    $3,000 a stay in the CEO's revenue model, beside a real-estate report of 60 nights at $150."""
    sole = sole_properties(snapshot)
    booked = {(o.asset, o.month): o.nights_booked for o in snapshot.occupancy}
    held = set()
    for line in lines:
        if line.amount <= 0:  # a refund sells no night; occupancy.csv's rows say what was let
            continue
        key = (line_asset(line, sole) or "", line.service_date.replace(day=1))
        if key not in booked:
            return None
        held.add(key)
    return sum(booked[key] for key in held) if held else None


def unlisted_lets(snapshot: Snapshot, month: date, lines: list[RevenueLine]) -> list[Occupancy]:
    """The occupancy.csv rows of `month` of the rental properties that none of the month's revenue `lines`
    names: a let kept in occupancy.csv alone is revenue too. Judged month by month, in every report alike:
    the CEO's revenue model judged a whole window, and a flat whose revenue lines began in its last month
    earned the two months before in the CFO's burn and not in the CEO's model. A line of a one-property
    business naming no asset names that property: its lets were counted twice, the line and occupancy.csv's
    row of the same month."""
    sole = sole_properties(snapshot)
    named = {line_asset(r, sole) for r in lines}
    rentals = {a.id for a in snapshot.assets if a.kind is AssetKind.PROPERTY and a.id not in named}
    return [o for o in snapshot.occupancy if o.asset in rentals and o.month == month]


def unlisted_rentals(snapshot: Snapshot, entity: str | None, month: date, lines: list[RevenueLine]) -> Decimal:
    """The revenue of `unlisted_lets` of the entity's (or every) rental properties. The CEO's figures
    added it and the CFO's did not, so one goal of one month was met in one report and missed in the other."""
    owner = {a.id: a.entity for a in snapshot.assets}
    lets = unlisted_lets(snapshot, month, lines)
    return sum((o.revenue for o in lets if entity in (None, owner.get(o.asset))), ZERO)


def unlisted_by_property(snapshot: Snapshot, months: list[date]) -> dict[str, tuple[int, Decimal]]:
    """By rental property: the nights booked and revenue of its `unlisted_lets` over `months`, the lets
    the burn counts as revenue that no revenue line holds."""
    lets: dict[str, tuple[int, Decimal]] = {}
    for month, lines in _by_month(snapshot, months).items():
        for row in unlisted_lets(snapshot, month, lines):
            nights, revenue = lets.get(row.asset, (0, ZERO))
            lets[row.asset] = (nights + row.nights_booked, revenue + row.revenue)
    return lets


def revenue_goals(goals: tuple[Goal, ...]) -> list[Goal]:
    """Revenue goals, org-wide first then by entity id; an entity's first goal wins so keys stay unique."""
    unique: dict[str | None, Goal] = {}
    for goal in goals:
        if goal.metric == "revenue":
            unique.setdefault(goal.entity, goal)
    return sorted(unique.values(), key=lambda g: (g.entity is not None, g.entity or ""))


def runway_text(months: tuple[Decimal, Decimal | None]) -> str:
    """(7.14, 8.3) → "7.1–8.3 months"; one figure when both ends agree; "at least" when unbounded."""
    short, long = months
    if long is None:
        return f"at least {months_text(short)} months"
    if months_text(short) == months_text(long):
        return f"{months_text(short)} months"
    return f"{months_text(short)}–{months_text(long)} months"


def gap_text(actual: Decimal, target: Decimal) -> str:
    """(actual − target) / target as a signed percent; "—" without a target."""
    share = ratio(actual - target, target)
    return "—" if share is None else signed_pct(share)


def units_label(value: Decimal | int, unit: str) -> str:
    """A volume with its unit: "3 charters", "1 job", "3.7 stays" (a break-even of one read "1 stays")."""
    return f"{units_text(Decimal(value))} {SINGULAR.get(unit, unit) if value == 1 else unit}"


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
