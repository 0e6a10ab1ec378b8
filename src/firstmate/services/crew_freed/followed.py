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
would have at first. A mail sent, or being sent, is left as it went. Lists of more people than the transaction has
room for (two writes each, four with three trips' own) follow once the change is written (`rest_followed`,
`rest_taken`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
from firstmate.ports import Item, Put, VersionIs, Write
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.crew_freed.asking import still_listable
from firstmate.services.crew_freed.lists import ASKED_IN, LISTED_OVER
from firstmate.services.crew_freed.reopened import Listed, came_free, given_up_to, holders_lists, offers
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
    return _within(ctx, profile, _booking_change(ctx, profile, booking, before, event, listed), listed, now, room=room)


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
    _rest(ctx, profile, _booking_change(ctx, profile, booking, before, event, rest), rest, now)


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
    found = _roster_change(ctx, org, before, event, by)
    if found is None:
        return [], []
    profile, change, listed = found
    return _within(ctx, profile, change, listed, now, room=room)


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
    found = _roster_change(ctx, org, before, event, by) if rest else None
    if found is not None:
        _rest(ctx, found[0], found[1], rest, now)


def _roster_change(
    ctx: Context, org: str, before: CrewEvent, event: CrewEvent, by: str | None
) -> tuple[BusinessProfile, _Change, list[Listed]] | None:
    """The roster change of a trip as `lists_taken` follows it, and the lists it changes; None when it changes none."""
    taken = _open(before) - _open(event)
    was, now_held = ({s.person_id for s in e.roles if s.person_id} for e in (before, event))
    if not (taken or now_held - was or _open(event) - _open(before)):
        return None
    recorded = ctx.store.get(booking_pk(org, event.booking_id), ASKED_IN)
    # theirs now, a list that does not name it may name others at its time; theirs no longer, ones it took off
    elsewhere = holders_lists(ctx, org, (now_held - was) | (was - now_held))
    found = _taken_change(ctx, org, before, event, by) if recorded is not None or elsewhere else None
    if found is None:
        return None
    profile, change = found
    listed = sorted(dict(recorded.data.get("people", {})).items()) if recorded else []
    items = ctx.store.get_many([person_key(org, person_id) for person_id, _ in listed]) if listed else []
    people = [Person.model_validate(i.data, context=STORED) if i else None for i in items]
    left = [
        theirs
        for theirs, person in zip(listed, people, strict=True)
        if person is not None and offers(profile, before, person) and not offers(profile, event, person)
    ]
    back = given_up_to(ctx, profile, before, event, listed, people)
    change = replace(change, added=frozenset(person_id for person_id, _ in back))
    return profile, change, sorted(dict.fromkeys([*left, *back, *elsewhere]))


def _open(event: CrewEvent) -> set[str]:
    return {s.role for s in event.roles if s.person_id is None}


@dataclass(frozen=True)
class _Change:
    """One change a waiting list follows: the trip as it leaves it, why the list is withdrawn ("the trip … was
    cancelled"), why to each person it put in a role (`theirs`: they took it themselves, or were made it), and the
    key of the one queued in its place (from the first list's key). A roster change also puts the trip back on the
    lists of those it offers it again (`added`), and takes off those of whom it put in a role and whose list does not
    name it the trips at its time (why: `elsewhere`), and gives back to those it frees from a role the trips at its
    time (`was`, the trip before it) that their lists took off (why: `freed`)."""

    trip: Trip
    why: str
    key: Callable[[str], str]
    theirs: Mapping[str, str] = field(default_factory=dict)
    added: frozenset[str] = frozenset()
    elsewhere: Mapping[str, str] = field(default_factory=dict)
    freed: Mapping[str, str] = field(default_factory=dict)
    was: CrewEvent | None = None


def _booking_change(
    ctx: Context, profile: BusinessProfile, booking: Booking, before: CrewEvent, event: CrewEvent, who: Sequence[Listed]
) -> _Change:
    """`booking`'s change as the lists of `who` follow it: a role it opens to one again puts it back (`given_up_to`)."""
    zone = profile.org.timezone
    change = "was cancelled" if booking.cancelled else f"changed ({when(event.start, zone)} on {event.asset_name})"
    followed = _Change(
        (booking, event), f"{when(before.start, zone)} {change}", lambda f: f"{f}:{booking.id}:r{booking.revision}"
    )
    if booking.cancelled or _open(before) == _open(event) or not who:
        return followed
    # another boat, with a role open to someone a claim took it off for: back on their list, as a release puts it
    items = ctx.store.get_many([person_key(profile.org.id, person_id) for person_id, _ in who])
    people = [Person.model_validate(i.data, context=STORED) if i else None for i in items]
    return replace(followed, added=frozenset(p for p, _ in given_up_to(ctx, profile, before, event, who, people)))


def _taken_change(
    ctx: Context, org: str, before: CrewEvent, event: CrewEvent, by: str | None
) -> tuple[BusinessProfile, _Change] | None:
    """The roster change of a trip (`before` it, `event` after, made `by` someone), as `lists_taken` follows it; None
    when its business or booking is gone."""
    profile = load_business(ctx.store, org)
    item = ctx.store.get(booking_pk(org, event.booking_id), "BOOKING")
    if profile is None or item is None:
        return None
    booking = Booking.model_validate(item.data, context=STORED)
    at = when(event.start, profile.org.timezone)
    # their own claim is no news to them of someone else taking the trip: said as it happened
    how = {
        s.person_id: f"they took {role_label(s.role)} on it themselves"
        if s.person_id == by
        else f"they were made {role_label(s.role)} on it"
        for s in event.roles
        if s.person_id
    }
    theirs = {person: f"{at} is theirs now: {said}" for person, said in how.items()}
    # the trip is not on their list: the boat tells it from the one it lists at that time
    elsewhere = {
        person: f"{at} on {event.asset_name} is theirs now: {said}, at the time of a trip it lists (one trip at a time)"
        for person, said in how.items()
    }
    # those it frees: the trips at its time a list took off, free to them again
    freed = {
        s.person_id: f"{at} on {event.asset_name} is no longer theirs: they hold {role_label(s.role)} on it no more, "
        "free for a trip at its time"
        for s in before.roles
        if s.person_id and not any(t.person_id == s.person_id for t in event.roles)
    }
    return profile, _Change(
        (booking, event),
        f"{at} had its last role open to them taken",
        lambda f: f"{f}:{booking.id}:taken",
        theirs,
        elsewhere=elsewhere,
        freed=freed,
        was=before,
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


def _followed(
    ctx: Context, profile: BusinessProfile, change: _Change, person_id: str, first: str, now: datetime
) -> list[Write]:
    """The writes withdrawing `person_id`'s list (first keyed `first`) still waiting that the change touches (it names
    the changed trip; or, to put it back on, does not; or names others at its time, theirs now; or they left a role
    on it and get back those it took off, `_how`), and asking them in its place."""
    org = profile.org.id
    booking, _ = change.trip
    writes: list[Write] = []
    items = list(all_items(ctx.store, outbox_pk(org), first))
    used = {item.sk for item in items}
    for item in items:
        entry = from_item(item)
        if (item.sk != first and not item.sk.startswith(f"{first}:")) or entry.status is not OutboxStatus.PENDING:
            continue  # another import's, or sent, being sent (it goes as it is), or withdrawn already
        ids = [f"bk_{suffix}" for suffix in dict.fromkeys(_LISTED.findall(entry.message.text))]
        named, back = booking.id in ids, person_id in change.added
        if (named and back) or not (named or back or person_id in change.freed or person_id in change.elsewhere):
            continue  # it offers the trip already, or it left this list already: nothing it says changed
        person_item = ctx.store.get(*person_key(org, person_id))
        person = Person.model_validate(person_item.data, context=STORED) if person_item else None
        how = _how(ctx, profile, change, person_id, person, first, items, ids, now)
        if how is None:
            continue  # nothing it lists is touched
        ids, why, key = how
        key = _fresh(key, used)
        used.add(key)
        asked, said = _in_place(ctx, profile, change, person, ids, key, now)
        withdrawn = rules.withdraw(entry, f"{why} before it went out; {said}", now)
        writes += [Put(to_item(withdrawn), VersionIs(item.version)), *asked]
    if person_id in change.added and not writes and _never_sent(first, items):
        writes += _asked_at_first(ctx, profile, change, person_id, now)
    return writes


def _never_sent(first: str, items: Sequence[Item]) -> bool:
    """Whether every list under `first` was withdrawn before it went out: it went as each trip's own "Crew needed"
    (3 trips or fewer), or had none left to ask about."""
    ours = [from_item(i) for i in items if i.sk == first or i.sk.startswith(f"{first}:")]
    return bool(ours) and all(
        e.status is OutboxStatus.DEAD and (e.last_error or "").startswith(rules.WITHDRAWN) for e in ours
    )


def _asked_at_first(
    ctx: Context, profile: BusinessProfile, change: _Change, person_id: str, now: datetime
) -> list[Write]:
    """The trip's own "Crew needed" to `person_id`, a role given up offering it again, whose list went before as
    each trip's own without it (as they would have been asked at first): none once a mail of it went to them."""
    org = profile.org.id
    booking, event = change.trip
    item = ctx.store.get(*person_key(org, person_id))
    person = Person.model_validate(item.data, context=STORED) if item else None
    if person is None or _told(ctx, org, booking.id, person_id):
        return []
    if not still_listable(ctx, org, [booking.id], now, changed=change.trip):
        return []  # under way or over
    message = crew_needed_message(ctx, profile, booking, event, person)
    return [enqueue_write(org, message, now)] if message else []


def _how(
    ctx: Context,
    profile: BusinessProfile,
    change: _Change,
    person_id: str,
    person: Person | None,
    first: str,
    items: Sequence[Item],
    ids: list[str],
    now: datetime,
) -> tuple[list[str], str, str] | None:
    """What the change makes of `person_id`'s list naming `ids` (and under `first` all of `items`): the trips to ask
    them about in its place, why it is withdrawn, and the key of the one in its place; None when it is left as it is."""
    booking, event = change.trip
    if booking.id in ids:  # as it is now, or, no longer offered to them, without it
        return ids, change.theirs.get(person_id, change.why), change.key(first)
    if person_id in change.added:
        if person is None:
            return None  # no longer the business's: nothing to put back
        roles = ", ".join(role_label(s.role) for s in event.roles if not s.person_id and person.may_take(s.role))
        why = f"{when(event.start, profile.org.timezone)} has {roles} open to them again"
        return [*ids, booking.id], why, f"{first}:{booking.id}:open"
    if returning := _returning(ctx, profile, change, person, items, ids, now):
        return [*ids, *returning], change.freed[person_id], f"{first}:{booking.id}:free"
    if _at_its_time(ctx, profile.org.id, person_id, change, ids, now):
        return ids, change.elsewhere[person_id], change.key(first)
    return None


def _returning(
    ctx: Context,
    profile: BusinessProfile,
    change: _Change,
    person: Person | None,
    items: Sequence[Item],
    ids: Sequence[str],
    now: datetime,
) -> list[str]:
    """The trips to put back on the list naming `ids` of `person`, freed by the change from a role: those at its
    times any list under their first (`items`) named and this one no longer does (`came_free`)."""
    if person is None or not person.active or person.id not in change.freed or change.was is None:
        return []
    ever = {f"bk_{suffix}" for item in items for suffix in _LISTED.findall(from_item(item).message.text)}
    return came_free(ctx, profile, person, change.was, sorted(ever - set(ids)), now)


def _at_its_time(ctx: Context, org: str, person_id: str, change: _Change, ids: Sequence[str], now: datetime) -> bool:
    """Whether the list naming `ids` offers `person_id`, put in a role on the changed trip, another at its time."""
    crewed = change.trip[1]
    if person_id not in change.elsewhere or not any(s.person_id == person_id for s in crewed.roles):
        return False
    return any(e.start < crewed.end and crewed.start < e.end for _, e in still_listable(ctx, org, ids, now))


def _fresh(key: str, used: set[str]) -> str:
    """`key`, or, queued already (the trip left the list and came back), `key:2`, `key:3`, …: each queued once."""
    fresh, n = key, 1
    while fresh in used:
        n += 1
        fresh = f"{key}:{n}"
    return fresh


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
    trips = [t for t in still_listable(ctx, org, ids, now, changed=change.trip) if offers(profile, t[1], person)]
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
