"""What a caller asks the role reports for: which roles, and a day up to today."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from firstmate.domain.reports.document import ROLES
from firstmate.errors import InvalidInput
from firstmate.services.business import load_business
from firstmate.services.context import Context


def parse_roles(value: str) -> list[str]:
    """ "all" or one role key (or several, comma-separated) → role keys; InvalidInput names the choices."""
    if value.strip().lower() == "all":
        return list(ROLES)
    roles = [part.strip().lower().replace("-", "_") for part in value.split(",") if part.strip()]
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise InvalidInput(f"no role {', '.join(unknown) or value!r}; the roles are: all, {', '.join(ROLES)}")
    return roles


def check_report_day(ctx: Context, org: str, day: date, *, option: str | None = None) -> None:
    """InvalidInput when `day` is after today in `org`'s zone: a report of days still to come would read
    its books as of today, and be stored (and sent) as that day's. `option`: the CLI option that named
    the day ("--as-of"), said in the message and its hint."""
    profile = load_business(ctx.store, org)
    zone = profile.org.timezone if profile else "UTC"
    today = ctx.clock.now().astimezone(ZoneInfo(zone)).date()
    if day > today:
        hint = f"leave {option} out for today's report, or name a day up to today" if option else None
        raise InvalidInput(
            f"{option or 'a report as of'} {day} is after today, {today} in {zone}",
            hint=hint or "name a day up to today: a later day's week has not happened yet",
        )
