"""The business snapshot: everything the role reports read, in one frozen, validated object.

Rows come from the data folder (`firstmate data import DIR`), the admin pages, and what the other
capabilities already hold (bookings become revenue lines; the latest weekly report gives the
marketing KPIs). Amounts are Decimal in the org's currency; months are the first day of the month.
Configuration reaches the snapshot only through `redact_config`: secret values never get here.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from firstmate.domain.business import Asset, Entity
from firstmate.domain.currencies import LARGEST_SCALE, currency_code
from firstmate.domain.redaction import ConfigEntry
from firstmate.domain.shared import SLUG


class _Money:
    """Marks a field holding an amount of money (`Row.amounts`)."""


MONEY = _Money()
Slug = Annotated[str, Field(pattern=SLUG)]
# Money, in as many decimal places as its currency has: the currency is business.yaml's, which these rows do not
# hold, so the places are checked where a row comes in (`datafiles`); here only the length of what was written
# (a dinar's 12.345 was refused as "more than 2 decimal places", and yen with sen were taken)
#: The most an amount may be, in a dollar's worth: a billion, times the `money_scale` of the currency. Its check is
#: `datafiles`', where the currency is known (a rupiah business's Rp 1,500,000,000 of cash, about $92,000, was
#: refused), and the only one: a bound here, the largest currency's, told a dollar amount far over its own
#: "write 100000000000000 or less"; here only the length of what was written
MOST_MONEY = Decimal(10**9)
_MOST = MOST_MONEY * LARGEST_SCALE
Amount = Annotated[Decimal, Field(max_digits=20), MONEY]
Positive = Annotated[Decimal, Field(ge=0, max_digits=20), MONEY]
OptionalPositive = Annotated[Decimal | None, Field(ge=0, max_digits=20), MONEY]
Rate = Annotated[Decimal, Field(ge=0, le=1)]
Text = Annotated[str, Field(max_length=300)]


def _month(value: Any) -> Any:
    """Accept "2026-10" or any date in the month; keep the first day. ValueError names what was written and how to
    write it (it said "Invalid isoformat string: 'Jan 2026'", and "01/2026" was read as "01/2026-01")."""
    if isinstance(value, str):
        written = value.strip()
        try:
            value = date.fromisoformat(written + "-01" if len(written) == 7 else written)
        except ValueError:
            raise ValueError(f"{written!r} is not a month: write it year-month, like 2026-07") from None
    if isinstance(value, date):
        return value.replace(day=1)
    return value


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _no_timestamp(value: Any) -> Any:
    """A file's date as written: a bare number ("86400", 20261121) is no date, which pydantic would read as
    seconds since 1970 (1970-01-02), taken without a word."""
    if (isinstance(value, int | float) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.strip().isdigit()
    ):
        raise ValueError(f"{value!r} is not a date: write it year-month-day, like 2026-07-04")
    return value


Month = Annotated[date, BeforeValidator(_month)]
#: A date of a data file's row.
Day = Annotated[date, BeforeValidator(_no_timestamp)]
OptionalDate = Annotated[date | None, BeforeValidator(_no_timestamp), BeforeValidator(_blank_is_none)]
OptionalSlug = Annotated[Slug | None, BeforeValidator(_blank_is_none)]
OptionalBool = Annotated[bool | None, BeforeValidator(_blank_is_none)]


class Row(BaseModel):
    """Base of every data row: frozen, unknown fields refused, text trimmed."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    def amounts(self) -> Iterator[tuple[str, Decimal]]:
        """Its amounts of money with their field's path ("amount", "fixed_costs.0.monthly"), its rows' within
        it too: what is held to the decimal places of the currency. Counts, rates and hours are not money."""
        for name, info in type(self).model_fields.items():
            value = getattr(self, name)
            items = value if isinstance(value, tuple) else (value,)
            for index, item in enumerate(items):
                at = f"{name}.{index}" if isinstance(value, tuple) else name
                if isinstance(item, Decimal) and MONEY in info.metadata:
                    yield at, item
                elif isinstance(item, Row):
                    yield from ((f"{at}.{path}", amount) for path, amount in item.amounts())


class RevenueLine(Row):
    """Money earned: a booking, a job, an invoice line. `recorded_on` is when the books show it;
    `service_date` is when the service is (or was) delivered."""

    id: Annotated[str, Field(min_length=1, max_length=120)]
    entity: Slug
    asset: OptionalSlug = None
    source: Annotated[str, Field(min_length=1, max_length=60)] = "direct"
    recorded_on: Day
    service_date: Day
    amount: Amount
    deposit: bool = Field(default=False, description="A deposit taken before the service.")
    reference: Text = ""


class Expense(Row):
    """A cost in a month. An empty category means nobody has categorised it yet."""

    id: Annotated[str, Field(min_length=1, max_length=120)]
    month: Month
    entity: Slug
    category: Annotated[str, Field(max_length=60)] = ""
    vendor: Annotated[str, Field(min_length=1, max_length=120)]
    amount: Positive
    fixed: bool = Field(default=False, description="Recurs every month whatever the volume (rent, insurance).")
    asset: OptionalSlug = None


class Invoice(Row):
    """An invoice to a client; `paid_amount` may be partial. A `paid_on` date without a `paid_amount`,
    or with 0 (what the admin form shows of an unpaid invoice), means paid in full (it was read as
    nothing paid: an invoice marked paid was chased as overdue)."""

    id: Annotated[str, Field(min_length=1, max_length=60)]
    entity: Slug
    client: Annotated[str, Field(min_length=1, max_length=120)]
    issued: Day
    due: Day
    amount: Positive
    paid_on: OptionalDate = None
    paid_amount: Positive = Decimal(0)

    @model_validator(mode="before")
    @classmethod
    def _paid_in_full(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("paid_on") not in (None, "") and _nothing(data.get("paid_amount")):
            return {**data, "paid_amount": data.get("amount")}
        return data

    def amounts(self) -> Iterator[tuple[str, Decimal]]:
        """Its amount, and its paid_amount unless the same (filled in from the amount when only paid_on is
        given): a row whose amount had a place too many was refused twice, once for a paid_amount left empty."""
        yield "amount", self.amount
        if self.paid_amount != self.amount:
            yield "paid_amount", self.paid_amount

    @property
    def open_amount(self) -> Decimal:
        """What the client still owes."""
        return max(self.amount - self.paid_amount, Decimal(0))


def _nothing(amount: Any) -> bool:
    """An amount left empty or written as zero (anything else is for the field's own check)."""
    if amount in (None, ""):
        return True
    try:
        return Decimal(str(amount).strip() or "0") == 0
    except ArithmeticError:
        return False


class Payout(Row):
    """Money a marketplace paid out, matched to a booking by `reference` (its external id)."""

    id: Annotated[str, Field(min_length=1, max_length=120)]
    source: Annotated[str, Field(min_length=1, max_length=60)]
    paid_on: Day
    amount: Amount
    reference: Text = ""


class Occupancy(Row):
    """Nights a rental could be let and was let in a month, and what it earned."""

    asset: Slug
    month: Month
    nights_available: Annotated[int, Field(ge=0, le=31)]
    nights_booked: Annotated[int, Field(ge=0, le=31)]
    revenue: Positive

    @model_validator(mode="after")
    def _nights_fit(self) -> Occupancy:
        # a typo imported silently showed "111%" occupancy, and a RevPAN above the ADR
        days = monthrange(self.month.year, self.month.month)[1]
        if self.nights_available > days:
            raise ValueError(f"nights_available is {self.nights_available}; {self.month:%B %Y} has {days} nights")
        if self.nights_booked > self.nights_available:
            raise ValueError(
                f"nights_booked ({self.nights_booked}) is more than nights_available ({self.nights_available})"
            )
        return self


class MaintenanceKind(StrEnum):
    """Planned upkeep or an unplanned repair."""

    PLANNED = "planned"
    REPAIR = "repair"


class Maintenance(Row):
    """Work on an asset; a date after the snapshot's is work scheduled, with its estimate."""

    id: Annotated[str, Field(min_length=1, max_length=120)]
    asset: Slug
    date: Day
    description: Annotated[str, Field(min_length=1, max_length=300)]
    cost: Positive
    kind: MaintenanceKind = MaintenanceKind.PLANNED
    vendor: Annotated[str, Field(max_length=120)] = ""


class Delivery(Row):
    """A job delivered to a client (a yacht delivery, a junk pickup): promised vs done, billed vs paid."""

    id: Annotated[str, Field(min_length=1, max_length=120)]
    entity: Slug
    client: Annotated[str, Field(min_length=1, max_length=120)]
    promised: Day
    delivered: OptionalDate = None
    billed: Positive = Decimal(0)
    collected: Positive = Decimal(0)
    #: the day `billed` was billed, and the day the last of `collected` came in: a report of an earlier day counts
    #: neither. Optional: without them, a past day's report reads them as the file reads now, and says so.
    billed_on: OptionalDate = None
    collected_on: OptionalDate = None


class ListingStatus(StrEnum):
    """Where an entity stands on a channel. A channel with no row at all is missing."""

    LIVE = "live"  # listed and taking bookings
    LISTED = "listed"  # listed but not bookable (pending review, paused, incomplete)


class ChannelListing(Row):
    """One entity on one marketplace, OTA or directory."""

    entity: Slug
    channel: Annotated[str, Field(min_length=1, max_length=60)]
    status: ListingStatus
    url: Annotated[str, Field(max_length=300)] = ""


class InfraService(Row):
    """One piece of infrastructure: hosting, a function, a bucket, a domain, a SaaS subscription.
    `config` holds names and set/missing states only (see `redact_config`)."""

    id: Slug
    name: Annotated[str, Field(min_length=1, max_length=120)]
    kind: Literal["hosting", "function", "database", "storage", "email", "domain", "saas", "cdn", "other"]
    monthly_cost: Positive = Decimal(0)
    #: the currency of monthly_cost and alternative_cost when it is not business.yaml's (an AWS bill is in USD);
    #: none for business.yaml's. A report never adds it to the org's money.
    currency: Annotated[str | None, BeforeValidator(_blank_is_none)] = None
    runtime: Annotated[str, Field(max_length=40)] = ""
    version: Annotated[str, Field(max_length=40)] = ""
    used_by: tuple[Slug, ...] = Field(default=(), description="Entities or assets that depend on it.")
    tls: OptionalBool = None
    public: OptionalBool = Field(default=None, description="Storage readable by anyone on the internet.")
    sending_domain: Annotated[str, Field(max_length=120)] = ""
    spf: OptionalBool = None
    dkim: OptionalBool = None
    dmarc: OptionalBool = None
    cheaper_alternative: Annotated[str, Field(max_length=200)] = ""
    alternative_cost: OptionalPositive = None
    config: tuple[ConfigEntry, ...] = ()

    @field_validator("currency")
    @classmethod
    def _own_currency(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        return value.upper() if (info.context or {}).get("stored") else currency_code(value)

    def in_currency(self, currency: str) -> bool:
        """Whether its costs are in `currency` (the org's: business.yaml's when it names none)."""
        return self.currency in (None, currency)


class FixedCost(Row):
    """A monthly commitment: slip rent, insurance, a loan payment."""

    name: Annotated[str, Field(min_length=1, max_length=120)]
    entity: OptionalSlug = None
    monthly: Positive


class Goal(Row):
    """A monthly target for an entity (or the whole org when `entity` is empty)."""

    entity: OptionalSlug = None
    metric: Literal["revenue", "bookings", "leads", "occupancy", "profit"]
    monthly: Annotated[Decimal, Field(ge=0, max_digits=20)]  # money (revenue, profit): held to its currency's bound

    @field_validator("monthly")
    @classmethod
    def _counted(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        # a count or a fraction is no money, so no currency bounds it (`amounts`): the largest currency's bound does
        if info.data.get("metric") not in ("revenue", "profit") and value > _MOST:
            raise PydanticCustomError("less_than_equal", "Input should be less than or equal to {le}", {"le": _MOST})
        return value

    def amounts(self) -> Iterator[tuple[str, Decimal]]:
        """A revenue or profit target is money; one of bookings or leads is a count, of occupancy a fraction."""
        if self.metric in ("revenue", "profit"):
            yield "monthly", self.monthly


class CapitalOption(Row):
    """Something cash could be put into, with its cost and what it should return a month."""

    name: Annotated[str, Field(min_length=1, max_length=120)]
    cost: Positive
    monthly_return: Amount = Decimal(0)
    entity: OptionalSlug = None


class EmailList(Row):
    """An entity's mailing list and how its blasts perform."""

    entity: Slug
    subscribers: Annotated[int, Field(ge=0, le=10_000_000)]
    open_rate: Rate
    click_rate: Rate = Field(description="Clicks per opened email.")
    conversion_rate: Rate = Field(description="Bookings per click.")
    average_order: Positive
    blasts_per_month: Annotated[int, Field(ge=0, le=31)] = 2


class SeoProfile(Row):
    """Local SEO state of one brand."""

    entity: Slug
    business_profile: bool = Field(default=False, description="A claimed, verified local business listing.")
    reviews: Annotated[int, Field(ge=0)] = 0
    rating: Annotated[Decimal, Field(ge=0, le=5)] | None = None
    consistent_contact: bool = Field(default=False, description="Same name, address, phone everywhere.")
    https: bool = False
    structured_data: bool = False
    location_page: bool = False


class UxDebt(Row):
    """A known rough edge users hit."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    area: Annotated[str, Field(max_length=60)] = ""
    impact: Literal["high", "medium", "low"] = "medium"


class Engineering(Row):
    """How software is delivered: the CTO lens grades this."""

    automated_tests: bool = False
    ci: bool = False
    deploy_steps: Annotated[int, Field(ge=0, le=100)] = 0
    rollback: bool = False
    monitoring: bool = False
    backups_tested: bool = False


class Cash(Row):
    """Cash in the bank on a date."""

    balance: Amount
    as_of: date


class Finance(Row):
    """The org-wide figures of the data folder's business.yaml."""

    currency: Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")] = "USD"
    cash: Cash | None = None
    fixed_costs: tuple[FixedCost, ...] = ()
    goals: tuple[Goal, ...] = ()
    capital_options: tuple[CapitalOption, ...] = ()
    email_lists: tuple[EmailList, ...] = ()
    seo: tuple[SeoProfile, ...] = ()
    ux_debt: tuple[UxDebt, ...] = ()
    engineering: Engineering = Engineering()
    reserve_months: Annotated[int, Field(ge=0, le=24)] = 3

    @field_validator("currency")
    @classmethod
    def _iso(cls, value: str, info: ValidationInfo) -> str:
        # "UDS" left every booking out of every report's revenue; a stored row is not judged again
        return value.upper() if (info.context or {}).get("stored") else currency_code(value)


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
