"""A "Crew needed on N trips" mail still waiting to go out (an outage held it) follows its trips (`lists_followed`)
and their rosters (`lists_taken`).

Once one of the trips it lists is cancelled, moved, put on another boat or has its roles change, or has the last role
open to the person taken (by someone else's claim, a designation, or their own), the waiting mail is withdrawn in the
change's own transaction, and one listing the trips that still need them, each as it is now, is queued in its place:
keyed `<the first mail's key>:<booking>:r<revision>` (`:taken` for a roster change), so the trips that recorded the
first key (`ASKED_IN`) still find it by that key as a prefix. A trip that left a list never comes back to it, so each
key is queued once. Left with `LISTED_OVER` trips or fewer, it goes as each trip's own "Crew needed" instead, as it
would have at first. A mail sent, or being sent, is left as it went. Lists of more people than the transaction has
room for (two writes each, four with three trips' own) follow once the change is written (`rest_followed`,
`rest_taken`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import structlog

from firstmate.domain import outbox as rules
from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import CrewEvent
from firstmate.domain.outbox import OutboxStatus
from firstmate.domain.people import Person
from firstmate.domain.roster import role_label
from firstmate.domain.shared import STORED
from firstmate.domain.timing import when
from firstmate.errors import ConditionFailed, StoreError
from firstmate.ports import Put, VersionIs, Write
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.crew_freed.asking import still_listable
from firstmate.services.crew_freed.lists import ASKED_IN, LISTED_OVER
from firstmate.services.notifications import crew_needed_list_message, crew_needed_message
from firstmate.services.outbox import enqueue_write, from_item, outbox_pk, to_item
from firstmate.services.paging import all_items
from firstmate.services.people import person_key
from firstmate.services.trips import booking_pk

log = structlog.get_logger(__name__)

#: How much of a change's transaction the lists it follows may write: half of the 4 MB DynamoDB writes in one (a list
#: of 200 trips is 100 KB, its withdrawal as much again), the change and its own notices needing the rest.
LISTS_BYTES = 2_000_000

#: Each trip a list names, by its link in the crew app (`crew_needed_list_message`).
_LISTED = re.compile(r"/crew/events/ev_([A-Za-z0-9]+)")


def _as_listed(event: CrewEvent) -> tuple[object, ...]:
    """What a list says of a trip, or decides by: its times, its boat, whether it sails, its open roles."""
    return event.start, event.end, event.asset, event.status, sorted(s.role for s in event.roles if not s.person_id)


#: A trip as a change leaves it: its booking and its crew event.
Trip = tuple[Booking, CrewEvent]
#: A waiting list to follow: the person's id and the key of the first mail that listed them (`ASKED_IN`).
Listed = tuple[str, str]


def lists_followed(
    ctx: Context,
    profile: BusinessProfile,
    booking: Booking,
    before: CrewEvent,
    event: CrewEvent,
    now: datetime,
    *,
    room: int,
) -> tuple[list[Write], list[Listed]]:
    """Writes, for the transaction of `booking`'s change (its trip `before` it and `event` after), that withdraw each
    "Crew needed on N trips" listing the trip still waiting to go out, and queue in its place one listing the trips of
    it that still need them as they are now (this one as `event`; none when no trip is left; each trip's own "Crew
    needed" for `LISTED_OVER` or fewer): at most `room` writes and `LISTS_BYTES`, and the (person, first list's key)
    of those left for `rest_followed` once the change is written. Nothing when the change does not touch what a list
    says of the trip."""
    if _as_listed(before) == _as_listed(event):
        return [], []
    recorded = ctx.store.get(booking_pk(profile.org.id, booking.id), ASKED_IN)
    if recorded is None:
        return [], []
    listed = sorted(dict(recorded.data.get("people", {})).items())
    return _within(ctx, profile, _booking_change(profile, booking, before, event), listed, now, room=room)


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
    _rest(ctx, profile, _booking_change(profile, booking, before, event), rest, now)


def lists_taken(
    ctx: Context, org: str, before: CrewEvent, event: CrewEvent, now: datetime, *, room: int, by: str | None = None
) -> tuple[list[Write], list[Listed]]:
    """Writes, for the transaction of a roster change of a trip (`before` it, `event` after: a claim, a designation),
    that withdraw the "Crew needed on N trips" still waiting of each person it listed the trip to whom the trip no
    longer offers a role (the last open to them taken, or one taken by them), and queue in its place what
    `lists_followed` does; the (person, first list's key) of those beyond `room` writes, for `rest_taken`. Nothing
    when no role was taken, and for those to whom a role is still open (a list offers the trip, not a role). `by`:
    who made the change (the claimer, the designating captain), so a list withdrawn by its own person's claim says
    they took the trip themselves."""
    taken = {s.role for s in before.roles if s.person_id is None} - {s.role for s in event.roles if s.person_id is None}
    holders = {s.person_id for s in event.roles if s.person_id} - {s.person_id for s in before.roles if s.person_id}
    if not (taken or holders):
        return [], []
    pk = booking_pk(org, event.booking_id)
    recorded = ctx.store.get(pk, ASKED_IN)
    found = _taken_change(ctx, org, event, by) if recorded is not None else None
    if recorded is None or found is None:
        return [], []
    profile, change = found
    listed = sorted(dict(recorded.data.get("people", {})).items())
    items = ctx.store.get_many([person_key(org, person_id) for person_id, _ in listed])
    people = [Person.model_validate(i.data, context=STORED) if i else None for i in items]
    left = [
        theirs
        for theirs, person in zip(listed, people, strict=True)
        if person is not None and _offers(profile, before, person) and not _offers(profile, event, person)
    ]
    return _within(ctx, profile, change, left, now, room=room)


def rest_taken(
    ctx: Context, org: str, event: CrewEvent, rest: Iterable[Listed], now: datetime, *, by: str | None = None
) -> None:
    """Once a roster change of `event`'s trip (made `by` someone) is written, the lists `lists_taken` had no room for
    follow it, each person's in a transaction of its own (`rest_followed`)."""
    rest = list(rest)
    found = _taken_change(ctx, org, event, by) if rest else None
    if found is not None:
        _rest(ctx, found[0], found[1], rest, now)


@dataclass(frozen=True)
class _Change:
    """One change a waiting list follows: the trip as it leaves it, why the list is withdrawn ("the trip … was
    cancelled"), why to each person it put in a role (`theirs`: they took it themselves, or were made it), and the
    key of the one queued in its place (from the first list's key)."""

    trip: Trip
    why: str
    key: Callable[[str], str]
    theirs: Mapping[str, str] = field(default_factory=dict)


def _booking_change(profile: BusinessProfile, booking: Booking, before: CrewEvent, event: CrewEvent) -> _Change:
    zone = profile.org.timezone
    change = "was cancelled" if booking.cancelled else f"changed ({when(event.start, zone)} on {event.asset_name})"
    return _Change(
        (booking, event), f"{when(before.start, zone)} {change}", lambda f: f"{f}:{booking.id}:r{booking.revision}"
    )


def _taken_change(ctx: Context, org: str, event: CrewEvent, by: str | None) -> tuple[BusinessProfile, _Change] | None:
    """The roster change of `event`'s trip (made `by` someone), as `lists_taken` follows it; None when its business or
    booking is gone."""
    profile = load_business(ctx.store, org)
    item = ctx.store.get(booking_pk(org, event.booking_id), "BOOKING")
    if profile is None or item is None:
        return None
    booking = Booking.model_validate(item.data, context=STORED)
    at = when(event.start, profile.org.timezone)
    # their own claim is no news to them of someone else taking the trip: said as it happened
    theirs = {
        s.person_id: f"{at} is theirs now: "
        + (
            f"they took {role_label(s.role)} on it themselves"
            if s.person_id == by
            else f"they were made {role_label(s.role)} on it"
        )
        for s in event.roles
        if s.person_id
    }
    # a trip taken off a list never comes back to it: one key a trip and first list
    return profile, _Change(
        (booking, event), f"{at} had its last role open to them taken", lambda f: f"{f}:{booking.id}:taken", theirs
    )


def _within(
    ctx: Context, profile: BusinessProfile, change: _Change, listed: Sequence[Listed], now: datetime, *, room: int
) -> tuple[list[Write], list[Listed]]:
    """The writes following `change` for each of `listed`, at most `room` and `LISTS_BYTES`, and those left over."""
    writes: list[Write] = []
    size = 0
    for at, (person_id, first) in enumerate(listed):
        theirs = _followed(ctx, profile, change, person_id, first, now)
        size += sum(len(json.dumps(w.item.data)) for w in theirs if isinstance(w, Put))
        if len(writes) + len(theirs) > room or size > LISTS_BYTES:
            return writes, list(listed[at:])  # more than one transaction holds: the rest once the change is written
        writes += theirs
    return writes, []


def _rest(ctx: Context, profile: BusinessProfile, change: _Change, rest: Iterable[Listed], now: datetime) -> None:
    """Each of `rest` following `change`, written already, in a transaction of its own, read again."""
    for person_id, first in rest:
        try:
            writes = _followed(ctx, profile, change, person_id, first, now)
            if writes:
                ctx.store.transact(writes)
        except ConditionFailed:
            continue  # claimed, sent or followed by another change meanwhile: it stands as that left it
        except StoreError as exc:
            # the change is written: one list the store failed to follow goes as it was, the others follow it
            log.warning("crew.list_unfollowed", org=profile.org.id, person=person_id, error=str(exc))


def _offers(profile: BusinessProfile, event: CrewEvent, person: Person) -> bool:
    """Whether a list may ask `person` to crew `event`'s trip: of the business's lines and boats, a role open they
    may take, and none held on it (one role a trip)."""
    if profile.entity(event.entity) is None or profile.asset(event.asset) is None:
        return False
    if any(slot.person_id == person.id for slot in event.roles):
        return False
    return any(person.may_take(slot.role) for slot in event.roles if slot.person_id is None)


def _followed(
    ctx: Context, profile: BusinessProfile, change: _Change, person_id: str, first: str, now: datetime
) -> list[Write]:
    """The writes withdrawing `person_id`'s list (first keyed `first`) still waiting and naming the changed trip, and
    asking them in its place."""
    org = profile.org.id
    booking, _ = change.trip
    writes: list[Write] = []
    for item in all_items(ctx.store, outbox_pk(org), first):
        entry = from_item(item)
        if (item.sk != first and not item.sk.startswith(f"{first}:")) or entry.status is not OutboxStatus.PENDING:
            continue  # another import's, or sent, being sent (it goes as it is), or withdrawn already
        ids = [f"bk_{suffix}" for suffix in dict.fromkeys(_LISTED.findall(entry.message.text))]
        if booking.id not in ids:
            continue  # the trip left this list already: nothing it says changed
        person_item = ctx.store.get(*person_key(org, person_id))
        person = Person.model_validate(person_item.data, context=STORED) if person_item else None
        asked, said = _in_place(ctx, profile, change, person, ids, change.key(first), now)
        why = change.theirs.get(person_id, change.why)
        withdrawn = rules.withdraw(entry, f"{why} before it went out; {said}", now)
        writes += [Put(to_item(withdrawn), VersionIs(item.version)), *asked]
    return writes


def _in_place(
    ctx: Context,
    profile: BusinessProfile,
    change: _Change,
    person: Person | None,
    ids: Sequence[str],
    key: str,
    now: datetime,
) -> tuple[list[Write], str]:
    """What asks `person` (None: no longer the business's) about the trips `ids` of a withdrawn list that still need
    them, each as it is now, and what the withdrawn one says of it: one list keyed `key`, or, for `LISTED_OVER`
    trips or fewer, each trip's own "Crew needed" (as at first), but of a trip that told them of itself since; none
    sharing a moment with the changed trip when they crew it."""
    org = profile.org.id
    if person is None or not person.active:
        return [], "nobody to ask: no longer crew"
    trips = [t for t in still_listable(ctx, org, ids, now, changed=change.trip) if _offers(profile, t[1], person)]
    crewed = change.trip[1]
    if any(slot.person_id == person.id for slot in crewed.roles):
        # one trip at a time: a trip sharing a moment with the one they now crew is no longer theirs to take
        trips = [(b, e) for b, e in trips if not (e.start < crewed.end and crewed.start < e.end)]
    if not trips:
        return [], "no trip left to ask them about"
    if len(trips) > LISTED_OVER:
        message = crew_needed_list_message(ctx, profile, person, trips, key=key)
        return ([enqueue_write(org, message, now)] if message else []), f"listed anew as {key}"
    # one that told them of its trip since, at any revision ("Trip changed" to every qualified crew member, nobody
    # aboard), stands: a later revision the crew heard nothing of (its price) does not ask them about it again
    own = [
        m
        for booking, event in trips
        if not _told(ctx, org, booking.id, person.id)
        and (m := crew_needed_message(ctx, profile, booking, event, person))
    ]
    return [enqueue_write(org, m, now) for m in own], f'asked instead by each trip\'s own "Crew needed" ({len(trips)})'


def _told(ctx: Context, org: str, booking_id: str, person_id: str) -> bool:
    """Whether a crew message of any revision of `booking_id`'s trip went to `person_id`
    (`bk:<booking>:r<revision>:crew:<person>`)."""
    return any(i.sk.endswith(f":crew:{person_id}") for i in all_items(ctx.store, outbox_pk(org), f"bk:{booking_id}:r"))
