"""The real-estate lens's arithmetic: nights, occupancy, ADR and revenue per available night, the
occupancy goal, and maintenance totals. Pure functions; `real_estate.py` builds the sections."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from firstmate.domain.business import Asset, AssetKind
from firstmate.domain.reports.format import months_back, ratio
from firstmate.domain.snapshot import Maintenance, MaintenanceKind, Occupancy, Snapshot

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


@dataclass(frozen=True)
class Upkeep:
    """Maintenance of the properties: the past 12 months, what is scheduled, and the forecast."""

    months: tuple[date, ...]
    planned: dict[date, Decimal]
    repair: dict[date, Decimal]
    scheduled: tuple[Maintenance, ...]
    recent_repairs: Decimal  # repairs in the last 3 full months
    revenue: Decimal  # occupancy revenue of the properties over the 12 months

    @property
    def total(self) -> Decimal:
        """Planned plus repairs over the 12 months."""
        return sum(self.planned.values(), ZERO) + sum(self.repair.values(), ZERO)

    @property
    def repair_average(self) -> Decimal:
        """Trailing 12-month average monthly repair cost."""
        return sum(self.repair.values(), ZERO) / len(self.months)

    @property
    def forecast(self) -> Decimal:
        """Next 3 months: scheduled rows within 90 days + the trailing average repair cost × 3."""
        return sum((m.cost for m in self.scheduled), ZERO) + self.repair_average * 3

    @property
    def share_of_revenue(self) -> Decimal | None:
        """12-month maintenance / 12-month revenue."""
        return ratio(self.total, self.revenue)


def upkeep(snapshot: Snapshot, assets: set[str]) -> Upkeep:
    """Maintenance totals of the given property assets."""
    months = window(snapshot)
    planned = dict.fromkeys(months, ZERO)
    repair = dict.fromkeys(months, ZERO)
    rows = [m for m in snapshot.maintenance if m.asset in assets]
    for m in rows:
        month = m.date.replace(day=1)
        if month in planned:
            target = repair if m.kind is MaintenanceKind.REPAIR else planned
            target[month] += m.cost
    horizon = snapshot.as_of + timedelta(days=FORECAST_DAYS)
    scheduled = sorted((m for m in rows if snapshot.as_of < m.date <= horizon), key=lambda m: (m.date, m.id))
    recent = months_back(snapshot.as_of, 3)
    revenue = sum((r.revenue for r in snapshot.occupancy if r.asset in assets and r.month in planned), ZERO)
    return Upkeep(
        months=tuple(months),
        planned=planned,
        repair=repair,
        scheduled=tuple(scheduled),
        recent_repairs=sum((repair[m] for m in recent), ZERO),
        revenue=revenue,
    )
