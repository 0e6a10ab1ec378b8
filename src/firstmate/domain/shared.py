"""Small value types every feature shares: money, time, ids, and validation problems in words."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel

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


#: The titles before a name, and what may follow a name's comma without being its first name: "Dana Whitcomb, Jr."
#: is Dana; compared without their dots and accents ("M.D.", "Ph.D.", "Señor" is senor). A degree is a name's form;
#: a generation tells a father from his son (`names.same_person`). The titles an international charter's guests
#: write, English, French, German and Spanish; not those that are names or initials too ("Lord", "Lady", "Don",
#: "M."). "Sr." is a title before a name (Señor, Sister) and a generation after it ("Dana Whitcomb, Sr.").
NAME_TITLES = frozenset(
    {"dr", "doctor", "mr", "mrs", "ms", "mx", "miss", "prof", "professor", "capt", "captain", "rev", "reverend",
     "sir", "dame", "mister", "master", "fr", "father", "herr", "frau", "sr", "sra", "srta", "senor", "senora",
     "senorita", "monsieur", "mme", "madame", "mlle", "mademoiselle"}
)  # fmt: skip
NAME_DEGREES = frozenset({"md", "phd", "esq", "dds", "dmd", "rn", "np", "cpa", "mba", "dvm", "jd"})
_SUFFIXES = NAME_DEGREES | {"jr", "sr", "ii", "iii", "iv", "v"}


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
    """`words` without the titles before a name ("Dr. Dana Whitcomb" is greeted Dana, not "Dr."), a couple's too,
    with the word joining them ("Mr & Mrs Ana Keel" is greeted Ana, not "&"), unless the name is a title alone
    ("Dr." stays)."""
    kept = list(words)
    while len(kept) > 1 and (
        _titles_alone(kept[0]) or (kept[0].casefold() in _JOINERS and len(kept) > 2 and _titles_alone(kept[1]))
    ):
        kept.pop(0)
    return kept


def _titles_alone(word: str) -> bool:
    """Whether `word` is a title, or a couple's written as one word ("Mr/Mrs", "Mr+Mrs")."""
    pieces = [piece for piece in re.split(r"[&+/]", word) if piece]
    return bool(pieces) and all(title_key(piece) in NAME_TITLES for piece in pieces)


#: The words joining a couple's titles ("Mr & Mrs", "Mr and Mrs").
_JOINERS = frozenset({"&", "and", "+", "/"})


def title_key(word: str) -> str:
    """`word` as `NAME_TITLES` and `NAME_DEGREES` hold it: lower case, without its dots and accents ("Sr." is sr,
    "Señor" senor)."""
    decomposed = unicodedata.normalize("NFKD", word.replace(".", "").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def problem_words(problem: Mapping[str, Any], timezone: str | None = None, *, shown: bool = True) -> str:
    """One validation problem (an item of `ValidationError.errors()`) in a reader's words, the one place that turns
    pydantic's error types into them: what was written and how to write it ("'0' is below 1: write 1 or more", not
    "Input should be greater than or equal to 1"); an id's rule said rather than its pattern shown; a date and time
    with the offset of the business's `timezone`, when it is known (`offset_example`). The field is named beside
    it by the caller; not `shown`, the value is "the value" (a setting's, which may be a secret). A type not known
    here keeps pydantic's message, its "Input should be" said "must be"."""
    kind, ctx, written = problem.get("type"), problem.get("ctx") or {}, problem.get("input")
    said = _written(written) and ("the value" if not shown else _written(written))
    with_offset = _WITH_OFFSET.format(example=offset_example(timezone))
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == SLUG:
        return "must be an id of lower-case letters, digits and dashes, like sea-lark"
    if kind in _DATETIME_PROBLEMS:
        return f"{_lead(said)}is not a date and time: {with_offset}"
    if kind == "timezone_aware":  # pydantic's "Input should have timezone info" named nothing to write
        return f"{written if shown else 'the value'} has no offset: {with_offset}"
    if kind == "date_from_datetime_inexact":
        return f"{_lead(said)}has a time: write the date alone, like 2026-07-04"
    if kind in _DATE_PROBLEMS:
        if re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", str(written)):
            return f"{said} is not a real date (no such month or day): {_DATE}"
        return f"{_lead(said)}is not a date: {_DATE}"
    words = _number_words(kind, ctx, written, said)
    if words is None:
        words = _other_words(kind, ctx, written, said)
    if words is not None:
        return words
    message = str(problem["msg"]).removeprefix("Value error, ")
    for pydantics, ours in (("Input should be ", "must be "), ("String should ", "must ")):
        message = ours + message.removeprefix(pydantics) if message.startswith(pydantics) else message
    return message


_DATE = "write it year-month-day, like 2026-07-04"
_INT_PROBLEMS = {"int_parsing", "int_type", "int_from_float", "int_parsing_size"}
_FLOAT_PROBLEMS = {"float_parsing", "float_type"}
_BOOL_PROBLEMS = {"bool_parsing", "bool_type"}
_BOUNDS = {
    "greater_than_equal": ("ge", "{said} is below {bound}: write {bound} or more"),
    "greater_than": ("gt", "{said} is not above {bound}: write more than {bound}"),
    "less_than_equal": ("le", "{said} is above {bound}: write {bound} or less"),
    "less_than": ("lt", "{said} is not below {bound}: write less than {bound}"),
}


def _written(value: object) -> str:
    """What was written, quoted as typed ('1,5') or as the number sent (0); "" for what is not one value (a list,
    a table, nothing). A long one is cut: the words are one line."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return ""
    shown = repr(value)
    return shown if len(shown) <= 60 else f"{shown[:56]}…{shown[0]}"


def _lead(said: str) -> str:
    """What was written, to begin the words with ("'1,5' is not …"), or nothing: the field is named before them."""
    return f"{said} " if said else ""


def _number_words(kind: object, ctx: Mapping[str, Any], written: object, said: str) -> str | None:
    """A number's problem in words, or None when `kind` is none of a number's."""
    if kind == "decimal_parsing":  # "Input should be a valid decimal" for "1,200.50" or "$50"
        if str(written).strip().endswith("%"):
            return f"{said} is not a plain number: write a share as a fraction, like 0.4 for 40%"
        return f"{_lead(said)}is not a plain number: write it like 1200.50, without thousands commas or a currency sign"
    if kind == "decimal_max_places":
        places = int(ctx.get("decimal_places", 2))
        like = _rounded(written if said != "the value" else "", places)
        return f"{_lead(said)}has more than {places} decimal places: write it like {like}"
    if kind == "decimal_max_digits":
        return f"{_lead(said)}has more than {ctx.get('max_digits')} digits: write a smaller number"
    if kind in _BOUNDS and said:
        key, words = _BOUNDS[str(kind)]
        return words.format(said=said, bound=_number(ctx.get(key)))
    if kind in _INT_PROBLEMS and said:
        return f"{said} is not a whole number: write it like 12"
    if kind in _FLOAT_PROBLEMS and said:
        return f"{said} is not a number: write it like 12 or 2.5"
    if kind == "finite_number":
        return f"{_lead(said)}is not a number: write it like 12 or 2.5"
    return None


def _other_words(kind: object, ctx: Mapping[str, Any], written: object, said: str) -> str | None:
    """A choice's, a text's or a field's problem in words, or None when `kind` is none of theirs."""
    if kind in _BOOL_PROBLEMS and said:
        return f"{said} is not yes or no: write true or false"
    if kind in ("enum", "literal_error"):
        return _choice(said, written, str(ctx.get("expected", "")))
    if kind == "string_too_long" and isinstance(written, str):
        return f"is {len(written)} characters long: write at most {ctx.get('max_length')}"
    if kind == "string_too_short":
        least = int(ctx.get("min_length", 1))
        return "is empty: give it a value" if least <= 1 else f"is too short: write at least {least} characters"
    if kind == "string_type":
        return f'{said or "it"} is not text: write it in quotes, like "Sea Lark"'
    if kind == "missing":
        return "is missing: add it"
    if kind == "extra_forbidden":
        return "is not a field firstmate knows here: leave it out"
    return None


def _choice(said: str, written: object, expected: str) -> str:
    """A value that is none of the choices: the one meant when only its case differs ("LIVE" for live)."""
    choices = re.findall(r"'([^']*)'", expected)
    meant = [choice for choice in choices if isinstance(written, str) and choice == written.strip().lower()]
    if meant:
        return f"{said} is not one of {', '.join(choices)}: write it in lower case: {meant[0]}"
    return f"{said or 'it'} is not one of {', '.join(choices)}: write one of them"


def _number(value: object) -> str:
    """A bound as a plain number: pydantic's Decimal('1E+9') is 1000000000."""
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except InvalidOperation:
        return str(value)


def _rounded(written: object, places: int) -> str:
    """`written` rounded to `places`, as an example of it written right (1200.50's, when it is no number)."""
    try:
        return f"{Decimal(str(written).strip()).quantize(Decimal(1).scaleb(-places)):f}"
    except InvalidOperation:
        return f"{Decimal('1200.50').quantize(Decimal(1).scaleb(-places)):f}"


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


def model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel]:
    """The model of the mapping at `loc` (a pydantic error's place) inside `model`: a goal inside business.yaml's
    goals, a checklist item inside an asset; `model` itself where `loc` names no nested model."""
    for part in loc:
        if not isinstance(part, str) or part not in model.model_fields:
            continue
        annotation = model.model_fields[part].annotation
        inner = [a for a in _flattened(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        if inner:
            model = inner[0]
    return model


def _flattened(annotation: Any) -> list[Any]:
    """`annotation` and the types inside it (`tuple[Goal, ...]`, `Cash | None`)."""
    return [annotation, *(inner for arg in get_args(annotation) for inner in _flattened(arg))]
