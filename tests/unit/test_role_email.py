"""A role report's email stays readable at any size: each table shows its first rows and counts the
rest, which the PDF and the JSON list. The accounting report's 160 payout gaps made a 98 KB email at
the benchmark's size, and Gmail clips a message past 102 KB: the findings, which come last, first."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

from pypdf import PdfReader

from firstmate.domain.reports.lenses import build_documents
from firstmate.domain.snapshot import Invoice, Snapshot
from firstmate.reports.role import SHOWN_ROWS, render_role

FULL = "https://fm.example.com/admin/reports/demo/roles/billing/2026-12-05?format=pdf"


def _billing(clients: int) -> Snapshot:
    """One overdue invoice for each of `clients` clients."""
    invoices = tuple(
        Invoice(id=f"INV-{n:03d}", entity="keel", client=f"Client {n:03d} Co", issued=date(2026, 8, 1),
                due=date(2026, 9, 1) + timedelta(days=n), amount=Decimal(1000 + n))
        for n in range(clients)
    )  # fmt: skip
    return Snapshot(org_id="demo", org_name="Demo", as_of=date(2026, 12, 5), invoices=invoices)


def test_a_long_table_shows_its_first_rows_and_counts_the_rest() -> None:
    document = build_documents(_billing(80), ["billing"])["billing"]
    report = render_role(document, full_report=FULL)
    receivables = next(t for s in document.sections for t in s.tables if t.title == "Receivables")
    assert len(receivables.rows) == 80
    first, left = receivables.rows[SHOWN_ROWS - 1][0], receivables.rows[SHOWN_ROWS][0]
    for shown in (report.html, report.text):
        receivables_part = shown[: shown.lower().index("invoice aging")]
        assert first in receivables_part and left not in receivables_part
        assert "…and 30 more rows" in shown and "FINDINGS FOR THE ACTION PLAN" in shown.upper()
    assert f"…and 30 more rows; the PDF lists every one: {FULL}" in report.text
    assert f'href="{FULL}"' in report.html
    pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf)).pages)
    assert all(f"Client {n:03d} Co" in pdf for n in range(80))
    receivables_data = next(t for s in report.data["sections"] for t in s["tables"] if t["title"] == "Receivables")
    assert len(receivables_data["rows"]) == 80


def test_a_short_table_is_shown_whole() -> None:
    report = render_role(build_documents(_billing(SHOWN_ROWS), ["billing"])["billing"], full_report=FULL)
    assert "more rows" not in report.text and "more rows" not in report.html
    assert len(re.findall(r"Client \d{3} Co", report.text.partition("INVOICE AGING")[0])) >= SHOWN_ROWS


def test_a_text_table_keeps_its_columns_with_chinese_japanese_or_korean_names() -> None:
    """Widths counted characters while a CJK one takes two columns: names split and columns drifted."""
    import unicodedata

    from firstmate.domain.reports.document import Table
    from firstmate.reports.role import _table_text
    from firstmate.reports.wrapping import display_width

    typed_apart = unicodedata.normalize("NFD", "Nguyễn Văn An")  # accents as marks of their own, as macOS gives them
    names = ("上海蓝色海湾", "Dana W.", "김민준", typed_apart, "José\u200bLuis")
    table = Table(("Client", "Revenue"), tuple((name, "$840") for name in names))
    rows = _table_text(table)[2:]
    assert len(rows) == len(names)  # no name split over two lines
    starts = {display_width(row[: row.index("$")]) for row in rows}
    assert len(starts) == 1  # the Revenue column lines up


def test_cents_at_stake_show_as_cents_in_the_plan_and_every_findings_list() -> None:
    """40¢ left of a $100 invoice, 95 days past due: the CEO's subject read "First: Chase Pelican Print Co
    for $0.40 overdue 95 days (…, $0 at stake)", its plan "$0" in the money column and on the card, and the
    billing report's finding "(Portfolio billing audit, $0 at stake)"."""
    day = date(2026, 12, 5)
    invoice = Invoice(id="INV-1", entity="keel", client="Pelican Print Co", issued=day - timedelta(days=130),
                      due=day - timedelta(days=95), amount=Decimal(100), paid_on=day - timedelta(days=90),
                      paid_amount=Decimal("99.60"))  # fmt: skip
    documents = build_documents(Snapshot(org_id="demo", org_name="Demo", as_of=day, invoices=(invoice,)))
    ceo, billing = render_role(documents["ceo"]), render_role(documents["billing"])
    assert ceo.subject.endswith("(Portfolio billing audit, by 12 Dec, $0.40 at stake); 1 high-severity finding in all.")
    plan = documents["ceo"].sections[0]
    assert plan.tables[0].rows[0][-1] == "$0.40"
    assert next(c for c in plan.cards if c.label == "Money at stake in the plan").value == "$0.40"
    for report in (ceo, billing):
        assert "$0 at stake" not in report.text and "$0.40 at stake" in report.text


def test_money_at_stake_in_cents_reads_as_the_finding_states_it() -> None:
    """A review: the demo's accounting findings read "Match 1 payout ($742.50) … $743 at stake" and "… $172.50 above
    it" under a title "… $173 at stake", and the CEO's plan showed $743 and $173 in its money column."""
    from firstmate.domain.snapshot import Payout, RevenueLine

    day = date(2026, 12, 5)
    booking = RevenueLine(
        id="R1",
        entity="charter",
        source="booking:boatsetter",
        reference="BS-1",
        recorded_on=date(2026, 9, 1),
        service_date=date(2026, 9, 12),
        amount=Decimal(1150),
    )
    payouts = (Payout(id="P1", source="boatsetter", reference="BS-1", paid_on=date(2026, 9, 20),
                      amount=Decimal("747.50")),
               Payout(id="P2", source="boatsetter", reference="BS-77", paid_on=date(2026, 11, 25),
                      amount=Decimal("742.50")))  # fmt: skip
    snapshot = Snapshot(org_id="demo", org_name="Demo", as_of=day, revenue=(booking,), payouts=payouts)
    documents = build_documents(snapshot, ["accounting", "ceo"])
    accounting, ceo = render_role(documents["accounting"]), render_role(documents["ceo"])
    assert "($742.50) to bookings or record the revenue (Accounting / Controller, $742.50 at stake)" in accounting.text
    assert "booking BS-1 (Accounting / Controller, $172.50 at stake)" in accounting.text
    assert "$743" not in accounting.text and "$173" not in accounting.text
    assert "$742.50" in ceo.text and "$743" not in ceo.text and "$173" not in ceo.text
    for shown in (accounting.html, "".join(p.extract_text() for p in PdfReader(io.BytesIO(accounting.pdf)).pages)):
        assert "$742.50" in shown and "$172.50" in shown and "$743" not in shown and "$173" not in shown
    plan = documents["ceo"].sections[0]
    stakes = {row[1]: row[-1] for row in plan.tables[0].rows}
    assert stakes["Match 1 payout ($742.50) to bookings or record the revenue"] == "$742.50"
    assert stakes["Query the $402.50 fee boatsetter kept on booking BS-1"] == "$172.50"
    assert next(c for c in plan.cards if c.label == "Money at stake in the plan").value == "$915.00"
