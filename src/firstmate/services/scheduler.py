"""Run scheduled jobs once per period, even with several schedulers and restarts.

A run is claimed with a conditional write on (job, period) before it starts, so a restart, or a
second `firstmate worker`, never runs Monday's report twice. A failed run is retried on later
ticks, 10 and then 30 minutes after it failed (MAX_ATTEMPTS in all), while its period is still due;
a run whose process died is retried once its lease has passed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

import structlog

from firstmate.domain.schedule import Schedule
from firstmate.domain.shared import iso
from firstmate.errors import ConditionFailed
from firstmate.logs import redact_text
from firstmate.ports import Absent, Clock, Item, Store, VersionIs

log = structlog.get_logger(__name__)

RUNS_PK = "SYSTEM#JOBRUNS"
MAX_ATTEMPTS = 3
LEASE = timedelta(minutes=30)
#: How long after its failed attempt a period's run is tried again (after the first, after the second):
#: a source throttling or down at 07:00 on Monday is most often back within the hour, and three tries
#: on back-to-back ticks (30 s apart) all met it.
RETRY_AFTER = (timedelta(minutes=10), timedelta(minutes=30))

Ctx = TypeVar("Ctx")


@dataclass(frozen=True)
class Job(Generic[Ctx]):
    """A schedule and the function it runs, given the application context and the period's
    fire time (so a job can work on its own period, not on whatever time it happens to start)."""

    schedule: Schedule
    run: Callable[[Ctx, datetime], Any]
    #: False for a job a local process's own loops already do (run only by the AWS schedules)
    local: bool = True

    @property
    def name(self) -> str:
        """The job's unique name."""
        return self.schedule.name


@dataclass(frozen=True)
class JobRun:
    """What happened to one job for one period."""

    job: str
    period: datetime
    status: str  # done | failed
    detail: str = ""
    attempts: int = 1

    @property
    def given_up(self) -> bool:
        """A failed run with no try left: nothing will run its period again."""
        return self.status == "failed" and self.attempts >= MAX_ATTEMPTS


def run_due_jobs(store: Store, clock: Clock, jobs: Sequence[Job[Ctx]], ctx: Ctx) -> list[JobRun]:
    """Run every job whose current period has not run yet; return what ran."""
    runs: list[JobRun] = []
    for job in jobs:
        period = job.schedule.due_period(clock.now())
        if period is None:
            continue
        claimed = _claim(store, clock.now(), f"{job.name}#{job.schedule.period_key(period)}")
        if claimed is None:
            continue
        runs.append(_run(store, clock, job, ctx, period, claimed))
    return runs


def run_job_now(store: Store, clock: Clock, job: Job[Ctx], ctx: Ctx) -> JobRun:
    """Run a job at once, outside its schedule (an admin's request); recorded as a manual run."""
    now = clock.now()
    sk = f"{job.name}#{job.schedule.period_key(now)}:{now.second:02d}.{now.microsecond:06d}~manual"
    item = store.put(Item(RUNS_PK, sk, _record("running", now, 1)))
    return _run(store, clock, job, ctx, now, item)


def mark_done(store: Store, clock: Clock, job: Job[Ctx], detail: str) -> bool:
    """Record the job's current period as done by other means (the demo builds the week's reports
    itself), unless a run of it is recorded already; whether it was recorded. A scheduler started
    next then has nothing of that period to catch up (the demo's first pass ran last Monday's report
    against sources it never set up, and mailed the owner that it failed)."""
    now = clock.now()
    period = job.schedule.due_period(now)
    if period is None:
        return False
    sk = f"{job.name}#{job.schedule.period_key(period)}"
    try:
        store.put(Item(RUNS_PK, sk, _record("ok", now, 1, detail)), Absent())
    except ConditionFailed:
        return False
    return True


def last_runs(store: Store, job: str, *, limit: int = 5) -> list[dict[str, Any]]:
    """The most recent run records of a job, newest first."""
    page = store.query(RUNS_PK, f"{job}#", limit=limit, reverse=True)
    return [{"period": i.sk.removeprefix(f"{job}#"), **i.data} for i in page.items]


def _record(status: str, now: datetime, attempts: int, detail: str = "") -> dict[str, Any]:
    return {"status": status, "at": iso(now), "attempts": attempts, "detail": detail[:500]}


def _claim(store: Store, now: datetime, sk: str) -> Item | None:
    existing = store.get(RUNS_PK, sk)
    try:
        if existing is None:
            return store.put(Item(RUNS_PK, sk, _record("running", now, 1)), Absent())
        data = existing.data
        stale = data["status"] == "running" and now - datetime.fromisoformat(data["at"]) > LEASE
        retry = data["status"] == "failed" and now - datetime.fromisoformat(data["at"]) >= _retry_after(
            data["attempts"]
        )
        if not (stale or retry) or data["attempts"] >= MAX_ATTEMPTS:
            return None
        attempts = int(data["attempts"]) + 1
        return store.put(Item(RUNS_PK, sk, _record("running", now, attempts)), VersionIs(existing.version))
    except ConditionFailed:
        return None  # another scheduler claimed this period first


def _retry_after(attempts: int) -> timedelta:
    """The wait before the next try of a run that has failed `attempts` times."""
    return RETRY_AFTER[min(attempts, len(RETRY_AFTER)) - 1]


def _run(store: Store, clock: Clock, job: Job[Ctx], ctx: Ctx, period: datetime, claimed: Item) -> JobRun:
    attempts = int(claimed.data["attempts"])
    log.info("job.start", job=job.name, period=iso(period), attempt=attempts)
    try:
        result = job.run(ctx, period)
    except Exception as exc:
        log.exception("job.failed", job=job.name, period=iso(period))
        status, detail = "failed", redact_text(f"{type(exc).__name__}: {exc}")  # shown by `jobs list`
    else:
        status, detail = "done", "" if result is None else str(result)
        log.info("job.done", job=job.name, period=iso(period), result=detail)
    record = _record(status, clock.now(), attempts, detail)
    try:
        store.put(Item(claimed.pk, claimed.sk, record), VersionIs(claimed.version))
    except ConditionFailed:
        log.warning("job.lease_lost", job=job.name, period=iso(period))
    return JobRun(job.name, period, status, detail, attempts)
