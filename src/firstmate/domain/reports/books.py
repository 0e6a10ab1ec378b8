"""The books as they stood on the report's day: the one rule for what a snapshot's dated rows hold
on its `as_of`, applied once when the snapshot is built, so that every lens reads the same books."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from firstmate.domain.snapshot import Delivery, RevenueLine, Snapshot


def books_on(snapshot: Snapshot) -> Snapshot:
    """`snapshot` as its books stood on its day: a revenue line recorded after it is not in them, an
    invoice issued after it is not one yet (counted in `invoices_issued_later`), and a payment, a
    payout or a delivery dated after it is not yet made (as of 5 Oct, a payout of 1 Nov was an
    unmatched payout to chase), nor that delivery billed or collected; an expense of a later month is
    not in them either, nor a cash balance dated after the day (its date kept in `cash_dated_later`).
    Applying it twice changes nothing. The cut was made in three places (revenue when the snapshot
    was built, invoices and deliveries in their lenses), and payouts in none, so a lens reading a kind
    another lens cut read rows from after the report's day."""
    day = snapshot.as_of
    invoices = []
    for invoice in snapshot.invoices:
        if invoice.issued > day:
            continue
        if invoice.paid_on is not None and invoice.paid_on > day:
            invoice = invoice.model_copy(update={"paid_on": None, "paid_amount": Decimal(0)})
        invoices.append(invoice)
    # deliveries.csv dates the delivery alone: a job delivered after the day was neither billed nor collected
    # by it (its $3,400 read "billed, not collected" before it sailed), nor is its price an estimate's sample
    undone = {"delivered": None, "billed": Decimal(0), "collected": Decimal(0)}
    deliveries = (d.model_copy(update=undone) if d.delivered and d.delivered > day else _billed_by(d, day)
                  for d in snapshot.deliveries)  # fmt: skip
    cash = snapshot.finance.cash
    # a balance counted after the day says nothing of the cash then (runway of 1 Jan 2025 from Dec 2026's)
    later_cash = cash is not None and cash.as_of > day
    return snapshot.model_copy(
        update={
            "finance": snapshot.finance.model_copy(update={"cash": None}) if later_cash else snapshot.finance,
            "cash_dated_later": cash.as_of if cash is not None and later_cash else snapshot.cash_dated_later,
            "revenue": tuple(line for line in snapshot.revenue if line.recorded_on <= day),
            "invoices": tuple(invoices),
            "invoices_issued_later": snapshot.invoices_issued_later + len(snapshot.invoices) - len(invoices),
            "payouts": tuple(p for p in snapshot.payouts if p.paid_on <= day),
            # an expense is dated by its month: one of a later month is not in the books yet
            "expenses": tuple(e for e in snapshot.expenses if e.month <= day),
            "deliveries": tuple(deliveries),
        }
    )


def _billed_by(delivery: Delivery, day: date) -> Delivery:
    """A delivery as billed and collected by `day`: billed after it (billed_on), it was not billed yet, and paid
    after it (collected_on), not collected. A job paid on 20 Oct read "collected" in a report of 5 Oct."""
    later: dict[str, Decimal] = {}
    if delivery.billed_on is not None and delivery.billed_on > day:
        later["billed"] = Decimal(0)
    if delivery.collected_on is not None and delivery.collected_on > day:
        later["collected"] = Decimal(0)
    return delivery.model_copy(update=later) if later else delivery


def beside_the_books(books: Iterable[RevenueLine], own: Iterable[RevenueLine], day: date) -> list[RevenueLine]:
    """The lines of `own` (firstmate's bookings and invoices.csv's invoices, as revenue lines) that the
    books (revenue.csv's lines) do not hold on `day`: the books win. One of `own` is held when a line
    recorded by `day` that is not a refund names it as its sale (its reference, or its id when it has
    none) by the booking's external id or `booking-<id>`, or the invoice's number or `invoice-<id>`; a
    refund alone holds nothing, for it undoes the booking or invoice. Both were counted: a charter written
    in revenue.csv under its booking's reference was twice the revenue in every report. A name is matched
    whatever its case: a bookkeeper's "bo-91" is the booking BO-91 (it was counted twice)."""
    held = {(line.reference or line.id).casefold() for line in books if line.amount > 0 and line.recorded_on <= day}
    return [line for line in own if not {line.id.casefold(), line.reference.casefold()} & held]


def balances_beside_the_books(
    books: Iterable[RevenueLine], own: Iterable[RevenueLine], day: date, settled: frozenset[str] = frozenset()
) -> list[RevenueLine]:
    """The balances of `own` (as `beside_the_books` reads them) that the books hold only the deposit of on
    `day`: a deposit is part of a sale, not the sale, so until the books record the rest the booking's
    balance (its amount less their deposits) counts beside them, as the booking's line. A charter of $840.75
    whose $200 deposit revenue.csv held read $200 of revenue, and no sale. None for one of `settled` (a
    booking cancelled by `day`, whose balance will never come: the books say what it came to), nor for one
    whose deposits cover it."""
    sales: set[str] = set()
    deposits: dict[str, Decimal] = {}
    for line in books:
        if line.amount > 0 and line.recorded_on <= day:
            name = (line.reference or line.id).casefold()
            if line.deposit:
                deposits[name] = deposits.get(name, Decimal(0)) + line.amount
            else:
                sales.add(name)
    balances = []
    for line in own:
        names = {line.id.casefold(), line.reference.casefold()} - {""}
        taken = sum((deposits[name] for name in names if name in deposits), Decimal(0))
        if taken and not names & sales and line.id not in settled and line.amount > taken:
            balances.append(line.model_copy(update={"amount": line.amount - taken}))
    return balances
