"""The real-estate lens's arithmetic: nights, occupancy, ADR and revenue per available night, the
occupancy goal, and maintenance totals. Pure functions; `real_estate.py` and `real_estate_upkeep.py`
build the sections."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from firstmate.domain.business import Asset, AssetKind
from firstmate.domain.reports.format import months_back, ratio
from firstmate.domain.snapshot import Maintenance, MaintenanceKind, Occupancy, Snapshot

LENS = "real_estate"  # the owner and key prefix of every finding of the lens
DASH = "—"  # a figure that cannot be computed (no nights, no bookings)
ZERO = Decimal(0)
WINDOW_MONTHS = 12
FORECAST_DAYS = 90


@dataclass(frozen=True)
class Nights:
    """Nights available and booked, and their revenue, over one or more occupancy rows."""

    available: int
    booked: int
    revenue: Decimal

    @property
    def occupancy(self) -> Decimal | None:
        """booked / available."""
        return ratio(Decimal(self.booked), Decimal(self.available))

    @property
    def adr(self) -> Decimal | None:
        """Average daily rate: revenue / booked nights."""
        return ratio(self.revenue, Decimal(self.booked))

    @property
    def revpan(self) -> Decimal | None:
        """Revenue per available night: revenue / available nights."""
        return ratio(self.revenue, Decimal(self.available))


def nights(rows: Iterable[Occupancy]) -> Nights:
    """The sum of occupancy rows."""
    listed = list(rows)
    return Nights(
        sum(r.nights_available for r in listed),
        sum(r.nights_booked for r in listed),
        sum((r.revenue for r in listed), ZERO),
    )


def combined(parts: Iterable[Nights]) -> Nights:
    """Several properties' nights as one: their nights and revenue added."""
    listed = list(parts)
    return Nights(
        sum(n.available for n in listed), sum(n.booked for n in listed), sum((n.revenue for n in listed), ZERO)
    )


def properties(snapshot: Snapshot) -> list[Asset]:
    """The assets of kind property, by id."""
    return sorted((a for a in snapshot.assets if a.kind is AssetKind.PROPERTY), key=lambda a: a.id)


def occupancy_rows(snapshot: Snapshot, asset: str, months: Iterable[date]) -> list[Occupancy]:
    """The asset's occupancy rows in the given months, oldest first."""
    wanted = set(months)
    return sorted((r for r in snapshot.occupancy if r.asset == asset and r.month in wanted), key=lambda r: r.month)


def window(snapshot: Snapshot) -> list[date]:
    """The last 12 full months, oldest first."""
    return months_back(snapshot.as_of, WINDOW_MONTHS)


def year_earlier(months: Iterable[date]) -> list[date]:
    """The same months one year before."""
    return [m.replace(year=m.year - 1) for m in months]


def occupancy_goal(snapshot: Snapshot, entity: str) -> Decimal | None:
    """The "occupancy" goal of the entity (else the org-wide one) as a fraction; a goal written as a
    percentage (70) is read as 0.70."""
    goals = [g for g in snapshot.finance.goals if g.metric == "occupancy" and g.entity in (entity, None)]
    if not goals:
        return None
    goal = min(goals, key=lambda g: (g.entity is None, g.monthly)).monthly  # the entity's own goal beats the org's
    return goal / 100 if goal > 1 else goal


#: Months of repairs a property needs before the last 3 for those to be judged against them: as many as
#: the months under test, or one costly month reads as the norm.
BASELINE_MONTHS = 3


@dataclass(frozen=True)
class RepairTrend:
    """Repairs of the last 3 full months against the months before them, for the properties that have
    enough of those (BASELINE_MONTHS); the others are `too_new`, with how many earlier months they have."""

    recent: Decimal  # repairs in the last 3 full months, of the judged properties
    expected: Decimal  # their average monthly repairs in the months before those × 3
    judged: tuple[str, ...]
    too_new: tuple[tuple[str, int], ...]
    recent_months: tuple[date, ...] = ()
    #: the months before the last 3 each judged property is averaged over, and their repairs: one span for all
    #: when `shared`, else each property's own since its first row
    before: tuple[date, ...] = ()
    before_cost: Decimal = ZERO
    shared: bool = True


@dataclass(frozen=True)
class Upkeep:
    """Maintenance of the properties: the past 12 months, what is scheduled, and the forecast."""

    months: tuple[date, ...]
    planned: dict[date, Decimal]
    repair: dict[date, Decimal]
    scheduled: tuple[Maintenance, ...]
    revenue: Decimal  # occupancy revenue of the properties over the 12 months
    held: dict[str, tuple[date, ...]]  # each property's months in the window since its first row
    repairs_of: dict[str, dict[date, Decimal]]  # each property's repairs by month

    @property
    def total(self) -> Decimal:
        """Planned plus repairs over the 12 months."""
        return sum(self.planned.values(), ZERO) + sum(self.repair.values(), ZERO)

    @property
    def repair_average(self) -> Decimal:
        """Monthly repair cost: each property's repairs over its months since its first row (at most 12),
        added; a property let since September is not averaged over a year it was not there."""
        return sum((self._average(asset, months) for asset, months in self.held.items() if months), ZERO)

    @property
    def scheduled_planned(self) -> Decimal:
        """Planned work scheduled within 90 days."""
        return sum((m.cost for m in self.scheduled if m.kind is not MaintenanceKind.REPAIR), ZERO)

    @property
    def scheduled_repairs(self) -> Decimal:
        """Repairs already dated within 90 days."""
        return sum((m.cost for m in self.scheduled if m.kind is MaintenanceKind.REPAIR), ZERO)

    @property
    def repair_forecast(self) -> Decimal:
        """The next 3 months' repairs: each property's, the larger of its repairs already dated within 90 days
        and its average monthly repair cost × 3 (a dated repair is one the average foresees: added to it, it
        counted twice; one property's average does not stand for another's dated repair)."""
        dated: dict[str, Decimal] = {}
        for m in self.scheduled:
            if m.kind is MaintenanceKind.REPAIR:
                dated[m.asset] = dated.get(m.asset, ZERO) + m.cost
        assets = set(dated) | {asset for asset, months in self.held.items() if months}
        averages = {asset: self._average(asset, self.held[asset]) for asset in assets if self.held.get(asset)}
        return sum((max(dated.get(a, ZERO), averages.get(a, ZERO) * 3) for a in assets), ZERO)

    @property
    def forecast(self) -> Decimal:
        """Next 3 months: planned work scheduled within 90 days + the repairs (`repair_forecast`)."""
        return self.scheduled_planned + self.repair_forecast

    @property
    def months_held(self) -> int:
        """The months of the window in which any property was on the books (12 once one has been a year)."""
        return len({m for months in self.held.values() for m in months}) or len(self.months)

    @property
    def share_of_revenue(self) -> Decimal | None:
        """12-month maintenance / 12-month revenue."""
        return ratio(self.total, self.revenue)

    @property
    def trend(self) -> RepairTrend:
        """The last 3 full months' repairs against the months before them (never against themselves)."""
        recent = self.months[-3:]
        recent_cost, expected = ZERO, ZERO
        judged, too_new = [], []
        spans: set[tuple[date, ...]] = set()
        before_cost = ZERO
        for asset, months in sorted(self.held.items()):
            earlier = tuple(m for m in months if m not in recent)
            if len(earlier) < BASELINE_MONTHS:
                too_new.append((asset, len(earlier)))
                continue
            judged.append(asset)
            spans.add(earlier)
            recent_cost += sum((self.repairs_of[asset].get(m, ZERO) for m in recent), ZERO)
            before_cost += sum((self.repairs_of[asset].get(m, ZERO) for m in earlier), ZERO)
            expected += self._average(asset, earlier) * 3
        before = tuple(sorted({m for span in spans for m in span}))
        return RepairTrend(
            recent_cost, expected, tuple(judged), tuple(too_new), tuple(recent), before, before_cost, len(spans) <= 1
        )

    def _average(self, asset: str, months: tuple[date, ...]) -> Decimal:
        return sum((self.repairs_of[asset].get(m, ZERO) for m in months), ZERO) / len(months)


def _first_months(snapshot: Snapshot, assets: set[str]) -> dict[str, date]:
    """Each property's first month on the books: its earliest occupancy row or past maintenance row."""
    dated = [(r.asset, r.month) for r in snapshot.occupancy]
    dated += [(m.asset, m.date.replace(day=1)) for m in snapshot.maintenance if m.date <= snapshot.as_of]
    first: dict[str, date] = {}
    for asset, month in dated:
        if asset in assets and (asset not in first or month < first[asset]):
            first[asset] = month
    return first


def upkeep(snapshot: Snapshot, assets: set[str]) -> Upkeep:
    """Maintenance totals of the given property assets."""
    months = window(snapshot)
    planned = dict.fromkeys(months, ZERO)
    repair = dict.fromkeys(months, ZERO)
    repairs_of: dict[str, dict[date, Decimal]] = {a: {} for a in assets}
    rows = [m for m in snapshot.maintenance if m.asset in assets]
    for m in rows:
        month = m.date.replace(day=1)
        if month in planned:
            target = repair if m.kind is MaintenanceKind.REPAIR else planned
            target[month] += m.cost
            if m.kind is MaintenanceKind.REPAIR:
                repairs_of[m.asset][month] = repairs_of[m.asset].get(month, ZERO) + m.cost
    horizon = snapshot.as_of + timedelta(days=FORECAST_DAYS)
    scheduled = sorted((m for m in rows if snapshot.as_of < m.date <= horizon), key=lambda m: (m.date, m.id))
    revenue = sum((r.revenue for r in snapshot.occupancy if r.asset in assets and r.month in planned), ZERO)
    first = _first_months(snapshot, assets)
    return Upkeep(
        months=tuple(months),
        planned=planned,
        repair=repair,
        scheduled=tuple(scheduled),
        revenue=revenue,
        held={a: tuple(m for m in months if m >= first[a]) for a in sorted(first)},
        repairs_of=repairs_of,
    )
