"""Local times and sunset for a place, always in the business's time zone.

Sunset is computed for the *local* date of departure: taking the UTC date instead is wrong for
evening trips on the US west coast, where 17:00 local is already tomorrow in UTC.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from astral import Observer
from astral.sun import elevation
from astral.sun import sunrise as astral_sunrise
from astral.sun import sunset as astral_sunset


def local(moment: datetime, timezone: str) -> datetime:
    """`moment` shown in `timezone`."""
    return moment.astimezone(ZoneInfo(timezone))


def offset_text(offset: timedelta | None) -> str:
    """An offset as ISO 8601 writes it: "-07:00"."""
    minutes = int((offset or timedelta(0)).total_seconds() // 60)
    return f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def other_offset(moment: datetime, offset: timedelta, timezone: str) -> str | None:
    """What to say of a start written with `offset` when `timezone`, the business's, has another at that moment
    ("10:00 -07:00 is 18:00 in Europe/Lisbon; if 10:00 Lisbon time was meant, write 2027-07-04T10:00:00+01:00"):
    it names an exact moment and is taken, but a Los Angeles example's offset copied by a business in Lisbon
    put its trip hours off with nothing said. None when the offset is the zone's then, or is UTC's ("+00:00") in
    a zone that never has it."""
    zone = ZoneInfo(timezone)
    there = moment.astimezone(zone)
    if there.utcoffset() == offset:
        return None
    seasons = {datetime(there.year, month, 1, tzinfo=zone).utcoffset() for month in (1, 7)}
    if not offset and not seasons & {timedelta(0)}:
        return None  # UTC as `isoformat()` writes it ("+00:00"), in a zone never at UTC's offset: no mix-up
    written = moment.astimezone(dt_timezone(offset))
    meant = written.replace(tzinfo=zone)  # the same clock time there
    day = "" if there.date() == written.date() else f" on {there.day} {there:%b}"
    place = timezone.rsplit("/", 1)[-1].replace("_", " ")
    return (
        f"{written:%H:%M} {offset_text(offset)} is {there:%H:%M}{day} in {timezone}; if {written:%H:%M} {place} "
        f"time was meant, write {meant.isoformat()}"
    )


def when(moment: datetime, timezone: str) -> str:
    """A moment as people read it, in the business's zone: "Sat 6 Jun 2026, 10:00 PDT"."""
    shown = local(moment, timezone)
    return f"{shown:%a} {shown.day} {shown:%b %Y, %H:%M %Z}"


def span(start: datetime, end: datetime, timezone: str) -> str:
    """From when to when, as people read it: "Sat 13 Jun 2026, 16:00 PDT to 19:00", the end's day
    given when it is another ("… to Sun 14 Jun 2026, 09:00 PDT")."""
    return f"{when(start, timezone)} to {end_time(start, end, timezone)}"


def times_shown(start: datetime, end: datetime) -> str:
    """A trip's departure and return as the forms of a page showing it carry them (epoch seconds): an answer
    from a page shown before the trip moved is refused, the page shown again at the new times."""
    return f"{int(start.timestamp())}-{int(end.timestamp())}"


def end_time(start: datetime, end: datetime, timezone: str) -> str:
    """When something starting at `start` ends: its time of day ("19:00"), or with its day when that
    is another ("Mon 15 Jun 2026, 16:00 PDT"): "back by 16:00" read as the same day for a two-day charter; with
    its zone when the clocks changed between ("01:30 PST"): "back by 01:30" on the night 01:30 comes twice."""
    if local(start, timezone).date() != local(end, timezone).date():
        return when(end, timezone)
    return time_beside(end, start, timezone)


def time_beside(moment: datetime, start: datetime, timezone: str) -> str:
    """The local time of day of `moment`, told beside a trip departing at `start`: "17:22", with its zone
    when the clocks changed between ("01:45 PDT" due before a 01:15 PST departure, the night 01:00 to 02:00
    comes twice)."""
    there = local(moment, timezone)
    same_clocks = there.utcoffset() == local(start, timezone).utcoffset()
    return f"{there:%H:%M}" if same_clocks else f"{there:%H:%M %Z}"


def done_when(moment: datetime, start: datetime, timezone: str) -> str:
    """When something was done for a trip departing at `start`: its time of day ("08:00") on the departure's
    day, else with its day ("Fri 12 Jun, 18:30"): fuel topped up the evening before read "18:30" on the
    trip's morning page, as if checked that day. Its zone too when the clocks changed between ("01:45 PDT")."""
    there = local(moment, timezone)
    shown = time_beside(moment, start, timezone)
    return shown if there.date() == local(start, timezone).date() else f"{there:%a} {there.day} {there:%b}, {shown}"


def due_when(due: datetime, start: datetime, now: datetime, timezone: str) -> str:
    """When something for a trip departing at `start` is due, as a panel read at `now` says it: its time of day
    ("15:30") that day, else with its day ("Sat 13 Jun, 15:30"): "due in 3 days (15:30)" left the day to
    work out. Its zone too when the clocks change before the trip ("01:45 PDT")."""
    there = local(due, timezone)
    shown = time_beside(due, start, timezone)
    return shown if there.date() == local(now, timezone).date() else f"{there:%a} {there.day} {there:%b}, {shown}"


def clock_time(moment: datetime, timezone: str) -> str:
    """Just the local time of day: "17:22"."""
    return f"{local(moment, timezone):%H:%M}"


def sunset_on_departure_day(
    departure: datetime, latitude: float, longitude: float, timezone: str, *, end: datetime | None = None
) -> datetime | None:
    """The sunset that ends the local day of `departure`: the first after its local noon (near the
    Arctic Circle in early summer, just after midnight), or None where the sun does not set. For a
    trip leaving before that day's sunrise and back before its sunset (00:30 to 03:30; given its `end`),
    the sunset of the evening before: it leaves after dark (it read "Sunset 20:32, return by 03:30", a
    sunset hours after it was back). One out past that day's sunset has it for its limit (06:00 to 18:00
    in winter: "return by 17:21")."""
    day = departure.astimezone(ZoneInfo(timezone)).date()
    sunset = _day(day, latitude, longitude, timezone)[0]
    evening_before, its_sunrise, _ = _day(day - timedelta(days=1), latitude, longitude, timezone)
    before_dawn = evening_before is not None and its_sunrise is not None and departure < its_sunrise
    if before_dawn and end is not None and (sunset is None or end <= sunset):
        return evening_before
    return sunset


def out_overnight(departure: datetime, end: datetime, latitude: float, longitude: float, timezone: str) -> bool:
    """Whether a trip is planned to spend the night out: it is back after the sunrise that follows
    its day's sunset (a 12-hour day charter, 08:00 to 20:00, is not; a 20:00 to 07:00 night trip is;
    a 04:00 trip back at 11:00 is not). Where the sun does not set, or rise again, a trip of
    `OVERNIGHT` or longer is."""
    sunrise = _day(departure.astimezone(ZoneInfo(timezone)).date(), latitude, longitude, timezone)[1]
    return end >= sunrise if sunrise is not None else end - departure >= OVERNIGHT


def dark_all_day(departure: datetime, latitude: float, longitude: float, timezone: str) -> bool:
    """Whether the sun stays below the horizon all through the local day of `departure` (polar night).
    astral says "no sunset" alike when the sun never sets and when it never rises: the crew page
    dropped its darkness limit in the dark."""
    return _day(departure.astimezone(ZoneInfo(timezone)).date(), latitude, longitude, timezone)[2]


@lru_cache(maxsize=4096)
def _day(day: date, latitude: float, longitude: float, timezone: str) -> tuple[datetime | None, datetime | None, bool]:
    """A local day's sunset, the sunrise after it, and whether the sun stays down all day: what a
    trip's page needs of the sun, worked out once per day and place (each crew list asks for all of
    its trips' days)."""
    zone = ZoneInfo(timezone)
    noon = datetime.combine(day, time(12), zone)
    sunset = _first_after("sunset", noon, latitude, longitude)
    sunrise = _first_after("sunrise", sunset, latitude, longitude) if sunset else None
    dark = sunset is None and bool(elevation(Observer(latitude=latitude, longitude=longitude), noon) < 0)
    return (sunset.astimezone(zone) if sunset else None), sunrise, dark


def _first_after(which: str, moment: datetime, latitude: float, longitude: float) -> datetime | None:
    """The first "sunrise" or "sunset" after `moment`, within a day (None: the sun does not rise, or
    set, then)."""
    later = [t for t in _suns(which, moment.astimezone(UTC).date(), latitude, longitude) if moment < t]
    if later and min(later) - moment <= SURELY_NEXT:
        return min(later)
    # astral misses one such event a year at some places (Luleå's sunrise of 1 June, just before
    # midnight UTC; Tromsø's sunset of 15 January, the sun up 36 minutes): look for the sun crossing
    # the horizon, as astral reckons it, too, and take the first
    crossed = _crossing(
        which == "sunrise", moment.astimezone(UTC).replace(second=0, microsecond=0), latitude, longitude
    )
    found = [t for t in (crossed, min(later) if later else None) if t is not None and t - moment <= DAY_AND_A_HALF_HOUR]
    return min(found) if found else None


#: How far after a moment its next sunrise or sunset may be (a day, and the drift of the seasons).
DAY_AND_A_HALF_HOUR = timedelta(hours=24, minutes=30)
#: Within this, the next event astral gives is the next; beyond it (a winter night far north, or one
#: astral missed, the one after found a day on), the sun's crossing is looked for as well.
SURELY_NEXT = timedelta(hours=20)
#: The sun's centre at sunrise and sunset as astral reckons it: refraction and its radius.
_HORIZON = -0.833


@lru_cache(maxsize=256)
def _crossing(rising: bool, after: datetime, latitude: float, longitude: float) -> datetime | None:
    """When the sun next rises (or sets) across the horizon after `after`, within a day, to the
    minute; None when it does not."""
    place = Observer(latitude, longitude)

    def up(moment: datetime) -> bool:
        return bool(elevation(place, moment, with_refraction=False) > _HORIZON)

    step, moment, was = timedelta(minutes=10), after, up(after)
    while moment < after + DAY_AND_A_HALF_HOUR:
        low, moment = moment, moment + step
        if (now := up(moment)) != was and now == rising:
            high = moment
            while high - low > timedelta(minutes=1):  # halve the ten minutes down to one
                middle = low + (high - low) / 2
                low, high = (middle, high) if up(middle) != rising else (low, middle)
            return high
        was = now
    return None


@lru_cache(maxsize=4096)
def _suns(which: str, day: date, latitude: float, longitude: float) -> tuple[datetime, ...]:
    """Every "sunrise" or "sunset" astral finds from the day before `day` to two after, in UTC.
    Asked for one local date, astral gives the event before midnight on some days (the sunset of a
    day near the Arctic Circle in early summer comes just after midnight), so the events are found
    by time, not by date; the one it misses now and then, `_first_after` finds by the sun's height."""
    # every booking mail and crew page asks for the same few days and places: astral's sums are the cost
    find, place = (astral_sunrise if which == "sunrise" else astral_sunset), Observer(latitude, longitude)
    found: dict[datetime, datetime] = {}
    for offset in (-1, 0, 1, 2):
        with suppress(ValueError):  # polar day or night, or astral's miss near midnight UTC
            moment = find(place, date=day + timedelta(days=offset), tzinfo=UTC)
            found.setdefault(moment.replace(second=0, microsecond=0), moment)  # one event, found twice: once
    return tuple(sorted(found.values()))


#: When each phase's checklist is due, relative to the trip.
PRE_DEPARTURE_LEAD = timedelta(minutes=30)
AFTER_TRIP = timedelta(hours=2)
#: Boats without night lights are back within civil twilight: sunset plus half an hour.
TWILIGHT = timedelta(minutes=30)
#: Where the sun does not rise the next day, a trip this long is planned to spend the night out.
OVERNIGHT = timedelta(hours=12)


def phase_deadlines(start: datetime, back: datetime) -> dict[str, datetime]:
    """When each checklist phase is due, for a trip leaving at `start` and to be back at `back` (`back_by`):
    the Return checklist when it is to be back, the after-the-trip one two hours later."""
    return {
        "pre_event": start - PRE_DEPARTURE_LEAD,
        "departure": start,
        "return": back,
        "post_event": back + AFTER_TRIP,
    }


def return_by(end: datetime, sunset: datetime | None) -> datetime:
    """The latest safe return: the scheduled end, or sunset plus twilight if that is earlier."""
    if sunset is None:
        return end
    return min(end, sunset + TWILIGHT)


def back_by(start: datetime, end: datetime, sunset: datetime | None, *, overnight: bool) -> datetime:
    """When a trip is to be back, as its timing panel says (`sunset_line`): for a day trip, its scheduled end or
    sunset plus twilight if that is earlier ("return by 21:02" for a trip to 22:00); for one leaving after dark
    or out overnight (`out_overnight`), and where the sun does not set, its scheduled end. The Return checklist
    is due then: due at 22:00 under "return by 21:02", it was not overdue an hour after dark."""
    if sunset is None or start >= sunset + TWILIGHT or overnight:
        return end
    return return_by(end, sunset)


def sunset_line(start: datetime, end: datetime, sunset: datetime, timezone: str, *, overnight: bool) -> str:
    """What the crew are told of the light: "Sunset 20:31, return by 19:00" for a day trip (the
    scheduled end, or sunset plus twilight if earlier); a trip leaving after that, or out overnight
    (`out_overnight`), is told the sunset and when it is back, with its day: for those, sunset sets
    no time to be back by (a 3-day charter read "return by 21:01", its first evening, and a 21:30
    departure "return by 21:02", before it left). An evening trip back at 00:01 is a day trip."""
    told = f"Sunset {clock_time(sunset, timezone)}"
    if start >= sunset + TWILIGHT:
        return f"{told}: it leaves after dark, back {end_time(start, end, timezone)}"
    if overnight:
        return f"{told} the first evening: an overnight trip, back {end_time(start, end, timezone)}"
    return f"{told}, return by {clock_time(back_by(start, end, sunset, overnight=overnight), timezone)}"


def relative(moment: datetime, now: datetime) -> str:
    """ "in 45 min", "in 2 h 5 min", "in 3 days", "12 min ago"."""
    seconds = int((moment - now).total_seconds())
    future = seconds >= 0
    minutes = abs(seconds) // 60
    if minutes < 1:
        text = "less than a minute"
    elif minutes < 60:
        text = f"{minutes} min"
    elif minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        text = f"{hours} h {rest} min" if rest else f"{hours} h"
    else:
        text = f"{minutes // (24 * 60)} days"
    return f"in {text}" if future else f"{text} ago"
