"""Outbox entries as the store holds them, and queueing messages with a state change.

Keys: entries live at pk `ORG#<org>#OUTBOX`, sk = idempotency key. Open entries (pending or
sending) sit in the index under `OUTBOX#DUE`, sorted by due time; sent ones under `OUTBOX#SENT` and
dead ones under `OUTBOX#DEAD`, each org's in the order the admin list shows (`listed_sk`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from firstmate.domain import outbox as rules
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxEntry, OutboxStatus
from firstmate.domain.shared import iso, to_epoch
from firstmate.errors import ConditionFailed
from firstmate.ports import Absent, Item, Put, Store

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
