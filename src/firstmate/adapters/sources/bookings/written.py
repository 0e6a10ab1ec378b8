"""Dates, times of day, durations and time zones as marketplace emails write them, which varies from one
email to the next: "Saturday, December 12, 2026" or "Dec 12, 2026"; "10:00 AM", "10 am" or "10:00 AM PST";
"3 hours", "3 hrs", "3h" or "3 hours 30 min". Each reader returns what it read, or raises ValueError saying
what to write. A zone written with a time must be the business's on that date: read in another, the trip
would be hours off."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name} | {
    name.lower(): n for n, name in enumerate(calendar.month_abbr) if name
} | {"sept": 9}  # fmt: skip
_WEEKDAYS = {name.lower(): n for n, name in enumerate(calendar.day_name)} | {
    name.lower(): n for n, name in enumerate(calendar.day_abbr)
} | {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}  # fmt: skip
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE = re.compile(
    r"(?:(?P<weekday>[a-z]+)\.?,?\s+)?"
    rf"(?:(?P<month>[a-z]+)\.?\s+(?P<day>[0-9]{{1,2}}){_ORDINAL}|(?P<day_first>[0-9]{{1,2}}){_ORDINAL}\s+"
    r"(?P<month_after>[a-z]+)\.?),?\s+(?P<year>[0-9]{4})"
)
_ISO_DATE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})")
_DATE_WORDS = "write it like Saturday, December 12, 2026 or Dec 12, 2026"

_TWELVE_HOUR = re.compile(r"(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2}))? ?(?P<half>[ap])\.? ?m\.?")
_TWENTY_FOUR_HOUR = re.compile(r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})")
_NAMED_TIMES = {"noon": time(12), "12 noon": time(12), "midday": time(12), "midnight": time(0), "12 midnight": time(0)}

_HOURS_UNIT, _MINUTES_UNIT = r"(?:hours?|hrs?|h)\.?", r"(?:minutes?|mins?|m)\.?"
_DURATION = re.compile(
    rf"(?P<hours>[0-9]{{1,3}}(?:\.[0-9]{{1,2}})?)\s*{_HOURS_UNIT}"
    rf"(?:\s*,?\s*(?:and\s+)?(?P<minutes>[0-9]{{1,2}})\s*(?:{_MINUTES_UNIT})?)?"
    rf"|(?P<only_minutes>[0-9]{{1,4}})\s*{_MINUTES_UNIT}",
    re.I,
)
_DURATION_WORDS = "write it like 3 hours, 3.5 hours, 3 hrs or 3 hours 30 min"
#: Words in brackets beside a duration: "Half day (4 hours)", "4 hours (half day)"
_BRACKETED = re.compile(r"^(?P<outside>[^()]*)\((?P<inside>[^()]*)\)\s*$")
#: Passengers by kind, as marketplaces write them: "6", "6 adults", "4 adults, 2 children", "4 adults + 2 kids",
#: "2 Adults / 1 Child"
_PASSENGER_KIND = (
    r"(?:adults?|child(?:ren)?|kids?|infants?|bab(?:y|ies)|toddlers?|teens?|teenagers?|seniors?|"
    r"guests?|people|persons?|passengers?|pax)"
)
#: Counts in words, zero to thirty-nine ("six", "twelve", "twenty-two", "twenty two"): a party larger is written
#: in figures by every marketplace seen, and a word beyond the table stays refused, never guessed at
_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")  # fmt: skip
_COUNT_WORDS = {word: n for n, word in enumerate(_UNITS)} | {
    f"{tens}{joint}{unit}" if unit else tens: base + n
    for tens, base in (("twenty", 20), ("thirty", 30))
    for n, unit in enumerate(["", *_UNITS[1:10]])
    for joint in ("-", " ")
}  # fmt: skip
_COUNT_WORD = "|".join(sorted((re.escape(word) for word in _COUNT_WORDS), key=len, reverse=True))
_PASSENGERS = re.compile(
    rf"(?:(?P<count>[0-9]{{1,3}})|(?P<words>{_COUNT_WORD}))(?:\s+(?P<kind>{_PASSENGER_KIND}))?",
    re.I | re.A,  # ASCII: in Unicode, "ſix" (a long s) and "fıve" (a dotless ı) match, and are no word of the table
)
_PASSENGERS_JOINED = re.compile(r"\s*(?:,|\+|&|/|\band\b)\s*", re.I)

#: Zone abbreviations that name one offset (hours from UTC): North America's, and a few other common ones.
#: Ambiguous ones (IST, BST outside Britain…) are read only as the business zone's own name for that date.
_FIXED = {
    "utc": 0, "gmt": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8,
    "pdt": -7, "akst": -9, "akdt": -8, "hst": -10, "hdt": -9, "ast": -4, "adt": -3, "nst": -3.5, "ndt": -2.5,
    "wet": 0, "west": 1, "cet": 1, "cest": 2, "eet": 2, "eest": 3, "aest": 10, "aedt": 11, "acst": 9.5,
    "acdt": 10.5, "awst": 8, "nzst": 12, "nzdt": 13, "jst": 9, "kst": 9, "hkt": 8, "sgt": 8,
}  # fmt: skip
#: North America's regions, as emails name them: "PT", "Pacific", "Pacific Time" (the zone's offset on the
#: date), "Pacific Standard Time" (PST), "Pacific Daylight Time" (PDT).
_REGIONS = {
    "eastern": ("America/New_York", "e"), "central": ("America/Chicago", "c"), "mountain": ("America/Denver", "m"),
    "pacific": ("America/Los_Angeles", "p"), "alaska": ("America/Anchorage", "ak"), "hawaii": ("Pacific/Honolulu", "h"),
}  # fmt: skip
_REGION_ZONES = {
    name: zone for region, (zone, letter) in _REGIONS.items() for name in (region, f"{region} time", f"{letter}t")
}
_FIXED |= {f"{region} {kind} time": _FIXED[f"{letter}{kind[0]}t"] for region, (_, letter) in _REGIONS.items()
           for kind in ("standard", "daylight")}  # fmt: skip
_NUMERIC_ZONE = re.compile(r"(?:utc|gmt)?\s*(?P<sign>[+-])\s*(?P<hours>[0-9]{1,2})(?::?(?P<minutes>[0-9]{2}))?")


def trip_day(text: str) -> date:
    """The day `text` names ("Saturday, December 12, 2026", "Sat, Dec. 12, 2026", "Dec 12, 2026",
    "12 December 2026", "December 12th, 2026", "2026-12-12"). A weekday that is not the date's is refused,
    naming both: one of them is wrong, and which one only the marketplace knows."""
    said = " ".join(text.lower().split())
    if match := _ISO_DATE.fullmatch(said):
        return _day(text, int(match["year"]), int(match["month"]), int(match["day"]))
    match = _DATE.fullmatch(said)
    month = _MONTHS.get((match["month"] or match["month_after"]) if match else "")
    weekday = match["weekday"] if match else None
    if match is None or month is None or (weekday is not None and weekday not in _WEEKDAYS):
        raise ValueError(f"cannot read the trip date {text!r}: {_DATE_WORDS}")
    day = _day(text, int(match["year"]), month, int(match["day"] or match["day_first"]))
    if weekday is not None and _WEEKDAYS[weekday] != day.weekday():
        raise ValueError(
            f"the trip date {text!r} says {calendar.day_name[_WEEKDAYS[weekday]]}, but {day.day} {day:%B %Y} is a "
            f"{day:%A}: check the date with the marketplace"
        )
    return day


def _day(text: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise ValueError(f"cannot read the trip date {text!r}: {_DATE_WORDS}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(
            f"cannot read the trip date {text!r}: {calendar.month_name[month]} {year} has no day {day}"
        ) from None


def start_at(day: date, text: str, timezone: str) -> datetime:
    """The start `text` says on `day`, in the business's `timezone`: a time of day as people write it
    ("10:00 AM", "10 am", "10:30 p.m.", "noon", "14:15"), with or without its zone ("10:00 AM PST",
    "10 am (PT)", "10:00 AM Pacific Time", "10:00 AM UTC-8"). A zone that is not the business's on that
    date is refused, saying so: read in either, the trip would be hours off."""
    read = _clock_and_zone(text)
    if read is None:
        raise ValueError(f"cannot read the start time {text!r}: write it like 10:00 AM, 10 am or noon")
    clock, clock_text, zone_said = read
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, clock, tzinfo=zone)
    second = start.replace(fold=1)  # the night the clocks change, a clock time may happen twice, or not at all
    if not zone_said:
        if start.utcoffset() == second.utcoffset():
            return start
        went, came = clocks_change(start.replace(tzinfo=None), zone)
        if start.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != start.replace(tzinfo=None):
            raise ValueError(
                f"the start time {text!r} does not happen on {day:%a %d %b %Y} in {timezone}: its clocks go from "
                f"{went} to {came} that night; check the time with the marketplace"
            )
        raise ValueError(
            f"the start time {text!r} happens twice on {day:%a %d %b %Y} in {timezone}: its clocks go from {went} "
            f"back to {came} that night; check the time with the marketplace, and write it as {clock_text} "
            f"{start.tzname()} for the first or {clock_text} {second.tzname()} for the second"
        )
    if _offset_named(zone_said, second) == second.utcoffset() != start.utcoffset():
        start = second  # the second 1:30 the night the clocks go back, "1:30 AM PST"
    ours, theirs = start.utcoffset(), _offset_named(zone_said, start)
    if theirs is None:
        raise ValueError(
            f"cannot tell which time zone {zone_said!r} in the start time {text!r} is: write the time without it, "
            f"like {clock_text}, as the business's time zone ({timezone}) tells it, or with {start.tzname()}"
        )
    if theirs != ours:
        raise ValueError(
            f"the start time {text!r} is in {zone_said} ({_utc(theirs)}), but on {day:%a %d %b %Y} the business's "
            f"time zone, {timezone}, is on {start.tzname()} ({_utc(ours)}): check the time with the marketplace, and "
            f"write it as {clock_text} or {clock_text} {start.tzname()}"
        )
    return start


def _clock_and_zone(text: str) -> tuple[time, str, str] | None:
    """The time of day `text` begins with, as written, and the zone written after it ("" when none)."""
    words = text.replace("(", " ").replace(")", " ").split()
    for cut in range(len(words), 0, -1):
        clock_text = " ".join(words[:cut])
        if (clock := _clock(clock_text)) is not None:
            return clock, clock_text, " ".join(words[cut:])
    return None


def _clock(text: str) -> time | None:
    """The time of day `text` says as people write it ("10:00 AM", "10 AM", "10am", "10:30 p.m.", "noon",
    "14:15"), or None."""
    said = " ".join(text.lower().split())
    if said in _NAMED_TIMES:
        return _NAMED_TIMES[said]
    if match := _TWELVE_HOUR.fullmatch(said):
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        return time(hour % 12 + (12 if match["half"] == "p" else 0), minute)
    if match := _TWENTY_FOUR_HOUR.fullmatch(said):
        hour, minute = int(match["hour"]), int(match["minute"])
        return time(hour, minute) if hour <= 23 and minute <= 59 else None
    return None


def _offset_named(name: str, start: datetime) -> timedelta | None:
    """The offset from UTC the zone `name` has at `start` (a local time), or None when it names no zone
    firstmate knows: the business zone's own abbreviation that day (PST, or IST in Kolkata), a fixed one
    (PDT, CET), a region (PT, Pacific Time), an offset (UTC-8, GMT-07:00, -0700) or an IANA zone."""
    said = " ".join(name.lower().split())
    if said == (start.tzname() or "").lower():
        return start.utcoffset()
    if said in _FIXED:
        return timedelta(hours=_FIXED[said])
    if match := _NUMERIC_ZONE.fullmatch(said):
        minutes = int(match["hours"]) * 60 + int(match["minutes"] or 0)
        return timedelta(minutes=-minutes if match["sign"] == "-" else minutes) if minutes <= 18 * 60 else None
    zone = _REGION_ZONES.get(said) or (name.strip() if "/" in name else None)
    try:
        return start.replace(tzinfo=ZoneInfo(zone)).utcoffset() if zone else None
    except (ZoneInfoNotFoundError, ValueError, OSError):  # no such zone, or no name a zone could have
        return None


def clocks_change(moment: datetime, zone: ZoneInfo) -> tuple[str, str]:
    """The clock times `zone`'s clocks go from and to ("02:00", "03:00") around `moment` (naive), a clock time
    they skip or repeat: found to the minute between the two offsets it could have."""
    before, after = moment.replace(tzinfo=zone, fold=0).utcoffset(), moment.replace(tzinfo=zone, fold=1).utcoffset()
    assert before is not None and after is not None
    low = moment.replace(tzinfo=UTC) - before - timedelta(hours=6)  # still on the offset before
    high = moment.replace(tzinfo=UTC) - after + timedelta(hours=6)  # already on the one after
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        low, high = (middle, high) if middle.astimezone(zone).utcoffset() == before else (low, middle)
    return f"{high + before:%H:%M}", f"{high + after:%H:%M}"


def _utc(offset: timedelta | None) -> str:
    """An offset as "UTC-07:00"."""
    minutes = int((offset or timedelta(0)).total_seconds() // 60)
    return f"UTC{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def passengers(text: str) -> str:
    """How many sail, as a whole number, from a count alone or by kind ("6", "6 adults", "4 adults, 2 children",
    "4 adults + 2 kids", "2 adults, 1 child and 1 infant", "2 Adults / 1 Child"), in figures or in words up to
    thirty-nine ("six", "Six guests", "two adults, one child"): every passenger counts, whatever their age.
    Counts are summed only where each names its kind: "6/8" may be six of eight seats, "1,000" is no eleven and
    "10,12" no twenty-two."""
    parts = _PASSENGERS_JOINED.split(" ".join(text.split()))
    found = [_PASSENGERS.fullmatch(part) for part in parts]
    unnamed = len(parts) > 1 and any(match is not None and match["kind"] is None for match in found)
    if not parts or not all(found) or unnamed:
        raise ValueError(f"cannot read the passengers {text!r}: write it like 6, or 4 adults, 2 children")
    return str(sum(_count(match) for match in found if match))


def _count(match: re.Match[str]) -> int:
    """The count a part of a passengers line says, in figures or in words."""
    return int(match["count"]) if match["count"] else _COUNT_WORDS[match["words"].lower()]


def trip_hours(text: str) -> str:
    """The hours a duration says, as a number ("3 hours", "3 hrs", "3h", "3.5 hours", "3 hours 30 min",
    "3h30m", "2 hours, 15 minutes", "90 minutes"), also beside words in brackets ("Half day (4 hours)", "4 hours
    (half day)"). A number without its unit is refused: minutes or hours?"""
    if (named := _BRACKETED.fullmatch(text.strip())) and not _DURATION.fullmatch(text.strip()):
        said = [p.strip() for p in named.group("outside", "inside") if _DURATION.fullmatch(p.strip())]
        if len(said) == 1:  # the one part that is a duration; the other names the trip
            return trip_hours(said[0])
    match = _DURATION.fullmatch(text.strip())
    minutes = int((match["minutes"] if match else None) or 0)
    if match is None or minutes > 59:
        raise ValueError(f"cannot read the duration {text!r}: {_DURATION_WORDS}")
    if match["only_minutes"] is not None:
        hours, minutes = Decimal(0), int(match["only_minutes"])
    else:
        hours = Decimal(match["hours"])
    if minutes % 15:  # 20 minutes are 0.333… hours: said here, as the booking's own check would say it
        raise ValueError(f"the duration {text!r} is not a whole number of quarter hours: write it like 3 hours 15 min")
    return str(hours + Decimal(minutes) / 60)
