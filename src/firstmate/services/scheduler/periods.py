"""Which periods of a job are run: its schedule's due one, and, of a job that waits (`Job.waits`), periods its
schedule no longer has (its cron changed while a run waited), within their catch-up window; and the runs left
waiting (or to be tried again, or stopped with their process) past it (`skipped_waits`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from firstmate.domain.schedule import Schedule
from firstmate.domain.shared import iso
from firstmate.ports import Item, Store
from firstmate.services.scheduler.claims import Gone, ended
from firstmate.services.scheduler.job import Job
from firstmate.services.scheduler.records import FIRE_TIME, MANUAL, NEXT_TRY, RUNS_PK, WAITS_UNTIL

#: How many of a job's newest run records a pass reads for runs left behind by a change of its schedule
#: (`Job.waits`): a week's periods and the runs by hand between them.
LEFT_BEHIND_READ = 20


def left_behind(store: Store, job: Job[Any], now: datetime) -> list[tuple[datetime, str]]:
    """The periods of `job` its schedule no longer has (its cron changed meanwhile) whose runs are not over yet
    (waiting, failed or stopped: whether to run now is `claim`'s to say), within their catch-up window, the
    oldest first. Moved from 07:00 to 23:00 while a run waited till 22:00, the run was never taken up again."""
    periods = []
    for item in store.query(RUNS_PK, f"{job.name}#", limit=LEFT_BEHIND_READ, reverse=True).items:
        if item.sk.endswith(MANUAL) or item.data.get("status") not in ("waiting", "failed", "running", "stopped"):
            continue
        period = period_of(job, item)
        if period is not None and orphaned(job, period) and now - period <= job.schedule.catch_up:
            periods.append((period, item.sk))
    return sorted(periods)


def skipped_waits(store: Store, job: Job[Any], now: datetime, gone: Gone = None) -> list[tuple[datetime, Item]]:
    """The runs of `job` left waiting (`Later`), failed to be tried again, or stopped with their process, whose moment
    has come but whose period is run no more (its catch-up window closed first: firstmate not running then, its cron
    changed meanwhile), the oldest first: left `waiting`, `failed` or `running`, `jobs list` said they would run again
    (or be tried again, or were running), and their work (a week's report) was never done, nobody told. `gone`: as
    `claimable` has it."""
    skipped = []
    for item in store.query(RUNS_PK, f"{job.name}#", limit=LEFT_BEHIND_READ, reverse=True).items:
        status = item.data.get("status")
        stopped = status in ("running", "stopped") and ended(item.data, now, gone)  # its process stopped, or Ctrl-C
        if item.sk.endswith(MANUAL) or not (
            stopped or status == "waiting" or (status == "failed" and item.data.get(NEXT_TRY))
        ):
            continue
        # a failed run's retry outlasted by the downtime is skipped as a wait is: its next period reports another week
        period, until = period_of(job, item), item.data.get(WAITS_UNTIL if status == "waiting" else NEXT_TRY)
        # its moment come: it would run now (a stopped try would be tried again, or given up)
        come = stopped or (until is not None and now >= datetime.fromisoformat(until))
        if period is not None and come and not due_at(job, period, now):
            skipped.append((period, item))
    return sorted(skipped, key=lambda pair: pair[0])


def period_of(job: Job[Any], item: Item) -> datetime | None:
    """The period a scheduled run record is of: as it says (`FIRE_TIME`), or, a record written before it said so, its
    key's wall-clock time in the job's zone."""
    if FIRE_TIME in item.data:
        return datetime.fromisoformat(item.data[FIRE_TIME])
    try:
        local = datetime.strptime(item.sk.removeprefix(f"{job.name}#"), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return local.replace(tzinfo=ZoneInfo(job.schedule.timezone)).astimezone(UTC)


def orphaned(job: Job[Any], period: datetime) -> bool:
    """Whether `period` is no fire time of `job`'s schedule as it is now (its cron changed since it ran)."""
    return job.schedule.previous_fire(period) != period


def due_at(job: Job[Any], period: datetime, at: datetime) -> bool:
    """Whether `job`'s `period` is still run at `at`: it is its schedule's period due then, or, of a job that
    waits, a period its schedule no longer has, still within its catch-up window."""
    if job.schedule.due_period(at) == period:
        return True
    return job.waits and orphaned(job, period) and at - period <= job.schedule.catch_up


def scheduled_period(store: Store, schedule: Schedule, period: datetime) -> bool:
    """Whether `period` is a scheduled period of the job of `schedule` (not a run by hand): a fire time of the
    schedule, or one it had when that period's run was recorded (the cron changed while the run waited)."""
    if schedule.previous_fire(period) == period:
        return True
    record = store.get(RUNS_PK, f"{schedule.name}#{schedule.period_key(period)}")
    return record is not None and record.data.get(FIRE_TIME) == iso(period)
