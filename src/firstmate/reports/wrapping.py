"""Wrapping table cells and lines: exactly `textwrap.wrap`, with a shortcut for the common case.

Most table cells fit their column as they are, and `textwrap` still splits, measures and joins
each of them (about 60 µs a cell; role reports have thousands). A text that fits, is all printable
and does not end in whitespace wraps to itself, so it is returned as it is.
"""

from __future__ import annotations

import textwrap


def wrap(text: str, width: int) -> list[str]:
    """What `textwrap.wrap(text, width)` returns (long words broken, as its default does)."""
    if text and len(text) <= width and text.isprintable() and not text[-1].isspace():
        return [text]
    return textwrap.wrap(text, width)
