"""A data folder's validation problems in a reader's words: what was written in the cell, and how to write it.

Pydantic says "Input should be a valid tuple" or "Field required"; the person fixing a spreadsheet needs "is not a
list: write each item on its own line, starting with '- '". What every input shares (a date, a number, a choice) is
said by `shared.problem_words`, the one place for it; here is what a data folder's files alone have. The row and the
field are said beside it (`RawRow.where`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from firstmate.domain.shared import SLUG, model_at, problem_words

_LIST_PROBLEMS = {"tuple_type", "list_type"}
_MAPPING_PROBLEMS = {"dict_type", "model_type", "model_attributes_type"}
#: What a field checked against a pattern holds, by the pattern (the id pattern is said by `problem_words`).
_PATTERN_WORDS = {r"^[A-Za-z]{3}$": "is not a currency code: write its three letters, like USD"}


def data_problem_words(problem: Mapping[str, Any], model: type[BaseModel], *, csv: bool) -> str:
    """One problem of `ValidationError.errors()` for a row of `model`, in words naming the value written (the
    field is named beside it). `csv`: the row is a CSV file's, whose missing values are empty cells."""
    kind, ctx, written = problem.get("type"), problem.get("ctx") or {}, problem.get("input")
    said = repr(written) if isinstance(written, str | int | float | Decimal) else ""
    if kind == "string_too_short":
        return "is empty: write a value" if csv else "is empty: give it a value"
    if kind == "missing":
        return "is empty: every row needs one" if csv else "is missing: add it"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == SLUG and said:
        return f"{said} is not an id: write lower-case letters, digits and dashes, like sea-lark"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERN_WORDS:
        return f"{said} {_PATTERN_WORDS[ctx['pattern']]}"
    if kind in _LIST_PROBLEMS:
        return f"{said or 'it'} is not a list: write each item on its own line, starting with '- '"
    if kind in _MAPPING_PROBLEMS:
        fields = ", ".join(f"{name}:" for name in model_at(model, problem.get("loc", ())).model_fields)
        return f"{said or 'it'} is not a set of fields: write them one a line, indented under it ({fields})"
    if kind == "extra_forbidden":
        if csv:
            return f"is not a column firstmate knows; the columns are: {', '.join(model.model_fields)}"
        fields = ", ".join(model_at(model, tuple(problem.get("loc", ()))[:-1]).model_fields)
        return f"is not a field firstmate knows here; the fields are: {fields}"
    return problem_words(problem)  # dates, numbers, choices: said as everywhere else
