"""Blocked slots: a boat's time blocked by a calendar export or a marketplace request's hold, kept under the
export's UID in the channel that listed it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from firstmate.domain.bookings import (
    BLOCKED_SLOTS,
    BookingRequest,
    BookingStatus,
    IntakePath,
    IntakeResult,
    newest_sequence,
    numbered_below,
)
from firstmate.domain.calendar import CalendarEntry, EntryKind, next_sequence
from firstmate.domain.intake import request_lapse
from firstmate.errors import ConditionFailed, Conflict, InvalidInput, NotFound
from firstmate.ports import Absent, Check, Condition, Delete, Item, Put, Store, VersionIs, Write
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.trips.clashes import DEFERRED_CHECK, check_owed
from firstmate.services.trips.keys import calendar_pk, calendar_sk, intake_pk
from firstmate.services.trips.long_blocks import long_blocks_write

MAX_ATTEMPTS = 8


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
    unanswered: bool = False,
    keep_lapse: bool = False,
) -> IntakeResult:
    """Block a boat's time (from a calendar export, or a request's hold), keyed by the export's UID. Idempotent; a
    changed slot moves and bumps its SEQUENCE; a cancelled one is withdrawn from feeds. One its
    export numbered (`sequence`) below the highest number it has had is older news and changes
    nothing (an old export revived a hold a newer one cancelled); `source` is the channel whose
    export listed it, whose requests of the same UID it holds. Returns what was done. The trips
    already booked in the slot are the caller's to check and tell (`blocked_slot_key`,
    `tell_double_bookings`), as an import does once its whole file is in: the job leaves the
    entry's check to it for a while (`DEFERRED_CHECK`). `held_until`: when a marketplace's request
    held stops holding the boat unanswered (with `keep_lapse`, a slot listed without one keeps the one it has: a
    channel's export of an emailed request, still asked, lapses as the email's hold does); `asked`: the number of
    the email that held or released it (its send time), of a series of its own: an email below the highest is older
    news. `unanswered`: a request's
    hold, written only while no booking (nor remembered cancellation) of its channel's `uid` is recorded, checked in
    its own transaction: a booking written meanwhile leaves it UNCHANGED, holding nothing beside the booking."""
    profile = load_business(ctx.store, org)
    if profile is None:
        raise NotFound(f"no org {org!r}", hint="load it first, e.g. with 'firstmate demo'")
    boat = profile.asset(asset) if asset else None
    if asset and boat is None:
        raise InvalidInput(f"unknown boat {asset!r}")
    now = ctx.clock.now()
    answered = f"{source}#{uid}" if unanswered else None  # where its booking's intake anchor would be
    for _ in range(MAX_ATTEMPTS):
        if answered and ctx.store.get(intake_pk(org), answered) is not None:
            return IntakeResult.UNCHANGED  # booked meanwhile (or its cancellation remembered): nothing to hold
        anchor_sk, anchor = _slot_anchor(ctx.store, org, uid, source)
        kept = keep_lapse and not held_until and anchor is not None
        lapses = _kept_lapse(ctx.store, org, anchor, start) if kept and anchor else held_until
        fingerprint = _fingerprint(start, end, title, asset, cancelled, lapses)
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
            reference=uid if lapses else "",  # a request's: the one to answer, where a clash is told
            held_until=lapses,
        )
        numbers = {"sequence": highest, "asked": newest_sequence(asked, emailed)}
        writes = _slot_writes(ctx, org, uid, source, anchor_sk, anchor, entry, fingerprint, numbers)
        if answered:  # a booking written since the read above fails this, and the next round holds nothing
            writes.append(Check(intake_pk(org), answered, Absent()))
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
    asked: int | None = None  # the newest request email's number that held or released it: none if no email did


def blocked_slot_record(store: Store, org: str, uid: str, source: str) -> BlockedSlotRecord | None:
    """The intake's record of the blocked slot with the export's `uid` in channel `source` (None for
    one never recorded)."""
    anchor = _slot_anchor(store, org, uid, source)[1]
    if anchor is None:
        return None
    sequence, asked = anchor.data.get("sequence"), anchor.data.get("asked")
    return BlockedSlotRecord(
        str(anchor.data["cal_sk"]),
        str(anchor.data.get("source", "")),
        int(sequence) if sequence is not None else None,
        int(asked) if asked is not None else None,
    )


def blocked_slot_key(store: Store, org: str, uid: str, source: str) -> str | None:
    """The calendar key of the blocked slot with the export's `uid` in channel `source` (None for one
    never recorded)."""
    record = blocked_slot_record(store, org, uid, source)
    return record.cal_sk if record else None


def retire_hold(ctx: Context, org: str, request: BookingRequest) -> str | None:
    """Cancel the live blocked slot the calendar event of `request`'s UID left when it was a hold
    without guest lines in its channel, now that the UID is a booking (it clashed with its own hold),
    or declined; its title, or None (None too when the request is numbered below the hold: older
    news). An already cancelled hold keeps the request's number, so that an older revision stays older."""
    sequence = request.sequence if request.numbered_by is IntakePath.CALENDAR else None
    # a decline's email number keeps an older request from holding again; a booking made retires its hold whatever
    # the numbers (its own request, re-sent later, would clash with it)
    declined = request.numbered_by is IntakePath.EMAIL and request.status is BookingStatus.CANCELLED
    asked = request.sequence if declined else None
    slot = release_hold(ctx, org, request.external_id, request.source, sequence, asked=asked)
    return slot.title if slot else None


def retiring_hold(ctx: Context, org: str, request: BookingRequest) -> list[Write]:
    """The writes that cancel the live hold channel `request.source`'s request (or tentative export) left under
    `request`'s reference, for the transaction that writes its booking, so that the boat is held by one or the
    other whatever fails between: when there is none, or it is cancelled already, only a check that it still is.
    They are conditioned on the hold as read here: changed meanwhile, the transaction fails, and its caller reads
    again."""
    anchor_sk, anchor = _slot_anchor(ctx.store, org, request.external_id, request.source)
    stored = ctx.store.get(calendar_pk(org), anchor.data["cal_sk"]) if anchor else None
    slot = CalendarEntry.model_validate(stored.data) if stored else None
    if anchor is None or slot is None or slot.cancelled:
        # none to retire as read: a hold written meanwhile (its request imported at this moment) fails the booking's
        # transaction, whose caller reads again and retires it
        return [Check(intake_pk(org), anchor_sk, VersionIs(anchor.version) if anchor else Absent())]
    cancelled = slot.model_copy(update={"cancelled": True, "updated_at": ctx.clock.now()})
    # fingerprinted as `release_hold` would record it, so that the same hold released again is unchanged
    fingerprint = _fingerprint(slot.start, slot.end, slot.title, slot.asset or None, True, slot.held_until)
    numbers = {"sequence": anchor.data.get("sequence"), "asked": anchor.data.get("asked")}
    uid, source = request.external_id, request.source
    return _slot_writes(ctx, org, uid, source, anchor_sk, anchor, cancelled, fingerprint, numbers)


def release_hold(
    ctx: Context, org: str, uid: str, source: str, sequence: int | None, *, asked: int | None = None
) -> CalendarEntry | None:
    """Cancel the live blocked slot channel `source`'s calendar export (or request email) held under `uid` (a
    hold), numbered `sequence` in the exports' series (None: another path's word), `asked` in the emails' (None:
    another path's); the slot as it held the boat, or None when there is none, it was already cancelled, or a
    number is below its own (older news)."""
    hold = blocked_slot_record(ctx.store, org, uid, source)
    stored = ctx.store.get(calendar_pk(org), hold.cal_sk) if hold else None
    slot = CalendarEntry.model_validate(stored.data) if stored else None
    if slot is None:
        return None
    result = record_blocked_slot(
        ctx, org, uid, slot.start, slot.end, slot.title, slot.asset or None, cancelled=True, sequence=sequence,
        source=source, held_until=slot.held_until, asked=asked,
    )  # fmt: skip
    return None if result is IntakeResult.UNCHANGED or slot.cancelled else slot


def _kept_lapse(store: Store, org: str, anchor: Item, start: datetime) -> datetime | None:
    """When the slot `anchor` records stops holding its boat unanswered (a request email's hold), for the slot
    listed again at `start` without a lapse of its own: as the email's hold would for a trip at `start`
    (`request_lapse`: a trip moved later still lapses 48 hours after the email, not at its old start; moved earlier,
    at its new start). None for a slot that never lapsed."""
    stored = store.get(calendar_pk(org), anchor.data["cal_sk"])
    lapse = CalendarEntry.model_validate(stored.data).held_until if stored else None
    if lapse is None:
        return None
    sent = anchor.data.get("asked")  # the email that held it: its send time
    return request_lapse(int(sent), start) if sent is not None else min(lapse, start)


def _fingerprint(
    start: datetime, end: datetime, title: str, asset: str | None, cancelled: bool, held_until: datetime | None
) -> str:
    """What a blocked slot's intake record keeps to know the same slot listed again."""
    lapses = f"|{held_until.isoformat()}" if held_until else ""  # a slot without is fingerprinted as it always was
    return hashlib.sha256(f"{start}|{end}|{title}|{asset}|{cancelled}{lapses}".encode()).hexdigest()[:24]


def _slot_writes(
    ctx: Context,
    org: str,
    uid: str,
    source: str,
    anchor_sk: str,
    anchor: Item | None,
    entry: CalendarEntry,
    fingerprint: str,
    numbers: dict[str, int | None],
) -> list[Write]:
    """The writes that record `entry` as channel `source`'s blocked slot `uid` (its intake record at `anchor_sk`,
    `anchor` as read: the writes are conditioned on it), with the highest `sequence` and `asked` numbers it has had."""
    now = entry.updated_at
    new_sk = calendar_sk(entry.start, entry.uid)
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
    kept |= {name: number for name, number in numbers.items() if number is not None}
    writes.append(Put(Item(intake_pk(org), anchor_sk, kept), condition))
    writes.append(Put(Item(calendar_pk(org), new_sk, entry.model_dump(mode="json"))))
    writes.append(check_owed(org, new_sk, after=now + DEFERRED_CHECK))
    writes += long_blocks_write(ctx.store, org, entry, now)
    return writes


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
