"""The eight lenses by role key, and the one way to run them: the CEO's plan reads every other
lens's findings, so asking for the CEO runs them all."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from firstmate.domain.reports.accounting import accounting_report
from firstmate.domain.reports.billing import billing_report
from firstmate.domain.reports.ceo import ceo_report
from firstmate.domain.reports.cfo import cfo_report
from firstmate.domain.reports.cmo import cmo_report
from firstmate.domain.reports.cto import cto_report
from firstmate.domain.reports.document import ROLES, ReportDocument
from firstmate.domain.reports.logistics import logistics_report
from firstmate.domain.reports.real_estate import real_estate_report
from firstmate.domain.snapshot import Snapshot

LENSES: dict[str, Callable[[Snapshot], ReportDocument]] = {
    "cfo": cfo_report,
    "cmo": cmo_report,
    "cto": cto_report,
    "accounting": accounting_report,
    "real_estate": real_estate_report,
    "logistics": logistics_report,
    "billing": billing_report,
}


def build_documents(snapshot: Snapshot, roles: Sequence[str] = ROLES) -> dict[str, ReportDocument]:
    """The documents of `roles` (in ROLES order) from one snapshot."""
    wanted = [role for role in ROLES if role in roles]
    needed = list(LENSES) if "ceo" in wanted else [r for r in wanted if r != "ceo"]
    documents = {role: LENSES[role](snapshot) for role in needed}
    if "ceo" in wanted:
        findings = [finding for document in documents.values() for finding in document.findings]
        documents["ceo"] = ceo_report(snapshot, findings)
    return {role: documents[role] for role in wanted}
