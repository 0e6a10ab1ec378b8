"""A run stopped mid-run (its process killed, the machine off, Ctrl-C on a run by hand) as `jobs list` shows it:
stopped, and what comes of its work, never "running" or "tried again from …" long past."""

from __future__ import annotations

import signal
import subprocess
import sys
from contextlib import nullcontext, suppress
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.schedule import Schedule
from firstmate.services.scheduler import RUNS_PK, Job, last_runs, run_due_jobs, run_job_now
from firstmate.services.scheduler.records import WORKER_STOPPED
from tests.conftest import firstmate_env
from tests.e2e.slow_job_proc import due_slow_jobs

SLOW_JOB = Path(__file__).with_name("slow_job_proc.py")


def _row(app: App, monkeypatch: pytest.MonkeyPatch, job: str) -> str:
    """`job`'s row of `jobs list`, read at the app's clock, in one line."""
    from typer.testing import CliRunner

    from firstmate.cli import cli

    monkeypatch.setattr("firstmate.cli.jobs.app_context", lambda: nullcontext(app))
    listed = CliRunner().invoke(cli, ["jobs", "list"], env={"COLUMNS": "600"}).output
    [row] = [line for line in listed.splitlines() if f" {job} " in line]
    return " ".join(row.split())


def _stopped_with_ctrl_c(*args: str, home: Path) -> None:
    """The slow job's process stopped with Ctrl-C as its job runs: it exits 130 saying so in one line, no traceback."""
    proc = _started(*args, home=home)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert stderr.strip().startswith("stopped (Ctrl-C)") and len(stderr.strip().splitlines()) == 1, stderr
    assert "Traceback" not in stderr


def _started(*args: str, home: Path) -> subprocess.Popen[str]:
    """The slow job's process (`slow_job_proc.py`), once its job runs."""
    proc = subprocess.Popen(
        [sys.executable, str(SLOW_JOB), *args],
        env=firstmate_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    for line in proc.stdout:  # after what it logs
        if line == "started\n":
            return proc
    raise AssertionError(proc.communicate(timeout=30))


def test_a_run_whose_process_was_killed_reads_stopped_once_its_lease_has_passed(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: the hourly roster lists' process was killed mid-run (SIGKILL, the laptop's lid) and `jobs list`
    said "running 2026-06-01T16:42" for good, the next day still. Past its lease it now reads stopped, and whether the
    scheduler's next pass tries it again or its catch-up window has closed. (Its try names no process to look at, as
    on AWS: only the lease tells.)"""
    proc = _started("scheduled", "2026-06-01T16:42:00+00:00", home=app.settings.home)
    proc.kill()
    proc.wait(timeout=30)

    clock.set(datetime(2026, 6, 1, 16, 50, tzinfo=UTC))  # within its lease: it may well be running
    assert "running 2026-06-01T16:42" in _row(app, monkeypatch, "roster_lists")

    clock.set(datetime(2026, 6, 1, 17, 20, tzinfo=UTC))  # its 30 minutes' lease passed, its period still due
    row = _row(app, monkeypatch, "roster_lists")
    said = "stopped ~2026-06-01T16:42, tried again at the scheduler's next pass: the process running it stopped mid-run"
    assert said in row and "running" not in row.replace("running it", ""), row

    clock.set(datetime(2026, 6, 2, 9, 0, tzinfo=UTC))  # the machine off overnight: its 6 hours of catch-up over
    row = _row(app, monkeypatch, "roster_lists")
    said = "stopped ~2026-06-01T16:42, not tried again: its catch-up window closed first (its next period runs"
    assert said in row and "tried again at" not in row, row

    run_due_jobs(app.store, clock, [Job(Schedule("roster_lists", "41 * * * *", "UTC"), lambda a, p: "listed")], app)
    assert "done 2026-06-02T09:00: listed" in _row(app, monkeypatch, "roster_lists")


def test_a_try_whose_process_is_gone_reads_stopped_at_once_on_the_laptop(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: on the laptop, the worker running the roster lists was killed (kill -9, a closed terminal) and
    `jobs list` said "running" for its lease's 30 minutes, though nothing ran: wait, or run it again? Its try names
    the process running it, and once that is gone it reads stopped at once, tried again by the scheduler's next pass
    (`test_jobs_taken_up.py`). A try named from another machine keeps the lease rule, as on AWS."""
    proc = _started("scheduled", "2026-06-01T16:42:00+00:00", "laptop", home=app.settings.home)
    clock.set(datetime(2026, 6, 1, 16, 43, tzinfo=UTC))
    assert "running 2026-06-01T16:42" in _row(app, monkeypatch, "roster_lists")  # alive: running it is
    proc.kill()
    proc.wait(timeout=30)

    row = _row(app, monkeypatch, "roster_lists")
    said = "stopped ~2026-06-01T16:42 (its process is gone), tried again at the scheduler's next pass: the process"
    assert said in row and "running" not in row.replace("running it", ""), row
    clock.set(datetime(2026, 6, 1, 17, 20, tzinfo=UTC))  # its lease passed too, its period still due
    said = "stopped ~2026-06-01T16:42 (its process is gone), tried again at the scheduler's next pass: the process"
    assert said in _row(app, monkeypatch, "roster_lists")

    [item] = app.store.query(RUNS_PK, "roster_lists#").items
    runner = {**item.data["runner"], "host": "another-laptop.example.com"}
    app.store.put(replace(item, data={**item.data, "runner": runner}))
    clock.set(datetime(2026, 6, 1, 16, 50, tzinfo=UTC))  # its process on another machine: not to be looked at here
    assert "running 2026-06-01T16:42" in _row(app, monkeypatch, "roster_lists")

    by_hand = _started("by-hand", home=app.settings.home)
    by_hand.kill()
    by_hand.wait(timeout=30)
    [record, _] = last_runs(app.store, "roster_lists")
    clock.set(datetime.fromisoformat(record["at"]) + timedelta(minutes=1))
    row = _row(app, monkeypatch, "roster_lists")
    said = "(its process is gone), run by hand: not tried again: the process running it stopped mid-run"
    assert f"stopped ~{record['at'][:16]} {said}" in row, row


def test_a_failed_run_whose_retry_fell_in_a_downtime_past_its_window_is_not_said_tried_again(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: the sweep failed at 16:18, to be tried again from 16:28, and firstmate was off till the next
    morning: `jobs list` still said "tried again from 2026-06-01T16:28 UTC" though its period was run no more."""

    def broken(ctx: App, period: datetime) -> None:
        raise RuntimeError("the store's sweep broke")

    clock.set(datetime(2026, 6, 1, 16, 18, tzinfo=UTC))
    run_due_jobs(app.store, clock, [Job(Schedule("sweep", "17 * * * *", "UTC"), broken)], app)
    assert "tried again from 2026-06-01T16:28 UTC" in _row(app, monkeypatch, "sweep")

    clock.set(datetime(2026, 6, 2, 9, 0, tzinfo=UTC))
    row = _row(app, monkeypatch, "sweep")
    said = "failed 2026-06-01T16:18, not tried again: its catch-up window closed before its retry (its next period"
    assert said in row and "tried again from" not in row, row
    assert "an unexpected error (RuntimeError: the store's sweep broke; the log has the details)" in row


def test_ctrl_c_on_a_run_by_hand_records_it_stopped_and_exits_130_saying_so_in_one_line(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: `jobs run roster_lists` stopped with Ctrl-C left its run "running" in `jobs list` (and, its lease
    past, said nothing of what became of it). It is now recorded stopped by hand as Ctrl-C stops it, the command
    exiting 130 with one line."""
    _stopped_with_ctrl_c("by-hand", home=app.settings.home)

    [record] = last_runs(app.store, "roster_lists")
    assert record["status"] == "stopped", record
    clock.set(datetime.fromisoformat(record["at"]) + timedelta(minutes=1))
    row = _row(app, monkeypatch, "roster_lists")
    assert f"stopped {record['at'][:16]}, run by hand: not tried again: Ctrl-C pressed mid-run" in row, row
    clock.set(datetime.fromisoformat(record["at"]) + timedelta(days=2))  # and so it stays, its lease long past
    assert f"stopped {record['at'][:16]}, run by hand: not tried again: Ctrl-C pressed" in _row(
        app, monkeypatch, "roster_lists"
    )


def test_a_last_try_and_a_run_by_hand_whose_process_stopped_read_stopped_saying_what_comes_of_them(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The archive sweep failed twice, then its third try's process stopped; and a `jobs run` of the roster lists was
    killed: both read "running" for good. They read stopped, the sweep given up (as the next pass records it), the run
    by hand not tried again."""

    class Killed(BaseException):
        """The process stopped: nothing after it runs."""

    tries: list[datetime] = []

    def sweep(ctx: App, period: datetime) -> None:
        tries.append(clock.now())
        if len(tries) < 3:
            raise RuntimeError("the archive bucket answered 503")
        raise Killed

    job = Job(Schedule("archive_sweep", "23 3 * * *", "UTC"), sweep)
    for at in ("03:24", "03:34", "04:04"):  # its first try, and each retry as it comes
        clock.set(datetime.fromisoformat(f"2026-06-02T{at}:00+00:00"))
        with suppress(Killed):
            run_due_jobs(app.store, clock, [job], app)
    assert len(tries) == 3
    clock.set(datetime(2026, 6, 2, 4, 40, tzinfo=UTC))
    row = _row(app, monkeypatch, "archive_sweep")
    assert "stopped ~2026-06-02T04:04, given up after 3 tries (its next period runs as scheduled): the process" in row

    def lists(ctx: App, period: datetime) -> None:
        raise Killed

    with pytest.raises(Killed):
        run_job_now(app.store, clock, Job(Schedule("roster_lists", "41 * * * *", "UTC"), lists), app)
    assert "running 2026-06-02T04:40" in _row(app, monkeypatch, "roster_lists")  # it may well be running
    clock.advance(timedelta(hours=5))
    row = _row(app, monkeypatch, "roster_lists")
    assert "stopped ~2026-06-02T04:40, run by hand: not tried again: the process running it stopped mid-run" in row


def test_a_weekly_run_left_waiting_past_its_window_while_firstmate_was_off_is_not_said_run_again(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Monday's weekly report sent one org's week and left the other's waiting for its ad accounts' week, till
    22:00 UTC; the laptop was then closed for a week. `jobs list`, read first thing, said "run again from
    2026-11-16T22:00 UTC", six days past, though its catch-up window had closed (the next pass records it skipped,
    its week left to send by hand). It says so, as of a failed run's retry outlasted the same way."""
    from firstmate.jobs import weekly_schedule
    from firstmate.services.scheduler import Later

    monday = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)  # 07:00 in Los Angeles
    until = datetime(2026, 11, 16, 22, 0, tzinfo=UTC)
    said = "Harbour Ops: sent; Reef Trips: its ad accounts' week is not over"
    job = Job(weekly_schedule(app.settings, "weekly_report", ""), lambda a, p: Later(until, said), waits=True)
    clock.set(monday)
    run_due_jobs(app.store, clock, [job], app)
    assert f"run again from 2026-11-16T22:00 UTC: {said}" in _row(app, monkeypatch, "weekly_report")

    clock.set(datetime(2026, 11, 22, 23, 0, tzinfo=UTC))  # back Sunday night: its six days of catch-up over
    row = _row(app, monkeypatch, "weekly_report")
    assert "waiting 2026-11-16T15:00, not run again: its catch-up window closed first, to be recorded skipped" in row
    assert "run again from" not in row and said in row, row


def test_ctrl_c_on_worker_once_mid_run_exits_130_and_records_the_try_stopped(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`firstmate worker --once` stopped with Ctrl-C while a job ran exited 0 and said nothing, as if its pass were
    done (a cron wrapper, a script, a terminal's `&&` went on). It ends as any command stopped so: exit 130, one
    line. A known gap: its scheduled try was then left to its lease, "running" in `jobs list` for 30 minutes. It is
    recorded stopped as Ctrl-C stops it, as a run by hand is, and the next pass tries it again at once."""
    _stopped_with_ctrl_c("worker-once", home=app.settings.home)
    [record] = last_runs(app.store, "roster_lists")
    assert record["status"] == "stopped", record

    clock.set(datetime.fromisoformat(record["fire_time"]) + timedelta(seconds=59))  # its minute's period still due
    monkeypatch.setattr("firstmate.jobs.declared_jobs", due_slow_jobs)  # as the worker had them: due every minute
    row = _row(app, monkeypatch, "roster_lists")
    assert f"stopped {record['at'][:16]}, tried again at the scheduler's next pass: Ctrl-C pressed mid-run" in row

    every_minute = Job(Schedule("roster_lists", "* * * * *", "UTC"), lambda a, p: "listed")
    [run] = run_due_jobs(app.store, clock, [every_minute], app)
    assert (run.status, run.attempts) == ("done", 1)  # the try stopped by hand not counted as one of its 3
    assert "done" in _row(app, monkeypatch, "roster_lists")


def _stopped_with_sigterm(*args: str, home: Path) -> str:
    """The slow job's process sent SIGTERM as its job runs (systemd stopping it, `kill`); what it said on stderr."""
    proc = _started(*args, home=home)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert "Traceback" not in stderr
    if args[0] != "worker":  # a command stopped as by Ctrl-C: 128 + SIGTERM, one line
        assert proc.returncode == 143, stderr
        assert stderr.strip().startswith("stopped (SIGTERM)") and len(stderr.strip().splitlines()) == 1, stderr
    return stderr


def _taken_up_as_its_first_try(app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, said: str) -> None:
    """The roster lists' try, stopped by hand (`said`), reads so in `jobs list` within its minute, and the next pass
    runs it without counting the stop as one of its three tries."""
    [record] = last_runs(app.store, "roster_lists")
    assert (record["status"], record["detail"]) == ("stopped", said), record
    clock.set(datetime.fromisoformat(record["fire_time"]) + timedelta(seconds=59))  # its minute's period still due
    monkeypatch.setattr("firstmate.jobs.declared_jobs", due_slow_jobs)  # as the worker had them: due every minute
    row = _row(app, monkeypatch, "roster_lists")
    assert f"stopped {record['at'][:16]}, tried again at the scheduler's next pass: {said}" in row, row
    assert "its process is gone" not in row, row

    every_minute = Job(Schedule("roster_lists", "* * * * *", "UTC"), lambda a, p: "listed")
    [run] = run_due_jobs(app.store, clock, [every_minute], app)
    assert (run.status, run.attempts) == ("done", 1)  # the stop not counted as one of its 3


def test_sigterm_on_a_run_by_hand_records_it_stopped_and_exits_143_saying_so(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: `kill PID` (SIGTERM) of `jobs run roster_lists` ended the process there and then: its run read
    "running", then stopped by its process, not by hand. SIGTERM now stops it as Ctrl-C does, saying which."""
    _stopped_with_sigterm("by-hand", home=app.settings.home)

    [record] = last_runs(app.store, "roster_lists")
    assert record["status"] == "stopped", record
    clock.set(datetime.fromisoformat(record["at"]) + timedelta(minutes=1))
    row = _row(app, monkeypatch, "roster_lists")
    assert f"stopped {record['at'][:16]}, run by hand: not tried again: SIGTERM received mid-run" in row, row


def test_sigterm_on_worker_once_mid_run_records_the_try_stopped_not_one_of_its_tries(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: SIGTERM to `firstmate worker --once` (a cron job's timeout, systemd) while a job ran left its try
    `running`; on the laptop it read stopped once the process was gone and counted as one of its three tries, three
    such stops giving the week's report up. It is recorded stopped by hand, as Ctrl-C records it, and the next pass
    runs it as its first try."""
    _stopped_with_sigterm("worker-once", home=app.settings.home)
    _taken_up_as_its_first_try(app, clock, monkeypatch, "SIGTERM received mid-run")


def test_a_worker_stopped_while_a_job_runs_past_its_grace_records_the_try_stopped(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: `firstmate worker` sent SIGTERM (or Ctrl-C) while a job ran past its grace to end (ten seconds;
    one here) exited with the try left `running`: it read stopped by its gone process and counted as one of its
    three. The worker now records it stopped by hand before it exits, and the next pass runs it as its first try."""
    stderr = _stopped_with_sigterm("worker", home=app.settings.home)
    _taken_up_as_its_first_try(app, clock, monkeypatch, WORKER_STOPPED)
    assert "Traceback" not in stderr


def test_a_try_recorded_stopped_by_its_stopping_worker_that_then_ends_keeps_its_outcome(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker, stopping, recorded the roster lists' try stopped past its grace, and the job ended after all before
    the process did: its outcome ("listed") is recorded over the stop, not refused as another try's, where `jobs list`
    said stopped and the next pass listed everything again."""
    from firstmate.services.scheduler import stop_running_tries

    def lists(ctx: App, period: datetime) -> str:
        assert stop_running_tries(WORKER_STOPPED)  # the stopping worker's main thread, as the job still runs
        return "listed"

    clock.set(datetime(2026, 6, 1, 16, 42, tzinfo=UTC))
    [run] = run_due_jobs(app.store, clock, [Job(Schedule("roster_lists", "41 * * * *", "UTC"), lists)], app)
    assert run.status == "done"
    [record] = last_runs(app.store, "roster_lists")
    assert (record["status"], record["detail"]) == ("done", "listed"), record
    assert "done 2026-06-01T16:42: listed" in _row(app, monkeypatch, "roster_lists")
