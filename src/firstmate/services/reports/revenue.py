"""Revenue lines of firstmate's own: its bookings (as they read on the report's day) and invoices, and
bookings in another currency that no figure counts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import structlog

from firstmate.domain.reports.books import beside_the_books
from firstmate.domain.snapshot import Invoice, LeftOut, RevenueLine
from firstmate.ports import Store
from firstmate.services.paging import all_items
from firstmate.services.trips import booking_pk, intake_pk

# the logger of the module these steps were in, so its lines read as they did
log = structlog.get_logger("firstmate.services.reports")


def booking_revenue(
    store: Store,
    org: str,
    timezone: str,
    currency: str,
    *,
    as_of: date | None = None,
    refunded: frozenset[str] = frozenset(),
) -> tuple[list[RevenueLine], dict[str, list[RevenueLine]], frozenset[str]]:
    """firstmate's own bookings as revenue lines: recorded when booked, earned on the trip's day;
    those in another currency than `currency` booked by `as_of` (the report's day), by
    currency, which count only where revenue.csv holds them (`uncounted` says which do not); and the ids of
    the lines of bookings cancelled by `as_of`, which have no balance to come. Cancelled bookings
    are left out, but for one cancelled after `as_of`, which counts as it read before (it left that
    day's books, and its payout read "unmatched"): its cancellation is its latest revision's date
    (`updated_at`), and what it held before is `before_cancel` (kept since 2026-12-06; for one cancelled
    before, the cancelled body, status aside). One that a refund names (`refunded`: references of
    revenue.csv's refunds, its external id or `booking-<id>`) counts so too, for the refund to undo it:
    left out, its refund was taken off again (a cancelled $840 charter refunded in full read −$840). A
    change made after the day other than the cancel is not undone: only a booking's latest revision is
    stored."""
    other: dict[str, list[RevenueLine]] = defaultdict(list)
    zone = ZoneInfo(timezone)
    anchors = all_items(store, intake_pk(org), page_size=500)
    ids = [i for i in (anchor.data.get("booking_id") for anchor in anchors) if i]
    lines, closed = [], set()
    for booking_id, item in zip(ids, store.get_many([(booking_pk(org, i), "BOOKING") for i in ids]), strict=True):
        if item is None:
            continue
        request = item.data["request"]
        if request["status"] == "cancelled":
            cancelled = as_of is None or _local_date(item.data["updated_at"], zone) <= as_of
            if cancelled and not {request["external_id"], f"booking-{booking_id}"} & refunded:
                continue
            if cancelled:
                closed.add(f"booking-{booking_id}")
            request = item.data.get("before_cancel") or request  # as it read on the day (kept since 2026-12-06)
        line = RevenueLine(
            id=f"booking-{booking_id}",
            entity=item.data["entity"],
            asset=item.data["asset"],
            source=f"booking:{request['source']}",
            recorded_on=_local_date(item.data["created_at"], zone),
            service_date=_local_date(request["start"], zone),
            amount=request["gross_amount"],
            reference=request["external_id"],
        )
        if request["currency"] != currency:
            if as_of is not None and line.recorded_on > as_of:
                continue  # booked after the report's day: none of its figures holds it either
            other[request["currency"]].append(line)
            continue
        lines.append(line)
    return lines, dict(sorted(other.items())), frozenset(closed)


def uncounted(
    org: str,
    books: Sequence[RevenueLine],
    other: dict[str, list[RevenueLine]],
    counted: Sequence[RevenueLine],
    day: date,
) -> tuple[tuple[LeftOut, ...], frozenset[str]]:
    """By currency, firstmate's bookings in another currency than the reports' (`other`, as their own
    currency's amounts) that no figure counts: those the books (revenue.csv's `books`) do not hold on `day`.
    One they hold is counted, as revenue.csv has it, in the reports' currency: the accounting report said
    "2 EUR bookings (€1,682) not counted" of two the bookkeeper had written in revenue.csv in dollars. And the ids
    of the books' refunds that name one of those and no sale counted (a line of the books, or one of `counted`,
    firstmate's bookings and invoices in the reports' currency): they undo nothing any figure holds, and are left
    out too, where a refund of a EUR booking was taken off the revenue in dollars."""
    held = {line.reference or line.id for line in books if line.amount > 0 and line.recorded_on <= day}
    sold = held | {name for line in counted for name in (line.id, line.reference) if name}
    left_out, refunds = [], set()
    for currency, bookings in other.items():
        alone = beside_the_books(books, bookings, day)
        for line in alone:
            log.warning("reports.booking_currency_skipped", org=org, booking=line.id.removeprefix("booking-"),
                        currency=currency)  # fmt: skip
        names = {name for line in alone for name in (line.id, line.reference) if name} - sold
        undone = [line for line in books if line.amount < 0 and line.reference in names]
        refunds |= {line.id for line in undone}
        by_day = [line for line in undone if line.recorded_on <= day]
        if alone:
            amount = sum((line.amount for line in alone), Decimal(0))
            refunded = sum((line.amount for line in by_day), Decimal(0))
            left_out.append(
                LeftOut(currency=currency, bookings=len(alone), amount=amount, refunds=len(by_day), refunded=refunded)
            )
    return tuple(left_out), frozenset(refunds)


def invoice_revenue(invoice: Invoice) -> RevenueLine:
    """An invoice as a revenue line: billed work, earned when issued (consulting bills for work done)."""
    return RevenueLine(
        id=f"invoice-{invoice.id}", entity=invoice.entity, source="invoice", recorded_on=invoice.issued,
        service_date=invoice.issued, amount=invoice.amount, reference=invoice.id,
    )  # fmt: skip


def _local_date(value: str, zone: ZoneInfo) -> date:
    return datetime.fromisoformat(value).astimezone(zone).date()
