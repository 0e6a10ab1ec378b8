"""A "Crew needed on N trips" mail still waiting to go out (an outage held it) follows its trips (`lists_followed`)
and their rosters (`lists_taken`).

Once one of the trips it lists is cancelled, moved, put on another boat or has its roles change, or has the last role
open to the person taken (by someone else's claim, a designation, or their own), the waiting mail is withdrawn in the
change's own transaction, and one listing the trips that still need them, each as it is now, is queued in its place:
keyed `<the first mail's key>:<booking>:r<revision>` (`:taken` for a roster change), so the trips that recorded the
first key (`ASKED_IN`) still find it by that key as a prefix. The roster moves it both ways: a trip that left it as its
last role open to them was taken goes back on it once one is given up (`:open`), and a role they take on a trip it
does not name takes off it the trips at that time (`:taken`); a key queued already under the first is followed by
`:2`, `:3`. Left with `LISTED_OVER` trips or fewer, it goes as each trip's own "Crew needed" instead, as it
would have at first. A mail sent is left as it went; one being sent is marked (`relisted`): withdrawn, and the one
in its place sent, if its send fails, standing alone if it goes. Lists of more people than the transaction has
room for (two writes each, four with three trips' own) follow once the change is written (`rest_followed`,
`rest_taken`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

import structlog

from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import CrewEvent
from firstmate.errors import ConditionFailed, StoreError
from firstmate.ports import Put, Write
from firstmate.services.context import Context
from firstmate.services.crew_freed.changes import Change, booking_change, roster_change
from firstmate.services.crew_freed.freed import freed_by
from firstmate.services.crew_freed.lists import ASKED_IN, not_asked_held, not_asked_with
from firstmate.services.crew_freed.relisted import followed_writes
from firstmate.services.crew_freed.reopened import Listed, holders_lists
from firstmate.services.trips import booking_pk

log = structlog.get_logger(__name__)

#: How much of a change's transaction the lists it follows may write: half of the 4 MB DynamoDB writes in one (a list
#: of 200 trips is 100 KB, its withdrawal as much again), the change and its own notices needing the rest.
LISTS_BYTES = 2_000_000


def _as_listed(event: CrewEvent) -> tuple[object, ...]:
    """What a list says of a trip, or decides by: its times, its boat, whether it sails, its open roles."""
    return event.start, event.end, event.asset, event.status, sorted(s.role for s in event.roles if not s.person_id)


def lists_followed(
    ctx: Context,
    profile: BusinessProfile,
    booking: Booking,
    before: CrewEvent,
    event: CrewEvent,
    now: datetime,
    *,
    room: int,
) -> tuple[list[Write], list[Listed], frozenset[str]]:
    """Writes, for the transaction of `booking`'s change (its trip `before` it and `event` after), that withdraw each
    "Crew needed on N trips" listing the trip still waiting to go out, and queue in its place one listing the trips of
    it that still need them as they are now (this one as `event`; none when no trip is left; each trip's own "Crew
    needed" for `LISTED_OVER` or fewer): at most `room` writes and `LISTS_BYTES`, and the (person, first list's key)
    of those left for `rest_followed` once the change is written. Nothing when the change does not touch what a list
    says of the trip. With them, those whose list leaves the trip off, moved to a time they crew another
    (`Change.busy`): for the trip's `NOT_ASKED`, in the same transaction."""
    if _as_listed(before) == _as_listed(event):
        return [], [], frozenset()
    recorded = ctx.store.get(booking_pk(profile.org.id, booking.id), ASKED_IN)
    listed = sorted(dict(recorded.data.get("people", {})).items()) if recorded else []
    # those it frees from a role: their lists get back the trips at its time that role took off (`came_free`)
    listed = sorted(dict.fromkeys([*listed, *holders_lists(ctx, profile.org.id, freed_by(before, event), gone=True)]))
    if not listed:
        return [], [], frozenset()
    return _within(ctx, profile, booking_change(ctx, profile, booking, before, event, listed), listed, now, room=room)


def rest_followed(
    ctx: Context,
    profile: BusinessProfile,
    booking: Booking,
    before: CrewEvent,
    event: CrewEvent,
    rest: Iterable[Listed],
    now: datetime,
) -> None:
    """Once `booking`'s change is written, the lists `lists_followed` had no room for follow it, each person's in a
    transaction of its own, read again: one the dispatcher claimed meanwhile goes as it is."""
    rest = list(rest)
    _rest(ctx, profile, booking_change(ctx, profile, booking, before, event, rest), rest, now)


def rest_previewed(
    ctx: Context,
    profile: BusinessProfile,
    booking: Booking,
    before: CrewEvent,
    event: CrewEvent,
    rest: Iterable[Listed],
    now: datetime,
) -> list[Write]:
    """What `rest_followed` would write of `rest` (the lists beyond the change's transaction), read now, nothing
    written: a dry run says it with what the change writes itself."""
    rest = list(rest)
    change = booking_change(ctx, profile, booking, before, event, rest)
    return [w for person_id, first in rest for w in followed_writes(ctx, profile, change, person_id, first, now)]


def lists_taken(
    ctx: Context, org: str, before: CrewEvent, event: CrewEvent, now: datetime, *, room: int, by: str | None = None
) -> tuple[list[Write], list[Listed]]:
    """Writes, for the transaction of a roster change of a trip (`before` it, `event` after: a claim, a release, a
    designation), that withdraw the "Crew needed on N trips" still waiting of each person whose list it changes, and
    queue in its place what `lists_followed` does: of those it listed the trip to whom it no longer offers a role
    (the last open to them taken, or one taken by them) without it; of those it left that way and a role given up
    offers it again, free then, with it (`given_up_to`); of those it puts in a role, without the trips at its time.
    The (person, first list's key) of those beyond `room` writes, for `rest_taken`. Nothing for those to whom a role
    is still open (a list offers the trip, not a role). `by`: who made the change (the claimer, the designating
    captain), so a list withdrawn by its own person's claim says they took the trip themselves."""
    found = roster_change(ctx, org, before, event, by)
    if found is None:
        return [], []
    profile, change, listed = found
    writes, rest, _ = _within(ctx, profile, change, listed, now, room=room)
    return writes, rest


def rest_taken(
    ctx: Context,
    org: str,
    before: CrewEvent,
    event: CrewEvent,
    rest: Iterable[Listed],
    now: datetime,
    *,
    by: str | None = None,
) -> None:
    """Once a roster change of a trip (`before` it, `event` after, made `by` someone) is written, the lists
    `lists_taken` had no room for follow it, each person's in a transaction of its own (`rest_followed`)."""
    rest = list(rest)
    found = roster_change(ctx, org, before, event, by) if rest else None
    if found is not None:
        _rest(ctx, found[0], found[1], rest, now)


def _within(
    ctx: Context, profile: BusinessProfile, change: Change, listed: Sequence[Listed], now: datetime, *, room: int
) -> tuple[list[Write], list[Listed], frozenset[str]]:
    """The writes following `change` for each of `listed`, at most `room` and `LISTS_BYTES`, those left over, and
    those of them whose list leaves the trip off, busy at its new time (`Change.busy`)."""
    writes: list[Write] = []
    left_out: set[str] = set()
    size = 0
    for at, (person_id, first) in enumerate(listed):
        theirs = followed_writes(ctx, profile, change, person_id, first, now)
        size += sum(len(json.dumps(w.item.data)) for w in theirs if isinstance(w, Put))
        if len(writes) + len(theirs) > room or size > LISTS_BYTES:
            # more than one transaction holds: the rest once the change is written
            return writes, list(listed[at:]), frozenset(left_out)
        writes += theirs
        if theirs and person_id in change.busy:
            left_out.add(person_id)
    return writes, [], frozenset(left_out)


def _rest(ctx: Context, profile: BusinessProfile, change: Change, rest: Iterable[Listed], now: datetime) -> None:
    """Each of `rest` following `change`, written already, in a transaction of its own, read again."""
    for person_id, first in rest:
        try:
            writes = followed_writes(ctx, profile, change, person_id, first, now)
            if writes and person_id in change.busy:  # left off, busy at its new time: asked once free, read now
                listed, held = not_asked_held(ctx.store, profile.org.id, change.trip[0].id)
                writes.append(not_asked_with(held, listed, {person_id}))
            if writes:
                ctx.store.transact(writes)
        except ConditionFailed:
            continue  # claimed, sent or followed by another change meanwhile: it stands as that left it
        except StoreError as exc:
            # the change is written: one list the store failed to follow goes as it was, the others follow it
            log.warning("crew.list_unfollowed", org=profile.org.id, person=person_id, error=str(exc))
