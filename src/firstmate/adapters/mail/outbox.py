"""OutboxMailer: the default Mailer, which writes each message as a .eml file for people to read.

One file per Message-ID, written atomically: sending the same message twice leaves one file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from firstmate.adapters.mail.mime import build_mime
from firstmate.domain.mail import OutgoingMessage
from firstmate.errors import TransientDeliveryError
from firstmate.ports import Clock


class OutboxMailer:
    """Writes `<folder>/<hash of the idempotency key>.eml`."""

    def __init__(self, folder: Path, clock: Clock, *, domain: str) -> None:
        self._folder = Path(folder)
        self._clock = clock
        self._domain = domain

    def path_for(self, message: OutgoingMessage) -> Path:
        """Where this message's file is (or will be) written."""
        digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:32]
        return self._folder / f"{digest}.eml"

    def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
        # one file per message, whoever it is for: `recipients` changes nothing here
        mime = build_mime(message, domain=self._domain, date=self._clock.now())
        path = self.path_for(message)
        tmp: str | None = None
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._folder, prefix=".tmp-", suffix=".eml")
            with os.fdopen(fd, "wb") as handle:
                handle.write(bytes(mime))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            if tmp is not None:  # a half-written copy must not linger beside the real messages
                Path(tmp).unlink(missing_ok=True)
            raise TransientDeliveryError(f"cannot write {path}: {exc.strerror}") from exc
        return str(path)
