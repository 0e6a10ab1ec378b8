"""The lists of who they left out, given to the trips booked by a firstmate older than these lists.

A trip booked by a firstmate older than these lists has none: `list_left_out` (the hourly `sweep` job, once per
org, `LEFT_OUT_UPGRADE`) gives each trip to come without one the list it would have, and asks those it left out
who are free now, as `ask_the_joined` asks someone made crew.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import structlog

from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import EventStatus
from firstmate.domain.people import Person
from firstmate.errors import StoreError
from firstmate.ports import MAX_TRANSACTION_WRITES
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.crew_freed.asking import Asking, ask_about_trip, queue_listing
from firstmate.services.crew_freed.joined import JOINED_AHEAD, JoinedAsks, count_asks, listing_key
from firstmate.services.crew_freed.lists import ASKED_IN, LISTED_OVER, NOT_ASKED
from firstmate.services.outbox import outbox_pk
from firstmate.services.people import list_people
from firstmate.services.trips import booking_pk, events_between
from firstmate.services.upgrades import mark_upgraded, upgrade_pending

#: The upgrade (`services.upgrades`) giving the trips booked before their lists were kept theirs (`list_left_out`).
LEFT_OUT_UPGRADE = "not-asked-lists"
#: People asked about one trip in one transaction: their messages, its list, its record of a listing mail and the
#: check of the trip within the store's limit.
_PEOPLE_A_WRITE = MAX_TRANSACTION_WRITES - 3

log = structlog.get_logger(__name__)


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
    asking = Asking(ctx, profile, {}, now)
    plan = {trip: ask_about_trip(asking, trip, people, dry_run=True) for trip in trips}
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
            asked, waiting = ask_about_trip(asking, trip, chunk, dry_run=False, listing=listing)
            count_asks(done, asked, waiting)
            done.listed |= asked & listing.keys()
            for person_id in asked & listing.keys():
                owed[listing[person_id]].append(trip)
        changed += 1
    for person in people:
        if person.id in listing and owed[listing[person.id]]:
            queue_listing(ctx, profile, person, owed[listing[person.id]], listing[person.id], now)
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
