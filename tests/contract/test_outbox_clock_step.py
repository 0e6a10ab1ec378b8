"""The outbox after the machine's clock steps back (NTP correcting it by an hour), on each store's index
(SQLite locally, DynamoDB's GSI on AWS).

A lease or backoff set before the step ends that much later by the clock: a pass counts it again from
its own now. A message whose sender died goes within a lease of the step, one backing off within its
backoff, a new one at once; a message still being sent is never sent twice, nor taken up before its
sender's lease ends by a dispatcher with a shorter lease.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxStatus, RetryPolicy
from firstmate.errors import TransientDeliveryError
from firstmate.ports import Mailer, Store
from firstmate.services import outbox
from firstmate.services.access import SigningKeys

POLICY = RetryPolicy(lease=timedelta(minutes=5))
STEP = timedelta(hours=1)


def _message(n: int) -> OutgoingMessage:
    return OutgoingMessage(
        idempotency_key=f"booking:{n}:crew:notify", sender="ops@example.com", to=("crew@example.com",),
        subject=f"New charter #{n}", text=f"Charter {n} needs a captain.",
    )  # fmt: skip


def _no_keys() -> SigningKeys:
    raise AssertionError("these messages carry no sign-in link")


class Relay:
    """Takes every message, noting its key. `down`: refuses them as a relay that cannot be reached;
    `hold`: keeps the message with that key until `release` is set (a relay slow to take it)."""

    def __init__(self, *, down: bool = False, hold: str = "") -> None:
        self.down, self.hold = down, hold
        self.in_flight, self.release = threading.Event(), threading.Event()
        self.sent: list[str] = []

    def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
        if self.down:
            raise TransientDeliveryError("cannot reach SMTP server: connection refused")
        if message.idempotency_key == self.hold:
            self.in_flight.set()
            self.release.wait(10)
        self.sent.append(message.idempotency_key)
        return f"ref-{len(self.sent)}"


class Killed(BaseException):
    """The dispatcher's process killed mid-send."""


class DiesMidSend:
    def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
        raise Killed


def _dispatch(store: Store, mailer: Mailer, clock: FixedClock, policy: RetryPolicy = POLICY) -> outbox.DispatchReport:
    return outbox.dispatch_outbox(store, mailer, clock, policy, keys=_no_keys)


@contextmanager
def _sending_meanwhile(store: Store, clock: FixedClock, policy: RetryPolicy) -> Iterator[Relay]:
    """A dispatcher with `policy` sending message 1 through a relay slow to take it, until the block ends."""
    outbox.enqueue(store, "demo", [_message(1)], clock.now())
    slow = Relay(hold="booking:1:crew:notify")
    sending = threading.Thread(target=_dispatch, args=(store, slow, clock, policy))
    sending.start()
    try:
        assert slow.in_flight.wait(10)
        yield slow
    finally:
        slow.release.set()
        sending.join()


def test_a_message_whose_dispatcher_died_goes_a_lease_after_the_clock_steps_back(
    store: Store, clock: FixedClock
) -> None:
    """A dispatcher killed mid-send, then NTP steps the clock back an hour: its message waited the hour
    and the lease, 1 h 5 min, with the relay working. Now it goes the lease after the step."""
    outbox.enqueue(store, "demo", [_message(1)], clock.now())
    with pytest.raises(Killed):
        _dispatch(store, DiesMidSend(), clock)
    clock.set(clock.now() - STEP)
    relay = Relay()
    assert _dispatch(store, relay, clock).handled == 0  # its sender may be alive: it keeps its whole lease
    clock.advance(POLICY.lease - timedelta(seconds=1))
    assert _dispatch(store, relay, clock).handled == 0
    clock.advance(timedelta(seconds=1))
    assert _dispatch(store, relay, clock).sent == 1
    assert relay.sent == ["booking:1:crew:notify"]


def test_messages_backing_off_or_new_go_as_they_would_have_when_the_clock_steps_back(
    store: Store, clock: FixedClock
) -> None:
    """60 messages backing off 30 s after a relay outage, and one queued just before NTP steps the clock
    back an hour: with the relay working again they all waited the hour. Now the new one goes at once,
    the others their backoff after the step; more wait than a pass reads (50), and those beyond are
    found from the index's far end."""
    outbox.enqueue(store, "demo", [_message(n) for n in range(1, 61)], clock.now())
    while _dispatch(store, Relay(down=True), clock).retrying:
        pass
    outbox.enqueue(store, "demo", [_message(0)], clock.now())
    clock.set(clock.now() - STEP)
    relay = Relay()
    assert _dispatch(store, relay, clock).sent == 1 and relay.sent == ["booking:0:crew:notify"]
    clock.advance(POLICY.base_delay)
    while _dispatch(store, relay, clock).sent:
        pass
    assert sorted(relay.sent) == sorted(f"booking:{n}:crew:notify" for n in range(61))
    assert {entry.status for entry in outbox.list_entries(store, "demo")} == {OutboxStatus.SENT}


def test_a_message_being_sent_as_the_clock_steps_back_is_sent_once(store: Store, clock: FixedClock) -> None:
    """`serve` (lease 10 min) sending through a slow relay as NTP steps the clock back an hour, `worker`
    (lease 2 min) passing meanwhile: the worker leaves it alone for serve's whole lease, counted from the
    step, serve records its send, and nobody sends it again, even days later."""
    serve, worker = RetryPolicy(lease=timedelta(minutes=10)), RetryPolicy(lease=timedelta(minutes=2))
    relay = Relay()
    with _sending_meanwhile(store, clock, serve) as slow:
        clock.set(clock.now() - STEP)
        stepped = clock.now()
        for after in [*range(0, 600, 60), 599]:  # each minute, and a second before serve's lease ends, from the step
            clock.set(stepped + timedelta(seconds=after))
            assert _dispatch(store, relay, clock, worker).handled == 0
    for _ in range(3):
        clock.advance(timedelta(days=1))
        assert _dispatch(store, relay, clock, worker).handled == 0
    assert slow.sent == ["booking:1:crew:notify"] and relay.sent == []
    assert outbox.get_entry(store, "demo", "booking:1:crew:notify").status is OutboxStatus.SENT


def test_a_dispatcher_with_a_shorter_lease_leaves_a_message_being_sent_to_the_others_lease(
    store: Store, clock: FixedClock
) -> None:
    """No clock step: `serve` (lease 10 min) sending through a slow relay, `worker` (lease 2 min) passing
    meanwhile. The worker never takes the message up before serve's lease ends. (A fix reverted on
    2026-12-05 took a lease further ahead than the reader's own for one set before a step back, and
    the worker sent the message a second time.)"""
    serve, worker = RetryPolicy(lease=timedelta(minutes=10)), RetryPolicy(lease=timedelta(minutes=2))
    relay = Relay()
    with _sending_meanwhile(store, clock, serve) as slow:
        claimed = clock.now()
        for after in [*range(0, 600, 60), 599]:  # each minute, and a second before serve's lease ends
            clock.set(claimed + timedelta(seconds=after))
            assert _dispatch(store, relay, clock, worker).handled == 0
    clock.advance(timedelta(days=1))
    assert _dispatch(store, relay, clock, worker).handled == 0
    assert slow.sent == ["booking:1:crew:notify"] and relay.sent == []
