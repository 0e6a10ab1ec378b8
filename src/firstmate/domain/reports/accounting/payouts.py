"""Marketplace bookings matched to their payouts by reference: what matched, by source, and the gaps."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from firstmate.domain.reports.accounting.amounts import ZERO, exact, lines_total
from firstmate.domain.reports.format import pct
from firstmate.domain.snapshot import Payout, RevenueLine, Snapshot

PAYOUT_GRACE_DAYS = 14  # marketplaces pay within two weeks of the service
FEE_CEILING = Decimal("0.20")  # marketplace commission plus card fees rarely pass 20 %


#: Gap table order: money missing first, hygiene last.
GAP_ORDER = {
    "missing payout": 0,
    "fee looks wrong": 1,
    "unmatched payout": 2,
    "payout above booking": 3,
    "no reference": 4,
}


@dataclass(frozen=True)
class Gap:
    """A booking or payout that does not reconcile."""

    kind: str  # "missing payout", "unmatched payout", "fee looks wrong", "payout above booking", "no reference"
    reference: str
    source: str
    when: date
    booked: Decimal | None
    paid: Decimal | None
    note: str


def _bookings(snapshot: Snapshot) -> tuple[dict[str, list[RevenueLine]], list[RevenueLine]]:
    """Booking lines grouped by reference, and those with no reference."""
    grouped: dict[str, list[RevenueLine]] = defaultdict(list)
    unreferenced = []
    for line in snapshot.revenue:
        if not line.source.casefold().startswith("booking:"):
            continue
        if line.reference:
            grouped[line.reference].append(line)
        else:
            unreferenced.append(line)
    for lines in grouped.values():
        lines.sort(key=lambda r: r.id)
    return grouped, sorted(unreferenced, key=lambda r: (r.service_date, r.id))


#: The booking channel of the business's own sales (its website, the API): no marketplace pays them out.
DIRECT = "direct"


@dataclass(frozen=True)
class Matched:
    """A marketplace's bookings matched to payouts: how many, what they booked and what was paid out for them."""

    source: str
    bookings: int
    booked: Decimal
    paid: Decimal


def reconcile(snapshot: Snapshot) -> tuple[list[Matched], list[Gap]]:
    """Match booking lines to payouts by reference: the matched bookings by source, and the gaps."""
    bookings, unreferenced = _bookings(snapshot)
    payouts: dict[str, list[Payout]] = defaultdict(list)
    for p in snapshot.payouts:
        payouts[p.reference].append(p)
    gaps = [Gap("no reference", r.id, r.source, r.service_date, r.amount, None, "no reference") for r in unreferenced]
    matched: dict[str, tuple[int, Decimal, Decimal]] = {}
    # a direct booking is paid to the business itself: a payout is expected for it only where payouts.csv has
    # some for direct bookings (a card processor's); without, each was "a missing payout" 14 days after its trip
    paid_out = {lines[0].source.split(":", 1)[1].casefold() for ref, lines in bookings.items() if ref in payouts}
    for ref, lines in bookings.items():
        booked, served = lines_total(lines), max(r.service_date for r in lines)
        source = lines[0].source.split(":", 1)[1]
        if ref not in payouts:
            if booked <= 0:  # a refund or a zero line: no payout to expect
                continue
            if source.casefold() == DIRECT and DIRECT not in paid_out:
                continue
            age = (snapshot.as_of - served).days
            if age > PAYOUT_GRACE_DAYS:
                gaps.append(Gap("missing payout", ref, source, served, booked, None, f"served {age} days ago"))
            continue
        paid = sum((p.amount for p in payouts[ref]), ZERO)
        n, in_all, out = matched.get(source, (0, ZERO, ZERO))
        matched[source] = (n + 1, in_all + booked, out + paid)
        if booked > 0 and booked - paid > FEE_CEILING * booked:
            note = f"fee {exact(booked - paid, snapshot.currency)} = {pct((booked - paid) / booked)} of the booking"
            gaps.append(Gap("fee looks wrong", ref, source, served, booked, paid, note))
        elif paid > booked:
            gaps.append(Gap("payout above booking", ref, source, served, booked, paid, "paid more than booked"))
    # a card processor's payout of an invoice (or another sale the books hold) pays that sale: no booking is owed it
    other_sales = _other_sales(snapshot, bookings, set(payouts))
    for ref, group in payouts.items():
        if ref in other_sales and ref not in bookings:
            sale, paid = other_sales[ref], sum((p.amount for p in group), ZERO)
            if paid > sale[1]:  # paid twice, or more than invoiced: checked as a booking's payouts are
                note = "paid more than the sale"
                gaps.append(Gap("payout above booking", ref, group[0].source, sale[0], sale[1], paid, note))
            continue
        if not ref or ref not in bookings:
            note = "no booking line with this reference" if ref else "payout has no reference"
            gaps.extend(Gap("unmatched payout", ref or p.id, p.source, p.paid_on, None, p.amount, note) for p in group)
    return (
        [Matched(source, *matched[source]) for source in sorted(matched)],
        sorted(gaps, key=lambda g: (GAP_ORDER[g.kind], g.when, g.reference, g.booked or 0, g.paid or 0)),
    )


def _other_sales(
    snapshot: Snapshot, bookings: dict[str, list[RevenueLine]], named: set[str]
) -> dict[str, tuple[date, Decimal]]:
    """The sales other than marketplace bookings (an invoice, a direct sale), by each key a payout names
    them by (`named`: their reference, or their id): when served, and their amount in all. A line no payout
    names is passed over: every line's keys were gathered, about 2% of a 16x reports build."""
    sales: dict[str, tuple[date, Decimal]] = {}
    for line in snapshot.revenue:
        if line.reference not in named and line.id not in named:
            continue
        for key in {line.reference, line.id} - {""}:
            if key in named and key not in bookings:
                when, amount = sales.get(key, (line.service_date, ZERO))
                sales[key] = (min(when, line.service_date), amount + line.amount)
    return sales
