"""Delivering one claimed entry: send it (signing its sign-in link as it goes), then record the outcome
on the claim's version, asking a store that does not answer again until shortly before the lease ends."""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog

from firstmate.domain import outbox as rules
from firstmate.domain import outbox_told as told
from firstmate.domain.mail import with_countdown, worded_at
from firstmate.domain.outbox import OutboxEntry, OutboxStatus, RetryPolicy
from firstmate.errors import (
    ConditionFailed,
    DeliveryError,
    PartialDeliveryError,
    StoreError,
    StoreUnavailable,
    TransientDeliveryError,
)
from firstmate.ports import Clock, Mailer, Put, Store, VersionIs, Write
from firstmate.services.access import SigningKeys, with_sign_in
from firstmate.services.outbox.entries import from_item, outbox_pk, to_item

log = structlog.get_logger(__name__)


def deliver(
    mailer: Mailer, entry: OutboxEntry, clock: Clock, policy: RetryPolicy, keys: Callable[[], SigningKeys]
) -> OutboxEntry:
    """Send the claimed `entry`; return it as the send left it: sent, partly sent, or failed (to be retried, or
    dead). A failed send, even an adapter's bug, is an outcome, never raised: it must not stall the outbox."""
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


def record_outcome(
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
            if _settled(store, outcome, claimed, give_up_at):  # withdrawn, kept again or its lease counted again
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


def _settled(store: Store, outcome: OutboxEntry, claimed: OutboxEntry, give_up_at: float) -> bool:
    """Record `outcome` over its claim `claimed` if a newer revision withdrew the entry (or let it be
    again) while it was being sent (`rules.settle`), or another pass counted its lease again after the
    clock stepped back; False when the entry is no longer this claim (its lease lapsed and another took it).
    Sent, what was queued in its place meanwhile is withdrawn with it (`rules.outdone_by_send`). As long as
    `record_outcome` would try: given up, the lease's end calls a send that went "not sent", and what was
    queued in its place goes too."""
    pause, settled = 0.2, None
    while True:
        try:
            item = store.get(outbox_pk(outcome.org), outcome.key)
            if item is None or not rules.changed_in_flight(from_item(item), claimed):
                # a try whose answer was lost may have landed
                return settled is not None and item is not None and _alike(from_item(item), settled)
            stored = from_item(item)
            settled = rules.settle(stored, outcome)
            writes: list[Write] = [Put(to_item(settled), VersionIs(item.version))]
            # it went: what was queued in its place would say it again
            if outdone := rules.outdone_by_send(stored, outcome):
                now = outcome.sent_at or stored.due_at
                for queued in store.get_many([(outbox_pk(outcome.org), key) for key in outdone]):
                    if queued is not None and from_item(queued).status is OutboxStatus.PENDING:
                        withdrawn = rules.withdraw_replacement(from_item(queued), stored, now)
                        writes.append(Put(to_item(withdrawn), VersionIs(queued.version)))
            # it failed: what tells of a change to a trip only it named would tell of a trip never heard of
            writes += _untold(store, stored, settled)
            store.transact(writes)
            return True
        except ConditionFailed:
            # another change marked it, or changed what waits in its place, meanwhile: read again
            if time.monotonic() > give_up_at:
                return False
        except StoreUnavailable:
            if time.monotonic() + pause > give_up_at:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _untold(store: Store, stored: OutboxEntry, outcome: OutboxEntry) -> list[Write]:
    """The writes withdrawing what was tied to `stored`'s send (`told.untold_by_failure`), still waiting, its send
    having failed: `outcome` as recorded (`rules.settle`), withdrawn or, its news holding, to be tried again."""
    if not (untold := told.untold_by_failure(stored, outcome)):
        return []
    now = stored.message.stale_after or stored.due_at  # when the change that tied them was written
    retried = outcome.status is OutboxStatus.PENDING  # not withdrawn: it goes later, as it is, and tells of the trip
    writes: list[Write] = []
    for queued in store.get_many([(outbox_pk(outcome.org), key) for key in untold]):
        if queued is not None and from_item(queued).status is OutboxStatus.PENDING:
            withdrawn = told.withdraw_untold(from_item(queued), stored, now, retried=retried)
            writes.append(Put(to_item(withdrawn), VersionIs(queued.version)))
    return writes


def _recorded(store: Store, outcome: OutboxEntry) -> bool:
    """Whether the store holds this very outcome (the same status, attempt and provider reference)."""
    try:
        item = store.get(outbox_pk(outcome.org), outcome.key)
    except StoreError:
        return False
    if item is None:
        return False
    return _alike(from_item(item), outcome)


def _alike(stored: OutboxEntry, outcome: OutboxEntry) -> bool:
    """Whether `stored` is this very outcome (the same status, attempt and provider reference)."""
    return (stored.status, stored.attempts, stored.provider_ref) == (
        outcome.status,
        outcome.attempts,
        outcome.provider_ref,
    )
