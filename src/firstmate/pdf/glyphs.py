"""Glyphs of the base decompiled, measured and compiled once per process, and reused by every later document's
subset (`KnownGlyphsFont`)."""

from __future__ import annotations

import copy
from typing import Any

from fontTools import ttLib  # type: ignore[import-untyped]
from fontTools.ttLib.tables._g_l_y_f import Glyph  # type: ignore[import-untyped]


class KnownGlyph(Glyph):  # type: ignore[misc]
    """A simple glyph of the base, decompiled and measured once per process; its compiled outline is
    kept too. Documents get shallow copies: the outline is shared and never changed, the copy's own
    attributes are what compiling a font sets."""

    compiled: dict[tuple[bool, bool], bytes]

    @classmethod
    def of(cls, data: bytes, glyf: Any) -> KnownGlyph:
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


class KnownGlyphsFont(ttLib.TTFont):  # type: ignore[misc]
    """The base, to cut one document's subset from (fpdf2 subsets it, then saves it). On saving, each
    simple glyph it keeps becomes a copy of the same glyph known from earlier documents."""

    def __init__(self, known: dict[bytes, KnownGlyph], *args: Any, **kwargs: Any) -> None:
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
                known = self.known[data] = KnownGlyph.of(data, glyf)
            glyf.glyphs[name] = copy.copy(known)
        super().save(file, reorderTables)
