"""The Real-estate manager lens's maintenance section: upkeep of the properties by month and kind, the
three-month forecast, a spike in repairs, and maintenance as a share of revenue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from firstmate.domain.business import Asset
from firstmate.domain.reports.document import Card, Finding, Section, Severity, Table, Tone
from firstmate.domain.reports.format import CENT, money, month_label, pct, plural, shown_total, whole
from firstmate.domain.reports.real_estate_calc import (
    BASELINE_MONTHS,
    DASH,
    FORECAST_DAYS,
    LENS,
    ZERO,
    RepairTrend,
    Upkeep,
    upkeep,
)
from firstmate.domain.snapshot import Snapshot

REPAIR_SPIKE = Decimal("1.5")  # last 3 months' repairs above 150 % of the average month before them
MAINTENANCE_CEILING = Decimal("0.25")  # upkeep above a quarter of revenue eats the margin


def _forecast_shown(costs: Upkeep, cur: str) -> str:
    """The forecast as its two parts show in its note, added: $101 + $53 read $153."""
    return money(shown_total((costs.scheduled_planned, costs.repair_forecast)), cur)


def _past_shown(costs: Upkeep) -> tuple[Decimal, Decimal]:
    """The 12 months' planned work and repairs as the By month table's columns add up, each month in whole
    units: rounded once, repairs of $101 and $101 read a card of $201."""
    return shown_total(costs.planned.values()), shown_total(costs.repair.values())


def _average_text(average: Decimal, cur: str) -> str:
    """The average month of repairs the forecast is 3 of, in cents when it has any, so that it foots: "$103 a month
    × 3" sat beside repairs of $310 (1,240 / 12 = 103.33, × 3 = 310)."""
    return money(average, cur, cents=average != average.quantize(Decimal(1)))


def _upkeep_cards(costs: Upkeep, cur: str) -> tuple[Card, ...]:
    share = costs.share_of_revenue
    high = share is not None and share > MAINTENANCE_CEILING
    planned, repairs = _past_shown(costs)
    parts = f"{money(costs.scheduled_planned, cur)} + repairs {money(costs.repair_forecast, cur)}"
    if costs.scheduled_repairs:
        forecast = (
            f"scheduled planned {parts}: per property, the larger of its scheduled repairs "
            f"({money(costs.scheduled_repairs, cur)} in all) and its average month × 3 "
            f"({_average_text(costs.repair_average, cur)} a month in all)"
        )
    else:
        forecast = f"scheduled {parts}: {_average_text(costs.repair_average, cur)} a month × 3"
    return (
        Card("Planned, 12 months", money(planned, cur), raw=planned),
        Card("Repairs, 12 months", money(repairs, cur), raw=repairs),
        Card(
            "Forecast next 3 months",
            _forecast_shown(costs, cur),
            note=forecast,
            raw=costs.forecast,
        ),
        Card(
            "Maintenance / revenue",
            DASH if share is None else pct(share),
            Tone.ALERT if high else Tone.OK,
            "[ALERT]" if high else "[OK]",
            f"ceiling {pct(MAINTENANCE_CEILING)}" if share is not None else "no occupancy revenue to compare",
            share,
        ),
    )


def _upkeep_tables(snapshot: Snapshot, costs: Upkeep) -> tuple[Table, ...]:
    cur = snapshot.currency
    by_month = tuple(
        (
            month_label(m),
            money(costs.planned[m], cur),
            money(costs.repair[m], cur),
            money(whole(costs.planned[m]) + whole(costs.repair[m]), cur),  # the two cells beside it, as shown
        )
        for m in costs.months
    )
    tables = [Table(("Month", "Planned", "Repair", "Total"), by_month, title="By month")]
    if costs.scheduled:
        scheduled = tuple(
            (str(m.date), snapshot.asset_name(m.asset), m.description, m.kind.value, money(m.cost, cur))
            for m in costs.scheduled
        )
        tables.append(Table(("Date", "Property", "Work", "Kind", "Estimate"), scheduled, title="Scheduled"))
    return tuple(tables)


def maintenance_section(snapshot: Snapshot, props: list[Asset]) -> tuple[Section, tuple[Finding, ...]]:
    """Maintenance of the properties over 12 months by month and kind, the 3-month forecast, and
    maintenance as a share of revenue."""
    ids = {a.id for a in props}
    costs = upkeep(snapshot, ids)
    method = (
        f"maintenance.csv rows of property assets. Past = {month_label(costs.months[0])}–"
        f"{month_label(costs.months[-1])} by month and kind, each in whole units: a month's total is its planned "
        "and repair cells added, each card the months added, as shown. Forecast next 3 months = planned rows "
        f"dated after {snapshot.as_of} within {FORECAST_DAYS} days + each property's repairs, the larger of those "
        "dated then and its average monthly repair cost × 3, averaged over its months since its first occupancy or "
        "maintenance row (at most 12). Share of revenue = 12-month maintenance / 12-month occupancy.csv revenue of "
        "the properties. Flagged: repairs of the last 3 months > 1.5 × 3 × the average month before them "
        "(properties with at least "
        f"{BASELINE_MONTHS} such months); maintenance > 25% of revenue."
    )
    if not any(m.asset in ids for m in snapshot.maintenance):
        summary = "No maintenance rows for the properties: add maintenance.csv to the data folder."
        return Section("Maintenance cost and forecast", summary=summary, method=method), ()
    cur = snapshot.currency
    past = money(sum(_past_shown(costs), ZERO), cur)  # the two cards, added
    summary = f"{past} over 12 months; {_forecast_shown(costs, cur)} expected in the next 3."
    section = Section(
        "Maintenance cost and forecast",
        summary,
        _upkeep_cards(costs, cur),
        _upkeep_tables(snapshot, costs),
        _unjudged(snapshot, costs),
        method=method,
    )
    found = (_spike_finding(costs.trend, cur), _share_finding(costs, cur))
    return section, tuple(f for f in found if f is not None)


def _unjudged(snapshot: Snapshot, costs: Upkeep) -> tuple[str, ...]:
    """One line per property too new for its last 3 months of repairs to be called a spike."""
    start = month_label(costs.months[-3])
    return tuple(
        f"{snapshot.asset_name(asset)} has {plural(n, 'month')} on the books before {start}: too few to tell a "
        f"spike in its last 3 months of repairs from its usual run ({BASELINE_MONTHS} needed), so none is claimed."
        for asset, n in costs.trend.too_new
    )


def _spike_finding(trend: RepairTrend, cur: str) -> Finding | None:
    if not trend.judged or trend.recent <= trend.expected * REPAIR_SPIKE:
        return None
    # the average month, in cents as shown, and the 3 months worked out from it: "$313 at the average month"
    # read as a month's, where it was three of $104.44
    month = (trend.expected / 3).quantize(CENT)
    return Finding(
        key=f"{LENS}:repairs:spike",
        title=f"Find the cause of {money(trend.recent, cur)} of repairs in the last 3 months",
        detail=(
            f"Repairs in the last 3 months ({_span(trend.recent_months)}) were {money(trend.recent, cur)} against "
            f"{money(3 * month, cur)}, 3 months at the average month {_before(trend, month, cur)}: more than 50% "
            "above it."
        ),
        severity=Severity.MEDIUM,
        owner=LENS,
        money_at_stake=(trend.recent - 3 * month).quantize(CENT),
        lens=LENS,
    )


def _span(months: tuple[date, ...]) -> str:
    return f"{month_label(months[0])}–{month_label(months[-1])}" if months else ""


def _before(trend: RepairTrend, month: Decimal, cur: str) -> str:
    """Which months the average month is of, to redo it from the table by month: "of the 9 before them (Dec
    2025–Aug 2026: $940 / 9 = $104.44)"; it read "the average month before them ($104.44)", of months unsaid."""
    average = money(month, cur, cents=True)
    if trend.shared:
        n = len(trend.before)
        cost = money(trend.before_cost, cur, cents=trend.before_cost != trend.before_cost.to_integral_value())
        return f"of the {n} before them ({_span(trend.before)}: {cost} / {n} = {average})"
    return f"before them, each property's since its first row in {_span(trend.before)} ({average})"


def _share_finding(costs: Upkeep, cur: str) -> Finding | None:
    share = costs.share_of_revenue
    if share is None or share <= MAINTENANCE_CEILING:
        return None
    # a month's excess, over the months the properties were held: a year's months understated a new one's
    excess = ((costs.total - MAINTENANCE_CEILING * costs.revenue) / costs.months_held).quantize(CENT)
    return Finding(
        key=f"{LENS}:maintenance:share",
        title=f"Cut property upkeep: {pct(share)} of revenue over 12 months",
        detail=(
            f"Maintenance {money(sum(_past_shown(costs), ZERO), cur)} against {money(costs.revenue, cur)} of revenue; "
            f"above {pct(MAINTENANCE_CEILING)} it eats the margin."
        ),
        severity=Severity.HIGH,
        owner=LENS,
        money_at_stake=excess,
        lens=LENS,
    )
