"""Who a booking change is news to: the audiences it tells, those it shows nothing new, and those still
unheard once it is told; after the trip's album closes, nobody hears of it any more."""

from __future__ import annotations

from datetime import datetime

from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import CrewEvent
from firstmate.domain.photos import album_closes_at
from firstmate.domain.views import crew_trip_view, guest_trip_view
from firstmate.services.context import Context

#: The audiences a change may leave untold (`quiet_audiences`); OTHER_GUESTS: the guests but the lead
#: (told alone when the change gave the lead a new address and shows the others nothing new).
CREW, GUESTS, OTHER_GUESTS = "crew", "guests", "other-guests"
#: The audiences a change may be the first word of its trip to (`booking_messages`' `unheard`), beside
#: CREW and GUESTS: the operations manager, and the lead guest at a new address.
OPS, LEAD = "ops", "lead"
#: The audiences a trip nobody was told of yet is news to (LEAD aside: a lead's new address is news to the
#: change that gave it alone).
EVERYONE = frozenset({OPS, CREW, GUESTS})


def still_unheard(
    ctx: Context,
    profile: BusinessProfile,
    booking: Booking,
    unheard: frozenset[str],
    *,
    was_end: datetime | None = None,
    at: datetime,
) -> frozenset[str]:
    """Of `unheard` (OPS, CREW, GUESTS), who still has heard nothing of the trip once `booking`'s revision has
    been told at `at` (`booking_messages`, whose rules these are): the crew while the trip, as it was and as it
    is, is over; everyone once its album has closed. A trip recorded as over, changed while still over, then
    moved ahead is news to its crew: "Trip changed" told them of a change to what they never saw."""
    last_end = max(booking.request.end, was_end or booking.request.end)
    if album_closes(ctx, last_end, profile.org.timezone) <= at:
        return unheard
    return unheard - {OPS, GUESTS} - ({CREW} if last_end > at else set())


def quiet_audiences(profile: BusinessProfile, before: CrewEvent, after: CrewEvent) -> frozenset[str]:
    """The audiences a change of a trip shows nothing new: CREW when the trip as crew see it is the
    same, GUESTS when the trip as guests see it is (a price or the private notes edited). "Your trip
    has changed" showing no change only puzzles its reader; the operations manager always hears."""
    was_entity, was_asset = profile.entity(before.entity), profile.asset(before.asset)
    entity, asset = profile.entity(after.entity), profile.asset(after.asset)
    if was_entity is None or was_asset is None or entity is None or asset is None:
        return frozenset()
    org, quiet = profile.org, set()
    if crew_trip_view(before, org, was_entity, was_asset) == crew_trip_view(after, org, entity, asset):
        quiet.add(CREW)
    if guest_trip_view(before, org, was_entity, was_asset) == guest_trip_view(after, org, entity, asset):
        quiet.add(GUESTS)
    return frozenset(quiet)


def album_closes(ctx: Context, trip_end: datetime, zone: str) -> datetime:
    """When the album of a trip ending at `trip_end` closes (by the clocks of `zone`, the business's):
    after that, nobody hears of it any more."""
    return album_closes_at(trip_end, ctx.settings.album_closes_after_days, zone)
