"""Shared helpers for parsers: amounts as written by people and spreadsheets, and pydantic errors
as one readable line."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import ValidationError

from firstmate.domain.bookings import MAX_NOTES, problem_text
from firstmate.domain.currencies import minor_units

_GROUPED = re.compile(r"-?[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]*)?")
_DECIMAL_COMMA = re.compile(r"-?(?:[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+),[0-9]{1,2}")
_CURRENCY = re.compile(r"[$€£¥]|[A-Za-z]{3}")
#: Currencies written with a plain "$" at home: a Canadian business's "$480.00" is 480 Canadian dollars.
DOLLARS = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD", "FJD", "BSD", "BBD", "BZD", "JMD", "TTD"})


def thousands_dot(said: str, currency: str, amount: str) -> str | None:
    """Why an amount written with three places after its point, more than `currency` has, on one to three figures
    ("€1.240") is refused, or None for any other: a dot between thousands as much of Europe writes them (1,240
    euros, once stored as 1.24), or a mistake; both readings, each as it is written. `said`: what wrote it, with
    its words ("the total trip price '€1.240'")."""
    whole, _, fraction = amount.partition(".")
    places = minor_units(currency)
    if not (len(fraction) == 3 > places and len(whole) <= 3 and whole[0] != "0"):
        return None
    thousands = f"{int(whole + fraction):,}"
    told = f"{said} has three places after its point, and {currency} has {places or 'none'}"
    as_thousands = f"write {thousands} {currency} as {currency} {int(whole + fraction):,.{places}f}"
    small = f"{whole}.{fraction}".rstrip("0").rstrip(".")
    if len(small.partition(".")[2]) > places:  # "€12.345" is no amount of euros: only the thousands' reading is
        return f"{told}: {as_thousands} (a comma between thousands)"
    return f"{told}: {as_thousands} (a comma between thousands), or {small} {currency} as {currency} {small}"


def plain_amount(text: str) -> str:
    """An amount with its thousands commas taken out ("1,200.50" → "1200.50"). A decimal comma is
    refused (ValueError), never dropped ("840,75" read as 84075), and so is an amount written with its
    currency ("$1,200.00", "1,200.00 USD"), each saying how to write it."""
    text = text.strip()
    if _CURRENCY.search(text):
        raise ValueError(f"cannot read the amount {text!r}: write the number alone, like 1200.50, without its currency")
    if "," not in text:
        return text
    if _GROUPED.fullmatch(text):
        return text.replace(",", "")
    if _DECIMAL_COMMA.fullmatch(text):
        raise ValueError(f"cannot read the amount {text!r}: write it with a decimal point, like 840.75 or 1,200.50")
    raise ValueError(f"cannot read the amount {text!r}: write it like 840.75 or 1,200.50")


def boats_named(name: str, boats: Mapping[str, str]) -> list[str]:
    """The asset ids of the boats `name` names: by their whole name, or else by the name before their
    description ("Sea Lark" for "Sea Lark (38 ft sloop)")."""
    wanted = name.strip().lower()
    exact = [asset for asset, boat in boats.items() if boat.lower() == wanted]
    return exact or [asset for asset, boat in boats.items() if boat.lower().startswith(wanted + " (")]


def boat_named(name: str, boats: Mapping[str, str], *, where: str) -> str:
    """The asset id of the one boat `name` names (`boats`: asset id to boat name): its whole name, or
    the name before its description ("Sea Lark" for "Sea Lark (38 ft sloop)"). Two such boats are
    refused, naming them (the first was taken unsaid, and the wrong boat's crew were told); so is a
    name no boat has. `where` says where the name was written ("the email", "Boat:")."""
    named = boats_named(name, boats)
    if len(named) == 1:
        return named[0]
    if named:
        both = " and ".join(f"{boats[asset]!r}" for asset in named)
        raise ValueError(f"{where} names boat {name!r}, which could be {both}; rename one of them")
    known = ", ".join(f"{boat} ({asset})" for asset, boat in sorted(boats.items())) or "none"
    raise ValueError(f"{where} names boat {name!r}, which no asset is called (the boats: {known})")


def describe(error: ValidationError, columns: Mapping[str, str] | None = None) -> str:
    """The first few problems of a validation error, as `field: problem; …`; `columns` names a field
    as its file does (`lead_guest.phone` is a CSV file's `lead_phone`)."""
    parts = []
    for item in error.errors()[:4]:
        field = ".".join(str(p) for p in item["loc"]) or "record"
        field = (columns or {}).get(field, field)
        parts.append(f"{field}: {problem_text(item)}")
    return "; ".join(parts)


#: Where notes too long for a booking were cut.
_CUT = " … (cut here: the rest is in the channel's booking)"


def within_notes_limit(notes: str) -> str:
    """Notes cut to what a booking holds, saying so: a channel's policy text below a one-line note
    made them too long, and the whole file was refused, which the operator cannot change; cut unsaid,
    a renter's last request read as whole."""
    if len(notes) <= MAX_NOTES:
        return notes
    return notes[: MAX_NOTES - len(_CUT)].rstrip() + _CUT
