"""The portfolio billing audit: who owes what, how old it is, and which clients are likely not to pay."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from firstmate.domain.currencies import in_units_of
from firstmate.domain.reports.document import Card, Finding, ReportDocument, Section, Severity, Table, Tone, compose
from firstmate.domain.reports.format import (
    apportioned,
    count,
    money,
    money_of_rows,
    money_seen,
    pct,
    pct_seen,
    percents,
    plural,
    share_text,
)
from firstmate.domain.snapshot import Invoice, Snapshot

LENS = "billing"
ZERO = Decimal(0)
# Severity guide: HIGH = money at stake ≥ 1,000 or a security/legal exposure or a goal missed by > 20%;
# MEDIUM = smaller money or a clear gap; LOW = hygiene. Here the risk band sets it: high → HIGH, medium → MEDIUM.
# Money in a dollar's worth, scaled to the currency (`in_units_of`: ¥100,000).
BUCKETS = ("Current", "1–30", "31–60", "61–90", "90+")

#: Collection risk score, 0–100: the sum of these points per client with an open balance.
#: age: oldest days past due / 90 × 40, capped at 40; overdue share: past-due open / open × 25;
#: slow payer: 15 when paid invoices were paid on average more than 15 days after due;
#: partial: 10 when an open invoice is partly paid; concentration: 10 when the client holds > 40 % of
#: all receivables. Bands: ≥ 60 high, 30–59 medium, < 30 low.
RISK_POINTS = {
    "age": Decimal(40),
    "overdue_share": Decimal(25),
    "slow_payer": Decimal(15),
    "partial": Decimal(10),
    "concentration": Decimal(10),
}
AGE_FULL_DAYS = 90
SLOW_PAYER_DAYS = 15
CONCENTRATION_SHARE = Decimal("0.40")
HIGH_RISK_FROM = 60
OVERPAID_HIGH_FROM = Decimal(1000)  # the severity guide's money at stake
MEDIUM_RISK_FROM = 30
RISK_METHOD = (
    "Score 0–100 = min(oldest days past due / 90, 1) × 40 + past-due share of the client's open total × 25 "
    "+ 15 if invoices paid in full were paid on average > 15 days after due (paid_on − due) + 10 if an open invoice "
    "is partly paid + 10 if the client holds > 40% of all receivables; rounded. Bands: ≥ 60 high, 30–59 medium, "
    "< 30 low."
)


def days_past_due(invoice: Invoice, as_of: date) -> int:
    """(as_of − due) in days: 0 or less is not yet due."""
    return (as_of - invoice.due).days


def bucket(days: int) -> str:
    """The aging bucket of a number of days past due."""
    if days <= 0:
        return "Current"
    if days <= 30:
        return "1–30"
    if days <= 60:
        return "31–60"
    if days <= 90:
        return "61–90"
    return "90+"


@dataclass(frozen=True)
class ClientRisk:
    """A client's open balance and its collection risk score with the reasons behind it."""

    client: str
    open_total: Decimal
    open_count: int
    past_due: Decimal
    oldest_days: int
    score: int
    reasons: tuple[str, ...]
    past_due_count: int = 1  # open invoices past due

    @property
    def band(self) -> str:
        """ "high", "medium" or "low"."""
        if self.score >= HIGH_RISK_FROM:
            return "high"
        return "medium" if self.score >= MEDIUM_RISK_FROM else "low"


def _open(snapshot: Snapshot) -> list[Invoice]:
    return sorted((i for i in snapshot.invoices if i.open_amount > 0), key=lambda i: (i.client, i.due, i.id))


def client_risks(snapshot: Snapshot) -> list[ClientRisk]:
    """Every client with an open balance, scored; highest score first, then largest balance."""
    as_of = snapshot.as_of
    open_invoices = _open(snapshot)
    receivables = sum((i.open_amount for i in open_invoices), ZERO)
    by_client: dict[str, list[Invoice]] = defaultdict(list)
    for i in open_invoices:
        by_client[i.client].append(i)
    # the payment habit: invoices paid in full by the report's day (a part paid says nothing of when the rest comes)
    settled = [i for i in snapshot.invoices if i.paid_on is not None and i.open_amount == 0]
    risks = []
    for client, rows in by_client.items():
        paid = [i for i in settled if i.client == client]
        late = Decimal(sum((i.paid_on - i.due).days for i in paid if i.paid_on)) / len(paid) if paid else None
        risks.append(_score(client, rows, late, receivables, as_of))
    return sorted(risks, key=lambda r: (-r.score, -r.open_total, r.client))


def _score(client: str, rows: list[Invoice], late: Decimal | None, receivables: Decimal, as_of: date) -> ClientRisk:
    total = sum((i.open_amount for i in rows), ZERO)
    past_due = sum((i.open_amount for i in rows if days_past_due(i, as_of) > 0), ZERO)
    oldest = max(days_past_due(i, as_of) for i in rows)
    partial = [i.id for i in rows if 0 < i.paid_amount < i.amount]
    share = total / receivables
    points = min(Decimal(max(oldest, 0)) / AGE_FULL_DAYS, Decimal(1)) * RISK_POINTS["age"]
    points += past_due / total * RISK_POINTS["overdue_share"]
    reasons = [f"{plural(oldest, 'day')} past due"] if oldest > 0 else []
    if past_due:
        reasons.append(f"{pct_seen(past_due / total)} overdue")
    if late is not None and late > SLOW_PAYER_DAYS:
        points += RISK_POINTS["slow_payer"]
        reasons.append(f"pays {late.quantize(Decimal(1), ROUND_HALF_UP)} days late on average")
    if partial:
        points += RISK_POINTS["partial"]
        reasons.append(f"partial payment on {', '.join(partial)}")
    if share > CONCENTRATION_SHARE:
        points += RISK_POINTS["concentration"]
        reasons.append(f"{pct(share)} of all receivables")
    score = int(points.quantize(Decimal(1), ROUND_HALF_UP))
    overdue = sum(1 for i in rows if days_past_due(i, as_of) > 0)
    return ClientRisk(
        client, total, len(rows), past_due, oldest, score, tuple(reasons) or ("nothing overdue",), overdue
    )


def _oldest_text(days: int) -> str:
    return str(days) if days > 0 else "not due"


def _aging(snapshot: Snapshot) -> tuple[dict[tuple[str, str], Decimal], dict[str, int], dict[str, int]]:
    """Open amounts by (client, bucket), with ("", bucket) for all clients; invoices by bucket; and each
    bucket's share of the open total as the aging table shows it (whole percents that add up to 100%)."""
    amounts: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    counts: dict[str, int] = defaultdict(int)
    for i in _open(snapshot):
        b = bucket(days_past_due(i, snapshot.as_of))
        amounts[("", b)] += i.open_amount
        amounts[(i.client, b)] += i.open_amount
        counts[b] += 1
    return amounts, counts, dict(zip(BUCKETS, percents([amounts[("", b)] for b in BUCKETS]), strict=True))


def _share(share: dict[str, int], amounts: dict[tuple[str, str], Decimal], b: str) -> str:
    """Bucket `b`'s share of the open total as the aging table writes it ("<1%" for cents of a whole)."""
    return share_text(share[b], amounts[("", b)], sum((amounts[("", x)] for x in BUCKETS), ZERO))


def _past_due_text(risks: list[ClientRisk], cur: str) -> str:
    """All past due, as the rows show it added up, or in cents when that comes to no whole unit: 40¢ each
    from two clients read "$1" beside rows of "$0", and "$0 of it past due" in the headline."""
    return money_of_rows((r.past_due for r in risks), cur)


def receivables_section(snapshot: Snapshot, risks: list[ClientRisk]) -> Section:
    """Receivables by client: open total, open invoices, oldest days past due."""
    cur = snapshot.currency
    # the card's past-due share is the aging table's: 100% less its Current share (the card divided the
    # shown totals, 67% of open beside a table of Current 34%, so 66% past due)
    past_due_share = 100 - _aging(snapshot)[2]["Current"]
    exact_total, exact_past_due = sum((r.open_total for r in risks), ZERO), sum((r.past_due for r in risks), ZERO)
    # cents past due show as such, and the card's tone is theirs: 40¢ read "$0 [OK]" beside "1% of open"
    past_due_text = _past_due_text(risks, cur)
    rows = tuple(
        (
            r.client,
            money_seen(r.open_total, cur),
            count(r.open_count),
            _oldest_text(r.oldest_days),
            money_seen(r.past_due, cur),
        )
        for r in sorted(risks, key=lambda r: (-r.open_total, r.client))
    )
    cards = (
        # shown: the rows added as shown; raw: the exact figure, as every card's JSON has it
        Card(
            "Open receivables",
            money_of_rows((r.open_total for r in risks), cur),
            note=plural(len(risks), "client"),
            raw=exact_total,
        ),
        Card(
            "Past due",
            past_due_text,
            tone=Tone.ALERT if exact_past_due else Tone.OK,
            marker="[ALERT]" if exact_past_due else "[OK]",
            note=f"{share_text(past_due_share, exact_past_due, exact_total)} of open" if exact_total else "",
            raw=exact_past_due,
        ),
    )
    return Section(
        "Receivables by client",
        summary=f"{money_of_rows((r.open_total for r in risks), cur)} open across {plural(len(risks), 'client')}, "
        f"{past_due_text} past due.",
        cards=cards,
        tables=(
            Table(("Client", "Open", "Invoices open", "Oldest days past due", "Past due"), rows, title="Receivables"),
        ),
        method=(
            f"invoices.csv rows issued by {snapshot.as_of} with an open amount (amount − paid_amount, a payment dated "
            f"after {snapshot.as_of} not counted) above zero, by client. Days past due = {snapshot.as_of} − due; "
            "oldest = the largest over the client's open invoices. Totals add the amounts as shown; the past-due "
            "share is 100% less the aging table's Current share."
        ),
    )


def _aging_row(client: str, exact: list[Decimal], cells: list[Decimal], cur: str) -> tuple[str, ...]:
    """A client's aging row: whole units that add up to its total, or, when a bucket holding money comes
    to no whole unit there, the cents in every cell and the total (40¢ past due read "$0" across the row)."""
    if any(amount and not cell for amount, cell in zip(exact, cells, strict=True)):
        return (client, *(money(a, cur, cents=True) for a in exact), money(sum(exact, ZERO), cur, cents=True))
    return (client, *(money(cell, cur) for cell in cells), money(sum(cells, ZERO), cur))


def _client_cells(amounts: list[Decimal]) -> list[Decimal]:
    """A client's aging cells (Current first) in whole units, as the receivables table shows the client:
    the past-due cells add up to its past due there, and Current is the rest of its open total there
    (apportioned over all five, $10.50 current and $10.50 late read Current $11 and 1–30 $10 beside
    "$11" past due in the receivables)."""
    current, *late = amounts
    past_due = apportioned(late)
    return [(current + sum(late, ZERO)).quantize(Decimal(1), ROUND_HALF_UP) - sum(past_due, ZERO), *past_due]


def aging_section(snapshot: Snapshot) -> Section:
    """Invoice aging: open amounts by days-past-due bucket, in all and by client."""
    cur, as_of = snapshot.currency, snapshot.as_of
    open_invoices = _open(snapshot)
    # the shares add up to 100%, as a reader adding the column expects
    amounts, counts, share = _aging(snapshot)
    overall = Table(
        ("Bucket", "Invoices", "Amount", "% of open"),
        tuple((b, count(counts[b]), money_seen(amounts[("", b)], cur), _share(share, amounts, b)) for b in BUCKETS),
        title="Aging",
    )
    clients = sorted({i.client for i in open_invoices})
    cells = {c: _client_cells([amounts[(c, b)] for b in BUCKETS]) for c in clients}
    by_client = Table(
        ("Client", *BUCKETS, "Total"),
        tuple(_aging_row(c, [amounts[(c, b)] for b in BUCKETS], cells[c], cur) for c in clients),
        title="Aging by client",
    )
    over_90 = amounts[("", "90+")]
    return Section(
        "Invoice aging",
        summary=f"{money_seen(over_90, cur)} ({_share(share, amounts, '90+')}) of open receivables is more than 90 "
        "days past due.",
        cards=(
            Card(
                "Over 90 days",
                money_seen(over_90, cur),
                tone=Tone.ALERT if over_90 else Tone.OK,
                marker="[ALERT]" if over_90 else "[OK]",
                raw=over_90,
            ),
        ),
        tables=(overall, by_client),
        method=(
            f"invoices.csv rows with an open amount; days past due = {as_of} − due; buckets Current (≤ 0), 1–30, "
            "31–60, 61–90, 90+ (≥ 91) days; % = bucket amount / all open amounts, in whole percents that add up to "
            "100% (rounded down, then the largest remainders up; a bucket holding any amount that rounds to 0% "
            "reads <1%, one short of the whole that rounds to 100% reads >99%)."
        ),
    )


def risk_section(snapshot: Snapshot, risks: list[ClientRisk]) -> tuple[Section, tuple[Finding, ...]]:
    """Collection risk score per client, with its reasons; high and medium risk become findings."""
    cur = snapshot.currency
    rows = tuple((r.client, str(r.score), r.band, money_seen(r.past_due, cur), "; ".join(r.reasons)) for r in risks)
    high = [r for r in risks if r.band == "high"]
    findings = tuple(_risk_finding(r, cur) for r in risks if r.band != "low")
    high_due = money_of_rows((r.past_due for r in high), cur)  # as its rows show it, as "in all" is
    section = Section(
        "Collection risk by client",
        summary=(  # "0 high-risk clients, $0 past due" sat above a table of $4,200 past due
            f"{plural(len(high), 'high-risk client')} ({high_due} past due); "
            f"{_past_due_text(risks, cur)} past due in all."
        ),
        tables=(Table(("Client", "Score", "Risk", "Past due", "Reasons"), rows, title="Collection risk"),),
        method=f"invoices.csv: open invoices per client, and paid invoices for the payment habit. {RISK_METHOD}",
    )
    return section, findings


def _risk_finding(risk: ClientRisk, cur: str) -> Finding:
    if risk.past_due:
        title = f"Chase {risk.client} for {money_seen(risk.past_due, cur)} overdue {plural(risk.oldest_days, 'day')}"
        if risk.past_due_count > 1:  # "$5,900 overdue 65 days" read the whole as the oldest invoice's age
            title = (
                f"Chase {risk.client} for {money_seen(risk.past_due, cur)} past due on "
                f"{plural(risk.past_due_count, 'invoice')}, the oldest {plural(risk.oldest_days, 'day')}"
            )
    else:
        title = f"Watch {risk.client}: {money_seen(risk.open_total, cur)} open, collection risk {risk.score}/100"
    return Finding(
        key=f"{LENS}:collection-risk:{risk.client}",
        title=title,
        detail=f"Collection risk {risk.score}/100 ({risk.band}): {'; '.join(risk.reasons)}.",
        severity=Severity.HIGH if risk.band == "high" else Severity.MEDIUM,
        owner=LENS,
        money_at_stake=risk.past_due,
        lens=LENS,
    )


def _empty(snapshot: Snapshot) -> ReportDocument:
    missing = "No invoices yet: add invoices.csv to the data folder."
    if snapshot.invoices:
        missing = f"All {count(len(snapshot.invoices))} invoices in invoices.csv are paid in full: nothing is open."
    elif snapshot.invoices_issued_later:
        missing = f"No invoice in invoices.csv was issued by {snapshot.as_of}: nothing was open."
    titles = ("Receivables by client", "Invoice aging", "Collection risk by client")
    method = "invoices.csv rows with an open amount (amount − paid_amount) above zero."
    sections = tuple(Section(t, summary=missing, method=method) for t in titles)
    return compose(LENS, snapshot, missing, sections, overpaid_findings(snapshot))


def overpaid_findings(snapshot: Snapshot) -> tuple[Finding, ...]:
    """One finding per client who paid more than invoiced (by the report's day): a credit to apply to
    their open invoices or refund. It was ignored, so a client could be chased for $500 while $500
    of theirs sat in the books."""
    cur, extra = snapshot.currency, defaultdict(list)
    for invoice in snapshot.invoices:
        if invoice.paid_amount > invoice.amount:
            extra[invoice.client].append(invoice)
    findings = []
    for client, invoices in sorted(extra.items()):
        credit = sum((i.paid_amount - i.amount for i in invoices), ZERO)
        findings.append(
            Finding(
                key=f"{LENS}:overpaid:{client}",
                title=f"Apply or refund the {money_seen(credit, cur)} {client} overpaid",
                detail=(
                    f"Paid more than invoiced on {', '.join(i.id for i in invoices)}: set it against their open "
                    "invoices before chasing them, or refund it."
                ),
                severity=Severity.HIGH if credit >= in_units_of(OVERPAID_HIGH_FROM, cur) else Severity.MEDIUM,
                owner=LENS,
                money_at_stake=credit,
                lens=LENS,
            )
        )
    return tuple(findings)


def billing_report(snapshot: Snapshot) -> ReportDocument:
    """The portfolio billing audit: receivables by client, invoice aging and collection risk."""
    risks = client_risks(snapshot)
    if not risks:
        return _empty(snapshot)
    cur = snapshot.currency
    risk, findings = risk_section(snapshot, risks)
    open_text = money_of_rows((r.open_total for r in risks), cur)
    headline = f"{open_text} is open across {plural(len(risks), 'client')}, {_past_due_text(risks, cur)} of it past due"
    top = risks[0]
    headline += f"; highest collection risk: {top.client} ({top.score}/100)." if top.band != "low" else "."
    sections = (receivables_section(snapshot, risks), aging_section(snapshot), risk)
    return compose(LENS, snapshot, headline, sections, findings + overpaid_findings(snapshot))
