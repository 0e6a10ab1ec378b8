"""Shared helpers for parsers: turn pydantic errors into one readable line."""

from __future__ import annotations

from pydantic import ValidationError

from firstmate.domain.bookings import problem_text


def describe(error: ValidationError) -> str:
    """The first few problems of a validation error, as `field: problem; …`."""
    parts = []
    for item in error.errors()[:4]:
        field = ".".join(str(p) for p in item["loc"]) or "record"
        parts.append(f"{field}: {problem_text(item)}")
    return "; ".join(parts)
