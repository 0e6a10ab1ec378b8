"""Fan-out: a change and its notices in one transaction, and the rest of a large group's after it, finished
by the `complete_fanouts` job should the process stop in between.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import structlog

from firstmate.domain.bookings import Booking, IntakeResult
from firstmate.domain.calendar import CalendarEntry
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.shared import iso
from firstmate.errors import ConditionFailed
from firstmate.ports import MAX_TRANSACTION_WRITES, Absent, Delete, Item, Put, VersionIs, Write
from firstmate.services.bookings.reads import get_booking, list_guests, org_profile
from firstmate.services.context import Context
from firstmate.services.crew_freed import not_asked
from firstmate.services.notifications import booking_messages
from firstmate.services.outbox import enqueue, outbox_pk, superseded
from firstmate.services.trips import booking_pk, calendar_pk, calendar_sk, get_event
from firstmate.services.waiver_lines import follow_line, lines_followed

# the name it logged under as one module: log filters and dashboards know it
log = structlog.get_logger("firstmate.services.bookings")
FANOUT_INDEX = "FANOUT#PENDING"


def commit_with_notices(
    ctx: Context,
    booking: Booking,
    writes: list[Write],
    notices: list[Put],
    result: IntakeResult,
    *,
    was_end: datetime | None = None,
    quiet: frozenset[str] = frozenset(),
    withdrawals: Sequence[Put] = (),
    off_trip: Mapping[str, str] | None = None,
    unheard: frozenset[str] = frozenset(),
    guests_followed: Sequence[Write] = (),
) -> None:
    """Write the change with its notices in one transaction. A group too large for one transaction
    gets a fan-out marker in it instead of the last notices; they follow at once, and the
    `complete_fanouts` job finishes them should this process stop first (as of the revision's
    time, so that a trip ending meanwhile still gets what was decided for it). `withdrawals` (of the
    messages still waiting that it supersedes) go in the same transaction where they fit; else the
    marker leaves them to `complete_fanout` too: they must never keep a large group's trip from
    changing, nor be lost should this process stop. `guests_followed` (the guests following the trip to another
    business line's waiver) go in it where they fit, the marker leaving the rest to `complete_fanout`."""
    room = MAX_TRANSACTION_WRITES - len(writes)
    if len(notices) + len(withdrawals) + len(guests_followed) <= room:
        ctx.store.transact([*writes, *guests_followed, *withdrawals, *notices])
        return
    marker = Item(
        booking_pk(booking.org, booking.id),
        f"FANOUT#r{booking.revision}",
        {
            "result": result.value,
            "revision": booking.revision,
            "at": iso(booking.updated_at),
            "was_end": iso(was_end) if was_end else None,
            "quiet": sorted(quiet),
            "off_trip": dict(off_trip or {}),
            "unheard": sorted(unheard),
            "lines": bool(guests_followed),
        },
        gsi1pk=FANOUT_INDEX,
        gsi1sk=f"{booking.org}#{booking.id}#{booking.revision}",
    )
    followed = list(guests_followed[: room - 1])
    ctx.store.transact([*writes, *followed, *notices[: room - 1 - len(followed)], Put(marker, Absent())])
    complete_fanout(ctx, booking.org, booking.id, booking.revision)


def finish_booking_fanouts(ctx: Context, org: str, booking_id: str) -> None:
    """Finish the fan-outs a booking's last change left half done (its process stopped), before
    another change is decided: superseded unfinished, those it does not tell anew would never hear
    of that change. A marker that cannot be finished never refuses the change: the job tries again."""
    for marker in ctx.store.query(booking_pk(org, booking_id), "FANOUT#r").items:
        try:
            complete_fanout(ctx, org, booking_id, int(marker.sk.removeprefix("FANOUT#r")))
        except Exception:
            log.exception("bookings.fanout_unfinished", org=org, booking=booking_id, marker=marker.sk)


def _withdraw(ctx: Context, booking: Booking, told: Sequence[str]) -> None:
    """Withdraw what `booking`'s revision supersedes (`superseded`), each on its own, read again
    while the dispatcher retried one meanwhile: one claimed or sent by then is left to its sender."""
    entry = ctx.store.get(calendar_pk(booking.org), calendar_sk(booking.request.start, booking.id))
    placed = CalendarEntry.model_validate(entry.data).placed if entry else None
    for _ in range(3):
        conflicts = 0
        for withdrawal in superseded(ctx.store, booking.org, booking, told, ctx.clock.now(), placed=placed):
            try:
                ctx.store.transact([withdrawal])
            except ConditionFailed:
                conflicts += 1
        if not conflicts:
            return


def complete_fanout(ctx: Context, org: str, booking_id: str, revision: int) -> int:
    """Queue the rest of a large revision's notices (idempotent) and make its withdrawals, then drop
    its marker. A booking's change finishes its markers first (`finish_booking_fanouts`), so a marker of a
    revision since superseded (one left before this rule) is dropped. A marker whose guests could not all
    follow the trip's business line yet (`follow_line`) is kept, for the next run to follow the rest."""
    pk = booking_pk(org, booking_id)
    marker = ctx.store.get(pk, f"FANOUT#r{revision}")
    if marker is None:
        return 0
    booking = get_booking(ctx.store, org, booking_id)
    left = 0
    if marker.data.get("lines"):  # the guests its write had no room for follow the trip's line now
        line = org_profile(ctx.store, org).entity(booking.entity)
        left = follow_line(ctx.store, org, booking_id, line.waiver) if line else 0
    queued = 0
    if booking.revision == revision:
        messages = _marker_messages(ctx, booking, marker)
        queued = enqueue(ctx.store, org, messages, ctx.clock.now())
        _withdraw(ctx, booking, [m.idempotency_key for m in messages])
    if left:  # guests changing as it wrote: the marker stays, so the next run follows the rest
        log.warning("bookings.lines_unfollowed", org=org, booking=booking_id, marker=marker.sk, guests=left)
        return queued
    ctx.store.transact([Delete(pk, marker.sk, VersionIs(marker.version))])
    return queued


def fanouts_unfinished(ctx: Context, org: str, booking_id: str) -> list[OutgoingMessage]:
    """The messages `finish_booking_fanouts` would queue now of the fan-outs a booking's last change left half done
    (its process stopped), read only (a dry run says them): those of its current revision's marker not queued yet."""
    markers = ctx.store.query(booking_pk(org, booking_id), "FANOUT#r").items
    if not markers:
        return []
    booking = get_booking(ctx.store, org, booking_id)
    messages: list[OutgoingMessage] = []
    for marker in [m for m in markers if m.sk == f"FANOUT#r{booking.revision}"]:  # one of a revision since is dropped
        try:
            messages += _marker_messages(ctx, booking, marker)
        except Exception:  # as `finish_booking_fanouts`: one that cannot be finished is left to the job
            log.exception("bookings.fanout_unfinished", org=org, booking=booking_id, marker=marker.sk)
    queued = ctx.store.get_many([(outbox_pk(org), m.idempotency_key) for m in messages])
    return [m for m, item in zip(messages, queued, strict=True) if item is None]


def lines_unfinished(ctx: Context, org: str, booking_id: str) -> tuple[str, list[str]]:
    """The business line whose waiver `finish_booking_fanouts` would now move a booking's guests to, and the ids of
    those guests, of the fan-outs its last change left half done with guests still to follow the trip's line (a
    marker's `lines`), read only (a dry run says them), as `follow_line` decides it: ("", []) for none."""
    markers = ctx.store.query(booking_pk(org, booking_id), "FANOUT#r").items
    if not any(m.data.get("lines") for m in markers):  # of any revision: `complete_fanout` follows each one's
        return "", []
    line = org_profile(ctx.store, org).entity(get_booking(ctx.store, org, booking_id).entity)
    if line is None:
        return "", []
    _, puts = lines_followed(ctx.store, org, booking_id, line.waiver, list_guests(ctx.store, org, booking_id), [])
    moved = [w.item.sk.removeprefix("GUEST#") for w in puts if isinstance(w, Put)]
    return (line.id, moved) if moved else ("", [])


def _marker_messages(ctx: Context, booking: Booking, marker: Item) -> list[OutgoingMessage]:
    """Every message of the revision a fan-out `marker` stands for, as it was decided (its queued ones among them)."""
    org = booking.org
    profile = org_profile(ctx.store, org)
    entity, asset = profile.place(None, booking.asset)  # by its boat: its line may have changed since
    event = get_event(ctx.store, org, booking.event_id)
    at, was_end = (marker.data.get(k) for k in ("at", "was_end"))  # absent in markers of earlier versions
    return booking_messages(
        ctx, profile, entity, asset, booking, event, list_guests(ctx.store, org, booking.id),
        IntakeResult(marker.data["result"]), was_end=datetime.fromisoformat(was_end) if was_end else None,
        at=datetime.fromisoformat(at) if at else booking.updated_at,
        quiet=frozenset(marker.data.get("quiet", ())), off_trip=marker.data.get("off_trip") or {},
        unheard=frozenset(marker.data.get("unheard", ())), busy=not_asked(ctx.store, org, booking.id),
    )  # fmt: skip


def complete_fanouts(ctx: Context) -> int:
    """Finish every fan-out a stopped process left half done; returns the notices queued."""
    return sum(
        complete_fanout(ctx, *_marker_key(item.gsi1sk or ""))
        for item in ctx.store.query_index(FANOUT_INDEX, limit=100).items
    )


def _marker_key(gsi1sk: str) -> tuple[str, str, int]:
    org, booking_id, revision = gsi1sk.rsplit("#", 2)
    return org, booking_id, int(revision)
