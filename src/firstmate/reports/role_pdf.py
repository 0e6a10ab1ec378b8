"""A role report as a PDF: the same sections, cards, tables and findings as the email."""

from __future__ import annotations

from datetime import UTC, datetime, time

from fpdf import FPDF

from firstmate.domain.reports.document import ROLE_TITLES, ReportDocument, Section, Table
from firstmate.domain.reports.format import stake_text
from firstmate.pdf import document_bytes, new_document, text_cell
from firstmate.reports.wrapping import wrap


def role_pdf(doc: ReportDocument, *, as_of: str) -> bytes:
    """A printable copy of the report (A4, Unicode fonts). The same document gives the same bytes."""
    # dated by the snapshot, not the clock: the same document gives the same bytes
    created = datetime.combine(doc.as_of, time(), UTC)
    pdf = new_document(f"{doc.title}, {doc.business}", created=created, margin=15)
    _text(pdf, f"{doc.business}: {doc.title}", 16, bold=True)
    _text(pdf, f"As of {as_of}", 10)
    _text(pdf, doc.headline, 11, bold=True)
    for section in doc.sections:
        _section(pdf, section)
    if doc.findings:
        rows = tuple(
            (f"[{f.severity.value.upper()}]", f"{f.title}. {f.detail}", ROLE_TITLES.get(f.owner, f.owner),
             stake_text(f.money_at_stake, doc.currency, in_cents=f.in_cents) if f.money_at_stake else "–")
            for f in doc.findings
        )  # fmt: skip
        pdf.ln(3)
        _text(pdf, "Findings for the action plan", 12, bold=True)
        _table(pdf, Table(("Severity", "Finding", "Owner", "At stake"), rows))
    return document_bytes(pdf)


def _section(pdf: FPDF, section: Section) -> None:
    pdf.ln(3)
    _text(pdf, section.title, 12, bold=True)
    if section.summary:
        _text(pdf, section.summary, 9.5)
    if section.cards:
        _table(pdf, Table(("", "", ""), tuple((c.label, c.value, " ".join(p for p in (c.marker, c.note) if p))
                                              for c in section.cards)), header=False)  # fmt: skip
    for table in section.tables:
        if table.title:
            _text(pdf, table.title, 9.5, bold=True)
        _table(pdf, table)
    for bullet in section.bullets:
        _text(pdf, f"• {bullet}", 9.5)
    if section.method:
        pdf.set_text_color(91, 101, 112)
        _text(pdf, f"How this was computed: {section.method}", 7.5)
        pdf.set_text_color(0, 0, 0)


def _chars(width_mm: float, size: float) -> int:
    """How many glyphs fit a width, by DejaVu Sans's average advance (~0.56 em; 1 pt = 0.3528 mm).
    An estimate: fpdf2 measures glyph by glyph, which costs about a second per long report."""
    return max(int(width_mm / (size * 0.56 * 0.3528)), 3)


def _text(pdf: FPDF, text: str, size: float, *, bold: bool = False) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    height = size * 0.3528 * 1.45
    for line in wrap(text, _chars(pdf.epw, size)) or [""]:
        text_cell(pdf, 0, height, line, next_line=True)


def _table(pdf: FPDF, table: Table, *, header: bool = True) -> None:
    """A flat table with wrapped cells (wrapped by the width estimate of `_chars`)."""
    if not table.rows:
        return
    size, line = 7.5, 3.8
    longest = [max([len(c), *(len(r[i]) for r in table.rows)]) for i, c in enumerate(table.columns)]
    weights = [min(max(n, 4), 48) for n in longest]
    widths = [pdf.epw * w / sum(weights) for w in weights]
    chars = [_chars(w - 2, size) for w in widths]

    def draw(cells: tuple[str, ...], bold: bool) -> None:
        wrapped = [wrap(c, n) or [""] for c, n in zip(cells, chars, strict=True)]
        height = max(len(w) for w in wrapped) * line
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        pdf.set_font("DejaVu", "B" if bold else "", size)
        top = pdf.get_y()
        for n in range(max(len(w) for w in wrapped)):
            for lines, width in zip(wrapped, widths, strict=True):
                if n < len(lines) or pdf.will_page_break(line):
                    text_cell(pdf, width, line, lines[n] if n < len(lines) else "")
                else:  # an empty cell draws nothing: just move past it (a fifth of all cells; each costs)
                    pdf.x += width
            pdf.ln(line)
        pdf.set_draw_color(221, 227, 232)
        pdf.line(pdf.l_margin, top + height + 0.4, pdf.l_margin + pdf.epw, top + height + 0.4)
        pdf.set_y(top + height + 0.8)

    if header:
        draw(table.columns, bold=True)
    for row in table.rows:
        draw(row, bold=False)
    pdf.ln(2)
