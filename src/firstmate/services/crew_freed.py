"""Crew not asked to crew a trip because they were on another at its time, asked once they are free.

A new trip's "Crew needed" goes to the active people qualified for its roles but those holding a role on another
live trip at its time (one trip at a time). Who was left out is kept beside the trip:

    ORG#<org>#BK#<booking>  NOT-ASKED  → {"people": [<person id>, …]}: qualified, and busy when it was booked

When a trip is cancelled, moved, or moved to a boat without someone's role, or someone leaves their role on it
(released, or replaced by a designation), the people it held are free at the times it no longer holds them. For
each live trip to come overlapping its old times that left one of them out, and that still has an open role they
may take, they get its "Crew needed" then: the message and their leaving the list in one write, so once, never
twice. Someone still busy at that trip's time (on a third trip) stays on
the list, for when that one lets them go. The trip's own later messages ("Trip changed" to everyone asked, with
nobody aboard yet) leave out those still on it: they never heard of it. When it moves, those on it free at its
new times are asked too (`ask_the_freed`).

Someone made active again, or given a qualification, or added, by `firstmate org import` (`ask_the_joined`) is
asked to crew each trip to come (`JOINED_AHEAD`) that has a role open they may now take and that did not ask
them (they were inactive, not qualified for any of its roles, or not there): its "Crew needed" as it is now, once
(a trip that ever sent them a crew message is known to them). Busy at its time, they go on its list instead.
Asked about more than `LISTED_OVER` trips by one import, they get one mail listing them ("Crew needed on 14
trips", `notifications.crew_needed_list_message`) instead of one each. Each trip records that it asked them, in
the write that takes them off its list, before the mail is queued:

    ORG#<org>#BK#<booking>  CREW-ASKED  → {"people": {<person id>: <the listing mail's key>}}

The mail's key is the person's and the import's (`crew-asked:<person>:<batch>`, the batch its owed mark's), so
asking again (the `fanouts` job after a store failing midway) lists the trips written before and after, once.

The change that frees someone, or makes them crew, writes in its own transaction a mark that asking them is owed
(`crew_owed`); the asking drops it once done, and the `fanouts` job finishes any a crash or a store failing left.

A trip booked by a firstmate older than these lists has none: `list_left_out` (the hourly `sweep` job, once per
org, `LEFT_OUT_UPGRADE`) gives each trip to come without one the list it would have, and asks those it left out
who are free now, as `ask_the_joined` asks someone made crew.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import structlog

from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import CrewEvent, EventStatus
from firstmate.domain.people import Person
from firstmate.domain.roster import departed
from firstmate.domain.shared import STORED
from firstmate.errors import ConditionFailed, StoreError
from firstmate.ports import MAX_TRANSACTION_WRITES, Absent, Check, Delete, Item, Put, Store, VersionIs, Write
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.notifications import crew_needed_list_message, crew_needed_message
from firstmate.services.outbox import enqueue, enqueue_write, outbox_pk
from firstmate.services.paging import all_items
from firstmate.services.people import list_people
from firstmate.services.trips import BLOCK_CHECK_AHEAD, booking_pk, crew_busy_between, events_between
from firstmate.services.upgrades import mark_upgraded, upgrade_pending

NOT_ASKED = "NOT-ASKED"
#: Tries at one trip's list when another writer (another trip freeing the same people) gets there first.
MAX_ATTEMPTS = 4
#: How far ahead someone made active or qualified is asked to crew the trips already booked: every trip to come
#: (the crew app lists them all; a charter has a few hundred booked at most), as far as firstmate looks ahead for
#: a boat's clashes or a crew member's trips (`trips.BLOCK_CHECK_AHEAD`).
JOINED_AHEAD = BLOCK_CHECK_AHEAD
#: Asked about more trips than this by one import, someone gets one mail listing them, not a mail each.
LISTED_OVER = 3
#: Beside a trip: who it asked by a mail listing it among others (their "Crew needed" is not its own).
ASKED_IN = "CREW-ASKED"
#: The upgrade (`services.upgrades`) giving the trips booked before their lists were kept theirs (`list_left_out`).
LEFT_OUT_UPGRADE = "not-asked-lists"
#: People asked about one trip in one transaction: their messages, its list, its record of a listing mail and the
#: check of the trip within the store's limit.
_PEOPLE_A_WRITE = MAX_TRANSACTION_WRITES - 3

log = structlog.get_logger(__name__)


def not_asked_write(org: str, booking_id: str, people: Collection[str]) -> Put | None:
    """The write recording who a new trip's "Crew needed" left out for being busy (None: nobody)."""
    if not people:
        return None
    return Put(Item(booking_pk(org, booking_id), NOT_ASKED, {"people": sorted(people)}), Absent())


def not_asked(store: Store, org: str, booking_id: str) -> frozenset[str]:
    """Who a trip's "Crew needed" left out and who has not been asked since (none for a trip booked before
    this was kept)."""
    item = store.get(booking_pk(org, booking_id), NOT_ASKED)
    return frozenset(item.data.get("people", ())) if item else frozenset()


def not_asked_held(store: Store, org: str, booking_id: str) -> tuple[frozenset[str], Check]:
    """`not_asked`, with the write that holds a change to what it read: a freeing at that moment (another trip
    cancelled) asks someone on it and takes them off; a change that still left them out as busy would leave
    them the old revision's "Crew needed" and no word of the change. The change fails instead, and reads again."""
    item = store.get(booking_pk(org, booking_id), NOT_ASKED)
    held = Check(booking_pk(org, booking_id), NOT_ASKED, VersionIs(item.version) if item else Absent())
    return (frozenset(item.data.get("people", ())) if item else frozenset()), held


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
    freed = frozenset(freed)
    if not freed:
        return 0
    org, now = profile.org.id, ctx.clock.now()
    others = [
        e
        for e in events_between(ctx.store, org, start, end)
        if e.id != event_id and e.status is EventStatus.SCHEDULED and e.start > now  # one that has left takes nobody
    ]
    if not others:
        return 0
    # one read for the lists of them all: most left nobody out, or none of these people
    lists = ctx.store.get_many([(booking_pk(org, e.booking_id), NOT_ASKED) for e in others])
    waiting = [e for e, item in zip(others, lists, strict=True) if item and freed & set(item.data.get("people", ()))]
    if not waiting:
        return 0
    people = {p.id: p for p in list_people(ctx.store, org) if p.id in freed}
    return sum(_ask_retried(ctx, profile, event.booking_id, people, now) for event in waiting)


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
    org = profile.org.id
    listed = ctx.store.get(booking_pk(org, booking_id), NOT_ASKED)
    waiting = set(listed.data.get("people", ())) if listed else set()
    candidates = waiting & freed.keys()
    if listed is None or not candidates:
        return 0
    booking_item = ctx.store.get(booking_pk(org, booking_id), "BOOKING")
    event_item = ctx.store.get(booking_pk(org, booking_id), "EVENT")
    if booking_item is None or event_item is None:
        return 0
    booking = Booking.model_validate(booking_item.data, context=STORED)
    event = CrewEvent.model_validate(event_item.data)  # as it is now: a role claimed meanwhile is not offered
    if booking.cancelled or event.status is not EventStatus.SCHEDULED or departed(event, now):
        return 0  # one under way or over offers no role and refuses a claim ("this trip has left")
    busy = crew_busy_between(ctx.store, org, event.start, event.end)  # a third trip, or this one, holds them
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
        return 0
    rest = sorted(waiting - asked)
    writes.append(  # on the trip as read too: a role claimed, or a change, meanwhile is decided again
        Put(Item(listed.pk, listed.sk, {"people": rest}), VersionIs(listed.version))
        if rest
        else Delete(listed.pk, listed.sk, VersionIs(listed.version))
    )
    writes.append(Check(event_item.pk, event_item.sk, VersionIs(event_item.version)))
    ctx.store.transact(writes)
    return len(asked)


@dataclass
class JoinedAsks:
    """Per person made active or qualified (`ask_the_joined`): the trips they are (or, dry, would be) asked to
    crew, and those they are on the list of, busy at their time (asked once that trip lets them go)."""

    asked: dict[str, int] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)
    #: those asked (dry: who would be) by one mail listing their trips (more than `LISTED_OVER`), not one each
    listed: set[str] = field(default_factory=set)


def joined(before: Mapping[str, Person], after: Iterable[Person]) -> list[Person]:
    """Of `after` (the people as saved), those active now who were not crew to ask before: not there, inactive,
    or without a qualification they have now."""
    out = []
    for person in after:
        was = before.get(person.id)
        if person.active and (was is None or not was.active or set(person.qualifications) - set(was.qualifications)):
            out.append(person)
    return out


def ask_the_joined(
    ctx: Context,
    profile: BusinessProfile,
    before: Mapping[str, Person],
    after: Iterable[Person],
    *,
    dry_run: bool,
    owed: Put | None = None,
) -> JoinedAsks:
    """After people were saved (`before`: as they were): "Crew needed" to each made active or qualified
    (`joined`) for each trip to come (`JOINED_AHEAD`), not cancelled, with a role open they may take now, that
    did not ask them (`_was_crew`) and never sent them a crew message; busy at its time, they are put on its list
    (`NOT_ASKED`) instead. `dry_run`: counted, nothing written. `owed`: the mark the save wrote with the people
    (`crew_owed.joined_owed`), dropped once done. A store failing is logged, not raised: the people are saved,
    and the mark left for the `fanouts` job, which asks those not asked yet."""
    done = JoinedAsks()
    batch = owed.item.sk.partition("#")[2] if owed is not None else secrets.token_hex(6)
    try:
        ask_joined(ctx, profile, before, after, dry_run=dry_run, done=done, batch=batch)
        if owed is not None and not dry_run:
            ctx.store.transact([Delete(owed.item.pk, owed.item.sk)])
    except StoreError as exc:
        log.warning("crew.joined_unasked", org=profile.org.id, error=str(exc))
    return done


def ask_joined(
    ctx: Context,
    profile: BusinessProfile,
    before: Mapping[str, Person],
    after: Iterable[Person],
    *,
    dry_run: bool = False,
    done: JoinedAsks | None = None,
    batch: str = "",
) -> JoinedAsks:
    """`ask_the_joined`'s asking, counted in `done` as it goes. Someone asked about more than `LISTED_OVER` trips
    gets one mail listing them, keyed by `batch` (the import's: asked again, the same mail). Idempotent (a trip that
    sent them a crew message, listed them in one, or lists them, is not asked about again; a listing mail left
    unqueued is queued). Raises StoreError, and ConditionFailed for a trip that kept changing as it was read
    (asked by the next try)."""
    people = joined(before, after)
    done = done if done is not None else JoinedAsks()
    if not people:
        return done
    org, now = profile.org.id, ctx.clock.now()
    batch = batch or secrets.token_hex(6)
    trips = [e.booking_id for e in events_between(ctx.store, org, now, now + JOINED_AHEAD)
             if e.status is EventStatus.SCHEDULED and e.start > now]  # fmt: skip
    # who each trip would ask, first: one asked about more than LISTED_OVER trips gets one mail listing them
    plan = {trip: _ask_joined_retried(ctx, profile, trip, people, before, now, dry_run=True) for trip in trips}
    counted: dict[str, int] = {}
    for asked, _ in plan.values():
        for person_id in asked:
            counted[person_id] = counted.get(person_id, 0) + 1
    keys = {p.id: listing_key(p.id, batch) for p in people}
    # trips a try before this one wrote for a mail it had not queued yet (the store failing, the process stopped)
    records = ctx.store.get_many([(booking_pk(org, trip), ASKED_IN) for trip in trips])
    written = {
        trip: dict(item.data.get("people", {})) if item else {} for trip, item in zip(trips, records, strict=True)
    }
    owed = {key: [t for t in trips if key in written[t].values()] for key in keys.values()}
    queued = {key for key, held in owed.items() if held and ctx.store.get(outbox_pk(org), key) is not None}
    listing = {
        p.id: keys[p.id]
        for p in people
        if keys[p.id] not in queued and (owed[keys[p.id]] or counted.get(p.id, 0) > LISTED_OVER)
    }
    done.listed |= listing.keys()
    if dry_run:
        for asked, waiting in plan.values():
            _count(done, asked, waiting)
        return done
    for trip in [t for t in trips if any(plan[t])]:  # one that asks none of them, read a moment ago, is left
        asked, waiting = _ask_joined_retried(ctx, profile, trip, people, before, now, dry_run=False, listing=listing)
        _count(done, asked, waiting)
        for person_id in asked & listing.keys():
            owed[listing[person_id]].append(trip)
    for person in people:
        if person.id in listing and owed[listing[person.id]]:
            _queue_listing(ctx, profile, person, owed[listing[person.id]], listing[person.id], now)
    return done


def listing_key(person_id: str, batch: str) -> str:
    """The key of the one mail listing the trips an import (`batch`) asks `person_id` about."""
    return f"crew-asked:{person_id}:{batch}"


def _count(done: JoinedAsks, asked: Iterable[str], waiting: Iterable[str]) -> None:
    for person_id in asked:
        done.asked[person_id] = done.asked.get(person_id, 0) + 1
    for person_id in waiting:
        done.waiting[person_id] = done.waiting.get(person_id, 0) + 1


def _queue_listing(
    ctx: Context, profile: BusinessProfile, person: Person, trips: Iterable[str], key: str, now: datetime
) -> None:
    """Queue the mail listing `trips` (those still to sail, not cancelled) for `person`, once."""
    org, found = profile.org.id, []
    for booking_id in dict.fromkeys(trips):
        booking_item, event_item = ctx.store.get_many([(booking_pk(org, booking_id), s) for s in ("BOOKING", "EVENT")])
        if booking_item is None or event_item is None:
            continue
        booking = Booking.model_validate(booking_item.data, context=STORED)
        event = CrewEvent.model_validate(event_item.data)
        if not booking.cancelled and event.status is EventStatus.SCHEDULED and not departed(event, now):
            found.append((booking, event))
    message = crew_needed_list_message(ctx, profile, person, found, key=key)
    if message is not None:
        enqueue(ctx.store, org, [message], now)  # queued by another try meanwhile: once


def _ask_joined_retried(
    ctx: Context,
    profile: BusinessProfile,
    booking_id: str,
    people: list[Person],
    before: Mapping[str, Person],
    now: datetime,
    *,
    dry_run: bool,
    listing: Mapping[str, str] | None = None,
) -> tuple[set[str], set[str]]:
    for attempt in range(MAX_ATTEMPTS):
        try:
            return _ask_joined(ctx, profile, booking_id, people, before, now, dry_run, listing or {})
        except ConditionFailed:
            if attempt == MAX_ATTEMPTS - 1:
                raise  # the trip, its list or a message kept changing: left to the next try
            continue  # changed meanwhile: read again and decide again
    return set(), set()


def _was_crew(was: Person | None, roles: Iterable[str]) -> bool:
    """Whether `was` (a person as they were) was crew a trip of `roles` asks (`_crew_recipients`): active and
    qualified for one of them."""
    return was is not None and was.active and any(was.may_take(r) for r in roles)


def _ask_joined(
    ctx: Context,
    profile: BusinessProfile,
    booking_id: str,
    people: list[Person],
    before: Mapping[str, Person],
    now: datetime,
    dry_run: bool,
    listing: Mapping[str, str],
) -> tuple[set[str], set[str]]:
    """Ask `people` about one trip (`ask_joined`'s rules); those in `listing` are recorded as asked by the mail
    (its key) listing it, and get no mail of its own. The (asked, put on its list) of them."""
    org, pk = profile.org.id, booking_pk(profile.org.id, booking_id)
    booking_item, event_item = ctx.store.get(pk, "BOOKING"), ctx.store.get(pk, "EVENT")
    if booking_item is None or event_item is None:
        return set(), set()
    booking = Booking.model_validate(booking_item.data, context=STORED)
    event = CrewEvent.model_validate(event_item.data)
    if booking.cancelled or event.status is not EventStatus.SCHEDULED or departed(event, now):
        return set(), set()
    roles = [slot.role for slot in event.roles]
    open_roles = [slot.role for slot in event.roles if slot.person_id is None]
    holders = {slot.person_id for slot in event.roles if slot.person_id}
    candidates = [
        p
        for p in people
        if p.id not in holders and any(p.may_take(r) for r in open_roles) and not _was_crew(before.get(p.id), roles)
    ]
    if not candidates:
        return set(), set()
    # a crew message of any revision of it (`bk:<booking>:r<n>:crew:<person>`): they know of the trip already
    heard = {i.sk.rpartition(":crew:")[2] for i in all_items(ctx.store, outbox_pk(org), f"bk:{booking_id}:r")
             if ":crew:" in i.sk}  # fmt: skip
    # or told they held a role on it (`roster._notice`, `ev:<trip>:<person>:you're-…` or `:released`): someone who
    # took a role on it and gave it up, or was put in one and taken off, knows of it, and left it ("Role open" to an
    # admin told them of no role of theirs)
    roster = f"ev:{event.id}:"
    heard |= {
        person
        for i in all_items(ctx.store, outbox_pk(org), roster)
        for person, _, headline in [i.sk.removeprefix(roster).partition(":")]
        if headline.startswith("you're-") or headline == "released"
    }
    recorded = ctx.store.get(pk, ASKED_IN)  # or a mail listing it among others
    in_lists = dict(recorded.data.get("people", {})) if recorded else {}
    candidates = [p for p in candidates if p.id not in heard and p.id not in in_lists]
    if not candidates:
        return set(), set()
    busy = crew_busy_between(ctx.store, org, event.start, event.end)
    listed_item = ctx.store.get(pk, NOT_ASKED)
    listed = set(listed_item.data.get("people", ())) if listed_item else set()
    writes: list[Write] = []
    asked: set[str] = set()
    for person in candidates:
        if person.id in busy:
            continue
        if person.id in listing and profile.entity(event.entity) and profile.asset(event.asset):
            # the mail listing it asks them (as `crew_needed_message`, of the business's lines and boats alone):
            # the trip records it, in this write
            in_lists[person.id] = listing[person.id]
            asked.add(person.id)
            continue
        message = crew_needed_message(ctx, profile, booking, event, person)
        if message is not None:
            writes.append(enqueue_write(org, message, now))
            asked.add(person.id)
    waiting = {p.id for p in candidates if p.id in busy} - listed
    if dry_run or not (asked or waiting):
        return asked, waiting
    rest = sorted((listed - asked) | waiting)
    if listed_item is None:  # none, as read: a busy one's record would be lost beside another's
        writes.append(Put(Item(pk, NOT_ASKED, {"people": rest}), Absent()) if rest else Check(pk, NOT_ASKED, Absent()))
    elif rest:
        writes.append(Put(Item(pk, NOT_ASKED, {"people": rest}), VersionIs(listed_item.version)))
    else:
        writes.append(Delete(pk, NOT_ASKED, VersionIs(listed_item.version)))
    if asked & listing.keys():
        held = VersionIs(recorded.version) if recorded else Absent()
        writes.append(Put(Item(pk, ASKED_IN, {"people": dict(sorted(in_lists.items()))}), held))
    writes.append(Check(event_item.pk, event_item.sk, VersionIs(event_item.version)))
    ctx.store.transact(writes)
    return asked, waiting


def list_left_out(
    ctx: Context, profile: BusinessProfile, *, most: int | None = None, done: JoinedAsks | None = None
) -> tuple[int, bool]:
    """Give each trip to come (`JOINED_AHEAD`), not cancelled, that keeps no list of who it left out (`NOT_ASKED`:
    booked by an older firstmate) the list it would keep: the active people qualified for one of its open roles,
    holding none on it, never sent a crew message about it nor listed in a mail, busy on another trip at its time
    (asked once that trip lets them go). Those of them free now are asked (`ask_the_joined`'s rules: its "Crew
    needed", or one mail listing their trips past `LISTED_OVER`): an older firstmate's freeing them asked nobody.
    At most `most` trips written a call; returns how many were, and whether the org is done (then recorded:
    `LEFT_OUT_UPGRADE`). Idempotent: a trip written lists them, or its message to them is queued. Counts in `done`.
    Raises StoreError (ConditionFailed for a trip that kept changing as it was read: the next call writes it)."""
    if most is not None and most <= 0:
        return 0, False  # the run's share spent on the orgs before: not even read
    org, now = profile.org.id, ctx.clock.now()
    done = done if done is not None else JoinedAsks()
    people = [p for p in list_people(ctx.store, org) if p.active]
    events = [e for e in events_between(ctx.store, org, now, now + JOINED_AHEAD)
              if e.status is EventStatus.SCHEDULED and e.start > now]  # fmt: skip
    lists = ctx.store.get_many([(booking_pk(org, e.booking_id), NOT_ASKED) for e in events]) if events else []
    # a trip with a list is this version's: its freeings ask from it
    trips = [e.booking_id for e, item in zip(events, lists, strict=True) if item is None]
    # who each would ask, first: one asked about more than LISTED_OVER trips gets one mail listing them, keyed by
    # the upgrade (a later call lists the trips an earlier one wrote under the same mail, `ASKED_IN`)
    plan = {trip: _ask_joined_retried(ctx, profile, trip, people, {}, now, dry_run=True) for trip in trips}
    counted: dict[str, int] = {}
    for asked, _ in plan.values():
        for person_id in asked:
            counted[person_id] = counted.get(person_id, 0) + 1
    keys = {p.id: listing_key(p.id, LEFT_OUT_UPGRADE) for p in people}
    # of every trip to come: one an earlier run wrote has a list since (someone busy put on it), and is left out of
    # `trips`, yet records them asked by the mail, which must list it
    every = [e.booking_id for e in events]
    records = ctx.store.get_many([(booking_pk(org, trip), ASKED_IN) for trip in every]) if every else []
    written = [dict(item.data.get("people", {})) if item else {} for item in records]
    owed = {key: [t for t, held in zip(every, written, strict=True) if key in held.values()] for key in keys.values()}
    queued = {key for key, held in owed.items() if held and ctx.store.get(outbox_pk(org), key) is not None}
    listing = {
        p.id: keys[p.id]
        for p in people
        if keys[p.id] not in queued and (owed[keys[p.id]] or counted.get(p.id, 0) > LISTED_OVER)
    }
    changed = 0
    for trip in [t for t in trips if any(plan[t])]:
        if most is not None and changed >= most:
            return changed, False
        for chunk in _asked_then_listed(people, *plan[trip]):
            asked, waiting = _ask_joined_retried(ctx, profile, trip, chunk, {}, now, dry_run=False, listing=listing)
            _count(done, asked, waiting)
            done.listed |= asked & listing.keys()
            for person_id in asked & listing.keys():
                owed[listing[person_id]].append(trip)
        changed += 1
    for person in people:
        if person.id in listing and owed[listing[person.id]]:
            _queue_listing(ctx, profile, person, owed[listing[person.id]], listing[person.id], now)
    mark_upgraded(ctx.store, LEFT_OUT_UPGRADE, org)
    log.info("crew.left_out_listed", org=org, trips=changed, listed=sum(done.waiting.values()),
             asked=sum(done.asked.values()))  # fmt: skip
    return changed, True


def _asked_then_listed(people: Sequence[Person], free: Collection[str], busy: Collection[str]) -> list[list[Person]]:
    """Those a trip asks (`free`), a transaction's worth at a time, with those it lists (`busy`, no message each) in
    the last: a write before it leaves the trip without a list, so a store failing midway leaves the trip to the
    next run, which asks the rest (a trip with a list is left alone)."""
    ask = [p for p in people if p.id in free]
    chunks = [ask[at : at + _PEOPLE_A_WRITE] for at in range(0, len(ask), _PEOPLE_A_WRITE)] or [[]]
    chunks[-1] += [p for p in people if p.id in busy and p.id not in free]
    return chunks


def list_left_out_pending(ctx: Context, orgs: Sequence[str], *, most: int = 200) -> str:
    """`list_left_out` the orgs not done yet, at most `most` trips a run (the hourly `sweep` job calls it: after
    the upgrade each org's trips to come are looked at once, and never again). Says what it did; a store failing
    is logged, and the org left for the next run."""
    listed = asked = 0  # people, not people times trips: one asked about five trips is one crew member asked

    def step(org: str, at_most: int) -> tuple[int, bool]:
        nonlocal listed, asked
        profile = load_business(ctx.store, org)
        if profile is None:  # no business set up: no trips
            mark_upgraded(ctx.store, LEFT_OUT_UPGRADE, org)
            return 0, True
        done = JoinedAsks()
        try:
            return list_left_out(ctx, profile, most=at_most, done=done)
        except StoreError as exc:
            log.warning("crew.left_out_unlisted", org=org, error=str(exc))
            return 0, False
        finally:
            listed, asked = listed + len(done.waiting), asked + len(done.asked)

    trips, left = upgrade_pending(ctx.store, orgs, LEFT_OUT_UPGRADE, step, most=most)
    if not trips and not left:
        return ""
    said = (
        f"{trips} trip{'' if trips == 1 else 's'} booked before firstmate kept who a trip left out given "
        f"{'its list' if trips == 1 else 'theirs'}: {_people(listed)} listed, asked once free; "
        f"{_people(asked)} asked now"
    )
    return said + (f"; more next run ({left})" if left else "")


def _people(count: int) -> str:
    return f"{count} crew member{'' if count == 1 else 's'}"
