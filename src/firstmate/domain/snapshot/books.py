"""The rows of the books: money earned (`RevenueLine`), spent (`Expense`), billed to a client (`Invoice`)
and paid out by a marketplace (`Payout`)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, model_validator

from firstmate.domain.snapshot.row import Amount, Day, Month, OptionalDate, OptionalSlug, Positive, Row, Slug, Text


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
