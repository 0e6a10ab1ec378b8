"""Fallback fonts for what DejaVu Sans cannot draw, and the scripts drawn right only shaped.

A character DejaVu Sans has no glyph for (Chinese, Japanese, Korean, Thai) is drawn in a fallback
font (`FALLBACKS`, in firstmate/fonts): the first text of a document that needs one brings that
font into the document (`document._Document`), read once per process as the DejaVu styles are. A
document without such characters embeds none and reads none (an emoji, which none of them has, is
outside the code points they draw). Text DejaVu can draw is still drawn by `text_cell` in a document
that has fallback fonts."""

from __future__ import annotations

import io
import re
from pathlib import Path

from fontTools import ttLib  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.fonts import TTFFont

from firstmate.pdf.faces import FACES_LOCK, document_copy

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
_FALLBACK_DIR = Path(__file__).parent.parent / "fonts"  # firstmate/fonts


class FallbackFace:
    """A fallback font: its character map read at first need (about 0.06 s for the CJK one), the
    font itself when a document first draws with it (about 0.2 s more); each document that draws
    with it gets its own copy, as with `StyleFace`."""

    def __init__(self, family: str, path: Path) -> None:
        self.family, self.path = family, path
        self.data = path.read_bytes()
        self.chars = frozenset(ttLib.TTFont(io.BytesIO(self.data), lazy=True).getBestCmap())
        self._template: TTFFont | None = None

    def copy_for(self, pdf: FPDF) -> TTFFont:
        """This font for one document."""
        with FACES_LOCK:
            if self._template is None:
                self._template = TTFFont(FPDF(), self.path, self.family, "")
        return document_copy(self._template, pdf, ttLib.TTFont(io.BytesIO(self.data), recalcTimestamp=False, lazy=True))


_FALLBACK_FACES: dict[str, FallbackFace] = {}


def _fallback_face(family: str) -> FallbackFace:
    with FACES_LOCK:
        if family not in _FALLBACK_FACES:
            _FALLBACK_FACES[family] = FallbackFace(family, _FALLBACK_DIR / FALLBACKS[family][0])
        return _FALLBACK_FACES[family]


def fallbacks_for(font: object, text: str) -> list[FallbackFace]:
    """The fallback fonts that draw what `font` has no glyph for in `text` (none when it has them all)."""
    cmap = getattr(font, "cmap", None)
    if cmap is None:
        return []
    missing = {ord(char) for char in set(text) if ord(char) not in cmap and char.isprintable()}
    if not missing:
        return []
    families = [family for family, (_, low, high) in FALLBACKS.items() if any(low <= c <= high for c in missing)]
    return [face for face in map(_fallback_face, families) if face.chars & missing]


def bring_fallbacks(pdf: FPDF, text: str) -> None:
    """Add to `pdf` the fallback fonts `text` needs that it does not have yet."""
    needed = [face for face in fallbacks_for(pdf.current_font, text) if face.family not in pdf.fonts]
    if not needed:
        return
    for face in needed:
        font = face.copy_for(pdf)
        pdf.fonts[font.fontkey] = font
    # in FALLBACKS' order, bold text too (they have one style)
    pdf.set_fallback_fonts([family for family in FALLBACKS if family in pdf.fonts], exact_match=False)


def needs_shaping(text: str) -> bool:
    """Whether `text` holds a character of a script drawn right only shaped (SHAPED); ASCII at once."""
    return not text.isascii() and _SHAPED_CHAR.search(text) is not None
