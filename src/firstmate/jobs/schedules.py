"""The Monday reports' schedule, and the warnings for orgs whose week it would report late or stale."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from firstmate.config import Settings
from firstmate.domain.intel import week_ends
from firstmate.domain.schedule import Schedule
from firstmate.services.intel import last_complete_week

#: How long after an ad account's week has ended (in its zone, behind the business's) the org's scheduled report,
#: left for later by the Monday run, is built: Meta's figures of the account's last hours, a margin to come in.
ACCOUNT_WEEK_MARGIN = timedelta(hours=1)
#: A Monday report missed (the machine off from Saturday to Monday afternoon) still goes out late in
#: the week: it reports the last complete week whenever it runs. With the 6 hours other jobs have,
#: the week's reports were skipped without a word.
WEEKLY_CATCH_UP = timedelta(days=6)


def late_week_warnings(
    settings: Settings, orgs: list[tuple[str, str]], now: datetime,
    account_zones: Mapping[str, Mapping[str, str | None]] | None = None,
) -> list[str]:  # fmt: skip
    """A line for each org (id, time zone) whose week has not ended when the weekly reports next fire,
    their schedule's zone (`timezone`) being ahead of the org's: its Monday report would be of the week before,
    a week stale, unsaid; and for each whose ad accounts' has not (`account_zones`: by org, the zone each account
    counts its days in, as a run recorded them; Meta's weeks are the account's): its report waits for that week
    to end, and goes out later that day (`weekly_reports`), which is said with the hour."""
    schedule = Schedule("weekly_report", settings.weekly_report_cron, settings.timezone)
    fire = schedule.next_fire(now)
    when = f"when the weekly reports run ({settings.weekly_report_cron} in {settings.timezone})"
    lines = [
        f"org {org!r} is in {zone}, where the week has not ended {when}: its reports would be a week old; "
        f"set timezone = {zone!r} in the settings"
        for org, zone in orgs
        if last_complete_week(fire, zone) < last_complete_week(fire, settings.timezone)
    ]
    for org, zone in orgs:
        week = last_complete_week(fire, zone)  # the week its report is of, were every account's over
        zones = {a: z for a, z in sorted((account_zones or {}).get(org, {}).items()) if z}
        behind = {z for z in zones.values() if last_complete_week(fire, zone, z) < week}
        if not behind:
            continue
        ends, late = max((week_ends(week, z), z) for z in behind)
        accounts = [a for a, z in zones.items() if z == late]
        whose = (
            f"ad account {accounts[0]} counts its"
            if len(accounts) == 1
            else f"ad accounts {', '.join(accounts[:-1])} and {accounts[-1]} count their"
        )
        local = (ends + ACCOUNT_WEEK_MARGIN).astimezone(ZoneInfo(settings.timezone))
        lines.append(
            f"org {org!r}: {whose} days in {late}, where the week has not ended {when} (Meta's weeks are the "
            f"ad account's): its weekly report waits for it, and goes out at {local:%a %H:%M} "
            f"{settings.timezone} time, an hour after it has"
        )
    return lines


def weekly_schedule(settings: Settings, name: str, description: str) -> Schedule:
    """The schedule of a Monday report (`weekly_report_cron`, in the business's zone)."""
    return Schedule(name, settings.weekly_report_cron, settings.timezone, description, WEEKLY_CATCH_UP)
