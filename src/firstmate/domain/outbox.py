"""The outbox: side effects recorded with the state change, delivered later, exactly once.

An entry moves pending → sending → sent, or back to pending with a backoff after a transient
failure, or to dead after a permanent failure or too many attempts. `sending` carries a lease:
a dispatcher that dies mid-send leaves the entry to be picked up again when the lease ends.

Every wait (a lease, a backoff, none for a new entry) is kept with the moment it was set and its
length, so that one set before the clock stepped back (NTP) counts again from when that is seen
(`reanchored`), instead of lasting the step longer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from firstmate.domain.mail import OutgoingMessage, read_at, with_countdown, worded_at


class OutboxStatus(StrEnum):
    """Where an outbox entry is in its life."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long the dispatcher retries a message."""

    max_attempts: int = 8
    base_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    lease: timedelta = timedelta(minutes=2)

    def delay_after(self, attempts: int) -> timedelta:
        """Wait before the next try after `attempts` failed ones: base · 2^(attempts-1), capped at
        `max_delay`. Never overflows, however many attempts."""
        delay = self.base_delay
        for _ in range(max(attempts - 1, 0)):
            if delay > self.max_delay / 2:  # the cap is reached: doubling on would only overflow timedelta
                return self.max_delay
            delay *= 2
        return min(delay, self.max_delay)


class MailFeedback(BaseModel):
    """What the mail system said after accepting a message: delivered, bounced, complained of
    (marked as spam) or rejected, and for which recipients."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["delivery", "bounce", "complaint", "reject"]
    at: datetime
    recipients: tuple[str, ...] = ()
    permanent: bool = Field(default=False, description="A bounce that retrying will not fix.")
    detail: str = Field(default="", max_length=500)


class OutboxEntry(BaseModel):
    """One message waiting for, or done with, delivery."""

    model_config = ConfigDict(frozen=True)

    org: str
    key: str
    message: OutgoingMessage
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    created_at: datetime
    due_at: datetime
    sent_at: datetime | None = None
    provider_ref: str | None = None
    last_error: str | None = None
    feedback: tuple[MailFeedback, ...] = ()
    sent_to: tuple[str, ...] = Field(
        default=(),
        description="Recipients a server took the message for on an attempt that refused it for others: "
        "later attempts leave them out.",
    )
    wait_set_at: datetime | None = Field(
        default=None,
        description="When the wait for `due_at` was set (the entry made, a claim, a failed try), by that process's "
        "clock: with `attempts`, which claim a `sending` entry is. None on entries stored before waits were kept.",
    )
    wait: timedelta | None = Field(
        default=None,
        description="How long that wait is, by that process's settings (`outbox_lease_s` may differ between "
        "processes): it began `wait` before `due_at`, at `wait_set_at` or, counted again after the clock "
        "stepped back, later (`reanchored`). None on entries stored before waits were kept.",
    )
    replaced_by: tuple[str, ...] = Field(
        default=(),
        description="The keys of the messages queued in its place while it was being sent, its news no longer "
        "holding (`replaced_in_flight`): they go if its send fails, and are withdrawn if it went (`outdone_by_send`).",
    )
    told_if_sent: tuple[str, ...] = Field(
        default=(),
        description="The keys of the messages queued while it was being sent that tell of a change to a trip it names "
        "someone who heard of the trip by it alone (`outbox_told.told_in_case`): they go if it went, and are withdrawn "
        "if its send fails (`untold_by_failure`).",
    )
    claimed_by: dict[str, object] | None = Field(
        default=None,
        description="The process holding its claim while `sending`, on a SQLite home alone (host, pid, …): one seen "
        "gone (a dispatcher killed) is let go of at once (`let_go`), not after its lease. None on AWS.",
    )
    worded_at: datetime | None = Field(
        default=None,
        description="The moment the claim that sent it, or may have, chose its words (`OutgoingMessage.later`): "
        "a claim after its sender stopped mid-send, or after some recipients had it, keeps the moment, so a "
        "repeat says what may have gone already. None before its first claim.",
    )

    @property
    def is_open(self) -> bool:
        """True while the dispatcher still has work to do on this entry."""
        return self.status in (OutboxStatus.PENDING, OutboxStatus.SENDING)

    def is_due(self, now: datetime) -> bool:
        """True when a dispatcher may claim the entry at `now` (pending, or a lapsed lease)."""
        return self.is_open and self.due_at <= now


def _waiting(now: datetime, wait: timedelta) -> dict[str, object]:
    """The fields of a wait of `wait` set at `now`, due when it ends."""
    return {"due_at": now + wait, "wait_set_at": now, "wait": wait}


def new_entry(org: str, message: OutgoingMessage, now: datetime, *, due: datetime | None = None) -> OutboxEntry:
    """A pending entry for `message`, due at once (or at `due`, when later), keyed by the message's idempotency key."""
    wait = max(due - now, timedelta(0)) if due is not None else timedelta(0)
    return OutboxEntry(org=org, key=message.idempotency_key, message=message, created_at=now, **_waiting(now, wait))


def reanchored(entry: OutboxEntry, now: datetime) -> OutboxEntry | None:
    """The open entry with its wait counted again from `now`, when the wait began after `now`: it was
    set before the clock stepped back (NTP), and would last the step longer. No less than no time has
    passed since it was set, so counted from `now` a lease's holder still has at least its whole lease.
    None when there is nothing to count again: closed, its wait under way, or stored before waits were kept."""
    if not entry.is_open or entry.wait is None or entry.due_at - entry.wait <= now:
        return None
    return entry.model_copy(update={"due_at": now + entry.wait})


def is_stale(entry: OutboxEntry, now: datetime) -> bool:
    """True for a message that stopped being of use (see `OutgoingMessage.stale_after`)."""
    return entry.message.stale_after is not None and entry.message.stale_after <= now


#: How the error of a message that will not go out begins (`expire`, `withdraw`); `error_as_read` says
#: otherwise of one some recipients have already.
NOT_SENT = "not sent"


def expire(entry: OutboxEntry) -> OutboxEntry:
    """A dead entry, for a message that went out of date before it could be sent (after an outage:
    a sign-in link already expired, a reminder for a trip that has left): sending it would mislead."""
    detail = f" (last error: {entry.last_error})" if entry.last_error else ""
    done = NOT_SENT if entry.status is OutboxStatus.PENDING else f"{NOT_SENT} again (its sender stopped mid-send)"
    reason = f"{done}: out of date since {of_use_until(entry)}{detail}"
    return entry.model_copy(update={"status": OutboxStatus.DEAD, "last_error": reason[:2000]})


#: How a withdrawn message's last error begins: "not sent: the trip moved to …" (see `withdraw`).
WITHDRAWN = f"{NOT_SENT}: the trip "


def error_as_read(entry: OutboxEntry) -> str | None:
    """The entry's last error as pages and commands show it. A message withdrawn or out of date after a
    relay took it for some recipients (`sent_to`) says so, and whom it did not reach: "withdrawn after it
    reached audit@example.com, not sent to owner@example.com: the trip was cancelled", where its stored
    error (which the withdrawal rules read) says "not sent: …", though the audit address has it. A list being
    sent names what is tied to its send (`told_if_sent`): it goes only if the list went."""
    error = entry.last_error
    if entry.status is OutboxStatus.SENDING and entry.told_if_sent:  # what waits on its send is named, not hidden
        tied, goes = ", ".join(entry.told_if_sent), "goes" if len(entry.told_if_sent) == 1 else "go"
        first = error_as_read(entry.model_copy(update={"told_if_sent": ()})) or "being sent"
        return f"{first}; {tied}, telling its reader of a change to a trip it names, {goes} only if it went"
    if error is not None and error.startswith(WITHDRAWN) and entry.status is OutboxStatus.SENDING and entry.replaced_by:
        return _replaced_as_read(error, entry.replaced_by)
    if error is None or entry.status is not OutboxStatus.DEAD or not entry.sent_to or not error.startswith(NOT_SENT):
        return error
    done, _, reason = error.partition(": ")  # "not sent", or "not sent again (its sender stopped mid-send)"
    said = [f"{'withdrawn' if error.startswith(WITHDRAWN) else 'expired'} after it reached {', '.join(entry.sent_to)}"]
    if left := recipients_left(entry):
        said.append(done.replace(NOT_SENT, f"{NOT_SENT} to {', '.join(left)}", 1))
    return f"{', '.join(said)}: {reason}"


def _replaced_as_read(error: str, keys: Sequence[str]) -> str:
    """A list being sent with what replaces it queued (`replaced_in_flight`), as read: "not sent" is not decided yet,
    its send decides which of the two goes."""
    cause = error.removeprefix(WITHDRAWN).partition(" before it went out")[0].partition(";")[0]
    those = ", ".join(keys)
    goes, are = ("goes", "is") if len(keys) == 1 else ("go", "are")
    return (
        f"being sent as the trip {cause}: if the send fails it is withdrawn and {those} {goes} in its place; "
        f"if it went, it stands and {those} {are} withdrawn"
    )


def withdraw(entry: OutboxEntry, change: str, now: datetime) -> OutboxEntry:
    """A dead entry for a message whose news no longer holds, a reminder of a trip that since
    `change`d ("was cancelled", "moved to …"): out of use from `now`, so no retry sends it."""
    message = entry.message.model_copy(update={"stale_after": now})
    withdrawn = {"status": OutboxStatus.DEAD, "message": message, "last_error": f"{WITHDRAWN}{change}"[:2000]}
    return entry.model_copy(update=withdrawn)


def withdraw_in_flight(entry: OutboxEntry, change: str, now: datetime) -> OutboxEntry:
    """A `sending` entry whose news no longer holds: still its sender's (the message may be going out
    this very moment), but out of use from `now`. If the send fails it is withdrawn, not retried
    (`settle`), and a lease its sender let lapse ends it (`is_stale`). A failed send once went back
    to pending, and the old news went out after the new."""
    message = entry.message.model_copy(update={"stale_after": now})
    return entry.model_copy(update={"message": message, "last_error": f"{WITHDRAWN}{change}"})


def kept_in_flight(entry: OutboxEntry, of_use_until: datetime) -> OutboxEntry:
    """A `sending` entry withdrawn while it was sent (`withdraw_in_flight`) whose news holds again
    (its trip moved back, its person took their role back): its send is recorded as any other,
    of use until `of_use_until`. The mark once stayed, and a failed send withdrew it for good."""
    message = entry.message.model_copy(update={"stale_after": of_use_until})
    return entry.model_copy(update={"message": message, "last_error": None})


def replaced_in_flight(entry: OutboxEntry, change: str, now: datetime, keys: Sequence[str]) -> OutboxEntry:
    """A `sending` entry whose news no longer holds (`withdraw_in_flight`, or one marked so already), with the
    messages `keys` queued in its place, due once its lease ends: they go if its send fails (or its sender stops),
    and are withdrawn if it went (`outdone_by_send`), so its reader gets one or the other, never both."""
    marked = entry if (entry.last_error or "").startswith(WITHDRAWN) else withdraw_in_flight(entry, change, now)
    return marked.model_copy(update={"replaced_by": tuple(dict.fromkeys([*marked.replaced_by, *keys]))})


def outdone_by_send(stored: OutboxEntry, outcome: OutboxEntry) -> tuple[str, ...]:
    """The keys of the messages queued in place of `stored`, being sent (`replaced_in_flight`), that its send's
    `outcome` leaves with nothing to say: all of them once it went (it stands, sent before the change), else none."""
    return stored.replaced_by if outcome.status is OutboxStatus.SENT else ()


def withdraw_replacement(entry: OutboxEntry, sent: OutboxEntry, now: datetime) -> OutboxEntry:
    """`entry`, queued in place of `sent` while it was being sent, withdrawn: `sent` went (`outdone_by_send`)."""
    cause = (sent.last_error or "").removeprefix(WITHDRAWN).partition(" before it went out")[0].partition(";")[0]
    return withdraw(entry, f"{cause}, but the mail it was to replace ({sent.key}) went out: that one stands", now)


def changed_in_flight(stored: OutboxEntry, claimed: OutboxEntry) -> bool:
    """Whether `stored` is still the very claim `claimed` (the same attempt, set at the same moment),
    changed while it was sent: withdrawn (`withdraw_in_flight`), kept again (`kept_in_flight`), or its
    lease counted again after the clock stepped back (`reanchored`)."""
    if stored.status is not OutboxStatus.SENDING or stored.attempts != claimed.attempts:
        return False
    set_alike = claimed.wait_set_at is not None and stored.wait_set_at == claimed.wait_set_at
    return set_alike or stored.due_at == claimed.due_at  # an entry stored before waits were kept


def settle(stored: OutboxEntry, outcome: OutboxEntry) -> OutboxEntry:
    """What a send's `outcome` leaves of an entry changed while it was sent (`changed_in_flight`):
    sent, it was sent (before the change: the later news follows it); failed, it is withdrawn, unless
    its news holds again (`kept_in_flight`): then the outcome stands as for any send."""
    if outcome.status is OutboxStatus.SENT or not (stored.last_error or "").startswith(WITHDRAWN):
        return outcome
    assert stored.message.stale_after is not None and stored.last_error is not None
    change = stored.last_error.removeprefix(WITHDRAWN)
    return withdraw(outcome, change, stored.message.stale_after)


#: How a withdrawn message's last error goes on when it was dead of a refusal: "…; it had failed: 550 …".
HAD_FAILED = "; it had failed: "


def withdraw_dead(entry: OutboxEntry, change: str, now: datetime) -> OutboxEntry:
    """A message dead of a failure (a refusal) whose news no longer holds, withdrawn (`withdraw`) with
    its failure kept in its error: `outbox retry --dead`, once the relay is fixed, once sent the old news."""
    return withdraw(entry, f"{change}{HAD_FAILED}{entry.last_error}" if entry.last_error else change, now)


def withdrawal(entry: OutboxEntry, change: str, now: datetime) -> OutboxEntry | None:
    """`entry` withdrawn as its status asks, its news no longer holding since `change`: waiting, it is
    withdrawn (`withdraw`); being sent, marked for its sender to settle (`withdraw_in_flight`); dead of
    a refusal, withdrawn with its refusal kept (`withdraw_dead`). None when there is nothing to
    withdraw: it was sent, it is marked already, or it is out of use already."""
    if entry.status is OutboxStatus.PENDING:
        return withdraw(entry, change, now)
    if entry.status is OutboxStatus.SENDING and not (entry.last_error or "").startswith(WITHDRAWN):
        return withdraw_in_flight(entry, change, now)
    if entry.status is OutboxStatus.DEAD and not is_stale(entry, now):
        return withdraw_dead(entry, change, now)
    return None


def restore(entry: OutboxEntry, of_use_until: datetime, now: datetime) -> OutboxEntry:
    """A withdrawn entry waiting to go out again, of use until `of_use_until` (its trip moved back);
    one dead of a refusal before it was withdrawn (`withdraw_dead`) is dead of it again, for an admin to retry."""
    message = entry.message.model_copy(update={"stale_after": of_use_until})
    _, had_failed, failure = (entry.last_error or "").partition(HAD_FAILED)
    if had_failed:
        return entry.model_copy(update={"message": message, "last_error": failure})
    restored = {"status": OutboxStatus.PENDING, "message": message, "last_error": None, "attempts": 0}
    return entry.model_copy(update={**restored, **_waiting(now, timedelta(0))})


def reminder_prefix(event_id: str) -> str:
    """How the key of every reminder of a trip's event begins: `ev:<event>:reminder:<departure epoch>:…`."""
    return f"ev:{event_id}:reminder:"


def reminder_departure(key: str) -> int | None:
    """The departure (epoch seconds) a reminder's key was made for, or None for another key."""
    _, _, rest = key.partition(":reminder:")
    head = rest.split(":", 1)[0]
    return int(head) if head.isdigit() else None


def of_use_until(entry: OutboxEntry) -> str | None:
    """When the message stops being of use, as shown: "2026-06-01 16:15 UTC" (None: no such time)."""
    stale = entry.message.stale_after
    return f"{stale.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if stale else None


def out_of_attempts(entry: OutboxEntry, policy: RetryPolicy) -> bool:
    """True for an entry whose dispatchers kept dying mid-send until no attempt was left
    (a message that crashes or hangs every sender): it must go dead, not be tried again."""
    return entry.status is OutboxStatus.SENDING and entry.attempts >= policy.max_attempts


def give_up(entry: OutboxEntry) -> OutboxEntry:
    """A dead entry, after its senders stopped mid-send on every allowed attempt."""
    reason = f"gave up: the sender stopped mid-send on all {entry.attempts} attempts"
    return entry.model_copy(update={"status": OutboxStatus.DEAD, "last_error": entry.last_error or reason})


def claim(
    entry: OutboxEntry, now: datetime, policy: RetryPolicy, by: Mapping[str, object] | None = None
) -> OutboxEntry:
    """The entry as a dispatcher holds it while sending: one more attempt, leased until now+lease, by the process
    `by` names (where one can be looked at: a SQLite home)."""
    if not entry.is_due(now):
        raise ValueError(f"outbox entry {entry.key!r} is {entry.status} and not due")
    # a lapsed lease's sender may have sent it (a crash after sending): a repeat reads as it did, not as a
    # message worded for later ("we could not send this before the boat left", a minute after it had)
    may_have_gone = entry.status is OutboxStatus.SENDING or bool(entry.sent_to)
    worded = entry.worded_at if may_have_gone and entry.worded_at is not None else now
    return entry.model_copy(
        update={"status": OutboxStatus.SENDING, "attempts": entry.attempts + 1, "worded_at": worded,
                "claimed_by": dict(by) if by is not None else None, **_waiting(now, policy.lease)}
    )  # fmt: skip


def let_go(entry: OutboxEntry, now: datetime) -> OutboxEntry:
    """A `sending` entry whose claiming process is gone, due at `now`: nothing will send or record it any more. Its
    next claim treats it as one whose lease lapsed (it may have gone: a repeat keeps its words)."""
    return entry.model_copy(update={"due_at": min(entry.due_at, now)})


def as_read(entry: OutboxEntry, now: datetime) -> OutgoingMessage:
    """The entry's message as its recipient reads it: a sent one with the time left ("in 29 min")
    worded at `sent_at`, in the words its claim chose (`worded_at`), as it went out; one not sent yet as it
    would go out at `now`."""
    if entry.sent_at is None:
        return read_at(entry.message, now)
    return with_countdown(worded_at(entry.message, entry.worded_at or entry.sent_at), entry.sent_at)


def record_sent(entry: OutboxEntry, now: datetime, provider_ref: str) -> OutboxEntry:
    """The entry after its message was handed over: sent, never to be claimed again."""
    return entry.model_copy(
        update={"status": OutboxStatus.SENT, "sent_at": now, "provider_ref": provider_ref, "last_error": None}
    )


def recipients_left(entry: OutboxEntry) -> tuple[str, ...]:
    """The recipients still to get the message: all of them, but those an earlier attempt reached."""
    return tuple(r for r in entry.message.all_recipients() if r not in entry.sent_to)


def record_partial(
    entry: OutboxEntry, now: datetime, ref: str, accepted: tuple[str, ...], refused: Mapping[str, str], *,
    permanent: bool, policy: RetryPolicy,
) -> OutboxEntry:  # fmt: skip
    """The entry after a server took its message for `accepted` and refused it for the others
    (`refused`: address → the server's reply), never to send it to `accepted` again. Refused for now
    (not `permanent`), it is retried for the refused only. Refused for good, it is sent when a To or
    Cc recipient has it, with a permanent bounce noted for the refused (as SES reports one), and dead
    when only a Bcc copy went out: nobody it was written for has it."""
    reached = entry.model_copy(update={"sent_to": (*entry.sent_to, *accepted)})
    details = "; ".join(f"{address}: {reply}" for address, reply in refused.items())
    error = f"the mail server refused {details}"
    if not permanent:
        return record_failure(reached, now, error, permanent=False, policy=policy)
    if not set(entry.message.to + entry.message.cc) & set(reached.sent_to):
        return record_failure(reached, now, error, permanent=True, policy=policy)
    bounce = MailFeedback(kind="bounce", at=now, recipients=tuple(refused), permanent=True, detail=details[:500])
    return add_feedback(record_sent(reached, now, ref), bounce)


def record_failure(
    entry: OutboxEntry, now: datetime, error: str, *, permanent: bool, policy: RetryPolicy
) -> OutboxEntry:
    """The entry after a failed attempt: dead if permanent or out of attempts, else pending later.
    Its error says who has the message already (`sent_to`): a dead one's once said nothing of them."""
    if entry.sent_to:
        error = f"{error} (already sent to {', '.join(entry.sent_to)}: not to them again)"
    if permanent or entry.attempts >= policy.max_attempts:
        return entry.model_copy(update={"status": OutboxStatus.DEAD, "last_error": error})
    return entry.model_copy(
        update={
            "status": OutboxStatus.PENDING,
            "last_error": error,
            **_waiting(now, policy.delay_after(entry.attempts)),
        }
    )


def revive(entry: OutboxEntry, now: datetime) -> OutboxEntry:
    """A dead entry given a fresh set of attempts by an admin; sent entries cannot be revived."""
    if entry.status is not OutboxStatus.DEAD:
        raise ValueError(f"only dead messages can be retried; {entry.key!r} is {entry.status}")
    if is_stale(entry, now):
        raise ValueError(
            f"{entry.key!r} went out of date at {of_use_until(entry)} before it was sent: nothing to retry"
        )
    return entry.model_copy(update={"status": OutboxStatus.PENDING, "attempts": 0, **_waiting(now, timedelta(0))})


def add_feedback(entry: OutboxEntry, feedback: MailFeedback) -> OutboxEntry:
    """The entry with one more piece of feedback; the same feedback twice is recorded once
    (notifications arrive at least once)."""
    if feedback in entry.feedback:
        return entry
    return entry.model_copy(update={"feedback": (*entry.feedback, feedback)})


def bounced(entry: OutboxEntry) -> tuple[str, ...]:
    """Recipients whose address bounced for good or who complained: do not write to them again."""
    return tuple(
        sorted({r for f in entry.feedback if (f.kind == "bounce" and f.permanent) or f.kind == "complaint"
                for r in f.recipients})
    )  # fmt: skip
