"""A message worded for when it goes (`LaterWording`): chosen as it is sent, and shown as it went."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from firstmate.domain.mail import LaterWording, OutgoingMessage, worded_at
from firstmate.domain.outbox import as_read, new_entry, record_sent

DEPARTURE = datetime(2026, 6, 13, 23, 0, tzinfo=UTC)
LEFT = LaterWording(since=DEPARTURE, subject="On your trip", text="The boat has left.")
OVER = LaterWording(since=DEPARTURE + timedelta(hours=3), subject="Its album", text="The trip is over.")


def _message(*later: LaterWording) -> OutgoingMessage:
    return OutgoingMessage(
        idempotency_key="bk:1:guest:g2:invite", sender="no-reply@example.com", to=("robin@example.com",),
        subject="You're invited aboard", text="Sign before we leave the dock.", html="<p>Sign before</p>",
        later=later,
    )  # fmt: skip


def test_a_message_reads_in_the_last_wording_begun_when_it_goes() -> None:
    message = _message(LEFT, OVER)
    assert worded_at(message, DEPARTURE - timedelta(seconds=1)).text == "Sign before we leave the dock."
    assert worded_at(message, DEPARTURE).subject == "On your trip"
    late = worded_at(message, DEPARTURE + timedelta(days=2))
    assert (late.subject, late.text, late.html) == ("Its album", "The trip is over.", None)  # no HTML of old words


def test_a_sent_message_is_shown_as_it_went_and_one_waiting_as_it_would_go_now() -> None:
    entry = new_entry("demo", _message(LEFT, OVER), DEPARTURE - timedelta(days=1))
    assert as_read(entry, DEPARTURE + timedelta(hours=1)).text == "The boat has left."
    sent = record_sent(entry, DEPARTURE - timedelta(hours=2), "ref")
    assert as_read(sent, DEPARTURE + timedelta(hours=1)).text == "Sign before we leave the dock."


def test_later_wordings_go_in_the_order_they_begin() -> None:
    with pytest.raises(ValidationError, match="in the order they begin"):
        _message(OVER, LEFT)
