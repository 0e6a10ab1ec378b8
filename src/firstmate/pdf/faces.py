"""Each style of DejaVu read once per process (`StyleFace`), a copy of it for every document, and fpdf2's output of
a document with its fonts made from the common cut when they can be (`DocumentOutput`).

The font costs more than the pages: DejaVu Sans has about 6,000 glyphs, and reading a style took
about 0.12 s per document, cutting the subset to embed about 0.07 s more. So each style is read
once per process (`StyleFace`) and every document gets its own copy of what was read (widths,
character map, its own subset). The subset is cut from a *base*: the same font trimmed to Latin,
punctuation, currency, arrows and a few symbols (made at the process's first document, from the
font as read for its widths), whenever the document's glyphs are all in it; a document with other
glyphs (Greek, Cyrillic…) is cut from the full font. Cutting a subset also decompiles, measures and
recompiles each glyph it keeps; a glyph of the base is done so once per process (`glyphs.KnownGlyph`)
and reused by every later document. Both give the same bytes as cutting each document from the full
font; that is checked once per process on a sample document, and the full font is used if it ever
differs."""

from __future__ import annotations

import copy
import io
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import structlog
from fontTools import subset as ftsubset  # type: ignore[import-untyped]
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import CIDSystemInfo, OutputProducer, PDFFont, PDFType3Font
from fpdf.syntax import Name, PDFArray, PDFObject

from firstmate.pdf.common_cut import CommonCut, common_codes, content_stream
from firstmate.pdf.dejavu import BASE_RANGES, COMMON, DROPPED, FAMILY, SAMPLE, STYLES, font_dir
from firstmate.pdf.glyphs import KnownGlyph, KnownGlyphsFont

log = structlog.get_logger(__name__)


class StyleFace:
    """One style of the font, read once per process: a template for each document's copy, and the
    base its subsets are cut from (built at the first document)."""

    def __init__(self, style: str) -> None:
        self.style = style
        self.path = font_dir() / STYLES[style]
        self.data = self.path.read_bytes()
        self.template = TTFFont(FPDF(), self.path, f"{FAMILY.lower()}{style}", style)
        self.first: ttLib.TTFont | None = self.template.ttfont  # already read: the base is cut from it
        self.base: bytes | None = None
        self.base_glyphs: frozenset[str] = frozenset()
        self.known: dict[bytes, KnownGlyph] | None = None  # glyphs of the base compiled before, by their bytes
        self.tried = False
        self.lock = threading.RLock()  # re-entered: the common cut's first-use check cuts from the base
        self.common = common_codes(self.template)
        self.cut: CommonCut | None = None
        self.cut_tried = False

    def copy_for(self, pdf: FPDF) -> TTFFont:
        """This style for one document: shares what never changes, owns what a document changes."""
        font = document_copy(self.template, pdf, self.full())  # read lazily: for an `output()` not via document_bytes
        if self.common is not None:
            self.common.fill(font.subset)
        return font

    def holds_only_common(self, font: TTFFont) -> bool:
        """Whether `font`'s subset is still the common glyphs alone (no other glyph drawn or missed)."""
        return self.common is not None and len(font.subset) == self.common.size and not font.missing_glyphs

    def common_cut(self) -> CommonCut | None:
        """The common cut's PDF objects, made (and checked against fpdf2's) at the first call."""
        with self.lock:
            if not self.cut_tried:
                self.cut_tried, checked = True, False
                try:
                    self._make_cut()
                    checked = True
                except Exception:  # a speed-up must never cost a report: fpdf2 makes each document's fonts
                    log.exception("pdf.common_cut_failed", font=self.path.name)
                finally:
                    if not checked:  # failed, or stopped (Ctrl-C) before its check was done
                        self.cut = None
            return self.cut

    def _make_cut(self) -> None:
        expected, made = _written_by_fpdf2(self._common_document())
        self.cut = CommonCut.of(made)
        if self.cut is None:
            log.warning("pdf.common_cut_unexpected", font=self.path.name)
            return
        # the check's document takes the cut (under the lock: no other document sees it before the check)
        if bytes(self._common_document().output(output_producer_class=DocumentOutput)) != expected:
            log.warning("pdf.common_cut_differs", font=self.path.name)
            self.cut = None

    def _common_document(self) -> FPDF:
        return self._one_line(COMMON[33:60])

    def _one_line(self, text: str) -> FPDF:
        """A document of one line of `text` in this style alone: what the process's first-use checks draw."""
        pdf = FPDF(format="A4")
        pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
        pdf.add_page()
        font = self.copy_for(pdf)
        pdf.fonts[font.fontkey] = font
        pdf.set_font(FAMILY, self.style, 10)
        pdf.cell(0, 5, text)
        return pdf

    def full(self) -> ttLib.TTFont:
        """The whole font, to cut one subset from (cutting changes it: one per document)."""
        return ttLib.TTFont(io.BytesIO(self.data), recalcTimestamp=False, lazy=True)

    def source_for(self, font: TTFFont) -> ttLib.TTFont:
        """What to cut `font`'s subset from: the base when it holds every glyph the document uses,
        else the whole font."""
        with self.lock:
            if not self.tried:
                self.tried = True
                first, self.first = self.first, None
                try:
                    self._build_base(first or self.full())
                except Exception:  # a speed-up must never cost a report: cut from the full font instead
                    log.exception("pdf.base_font_failed", font=self.path.name)
                    self.base, self.base_glyphs = None, frozenset()
        if self.base is not None and set(font.subset.get_all_glyph_names()) <= self.base_glyphs:
            return self._from_base()
        return self.full()

    def _from_base(self) -> ttLib.TTFont:
        assert self.base is not None
        if self.known is None:
            return ttLib.TTFont(io.BytesIO(self.base), recalcTimestamp=False, lazy=True)
        return KnownGlyphsFont(self.known, io.BytesIO(self.base), recalcTimestamp=False, lazy=True)

    def _build_base(self, font: ttLib.TTFont) -> None:
        # tables every cut drops (kern too, when GPOS is there): the subsetter would decompile them first
        for tag in ("GDEF", "GSUB", *(("GPOS", "kern") if "GPOS" in font else ())):
            if tag in font:
                del font[tag]
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
        expected, known = self._sample(self.full()), dict[bytes, KnownGlyph]()
        try:  # the cut goes through the known glyphs as every document's will (tests cover their reuse)
            reused: bytes | None = self._sample(KnownGlyphsFont(known, io.BytesIO(self.base), recalcTimestamp=False))
        except Exception:  # fontTools changed under us: compile each document's glyphs as fpdf2 does
            log.exception("pdf.known_glyphs_failed", font=self.path.name)
            reused = None
        if reused == expected:
            self.known = known
            return
        if self._sample(ttLib.TTFont(io.BytesIO(self.base), recalcTimestamp=False)) != expected:
            log.warning("pdf.base_font_differs", font=self.path.name)
            self.base, self.base_glyphs = None, frozenset()
        elif reused is not None:
            log.warning("pdf.known_glyphs_differ", font=self.path.name)

    def _sample(self, source: ttLib.TTFont) -> bytes:
        pdf = self._one_line(SAMPLE)
        font = pdf.fonts[self.template.fontkey]
        assert isinstance(font, TTFFont)
        font.ttfont = source
        return bytes(pdf.output())


def document_copy(template: TTFFont, pdf: FPDF, source: ttLib.TTFont) -> TTFFont:
    """`template` for one document of `pdf`, its subset to be cut from `source`: it shares what never
    changes and owns what a document changes."""
    font = copy.copy(template)
    font.i = len(pdf.fonts) + 1
    font.cw = copy.copy(template.cw)  # a defaultdict: looking up a missing glyph adds it
    font.desc = copy.copy(template.desc)  # fpdf2 writes each document's font name and file into it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.ttfont = source
    font.subset = SubsetMap(font)
    return font


_FACES: dict[str, StyleFace] = {}
#: Guards reading a font once per process: the DejaVu styles here, the fallback fonts (`fallbacks`) too.
FACES_LOCK = threading.Lock()


def style_face(style: str) -> StyleFace:
    """The DejaVu `style` ("" or "B") as read once per process, read at its first use."""
    with FACES_LOCK:
        if style not in _FACES:
            _FACES[style] = StyleFace(style)
        return _FACES[style]


def _written_by_fpdf2(pdf: FPDF) -> tuple[bytes, list[Any]]:
    """`pdf` as fpdf2 writes it (its fonts cut from the base as `document_bytes` does), and the
    font objects it made on the way, in order."""
    _cut_as_fpdf2_will(pdf.fonts.values())
    made: list[Any] = []

    class Watched(OutputProducer):
        def _add_pdf_obj(self, pdf_obj: PDFObject, trace_label: str | None = None) -> int:
            if trace_label == "fonts":
                made.append(pdf_obj)
            return int(super()._add_pdf_obj(pdf_obj, trace_label))

    return bytes(pdf.output(output_producer_class=Watched)), made


class DocumentOutput(OutputProducer):
    """fpdf2's output of a `new_document`, its fonts made as `common_cut`'s docstring says. The choice
    is made here, as fpdf2 writes the fonts: by then nothing more is drawn."""

    def _add_fonts(self, *args: Any, **kwargs: Any) -> dict[int, PDFFont | PDFType3Font]:
        fonts = sorted(self.fpdf.fonts.values(), key=lambda font: font.i)
        cuts = [_common_cut_of(font) for font in fonts]
        if cuts and not getattr(self.fpdf, "_compliance", None) and all(cuts):  # PDF/A adds to what fpdf2 writes
            return {font.i: self._add_cut(font, cut) for font, cut in zip(fonts, cuts, strict=True) if cut}
        _cut_as_fpdf2_will(fonts)
        return super()._add_fonts(*args, **kwargs)

    def _add_cut(self, font: Any, cut: CommonCut) -> PDFFont:
        """The objects fpdf2 makes for a TrueType font (`_add_fonts`, fpdf/output.py), from the cut."""
        composite = PDFFont(subtype="Type0", base_font=cut.name, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid = PDFFont(subtype="CIDFontType2", base_font=cut.name, d_w=font.desc.missing_width, w=cut.widths)
        self._add_pdf_obj(cid, "fonts")
        composite.descendant_fonts = PDFArray([cid])
        composite.to_unicode = content_stream(cut.to_unicode, packed=False)
        self._add_pdf_obj(composite.to_unicode, "fonts")
        cid.c_i_d_system_info = CIDSystemInfo()
        self._add_pdf_obj(cid.c_i_d_system_info, "fonts")
        descriptor = font.desc
        descriptor.font_name = Name(cut.name)
        self._add_pdf_obj(descriptor, "fonts")
        cid.font_descriptor = descriptor
        cid.c_i_d_to_g_i_d_map = content_stream(cut.gid_map, packed=True)
        self._add_pdf_obj(cid.c_i_d_to_g_i_d_map, "fonts")
        font_file = content_stream(cut.font_file, packed=True)
        font_file.length1 = cut.length1  # type: ignore[attr-defined]
        self._add_pdf_obj(font_file, "fonts")
        descriptor.font_file2 = font_file
        font.subset.pick.cache_clear()  # as fpdf2 does after writing a font
        font.subset.get_glyph.cache_clear()
        font.close()
        return composite


def _cut_as_fpdf2_will(fonts: Iterable[object]) -> None:
    """Give each of our fonts what fpdf2 is to cut its subset from (`StyleFace.source_for`)."""
    for font in fonts:
        face = _face_of(font)
        if face is not None and isinstance(font, TTFFont):
            font.ttfont = face.source_for(font)


def _face_of(font: object) -> StyleFace | None:
    """The face a document's font was copied from (None for a font added otherwise: another file
    under the same name, say)."""
    style = {f"{FAMILY.lower()}{style}": style for style in STYLES}.get(getattr(font, "fontkey", ""))
    face = None if style is None else style_face(style)
    return face if face is not None and getattr(font, "ttffile", None) == face.path else None


def _common_cut_of(font: object) -> CommonCut | None:
    """The common cut `font` can be written from: its face's, when it holds the common glyphs alone."""
    face = _face_of(font)
    if face is None or not isinstance(font, TTFFont) or font.color_font or not face.holds_only_common(font):
        return None
    return face.common_cut()
