"""A booking's amounts: its money and its hours as JSON numbers arrive, and the bounds the schema states for
each currency (its decimal places, a million dollars' worth of it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, JsonValue, WithJsonSchema

from firstmate.domain.currencies import ISO_4217, LARGEST_SCALE, minor_units, scaled_codes

#: The most a booking's gross amount may be, in a dollar's worth: in a currency worth well under a dollar, times its
#: `money_scale` (Rp 10,000,000,000; a limit of 1,000,000 rupiah, about $61, refused any charter)
MAX_GROSS = Decimal("1000000")
CENT = Decimal("0.01")
#: The longest trip a booking may be (hours).
MAX_TRIP_HOURS = 72


def _cents(value: object) -> object:
    """JSON numbers arrive as floats: 840.75 stays 840.75, never 840.75000000000002."""
    if isinstance(value, float):
        exact = Decimal(repr(value))
        if not exact.is_finite() or exact.adjusted() > 20:  # infinite, NaN or huge: the field's bounds refuse it
            return exact
        rounded = exact.quantize(CENT)
        return rounded if abs(exact - rounded) < Decimal("1e-9") else exact
    return value


_AMOUNT_SCHEMA: dict[str, JsonValue] = {
    "type": "number", "minimum": 0, "maximum": float(MAX_GROSS * LARGEST_SCALE), "multipleOf": 0.0001,
    "examples": [840.75],
}  # fmt: skip
Amount = Annotated[
    Decimal,
    BeforeValidator(_cents),
    # the largest currency's bound: each currency's own is a rule of the schema (`_most_rule`)
    WithJsonSchema(_AMOUNT_SCHEMA),
]
Hours = Annotated[
    Decimal,
    BeforeValidator(_cents),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 72, "multipleOf": 0.25, "examples": [3]}),
]


def _places_rule(places: int | None) -> JsonValue:
    """The schema's rule for amounts in the currencies of `places` decimal places (None: of two, the rest)."""
    listed: list[JsonValue] = [
        c for c in sorted(ISO_4217) if (minor_units(c) == places) or (places is None and minor_units(c) != 2)
    ]
    step: JsonValue = {"properties": {"gross_amount": {"multipleOf": 0.01 if places is None else 10.0**-places}}}
    if places is None:
        return {"if": {"properties": {"currency": {"enum": listed}}}, "else": step}
    return {"if": {"properties": {"currency": {"enum": listed}}}, "then": step}


def _most_rule(scale: int | None) -> JsonValue:
    """The schema's bound of amounts in the currencies of `money_scale` `scale` (None: every other, as a dollar)."""
    scaled = scaled_codes()
    codes = scaled[scale] if scale else [code for codes in scaled.values() for code in codes]
    listed: list[JsonValue] = [code for code in codes if code in ISO_4217]
    most: JsonValue = {"properties": {"gross_amount": {"maximum": float(MAX_GROSS * (scale or 1))}}}
    return {"if": {"properties": {"currency": {"enum": listed}}}, ("then" if scale else "else"): most}


#: The JSON schema's word for `BookingRequest`'s `_whole_units` and `_at_most`: an amount has no more decimal places
#: than its currency has (none in JPY, three in BHD, two in USD), and is at most a million dollars' worth of it.
AMOUNT_LIMITS_SCHEMA: dict[str, JsonValue] = {
    "allOf": [*(_places_rule(places) for places in (0, 3, 4, None)), *(_most_rule(s) for s in (*scaled_codes(), None))]
}
#: The most decimal places a currency's amounts have (CLF's and UYW's four; BHD has three).
MAX_MINOR_UNITS = 4
