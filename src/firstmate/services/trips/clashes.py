"""Double bookings: what else holds a boat while a calendar entry does, the operations manager told of each
once, and the marks of the checks still owed.

Whatever writes a calendar entry also writes, in the same transaction, that its double-booking check
is owed (`check_owed`). The check runs at once after the write; the `fanouts` job runs it again for
every entry so marked and drops the marks (see `clash_checks`). An import runs its rows' checks
once its whole file is in, and their marks leave them to it for a while (`DEFERRED_CHECK`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

import structlog

from firstmate.domain.business import BusinessProfile
from firstmate.domain.calendar import CalendarEntry, EntryKind, as_of, double_booked
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.shared import to_epoch
from firstmate.errors import ConditionFailed, StoreError
from firstmate.ports import Item, Put, Store
from firstmate.services.clash_index import told_writes
from firstmate.services.context import Context
from firstmate.services.notifications import double_booking_message
from firstmate.services.outbox import enqueue_write
from firstmate.services.paging import iter_items
from firstmate.services.trips.long_blocks import long_blocks
from firstmate.services.trips.overlaps import TRIP_LENGTH, calendar_between

#: A blocked slot's own trips are looked for no further ahead than this (a slot "until 2100" would
#: otherwise read a century of calendar).
BLOCK_CHECK_AHEAD = timedelta(days=3 * 366)
#: The index of calendar entries whose double-booking check is owed (see `check_owed`).
CHECK_INDEX = "CLASHCHECK#PENDING"
#: Checks the writer will run itself later (an import, once its whole file is in), by when the job
#: may run them instead: ordered by that moment (zero-padded epoch seconds first in their index key).
LATER_CHECK_INDEX = "CLASHCHECK#LATER"
#: How long such a check waits for its writer: longer than any import takes (10,000 rows, the most a
#: file may hold, take minutes on SQLite, and about a quarter of an hour from a laptop to DynamoDB).
DEFERRED_CHECK = timedelta(hours=1)

log = structlog.get_logger(__name__)


def double_bookings(
    store: Store, org: str, entry: CalendarEntry, now: datetime, *, reading: bool = False
) -> list[CalendarEntry]:
    """The trips and blocked slots that hold `entry`'s boat while it does (`holds_the_same_boat`),
    soonest first. For a long blocked slot, only its trips from a day before `now` and up to three
    years ahead are looked for: the clashes someone can still act on. `reading`: on a path that only
    reads (an answer, a page), which must write nothing (see `long_blocks`)."""
    start, end = entry.start, entry.end
    if entry.kind is EntryKind.BLOCKED:
        start, end = max(start, now - timedelta(days=1)), min(end, now + BLOCK_CHECK_AHEAD)
        if start >= end:
            return []
    nearby = {e.uid: e for e in calendar_between(store, org, start, end, TRIP_LENGTH)}
    long_ones = {e.uid: e for e in long_blocks(store, org, now, keep=not reading)[1]}
    # a request's hold that lapsed unanswered holds nothing (`as_of`), though nothing was written when it did
    return double_booked(as_of(entry, now), [as_of(e, now) for e in {**long_ones, **nearby}.values()])


def report_double_bookings(ctx: Context, profile: BusinessProfile, entry: CalendarEntry) -> list[CalendarEntry]:
    """After `entry` was written: what else holds its boat while it does (`double_bookings`), and the
    operations manager told of each such clash still to come, once (the message's key names the pair
    and their overlap). Checked after the write, so of two bookings of one slot written at the same
    moment, the later sees the earlier. The write has landed: a store failing now is logged, not
    raised (the caller must not hear "not saved"); the `fanouts` job tells it (`clash_checks.complete_clash_checks`)."""
    try:
        return tell_double_bookings(ctx, profile, entry)[0]
    except StoreError as exc:
        log.warning("calendar.double_booking_untold", org=profile.org.id, entry=entry.uid, error=str(exc))
        return []


def tell_double_bookings(
    ctx: Context, profile: BusinessProfile, entry: CalendarEntry
) -> tuple[list[CalendarEntry], int]:
    """`entry`'s double bookings (`double_bookings`), and how many of them the operations manager was
    told of just now (the rest: told before, or already over). Raises StoreError."""
    now = ctx.clock.now()
    found = double_bookings(ctx.store, profile.org.id, entry, now)
    untold = [other for other in found if min(entry.end, other.end) > now]  # a clash already over: nobody to tell
    told = [(double_booking_message(ctx, profile, entry, other), (entry.uid, other.uid)) for other in untold]
    return found, enqueue_told(ctx.store, profile.org.id, told, now)


def enqueue_told(store: Store, org: str, told: Sequence[tuple[OutgoingMessage, tuple[str, str]]], now: datetime) -> int:
    """Queue the "Double booked!" messages not queued yet, each named under the calendar entries of its
    pair in the same write (a change of either reads its own: `clash_index`); how many were new.
    Idempotent."""
    queued = 0
    for message, pair in told:
        try:
            store.transact([enqueue_write(org, message, now), *told_writes(org, message, pair)])
        except ConditionFailed:  # told before
            continue
        queued += 1
    return queued


def check_owed(org: str, calendar_key: str, *, after: datetime | None = None) -> Put:
    """The write that marks the calendar entry at `calendar_key` as owing its double-booking check,
    for the transaction that writes the entry (see the module's docstring). Each write makes a mark
    of its own (a random suffix): a pass of the job drops only the marks it read, never one written
    after (a mark deleted and written again would start again at the same version). With `after`,
    the job leaves the check to its writer until then (`LATER_CHECK_INDEX`)."""
    sk = f"{calendar_key}#{secrets.token_hex(6)}"
    index, order = (
        (CHECK_INDEX, f"{org}#{sk}") if after is None else (LATER_CHECK_INDEX, f"{to_epoch(after):012d}#{org}#{sk}")
    )
    return Put(Item(f"ORG#{org}#CHECKS", sk, {"org": org, "entry": calendar_key}, gsi1pk=index, gsi1sk=order))


def owed_marks(store: Store, org: str, calendar_key: str) -> list[Item]:
    """The marks of the checks the calendar entry at `calendar_key` owes (`check_owed`), whichever
    index lists them. A check of the entry that starts after they are read covers them all."""
    return list(iter_items(store, f"ORG#{org}#CHECKS", f"{calendar_key}#"))
