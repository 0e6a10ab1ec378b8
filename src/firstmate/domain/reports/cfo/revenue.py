"""Revenue as every report recognises it: a month's revenue lines by service date, the lets occupancy.csv alone
holds beside them, and a month's figures in whole units that foot alike in the CEO's and the CFO's reports."""

from __future__ import annotations

import weakref
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from firstmate.domain.business import AssetKind
from firstmate.domain.reports.format import apportioned, whole
from firstmate.domain.snapshot import Occupancy, RevenueLine, Snapshot

ZERO = Decimal(0)


#: Each living snapshot's revenue lines by service month, under the snapshot's id: the lenses ask for months of the
#: same lines a dozen times a build. An entry goes with its snapshot (weakref.finalize), so a long-running process
#: keeps no org's lines after its build, and an id is never read for a later snapshot that reuses it.
_BY_MONTH: dict[int, dict[tuple[int, int], list[RevenueLine]]] = {}


def revenue_by_month(snapshot: Snapshot) -> dict[tuple[int, int], list[RevenueLine]]:
    """The snapshot's revenue lines by (year, month) of their service date, each month's in snapshot order: made in
    one pass the first time a snapshot's lines are asked for, then looked up while the snapshot lives. Read it,
    never change it."""
    kept = _BY_MONTH.get(id(snapshot))
    if kept is not None:
        return kept
    index: dict[tuple[int, int], list[RevenueLine]] = {}
    for line in snapshot.revenue:
        index.setdefault((line.service_date.year, line.service_date.month), []).append(line)
    _BY_MONTH[id(snapshot)] = index
    weakref.finalize(snapshot, _BY_MONTH.pop, id(snapshot), None)
    return index


def lines_by_month(snapshot: Snapshot, window: list[date]) -> dict[date, list[RevenueLine]]:
    """The revenue lines of each month of `window`, by service date (`revenue_by_month`), each a list of its own."""
    months = {(m.year, m.month): m for m in window}
    grouped: dict[date, list[RevenueLine]] = {m: [] for m in window}
    index = revenue_by_month(snapshot)
    for key, month in months.items():
        grouped[month] = list(index.get(key, ()))
    return grouped


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
    for month, lines in lines_by_month(snapshot, months).items():
        for row in unlisted_lets(snapshot, month, lines):
            nights, revenue = lets.get(row.asset, (0, ZERO))
            lets[row.asset] = (nights + row.nights_booked, revenue + row.revenue)
    return lets
