"""A booking change's own writes: what it writes over, as stored (`written_over`), and the revision's writes on
the versions read: its intake anchor, the booking, its crew event, its calendar entry and the double-booking check
owed (`revision_writes`). `change` writes them with all the change fans out to."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from firstmate.domain.bookings import Booking, BookingRequest
from firstmate.domain.calendar import CalendarEntry
from firstmate.domain.crew import CrewEvent
from firstmate.errors import ConditionFailed
from firstmate.ports import Absent, Delete, Item, Put, Store, VersionIs, Write
from firstmate.services.bookings.anchors import (
    MAX_REMEMBERED,
    anchor_data,
    anchor_data_kept,
    anchor_numbers,
    anchor_seen,
    bodies_with,
    heard_fingerprints,
    revision_seen,
)
from firstmate.services.trips import DEFERRED_CHECK, booking_pk, calendar_pk, calendar_sk, check_owed


class Stored(NamedTuple):
    """What a change writes over, as read: each written on its version."""

    booking: Item
    event: Item
    entry: Item


def written_over(store: Store, org: str, existing: Booking) -> Stored:
    """What the change writes over, as stored: the booking, its crew event and its calendar entry; raises
    ConditionFailed when one is missing (someone else is writing the booking)."""
    pk = booking_pk(org, existing.id)
    booking_item = store.get(pk, "BOOKING")
    event_item = store.get(pk, "EVENT")
    entry_item = store.get(calendar_pk(org), calendar_sk(existing.request.start, existing.id))
    if booking_item is None or event_item is None or entry_item is None:
        raise ConditionFailed("the booking is being written by someone else")
    return Stored(booking_item, event_item, entry_item)


def revision_writes(
    org: str,
    existing: Booking,
    booking: Booking,
    event: CrewEvent,
    entry: CalendarEntry,
    anchor: Item,
    sent: tuple[BookingRequest, tuple[str, str]],
    stored: Stored,
    *,
    tell: bool,
    now: datetime,
) -> list[Write]:
    """The revision's own writes, each on the version read: its intake anchor (the body `sent` kept as its path's
    last word, and known again should it come late), the booking, its crew event, its calendar entry (under its new
    start's key when it moved) and the double-booking check owed (deferred without `tell`)."""
    pk = booking_pk(org, existing.id)
    booking_item, event_item, entry_item = stored
    old_sk, new_sk = calendar_sk(existing.request.start, existing.id), calendar_sk(booking.request.start, booking.id)
    body, placed = sent
    seen = anchor_seen(anchor) + heard_fingerprints(revision_seen(booking), body, placed)
    kept = anchor_data(existing.id, seen[-MAX_REMEMBERED:], body, anchor_numbers(anchor), bodies_with(anchor, body))
    writes: list[Write] = [
        Put(Item(anchor.pk, anchor.sk, {**anchor_data_kept(anchor), **kept}), VersionIs(anchor.version)),
        Put(Item(pk, "BOOKING", booking.model_dump(mode="json")), VersionIs(booking_item.version)),
        Put(Item(pk, "EVENT", event.model_dump(mode="json")), VersionIs(event_item.version)),
    ]
    if new_sk != old_sk:
        writes.append(Delete(calendar_pk(org), old_sk, VersionIs(entry_item.version)))
        writes.append(Put(Item(calendar_pk(org), new_sk, entry.model_dump(mode="json")), Absent()))
    else:
        writes.append(Put(Item(calendar_pk(org), new_sk, entry.model_dump(mode="json")), VersionIs(entry_item.version)))
    writes.append(check_owed(org, new_sk, after=None if tell else now + DEFERRED_CHECK))
    return writes
