"""The report's weeks: when one ends in a zone, whose days the ad figures are (`ads_days`), which weeks the
rows cover and the calendar weeks between them, and the week a lead's day belongs to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from firstmate.domain.marketing import AdWeek


def week_ends(week: date, zone: str) -> datetime:
    """When the week starting on `week` ends in `zone`: the midnight that starts its eighth day there."""
    return datetime.combine(week + timedelta(weeks=1), time(), ZoneInfo(zone))


def ads_days(
    week: date, business_zone: str, account_zones: dict[str, str | None], pulled_at: datetime, *, crm: bool
) -> str:
    """What the report says when an ad account counts its days in another zone than the business's (Meta's
    weeks are the account's): whose days its ad figures are, and, when the week after had ended in the
    business's zone but not in the account's as the figures were pulled, when it does (it is not this
    report's: its Sunday was still running there). "" when every account counts the business's days."""
    other = {account: zone for account, zone in sorted(account_zones.items()) if zone and zone != business_zone}
    if not other:
        return ""
    by_zone: dict[str, list[str]] = defaultdict(list)
    for account, zone in other.items():
        by_zone[zone].append(account)
    whose = " and ".join(
        f"of ad account{'s' if len(accounts) > 1 else ''} {_listed(accounts)} in {zone}"
        for zone, accounts in by_zone.items()
    )
    said = f"Ad figures are the days {whose}" + (f", CRM leads the days in {business_zone}" if crm else "")
    after = week + timedelta(weeks=1)
    ends, zone = max((week_ends(after, zone), zone) for zone in by_zone)
    if week_ends(after, business_zone) <= pulled_at < ends:
        local = ends.astimezone(ZoneInfo(business_zone))
        said += (
            f"; the week of {after:%b} {after.day} ends in {zone} at {local:%H:%M} on {local:%a %b} {local.day}, "
            f"{business_zone} time, after these figures were pulled: it is reported once it has"
        )
    return said + "."


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def weeks_with_data(rows: Iterable[AdWeek]) -> list[date]:
    """The weeks the rows cover, oldest first."""
    return sorted({r.week_start for r in rows})


def calendar_weeks(with_data: list[date]) -> list[date]:
    """Every week from the first with data to the last, those without a row (ads paused) among them:
    skipped, "week over week" compared with two weeks before and "4 weeks" added up five. Counted back
    from the last week with data, on its weekday: a file of Sunday weeks has no Monday ones between."""
    if not with_data:
        return []
    last = with_data[-1]
    steps = (last - with_data[0]).days // 7
    return sorted({*with_data, *(last - timedelta(weeks=n) for n in range(steps + 1))})


def week_of(moment: datetime, zone: ZoneInfo, first_day: int) -> date:
    """The start of the week holding `moment`'s day in `zone`, weeks starting on `first_day` (0: Monday)."""
    day = moment.astimezone(zone).date()
    return day - timedelta(days=(day.weekday() - first_day) % 7)
