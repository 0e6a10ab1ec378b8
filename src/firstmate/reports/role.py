"""Render a role report document: MJML email (Outlook-safe), plain text, JSON and PDF."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from mjml import mjml2html

from firstmate.domain.mail import subject_line
from firstmate.domain.reports.document import ROLE_TITLES, ReportDocument, Section, Severity, Table
from firstmate.domain.reports.format import stake_text
from firstmate.rendering import render
from firstmate.reports.charts import ALERT, INK, OK
from firstmate.reports.left_out import in_the_pdf, more
from firstmate.reports.serial import plain
from firstmate.reports.wrapping import display_width, padded, wrap

TONE_COLOURS = {"ok": OK, "alert": ALERT, "info": "#5b6570"}
SEVERITY_COLOURS = {Severity.HIGH.value: ALERT, Severity.MEDIUM.value: "#b25e09", Severity.LOW.value: "#5b6570"}


@dataclass(frozen=True)
class RoleReport:
    """A role report in every form it is delivered or stored in."""

    role: str
    subject: str
    html: str
    text: str
    data: dict[str, Any]
    pdf: bytes


#: Each table of the email (and of its page and its text) shows at most this many rows, the first in the
#: report's own order. The accounting report's 160 payout gaps made a 98 KB email at the benchmark's
#: size: Gmail clips a message past 102 KB, and the findings come last. The PDF and JSON keep every row.
SHOWN_ROWS = 50


def render_role(doc: ReportDocument, *, colour: str = INK, full_report: str = "") -> RoleReport:
    """Everything a reader sees, built from the document alone; the email's tables point to the PDF at
    `full_report` (a link, if given) for the rows they leave out."""
    subject = subject_line(f"{doc.title}, {doc.as_of:%b} {doc.as_of.day}: {doc.headline}", 250)
    from firstmate.reports.role_pdf import role_pdf  # fpdf2 (and numpy) only when a report is built

    pdf = role_pdf(doc, as_of=_day(doc))
    html, text = role_html(doc, colour=colour, full_report=full_report), role_text(doc, full_report=full_report)
    return RoleReport(doc.role, subject, html, text, role_data(doc), pdf)


def more_rows(table: Table) -> str:
    """What the email leaves out of `table`: "…and 110 more rows", or ""."""
    left = len(table.rows) - SHOWN_ROWS
    return more(left, "row") if left > 0 else ""


def role_html(doc: ReportDocument, *, colour: str = INK, full_report: str = "") -> str:
    """The Outlook-safe HTML (MJML): the mail body and the page on the web."""
    findings = [
        {"severity": f.severity.value, "title": f.title, "detail": f.detail, "owner": ROLE_TITLES.get(f.owner, f.owner),
         "money": stake_text(f.money_at_stake, doc.currency, in_cents=f.in_cents) if f.money_at_stake else "–"}
        for f in doc.findings
    ]  # fmt: skip
    context = {"doc": doc, "as_of": _day(doc), "colour": colour, "findings": findings, "full_report": full_report,
               "shown_rows": SHOWN_ROWS, "more_rows": more_rows}  # fmt: skip
    return mjml2html(render("reports/role.mjml", **context, tone_colour=TONE_COLOURS, severity_colour=SEVERITY_COLOURS))


def role_data(doc: ReportDocument) -> dict[str, Any]:
    """The document as plain JSON values (Decimal as exact strings)."""
    data: dict[str, Any] = plain(doc)
    return data


def _day(doc: ReportDocument) -> str:
    return f"{doc.as_of:%A} {doc.as_of.day} {doc.as_of:%B %Y}"


def role_text(doc: ReportDocument, *, full_report: str = "") -> str:
    """The plain-text part: the same sections, cards, tables and findings, readable in any client."""
    lines = [f"{doc.business}: {doc.title}", f"As of {doc.as_of.isoformat()}", "", doc.headline, ""]
    for section in doc.sections:
        lines += _section_text(section, full_report)
    if doc.findings:
        lines += ["FINDINGS FOR THE ACTION PLAN"]
        for f in doc.findings:
            # 40¢ at stake read "$0 at stake"
            at_stake = (
                f", {stake_text(f.money_at_stake, doc.currency, in_cents=f.in_cents)} at stake"
                if f.money_at_stake
                else ""
            )
            lines.append(f"- [{f.severity.value.upper()}] {f.title} ({ROLE_TITLES.get(f.owner, f.owner)}{at_stake})")
            lines += textwrap.wrap(f.detail, 96, initial_indent="  ", subsequent_indent="  ")
        lines.append("")
    lines.append("Built by firstmate. Secret settings are shown by name only.")
    return "\n".join(lines) + "\n"


def _section_text(section: Section, full_report: str = "") -> list[str]:
    lines = [section.title.upper()]
    if section.summary:
        lines += textwrap.wrap(section.summary, 100)
    for card in section.cards:
        extra = "  ".join(part for part in (card.marker, card.note) if part)
        lines.append(f"  {card.label}: {card.value}" + (f"  {extra}" if extra else ""))
    for table in section.tables:
        lines += _table_text(table)
        if left_out := more_rows(table):
            lines.append(f"  {in_the_pdf(left_out, full_report)}")
    lines += [f"- {bullet}" for bullet in section.bullets]
    if section.method:
        lines += textwrap.wrap(f"How this was computed: {section.method}", 100)
    return [*lines, ""]


def _table_text(table: Table) -> list[str]:
    """Columns padded to their content (at most 44 wide); a longer cell wraps onto more lines."""
    measured = [[display_width(c), *(display_width(r[i]) for r in table.rows)] for i, c in enumerate(table.columns)]
    widths = [min(max(column), 44) for column in measured]  # in columns: a CJK character takes two

    def lines(cells: tuple[str, ...]) -> list[str]:
        wrapped = [wrap(c, w) or [""] for c, w in zip(cells, widths, strict=True)]
        return [
            "  "
            + "  ".join(
                padded(w[n] if n < len(w) else "", width) for w, width in zip(wrapped, widths, strict=True)
            ).rstrip()
            for n in range(max(len(w) for w in wrapped))
        ]

    title = [f"  {table.title}"] if table.title else []
    rule = "  " + "  ".join("-" * w for w in widths)
    shown = table.rows[:SHOWN_ROWS]
    return [*title, *lines(table.columns), rule, *(line for row in shown for line in lines(row))]
