"""The CEO lens: the 30-day action plan built from every lens's findings, then what the group owns,
how each asset earns, profit against goals, KPI gaps and what the businesses depend on. Here: the report, its
plan and inventory; `ceo_revenue.py` how each asset earns, `ceo_calc.py` the goals and KPIs, `ceo_dependencies.py`
the dependency map."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from firstmate.domain.business import Asset
from firstmate.domain.reports.ceo_calc import ROLE, ZERO, Part, kpi_section, profitability_section
from firstmate.domain.reports.ceo_dependencies import dependency_section
from firstmate.domain.reports.ceo_revenue import revenue_model_section
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
from firstmate.domain.reports.format import count, stake_text, stakes_total
from firstmate.domain.reports.plan import DUE_IN_DAYS, PLAN_LENGTH, action_plan
from firstmate.domain.snapshot import InfraService, Snapshot


def ceo_report(snapshot: Snapshot, findings: Sequence[Finding]) -> ReportDocument:
    """The CEO's report: a ranked 30-day plan from every lens's `findings` plus the CEO's own, then
    the asset inventory, revenue model, profitability, KPI gaps and dependency map."""
    parts = [
        _inventory_section(snapshot),
        revenue_model_section(snapshot),
        profitability_section(snapshot, findings),
        kpi_section(snapshot, findings),
        dependency_section(snapshot),
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
