"""The Real-estate manager lens: how full each rental property is, what a night earns, and what
upkeep costs and will cost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from firstmate.domain.business import Asset
from firstmate.domain.currencies import in_units_of
from firstmate.domain.reports.document import (
    SEVERITY_RANK,
    Card,
    Finding,
    ReportDocument,
    Section,
    Severity,
    Table,
    Tone,
    compose,
)
from firstmate.domain.reports.format import CENT, money, month_label, months_back, pct, signed_pct
from firstmate.domain.reports.real_estate_calc import (
    DASH,
    LENS,
    ZERO,
    Nights,
    combined,
    nights,
    occupancy_goal,
    occupancy_rows,
    properties,
    window,
    year_earlier,
)
from firstmate.domain.reports.real_estate_upkeep import maintenance_section
from firstmate.domain.snapshot import Occupancy, Snapshot

# Severity guide: HIGH = money at stake ≥ 1,000 or a security/legal exposure or a goal missed by > 20%;
# MEDIUM = smaller money or a clear gap; LOW = hygiene.
HIGH_FROM = Decimal(1000)
BELOW_AVERAGE = Decimal("0.10")  # without a goal, 10 points under the 12-month average is an alert
REVPAN_DROP = Decimal("0.10")  # a 10 % fall on the same months last year is worth a look
NO_PROPERTY = (
    'No property yet: add an asset with kind = "property" to your org file (org.toml), then run firstmate org import.'
)
NO_OCCUPANCY = "No occupancy rows for the last 12 months: add occupancy.csv to the data folder."


def _fmt(value: Decimal | None, cur: str) -> str:
    return DASH if value is None else money(value, cur, cents=True)


def _rate(value: Decimal | None) -> str:
    return DASH if value is None else pct(value)


def _by_money(amount: Decimal, currency: str, missed_goal_badly: bool = False) -> Severity:
    return Severity.HIGH if amount >= in_units_of(HIGH_FROM, currency) or missed_goal_badly else Severity.MEDIUM


def _occupancy_row(row: Occupancy, name: str, cur: str) -> tuple[str, ...]:
    n = nights([row])
    return (
        month_label(row.month),
        name,
        str(n.available),
        str(n.booked),
        _rate(n.occupancy),
        money(n.revenue, cur),
        _fmt(n.adr, cur),
        _fmt(n.revpan, cur),
    )


def occupancy_section(snapshot: Snapshot, props: list[Asset]) -> tuple[Section, tuple[Finding, ...]]:
    """Occupancy, ADR and RevPAN by month over the last 12 full months, with cards for the last one."""
    cur, months = snapshot.currency, window(snapshot)
    method = (
        f"occupancy.csv rows of property assets, {month_label(months[0])}–{month_label(months[-1])} (months with "
        "rows). Occupancy = nights booked / nights available; ADR = revenue / nights booked; RevPAN = revenue / "
        f"nights available. {month_label(months[-1])} is flagged below the entity's occupancy goal (business.yaml "
        "goals, metric occupancy) or, without one, more than 10 points under the 12-month average (all booked / "
        "all available), never below 0%; a month with nights available and none booked is always flagged. Money at "
        "stake = nights short of the goal (or average) × ADR."
    )
    table_rows: list[tuple[str, ...]] = []
    cards: list[Card] = []
    findings: list[Finding] = []
    for asset in props:
        rows = occupancy_rows(snapshot, asset.id, months)
        table_rows += [_occupancy_row(r, asset.name, cur) for r in rows]
        if rows:
            card, found = _last_month(snapshot, asset, nights(rows))
            cards.append(card)
            findings += found
    if not table_rows:
        return Section("Occupancy by month", summary=NO_OCCUPANCY, method=method), ()
    columns = ("Month", "Property", "Available", "Booked", "Occupancy", "Revenue", "ADR", "RevPAN")
    total = nights(r for a in props for r in occupancy_rows(snapshot, a.id, months))
    summary = (
        f"Over the last 12 months the properties were {_rate(total.occupancy)} occupied "
        f"at {_fmt(total.adr, cur)} a booked night."
    )
    table = Table(columns, tuple(table_rows), title="Occupancy")
    return Section("Occupancy by month", summary, tuple(cards), (table,), method=method), tuple(findings)


@dataclass(frozen=True)
class _Bar:
    """What the last month's occupancy is held to: the entity's goal, or else the 12-month average."""

    goal: Decimal | None
    reference: Decimal  # the goal, or the 12-month average: what the nights short are counted against
    floor: Decimal  # under it is an alert

    @property
    def wording(self) -> str:
        """ "goal 70%" or "12-month average 78%"."""
        return f"goal {pct(self.reference)}" if self.goal is not None else f"12-month average {pct(self.reference)}"


def _bar(snapshot: Snapshot, asset: Asset, year: Nights) -> _Bar:
    goal = occupancy_goal(snapshot, asset.entity)
    if goal is not None:
        return _Bar(goal, goal, goal)
    average = year.occupancy or ZERO
    # without a goal, 10 points under the 12-month average; never below 0, where nothing could be under it
    return _Bar(None, average, max(average - BELOW_AVERAGE, ZERO))


def _last_month(snapshot: Snapshot, asset: Asset, year: Nights) -> tuple[Card, list[Finding]]:
    """The property's card for the last full month, and a finding when it is under target."""
    month = window(snapshot)[-1]
    label = f"{asset.name} occupancy, {month_label(month)}"
    rows = occupancy_rows(snapshot, asset.id, [month])
    if not rows:
        return Card(label, DASH, note=f"no occupancy row for {month_label(month)}"), []
    last = nights(rows)
    if last.occupancy is None:  # a row of 0 nights available: blocked or off the market, nothing to judge
        return Card(label, DASH, note=f"0 nights available in {month_label(month)}"), []
    bar = _bar(snapshot, asset, year)
    # nights on offer and none booked is never on target, whatever the bar (a unit vacant all year has 0%)
    if last.occupancy >= bar.floor and last.booked > 0:
        return Card(label, pct(last.occupancy), Tone.OK, "[OK]", bar.wording, last.occupancy), []
    card = Card(label, pct(last.occupancy), Tone.ALERT, "[ALERT]", bar.wording, last.occupancy)
    return card, [_occupancy_finding(snapshot, asset, last, year, bar)]


def _occupancy_finding(snapshot: Snapshot, asset: Asset, last: Nights, year: Nights, bar: _Bar) -> Finding:
    """Lift the property to its bar; or, for an empty month the bar does not catch, find out why."""
    month, cur = month_label(window(snapshot)[-1]), snapshot.currency
    occupancy = last.occupancy or ZERO
    short = (bar.reference * last.available - last.booked).quantize(Decimal(1), ROUND_HALF_UP)  # nights short
    adr = last.adr or year.adr or ZERO
    at_stake = short * adr
    missed_badly = bar.goal is not None and occupancy < bar.goal * Decimal("0.8")
    if occupancy < bar.floor:
        title = f"Lift {asset.name} occupancy from {pct(occupancy)} to the {bar.wording}"
        detail = (
            f"{month}: {last.booked} of {last.available} nights booked against the {bar.wording}; "
            f"{short} nights short × {_fmt(adr, cur)} ADR = {money(at_stake, cur)}."
        )
    else:
        title = f"Find out why {asset.name} had no bookings in {month}"
        detail = (
            f"{month}: none of {last.available} available nights booked ({bar.wording}), so it earned nothing. "
            "Check the listing, its calendar and its price."
        )
    return Finding(
        key=f"{LENS}:occupancy:{asset.id}",
        title=title,
        detail=detail,
        severity=_by_money(at_stake, cur, missed_badly),
        owner=LENS,
        money_at_stake=at_stake,
        lens=LENS,
    )


def _revpan_finding(asset: Asset, now: Nights, then: Nights, change: Decimal, cur: str) -> Finding:
    # the monthly revenue lost at last year's rate on this year's available nights
    lost = (((then.revpan or ZERO) - (now.revpan or ZERO)) * now.available / 3).quantize(CENT)
    return Finding(
        key=f"{LENS}:revpan-drop:{asset.id}",
        title=f"Find why {asset.name} earns {pct(-change)} less per available night than a year ago",
        detail=f"RevPAN {_fmt(now.revpan, cur)} over the last 3 months vs {_fmt(then.revpan, cur)} a year earlier.",
        severity=_by_money(lost, cur),
        owner=LENS,
        money_at_stake=lost,
        lens=LENS,
    )


def revpan_section(snapshot: Snapshot, props: list[Asset]) -> tuple[Section, tuple[Finding, ...]]:
    """Revenue per available night over the last 3 full months vs the same months a year earlier."""
    cur = snapshot.currency
    recent = months_back(snapshot.as_of, 3)
    before = year_earlier(recent)
    span = f"{month_label(recent[0])}–{month_label(recent[-1])}"
    earlier = f"{month_label(before[0])}–{month_label(before[-1])}"
    method = (
        f"occupancy.csv rows of property assets: RevPAN = revenue / nights available over {span}, against {earlier}; "
        "change = (now − then) / then. The summary compares the years like for like: only properties with rows "
        "(and nights available) in both, naming the others. A fall of more than "
        f"{pct(REVPAN_DROP)} is flagged; money = (then − now) × this year's available nights / 3, per month."
    )
    periods = [(asset, _nights_in(snapshot, asset, recent), _nights_in(snapshot, asset, before)) for asset in props]
    shown = [(asset, now, then) for asset, now, then in periods if now.revpan is not None]
    if not shown:
        summary = f"No occupancy rows for {span}: add occupancy.csv to the data folder."
        return Section("Revenue per available night", summary=summary, method=method), ()
    rows = tuple(_revpan_row(asset, now, then, cur) for asset, now, then in shown)
    findings = tuple(
        _revpan_finding(asset, now, then, change, cur)
        for asset, now, then in shown
        if (change := _change(now, then)) is not None and change < -REVPAN_DROP
    )
    table = Table(("Property", f"RevPAN {span}", "Year earlier", "Change"), rows, title="RevPAN")
    new = [asset.name for asset, _, then in shown if then.revpan is None]
    bullets = (
        (f"No rows for the same months a year earlier for {', '.join(new)}: add last year's occupancy.csv rows "
         "to compare.",)
        if new
        else ()
    )  # fmt: skip
    summary = _revpan_summary(periods, (span, earlier), cur)
    section = Section("Revenue per available night", summary, tables=(table,), bullets=bullets, method=method)
    return section, findings


def _nights_in(snapshot: Snapshot, asset: Asset, months: list[date]) -> Nights:
    return nights(occupancy_rows(snapshot, asset.id, months))


def _change(now: Nights, then: Nights) -> Decimal | None:
    """(now − then) / then of RevPAN; None without a year-earlier RevPAN above zero."""
    if now.revpan is None or not then.revpan:
        return None
    return (now.revpan - then.revpan) / then.revpan


def _revpan_row(asset: Asset, now: Nights, then: Nights, cur: str) -> tuple[str, ...]:
    change = _change(now, then)
    signed = DASH if change is None else signed_pct(change)  # a rise read as "5%" beside "−14%"
    return asset.name, _fmt(now.revpan, cur), _fmt(then.revpan, cur), signed


def _revpan_summary(periods: list[tuple[Asset, Nights, Nights]], spans: tuple[str, str], cur: str) -> str:
    """Every property's RevPAN now; against a year earlier only for those with rows in both periods (a
    property new this year is no fall of the others), naming the ones left out."""
    span, earlier = spans
    summary = f"Each available night earned {_fmt(combined(now for _, now, _ in periods).revpan, cur)} over {span}"
    both = [(asset, now, then) for asset, now, then in periods if now.revpan is not None and then.revpan is not None]
    if not both:
        return summary + "."
    left_out = [
        f"{asset.name} (no rows {'then' if then.revpan is None else 'now'})"
        for asset, now, then in periods
        if (now.revpan is None) != (then.revpan is None)
    ]
    now, then = combined(now for _, now, _ in both), combined(then for _, _, then in both)
    if not left_out:
        return summary + f", against {_fmt(then.revpan, cur)} a year earlier."
    return (
        f"{summary}. Like for like ({', '.join(asset.name for asset, _, _ in both)}): {_fmt(now.revpan, cur)} "
        f"against {_fmt(then.revpan, cur)} in {earlier}; left out: {', '.join(left_out)}."
    )


def _headline(snapshot: Snapshot, sections: tuple[Section, ...], findings: tuple[Finding, ...]) -> str:
    if findings:
        top = min(findings, key=lambda f: (SEVERITY_RANK[f.severity], -f.money_at_stake, f.key))
        return f"{top.title}."
    return sections[0].summary


def real_estate_report(snapshot: Snapshot) -> ReportDocument:
    """The Real-estate manager report: occupancy, revenue per available night, and maintenance of
    the assets of kind property."""
    props = properties(snapshot)
    if props:
        parts = (
            occupancy_section(snapshot, props),
            revpan_section(snapshot, props),
            maintenance_section(snapshot, props),
        )
        sections = tuple(section for section, _ in parts)
        findings = tuple(f for _, found in parts for f in found)
    else:
        method = 'Assets of kind "property" in the org (firstmate org show); none is listed.'
        titles = ("Occupancy by month", "Revenue per available night", "Maintenance cost and forecast")
        sections = tuple(Section(t, summary=NO_PROPERTY, method=method) for t in titles)
        findings = ()
    return compose(
        LENS, snapshot, NO_PROPERTY if not props else _headline(snapshot, sections, findings), sections, findings
    )
