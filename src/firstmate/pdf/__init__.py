"""PDF documents with a Unicode font, so every name prints as typed: signed waivers here, and
`new_document` + `document_bytes` for the reports.

- `document`: `new_document` (DejaVu regular and bold, titled, on its first page) and `document_bytes`.
- `text`: `text_cell`, `string_width` and `text_lines`, what fpdf2 draws for plain text, byte for byte, faster.
- `waiver`: `signed_waiver_pdf`, the record of a signature.
- `dejavu`: the DejaVu font files, their styles and the characters every document holds (`COMMON`).
- `faces`: each style read once per process, a copy per document, and the output that makes its fonts.
- `common_cut`: the fonts of a document of common glyphs alone, made once per process.
- `glyphs`: glyphs of the base compiled once per process and reused by every document.
- `fallbacks`: fonts for what DejaVu cannot draw (CJK, Thai, Indic…), and the scripts drawn shaped.
"""

from firstmate.pdf.dejavu import FAMILY, STYLES, font_dir
from firstmate.pdf.document import document_bytes, new_document
from firstmate.pdf.text import string_width, text_cell, text_lines
from firstmate.pdf.waiver import signed_waiver_pdf

__all__ = [
    "FAMILY",
    "STYLES",
    "document_bytes",
    "font_dir",
    "new_document",
    "signed_waiver_pdf",
    "string_width",
    "text_cell",
    "text_lines",
]
