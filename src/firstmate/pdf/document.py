"""A new document with DejaVu regular and bold (`new_document`), and its finished bytes (`document_bytes`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fpdf import FPDF

from firstmate.pdf.dejavu import STYLES
from firstmate.pdf.faces import DocumentOutput, style_face
from firstmate.pdf.fallbacks import bring_fallbacks, needs_shaping


class _Document(FPDF):
    """A `new_document`: a text that needs a fallback font brings them in before fpdf2 lays it out
    (every `cell`, `multi_cell` and `write` goes through `_preload_font_styles`)."""

    def _preload_font_styles(self, text: str | None, markdown: bool, *args: Any, **kwargs: Any) -> Any:
        if text:
            bring_fallbacks(self, text)
            if not self.text_shaping and needs_shaping(text):
                self.set_text_shaping(True)
        return super()._preload_font_styles(text, markdown, *args, **kwargs)


def new_document(title: str, *, created: datetime | None = None, margin: float = 18) -> FPDF:
    """An A4 document with DejaVu regular and bold, titled, on its first page. `created` fixes the
    creation date, so the same content gives the same bytes. Finish it with `document_bytes`."""
    pdf = _Document(format="A4")
    pdf.set_auto_page_break(auto=True, margin=margin)
    for style in STYLES:
        font = style_face(style).copy_for(pdf)
        pdf.fonts[font.fontkey] = font
    pdf.set_title(title)
    pdf.set_creator("firstmate")
    if created is not None:
        pdf.set_creation_date(created)
    pdf.add_page()
    return pdf


def document_bytes(pdf: FPDF) -> bytes:
    """The finished PDF of a `new_document`, its fonts made as `common_cut`'s docstring says."""
    return bytes(pdf.output(output_producer_class=DocumentOutput))
