"""An event's DURATION as written in the file: icalendar keeps it as a timedelta, which cannot tell
PT26H (26 real hours) from P1DT2H (a calendar day and 2 hours)."""

from __future__ import annotations

import re


def written_durations(text: str) -> dict[int, str]:
    """Each VEVENT's DURATION as written, by the event's place in the file: icalendar keeps it as a
    timedelta, which cannot tell PT26H (26 real hours) from P1DT2H (a calendar day and 2 hours)."""
    lines = re.sub(r"\n[ \t]", "", text.replace("\r\n", "\n")).split("\n")  # unfolded
    found: dict[int, str] = {}
    events, inside = -1, []  # the components the line is in: an alarm's DURATION is not its event's
    for line in lines:
        name, value = _split_line(line)
        if name == "BEGIN":
            inside.append(value.upper())  # as icalendar reads it: "VEVENT " is another component
            events += inside[-1] == "VEVENT"
        elif name == "END" and inside:
            inside.pop()
        elif name == "DURATION" and inside[-1:] == ["VEVENT"]:
            found.setdefault(events, value.strip())
    return found


def _split_line(line: str) -> tuple[str, str]:
    """A content line's name (upper case, without its parameters) and its value: the first colon
    outside a quoted parameter value ends the name (DURATION;X-A="x:y":PT1H)."""
    quoted = False
    for n, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:n].split(";", 1)[0].strip().upper(), line[n + 1 :]
    return line.split(";", 1)[0].strip().upper(), ""


_DURATION = re.compile(
    r"^(?P<sign>[+-])?P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


def duration_parts(text: str) -> tuple[int, int]:
    """A DURATION's calendar days and its real seconds, as written: icalendar makes PT26H a day and
    two hours, and a day is 23 hours on the day the clocks go forward."""
    match = _DURATION.fullmatch(text.strip().upper())
    if match is None:
        raise ValueError(f"cannot read DURATION {text!r}; write it like DURATION:PT3H")
    number = {k: int(v or 0) for k, v in match.groupdict().items() if k != "sign"}
    sign = -1 if match["sign"] == "-" else 1
    days = number["weeks"] * 7 + number["days"]
    seconds = number["hours"] * 3600 + number["minutes"] * 60 + number["seconds"]
    return sign * days, sign * seconds
