"""An outgoing message as use cases compose it, independent of how it is delivered."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import datetime
from email.errors import HeaderParseError
from email.headerregistry import Address

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from firstmate.domain.timing import relative

#: Plain ASCII addresses, the shape every mail system takes without quoting (also the API schema's).
EMAIL_PATTERN = (
    r"^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,24}$"
)
_ADDRESS = re.compile(EMAIL_PATTERN)
#: How the place of a sign-in link's token starts, in a message queued with a `SignInLink`: it reads as
#: what it is in `outbox show`, and HTML escaping leaves it as it is.
SIGN_IN_SLOT = "(sign-in-token-made-when-sent-"
#: How the place of a countdown ("in 1 h 59 min") starts, in a message queued with a `Countdown`.
COUNTDOWN_SLOT = "(time-left-worded-when-sent-"


def _new_slot() -> str:
    # unguessable: text others wrote (a renter's note shown to crew) cannot hold it, so no token lands there
    return f"{SIGN_IN_SLOT}{secrets.token_hex(12)})"


class InlineImage(BaseModel):
    """An image referenced from the HTML part as `cid:<cid>` (charts in reports)."""

    model_config = ConfigDict(frozen=True, ser_json_bytes="base64", val_json_bytes="base64")

    cid: str = Field(pattern=r"^[A-Za-z0-9._-]+$")
    content_type: str = "image/png"
    data: bytes


class SignInLink(BaseModel):
    """A crew member's single-use sign-in link that a message carries, its token made when the
    message is sent rather than when it is queued: the link works for `valid_for_s` seconds from
    the moment it goes out, also after a relay outage longer than that, and the outbox holds no
    token that opens anything. The text and HTML hold `slot` where the token goes, and nowhere else."""

    model_config = ConfigDict(frozen=True)

    org: str = Field(min_length=1)
    person_id: str = Field(min_length=1)
    purpose: str = Field(min_length=1, description='What the link opens: "login" or "event:<event id>".')
    valid_for_s: int = Field(gt=0)
    slot: str = Field(default_factory=_new_slot, pattern=r"^\(sign-in-token-made-when-sent-[0-9a-f]{24}\)$")


def _new_countdown_slot() -> str:
    return f"{COUNTDOWN_SLOT}{secrets.token_hex(12)})"  # unguessable, as a sign-in link's place is


class Countdown(BaseModel):
    """The moment a message counts down to, worded when the message is sent ("in 1 h 59 min"): a
    reminder held back by a relay outage said the time left when it was queued, hours out. The
    subject, text and HTML hold `slot` where the words go."""

    model_config = ConfigDict(frozen=True)

    to: AwareDatetime
    slot: str = Field(default_factory=_new_countdown_slot, pattern=r"^\(time-left-worded-when-sent-[0-9a-f]{24}\)$")


class LaterWording(BaseModel):
    """How a message reads when it goes out from `since` on, where its first words would no longer hold: an
    invitation held back by a relay outage until the boat had left asked to sign "before we leave the dock".
    Chosen when the message is sent (`worded_at`), as a countdown is worded; the message stays one message,
    under one key, sent once."""

    model_config = ConfigDict(frozen=True)

    since: AwareDatetime
    subject: str = Field(min_length=1, max_length=300)
    text: str
    html: str | None = None


class OutgoingMessage(BaseModel):
    """A multipart message: plain text always, HTML when given, inline images, BCC.

    `idempotency_key` names the message for its whole life: it gives the Message-ID, so a
    retry of the same message is recognisably the same message everywhere.
    """

    model_config = ConfigDict(frozen=True)

    idempotency_key: str = Field(min_length=1, max_length=300)
    sender: str
    to: tuple[str, ...] = Field(min_length=1)
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    reply_to: str | None = None
    subject: str = Field(min_length=1, max_length=300)
    text: str
    html: str | None = None
    images: tuple[InlineImage, ...] = ()
    stale_after: AwareDatetime | None = Field(
        default=None,
        description="When the message stops being of use (its sign-in link expires, its trip is over): "
        "not sent after that, and not retried.",
    )
    sign_in: SignInLink | None = None
    countdown: Countdown | None = None
    later: tuple[LaterWording, ...] = Field(
        default=(),
        description="How it reads when sent later (`worded_at`): the last of them whose `since` has come.",
    )

    @model_validator(mode="after")
    def _token_has_a_place(self) -> OutgoingMessage:
        for text, subject in [(self.text, self.subject), *((w.text, w.subject) for w in self.later)]:
            if self.sign_in is not None and self.sign_in.slot not in text:
                raise ValueError("a message with a sign-in link must show it in its text")
            if self.countdown is not None and self.countdown.slot not in text + subject:
                raise ValueError("a message with a countdown must show it in its subject or text")
        if list(self.later) != sorted(self.later, key=lambda w: w.since):
            raise ValueError("a message's later wordings go in the order they begin")
        return self

    @field_validator("sender", "reply_to")
    @classmethod
    def _one_address(cls, value: str | None) -> str | None:
        if value is not None:
            check_address(value)
        return value

    @field_validator("to", "cc", "bcc")
    @classmethod
    def _addresses(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            check_address(value)
        return values

    @field_validator("subject")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value or "\r" in value:
            raise ValueError("a subject is one line")
        return value

    def message_id(self, domain: str) -> str:
        """The RFC 5322 Message-ID, derived from the idempotency key alone."""
        digest = hashlib.sha256(self.idempotency_key.encode()).hexdigest()[:32]
        return f"<{digest}@{domain}>"

    def all_recipients(self) -> tuple[str, ...]:
        """Every envelope recipient: to, cc and bcc, each once. A report's reader who is the audit Bcc too
        was given to the relay twice: two copies, and with their mailbox busy both refused, the relay
        answered the message "503 need RCPT" and the report went dead instead of waiting."""
        return tuple(dict.fromkeys(self.to + self.cc + self.bcc))


def check_address(value: str) -> str:
    """Return `value` if it looks like a deliverable address (`name@domain.tld`), else raise."""
    if not _parses(value):
        raise ValueError(f"{value!r} is not an email address like name@example.com")
    return value


@functools.lru_cache(maxsize=4096)
def _parses(value: str) -> bool:
    # the header parser is slow and the same few crew and guest addresses recur in every message
    if not _ADDRESS.fullmatch(value):
        return False
    try:
        Address(addr_spec=value)  # what the MIME layer will need: no commas, quotes or non-ASCII
    except (ValueError, IndexError, HeaderParseError):
        return False
    return True


def worded_at(message: OutgoingMessage, now: datetime) -> OutgoingMessage:
    """The message as it reads when sent at `now`: in the last of its `later` wordings begun by then, or as
    first written (the message itself when none has begun)."""
    begun = [w for w in message.later if w.since <= now]
    if not begun:
        return message
    wording = begun[-1]
    update = {"subject": wording.subject, "text": wording.text, "html": wording.html, "later": ()}
    return message.model_copy(update=update)


def read_at(message: OutgoingMessage, now: datetime) -> OutgoingMessage:
    """The message as its reader gets it when sent at `now`: worded for then (`worded_at`), its countdown worded
    (`with_countdown`)."""
    return with_countdown(worded_at(message, now), now)


def with_countdown(message: OutgoingMessage, now: datetime) -> OutgoingMessage:
    """The message as read at `now`: its countdown worded ("in 29 min") in the subject, text and HTML
    (the message itself when it counts down to nothing)."""
    if message.countdown is None:
        return message
    slot, words = message.countdown.slot, relative(message.countdown.to, now)
    html = message.html.replace(slot, words) if message.html is not None else None
    update = {"subject": message.subject.replace(slot, words), "text": message.text.replace(slot, words), "html": html}
    return message.model_copy(update=update)


def subject_line(text: str, limit: int = 300) -> str:
    """`text` as a subject: one line, its runs of spaces and line breaks one space each, at most
    `limit` characters. A client's name typed over two lines in a spreadsheet reached a report's
    headline, and the subject's one-line rule stopped all eight role reports from being sent."""
    return " ".join(text.split())[:limit]
