"""The CEO lens's dependency map: what each business and asset depends on in infrastructure.yaml, and the single
points of failure and unused services it shows. `ceo.py` assembles the report."""

from __future__ import annotations

from decimal import Decimal

from firstmate.domain.reports.ceo_calc import ZERO, Part, finding
from firstmate.domain.reports.cto import saving_severity
from firstmate.domain.reports.document import Card, Finding, Section, Severity, Table, Tone
from firstmate.domain.reports.format import count, priced
from firstmate.domain.snapshot import Snapshot

SPOF_DEPENDANTS = 3  # a service this many businesses and assets lean on is a single point of failure


def _dependants(snapshot: Snapshot) -> dict[str, str]:
    """Every entity and asset id with the label the map shows."""
    labels = {e.id: f"{e.name} (business)" for e in snapshot.entities}
    labels |= {a.id: f"{a.name} (asset)" for a in snapshot.assets}
    return labels


def dependency_section(snapshot: Snapshot) -> Part:
    """The dependency map: each business and asset with the services it uses, and a finding for the CTO per single
    point of failure and per unused service."""
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
