"""Reminders before each trip, through the outbox: once per offset and person, never stale.

A reminder for "24 h before" is sent only if the booking existed 24 h before departure: a trip
booked this morning does not get yesterday's reminder.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from firstmate.domain.mail import Countdown, OutgoingMessage
from firstmate.domain.outbox import reminder_prefix
from firstmate.domain.timing import when
from firstmate.services.bookings import get_booking
from firstmate.services.business import list_orgs, load_business
from firstmate.services.context import Context
from firstmate.services.messages import templated
from firstmate.services.outbox import enqueue
from firstmate.services.paging import all_items
from firstmate.services.people import list_people
from firstmate.services.trips import calendar_pk, get_event

#: How late a reminder may still go out after its moment (the scheduler runs every few minutes).
GRACE = timedelta(minutes=30)


def send_due_reminders(ctx: Context, offsets: list[timedelta], now: datetime) -> int:
    """Queue every reminder due now; return how many were new. Idempotent."""
    queued = 0
    horizon = now + max(offsets, default=timedelta(0)) + GRACE
    for org in list_orgs(ctx.store):
        profile = load_business(ctx.store, org)
        zone = profile.org.timezone if profile else "UTC"
        people = {p.id: p for p in list_people(ctx.store, org)}
        for item in all_items(ctx.store, calendar_pk(org)):
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
                for slot in event.roles:
                    person = people.get(slot.person_id or "")
                    if person is None or not person.active:
                        continue
                    countdown = Countdown(to=start)  # "in 1 h 59 min" worded as it is sent, not as it is queued
                    context = {
                        "person": person,
                        "role": slot.role.replace("_", " "),
                        "departure": when(start, zone),
                        "in": countdown.slot,
                        "boat": event.asset_name,
                        "link": f"{ctx.settings.base_url}/crew/events/{event.id}",
                        "colour": "#0b3d5c",
                    }
                    subject = f"Reminder: {context['role']} {context['in']}, {context['departure']}"
                    messages.append(
                        templated(
                            ctx,
                            # the departure is in the key: a rescheduled trip gets its reminders again
                            key=f"{reminder_prefix(event.id)}{int(start.timestamp())}:"
                            f"{int(offset.total_seconds() // 60)}m:{person.id}",
                            to=person.email,
                            subject=subject,
                            template="reminder",
                            context=context,
                            stale_after=start,  # a reminder after departure would only confuse
                            countdown=countdown,
                        )
                    )
            queued += enqueue(ctx.store, org, messages, now)
    return queued
