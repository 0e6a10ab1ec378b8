"""A real SMTP server for tests (aiosmtpd), recording every message it accepts.

Recipients whose local part starts with `reject` get 550 (permanent); `later` gets 451
(transient); an address in `Recorder.refusing` gets the reply it maps to (a test changes it between
attempts: a mailbox busy, then free), and a message to an address in `Recorder.refusing_message` gets
the reply it maps to once sent (a mailbox full). `delay` slows every DATA reply, to let tests kill a sender mid-flow;
`quit_reply` is what QUIT gets (a relay closing with 421 or 554 after taking the message); `slow`
delays the answer to MAIL, each RCPT and the message, without holding up other sessions (a relay slow
at every step).
"""

from __future__ import annotations

import asyncio
import collections
import email
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One accepted message: envelope and parsed content."""

    mail_from: str
    rcpt_tos: list[str]
    message: Message


@dataclass
class Recorder:
    """The aiosmtpd handler: accepts, rejects by address, records."""

    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refusing: dict[str, str] = field(default_factory=dict)
    quit_reply: str = "221 Bye"
    slow: float = 0.0
    mails_begun: int = 0  # MAIL commands taken up: one past `slow`'s read waits it out, whatever `slow` becomes
    refusing_message: dict[str, str] = field(default_factory=dict)
    refusing_sender: str = ""  # a reply to MAIL FROM for every message (a relay not letting this login send)

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        wait = self.slow  # read before it is counted: a test seeing the count may change `slow` for later sessions
        self.mails_begun += 1
        await asyncio.sleep(wait)
        if self.refusing_sender:
            return self.refusing_sender
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        await asyncio.sleep(self.slow)
        if address in self.refusing:
            return self.refusing[address]
        local = address.split("@")[0]
        if local.startswith("reject"):
            return "550 5.1.1 no such mailbox here"
        if local.startswith("later"):
            return "451 4.3.0 mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.slow)
        if self.delay:
            time.sleep(self.delay)  # deliberately blocking: one message at a time, like a slow relay
        for address in envelope.rcpt_tos:
            if address in self.refusing_message:  # the message refused after it was sent (a mailbox full)
                return self.refusing_message[address]
        parsed = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        return self.quit_reply

    def copies(self) -> dict[str, int]:
        """How many copies each recipient was handed."""
        with self.lock:
            return dict(collections.Counter(r for received in self.received for r in received.rcpt_tos))

    def message_ids(self) -> list[str]:
        """Message-IDs in the order received."""
        with self.lock:
            return [str(r.message["Message-ID"]) for r in self.received]


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpServer:
    """Start/stop a recording SMTP server on 127.0.0.1 (restartable on the same port)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.recorder = Recorder(delay=delay)
        self.port = free_port()
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
