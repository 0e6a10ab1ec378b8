"""A "Crew needed on N trips" mail still waiting to go out (an outage held it) follows its trips (`lists_followed`).

Once one of the trips it lists is cancelled, moved, put on another boat or has its roles change, the waiting mail is
withdrawn in the change's own transaction, and one listing the trips that still need them, each as it is now, is
queued in its place: keyed `<the first mail's key>:<booking>:r<revision>`, so the trips that recorded the first key
(`ASKED_IN`) still find it by that key as a prefix. A mail sent, or being sent, is left as it went. Lists of more
people than the transaction has room for (two writes each) follow once the change is written (`rest_followed`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime

from firstmate.domain import outbox as rules
from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import CrewEvent
from firstmate.domain.outbox import OutboxStatus
from firstmate.domain.people import Person
from firstmate.domain.shared import STORED
from firstmate.domain.timing import when
from firstmate.errors import ConditionFailed
from firstmate.ports import Put, VersionIs, Write
from firstmate.services.context import Context
from firstmate.services.crew_freed.asking import still_listable
from firstmate.services.crew_freed.lists import ASKED_IN
from firstmate.services.notifications import crew_needed_list_message
from firstmate.services.outbox import enqueue_write, from_item, outbox_pk, to_item
from firstmate.services.paging import all_items
from firstmate.services.people import person_key
from firstmate.services.trips import booking_pk

#: How much of a change's transaction the lists it follows may write: half of the 4 MB DynamoDB writes in one (a list
#: of 200 trips is 100 KB, its withdrawal as much again), the change and its own notices needing the rest.
LISTS_BYTES = 2_000_000

#: Each trip a list names, by its link in the crew app (`crew_needed_list_message`).
_LISTED = re.compile(r"/crew/events/ev_([A-Za-z0-9]+)")


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
) -> tuple[list[Write], list[tuple[str, str]]]:
    """Writes, for the transaction of `booking`'s change (its trip `before` it and `event` after), that withdraw each
    "Crew needed on N trips" listing the trip still waiting to go out, and queue in its place one listing the trips of
    it that still need them as they are now (this one as `event`; none when no trip is left): at most `room` writes
    (two a person listed) and `LISTS_BYTES`, and the (person, first list's key) of those left for `rest_followed`
    once the change is written. Nothing when the change does not touch what a list says of the trip."""
    if _as_listed(before) == _as_listed(event):
        return [], []
    recorded = ctx.store.get(booking_pk(profile.org.id, booking.id), ASKED_IN)
    if recorded is None:
        return [], []
    writes: list[Write] = []
    size, listed = 0, sorted(dict(recorded.data.get("people", {})).items())
    for at, (person_id, first) in enumerate(listed):
        theirs = _followed(ctx, profile, booking, before, event, person_id, first, now)
        size += sum(len(json.dumps(w.item.data)) for w in theirs if isinstance(w, Put))
        if len(writes) + len(theirs) > room or size > LISTS_BYTES:
            return writes, listed[at:]  # more than one transaction holds: the rest once the change is written
        writes += theirs
    return writes, []


def rest_followed(
    ctx: Context,
    profile: BusinessProfile,
    booking: Booking,
    before: CrewEvent,
    event: CrewEvent,
    rest: Iterable[tuple[str, str]],
    now: datetime,
) -> None:
    """Once `booking`'s change is written, the lists `lists_followed` had no room for follow it, each person's in a
    transaction of its own, read again: one the dispatcher claimed meanwhile goes as it is."""
    for person_id, first in rest:
        try:
            writes = _followed(ctx, profile, booking, before, event, person_id, first, now)
            if writes:
                ctx.store.transact(writes)
        except ConditionFailed:
            continue  # claimed, sent or followed by another change meanwhile: it stands as that left it


def _followed(
    ctx: Context,
    profile: BusinessProfile,
    booking: Booking,
    before: CrewEvent,
    event: CrewEvent,
    person_id: str,
    first: str,
    now: datetime,
) -> list[Write]:
    """The writes withdrawing `person_id`'s list (first keyed `first`) still waiting, and queueing its successor."""
    org, zone = profile.org.id, profile.org.timezone
    change = "was cancelled" if booking.cancelled else f"changed ({when(event.start, zone)} on {event.asset_name})"
    writes: list[Write] = []
    for item in all_items(ctx.store, outbox_pk(org), first):
        entry = from_item(item)
        if (item.sk != first and not item.sk.startswith(f"{first}:")) or entry.status is not OutboxStatus.PENDING:
            continue  # another import's, or sent, being sent (it goes as it is), or withdrawn already
        key = f"{first}:{booking.id}:r{booking.revision}"
        said = f"{when(before.start, zone)} {change} before it went out; listed anew as {key}"
        writes.append(Put(to_item(rules.withdraw(entry, said, now)), VersionIs(item.version)))
        person_item = ctx.store.get(*person_key(org, person_id))
        if person_item is None:
            continue  # no longer the business's: nobody to ask
        person = Person.model_validate(person_item.data, context=STORED)
        ids = [f"bk_{suffix}" for suffix in dict.fromkeys(_LISTED.findall(entry.message.text))]
        trips = still_listable(ctx, org, ids, now, changed=(booking, event))
        message = crew_needed_list_message(ctx, profile, person, trips, key=key) if person.active else None
        if message is not None:
            writes.append(enqueue_write(org, message, now))
    return writes
