"""The fields of a record crew and guests never see (money, private notes), removed at any depth."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Field names that carry money or private matters: never shown to crew or guests.
HIDDEN_FROM_CREW = frozenset(
    {
        "gross",
        "gross_amount",
        "currency",
        "payout",
        "fees",
        "fee",
        "captain_pay",
        "price",
        "total",
        "amount",
        "revenue",
        "money_summary",
        "private_notes",
    }
)


_PLAIN = frozenset({str, int, float, bool, type(None)})


def redact_for_crew(value: Any) -> Any:
    """`value` with every money or private field removed, at any depth."""
    if type(value) in _PLAIN:  # most leaves: skip the slower ABC checks below
        return value
    if isinstance(value, Mapping):
        return {
            k: redact_for_crew(v)
            for k, v in value.items()
            if k not in HIDDEN_FROM_CREW and not str(k).startswith("private")
        }
    if isinstance(value, list | tuple):
        return [redact_for_crew(v) for v in value]
    return value
