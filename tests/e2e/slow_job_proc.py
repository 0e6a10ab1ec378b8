"""A firstmate process whose `roster_lists` run takes a minute, for tests that stop it mid-run (SIGKILL, Ctrl-C).

`python slow_job_proc.py scheduled 2026-06-01T16:42:00+00:00`: a scheduler's pass at that moment (a fixed clock), its
try recorded with no process to look at, as on AWS (`... laptop`: with this process as its runner, as `firstmate
worker` records it on a SQLite home);
`python slow_job_proc.py by-hand`: `firstmate jobs run roster_lists` as typed; `python slow_job_proc.py worker-once`:
`firstmate worker --once` as typed (its pass runs the roster lists, due or not); `python slow_job_proc.py worker`:
`firstmate worker` as typed, the same, its grace for a job to end one second (not ten). Configured by FIRSTMATE_* like
the real thing. Each prints "started" once the job runs, then sleeps.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from datetime import datetime
from typing import Any

import firstmate.jobs
import firstmate.workers as workers
from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App, build
from firstmate.config import load_settings
from firstmate.domain.schedule import Schedule
from firstmate.services.scheduler import Job, run_due_jobs

declared = firstmate.jobs.declared_jobs


def _slow(app: App, period: datetime) -> None:
    print("started", flush=True)
    time.sleep(60)


def _slow_jobs(*args: Any, **kwargs: Any) -> list[Job[App]]:
    """The declared jobs, `roster_lists` slow."""
    return [replace(job, run=_slow) if job.name == "roster_lists" else job for job in declared(*args, **kwargs)]


def main() -> None:
    if sys.argv[1] == "scheduled":
        app = build(load_settings(), clock=FixedClock(datetime.fromisoformat(sys.argv[2])))
        runner = app.this_process() if sys.argv[3:] == ["laptop"] else None
        jobs = [j for j in _slow_jobs(app.settings) if j.name == "roster_lists"]
        run_due_jobs(app.store, app.clock, jobs, app, runner=runner)
        return
    firstmate.jobs.declared_jobs = _slow_jobs  # read by `jobs run` as it runs
    from firstmate.cli import main as cli_main

    if sys.argv[1] in ("worker-once", "worker"):
        workers.declared_jobs = due_slow_jobs  # read by the worker's pass
        workers.JOB_GRACE_S = 1.0
        sys.argv = ["firstmate", "worker", *(["--once"] if sys.argv[1] == "worker-once" else [])]
    else:
        sys.argv = ["firstmate", "jobs", "run", "roster_lists"]
    cli_main()


def due_slow_jobs(*args: Any, **kwargs: Any) -> list[Job[App]]:
    """The declared jobs, `roster_lists` slow and due every minute."""
    every_minute = Schedule("roster_lists", "* * * * *", "UTC", "The roster lists, slow")
    return [replace(job, schedule=every_minute) if job.name == "roster_lists" else job for job in _slow_jobs(*args)]


if __name__ == "__main__":
    main()
