"""A scheduled try whose process was killed (kill -9, a closed terminal) on the laptop: the scheduler's next pass takes
it up at once, where it waited out the try's 30-minute lease; never a try whose process lives, one recorded from
another machine, nor one on AWS (whose lease alone tells)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.schedule import Schedule
from firstmate.services.scheduler import LEASE, RUNS_PK, Job, last_runs, run_due_jobs
from firstmate.services.scheduler.claims import claim
from firstmate.workers import Workers
from tests.e2e.slow_job_proc import due_slow_jobs
from tests.e2e.test_jobs_stopped import _row, _started

EVERY_MINUTE = Schedule("roster_lists", "* * * * *", "UTC", "The roster lists")


def _lists(app: App, period: datetime) -> str:
    return "listed"


def _a_pass(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """One pass of `firstmate worker`'s scheduler on `app`, its jobs the roster lists alone (due every minute)."""
    monkeypatch.setattr("firstmate.workers.declared_jobs", lambda *a, **k: [Job(EVERY_MINUTE, _lists)])
    Workers(app).schedule_once()


def _killed_mid_try(app: App, clock: FixedClock) -> dict[str, Any]:
    """A real `firstmate worker --once` killed (SIGKILL) while its roster lists run: their record, the clock set within
    the try's minute (its period still due) and well inside its lease."""
    proc = _started("worker-once", home=app.settings.home)
    proc.kill()
    proc.wait(timeout=30)
    [record] = last_runs(app.store, "roster_lists")
    assert record["status"] == "running" and record["runner"]["pid"] == proc.pid, record
    clock.set(datetime.fromisoformat(record["fire_time"]) + timedelta(seconds=59))
    return record


def test_a_try_whose_worker_was_killed_is_taken_up_by_the_next_pass_at_once_on_the_laptop(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: the worker running the roster lists was killed (kill -9, a closed terminal); `jobs list` said at
    once that the try stopped, but the scheduler of the worker started again tried it only once its lease's 30
    minutes had passed. The next pass now takes it up at once, the killed try counted as one of its three (it was
    not stopped by hand). While the worker lives, a pass leaves its try alone."""
    proc = _started("worker-once", home=app.settings.home)
    [record] = last_runs(app.store, "roster_lists")
    clock.set(datetime.fromisoformat(record["fire_time"]) + timedelta(seconds=59))
    _a_pass(app, monkeypatch)  # its worker alive: running it is, not run again beside it
    [still] = last_runs(app.store, "roster_lists")
    assert (still["status"], still["attempts"]) == ("running", 1), still
    proc.kill()
    proc.wait(timeout=30)

    monkeypatch.setattr("firstmate.jobs.declared_jobs", due_slow_jobs)  # `jobs list` as the worker had them
    row = _row(app, monkeypatch, "roster_lists")
    assert "(its process is gone), tried again at the scheduler's next pass: the process running it stopped" in row
    _a_pass(app, monkeypatch)
    [done] = last_runs(app.store, "roster_lists")
    assert (done["status"], done["detail"], done["attempts"]) == ("done", "listed", 2), done
    assert "done" in _row(app, monkeypatch, "roster_lists") and "stopped" not in _row(app, monkeypatch, "roster_lists")


def test_a_killed_last_try_is_given_up_at_once_and_two_passes_seeing_a_killed_try_run_it_once(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third try of the roster lists killed: the next pass records it given up at once ("the process running it
    stopped"), as it did 30 minutes on. Two workers' passes that both read a killed try: one claims it, on the
    record's version; the other does not run it too."""
    record = _killed_mid_try(app, clock)
    [item] = app.store.query(RUNS_PK, "roster_lists#").items
    app.store.put(replace(item, data={**item.data, "attempts": 3}))
    _a_pass(app, monkeypatch)
    [given_up] = last_runs(app.store, "roster_lists")
    assert (given_up["status"], given_up["detail"], given_up["attempts"]) == (
        "failed",
        "the process running it stopped",
        3,
    ), given_up

    app.store.put(replace(item, data={**item.data, "attempts": 1}))  # a first try killed, as both passes read it
    [read] = app.store.query(RUNS_PK, "roster_lists#").items
    period, now = datetime.fromisoformat(record["fire_time"]), clock.now()
    first = claim(app.store, now, read.sk, read, period, app.this_process(), app.process_gone())
    second = claim(app.store, now, read.sk, read, period, app.this_process(), app.process_gone())
    assert first is not None and first.data["attempts"] == 2 and second is None


def test_a_killed_try_of_another_machine_or_on_aws_waits_out_its_lease(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A try recorded by another machine (a shared home) cannot be looked at here, and on AWS no process is: both
    keep the lease rule, taken up only once its 30 minutes have passed."""
    record = _killed_mid_try(app, clock)
    [item] = app.store.query(RUNS_PK, "roster_lists#").items
    elsewhere = {**item.data, "runner": {**item.data["runner"], "host": "another-laptop.example.com"}}
    app.store.put(replace(item, data=elsewhere))
    _a_pass(app, monkeypatch)
    assert last_runs(app.store, "roster_lists")[0]["status"] == "running"

    app.store.put(replace(item, data=item.data))  # this machine's again, its process gone
    fired = datetime.fromisoformat(record["fire_time"])
    hourly = Job(Schedule("roster_lists", f"{fired.minute} * * * *", "UTC"), _lists)  # its period due for 6 hours
    run_due_jobs(app.store, clock, [hourly], app)  # as AWS's scheduler passes: no process to look at
    assert last_runs(app.store, "roster_lists")[0]["status"] == "running"
    clock.set(datetime.fromisoformat(record["at"]) + LEASE + timedelta(seconds=1))
    [run] = run_due_jobs(app.store, clock, [hourly], app)  # its lease passed: taken up, as before
    assert (run.status, run.attempts) == ("done", 2)
