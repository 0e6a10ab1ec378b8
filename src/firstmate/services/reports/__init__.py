"""Role reports: read one snapshot of the business, run the eight lenses, render, store, deliver.

Building the snapshot only reads. Configuration reaches it through the secret redaction of the
domain: a secret setting's value is never read into a report, only its name and set / missing.

Keys:
    ORG#<org>#ROLEREPORTS   <role>#<as_of>   the latest build of a role's report for that day
    ORG#<org>#SENDS         role-<role>#<week>#<email>   the send ledger (services/sends)
Blobs: reports/<org>/roles/<as_of>/<role>.html|.txt|.json|.pdf

- `choices`: `parse_roles` and `check_report_day`, what a caller asks for.
- `snapshot`: `build_snapshot`, the business on one day, its latest marketing KPIs and its settings.
- `revenue`: firstmate's own bookings and invoices as revenue lines, and bookings no figure counts.
- `build`: `run_role_reports`, each role's report rendered, stored and queued (`RoleRun`).
- `storing`: a report's files and the entry that lists them, stored as one under the build's lease.
- `stored`: `list_role_reports` and `role_report_file`, the reports stored.
"""

from firstmate.services.reports.build import RoleRun, run_role_reports
from firstmate.services.reports.choices import check_report_day, parse_roles
from firstmate.services.reports.revenue import booking_revenue, invoice_revenue, uncounted
from firstmate.services.reports.snapshot import build_snapshot, latest_marketing, settings_entries
from firstmate.services.reports.stored import FILES, list_role_reports, role_report_file

__all__ = [
    "FILES",
    "RoleRun",
    "booking_revenue",
    "build_snapshot",
    "check_report_day",
    "invoice_revenue",
    "latest_marketing",
    "list_role_reports",
    "parse_roles",
    "role_report_file",
    "run_role_reports",
    "settings_entries",
    "uncounted",
]
