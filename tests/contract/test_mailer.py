"""The Mailer contract: the local outbox mailer and SMTP against a real server started here."""

from __future__ import annotations

import email
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.mail.outbox import OutboxMailer
from firstmate.adapters.mail.smtp import SmtpConfig, SmtpMailer
from firstmate.domain.mail import InlineImage, OutgoingMessage
from firstmate.errors import PartialDeliveryError, PermanentDeliveryError, TransientDeliveryError
from tests.smtp_server import SmtpServer, free_port

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _message(key: str = "report:2026-06-01:owner", **changes: object) -> OutgoingMessage:
    fields: dict[str, object] = {
        "idempotency_key": key,
        "sender": "reports@example.com",
        "to": ("owner@example.com",),
        "cc": ("ops@example.com",),
        "bcc": ("audit@example.com",),
        "subject": "Weekly report: leads up 12%",
        "text": "Leads: 42 (up 12%)",
        "html": '<p>Leads: <b>42</b></p><img src="cid:spark-leads" alt="trend">',
        "images": (InlineImage(cid="spark-leads", data=PNG),),
    }
    fields.update(changes)
    return OutgoingMessage.model_validate(fields)


def _parts(msg: EmailMessage) -> dict[str, EmailMessage]:
    return {part.get_content_type(): part for part in msg.walk() if not part.is_multipart()}


def _assert_multipart(msg: EmailMessage) -> None:
    parts = _parts(msg)
    assert "Leads: 42" in parts["text/plain"].get_content()
    assert "<b>42</b>" in parts["text/html"].get_content()
    assert parts["image/png"]["Content-ID"] == "<spark-leads>"
    assert parts["image/png"].get_content() == PNG
    assert msg["Subject"] == "Weekly report: leads up 12%"
    assert msg["Bcc"] is None  # BCC travels in the envelope only


def test_outbox_mailer_writes_one_readable_eml_per_message(tmp_path: Path, clock: FixedClock) -> None:
    mailer = OutboxMailer(tmp_path / "outbox", clock, domain="example.com")
    ref = mailer.send(_message())
    mailer.send(_message())  # the same message again: still one file
    mailer.send(_message("report:2026-06-01:cfo"))
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 2 and ref in {str(f) for f in files}
    msg = email.message_from_bytes(Path(ref).read_bytes(), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    _assert_multipart(msg)
    assert msg["Message-ID"] == _message().message_id("example.com")


def test_a_failed_outbox_write_is_retryable_and_leaves_no_partial_file(tmp_path: Path, clock: FixedClock) -> None:
    mailer = OutboxMailer(tmp_path / "outbox", clock, domain="example.com")
    mailer.path_for(_message()).mkdir(parents=True)  # the final name is taken: the rename fails
    with pytest.raises(TransientDeliveryError, match="cannot write"):
        mailer.send(_message())
    assert [p.name for p in (tmp_path / "outbox").iterdir()] == [mailer.path_for(_message()).name]


def test_smtp_mailer_delivers_multipart_with_bcc_in_envelope(smtp_server: SmtpServer, clock: FixedClock) -> None:
    mailer = SmtpMailer(SmtpConfig("127.0.0.1", smtp_server.port, starttls=False), clock, domain="example.com")
    mailer.send(_message())
    [received] = smtp_server.recorder.received
    assert received.mail_from == "reports@example.com"
    assert sorted(received.rcpt_tos) == ["audit@example.com", "ops@example.com", "owner@example.com"]
    msg = email.message_from_bytes(received.message.as_bytes(), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    _assert_multipart(msg)


def test_smtp_rejection_is_permanent_and_busy_mailbox_is_transient(smtp_server: SmtpServer, clock: FixedClock) -> None:
    mailer = SmtpMailer(SmtpConfig("127.0.0.1", smtp_server.port, starttls=False), clock, domain="example.com")
    with pytest.raises(PermanentDeliveryError, match="550"):
        mailer.send(_message(to=("reject-me@example.com",), cc=(), bcc=()))
    with pytest.raises(TransientDeliveryError, match="451"):
        mailer.send(_message(to=("later@example.com",), cc=(), bcc=()))
    assert smtp_server.recorder.received == []


def test_smtp_names_who_got_a_message_refused_for_some_and_sends_it_again_to_those_alone(
    smtp_server: SmtpServer, clock: FixedClock
) -> None:
    mailer = SmtpMailer(SmtpConfig("127.0.0.1", smtp_server.port, starttls=False), clock, domain="example.com")
    with pytest.raises(PartialDeliveryError) as partly:
        mailer.send(_message(to=("later-owner@example.com",), cc=("reject-cc@example.com",)))
    assert partly.value.accepted == ("audit@example.com",) and not partly.value.permanent
    assert partly.value.refused == {
        "later-owner@example.com": "451 4.3.0 mailbox busy, try later",
        "reject-cc@example.com": "550 5.1.1 no such mailbox here",
    }
    mailer.send(_message(), recipients=("owner@example.com",))
    assert [r.rcpt_tos for r in smtp_server.recorder.received] == [["audit@example.com"], ["owner@example.com"]]
    again = smtp_server.recorder.received[1].message
    assert (again["To"], again["Cc"]) == ("owner@example.com", "ops@example.com")  # the message as written


def test_smtp_refusing_all_of_an_envelope_that_leaves_out_some_recipients_refuses_it_for_some(
    smtp_server: SmtpServer, clock: FixedClock
) -> None:
    """The others had it from an earlier send: it was "every recipient was refused", and the outbox
    marked dead a message its owner had."""
    mailer = SmtpMailer(SmtpConfig("127.0.0.1", smtp_server.port, starttls=False), clock, domain="example.com")
    with pytest.raises(PartialDeliveryError) as partly:
        mailer.send(_message(cc=("reject-cc@example.com",)), recipients=("reject-cc@example.com",))
    assert partly.value.accepted == () and partly.value.permanent
    assert partly.value.refused == {"reject-cc@example.com": "550 5.1.1 no such mailbox here"}
    with pytest.raises(PermanentDeliveryError, match="every recipient was refused"):
        mailer.send(_message(to=("reject-me@example.com",), cc=(), bcc=()), recipients=("reject-me@example.com",))


def test_smtp_session_too_slow_for_its_lease_is_ended_before_the_message_and_never_after(
    smtp_server: SmtpServer, clock: FixedClock
) -> None:
    """A lease of 8 s leaves a session 7.2 s, the message's own three waits of up to 2 s last: it
    must be on its way 1.2 s in. Slower, the session is ended unsent; on its way, it is waited for."""
    config = SmtpConfig("127.0.0.1", smtp_server.port, starttls=False, timeout_s=2, lease_s=8)
    mailer = SmtpMailer(config, clock, domain="example.com")
    smtp_server.recorder.slow = 0.5  # MAIL and each RCPT: the third answer would come 1.5 s in
    started = time.monotonic()
    with pytest.raises(TransientDeliveryError, match="answered too slowly: the session was ended before"):
        mailer.send(_message())
    assert time.monotonic() - started < 1.45 and smtp_server.recorder.received == []
    smtp_server.recorder.slow, smtp_server.recorder.delay = 0.0, 1.5  # the answer to the message 1.5 s in
    mailer.send(_message())
    assert len(smtp_server.recorder.received) == 1


def test_smtp_server_down_is_transient(clock: FixedClock) -> None:
    mailer = SmtpMailer(SmtpConfig("127.0.0.1", free_port(), starttls=False, timeout_s=2), clock, domain="example.com")
    with pytest.raises(TransientDeliveryError, match="cannot reach"):
        mailer.send(_message())


def test_messages_refuse_bad_addresses_and_multi_line_subjects() -> None:
    with pytest.raises(ValueError, match="not an email address"):
        _message(to=("not-an-address",))
    with pytest.raises(ValueError, match="one line"):
        _message(subject="Hi\r\nBcc: victim@example.com")
