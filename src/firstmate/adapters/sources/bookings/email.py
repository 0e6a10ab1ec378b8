"""Marketplace emails: pick the parser that recognises the message."""

from __future__ import annotations

from collections.abc import Mapping
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from types import ModuleType

from firstmate.adapters.sources.bookings import boatsetter_email
from firstmate.domain.intake import ParsedRecord, RowError

#: One module per marketplace, each with `matches(message)` and `parse(message, timezone=, boats=)`.
EMAIL_PARSERS: tuple[ModuleType, ...] = (boatsetter_email,)


def parse_email(raw: bytes, *, timezone: str, boats: Mapping[str, str]) -> list[ParsedRecord]:
    """The booking in a marketplace email (.eml), or a RowError saying no parser knows it. `boats`
    maps asset ids to boat names."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    # a forward with the marketplace's email attached whole (message/rfc822) is read as that email: it was
    # refused as "a forward", the original right there
    for candidate in [message, *_attached(message)]:
        problem = _unreadable(candidate)
        if problem:
            return [RowError("email", problem)]
        for parser in EMAIL_PARSERS:
            if parser.matches(candidate):
                record: ParsedRecord = parser.parse(candidate, timezone=timezone, boats=boats)
                return [record]
    known = ", ".join(p.__name__.rsplit(".", 1)[-1].removesuffix("_email") for p in EMAIL_PARSERS)
    return [RowError("email", f"not a booking email firstmate can read (it reads: {known}){_why_not(message)}")]


def _why_not(message: EmailMessage) -> str:
    """What most likely kept a marketplace's email from being read: forwarded, or without its text."""
    subject = str(message.get("Subject", "")).strip().lower()
    if subject.startswith(("fwd:", "fw:")):
        return (
            "; this is a forward: forward the marketplace's email as an attachment, or save the marketplace's own "
            "email as .eml, and import that"
        )
    if message.get_body(preferencelist=("plain",)) is None:
        return "; it has no plain-text part: save the original message, with its text, as .eml"
    return ""


def _attached(message: EmailMessage) -> list[EmailMessage]:
    """The emails attached whole to `message` (message/rfc822 parts: a forward as an attachment), in order."""
    found = []
    for part in message.walk():
        if part.get_content_type() == "message/rfc822":
            inner = part.get_content()
            if isinstance(inner, EmailMessage):
                found.append(inner)
    return found


def _unreadable(message: EmailMessage) -> str | None:
    """What keeps every parser from reading `message` (the standard library raises on these), if anything."""
    try:
        str(message.get("From", ""))
    except (AttributeError, IndexError):  # the stdlib's address parser crashes on some malformed headers
        sender = next((value for name, value in message.raw_items() if name.lower() == "from"), "")
        return f"the From header {sender[:80]!r} is not an address firstmate can read; make it 'Name <address>'"
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        try:
            part.get_content()
        except LookupError:
            charset = part.get_content_charset()
            return f"the email's text is in an unknown character set {charset!r}; save it as UTF-8 and import it again"
    return None
