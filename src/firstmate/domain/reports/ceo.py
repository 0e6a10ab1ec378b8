"""The CEO lens: the 30-day action plan built from every lens's findings, then what the group owns,
how each asset earns, profit against goals, KPI gaps and what the businesses depend on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from firstmate.domain.business import Asset, AssetKind
from firstmate.domain.reports.ceo_calc import (
    ROLE,
    ZERO,
    Part,
    finding,
    kpi_section,
    profitability_section,
)
from firstmate.domain.reports.cfo import (
    SINGULAR,
    UNIT_NAMES,
    line_asset,
    line_nights,
    sole_properties,
    unlisted_by_property,
    unlisted_lets,
)
from firstmate.domain.reports.cto import saving_severity
from firstmate.domain.reports.document import (
    ROLE_TITLES,
    Action,
    Card,
    Finding,
    ReportDocument,
    Section,
    Severity,
    Table,
    Tone,
    compose,
)
from firstmate.domain.reports.format import (
    REVENUE_LINES,
    apportioned,
    count,
    money,
    month_label,
    months_back,
    plural,
    priced,
    stake_text,
    stakes_total,
    units_sold,
)
from firstmate.domain.reports.plan import DUE_IN_DAYS, PLAN_LENGTH, action_plan
from firstmate.domain.snapshot import InfraService, RevenueLine, Snapshot

SPOF_DEPENDANTS = 3  # a service this many businesses and assets lean on is a single point of failure
#: How each kind of asset earns, and what one unit of its revenue is.
EARNS = {
    AssetKind.BOAT: ("per charter", "charters"),
    AssetKind.PROPERTY: ("per night", "sales"),  # in nights where occupancy.csv holds the lines' months
    AssetKind.VEHICLE: ("per job", "jobs"),
    AssetKind.DOMAIN: ("enables others, no revenue of its own", "lines"),
    AssetKind.SERVICE: ("enables others, no revenue of its own", "lines"),
}


def ceo_report(snapshot: Snapshot, findings: Sequence[Finding]) -> ReportDocument:
    """The CEO's report: a ranked 30-day plan from every lens's `findings` plus the CEO's own, then
    the asset inventory, revenue model, profitability, KPI gaps and dependency map."""
    parts = [
        _inventory_section(snapshot),
        _revenue_model_section(snapshot),
        profitability_section(snapshot, findings),
        kpi_section(snapshot, findings),
        _dependency_section(snapshot),
    ]
    # a paid service used by nothing is one action: the CTO's saving ("Cancel X"), its money counted once
    cancelled = {f.key.removeprefix("cto:cancel:") for f in findings if f.key.startswith("cto:cancel:")}
    own = [f for _, found in parts for f in found if f.key not in {f"{ROLE}:unused-service:{c}" for c in cancelled}]
    actions = action_plan([*findings, *own], snapshot.as_of)
    everything = {f.key: f for f in reversed([*findings, *own])}  # the first of a key wins, as in the plan
    high = sum(1 for f in everything.values() if f.severity is Severity.HIGH)
    sections = [_plan_section(snapshot, actions, len(everything), high), *(s for s, _ in parts)]
    return compose(ROLE, snapshot, _headline(snapshot, actions, high), sections, own, actions=actions)


def _owner(role: str) -> str:
    return ROLE_TITLES.get(role, role)


def _stake(action: Action, currency: str) -> str:
    # 40¢ to chase read "$0"; a $742.50 payout to match, "$743"
    return stake_text(action.money_at_stake, currency, in_cents=action.in_cents) if action.money_at_stake else "—"


def _headline(snapshot: Snapshot, actions: tuple[Action, ...], high: int) -> str:
    if not actions:
        return "No findings from any report: nothing to act on in the next 30 days."
    top = actions[0]
    at_stake = f", {_stake(top, snapshot.currency)} at stake" if top.money_at_stake else ""
    findings = "high-severity finding" if high == 1 else "high-severity findings"
    return f"First: {top.title} ({_owner(top.owner)}, by {top.due:%d %b}{at_stake}); {high} {findings} in all."


def _plan_section(snapshot: Snapshot, actions: tuple[Action, ...], total: int, high: int) -> Section:
    days = ", ".join(f"{s.value} {d} days" for s, d in DUE_IN_DAYS.items())
    method = (
        "Every finding of the other reports plus this report's own, one per key (the first given wins). Ranked "
        "by severity (high, medium, low); within a severity each report's first finding comes first, so no "
        "report crowds out the others; then money at stake (largest first), then key (alphabetically), so "
        f"ties never depend on input order; the top {PLAN_LENGTH} make the plan. Due = snapshot date + "
        f"{days} ({snapshot.as_of.isoformat()} is today)."
    )
    if not actions:
        return Section("30-day action plan", "No findings from any report: nothing to act on.", method=method)
    cur = snapshot.currency
    rows = tuple(
        (str(a.rank), a.title, _owner(a.owner), a.due.isoformat(), a.severity.value, _stake(a, cur)) for a in actions
    )
    table = Table(("Rank", "Action", "Owner", "Due", "Severity", "Money at stake"), rows, title="Next 30 days")
    bullets = (
        (f"{total - len(actions)} lower-ranked findings are left out of the plan.",) if total > len(actions) else ()
    )
    at_stake = sum((a.money_at_stake for a in actions), ZERO)
    tone, marker = (Tone.ALERT, "[ALERT]") if high else (Tone.OK, "[OK]")
    cards = (
        Card("Actions", count(len(actions)), raw=Decimal(len(actions))),
        Card("High severity", count(high), tone, marker, "across every report", Decimal(high)),
        Card(
            "Money at stake in the plan",
            stakes_total(((a.money_at_stake, a.in_cents) for a in actions), cur),  # the rows above, added as shown
            note="one-off and monthly amounts added",
            raw=at_stake,
        ),
    )
    summary = f"{len(actions)} actions from {total} findings; {high} high severity."
    return Section("30-day action plan", summary, cards, (table,), bullets, method)


def _assets_by_entity(snapshot: Snapshot) -> list[tuple[str, list[Asset]]]:
    """Entity ids (the profile's, then any only assets name) by name, each with its assets by name."""
    ids = {e.id for e in snapshot.entities} | {a.entity for a in snapshot.assets}
    ordered = sorted(ids, key=lambda i: (snapshot.entity_name(i), i))
    return [(e, sorted((a for a in snapshot.assets if a.entity == e), key=lambda a: (a.name, a.id))) for e in ordered]


def _services_of(snapshot: Snapshot, entity: str) -> list[InfraService]:
    """Services an entity uses itself or through one of its assets."""
    ids = {entity} | {a.id for a in snapshot.assets if a.entity == entity}
    return sorted((s for s in snapshot.infrastructure if ids & set(s.used_by)), key=lambda s: (s.name, s.id))


def _inventory_section(snapshot: Snapshot) -> Part:
    method = (
        "Entities and assets of the business profile; infrastructure.yaml services counted per entity when "
        "their used_by names the entity or one of its assets."
    )
    grouped = _assets_by_entity(snapshot)
    if not grouped:
        summary = "No businesses yet: add [[entities]] and [[assets]] to the business profile."
        return Section("Asset inventory by entity", summary, method=method), []
    rows: list[tuple[str, ...]] = []
    infra: list[tuple[str, ...]] = []
    for entity, assets in grouped:
        name = snapshot.entity_name(entity)
        rows += [(name, a.name, a.kind.value) for a in assets] or [(name, "no assets", "—")]
        services = _services_of(snapshot, entity)
        infra.append((name, count(len(assets)), count(len(services)), ", ".join(s.name for s in services) or "—"))
    tables = (
        Table(("Entity", "Asset", "Kind"), tuple(rows), title="Assets"),
        Table(("Entity", "Assets", "Services", "Service names"), tuple(infra), title="Infrastructure by entity"),
    )
    bullets = () if snapshot.infrastructure else ("No infrastructure yet: add infrastructure.yaml to the data folder.",)
    summary = f"{len(grouped)} businesses, {len(snapshot.assets)} assets, {len(snapshot.infrastructure)} services."
    return Section("Asset inventory by entity", summary, (), tables, bullets, method), []


def _asset_lines(snapshot: Snapshot, asset: Asset, window: list[date]) -> list[RevenueLine]:
    """An asset's revenue lines in the window (a one-property business's lines naming no asset are that property's)."""
    sole = sole_properties(snapshot)
    return [r for r in snapshot.revenue if line_asset(r, sole) == asset.id and r.service_date.replace(day=1) in window]


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
    rows = []
    for asset in assets:
        lines = _asset_lines(snapshot, asset, window)
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


def _revenue_model_section(snapshot: Snapshot) -> Part:
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


def _dependants(snapshot: Snapshot) -> dict[str, str]:
    """Every entity and asset id with the label the map shows."""
    labels = {e.id: f"{e.name} (business)" for e in snapshot.entities}
    labels |= {a.id: f"{a.name} (asset)" for a in snapshot.assets}
    return labels


def _dependency_section(snapshot: Snapshot) -> Part:
    cur = snapshot.currency
    method = (
        "infrastructure.yaml: each service's used_by lists the entities and assets that depend on it directly. "
        f"A service used by {SPOF_DEPENDANTS} or more is a single point of failure; one used by none is unused."
    )
    if not snapshot.infrastructure:
        summary = "No infrastructure yet: add infrastructure.yaml to the data folder."
        return Section("Dependency map", summary, method=method), []
    labels = _dependants(snapshot)
    strangers = sorted({d for s in snapshot.infrastructure for d in s.used_by} - set(labels))
    labels |= {d: f"{d} (not in the profile)" for d in strangers}
    rows: list[tuple[str, ...]] = []
    for dependant in sorted(labels, key=lambda d: (labels[d], d)):
        used = sorted((s for s in snapshot.infrastructure if dependant in s.used_by), key=lambda s: (s.name, s.id))
        rows += [(labels[dependant], s.name, s.kind, priced(s.monthly_cost, s.currency, cur)) for s in used]
        rows += [] if used else [(labels[dependant], "none listed", "—", "—")]
    bullets, findings = _dependency_flags(snapshot, labels)
    bullets += [f"used_by names {d}, which is not a business or asset of the profile." for d in strangers]
    spof = sum(1 for s in snapshot.infrastructure if len(set(s.used_by)) >= SPOF_DEPENDANTS)
    tone, marker = (Tone.ALERT, "[ALERT]") if spof else (Tone.OK, "[OK]")
    cards = (Card("Single points of failure", count(spof), tone, marker, raw=Decimal(spof)),)
    table = Table(("Dependant", "Service", "Kind", "Monthly cost"), tuple(rows), title="What depends on what")
    points = "single point" if spof == 1 else "single points"
    summary = f"{len(snapshot.infrastructure)} services; {spof} {points} of failure."
    return Section("Dependency map", summary, cards, (table,), tuple(bullets), method), findings


def _dependency_flags(snapshot: Snapshot, labels: dict[str, str]) -> tuple[list[str], list[Finding]]:
    """Single points of failure and unused services, as bullets and findings for the CTO."""
    cur, bullets, findings = snapshot.currency, [], []
    for service in sorted(snapshot.infrastructure, key=lambda s: s.id):
        users = sorted(set(service.used_by))
        if len(users) >= SPOF_DEPENDANTS:
            names = ", ".join(labels.get(u, u) for u in users)
            bullets.append(f"{service.name} is a single point of failure: {names} depend on it.")
            title = f"Plan a fallback for {service.name}: {len(users)} businesses and assets depend on it"
            detail = f"If {service.name} ({service.kind}) fails, {names} stop together."
            findings.append(finding(f"spof:{service.id}", title, detail, Severity.MEDIUM, "cto"))
        elif not users:
            cost = priced(service.monthly_cost, service.currency, cur)  # an AWS bill's "$12 USD" in a euro business
            bullets.append(f"{service.name} is used by nothing ({cost} a month).")
            title = f"Cancel or assign {service.name} ({cost} a month, used by nothing)"
            paid = ", yet it is paid for every month" if service.monthly_cost else ""
            detail = f"No business or asset lists {service.name} in used_by{paid}."
            # a free, unused service is hygiene; a paid one is money leaking every month
            # (weighed as the CTO's saving of it is: ¥60 a month is LOW in both)
            severity = (
                Severity.LOW
                if service.monthly_cost == 0
                else saving_severity(service.monthly_cost, service.currency or cur)
            )
            # money at stake is in the org's currency, added in the plan: a bill of another is said, not added
            stake = service.monthly_cost if service.in_currency(cur) else ZERO
            findings.append(finding(f"unused-service:{service.id}", title, detail, severity, "cto", stake))
    return bullets, findings
