"""Bookings: what every intake channel produces, and how a booking changes over its life.

A booking is identified by (source, external_id). Re-sending the same booking changes nothing;
a different body is a new revision; a cancellation is the last revision.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    JsonValue,
    ModelWrapValidatorHandler,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from firstmate.domain.currencies import (
    ISO_4217,
    LARGEST_SCALE,
    currency_code,
    in_units_of,
    minor_units,
    places_problem,
    scaled_codes,
)
from firstmate.domain.guests import someone_else
from firstmate.domain.mail import EMAIL_PATTERN, check_address
from firstmate.domain.shared import SLUG, Money, problem_words
from firstmate.domain.timing import other_offset

#: A start written in UTC outright ("Z", or RFC 3339's "-00:00"): no zone's offset, so none to be another's.
_UTC_WRITTEN = re.compile(r"(?:[Zz]|-00:00)$")

#: The most a booking's gross amount may be, in a dollar's worth: in a currency worth well under a dollar, times its
#: `money_scale` (Rp 10,000,000,000; a limit of 1,000,000 rupiah, about $61, refused any charter)
MAX_GROSS = Decimal("1000000")
#: pydantic's own words for a bound, which `problem_words` turns into "… is above …: write … or less"
_AT_MOST = "Input should be less than or equal to {le}"
CENT = Decimal("0.01")
#: The longest trip a booking may be (hours).
MAX_TRIP_HOURS = 72
#: Printable text on one line (control characters break mail headers and feeds) with no space at
#: either end. The pattern every stored value passed; intake also refuses Unicode's other spaces at
#: either end and its line separators (a name of "\x85" alone had no first name to greet).
ONE_LINE = r"^[^\x00-\x20\x7f](?:[^\x00-\x1f\x7f]*[^\x00-\x20\x7f])?$"
#: Unicode's line separators, and its spaces beyond ASCII's (what str.strip also strips).
LINE_BREAKS = "\x85\u2028\u2029"
_SPACES = r"\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: The same rule as intake applies it, as the API schema states it.
ONE_LINE_STRICT = rf"^[^\x00-\x20\x7f{_SPACES}](?:[^\x00-\x1f\x7f{LINE_BREAKS}]*[^\x00-\x20\x7f{_SPACES}])?$"
ONE_LINE_WORDS = "must be one line of printable text, with no space at either end"


def _one_line(value: str, info: ValidationInfo) -> str:
    # judged at intake only: a stored value passed the rule of its day (ONE_LINE), and stays readable
    if not (info.context or {}).get("stored") and (value != value.strip() or any(c in LINE_BREAKS for c in value)):
        raise ValueError(ONE_LINE_WORDS)
    return value


#: The highest revision number a channel may give (a calendar's SEQUENCE is a 32-bit integer).
MAX_SEQUENCE = 2**31 - 1


class IntakePath(StrEnum):
    """The way a revision came in, each numbering its revisions in a series of its own: an API client's
    `sequence`, a CSV file's `sequence` column (the operator's, often), a calendar export's SEQUENCE, a
    marketplace email's send time (seconds since 2000, about 850 million in 2026). A number says which of
    its own path's revisions is newer, never whether another path's is."""

    API = "api"
    CSV = "csv"
    EMAIL = "email"
    CALENDAR = "calendar"


#: An email's revision number (seconds since 2000) is at least this from 2008 on; no path counting its
#: revisions one by one comes near it. It tells whose a number kept before they were kept by path was.
_SENT_SCALE = 2**28


class _SchemaPattern:
    """States `pattern` in the JSON schema in place of the one validation checks first."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __get_pydantic_json_schema__(self, core: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        schema: dict[str, Any] = handler(core)
        schema["pattern"] = self.pattern
        return schema


OneLine = Annotated[
    str, StringConstraints(min_length=1, pattern=ONE_LINE), AfterValidator(_one_line), _SchemaPattern(ONE_LINE_STRICT)
]
EMAIL_SCHEMA = {"type": "string", "pattern": EMAIL_PATTERN, "maxLength": 200, "examples": ["dana@example.com"]}


#: A booking channel's name, as a booking's `source`.
SOURCE = r"^[a-z0-9][a-z0-9_-]{1,29}$"
SOURCE_WORDS = "must be 2 to 30 lower-case letters, digits, dashes or underscores, like boatsetter or web-site"
#: A guest's phone number: digits, with the spaces, brackets, dots and dashes people write, and any
#: extension after it ("+1 555 0100 ext. 12", "x12"). Case is spelled out: the API schema states it too.
PHONE = r"^\+?[0-9(][0-9 ().-]{3,28}[0-9](?:,? ?(?:[Ee][Xx][Tt](?:[Ee][Nn][Ss][Ii][Oo][Nn])?\.?|[Xx]) ?[0-9]{1,6})?$"
PHONE_WORDS = (
    "must be a phone number of 5 to 30 characters (digits, spaces, brackets, dots, dashes), like +1 (555) 010-0199, "
    "with any extension after it, like ext. 12"
)


def problem_text(problem: Mapping[str, Any], timezone: str | None = None) -> str:
    """One validation problem (an item of `ValidationError.errors()`) in words: the one-line rule and
    a channel's name are said, not their patterns shown; a start is shown written with the offset of the
    business's `timezone` when it is known."""
    if problem.get("type") == "string_pattern_mismatch":
        pattern = (problem.get("ctx") or {}).get("pattern")
        if pattern == ONE_LINE:
            return ONE_LINE_WORDS
        if pattern == SOURCE:  # "String should match pattern '^[a-z0-9][a-z0-9_-]{1,29}$'" said nothing
            return SOURCE_WORDS
        if pattern == PHONE:
            return PHONE_WORDS
    return problem_words(problem, timezone)


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


class BookingStatus(StrEnum):
    """Whether the trip is on."""

    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class LeadGuest(BaseModel):
    """The guest who booked: the only guest whose contact details the booking carries."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[OneLine, StringConstraints(max_length=120)]
    email: Annotated[str, WithJsonSchema(EMAIL_SCHEMA)]
    phone: Annotated[str, StringConstraints(pattern=PHONE)] | None = None

    @field_validator("email")
    @classmethod
    def _address(cls, value: str) -> str:
        return check_address(value.strip()).lower()


#: The longest notes a booking holds (each of its notes and private notes).
MAX_NOTES = 2000

#: The source no booking may have: the intake remembers blocked calendar slots under it.
BLOCKED_SLOTS = "block"


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


#: The schema's word for `_whole_units` and `_at_most`: an amount has no more decimal places than its currency has
#: (none in JPY, three in BHD, two in USD), and is at most a million dollars' worth of it.
_WHOLE_UNITS_SCHEMA: dict[str, JsonValue] = {
    "allOf": [*(_places_rule(places) for places in (0, 3, 4, None)), *(_most_rule(s) for s in (*scaled_codes(), None))]
}
#: The most decimal places a currency's amounts have (CLF's and UYW's four; BHD has three).
MAX_MINOR_UNITS = 4


class BookingRequest(BaseModel):
    """A booking as any channel delivers it (API body, CSV row, parsed email, calendar event)."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=_WHOLE_UNITS_SCHEMA)

    source: str = Field(pattern=SOURCE, description="Channel, e.g. boatsetter, direct.")
    external_id: Annotated[OneLine, StringConstraints(max_length=120)] = Field(
        description="The channel's own id for this booking."
    )
    entity: str | None = Field(default=None, pattern=SLUG, description="Business line; default: the asset's.")
    asset: str | None = Field(default=None, pattern=SLUG, description="The boat; default: the only boat.")
    start: Annotated[
        AwareDatetime,
        WithJsonSchema(
            {
                "type": "string",
                "format": "date-time",
                "pattern": "^(20[0-9][0-9]|2100)-",
                "examples": ["2026-06-13T16:00:00-07:00"],
            }
        ),
    ] = Field(description="Departure, ISO 8601 with UTC offset, between 2000 and 2100.")
    duration_hours: Hours = Field(gt=0, le=MAX_TRIP_HOURS, decimal_places=2)
    guest_count: int = Field(ge=1, le=150)
    # the currency before the amount: an amount is judged in its currency's minor unit (`_whole_units`)
    currency: str = Field(
        pattern=r"^[A-Za-z]{3}$",
        description="An ISO 4217 code, e.g. USD (lower case is read as upper).",
        json_schema_extra={"enum": list[JsonValue](sorted(ISO_4217))},  # what a client may send, in the schema too
    )
    gross_amount: Amount = Field(
        ge=0, le=MAX_GROSS * LARGEST_SCALE,  # in its currency: `_at_most`
        description="In the currency's units, with no more decimal places than it has (none for JPY); at most a "
        "million dollars' worth: 1,000,000, times 100 for JPY, 10,000 for IDR (see the schema's rules).",
        # the places are judged in the amount's currency alone (`_whole_units`), which names it: "more than 4
        # decimal places" said of 12.34567 USD told a client a limit that is not USD's
        json_schema_extra={"multipleOf": float(Decimal(1).scaleb(-MAX_MINOR_UNITS))},
    )  # fmt: skip
    lead_guest: LeadGuest
    notes: str = Field(default="", max_length=MAX_NOTES, description="Shown to crew.")
    private_notes: str = Field(default="", max_length=MAX_NOTES, description="Admins only; never shown to crew.")
    status: BookingStatus = BookingStatus.CONFIRMED
    sequence: int | None = Field(
        default=None, ge=0, le=MAX_SEQUENCE,
        description="The channel's revision number of this booking, rising with each change (a calendar's "
        "SEQUENCE). A revision numbered below one already taken through the API is older news and changes "
        "nothing; revisions from a file or an email are numbered in series of their own.",
    )  # fmt: skip
    #: the intake path whose series `sequence` is in (`IntakePath`): set by the parser that read it, not sent
    _numbered_by: IntakePath = PrivateAttr(default=IntakePath.API)

    #: the offset `start` was written with (it is kept in UTC), when written as one: not UTC outright ("Z")
    _start_offset: timedelta | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_written_offset(cls, data: Any, handler: ModelWrapValidatorHandler[BookingRequest]) -> BookingRequest:
        request = handler(data)
        written = data.get("start") if isinstance(data, Mapping) else None
        if isinstance(written, str) and not _UTC_WRITTEN.search(written.strip()):
            with suppress(ValueError):  # a form pydantic reads and Python does not: said nothing of
                request._start_offset = datetime.fromisoformat(written.strip()).utcoffset()
        return request

    def offset_warning(self, timezone: str) -> str | None:
        """What to say when `start` was written with another offset than the business's `timezone` has then
        (`other_offset`): taken as the moment it names, the trip may be hours off what was meant."""
        if self._start_offset is None:
            return None
        return other_offset(self.start, self._start_offset, timezone)

    @property
    def numbered_by(self) -> IntakePath:
        """The intake path whose series `sequence` is in (an API body's unless its parser said otherwise)."""
        return self._numbered_by

    #: where a file holds it ("row 7" of a CSV file, as the spreadsheet numbers it), when a parser said so
    _place: str | None = PrivateAttr(default=None)

    @property
    def place(self) -> str | None:
        """Where its file holds it ("row 7"), when its parser said so: a problem found later names it."""
        return self._place

    def placed_at(self, place: str) -> BookingRequest:
        """This request, held at `place` in its file ("row 7")."""
        copy = self.model_copy()
        copy._place = place
        return copy

    def numbered_in(self, path: IntakePath) -> BookingRequest:
        """This request, its `sequence` in `path`'s series (as the parser of a file or an email says)."""
        copy = self.model_copy()
        copy._numbered_by = path
        return copy

    @field_validator("source")
    @classmethod
    def _not_reserved(cls, value: str, info: ValidationInfo) -> str:
        # blocked calendar slots are remembered as `block@<source>#<uid>` beside bookings' `<source>#<id>`: a
        # booking of that source met a slot's record (a 500, or an import stopped halfway)
        if value == BLOCKED_SLOTS and not (info.context or {}).get("stored"):
            raise ValueError(f"'{BLOCKED_SLOTS}' is kept for blocked calendar slots; name the channel otherwise")
        return value

    @field_validator("notes", "private_notes")
    @classmethod
    def _line_breaks(cls, value: str) -> str:
        # a Windows file's CRLF and an old Mac's CR are the same line break as a LF, from any channel
        return value.replace("\r\n", "\n").replace("\r", "\n")

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str, info: ValidationInfo) -> str:
        # a stored booking is not judged again: what was taken when it came in stays readable
        return value.upper() if (info.context or {}).get("stored") else currency_code(value)

    @field_validator("guest_count", "sequence", mode="before")
    @classmethod
    def _no_truth_value(cls, value: object) -> object:
        """A whole number as sent: JSON's `true` or `false` is none (read as 1 or 0, a booking of 6 became one of 1)."""
        if isinstance(value, bool):
            raise ValueError(f"{json.dumps(value)} is not a whole number: write it like 12")
        return value

    @field_validator("gross_amount", "duration_hours")
    @classmethod
    def _two_places(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        # 600, 600.0, "600.00" and -0 are one amount however a channel or a spreadsheet writes it, so
        # they fingerprint alike; abs only turns -0.00 into 0.00 (the bounds refused any negative). An
        # amount in a currency of three places (BHD) keeps its third: 12.345 BHD was refused outright
        places = minor_units(str(info.data.get("currency") or "")) if info.field_name == "gross_amount" else 2
        written = value.quantize(Decimal(1).scaleb(-max(places, 2)))
        return abs(written) if written == value else value  # more places than its currency has: `_whole_units`

    @field_validator("gross_amount")
    @classmethod
    def _whole_units(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        # 12000.50 JPY was taken and shown "12,000 JPY": yen have no cents, and no payment is made in them
        currency = info.data.get("currency")
        if currency is None or (info.context or {}).get("stored"):
            return value
        problem = places_problem(value, currency)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("gross_amount", mode="wrap")
    @classmethod
    def _at_most(cls, value: object, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Decimal:
        # a million dollars' worth in the amount's currency: 1,000,000 rupiah (about $61) refused any charter. It
        # wraps the field's own bound (the largest currency's), so an amount over that too is told its currency's:
        # $200,000,000,000 was told "write 100000000000 or less", and refused again when it did
        currency = info.data.get("currency")
        most = in_units_of(MAX_GROSS, str(currency or "USD"))
        judged = not (info.context or {}).get("stored")
        try:
            amount: Decimal = handler(value)
        except ValidationError as exc:
            if judged and any(e["type"] == "less_than_equal" for e in exc.errors()):
                raise PydanticCustomError("less_than_equal", _AT_MOST, {"le": most}) from None
            raise
        if amount > most and judged:
            raise PydanticCustomError("less_than_equal", _AT_MOST, {"le": most})
        return amount

    @field_validator("start")
    @classmethod
    def _plausible(cls, value: datetime, info: ValidationInfo) -> datetime:
        # judged in the offset it came with; in UTC a start on the range's first or last day may fall
        # a day outside it, so a stored booking (validated with STORED) is not judged again
        if not (info.context or {}).get("stored") and not 2000 <= value.year <= 2100:
            raise ValueError("start must be a date between 2000 and 2100")
        return value.astimezone(UTC)  # stored in UTC; shown in the business's zone

    @field_validator("duration_hours")
    @classmethod
    def _quarter_hours(cls, value: Decimal) -> Decimal:
        # a field's own check, so that a 422 names duration_hours beside any other bad field
        if value * 60 % 15:
            raise ValueError("must be a whole number of quarter hours")
        return value

    @property
    def end(self) -> datetime:
        """Return time."""
        return self.start + timedelta(minutes=int(self.duration_hours * 60))

    @property
    def gross(self) -> Money:
        """The gross amount as Money."""
        return Money(self.gross_amount, self.currency)

    def fingerprint(self) -> str:
        """A digest of everything the booking says: equal bodies give equal fingerprints. Its
        `sequence` says when, not what: a calendar exported again with a higher one changes nothing."""
        said = self.model_dump(mode="json", exclude={"sequence"})
        canonical = json.dumps(said, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:24]


class Booking(BaseModel):
    """A booking as stored: the request plus its identity, placement and history."""

    model_config = ConfigDict(frozen=True)

    id: str
    org: str
    event_id: str
    entity: str
    asset: str
    guest_code: str
    request: BookingRequest
    revision: int = 1
    fingerprint: str  # of the request as it came; classify_change recomputes, the intake keeps seen_fingerprint
    created_at: datetime
    updated_at: datetime
    #: the request it carried until it was cancelled (at `updated_at`): a report as of a day before
    #: counts it so, though its cancel came with another amount (a channel's cancel often reads $0)
    before_cancel: BookingRequest | None = None
    #: the audiences (the operations manager, crew, guests: `notifications.OPS`, …) that have heard nothing of
    #: its trip so far: recorded already over, it tells its crew nothing, and once its album has closed,
    #: nobody. To them a change is the trip's first word. None: stored before it was kept (2026-12-06).
    unheard: tuple[str, ...] | None = None

    @property
    def cancelled(self) -> bool:
        """True once the booking is cancelled."""
        return self.request.status is BookingStatus.CANCELLED

    @property
    def cancelled_on_arrival(self) -> bool:
        """True for a booking recorded cancelled as it came (a cancellation of a booking never seen, or one whose
        cancellation was imported before it): nobody but the operations manager heard of it, no guest was invited."""
        return self.cancelled and self.revision == 1


class IntakeResult(StrEnum):
    """What an intake did to the stored booking."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CANCELLED = "cancelled"


def classify_change(
    existing: Booking | None, request: BookingRequest, *, placed: tuple[str, str] | None = None
) -> IntakeResult:
    """Decide what a request means for the booking already stored under its (source, external_id).
    `placed` is the (entity, boat) the request resolves to: bookings are compared as placed, so a body
    that leaves them out and one that names them are the same booking, and the same body that now
    resolves to another boat (the only boat is another one) is a move. A cancellation of a booking
    never seen is recorded as cancelled (a late copy of the booking then stays so), not created."""
    if existing is None:
        return IntakeResult.CANCELLED if request.status is BookingStatus.CANCELLED else IntakeResult.CREATED
    if not asks_a_change(existing, request, placed=placed):
        return IntakeResult.UNCHANGED
    if existing.cancelled:
        return IntakeResult.UNCHANGED  # a cancellation is final: a rebooking comes with a new external_id
    if request.status is BookingStatus.CANCELLED:
        return IntakeResult.CANCELLED
    return IntakeResult.UPDATED


def asks_a_change(existing: Booking, request: BookingRequest, *, placed: tuple[str, str] | None = None) -> bool:
    """Whether `request` says anything of the booking other than what `existing` holds, compared as placed
    (`classify_change`). A cancelled booking takes no change (a cancellation is final): one asked is told so."""
    stored, sent = existing.request, request
    if placed is not None:
        stored, sent = _naming(stored, existing.entity, existing.asset), _naming(sent, *placed)
    # the stored request fingerprinted as read now: a booking stored before amounts were kept in two
    # places still matches the same body sent again
    return stored.fingerprint() != sent.fingerprint()


#: What one intake path says of a booking, field by field: each group is taken or left whole (a boat and its
#: business line, an amount and its currency, a lead's name and address: one person).
_SAID: tuple[tuple[str, ...], ...] = (
    ("entity", "asset"), ("start",), ("duration_hours",), ("guest_count",), ("currency", "gross_amount"),
    ("lead_name", "lead_email"), ("lead_phone",), ("notes",), ("private_notes",),
)  # fmt: skip


def merge_revision(current: BookingRequest, last: BookingRequest | None, sent: BookingRequest) -> BookingRequest:
    """The booking as `sent` leaves it: of what `current` says, what `sent` changed since `last`, the body
    its intake path sent before (`numbered_by`), is changed; the rest, another path's change among it,
    stands. A path that never spoke of the booking (`last` None) says what it sends but for what it
    leaves empty: no notes, no phone, no boat said nothing. A phone is its lead's: a lead handed to someone
    else takes `sent`'s phone, or none, and `sent` naming a lead the booking no longer has changes no phone.
    A cancellation from any path cancels."""
    said, was, now = _said(sent), _said(last) if last else None, _said(current)
    taken = {
        name: said[name]
        for group in _SAID
        if (any(said[n] != was[n] for n in group) if was is not None else any(said[n] not in ("", None) for n in group))
        for name in group
    }
    merged = {**now, **taken}
    # a phone is its person's: a path naming another lead says nothing of this one's, and a lead handed on
    # takes the phone (or none) of the path that handed it, not the earlier lead's
    lead_now, lead_sent = (now["lead_name"], now["lead_email"]), (said["lead_name"], said["lead_email"])
    if someone_else(merged["lead_name"], merged["lead_email"], *lead_sent):
        merged["lead_phone"] = now["lead_phone"]
    elif someone_else(*lead_now, *lead_sent):
        merged["lead_phone"] = said["lead_phone"]
    lead = current.lead_guest.model_copy(
        update={"name": merged["lead_name"], "email": merged["lead_email"], "phone": merged["lead_phone"]}
    )
    cancelled = BookingStatus.CANCELLED in (current.status, sent.status)
    update = {k: v for k, v in merged.items() if not k.startswith("lead_")}
    return current.model_copy(
        update={
            **update,
            "lead_guest": lead,
            "status": BookingStatus.CANCELLED if cancelled else BookingStatus.CONFIRMED,
            "sequence": sent.sequence,
        }
    ).numbered_in(sent.numbered_by)


def _said(request: BookingRequest) -> dict[str, Any]:
    """`request`'s fields as `merge_revision` compares them, the lead's flattened."""
    fields = {name: getattr(request, name) for group in _SAID for name in group if not name.startswith("lead_")}
    lead = request.lead_guest
    return {**fields, "lead_name": lead.name, "lead_email": lead.email, "lead_phone": lead.phone}


def is_stale(request: BookingRequest, seen: list[str], *, placed: tuple[str, str] | None = None) -> bool:
    """Whether `request` repeats an earlier revision's body (a late retry, an old file re-imported):
    it must not undo the changes made since. `seen` holds each revision's `seen_fingerprint` (the
    body naming where it was placed, so a body that leaves the boat out and one that names it match), and
    each body as its path sent it, before `merge_revision` (since 2026-12-06; `said_fingerprint`, known
    again from that path alone: another path's body repeating it is no replay, as it was no revision),
    or, for revisions seen before that, the body's fingerprint as it came; for those seen before
    amounts were kept in two places, the amounts as written then ("600", "2.5") count too."""
    forms = [request] if placed is None else [_naming(request, *placed), request]
    return any(
        fingerprint in seen or f"{request.numbered_by}:{fingerprint}" in seen
        for written in forms
        for gross in _writings(request.gross_amount)
        for hours in _writings(request.duration_hours)
        if (fingerprint := written.model_copy(update={"gross_amount": gross, "duration_hours": hours}).fingerprint())
    )


def is_old_news(
    request: BookingRequest, seen: list[str], newest: int | None, *, placed: tuple[str, str] | None = None
) -> bool:
    """Whether `request` must not change the booking: numbered below the `newest` revision its own
    intake path numbered so far (`newest_by_path`: an old calendar export imported after a newer one, a
    webhook overtaken by the next, an email sent before one already imported), or, not numbered above
    it, an earlier revision's body from any path (`is_stale`). A body numbered above is news even when
    it repeats an earlier one's (6 guests, then 8, then 6 again). Numbers of different paths are never
    compared: an email's (its send time, about 850 million) said nothing of the operator's CSV row or
    API call numbered 3, which was dropped as older news, and the change lost."""
    if numbered_below(request.sequence, newest):
        return True
    if request.sequence is not None and newest is not None and request.sequence > newest:
        return False
    return is_stale(request, seen, placed=placed)


def numbered_below(sequence: int | None, newest: int | None) -> bool:
    """Whether a revision numbered `sequence` is older than the `newest` its path numbered so far
    (False when either is not numbered)."""
    return sequence is not None and newest is not None and sequence < newest


def cancelled_first(request: BookingRequest, numbers: Mapping[IntakePath, int]) -> bool:
    """Whether `request`, the first word of a booking whose cancellation by its channel's reference came before it
    (a short cancellation email imported before its confirmation, remembered with `numbers`: `newest_by_path`), is
    that cancelled booking. It is unless its own path numbered it above the cancellation (the renter booked again
    under the same reference after cancelling): a number of another path says nothing of which came first, and
    a cancellation stands."""
    newest = numbers.get(request.numbered_by)
    return not (request.sequence is not None and newest is not None and request.sequence > newest)


def newest_sequence(sequence: int | None, newest: int | None) -> int | None:
    """The highest revision number its channel gave a booking or a hold, counting a revision's `sequence`."""
    numbered = [n for n in (sequence, newest) if n is not None]
    return max(numbered) if numbered else None


def newest_by_path(kept: Mapping[str, Any] | None, legacy: Any = None) -> dict[IntakePath, int]:
    """The highest revision number each intake path gave a booking (`kept`, as stored), with the one
    number kept for every path before they were kept by path (`legacy`): an email's send time (2**28
    and above) is the email path's; a smaller number is each other path's, as it was."""
    known = {path.value for path in IntakePath}  # a path a later version added is none of this one's
    numbers = {IntakePath(path): int(n) for path, n in (kept or {}).items() if path in known}
    if legacy is not None:
        paths = [IntakePath.EMAIL] if int(legacy) >= _SENT_SCALE else [p for p in IntakePath if p != IntakePath.EMAIL]
        for path in paths:
            numbers.setdefault(path, int(legacy))
    return numbers


def with_newest(numbers: Mapping[IntakePath, int], request: BookingRequest) -> dict[str, int]:
    """`numbers` (`newest_by_path`) counting `request`'s `sequence` in its own path, as stored."""
    kept = {str(path): n for path, n in numbers.items()}
    if (newest := newest_sequence(request.sequence, numbers.get(request.numbered_by))) is not None:
        kept[str(request.numbered_by)] = newest
    return kept


def seen_fingerprint(request: BookingRequest, entity: str, asset: str) -> str:
    """What intake remembers of a revision to know it again (`is_stale`): its body, naming the
    business line and boat it was placed on, whether it named them or not."""
    return _naming(request, entity, asset).fingerprint()


def said_fingerprint(request: BookingRequest, entity: str, asset: str) -> str:
    """What intake remembers of a body as its path sent it, when merged it was no revision (`is_stale`):
    `seen_fingerprint` marked with its intake path, to know it again from that path alone."""
    return f"{request.numbered_by}:{seen_fingerprint(request, entity, asset)}"


def _writings(value: Decimal) -> list[Decimal]:
    """The ways `value` may have been written when it came in: with no to four decimal places (equal
    Decimals, each fingerprinted as written)."""
    forms = (value.quantize(Decimal(1).scaleb(-places)) for places in range(5))
    return list({str(form): form for form in forms if form == value}.values())


def _naming(request: BookingRequest, entity: str, asset: str) -> BookingRequest:
    """`request` naming the business line and boat it is placed on."""
    return request.model_copy(update={"entity": entity, "asset": asset})


def revise(existing: Booking, request: BookingRequest, now: datetime) -> Booking:
    """The next revision of `existing` carrying `request`; a cancellation keeps what it cancelled."""
    cancelling = request.status is BookingStatus.CANCELLED and not existing.cancelled
    return existing.model_copy(
        update={
            "request": request,
            "revision": existing.revision + 1,
            "fingerprint": request.fingerprint(),
            "updated_at": now,
            "before_cancel": existing.request if cancelling else existing.before_cancel,
        }
    )


def cancellation_of(booking: Booking, *, sequence: int | None) -> BookingRequest:
    """The request that cancels `booking` and changes nothing else, numbered `sequence` by its channel
    (None: not the channel's revision, the operator's own cancel). It names the boat the booking is
    on: one sent without a boat, when the org had one, could not be placed once it had two. Its
    business line follows the boat (naming the booking's could contradict a boat since moved to
    another line)."""
    update = {"status": BookingStatus.CANCELLED, "entity": None, "asset": booking.asset, "sequence": sequence}
    return booking.request.model_copy(update=update)
