"""Report data as plain JSON values: Decimal as exact strings, dates as ISO, enums as their values."""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import orjson

PASSTHROUGH = orjson.OPT_PASSTHROUGH_DATACLASS


def to_plain(value: object) -> object:
    """json.dumps `default=` hook for the types reports hold."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot serialise {type(value).__name__}")


def plain(value: object) -> Any:
    """`value` (dataclasses, Decimals, dates, enums, in lists and dicts) as plain JSON values, as
    `to_plain` makes them, and each dataclass as its fields, as `asdict` takes them; an infinite or
    NaN float becomes None (JSON's null: JSON has no such number). With orjson, about a sixth of the
    time of `asdict` and `json`; what orjson cannot write (an integer past 64 bits, a lone
    surrogate) goes through `json`."""
    try:  # dataclasses through _field_values: orjson's own skips fields named _… and adds cached values
        written = orjson.dumps(value, default=_field_values, option=orjson.OPT_NON_STR_KEYS | PASSTHROUGH)
        return orjson.loads(written)
    except TypeError:
        return json.loads(json.dumps(value, default=_field_values), parse_constant=lambda _: None)


def data_file(data: object) -> bytes:
    """Plain report data as the JSON file stored beside the report: UTF-8, indented by two spaces.
    orjson writes the large weekly data about thirty times faster than `json`; what it cannot write
    (an integer past 64 bits, a lone surrogate) `json` writes, escaped to ASCII."""
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2)
    except TypeError:
        return json.dumps(data, indent=2, allow_nan=False).encode()  # `plain` data has no NaN: never the token


def _field_values(value: object) -> object:
    """`to_plain`, and a dataclass as its fields (for `json`, which does not write dataclasses)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: getattr(value, field.name) for field in fields(value)}
    return to_plain(value)
