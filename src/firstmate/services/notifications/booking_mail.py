"""Each audience's message of a booking's revision: the operations manager's, a crew member's, a guest's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from firstmate.domain.bookings import Booking, IntakeResult
from firstmate.domain.business import Asset, BusinessProfile, Entity
from firstmate.domain.codes import pretty_code
from firstmate.domain.guests import Guest, resign_note, waiver_version
from firstmate.domain.mail import OutgoingMessage, SignInLink
from firstmate.domain.people import Person
from firstmate.domain.roster import Clash, role_label, role_on
from firstmate.domain.timing import when
from firstmate.services.access import NOTIFICATION_LINK_TTL
from firstmate.services.context import Context
from firstmate.services.messages import templated

_VERB = {
    IntakeResult.CREATED: "New",
    IntakeResult.UPDATED: "Changed",
    IntakeResult.CANCELLED: "Cancelled",
}


def guest_page_url(ctx: Context, booking: Booking) -> str:
    """The guest page of a booking."""
    return f"{ctx.settings.base_url}/g/{booking.guest_code}"


def _code_of(guest: Guest, booking: Booking) -> str:
    """Each guest's own page: the lead's is the booking's code; the others have their own."""
    return guest.code if guest.code and not guest.lead else booking.guest_code


def clashes_by_person(profile: BusinessProfile, clashes: Sequence[Clash]) -> dict[str, str]:
    """For each holder with a role on an overlapping trip: that role, in words, as the trip page says it."""
    zone = profile.org.timezone
    return {here.person_id: role_on(there, other, zone) for here, other, there in clashes if here.person_id}


def clash_lines(profile: BusinessProfile, clashes: Sequence[Clash]) -> list[str]:
    """The operations manager's line for each clash: "Sam is also captain on …", a holder's role on a trip it
    now overlaps."""
    zone = profile.org.timezone
    return [f"{here.first_name} is also {role_on(there, other, zone)}" for here, other, there in clashes]


def revision_key(booking: Booking, audience: str) -> str:
    """The outbox key of the message of `booking`'s revision to `audience`: `bk:<booking>:r<revision>:<audience>`."""
    return f"bk:{booking.id}:r{booking.revision}:{audience}"


def _subject_when(booking: Booking, profile: BusinessProfile) -> str:
    return when(booking.request.start, profile.org.timezone)


def ops_message(
    ctx: Context,
    profile: BusinessProfile,
    entity: Entity,
    asset: Asset,
    booking: Booking,
    result: IntakeResult,
    clashes: list[str],
    *,
    until: datetime,
    listed: int = 0,
    off_lines: Sequence[str] = (),
) -> OutgoingMessage:
    """The operations manager's message of a revision (`result`): the trip, its money and guest page, and what they
    must sort out: `clashes`, who was taken off it (`off_lines`), more guests `listed` than booked, a boat's limit
    passed. Of use until `until`."""
    request = booking.request
    context: dict[str, Any] = {
        "clashes": clashes,
        "off_lines": off_lines,
        # a change lowered the count below the guest list: the crew count life jackets for the list
        "over_count": listed if listed > request.guest_count and not booking.cancelled else 0,
        "over_limit": None if booking.cancelled else asset.over_limit(request.guest_count),
        "verb": _VERB[result],
        "booking": booking,
        "request": request,
        "entity": entity,
        "asset": asset,
        "departure": when(request.start, profile.org.timezone),
        "return_at": when(request.end, profile.org.timezone),
        "gross": str(request.gross),
        "guest_page": guest_page_url(ctx, booking),
        "code": pretty_code(booking.guest_code),
        "colour": entity.primary_colour,
        "base_url": ctx.settings.base_url,
    }
    subject = f"{_VERB[result]} booking: {_subject_when(booking, profile)}, {asset.name} ({request.lead_guest.name})"
    return templated(
        ctx,
        key=revision_key(booking, "ops"),
        to=profile.org.ops_email,
        subject=subject,
        template="booking_ops",
        context=context,
        stale_after=until,
    )


def crew_message(
    ctx: Context,
    profile: BusinessProfile,
    entity: Entity,
    asset: Asset,
    booking: Booking,
    trip: dict[str, Any],
    person: Person,
    result: IntakeResult,
    clash: str | None,
    until: datetime,
    *,
    off_role: str = "",
    own_role: str = "",
) -> OutgoingMessage:
    """A crew member's message of a revision (`result`): "Crew needed" ("You're crew 1" to whom holds a role on it,
    "New trip" to whom none open is theirs), "Trip changed", "Trip cancelled", with a sign-in link to the trip (none
    when it is cancelled or they are taken off it: `off_role`), offering the open roles they may take and naming the
    others apart. `clash`: their role on a trip it overlaps; `own_role`: the role they hold on it. Of use until
    `until`."""
    # signed as it is sent: after a relay outage the link still works for 72 hours from its arrival (a
    # cancelled trip's mail, and one to someone taken off it, shows no link, so it has none)
    sign_in = None
    if not trip["cancelled"] and not off_role:
        ttl = int(NOTIFICATION_LINK_TTL.total_seconds())
        sign_in = SignInLink(
            org=profile.org.id, person_id=person.id, purpose=f"event:{trip['event_id']}", valid_for_s=ttl
        )
    link = f"{ctx.settings.base_url}/crew/enter?t={sign_in.slot}" if sign_in else ""
    open_roles = list(dict.fromkeys(trip["open_roles"]))
    # offered the roles they may take, as the crew app offers them: a deckhand is not asked to captain; someone
    # holding a role takes no other (one role a trip), the open ones say who is still missing
    theirs = [] if own_role else [r for r in open_roles if person.may_take(r)]
    # someone aboard is not asked to crew the trip they crew: told it is theirs, and (below) what is still open
    first_word = f"You're {role_label(own_role)}" if own_role else "Crew needed" if theirs else "New trip"
    headline = {
        IntakeResult.CREATED: first_word,
        IntakeResult.UPDATED: "Trip changed",
        IntakeResult.CANCELLED: "Trip cancelled",
    }[result]
    subject = f"{headline}: {trip['departure']}, {asset.name}"
    context = {
        "trip": trip,
        "person": person,
        "link": link,
        "headline": headline,
        "colour": entity.primary_colour,
        "clash": clash,
        "off_role": role_label(off_role),
        # their role and who else is aboard: the last word on a change, it stands for any roster notice
        # still waiting ("You're captain: 16:00"), which the change withdraws
        "own_role": role_label(own_role),
        "open_to_them": [role_label(r) for r in theirs],
        "also_open": [role_label(r) for r in open_roles if r not in theirs],
        "aboard": [f"{role_label(slot['role'])} {slot['first_name']}" for slot in trip["roles"] if slot["first_name"]],
    }
    # an "off" one outlives a cancellation
    key = revision_key(booking, f"crew:{person.id}" + (":off" if off_role else ""))
    return templated(
        ctx, key=key, to=person.email, subject=subject, template="booking_crew", context=context, stale_after=until,
        sign_in=sign_in,
    )  # fmt: skip


def guest_message(
    ctx: Context,
    profile: BusinessProfile,
    entity: Entity,
    booking: Booking,
    trip: dict[str, Any],
    guest: Guest,
    result: IntakeResult,
    *,
    until: datetime,
) -> OutgoingMessage:
    """A guest's message of a revision (`result`): "You're booked", "Your trip has changed", "Your trip is
    cancelled", linking their own page (and saying when they have a waiver to sign again). Of use until `until`."""
    headline = {
        IntakeResult.CREATED: f"You're booked with {entity.name}",
        IntakeResult.UPDATED: "Your trip has changed",
        IntakeResult.CANCELLED: "Your trip is cancelled",
    }[result]
    subject = f"{headline}: {trip['departure']}"
    context = {
        "trip": trip,
        "guest": guest,
        "headline": headline,
        "link": f"{ctx.settings.base_url}/g/{_code_of(guest, booking)}",
        "code": pretty_code(_code_of(guest, booking)),
        "colour": entity.primary_colour,
        # signed a text the trip no longer asks for (another line's, or its line's before it changed): theirs to sign
        "resign": ""
        if result is IntakeResult.CANCELLED
        else resign_note(guest, entity.id, entity.name, waiver_version(entity.waiver)),
    }
    assert guest.email is not None
    return templated(
        ctx, key=revision_key(booking, f"guest:{guest.id}"), to=guest.email, subject=subject,
        template="booking_guest", context=context, reply_to=profile.org.ops_email, stale_after=until,
    )  # fmt: skip
