"""Drawing text fast and byte for byte as fpdf2 does: a line (`text_cell`), its width (`string_width`) and a
paragraph (`text_lines`).

`text_cell` draws what fpdf2's `cell` draws for a plain line of text (no border, fill, link or
markdown, left-aligned), the same bytes, about ten times faster: reports draw thousands of cells,
and fpdf2 spends most of a cell's time on machinery that line does not use."""

from __future__ import annotations

import weakref

from fpdf import FPDF
from fpdf.enums import CharVPos, TextMode
from fpdf.fonts import SubsetMap, TTFFont

from firstmate.pdf.dejavu import ONE_SCRIPT_CHARS
from firstmate.pdf.fallbacks import fallbacks_for, needs_shaping


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
    if not _plain(pdf, font, text) or fallbacks_for(font, text):
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
    if "" in words or not text.isprintable() or not _plain(pdf, font, text) or fallbacks_for(font, text):
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
            if ord(char) not in font.cmap and fallbacks_for(font, char):
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
        and not needs_shaping(text)  # fpdf2's `cell` turns shaping on for it (`_Document`)
        and (not pdf._fallback_font_ids or ONE_SCRIPT_CHARS.issuperset(text))
        and not pdf._record_text_quad_points
        and not (pdf.str_alias_nb_pages and pdf.str_alias_nb_pages in text)
        and not pdf.underline
        and not pdf.strikethrough
        and pdf.char_spacing == 0
        and pdf.font_stretching == 100
        and pdf.text_mode == TextMode.FILL
        and pdf.char_vpos == CharVPos.LINE
    )
