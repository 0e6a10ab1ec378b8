"""The booking request: what every intake channel (API body, CSV row, parsed email, calendar event) produces,
the guest who booked, and the intake path whose series numbers its revisions.
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
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
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

from firstmate.domain.bookings.amounts import (
    AMOUNT_LIMITS_SCHEMA,
    MAX_GROSS,
    MAX_MINOR_UNITS,
    MAX_TRIP_HOURS,
    Amount,
    Hours,
)
from firstmate.domain.bookings.text_rules import EMAIL_SCHEMA, PHONE, SOURCE, OneLine
from firstmate.domain.currencies import ISO_4217, LARGEST_SCALE, currency_code, in_units_of, minor_units, places_problem
from firstmate.domain.mail import check_address
from firstmate.domain.shared import SLUG, Money
from firstmate.domain.timing import other_offset

#: A start written in UTC outright ("Z", or RFC 3339's "-00:00"): no zone's offset, so none to be another's.
_UTC_WRITTEN = re.compile(r"(?:[Zz]|-00:00)$")
#: pydantic's own words for a bound, which `problem_words` turns into "… is above …: write … or less"
_AT_MOST = "Input should be less than or equal to {le}"


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


class BookingRequest(BaseModel):
    """A booking as any channel delivers it (API body, CSV row, parsed email, calendar event)."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=AMOUNT_LIMITS_SCHEMA)

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


def with_place(request: BookingRequest, entity: str, asset: str) -> BookingRequest:
    """`request` naming the business line and boat it is placed on."""
    return request.model_copy(update={"entity": entity, "asset": asset})
