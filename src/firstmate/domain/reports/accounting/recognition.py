"""The revenue recognition audit: recorded against recognised by month, the lets occupancy.csv alone holds,
deferred revenue, deposits booked as revenue and lines recorded late."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from firstmate.domain.reports.accounting.amounts import LENS, ZERO, by_money, exact, flag_card, has_cents, lines_total
from firstmate.domain.reports.cfo import unlisted_rentals
from firstmate.domain.reports.cfo.revenue import revenue_by_month
from firstmate.domain.reports.document import Card, Finding, Section, Severity, Table, Tone
from firstmate.domain.reports.format import REVENUE_LINES, count, money, month_label, months_back, plural, whole
from firstmate.domain.snapshot import RevenueLine, Snapshot

RECOGNITION_MONTHS = 6


#: The current month's cell of lets kept in occupancy.csv alone, which counts them once the month is over.
MONTH_NOT_OVER = "month not over"
LETS_BESIDE = "the lets kept in occupancy.csv alone, which the CFO and CEO count as revenue, are shown beside them"


def recognition_months(as_of: date) -> list[date]:
    """The full months the recognition table shows, then the current one (first days)."""
    return [*months_back(as_of, RECOGNITION_MONTHS), as_of.replace(day=1)]


def _recognition_table(snapshot: Snapshot) -> Table:
    as_of = snapshot.as_of
    months = recognition_months(as_of)
    recorded: dict[date, Decimal] = defaultdict(lambda: ZERO)
    recognised: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for line in snapshot.revenue:  # the books of the report's day (`books_on`): recorded by then
        recorded[line.recorded_on.replace(day=1)] += line.amount
        if line.service_date <= as_of:  # the current month has earned only what was served by today
            recognised[line.service_date.replace(day=1)] += line.amount
    lets = occupancy_lets(snapshot, months)
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


def occupancy_lets(snapshot: Snapshot, months: list[date]) -> dict[date, Decimal]:
    """Each month's occupancy.csv revenue of the rentals no revenue line of the month names, as the
    CFO and CEO count it (`unlisted_rentals`); empty when there is none. The books (revenue lines)
    do not hold it, so it is shown beside them: without it a month read less here than there."""
    index = revenue_by_month(snapshot)  # a month's lines by service date; a day not the first holds none
    by_service = {m: list(index.get((m.year, m.month), ())) if m.day == 1 else [] for m in months}
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
    lets = bool(occupancy_lets(snapshot, recognition_months(as_of)))
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
        Card(
            "Deferred revenue",
            exact(lines_total(deferred), cur),
            note=plural(len(deferred), "line"),
            raw=lines_total(deferred),
        ),
        flag_card("Deposits booked as revenue", lines_total(deposits), cur, plural(len(deposits), "deposit")),
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
    summary = f"Deferred revenue at {as_of:%d %b %Y} is {exact(lines_total(deferred), cur)}."
    if not snapshot.revenue:
        summary = f"No revenue lines in the books; {LETS_BESIDE}."
    section = Section("Revenue recognition audit", summary, cards, tuple(tables), method=method)
    return section, _deposit_finding(deposits, cur) + _late_finding(late, cur)


def _lines_table(title: str, lines: list[RevenueLine], snapshot: Snapshot) -> Table:
    rows = tuple(
        (
            _line_name(r),
            snapshot.entity_name(r.entity),
            str(r.recorded_on),
            str(r.service_date),
            exact(r.amount, snapshot.currency),
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
    total = lines_total(deposits)
    if total <= 0:  # refunded deposits can net to nothing left to move
        return ()
    return (
        Finding(
            key=f"{LENS}:deposits:deferred",
            title=f"Move {exact(total, cur)} of deposits to deferred revenue",
            detail=(
                f"{plural(len(deposits), 'deposit')} for services from {deposits[0].service_date} to "
                f"{deposits[-1].service_date} sit in revenue; a deposit is a liability until its service date."
            ),
            severity=by_money(total, cur),
            owner=LENS,
            money_at_stake=total,
            lens=LENS,
            in_cents=has_cents(total),
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
                f"{plural(len(late), 'line')} ({money(lines_total(late), cur)}) recorded in a month after their "
                "service, so past months understate revenue; timing only, no cash at stake."
            ),
            severity=Severity.LOW,
            owner=LENS,
            lens=LENS,
        ),
    )
