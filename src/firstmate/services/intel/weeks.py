"""Which week a run reports: the last that has ended in the business's zone and in each ad account's (Meta's
weeks are the account's days), what is said of one that has not (`WeekNotOver`), and moments in a zone's words."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from firstmate.domain.intel import week_ends
from firstmate.errors import WeekNotOver


def last_complete_week(now: datetime, timezone: str, *others: str) -> date:
    """The Monday of the last week that has fully ended in the business's zone (and in each of `others`)."""
    days = [now.astimezone(ZoneInfo(zone)).date() for zone in (timezone, *others)]
    return min(today - timedelta(days=today.weekday() + 7) for today in days)


def ended_in_accounts(
    target: date, zones: dict[str, str | None], now: datetime, timezone: str, *, refuse: bool,
    settle: timedelta = timedelta(0),
) -> date:  # fmt: skip
    """`target`, if it has ended in each ad account's zone (`zones`) too, `settle` ago; else the last week that
    has, or, when `refuse`, WeekNotOver saying when it ends. Meta's weeks are each ad account's days: one whose
    zone is behind the business's (Los Angeles, for a business in Auckland) had its Sunday half over at a
    Monday report, and the day was restated a week on."""
    named = sorted({zone for zone in zones.values() if zone})
    over = last_complete_week(now, timezone, *named)
    # a Monday run caught up at 21:05, five minutes after the accounts' Sunday ended, built it at once: the hour the
    # scheduled run waits for Meta's figures of those last hours is waited for whenever the run comes (an account
    # counting the business's own days has its week over long before the business's Monday report)
    others = [zone for zone in named if zone != timezone]
    ended = min(over, last_complete_week(now - settle, *others)) if settle and others else over
    if target <= ended or not refuse:
        return min(target, ended)
    just = target <= over  # over in every zone, but only just
    what, when = not_ended(target, zones, timezone, just=just)
    why = "Meta's weeks are the ad account's" + ("; its last hours' figures are given time to come in" if just else "")
    raise WeekNotOver(
        f"{what} ({why})",
        hint=f"run it after {when}, when it has; the last week ended there is {ended}",
        ends=max(week_ends(target, zone) for zone in zones.values() if zone),
        when=when,
    )


def not_ended(week: date, zones: dict[str, str | None], timezone: str, *, just: bool = False) -> tuple[str, str]:
    """What to say of a `week` that has not ended in the zone of some ad accounts (`zones`), the latest to end
    it: where and whose ("the week of 2026-11-09 has not ended yet in America/Los_Angeles, where ad account 1001
    counts its days"), and when it has, in the business's `timezone` ("Mon Nov 16 21:00 Pacific/Auckland time").
    `just`: it has ended there, only just ("the week of 2026-11-09 ended only at Mon Nov 16 21:00 Pacific/Auckland
    time in America/Los_Angeles, …")."""
    ends, zone = max((week_ends(week, z), z) for z in zones.values() if z)
    late = [account for account, z in zones.items() if z == zone]
    listed = late[0] if len(late) == 1 else f"{', '.join(late[:-1])} and {late[-1]}"
    whose = f"ad account {listed} counts its" if len(late) == 1 else f"ad accounts {listed} count their"
    when = moment_in(ends, timezone)
    where = f"ended only at {when} in {zone}" if just else f"has not ended yet in {zone}"
    return f"the week of {week} {where}, where {whose} days", when


def moment_in(at: datetime, timezone: str) -> str:
    """`at` as read in `timezone`: "Mon Nov 16 21:00 Pacific/Auckland time"."""
    local = at.astimezone(ZoneInfo(timezone))
    return f"{local:%a %b} {local.day} {local:%H:%M} {timezone} time"
