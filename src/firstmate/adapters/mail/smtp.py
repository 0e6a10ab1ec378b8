"""SmtpMailer: hands messages to an SMTP server (STARTTLS and login when configured)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

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


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to reach the SMTP server."""

    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout_s: float = 30.0


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
        smtp = smtplib.SMTP(timeout=cfg.timeout_s)
        try:
            refused = self._hand_over(smtp, mime, message.sender, envelope)
        except smtplib.SMTPRecipientsRefused as exc:
            raise _classify(exc.recipients, "every recipient was refused") from exc
        except smtplib.SMTPResponseException as exc:
            error = f"SMTP server answered {exc.smtp_code}: {_text(exc.smtp_error)}"
            if 500 <= exc.smtp_code < 600:
                raise PermanentDeliveryError(error) from exc
            raise TransientDeliveryError(error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientDeliveryError(f"cannot reach SMTP server {cfg.host}:{cfg.port}: {exc}") from exc
        finally:
            _quit_quietly(smtp)
        if refused:  # the others have it: the outbox sends it again to the refused only
            raise _partly(str(mime["Message-ID"]), envelope, refused)
        return str(mime["Message-ID"])

    def _hand_over(self, smtp: smtplib.SMTP, mime: EmailMessage, sender: str, envelope: list[str]) -> _Refusals:
        """One session up to the server's answer to the message: the recipients it refused."""
        cfg = self._config
        code, reply = smtp.connect(cfg.host, cfg.port)
        if code != 220:
            raise smtplib.SMTPConnectError(code, reply)
        if cfg.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if cfg.username:
            smtp.login(cfg.username, cfg.password or "")
        return smtp.send_message(mime, from_addr=sender, to_addrs=envelope)


def _quit_quietly(smtp: smtplib.SMTP) -> None:
    """End the session. What QUIT gets (a 421 or 554 from a relay closing) says nothing about a
    message the server took already: read as a failure, it was sent again, or marked dead though out."""
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
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
