"""The change of a trip a waiting "Crew needed on N trips" follows (`followed`): a booking change (`booking_change`)
or a roster change (`roster_change`), why it withdraws a list, and the key of the one in its place."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import CrewEvent
from firstmate.domain.people import Person
from firstmate.domain.roster import role_label
from firstmate.domain.shared import STORED
from firstmate.domain.timing import when
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.crew_freed.freed import freed_by
from firstmate.services.crew_freed.lists import ASKED_IN
from firstmate.services.crew_freed.reopened import Listed, given_up_to, holders_lists, offers
from firstmate.services.people import person_key
from firstmate.services.trips import booking_pk, crew_busy_between

#: A trip as a change leaves it: its booking and its crew event.
Trip = tuple[Booking, CrewEvent]


def roster_change(
    ctx: Context, org: str, before: CrewEvent, event: CrewEvent, by: str | None
) -> tuple[BusinessProfile, Change, list[Listed]] | None:
    """The roster change of a trip as `lists_taken` follows it, and the lists it changes; None when it changes none."""
    taken = _open(before) - _open(event)
    was, now_held = ({s.person_id for s in e.roles if s.person_id} for e in (before, event))
    if not (taken or now_held - was or _open(event) - _open(before)):
        return None
    recorded = ctx.store.get(booking_pk(org, event.booking_id), ASKED_IN)
    # theirs now, a list that does not name it may name others at its time; theirs no longer, ones it took off
    elsewhere = holders_lists(ctx, org, now_held - was) + holders_lists(ctx, org, was - now_held, gone=True)
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
class Change:
    """One change a waiting list follows: the trip as it leaves it, why the list is withdrawn ("the trip … was
    cancelled"), why to each person it put in a role (`theirs`: they took it themselves, or were made it), and the
    key of the one queued in its place (from the first list's key). A roster change also puts the trip back on the
    lists of those it offers it again (`added`), and takes off those of whom it put in a role and whose list does not
    name it the trips at its time (why: `elsewhere`), and gives back to those it frees from a role the trips at its
    time (`was`, the trip before it) that their lists took off (why: `freed`). A booking change moving the trip leaves
    it off the lists of those busy on another trip at its new time (`busy`): left out as of a trip booked then; it
    gives its crew back the trips at its old time (`freed`) and takes off the trips at its new one (`elsewhere`)."""

    trip: Trip
    why: str
    key: Callable[[str], str]
    theirs: Mapping[str, str] = field(default_factory=dict)
    added: frozenset[str] = frozenset()
    elsewhere: Mapping[str, str] = field(default_factory=dict)
    freed: Mapping[str, str] = field(default_factory=dict)
    was: CrewEvent | None = None
    busy: frozenset[str] = frozenset()


def booking_change(
    ctx: Context, profile: BusinessProfile, booking: Booking, before: CrewEvent, event: CrewEvent, who: Sequence[Listed]
) -> Change:
    """`booking`'s change as the lists of `who` follow it: a role it opens to one again puts it back (`given_up_to`)."""
    zone = profile.org.timezone
    change = "was cancelled" if booking.cancelled else f"changed ({when(event.start, zone)} on {event.asset_name})"
    followed = Change(
        (booking, event),
        f"{when(before.start, zone)} {change}",
        lambda f: f"{f}:{booking.id}:r{booking.revision}",
        elsewhere=_moved_with(profile, booking, before, event),
        freed=_freed(profile, booking, before, event),
        was=before,
    )
    if not booking.cancelled and who and (before.start, before.end) != (event.start, event.end):
        # one trip at a time: someone on another trip at its new time is not asked about it now, but once free
        busy = crew_busy_between(ctx.store, profile.org.id, event.start, event.end) & {p for p, _ in who}
        # its crew, before or after, know of it: not left out of it as of a trip booked then
        crew = {s.person_id for e in (before, event) for s in e.roles if s.person_id}
        followed = replace(followed, busy=busy - crew)
    if booking.cancelled or _open(before) == _open(event) or not who:
        return followed
    # another boat, with a role open to someone a claim took it off for: back on their list, as a release puts it
    items = ctx.store.get_many([person_key(profile.org.id, person_id) for person_id, _ in who])
    people = [Person.model_validate(i.data, context=STORED) if i else None for i in items]
    return replace(followed, added=frozenset(p for p, _ in given_up_to(ctx, profile, before, event, who, people)))


def _freed(profile: BusinessProfile, booking: Booking, before: CrewEvent, event: CrewEvent) -> dict[str, str]:
    """Why a booking's change frees each of its crew (`freed_by`) for the trips at its time their lists took off."""
    at, zone = when(before.start, profile.org.timezone), profile.org.timezone
    if booking.cancelled:
        how = f"{at} on {before.asset_name} was cancelled: free for a trip at its time"
    elif (before.start, before.end) != (event.start, event.end):
        how = f"{at} on {before.asset_name} moved to {when(event.start, zone)}: free for a trip at its old time"
    else:  # another boat, without their role
        how = f"{at} on {event.asset_name} has no role of theirs now: free for a trip at its time"
    return dict.fromkeys(sorted(freed_by(before, event)), how)


def _moved_with(profile: BusinessProfile, booking: Booking, before: CrewEvent, event: CrewEvent) -> dict[str, str]:
    """Why a booking's move takes off the lists of the crew it keeps the trips at its new time (one trip at a time)."""
    if booking.cancelled or (before.start, before.end) == (event.start, event.end):
        return {}
    zone = profile.org.timezone
    how = (
        f"{when(before.start, zone)} on {event.asset_name} moved to {when(event.start, zone)}, theirs then: at the "
        "time of a trip it lists (one trip at a time)"
    )
    return dict.fromkeys(sorted(s.person_id for s in event.roles if s.person_id), how)


def _taken_change(
    ctx: Context, org: str, before: CrewEvent, event: CrewEvent, by: str | None
) -> tuple[BusinessProfile, Change] | None:
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
    return profile, Change(
        (booking, event),
        f"{at} had its last role open to them taken",
        lambda f: f"{f}:{booking.id}:taken",
        theirs,
        elsewhere=elsewhere,
        freed=freed,
        was=before,
    )
