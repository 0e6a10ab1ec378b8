"""The csv module's refusals, in words someone fixing a spreadsheet export can act on."""

from __future__ import annotations

import csv


def csv_problem(error: csv.Error) -> str:
    """What is wrong with the text the csv module (strict) refused, and how to write it instead.

    Without strict reading, a cell typed as `"Big" Bertha` lost its quotes with nothing said."""
    said = str(error)
    if "unexpected end of data" in said:
        return "a quote opened here is never closed"
    if "expected after" in said:
        return (
            "a cell that begins with a quote must be quoted whole, with each quote inside it doubled: "
            '"""Big"" Bertha" for "Big" Bertha (a spreadsheet writes it so)'
        )
    return f"cannot split this into fields: {said}; check for a quote left open"
