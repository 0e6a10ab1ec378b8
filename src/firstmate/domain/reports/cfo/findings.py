"""The CFO lens's findings: their role, the money that makes one HIGH, and a section with its findings."""

from __future__ import annotations

from decimal import Decimal

from firstmate.domain.currencies import in_units_of
from firstmate.domain.reports.cfo.revenue import ZERO
from firstmate.domain.reports.document import Finding, Section, Severity

ROLE = "cfo"


# Severity guide: HIGH = money at stake >= 1,000, a security/legal exposure, or a goal missed by > 20 %;
# MEDIUM = smaller money or a clear gap; LOW = hygiene.
# Money in a dollar's worth, scaled to the currency (`in_units_of`: ¥100,000).
HIGH_MONEY = Decimal(1000)

Part = tuple[Section, list[Finding]]


def cfo_finding(
    key: str, title: str, detail: str, severity: Severity, *, owner: str = ROLE, at_stake: Decimal = ZERO
) -> Finding:
    """A CFO finding, keyed under the CFO's role; owned by the CFO unless `owner` says otherwise."""
    # cents, so the plan and its renderers show the figure the detail text states
    return Finding(f"{ROLE}:{key}", title, detail, severity, owner, at_stake, ROLE)  # `Finding` rounds it to the cent


def by_money(amount: Decimal, currency: str) -> Severity:
    """HIGH from `HIGH_MONEY` in the currency's units, else MEDIUM."""
    return Severity.HIGH if amount >= in_units_of(HIGH_MONEY, currency) else Severity.MEDIUM
