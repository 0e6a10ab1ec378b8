"""Run records: one per job and period (or run by hand), what they hold, and reading them from outside a
scheduler (`last_runs`) or writing one a period's work was done without (`mark_done`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from firstmate.domain.shared import iso
from firstmate.errors import ConditionFailed
from firstmate.ports import Absent, Clock, Item, Store
from firstmate.services.scheduler.job import Ctx, Job

RUNS_PK = "SYSTEM#JOBRUNS"
#: What a run record says of a try whose process stopped before it ended (killed, the machine off).
STOPPED = "the process running it stopped"
MANUAL = "~manual"  # the end of a manual run's record key
#: A run record's status for a try stopped with Ctrl-C (`jobs run`, `worker --once`): recorded as it stops; a run by
#: hand is not tried again, a scheduled try is taken up by the next pass (not one of its 3 tries: a stop by hand).
STOPPED_BY_HAND = "stopped"
#: What such a record says.
CTRL_C = "Ctrl-C pressed mid-run"
#: What it says of one SIGTERM stopped (`errors.Terminated`), as Ctrl-C does.
SIGTERM_SENT = "SIGTERM received mid-run"
#: What it says of one still running when `firstmate worker` (or `serve`) stopped past its grace (`Workers.stop`).
WORKER_STOPPED = "its worker stopped mid-run, the job not done within its 10 s to finish"
#: A run record's field: when its wait began, if not at its `at` (counted again after the clock stepped back).
WAITS_FROM = "waits_from"
#: A `waiting` run record's field: from when its period is run again (`Later`).
WAITS_UNTIL = "waits_until"
#: A `waiting` run record's field: True when its try failed, its period run again from `waits_until` all the same.
FAILED = "failed"
#: A failed scheduled run record's field: when its period is tried again ("": it is not; absent from a record written
#: before 2026-12-07, which did not say).
NEXT_TRY = "next_try"
#: A running try's field: the process running it (host, pid, …), on a SQLite home alone (`App.this_process`), looked at
#: by `jobs list` (`as_read`): gone, the try reads stopped at once, before its lease has passed.
RUNNER = "runner"
#: A scheduled run record's field: its period's fire time (its key is the local wall-clock time, read in a zone the
#: settings may have changed since).
FIRE_TIME = "fire_time"


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
        store.put(Item(RUNS_PK, sk, run_record("ok", now, 1, detail, period=period)), Absent())
    except ConditionFailed:
        return False
    return True


def last_runs(store: Store, job: str, *, limit: int = 5) -> list[dict[str, Any]]:
    """The most recent run records of a job, newest first."""
    page = store.query(RUNS_PK, f"{job}#", limit=limit, reverse=True)
    return [{"period": i.sk.removeprefix(f"{job}#"), **i.data} for i in page.items]


def run_record(
    status: str, now: datetime, attempts: int, detail: str = "", failed_periods: int = 0, lapsed: bool = False,
    waits_until: datetime | None = None, period: datetime | None = None, failed: bool = False,
    runner: Mapping[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A run record's data: its `status` at `now`, after `attempts` tries, with what it said (`detail`, cut to 500
    characters), and, where they apply, its failed periods in a row, whether it lapsed, when a waiting run is run
    again (`waits_until`), whether it waits after failing (`failed`: `FailedMeanwhile`) and its scheduled
    `period`; of a running try, the process running it (`runner`), where it can be looked at."""
    record: dict[str, Any] = {"status": status, "at": iso(now), "attempts": attempts, "detail": detail[:500]}
    if period is not None:  # a scheduled run's: read back by `left_behind` and `scheduled_period`
        record[FIRE_TIME] = iso(period)
    if failed_periods:
        record["failed_periods"] = failed_periods
    if lapsed:
        record["lapsed"] = True
    if waits_until is not None:
        record[WAITS_UNTIL] = iso(waits_until)
    if failed:
        record[FAILED] = True
    if runner is not None:
        record[RUNNER] = dict(runner)
    return record


def count_failed_periods(store: Store, job: str, sk: str) -> int:
    """The periods in a row that have failed, counting the scheduled run recorded at `sk` as failed
    (manual runs are not periods: they neither count nor break the run, however many lie between two
    periods: read from the ten newest records alone, ten `jobs run` started the count again)."""
    cursor: str | None = None
    while True:
        page = store.query(RUNS_PK, f"{job}#", limit=100, cursor=cursor, reverse=True)
        previous = next((i for i in page.items if i.sk < sk and not i.sk.endswith(MANUAL)), None)
        if previous is not None:
            return int(previous.data.get("failed_periods", 1)) + 1 if previous.data.get("status") == "failed" else 1
        if page.cursor is None:
            return 1
        cursor = page.cursor
