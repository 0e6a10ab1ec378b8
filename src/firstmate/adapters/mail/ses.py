"""SesMailer: the Mailer port on Amazon SES (v2 API, raw MIME).

The message is the same MIME the SMTP and outbox mailers build (text, HTML, inline CID images),
sent raw with every recipient, BCC included, in the envelope only. A configuration set publishes
bounces and complaints, which `firstmate.aws.handlers.ses_events_handler` records on the message's
outbox entry.

SES asked faster than the account's sending rate refuses the message, so asking again is safe: a
send rides out a burst with a few short waits (a Monday's reports to every role, a trip's notices)
instead of leaving the rest to the outbox's backoff of minutes. Nothing else is asked twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from typing import Any

from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_after_delay, wait_random_exponential

from firstmate.adapters.aws.clients import Shared, error_code
from firstmate.adapters.mail.mime import build_mime
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import MailFeedback
from firstmate.errors import PermanentDeliveryError, TransientDeliveryError
from firstmate.ports import Clock

#: SES answers that retrying the same message can never fix.
_PERMANENT = {"MessageRejected", "MailFromDomainNotVerifiedException", "BadRequestException"}
#: SES answers to a send over the account's rate (v2 names it TooManyRequestsException; the guide, ThrottlingException).
_THROTTLED = {"TooManyRequestsException", "ThrottlingException", "Throttling"}
#: SES's timeouts: to connect, and to answer. botocore asks once (see SesMailer).
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 10.0
#: Asks of one message over the sending rate, with random waits of up to 0.25, 0.5, 1 and RATE_WAIT_S
#: between them (a batch's sends do not come back together), and none begun once the send has taken
#: RATE_WINDOW_S (a refusal answers at once): a send takes at most RATE_WINDOW_S + RATE_WAIT_S more than
#: one call.
RATE_TRIES = 5
RATE_WINDOW_S = 3.0
RATE_WAIT_S = 2.0
#: The longest a send may take (20 s): its last ask begins within RATE_WINDOW_S and one wait, and is
#: given up once it has not connected, or not been answered, in time. A shorter outbox lease would
#: let another dispatcher take the message up while it may still be going (config.py refuses one).
SEND_LIMIT_S = RATE_WINDOW_S + RATE_WAIT_S + CONNECT_TIMEOUT_S + READ_TIMEOUT_S


def _over_rate(exc: BaseException) -> bool:
    """SES refused for the sending rate, which passes in a second (the daily quota does not)."""
    from botocore.exceptions import ClientError

    if not isinstance(exc, ClientError) or error_code(exc) not in _THROTTLED:
        return False
    return "daily" not in str(exc.response.get("Error", {}).get("Message", "")).lower()


class SesMailer:
    """The Mailer port on SES (see module docstring)."""

    def __init__(self, clock: Clock, *, domain: str, region: str, configuration_set: str | None) -> None:
        self._clock = clock
        self._domain = domain
        self._configuration_set = configuration_set
        # SendEmail takes no idempotency token: botocore retrying after a timeout or a 5xx could send the
        # message again (SES gives each copy its own Message-ID), so the outbox retries, with backoff,
        # one send in flight; a send's worst case (SEND_LIMIT_S) is in the dispatch function's budget
        # (aws/handlers.SEND_BUDGET_MS)
        self._clients = Shared(
            "sesv2", region, connect_timeout=CONNECT_TIMEOUT_S, read_timeout=READ_TIMEOUT_S, attempts=1
        )

    @property
    def _ses(self) -> Any:
        return self._clients.get()

    def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        mime = build_mime(message, domain=self._domain, date=self._clock.now())
        wanted = set(recipients if recipients is not None else message.all_recipients())
        to = list(dict.fromkeys(r for r in message.to if r in wanted))
        cc = list(dict.fromkeys(r for r in message.cc if r in wanted and r not in to))
        bcc = list(dict.fromkeys(r for r in message.bcc if r in wanted and r not in to and r not in cc))
        request: dict[str, Any] = {
            "FromEmailAddress": message.sender,
            # the envelope only (the raw message's own headers are what recipients see), each address once
            "Destination": {"ToAddresses": to, "CcAddresses": cc, "BccAddresses": bcc},
            "Content": {"Raw": {"Data": bytes(mime)}},
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        retrying = Retrying(
            retry=retry_if_exception(_over_rate),
            stop=stop_after_attempt(RATE_TRIES) | stop_after_delay(RATE_WINDOW_S),
            wait=wait_random_exponential(multiplier=0.25, max=RATE_WAIT_S),
            reraise=True,
        )
        try:
            answer = retrying(self._ses.send_email, **request)
        except ClientError as exc:
            code = error_code(exc)
            text = f"SES refused the message ({code}): {exc.response.get('Error', {}).get('Message', '')}"
            if code in _PERMANENT:
                raise PermanentDeliveryError(text) from exc
            raise TransientDeliveryError(text) from exc  # throttling, paused sending, a missing config set
        except BotoCoreError as exc:
            raise TransientDeliveryError(f"cannot reach SES: {exc}") from exc
        return str(answer["MessageId"])


@dataclass(frozen=True)
class SesEvent:
    """One SES event about a message firstmate sent: which message, and what happened."""

    idempotency_key: str
    message_id: str
    feedback: MailFeedback


_KINDS = {"Bounce": "bounce", "Complaint": "complaint", "Delivery": "delivery", "Reject": "reject"}


def _unencoded(value: str) -> str:
    """A header's value as sent: a key longer than a header line goes out as RFC 2047 encoded words
    (=?utf-8?q?…?=), and SES's events carry headers raw; read as they were, the message was never found."""
    try:
        return str(make_header(decode_header(value)))
    except (HeaderParseError, LookupError, UnicodeDecodeError):
        return value


def parse_ses_event(event: Mapping[str, Any]) -> SesEvent | None:
    """The SES event (as published by a configuration set) about one of firstmate's messages, or
    None for other event types and mail without firstmate's X-Firstmate-Key header."""
    kind = _KINDS.get(str(event.get("eventType") or event.get("notificationType") or ""))
    mail = event.get("mail") or {}
    headers = {str(h.get("name", "")).lower(): str(h.get("value", "")) for h in mail.get("headers") or []}
    key = _unencoded(headers.get("x-firstmate-key", ""))
    if kind is None or not key or not mail.get("messageId"):
        return None
    body = event.get(kind) or {}
    if kind == "bounce":
        people = body.get("bouncedRecipients") or []
        recipients = tuple(str(r.get("emailAddress", "")) for r in people)
        codes = "; ".join(str(r["diagnosticCode"]) for r in people if r.get("diagnosticCode"))
        detail = f"{body.get('bounceType', '')} / {body.get('bounceSubType', '')}" + (f": {codes}" if codes else "")
        permanent = body.get("bounceType") == "Permanent"
    elif kind == "complaint":
        recipients = tuple(str(r.get("emailAddress", "")) for r in body.get("complainedRecipients") or [])
        detail, permanent = str(body.get("complaintFeedbackType", "")), False
    elif kind == "delivery":
        recipients, detail, permanent = tuple(str(r) for r in body.get("recipients") or []), "", False
    else:
        recipients, detail, permanent = tuple(str(r) for r in mail.get("destination") or []), "", True
        detail = str(body.get("reason", ""))
    at = datetime.fromisoformat(str(body.get("timestamp") or mail.get("timestamp")).replace("Z", "+00:00"))
    feedback = MailFeedback(
        kind=kind,
        at=at,
        recipients=recipients,
        permanent=permanent,
        detail=detail[:500],
    )
    return SesEvent(idempotency_key=key, message_id=str(mail["messageId"]), feedback=feedback)
