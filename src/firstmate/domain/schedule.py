"""Scheduled jobs: when each fires, in its own time zone, and which period a run belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter


@dataclass(frozen=True)
class Schedule:
    """A job's timing: a five-field cron expression read in `timezone` (DST-safe)."""

    name: str
    cron: str
    timezone: str = "UTC"
    description: str = ""
    #: How late a missed run may still start (the machine was off at 7:00, on at 8:30).
    catch_up: timedelta = timedelta(hours=6)

    def __post_init__(self) -> None:
        if not croniter.is_valid(self.cron) or len(self.cron.split()) != 5:
            raise ValueError(f"job {self.name!r}: {self.cron!r} is not a five-field cron expression")
        ZoneInfo(self.timezone)

    def previous_fire(self, now: datetime) -> datetime:
        """The latest scheduled moment at or before `now`, in UTC."""
        local = now.astimezone(ZoneInfo(self.timezone))
        minute = local.replace(second=0, microsecond=0)
        if croniter.match(self.cron, minute):  # get_prev is strictly before its start
            return minute.astimezone(UTC)
        fire: datetime = croniter(self.cron, local).get_prev(datetime)
        return fire.astimezone(UTC)

    def period_key(self, fire: datetime) -> str:
        """The period a fire time belongs to, as local wall-clock time.

        When clocks go back, 01:30 happens twice; both fire times share one key, so a daily job
        runs once that night, not twice.
        """
        return fire.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m-%dT%H:%M")

    def next_fire(self, now: datetime) -> datetime:
        """The first scheduled moment after `now`, in UTC."""
        local = now.astimezone(ZoneInfo(self.timezone))
        fire: datetime = croniter(self.cron, local).get_next(datetime)
        return fire.astimezone(UTC)

    def due_period(self, now: datetime) -> datetime | None:
        """The fire time a run at `now` should serve, or None if the last one is too old to catch up."""
        fire = self.previous_fire(now)
        return fire if now - fire <= self.catch_up else None
