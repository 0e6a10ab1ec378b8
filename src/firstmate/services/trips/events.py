"""Crew events: one by its id, a batch by theirs, and what holds a person at a given time (one trip at a time)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from firstmate.domain.crew import CrewEvent, EventStatus
from firstmate.errors import NotFound
from firstmate.ports import Store
from firstmate.services.trips.keys import booking_pk
from firstmate.services.trips.overlaps import TRIP_LENGTH, calendar_between


def get_event(store: Store, org: str, event_id: str) -> CrewEvent:
    """The crew event with this id; raises NotFound otherwise."""
    if not event_id.startswith("ev_"):
        raise NotFound(f"no event {event_id!r}")
    item = store.get(booking_pk(org, "bk_" + event_id.removeprefix("ev_")), "EVENT")
    if item is None:
        raise NotFound(f"no event {event_id!r}")
    return CrewEvent.model_validate(item.data)


def get_events(store: Store, org: str, event_ids: list[str]) -> list[CrewEvent]:
    """The crew events with these ids, in order, read in batches; an id without an event is left out."""
    wanted = [e for e in event_ids if e.startswith("ev_")]
    items = store.get_many([(booking_pk(org, "bk_" + e.removeprefix("ev_")), "EVENT") for e in wanted])
    return [CrewEvent.model_validate(item.data) for item in items if item is not None]


def events_between(
    store: Store, org: str, start: datetime, end: datetime, *, held_by: Collection[str] | None = None
) -> list[CrewEvent]:
    """The trips sharing a moment with [start, end), cancelled ones included, in order of departure;
    with `held_by`, only those on which one of these people holds a role."""
    entries = calendar_between(store, org, start, end, TRIP_LENGTH)
    keys = [(booking_pk(org, e.booking_id), "EVENT") for e in entries if e.event_id and e.booking_id]
    items = [i for i in store.get_many(keys) if i is not None] if keys else []
    if held_by is not None:  # looked at as stored: a whole event (its checklist) is costly to decode
        items = [i for i in items if any(r.get("person_id") in held_by for r in i.data.get("roles", ()))]
    return [CrewEvent.model_validate(i.data) for i in items]


def crew_busy_between(
    store: Store, org: str, start: datetime, end: datetime, *, as_if: CrewEvent | None = None
) -> frozenset[str]:
    """Who holds a role on a live trip sharing a moment with [start, end): not to be asked to crew a trip
    then (one trip at a time). `as_if`: a trip as a change not yet written leaves it (a dry run), read in place of
    its stored self."""
    read = events_between(store, org, start, end)
    trips = (as_if if as_if is not None and e.id == as_if.id else e for e in read)
    live = (e for e in trips if e.status is not EventStatus.CANCELLED)
    return frozenset(slot.person_id for event in live for slot in event.roles if slot.person_id)
