"""Asking crew after the booking: "Crew needed" of one trip, or of many trips in one mail (`crew_freed`)."""

from __future__ import annotations

from collections.abc import Sequence

from firstmate.domain.bookings import Booking, IntakeResult
from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import CrewEvent
from firstmate.domain.mail import OutgoingMessage, SignInLink
from firstmate.domain.people import Person
from firstmate.domain.roster import role_label
from firstmate.domain.views import crew_trip_view
from firstmate.services.access import NOTIFICATION_LINK_TTL
from firstmate.services.context import Context
from firstmate.services.messages import templated
from firstmate.services.notifications.booking_mail import crew_message


def crew_needed_message(
    ctx: Context, profile: BusinessProfile, booking: Booking, event: CrewEvent, person: Person
) -> OutgoingMessage | None:
    """The "Crew needed" of `booking`'s trip as it is now, to `person` alone, keyed as its revision's crew
    message to them (`bk:<booking>:r<revision>:crew:<person>`): for someone not asked when it was booked (on
    another trip then) and free since (`crew_freed`). None when its line or boat is no longer the business's, and
    when they hold a role on it (one role a trip: nothing to ask them)."""
    entity, asset = profile.entity(event.entity), profile.asset(event.asset)
    if entity is None or asset is None or any(slot.person_id == person.id for slot in event.roles):
        return None
    trip = crew_trip_view(event, profile.org, entity, asset)
    return crew_message(
        ctx, profile, entity, asset, booking, trip, person, IntakeResult.CREATED, None, booking.request.end
    )


def crew_needed_list_message(
    ctx: Context,
    profile: BusinessProfile,
    person: Person,
    trips: Sequence[tuple[Booking, CrewEvent]],
    *,
    key: str,
) -> OutgoingMessage | None:
    """One "Crew needed on 14 trips" to `person`, keyed `key`, in place of each trip's own (`crew_freed`: someone an
    org import made crew, asked about more trips than one mail each suits): each trip to come, as it is now, with
    its local times, its boat and the open roles they may take, and a link to it in the crew app; never money. One
    sign-in link (a message carries one, and a link works once), 72 hours, opening their trip list, which lists
    each; signed in, each trip's link opens it. None when no trip has a role open to them any more."""
    listed = []
    for booking, event in sorted(trips, key=lambda trip: (trip[1].start, trip[1].id)):
        entity, asset = profile.entity(event.entity), profile.asset(event.asset)
        if entity is None or asset is None:
            continue  # its line or boat is no longer the business's
        trip = crew_trip_view(event, profile.org, entity, asset)
        roles = [role_label(r) for r in dict.fromkeys(trip["open_roles"]) if person.may_take(r)]
        if roles:
            link = f"{ctx.settings.base_url}/crew/events/{event.id}"
            listed.append({**trip, "open_to_them": roles, "link": link, "until": booking.request.end})
    if not listed:
        return None
    ttl = int(NOTIFICATION_LINK_TTL.total_seconds())
    sign_in = SignInLink(org=profile.org.id, person_id=person.id, purpose="login", valid_for_s=ttl)
    subject = f"Crew needed on {len(listed)} trip{'' if len(listed) == 1 else 's'}"
    context = {
        "person": person,
        "business": profile.org.name,
        "trips": listed,
        "link": f"{ctx.settings.base_url}/crew/enter?t={sign_in.slot}",
        "colour": "#0b3d5c",
    }
    return templated(
        ctx, key=key, to=person.email, subject=subject, template="crew_needed_list", context=context,
        stale_after=max(t["until"] for t in listed), sign_in=sign_in,  # of use until the last of them is over
    )  # fmt: skip
