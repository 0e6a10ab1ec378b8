"""The Accounting / Controller lens: is revenue recognised at the service date, does the chart of accounts fit
the expenses, are expenses categorised, and do marketplace payouts match bookings. Pure: one snapshot in, one
report document out.

- `report`: `accounting_report`, its sections in order and the headline.
- `recognition`: the revenue recognition audit (recorded vs recognised, deferred revenue, deposits, late lines).
- `payouts`: `reconcile`, marketplace bookings matched to their payouts by reference, and the gaps.
- `reconciliation`: the bookings-vs-payouts section and a finding per gap.
- `accounts`: the chart of accounts (`account_for`) and expense hygiene sections.
- `amounts`: the lens's name and zero, money as the lens states it (with its cents) and what makes a finding HIGH.
"""

from firstmate.domain.reports.accounting.payouts import reconcile
from firstmate.domain.reports.accounting.report import accounting_report

__all__ = ["accounting_report", "reconcile"]
