"""Roster use cases: claim, release and designate roles, each one conditional write with its notices.

Twenty people claiming one role at once: each reads the event and writes it back on condition of
its version; exactly one write lands, the others re-read and find the role taken.

Nobody crews two trips at once. Taking a role also rewrites a small marker of the person's
(`crew_trips.roster_marker`), on condition of the version read before looking at their other trips: of
two claims by one person on overlapping trips at the same moment, one lands and the other, read
again, finds the clash. A booking moving one of their trips rewrites it too. The marker lists the
trips they hold, so their other trips are found with one read, not by reading the calendar around
the trip (whose cost grows with everyone's trips at that time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Literal

import structlog

from firstmate.domain import roster as rules
from firstmate.domain.crew import CrewEvent
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.people import Person
from firstmate.domain.roster import role_label
from firstmate.domain.timing import span, times_shown, when
from firstmate.errors import ConditionFailed, Conflict, Forbidden, InvalidInput, NotFound, StoreError
from firstmate.ports import MAX_TRANSACTION_WRITES, Item, Put, Write
from firstmate.services.business import load_business, org_timezone
from firstmate.services.context import Context
from firstmate.services.crew_freed import ask_the_freed, asks_taken, lists_taken, rest_asks_taken, rest_taken
from firstmate.services.crew_owed import freed_owed
from firstmate.services.crew_trips import (
    held_list_due,
    held_trips,
    listed_markers,
    roster_marker,
    roster_marker_key,
)
from firstmate.services.events import AlsoWrites, update_event
from firstmate.services.messages import templated
from firstmate.services.outbox import reminders_followed
from firstmate.services.people import get_person, list_people
from firstmate.services.reminders import reminders_reworded
from firstmate.services.trips import events_between, get_events

MAX_ATTEMPTS = 30
#: How far into a change's transaction the waiting lists it follows may go (`lists_taken`), as a booking's change.
_LISTS_ROOM = MAX_TRANSACTION_WRITES // 2
#: How far into a change's transaction the trip's own waiting "Crew needed" it follows may go (`asks_taken`).
_ASKS_ROOM = MAX_TRANSACTION_WRITES // 4
#: Releasing a role closer than this to departure needs the captain's or an admin's approval.
RELEASE_NOTICE = timedelta(hours=48)

Change = Callable[[CrewEvent], tuple[CrewEvent, list[OutgoingMessage]]]

log = structlog.get_logger(__name__)


def claim_role(
    ctx: Context, org: str, event_id: str, role: str, person_id: str, *, seen: str | None = None
) -> CrewEvent:
    """`person_id` takes `role`. Raises Conflict ("already taken by Ana") when someone else holds it
    or when they hold a role on an overlapping trip, or when `seen` (the trip's `times_shown` on the
    page the claim was made from) is not the trip's times now; Forbidden when they are not qualified,
    InvalidInput when they already hold another role on this trip."""
    person = get_person(ctx.store, org, person_id)

    def change(event: CrewEvent) -> tuple[CrewEvent, list[OutgoingMessage]]:
        _refuse_once_departed(event, ctx.clock.now())  # a claim days after the trip made someone its crew, unasked
        if seen is not None and seen != times_shown(event.start, event.end):  # a page opened before the trip moved
            moved_to = span(event.start, event.end, org_timezone(ctx.store, org))
            raise Conflict(
                f"this trip moved since you opened it: it is now {moved_to}",
                hint="take the role again if you can crew it then",
            )
        updated = rules.claim(event, role, person)
        if updated == event:
            return event, []
        label = role_label(role)
        notices = [_notice(ctx, org, updated, person, f"You're {label}", f"You are {label} on this trip.")]
        captain = rules.captain_of(updated)
        if captain and captain != person.id and (told := get_person(ctx.store, org, captain)).active:
            notices.append(
                _notice(ctx, org, updated, told, "Roster change", f"{person.first_name} took {role_label(role)}.")
            )
        return updated, notices

    return _apply(ctx, org, event_id, change, also=_one_trip_at_a_time(ctx, org, person, "you are"), by=person.id)


def release_role(
    ctx: Context, org: str, event_id: str, role: str, holder_id: str, actor: Person
) -> tuple[CrewEvent, bool]:
    """Give back a role. The holder may release it outright until 48 h before departure; after
    that their release is a request until the captain or an admin releases it for them. Once the
    trip has left (under way or over) only an admin releases anyone (Conflict). Returns the event and
    whether the role is now open."""
    released = False

    def change(event: CrewEvent) -> tuple[CrewEvent, list[OutgoingMessage]]:
        nonlocal released
        # nobody approves their own late release: the captain leaving needs an admin
        approver = actor.admin or (_is_approver(event, actor) and actor.id != holder_id)
        if actor.id != holder_id and not approver:
            raise Forbidden("only the captain or an admin can release someone else")
        if not actor.admin:  # who crewed a trip sailed, or is aboard one sailing, is the record: an admin corrects it
            _refuse_once_departed(event, ctx.clock.now())
        updated, released = rules.release(
            event, role, holder_id, now=ctx.clock.now(), notice=RELEASE_NOTICE, approved=approver
        )
        if updated == event:
            return event, []
        holder = get_person(ctx.store, org, holder_id)
        if released:
            text = f"{holder.first_name} no longer holds {role_label(role)}: the role is open."
            headline = "Role open"
        else:
            late = "(less than 48 hours before departure)"
            text = f"{holder.first_name} asks to be released from {role_label(role)} {late}."
            headline = "Release requested"
        notices = [_notice(ctx, org, updated, p, headline, text) for p in _deciders(ctx, org, updated, holder)]
        if released and actor.id != holder_id and holder.active:  # taken off by someone else: they hear of it
            off = f"{actor.first_name} released you from {role_label(role)}: you are no longer on this trip."
            notices.append(_notice(ctx, org, updated, holder, "Released", off))
        return updated, notices

    return _apply(ctx, org, event_id, change), released


def designate_role(ctx: Context, org: str, event_id: str, role: str, person_id: str, actor: Person) -> CrewEvent:
    """The captain or an admin puts someone in a role (replacing its holder). Raises Forbidden for
    anyone else, and Conflict when that person holds a role on an overlapping trip, or (but for an
    admin) once the trip has left."""
    person = get_person(ctx.store, org, person_id)

    def change(event: CrewEvent) -> tuple[CrewEvent, list[OutgoingMessage]]:
        if not _is_approver(event, actor):
            raise Forbidden("only the captain or an admin can designate crew")
        if not actor.admin:  # as a claim is: who is aboard a trip that has left is the record
            _refuse_once_departed(event, ctx.clock.now())
        updated, displaced = rules.designate(event, role, person)
        held, holds = rules.held_by(event, actor.id), rules.held_by(updated, actor.id)
        late = event.start - ctx.clock.now() < RELEASE_NOTICE
        if late and not actor.admin and held is not None and (holds is None or holds.role != held.role):
            # moving out of their role, or putting someone else in it, is leaving it: as late as this, their
            # own release is only a request an admin decides
            raise Forbidden(
                f"less than 48 hours before departure you cannot leave {role_label(held.role)} yourself",
                hint="ask to be released from it instead: an admin decides",
            )
        if updated == event:
            return event, []
        label = role_label(role)
        notices = [_notice(ctx, org, updated, person, f"You're {label}", f"{actor.first_name} made you {label}.")]
        if displaced and (told := get_person(ctx.store, org, displaced)).active:  # one who left hears no more
            notices.append(
                _notice(ctx, org, updated, told, "Roster change",
                        f"{actor.first_name} gave {role_label(role)} to {person.first_name}.")
            )  # fmt: skip
        return updated, notices

    busy = _one_trip_at_a_time(ctx, org, person, f"{person.first_name} is")
    return _apply(ctx, org, event_id, change, also=busy, by=actor.id)


def _refuse_once_departed(event: CrewEvent, now: datetime) -> None:
    """Conflict once the trip has left (over or under way): an admin records who crewed it."""
    _refuse_once_over(event, now)
    if rules.departed(event, now):
        raise Conflict("this trip has left", hint="an admin can put someone in its roles")


def _refuse_once_over(event: CrewEvent, now: datetime) -> None:
    """Conflict once the trip is over: an admin records who crewed it."""
    if rules.over(event, now):
        raise Conflict("this trip is over", hint="an admin can put someone in its roles")


def busy_elsewhere(
    ctx: Context, org: str, event: CrewEvent, person_id: str, *, marker: Item | Literal["read"] | None = "read"
) -> str | None:
    """What keeps `person_id` from a role on `event`: "captain on Sea Lark, Sat 12 Dec 2026, 14:00
    PST to 17:00", the role they hold on an overlapping trip; None when they are free then. The
    trips they hold are those their roster `marker` lists (read from the store unless given), each
    looked at as it is now; for a marker without the list, or a trip beyond it, those in the calendar."""
    held = held_trips(ctx.store.get(*roster_marker_key(org, person_id)) if marker == "read" else marker)
    if held is not None and held.covers(event.start, event.end):
        listed = held.overlapping(event.start, event.end, besides=event.id)
        others = get_events(ctx.store, org, listed) if listed else []
    else:
        others = events_between(ctx.store, org, event.start, event.end, held_by={person_id})
    found = rules.clash(event, person_id, others)
    if found is None:
        return None
    other, role = found
    return rules.role_on(role, other, org_timezone(ctx.store, org))


def list_held_trips(ctx: Context, org: str) -> int:
    """For the `roster_lists` job: list in each person's roster marker the trips they hold. The org
    is listed when anyone in it is due (`held_list_due`: people from before the list or new, and
    lists nearing the end of their span), everyone at once, so that a month later they are due
    together: one read of its calendar. A person whose marker changed meanwhile (a claim, a move) is
    listed on the next run. Returns how many people were listed."""
    now = ctx.clock.now()
    people = [p.id for p in list_people(ctx.store, org)]
    markers = ctx.store.get_many([roster_marker_key(org, p) for p in people]) if people else []
    if not any(held_list_due(m, now) for m in markers):
        return 0
    listed = 0
    for write in listed_markers(ctx.store, org, people, markers, now):
        try:
            ctx.store.transact([write])
        except ConditionFailed:
            continue  # their marker changed since it was read: listed next run
        listed += "held" in write.item.data  # not someone found holding too many trips to list
    return listed


def _one_trip_at_a_time(ctx: Context, org: str, person: Person, subject: str) -> AlsoWrites:
    """The check and write that keep `person` off two trips at once, for `update_event`."""

    def check(event: CrewEvent) -> Sequence[Write]:
        if rules.held_by(event, person.id) is None:
            return []
        # read before the other trips (see the module's notes); it lists them, this one too once written
        marker = roster_marker(ctx.store, org, person.id, holding=event, now=ctx.clock.now())
        elsewhere = busy_elsewhere(ctx, org, event, person.id, marker=marker.item)
        if elsewhere is not None:
            raise Conflict(f"{subject} already {elsewhere}: one trip at a time", hint="release that role first")
        return [marker]

    return check


def _apply(
    ctx: Context, org: str, event_id: str, change: Change, also: AlsoWrites | None = None, by: str | None = None
) -> CrewEvent:
    read: list[CrewEvent] = []  # the event the change was decided on, for its reminders' writes
    owed: list[Put] = []  # the mark of the asking the change owes those it frees, as last written
    lists_left: list[tuple[str, str]] = []  # the waiting lists it follows beyond its transaction, as last decided
    asks_left: list[str] = []  # whose waiting "Crew needed" it follows beyond its transaction, as last decided

    def mapped(event: CrewEvent) -> tuple[CrewEvent, list[OutgoingMessage]]:
        read[:] = [event]
        try:
            return change(event)
        except rules.RosterError as exc:
            raise _error(exc) from None

    def writes(updated: CrewEvent) -> list[Write]:
        # a reminder follows its role: withdrawn from who gave it up, waiting again for who took it back,
        # reworded for who holds another role now
        before, after = ({s.person_id: s.role for s in e.roles if s.person_id} for e in (read[0], updated))
        handed = (
            reminders_followed(
                ctx.store, org, updated.id, departure=updated.start, holders=frozenset(after), now=ctx.clock.now()
            )
            if before.keys() != after.keys()
            else []
        )
        moved = [person for person, role in after.items() if before.get(person, role) != role]
        owed[:] = [mark] if (mark := freed_owed(org, read[0], updated, ctx.clock.now())) else []
        written = [
            *(also(updated) if also else []),
            *reminders_reworded(ctx, org, updated, moved, written=handed),
            *owed,
        ]
        # a "Crew needed on N trips" still waiting that offers the trip to someone it now offers no role
        try:
            room = _LISTS_ROOM - len(written)
            lists, lists_left[:] = lists_taken(ctx, org, read[0], updated, ctx.clock.now(), room=room, by=by)
        except StoreError as exc:
            # the claim is not the list's to refuse: the store failing to read it, the list goes as it was
            log.warning("crew.lists_unfollowed", org=org, trip=event_id, error=str(exc))
            lists, lists_left[:] = [], []
        # the trip's own "Crew needed" still waiting, to whom it now offers no role (or, given up, offers one again)
        try:
            asks, asks_left[:] = asks_taken(ctx, org, read[0], updated, ctx.clock.now(), room=_ASKS_ROOM, by=by)
        except StoreError as exc:
            log.warning("crew.asks_unfollowed", org=org, trip=event_id, error=str(exc))
            asks, asks_left[:] = [], []
        return [*written, *lists, *asks]

    updated = update_event(ctx, org, event_id, mapped, attempts=MAX_ATTEMPTS, also=writes)
    if (lists_left or asks_left) and read and read[0] != updated:
        try:
            rest_taken(ctx, org, read[0], updated, lists_left, ctx.clock.now(), by=by)
            rest_asks_taken(ctx, org, read[0], updated, asks_left, ctx.clock.now(), by=by)
        except StoreError as exc:
            # the change has landed: answered an error, its caller would retry it and be refused; the lists left
            # go as they were
            log.warning("crew.lists_unfollowed", org=org, trip=event_id, error=str(exc))
    if not (owed and read and read[0] != updated):
        return updated
    try:
        profile = load_business(ctx.store, org)
    except StoreError as exc:
        # the change has landed: answered an error, its caller retried it and was refused ("you do not hold crew
        # 1"); the asking is left to the `fanouts` job, by the mark written with the change
        log.warning("crew.freed_unasked", org=org, trip=event_id, error=str(exc))
        return updated
    if profile is not None:
        # released, or replaced by a designation: asked to crew the trips at its time they were left out of
        ask_the_freed(ctx, profile, read[0], updated, owed=owed[0])
    return updated


def _error(exc: rules.RosterError) -> Exception:
    if exc.kind == "taken":
        return Conflict(str(exc), hint="pick another role or ask the captain")
    if exc.kind == "forbidden":
        return Forbidden(str(exc))
    if exc.kind == "missing":
        return NotFound(str(exc))
    if exc.kind == "cancelled":
        return Conflict(str(exc))
    return InvalidInput(str(exc))


def _is_approver(event: CrewEvent, actor: Person) -> bool:
    return actor.admin or rules.captain_of(event) == actor.id


def _deciders(ctx: Context, org: str, event: CrewEvent, holder: Person) -> list[Person]:
    """Who hears about a release: the captain and the admins, never the holder twice."""
    captain = rules.captain_of(event)
    people = [p for p in list_people(ctx.store, org) if p.active and (p.admin or p.id == captain)]
    return [p for p in people if p.id != holder.id] or [holder]


def _notice(ctx: Context, org: str, event: CrewEvent, to: Person, headline: str, text: str) -> OutgoingMessage:
    zone = org_timezone(ctx.store, org)
    departure = when(event.start, zone)
    context = {
        "person": to,
        "headline": headline,
        "text": text,
        "departure": departure,
        "boat": event.asset_name,
        "roster": [(role_label(s.role), s.first_name or "open") for s in event.roles],
        "link": f"{ctx.settings.base_url}/crew/events/{event.id}",
        "colour": "#0b3d5c",
    }
    subject = f"{headline}: {departure}, {event.asset_name}"
    key = f"ev:{event.id}:{to.id}:{headline.lower().replace(' ', '-')}"
    return templated(
        ctx, key=key, to=to.email, subject=subject, template="roster", context=context, stale_after=event.end
    )
