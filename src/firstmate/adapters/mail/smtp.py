"""SmtpMailer: hands messages to an SMTP server (STARTTLS and login when configured).

`smtp_timeout_s` bounds each wait of a session (connecting, each reply), not the session: a slow
relay answering every step just in time kept a send going past its outbox lease, and another
dispatcher sent the message again. So a session also ends by a deadline, a share of the lease
(`LEASE_SHARE`), the rest kept for claiming the entry before and recording the outcome after. It is
ended, as a failed attempt, only before the message is sent: DATA starts only with time left for its
own waits (`DATA_WAITS`), which are never cut short, since once the message is on its way the
server may take it at any moment, and a send cut then would be recorded as failed and repeated.
"""

from __future__ import annotations

import math
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from firstmate.adapters.mail.mime import build_mime
from firstmate.domain.mail import OutgoingMessage
from firstmate.errors import PartialDeliveryError, PermanentDeliveryError, TransientDeliveryError
from firstmate.ports import Clock

#: Hosts on this machine: a password sent to them unencrypted never crosses a network.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def password_in_clear(host: str, username: str | None, starttls: bool) -> bool:
    """Whether a login to `host` would send the password unencrypted over a network (refused)."""
    return bool(username) and not starttls and host not in LOOPBACK_HOSTS


#: What smtplib answers for the recipients a server refused: address → (code, reply).
_Refusals = dict[str, tuple[int, bytes]]
#: The share of the outbox lease a session may last.
LEASE_SHARE = 0.9
#: The waits of the message itself: DATA's reply, sending the message, and the server's answer to it.
DATA_WAITS = 3


def session_waits(*, starttls: bool, login: bool, recipients: int = 1) -> int:
    """How many times a session may wait up to the timeout: connecting, the greeting and EHLO; with
    STARTTLS its reply, the TLS handshake and EHLO again; two for a login; MAIL, one RCPT per
    recipient, and the message's own (QUIT gets only what time is left)."""
    return 3 + (3 if starttls else 0) + (2 if login else 0) + 1 + recipients + DATA_WAITS


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to reach the SMTP server."""

    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout_s: float = 30.0
    lease_s: float | None = None  # the outbox lease a session must end within (see module docstring)


class SmtpMailer:
    """The Mailer port over SMTP. 4xx replies and connection failures are transient; 5xx are not."""

    def __init__(self, config: SmtpConfig, clock: Clock, *, domain: str) -> None:
        self._config = config
        self._clock = clock
        self._domain = domain

    def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
        envelope = list(recipients if recipients is not None else message.all_recipients())
        mime = build_mime(message, domain=self._domain, date=self._clock.now())
        cfg = self._config
        if password_in_clear(cfg.host, cfg.username, cfg.starttls):  # the settings refuse it; kept for direct use
            raise PermanentDeliveryError(
                f"refusing to send the SMTP password to {cfg.host} unencrypted: turn on smtp_starttls"
            )
        smtp = _Session(cfg.timeout_s, cfg.lease_s * LEASE_SHARE if cfg.lease_s else math.inf)
        try:
            refused = self._hand_over(smtp, mime, message.sender, envelope)
        except smtplib.SMTPRecipientsRefused as exc:
            if _closed_before_the_message(exc.recipients):
                raise _closed(exc.recipients, f"{cfg.host}:{cfg.port}") from exc
            if set(envelope) != set(message.all_recipients()):  # the others had it from an earlier send
                raise _partly(str(mime["Message-ID"]), envelope, exc.recipients) from exc
            raise _delivery_error(exc, smtp, f"{cfg.host}:{cfg.port}") from exc
        except smtplib.SMTPDataError as exc:
            if 500 <= exc.smtp_code < 600 and set(envelope) != set(message.all_recipients()):
                # the message refused for good for those left (a mailbox full): the others had it already
                reply = exc.smtp_error if isinstance(exc.smtp_error, bytes) else exc.smtp_error.encode()
                refused = dict.fromkeys(envelope, (exc.smtp_code, reply))
                raise _partly(str(mime["Message-ID"]), envelope, refused) from exc
            raise _delivery_error(exc, smtp, f"{cfg.host}:{cfg.port}") from exc
        except OSError as exc:  # smtplib's errors are OSErrors too
            raise _delivery_error(exc, smtp, f"{cfg.host}:{cfg.port}") from exc
        finally:
            _quit_quietly(smtp)
        if refused:  # the others have it: the outbox sends it again to the refused only
            raise _partly(str(mime["Message-ID"]), envelope, refused)
        return str(mime["Message-ID"])

    def _hand_over(self, smtp: smtplib.SMTP, mime: EmailMessage, sender: str, envelope: list[str]) -> _Refusals:
        """One session up to the server's answer to the message: the recipients it refused."""
        cfg = self._config
        try:
            code, reply = smtp.connect(cfg.host, cfg.port)
            if code != 220:
                raise smtplib.SMTPConnectError(code, reply)
            if cfg.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if cfg.username:
                smtp.login(cfg.username, cfg.password or "")
        except (smtplib.SMTPResponseException, smtplib.SMTPNotSupportedError) as exc:
            raise _RelayRefused(str(exc)) from exc
        return smtp.send_message(mime, from_addr=sender, to_addrs=envelope)


# not in errors.py: sorted in this module into a Transient or PermanentDeliveryError
class _RelayRefused(smtplib.SMTPException):
    """The relay answered the session itself with a refusal (its greeting, STARTTLS, the login)."""


class _Session(smtplib.SMTP):
    """An SMTP session that lasts at most `budget_s`: every wait before the message ends by then less
    the message's own waits, none starts after that, and the message's are never cut short (see
    module docstring)."""

    def __init__(self, timeout_s: float, budget_s: float) -> None:
        super().__init__(timeout=timeout_s)
        self.budget_s = budget_s
        self._timeout_s = timeout_s
        self._deadline = time.monotonic() + budget_s
        self._last_start = self._deadline - DATA_WAITS * timeout_s  # of the message: its waits end by the deadline
        self._until: float | None = self._last_start  # what bounds the next wait; None: the message's own
        self._message_started = False

    def ran_out_of_time(self) -> bool:
        """Whether the session ended for its deadline, before the message was sent."""
        return not self._message_started and time.monotonic() >= self._last_start

    def connect(self, host: str = "localhost", port: int = 0, source_address: Any = None) -> tuple[int, bytes]:
        self.timeout = self._wait()  # connecting; the greeting's wait is getreply's
        return super().connect(host, port, source_address)

    def send(self, s: Any) -> None:
        self._bound()
        super().send(s)

    def getreply(self) -> tuple[int, bytes]:
        self._bound()
        return super().getreply()

    def data(self, msg: Any) -> tuple[int, bytes]:
        self._wait()  # the last moment the session may be ended: nothing is sent yet
        self._message_started, self._until = True, None
        try:
            return super().data(msg)
        finally:
            self._until = self._deadline  # QUIT gets what time is left, if any

    def _bound(self) -> None:
        if self.sock is not None:
            self.sock.settimeout(self._wait())

    def _wait(self) -> float:
        """How long the next wait may last; ends the session when no time is left for it."""
        if self._until is None:
            return self._timeout_s
        left = self._until - time.monotonic()
        if left <= 0:  # a disconnection of ours: smtplib's clean-up after refused recipients expects one
            raise smtplib.SMTPServerDisconnected("out of time")
        return min(self._timeout_s, left)


def _delivery_error(exc: OSError, session: _Session, server: str) -> TransientDeliveryError | PermanentDeliveryError:
    """What a failed session means for its message: a 5xx reply is for good, the rest may pass."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return _classify(exc.recipients, "every recipient was refused")
    too_large = isinstance(exc, smtplib.SMTPSenderRefused) and exc.smtp_code == 552  # this message's SIZE, for good
    if isinstance(exc, _RelayRefused) or (isinstance(exc, smtplib.SMTPSenderRefused) and not too_large):
        # the relay refused firstmate itself (its login, TLS, greeting, sender), not this message: every message
        # met it, and each went dead at its first try, sign-in links with them, while the setup was fixed
        return TransientDeliveryError(
            f"SMTP server {server} refused firstmate's session ({exc}): check smtp_username, smtp_password, "
            "smtp_starttls and mail_from; messages wait and are tried again"
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        error = f"SMTP server answered {exc.smtp_code}: {_text(exc.smtp_error)}"
        return PermanentDeliveryError(error) if 500 <= exc.smtp_code < 600 else TransientDeliveryError(error)
    if session.ran_out_of_time():
        return TransientDeliveryError(
            f"SMTP server {server} answered too slowly: the session was ended before the message was sent, "
            f"to finish within the outbox lease ({session.budget_s:g} s of it)"
        )
    return TransientDeliveryError(f"cannot reach SMTP server {server}: {exc}")


def _closed_before_the_message(refusals: _Refusals) -> bool:
    """Whether the server ended the session (421) while recipients were given: smtplib stops there, the
    recipients after it never asked and the message never sent. Read as refused for some, those not
    refused were noted as having it and never sent it again."""
    return any(code == 421 for code, _ in refusals.values())


def _closed(refusals: _Refusals, server: str) -> TransientDeliveryError:
    details = "; ".join(f"{addr}: {code} {_text(text)}" for addr, (code, text) in refusals.items())
    return TransientDeliveryError(f"SMTP server {server} closed the session before the message was sent: {details}")


def _quit_quietly(smtp: smtplib.SMTP) -> None:
    """End the session. What QUIT gets (a 421 or 554 from a relay closing) says nothing about a
    message the server took already: read as a failure, it was sent again, or marked dead though out."""
    try:
        smtp.quit()
    except OSError:  # smtplib's errors too
        smtp.close()


def _partly(ref: str, envelope: list[str], refused: _Refusals) -> PartialDeliveryError:
    accepted = tuple(address for address in envelope if address not in refused)
    replies = {address: f"{code} {_text(text)}" for address, (code, text) in refused.items()}
    permanent = all(500 <= code < 600 for code, _ in refused.values())
    return PartialDeliveryError(ref, accepted, replies, permanent=permanent)


def _classify(recipients: _Refusals, summary: str) -> TransientDeliveryError | PermanentDeliveryError:
    details = "; ".join(f"{addr}: {code} {_text(text)}" for addr, (code, text) in recipients.items())
    if all(500 <= code < 600 for code, _ in recipients.values()):
        return PermanentDeliveryError(f"{summary}: {details}")
    return TransientDeliveryError(f"{summary}: {details}")


def _text(raw: bytes | str) -> str:
    return raw.decode(errors="replace") if isinstance(raw, bytes) else raw
