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


def test_a_long_subject_beyond_ascii_reads_back_word_for_word() -> None:
    """The demo's CFO report went out as "…revenue covers  $24,271–$25,426 of burn" (two spaces): Python's
    folding ends a line with the space before an encoded word and starts the next with one more, and a
    mail client unfolding it shows both. Each subject must read back exactly as written."""
    subjects = [
        "CFO report, Dec 7: Cash-positive: $53,491 a month of revenue covers $24,271–$25,426 of burn; every "
        "business line at or above break-even, the closest Saltwind Charters: 9.3 charters a month against 8",
        "Crew needed: Sat 12 Dec 2026, 14:30 PST, Morning Tern (45 ft catamaran) for Zoë Ångström-Nakamura "
        "and her group of twelve, back by sunset · 日本語のお客様 · 🎣 fishing gear on board",
        "Weekly marketing report, Nov 30 – Dec 6, 2026: needs attention: leads (Meta), cost per lead",
        "Bienvenue, Zoë",
    ]
    for subject in subjects:
        message = OutgoingMessage(idempotency_key="k:2", sender="ops@example.com", to=("zoe@example.com",),
                                  subject=subject, text="Hello")  # fmt: skip
        sent = bytes(build_mime(message, domain="example.com", date=datetime(2026, 6, 1, tzinfo=UTC)))
        assert sent.isascii()
        head = sent.split(b"\n\n")[0].decode()
        assert all(len(line) <= 78 for line in head.splitlines())  # folded, as RFC 5322 asks of a line
        received = email.message_from_bytes(sent, policy=policy.default)
        assert received["Subject"] == subject
