"""What a lens returns: a structured report document that every renderer (email, text, JSON, PDF,
web) shows the same way. Values are already formatted for reading; `raw` keeps the exact figure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the snapshot's rows import nothing from here; only the type is needed
    from firstmate.domain.snapshot import Snapshot

#: The places a finding's money at stake keeps: cents, or the thousandths of a currency of three (KWD, BHD)
CENTS, MILLS = Decimal("0.01"), Decimal("0.001")
ROLES = ("ceo", "cfo", "cmo", "cto", "accounting", "real_estate", "logistics", "billing")
ROLE_TITLES = {
    "ceo": "CEO",
    "cfo": "CFO",
    "cmo": "CMO",
    "cto": "CTO",
    "accounting": "Accounting / Controller",
    "real_estate": "Real-estate manager",
    "logistics": "Logistics director",
    "billing": "Portfolio billing audit",
}


class Tone(StrEnum):
    """How a card's figure reads: on track, needs attention, or just information."""

    OK = "ok"
    ALERT = "alert"
    INFO = "info"


class Severity(StrEnum):
    """How much a finding matters; the action plan ranks by it first."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


SEVERITY_RANK = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


@dataclass(frozen=True)
class Card:
    """A KPI card: a label, a figure, and a marker such as "[ALERT]" or "[OK]" with a note."""

    label: str
    value: str
    tone: Tone = Tone.INFO
    marker: str = ""
    note: str = ""
    raw: Decimal | None = None


@dataclass(frozen=True)
class Table:
    """A flat table (Outlook-safe: one level, no nesting). Every row has as many cells as columns."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.title!r}: a row has {len(row)} cells for {len(self.columns)} columns")


@dataclass(frozen=True)
class Section:
    """One part of a report. `method` says how its figures were computed, from which inputs."""

    title: str
    summary: str = ""
    cards: tuple[Card, ...] = ()
    tables: tuple[Table, ...] = ()
    bullets: tuple[str, ...] = ()
    method: str = ""


@dataclass(frozen=True)
class Finding:
    """Something a role should act on. Every lens emits these; the CEO's plan ranks them all."""

    key: str  # stable across runs: "<lens>:<what>:<which>"
    title: str
    detail: str
    severity: Severity
    owner: str  # a role key from ROLES
    money_at_stake: Decimal = Decimal(0)  # per month where recurring, else one-off; in the snapshot's currency
    lens: str = ""
    in_cents: bool = False  # the title and detail state the amount with its cents, so it is shown so at stake

    def __post_init__(self) -> None:
        # in cents, as every figure of the JSON is (an occupancy shortfall's stood as 1428.571428571428571428571429),
        # but an amount exact in thousandths keeps them: a dinar's fils (742.505 KWD read "742.510 KWD at stake")
        amount = self.money_at_stake
        fils = amount.quantize(MILLS, ROUND_HALF_UP)
        kept = fils if fils == amount and fils != fils.quantize(CENTS) else amount.quantize(CENTS, ROUND_HALF_UP)
        object.__setattr__(self, "money_at_stake", kept)


@dataclass(frozen=True)
class Action:
    """A ranked step of the 30-day plan."""

    rank: int
    title: str
    owner: str
    due: date
    severity: Severity
    money_at_stake: Decimal
    source: str  # the lens that found it
    in_cents: bool = False  # as its finding states the amount


@dataclass(frozen=True)
class ReportDocument:
    """A role's report for one snapshot."""

    role: str
    title: str
    business: str
    as_of: date
    currency: str
    headline: str
    sections: tuple[Section, ...]
    findings: tuple[Finding, ...] = ()
    actions: tuple[Action, ...] = field(default=())


def compose(
    role: str,
    snapshot: Snapshot,
    headline: str,
    sections: Sequence[Section],
    findings: Sequence[Finding] = (),
    actions: tuple[Action, ...] = (),
) -> ReportDocument:
    """A role's document for `snapshot`: its title, business, day and currency filled in once."""
    return ReportDocument(
        role=role,
        title=f"{ROLE_TITLES[role]} report",
        business=snapshot.org_name,
        as_of=snapshot.as_of,
        currency=snapshot.currency,
        headline=headline,
        sections=tuple(sections),
        findings=tuple(findings),
        actions=actions,
    )
