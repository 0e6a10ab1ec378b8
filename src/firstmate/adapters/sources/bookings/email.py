"""Marketplace emails: pick the parser that recognises the message."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from types import ModuleType

from firstmate.adapters.sources.bookings import boatsetter_email
from firstmate.domain.intake import ParsedRecord, RowError

#: One module per marketplace, each with `matches(message)` and `parse(message, timezone=, boats=)`.
EMAIL_PARSERS: tuple[ModuleType, ...] = (boatsetter_email,)


def parse_email(raw: bytes, *, timezone: str, boats: dict[str, str]) -> list[ParsedRecord]:
    """The booking in a marketplace email (.eml), or a RowError saying no parser knows it."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    for parser in EMAIL_PARSERS:
        if parser.matches(message):
            record: ParsedRecord = parser.parse(message, timezone=timezone, boats=boats)
            return [record]
    known = ", ".join(p.__name__.rsplit(".", 1)[-1].removesuffix("_email") for p in EMAIL_PARSERS)
    return [RowError("email", f"not a booking email firstmate can read (it reads: {known})")]
