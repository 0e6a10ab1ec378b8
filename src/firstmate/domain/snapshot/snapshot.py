"""`Snapshot`: one org's business on one day, and what the other capabilities hand it besides the data
folder's rows: the latest weekly marketing report (`Marketing`) and the bookings in other currencies it leaves
out (`LeftOut`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, field_validator

from firstmate.domain.business import Asset, Entity
from firstmate.domain.redaction import ConfigEntry
from firstmate.domain.snapshot.books import Expense, Invoice, Payout, RevenueLine
from firstmate.domain.snapshot.finance import Finance
from firstmate.domain.snapshot.infrastructure import InfraService
from firstmate.domain.snapshot.operations import ChannelListing, Delivery, Maintenance, Occupancy
from firstmate.domain.snapshot.row import Row


class MarketingKpi(Row):
    """A headline figure of the latest weekly marketing report, with its verdict."""

    key: str
    label: str
    value: Decimal | None  # None: no figure that week (a cost per lead without a lead)
    unit: Literal["money", "count", "percent"]
    direction: Literal["UP", "DOWN", "FLAT"]
    status: Literal["ALERT", "OK"]
    change: Decimal | None = None
    #: the weeks of figures the weekly report held for it: without a change, a first week has no previous one
    weeks: Annotated[int, Field(ge=0)] = 1


class Marketing(Row):
    """The latest weekly marketing report, as the role reports reuse it."""

    week: date
    kpis: tuple[MarketingKpi, ...] = ()
    currency: str = "USD"  # the weekly report's, which may not be the business's own


class LeftOut(Row):
    """firstmate's own bookings in a currency other than the reports': not counted, and said so; and the refunds
    of them revenue.csv holds (recorded by the report's day, in the reports' currency), not taken off either."""

    currency: str
    bookings: int
    amount: Decimal
    refunds: int = 0
    refunded: Decimal = Decimal(0)


class Snapshot(Row):
    """One org's business on one day: what every lens reads, and nothing else."""

    org_id: str
    org_name: str
    as_of: date
    currency: str = "USD"
    entities: tuple[Entity, ...] = ()
    assets: tuple[Asset, ...] = ()
    revenue: tuple[RevenueLine, ...] = ()
    expenses: tuple[Expense, ...] = ()
    invoices: tuple[Invoice, ...] = ()
    payouts: tuple[Payout, ...] = ()
    occupancy: tuple[Occupancy, ...] = ()
    maintenance: tuple[Maintenance, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    listings: tuple[ChannelListing, ...] = ()
    infrastructure: tuple[InfraService, ...] = ()
    finance: Finance = Finance()
    marketing: Marketing | None = None
    config: tuple[ConfigEntry, ...] = Field(default=(), description="firstmate's own settings, redacted.")
    left_out: tuple[LeftOut, ...] = Field(default=(), description="Bookings in other currencies, by currency.")
    invoices_issued_later: int = Field(
        default=0, ge=0, description="Invoices issued after `as_of`, which its books do not hold yet (`books_on`)."
    )
    cash_dated_later: date | None = Field(
        default=None,
        description="The date of business.yaml's cash balance when after `as_of`, unknown then (`books_on`).",
    )
    read_on: date | None = Field(
        default=None,
        description="The day the data was read, when after `as_of` (a past day's report): what the data files do not "
        "date (a delivery's billing without billed_on) reads as on that day.",
    )

    @field_validator("currency")
    @classmethod
    def _code(cls, value: str) -> str:
        return value.upper()

    def entity_name(self, entity_id: str | None) -> str:
        """A readable name for an entity id ("All businesses" for none)."""
        if entity_id is None:
            return "All businesses"
        return next((e.name for e in self.entities if e.id == entity_id), entity_id)

    def asset_name(self, asset_id: str) -> str:
        """A readable name for an asset id."""
        return next((a.name for a in self.assets if a.id == asset_id), asset_id)
