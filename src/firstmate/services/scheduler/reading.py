"""A run record as it reads now, from outside a scheduler (`jobs list`): a try whose process stopped mid-run (killed,
the machine off or asleep) reads stopped, not `running`, once its lease has passed (`stopped_since`), or at once where
its process can be looked at and is gone (a SQLite home: `App.process_gone`); a scheduled try stopped with Ctrl-C
says what comes of it as a stopped one does; and a run whose
period is run no more (failed, or left waiting), its catch-up window closed while firstmate was off, is not said tried
again (`window_closed`). Each scheduler's next pass writes what it does of them (tries one again, gives it up, skips
it); until then, and of the jobs whose records no pass reads again (all but the weekly report, a run by hand), only the
reading says so. A job waiting on another's run (`wait_while_running`) reads it so too: it does not wait on a try whose
process stopped."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from firstmate.domain.schedule import Schedule
from firstmate.domain.shared import iso
from firstmate.ports import Clock, Item, Store
from firstmate.services.scheduler.claims import runner_gone, stopped_running
from firstmate.services.scheduler.job import MAX_ATTEMPTS, Job
from firstmate.services.scheduler.periods import due_at, period_of
from firstmate.services.scheduler.records import (
    FAILED,
    MANUAL,
    NEXT_TRY,
    RUNS_PK,
    STOPPED,
    STOPPED_BY_HAND,
    WAITS_FROM,
)

#: Of a failed run or a stopped try whose period's catch-up window closed (firstmate off meanwhile), as `as_read` says.
WINDOW_CLOSED = "not tried again: its catch-up window closed {} (its next period runs as scheduled)"
#: Of a run left waiting (`Later`) whose period's catch-up window closed so.
WAIT_CLOSED = "not run again: its catch-up window closed first (its next period runs as scheduled)"
#: Of either, of a job whose next pass records such a run skipped, saying what it leaves to do (`Job.skipped`).
SKIP_COMING = "not run again: its catch-up window closed first, to be recorded skipped by a coming pass"


def as_read(
    job: Job[Any], record: Mapping[str, Any], now: datetime, gone: Callable[[Mapping[str, Any]], bool] | None = None
) -> dict[str, Any]:
    """A run `record` of `job` (as `last_runs` gives it) as it reads `now`: a try whose process stopped mid-run (its
    lease passed, or the process its record names `gone`, as `App.process_gone` tells) said `stopped` when last
    heard of (`at`, `heard`), with what comes of it (`again`: the next pass takes a gone one up too, the worker
    told `gone` as well) and whether its process was seen gone (`gone`); a scheduled try stopped with Ctrl-C said
    what comes of it too; a failed run's retry, or a run left waiting, whose period's catch-up window has closed said
    not run again (`again`). Said "running", or "tried again from …" long past, for good, a week later, of all but
    the weekly report (whose next pass records it skipped)."""
    if (heard := stopped_since(record, now, gone)) is not None:
        said = {"status": "stopped", "at": iso(heard), "heard": True, "detail": f"{STOPPED} mid-run"}
        said["gone"] = runner_gone(record, gone)
        return {**record, **said, "again": _again(job, record, now)}
    if record["status"] == STOPPED_BY_HAND and not str(record["period"]).endswith(MANUAL):  # Ctrl-C: `worker --once`
        return {**record, "again": _again(job, record, now)}
    if record["status"] == "failed" and record.get(NEXT_TRY) and window_closed(job, record, now):
        return {**record, "again": SKIP_COMING if job.skipped else WINDOW_CLOSED.format("before its retry")}
    if record["status"] == "waiting" and window_closed(job, record, now):  # "run again from" a time long past
        again = WINDOW_CLOSED.format("first") if record.get(FAILED) else WAIT_CLOSED
        return {**record, "again": SKIP_COMING if job.skipped else again}
    return dict(record)


def _again(job: Job[Any], record: Mapping[str, Any], now: datetime) -> str:
    """What comes of a stopped try (`record`), read `now`: a scheduler's next pass takes it up (its lease passed, its
    process gone on this laptop, or Ctrl-C)."""
    if str(record["period"]).endswith(MANUAL):
        return "run by hand: not tried again"
    if window_closed(job, record, now):
        return WINDOW_CLOSED.format("first")
    stopped_by_hand = record["status"] == STOPPED_BY_HAND  # Ctrl-C: not one of its tries, tried again all the same
    if int(record["attempts"]) >= MAX_ATTEMPTS and not stopped_by_hand:  # its next pass records it given up
        return f"given up after {record['attempts']} tries (its next period runs as scheduled)"
    return "tried again at the scheduler's next pass"


def stopped_since(
    record: Mapping[str, Any], now: datetime, gone: Callable[[Mapping[str, Any]], bool] | None = None
) -> datetime | None:
    """When a `running` try was last heard of, once its lease has passed (its process stopped mid-run, within a
    lease's renewal of then: `LeaseRenewal`) or the process its record names is `gone` (`App.process_gone`); None
    for any other record, or a try that may still be running."""
    if not stopped_running(record, now, gone):
        return None
    return datetime.fromisoformat(record.get(WAITS_FROM, record["at"]))


def window_closed(job: Job[Any], record: Mapping[str, Any], now: datetime) -> bool:
    """Whether a scheduled run of `job` (`record`, as `last_runs` gives it) is of a period no longer run at `now`: its
    catch-up window closed (firstmate off meanwhile, or a later period due), so no pass tries it again. False for a
    run by hand (never tried again) or a record that does not say its period."""
    key = str(record["period"])
    if key.endswith(MANUAL):
        return False
    period = period_of(job, Item(RUNS_PK, f"{job.name}#{key}", dict(record)))
    return period is not None and not due_at(job, period, now)


def wait_while_running(
    store: Store, clock: Clock, job: str, schedule: Schedule, period: datetime, *, polls: int, every_s: float,
    sleep: Callable[[float], None] = time.sleep, starting: bool = False, time_left: Callable[[], float] | None = None,
    gone: Callable[[Mapping[str, Any]], bool] | None = None,
) -> str | None:  # fmt: skip
    """Wait while `job`'s run of `period` (of `schedule`) is running elsewhere, reading its record every
    `every_s` seconds at most `polls` times; its status then (None: no run of that period recorded; "stopped": a
    try whose process stopped mid-run, its lease passed or its process `gone` (`App.process_gone`), as `as_read` says
    it, not waited on for nothing).
    On AWS each schedule starts a function of its own at its minute: a job reading what another of the
    same minute writes waits for it here (the local scheduler runs them in turn). `starting`: wait too
    while no run of the period is recorded yet, for one due to start (the two functions of one minute
    start in either order, a second or two apart). `time_left`: the seconds the process has (a Lambda function's
    time, less what it keeps for after): the wait ends, the status as last read, before a pause that would go
    past it."""
    sk = f"{job}#{schedule.period_key(period)}"
    status: str | None = None
    for poll in range(polls):
        if poll:  # none after the last read: it would be waited for nothing, (polls - 1) × every_s in all
            if time_left is not None and time_left() < every_s:
                return status
            sleep(every_s)
        record = store.get(RUNS_PK, sk)
        status = None if record is None else str(record.data.get("status"))
        if record is not None and stopped_since(record.data, clock.now(), gone) is not None:
            return "stopped"  # its process killed (a function out of memory): it never ends, taken up later
        if status != "running" and (status is not None or not starting):
            return status
    return status
