"""Shared helpers for parsers: turn pydantic errors into one readable line."""

from __future__ import annotations

from pydantic import ValidationError


def describe(error: ValidationError) -> str:
    """The first few problems of a validation error, as `field: problem; …`."""
    parts = []
    for item in error.errors()[:4]:
        field = ".".join(str(p) for p in item["loc"]) or "record"
        parts.append(f"{field}: {item['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)
