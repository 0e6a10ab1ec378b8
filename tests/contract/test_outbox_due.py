"""The outbox finds what is due through each store's index (SQLite locally, DynamoDB's GSI on AWS)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxStatus, RetryPolicy
from firstmate.errors import TransientDeliveryError
from firstmate.ports import Store
from firstmate.services import outbox
from firstmate.services.access import SigningKeys

POLICY = RetryPolicy()


def _message(n: int) -> OutgoingMessage:
    return OutgoingMessage(
        idempotency_key=f"booking:{n}:crew:notify", sender="ops@example.com", to=("crew@example.com",),
        subject=f"New charter #{n}", text=f"Charter {n} needs a captain.",
    )  # fmt: skip


def _no_keys() -> SigningKeys:
    raise AssertionError("these messages carry no sign-in link")


class Relay:
    """Takes every message, noting its key; `down` refuses them all as a relay that cannot be reached."""

    def __init__(self, *, down: bool = False) -> None:
        self.down = down
        self.sent: list[str] = []

    def send(self, message: OutgoingMessage) -> str:
        if self.down:
            raise TransientDeliveryError("cannot reach SMTP server: connection refused")
        self.sent.append(message.idempotency_key)
        return f"ref-{len(self.sent)}"


class Killed(BaseException):
    """The dispatcher's process killed mid-send."""


class DiesMidSend:
    def send(self, message: OutgoingMessage) -> str:
        raise Killed


def _dispatch(store: Store, mailer: object, clock: FixedClock) -> outbox.DispatchReport:
    return outbox.dispatch_outbox(store, mailer, clock, POLICY, keys=_no_keys)  # type: ignore[arg-type]


def test_after_the_clock_steps_back_an_hour_messages_leased_or_backing_off_go_out_at_once(
    store: Store, clock: FixedClock
) -> None:
    """A dispatcher killed mid-send and 60 messages backing off 30 s from a relay outage, then NTP
    steps the clock back an hour: with the relay working they waited the hour out. More are open
    than a pass reads (50), so they are found from the index's far end."""
    outbox.enqueue(store, "demo", [_message(0)], clock.now())
    with pytest.raises(Killed):
        _dispatch(store, DiesMidSend(), clock)
    outbox.enqueue(store, "demo", [_message(n) for n in range(1, 61)], clock.now())
    while _dispatch(store, Relay(down=True), clock).retrying:
        pass
    clock.set(clock.now() - timedelta(hours=1))
    relay = Relay()
    assert _dispatch(store, relay, clock).sent == 50
    clock.advance(timedelta(seconds=2))
    assert _dispatch(store, relay, clock).sent == 11
    assert sorted(relay.sent) == sorted(f"booking:{n}:crew:notify" for n in range(61))
    assert {entry.status for entry in outbox.list_entries(store, "demo")} == {OutboxStatus.SENT}


def test_a_message_backing_off_is_not_taken_early_from_the_far_end(store: Store, clock: FixedClock) -> None:
    outbox.enqueue(store, "demo", [_message(n) for n in range(60)], clock.now())
    while _dispatch(store, Relay(down=True), clock).retrying:
        pass
    relay = Relay()
    assert _dispatch(store, relay, clock).handled == 0 and relay.sent == []
    clock.advance(POLICY.base_delay)
    assert _dispatch(store, relay, clock).sent == 50
