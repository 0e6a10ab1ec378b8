"""The portfolio billing audit: receivables, aging buckets at their boundaries, and the collection
risk score, on small hand-computed invoice books."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from firstmate.domain.reports.billing import billing_report, bucket, client_risks
from firstmate.domain.reports.books import books_on
from firstmate.domain.reports.document import Severity, Tone
from firstmate.domain.snapshot import Invoice, Snapshot

AS_OF = date(2026, 11, 21)


def _invoice(id_: str, client: str, days_past_due: int, amount: int, paid: int = 0, **kw: object) -> Invoice:
    due = AS_OF - timedelta(days=days_past_due)
    return Invoice.model_validate(
        {"id": id_, "entity": "studio", "client": client, "issued": due - timedelta(days=30), "due": due,
         "amount": Decimal(amount), "paid_amount": Decimal(paid), **kw}
    )  # fmt: skip


def _snapshot(*invoices: Invoice) -> Snapshot:
    """The books on AS_OF, as the reports read them (`books_on`)."""
    return books_on(Snapshot(org_id="acme", org_name="Acme Harbour", as_of=AS_OF, invoices=invoices))


@pytest.mark.parametrize(
    ("days", "expected"),
    [(-5, "Current"), (0, "Current"), (1, "1–30"), (30, "1–30"), (31, "31–60"), (60, "31–60"),
     (61, "61–90"), (90, "61–90"), (91, "90+")],
)  # fmt: skip
def test_bucket_boundaries(days: int, expected: str) -> None:
    assert bucket(days) == expected


def test_aging_table_puts_each_boundary_invoice_in_its_bucket() -> None:
    # one invoice per boundary, days past due → amount: 0→100, 1→200, 30→300, 31→400, 60→500, 61→600,
    # 90→700, 91→800; open total 3,600
    days = (0, 1, 30, 31, 60, 61, 90, 91)
    invoices = [_invoice(f"INV-{d}", "Heron Bay Studio", d, 100 * (i + 1)) for i, d in enumerate(days)]
    doc = billing_report(_snapshot(*invoices))
    aging = next(s for s in doc.sections if s.title == "Invoice aging")
    rows = {row[0]: row[1:] for row in aging.tables[0].rows}
    assert rows["Current"] == ("1", "$100", "3%")  # 100 / 3,600 = 2.8%
    assert rows["1–30"] == ("2", "$500", "14%")  # 200 + 300; 500 / 3,600 = 13.9%
    assert rows["31–60"] == ("2", "$900", "25%")  # 400 + 500
    assert rows["61–90"] == ("2", "$1,300", "36%")  # 600 + 700; 36.1%
    assert rows["90+"] == ("1", "$800", "22%")  # 22.2%
    by_client = aging.tables[1]
    assert by_client.rows == (("Heron Bay Studio", "$100", "$500", "$900", "$1,300", "$800", "$3,600"),)
    assert aging.cards[0].value == "$800" and aging.cards[0].tone is Tone.ALERT


def _risk_book() -> Snapshot:
    return _snapshot(
        # Pelican Ridge: 3,000 open 75 days past due (partly paid), 1,000 not yet due; paid two invoices
        # 21 days late each
        _invoice("A1", "Pelican Ridge Studio", 75, 4000, paid=1000),
        _invoice("A2", "Pelican Ridge Studio", -10, 1000),
        _invoice("A3", "Pelican Ridge Studio", 120, 500, paid=500, paid_on=AS_OF - timedelta(days=99)),
        _invoice("A4", "Pelican Ridge Studio", 90, 500, paid=500, paid_on=AS_OF - timedelta(days=69)),
        # Osprey: 2,000 open 20 days past due, no payment history
        _invoice("B1", "Osprey Cabinetry", 20, 2000),
        # Gannet paid in full: nothing open, not scored
        _invoice("C1", "Gannet Print", 40, 700, paid=700, paid_on=AS_OF - timedelta(days=38)),
    )


def test_collection_risk_score_adds_its_documented_points() -> None:
    risks = {r.client: r for r in client_risks(_risk_book())}
    assert set(risks) == {"Pelican Ridge Studio", "Osprey Cabinetry"}
    pelican = risks["Pelican Ridge Studio"]
    # 75/90 × 40 = 33.33 + 3,000/4,000 × 25 = 18.75 + 15 (21 days late on average) + 10 (partial A1)
    # + 10 (4,000 of 6,000 = 67% of receivables) = 87.08 → 87
    assert pelican.score == 87 and pelican.band == "high"
    assert pelican.reasons == (
        "75 days past due",
        "75% overdue",
        "pays 21 days late on average",
        "partial payment on A1",
        "67% of all receivables",
    )
    osprey = risks["Osprey Cabinetry"]
    # 20/90 × 40 = 8.89 + 2,000/2,000 × 25 = 25 → 33.89 → 34 (33% of receivables: no concentration points)
    assert osprey.score == 34 and osprey.band == "medium"


def test_risky_clients_become_findings_with_their_past_due_money() -> None:
    doc = billing_report(_risk_book())
    findings = {f.key: f for f in doc.findings}
    assert set(findings) == {"billing:collection-risk:Pelican Ridge Studio", "billing:collection-risk:Osprey Cabinetry"}
    pelican = findings["billing:collection-risk:Pelican Ridge Studio"]
    assert pelican.title == "Chase Pelican Ridge Studio for $3,000 overdue 75 days"
    assert (pelican.severity, pelican.money_at_stake, pelican.owner) == (Severity.HIGH, Decimal(3000), "billing")
    osprey = findings["billing:collection-risk:Osprey Cabinetry"]
    assert (osprey.severity, osprey.money_at_stake) == (Severity.MEDIUM, Decimal(2000))
    assert doc.headline.startswith("$6,000 is open across 2 clients, $5,000 of it past due")


def test_receivables_by_client_lists_open_totals_largest_first() -> None:
    doc = billing_report(_risk_book())
    receivables = doc.sections[0]
    # Pelican: 3,000 + 1,000 open on 2 invoices, oldest 75 days; Osprey: 2,000 on 1, 20 days
    assert receivables.tables[0].rows == (
        ("Pelican Ridge Studio", "$4,000", "2", "75", "$3,000"),
        ("Osprey Cabinetry", "$2,000", "1", "20", "$2,000"),
    )
    assert receivables.cards[0].raw == Decimal(6000)
    assert receivables.cards[1].value == "$5,000" and receivables.cards[1].marker == "[ALERT]"
    assert all(s.method for s in doc.sections)


def test_a_client_with_nothing_overdue_is_low_risk_and_raises_nothing() -> None:
    # one client, not due: 0 + 0 + 10 (100% of receivables) = 10 → low
    doc = billing_report(_snapshot(_invoice("D1", "Tern Bakery", -3, 900)))
    assert client_risks(_snapshot(_invoice("D1", "Tern Bakery", -3, 900)))[0].score == 10
    assert doc.findings == ()
    assert doc.sections[2].tables[0].rows == (("Tern Bakery", "10", "low", "$0", "100% of all receivables"),)


def test_empty_and_fully_paid_books_say_what_is_missing() -> None:
    empty = billing_report(Snapshot(org_id="x", org_name="X", as_of=AS_OF))
    assert empty.headline == "No invoices yet: add invoices.csv to the data folder."
    assert [s.summary for s in empty.sections] == ["No invoices yet: add invoices.csv to the data folder."] * 3
    assert empty.findings == () and empty.actions == ()
    paid = billing_report(_snapshot(_invoice("E1", "Tern Bakery", 10, 100, paid=100, paid_on=AS_OF)))
    assert "paid in full" in paid.headline and paid.findings == ()


def test_a_report_as_of_a_past_day_sees_the_invoices_as_they_stood_then() -> None:
    later = AS_OF + timedelta(days=12)
    doc = billing_report(
        _snapshot(
            _invoice("E1", "Heron Bay Studio", 31, 4200),
            # paid after the report's day: still open on it
            _invoice("E2", "Heron Bay Studio", -10, 1800, paid_on=later),
            # issued after the report's day: not an invoice yet
            _invoice("E3", "Osprey Cabinetry", -40, 900).model_copy(update={"issued": AS_OF + timedelta(days=7)}),
        )
    )
    receivables = next(s for s in doc.sections if s.title == "Receivables by client")
    assert receivables.cards[0].value == "$6,000" and receivables.tables[0].rows == (
        ("Heron Bay Studio", "$6,000", "2", "31", "$4,200"),
    )


def test_totals_add_up_the_amounts_as_their_rows_show_them() -> None:
    doc = billing_report(_snapshot(_invoice("F1", "Heron Bay Studio", 5, 100, paid=0) .model_copy(
        update={"amount": Decimal("100.50")}), _invoice("F2", "Osprey Cabinetry", 5, 200).model_copy(
        update={"amount": Decimal("200.50")})))  # fmt: skip
    receivables = next(s for s in doc.sections if s.title == "Receivables by client")
    assert [row[1] for row in receivables.tables[0].rows] == ["$201", "$101"]
    assert receivables.cards[0].value == "$302"  # the rows' $201 + $101, not $301.00 rounded
    assert doc.headline.startswith("$302 is open")


def test_the_payment_habit_counts_invoices_paid_in_full_by_the_report_day() -> None:
    # paid 40 days late, but after the report's day; and a part paid 30 days late, the rest still owed
    risks = client_risks(
        _snapshot(
            _invoice("G1", "Heron Bay Studio", 50, 500, paid=500, paid_on=AS_OF + timedelta(days=3)),
            _invoice("G2", "Heron Bay Studio", 40, 800, paid=300, paid_on=AS_OF - timedelta(days=10)),
        )
    )
    assert not any("days late on average" in reason for reason in risks[0].reasons)


def test_the_risk_summary_says_what_is_past_due_in_all_beside_the_high_risk_clients() -> None:
    risk = next(
        s
        for s in billing_report(_snapshot(_invoice("H1", "Heron Bay Studio", 31, 4200))).sections
        if s.title == "Collection risk by client"
    )
    # a medium-risk client alone: "0 high-risk clients, $0 past due" sat above its $4,200 past due
    assert risk.summary == "0 high-risk clients ($0 past due); $4,200 past due in all."


def test_a_client_who_paid_more_than_invoiced_holds_a_credit_to_apply_or_refund() -> None:
    doc = billing_report(
        _snapshot(
            _invoice("J1", "Heron Bay Studio", 40, 500, paid=1000, paid_on=AS_OF - timedelta(days=30)),
            _invoice("J2", "Heron Bay Studio", 10, 500),
        )
    )
    overpaid = next(f for f in doc.findings if f.key == "billing:overpaid:Heron Bay Studio")
    assert overpaid.title == "Apply or refund the $500 Heron Bay Studio overpaid" and overpaid.money_at_stake == 500
    assert "J1" in overpaid.detail and overpaid.severity is Severity.MEDIUM
    # nothing open at all: the credit is still said
    paid_up = billing_report(_snapshot(_invoice("K1", "Osprey Cabinetry", 40, 500, paid=2000, paid_on=AS_OF)))
    assert [f.key for f in paid_up.findings] == ["billing:overpaid:Osprey Cabinetry"]


def test_a_clients_total_is_one_figure_in_both_tables_and_its_cells_add_up_to_it() -> None:
    """A review: two $100.50 invoices in two buckets showed $101 + $101 = $202 in the aging table and
    $201 in the receivables; the cards' JSON held the rounded $202, not the books' $201.00."""
    doc = billing_report(
        _snapshot(
            _invoice("L1", "Heron Bay Studio", 5, 100).model_copy(update={"amount": Decimal("100.50")}),
            _invoice("L2", "Heron Bay Studio", 45, 100).model_copy(update={"amount": Decimal("100.50")}),
        )
    )
    receivables = next(s for s in doc.sections if s.title == "Receivables by client")
    aging = next(s for s in doc.sections if s.title == "Invoice aging")
    [client] = receivables.tables[0].rows
    [row] = aging.tables[1].rows
    assert client[1] == row[-1] == "$201"
    assert sum(int(cell.lstrip("$")) for cell in row[1:-1]) == 201
    assert receivables.cards[0].value == "$201" and receivables.cards[0].raw == Decimal("201.00")


def test_a_clients_past_due_is_one_figure_in_both_tables() -> None:
    """$10.50 current and $10.50 a week late read "$11" past due in the receivables, and Current $11 beside
    1–30 $10 in the client's aging row (the row's whole dollars went to the first of two equal remainders)."""
    late = _invoice("L1", "Heron Bay Studio", 7, 10).model_copy(update={"amount": Decimal("10.50")})
    due = _invoice("L2", "Heron Bay Studio", -7, 10).model_copy(update={"amount": Decimal("10.50")})
    doc = billing_report(_snapshot(late, due))
    receivables = next(s for s in doc.sections if s.title == "Receivables by client")
    aging = next(s for s in doc.sections if s.title == "Invoice aging")
    [client] = receivables.tables[0].rows
    [row] = aging.tables[1].rows
    assert (client[1], client[-1]) == ("$21", "$11")
    assert row == ("Heron Bay Studio", "$10", "$11", "$0", "$0", "$0", "$21")


@pytest.mark.parametrize(
    ("amounts", "shown"),
    [
        # thirds: 33.3% each read 33% + 33% + 33% = 99%; the largest remainder (a tie: the first) takes the 1%
        ({"Current": 100, "1–30": 100, "90+": 100}, {"Current": "34%", "1–30": "33%", "90+": "33%"}),
        # 50.5% and 49.5% read 51% + 50% = 101%
        ({"Current": 101, "90+": 99}, {"Current": "51%", "90+": "49%"}),
        # $6 of $1,000 read "$6 (0%) … more than 90 days past due": a bucket holding any amount reads "<1%"
        # when it rounds to 0 (a floor of 1%, taken from the largest, moved Current off its 49.7%)
        ({"Current": 497, "1–30": 497, "90+": 6}, {"Current": "50%", "1–30": "50%", "90+": "<1%"}),
    ],
)
def test_the_aging_shares_add_up_to_100_percent(amounts: dict[str, int], shown: dict[str, str]) -> None:
    days = {"Current": 0, "1–30": 10, "90+": 120}
    invoices = [_invoice(f"M-{n}", "Heron Bay Studio", days[b], a) for n, (b, a) in enumerate(amounts.items())]
    aging = next(s for s in billing_report(_snapshot(*invoices)).sections if s.title == "Invoice aging")
    shares = {row[0]: row[3] for row in aging.tables[0].rows}
    assert shares == {"Current": "0%", "1–30": "0%", "31–60": "0%", "61–90": "0%", "90+": "0%"} | shown
    assert sum(int(share.strip("<>%")) for share in shares.values() if share != "<1%") == 100
    # the summary's share of the 90+ bucket is the table's
    assert f"({shares['90+']}) of open receivables is more than 90 days past due" in aging.summary


def test_the_past_due_card_reads_the_aging_tables_share() -> None:
    """A review: thirds of the open receivables read Current 34% in the aging table, so 66% past due,
    and the card beside it said 67% of open (it divided its own totals)."""
    doc = billing_report(_snapshot(*(_invoice(f"T-{days}", "Heron Bay Studio", days, 100) for days in (0, 10, 120))))
    receivables = next(s for s in doc.sections if s.title == "Receivables by client")
    aging = next(s for s in doc.sections if s.title == "Invoice aging")
    current = next(row[3] for row in aging.tables[0].rows if row[0] == "Current")
    past_due = receivables.cards[1]
    assert current == "34%"
    assert (past_due.value, past_due.note) == ("$200", "66% of open")


def test_cents_past_due_read_as_cents_with_a_share_under_one_percent() -> None:
    """A review: 40¢ left on an invoice 120 days past due beside $999.60 current read "Past due $0 [OK]",
    "1% of open", and "$0 (1%) … more than 90 days past due" beside an [ALERT] card of $0; and four $6
    buckets beside $976 current read 1% each, Current 96% (97.6%), past due "4% of open" (2.4%)."""
    doc = billing_report(_snapshot(_invoice("C-1", "Heron Bay Studio", 0, Decimal("999.60")),
                                   _invoice("C-2", "Heron Bay Studio", 120, Decimal("0.40"))))  # fmt: skip
    receivables = next(s for s in doc.sections if s.title == "Receivables by client")
    aging = next(s for s in doc.sections if s.title == "Invoice aging")
    card = receivables.cards[1]
    assert (card.value, card.marker, card.note) == ("$0.40", "[ALERT]", "<1% of open")
    assert {row[0]: row[3] for row in aging.tables[0].rows}["Current"] == ">99%"
    assert aging.summary == "$0.40 (<1%) of open receivables is more than 90 days past due."
    assert (aging.cards[0].value, aging.cards[0].marker) == ("$0.40", "[ALERT]")
    tiny = [_invoice("T-0", "Heron Bay Studio", 0, 976)] + [
        _invoice(f"T-{days}", "Heron Bay Studio", days, 6) for days in (10, 40, 70, 120)
    ]
    doc = billing_report(_snapshot(*tiny))
    aging = next(s for s in doc.sections if s.title == "Invoice aging")
    shares = {row[0]: row[3] for row in aging.tables[0].rows}
    # 97.6% and four 0.6%: the 3 points left go to the largest remainders, ties in the table's order
    assert shares == {"Current": "98%", "1–30": "1%", "31–60": "1%", "61–90": "<1%", "90+": "<1%"}
    assert next(s for s in doc.sections if s.title == "Receivables by client").cards[1].note == "2% of open"


def test_cents_past_due_read_as_cents_in_every_place_that_names_them() -> None:
    """A review of the fix above: the headline (the mail's subject) still said "$0 of it past due", the
    client's rows "$0", its reason "0% overdue"; and 40¢ from each of two clients read "$1" on the card
    beside rows of "$0"."""
    doc = billing_report(_snapshot(_invoice("C-1", "Heron Bay Studio", 0, Decimal("999.60")),
                                   _invoice("C-2", "Heron Bay Studio", 120, Decimal("0.40"))))  # fmt: skip
    assert "$1,000 is open across 1 client, $0.40 of it past due" in doc.headline
    receivables = next(s for s in doc.sections if s.title == "Receivables by client")
    aging = next(s for s in doc.sections if s.title == "Invoice aging")
    risk = next(s for s in doc.sections if s.title == "Collection risk by client")
    assert receivables.tables[0].rows[0][-1] == "$0.40"
    # a bucket holding money that comes to no whole dollar: the row in cents, adding up (it read "$0")
    assert aging.tables[1].rows[0] == (
        "Heron Bay Studio", "$999.60", "$0.00", "$0.00", "$0.00", "$0.40", "$1,000.00",
    )  # fmt: skip
    assert risk.tables[0].rows[0][3] == "$0.40" and "<1% overdue" in risk.tables[0].rows[0][4]
    mostly_late = billing_report(_snapshot(_invoice("L-1", "Heron Bay Studio", 0, Decimal("0.40")),
                                           _invoice("L-2", "Heron Bay Studio", 120, Decimal("999.60"))))  # fmt: skip
    late_risk = next(s for s in mostly_late.sections if s.title == "Collection risk by client")
    assert ">99% overdue" in late_risk.tables[0].rows[0][4]  # beside the card's ">99% of open", not "100%"
    assert risk.summary.endswith("$0.40 past due in all.")
    two = billing_report(_snapshot(*(_invoice(f"D-{n}", client, 120, Decimal("0.40"))
                                     for n, client in enumerate(("Heron Bay Studio", "Kestrel Works")))))  # fmt: skip
    receivables = next(s for s in two.sections if s.title == "Receivables by client")
    assert receivables.cards[1].value == "$0.80" and receivables.cards[0].value == "$0.80"
    assert two.headline.startswith("$0.80 is open across 2 clients, $0.80 of it past due")
    assert receivables.tables[0].rows[0][1] == "$0.40"  # Open, as Past due beside it
    by_client = next(s for s in two.sections if s.title == "Invoice aging").tables[1]
    assert by_client.rows[0][1:] == ("$0.00", "$0.00", "$0.00", "$0.00", "$0.40", "$0.40")  # cents, adding up
    assert any(f.title == "Chase Heron Bay Studio for $0.40 overdue 120 days" for f in two.findings)


def test_totals_of_rows_showing_cents_add_them_as_shown() -> None:
    """A review: three clients owing $0.60, $0.40 and $0.40 read $1, $0.40 and $0.40 in their rows, and $1 on
    the card and in the headline; two high-risk clients of $10.50 past due each read "$21 past due" beside
    "$22 past due in all"."""
    doc = billing_report(_snapshot(*(_invoice(f"E-{n}", client, 120, Decimal(amount)) for n, (client, amount) in
                                      enumerate((("Heron Bay Studio", "0.60"), ("Kestrel Works", "0.40"),
                                                 ("Tern Cafe", "0.40"))))))  # fmt: skip
    receivables = next(s for s in doc.sections if s.title == "Receivables by client")
    assert [row[1] for row in receivables.tables[0].rows] == ["$1", "$0.40", "$0.40"]
    assert receivables.cards[0].value == "$1.80" and doc.headline.startswith("$1.80 is open across 3 clients")
    high = billing_report(_snapshot(*(_invoice(f"H-{n}", client, 200, Decimal("10.50"), issued=date(2025, 1, 1))
                                      for n, client in enumerate(("Heron Bay Studio", "Kestrel Works")))))  # fmt: skip
    risk = next(s for s in high.sections if s.title == "Collection risk by client")
    shown = [row[3] for row in risk.tables[0].rows]
    assert shown == ["$11", "$11"] and risk.summary == "2 high-risk clients ($22 past due); $22 past due in all."


def test_an_invoice_one_day_late_reads_one_day() -> None:
    """An invoice due yesterday read "Chase Heron Bay Studio for $900 overdue 1 days" in the CEO's plan,
    with the reason "1 days past due"."""
    doc = billing_report(_snapshot(_invoice("INV-1", "Heron Bay Studio", 1, 900)))
    chase = next(f for f in doc.findings if f.key == "billing:collection-risk:Heron Bay Studio")
    assert chase.title == "Chase Heron Bay Studio for $900 overdue 1 day"
    assert chase.detail.startswith("Collection risk ") and "1 day past due;" in chase.detail


def test_a_client_past_due_on_several_invoices_is_chased_for_the_oldest_as_the_oldest() -> None:
    """A review: the demo read "Chase Marlow Studio for $5,900 overdue 65 days", where $3,800 was 65 days past due
    and $2,100 under 30: the whole balance read as 65 days overdue."""
    book = _snapshot(_invoice("M1", "Marlow Studio", 65, 3800), _invoice("M2", "Marlow Studio", 20, 2100))
    [chase] = [f for f in billing_report(book).findings if f.key == "billing:collection-risk:Marlow Studio"]
    assert chase.title == "Chase Marlow Studio for $5,900 past due on 2 invoices, the oldest 65 days"
