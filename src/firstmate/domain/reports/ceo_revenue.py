"""The CEO lens's revenue model: each asset's revenue over the last three months, how it earns and its average
per unit, and the revenue naming no asset, each month as the CFO's burn shows it. `ceo.py` assembles the report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from firstmate.domain.business import Asset, AssetKind
from firstmate.domain.reports.ceo_calc import ZERO, Part
from firstmate.domain.reports.cfo import (
    SINGULAR,
    UNIT_NAMES,
    line_asset,
    line_nights,
    sole_properties,
    unlisted_by_property,
    unlisted_lets,
)
from firstmate.domain.reports.document import Section, Table
from firstmate.domain.reports.format import (
    REVENUE_LINES,
    apportioned,
    count,
    money,
    month_label,
    months_back,
    plural,
    units_sold,
)
from firstmate.domain.snapshot import RevenueLine, Snapshot

#: How each kind of asset earns, and what one unit of its revenue is.
EARNS = {
    AssetKind.BOAT: ("per charter", "charters"),
    AssetKind.PROPERTY: ("per night", "sales"),  # in nights where occupancy.csv holds the lines' months
    AssetKind.VEHICLE: ("per job", "jobs"),
    AssetKind.DOMAIN: ("enables others, no revenue of its own", "lines"),
    AssetKind.SERVICE: ("enables others, no revenue of its own", "lines"),
}


def _lines_by_asset(snapshot: Snapshot, window: list[date]) -> dict[str | None, list[RevenueLine]]:
    """By asset, its revenue lines in the window, in snapshot order (a one-property business's lines naming no asset
    are that property's): in one pass, where each asset read all the lines again."""
    sole, months = sole_properties(snapshot), set(window)
    by_asset: dict[str | None, list[RevenueLine]] = defaultdict(list)
    for line in snapshot.revenue:
        if line.service_date.replace(day=1) in months:
            by_asset[line_asset(line, sole)].append(line)
    return by_asset


@dataclass(frozen=True)
class AssetRow:
    """One business's sales on one asset in the window: the asset's owner's (with a rental's lets), or another
    business's that sells on it (a sailing club's bookings on a charter company's boat)."""

    asset: Asset
    entity: str | None
    lines: list[RevenueLine]
    nights: int = 0
    let_revenue: Decimal = ZERO

    @property
    def own(self) -> bool:
        return self.entity == self.asset.entity


def _asset_rows(snapshot: Snapshot, assets: list[Asset], window: list[date]) -> list[AssetRow]:
    """Each asset's owner's row, then a row for each other business whose lines name it: added under the owner,
    the demo's Sea Lark read 30 charters at $934, its owner's 18 charters and a sailing club's 12 $350 bookings."""
    lets = unlisted_by_property(snapshot, window)
    rows, by_asset = [], _lines_by_asset(snapshot, window)
    for asset in assets:
        lines = list(by_asset.get(asset.id, ()))
        own = [r for r in lines if asset.entity in (None, r.entity)]
        rows.append(AssetRow(asset, asset.entity, own, *lets.get(asset.id, (0, ZERO))))
        others = sorted({r.entity for r in lines} - {r.entity for r in own}, key=lambda e: (snapshot.entity_name(e), e))
        rows += [AssetRow(asset, e, [r for r in lines if r.entity == e]) for e in others]
    return rows


def _asset_row(snapshot: Snapshot, row: AssetRow, revenue: Decimal) -> tuple[str, ...]:
    """One row's revenue in the window as shown (`revenue`, whole units): its revenue lines, and for a rental
    the lets of the months no line names it (`nights` and `let_revenue`, as the CFO's burn counts them). Its
    average is that revenue over its units, so that it reads the row. Another business's sales on the asset
    are counted in its own unit, as the CFO's break-even counts them ("bookings")."""
    cur, asset, lines, nights, let_revenue = snapshot.currency, row.asset, row.lines, row.nights, row.let_revenue
    earns, unit = EARNS[asset.kind]
    if not row.own:
        kinds = {e.id: str(e.kind) for e in snapshot.entities}
        unit = UNIT_NAMES.get(kinds.get(row.entity or "", ""), "units")
        earns = f"per {SINGULAR.get(unit, unit)}"
    units = units_sold(lines)
    sold = plural(units, SINGULAR.get(unit, unit), unit)  # "1 charter", not "1 charters"
    # a rental's lines in the nights occupancy.csv books in their months: one a month is no stay
    booked = line_nights(snapshot, lines) if row.own and asset.kind is AssetKind.PROPERTY and lines else None
    if booked:
        nights += booked
        source = "revenue lines" + (" + occupancy.csv" if nights > booked else ", nights in occupancy.csv")
        return (snapshot.entity_name(row.entity), asset.name, earns, money(revenue, cur), plural(nights, "night"),
                money(revenue / nights, cur), source)  # fmt: skip
    if lines and (nights or let_revenue):  # revenue lines from some month on: two units, no one average
        sold, average, source = f"{sold} + {plural(nights, 'night')}", "—", "revenue lines + occupancy.csv"
    elif not lines and asset.kind is AssetKind.PROPERTY:  # a let kept in occupancy.csv alone earns per night
        sold, source = plural(nights, "night"), "occupancy.csv" if nights or let_revenue else "—"
        average = money(revenue / nights, cur) if nights else "—"
    else:
        average, source = (money(revenue / units, cur), "revenue lines") if units else ("—", "—")
    return (snapshot.entity_name(row.entity), asset.name, earns, money(revenue, cur), sold, average, source)


def revenue_model_section(snapshot: Snapshot) -> Part:
    """The revenue model per asset over the last three months: by asset (how it earns, its units and average), the
    revenue naming no asset by entity, and by month as the CFO's burn shows it; it makes no findings."""
    window = months_back(snapshot.as_of, 3)
    span = f"{month_label(window[0])}–{month_label(window[-1])}"
    method = (
        f"{REVENUE_LINES.capitalize()} with a service date in {span} grouped by their asset; a property adds "
        "the occupancy.csv revenue and nights booked of each month no line names it, as the CFO's burn counts "
        "them. A property's revenue lines count the nights occupancy.csv books in their months (a line may hold a "
        "stay or a month of lets), else sales; average = revenue / units as the row shows it (none for a property "
        "with sales and nights). Lines naming no "
        "asset (or an asset not in the profile) are shown per entity. Each month's revenue is its sum rounded "
        "once, as the CFO's burn table shows it, split among the rows (and between revenue lines and lets) in "
        "whole units, largest remainders first; each row is its months added, and the summary's revenue lines "
        "and occupancy.csv figures are the By month columns added; its revenue naming no asset is the rows of "
        "that table added. All assets = the rows above it added."
    )
    in_window = [r for r in snapshot.revenue if r.service_date.replace(day=1) in window]
    if not snapshot.assets and not in_window:
        summary = (
            f"No assets and no revenue for {span}: add [[assets]] to the business profile "
            "and revenue.csv to the data folder."
        )
        return Section("Revenue model per asset", summary, method=method), []
    cur = snapshot.currency
    assets = sorted(snapshot.assets, key=lambda a: (snapshot.entity_name(a.entity), a.name, a.id))
    lets = unlisted_by_property(snapshot, window)
    of_asset = _asset_rows(snapshot, assets, window)
    known, sole = {a.id for a in snapshot.assets}, sole_properties(snapshot)
    loose = [r for r in in_window if line_asset(r, sole) not in known]
    entities = sorted({r.entity for r in loose}, key=lambda e: (snapshot.entity_name(e), e))
    loose_by = [[r for r in loose if r.entity == entity] for entity in entities]
    shown, months = _months_shown(snapshot, window, of_asset, entities, in_window)
    lines_shown = sum((lines for _, lines, _ in months), ZERO)
    occupancy_shown = sum((lets for _, _, lets in months), ZERO)
    by_asset, by_entity = shown[: len(of_asset)], shown[len(of_asset) :]
    rows = [_asset_row(snapshot, row, revenue) for row, revenue in zip(of_asset, by_asset, strict=True)]
    if rows:
        rows.append(("All assets", "", "", money(sum(by_asset, ZERO), cur), "", "", ""))
    columns = ("Entity", "Asset", "Earns", f"Revenue {span}", "Units", "Average per unit", "Source")
    tables = [Table(columns, tuple(rows), title="By asset")] if rows else []
    unassigned = [
        (snapshot.entity_name(entity), money(revenue, cur), count(len(own)))
        for entity, own, revenue in zip(entities, loose_by, by_entity, strict=True)
    ]
    if unassigned:
        tables.append(Table(("Entity", f"Revenue {span}", "Lines"), tuple(unassigned), title="Revenue with no asset"))
    from_occupancy = sum((revenue for _, revenue in lets.values()), ZERO)
    # with lets, each month's revenue lines and lets beside it; without, the revenue lines are the revenue
    split = [(money(of_lines, cur), money(of_lets, cur)) if from_occupancy else () for _, of_lines, of_lets in months]
    month_rows = tuple(
        (month_label(m), *parts, money(of_lines + of_lets, cur))
        for (m, of_lines, of_lets), parts in zip(months, split, strict=True)
    )
    columns = ("Month", *(("Revenue lines", "Lets in occupancy.csv alone") if from_occupancy else ()), "Revenue")
    tables.append(Table(columns, month_rows, title="By month, as the CFO's burn shows the revenue"))
    no_asset = money(sum(by_entity, ZERO), cur)
    summary = f"{money(lines_shown, cur)} in revenue lines for {span}, {no_asset} of it naming no asset."
    if from_occupancy:
        summary += f" Rentals add {money(occupancy_shown, cur)} from occupancy.csv."
    bullets = () if in_window else (f"No revenue lines for {span}: add revenue.csv to the data folder.",)
    return Section("Revenue model per asset", summary, (), tuple(tables), bullets, method), []


def _months_shown(
    snapshot: Snapshot, window: list[date], rows: list[AssetRow], entities: list[str], in_window: list[RevenueLine]
) -> tuple[list[Decimal], list[tuple[date, Decimal, Decimal]]]:
    """Each asset's and each entity's (of lines naming no asset) revenue over `window` in whole units, and each
    month's revenue lines and lets, such that every month is the CFO's burn month as shown (its sum rounded once)
    and the rows are the months added: each month is split among the rows, largest remainders first. The three
    months rounded alone, $1,001 each in the burn, read "$3,002 in revenue lines" here, rounded as one sum."""
    sole, known = sole_properties(snapshot), {a.id for a in snapshot.assets}
    shown = [ZERO] * (len(rows) + len(entities))
    months = []
    for month in window:
        lines = [r for r in in_window if r.service_date.replace(day=1) == month]
        lets = unlisted_lets(snapshot, month, lines)
        parts = [sum((r.amount for r in row.lines if r.service_date.replace(day=1) == month), ZERO) for row in rows]
        parts += [
            sum((r.amount for r in lines if r.entity == e and line_asset(r, sole) not in known), ZERO) for e in entities
        ]
        parts += [sum((o.revenue for o in lets if o.asset == row.asset.id and row.own), ZERO) for row in rows]
        split = apportioned(parts)  # to the month's sum rounded once, as the CFO's burn reads it
        of_lines, of_lets = split[: len(shown)], split[len(shown) :]
        shown = [a + b for a, b in zip(shown, of_lines, strict=True)]
        shown[: len(rows)] = [a + b for a, b in zip(shown[: len(rows)], of_lets, strict=True)]
        months.append((month, sum(of_lines, ZERO), sum(of_lets, ZERO)))
    return shown, months
