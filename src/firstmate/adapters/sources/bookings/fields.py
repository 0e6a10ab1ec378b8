"""Shared helpers for parsers: amounts as written by people and spreadsheets, and pydantic errors
as one readable line."""

from __future__ import annotations

import re

from pydantic import ValidationError

from firstmate.domain.bookings import problem_text

_GROUPED = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")


def plain_amount(text: str) -> str:
    """An amount with its thousands commas taken out ("1,200.50" → "1200.50"). A comma anywhere
    else is refused (ValueError), never dropped: "840,75", a decimal comma, read as 84075."""
    text = text.strip()
    if "," not in text:
        return text
    if _GROUPED.fullmatch(text):
        return text.replace(",", "")
    raise ValueError(f"cannot read the amount {text!r}: write it with a decimal point, like 840.75 or 1,200.50")


def describe(error: ValidationError) -> str:
    """The first few problems of a validation error, as `field: problem; …`."""
    parts = []
    for item in error.errors()[:4]:
        field = ".".join(str(p) for p in item["loc"]) or "record"
        parts.append(f"{field}: {problem_text(item)}")
    return "; ".join(parts)
