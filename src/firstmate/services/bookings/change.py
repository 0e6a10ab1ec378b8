"""A booking's next revision and all it fans out to: its crew event followed (another boat, another day, more
guests), its calendar entry moved, reminders reworded, and who hears of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from firstmate.domain.bookings import Booking, BookingRequest, IntakeResult, revise
from firstmate.domain.business import Asset, BusinessProfile, Entity
from firstmate.domain.calendar import CalendarEntry, next_sequence
from firstmate.domain.crew import CrewEvent
from firstmate.ports import MAX_TRANSACTION_WRITES, Item, Put, Write
from firstmate.services.bookings.audiences import change_audiences, fresh_news, unheard_before, withdrawals
from firstmate.services.bookings.create import calendar_entry_for
from firstmate.services.bookings.fanout import commit_with_notices, finish_booking_fanouts
from firstmate.services.bookings.following import event_followed, line_followed, moved_onto, reminder_writes
from firstmate.services.bookings.leads import lead_followed
from firstmate.services.bookings.revision import revision_writes, written_over
from firstmate.services.context import Context
from firstmate.services.crew_freed import (
    ask_the_freed,
    asks_moved,
    asks_reopened,
    held_until,
    listed_or_going,
    lists_followed,
    not_asked_held,
    not_asked_with,
    rest_asks_moved,
    rest_followed,
    tied_to_lists,
)
from firstmate.services.crew_freed.reopened import Listed
from firstmate.services.crew_owed import freed_owed
from firstmate.services.notifications import OPS, booking_notifications, still_unheard
from firstmate.services.outbox import outbox_pk
from firstmate.services.trips import report_double_bookings

#: How far into a change's transaction the lists it follows may go (`lists_followed`).
_LISTS_ROOM = MAX_TRANSACTION_WRITES // 2


@dataclass(frozen=True)
class ChangeInHand:
    """A booking's change as its intake path hands it over, nothing decided yet: the booking as stored
    (`existing`), its next revision's `request` (`merge_revision` of the body `sent` as it was placed, kept as its
    intake path's last word), the line and boat it is placed on, its intake anchor and `result`; `tell`: whether
    anyone is told; `news`: a booking the same import created, news to whoever has heard nothing of the trip yet."""

    entity: Entity
    asset: Asset
    existing: Booking
    request: BookingRequest
    anchor: Item
    result: IntakeResult
    sent: tuple[BookingRequest, tuple[str, str]]
    tell: bool
    news: bool = False


@dataclass(frozen=True)
class PreparedChange:
    """A booking's next revision as decided, nothing written yet (`prepare_change`): its writes (`lists` among them:
    the waiting "Crew needed on N trips" it follows in its own transaction) and notices, and what follows once it is
    written (the lists beyond its room, `lists_left`; the "Crew needed" moved beyond it, `asks_left`; `owed`)."""

    now: datetime
    booking: Booking
    before: CrewEvent
    event: CrewEvent
    entry: CalendarEntry
    writes: list[Write]
    notices: list[Put]
    withdrawn: list[Put]
    quiet: frozenset[str]
    unheard: frozenset[str]
    off_trip: dict[str, str]
    line_writes: list[Write]
    lists: list[Write]
    lists_left: list[Listed]
    asks_left: list[str]
    owed: Put | None


def change_booking(
    ctx: Context, profile: BusinessProfile, hand: ChangeInHand
) -> tuple[Booking, tuple[CalendarEntry, ...]]:
    """The booking's next revision (`hand`: the change in hand) and all it fans out to. With `hand.news` (a booking
    the same import created), it is news to whoever has heard nothing of the trip yet, all they were given still
    waiting."""
    existing = hand.existing
    finish_booking_fanouts(ctx, profile.org.id, existing.id)
    change = prepare_change(ctx, profile, hand)
    booking, before, event, now = change.booking, change.before, change.event, change.now
    commit_with_notices(
        ctx, booking, change.writes, change.notices, hand.result, was_end=existing.request.end, quiet=change.quiet,
        withdrawals=change.withdrawn, off_trip=change.off_trip, unheard=change.unheard,
        guests_followed=change.line_writes,
    )  # fmt: skip
    # its crew free at times it no longer holds them: asked to crew the trips then they were left out of; and,
    # moved, those it left out who are free at its new times
    rest_followed(ctx, profile, booking, before, event, change.lists_left, now)
    rest_asks_moved(ctx, profile, booking, before, event, change.asks_left, now)
    ask_the_freed(ctx, profile, before, event, owed=change.owed)
    return booking, tuple(report_double_bookings(ctx, profile, change.entry)) if hand.tell else ()


def prepare_change(ctx: Context, profile: BusinessProfile, hand: ChangeInHand) -> PreparedChange:
    """`change_booking`'s revision of the change in `hand` decided, reading only (a dry run shows it): what it writes
    in one transaction, who it tells, and what follows once it is written."""
    entity, asset, existing, request, result = hand.entity, hand.asset, hand.existing, hand.request, hand.result
    now = ctx.clock.now()
    org = profile.org.id
    stored = written_over(ctx.store, org, existing)
    booking = revise(existing, request, now).model_copy(update={"entity": entity.id, "asset": asset.id})
    unheard = unheard_before(ctx, profile, existing)  # who had heard nothing of the trip before this change
    still = still_unheard(ctx, profile, booking, unheard, was_end=existing.request.end, at=now)  # and after it
    booking = booking.model_copy(update={"unheard": tuple(sorted(still))})
    booking, guests, lead_writes, readdressed = lead_followed(ctx.store, org, booking)
    guests, line_writes, resign = line_followed(
        ctx.store, org, existing, booking, entity, stored.event, guests, lead_writes, now
    )
    before, event, off_trip = event_followed(
        profile, existing, booking, entity, asset, stored.event, guests, resign, now
    )
    entry = next_sequence(
        CalendarEntry.model_validate(stored.entry.data), calendar_entry_for(booking, event, asset, now)
    )
    writes = revision_writes(
        org, existing, booking, event, entry, hand.anchor, hand.sent, stored, tell=hand.tell, now=now
    )
    writes += lead_writes
    was_end = existing.request.end
    moved = (request.start, request.end) != (existing.request.start, existing.request.end)
    markers, clashing = moved_onto(ctx.store, org, event, request, now) if moved else ([], [])
    writes += markers
    writes += reminder_writes(ctx, profile, existing, booking, event, asset, moved=moved, off_trip=off_trip, now=now)
    # a "Crew needed on N trips" still waiting names the trip as it was: withdrawn, and listed anew as it is; at most
    # half the transaction, the change's own notices needing the rest: lists beyond it follow once it is written
    lists, lists_left, listed_busy = lists_followed(
        ctx, profile, booking, before, event, now, room=_LISTS_ROOM - len(writes)
    )
    quiet, unheard = change_audiences(ctx.store, profile, booking, before, event, guests, result, unheard, readdressed)
    # someone whose only word of the trip is a list still waiting hears of the change by that list, followed above
    only, going = listed_or_going(ctx, org, booking.id, (before, event), beyond=lists_left)
    unheard |= only
    # one whose list naming it is being sent may have heard of it: told of the change only if that list went
    lists, held_due = tied_to_lists(org, booking, going, lists)
    busy, held = not_asked_held(ctx.store, org, booking.id)
    holding = len(writes)  # one busy at its new time is added to it below (`asks_moved`), on the same condition
    writes.append(held)
    # whom a claim left unasked (their "Crew needed" withdrawn) and the change offers a role again: asked again, by
    # that alone (a list of theirs naming the trip asks them already)
    listed = {w.item.sk for w in lists if isinstance(w, Put)}
    again, asked_again = asks_reopened(ctx, profile, booking, before, event, now)
    lists += [w for w in again if not (isinstance(w, Put) and w.item.sk in listed)]
    unheard |= asked_again
    # moved, the rest of the crew's "Crew needed" still waiting says the old time: asked anew at the new one
    anew = asks_moved(ctx, profile, booking, before, event, now, room=_LISTS_ROOM - len(writes) - len(lists))
    lists += [w for w in anew.writes if not (isinstance(w, Put) and w.item.sk in listed)]
    unheard |= anew.asked
    # someone it withdraws (or whose list it leaves off) for being busy at its new time is left out as of a trip
    # booked then: asked once free
    writes[holding] = not_asked_with(held, busy, anew.left_out | listed_busy)
    busy |= anew.left_out | listed_busy
    # asking those it frees (or, moved, those it left out) is owed with the change: a crash after it asks them later
    if (owed := freed_owed(org, before, event, now)) is not None:
        writes.append(owed)
    fresh, ops_waiting = (
        fresh_news(ctx.store, org, existing, booking, before, guests, now) if hand.news else (frozenset(), [])
    )
    for first_word in (fresh, frozenset()) if fresh else (frozenset(),):
        notices = booking_notifications(
            ctx, profile, entity, asset, booking, event, guests, result, was_end=was_end, clashes=clashing,
            off_trip=off_trip, quiet=quiet - first_word, unheard=unheard | first_word, busy=busy,
        )  # fmt: skip
        notices = held_until(org, notices, held_due, now)  # those tied to a list's send wait for it to be decided
        withdrawn = withdrawals(ctx.store, org, booking, guests, notices, entry, now)
        if OPS in first_word:  # the operations manager's first word of the trip is this revision's
            withdrawn += ops_waiting
        # decided only where it is written at once with the withdrawals it counts on: one sent meanwhile refuses it
        if len(writes) + len(lists) + len(notices) + len(withdrawn) + len(line_writes) <= MAX_TRANSACTION_WRITES:
            break
    # a list left with three trips asks by each one's own "Crew needed": of this trip, this revision's crew message
    # to them ("Trip changed" to every qualified crew member, nobody aboard) tells them of it instead
    noticed = {n.item.sk for n in notices} | {w.item.sk for w in withdrawn}  # those the revision writes itself
    kept = [w for w in lists if not (isinstance(w, Put) and w.item.pk == outbox_pk(org) and w.item.sk in noticed)]
    return PreparedChange(
        now, booking, before, event, entry, [*writes, *kept], notices, withdrawn, quiet - first_word,
        unheard | first_word, off_trip, line_writes, kept, lists_left, anew.rest, owed,
    )  # fmt: skip
