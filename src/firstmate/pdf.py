"""PDF documents with a Unicode font, so every name prints as typed: signed waivers here, and
`new_document` for the reports."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import matplotlib
from fpdf import FPDF

_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def font_dir() -> Path:
    """Where the DejaVu fonts (shipped with matplotlib) are."""
    return _FONT_DIR


def new_document(title: str, *, created: datetime | None = None, margin: float = 18) -> FPDF:
    """An A4 document with DejaVu regular and bold, titled, on its first page. `created` fixes the
    creation date, so the same content gives the same bytes."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=margin)
    pdf.add_font("DejaVu", "", str(_FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(_FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_creator("firstmate")
    if created is not None:
        pdf.set_creation_date(created)
    pdf.add_page()
    return pdf


def signed_waiver_pdf(*, business: str, trip: str, waiver_text: str, details: list[tuple[str, str]]) -> bytes:
    """A one-document record of a signature: the business, the trip, the exact text, who signed."""
    pdf = new_document("Signed waiver")
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 9, f"{business}: signed waiver", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(0, 6, trip, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5.5, waiver_text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(0, 7, "Signature", new_x="LMARGIN", new_y="NEXT")
    for label, value in details:
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(45, 6, label)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
