"""The csv module's refusals, in words someone fixing a spreadsheet export can act on."""

from __future__ import annotations

import csv
import re

#: A quoted cell's closing quote with spaces after it, before the comma or the line's end.
_SPACE_AFTER_QUOTE = re.compile(r'"[ \t]+(?:,|\r?\n?$)')


def csv_problem(error: csv.Error, line: str = "") -> str:
    """What is wrong with the text the csv module (strict) refused, and how to write it instead;
    `line`: the line it stopped on, when known.

    Without strict reading, a cell typed as `"Big" Bertha` lost its quotes with nothing said."""
    said = str(error)
    if "unexpected end of data" in said:
        return "a quote opened here is never closed"
    if "expected after" in said and _SPACE_AFTER_QUOTE.search(line):
        return "a space follows a quoted cell's closing quote: take it out, so the comma comes right after the quote"
    if "expected after" in said:
        return (
            "a cell that begins with a quote must be quoted whole, with each quote inside it doubled: "
            '"""Big"" Bertha" for "Big" Bertha (a spreadsheet writes it so)'
        )
    return f"cannot split this into fields: {said}; check for a quote left open"
