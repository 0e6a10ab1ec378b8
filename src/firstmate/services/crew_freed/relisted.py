"""One person's waiting "Crew needed on N trips" following a change of a trip it names (`followed_writes`): withdrawn,
and its trips asked about anew, as a list or each trip's own "Crew needed"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from firstmate.domain import outbox as rules
from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import CrewEvent, EventStatus
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxEntry, OutboxStatus
from firstmate.domain.people import Person
from firstmate.domain.roster import role_label
from firstmate.domain.shared import STORED
from firstmate.domain.timing import when
from firstmate.ports import Absent, Item, Put, VersionIs, Write
from firstmate.services.context import Context
from firstmate.services.crew_freed.asking import still_listable
from firstmate.services.crew_freed.changes import Change
from firstmate.services.crew_freed.lists import LISTED_OVER
from firstmate.services.crew_freed.reopened import came_free, offers
from firstmate.services.notifications import crew_needed_list_message, crew_needed_message
from firstmate.services.outbox import enqueue_write, from_item, outbox_pk, to_item
from firstmate.services.paging import all_items
from firstmate.services.people import person_key

#: Each trip a list names, by its link in the crew app (`crew_needed_list_message`).
_LISTED = re.compile(r"/crew/events/ev_([A-Za-z0-9]+)")


def followed_writes(
    ctx: Context, profile: BusinessProfile, change: Change, person_id: str, first: str, now: datetime
) -> list[Write]:
    """The writes withdrawing `person_id`'s list (first keyed `first`) still waiting that the change touches (it names
    the changed trip; or, to put it back on, does not; or names others at its time, theirs now; or they left a role
    on it and get back those it took off, `_how`), and asking them in its place; freed from a role with none of their
    lists waiting, asking by each one's own "Crew needed" about the trips at its time those lists left off."""
    org = profile.org.id
    booking, _ = change.trip
    writes: list[Write] = []
    items = list(all_items(ctx.store, outbox_pk(org), first))
    used = {item.sk for item in items}
    flight = _in_flight(first, items)  # one of theirs being sent, withdrawn by an earlier change if its send fails
    replacing: list[str] = []
    for item in items:
        entry = from_item(item)
        sending = entry.status is OutboxStatus.SENDING and flight is None
        if (item.sk != first and not item.sk.startswith(f"{first}:")) or not (
            entry.status is OutboxStatus.PENDING or sending
        ):
            continue  # another import's, or sent, or withdrawn already (or marked so while it is sent)
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
        if sending and key == f"{first}:{booking.id}:free" and person_id not in change.elsewhere:
            continue  # it names nothing the change took away: it goes, and the trips given back ask by their own
        key = _fresh(key, used)
        used.add(key)
        # what goes in place of one being sent waits for its send: it goes only if that one fails
        after = entry.due_at if sending else (from_item(flight).due_at if flight else None)
        asked, said = _in_place(ctx, profile, change, person, ids, key, now, after=after)
        keys = [w.item.sk for w in asked if isinstance(w, Put)]
        if sending:
            withdrawn = rules.replaced_in_flight(entry, f"{why} before it went out; {said}", now, keys)
        else:
            withdrawn = rules.withdraw(entry, f"{why} before it went out; {said}", now)
            replacing += keys
        writes += [Put(to_item(withdrawn), VersionIs(item.version)), *asked]
    if flight is not None and replacing:  # its send going, those replacing its replacement are withdrawn too
        marked = rules.replaced_in_flight(from_item(flight), "", now, replacing)
        writes.append(Put(to_item(marked), VersionIs(flight.version)))
    if person_id in change.added and not writes and _never_sent(first, items):
        writes += _asked_at_first(ctx, profile, change, person_id, now)
    if person_id in change.freed and not writes and not _waiting(first, items):
        writes += _asked_once_free(ctx, profile, change, person_id, items, now)
    return writes


def _waiting(first: str, items: Sequence[Item]) -> bool:
    """Whether a list under `first` is still to go out, or being sent and withdrawn (what is in its place waits)."""
    ours = [from_item(i) for i in items if i.sk == first or i.sk.startswith(f"{first}:")]
    return any(e.status is OutboxStatus.PENDING or _marked(e) for e in ours)


def _going(entry: OutboxEntry) -> bool:
    """Whether `entry` went, or is being sent as it is (its send tried again if it fails): its trips are told."""
    return entry.status is OutboxStatus.SENT or (entry.status is OutboxStatus.SENDING and not _marked(entry))


def _marked(entry: OutboxEntry) -> bool:
    """Whether `entry` is being sent, withdrawn meanwhile (`rules.replaced_in_flight`)."""
    return entry.status is OutboxStatus.SENDING and (entry.last_error or "").startswith(rules.WITHDRAWN)


def _asked_once_free(
    ctx: Context, profile: BusinessProfile, change: Change, person_id: str, items: Sequence[Item], now: datetime
) -> list[Write]:
    """Each trip's own "Crew needed" to `person_id`, freed from a role by the change, of the trips at its time that
    their lists (`items`, gone: as a list, or as each trip's own; or being sent) left off for that role: never asked
    about them, as the others were when they were booked, they are asked once free, as someone a new trip left out
    is. Once: none of a trip named in a list that went or is going, or that told them of itself."""
    org = profile.org.id
    went = {
        f"bk_{suffix}"
        for item in items
        if _going(entry := from_item(item))
        for suffix in _LISTED.findall(entry.message.text)
    }
    item = ctx.store.get(*person_key(org, person_id))
    person = Person.model_validate(item.data, context=STORED) if item else None
    back = _returning(ctx, profile, change, person, items, sorted(went), now)
    if person is None or not back:
        return []
    writes: list[Write] = []
    for booking, event in still_listable(ctx, org, [b for b in back if not _told(ctx, org, b, person_id)], now):
        message = crew_needed_message(ctx, profile, booking, event, person)
        if message is not None and ctx.store.get(outbox_pk(org), message.idempotency_key) is None:
            writes.append(enqueue_write(org, message, now))
    return writes


def _in_flight(first: str, items: Sequence[Item]) -> Item | None:
    """The list under `first` being sent that a change marked withdrawn meanwhile (`rules.replaced_in_flight`)."""
    for item in items:
        entry = from_item(item)
        ours = item.sk == first or item.sk.startswith(f"{first}:")
        if ours and entry.status is OutboxStatus.SENDING and (entry.last_error or "").startswith(rules.WITHDRAWN):
            return item
    return None


def _never_sent(first: str, items: Sequence[Item]) -> bool:
    """Whether every list under `first` was withdrawn before it went out: it went as each trip's own "Crew needed"
    (3 trips or fewer), or had none left to ask about."""
    ours = [from_item(i) for i in items if i.sk == first or i.sk.startswith(f"{first}:")]
    return bool(ours) and all(
        e.status is OutboxStatus.DEAD and (e.last_error or "").startswith(rules.WITHDRAWN) for e in ours
    )


def _asked_at_first(
    ctx: Context, profile: BusinessProfile, change: Change, person_id: str, now: datetime
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
    change: Change,
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
    change: Change,
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
    crewed = change.trip[1]
    holding = crewed if _crews(crewed, person.id) else None  # a trip moved, theirs at its new time
    return came_free(ctx, profile, person, change.was, sorted(ever - set(ids)), now, holding=holding)


def _at_its_time(ctx: Context, org: str, person_id: str, change: Change, ids: Sequence[str], now: datetime) -> bool:
    """Whether the list naming `ids` offers `person_id`, put in a role on the changed trip, another at its time."""
    crewed = change.trip[1]
    if person_id not in change.elsewhere or not any(s.person_id == person_id for s in crewed.roles):
        return False
    return any(e.start < crewed.end and crewed.start < e.end for _, e in still_listable(ctx, org, ids, now))


def _crews(event: CrewEvent, person_id: str) -> bool:
    """Whether `person_id` holds a role on `event`'s trip, still to sail (a cancelled one holds nobody then)."""
    return event.status is not EventStatus.CANCELLED and any(s.person_id == person_id for s in event.roles)


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
    change: Change,
    person: Person | None,
    ids: Sequence[str],
    key: str,
    now: datetime,
    *,
    after: datetime | None = None,
) -> tuple[list[Write], str]:
    """What asks `person` (None: no longer the business's) about the trips `ids` of a withdrawn list that still need
    them, each as it is now, and what the withdrawn one says of it: one list keyed `key`, or, for `LISTED_OVER`
    trips or fewer, each trip's own "Crew needed" (as at first), but of a trip that told them of itself since; none
    sharing a moment with the changed trip when they crew it, nor that trip moved to a time they crew another."""
    org = profile.org.id
    if person is None or not person.active:
        return [], "nobody to ask: no longer crew"
    trips = [t for t in still_listable(ctx, org, ids, now, changed=change.trip) if offers(profile, t[1], person)]
    crewed = change.trip[1]
    if person.id in change.busy:  # moved to a time they crew another trip: asked once it lets them go (`NOT_ASKED`)
        trips = [(b, e) for b, e in trips if b.id != change.trip[0].id]
    if _crews(crewed, person.id):
        # one trip at a time: a trip sharing a moment with the one they now crew is no longer theirs to take
        trips = [(b, e) for b, e in trips if not (e.start < crewed.end and crewed.start < e.end)]
    if not trips:
        return [], "no trip left to ask them about"
    if len(trips) > LISTED_OVER:
        message = crew_needed_list_message(ctx, profile, person, trips, key=key)
        return ([_queued(org, message, now, after)] if message else []), f"listed anew as {key}"
    # one that told them of its trip since, at any revision ("Trip changed" to every qualified crew member, nobody
    # aboard), stands: a later revision the crew heard nothing of (its price) does not ask them about it again
    own = [
        m
        for booking, event in trips
        if not _told(ctx, org, booking.id, person.id)
        and (m := crew_needed_message(ctx, profile, booking, event, person))
    ]
    return [_queued(org, m, now, after) for m in own], f'asked instead by each trip\'s own "Crew needed" ({len(trips)})'


def _told(ctx: Context, org: str, booking_id: str, person_id: str) -> bool:
    """Whether a crew message of any revision of `booking_id`'s trip went to `person_id`
    (`bk:<booking>:r<revision>:crew:<person>`)."""
    return any(i.sk.endswith(f":crew:{person_id}") for i in all_items(ctx.store, outbox_pk(org), f"bk:{booking_id}:r"))


def _queued(org: str, message: OutgoingMessage, now: datetime, after: datetime | None) -> Write:
    """The write queueing `message` once (`enqueue_write`), due `after` the send of the list it replaces ends."""
    return Put(to_item(rules.new_entry(org, message, now, due=after)), Absent())
