"""Report data as plain JSON values: Decimal as exact strings, dates as ISO, enums as their values."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum


def to_plain(value: object) -> object:
    """json.dumps `default=` hook for the types reports hold."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot serialise {type(value).__name__}")
