"""The Accounting / Controller report: its sections in order, their findings, and the headline."""

from __future__ import annotations

from firstmate.domain.reports.accounting.accounts import chart_section, hygiene_section
from firstmate.domain.reports.accounting.amounts import LENS
from firstmate.domain.reports.accounting.recognition import (
    LETS_BESIDE,
    occupancy_lets,
    recognition_months,
    recognition_section,
)
from firstmate.domain.reports.accounting.reconciliation import reconciliation_section
from firstmate.domain.reports.document import SEVERITY_RANK, Finding, ReportDocument, Severity, compose
from firstmate.domain.reports.format import money, plural
from firstmate.domain.snapshot import Snapshot


def accounting_report(snapshot: Snapshot) -> ReportDocument:
    """The Accounting / Controller report: revenue recognition, chart of accounts, expense
    categorisation, and bookings-to-payouts reconciliation."""
    parts = (
        recognition_section(snapshot),
        chart_section(snapshot),
        hygiene_section(snapshot),
        reconciliation_section(snapshot),
    )
    findings = tuple(f for _, found in parts for f in found) + _left_out_findings(snapshot)
    return compose(LENS, snapshot, _headline(snapshot, findings), tuple(section for section, _ in parts), findings)


def _headline(snapshot: Snapshot, findings: tuple[Finding, ...]) -> str:
    if not findings:
        if not (snapshot.revenue or snapshot.expenses or snapshot.payouts):
            if occupancy_lets(snapshot, recognition_months(snapshot.as_of)):
                return f"No revenue lines, expenses or payouts in the books; {LETS_BESIDE}."
            return (
                "No revenue, expenses or payouts yet: add revenue.csv, expenses.csv and payouts.csv to the data folder."
            )
        return "The books pass every check: revenue is recognised at service, expenses are categorised, payouts match."
    top = min(findings, key=lambda f: (SEVERITY_RANK[f.severity], -f.money_at_stake, f.key))
    return f"{plural(len(findings), 'accounting issue')}; the most pressing: {top.title}."


def _left_out_findings(snapshot: Snapshot) -> tuple[Finding, ...]:
    """firstmate's bookings in another currency than the reports': counted in no figure, so said
    (a typo such as "UDS" before codes were checked, or business.yaml's currency changed)."""
    found = []
    for left in snapshot.left_out:
        bookings = plural(left.bookings, f"{left.currency} booking")
        # a refund of one of them undoes nothing counted: taken off, it made revenue less than was sold
        refunds = (
            f" {plural(left.refunds, 'refund')} of them in revenue.csv ({money(left.refunded, snapshot.currency)}) "
            f"{'is' if left.refunds == 1 else 'are'} not taken off either."
            if left.refunds
            else ""
        )
        found.append(
            Finding(
                key=f"{LENS}:other-currency:{left.currency}",
                title=f"{bookings} ({money(left.amount, left.currency)}) not counted",
                detail=(
                    f"The reports count {snapshot.currency}, the currency of business.yaml, so these bookings are in "
                    f"no revenue figure.{refunds} Check their currency, or record their revenue in "
                    f"{snapshot.currency}."
                ),
                severity=Severity.MEDIUM,
                owner=LENS,
                lens=LENS,
            )
        )
    return tuple(found)
