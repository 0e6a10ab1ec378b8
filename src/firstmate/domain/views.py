"""What crew and guests are shown of a trip: built from safe fields only, then redacted.

Every crew-facing and guest-facing mail, page, feed and API answer is built from these views.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from firstmate.domain.business import Asset, Entity, Org
from firstmate.domain.crew import CrewEvent, crew_names
from firstmate.domain.redaction import crew_notes, redact_for_crew
from firstmate.domain.timing import (
    back_by,
    clock_time,
    dark_all_day,
    end_time,
    out_overnight,
    sunset_on_departure_day,
    when,
)


def trip_times(event: CrewEvent, asset: Asset, timezone: str) -> dict[str, Any]:
    """Departure, return (as booked, and when to be back by: `timing.back_by`) and sunset in local time, with the
    sunset datetime for timing panels."""
    sunset: datetime | None = None
    dark = overnight = False
    if asset.latitude is not None and asset.longitude is not None:
        sunset = sunset_on_departure_day(event.start, asset.latitude, asset.longitude, timezone, end=event.end)
        dark = sunset is None and dark_all_day(event.start, asset.latitude, asset.longitude, timezone)
        overnight = sunset is not None and out_overnight(
            event.start, event.end, asset.latitude, asset.longitude, timezone
        )
    back = back_by(event.start, event.end, sunset, overnight=overnight)
    return {
        "departure": when(event.start, timezone),
        "departure_time": clock_time(event.start, timezone),
        "return_time": end_time(event.start, event.end, timezone),
        # when the boat is to be back, as the crew's timing panel says: the booked end, or sunset plus 30 minutes
        # when that is earlier (the page's header read "back 22:00" under "return by 21:02")
        "back_by": end_time(event.start, back, timezone),
        "back_before_dark": back < event.end,
        "sunset": clock_time(sunset, timezone) if sunset else None,
        "sunset_at": sunset,
        "dark_all_day": dark,  # polar night: no sunset because no daylight
        "overnight": overnight,  # back after the next sunrise: sunset sets no time to be back by
    }


def crew_trip_view(event: CrewEvent, org: Org, entity: Entity, asset: Asset) -> dict[str, Any]:
    """A trip as crew see it: no money (nor an amount in its notes), no private notes, no guest contact details."""
    cancelled = event.status.value == "cancelled"
    view = {
        "event_id": event.id,
        "entity": entity.name,
        "boat": asset.name,
        "meeting_point": asset.meeting_point or "",
        "guest_count": event.guest_count,
        # the boat's passenger limit where the trip is booked over it: the captain decides who sails (none once
        # cancelled: its cancellation message still said it was over the limit)
        "over_limit": asset.max_guests if asset.over_limit(event.guest_count) and not cancelled else None,
        "notes": crew_notes(event.notes),  # "Deposit 200 paid": the notes are free text
        "cancelled": cancelled,
        "roles": [{"role": s.role, "first_name": s.first_name} for s in event.roles],
        "open_roles": [s.role for s in event.roles if s.person_id is None],
        **trip_times(event, asset, org.timezone),
    }
    return dict(redact_for_crew(view))


def guest_trip_view(event: CrewEvent, org: Org, entity: Entity, asset: Asset) -> dict[str, Any]:
    """A trip as its guests see it: the crew's first names once assigned, never money, never
    other guests' details."""
    view = {
        "entity": entity.name,
        "brand": {"primary": entity.primary_colour, "accent": entity.accent_colour, "logo": entity.logo_url},
        "boat": asset.name,
        "meeting_point": asset.meeting_point or "",
        "what_to_bring": list(entity.what_to_bring),
        "guest_count": event.guest_count,
        "crew": crew_names(event),
        "cancelled": event.status.value == "cancelled",
        **trip_times(event, asset, org.timezone),
    }
    return dict(redact_for_crew(view))
