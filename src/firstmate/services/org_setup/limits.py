"""Bookings over a passenger limit an import sets or lowers on a boat."""

from __future__ import annotations

from datetime import datetime, timedelta

from firstmate.domain.business import (
    Asset,
    AssetKind,
    BusinessProfile,
)
from firstmate.domain.calendar import EntryKind
from firstmate.domain.timing import when
from firstmate.errors import NotFound
from firstmate.ports import Store
from firstmate.services.bookings import get_booking, over_limit
from firstmate.services.trips import calendar_between

#: How far ahead `over_new_limits` looks for bookings: channels sell a season or two ahead.
LIMIT_HORIZON = timedelta(days=3 * 366)


def over_new_limits(store: Store, before: BusinessProfile | None, after: BusinessProfile, now: datetime) -> list[str]:
    """The bookings still to sail (or under way) over a passenger limit that `after` sets or lowers on a boat,
    in words with what to do: a limit is checked as a booking arrives, so one set on a boat already booked was
    checked against none of its bookings. Bookings within the limit, cancelled or over are not named."""
    boats = {asset.id for asset in after.assets if _limit_set_or_lowered(asset, before)}
    if not boats:
        return []
    org, zone, lines = after.org.id, after.org.timezone, []
    for entry in calendar_between(store, org, now, now + LIMIT_HORIZON, timedelta(days=7)):
        if entry.kind is not EntryKind.BOOKING or entry.cancelled or entry.asset not in boats or not entry.booking_id:
            continue
        try:
            booking = get_booking(store, org, entry.booking_id)
        except NotFound:  # gone meanwhile: nothing to move
            continue
        if line := over_limit(after, booking):
            request = booking.request
            lines.append(
                f"{request.source} {request.external_id} ({when(request.start, zone)}, {request.lead_guest.name}): "
                f"{line}"
            )
    return lines


def _limit_set_or_lowered(asset: Asset, before: BusinessProfile | None) -> bool:
    """Whether `asset` is a boat whose passenger limit is new, or lower than `before` had it."""
    if asset.kind is not AssetKind.BOAT or asset.max_guests is None:
        return False
    was = before.asset(asset.id) if before is not None else None
    return was is None or was.max_guests is None or asset.max_guests < was.max_guests
