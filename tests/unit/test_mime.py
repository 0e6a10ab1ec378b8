"""Mail as it leaves firstmate: every line 7-bit, whatever the language of its words."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage

from firstmate.adapters.mail.mime import build_mime
from firstmate.domain.mail import OutgoingMessage


def test_words_beyond_ascii_go_quoted_printable_so_no_relay_needs_8bitmime() -> None:
    """A review: "Zoë" went out as raw 8-bit bytes, undeclared (no BODY=8BITMIME), which a strict
    relay refuses (the mail then dead) or garbles."""
    text, html = "Hello Zoë,\nsee you at 16:00 — bring a hat.", "<p>Hello Zoë — ปลาทู</p>"
    message = OutgoingMessage(idempotency_key="k:1", sender="ops@example.com", to=("zoe@example.com",),
                              subject="Bienvenue, Zoë", text=text, html=html)  # fmt: skip
    sent = bytes(build_mime(message, domain="example.com", date=datetime(2026, 6, 1, tzinfo=UTC)))
    assert sent.isascii()
    received = email.message_from_bytes(sent, policy=policy.default)
    assert isinstance(received, EmailMessage)
    plain, rich = received.get_body(("plain",)), received.get_body(("html",))
    assert plain is not None and rich is not None
    assert plain.get_content() == text + "\n" and rich.get_content() == html + "\n"
    assert received["Subject"] == "Bienvenue, Zoë"
