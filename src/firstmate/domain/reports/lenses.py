"""The eight lenses by role key, and the one way to run them: the CEO's plan reads every other
lens's findings, so asking for the CEO runs them all."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from firstmate.domain.reports.accounting import accounting_report
from firstmate.domain.reports.billing import billing_report
from firstmate.domain.reports.ceo import ceo_report
from firstmate.domain.reports.cfo import cfo_report
from firstmate.domain.reports.cmo import cmo_report
from firstmate.domain.reports.cto import cto_report
from firstmate.domain.reports.document import ROLE_TITLES, ROLES, ReportDocument, Section
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
    """The documents of `roles` (in ROLES order) from one snapshot; a lens's failure is raised."""
    documents, failed = build_each(snapshot, roles)
    if failed:
        raise next(iter(failed.values()))
    return documents


def build_each(
    snapshot: Snapshot, roles: Sequence[str] = ROLES
) -> tuple[dict[str, ReportDocument], dict[str, Exception]]:
    """The documents of `roles` (in ROLES order; the CEO's plan reads every other lens's findings),
    each lens apart, and the errors of those that failed (any the CEO's plan needed too): one that
    fails is left out, so that it keeps no other report from its readers (one lens's division by
    zero stopped all eight). The CEO's plan then says whose findings it lacks."""
    wanted = [role for role in ROLES if role in roles]
    needed = list(LENSES) if "ceo" in wanted else [r for r in wanted if r != "ceo"]
    documents: dict[str, ReportDocument] = {}
    failed: dict[str, Exception] = {}
    for role in needed:
        try:
            documents[role] = LENSES[role](snapshot)
        except Exception as exc:  # any lens's failure is reported, and the others go on
            failed[role] = exc
    if "ceo" in wanted:
        findings = [finding for document in documents.values() for finding in document.findings]
        try:
            documents["ceo"] = _with_missing(ceo_report(snapshot, findings), list(failed))
        except Exception as exc:  # the other reports still go out
            failed["ceo"] = exc
    built = {role: documents[role] for role in wanted if role in documents}
    return built, {role: failed[role] for role in ROLES if role in failed}  # those the CEO's plan needed too


def _with_missing(ceo: ReportDocument, unbuilt: list[str]) -> ReportDocument:
    """The CEO's report, opening with the reports its plan lacks the findings of, if any."""
    if not unbuilt:
        return ceo
    names = ", ".join(f"the {ROLE_TITLES[role]} report" for role in unbuilt)
    summary = f"Missing from this plan: the findings of {names}, which could not be built."
    fix = "firstmate's log names the error; once it is fixed, build the reports again (firstmate report all)."
    return replace(ceo, sections=(Section("Reports that could not be built", summary, bullets=(fix,)), *ceo.sections))
