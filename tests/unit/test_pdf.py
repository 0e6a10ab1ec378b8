"""PDF speed-ups that must not change a byte: `text_cell` against fpdf2's own `cell`, glyphs
compiled once against glyphs compiled per document, fonts built from the common cut against
fpdf2's own, paragraphs by `text_lines` against fpdf2's `multi_cell`, and the wrapping shortcut
against textwrap."""

from __future__ import annotations

import io
import random
import textwrap
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.output import OutputProducer
from pypdf import PdfReader

from firstmate import pdf as pdfs
from firstmate.pdf import document_bytes, new_document, text_cell, text_lines
from firstmate.pdf.faces import style_face
from firstmate.reports.wrapping import wrap

CREATED = datetime(2026, 11, 21, tzinfo=UTC)
TEXTS = [
    "Revenue $12,345.67 (net) — 4 weeks",
    "",
    "back\\slash and (parens) and \r return",
    "Ærøskøbing · Łódź · Müller",
    "≤ ≥ − × € £ → ✓ ✗ ●",
    "Καλημέρα Привет",  # beyond the base font: cut from the whole font
    "漢字 has no glyph here",
    "  leading spaces",
    "{nb} pages",
]


def _draw(pdf: FPDF, cell: Callable[[FPDF, float, float, str, bool], None]) -> None:
    for n in range(90):  # enough lines for page breaks
        text = TEXTS[n % len(TEXTS)]
        pdf.set_font("DejaVu", "B" if n % 3 == 0 else "", 7.5 + n % 4)
        pdf.set_text_color(*((91, 101, 112) if n % 5 == 0 else (0, 0, 0)))
        cell(pdf, 0 if n % 4 == 0 else 40, 3.8 + n % 2, text, n % 4 == 0 or n % 7 == 0)
        if n % 11 == 0:
            pdf.set_fill_color(230, 230, 230)


def _fpdf_cell(pdf: FPDF, w: float, h: float, text: str, next_line: bool) -> None:
    pdf.cell(w, h, text, new_x="LMARGIN" if next_line else "RIGHT", new_y="NEXT" if next_line else "TOP")


def _text_cell(pdf: FPDF, w: float, h: float, text: str, next_line: bool) -> None:
    text_cell(pdf, w, h, text, next_line=next_line)


def _document(cell: Callable[[FPDF, float, float, str, bool], None], *, alias: bool = False) -> bytes:
    pdf = new_document("Cells", created=CREATED, margin=15)
    if alias:
        pdf.alias_nb_pages()
    _draw(pdf, cell)
    return document_bytes(pdf)


@pytest.mark.parametrize("alias", [False, True])
def test_text_cell_writes_the_same_bytes_as_fpdf2s_cell(alias: bool) -> None:
    assert _document(_text_cell, alias=alias) == _document(_fpdf_cell, alias=alias)


def test_text_cell_gives_way_to_fpdf2_when_the_state_asks_for_more() -> None:
    def underlined(cell: Callable[[FPDF, float, float, str, bool], None]) -> bytes:
        pdf = new_document("Cells", created=CREATED)
        pdf.set_font("DejaVu", "U", 10)
        cell(pdf, 50, 5, "underlined", False)
        pdf.set_font("DejaVu", "", 10)
        pdf.set_char_spacing(1)
        cell(pdf, 50, 5, "spaced", True)
        return document_bytes(pdf)

    assert underlined(_text_cell) == underlined(_fpdf_cell)


def test_glyphs_compiled_once_give_the_same_documents_as_glyphs_compiled_each_time() -> None:
    _document(_fpdf_cell)  # the base (and its check) is made at the process's first document
    # each with a letter of the base beyond the common glyphs, so that its fonts are cut for it
    texts = ["Aa Bb 123 Łódź", "Zz (9) — ≤ € ą", "Ærøskøbing 4,567 ↑", "Aa Bb 123 ✓ ő"]

    def documents() -> list[bytes]:
        found = []
        for text in texts:
            pdf = new_document("Glyphs", created=CREATED)
            for style in ("", "B"):
                pdf.set_font("DejaVu", style, 10)
                text_cell(pdf, 0, 5, text, next_line=True)
            found.append(document_bytes(pdf))
        return found

    with_known = documents()
    faces = [style_face(style) for style in pdfs.STYLES]
    assert all(face.known for face in faces)  # the check at the base's build passed, and glyphs were kept
    saved = [face.known for face in faces]
    try:
        for face in faces:
            face.known = None
        assert documents() == with_known
    finally:
        for face, known in zip(faces, saved, strict=True):
            face.known = known


def _common_document(page_count: int) -> bytes:
    pdf = new_document("Common", created=CREATED, margin=15)
    for n in range(page_count * 60):
        pdf.set_font("DejaVu", "B" if n % 3 == 0 else "", 8 + n % 3)
        line = ["Revenue $12,345.67 — 4 weeks", "Ærøskøbing · Müller · Œuvre", "≤ ≥ − × € → ✓ ✗ ●"][n % 3]
        text_cell(pdf, 0, 5, line, next_line=True)
    return document_bytes(pdf)


def test_a_document_of_common_glyphs_alone_is_what_fpdf2_writes_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    cut_by_fpdf2: list[int] = []
    fpdf2s = OutputProducer._add_fonts

    def watched(self: OutputProducer, *args: Any) -> Any:
        cut_by_fpdf2.append(len(self.fpdf.fonts))
        return fpdf2s(self, *args)

    _common_document(1)  # the cut (and its check against fpdf2's) is made at the process's first document
    monkeypatch.setattr(OutputProducer, "_add_fonts", watched)
    faces = [style_face(style) for style in pdfs.STYLES]
    copied = [_common_document(pages) for pages in (1, 3)]
    assert all(face.cut is not None for face in faces) and cut_by_fpdf2 == []  # built from the cut
    saved = [face.cut for face in faces]
    try:
        for face in faces:
            face.cut = None  # fpdf2 cuts, saves and compresses each document's fonts itself
        assert [_common_document(pages) for pages in (1, 3)] == copied
        assert cut_by_fpdf2 == [2, 2]
    finally:
        for face, cut in zip(faces, saved, strict=True):
            face.cut = cut


def test_what_a_footer_draws_as_the_document_is_written_still_reads_back() -> None:
    pdf = new_document("Footer", created=CREATED)
    pdf.set_font("DejaVu", "", 10)
    text_cell(pdf, 0, 5, "Revenue $12,345.67", next_line=True)  # common glyphs alone, until the footer

    def footer() -> None:
        pdf.set_y(-15)
        pdf.set_font("DejaVu", "B", 8)
        pdf.cell(0, 5, "Łódź, page ą")

    pdf.footer = footer  # type: ignore[method-assign]
    found = PdfReader(io.BytesIO(document_bytes(pdf))).pages[0].extract_text()
    assert found.split("\n") == ["Revenue $12,345.67", "Łódź, page ą"]


def test_documents_written_at_once_in_threads_are_those_written_one_by_one() -> None:
    def document(n: int) -> bytes:
        pdf = new_document(f"Thread {n}", created=CREATED)
        for line in range(n * 40):
            pdf.set_font("DejaVu", "B" if line % 2 else "", 9)
            text_cell(pdf, 0, 5, TEXTS[(n + line) % len(TEXTS)] if n % 2 else "Revenue $1,234", next_line=True)
        return document_bytes(pdf)

    alone = [document(n) for n in range(1, 7)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        for _ in range(3):
            assert list(pool.map(document, range(1, 7))) == alone


def test_every_character_of_a_document_reads_back_whichever_way_its_fonts_were_made() -> None:
    lines = {"common": "Müller paid $1,234.56 – ✓", "more of the base": "Łódź ↑ ő", "whole font": "Καλημέρα"}
    for kind, text in lines.items():
        pdf = new_document("Text", created=CREATED)
        for style in pdfs.STYLES:
            pdf.set_font("DejaVu", style, 10)
            text_cell(pdf, 0, 5, text, next_line=True)
        fonts = [pdf.fonts[f"dejavu{style}"] for style in pdfs.STYLES]
        common = all(style_face(style).holds_only_common(font) for style, font in zip(pdfs.STYLES, fonts, strict=True))
        assert common == (kind == "common")
        found = PdfReader(io.BytesIO(document_bytes(pdf))).pages[0].extract_text()
        assert found.split("\n") == [text, text], kind


def test_text_lines_writes_the_same_bytes_as_fpdf2s_multi_cell() -> None:
    rng = random.Random(11)
    words = ["a", "week", "CPL", "$1,234.56", "—", "Ærøskøbing", "leads", "(4-week)", "≤", "campaign", "W" * 12]
    paragraphs = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 60))) for _ in range(60)]
    paragraphs[5] = "Guests 张伟, 김민준 and สมชาย"  # fallback fonts from here on: the rest still drawn alike
    # and what goes to multi_cell: line breaks, runs of spaces, a word wider than the page, none at all
    paragraphs += ["two\nlines", "double  space", " leading", "x" * 200, "", "Καλημέρα κόσμε"]

    def document(draw: Callable[[FPDF, float, str], None]) -> bytes:
        pdf = new_document("Paragraphs", created=CREATED, margin=15)
        for n, text in enumerate(paragraphs):
            pdf.set_font("DejaVu", "B" if n % 3 == 0 else "", (8, 9.5, 10, 11)[n % 4])
            pdf.set_x(pdf.l_margin + (n % 2) * 20)  # a paragraph may start indented
            draw(pdf, (5, 5.5)[n % 2], text)
        return document_bytes(pdf)

    def multi_cell(pdf: FPDF, h: float, text: str) -> None:
        pdf.multi_cell(0, h, text, new_x="LMARGIN", new_y="NEXT", align="L")

    assert document(text_lines) == document(multi_cell)


def test_wrap_is_textwrap() -> None:
    rng = random.Random(7)
    alphabet = "ab c-—.\t\n\xa0\u2003 é(),09"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        width = rng.randint(1, 18)
        assert wrap(text, width) == textwrap.wrap(text, width), (text, width)


def test_wrap_counts_a_chinese_japanese_or_korean_character_as_two_columns() -> None:
    """A CJK glyph is a full em, nearly two of DejaVu's average: a long CJK company name ran past its
    column and over the next one's text."""
    import unicodedata

    names = ("株式会社さくらマリンサービス東京湾支店", "주식회사 부산해운대요트클럽 Busan", "Client 上海蓝色海湾 Co")
    for text in names:
        for width in (4, 9, 16):
            lines = wrap(text, width)
            assert "".join(lines).replace(" ", "") == text.replace(" ", "")
            widths = [sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) for line in lines]
            assert max(widths) <= width and all(line == line.strip() for line in lines), (text, width, lines)
    assert wrap("上海 Harbor", 20) == ["上海 Harbor"]
    import unicodedata as ud

    mixed = "上海" + ud.normalize("NFD", "é") * 2  # two wide characters and two marks: 6 columns in 6 characters
    assert [sum(2 if ud.east_asian_width(c) in "WF" else 0 if ud.combining(c) else 1 for c in line)
            for line in wrap(mixed, 5)] == [5, 1]  # fmt: skip


def test_a_font_of_the_same_name_from_another_file_is_embedded_as_it_is() -> None:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(CREATED)
    pdf.add_font("DejaVu", "", str(pdfs.font_dir() / "DejaVuSerif.ttf"))  # the name new_document gives Sans
    pdf.add_page()
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(0, 5, "Revenue $1,234")
    page = PdfReader(io.BytesIO(document_bytes(pdf))).pages[0]
    assert page.extract_text() == "Revenue $1,234"
    (font,) = page["/Resources"]["/Font"].values()
    embedded = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]["/FontFile2"].get_data()
    assert TTFont(io.BytesIO(embedded))["name"].getDebugName(4) == "DejaVu Serif"  # its own outlines, not Sans'


def test_what_dejavu_cannot_draw_is_drawn_in_a_fallback_font_read_only_by_documents_that_need_it() -> None:
    names = ["Kim 김민준", "张伟", "さくら 田中", "สมชาย ใจดี"]
    pdf = new_document("Names", created=CREATED)
    for n, name in enumerate(names):
        pdf.set_font("DejaVu", "B" if n % 2 else "", 10)
        text_cell(pdf, 0, 5, name, next_line=True)
    text_lines(pdf, 5, "Guests: " + ", ".join(names))
    assert {"wenquanyi", "notosansthai"} <= set(pdf.fonts) and not pdf.text_shaping  # no script here needs it
    found = PdfReader(io.BytesIO(document_bytes(pdf))).pages[0].extract_text().split("\n")
    assert found == [*names, "Guests: " + ", ".join(names)]
    latin = new_document("Names", created=CREATED)
    latin.set_font("DejaVu", "", 10)
    text_cell(latin, 0, 5, "Søren Åberg, Ελένη, Привет 🦈", next_line=True)  # no font has the shark
    latin.multi_cell(0, 5, "Søren Åberg 🦈")
    assert set(latin.fonts) == {"dejavu", "dejavuB"}  # no fallback font: nothing of theirs embedded
    thai = new_document("Names", created=CREATED)
    thai.set_font("DejaVu", "", 10)
    thai.multi_cell(0, 5, "สมชาย ใจดี")
    assert set(thai.fonts) == {"dejavu", "dejavuB", "notosansthai"}  # the font it needs, not the CJK one too
    hindi = new_document("Names", created=CREATED)
    hindi.set_font("DejaVu", "", 10)
    hindi.multi_cell(0, 5, "प्रिया शर्मा")
    assert set(hindi.fonts) == {"dejavu", "dejavuB", "notosansdevanagari"} and hindi.text_shaping
    # an Arabic name printed letter by letter: DejaVu has the joined forms, drawn only when shaped
    arabic = new_document("Names", created=CREATED)
    arabic.set_font("DejaVu", "", 10)
    text_cell(arabic, 0, 5, "محمد علي", next_line=True)
    joined = {"uniFEE3", "uniFEE4", "uniFEA4", "uniFEAA"}  # meem, meem, hah, dal in their joined forms
    assert arabic.text_shaping and joined <= set(arabic.fonts["dejavu"].subset.get_all_glyph_names())


def test_string_width_is_what_fpdf2_measures_and_leaves_the_document_as_fpdf2_does() -> None:
    # every text of TEXTS (fallback scripts, CJK, an alias) and some shaped, in both faces and several sizes
    texts = [*TEXTS, "مرحبا بالعالم", "नमस्ते दुनिया", "a…", "Ω" * 40, "Dana Whitcomb — Cove & Co."]

    def measured(width: Callable[[FPDF, str], float]) -> tuple[list[float], bytes]:
        pdf = new_document("Widths", created=CREATED, margin=15)
        pdf.alias_nb_pages()
        widths = []
        for n, text in enumerate(texts * 3):
            pdf.set_font("DejaVu", "B" if n % 2 else "", 7.5 + n % 5)
            widths.append(width(pdf, text))
            text_cell(pdf, 0, 4, text[:20], next_line=True)
        return widths, document_bytes(pdf)

    fast, fast_bytes = measured(pdfs.string_width)
    slow, slow_bytes = measured(lambda pdf, text: pdf.get_string_width(text))
    assert fast == pytest.approx(slow, rel=1e-12) and fast_bytes == slow_bytes
    assert min(fast[1:]) >= 0 and fast[0] > 0
