"""Local times and sunset for a place, always in the business's time zone.

Sunset is computed for the *local* date of departure: taking the UTC date instead is wrong for
evening trips on the US west coast, where 17:00 local is already tomorrow in UTC.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from astral import Observer
from astral.sun import sunset as astral_sunset


def local(moment: datetime, timezone: str) -> datetime:
    """`moment` shown in `timezone`."""
    return moment.astimezone(ZoneInfo(timezone))


def when(moment: datetime, timezone: str) -> str:
    """A moment as people read it, in the business's zone: "Sat 6 Jun 2026, 10:00 PDT"."""
    shown = local(moment, timezone)
    return f"{shown:%a} {shown.day} {shown:%b %Y, %H:%M %Z}"


def clock_time(moment: datetime, timezone: str) -> str:
    """Just the local time of day: "17:22"."""
    return f"{local(moment, timezone):%H:%M}"


def sunset_on_departure_day(departure: datetime, latitude: float, longitude: float, timezone: str) -> datetime | None:
    """Local sunset on the local calendar day of `departure`, or None where the sun does not set."""
    zone = ZoneInfo(timezone)
    day = departure.astimezone(zone).date()
    try:
        return astral_sunset(Observer(latitude=latitude, longitude=longitude), date=day, tzinfo=zone)
    except ValueError:  # polar day or night
        return None
