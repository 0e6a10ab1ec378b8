"""On the laptop a message claimed by a dispatcher that was killed is sent by the next one at once, not after the
claim's lease; a live dispatcher's claim, and one from another machine, are left to their lease (real processes, the
real SMTP test server)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from firstmate.bootstrap import build
from firstmate.config import load_settings
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxEntry, OutboxStatus
from firstmate.ports import VersionIs
from firstmate.services import outbox
from tests.conftest import firstmate_env
from tests.smtp_server import SmtpServer

FIRSTMATE = Path(sys.executable).with_name("firstmate")
KEY = "ev:tide-1:crew:notify"


def _entry(home: Path) -> OutboxEntry:
    """The message's entry, read as another process would, holding no connection open meanwhile."""
    app = build(load_settings(home=home))
    try:
        return outbox.get_entry(app.store, "demo", KEY)
    finally:
        app.close()


def _claimed_on(home: Path, host: str) -> str:
    """Have the entry's claim name `host` as its process's machine; the host it named."""
    app = build(load_settings(home=home))
    try:
        item = app.store.get(outbox.outbox_pk("demo"), KEY)
        assert item is not None
        entry = outbox.from_item(item)
        assert entry.claimed_by is not None
        claimed = {**entry.claimed_by, "host": host}
        app.store.put(outbox.to_item(entry.model_copy(update={"claimed_by": claimed})), VersionIs(item.version))
        return str(entry.claimed_by["host"])
    finally:
        app.close()


def _once(home: Path, env: dict[str, str]) -> None:
    """`firstmate worker --once`: another dispatcher's pass, as a cron job runs it."""
    once = subprocess.run([FIRSTMATE, "worker", "--once"], env=env, capture_output=True, text=True, timeout=180)
    assert once.returncode == 0, once.stderr


def test_a_message_claimed_by_a_killed_worker_is_sent_by_the_next_dispatcher_at_once(tmp_path: Path) -> None:
    """A known gap: the worker sending the crew's notice was killed (kill -9, a closed terminal) before the relay took
    it, and the notice waited out its claim's lease (300 s by default; 900 s here) before another dispatcher sent it.
    The claim names its process, and a dispatcher that sees that process gone sends the message at once, once. While
    the worker lives, or for a claim of another machine (or on AWS, where no process can be looked at), the lease
    alone tells: nothing is sent beside a send that may still be under way."""
    home, relay = tmp_path / "home", SmtpServer().start()
    # a long lease, and a relay slow to answer MAIL: the notice is in flight, not taken, when the worker is killed
    env = firstmate_env(home, relay, FIRSTMATE_OUTBOX_LEASE_S="900", FIRSTMATE_SMTP_TIMEOUT_S="120")
    relay.recorder.slow = 100.0
    app = build(load_settings(home=home))
    notice = OutgoingMessage(
        idempotency_key=KEY, sender="ops@example.com", to=("ana.keel@example.com",), subject="Tide", text="Crew call"
    )
    outbox.enqueue(app.store, "demo", [notice], app.clock.now())
    app.close()
    worker = subprocess.Popen([FIRSTMATE, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while _entry(home).status is not OutboxStatus.SENDING or relay.recorder.mails_begun == 0:
            assert time.monotonic() < deadline and worker.poll() is None, "the worker never claimed the notice"
            time.sleep(0.1)  # found by a review: claimed but its MAIL not yet begun, the send went through quickly
        relay.recorder.slow = 0.0  # quick for every session from now on; the worker's waits on its MAIL still

        _once(home, env)  # its worker alive: its claim is left to it
        assert _entry(home).status is OutboxStatus.SENDING
        assert relay.recorder.received == []
    finally:
        worker.kill()
        worker.wait(timeout=30)

    app = build(load_settings(home=home))  # the lease rule alone, as on AWS: no process looked at, the claim stands
    try:
        report = outbox.dispatch_outbox(app.store, app.mailer, app.clock, app.retry_policy, keys=app.signing_keys)
        assert report.handled == 0 and _entry(home).status is OutboxStatus.SENDING
    finally:
        app.close()
    here = _claimed_on(home, "another-laptop.example.com")  # a claim of another machine: not looked at here
    _once(home, env)
    assert _entry(home).status is OutboxStatus.SENDING and relay.recorder.received == []

    _claimed_on(home, here)  # this machine's, its process gone: the next dispatcher sends it at once
    _once(home, env)
    relay.stop()
    sent = _entry(home)
    assert (sent.status, sent.attempts) == (OutboxStatus.SENT, 2)
    assert relay.recorder.copies() == {"ana.keel@example.com": 1}  # the killed worker's send never reached the relay


def test_two_dispatchers_seeing_the_same_gone_claim_send_the_message_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a review (a bug put in on purpose went unnoticed): two dispatchers (`serve`'s and a `worker --once`)
    both see a claim whose process is gone, its pid now another process's (started later). The first to let it go
    sends it; the other, which read the claim before, leaves it be, where letting it go again over the sent record
    sent the crew's notice twice. Real SQLite, the real SMTP test server; the second pass runs as the first looks at
    the claim's process."""
    from firstmate.adapters.processes import process_gone, this_process
    from firstmate.domain import outbox as rules

    home, relay = tmp_path / "home", SmtpServer().start()
    for name, value in firstmate_env(home, relay).items():
        if name.startswith("FIRSTMATE_"):
            monkeypatch.setenv(name, value)
    first, second = build(load_settings(home=home)), build(load_settings(home=home))
    try:
        notice = OutgoingMessage(
            idempotency_key=KEY, sender="ops@example.com", to=("ana.keel@example.com",), subject="Tide", text="Crew"
        )
        outbox.enqueue(first.store, "demo", [notice], first.clock.now())
        item = first.store.get(outbox.outbox_pk("demo"), KEY)
        assert item is not None
        reused = {**this_process(), "started": "1"}  # this pid, but a process started long before this one: gone
        claimed = rules.claim(outbox.from_item(item), first.clock.now(), first.retry_policy, reused)
        first.store.put(outbox.to_item(claimed), VersionIs(item.version))

        def second_meanwhile(runner: Mapping[str, Any]) -> bool:
            if not relay.recorder.received:  # the other dispatcher's pass, as this one looks at the process
                outbox.dispatch_outbox(
                    second.store, second.mailer, second.clock, second.retry_policy, keys=second.signing_keys,
                    runner=this_process(), gone=process_gone,
                )  # fmt: skip
            return process_gone(runner)

        report = outbox.dispatch_outbox(
            first.store, first.mailer, first.clock, first.retry_policy, keys=first.signing_keys,
            runner=this_process(), gone=second_meanwhile,
        )  # fmt: skip
        assert report.sent == 0
    finally:
        first.close()
        second.close()
        relay.stop()
    sent = _entry(home)
    assert (sent.status, sent.attempts) == (OutboxStatus.SENT, 2)
    assert relay.recorder.copies() == {"ana.keel@example.com": 1}
