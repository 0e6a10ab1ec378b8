"""An org file's tables as the models they write, each problem where it is in the file and in the file's words
(TOML's text, lists, tables, true or false), rather than pydantic's."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from firstmate.domain.bookings import LINE_BREAKS, ONE_LINE, ONE_LINE_WORDS
from firstmate.domain.business import (
    Org,
)
from firstmate.domain.intake import RowError
from firstmate.domain.shared import model_at, problem_words

M = TypeVar("M", bound=BaseModel)


def read_one(model: type[M], data: Any, where: str, errors: list[RowError]) -> M | None:
    """`data` as `model`, or None with its problems added to `errors`, each where it is in the file."""
    if not isinstance(data, Mapping):
        errors.append(RowError(where, "must be a table of settings"))
        return None
    try:
        found = model.model_validate(data)
    except ValidationError as exc:
        for problem in exc.errors():
            path = "".join(f" #{p + 1}" if isinstance(p, int) else f".{p}" for p in problem["loc"])
            errors.append(RowError(f"{where}{path}", _in_file_words(model, problem)))
        return None
    # a name is a mail's subject, a greeting, a line of a page: a line break or a control character in it is a slip
    broken = [k for k in _ONE_LINE if isinstance(v := getattr(found, k, None), str) and not _one_line(v)]
    errors += [RowError(f"{where}.{k}", f"{ONE_LINE_WORDS}: {getattr(found, k)!r}") for k in broken]
    return None if broken else found


#: The settings of an org file's tables that are one line of text.
_ONE_LINE = ("name", "phone")


def _one_line(text: str) -> bool:
    return bool(re.match(ONE_LINE, text)) and text == text.strip() and not any(c in LINE_BREAKS for c in text)


#: How each list of an org file is written, for a value that is not one.
_LIST_LIKE = {
    "roles": '["captain", "crew_1"]',
    "qualifications": '["captain", "crew"]',
    "what_to_bring": '["Sunscreen", "Photo ID"]',
    "report_recipients": '["owner@example.com"]',
    "role_recipients": '["cfo@example.com"]',
    "checklist": '[{ key = "fuel", phase = "pre_event", label = "Fuel checked" }]',
}
#: What a setting checked against a pattern must look like, by its name.
_PATTERN_WORDS = {
    "primary_colour": "must be a colour written #rrggbb, like #0b3d5c",
    "accent_colour": "must be a colour written #rrggbb, like #f2a541",
    "logo_url": "must be an https:// address or a /static/ path, with no spaces",
    "meta_ad_account": 'must be the ad account\'s digits alone (without act_), in quotes, like "1001"',
    "key": "must be a lower-case word of letters, digits and underscores, like life_jackets",
}


def _in_file_words(model: type[BaseModel], problem: Mapping[str, Any]) -> str:
    """A validation problem of an org file's table in the words of the file (TOML's text, lists, tables,
    true or false), rather than pydantic's (a "valid tuple", "Field required", a regular expression)."""
    kind, loc = problem["type"], problem["loc"]
    names = [p for p in loc if isinstance(p, str)]
    name = names[-1] if names else ""
    if loc[:1] == ("role_recipients",) and len(loc) == 2 and name in Org.model_fields:
        return (f"{name} is a setting of [org], read here as a role because it is written below "
                "[org.role_recipients]: move it above that line")  # fmt: skip
    if kind == "missing":
        return "is missing; add it"
    if kind == "extra_forbidden":
        settings = ", ".join(model_at(model, loc[:-1]).model_fields)
        return f"is not a setting here; the settings are {settings}"
    if kind == "string_type":
        return 'must be text in quotes, like "…"'
    if kind in ("tuple_type", "list_type"):
        like = _LIST_LIKE.get(names[0] if names else "", '["…"]')
        return f"must be a list in square brackets, like {like}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        if name == "role_recipients":
            return 'must be a table: a line [org.role_recipients], then a line for each role, like cfo = ["…"]'
        return 'must be a table, like { key = "fuel", phase = "pre_event", label = "Fuel checked" }'
    if kind in ("bool_type", "bool_parsing"):
        return "must be true or false, without quotes"
    if kind in ("int_type", "int_parsing"):  # a count: a boat's max_guests
        return "must be a whole number without quotes, like 12"
    if kind in ("float_type", "float_parsing"):
        return "must be a number without quotes, like 37.8087"
    if kind == "string_pattern_mismatch" and name in _PATTERN_WORDS:
        return _PATTERN_WORDS[name]
    if kind == "string_too_short":
        least = (problem.get("ctx") or {}).get("min_length", 1)
        return "must not be empty" if least == 1 else f"must be at least {least} characters long"
    if kind == "string_too_long":
        return f"must be at most {(problem.get('ctx') or {}).get('max_length')} characters long"
    if kind in ("enum", "literal_error"):  # "must be 'boat' or 'vehicle'", after the setting's name
        return "must be " + str((problem.get("ctx") or {}).get("expected", ""))
    return problem_words(problem)


def read_many(model: type[M], data: Any, section: str, errors: list[RowError]) -> list[M]:
    """The tables of `section` as `model`s, those with a problem left out and their problems added to `errors`."""
    if not isinstance(data, list):
        errors.append(RowError(section, f"must be a list of tables, each written [[{section}]]"))
        return []
    found = []
    for number, item in enumerate(data, start=1):
        name = item.get("id") if isinstance(item, Mapping) else None
        where = f"{section} {name!r}" if isinstance(name, str) and name else f"{section} #{number}"
        if (one := read_one(model, item, where, errors)) is not None:
            found.append(one)
    return found
