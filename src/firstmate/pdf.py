"""PDF documents with a Unicode font, so every name prints as typed: signed waivers here, and
`new_document` + `document_bytes` for the reports.

The font costs more than the pages: DejaVu Sans has about 6,000 glyphs, and reading a style took
about 0.12 s per document, cutting the subset to embed about 0.07 s more. So each style is read
once per process (`_Face`) and every document gets its own copy of what was read (widths,
character map, its own subset). The subset is cut from a *base*: the same font trimmed to Latin,
punctuation, currency, arrows and a few symbols (made at the process's first document, from the
font as read for its widths), whenever the document's glyphs are all in it; a document with other
glyphs (Greek, Cyrillic…) is cut from the full font. Cutting a subset also decompiles, measures and
recompiles each glyph it keeps; a glyph of the base is done so once per process (`_KnownGlyph`) and
reused by every later document. Both give the same bytes as cutting each document from the full
font; that is checked once per process on a sample document, and the full font is used if it ever
differs.

Every document's fonts start with the glyphs of `COMMON` (Windows-1252's characters: Western
European letters, punctuation, € and ™; then the signs reports print), in the same order. A
document that uses no other glyph embeds exactly what every such document embeds: that cut, with
its character map, widths and compressed streams, is made once per process (`_CommonCut`) and each
document's font objects are built from it, instead of fpdf2 cutting, saving and compressing the
same font again (about 8 ms a style). A document is about 30 KB larger for it. Which way a
document's fonts are made is decided as fpdf2 writes them (`_Fonts`), once its pages are final (a
footer drawn by `output()` may add glyphs). That the cut gives the bytes fpdf2 gives is checked
once per process, and fpdf2 makes each document's fonts if it ever differs.

A character DejaVu Sans has no glyph for (Chinese, Japanese, Korean, Thai) is drawn in a fallback
font (`FALLBACKS`, in firstmate/fonts): the first text of a document that needs one brings that
font into the document (`_Document`), read once per process as the DejaVu styles are. A document
without such characters embeds none and reads none (an emoji, which none of them has, is outside
the code points they draw). Text DejaVu can draw is still drawn by `text_cell` in a document that
has fallback fonts.

`text_cell` draws what fpdf2's `cell` draws for a plain line of text (no border, fill, link or
markdown, left-aligned), the same bytes, about ten times faster: reports draw thousands of cells,
and fpdf2 spends most of a cell's time on machinery that line does not use.
"""

from __future__ import annotations

import copy
import importlib.util
import io
import re
import threading
import weakref
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog
from fontTools import subset as ftsubset  # type: ignore[import-untyped]
from fontTools import ttLib
from fontTools.ttLib.tables._g_l_y_f import Glyph  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.enums import CharVPos, TextMode
from fpdf.fonts import Glyph as FontGlyph
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import CIDSystemInfo, OutputProducer, PDFFont, PDFType3Font
from fpdf.syntax import Name, PDFArray, PDFContentStream, PDFObject

log = structlog.get_logger(__name__)


def _matplotlib_data() -> Path:
    """matplotlib's data folder (what `matplotlib.get_data_path()` answers), found without importing
    matplotlib: that import is about a second, and documents need only its fonts."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("matplotlib is not installed: it ships the DejaVu fonts PDFs are drawn with")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data"


_FONT_DIR = _matplotlib_data() / "fonts" / "ttf"
FAMILY = "DejaVu"
STYLES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
#: What the base keeps: Latin with its Western and Central European letters, punctuation, currency,
#: arrows, comparison and multiplication signs, bullets and ticks (what reports and names use), and
#: the rest of Windows-1252 (ƒ ˆ ˜).
BASE_RANGES = (
    (0x0020, 0x017F), (0x0192, 0x0192), (0x02C6, 0x02C6), (0x02DC, 0x02DC), (0x2010, 0x2044), (0x20A0, 0x20BF),
    (0x2190, 0x2199), (0x2212, 0x2212), (0x221E, 0x221E), (0x2248, 0x2248), (0x2260, 0x2265), (0x25A0, 0x25CF),
    (0x2713, 0x2718), (0x2122, 0x2122),
)  # fmt: skip
#: The tables fpdf2 leaves out of an embedded subset (fpdf/output.py); the base leaves them out too.
DROPPED = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT", "EBLC", "EBSC",
           "SVG ", "CPAL", "COLR")  # fmt: skip
#: The characters every document's fonts hold from the start, in this order (see the module's docstring):
#: Windows-1252's (Western European letters, punctuation, € and ™), then the signs reports print.
#: DEL is a control character and fpdf2 reads the soft hyphen as a place to break a word: neither is drawn.
COMMON = "".join(sorted(set(bytes(range(0x20, 0x100)).decode("cp1252", errors="ignore")) - {"\x7f", "\xad"}))
COMMON += "←→≈≠≤≥−×●■▲▼✓✗∞"
#: Characters of the Latin script or common to all: a line of them alone is one piece of text to fpdf2.
_ONE_SCRIPT = frozenset(COMMON)
SAMPLE = "Aa Zz 0123456789 ÀÉÎÕÜß ąčęłńśźż – — “quoted” ‘single’ • … € £ → ← ≤ ≥ − × ● ✓ ✗ ™"


#: Fallback fonts for what DejaVu Sans cannot draw, Chinese, Japanese and Korean, then Thai: family:
#: (file in firstmate/fonts, the lowest and highest code point it draws that DejaVu does not, so
#: that a character outside them, an emoji say, reads no font). Licenses: firstmate/fonts/README.md.
FALLBACKS = {
    "wenquanyi": ("WenQuanYiMicroHei.ttf", 0x2000, 0x1044F),
    "notosansthai": ("NotoSansThai-Regular.ttf", 0x0E01, 0x0E5B),
    # the scripts of South and South-East Asia and Ethiopia, whose names printed as nothing until 2026-12-06
    "notosansdevanagari": ("NotoSansDevanagari-Regular.ttf", 0x0900, 0x097F),
    "notosansbengali": ("NotoSansBengali-Regular.ttf", 0x0980, 0x09FF),
    "notosansgurmukhi": ("NotoSansGurmukhi-Regular.ttf", 0x0A00, 0x0A7F),
    "notosansgujarati": ("NotoSansGujarati-Regular.ttf", 0x0A80, 0x0AFF),
    "notosansoriya": ("NotoSansOriya-Regular.ttf", 0x0B00, 0x0B7F),
    "notosanstamil": ("NotoSansTamil-Regular.ttf", 0x0B80, 0x0BFF),
    "notosanstelugu": ("NotoSansTelugu-Regular.ttf", 0x0C00, 0x0C7F),
    "notosanskannada": ("NotoSansKannada-Regular.ttf", 0x0C80, 0x0CFF),
    "notosansmalayalam": ("NotoSansMalayalam-Regular.ttf", 0x0D00, 0x0D7F),
    "notosanssinhala": ("NotoSansSinhala-Regular.ttf", 0x0D80, 0x0DFF),
    "notosanslao": ("NotoSansLao-Regular.ttf", 0x0E80, 0x0EFF),
    "notosansmyanmar": ("NotoSansMyanmar-Regular.ttf", 0x1000, 0x109F),
    "notosansethiopic": ("NotoSansEthiopic-Regular.ttf", 0x1200, 0x139F),
    "notosanskhmer": ("NotoSansKhmer-Regular.ttf", 0x1780, 0x17FF),
}
#: Scripts drawn right only shaped: Arabic (its letters joined: DejaVu Sans has their forms, used only
#: when shaped), Indic (a vowel sign before its consonant, conjuncts), Lao, Myanmar, Khmer. A document
#: with such text is laid out by HarfBuzz from then on (fpdf2's text shaping).
SHAPED = (
    (0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF),
    (0x0900, 0x0DFF), (0x0E80, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF),
)  # fmt: skip
# one pass in C over a cell's text (a cell with a dash or a name's accent was looked at char by range in Python)
_SHAPED_CHAR = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in SHAPED) + "]")
_FALLBACK_DIR = Path(__file__).parent / "fonts"


def font_dir() -> Path:
    """Where the DejaVu fonts (shipped with matplotlib) are."""
    return _FONT_DIR


class _Face:
    """One style of the font, read once per process: a template for each document's copy, and the
    base its subsets are cut from (built at the first document)."""

    def __init__(self, style: str) -> None:
        self.style = style
        self.path = _FONT_DIR / STYLES[style]
        self.data = self.path.read_bytes()
        self.template = TTFFont(FPDF(), self.path, f"{FAMILY.lower()}{style}", style)
        self.first: ttLib.TTFont | None = self.template.ttfont  # already read: the base is cut from it
        self.base: bytes | None = None
        self.base_glyphs: frozenset[str] = frozenset()
        self.known: dict[bytes, _KnownGlyph] | None = None  # glyphs of the base compiled before, by their bytes
        self.tried = False
        self.lock = threading.RLock()  # re-entered: the common cut's first-use check cuts from the base
        self.common = _common_codes(self.template)
        self.cut: _CommonCut | None = None
        self.cut_tried = False

    def copy_for(self, pdf: FPDF) -> TTFFont:
        """This style for one document: shares what never changes, owns what a document changes."""
        font = _copied(self.template, pdf, self.full())  # read lazily, for an `output()` not through document_bytes
        if self.common is not None:
            self.common.fill(font.subset)
        return font

    def holds_only_common(self, font: TTFFont) -> bool:
        """Whether `font`'s subset is still the common glyphs alone (no other glyph drawn or missed)."""
        return self.common is not None and len(font.subset) == self.common.size and not font.missing_glyphs

    def common_cut(self) -> _CommonCut | None:
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
        self.cut = _CommonCut.of(made)
        if self.cut is None:
            log.warning("pdf.common_cut_unexpected", font=self.path.name)
            return
        # the check's document takes the cut (under the lock: no other document sees it before the check)
        if bytes(self._common_document().output(output_producer_class=_Fonts)) != expected:
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
        return _Subset(self.known, io.BytesIO(self.base), recalcTimestamp=False, lazy=True)

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
        expected, known = self._sample(self.full()), dict[bytes, _KnownGlyph]()
        try:  # the cut goes through the known glyphs as every document's will (tests cover their reuse)
            reused: bytes | None = self._sample(_Subset(known, io.BytesIO(self.base), recalcTimestamp=False))
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


def _copied(template: TTFFont, pdf: FPDF, source: ttLib.TTFont) -> TTFFont:
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


class _CommonCodes:
    """The common glyphs' codes in a document's subset, as picking `COMMON` in order gives them."""

    def __init__(self, font: TTFFont) -> None:
        subset = SubsetMap(font)
        for char in COMMON:
            if ord(char) in font.glyph_ids:  # a missing glyph would be noted as missing by every document
                subset.pick(ord(char))
        self.codes: dict[FontGlyph | None, int] = dict(subset._char_id_per_glyph)
        self.next, self.reserved, self.size = subset._next, list(subset._reserved), len(subset)
        subset.pick.cache_clear()  # fpdf2's caches are per class: drop this map's entries
        subset.get_glyph.cache_clear()

    def fill(self, subset: SubsetMap) -> None:
        """Give a new document's subset the common glyphs (what picking them in order does)."""
        subset._char_id_per_glyph = dict(self.codes)
        subset._next, subset._reserved = self.next, list(self.reserved)


def _common_codes(font: TTFFont) -> _CommonCodes | None:
    try:
        return _CommonCodes(font)
    except AttributeError:  # another fpdf2 (the range in pyproject allows one): every document cut as fpdf2 does
        log.warning("pdf.common_codes_unavailable", font=font.fontkey)
        return None


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


class _CommonCut:
    """What fpdf2 writes for a font holding the common glyphs alone: the same in every document."""

    def __init__(self, name: str, widths: str, to_unicode: bytes, gid_map: bytes, font_file: bytes, length1: int):
        self.name, self.widths, self.to_unicode = name, widths, to_unicode
        self.gid_map, self.font_file, self.length1 = gid_map, font_file, length1

    @classmethod
    def of(cls, made: list[Any]) -> _CommonCut | None:
        """The cut from the objects fpdf2 made for one font, or None when they are not the ones expected."""
        expected = ["PDFFont", "PDFFont", "PDFContentStream", "CIDSystemInfo", "PDFFontDescriptor",
                    "PDFContentStream", "PDFFontStream"]  # fmt: skip
        if [type(obj).__name__ for obj in made] != expected:
            return None
        composite, cid, to_unicode, _, _, gid_map, font_file = made
        return cls(
            str(composite.base_font), cid.w, to_unicode._contents, gid_map._contents, font_file._contents,
            font_file.length1,
        )  # fmt: skip


def _stream(contents: bytes, *, packed: bool) -> PDFContentStream:
    """A content stream of `contents`, as they are (`packed`: already compressed with Flate)."""
    stream = PDFContentStream(contents)
    if packed:
        stream.filter = Name("FlateDecode")
    return stream


class _Fonts(OutputProducer):
    """fpdf2's output of a `new_document`, its fonts made as the module's docstring says. The choice
    is made here, as fpdf2 writes the fonts: by then nothing more is drawn."""

    def _add_fonts(self, *args: Any, **kwargs: Any) -> dict[int, PDFFont | PDFType3Font]:
        fonts = sorted(self.fpdf.fonts.values(), key=lambda font: font.i)
        cuts = [_common_cut_of(font) for font in fonts]
        if cuts and not getattr(self.fpdf, "_compliance", None) and all(cuts):  # PDF/A adds to what fpdf2 writes
            return {font.i: self._add_cut(font, cut) for font, cut in zip(fonts, cuts, strict=True) if cut}
        _cut_as_fpdf2_will(fonts)
        return super()._add_fonts(*args, **kwargs)

    def _add_cut(self, font: Any, cut: _CommonCut) -> PDFFont:
        """The objects fpdf2 makes for a TrueType font (`_add_fonts`, fpdf/output.py), from the cut."""
        composite = PDFFont(subtype="Type0", base_font=cut.name, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid = PDFFont(subtype="CIDFontType2", base_font=cut.name, d_w=font.desc.missing_width, w=cut.widths)
        self._add_pdf_obj(cid, "fonts")
        composite.descendant_fonts = PDFArray([cid])
        composite.to_unicode = _stream(cut.to_unicode, packed=False)
        self._add_pdf_obj(composite.to_unicode, "fonts")
        cid.c_i_d_system_info = CIDSystemInfo()
        self._add_pdf_obj(cid.c_i_d_system_info, "fonts")
        descriptor = font.desc
        descriptor.font_name = Name(cut.name)
        self._add_pdf_obj(descriptor, "fonts")
        cid.font_descriptor = descriptor
        cid.c_i_d_to_g_i_d_map = _stream(cut.gid_map, packed=True)
        self._add_pdf_obj(cid.c_i_d_to_g_i_d_map, "fonts")
        font_file = _stream(cut.font_file, packed=True)
        font_file.length1 = cut.length1  # type: ignore[attr-defined]
        self._add_pdf_obj(font_file, "fonts")
        descriptor.font_file2 = font_file
        font.subset.pick.cache_clear()  # as fpdf2 does after writing a font
        font.subset.get_glyph.cache_clear()
        font.close()
        return composite


def _cut_as_fpdf2_will(fonts: Iterable[object]) -> None:
    """Give each of our fonts what fpdf2 is to cut its subset from (`_Face.source_for`)."""
    for font in fonts:
        face = _face_of(font)
        if face is not None and isinstance(font, TTFFont):
            font.ttfont = face.source_for(font)


def _face_of(font: object) -> _Face | None:
    """The face a document's font was copied from (None for a font added otherwise: another file
    under the same name, say)."""
    style = {f"{FAMILY.lower()}{style}": style for style in STYLES}.get(getattr(font, "fontkey", ""))
    face = None if style is None else _face(style)
    return face if face is not None and getattr(font, "ttffile", None) == face.path else None


def _common_cut_of(font: object) -> _CommonCut | None:
    """The common cut `font` can be written from: its face's, when it holds the common glyphs alone."""
    face = _face_of(font)
    if face is None or not isinstance(font, TTFFont) or font.color_font or not face.holds_only_common(font):
        return None
    return face.common_cut()


class _KnownGlyph(Glyph):  # type: ignore[misc]
    """A simple glyph of the base, decompiled and measured once per process; its compiled outline is
    kept too. Documents get shallow copies: the outline is shared and never changed, the copy's own
    attributes are what compiling a font sets."""

    compiled: dict[tuple[bool, bool], bytes]

    @classmethod
    def of(cls, data: bytes, glyf: Any) -> _KnownGlyph:
        """The glyph stored as `data` in the base's `glyf` table, decompiled and measured."""
        glyph = cls(data)
        glyph.expand(glyf)
        Glyph.recalcBounds(glyph, glyf)
        glyph.compiled = {}
        return glyph

    def recalcBounds(self, glyfTable: Any, *, boundsDone: Any = None) -> None:  # noqa: N802, N803 - fontTools' names
        """Nothing to do: measured when it became known, and its outline never changes."""

    def compileCoordinates(self, *, optimizeSize: bool = True, extended: bool = True) -> bytes:  # noqa: N802, N803
        """The outline as fontTools compiles it, compiled once."""
        key = (optimizeSize, extended)
        if key not in self.compiled:
            self.compiled[key] = super().compileCoordinates(optimizeSize=optimizeSize, extended=extended)
        return self.compiled[key]


class _Subset(ttLib.TTFont):  # type: ignore[misc]
    """The base, to cut one document's subset from (fpdf2 subsets it, then saves it). On saving, each
    simple glyph it keeps becomes a copy of the same glyph known from earlier documents."""

    def __init__(self, known: dict[bytes, _KnownGlyph], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known = known

    def save(self, file: Any, reorderTables: bool = True) -> None:  # noqa: N803 - fontTools' name
        """Save as fontTools does, with the kept glyphs taken from (or added to) the known ones."""
        glyf = self["glyf"]
        for name, glyph in glyf.glyphs.items():
            data = bytes(getattr(glyph, "data", b""))  # a bytearray once the subsetter trimmed it
            if not data or data[:2] == b"\xff\xff":  # empty, or a composite (its parts' ids change per cut)
                continue
            known = self.known.get(data)
            if known is None:
                known = self.known[data] = _KnownGlyph.of(data, glyf)
            glyf.glyphs[name] = copy.copy(known)
        super().save(file, reorderTables)


_FACES: dict[str, _Face] = {}
_FACES_LOCK = threading.Lock()


def _face(style: str) -> _Face:
    with _FACES_LOCK:
        if style not in _FACES:
            _FACES[style] = _Face(style)
        return _FACES[style]


class _FallbackFace:
    """A fallback font: its character map read at first need (about 0.06 s for the CJK one), the
    font itself when a document first draws with it (about 0.2 s more); each document that draws
    with it gets its own copy, as with `_Face`."""

    def __init__(self, family: str, path: Path) -> None:
        self.family, self.path = family, path
        self.data = path.read_bytes()
        self.chars = frozenset(ttLib.TTFont(io.BytesIO(self.data), lazy=True).getBestCmap())
        self._template: TTFFont | None = None

    def copy_for(self, pdf: FPDF) -> TTFFont:
        """This font for one document."""
        with _FACES_LOCK:
            if self._template is None:
                self._template = TTFFont(FPDF(), self.path, self.family, "")
        return _copied(self._template, pdf, ttLib.TTFont(io.BytesIO(self.data), recalcTimestamp=False, lazy=True))


_FALLBACK_FACES: dict[str, _FallbackFace] = {}


def _fallback_face(family: str) -> _FallbackFace:
    with _FACES_LOCK:
        if family not in _FALLBACK_FACES:
            _FALLBACK_FACES[family] = _FallbackFace(family, _FALLBACK_DIR / FALLBACKS[family][0])
        return _FALLBACK_FACES[family]


def _fallbacks_for(font: object, text: str) -> list[_FallbackFace]:
    """The fallback fonts that draw what `font` has no glyph for in `text` (none when it has them all)."""
    cmap = getattr(font, "cmap", None)
    if cmap is None:
        return []
    missing = {ord(char) for char in set(text) if ord(char) not in cmap and char.isprintable()}
    if not missing:
        return []
    families = [family for family, (_, low, high) in FALLBACKS.items() if any(low <= c <= high for c in missing)]
    return [face for face in map(_fallback_face, families) if face.chars & missing]


def _bring_fallbacks(pdf: FPDF, text: str) -> None:
    """Add to `pdf` the fallback fonts `text` needs that it does not have yet."""
    needed = [face for face in _fallbacks_for(pdf.current_font, text) if face.family not in pdf.fonts]
    if not needed:
        return
    for face in needed:
        font = face.copy_for(pdf)
        pdf.fonts[font.fontkey] = font
    # in FALLBACKS' order, bold text too (they have one style)
    pdf.set_fallback_fonts([family for family in FALLBACKS if family in pdf.fonts], exact_match=False)


def _shaped(text: str) -> bool:
    """Whether `text` holds a character of a script drawn right only shaped (SHAPED); ASCII at once."""
    return not text.isascii() and _SHAPED_CHAR.search(text) is not None


class _Document(FPDF):
    """A `new_document`: a text that needs a fallback font brings them in before fpdf2 lays it out
    (every `cell`, `multi_cell` and `write` goes through `_preload_font_styles`)."""

    def _preload_font_styles(self, text: str | None, markdown: bool, *args: Any, **kwargs: Any) -> Any:
        if text:
            _bring_fallbacks(self, text)
            if not self.text_shaping and _shaped(text):
                self.set_text_shaping(True)
        return super()._preload_font_styles(text, markdown, *args, **kwargs)


def new_document(title: str, *, created: datetime | None = None, margin: float = 18) -> FPDF:
    """An A4 document with DejaVu regular and bold, titled, on its first page. `created` fixes the
    creation date, so the same content gives the same bytes. Finish it with `document_bytes`."""
    pdf = _Document(format="A4")
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
    """The finished PDF of a `new_document`, its fonts made as the module docstring says."""
    return bytes(pdf.output(output_producer_class=_Fonts))


def text_cell(pdf: FPDF, w: float, h: float, text: str, *, next_line: bool = False) -> None:
    """What `pdf.cell(w, h, text)` draws and where it leaves the cursor (the start of the next line
    with `next_line`), byte for byte. Falls back to `pdf.cell` whenever the document's state asks
    for more than a plain left-aligned line of one TrueType font (tests compare the two)."""
    font = pdf.current_font
    encoded = _encoded(font, text) if _plain(pdf, font, text) else None  # None: a glyph it lacks, say
    if encoded is None:
        pdf.cell(w, h, text, new_x="LMARGIN" if next_line else "RIGHT", new_y="NEXT" if next_line else "TOP")
        return
    assert isinstance(font, TTFFont)
    if w == 0:
        w = pdf.w - pdf.r_margin - pdf.x
    pdf._perform_page_break_if_need_be(h)
    if text:
        k, size_pt = pdf.k, pdf.font_size_pt
        font.biggest_size_pt = max(font.biggest_size_pt, size_pt)  # as fpdf2's measuring of the text does
        if not pdf.current_font_is_set_on_page:
            pdf._out(pdf._set_font_for_page(font, size_pt))
        parts = [f"BT {(pdf.x + pdf.c_margin) * k:.2f} {(pdf.h - pdf.y - 0.5 * h - 0.3 * (size_pt / k)) * k:.2f} Td"]
        coloured = pdf.text_color != pdf.fill_color
        if coloured:
            assert pdf.text_color is not None
            parts.append(pdf.text_color.serialize().lower())
        parts.append(f"({encoded}) Tj")
        parts.append("ET")
        pdf._out(f"q {' '.join(parts)} Q" if coloured else " ".join(parts))
    pdf._lasth = h or pdf.font_size
    if next_line:
        pdf.x = pdf.l_margin
        pdf.y += h
    else:
        pdf.x += w


def string_width(pdf: FPDF, text: str) -> float:
    """`pdf.get_string_width(text)`, read straight from the font's widths when `text_cell` would draw
    `text` itself (fpdf2 lays a string out as it would draw it just to measure it: the weekly PDF's
    thousands of names cut to their column paid about a twentieth of a build for it)."""
    font = pdf.current_font
    if not _plain(pdf, font, text) or _fallbacks_for(font, text):
        return pdf.get_string_width(text)  # its fallbacks brought in, its shaping turned on, as fpdf2 does
    assert isinstance(font, TTFFont)
    return float(font.get_text_width(text, pdf.font_size_pt, None)[1] / pdf.k)


def text_lines(pdf: FPDF, h: float, text: str) -> None:
    """A left-aligned paragraph: what `pdf.multi_cell(0, h, text, new_x="LMARGIN", new_y="NEXT",
    align="L")` draws for a paragraph of words, byte for byte, twenty times faster or more. Lines
    break at the space before the first word that would pass the right margin (words measured by
    the font's widths, as fpdf2 measures them) and each line is drawn by `text_cell`. Anything else
    (line breaks, runs of spaces, a word wider than the line) goes to `multi_cell`."""
    lines = _broken(pdf, text)
    if lines is None:
        pdf.multi_cell(0, h, text, new_x="LMARGIN", new_y="NEXT", align="L")
        return
    left = pdf.x
    for line in lines:
        pdf.x = left  # every line starts where the paragraph does; the cursor ends at the left margin
        text_cell(pdf, 0, h, line, next_line=True)


def _broken(pdf: FPDF, text: str) -> list[str] | None:
    """`text`'s lines as `text_lines` draws them, or None when it is not a plain paragraph of words."""
    font, words = pdf.current_font, text.split(" ")
    if "" in words or not text.isprintable() or not _plain(pdf, font, text) or _fallbacks_for(font, text):
        return None
    assert isinstance(font, TTFFont)
    room = (pdf.w - pdf.r_margin - pdf.x - 2 * pdf.c_margin) * pdf.k  # in points, as fonts measure
    size = pdf.font_size_pt
    space, widths = font.get_text_width(" ", size, None)[1], [font.get_text_width(w, size, None)[1] for w in words]
    if max(widths) > room:
        return None
    lines, line, used = [], [words[0]], widths[0]
    for word, width in zip(words[1:], widths[1:], strict=True):
        if used + space + width > room:
            lines.append(" ".join(line))
            line, used = [word], width
        else:
            line.append(word)
            used += space + width
    return [*lines, " ".join(line)]


#: Per document and font: each character as it is written in the page (its code in the font's
#: subset, UTF-16 and escaped, as fpdf2 writes it). Picking a character's code the first time
#: adds its glyph to the subset; later picks only look it up, so remembering them changes nothing.
_CODES: weakref.WeakKeyDictionary[SubsetMap, dict[str, str]] = weakref.WeakKeyDictionary()


def _encoded(font: object, text: str) -> str | None:
    """`text` as fpdf2 writes it between the parentheses of `Tj` (characters without a glyph dropped),
    or None when a character needs a fallback font (fpdf2's `cell` draws it then)."""
    assert isinstance(font, TTFFont)
    codes = _CODES.get(font.subset)
    if codes is None:
        codes = _CODES[font.subset] = {}
    for char in text:
        if char not in codes:  # first use in this document: picked in text order, as fpdf2 does
            if ord(char) not in font.cmap and _fallbacks_for(font, char):
                return None
            code = font.subset.pick(ord(char))
            codes[char] = font.escape_text(chr(code)) if code else ""
    return "".join([codes[char] for char in text])


#: fpdf2's internals `text_cell` uses: another fpdf2 (the range in pyproject allows one) without
#: them gets `pdf.cell` everywhere, slower but never broken.
_FAST_CELL = all(
    hasattr(FPDF, name) for name in ("_perform_page_break_if_need_be", "_set_font_for_page", "_out")
) and all(
    hasattr(FPDF(), name)
    for name in ("_fallback_font_ids", "_record_text_quad_points", "_lasth", "current_font_is_set_on_page")
)


def _plain(pdf: FPDF, font: object, text: str) -> bool:
    """Whether `text_cell` may draw `text` itself: a page is open, the font is a plain TrueType
    font, and nothing in the state (effects, shaping, page-number alias) applies. In a document
    with fallback fonts, fpdf2 starts a new piece of text at each change of script (Greek to
    Cyrillic, say): `text_cell` still draws a line of the common characters, all Latin or common
    to every script, the most of a report's lines (one CJK name made the rest of its table 4 to 9
    times slower)."""
    return (
        _FAST_CELL
        and bool(pdf.page)
        and isinstance(font, TTFFont)
        and not font.color_font
        and not font.is_symbol
        and not pdf.text_shaping
        and not _shaped(text)  # fpdf2's `cell` turns shaping on for it (`_Document`)
        and (not pdf._fallback_font_ids or _ONE_SCRIPT.issuperset(text))
        and not pdf._record_text_quad_points
        and not (pdf.str_alias_nb_pages and pdf.str_alias_nb_pages in text)
        and not pdf.underline
        and not pdf.strikethrough
        and pdf.char_spacing == 0
        and pdf.font_stretching == 100
        and pdf.text_mode == TextMode.FILL
        and pdf.char_vpos == CharVPos.LINE
    )


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
