"""The signed waiver: a one-document record of a signature."""

from __future__ import annotations

from firstmate.pdf.document import document_bytes, new_document


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
    return document_bytes(pdf)
