"""The Accounting / Controller lens: is revenue recognised at the service date, does the chart of
accounts fit the expenses, are expenses categorised, and do marketplace payouts match bookings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from firstmate.domain.currencies import in_units_of
from firstmate.domain.reports.accounting_accounts import chart_section, hygiene_section
from firstmate.domain.reports.cfo import unlisted_rentals
from firstmate.domain.reports.document import (
    SEVERITY_RANK,
    Card,
    Finding,
    ReportDocument,
    Section,
    Severity,
    Table,
    Tone,
    compose,
)
from firstmate.domain.reports.format import (
    CENT,
    REVENUE_LINES,
    count,
    money,
    month_label,
    months_back,
    pct,
    plural,
    whole,
)
from firstmate.domain.snapshot import Payout, RevenueLine, Snapshot

LENS = "accounting"
ZERO = Decimal(0)
# Severity guide: HIGH = money at stake ≥ 1,000 or a security/legal exposure or a goal missed by > 20%;
# MEDIUM = smaller money or a clear gap; LOW = hygiene.
# Money in a dollar's worth, scaled to the currency (`in_units_of`: ¥100,000).
HIGH_FROM = Decimal(1000)
RECOGNITION_MONTHS = 6
#: The current month's cell of lets kept in occupancy.csv alone, which counts them once the month is over.
MONTH_NOT_OVER = "month not over"
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


LETS_BESIDE = "the lets kept in occupancy.csv alone, which the CFO and CEO count as revenue, are shown beside them"


def _by_money(amount: Decimal, currency: str) -> Severity:
    return Severity.HIGH if amount >= in_units_of(HIGH_FROM, currency) else Severity.MEDIUM


def _exact(amount: Decimal, cur: str) -> str:
    """A reconciled amount with its cents when it has any: a payout of $747.50 and its fee of $402.50 on
    a $1,150 booking read "$748" and "fee $403", a row that did not subtract."""
    return money(amount, cur, cents=_has_cents(amount))


def _has_cents(amount: Decimal) -> bool:
    """Whether `_exact` shows `amount`'s cents, so a finding stating it shows its money at stake so too."""
    return amount != amount.to_integral_value()


def _sum(lines: list[RevenueLine]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)


def _recognition_months(as_of: date) -> list[date]:
    """The full months the recognition table shows, then the current one (first days)."""
    return [*months_back(as_of, RECOGNITION_MONTHS), as_of.replace(day=1)]


def _recognition_table(snapshot: Snapshot) -> Table:
    as_of = snapshot.as_of
    months = _recognition_months(as_of)
    recorded: dict[date, Decimal] = defaultdict(lambda: ZERO)
    recognised: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for line in snapshot.revenue:  # the books of the report's day (`books_on`): recorded by then
        recorded[line.recorded_on.replace(day=1)] += line.amount
        if line.service_date <= as_of:  # the current month has earned only what was served by today
            recognised[line.service_date.replace(day=1)] += line.amount
    lets = _occupancy_lets(snapshot, months)
    cur = snapshot.currency
    rows = tuple(
        (
            month_label(m) + (" (current)" if m == months[-1] else ""),
            money(recorded[m], cur),
            money(recognised[m], cur),
            money(whole(recorded[m]) - whole(recognised[m]), cur),  # the two cells beside it, as shown
            *((_let_cell(lets[m], m == months[-1], cur),) if lets else ()),
        )
        for m in months
    )
    columns = ("Month", "Recorded", "Recognised", "Difference", *(("Lets in occupancy.csv only",) if lets else ()))
    return Table(columns, rows, title="Recorded vs recognised")


def _let_cell(amount: Decimal, current: bool, cur: str) -> str:
    # occupancy.csv holds a month's lets whole, not by night: the current month's is not all earned yet
    # (it was counted whole on the 21st beside books of what was served by then), and the CFO and CEO
    # count full months only
    return MONTH_NOT_OVER if current and amount else money(amount, cur)


def _occupancy_lets(snapshot: Snapshot, months: list[date]) -> dict[date, Decimal]:
    """Each month's occupancy.csv revenue of the rentals no revenue line of the month names, as the
    CFO and CEO count it (`unlisted_rentals`); empty when there is none. The books (revenue lines)
    do not hold it, so it is shown beside them: without it a month read less here than there."""
    by_service: dict[date, list[RevenueLine]] = {m: [] for m in months}
    for line in snapshot.revenue:
        month = line.service_date.replace(day=1)
        if month in by_service:
            by_service[month].append(line)
    lets = {m: unlisted_rentals(snapshot, None, m, lines) for m, lines in by_service.items()}
    return lets if any(lets.values()) else {}


def recognition_section(snapshot: Snapshot) -> tuple[Section, tuple[Finding, ...]]:
    """Revenue recognition audit: recorded vs recognised by month, the deferred balance, deposits
    booked as revenue before their service, and lines recorded after their service month."""
    as_of, cur = snapshot.as_of, snapshot.currency
    months = months_back(as_of, RECOGNITION_MONTHS)
    method = (
        f"{REVENUE_LINES}. Recorded = amounts by recorded_on month, recognised = by service_date month, "
        f"{month_label(months[0])}–{month_label(as_of)}, each of lines recorded by {as_of} (recognised: served by "
        f"then too); difference = recorded − recognised, as shown (in whole units). Lets in occupancy.csv only = "
        "the occupancy.csv revenue of rentals no revenue line of the month names (the CFO and CEO count it as "
        f'revenue; the books do not hold it); a let of the current month reads "{MONTH_NOT_OVER}": '
        "occupancy.csv holds a month's lets whole, and the CFO and CEO count full months only. Deferred "
        f"balance = sum of lines with recorded_on ≤ {as_of} < service_date, each listed. Deposits to move = "
        f"deposit lines recorded by {as_of} for a service after it. "
        "Late = a sale (amount above 0) recorded in a later month than its service_date; a refund is booked when "
        "it is made."
    )
    # a business of rentals alone has lets in occupancy.csv and no revenue line: they are still shown
    # (it read "No revenue lines yet" while the CFO counted $3,150 of October's lets as revenue)
    lets = bool(_occupancy_lets(snapshot, _recognition_months(as_of)))
    if not snapshot.revenue and not lets:
        return Section(
            "Revenue recognition audit",
            summary="No revenue lines yet: add revenue.csv to the data folder.",
            method=method,
        ), ()
    deferred = sorted((r for r in snapshot.revenue if as_of < r.service_date), key=lambda r: (r.service_date, r.id))
    deposits = sorted((r for r in deferred if r.deposit), key=lambda r: (r.service_date, r.id))
    late = sorted(
        # a refund is booked when it is made, after its service: only a sale recorded late understates a month
        (r for r in snapshot.revenue if r.amount > 0 and r.recorded_on.replace(day=1) > r.service_date.replace(day=1)),
        key=lambda r: (r.service_date, r.id),
    )
    cards = (
        # the lines it adds are listed below, with their cents: "$6,441  8 lines" stood above the 4 deposits alone
        Card("Deferred revenue", _exact(_sum(deferred), cur), note=plural(len(deferred), "line"), raw=_sum(deferred)),
        _flag_card("Deposits booked as revenue", _sum(deposits), cur, plural(len(deposits), "deposit")),
        Card(
            "Lines recorded late",
            count(len(late)),
            tone=Tone.ALERT if late else Tone.OK,
            marker="[ALERT]" if late else "[OK]",
            raw=Decimal(len(late)),
        ),
    )
    tables = [_recognition_table(snapshot)]
    if deferred:
        tables.append(_lines_table("Deferred revenue: recorded, not yet served", deferred, snapshot))
    if deposits:
        tables.append(_lines_table("Deposits to move to deferred revenue", deposits, snapshot))
    if late:
        tables.append(_lines_table("Recorded after their service month", late, snapshot))
    summary = f"Deferred revenue at {as_of:%d %b %Y} is {_exact(_sum(deferred), cur)}."
    if not snapshot.revenue:
        summary = f"No revenue lines in the books; {LETS_BESIDE}."
    section = Section("Revenue recognition audit", summary, cards, tuple(tables), method=method)
    return section, _deposit_finding(deposits, cur) + _late_finding(late, cur)


def _flag_card(label: str, amount: Decimal, cur: str, note: str) -> Card:
    # with its cents, as the rows it adds show theirs: a payout of $742.50 read "Unmatched payouts: $743"
    bad = amount != 0
    return Card(
        label,
        _exact(amount, cur),
        tone=Tone.ALERT if bad else Tone.OK,
        marker="[ALERT]" if bad else "[OK]",
        note=note,
        raw=amount,
    )


def _lines_table(title: str, lines: list[RevenueLine], snapshot: Snapshot) -> Table:
    rows = tuple(
        (
            _line_name(r),
            snapshot.entity_name(r.entity),
            str(r.recorded_on),
            str(r.service_date),
            _exact(r.amount, snapshot.currency),
        )
        for r in lines
    )
    return Table(("Line", "Entity", "Recorded on", "Service date", "Amount"), rows, title=title)


def _line_name(line: RevenueLine) -> str:
    """A line as the books know it: a booking's by its channel's reference ("booking BS-7Q4K2M"), which a
    bookkeeper can look up, not by firstmate's own id; a row of revenue.csv by its id."""
    if line.id.startswith("booking-") and line.reference:
        return f"booking {line.reference}"
    return line.id


def _deposit_finding(deposits: list[RevenueLine], cur: str) -> tuple[Finding, ...]:
    total = _sum(deposits)
    if total <= 0:  # refunded deposits can net to nothing left to move
        return ()
    return (
        Finding(
            key=f"{LENS}:deposits:deferred",
            title=f"Move {_exact(total, cur)} of deposits to deferred revenue",
            detail=(
                f"{plural(len(deposits), 'deposit')} for services from {deposits[0].service_date} to "
                f"{deposits[-1].service_date} sit in revenue; a deposit is a liability until its service date."
            ),
            severity=_by_money(total, cur),
            owner=LENS,
            money_at_stake=total,
            lens=LENS,
            in_cents=_has_cents(total),
        ),
    )


def _late_finding(late: list[RevenueLine], cur: str) -> tuple[Finding, ...]:
    if not late:
        return ()
    return (
        Finding(
            key=f"{LENS}:late-recording:revenue",
            title=f"Record revenue in its service month: {plural(len(late), 'line was', 'lines were')} booked late",
            detail=(
                f"{plural(len(late), 'line')} ({money(_sum(late), cur)}) recorded in a month after their "
                "service, so past months understate revenue; timing only, no cash at stake."
            ),
            severity=Severity.LOW,
            owner=LENS,
            lens=LENS,
        ),
    )


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
        booked, served = _sum(lines), max(r.service_date for r in lines)
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
            note = f"fee {_exact(booked - paid, snapshot.currency)} = {pct((booked - paid) / booked)} of the booking"
            gaps.append(Gap("fee looks wrong", ref, source, served, booked, paid, note))
        elif paid > booked:
            gaps.append(Gap("payout above booking", ref, source, served, booked, paid, "paid more than booked"))
    # a card processor's payout of an invoice (or another sale the books hold) pays that sale: no booking is owed it
    other_sales = _other_sales(snapshot, bookings)
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


def _other_sales(snapshot: Snapshot, bookings: dict[str, list[RevenueLine]]) -> dict[str, tuple[date, Decimal]]:
    """The sales other than marketplace bookings (an invoice, a direct sale), by each key a payout may
    name them by (their reference, or their id): when served, and their amount in all."""
    sales: dict[str, tuple[date, Decimal]] = {}
    for line in snapshot.revenue:
        for key in {line.reference, line.id} - {""}:
            if key not in bookings:
                when, amount = sales.get(key, (line.service_date, ZERO))
                sales[key] = (min(when, line.service_date), amount + line.amount)
    return sales


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
            "Matched bookings", count(matched), note=f"fees {_exact(fees, cur)}, by source below", raw=Decimal(matched)
        ),
        _flag_card("Missing payouts", missing, cur, "bookings served with no payout"),
        _flag_card("Unmatched payouts", unmatched, cur, "payouts with no booking line"),
    )
    dash = "—"
    rows = tuple(
        (
            g.kind,
            g.reference,
            g.source,
            str(g.when),
            dash if g.booked is None else _exact(g.booked, cur),
            dash if g.paid is None else _exact(g.paid, cur),
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
            (m.source, count(m.bookings), _exact(m.booked, cur), _exact(m.paid, cur), _exact(m.booked - m.paid, cur))
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
        title = f"Chase {source} for {plural(len(items), 'missing payout')} ({_exact(total, cur)})"
        detail = f"Bookings served more than 14 days ago with no payout: {refs}."
        out.append(
            Finding(
                f"{LENS}:missing-payouts:{source}",
                title,
                detail,
                _by_money(total, cur),
                LENS,
                total,
                LENS,
                _has_cents(total),
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
            title = f"Query the {_exact(booked - paid, cur)} fee {g.source} kept on booking {g.reference}"
            why = (
                f"; a usual fee is at most {pct(FEE_CEILING)}, {_exact(usual, cur)}: "
                f"{_exact(money_at_stake, cur)} above it"
            )
        elif g.kind == "payout above booking":
            title, money_at_stake = (
                f"Record the {_exact(paid - booked, cur)} extra paid on booking {g.reference}",
                paid - booked,
            )
        else:
            continue
        key = f"{LENS}:{g.kind.replace(' ', '-')}:{g.reference}"
        severity = _by_money(money_at_stake, cur)
        detail = f"{g.source} booking {g.reference}, served {g.when}, booked {_exact(booked, cur)}"
        paid_out = f", paid out {_exact(paid, cur)}: {g.note}{why}."
        detail += paid_out if g.paid is not None else f": {g.note}, no payout yet."
        out.append(Finding(key, title, detail, severity, LENS, money_at_stake, LENS, _has_cents(money_at_stake)))
    if unmatched:
        n = sum(1 for g in gaps if g.kind == "unmatched payout")
        out.append(
            Finding(
                key=f"{LENS}:unmatched-payouts:all",
                title=f"Match {plural(n, 'payout')} ({_exact(unmatched, cur)}) to bookings or record the revenue",
                detail="Payouts with no booking line of the same reference: revenue may be missing from the books.",
                severity=_by_money(unmatched, cur),
                owner=LENS,
                money_at_stake=unmatched,
                lens=LENS,
                in_cents=_has_cents(unmatched),
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


def _headline(snapshot: Snapshot, findings: tuple[Finding, ...]) -> str:
    if not findings:
        if not (snapshot.revenue or snapshot.expenses or snapshot.payouts):
            if _occupancy_lets(snapshot, _recognition_months(snapshot.as_of)):
                return f"No revenue lines, expenses or payouts in the books; {LETS_BESIDE}."
            return (
                "No revenue, expenses or payouts yet: add revenue.csv, expenses.csv and payouts.csv to the data folder."
            )
        return "The books pass every check: revenue is recognised at service, expenses are categorised, payouts match."
    top = min(findings, key=lambda f: (SEVERITY_RANK[f.severity], -f.money_at_stake, f.key))
    return f"{plural(len(findings), 'accounting issue')}; the most pressing: {top.title}."


def accounting_report(snapshot: Snapshot) -> ReportDocument:
    """The Accounting / Controller report: revenue recognition, chart of accounts, expense
    categorisation, and bookings-to-payouts reconciliation."""
    parts = (
        recognition_section(snapshot),
        chart_section(snapshot),
        hygiene_section(snapshot),
        reconciliation_section(snapshot),
    )
    findings = tuple(f for _, found in parts for f in found) + _left_out_findings(snapshot)
    return compose(LENS, snapshot, _headline(snapshot, findings), tuple(section for section, _ in parts), findings)


def _left_out_findings(snapshot: Snapshot) -> tuple[Finding, ...]:
    """firstmate's bookings in another currency than the reports': counted in no figure, so said
    (a typo such as "UDS" before codes were checked, or business.yaml's currency changed)."""
    found = []
    for left in snapshot.left_out:
        bookings = plural(left.bookings, f"{left.currency} booking")
        # a refund of one of them undoes nothing counted: taken off, it made revenue less than was sold
        refunds = (
            f" {plural(left.refunds, 'refund')} of them in revenue.csv ({money(left.refunded, snapshot.currency)}) "
            f"{'is' if left.refunds == 1 else 'are'} not taken off either."
            if left.refunds
            else ""
        )
        found.append(
            Finding(
                key=f"{LENS}:other-currency:{left.currency}",
                title=f"{bookings} ({money(left.amount, left.currency)}) not counted",
                detail=(
                    f"The reports count {snapshot.currency}, the currency of business.yaml, so these bookings are in "
                    f"no revenue figure.{refunds} Check their currency, or record their revenue in "
                    f"{snapshot.currency}."
                ),
                severity=Severity.MEDIUM,
                owner=LENS,
                lens=LENS,
            )
        )
    return tuple(found)
