"""`Finance`: the org-wide figures of the data folder's business.yaml (cash, fixed costs, goals, capital
options, email lists, local SEO, UX debt, how software is delivered), one row type each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from firstmate.domain.currencies import LARGEST_SCALE, currency_code
from firstmate.domain.snapshot.row import MOST_MONEY, Amount, OptionalSlug, Positive, Rate, Row, Slug

# a goal's count or fraction is no money, so no currency bounds it: the largest currency's bound does (`Goal`)
_MOST = MOST_MONEY * LARGEST_SCALE


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
