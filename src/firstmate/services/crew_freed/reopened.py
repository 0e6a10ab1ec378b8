"""Who a roster change reaches through the "Crew needed on N trips" still waiting beyond those whose list loses the
trip (`followed.lists_taken`): those a role given up offers the trip again (`given_up_to`: it goes back on their
list), those it puts in a role whose list names no trip of it (`holders_lists`: it loses those at its time), and
those it frees, whose list gets back the trips at its time it lost (`came_free`).

Each is a person and the key of the first list that asked them (`crew-asked:<person>:<import>`), which the lists
queued in its place extend (`followed`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import CrewEvent, EventStatus
from firstmate.domain.outbox import OutboxStatus
from firstmate.domain.people import Person
from firstmate.services.context import Context
from firstmate.services.crew_freed.asking import roster_told, still_listable
from firstmate.services.crew_freed.lists import not_asked
from firstmate.services.outbox import from_item, outbox_pk
from firstmate.services.trips import crew_busy_between, events_between

#: A waiting list to follow: the person's id and the key of the first mail that listed them (`ASKED_IN`).
Listed = tuple[str, str]

#: The key of every list asking one person (`joined.listing_key`, and those queued in its place after it).
_LISTS_OF = "crew-asked:{}:"


def offers(profile: BusinessProfile, event: CrewEvent, person: Person) -> bool:
    """Whether a list may ask `person` to crew `event`'s trip: of the business's lines and boats, a role open they
    may take, and none held on it (one role a trip)."""
    if profile.entity(event.entity) is None or profile.asset(event.asset) is None:
        return False
    if any(slot.person_id == person.id for slot in event.roles):
        return False
    return any(person.may_take(slot.role) for slot in event.roles if slot.person_id is None)


def given_up_to(
    ctx: Context,
    profile: BusinessProfile,
    before: CrewEvent,
    event: CrewEvent,
    listed: Sequence[Listed],
    people: Sequence[Person | None],
) -> list[Listed]:
    """Of `listed` (those a list asked about the trip, `people` as they are now), those a role given up on it (`before`
    it, `event` after) offers it again, to be put back on their list: active, offered nothing on it before, free at
    its time (one trip at a time), and never told they held a role on it (who gave one up left it)."""
    back = [
        (theirs, person)
        for theirs, person in zip(listed, people, strict=True)
        if person is not None
        and person.active
        and not offers(profile, before, person)
        and offers(profile, event, person)
    ]
    if not back:
        return []
    # a third trip at its time keeps them: asked once it lets them go (`ask_the_freed`), as anyone busy then
    busy = crew_busy_between(ctx.store, profile.org.id, event.start, event.end)
    left = {slot.person_id for slot in before.roles if slot.person_id} | roster_told(ctx, profile.org.id, event.id)
    kept_off = busy | left
    return [theirs for theirs, person in back if person.id not in kept_off]


def holders_lists(ctx: Context, org: str, people: Iterable[str], *, gone: bool = False) -> list[Listed]:
    """The (person, first list's key) of each "Crew needed on N trips" still waiting to `people` (put in a role by a
    roster change): one a trip of theirs does not name may name others at its time, no longer theirs to take. With
    `gone` (`people` freed from a role), of those that went too: a trip at its time they left off was never asked."""
    wanted = {_LISTS_OF.format(person_id): person_id for person_id in set(people)}
    if not wanted:
        return []
    found: dict[Listed, None] = {}
    for item in ctx.store.query_prefixes(outbox_pk(org), sorted(wanted)):  # every person's lists, in one read
        prefix = _LISTS_OF.format(item.sk.split(":")[1])  # whose it is: "crew-asked:<person>:<import>…"
        if prefix in wanted and (gone or from_item(item).status is OutboxStatus.PENDING):
            batch = item.sk.removeprefix(prefix).partition(":")[0]
            found[(wanted[prefix], f"{prefix}{batch}")] = None
    return sorted(found)


def came_free(
    ctx: Context,
    profile: BusinessProfile,
    person: Person,
    before: CrewEvent,
    ever: Iterable[str],
    now: datetime,
    *,
    holding: CrewEvent | None = None,
) -> list[str]:
    """Of the trips `ever` listed to `person` (by any list queued under their first), those to put back on their list
    now that they left their role on `before`'s trip (or it was cancelled, or moved: `holding`, the trip they crew
    now): at its times, a role open they may take, free then (a third trip, or `holding`, keeps them: asked once
    it lets them go), never told they held a role on it, nor left out of it busy (asked by its own "Crew needed"); not
    `before`'s own (it is on their trip list)."""
    org = profile.org.id
    found = []
    for booking, event in still_listable(ctx, org, [t for t in ever if t != before.booking_id], now):
        if not (event.start < before.end and before.start < event.end and offers(profile, event, person)):
            continue
        if holding is not None and event.start < holding.end and holding.start < event.end:
            continue  # moved, the trip they crew still holds them then
        # who holds a role then but on the trip they left (as stored until this change is written)
        others = (e for e in events_between(ctx.store, org, event.start, event.end) if e.id != before.id)
        busy = {s.person_id for e in others if e.status is not EventStatus.CANCELLED for s in e.roles if s.person_id}
        if person.id in busy or person.id in roster_told(ctx, org, event.id):
            continue
        # left out of it busy (moved onto their time): its own "Crew needed" asks them once free (`ask_the_freed`)
        if person.id not in not_asked(ctx.store, org, booking.id):
            found.append(booking.id)
    return found
