"""Outbox use cases: queue messages with a state change, deliver them, let admins see and retry.

Keys: entries live at pk `ORG#<org>#OUTBOX`, sk = idempotency key. Open entries (pending or
sending) sit in the index under `OUTBOX#DUE`, sorted by due time; sent ones under `OUTBOX#SENT` and
dead ones under `OUTBOX#DEAD`, each org's in the order the admin list shows (`listed_sk`).
A wait set before the clock stepped back sorts the step too far along: a pass counts it again from
its own now (`rules.reanchored`), so it ends within its length of being seen, not the step later.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import structlog

from firstmate.domain import outbox as rules
from firstmate.domain.bookings import Booking
from firstmate.domain.mail import OutgoingMessage, with_countdown, worded_at
from firstmate.domain.outbox import MailFeedback, OutboxEntry, OutboxStatus, RetryPolicy
from firstmate.domain.shared import iso, to_epoch
from firstmate.errors import (
    ConditionFailed,
    DeliveryError,
    FirstmateError,
    InvalidInput,
    NotFound,
    PartialDeliveryError,
    StoreError,
    StoreUnavailable,
    TransientDeliveryError,
)
from firstmate.ports import Absent, Clock, Item, Mailer, Put, Store, VersionIs
from firstmate.services.access import SigningKeys, with_sign_in
from firstmate.services.clash_index import told_keys
from firstmate.services.paging import all_items

log = structlog.get_logger(__name__)

DUE_INDEX = "OUTBOX#DUE"
#: Sent messages stay readable on the admin page this long, then expire (one still of use, such as
#: "Double booked!" for a trip next year, stays until it is not: its key keeps it from going twice);
#: dead ones stay.
SENT_RETENTION = timedelta(days=90)
DEAD_INDEX = "OUTBOX#DEAD"
SENT_INDEX = "OUTBOX#SENT"


def outbox_pk(org: str) -> str:
    """The partition holding one org's outbox."""
    return f"ORG#{org}#OUTBOX"


def to_item(entry: OutboxEntry) -> Item:
    """The store item for an entry, placed in the index its status calls for."""
    if entry.is_open:
        gsi1pk, gsi1sk = DUE_INDEX, f"{iso(entry.due_at)}#{entry.org}#{entry.key}"
    else:  # listed from any row's place, a page at a time (`services.outbox_list`)
        gsi1pk, gsi1sk = DEAD_INDEX if entry.status is OutboxStatus.DEAD else SENT_INDEX, listed_sk(entry)
    ttl = None
    if entry.sent_at:
        ttl = to_epoch(max(entry.sent_at + SENT_RETENTION, entry.message.stale_after or entry.sent_at))
    return Item(
        pk=outbox_pk(entry.org),
        sk=entry.key,
        data=entry.model_dump(mode="json"),
        ttl=ttl,
        gsi1pk=gsi1pk,
        gsi1sk=gsi1sk,
    )


def listed_sk(entry: OutboxEntry) -> str:
    """A sent or dead entry's index key: its org, when it was queued (UTC, to the microsecond), its key,
    so that each org's sort as the admin list shows them."""
    return f"{entry.org}#{iso(entry.created_at.astimezone(UTC))}#{entry.key}"


def from_item(item: Item) -> OutboxEntry:
    """The entry stored in `item`."""
    return OutboxEntry.model_validate(item.data)


def enqueue_write(org: str, message: OutgoingMessage, now: datetime) -> Put:
    """The write that queues `message`, for a use case's own transaction.

    Conditional on absence: a transaction that would queue the same message twice fails, and the
    use case, having re-read its state, finds there is nothing left to do.
    """
    return Put(to_item(rules.new_entry(org, message, now)), Absent())


def enqueue(store: Store, org: str, messages: Iterable[OutgoingMessage], now: datetime) -> int:
    """Queue messages that are not queued yet; return how many were new. Idempotent."""
    queued = 0
    for message in messages:
        write = enqueue_write(org, message, now)
        try:
            store.put(write.item, write.condition)
        except ConditionFailed:
            continue
        queued += 1
    return queued


class FeedbackTooEarly(FirstmateError):
    """A mail system's word on a message whose send is not recorded yet (the store slow to take the
    record): asked again later, it finds it (Lambda retries the event, then puts it in the queue of
    failed events), where ignored it was lost."""


@dataclass
class DispatchReport:
    """What one dispatch pass did."""

    sent: int = 0
    retrying: int = 0
    dead: int = 0
    skipped: int = 0
    keys_sent: list[str] = field(default_factory=list)
    #: due entries the pass left unclaimed, its time running short (`TimeLimit`)
    left: int = 0

    @property
    def handled(self) -> int:
        """Entries this pass claimed (sent, retrying or dead)."""
        return self.sent + self.retrying + self.dead


@dataclass(frozen=True)
class TimeLimit:
    """The time of a dispatcher that will be stopped (a Lambda function at its timeout), as
    `time.monotonic()` values: it claims no message after `claim_until`, too late to send and record
    one before it is stopped, and recording a send stops trying at `deadline`."""

    claim_until: float
    deadline: float


def dispatch_outbox(
    store: Store, mailer: Mailer, clock: Clock, policy: RetryPolicy, *, keys: Callable[[], SigningKeys],
    limit: int = 50, stop: threading.Event | None = None, until: TimeLimit | None = None,
) -> DispatchReport:  # fmt: skip
    """Deliver up to `limit` due messages, oldest first. Safe to run in many processes at once.
    `keys` sign the sign-in links of the messages that carry one, as each is sent. Once `stop` is
    set the pass claims nothing more: the message being sent is sent and recorded, and the pass ends.
    With `until`, the pass claims nothing once its time is too short for a send: the rest stay
    pending, unclaimed, counted in the report's `left` (one claimed, then cut off, went again).

    Each entry is claimed with a conditional write before sending, so two dispatchers never send
    the same entry concurrently. A dispatcher that dies after sending but before recording it
    leaves the entry leased; when the lease ends it is sent again with the same Message-ID (the
    only case of a repeat, and never for an entry recorded as sent).
    """
    report = DispatchReport()
    due = list(_due(store, clock.now(), limit))
    for n, item in enumerate(due):
        if stop is not None and stop.is_set():
            break
        if not _dispatch_item(store, mailer, clock, policy, keys, item, report, until):
            report.left = len(due) - n
            break
    return report


def dispatch_entry(
    store: Store, mailer: Mailer, clock: Clock, policy: RetryPolicy, org: str, key: str, *,
    keys: Callable[[], SigningKeys], until: TimeLimit | None = None,
) -> DispatchReport:  # fmt: skip
    """Deliver one entry if it is due now (the AWS stream handler's unit of work); an entry that
    is not due, already sent or claimed by another dispatcher is left alone. Idempotent.
    `until`: the time of a caller that will be stopped (a Lambda's end); an entry it leaves unclaimed
    for lack of it is counted in `left`."""
    report = DispatchReport()
    item = store.get(outbox_pk(org), key)
    if item is None or not from_item(item).is_due(clock.now()):
        report.skipped += 1
        return report
    if not _dispatch_item(store, mailer, clock, policy, keys, item, report, until):
        report.left += 1
    return report


def _dispatch_item(
    store: Store, mailer: Mailer, clock: Clock, policy: RetryPolicy, keys: Callable[[], SigningKeys], item: Item,
    report: DispatchReport, until: TimeLimit | None = None,
) -> bool:  # fmt: skip
    """Claim one due entry, send it, record the outcome (see dispatch_outbox). False when it was left
    unclaimed, too late in `until`'s time to send and record it: the time is looked at just before the
    claim, after this entry's reads (a slow store's reads came on top of the time a send was given)."""
    entry = from_item(item)
    if rules.is_stale(entry, clock.now()):
        next_state = rules.expire(entry)
        log.warning("outbox.expired_unsent", org=entry.org, key=entry.key, attempts=entry.attempts)
    elif rules.out_of_attempts(entry, policy):
        next_state = rules.give_up(entry)
        log.error("outbox.gave_up", org=entry.org, key=entry.key, attempts=entry.attempts)
    elif _after_one_being_sent(store, entry):
        report.skipped += 1  # taken up on a later pass, once the earlier news is sent or withdrawn
        return True
    else:
        next_state = rules.claim(entry, clock.now(), policy)
    if until is not None and time.monotonic() > until.claim_until:
        return False
    try:
        claimed_item = store.put(to_item(next_state), VersionIs(item.version))
    except ConditionFailed:
        report.skipped += 1  # another dispatcher claimed it first
        return True
    if next_state.status is OutboxStatus.DEAD:
        report.dead += 1
        return True
    outcome = _deliver(mailer, from_item(claimed_item), clock, policy, keys)
    if _record(store, outcome, claimed_item.version, next_state, clock, until.deadline if until else None):
        _count(report, outcome)
    return True


def _after_one_being_sent(store: Store, entry: OutboxEntry) -> bool:
    """Whether `entry` is a booking's later revision's message to someone an earlier revision's
    message is being sent to right now. It waits: sent beside it, the later news could land first and
    the old be the last word ("You're booked … 16:00" after "moved to 18:00", through a relay slow to
    take the first). Only a revision after the first asks, with one read of the booking's messages."""
    parts = entry.key.split(":")  # bk:<booking>:r<revision>:<audience>[:<who>]
    if len(parts) < 4 or parts[0] != "bk" or not parts[2][1:].isdigit() or parts[2] in ("r0", "r1"):
        return False
    revision, audience = int(parts[2][1:]), ":".join(parts[3:]).removesuffix(":off")
    for item in all_items(store, outbox_pk(entry.org), f"bk:{parts[1]}:r"):
        other = item.sk.split(":")
        if (
            other[2][1:].isdigit()
            and int(other[2][1:]) < revision
            and ":".join(other[3:]).removesuffix(":off") == audience
            and from_item(item).status is OutboxStatus.SENDING
        ):
            return True
    return False


def record_feedback(
    store: Store, orgs: Iterable[str], key: str, provider_ref: str, feedback: MailFeedback
) -> OutboxEntry | None:
    """Note what the mail system said about a sent message on its outbox entry, found by its
    idempotency key among `orgs` and confirmed by the provider's reference. Returns the updated
    entry, or None when no org sent such a message (feedback for mail firstmate did not send).
    Recording the same feedback twice changes nothing. FeedbackTooEarly when the message is being
    sent and its send not recorded yet: the feedback is to be given again later."""
    for org in orgs:
        for _ in range(5):
            item = store.get(outbox_pk(org), key)
            if item is None:
                break
            entry = from_item(item)
            if entry.provider_ref != provider_ref:
                if entry.status is OutboxStatus.SENDING:
                    raise FeedbackTooEarly(f"{org}/{key} is being sent: its send is not recorded yet")
                break
            updated = rules.add_feedback(entry, feedback)
            try:
                return from_item(store.put(to_item(updated), VersionIs(item.version)))
            except ConditionFailed:
                continue  # the entry changed meanwhile: read it again
    return None


def _record(
    store: Store, outcome: OutboxEntry, claimed_version: int, claimed: OutboxEntry, clock: Clock,
    deadline: float | None = None,
) -> bool:  # fmt: skip
    """Write the outcome of a send of `claimed`. Failing here means a resend once the lease lapses, so
    a store that does not answer (throttling) is asked again, backing off, until shortly before then (a
    tenth of the lease left after the send is kept to spare), or the caller's `deadline`."""
    give_up_at = time.monotonic() + 0.9 * (claimed.due_at - clock.now()).total_seconds()
    if deadline is not None:
        give_up_at = min(give_up_at, deadline)
    pause, tried = 0.2, False
    while True:
        try:
            store.put(to_item(outcome), VersionIs(claimed_version))
            return True
        except ConditionFailed:
            if tried and _recorded(store, outcome):  # an earlier try landed; only its answer was lost
                return True
            if _settled(store, outcome, claimed):  # withdrawn, kept again or its lease counted again meanwhile
                return True
            log.warning("outbox.lease_lost", org=outcome.org, key=outcome.key)
            return False
        except StoreUnavailable:
            tried = True
            if time.monotonic() + pause > give_up_at:
                break
            time.sleep(pause)
            pause = min(pause * 2, 2.0)
    log.error("outbox.record_failed", org=outcome.org, key=outcome.key, status=outcome.status.value)
    return False


def _settled(store: Store, outcome: OutboxEntry, claimed: OutboxEntry) -> bool:
    """Record `outcome` over its claim `claimed` if a newer revision withdrew the entry (or let it be
    again) while it was being sent (`rules.settle`), or another pass counted its lease again after the
    clock stepped back; False when the entry is no longer this claim (its lease lapsed and another took it)."""
    item = store.get(outbox_pk(outcome.org), outcome.key)
    if item is None or not rules.changed_in_flight(from_item(item), claimed):
        return False
    try:
        store.put(to_item(rules.settle(from_item(item), outcome)), VersionIs(item.version))
    except ConditionFailed:
        return False
    return True


def _recorded(store: Store, outcome: OutboxEntry) -> bool:
    """Whether the store holds this very outcome (the same status, attempt and provider reference)."""
    try:
        item = store.get(outbox_pk(outcome.org), outcome.key)
    except StoreError:
        return False
    if item is None:
        return False
    stored = from_item(item)
    return (stored.status, stored.attempts, stored.provider_ref) == (
        outcome.status,
        outcome.attempts,
        outcome.provider_ref,
    )


def _due(store: Store, now: datetime, limit: int) -> list[Item]:
    """Up to `limit` entries due at `now`, oldest first, each wait read that was set before the clock
    stepped back first counted again from `now` (`_reanchor`). Such waits sort at the index's far end:
    when the index holds more than a page, a page from there is read too."""
    page = store.query_index(DUE_INDEX, limit=limit)
    read = list(page.items)
    if page.cursor is not None:
        near = {(item.pk, item.sk) for item in read}
        far = store.query_index(DUE_INDEX, limit=limit, reverse=True).items
        read += [item for item in far if (item.pk, item.sk) not in near]
    counted = [_reanchor(store, item, now) for item in read]
    return [item for item in counted if item is not None and from_item(item).due_at <= now][:limit]


def _reanchor(store: Store, item: Item, now: datetime) -> Item | None:
    """`item` with its wait counted again from `now` when it was set before the clock stepped back
    (`rules.reanchored`), else as it is; None when it changed since it was read (a later pass reads it)."""
    entry = from_item(item)
    later = rules.reanchored(entry, now)
    if later is None:
        return item
    try:  # on its version: only the very claim or wait that was read is counted again
        stored = store.put(to_item(later), VersionIs(item.version))
    except ConditionFailed:
        return None
    log.warning("outbox.wait_reanchored", org=entry.org, key=entry.key, status=entry.status.value,
                was_due=iso(entry.due_at), due=iso(later.due_at))  # fmt: skip
    return stored


def _deliver(
    mailer: Mailer, entry: OutboxEntry, clock: Clock, policy: RetryPolicy, keys: Callable[[], SigningKeys]
) -> OutboxEntry:
    now = clock.now()  # the send's moment: its words ("in 29 min") are those of its sent_at, which pages show
    try:
        # first: its sign-in link's place is in the words it goes with, those its claim chose (a repeat's)
        message = worded_at(entry.message, entry.worded_at or now)
        message = with_sign_in(message, keys(), now) if message.sign_in else message
        message = with_countdown(message, now)
    except Exception as exc:  # the keys unreadable for now (the secrets store down): tried again later
        log.warning("outbox.sign_in_failed", org=entry.org, key=entry.key, attempt=entry.attempts, error=str(exc))
        error = f"cannot sign its sign-in link: {exc}"
        return rules.record_failure(entry, clock.now(), error, permanent=False, policy=policy)
    try:
        ref = mailer.send(message, rules.recipients_left(entry))
    except PartialDeliveryError as exc:
        log.warning("outbox.partly_sent", org=entry.org, key=entry.key, attempt=entry.attempts, error=str(exc))
        return rules.record_partial(
            entry, now, exc.ref, exc.accepted, exc.refused, permanent=exc.permanent, policy=policy
        )
    except (DeliveryError, ValueError) as exc:
        # a ValueError is a message no mail system would take (a malformed address): permanent
        permanent = not isinstance(exc, TransientDeliveryError)
        log.warning("outbox.send_failed", org=entry.org, key=entry.key, attempt=entry.attempts, error=str(exc))
        return rules.record_failure(entry, clock.now(), str(exc), permanent=permanent, policy=policy)
    except Exception as exc:  # a bug in an adapter must not stall the whole outbox
        log.exception("outbox.send_crashed", org=entry.org, key=entry.key)
        return rules.record_failure(entry, clock.now(), f"unexpected error: {exc!r}", permanent=False, policy=policy)
    log.info("outbox.sent", org=entry.org, key=entry.key, attempt=entry.attempts)
    return rules.record_sent(entry, now, ref)


def _count(report: DispatchReport, outcome: OutboxEntry) -> None:
    if outcome.status is OutboxStatus.SENT:
        report.sent += 1
        report.keys_sent.append(outcome.key)
    elif outcome.status is OutboxStatus.DEAD:
        report.dead += 1
    else:
        report.retrying += 1


def list_entries(
    store: Store, org: str, *, status: OutboxStatus | None = None, limit: int | None = 200
) -> list[OutboxEntry]:
    """One org's outbox entries, newest first, optionally of one status; the newest `limit` (None: all)."""
    entries = [e for e in map(from_item, all_items(store, outbox_pk(org))) if status is None or e.status is status]
    entries.sort(key=lambda e: e.created_at, reverse=True)
    return entries if limit is None else entries[:limit]


#: Why a held reminder of someone who holds no role on its trip now is not sent ("not sent: the trip …").
NOT_THEIRS = "is no longer theirs to crew"


def reminders_followed(
    store: Store, org: str, event_id: str, *, departure: datetime | None, holders: frozenset[str], now: datetime,
    change: str = "", leaving: str = NOT_THEIRS,
) -> list[Put]:  # fmt: skip
    """Writes that keep a trip's reminders still waiting to go out (an outage held them) in step with
    the trip: one made for another departure than `departure` (None: the trip is cancelled) is
    withdrawn, saying how the trip changed (`change`: "moved to …"); one of someone who holds no role
    on it now (not in `holders`) is withdrawn, saying `leaving`, and so is one dead of a refusal, its
    refusal kept in its error (`outbox retry --dead` sent "captain at 16:00" for a trip moved to 18:00).
    A withdrawn one made for `departure` of someone who holds a role waits to go out again (the trip
    moved back, or they took a role back), as the scheduler cannot queue another under its key; one
    dead of a refusal before it was withdrawn is dead of it again, for an admin to retry. A reminder
    being sent right now is marked so (`withdraw_in_flight`): withdrawn if its send fails, unless the
    trip is again as it was made for (`kept_in_flight`); one claimed meanwhile fails the writes'
    transaction."""
    keep = int(departure.timestamp()) if departure else None
    writes = []
    for item in all_items(store, outbox_pk(org), rules.reminder_prefix(event_id)):
        entry = from_item(item)
        made_for, person = rules.reminder_departure(entry.key), _of(entry)
        if made_for == keep and person in holders:  # the trip and role it was made for
            if departure and now < departure and _withdrawn(entry):
                writes.append(Put(to_item(rules.restore(entry, departure, now)), VersionIs(item.version)))
            elif departure and now < departure and _withdrawing(entry):  # its sender records its send as any
                writes.append(Put(to_item(rules.kept_in_flight(entry, departure)), VersionIs(item.version)))
            continue
        withdrawn = rules.withdrawal(entry, change if made_for != keep else leaving, now)
        if withdrawn is not None:  # one being sent is settled by its sender (`_settled`)
            writes.append(Put(to_item(withdrawn), VersionIs(item.version)))
    return writes


def superseded(
    store: Store, org: str, booking: Booking, told: Sequence[str], now: datetime, *, placed: int | None = None
) -> list[Put]:
    """Writes withdrawing the messages about `booking`'s trip still waiting to go out (an outage held
    them) that its revision, whose messages are keyed `told`, supersedes. Sent after it (a retry's
    backoff puts them later), the old news was the last word: "You're booked … 16:00" after "moved to
    18:00". Withdrawn: an earlier revision's message or a guest's invitation to someone it tells anew,
    or to anyone once the booking is cancelled ("Crew needed" after the cancellation, to crew it does
    not tell), save one taking someone off the trip; a roster notice ("You're captain: …") to someone
    the revision tells anew (its message says their role and who is aboard, as the trip is now; on a
    move, a "Release requested" stands: it asks for an answer) or takes off the trip; a "Double
    booked!" of the trip as it no longer is (cancelled, or `placed` since: its calendar entry's
    now). The operations manager's are kept: each revision's may
    name what no later one does (a crew clash, someone taken off), and says its revision. Reminders
    follow their trip by `reminders_followed`. One being sent right now is marked so
    (`withdraw_in_flight`): if its send fails, it is withdrawn, not retried after the new news."""
    revision_of = f"bk:{booking.id}:r"  # notifications._key: bk:<booking>:r<revision>:<audience>[:<who>]
    audiences = {key.removeprefix(revision_of).partition(":")[2] for key in told if key.startswith(revision_of)}
    taken_off = {audience.removesuffix(":off") for audience in audiences if audience.endswith(":off")}
    audiences |= taken_off  # told they are off the trip: told anew

    def outdone(key: str) -> bool:
        parts = key.split(":")
        if key.startswith(revision_of):  # bk:<booking>:r<n>:<audience>[:<who>]
            made_in, audience = parts[2][1:], ":".join(parts[3:])
            person = audience.removesuffix(":off")  # told they are off, then told anew: anew is the word
            cancels = booking.cancelled and (not audience.endswith(":off") or person in audiences)
            earlier = made_in.isdigit() and int(made_in) < booking.revision
            return earlier and audience != "ops" and (cancels or person in audiences)
        if key.startswith(f"bk:{booking.id}:guest:"):  # bk:<booking>:guest:<g>:invite
            return booking.cancelled or f"guest:{parts[3]}" in audiences
        if key.startswith(f"ev:{booking.event_id}:") and not key.startswith(rules.reminder_prefix(booking.event_id)):
            person = f"crew:{parts[2]}"  # ev:<event>:<person>:<headline>:v<version>
            # a release asked for stands on a move: the captain's answer is still wanted, and nothing else says so
            told = person in audiences and (booking.cancelled or parts[3:4] != ["release-requested"])
            return told or person in taken_off
        if key.startswith("clash:"):
            return _clash_outdone(key, f"{booking.id}@firstmate", booking.cancelled, placed)
        return False

    change = f"changed again before it went out (revision {booking.revision} says what holds now)"
    writes = []
    items = [item for prefix in (f"bk:{booking.id}:", f"ev:{booking.event_id}:")
             for item in all_items(store, outbox_pk(org), prefix)]  # fmt: skip
    for item in [*items, *_clashes_told(store, org, f"{booking.id}@firstmate")]:
        withdrawn = rules.withdrawal(from_item(item), change, now) if outdone(item.sk) else None
        if withdrawn is not None:  # one being sent is settled by its sender (`_settled`)
            writes.append(Put(to_item(withdrawn), VersionIs(item.version)))
    return writes


def unheard_so_far(
    store: Store, org: str, booking: Booking, revision: int, now: datetime
) -> tuple[frozenset[str], list[Put]]:
    """Who (of "ops", "crew", "guests") has heard nothing of `booking`'s trip yet because every message
    it was given is still waiting, never tried, or was withdrawn (a file's later row of the same booking,
    before the dispatcher ran): to them the next revision is the first word, and its news is the trip as
    that revision leaves it. Crew with a role, or a guest list the lead has added to, have heard. With
    them, the withdrawals of the operations manager's waiting messages of earlier revisions, which
    `revision`'s first word replaces (should one go meanwhile, its withdrawal refuses the change's write)."""
    items = [item for prefix in (f"bk:{booking.id}:", f"ev:{booking.event_id}:")
             for item in all_items(store, outbox_pk(org), prefix)]  # fmt: skip

    def unsent(item: Item) -> bool:
        entry = from_item(item)
        return (entry.status is OutboxStatus.PENDING and entry.attempts == 0) or _withdrawn(entry)

    revision_of = f"bk:{booking.id}:r"
    heard: set[str] = set()
    ops: list[Item] = []
    for item in items:
        audience = item.sk.removeprefix(revision_of).partition(":")[2] if item.sk.startswith(revision_of) else ""
        group = {"ops": "ops", "crew": "crew", "guest": "guests"}.get(audience.split(":")[0], "")
        if item.sk.startswith(f"ev:{booking.event_id}:"):
            group = "crew"
        elif item.sk.startswith(f"bk:{booking.id}:guest:"):
            group = "guests"  # an invitation: the lead added someone, so saw the trip
            heard.add(group)
        if group == "ops" and unsent(item):
            ops.append(item)
        elif group and not unsent(item):
            heard.add(group)
    change = f"changed again before it went out (revision {revision} says what holds now)"
    withdrawals = [
        Put(to_item(gone), VersionIs(item.version))
        for item in ops
        if (gone := rules.withdrawal(from_item(item), change, now)) is not None
    ]
    return frozenset({"ops", "crew", "guests"} - heard), withdrawals


def _clashes_told(store: Store, org: str, uid: str) -> list[Item]:
    """The "Double booked!" messages about the calendar entry `uid`: those `clash_index` names under it,
    or every one the org has while some are not named yet."""
    keys = told_keys(store, org, uid)
    if keys is None:
        return all_items(store, outbox_pk(org), "clash:")
    return [item for item in store.get_many([(outbox_pk(org), key) for key in keys]) if item is not None]


def _clash_outdone(key: str, uid: str, cancelled: bool, placed: int | None) -> bool:
    """Whether a "Double booked!" keyed `key` (clash:<uid>:<uid>:<from>-<to>[:p<n>-<m>], the uids in
    order, each placed as the key says) is about the trip `uid` as it no longer is: cancelled, or
    placed since (`placed`: its calendar entry's now). A clash told of its trip as it is stands, even
    one told after a late fan-out's revision."""
    first, second = key.startswith(f"clash:{uid}:"), f":{uid}:" in key.removeprefix("clash:")
    if not (first or second):
        return False
    if cancelled:
        return True
    moves = re.search(r":p(\d+)-(\d+)$", key)
    told_placed = int(moves.group(1 if first else 2)) if moves else 0
    return placed is not None and told_placed != placed


def _of(reminder: OutboxEntry) -> str:
    """Whose reminder it is: its key ends with the person's id."""
    return reminder.key.rsplit(":", 1)[-1]


def _withdrawing(entry: OutboxEntry) -> bool:
    """Whether `entry` is being sent and already marked withdrawn (`withdraw_in_flight`)."""
    return entry.status is OutboxStatus.SENDING and (entry.last_error or "").startswith(rules.WITHDRAWN)


def _withdrawn(entry: OutboxEntry) -> bool:
    return entry.status is OutboxStatus.DEAD and (entry.last_error or "").startswith(rules.WITHDRAWN)


def get_entry(store: Store, org: str, key: str) -> OutboxEntry:
    """One entry; raises NotFound if this org has no entry with that key."""
    item = store.get(outbox_pk(org), key)
    if item is None:
        raise NotFound(f"no outbox message {key!r} in org {org!r}", hint="list them with 'firstmate outbox list'")
    return from_item(item)


def retry_entry(store: Store, org: str, key: str, now: datetime) -> OutboxEntry:
    """Give a dead message a fresh set of attempts.

    Raises NotFound for an unknown key and InvalidInput when the message is not dead.
    """
    item = store.get(outbox_pk(org), key)
    if item is None:
        raise NotFound(f"no outbox message {key!r} in org {org!r}", hint="list them with 'firstmate outbox list'")
    try:
        revived = rules.revive(from_item(item), now)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    stored = store.put(to_item(revived), VersionIs(item.version))
    return from_item(stored)


def retry_dead(store: Store, org: str, now: datetime) -> tuple[int, int]:
    """Give every dead message of `org` a fresh set of attempts (after an outage, a fixed relay).
    Returns how many are pending again, and how many stay dead because they went out of date (an
    expired sign-in link, a reminder for a trip that has left). One retried meanwhile by someone
    else is left as they left it."""
    revived = stale = 0
    for entry in _dead(store, org):
        if rules.is_stale(entry, now):
            stale += 1
            continue
        try:
            retry_entry(store, org, entry.key, now)
        except (InvalidInput, ConditionFailed):  # retried, or sent, since it was listed
            continue
        revived += 1
    return revived, stale


def _dead(store: Store, org: str) -> list[OutboxEntry]:
    """`org`'s dead entries, from their index (the org's other entries are not read)."""
    dead, cursor = [], None
    while True:
        page = store.query_index_between(DEAD_INDEX, f"{org}#", f"{org}$", limit=200, cursor=cursor)
        dead += [from_item(item) for item in page.items]
        if page.cursor is None:
            return dead
        cursor = page.cursor


def dead_entries(store: Store, *, limit: int = 100) -> list[OutboxEntry]:
    """Dead messages across every org, for the admin page."""
    return [from_item(i) for i in store.query_index(DEAD_INDEX, limit=limit).items]
