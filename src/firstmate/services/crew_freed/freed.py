"""Crew freed by a trip's change, asked to crew the trips that left them out once they are free.

When a trip is cancelled, moved, or moved to a boat without someone's role, or someone leaves their role on it
(released, or replaced by a designation), the people it held are free at the times it no longer holds them. For
each live trip to come overlapping its old times that left one of them out, and that still has an open role they
may take, they get its "Crew needed" then: the message and their leaving the list in one write, so once, never
twice. Someone still busy at that trip's time (on a third trip) stays on
the list, for when that one lets them go. The trip's own later messages ("Trip changed" to everyone asked, with
nobody aboard yet) leave out those still on it: they never heard of it. When it moves, those on it free at its
new times are asked too (`ask_the_freed`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import structlog

from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import CrewEvent, EventStatus
from firstmate.domain.people import Person
from firstmate.domain.roster import departed
from firstmate.domain.shared import STORED
from firstmate.errors import ConditionFailed, StoreError
from firstmate.ports import Check, Delete, Item, Put, VersionIs, Write
from firstmate.services.context import Context
from firstmate.services.crew_freed.lists import MAX_ATTEMPTS, NOT_ASKED, not_asked
from firstmate.services.notifications import crew_needed_message
from firstmate.services.outbox import enqueue_write, outbox_pk
from firstmate.services.people import list_people
from firstmate.services.trips import booking_pk, crew_busy_between, events_between

log = structlog.get_logger(__name__)


def freed_by(before: CrewEvent, after: CrewEvent) -> frozenset[str]:
    """Who `before` held a role on and is free at some of its times now (`after`: the trip as changed): all
    its crew once it is cancelled or moved, those without a role on it now otherwise."""
    held = {slot.person_id for slot in before.roles if slot.person_id}
    if after.status is EventStatus.CANCELLED or (after.start, after.end) != (before.start, before.end):
        return frozenset(held)
    return frozenset(held - {slot.person_id for slot in after.roles if slot.person_id})


def ask_the_freed(
    ctx: Context, profile: BusinessProfile, before: CrewEvent, after: CrewEvent, *, owed: Put | None = None
) -> int:
    """After `before` changed to `after` (written): "Crew needed" to each person it freed (`freed_by`) for each
    trip overlapping `before`'s times that left them out, has a role open they may take, and has not left, where
    they are not busy now; and, the trip moved, to those it left out who are free at its new times. Returns how
    many were asked. `owed`: the mark the change wrote with it (`crew_owed.freed_owed`), dropped once done. The
    change has landed: a store failing now is logged, not raised, and the mark left for the `fanouts` job."""
    try:
        asked = ask_freed(ctx, profile, before.id, before.start, before.end, freed_by(before, after))
        if moved_to_ask(before, after):
            asked += ask_listed(ctx, profile, after.booking_id)
        if owed is not None:
            ctx.store.transact([Delete(owed.item.pk, owed.item.sk)])
    except StoreError as exc:
        log.warning("crew.freed_unasked", org=profile.org.id, trip=before.id, error=str(exc))
        return 0
    return asked


def moved_to_ask(before: CrewEvent, after: CrewEvent) -> bool:
    """Whether `after` is its trip moved to other times, still to sail: those it left out may be free then."""
    return (after.start, after.end) != (before.start, before.end) and after.status is EventStatus.SCHEDULED


def ask_freed(
    ctx: Context, profile: BusinessProfile, event_id: str, start: datetime, end: datetime, freed: Collection[str]
) -> int:
    """Ask each of `freed` (let go by the trip `event_id`, which held them from `start` to `end`) to crew ("Crew
    needed") each trip to come overlapping those times that left them out (`ask_the_freed`'s rules); how many
    were asked. Idempotent (who is asked leaves the trip's list in the same write). Raises StoreError."""
    now = ctx.clock.now()
    waiting, people = _left_out(ctx, profile, event_id, start, end, freed, now)
    return sum(_ask_retried(ctx, profile, event.booking_id, people, now) for event in waiting)


def freed_previewed(ctx: Context, profile: BusinessProfile, before: CrewEvent, after: CrewEvent) -> list[Write]:
    """What `ask_the_freed` would queue once `before` is changed to `after`, read now with `after` taken as written,
    nothing written (a cancellation's dry run): each "Crew needed" it sends those it frees. A trip moved also asks
    those it left out, free at its new times (`ask_listed`): not read here."""
    now = ctx.clock.now()
    waiting, people = _left_out(ctx, profile, before.id, before.start, before.end, freed_by(before, after), now)
    return [w for event in waiting for w in _asked(ctx, profile, event.booking_id, people, now, as_if=after)[0]]


def _left_out(
    ctx: Context,
    profile: BusinessProfile,
    event_id: str,
    start: datetime,
    end: datetime,
    freed: Collection[str],
    now: datetime,
) -> tuple[list[CrewEvent], dict[str, Person]]:
    """The trips to come overlapping `start`-`end` (but `event_id`'s) that left some of `freed` out, and those."""
    freed = frozenset(freed)
    if not freed:
        return [], {}
    org = profile.org.id
    others = [
        e
        for e in events_between(ctx.store, org, start, end)
        if e.id != event_id and e.status is EventStatus.SCHEDULED and e.start > now  # one that has left takes nobody
    ]
    if not others:
        return [], {}
    # one read for the lists of them all: most left nobody out, or none of these people
    lists = ctx.store.get_many([(booking_pk(org, e.booking_id), NOT_ASKED) for e in others])
    waiting = [e for e, item in zip(others, lists, strict=True) if item and freed & set(item.data.get("people", ()))]
    if not waiting:
        return [], {}
    return waiting, {p.id: p for p in list_people(ctx.store, org) if p.id in freed}


def ask_listed(ctx: Context, profile: BusinessProfile, booking_id: str) -> int:
    """Ask those the trip of `booking_id` left out for being busy, and free at its times now, to crew it ("Crew
    needed", `ask_the_freed`'s rules); how many were asked. Idempotent. Raises StoreError."""
    listed = not_asked(ctx.store, profile.org.id, booking_id)
    if not listed:
        return 0
    people = {p.id: p for p in list_people(ctx.store, profile.org.id) if p.id in listed}
    return _ask_retried(ctx, profile, booking_id, people, ctx.clock.now())


def _ask_retried(
    ctx: Context, profile: BusinessProfile, booking_id: str, people: dict[str, Person], now: datetime
) -> int:
    for attempt in range(MAX_ATTEMPTS):
        try:
            return _ask_for(ctx, profile, booking_id, people, now)
        except ConditionFailed:
            if attempt == MAX_ATTEMPTS - 1:
                raise  # it kept changing: the mark of the asking owed is kept, for the job
            continue  # its list or trip changed meanwhile: read again and decide again
    return 0


def _ask_for(ctx: Context, profile: BusinessProfile, booking_id: str, freed: dict[str, Person], now: datetime) -> int:
    writes, asked = _asked(ctx, profile, booking_id, freed, now)
    if asked:
        ctx.store.transact(writes)
    return asked


def _asked(
    ctx: Context,
    profile: BusinessProfile,
    booking_id: str,
    freed: dict[str, Person],
    now: datetime,
    *,
    as_if: CrewEvent | None = None,
) -> tuple[list[Write], int]:
    """The writes asking those of `freed` the trip of `booking_id` left out, and how many it asks (none: no write).
    `as_if`: the trip that frees them, changed but not written yet (a dry run)."""
    org = profile.org.id
    listed = ctx.store.get(booking_pk(org, booking_id), NOT_ASKED)
    waiting = set(listed.data.get("people", ())) if listed else set()
    candidates = waiting & freed.keys()
    if listed is None or not candidates:
        return [], 0
    booking_item = ctx.store.get(booking_pk(org, booking_id), "BOOKING")
    event_item = ctx.store.get(booking_pk(org, booking_id), "EVENT")
    if booking_item is None or event_item is None:
        return [], 0
    booking = Booking.model_validate(booking_item.data, context=STORED)
    event = CrewEvent.model_validate(event_item.data)  # as it is now: a role claimed meanwhile is not offered
    if booking.cancelled or event.status is not EventStatus.SCHEDULED or departed(event, now):
        return [], 0  # one under way or over offers no role and refuses a claim ("this trip has left")
    # a third trip, or this one, holds them
    busy = crew_busy_between(ctx.store, org, event.start, event.end, as_if=as_if)
    open_roles = [slot.role for slot in event.roles if slot.person_id is None]
    writes: list[Write] = []
    asked = set()
    for person_id in sorted(candidates - busy):
        person = freed[person_id]
        if not (person.active and any(person.may_take(r) for r in open_roles)):
            continue  # left listed: never asked, so never told of the trip's changes either
        message = crew_needed_message(ctx, profile, booking, event, person)
        if message is None:
            continue
        if ctx.store.get(outbox_pk(org), message.idempotency_key) is None:
            writes.append(enqueue_write(org, message, now))
        asked.add(person_id)  # heard of it under this revision already: listed no longer
    if not asked:
        return [], 0
    rest = sorted(waiting - asked)
    writes.append(  # on the trip as read too: a role claimed, or a change, meanwhile is decided again
        Put(Item(listed.pk, listed.sk, {"people": rest}), VersionIs(listed.version))
        if rest
        else Delete(listed.pk, listed.sk, VersionIs(listed.version))
    )
    writes.append(Check(event_item.pk, event_item.sk, VersionIs(event_item.version)))
    return writes, len(asked)
