"""Five-field cron expressions (the local scheduler's) in EventBridge Scheduler's six-field form."""

from __future__ import annotations

import re

_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_PART = re.compile(r"(?P<start>\*|\w+)(?:-(?P<end>\w+))?(?:/(?P<step>\d+))?")


def eventbridge_cron(cron: str) -> str:
    """EventBridge's form of a five-field cron expression: `0 7 * * MON` is `cron(0 7 ? * MON *)`.

    EventBridge adds a year, wants `?` in one of day-of-month and day-of-week, and numbers weekdays
    1-7 from Sunday (cron: 0-7 from Sunday), so weekdays are written as names. Raises ValueError,
    naming the expression, for anything EventBridge cannot express the same way.
    """
    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(f"{cron!r} is not a five-field cron expression (minute hour day month weekday)")
    minute, hour, day, month, weekday = fields
    if day != "*" and weekday != "*":
        raise ValueError(
            f"{cron!r} sets both day-of-month and day-of-week (cron fires on either); "
            "EventBridge cannot, so keep one of them '*'"
        )
    try:
        return "cron({} {} {} {} {} *)".format(
            _numeric_field(minute, 0, 59),
            _numeric_field(hour, 0, 23),
            "?" if day == "*" and weekday != "*" else _numeric_field(day, 1, 31, last=True),
            _numeric_field(month, 1, 12, names=_MONTHS),
            "?" if weekday == "*" else _weekday_field(weekday),
        )
    except ValueError as exc:
        raise ValueError(f"cannot convert cron {cron!r} for EventBridge: {exc}") from None


def _numeric_field(expr: str, low: int, high: int, *, names: tuple[str, ...] = (), last: bool = False) -> str:
    if expr == "*":
        return "*"
    return ",".join("L" if last and part == "L" else _numeric_part(part, low, high, names) for part in expr.split(","))


def _numeric_part(part: str, low: int, high: int, names: tuple[str, ...]) -> str:
    match = _PART.fullmatch(part)
    if match is None:
        raise ValueError(f"{part!r} is not a value, range or step")
    start_text, end_text, step_text = match.group("start", "end", "step")
    step = _step(step_text)
    if start_text == "*":
        if end_text is not None or step is None:
            raise ValueError(f"{part!r}: '*' stands alone or as '*/step'")
        return f"{low}/{step}"
    start = _number(start_text, low, high, names)
    if end_text is None:
        return str(start) if step is None else f"{start}/{step}"
    end = _number(end_text, low, high, names)
    if end < start:
        raise ValueError(f"{part!r} runs backwards")
    if step is None:
        return f"{start}-{end}"
    return ",".join(str(value) for value in range(start, end + 1, step))  # EventBridge has no stepped range


def _step(text: str | None) -> int | None:
    if text is not None and int(text) < 1:
        raise ValueError("a step must be at least 1")
    return None if text is None else int(text)


def _number(text: str, low: int, high: int, names: tuple[str, ...]) -> int:
    if text.upper() in names:
        return names.index(text.upper()) + low
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(f"{text!r} is not a value from {low} to {high}")
    return int(text)


def _weekday_field(expr: str) -> str:
    if "#" in expr:  # the nth weekday of the month, e.g. 1#2 = the second Monday
        name, _, nth = expr.partition("#")
        if "," in expr or not nth.isdigit() or not 1 <= int(nth) <= 5:
            raise ValueError(f"{expr!r}: write the nth weekday alone, as DAY#1 to DAY#5")
        return f"{_WEEKDAYS[_weekday_number(name) % 7]}#{nth}"
    days = sorted({day for part in expr.split(",") for day in _weekdays_in(part)})
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        f"{_WEEKDAYS[run[0]]}-{_WEEKDAYS[run[-1]]}" if len(run) > 2 else ",".join(_WEEKDAYS[d] for d in run)
        for run in runs
    )


def _weekdays_in(part: str) -> set[int]:
    match = _PART.fullmatch(part)
    if match is None:
        raise ValueError(f"{part!r} is not a weekday, range or step")
    start_text, end_text, step_text = match.group("start", "end", "step")
    step = _step(step_text) or 1
    if start_text == "*":
        if end_text is not None:
            raise ValueError(f"{part!r}: '*' stands alone or as '*/step'")
        first, final = 0, 6
    else:
        first = _weekday_number(start_text)
        final = _weekday_number(end_text) if end_text else (6 if step_text else first)
    if final < first:
        raise ValueError(f"{part!r} runs backwards")
    return {day % 7 for day in range(first, final + 1, step)}  # cron's 7 is Sunday too


def _weekday_number(text: str) -> int:
    if text.upper() in _WEEKDAYS:
        return _WEEKDAYS.index(text.upper())
    if not text.isdigit() or int(text) > 7:
        raise ValueError(f"{text!r} is not a weekday (0-7 or SUN-SAT)")
    return int(text)
