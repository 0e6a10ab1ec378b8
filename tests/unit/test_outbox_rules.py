"""Outbox entry rules: claiming, backoff, dead letters, revival."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from firstmate.domain import outbox as rules
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxStatus, RetryPolicy

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=4, base_delay=timedelta(seconds=30), max_delay=timedelta(minutes=5))


def _entry() -> rules.OutboxEntry:
    message = OutgoingMessage(
        idempotency_key="k1", sender="a@example.com", to=("b@example.com",), subject="Hi", text="Hello"
    )
    return rules.new_entry("demo", message, NOW)


def test_backoff_doubles_and_is_capped() -> None:
    delays = [POLICY.delay_after(n).total_seconds() for n in range(1, 7)]
    assert delays == [30, 60, 120, 240, 300, 300]


def test_backoff_never_overflows_however_many_attempts() -> None:
    """With outbox_max_attempts=50 (allowed), delay_after(43) raised OverflowError mid-dispatch."""
    for policy in (
        RetryPolicy(max_attempts=50, base_delay=timedelta(seconds=30), max_delay=timedelta(days=7)),
        RetryPolicy(max_attempts=50, base_delay=timedelta(days=7), max_delay=timedelta.max),
    ):
        delays = [policy.delay_after(n) for n in range(1, 1001)]
        assert delays[-1] == policy.max_delay and delays == sorted(delays)


def test_a_new_entry_is_due_at_once_and_claiming_leases_it() -> None:
    entry = _entry()
    assert entry.is_due(NOW)
    claimed = rules.claim(entry, NOW, POLICY)
    assert claimed.status is OutboxStatus.SENDING and claimed.attempts == 1
    assert not claimed.is_due(NOW + timedelta(seconds=30))
    assert claimed.is_due(NOW + POLICY.lease)  # a dispatcher died holding it: it comes back
    with pytest.raises(ValueError, match="not due"):
        rules.claim(claimed, NOW, POLICY)


def test_a_wait_set_before_the_clock_stepped_back_counts_again_once_from_when_it_is_seen() -> None:
    """NTP steps the clock back an hour: a lease, a backoff and a new entry's "at once" ended an hour
    late. Counted again from when a pass sees it, each lasts its own length (a lease its whole lease,
    its holder's claim still); a wait under way, or one counted again already, is left as it is."""
    claimed = rules.claim(_entry(), NOW, POLICY)
    waiting = rules.record_failure(claimed, NOW, "451 busy", permanent=False, policy=POLICY)
    back = NOW - timedelta(hours=1)
    for entry, wait in ((claimed, POLICY.lease), (waiting, POLICY.base_delay), (_entry(), timedelta(0))):
        later = rules.reanchored(entry, back)
        assert later is not None and later.due_at == back + wait
        assert rules.reanchored(later, back + timedelta(seconds=1)) is None
    assert rules.reanchored(claimed, NOW) is None and rules.reanchored(waiting, NOW + timedelta(seconds=5)) is None
    relet = rules.reanchored(claimed, back)
    assert relet is not None and rules.changed_in_flight(relet, claimed)
    stored_before = claimed.model_copy(update={"wait": None, "wait_set_at": None})  # as written before waits were kept
    assert rules.reanchored(stored_before, back) is None


def test_transient_failures_back_off_then_die_after_max_attempts() -> None:
    entry, now = _entry(), NOW
    for attempt in range(1, POLICY.max_attempts + 1):
        entry = rules.record_failure(rules.claim(entry, now, POLICY), now, "451 busy", permanent=False, policy=POLICY)
        if attempt < POLICY.max_attempts:
            assert entry.status is OutboxStatus.PENDING
            assert entry.due_at == now + POLICY.delay_after(attempt)
            now = entry.due_at
    assert entry.status is OutboxStatus.DEAD and entry.attempts == POLICY.max_attempts
    assert entry.last_error == "451 busy"
    assert not entry.is_due(now + timedelta(days=365))


def test_permanent_failure_is_dead_at_once_and_only_dead_can_be_revived() -> None:
    dead = rules.record_failure(rules.claim(_entry(), NOW, POLICY), NOW, "550", permanent=True, policy=POLICY)
    assert dead.status is OutboxStatus.DEAD and dead.attempts == 1
    revived = rules.revive(dead, NOW + timedelta(hours=1))
    assert revived.status is OutboxStatus.PENDING and revived.attempts == 0
    sent = rules.record_sent(rules.claim(revived, NOW + timedelta(hours=1), POLICY), NOW, "ref")
    assert sent.status is OutboxStatus.SENT and not sent.is_open
    with pytest.raises(ValueError, match="only dead"):
        rules.revive(sent, NOW)


def test_a_message_out_of_date_goes_dead_saying_whether_it_may_have_left() -> None:
    from firstmate.domain.outbox import expire, is_stale

    stale = _entry().model_copy(update={"message": _entry().message.model_copy(update={"stale_after": NOW})})
    assert is_stale(stale, NOW) and not is_stale(stale, NOW - timedelta(seconds=1))
    waiting = expire(stale)
    assert waiting.status.value == "dead" and waiting.last_error is not None
    assert waiting.last_error.startswith("not sent: out of date since")
    mid_send = expire(rules.claim(stale, NOW, POLICY))
    assert mid_send.last_error is not None and mid_send.last_error.startswith("not sent again (its sender stopped")
    with pytest.raises(ValueError, match="went out of date"):
        rules.revive(waiting, NOW)


def test_a_message_withdrawn_or_out_of_date_after_it_reached_some_says_so_not_that_it_was_not_sent() -> None:
    """Its error began "not sent", though a relay had taken it for some of its recipients (`sent_to`)."""
    message = _entry().message.model_copy(update={"bcc": ("audit@example.com",), "stale_after": NOW})
    reached = rules.new_entry("demo", message, NOW).model_copy(update={"sent_to": ("audit@example.com",)})
    mid_send = rules.expire(rules.claim(reached, NOW, POLICY))
    assert rules.error_as_read(mid_send) == (
        "expired after it reached audit@example.com, not sent to b@example.com again (its sender stopped "
        "mid-send): out of date since 2026-06-01 12:00 UTC"
    )
    refused = reached.model_copy(update={"status": OutboxStatus.DEAD, "last_error": "the mail server refused b@…"})
    assert rules.error_as_read(rules.withdraw_dead(refused, "was cancelled", NOW)) == (
        "withdrawn after it reached audit@example.com, not sent to b@example.com: the trip was cancelled; it had "
        "failed: the mail server refused b@…"
    )
    nobody = rules.withdraw(_entry(), "was cancelled", NOW)  # nobody has it: as it was
    assert rules.error_as_read(nobody) == nobody.last_error == "not sent: the trip was cancelled"
    assert rules.error_as_read(refused) == refused.last_error  # a refusal says who has it already in its own words


def test_a_person_id_that_would_key_their_mail_as_reminders_is_refused_but_one_stored_still_reads() -> None:
    """Roster notices are keyed `ev:<event>:<person>:…` and reminders `ev:<event>:reminder:…`: the
    notices of a person whose id is `reminder` read as reminders (kept on a cancellation)."""
    from pydantic import ValidationError

    from firstmate.domain.people import Person
    from firstmate.domain.shared import STORED

    person = {"id": "reminder", "name": "Rae Minder", "email": "rae@example.com"}
    with pytest.raises(ValidationError, match="'reminder' is a word firstmate keeps for itself; choose another id"):
        Person.model_validate(person)
    assert Person.model_validate(person, context=STORED).id == "reminder"
    assert Person.model_validate({**person, "id": "reminder-1"}).id == "reminder-1"


def test_what_replaces_a_message_being_sent_goes_only_if_its_send_fails() -> None:
    """A list being sent as its trip changes: what goes in its place waits out the lease, and the send's outcome
    decides: sent, the replacement is outdone (withdrawn, saying the first stands); failed, the first is withdrawn."""
    claimed = rules.claim(_entry(), NOW, POLICY)
    replacement = rules.new_entry("demo", _entry().message.model_copy(update={"idempotency_key": "k1:2"}), NOW,
                                  due=claimed.due_at)  # fmt: skip
    assert replacement.due_at == claimed.due_at and not replacement.is_due(NOW)
    assert rules.reanchored(replacement, NOW) is None  # a wait set now, not one to count again

    marked = rules.replaced_in_flight(
        claimed, "Sat 13 Jun was cancelled before it went out; listed anew", NOW, ["k1:2"]
    )
    assert rules.replaced_in_flight(marked, "", NOW, ["k1:3"]).replaced_by == ("k1:2", "k1:3")
    sent = rules.record_sent(claimed, NOW, "ref-1")
    assert rules.settle(marked, sent).status is OutboxStatus.SENT and rules.outdone_by_send(marked, sent) == ("k1:2",)
    why = rules.withdraw_replacement(replacement, marked, NOW).last_error
    assert (
        why
        == "not sent: the trip Sat 13 Jun was cancelled, but the mail it was to replace (k1) went out: that one stands"
    )
    failed = rules.record_failure(claimed, NOW, "timed out", permanent=False, policy=POLICY)
    assert rules.settle(marked, failed).status is OutboxStatus.DEAD and rules.outdone_by_send(marked, failed) == ()


def test_what_tells_of_a_trip_named_by_a_message_being_sent_goes_only_if_it_went() -> None:
    """A list being sent as its trip is cancelled: "Trip cancelled" to its reader, tied to its send, is untold by a
    failed send (withdrawn, saying they never heard of the trip) and left to go by one that landed."""
    from firstmate.domain import outbox_told as told

    marked = rules.replaced_in_flight(rules.claim(_entry(), NOW, POLICY), "Sat 13 Jun was cancelled before it went out",
                                      NOW, ["k1:2"])  # fmt: skip
    tied = told.told_in_case(told.told_in_case(marked, ["bk:1:r2:crew:p"]), ["bk:1:r2:crew:p", "bk:1:r3:crew:p"])
    assert tied.told_if_sent == ("bk:1:r2:crew:p", "bk:1:r3:crew:p")
    sent = rules.record_sent(marked, NOW, "ref-1")
    failed = rules.record_failure(marked, NOW, "timed out", permanent=False, policy=POLICY)
    assert told.untold_by_failure(tied, sent) == () and told.untold_by_failure(tied, failed) == tied.told_if_sent
    notice = rules.new_entry("demo", _entry().message.model_copy(update={"idempotency_key": "bk:1:r2:crew:p"}), NOW)
    withdrawn = told.withdraw_untold(notice, tied, NOW)
    assert withdrawn.status is OutboxStatus.DEAD and told.is_untold(withdrawn)
    assert withdrawn.last_error == (
        "not sent: the trip Sat 13 Jun was cancelled; they never heard of the trip: "
        "the list naming it was not sent (k1)"
    )
    # a list whose news holds, its send failing for now, is tried again as it is: it tells of the trip, as one waiting
    retried = told.withdraw_untold(notice, tied, NOW, retried=True)
    assert told.is_untold(retried) and "tried again (k1)" in (retried.last_error or "")
