"""Crew made active, qualified, or added (`ask_the_joined`), asked to crew the trips to come that did not ask them.

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
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import structlog

from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import EventStatus
from firstmate.domain.people import Person
from firstmate.errors import StoreError
from firstmate.ports import Delete, Put
from firstmate.services.context import Context
from firstmate.services.crew_freed.asking import Asking, ask_about_trip, queue_listing
from firstmate.services.crew_freed.lists import ASKED_IN, LISTED_OVER
from firstmate.services.outbox import outbox_pk
from firstmate.services.trips import BLOCK_CHECK_AHEAD, booking_pk, events_between

#: How far ahead someone made active or qualified is asked to crew the trips already booked: every trip to come
#: (the crew app lists them all; a charter has a few hundred booked at most), as far as firstmate looks ahead for
#: a boat's clashes or a crew member's trips (`trips.BLOCK_CHECK_AHEAD`).
JOINED_AHEAD = BLOCK_CHECK_AHEAD

log = structlog.get_logger(__name__)


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
    asking = Asking(ctx, profile, before, now)
    plan = {trip: ask_about_trip(asking, trip, people, dry_run=True) for trip in trips}
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
            count_asks(done, asked, waiting)
        return done
    for trip in [t for t in trips if any(plan[t])]:  # one that asks none of them, read a moment ago, is left
        asked, waiting = ask_about_trip(asking, trip, people, dry_run=False, listing=listing)
        count_asks(done, asked, waiting)
        for person_id in asked & listing.keys():
            owed[listing[person_id]].append(trip)
    for person in people:
        if person.id in listing and owed[listing[person.id]]:
            queue_listing(ctx, profile, person, owed[listing[person.id]], listing[person.id], now)
    return done


def listing_key(person_id: str, batch: str) -> str:
    """The key of the one mail listing the trips an import (`batch`) asks `person_id` about."""
    return f"crew-asked:{person_id}:{batch}"


def count_asks(done: JoinedAsks, asked: Iterable[str], waiting: Iterable[str]) -> None:
    """Count in `done` one trip more for each of `asked` and of `waiting` (put on its list)."""
    for person_id in asked:
        done.asked[person_id] = done.asked.get(person_id, 0) + 1
    for person_id in waiting:
        done.waiting[person_id] = done.waiting.get(person_id, 0) + 1
