"""A data folder's validation problems in a reader's words: what was written in the cell, and how to write it.

Pydantic says "Input should be a valid date or datetime, invalid character in year", "Decimal input should have no
more than 2 decimal places" or "Input should be a valid tuple"; the person fixing a spreadsheet needs "'16/11/2026'
is not a date: write it year-month-day, like 2026-07-04". The row and the field are said beside it (`RawRow.where`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, get_args

from pydantic import BaseModel

from firstmate.domain.shared import SLUG, problem_words

_DATE = "write it year-month-day, like 2026-07-04"
_DATE_PROBLEMS = {"date_parsing", "date_from_datetime_parsing", "date_type"}
_INT_PROBLEMS = {"int_parsing", "int_type", "int_from_float"}
_BOOL_PROBLEMS = {"bool_parsing", "bool_type"}
_LIST_PROBLEMS = {"tuple_type", "list_type"}
_MAPPING_PROBLEMS = {"dict_type", "model_type", "model_attributes_type"}
#: What a field checked against a pattern holds, by the pattern (the id pattern is said by `problem_words`).
_PATTERN_WORDS = {r"^[A-Za-z]{3}$": "is not a currency code: write its three letters, like USD"}


def data_problem_words(problem: Mapping[str, Any], model: type[BaseModel], *, csv: bool) -> str:
    """One problem of `ValidationError.errors()` for a row of `model`, in words naming the value written (the
    field is named beside it). `csv`: the row is a CSV file's, whose missing values are empty cells."""
    kind, ctx, written = problem.get("type"), problem.get("ctx") or {}, problem.get("input")
    said = repr(written) if isinstance(written, str | int | float | Decimal) else ""
    if kind in _DATE_PROBLEMS and said:
        if re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", str(written)):
            return f"{said} is not a real date (no such month or day): {_DATE}"
        return f"{said} is not a date: {_DATE}"
    if kind == "date_from_datetime_inexact":
        return f"{said} has a time: write the date alone, like 2026-07-04"
    if kind == "decimal_parsing" and said:
        if str(written).strip().endswith("%"):
            return f"{said} is not a plain number: write a share as a fraction, like 0.4 for 40%"
        return f"{said} is not a plain number: write it like 1200.50, without thousands commas or a currency sign"
    if kind == "decimal_max_places":
        places = int(ctx.get("decimal_places", 2))
        return f"{said} has more than {places} decimal places: write it like {_rounded(written, places)}"
    if kind in ("greater_than_equal", "greater_than") and said:
        least = _number(ctx.get("ge", ctx.get("gt")))
        return (
            f"{said} is below {least}: write {least} or more"
            if kind == "greater_than_equal"
            else (f"{said} is not above {least}: write more than {least}")
        )
    if kind in ("less_than_equal", "less_than") and said:
        most = _number(ctx.get("le", ctx.get("lt")))
        return (
            f"{said} is above {most}: write {most} or less"
            if kind == "less_than_equal"
            else (f"{said} is not below {most}: write less than {most}")
        )
    if kind in _INT_PROBLEMS and said:
        return f"{said} is not a whole number: write it like 12"
    if kind in _BOOL_PROBLEMS and said:
        return f"{said} is not yes or no: write true or false"
    if kind in ("enum", "literal_error"):
        return _choice(said, written, str(ctx.get("expected", "")))
    if kind == "string_too_long" and isinstance(written, str):
        return f"is {len(written)} characters long: write at most {ctx.get('max_length')}"
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
        fields = ", ".join(f"{name}:" for name in _model_at(model, problem.get("loc", ())).model_fields)
        return f"{said or 'it'} is not a set of fields: write them one a line, indented under it ({fields})"
    if kind == "extra_forbidden":
        if csv:
            return f"is not a column firstmate knows; the columns are: {', '.join(model.model_fields)}"
        fields = ", ".join(_model_at(model, tuple(problem.get("loc", ()))[:-1]).model_fields)
        return f"is not a field firstmate knows here; the fields are: {fields}"
    return problem_words(problem)


def _choice(said: str, written: object, expected: str) -> str:
    """A value that is none of the choices: the one meant when only its case differs ("LIVE" for live)."""
    choices = re.findall(r"'([^']*)'", expected)
    meant = [choice for choice in choices if isinstance(written, str) and choice == written.strip().lower()]
    if meant:
        return f"{said} is not one of {', '.join(choices)}: write it in lower case: {meant[0]}"
    return f"{said or 'it'} is not one of {', '.join(choices)}: write one of them"


def _number(value: object) -> str:
    """A bound as a plain number: pydantic's Decimal('1E+9') is 1000000000."""
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except InvalidOperation:
        return str(value)


def _rounded(written: object, places: int) -> str:
    try:
        return f"{Decimal(str(written).strip()).quantize(Decimal(1).scaleb(-places)):f}"
    except InvalidOperation:
        return f"{Decimal('1200.50').quantize(Decimal(1).scaleb(-places)):f}"


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel]:
    """The model of the mapping at `loc` inside `model` (a goal inside business.yaml's goals, say)."""
    for part in loc:
        if not isinstance(part, str) or part not in model.model_fields:
            continue
        annotation = model.model_fields[part].annotation
        inner = [a for a in _flattened(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        if inner:
            model = inner[0]
    return model


def _flattened(annotation: Any) -> list[Any]:
    """`annotation` and the types inside it (`tuple[Goal, ...]`, `Cash | None`)."""
    return [annotation, *(inner for arg in get_args(annotation) for inner in _flattened(arg))]
