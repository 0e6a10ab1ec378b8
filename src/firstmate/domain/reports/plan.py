"""The 30-day action plan: every lens's findings, ranked, each with an owner and a due date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from firstmate.domain.reports.document import SEVERITY_RANK, Action, Finding, Severity

#: Days from the snapshot to each severity's due date; all inside the 30-day window.
DUE_IN_DAYS = {Severity.HIGH: 7, Severity.MEDIUM: 14, Severity.LOW: 30}
PLAN_LENGTH = 12


def action_plan(findings: Iterable[Finding], as_of: date, *, limit: int = PLAN_LENGTH) -> tuple[Action, ...]:
    """Rank findings by severity; within a severity, each report's first finding comes before the
    rest (so a security gap with no price is not crowded out by one report's many money items); then
    money at stake (largest first), then key, so the order never depends on input order. One action
    per finding key, at most `limit`."""
    unique: dict[str, Finding] = {}
    for finding in findings:
        unique.setdefault(finding.key, finding)

    def order(f: Finding) -> tuple[int, Decimal, str]:
        return SEVERITY_RANK[f.severity], -f.money_at_stake, f.key

    leaders: dict[tuple[str, Severity], Finding] = {}
    for finding in sorted(unique.values(), key=order):
        leaders.setdefault((finding.lens, finding.severity), finding)
    lead = {f.key for f in leaders.values()}
    ranked = sorted(unique.values(), key=lambda f: (order(f)[0], f.key not in lead, *order(f)[1:]))
    return tuple(
        Action(
            rank=rank,
            title=finding.title,
            owner=finding.owner,
            due=as_of + timedelta(days=DUE_IN_DAYS[finding.severity]),
            severity=finding.severity,
            money_at_stake=finding.money_at_stake,
            source=finding.lens,
            in_cents=finding.in_cents,
        )
        for rank, finding in enumerate(ranked[:limit], start=1)
    )
