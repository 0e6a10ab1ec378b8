"""PDF documents with a Unicode font, so every name prints as typed: signed waivers here, and
`new_document` + `document_bytes` for the reports.

The font costs more than the pages: DejaVu Sans has about 6,000 glyphs, and reading a style took
about 0.12 s per document, cutting the subset to embed about 0.07 s more. So each style is read
once per process (`_Face`) and every document gets its own copy of what was read (widths,
character map, its own subset). From a process's second document on, the subset is cut from a
*base*: the same font trimmed to Latin, punctuation, currency, arrows and a few symbols, whenever
the document's glyphs are all in it; a document with other glyphs (Greek, Cyrillic…) is cut from
the full font as before. Cutting from the base gives the same bytes as cutting from the full font;
that is checked once per process on a sample document, and the full font is used if it ever differs.
"""

from __future__ import annotations

import copy
import io
import threading
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
import structlog
from fontTools import subset as ftsubset  # type: ignore[import-untyped]
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

log = structlog.get_logger(__name__)

_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FAMILY = "DejaVu"
STYLES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
#: What the base keeps: Latin with its Western and Central European letters, punctuation, currency,
#: arrows, comparison and multiplication signs, bullets and ticks (what reports and names use).
BASE_RANGES = (
    (0x0020, 0x017F), (0x2010, 0x2044), (0x20A0, 0x20BF), (0x2190, 0x2199), (0x2212, 0x2212), (0x221E, 0x221E),
    (0x2248, 0x2248), (0x2260, 0x2265), (0x25A0, 0x25CF), (0x2713, 0x2718), (0x2122, 0x2122),
)  # fmt: skip
#: The tables fpdf2 leaves out of an embedded subset (fpdf/output.py); the base leaves them out too.
DROPPED = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT", "EBLC", "EBSC",
           "SVG ", "CPAL", "COLR")  # fmt: skip
SAMPLE = "Aa Zz 0123456789 ÀÉÎÕÜß ąčęłńśźż – — “quoted” ‘single’ • … € £ → ← ≤ ≥ − × ● ✓ ✗ ™"


def font_dir() -> Path:
    """Where the DejaVu fonts (shipped with matplotlib) are."""
    return _FONT_DIR


class _Face:
    """One style of the font, read once per process: a template for each document's copy, and the
    base its subsets are cut from (built at the second document, when reading once starts to pay)."""

    def __init__(self, style: str) -> None:
        self.style = style
        self.path = _FONT_DIR / STYLES[style]
        self.data = self.path.read_bytes()
        self.template = TTFFont(FPDF(), self.path, f"{FAMILY.lower()}{style}", style)
        self.first: ttLib.TTFont | None = self.template.ttfont  # already read: the first document cuts from it
        self.base: bytes | None = None
        self.base_glyphs: frozenset[str] = frozenset()
        self.tried = False
        self.lock = threading.Lock()

    def copy_for(self, pdf: FPDF) -> TTFFont:
        """This style for one document: shares what never changes, owns what a document changes."""
        font = copy.copy(self.template)
        font.i = len(pdf.fonts) + 1
        font.cw = copy.copy(self.template.cw)  # a defaultdict: looking up a missing glyph adds it
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.ttfont = self.full()  # read lazily, for an `output()` that does not go through document_bytes
        font.subset = SubsetMap(font)
        return font

    def full(self) -> ttLib.TTFont:
        """The whole font, to cut one subset from (cutting changes it: one per document)."""
        return ttLib.TTFont(io.BytesIO(self.data), recalcTimestamp=False, lazy=True)

    def source_for(self, font: TTFFont) -> ttLib.TTFont:
        """What to cut `font`'s subset from: the font as first read, then the base when it holds
        every glyph the document uses, else the whole font."""
        with self.lock:
            if self.first is not None:
                first, self.first = self.first, None
                return first
            if not self.tried:
                self.tried = True
                try:
                    self._build_base()
                except Exception:  # a speed-up must never cost a report: cut from the full font instead
                    log.exception("pdf.base_font_failed", font=self.path.name)
                    self.base, self.base_glyphs = None, frozenset()
        if self.base is not None and set(font.subset.get_all_glyph_names()) <= self.base_glyphs:
            return ttLib.TTFont(io.BytesIO(self.base), recalcTimestamp=False, lazy=True)
        return self.full()

    def _build_base(self) -> None:
        font = self.full()
        cmap = font.getBestCmap()
        options = ftsubset.Options(
            glyph_names=True, notdef_glyph=True, notdef_outline=True, recommended_glyphs=True, name_IDs=["*"],
            name_languages=["*"], name_legacy=True, legacy_cmap=True, symbol_cmap=True,
            prune_unicode_ranges=False, prune_codepage_ranges=False,
        )  # fmt: skip
        options.drop_tables += list(DROPPED)
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(unicodes=[u for u in cmap if any(low <= u <= high for low, high in BASE_RANGES)])
        subsetter.subset(font)
        font.recalcBBoxes = False  # half the time; each document's cut recalculates them from its own glyphs
        buffer = io.BytesIO()
        font.save(buffer)
        self.base, self.base_glyphs = buffer.getvalue(), frozenset(font.getGlyphOrder())
        if self._sample(self.full()) != self._sample(ttLib.TTFont(io.BytesIO(self.base), recalcTimestamp=False)):
            log.warning("pdf.base_font_differs", font=self.path.name)
            self.base, self.base_glyphs = None, frozenset()

    def _sample(self, source: ttLib.TTFont) -> bytes:
        pdf = FPDF(format="A4")
        pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
        pdf.add_page()
        font = self.copy_for(pdf)
        pdf.fonts[font.fontkey] = font
        pdf.set_font(FAMILY, self.style, 10)
        pdf.cell(0, 5, SAMPLE)
        font.ttfont = source
        return bytes(pdf.output())


_FACES: dict[str, _Face] = {}
_FACES_LOCK = threading.Lock()


def _face(style: str) -> _Face:
    with _FACES_LOCK:
        if style not in _FACES:
            _FACES[style] = _Face(style)
        return _FACES[style]


def new_document(title: str, *, created: datetime | None = None, margin: float = 18) -> FPDF:
    """An A4 document with DejaVu regular and bold, titled, on its first page. `created` fixes the
    creation date, so the same content gives the same bytes. Finish it with `document_bytes`."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=margin)
    for style in STYLES:
        font = _face(style).copy_for(pdf)
        pdf.fonts[font.fontkey] = font
    pdf.set_title(title)
    pdf.set_creator("firstmate")
    if created is not None:
        pdf.set_creation_date(created)
    pdf.add_page()
    return pdf


def document_bytes(pdf: FPDF) -> bytes:
    """The finished PDF of a `new_document`, each font's subset cut as the module docstring says."""
    for style in STYLES:
        font = pdf.fonts.get(f"{FAMILY.lower()}{style}")
        if isinstance(font, TTFFont):
            font.ttfont = _face(style).source_for(font)
    return bytes(pdf.output())


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
