"""The CFO lens: monthly burn, runway, break-even volume per business line, where spare cash should
go, and revenue against its targets. Pure: one snapshot in, one report document out."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from firstmate.domain.currencies import in_units_of
from firstmate.domain.reports.cfo_calc import (
    SINGULAR,
    ZERO,
    BreakEven,
    Burn,
    break_evens,
    burn,
    committed,
    committed_work,
    fund,
    gap_text,
    lets_outside_break_even,
    money_range,
    month_revenue,
    month_totals,
    months_text,
    net_text,
    no_data,
    payback,
    quarter_months,
    ranked_options,
    revenue_goals,
    revenue_lines_in,
    runway,
    runway_text,
    units_label,
    units_text,
    unlet,
    unsold,
    window_label,
)
from firstmate.domain.reports.document import Card, Finding, ReportDocument, Section, Severity, Table, Tone, compose
from firstmate.domain.reports.format import (
    REVENUE_LINES,
    apportioned,
    money,
    month_label,
    months_back,
    pct,
    whole,
)
from firstmate.domain.snapshot import CapitalOption, Goal, Snapshot

ROLE = "cfo"
RUNWAY_TARGET = Decimal(6)  # months of cash below which the runway card turns ALERT
RUNWAY_CRITICAL = Decimal(3)  # below this the runway finding is HIGH
STALE_CASH_DAYS = 31
# Severity guide: HIGH = money at stake >= 1,000, a security/legal exposure, or a goal missed by > 20 %;
# MEDIUM = smaller money or a clear gap; LOW = hygiene.
# Money in a dollar's worth, scaled to the currency (`in_units_of`: ¥100,000).
HIGH_MONEY = Decimal(1000)

Part = tuple[Section, list[Finding]]


def cfo_report(snapshot: Snapshot) -> ReportDocument:
    """The CFO's report: burn, runway, break-even volume, capital tiers and revenue targets."""
    b = burn(snapshot)
    evens = break_evens(snapshot)
    parts = [
        _burn_section(snapshot, b),
        _runway_section(snapshot, b),
        _break_even_section(snapshot, b, evens),
        _capital_section(snapshot, b),
        _targets_section(snapshot),
    ]
    findings = [finding for _, found in parts for finding in found]
    return compose(ROLE, snapshot, _headline(snapshot, b, evens), [section for section, _ in parts], findings)


def _finding(
    key: str, title: str, detail: str, severity: Severity, *, owner: str = ROLE, at_stake: Decimal = ZERO
) -> Finding:
    # cents, so the plan and its renderers show the figure the detail text states
    return Finding(f"{ROLE}:{key}", title, detail, severity, owner, at_stake, ROLE)  # `Finding` rounds it to the cent


def _by_money(amount: Decimal, currency: str) -> Severity:
    return Severity.HIGH if amount >= in_units_of(HIGH_MONEY, currency) else Severity.MEDIUM


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


def _burn_section(snapshot: Snapshot, b: Burn) -> Part:
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
        findings.append(_finding(f"expense-gap:{entity}", title, detail, Severity.LOW, owner="accounting"))
    return bullets, findings


def _net_card(snapshot: Snapshot, b: Burn) -> Card:
    if b.net_high <= 0:
        note = f"revenue exceeds burn by {money(-b.net_high, snapshot.currency)} a month"
        return Card("Net burn a month", "cash-positive", Tone.OK, "[OK]", note, b.net_high)
    return Card("Net burn a month", net_text(snapshot, b), note="gross burn − average revenue", raw=b.net_high)


def _cash_dated_later(snapshot: Snapshot) -> str:
    """Why the report's day has no cash figure when business.yaml has one: it was counted later."""
    return f"the cash balance in business.yaml is dated {snapshot.cash_dated_later}, after {snapshot.as_of}"


def _runway_section(snapshot: Snapshot, b: Burn) -> Part:
    cash, cur = snapshot.finance.cash, snapshot.currency
    method = (
        "Runway = cash balance (cash: in business.yaml, as of its own date; one dated after "
        f"{snapshot.as_of} says nothing of the cash then) / net monthly burn from the "
        "Monthly burn section; the short end uses the high burn, the long end the low burn. "
        f"ALERT below {RUNWAY_TARGET} months; the finding is HIGH below {RUNWAY_CRITICAL}."
    )
    if cash is None and snapshot.cash_dated_later is not None:
        summary = f"Cash on {snapshot.as_of} unknown: {_cash_dated_later(snapshot)}; runway is not computed."
        return Section("Runway", summary, method=method), []
    if cash is None:
        detail = "Without a cash figure neither runway nor the capital tiers can be computed."
        finding = _finding("cash:missing", "Record the cash balance in business.yaml", detail, Severity.LOW)
        return Section("Runway", "No cash balance: add cash: to business.yaml.", method=method), [finding]
    cash_card = Card("Cash", money(cash.balance, cur), note=f"as of {cash.as_of.isoformat()}", raw=cash.balance)
    bullets, findings = [], []
    age = (snapshot.as_of - cash.as_of).days
    if age > STALE_CASH_DAYS:
        bullets.append(f"The cash balance is {age} days old: update cash: in business.yaml.")
        detail = f"Cash is dated {cash.as_of.isoformat()}; runway and the capital tiers read from it."
        title = f"Update the cash balance in business.yaml ({age} days old)"
        findings.append(_finding("cash:stale", title, detail, Severity.LOW))
    months = runway(cash.balance, b)
    if months is None:
        card = Card("Runway", "not burning cash", Tone.OK, "[OK]", "revenue covers burn")
        summary = "Not burning cash: revenue covers burn."
        return Section("Runway", summary, (cash_card, card), (), tuple(bullets), method), findings
    text, short = runway_text(months), months[0]
    alert = short < RUNWAY_TARGET
    tone, marker = (Tone.ALERT, "[ALERT]") if alert else (Tone.OK, "[OK]")
    card = Card("Runway", text, tone, marker, f"target ≥ {RUNWAY_TARGET} months", short)
    if alert:
        needed = RUNWAY_TARGET * b.net_high - cash.balance
        severity = Severity.HIGH if short < RUNWAY_CRITICAL else Severity.MEDIUM
        detail = (
            f"Cash {money(cash.balance, cur)} / net burn up to {money(b.net_high, cur)} a month = "
            f"{months_text(short)} months; {RUNWAY_TARGET} months needs {money(needed, cur)} more."
        )
        title = (
            f"Raise or save {money(needed, cur)} to reach {RUNWAY_TARGET} months of runway (now {months_text(short)})"
        )
        findings.append(_finding("runway:org", title, detail, severity, at_stake=needed))
    return Section("Runway", f"{text} of runway.", (cash_card, card), (), tuple(bullets), method), findings


def _break_even_section(snapshot: Snapshot, b: Burn, evens: list[BreakEven]) -> Part:
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
        return _finding(f"negative-margin:{be.entity}", title, detail, Severity.HIGH, at_stake=loss)
    if be.shortfall <= 0:
        return None
    doing, target = units_text(be.per_month), units_label(be.break_even, be.unit)
    detail = (
        f"Fixed {money(be.fixed_shown, cur)} a month / margin {money(be.margin, cur)} per unit = "
        f"{target} a month; doing {doing}. Missing margin: {money(be.shortfall, cur)} a month."
    )
    title = f"Lift {name} to {target} a month (doing {doing}) to break even"
    return _finding(f"break-even:{be.entity}", title, detail, _by_money(be.shortfall, cur), at_stake=be.shortfall)


def _capital_section(snapshot: Snapshot, b: Burn) -> Part:
    cur, finance = snapshot.currency, snapshot.finance
    # a schedule in whole units worked out from the figures it shows, as an accountant's foots: the reserve of 3 ×
    # the exact burn read $76,501 beside a burn card of $25,500, where the reader's 3 × $25,500 is $76,500
    burn_shown = whole(b.high)
    reserve, upcoming = finance.reserve_months * burn_shown, whole(committed(snapshot))
    method = (
        f"Tier 1 reserve = reserve_months ({finance.reserve_months}, business.yaml) × high end of gross burn as "
        "shown (in whole units); Tier 2 committed = maintenance.csv rows dated in the next 90 days (after the "
        "snapshot date, any kind), listed, their costs added as shown; Tier 3 free to deploy = cash − reserve − "
        "committed. Every tier is worked out from the whole-unit figures shown, so that they add up as written. "
        "capital_options (business.yaml) "
        "ranked by payback = cost / monthly return (no return last, ties by name), funded in that order until "
        "one does not fit."
    )
    free = None if finance.cash is None else whole(finance.cash.balance) - reserve - upcoming
    shown = "unknown" if free is None else money(free, cur) if free >= 0 else f"short by {money(-free, cur)}"
    purpose = f"Reserve: {finance.reserve_months} months of burn at {money(burn_shown, cur)}"
    tiers = Table(
        ("Tier", "Purpose", "Amount"),
        (
            ("Tier 1", purpose, money(reserve, cur)),
            ("Tier 2", "Committed: maintenance in the next 90 days", money(upcoming, cur)),
            ("Tier 3", "Growth: free to deploy", shown),
        ),
        title="Capital tiers",
    )
    options, findings = _options(snapshot, None if free is None else max(free, ZERO))
    bullets = [] if options else ["No capital options: add capital_options: to business.yaml."]
    card, summary, short = _free_card(snapshot, free, reserve, upcoming)
    if free is None and snapshot.cash_dated_later is not None:
        bullets.insert(0, f"Cash on {snapshot.as_of} unknown ({_cash_dated_later(snapshot)}): Tier 3 is not sized.")
    elif free is None:
        bullets.insert(0, "No cash balance: add cash: to business.yaml to size Tier 3.")
    findings = short + findings
    cards = (
        Card("Reserve", money(reserve, cur), raw=reserve),
        Card("Committed, 90 days", money(upcoming, cur), raw=upcoming),
        card,
    )
    tables: tuple[Table, ...] = (tiers,) if options is None else (tiers, options)
    if work := committed_work(snapshot):  # Tier 2's rows: "$5,180" named none, nor did any other report
        rows = tuple((str(m.date), snapshot.asset_name(m.asset), m.description, money(m.cost, cur)) for m in work)
        tables += (Table(("Date", "Asset", "Work", "Cost"), rows, title="Committed: maintenance in the next 90 days"),)
    return Section("Capital deployment tiers", summary, cards, tables, tuple(bullets), method), findings


def _free_card(
    snapshot: Snapshot, free: Decimal | None, reserve: Decimal, upcoming: Decimal
) -> tuple[Card, str, list[Finding]]:
    """The Tier 3 card, the section's summary, and a HIGH finding when cash is short of tiers 1 and 2."""
    cur = snapshot.currency
    if free is None and snapshot.cash_dated_later is not None:
        later = f"cash dated {snapshot.cash_dated_later}, after {snapshot.as_of}"
        return Card("Free to deploy", "unknown", note=later), f"Free cash unknown: {_cash_dated_later(snapshot)}.", []
    if free is None:
        return (
            Card("Free to deploy", "unknown", note="add cash: to business.yaml"),
            "Free cash unknown: add cash: to business.yaml.",
            [],
        )
    if free >= 0:
        card = Card("Free to deploy", money(free, cur), Tone.OK, "[OK]", "after reserve and committed work", free)
        return card, f"{money(free, cur)} free to deploy after the reserve and committed work.", []
    short = money(-free, cur)
    card = Card("Free to deploy", f"short by {short}", Tone.ALERT, "[ALERT]", "cash < reserve + committed", free)
    detail = (
        f"Cash {money(free + reserve + upcoming, cur)} < reserve {money(reserve, cur)} + "
        f"committed {money(upcoming, cur)}: short by {short}."
    )
    finding = _finding(
        "reserve:short", f"Rebuild the cash reserve: short by {short}", detail, Severity.HIGH, at_stake=-free
    )
    return card, f"Cash is short by {short} of the reserve plus committed work.", [finding]


def _options(snapshot: Snapshot, free: Decimal | None) -> tuple[Table | None, list[Finding]]:
    """The ranked capital options with their decision, and a finding for each one to fund now."""
    cur = snapshot.currency
    options = ranked_options(snapshot.finance.capital_options)
    if not options:
        return None, []
    rows, findings = [], []
    for option, funded in zip(options, fund(options, free), strict=True):
        months = payback(option)
        cells = (money(option.cost, cur), money(option.monthly_return, cur))
        rows.append(
            (option.name, *cells, "never" if months is None else months_text(months), "fund now" if funded else "wait")
        )
        if funded:
            findings.append(_fund_finding(snapshot, option))
    columns = ("Option", "Cost", "Monthly return", "Payback months", "Decision")
    return Table(columns, tuple(rows), title="Capital options by payback"), findings


def _fund_finding(snapshot: Snapshot, option: CapitalOption) -> Finding:
    cur, months = snapshot.currency, payback(option)
    back = "" if months is None else f", paying back in {months_text(months)} months"
    returns = money(option.monthly_return, cur)
    detail = f"Costs {money(option.cost, cur)} and returns {returns} a month{back}; fits in Tier 3."
    # an option that returns nothing is a choice to make, not money lost by waiting
    severity = Severity.LOW if option.monthly_return <= 0 else _by_money(option.monthly_return, cur)
    key = "fund:" + re.sub(r"[^a-z0-9]+", "-", option.name.lower()).strip("-")
    title = f"Fund {option.name} ({money(option.cost, cur)})"
    return _finding(key, title, detail, severity, at_stake=max(option.monthly_return, ZERO))


def _targets_section(snapshot: Snapshot) -> Part:
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
    return _finding(f"revenue-goal:{goal.entity or 'all'}", title, detail, severity, owner=owner, at_stake=short)


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
