"""When a trip's album takes uploads (`upload_window`), and its opening and closing in words."""

from __future__ import annotations

from datetime import datetime, timedelta

from firstmate.domain.photos import album_window
from firstmate.services.bookings import get_booking
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.guests import CodeTarget


def upload_window(ctx: Context, target: CodeTarget) -> tuple[datetime, datetime]:
    """When this trip's album accepts uploads."""
    request = get_booking(ctx.store, target.org, target.booking_id).request
    settings = ctx.settings
    profile = load_business(ctx.store, target.org)
    return album_window(
        request.start,
        request.end,
        opens_before=timedelta(hours=settings.album_opens_before_h),
        closes_after_days=settings.album_closes_after_days,
        zone=profile.org.timezone if profile else "UTC",
    )


def album_opens_before(hours: float) -> str:
    """When an album opens, in words: "an hour before departure", "3 hours before departure", "30 minutes before
    departure" (0.5 read "0.5 hours")."""
    if hours == 1:
        return "an hour before departure"
    return f"{_hours(hours)} before departure" if hours else "at departure"


def album_stays_open(days: float) -> str:
    """How long after the trip an album stays open, in words: "a week after the trip", "2 days after the trip",
    "12 hours after the trip", "15 minutes after the trip", "when the trip returns" (a setting of 0 read "0 days
    after", 0.5 "0.5 days", 0.01 "0.24 hours")."""
    if days == 0:
        return "when the trip returns"
    if days < 1:
        return f"{_hours(days * 24)} after the trip"
    if days == 7:
        return "a week after the trip"
    return "a day after the trip" if days == 1 else f"{days:g} days after the trip"


def _hours(hours: float) -> str:
    """A span under a day in words: whole minutes under an hour ("15 minutes"), else hours ("12 hours", "1.5 hours")."""
    if hours < 1:
        minutes = max(round(hours * 60), 1)
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{hours:.3g} hour{'' if hours == 1 else 's'}"
