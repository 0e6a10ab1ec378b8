"""The reconciliation section: bookings against payouts, the matched fees by source, and a finding per gap."""

from __future__ import annotations

from decimal import Decimal

from firstmate.domain.reports.accounting.amounts import LENS, ZERO, by_money, exact, flag_card, has_cents
from firstmate.domain.reports.accounting.payouts import FEE_CEILING, PAYOUT_GRACE_DAYS, Gap, reconcile
from firstmate.domain.reports.document import Card, Finding, Section, Severity, Table
from firstmate.domain.reports.format import CENT, count, pct, plural
from firstmate.domain.snapshot import Snapshot


def reconciliation_section(snapshot: Snapshot) -> tuple[Section, tuple[Finding, ...]]:
    """Reconciliation of marketplace bookings (revenue lines with source "booking:…") against payouts."""
    cur = snapshot.currency
    method = (
        'Revenue lines (revenue.csv, firstmate\'s bookings) whose source starts with "booking:", grouped by '
        f"reference (the booking's external id), against payouts.csv rows paid by {snapshot.as_of} with the same "
        "reference. Missing payout = no payout and the service more than "
        f"{PAYOUT_GRACE_DAYS} days before {snapshot.as_of} (for a direct booking only when payouts.csv has "
        "payouts for direct bookings, a card processor's); unmatched payout = no booking line with its reference "
        "(a payout naming an invoice or another revenue line pays that sale); "
        f"fee = booking total − payouts, flagged above {pct(FEE_CEILING)} of the booking; the matched bookings' "
        "fees = booked − paid out, by source."
    )
    if not (snapshot.payouts or any(line.source.casefold().startswith("booking:") for line in snapshot.revenue)):
        return Section(
            "Reconciliation: bookings vs payouts",
            summary=(
                'No marketplace bookings or payouts yet: add revenue.csv lines with source "booking:<channel>" '
                "and their reference, and payouts.csv, to the data folder."
            ),
            method=method,
        ), ()
    by_source, gaps = reconcile(snapshot)
    matched = sum(m.bookings for m in by_source)
    fees = sum((m.booked - m.paid for m in by_source), ZERO)
    missing = sum((g.booked or ZERO for g in gaps if g.kind == "missing payout"), ZERO)
    # a clawback (negative payout) needs matching as much as a payment: count both by size
    unmatched = sum((abs(g.paid or ZERO) for g in gaps if g.kind == "unmatched payout"), ZERO)
    cards = (
        Card(
            "Matched bookings", count(matched), note=f"fees {exact(fees, cur)}, by source below", raw=Decimal(matched)
        ),
        flag_card("Missing payouts", missing, cur, "bookings served with no payout"),
        flag_card("Unmatched payouts", unmatched, cur, "payouts with no booking line"),
    )
    dash = "—"
    rows = tuple(
        (
            g.kind,
            g.reference,
            g.source,
            str(g.when),
            dash if g.booked is None else exact(g.booked, cur),
            dash if g.paid is None else exact(g.paid, cur),
            g.note,
        )
        for g in gaps
    )
    tables: list[Table] = (
        [Table(("Gap", "Reference", "Source", "Date", "Booked", "Paid out", "Note"), rows, title="Gaps")]
        if gaps
        else []
    )
    if by_source:  # what the fees are worked out from: "fees $27,134" on 118 bookings had no breakdown
        fee_rows = tuple(
            (m.source, count(m.bookings), exact(m.booked, cur), exact(m.paid, cur), exact(m.booked - m.paid, cur))
            for m in by_source
        )
        columns = ("Source", "Bookings", "Booked", "Paid out", "Fees")
        tables.append(Table(columns, fee_rows, title="Matched bookings by source"))
    summary = f"{plural(matched, 'booking')} matched to payouts; {plural(len(gaps), 'gap')}."
    section = Section("Reconciliation: bookings vs payouts", summary, cards, tuple(tables), method=method)
    return section, _gap_findings(gaps, unmatched, cur)


def _missing_payout_findings(missing: list[Gap], cur: str) -> list[Finding]:
    """One finding per marketplace: a single claim listing every missing payout is what gets sent."""
    by_source: dict[str, list[Gap]] = {}
    for gap in missing:
        by_source.setdefault(gap.source, []).append(gap)
    out = []
    for source, items in sorted(by_source.items()):
        total = sum((g.booked or ZERO for g in items), ZERO)
        refs = ", ".join(g.reference for g in items[:6]) + (" …" if len(items) > 6 else "")
        title = f"Chase {source} for {plural(len(items), 'missing payout')} ({exact(total, cur)})"
        detail = f"Bookings served more than 14 days ago with no payout: {refs}."
        out.append(
            Finding(
                f"{LENS}:missing-payouts:{source}",
                title,
                detail,
                by_money(total, cur),
                LENS,
                total,
                LENS,
                has_cents(total),
            )
        )
    return out


def _gap_findings(gaps: list[Gap], unmatched: Decimal, cur: str) -> tuple[Finding, ...]:
    out = list(_missing_payout_findings([g for g in gaps if g.kind == "missing payout"], cur))
    for g in gaps:
        booked, paid = g.booked or ZERO, g.paid or ZERO
        why = ""
        if g.kind == "fee looks wrong":
            usual = (FEE_CEILING * booked).quantize(CENT)
            money_at_stake = booked - paid - usual  # kept beyond a normal fee, said so: "$173 at stake" was not
            title = f"Query the {exact(booked - paid, cur)} fee {g.source} kept on booking {g.reference}"
            why = (
                f"; a usual fee is at most {pct(FEE_CEILING)}, {exact(usual, cur)}: "
                f"{exact(money_at_stake, cur)} above it"
            )
        elif g.kind == "payout above booking":
            title, money_at_stake = (
                f"Record the {exact(paid - booked, cur)} extra paid on booking {g.reference}",
                paid - booked,
            )
        else:
            continue
        key = f"{LENS}:{g.kind.replace(' ', '-')}:{g.reference}"
        severity = by_money(money_at_stake, cur)
        detail = f"{g.source} booking {g.reference}, served {g.when}, booked {exact(booked, cur)}"
        paid_out = f", paid out {exact(paid, cur)}: {g.note}{why}."
        detail += paid_out if g.paid is not None else f": {g.note}, no payout yet."
        out.append(Finding(key, title, detail, severity, LENS, money_at_stake, LENS, has_cents(money_at_stake)))
    if unmatched:
        n = sum(1 for g in gaps if g.kind == "unmatched payout")
        out.append(
            Finding(
                key=f"{LENS}:unmatched-payouts:all",
                title=f"Match {plural(n, 'payout')} ({exact(unmatched, cur)}) to bookings or record the revenue",
                detail="Payouts with no booking line of the same reference: revenue may be missing from the books.",
                severity=by_money(unmatched, cur),
                owner=LENS,
                money_at_stake=unmatched,
                lens=LENS,
                in_cents=has_cents(unmatched),
            )
        )
    unreferenced = [g for g in gaps if g.kind == "no reference"]
    if unreferenced:
        out.append(
            Finding(
                key=f"{LENS}:no-reference:bookings",
                title=f"Add the booking reference to {plural(len(unreferenced), 'marketplace revenue line')}",
                detail="Without a reference a booking line cannot be matched to its payout.",
                severity=Severity.LOW,
                owner=LENS,
                lens=LENS,
            )
        )
    return tuple(out)
