"""The weekly report as a PDF: the same facts, cards, tables and analysis as the email."""

from __future__ import annotations

import io
from decimal import Decimal

from fpdf import FPDF

from firstmate.domain.analysis import Analysis, figure
from firstmate.domain.intel import WeeklyFacts, cash
from firstmate.domain.mail import InlineImage
from firstmate.pdf import document_bytes, new_document, string_width, text_cell, text_lines
from firstmate.reports.weekly import card_detail, change_words, crm_sources_line, data_line, restated, rolling_words


def weekly_pdf(
    facts: WeeklyFacts, analysis: Analysis, images: tuple[InlineImage, ...], *, business: str, period: str
) -> bytes:
    """A printable copy of the report (A4, Unicode fonts, sparklines included)."""
    pdf = new_document(f"Weekly marketing report, {period}", created=facts.pulled_at, margin=15)
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 9, f"{business}: weekly marketing report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(0, 7, period, new_x="LMARGIN", new_y="NEXT")
    charts = {image.cid: image.data for image in images}
    for kpi in facts.kpis:
        # the marker on the value's line, the change and 4 weeks under them: on one line with the marker the change
        # ran under the sparkline, and the 4-week figure the email's cards show was not here
        if pdf.will_page_break(13):  # the card's two lines and chart on one page
            pdf.add_page()
        top = pdf.get_y()
        pdf.set_font("DejaVu", "B", 10)
        text_cell(pdf, 55, 8, kpi.label)
        text_cell(pdf, 35, 8, figure(kpi, currency=facts.currency))
        pdf.set_font("DejaVu", "", 9)
        text_cell(pdf, 45, 8, f"[{kpi.signal.direction.value}] [{kpi.signal.status.value}]")
        chart = charts.get(f"spark-{kpi.key}")
        if chart:
            pdf.image(io.BytesIO(chart), x=pdf.get_x() + 2, y=top, w=40, h=12)
        pdf.set_xy(pdf.l_margin, top + 6.5)
        pdf.set_font("DejaVu", "", 7)
        text_cell(pdf, 55, 5, card_detail(kpi, facts))  # what the figure is worked out from, when not shown elsewhere
        said = change_words(kpi, facts.currency)
        text_cell(pdf, 80, 5, " · ".join(filter(None, (said, rolling_words(kpi, facts.currency)))))
        pdf.set_y(top)
        pdf.ln(13)
    amount = facts.currency
    campaigns = [
        [c.campaign, cash(c.spend, amount), str(c.leads), _amount(c.cpl, amount), _amount(c.cpl_4w, amount)]
        for c in facts.campaigns
    ]
    _table(pdf, "Campaigns", ["Campaign", "Spend", "Leads", "CPL", "4-week CPL"], campaigns, [80, 25, 20, 25, 30])
    pdf.set_font("DejaVu", "", 8)
    for note in facts.other_currencies:  # ad accounts billed in another currency, in no figure
        text_lines(pdf, 5, note)
    activity = [
        [
            f"{a.campaign} / {a.adset}",
            str(a.leads),
            str(a.crm_leads),
            cash(a.spend, amount),
            _amount(a.cpl, amount),
            f"{a.landing_page_views:,}",
        ]
        for a in facts.lead_activity
    ]
    header = ["Campaign / ad set", "Leads", "In CRM", "Spend", "CPL", "Page views"]
    widths = [95, 12, 14, 22, 18, 19]
    if facts.crm_source is None:  # no CRM: no column of zeros that would read as leads lost
        activity, header = [row[:2] + row[3:] for row in activity], header[:2] + header[3:]
        widths = [109, 12, 22, 18, 19]
    _table(pdf, "Lead activity", header, activity, widths)
    pdf.set_font("DejaVu", "", 8)
    for note in facts.crm_notes:  # leads no one row is credited with
        text_lines(pdf, 5, note)
    if facts.crm_sources:  # where the week's CRM leads came from, every source
        sources = [[row.source_words, row.shown_utm or "–", f"{row.leads:,}"] for row in facts.crm_sources]
        _table(pdf, "CRM leads by source", ["Original source", "utm_source", "Leads"], sources, [80, 80, 20])
        pdf.set_font("DejaVu", "", 8)
        text_lines(pdf, 5, crm_sources_line(facts))
    for section in analysis.sections:
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(0, 8, section.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)
        for point in section.points:
            text_lines(pdf, 5.5, f"• {point}")
    pdf.set_font("DejaVu", "", 8)
    for line in (analysis.note, restated(facts), data_line(facts)):
        if line:
            text_lines(pdf, 5, line)
    return document_bytes(pdf)


def _amount(value: Decimal | None, currency: str) -> str:
    return cash(value, currency) if value is not None else "–"


def _table(pdf: FPDF, title: str, header: list[str], rows: list[list[str]], widths: list[int]) -> None:
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 8)
    for text, width in zip(header, widths, strict=True):
        pdf.cell(width, 6, text, border="B")
    pdf.ln()
    pdf.set_font("DejaVu", "", 8)
    for row in rows:
        for text, width in zip(row, widths, strict=True):
            text_cell(pdf, width, 6, _fitted(pdf, text[:60], width - 1))
        pdf.ln()


def _fitted(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut to `width` (in the current font), "…" ending it: 60 characters of a long name ran over the
    column beside it (its figure, or the utm_source of a CRM source), the two read as one."""
    if string_width(pdf, text) <= width:
        return text
    low, high = 0, len(text)  # the most characters that fit with "…"
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if string_width(pdf, text[:middle] + "…") <= width else (low, middle - 1)
    return text[:low] + "…"
