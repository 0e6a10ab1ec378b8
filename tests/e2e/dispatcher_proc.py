"""A dispatcher process for crash tests: delivers the outbox until no entry is open.

Configured by FIRSTMATE_* like the real thing. With DIE_AFTER_SEND=N it exits abruptly right
after its Nth successful send and before recording it, as a SIGKILL at the worst moment would. Its claims name its
process, as `firstmate worker`'s do on a SQLite home: one killed is taken over by the next at once.
"""

from __future__ import annotations

import os
import time

from firstmate.bootstrap import build
from firstmate.config import load_settings
from firstmate.domain.mail import OutgoingMessage
from firstmate.ports import Mailer
from firstmate.services.outbox import DUE_INDEX, dispatch_outbox


class DieAfterSend:
    """Wraps the real mailer; kills the process after the Nth message is handed over."""

    def __init__(self, inner: Mailer, after: int) -> None:
        self.inner = inner
        self.after = after
        self.sent = 0

    def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
        ref = self.inner.send(message, recipients)
        self.sent += 1
        if self.sent == self.after:
            os._exit(137)
        return ref


def main() -> None:
    app = build(load_settings())
    after = int(os.environ.get("DIE_AFTER_SEND", "0"))
    mailer: Mailer = DieAfterSend(app.mailer, after) if after else app.mailer
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        report = dispatch_outbox(
            app.store, mailer, app.clock, app.retry_policy, keys=app.signing_keys, limit=20,
            runner=app.this_process(), gone=app.process_gone(),
        )  # fmt: skip
        if report.handled == 0 and not app.store.query_index(DUE_INDEX, limit=1).items:
            return
        if report.handled == 0:
            time.sleep(0.05)  # entries leased by another dispatcher (or a dead one elsewhere): wait for them
    raise SystemExit("outbox did not drain within 120 s")


if __name__ == "__main__":
    main()
