"""Reminders before each trip, through the outbox: once per offset and person, never stale.

A reminder for "24 h before" is sent only if the booking existed 24 h before departure: a trip
booked this morning does not get yesterday's reminder.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta

from firstmate.domain.crew import CrewEvent
from firstmate.domain.mail import Countdown, OutgoingMessage
from firstmate.domain.outbox import OutboxEntry, OutboxStatus, reminder_departure, reminder_prefix
from firstmate.domain.people import Person
from firstmate.domain.shared import iso
from firstmate.domain.timing import when
from firstmate.ports import Put, VersionIs
from firstmate.services.bookings import get_booking
from firstmate.services.business import list_orgs, load_business
from firstmate.services.context import Context
from firstmate.services.messages import templated
from firstmate.services.outbox import enqueue, from_item, outbox_pk, to_item
from firstmate.services.paging import all_items, iter_between
from firstmate.services.people import list_people
from firstmate.services.trips import calendar_pk, get_event

#: How late a reminder may still go out after its moment (the scheduler runs every few minutes).
GRACE = timedelta(minutes=30)


def send_due_reminders(ctx: Context, offsets: list[timedelta], now: datetime) -> int:
    """Queue every reminder due now; return how many were new. Idempotent."""
    queued = 0
    horizon = now + max(offsets, default=timedelta(0)) + GRACE
    last = iso((horizon + timedelta(microseconds=1)).astimezone(UTC))  # the calendar's keys sort as "<start>#<booking>"
    whole_minutes = {offset_label(o) for o in offsets if offset_label(o).endswith("m")}
    for org in list_orgs(ctx.store):
        profile = load_business(ctx.store, org)
        zone = profile.org.timezone if profile else "UTC"
        people = {p.id: p for p in list_people(ctx.store, org)}
        # only the trips departing before the horizon: the calendar is sorted by start (UTC), and holds every trip ever
        for item in iter_between(ctx.store, calendar_pk(org), iso(now.astimezone(UTC)), last):
            data = item.data
            if not data.get("event_id") or data.get("cancelled"):
                continue
            start = datetime.fromisoformat(data["start"])
            if not now < start <= horizon:
                continue
            booking = get_booking(ctx.store, org, data["booking_id"])
            event = get_event(ctx.store, org, data["event_id"])
            messages: list[OutgoingMessage] = []
            for offset in offsets:
                moment = start - offset
                if not (booking.created_at <= moment <= now < moment + GRACE):
                    continue
                key = f"{reminder_prefix(event.id)}{int(start.timestamp())}:{offset_label(offset)}"
                legacy = _legacy_key(key, whole_minutes)
                for slot in event.roles:
                    person = people.get(slot.person_id or "")
                    if person is None or not person.active:
                        continue
                    if legacy and ctx.store.get(outbox_pk(org), f"{legacy}:{person.id}") is not None:
                        continue  # queued before 2026-12-06 under the key its minute alone had
                    messages.append(reminder_message(ctx, event, person, slot.role, start, zone, key=key))
            queued += enqueue(ctx.store, org, messages, now)
    return queued


def offset_label(offset: timedelta) -> str:
    """An offset's part of its reminders' keys, of the offset alone: its whole minutes ("120m"), as every
    key has said, and for an offset not a whole number of minutes its seconds past them too ("120m30s").
    Until 2026-12-06 such an offset alone in its minute was "120m" and became "120m30s" once a 2 h offset
    was added, so a reminder already queued was queued again."""
    minutes = int(offset.total_seconds() // 60)
    seconds = (offset - timedelta(minutes=minutes)).total_seconds()
    return f"{minutes}m" + (f"{seconds:.6f}".rstrip("0").rstrip(".") + "s" if seconds else "")


def _legacy_key(key: str, whole_minutes: Collection[str]) -> str | None:
    """For a reminder of an offset not a whole number of minutes, the key it had before 2026-12-06 if it
    was queued then, that is its minute's ("…:120m") when no whole-minute offset of that minute is set
    (a key a 2 h offset's reminder would hold then, and one of them is enough); None otherwise."""
    head, _, label = key.rpartition(":")
    minute = label.split("m", 1)[0] + "m"
    return f"{head}:{minute}" if label != minute and minute not in whole_minutes else None


def reminder_message(
    ctx: Context, event: CrewEvent, person: Person, role: str, start: datetime, zone: str, *, key: str
) -> OutgoingMessage:
    """`person`'s reminder that they are `role` on `event`, departing `start`, under `key` (the trip's
    reminder prefix, its departure and the offset; the person's id is added: a rescheduled trip gets
    its reminders again under new keys)."""
    countdown = Countdown(to=start)  # "in 1 h 59 min" worded as it is sent, not as it is queued
    context = {
        "person": person,
        "role": role.replace("_", " "),
        "departure": when(start, zone),
        "in": countdown.slot,
        "boat": event.asset_name,
        "link": f"{ctx.settings.base_url}/crew/events/{event.id}",
        "colour": "#0b3d5c",
    }
    subject = f"Reminder: {context['role']} {context['in']}, {context['departure']}"
    return templated(
        ctx, key=f"{key}:{person.id}", to=person.email, subject=subject, template="reminder", context=context,
        stale_after=start, countdown=countdown,  # a reminder after departure would only confuse
    )  # fmt: skip


def reminders_reworded(
    ctx: Context, org: str, event: CrewEvent, people: Collection[str] = (), *, written: Sequence[Put] = ()
) -> list[Put]:
    """Writes that reword, in the role each holds on `event` and naming its boat, the reminders still
    waiting to go out (an outage held them) of `people` (whose role changed, or all holders for a trip
    on another boat: Jonah moved from crew 1 to captain was still reminded he was crew 1). `written`:
    the same change's writes to the trip's reminders (`reminders_followed`), returned among these, a
    reminder they let wait again reworded in its own write (its words are those of when it was
    queued): each reminder is written once."""
    roles = {slot.person_id: slot.role for slot in event.roles if slot.person_id}
    waiting_again = [e for e in (from_item(put.item) for put in written) if e.status is OutboxStatus.PENDING]
    wanted = ({*people} | {e.key.rsplit(":", 1)[-1] for e in waiting_again}) & roles.keys()
    if not wanted:
        return list(written)
    profile = load_business(ctx.store, org)
    zone = profile.org.timezone if profile else "UTC"
    holders = {p.id: p for p in list_people(ctx.store, org) if p.id in wanted}

    def reworded(entry: OutboxEntry) -> OutboxEntry | None:
        key, _, person_id = entry.key.rpartition(":")
        departure = reminder_departure(entry.key)
        if entry.status is not OutboxStatus.PENDING or person_id not in holders or departure is None:
            return None
        start = datetime.fromtimestamp(departure, UTC)
        message = reminder_message(ctx, event, holders[person_id], roles[person_id], start, zone, key=key)
        return entry.model_copy(update={"message": message})

    writes = []
    for put in written:
        again = reworded(from_item(put.item))
        writes.append(Put(to_item(again), put.condition) if again else put)
    taken = {put.item.sk for put in written}
    for item in all_items(ctx.store, outbox_pk(org), reminder_prefix(event.id)):
        again = None if item.sk in taken else reworded(from_item(item))
        if again is not None:
            writes.append(Put(to_item(again), VersionIs(item.version)))
    return writes
