"""Where trips live, and what holds a boat or a person at a given time.

Keys (all in the org's space):
    ORG#<org>#INTAKE        <source>#<external_id>   → booking id (the idempotency anchor)
                            block@<source>#<uid>     → a blocked slot's fingerprint and calendar key
                                                       (block#<uid>: one recorded before slots were
                                                       kept per channel)
    ORG#<org>#BK#<booking>  BOOKING | EVENT | GUEST#<id>
    ORG#<org>#CAL           <start>#<booking>        → calendar entry (feeds read this)
    ORG#<org>#CALMETA       LONG-BLOCKS              → the live blocked slots longer than any trip
    ORG#<org>#ROSTER        PERSON#<id>              → rewritten whenever the person's trips may clash;
                                                       lists the trips they hold (see `crew_trips`)
    ORG#<org>#CHECKS        <calendar key>#<random>  → a calendar entry's double-booking check still owed
    GUESTCODE#<code>        CODE                     → org and booking of a guest page

The calendar is sorted by start, so what overlaps a moment is found by reading the days before it,
as far back as the longest trip (72 hours). Blocked slots may last months (a haul-out, a winter
ashore): the long ones are also kept in one small list, read whole, so finding them costs one read
however long they are.

Whatever writes a calendar entry also writes, in the same transaction, that its double-booking check
is owed (`check_owed`). The check runs at once after the write; the `fanouts` job runs it again for
every entry so marked and drops the marks (see `clash_checks`). An import runs its rows' checks
once its whole file is in, and their marks leave them to it for a while (`DEFERRED_CHECK`).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from firstmate.domain.bookings import BLOCKED_SLOTS, MAX_TRIP_HOURS, IntakeResult, newest_sequence, numbered_below
from firstmate.domain.business import BusinessProfile
from firstmate.domain.calendar import CalendarEntry, EntryKind, as_of, double_booked, next_sequence
from firstmate.domain.crew import CrewEvent, EventStatus
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.shared import iso, to_epoch
from firstmate.errors import ConditionFailed, Conflict, InvalidInput, NotFound, StoreError
from firstmate.ports import Absent, Condition, Delete, Item, Put, Store, VersionIs, Write
from firstmate.services.business import load_business
from firstmate.services.clash_index import told_writes
from firstmate.services.context import Context
from firstmate.services.notifications import double_booking_message
from firstmate.services.outbox import enqueue_write
from firstmate.services.paging import iter_between, iter_items

MAX_ATTEMPTS = 8
#: A blocked slot over this long ago no longer matters to a booking, nor to a calendar feed (which shows
#: what ended up to this long ago): it leaves the list of long ones.
LONG_BLOCKS_KEPT_AFTER_END = timedelta(days=60)
#: Marks a stored list as keeping its slots that long: one kept by an earlier release is built again.
KEPT_DAYS = LONG_BLOCKS_KEPT_AFTER_END.days
#: A blocked slot's own trips are looked for no further ahead than this (a slot "until 2100" would
#: otherwise read a century of calendar).
BLOCK_CHECK_AHEAD = timedelta(days=3 * 366)
TRIP_LENGTH = timedelta(hours=MAX_TRIP_HOURS)
#: The index of calendar entries whose double-booking check is owed (see `check_owed`).
CHECK_INDEX = "CLASHCHECK#PENDING"
#: Checks the writer will run itself later (an import, once its whole file is in), by when the job
#: may run them instead: ordered by that moment (zero-padded epoch seconds first in their index key).
LATER_CHECK_INDEX = "CLASHCHECK#LATER"
#: How long such a check waits for its writer: longer than any import takes (10,000 rows, the most a
#: file may hold, take minutes on SQLite, and about a quarter of an hour from a laptop to DynamoDB).
DEFERRED_CHECK = timedelta(hours=1)
#: At most this many long slots are kept in their list (about 300 bytes each with a title in Latin letters)…
MAX_LONG_BLOCKS = 1000
#: … and at most this many bytes of them as stored, inside the 400 KB of one store item: a title of 80 characters
#: in Japanese is 480 bytes (the stored JSON escapes each), in emoji 960, and 1,000 such made 668 KB.
MAX_LONG_BLOCKS_BYTES = 360_000
LISTED_TITLE = 80

log = structlog.get_logger(__name__)


def intake_pk(org: str) -> str:
    """Partition of (source, external_id) → booking id anchors."""
    return f"ORG#{org}#INTAKE"


def booking_pk(org: str, booking_id: str) -> str:
    """Partition holding one booking and everything it fanned out to."""
    return f"ORG#{org}#BK#{booking_id}"


def calendar_pk(org: str) -> str:
    """Partition of the org's calendar entries, sorted by start."""
    return f"ORG#{org}#CAL"


def calendar_sk(start: datetime, booking_id: str) -> str:
    """Sort key of a calendar entry: by start time, then booking."""
    return f"{iso(start)}#{booking_id}"


def code_pk(code: str) -> str:
    """Where a guest page code points to its booking."""
    return f"GUESTCODE#{code}"


def get_event(store: Store, org: str, event_id: str) -> CrewEvent:
    """The crew event with this id; raises NotFound otherwise."""
    if not event_id.startswith("ev_"):
        raise NotFound(f"no event {event_id!r}")
    item = store.get(booking_pk(org, "bk_" + event_id.removeprefix("ev_")), "EVENT")
    if item is None:
        raise NotFound(f"no event {event_id!r}")
    return CrewEvent.model_validate(item.data)


def get_events(store: Store, org: str, event_ids: list[str]) -> list[CrewEvent]:
    """The crew events with these ids, in order, read in batches; an id without an event is left out."""
    wanted = [e for e in event_ids if e.startswith("ev_")]
    items = store.get_many([(booking_pk(org, "bk_" + e.removeprefix("ev_")), "EVENT") for e in wanted])
    return [CrewEvent.model_validate(item.data) for item in items if item is not None]


# -- what holds a person -------------------------------------------------------------------------


def events_between(
    store: Store, org: str, start: datetime, end: datetime, *, held_by: Collection[str] | None = None
) -> list[CrewEvent]:
    """The trips sharing a moment with [start, end), cancelled ones included, in order of departure;
    with `held_by`, only those on which one of these people holds a role."""
    entries = calendar_between(store, org, start, end, TRIP_LENGTH)
    keys = [(booking_pk(org, e.booking_id), "EVENT") for e in entries if e.event_id and e.booking_id]
    items = [i for i in store.get_many(keys) if i is not None] if keys else []
    if held_by is not None:  # looked at as stored: a whole event (its checklist) is costly to decode
        items = [i for i in items if any(r.get("person_id") in held_by for r in i.data.get("roles", ()))]
    return [CrewEvent.model_validate(i.data) for i in items]


def crew_busy_between(store: Store, org: str, start: datetime, end: datetime) -> frozenset[str]:
    """Who holds a role on a live trip sharing a moment with [start, end): not to be asked to crew a trip
    then (one trip at a time)."""
    live = (e for e in events_between(store, org, start, end) if e.status is not EventStatus.CANCELLED)
    return frozenset(slot.person_id for event in live for slot in event.roles if slot.person_id)


# -- what holds a boat ---------------------------------------------------------------------------


def calendar_between(
    store: Store, org: str, start: datetime, end: datetime, lookback: timedelta
) -> list[CalendarEntry]:
    """The calendar entries (trips and blocked slots, cancelled ones included) sharing a moment with
    [start, end) among those starting from `lookback` before `start`, in order. The calendar's sort
    keys begin with the UTC start, so it is read as one range of them: the cost is the entries
    starting in that span, whatever the calendar holds."""
    first, last = (start - lookback).astimezone(UTC), end.astimezone(UTC)
    items = iter_between(store, calendar_pk(org), iso(first), iso(last))  # from first, to just before last
    # only the few that overlap are validated: a model per entry of the span was most of the cost
    return [
        CalendarEntry.model_validate(i.data)
        for i in items
        if first <= datetime.fromisoformat(i.data["start"]) < end and datetime.fromisoformat(i.data["end"]) > start
    ]


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


def long_blocks(store: Store, org: str, now: datetime, *, keep: bool = True) -> tuple[Item | None, list[CalendarEntry]]:
    """The org's live blocked slots longer than any trip, ending no more than 60 days before `now`
    (the stored list, and its entries). A home from before the list existed, or whose list kept its
    slots for fewer days after their end (30 until 2026-12-06: a feed then missed those ended 30 to 60
    days ago), gets it built from its calendar, and kept unless `keep` is False (a read must write
    nothing: it is built again next time)."""
    stored = store.get(*_long_blocks_key(org))
    if stored is not None and stored.data.get("kept_days") == KEPT_DAYS:
        return stored, [_from_listed(org, e) for e in stored.data["blocks"]]
    entries = map(CalendarEntry.model_validate, (i.data for i in iter_items(store, calendar_pk(org))))
    found = _trimmed([e for e in entries if e.kind is EntryKind.BLOCKED and _is_long(e)], now)
    if not keep:
        return None, found
    condition = VersionIs(stored.version) if stored is not None else Absent()
    try:
        stored = store.put(_long_blocks_item(org, _listed(found)), condition)
    except ConditionFailed:
        return long_blocks(store, org, now)  # built by another process meanwhile
    return stored, found


def record_blocked_slot(
    ctx: Context,
    org: str,
    uid: str,
    start: datetime,
    end: datetime,
    title: str,
    asset: str | None,
    cancelled: bool,
    *,
    sequence: int | None = None,
    source: str = "",
    held_until: datetime | None = None,
    asked: int | None = None,
) -> IntakeResult:
    """Block a boat's time (from a calendar export, or a request's hold), keyed by the export's UID. Idempotent; a
    changed slot moves and bumps its SEQUENCE; a cancelled one is withdrawn from feeds. One its
    export numbered (`sequence`) below the highest number it has had is older news and changes
    nothing (an old export revived a hold a newer one cancelled); `source` is the channel whose
    export listed it, whose requests of the same UID it holds. Returns what was done. The trips
    already booked in the slot are the caller's to check and tell (`blocked_slot_key`,
    `tell_double_bookings`), as an import does once its whole file is in: the job leaves the
    entry's check to it for a while (`DEFERRED_CHECK`). `held_until`: when a marketplace's request
    held stops holding the boat unanswered; `asked`: the number of the email that held or released it
    (its send time), of a series of its own: an email below the highest is older news."""
    profile = load_business(ctx.store, org)
    if profile is None:
        raise NotFound(f"no org {org!r}", hint="load it first, e.g. with 'firstmate demo'")
    boat = profile.asset(asset) if asset else None
    if asset and boat is None:
        raise InvalidInput(f"unknown boat {asset!r}")
    now = ctx.clock.now()
    lapses = f"|{held_until.isoformat()}" if held_until else ""  # a slot without is fingerprinted as it always was
    fingerprint = hashlib.sha256(f"{start}|{end}|{title}|{asset}|{cancelled}{lapses}".encode()).hexdigest()[:24]
    for _ in range(MAX_ATTEMPTS):
        anchor_sk, anchor = _slot_anchor(ctx.store, org, uid, source)
        newest = anchor.data.get("sequence") if anchor else None
        if anchor and numbered_below(sequence, newest):
            return IntakeResult.UNCHANGED
        emailed = anchor.data.get("asked") if anchor else None
        if anchor and numbered_below(asked, emailed):
            return IntakeResult.UNCHANGED  # a request older than the email that declined or asked it again
        highest = newest_sequence(sequence, newest)
        if anchor and anchor.data["fingerprint"] == fingerprint:
            if highest != newest:  # listed again unchanged with a higher number: one between is older
                try:
                    ctx.store.put(
                        Item(anchor.pk, anchor.sk, {**anchor.data, "sequence": highest}), VersionIs(anchor.version)
                    )
                except ConditionFailed:
                    continue  # changed meanwhile: read again and decide again
            return IntakeResult.UNCHANGED
        entry = CalendarEntry(
            uid=_slot_calendar_uid(anchor_sk),
            org=org,
            entity=boat.entity if boat else "",
            asset=asset or "",
            kind=EntryKind.BLOCKED,
            title=title[:200],
            start=start,
            end=end,
            cancelled=cancelled,
            updated_at=now,
            channel=source,
            reference=uid if held_until else "",  # a request's: the one to answer, where a clash is told
            held_until=held_until,
        )
        new_sk = calendar_sk(start, entry.uid)
        writes: list[Write] = []
        if anchor is None:
            entry = next_sequence(None, entry)
            condition: Condition = Absent()
        else:
            old = ctx.store.get(calendar_pk(org), anchor.data["cal_sk"])
            entry = next_sequence(CalendarEntry.model_validate(old.data) if old else None, entry)
            condition = VersionIs(anchor.version)
            if anchor.data["cal_sk"] != new_sk:
                writes.append(Delete(calendar_pk(org), anchor.data["cal_sk"]))
        kept = {
            "uid": uid,
            "fingerprint": fingerprint,
            "cal_sk": new_sk,
            "source": source or (anchor.data.get("source", "") if anchor else ""),
        }
        kept |= {"sequence": highest} if highest is not None else {}
        kept |= {"asked": last} if (last := newest_sequence(asked, emailed)) is not None else {}
        writes.append(Put(Item(intake_pk(org), anchor_sk, kept), condition))
        writes.append(Put(Item(calendar_pk(org), new_sk, entry.model_dump(mode="json"))))
        writes.append(check_owed(org, new_sk, after=now + DEFERRED_CHECK))
        writes += _long_blocks_write(ctx.store, org, entry, now)
        try:
            ctx.store.transact(writes)
        except ConditionFailed:
            continue
        if cancelled:
            return IntakeResult.CANCELLED
        return IntakeResult.CREATED if anchor is None else IntakeResult.UPDATED
    raise Conflict("the blocked slot kept changing while it was being saved", hint="import again")


@dataclass(frozen=True)
class BlockedSlotRecord:
    """What the intake keeps of a blocked slot (a hold) an export listed under its UID."""

    cal_sk: str  # its calendar entry's key
    source: str  # the channel whose export listed it ("" when recorded before slots kept it)
    sequence: int | None  # the highest revision number the export gave it (none before 2026-12-06)


def blocked_slot_record(store: Store, org: str, uid: str, source: str) -> BlockedSlotRecord | None:
    """The intake's record of the blocked slot with the export's `uid` in channel `source` (None for
    one never recorded)."""
    anchor = _slot_anchor(store, org, uid, source)[1]
    if anchor is None:
        return None
    sequence = anchor.data.get("sequence")
    return BlockedSlotRecord(
        str(anchor.data["cal_sk"]), str(anchor.data.get("source", "")), int(sequence) if sequence is not None else None
    )


def blocked_slot_key(store: Store, org: str, uid: str, source: str) -> str | None:
    """The calendar key of the blocked slot with the export's `uid` in channel `source` (None for one
    never recorded)."""
    record = blocked_slot_record(store, org, uid, source)
    return record.cal_sk if record else None


def _slot_anchor(store: Store, org: str, uid: str, source: str) -> tuple[str, Item | None]:
    """The intake key of channel `source`'s blocked slot `uid`, and its record if there is one. Each
    channel's slots are its own (`block@<source>#<uid>`: two channels may list the same id; "@", which no
    key of the older form has after "block", keeps a UID holding "#" from reading as one of those); one
    recorded before that (`block#<uid>`) stays where it is, taken for its channel's or, kept without
    one, for any channel's, as it was."""
    legacy = f"{BLOCKED_SLOTS}#{uid}"
    own = f"{BLOCKED_SLOTS}@{source}#{uid}" if source else legacy
    anchor = store.get(intake_pk(org), own)
    if anchor is not None or own == legacy:
        return own, anchor
    old = store.get(intake_pk(org), legacy)
    # the older record is this channel's, or of no channel; another channel's (or UID's) is another hold
    if old is not None and old.data.get("uid", uid) == uid and old.data.get("source", "") in ("", source):
        return legacy, old
    return own, None


def _slot_calendar_uid(anchor_sk: str) -> str:
    """The calendar UID of the blocked slot the intake keeps at `anchor_sk` (of a slot recorded before
    slots were kept per channel, as it was: a hash of the export's UID alone)."""
    digest = hashlib.sha256(anchor_sk.removeprefix(f"{BLOCKED_SLOTS}#").encode()).hexdigest()[:20]
    return f"block-{digest}@firstmate"


def _long_blocks_key(org: str) -> tuple[str, str]:
    return f"ORG#{org}#CALMETA", "LONG-BLOCKS"


def _long_blocks_write(store: Store, org: str, entry: CalendarEntry, now: datetime) -> list[Write]:
    """The list of long slots with `entry` as it is now (added, changed, or gone if cancelled or
    short); nothing to write when the list stays as it is."""
    stored, blocks = long_blocks(store, org, now)
    kept = [b for b in blocks if b.uid != entry.uid]
    if _is_long(entry):
        kept.append(entry)
    listed = _listed(_trimmed(kept, now))
    if stored is not None and listed == stored.data["blocks"]:
        return []
    condition = VersionIs(stored.version) if stored else Absent()
    return [Put(_long_blocks_item(org, listed), condition)]


def _long_blocks_item(org: str, listed: list[dict[str, Any]]) -> Item:
    """The stored list of long slots, marked with how long it keeps them after their end."""
    return Item(*_long_blocks_key(org), {"blocks": listed, "kept_days": KEPT_DAYS})


def _is_long(entry: CalendarEntry) -> bool:
    return not entry.cancelled and entry.end - entry.start > TRIP_LENGTH


def _trimmed(blocks: list[CalendarEntry], now: datetime) -> list[CalendarEntry]:
    """The slots worth keeping in the list, soonest first: not ended over 60 days ago, and at most
    MAX_LONG_BLOCKS of them in at most MAX_LONG_BLOCKS_BYTES (those ending last), so that the list stays
    inside one store item whatever the script of their titles."""
    recent = sorted((b for b in blocks if b.end > now - LONG_BLOCKS_KEPT_AFTER_END), key=lambda b: b.end)
    kept = recent[-MAX_LONG_BLOCKS:]
    # as stored (escaped), when they could be too many (a slot is 1.3 KB at most: a title of 80 emoji)
    sizes = [len(json.dumps(e, separators=(",", ":"))) + 1 for e in _listed(kept)] if len(kept) > 250 else []
    total, first = sum(sizes), 0
    while total > MAX_LONG_BLOCKS_BYTES:  # those ending first go
        total, first = total - sizes[first], first + 1
    kept = kept[first:]
    if len(kept) < len(recent):
        log.warning("calendar.long_blocks_capped", kept=len(kept), dropped=len(recent) - len(kept))
    return sorted(kept, key=lambda b: (b.start, b.uid))


def _listed(blocks: list[CalendarEntry]) -> list[dict[str, Any]]:
    """What the list keeps of each slot: what a double booking needs (its message's key names when
    the slot last moved), and a title to name it by."""
    return [{"uid": b.uid, "asset": b.asset, "title": b.title[:LISTED_TITLE], "start": iso(b.start), "end": iso(b.end),
             "placed": b.placed, "channel": b.channel} for b in blocks]  # fmt: skip


def _from_listed(org: str, listed: dict[str, Any]) -> CalendarEntry:
    start = datetime.fromisoformat(listed["start"])
    return CalendarEntry(uid=listed["uid"], org=org, entity="", asset=listed["asset"], kind=EntryKind.BLOCKED,
                         title=listed["title"], start=start, end=datetime.fromisoformat(listed["end"]),
                         placed=int(listed.get("placed", 0)), updated_at=start,
                         channel=str(listed.get("channel", "")))  # fmt: skip
