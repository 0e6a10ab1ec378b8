"""A guest's invitation aboard, worded for when it goes out."""

from __future__ import annotations

from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile, Entity
from firstmate.domain.codes import pretty_code
from firstmate.domain.guests import Guest
from firstmate.domain.mail import LaterWording, OutgoingMessage
from firstmate.domain.photos import album_closes_at
from firstmate.domain.timing import when
from firstmate.services.context import Context
from firstmate.services.messages import templated


def invitation(
    ctx: Context, profile: BusinessProfile, entity: Entity, booking: Booking, guest: Guest, *, key: str
) -> OutgoingMessage:
    """A guest's invitation, worded for when it goes out (`LaterWording`): before departure it asks them to sign
    before the boat leaves; held back by a relay outage until the boat had left, it asks them to say so if they
    are aboard, and sign; until the trip is over, it offers the album. Of use until the album closes: dropped at
    departure, a guest whose invitation an outage held never got their page, nor the album. A move of the trip
    withdraws it (`outbox.superseded`) and invites them again, as the trip is now, under the move's key (`key`),
    so the moments it is worded by are the trip's own while it waits."""
    assert guest.email is not None and guest.code is not None
    lead, zone = booking.request.lead_guest.name, profile.org.timezone
    departure = when(booking.request.start, zone)
    closes = album_closes_at(booking.request.end, ctx.settings.album_closes_after_days, zone)
    context = {
        "guest": guest,
        "lead": lead,
        "entity": entity,
        "departure": departure,
        "album_until": when(closes, zone),
        "link": f"{ctx.settings.base_url}/g/{guest.code}",
        "code": pretty_code(guest.code),
        "colour": entity.primary_colour,
    }
    subjects = {
        "before": f"{lead} invited you aboard: {departure}",
        "left": f"{lead} added you to your trip with {entity.name}: {departure}",
        "over": f"{lead} added you to your trip with {entity.name}: its photo album",
    }
    worded = {
        phase: templated(
            ctx, key=key, to=guest.email, subject=subject,
            template="guest_invite", context={**context, "phase": phase}, reply_to=profile.org.ops_email,
            stale_after=closes,
        )
        for phase, subject in subjects.items()
    }  # fmt: skip
    later = tuple(
        LaterWording(since=since, subject=worded[phase].subject, text=worded[phase].text, html=worded[phase].html)
        for phase, since in (("left", booking.request.start), ("over", booking.request.end))
    )
    return worded["before"].model_copy(update={"later": later})
