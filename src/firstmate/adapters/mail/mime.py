"""Turn an OutgoingMessage into a standards-compliant MIME message (shared by mail adapters)."""

from __future__ import annotations

from datetime import datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime
from typing import Any

from firstmate.domain.mail import OutgoingMessage


def build_mime(message: OutgoingMessage, *, domain: str, date: datetime) -> EmailMessage:
    """A multipart/alternative message (text, then HTML with related inline images).

    BCC recipients are not written into the headers; pass `message.all_recipients()` as the
    envelope instead. The Message-ID comes from the idempotency key, so a retry is the same mail.
    """
    mime = EmailMessage(policy=MAIL_POLICY)
    mime["Message-ID"] = message.message_id(domain)
    mime["Date"] = format_datetime(date)
    mime["From"] = _address(message.sender)
    mime["To"] = ", ".join(str(_address(a)) for a in message.to)
    if message.cc:
        mime["Cc"] = ", ".join(str(_address(a)) for a in message.cc)
    if message.reply_to:
        mime["Reply-To"] = _address(message.reply_to)
    mime["Subject"] = message.subject
    mime["X-Firstmate-Key"] = message.idempotency_key
    mime.set_content(message.text, cte=_transfer_encoding(message.text))
    if message.html is not None:
        mime.add_alternative(message.html, subtype="html", cte=_transfer_encoding(message.html))
        html_part = next(part for part in mime.iter_parts() if part.get_content_type() == "text/html")
        assert isinstance(html_part, EmailMessage)
        for image in message.images:
            maintype, _, subtype = image.content_type.partition("/")
            html_part.add_related(image.data, maintype, subtype, cid=f"<{image.cid}>")
    return mime


class _WholeSubjectPolicy(EmailPolicy):
    """The default policy, but a subject beyond ASCII is written as encoded words alone, folded between
    them. Python's own folding ended a line with the space before an encoded word and began the next
    with another ("covers  $24,271–$25,426" in the client); space between two encoded words is dropped
    by every reader, so the subject reads back exactly as written."""

    def fold(self, name: str, value: Any) -> str:
        if name.lower() != "subject" or str(value).isascii():
            return str(super().fold(name, value))
        folded = Header(str(value), "utf-8", maxlinelen=self.max_line_length, header_name=name)
        return f"{name}: {folded.encode(linesep=self.linesep)}{self.linesep}"

    def fold_binary(self, name: str, value: Any) -> bytes:
        if name.lower() != "subject" or str(value).isascii():
            return bytes(super().fold_binary(name, value))
        return self.fold(name, value).encode("ascii")


#: What every message is written with (`bytes(mime)`, smtplib and SES alike take a message's own policy).
MAIL_POLICY = _WholeSubjectPolicy()


def _transfer_encoding(text: str) -> str | None:
    """Quoted-printable for text beyond ASCII ("Zoë"), so that every line of the mail is 7-bit and no
    relay needs 8BITMIME (the default sent short lines of it as raw 8-bit bytes, undeclared); None
    (7-bit, or base64 for long lines, as the library picks) for the rest."""
    return None if text.isascii() else "quoted-printable"


def _address(value: str) -> Address:
    return Address(addr_spec=value)
