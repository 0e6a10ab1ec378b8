"""Wrapping table cells and lines: exactly `textwrap.wrap`, with a shortcut for the common case,
and a width that counts an East Asian wide character (Chinese, Japanese, Korean) as two.

Most table cells fit their column as they are, and `textwrap` still splits, measures and joins
each of them (about 60 µs a cell; role reports have thousands). A text that fits, is all printable
and does not end in whitespace wraps to itself, so it is returned as it is.

Widths are counted in characters of DejaVu Sans's average advance (about 0.56 em). A CJK glyph
is a full em, nearly two of them: `textwrap`, which counts one, let a long CJK company name run
past its column and over the next one.
"""

from __future__ import annotations

import textwrap
import unicodedata


def wrap(text: str, width: int) -> list[str]:
    """What `textwrap.wrap(text, width)` returns (long words broken, as its default does), each wide
    character counted as two columns, a combining or invisible one as none (`display_width`)."""
    if text.isascii() or all(_columns(char) == 1 for char in set(text)):  # every character one column
        if text and len(text) <= width and text.isprintable() and not text[-1].isspace():
            return [text]
        return textwrap.wrap(text, width)
    return _wrap_wide(text, width)


def display_width(text: str) -> int:
    """Columns `text` takes, a wide character two, a combining mark or an invisible one none (as a
    terminal or a plain-text email shows it)."""
    return len(text) if text.isascii() else sum(_columns(char) for char in text)


def _columns(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0  # an accent typed apart ("e" and U+0301, as macOS gives names), a zero-width space
    return 2 if _wide(char) else 1


def padded(text: str, width: int) -> str:
    """`text` with spaces after it to `width` columns (`str.ljust` by display width)."""
    return text + " " * (width - display_width(text))


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _wrap_wide(text: str, width: int) -> list[str]:
    """Words joined by one space while they fit, as `textwrap` does; a word wider than a line (CJK
    is written without spaces) broken between characters."""
    lines: list[str] = []
    line, used = "", 0
    for word in text.split():
        size = display_width(word)
        if line and used + 1 + size <= width:
            line, used = f"{line} {word}", used + 1 + size
            continue
        if line:
            lines.append(line)
            line, used = "", 0
        for char in word:
            step = _columns(char)
            if line and step and used + step > width:  # a mark stays with the letter before it
                lines.append(line)
                line, used = "", 0
            line, used = line + char, used + step
    return [*lines, line] if line else lines
