"""The Logistics director lens: are deliveries on time, and is every delivered job billed and collected."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from firstmate.domain.currencies import in_units_of
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
from firstmate.domain.reports.format import CENT, count, money, pct, plural, shown_total
from firstmate.domain.snapshot import Delivery, Snapshot

LENS = "logistics"
ZERO = Decimal(0)
# Severity guide: HIGH = money at stake ≥ 1,000 or a security/legal exposure or a goal missed by > 20%;
# MEDIUM = smaller money or a clear gap; LOW = hygiene.
HIGH_FROM = Decimal(1000)
SLA_DAYS = 90
ON_TIME_TARGET = Decimal("0.90")
PAYMENT_TERMS_DAYS = 30  # an invoice younger than this is not yet late
NO_DATA = "No deliveries yet: add deliveries.csv to the data folder."


def _by_money(amount: Decimal, currency: str) -> Severity:
    return Severity.HIGH if amount >= in_units_of(HIGH_FROM, currency) else Severity.MEDIUM


def _late_days(d: Delivery) -> int:
    """Days delivered after the promised date (0 when on time)."""
    return max((d.delivered - d.promised).days, 0) if d.delivered else 0


def _one_decimal(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), ROUND_HALF_UP))


def recent(snapshot: Snapshot) -> list[Delivery]:
    """Deliveries delivered in the last 90 days (as_of − 90 days < delivered ≤ as_of)."""
    start = snapshot.as_of - timedelta(days=SLA_DAYS)
    done = (d for d in snapshot.deliveries if d.delivered and start < d.delivered <= snapshot.as_of)
    return sorted(done, key=lambda d: (d.delivered, d.id))


def _sla_row(name: str, rows: list[Delivery]) -> tuple[str, ...]:
    late = [_late_days(d) for d in rows if _late_days(d) > 0]
    on_time = len(rows) - len(late)
    average = _one_decimal(Decimal(sum(late)) / len(late) if late else ZERO)
    return (
        name,
        count(len(rows)),
        count(on_time),
        pct(Decimal(on_time) / len(rows)),
        average,
        str(max(late, default=0)),
    )


def _sla_table(title: str, first: str, rows: list[Delivery], key: Callable[[Delivery], str]) -> Table:
    groups: dict[str, list[Delivery]] = defaultdict(list)
    for d in rows:
        groups[key(d)].append(d)
    columns = (first, "Delivered", "On time", "On-time rate", "Avg late days", "Max late days")
    return Table(columns, tuple(_sla_row(name, groups[name]) for name in sorted(groups)), title=title)


@dataclass(frozen=True)
class Billed:
    """What an entity's (or every entity's, "") deliveries billed above zero: the average that values a job
    with nothing billed, and what it is worked out from, shown beside it."""

    entity: str
    billed: Decimal
    deliveries: int

    @property
    def average(self) -> Decimal:
        return (self.billed / self.deliveries).quantize(CENT)


def estimates(snapshot: Snapshot) -> dict[str, Billed]:
    """Billed per delivery for each entity (deliveries with billed > 0); "" holds every entity's, the
    fallback for an entity with none."""
    billed: dict[str, list[Decimal]] = defaultdict(list)
    for d in snapshot.deliveries:
        if d.billed > 0:
            billed[d.entity].append(d.billed)
            billed[""].append(d.billed)
    return {entity: Billed(entity, sum(amounts, ZERO), len(amounts)) for entity, amounts in billed.items()}


def _basis(d: Delivery, averages: dict[str, Billed]) -> Billed | None:
    return averages.get(d.entity, averages.get(""))


def _estimate(d: Delivery, averages: dict[str, Billed]) -> Decimal:
    basis = _basis(d, averages)
    return d.billed or (basis.average if basis else ZERO)


def basis_text(d: Delivery, averages: dict[str, Billed], snapshot: Snapshot) -> str:
    """How an unbilled job's value is worked out, to redo it: "Bluewater Yacht Delivery's average billed per
    delivery: $45,138 billed over 12 deliveries = $3,762" (it read "about $3,762" alone)."""
    basis, cur = _basis(d, averages), snapshot.currency
    if basis is None:
        return "no delivery has been billed yet to work out an average from"
    whose = f"{snapshot.entity_name(basis.entity)}'s" if basis.entity else "every business's"  # no "the"
    if basis.entity != d.entity:
        whose += f" ({snapshot.entity_name(d.entity)} has no delivery billed)"
    deliveries = plural(basis.deliveries, "delivery", "deliveries")
    return (
        f"{whose} average billed per delivery: {money(basis.billed, cur)} billed over {deliveries} = "
        f"{money(basis.average, cur)}"
    )


def _overdue(snapshot: Snapshot) -> list[Delivery]:
    late = (d for d in snapshot.deliveries if d.delivered is None and d.promised < snapshot.as_of)
    return sorted(late, key=lambda d: (d.promised, d.id))


def sla_section(snapshot: Snapshot) -> tuple[Section, tuple[Finding, ...]]:
    """Delivery SLA over the last 90 days: on-time rate, late days, by entity and client; open
    deliveries past their promised date."""
    as_of = snapshot.as_of
    method = (
        f"deliveries.csv rows delivered from {as_of - timedelta(days=SLA_DAYS - 1)} to {as_of}. On time = delivered ≤ "
        "promised; on-time rate = on time / delivered; late days = delivered − promised for late ones (average, max). "
        f"Overdue = not delivered and promised before {as_of}; days overdue = {as_of} − promised. Target "
        f"{pct(ON_TIME_TARGET)} on time."
    )
    if not snapshot.deliveries:
        return Section("Delivery SLA", summary=NO_DATA, method=method), ()
    done, overdue = recent(snapshot), _overdue(snapshot)
    cards: list[Card] = []
    tables: list[Table] = []
    findings: list[Finding] = []
    summary = f"No delivery completed in the last {SLA_DAYS} days."
    if done:
        rate = Decimal(sum(1 for d in done if _late_days(d) == 0)) / len(done)
        cards += _sla_cards(done, rate)
        tables += [
            _sla_table("By entity", "Entity", done, lambda d: snapshot.entity_name(d.entity)),
            _sla_table("By client", "Client", done, lambda d: d.client),
        ]
        summary = (
            f"{pct(rate)} of {plural(len(done), 'delivery', 'deliveries')} in the last {SLA_DAYS} days were on time."
        )
        findings += _rate_finding(rate, len(done))
    cards.append(_flag_card("Overdue open deliveries", len(overdue)))
    if overdue:
        averages = estimates(snapshot)
        rows = tuple(
            (d.id, snapshot.entity_name(d.entity), d.client, str(d.promised), str((as_of - d.promised).days))
            for d in overdue
        )
        tables.append(Table(("Delivery", "Entity", "Client", "Promised", "Days overdue"), rows, title="Overdue"))
        findings += [_overdue_finding(d, (as_of - d.promised).days, averages, snapshot) for d in overdue]
    return Section("Delivery SLA", summary, tuple(cards), tuple(tables), method=method), tuple(findings)


def _flag_card(label: str, number: int) -> Card:
    bad = number > 0
    return Card(
        label,
        count(number),
        tone=Tone.ALERT if bad else Tone.OK,
        marker="[ALERT]" if bad else "[OK]",
        raw=Decimal(number),
    )


def _sla_cards(done: list[Delivery], rate: Decimal) -> list[Card]:
    late = [_late_days(d) for d in done if _late_days(d) > 0]
    average = Decimal(sum(late)) / len(late) if late else ZERO
    ok = rate >= ON_TIME_TARGET
    return [
        Card(
            "On-time rate",
            pct(rate),
            tone=Tone.OK if ok else Tone.ALERT,
            marker="[OK]" if ok else "[ALERT]",
            note=f"{count(len(done) - len(late))} of {count(len(done))} on time; target {pct(ON_TIME_TARGET)}",
            raw=rate,
        ),
        Card(
            "Average late days",
            _one_decimal(average),
            note=f"over {plural(len(late), 'late delivery', 'late deliveries')}",
            raw=average,
        ),
        Card("Max late days", str(max(late, default=0)), raw=Decimal(max(late, default=0))),
    ]


def _rate_finding(rate: Decimal, delivered: int) -> list[Finding]:
    if rate >= ON_TIME_TARGET:
        return []
    return [
        Finding(
            key=f"{LENS}:on-time-rate:all",
            title=f"Raise the on-time rate from {pct(rate)} to {pct(ON_TIME_TARGET)}",
            detail=f"{pct(rate)} of {count(delivered)} deliveries in the last {SLA_DAYS} days met their promised date.",
            # a target missed by more than 20 % of itself is HIGH
            severity=Severity.HIGH if rate < ON_TIME_TARGET * Decimal("0.8") else Severity.MEDIUM,
            owner=LENS,
            lens=LENS,
        )
    ]


def _overdue_finding(d: Delivery, days: int, averages: dict[str, Billed], snapshot: Snapshot) -> Finding:
    value, cur = _estimate(d, averages), snapshot.currency
    if d.billed:
        worth = f"{money(value, cur)}, as billed"
    else:
        worth = f"about {money(value, cur)}" if value else "an amount unknown"
        worth += f", {basis_text(d, averages, snapshot)}"
    return Finding(
        key=f"{LENS}:overdue:{d.id}",
        title=f"Deliver {d.id} for {d.client}: {plural(days, 'day')} past the promised date",
        detail=f"Promised {d.promised}, not delivered; the job is worth {worth}.",
        severity=Severity.HIGH,
        owner=LENS,
        money_at_stake=value,
        lens=LENS,
    )


def billing_audit_section(snapshot: Snapshot) -> tuple[Section, tuple[Finding, ...]]:
    """Delivered but not billed, billed but not collected, and collected above billed."""
    as_of, cur = snapshot.as_of, snapshot.currency
    method = (
        f"deliveries.csv, all rows (delivered = by {as_of}; a job delivered after it is neither billed nor collected "
        f"yet; one billed_on or collected_on after {as_of} is not billed, or not collected, yet). Not billed = "
        "delivered with billed 0; its value is "
        "estimated as the entity's "
        "average billed per delivery (deliveries with billed > 0; all entities when it has none). Not collected = "
        f"collected < billed, outstanding = billed − collected (the summary adds the rows as shown), days since "
        f"delivery = {as_of} − delivered. Overpaid = collected > billed."
    )
    if not snapshot.deliveries:
        return Section("Billing audit", summary=NO_DATA, method=method), ()
    averages = estimates(snapshot)
    ordered = sorted(snapshot.deliveries, key=lambda d: (d.delivered or d.promised, d.id))
    unbilled = [d for d in ordered if d.delivered and d.billed == 0]
    uncollected = [d for d in ordered if d.collected < d.billed]
    overpaid = [d for d in ordered if d.collected > d.billed]
    tables = []
    if unbilled:
        unbilled_rows = tuple((d.id, d.client, str(d.delivered), money(_estimate(d, averages), cur)) for d in unbilled)
        tables.append(
            Table(("Delivery", "Client", "Delivered", "Estimated value"), unbilled_rows, title="Delivered, not billed")
        )
    if uncollected:
        open_rows = tuple(
            (d.id, d.client, money(d.billed, cur), money(d.billed - d.collected, cur), _age(d, snapshot))
            for d in uncollected
        )
        columns = ("Delivery", "Client", "Billed", "Outstanding", "Days since delivery")
        tables.append(Table(columns, open_rows, title="Billed, not collected"))
    if overpaid:
        over_rows = tuple((d.id, d.client, money(d.billed, cur), money(d.collected - d.billed, cur)) for d in overpaid)
        tables.append(Table(("Delivery", "Client", "Billed", "Overpaid by"), over_rows, title="Collected above billed"))
    findings = (
        [_unbilled_finding(d, averages, snapshot) for d in unbilled]
        + [_uncollected_finding(d, snapshot) for d in uncollected]
        + [_overpaid_finding(d, cur) for d in overpaid]
    )
    # the Outstanding rows added as they show (rounded once, $401 and $401 read $801)
    outstanding = shown_total(d.billed - d.collected for d in uncollected)
    summary = (
        f"{plural(len(unbilled), 'delivered job')} not billed; {money(outstanding, cur)} billed and not collected; "
        f"{plural(len(overpaid), 'job')} overpaid."
    )
    bases = dict.fromkeys(basis_text(d, averages, snapshot) for d in unbilled)  # each once, in the table's order
    bullets = tuple(f"Estimated value: {basis}." for basis in bases) + _undated(snapshot)
    return Section("Billing audit", summary, tables=tuple(tables), bullets=bullets, method=method), tuple(findings)


def _undated(snapshot: Snapshot) -> tuple[str, ...]:
    """In a past day's report, the jobs whose billing deliveries.csv does not date: read as the file reads now,
    a payment received since reads as collected then, and nothing said so."""
    if snapshot.read_on is None:
        return ()
    undated = [
        d for d in snapshot.deliveries
        if (d.billed and d.billed_on is None) or (d.collected and d.collected_on is None)
    ]  # fmt: skip
    if not undated:
        return ()
    whose = "1 job's" if len(undated) == 1 else f"{len(undated)} jobs'"
    return (
        f"{whose} billed and collected amounts have no billed_on or collected_on in deliveries.csv: they are read as "
        f"deliveries.csv reads on {snapshot.read_on}, not as they stood on {snapshot.as_of}. Add those dates to leave "
        "out what was billed or paid later.",
    )


def _age(d: Delivery, snapshot: Snapshot) -> str:
    return str((snapshot.as_of - d.delivered).days) if d.delivered else "not delivered"


def _unbilled_finding(d: Delivery, averages: dict[str, Billed], snapshot: Snapshot) -> Finding:
    value = _estimate(d, averages)
    worth = f"about {money(value, snapshot.currency)}" if value else "amount unknown"
    return Finding(
        key=f"{LENS}:unbilled:{d.id}",
        title=f"Bill {d.client} for delivery {d.id} ({worth})",
        detail=f"Delivered {d.delivered} with nothing billed; {worth}"
        f"{' is an estimate' if value else ''}: {basis_text(d, averages, snapshot)}.",
        severity=Severity.HIGH,
        owner="billing",
        money_at_stake=value,
        lens=LENS,
    )


def _uncollected_finding(d: Delivery, snapshot: Snapshot) -> Finding:
    outstanding, cur = d.billed - d.collected, snapshot.currency
    days = (snapshot.as_of - d.delivered).days if d.delivered else 0
    # within payment terms the balance is not late yet: LOW; past them the severity guide applies
    severity = _by_money(outstanding, cur) if days > PAYMENT_TERMS_DAYS else Severity.LOW
    return Finding(
        key=f"{LENS}:uncollected:{d.id}",
        title=f"Collect {money(outstanding, cur)} from {d.client} for delivery {d.id}",
        detail=f"Billed {money(d.billed, cur)}, collected {money(d.collected, cur)}; {plural(days, 'day')} since "
        "delivery."
        if d.delivered
        else f"Billed {money(d.billed, cur)}, collected {money(d.collected, cur)}; not delivered yet.",
        severity=severity,
        owner="billing",
        money_at_stake=outstanding,
        lens=LENS,
    )


def _overpaid_finding(d: Delivery, cur: str) -> Finding:
    extra = d.collected - d.billed
    return Finding(
        key=f"{LENS}:overpaid:{d.id}",
        title=f"Overpaid? Refund or apply {money(extra, cur)} from {d.client} on delivery {d.id}",
        detail=f"Collected {money(d.collected, cur)} against {money(d.billed, cur)} billed.",
        severity=_by_money(extra, cur),
        owner="billing",
        money_at_stake=extra,
        lens=LENS,
    )


def _headline(snapshot: Snapshot, sla: Section, findings: tuple[Finding, ...]) -> str:
    if not snapshot.deliveries:
        return NO_DATA
    if not findings:
        return sla.summary
    top = min(findings, key=lambda f: (SEVERITY_RANK[f.severity], -f.money_at_stake, f.key))
    return f"{sla.summary.rstrip('.')}; most pressing: {top.title}."


def logistics_report(snapshot: Snapshot) -> ReportDocument:
    """The Logistics director report: delivery SLA and the billing audit of deliveries, as they stood
    on the report's day (`books_on`)."""
    sla, sla_findings = sla_section(snapshot)
    audit, audit_findings = billing_audit_section(snapshot)
    findings = sla_findings + audit_findings
    return compose(LENS, snapshot, _headline(snapshot, sla, findings), (sla, audit), findings)
