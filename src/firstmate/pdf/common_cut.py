"""The common cut: the font objects fpdf2 writes for a font holding the common glyphs alone, made once per
process.

Every document's fonts start with the glyphs of `COMMON` (Windows-1252's characters: Western
European letters, punctuation, € and ™; then the signs reports print), in the same order. A
document that uses no other glyph embeds exactly what every such document embeds: that cut, with
its character map, widths and compressed streams, is made once per process (`CommonCut`) and each
document's font objects are built from it, instead of fpdf2 cutting, saving and compressing the
same font again (about 8 ms a style). A document is about 30 KB larger for it. Which way a
document's fonts are made is decided as fpdf2 writes them (`faces.DocumentOutput`), once its pages are final (a
footer drawn by `output()` may add glyphs). That the cut gives the bytes fpdf2 gives is checked
once per process, and fpdf2 makes each document's fonts if it ever differs."""

from __future__ import annotations

from typing import Any

import structlog
from fpdf.fonts import Glyph as FontGlyph
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.syntax import Name, PDFContentStream

from firstmate.pdf.dejavu import COMMON

log = structlog.get_logger(__name__)


class CommonCodes:
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


def common_codes(font: TTFFont) -> CommonCodes | None:
    """The common glyphs' codes in a subset of `font`, or None with an fpdf2 whose subsets they cannot fill."""
    try:
        return CommonCodes(font)
    except AttributeError:  # another fpdf2 (the range in pyproject allows one): every document cut as fpdf2 does
        log.warning("pdf.common_codes_unavailable", font=font.fontkey)
        return None


class CommonCut:
    """What fpdf2 writes for a font holding the common glyphs alone: the same in every document."""

    def __init__(self, name: str, widths: str, to_unicode: bytes, gid_map: bytes, font_file: bytes, length1: int):
        self.name, self.widths, self.to_unicode = name, widths, to_unicode
        self.gid_map, self.font_file, self.length1 = gid_map, font_file, length1

    @classmethod
    def of(cls, made: list[Any]) -> CommonCut | None:
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


def content_stream(contents: bytes, *, packed: bool) -> PDFContentStream:
    """A content stream of `contents`, as they are (`packed`: already compressed with Flate)."""
    stream = PDFContentStream(contents)
    if packed:
        stream.filter = Name("FlateDecode")
    return stream
