"""Small value types every feature shares: money, time, ids, and validation problems in words."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from firstmate.domain.currencies import minor_units

#: An id: a business line, a boat, a person (lower-case letters, digits and dashes).
SLUG = r"^[a-z0-9][a-z0-9-]{0,39}$"
_DATETIME_PROBLEMS = {"datetime_parsing", "datetime_from_date_parsing", "datetime_type"}
_DATE_PROBLEMS = {"date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type"}
_WITH_OFFSET = "write a date and time with its offset, like {example}"


def offset_example(timezone: str | None = None) -> str:
    """A date and time as firstmate wants one written, in the business's `timezone` when it is known
    ("2026-07-04T17:00:00+01:00" in Lisbon): the Los Angeles "-07:00" of every example, copied by a
    business elsewhere, put its trips hours off. In UTC ("2026-07-04T17:00:00Z") when no zone is known."""
    if timezone is None:
        return "2026-07-04T17:00:00Z"
    return datetime(2026, 7, 4, 17, tzinfo=ZoneInfo(timezone)).isoformat()


@dataclass(frozen=True, order=True)
class Money:
    """An exact amount in one currency. Never a float."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money.amount must be a Decimal, not a float")
        if not self.amount.is_finite():
            raise ValueError("an amount must be a finite number")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"{self.currency!r} is not a three-letter currency code like USD")

    @classmethod
    def parse(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Build Money from user text such as "840.75" and a code such as "usd"."""
        try:
            value = Decimal(str(amount).strip())
        except InvalidOperation as exc:
            raise ValueError(f"{amount!r} is not an amount") from exc
        return cls(value, currency.strip().upper())

    def quantized(self) -> Money:
        """The amount rounded to the currency's minor unit (banker's rounding)."""
        places = minor_units(self.currency)
        return Money(self.amount.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN), self.currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __str__(self) -> str:
        """The amount to its currency's minor unit ("840.75 USD", "12,000 JPY"), never rounded: an amount
        holding more places than its currency has (12000.50 JPY, taken before such amounts were refused)
        shows them, where "12,000 JPY" said 50 sen less than the booking holds."""
        shown = self.quantized()
        return f"{shown.amount if shown.amount == self.amount else self.amount:,} {self.currency}"


def require_aware(moment: datetime) -> datetime:
    """Return `moment` in UTC; raise ValueError for a naive datetime (its zone is unknowable)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a time must carry its UTC offset, e.g. {offset_example()}")
    return moment.astimezone(UTC)


def to_epoch(moment: datetime) -> int:
    """Whole epoch seconds of an aware datetime (for store ttl values)."""
    return int(require_aware(moment).timestamp())


def iso(moment: datetime) -> str:
    """A sortable UTC ISO-8601 string with a Z suffix (used inside keys)."""
    return require_aware(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


#: What may follow a name's comma without being its first name: "Dana Whitcomb, Jr." is Dana; compared
#: without their dots ("M.D.", "Ph.D.").
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "capt", "rev", "sir", "dame"})
_SUFFIXES = frozenset(
    {"jr", "sr", "ii", "iii", "iv", "v", "md", "phd", "esq", "dds", "dmd", "rn", "np", "cpa", "mba", "dvm", "jd"}
)


def first_word(name: str) -> str:
    """The first name of a name, how guests and crew are greeted: its first word, or the first word after
    its comma when written "Last, First" ("Whitcomb, Dana" was greeted "Hi Whitcomb,"); not a suffix
    ("Dana Whitcomb, Jr."). The name itself when it has no word to split off (a name of spaces alone must
    not crash a page)."""
    last, _, rest = name.partition(",")
    # each word after the comma that is no suffix ("Whitcomb, Jr., Dana" is Dana; "Dana Whitcomb, M.D." Dana)
    after = [word for word in rest.replace(",", " ").split() if word.replace(".", "").lower() not in _SUFFIXES]
    if after:
        return _untitled(after)[0]
    words = last.split() or name.split()
    return _untitled(words)[0] if words else name


def _untitled(words: list[str]) -> list[str]:
    """`words` without the titles before a name ("Dr. Dana Whitcomb" is greeted Dana, not "Dr."), unless the
    name is a title alone ("Dr." stays)."""
    kept = list(words)
    while len(kept) > 1 and kept[0].replace(".", "").lower() in _TITLES:
        kept.pop(0)
    return kept


def problem_words(problem: Mapping[str, Any], timezone: str | None = None) -> str:
    """One validation problem (an item of `ValidationError.errors()`) in a reader's words: an id's
    rule said rather than its pattern shown, and how a date or a time is written (with the offset of the
    business's `timezone`, when it is known: `offset_example`)."""
    with_offset = _WITH_OFFSET.format(example=offset_example(timezone))
    kind, message = problem.get("type"), str(problem["msg"]).removeprefix("Value error, ")
    if kind == "string_pattern_mismatch" and (problem.get("ctx") or {}).get("pattern") == SLUG:
        return "must be an id of lower-case letters, digits and dashes, like sea-lark"
    if kind in _DATETIME_PROBLEMS:
        return f"{message}; {with_offset}"
    if kind == "timezone_aware":  # pydantic's "Input should have timezone info" named nothing to write
        return f"{problem.get('input')} has no offset: {with_offset}"
    if kind in _DATE_PROBLEMS:
        return f"{message}; write a date like 2026-07-04"
    if kind == "decimal_parsing":  # "Input should be a valid decimal" for "1,200.50" or "$50"
        return "is not a plain number: write it like 1200.50, without thousands commas or a currency sign"
    return message


#: The validation context of a row read back from the store (`Booking.model_validate(data,
#: context=STORED)`): what was judged plausible when it came in stays readable, however the checks
#: have grown since.
STORED = {"stored": True}


def known_zone(value: str) -> str:
    """`value` if it names an IANA time zone (America/Los_Angeles); ValueError saying so otherwise, with the zone
    it looks like ("Europe/Lisboa": did you mean Europe/Lisbon?) or one of the city it names ("Lisbon time")."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(_unknown_zone(value)) from None
    return value


def _unknown_zone(value: str) -> str:
    """Why `value` is no time zone, in words that name the one meant where it can be told."""
    zones = sorted(available_timezones())
    by_case = {zone.lower(): zone for zone in zones}  # "europe/london" is Europe/London
    close = [by_case[z] for z in difflib.get_close_matches(value.lower(), list(by_case), n=1, cutoff=0.8)]
    if close:
        return f"{value!r} is not an IANA time zone; did you mean {close[0]}?"
    words = {word.lower() for word in re.findall(r"[A-Za-z]{3,}", value)}
    cities = [zone for zone in zones if zone.rpartition("/")[2].replace("_", " ").lower() in words]
    return f"{value!r} is not an IANA time zone such as {cities[0] if cities else 'America/Los_Angeles'}"
