"""Asking people made crew about one trip to come (`ask_about_trip`, what the trips of one asking share being
`Asking`), and the one mail listing several trips (`queue_listing`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import structlog

from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import CrewEvent, EventStatus
from firstmate.domain.people import Person
from firstmate.domain.roster import departed
from firstmate.domain.shared import STORED
from firstmate.errors import ConditionFailed, StoreError
from firstmate.ports import Absent, Check, Delete, Item, Put, VersionIs, Write
from firstmate.services.context import Context
from firstmate.services.crew_freed.lists import ASKED_IN, MAX_ATTEMPTS, NOT_ASKED
from firstmate.services.notifications import crew_needed_list_message, crew_needed_message
from firstmate.services.outbox import enqueue, enqueue_write, outbox_pk
from firstmate.services.paging import all_items
from firstmate.services.trips import booking_pk, crew_busy_between

log = structlog.get_logger(__name__)


def queue_listing(
    ctx: Context, profile: BusinessProfile, person: Person, trips: Iterable[str], key: str, now: datetime
) -> None:
    """Queue the mail listing `trips` (those still to sail, not cancelled) for `person`, once."""
    message = crew_needed_list_message(ctx, profile, person, still_listable(ctx, profile.org.id, trips, now), key=key)
    if message is not None:
        enqueue(ctx.store, profile.org.id, [message], now)  # queued by another try meanwhile: once


def still_listable(
    ctx: Context, org: str, trips: Iterable[str], now: datetime, *, changed: tuple[Booking, CrewEvent] | None = None
) -> list[tuple[Booking, CrewEvent]]:
    """Of the bookings `trips`, those still to sail and not cancelled, with their trips as stored; `changed`: one
    booking and its trip as a change not yet written leaves them (`lists_followed`)."""
    found = []
    for booking_id in dict.fromkeys(trips):
        if changed is not None and changed[0].id == booking_id:
            booking, event = changed
        else:
            pk = booking_pk(org, booking_id)
            booking_item, event_item = ctx.store.get_many([(pk, s) for s in ("BOOKING", "EVENT")])
            if booking_item is None or event_item is None:
                continue
            booking = Booking.model_validate(booking_item.data, context=STORED)
            event = CrewEvent.model_validate(event_item.data)
        if not booking.cancelled and event.status is EventStatus.SCHEDULED and not departed(event, now):
            found.append((booking, event))
    return found


def roster_told(ctx: Context, org: str, event_id: str) -> set[str]:
    """Who was told they held a role on the trip `event_id` (`roster._notice`, `ev:<trip>:<person>:you're-…` or
    `:released`, a `:v<n>` after): someone who took a role on it and gave it up, or was put in one and taken off,
    knows of it, and left it ("Role open" to an admin told them of no role of theirs)."""
    roster = f"ev:{event_id}:"
    return {
        person
        for i in all_items(ctx.store, outbox_pk(org), roster)
        for person, _, headline in [i.sk.removeprefix(roster).partition(":")]
        if headline.startswith("you're-") or headline.partition(":")[0] == "released"
    }


@dataclass(frozen=True)
class Asking:
    """What the trips one asking looks at share (`ask_joined`, `list_left_out`): the business, how the people
    asked were before (`{}`: nobody was crew), and when."""

    ctx: Context
    profile: BusinessProfile
    before: Mapping[str, Person]
    now: datetime


def ask_about_trip(
    asking: Asking,
    booking_id: str,
    people: list[Person],
    *,
    dry_run: bool,
    listing: Mapping[str, str] | None = None,
) -> tuple[set[str], set[str]]:
    """`_ask_joined`, read and decided again when the trip, its list or a message changed meanwhile (at most
    `MAX_ATTEMPTS` tries). Raises ConditionFailed when it kept changing, and StoreError."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            return _ask_joined(asking, booking_id, people, dry_run, listing or {})
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
    asking: Asking, booking_id: str, people: list[Person], dry_run: bool, listing: Mapping[str, str]
) -> tuple[set[str], set[str]]:
    """Ask `people` about one trip (`ask_joined`'s rules); those in `listing` are recorded as asked by the mail
    (its key) listing it, and get no mail of its own. The (asked, put on its list) of them."""
    ctx, profile, before, now = asking.ctx, asking.profile, asking.before, asking.now
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
    heard |= roster_told(ctx, org, event.id)
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


def written_apart(ctx: Context, org: str, found: Iterable[tuple[str, list[Write]]], *, event: str) -> None:
    """Once a change is written, each person's writes `found` that its transaction had no room for, in a transaction
    of their own: one the dispatcher claimed, sent or another change followed meanwhile stands as that left it, and
    one the store fails to write goes as it was (logged as `event`) while the others are still written."""
    for person_id, writes in found:
        try:
            ctx.store.transact(writes)
        except ConditionFailed:
            continue  # claimed, sent or followed by another change meanwhile: it stands as that left it
        except StoreError as exc:
            log.warning(event, org=org, person=person_id, error=str(exc))
