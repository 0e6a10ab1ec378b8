"""The business snapshot: everything the role reports read, in one frozen, validated object.

Rows come from the data folder (`firstmate data import DIR`), the admin pages, and what the other
capabilities already hold (bookings become revenue lines; the latest weekly report gives the
marketing KPIs). Amounts are Decimal in the org's currency; months are the first day of the month.
Configuration reaches the snapshot only through `redact_config`: secret values never get here.

- `row`: `Row`, the base of every row, and the field types rows share (money, months, dates).
- `books`: revenue lines, expenses, invoices and marketplace payouts.
- `operations`: a rental's nights, maintenance, deliveries and channel listings.
- `infrastructure`: the pieces of infrastructure the CTO lens grades.
- `finance`: business.yaml's org-wide figures (cash, fixed costs, goals, email lists, SEO, ...).
- `snapshot`: the `Snapshot` itself, with the marketing KPIs and the bookings left out it carries.
"""

from firstmate.domain.snapshot.books import Expense, Invoice, Payout, RevenueLine
from firstmate.domain.snapshot.finance import CapitalOption, Cash, EmailList, Finance, FixedCost, Goal, SeoProfile
from firstmate.domain.snapshot.infrastructure import InfraService
from firstmate.domain.snapshot.operations import (
    ChannelListing,
    Delivery,
    ListingStatus,
    Maintenance,
    MaintenanceKind,
    Occupancy,
)
from firstmate.domain.snapshot.row import MOST_MONEY, Row
from firstmate.domain.snapshot.snapshot import LeftOut, Marketing, MarketingKpi, Snapshot

__all__ = [
    "MOST_MONEY",
    "CapitalOption",
    "Cash",
    "ChannelListing",
    "Delivery",
    "EmailList",
    "Expense",
    "Finance",
    "FixedCost",
    "Goal",
    "InfraService",
    "Invoice",
    "LeftOut",
    "ListingStatus",
    "Maintenance",
    "MaintenanceKind",
    "Marketing",
    "MarketingKpi",
    "Occupancy",
    "Payout",
    "RevenueLine",
    "Row",
    "SeoProfile",
    "Snapshot",
]
