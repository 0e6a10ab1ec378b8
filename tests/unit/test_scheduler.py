"""The scheduler service runs each job once per period, across restarts and rival schedulers."""

from __future__ import annotations

import contextlib
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.store.sqlite import SqliteStore
from firstmate.domain.schedule import Schedule
from firstmate.domain.shared import iso
from firstmate.services import scheduler
from firstmate.services.scheduler import LEASE, Job, JobRun, last_runs, run_due_jobs
from firstmate.services.scheduler import lease as scheduler_lease
from firstmate.services.scheduler.records import CTRL_C

MONDAY_7 = datetime(2026, 11, 2, 15, tzinfo=UTC)  # 07:00 in Los Angeles


class Counter:
    def __init__(self, fail_times: int = 0) -> None:
        self.calls = 0
        self.fail_times = fail_times
        self.lock = threading.Lock()
        self.periods: list[datetime] = []

    def __call__(self, _: object, period: datetime) -> str:
        self.periods.append(period)
        with self.lock:
            self.calls += 1
            if self.calls <= self.fail_times:
                raise RuntimeError("source API down")
        return "report built"


def _job(counter: Counter) -> Job[object]:
    return Job(Schedule("weekly", "0 7 * * MON", "America/Los_Angeles"), counter)


def test_a_job_runs_once_per_period_even_after_a_restart(tmp_path: Path) -> None:
    clock = FixedClock(MONDAY_7 + timedelta(minutes=1))
    counter = Counter()
    store = SqliteStore(tmp_path / "db", clock)
    assert [r.status for r in run_due_jobs(store, clock, [_job(counter)], None)] == ["done"]
    clock.advance(timedelta(minutes=30))
    assert run_due_jobs(store, clock, [_job(counter)], None) == []
    restarted = SqliteStore(tmp_path / "db", clock)  # a new process on the same database
    assert run_due_jobs(restarted, clock, [_job(counter)], None) == []
    assert counter.calls == 1
    clock.set(MONDAY_7 + timedelta(days=7, seconds=5))
    assert len(run_due_jobs(restarted, clock, [_job(counter)], None)) == 1
    assert counter.calls == 2
    assert [r["status"] for r in last_runs(restarted, "weekly")] == ["done", "done"]


def test_rival_schedulers_run_a_period_once(tmp_path: Path) -> None:
    clock = FixedClock(MONDAY_7 + timedelta(seconds=10))
    counter = Counter()
    stores = [SqliteStore(tmp_path / "db", clock) for _ in range(6)]
    barrier = threading.Barrier(len(stores))

    def tick(store: SqliteStore) -> None:
        barrier.wait()
        run_due_jobs(store, clock, [_job(counter)], None)

    threads = [threading.Thread(target=tick, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter.calls == 1


def test_a_failed_run_is_retried_a_bounded_number_of_times_spread_over_the_next_forty_minutes(tmp_path: Path) -> None:
    """A source down or throttling at 07:00 is most often back within the hour: the tries come at
    07:00, 07:10 and 07:40 (they came on three back-to-back ticks, all within two minutes)."""
    clock = FixedClock(MONDAY_7)
    counter = Counter(fail_times=10)
    store = SqliteStore(tmp_path / "db", clock)
    tried_at = []
    for _ in range(90):  # a scheduler's tick every minute for an hour and a half
        tried_at += [clock.now() - MONDAY_7 for _ in run_due_jobs(store, clock, [_job(counter)], None)]
        clock.advance(timedelta(minutes=1))
    assert tried_at == [timedelta(0), timedelta(minutes=10), timedelta(minutes=40)]
    [last] = last_runs(store, "weekly")
    assert last["attempts"] == 3 and "source API down" in last["detail"]


class Stopped(BaseException):
    """The process running a job is killed mid-run (what a kill does to the job's work)."""


def test_a_last_try_whose_process_stopped_is_recorded_failed_and_given_up(tmp_path: Path) -> None:
    """Monday's report failing at 07:00 and 07:10, its 07:40 try killed with its process: the run
    stayed `running` for good (`jobs list` said so days later) and its give-up was never reported."""
    clock = FixedClock(MONDAY_7)
    store = SqliteStore(tmp_path / "db", clock)
    tries: list[datetime] = []

    def report(_: object, period: datetime) -> str:
        tries.append(clock.now())
        if len(tries) < 3:
            raise RuntimeError("source API down")
        raise Stopped

    job: Job[object] = Job(Schedule("weekly", "0 7 * * MON", "America/Los_Angeles"), report)
    given_up = []
    for _ in range(6 * 24):  # a scheduler's tick every 10 minutes for a day, each a fresh process
        with contextlib.suppress(Stopped):  # the process is gone; another takes the next tick
            given_up += [run for run in run_due_jobs(store, clock, [job], None) if run.given_up]
        clock.advance(timedelta(minutes=10))
    assert [t - MONDAY_7 for t in tries] == [timedelta(0), timedelta(minutes=10), timedelta(minutes=40)]
    assert [(run.attempts, run.detail) for run in given_up] == [(3, "the process running it stopped")]
    [last] = last_runs(store, "weekly", limit=1)
    assert (last["status"], last["detail"]) == ("failed", "the process running it stopped")
    assert last["at"].startswith("2026-11-02T16:20")  # once its 30-minute lease had passed


def test_a_scheduled_try_stopped_with_ctrl_c_is_taken_up_by_the_next_pass_and_does_not_use_up_a_try(
    tmp_path: Path,
) -> None:
    """`worker --once` stopped with Ctrl-C mid-run left its try `running` for its lease's 30 minutes, nothing said. It
    is recorded stopped as it stops, and the next pass tries it again at once. A stop by hand says nothing of the job:
    it does not use up one of its 3 tries (the operator stopping a slow Monday report three times had the week given
    up, "failed: Ctrl-C pressed mid-run", and the owner had no report that week)."""
    clock = FixedClock(MONDAY_7)
    store = SqliteStore(tmp_path / "db", clock)
    tries: list[datetime] = []

    def report(_: object, period: datetime) -> str:
        tries.append(clock.now())
        if len(tries) <= 3:
            raise KeyboardInterrupt
        return "report built and queued"

    job: Job[object] = Job(Schedule("weekly", "0 7 * * MON", "America/Los_Angeles"), report)
    given_up, done = [], []
    for minutes in (0, 1, 2, 3):  # `worker --once` three times stopped with Ctrl-C, then once to its end
        clock.set(MONDAY_7 + timedelta(minutes=minutes))
        with contextlib.suppress(KeyboardInterrupt):
            runs = run_due_jobs(store, clock, [job], None)
            given_up += [run for run in runs if run.given_up]
            done += [run for run in runs if run.status == "done"]
        if minutes < 3:
            [stopped] = last_runs(store, "weekly", limit=1)
            assert (stopped["status"], stopped["detail"], stopped["attempts"]) == ("stopped", CTRL_C, 1)
    assert [t - MONDAY_7 for t in tries] == [timedelta(minutes=m) for m in (0, 1, 2, 3)]
    assert given_up == [] and [(run.status, run.attempts) for run in done] == [("done", 1)]


def test_a_try_stopped_with_ctrl_c_after_two_failures_is_tried_again_not_given_up(tmp_path: Path) -> None:
    """Monday's report failing at 07:00 and 07:10, its third try (07:40) stopped with Ctrl-C: it was given up at the
    next pass, as if the job had failed a third time. The next pass tries it again, its last try still."""
    clock = FixedClock(MONDAY_7)
    store = SqliteStore(tmp_path / "db", clock)
    tries: list[datetime] = []

    def report(_: object, period: datetime) -> str:
        tries.append(clock.now())
        if len(tries) < 3:
            raise RuntimeError("source API down")
        if len(tries) == 3:
            raise KeyboardInterrupt
        raise RuntimeError("source API still down")

    job: Job[object] = Job(Schedule("weekly", "0 7 * * MON", "America/Los_Angeles"), report)
    given_up = []
    for minutes in (0, 10, 40, 41, 120):
        clock.set(MONDAY_7 + timedelta(minutes=minutes))
        with contextlib.suppress(KeyboardInterrupt):
            given_up += [run for run in run_due_jobs(store, clock, [job], None) if run.given_up]
        if minutes == 40:  # as `jobs list` reads it: not "given up after 3 tries"
            [stopped] = last_runs(store, "weekly", limit=1)
            assert scheduler.as_read(job, stopped, clock.now())["again"] == "tried again at the scheduler's next pass"
    assert [t - MONDAY_7 for t in tries] == [timedelta(minutes=m) for m in (0, 10, 40, 41)]
    assert [(run.attempts, run.detail) for run in given_up] == [
        (3, "an unexpected error (RuntimeError: source API still down; the log has the details)")
    ]


@pytest.mark.parametrize(
    "outcome",
    ["report built and queued", "an unexpected error (RuntimeError: source API down; the log has the details)"],
)
def test_a_slow_last_try_taken_for_stopped_is_recorded_as_it_ends(tmp_path: Path, outcome: str) -> None:
    """Monday's report failing at 07:00 and 07:10, its 07:40 try slow (35 minutes): the other scheduler
    took it for stopped once its 30-minute lease passed, and when it ended its `done` was refused:
    `jobs list` said failed, "the process running it stopped", though the report went out. A try
    failing as slowly is recorded with its own error."""
    clock = FixedClock(MONDAY_7)
    worker, serve = SqliteStore(tmp_path / "db", clock), SqliteStore(tmp_path / "db", clock)
    tries: list[datetime] = []

    def report(_: object, period: datetime) -> str:
        tries.append(clock.now())
        if len(tries) == 3:  # slow: the other scheduler ticks meanwhile
            for _ in range(7):
                clock.advance(timedelta(minutes=5))
                run_due_jobs(serve, clock, [job], None)
        if len(tries) < 3 or outcome.startswith("an unexpected error"):
            raise RuntimeError("source API down")
        return outcome

    job: Job[object] = Job(Schedule("weekly", "0 7 * * MON", "America/Los_Angeles"), report)
    for _ in range(12):
        run_due_jobs(worker, clock, [job], None)
        clock.advance(timedelta(minutes=10))
    assert len(tries) == 3
    [last] = last_runs(worker, "weekly", limit=1)
    status = "done" if outcome.startswith("report") else "failed"
    assert (last["status"], last["attempts"], last["detail"]) == (status, 3, outcome)


def test_an_unexpected_error_of_one_very_long_line_is_said_cut_still_saying_the_log_has_it(tmp_path: Path) -> None:
    """A library's error whose one line is a whole HTML error page (a proxy's 502, 3,000 characters): the run record
    (`jobs list`, `jobs run`), the owner's mail and the reports page said all of it, the record cut mid-word at 500
    characters without "the log has the details". Its first line is now said cut, "…" saying where."""
    clock = FixedClock(MONDAY_7)
    page = "<html><head><title>502 Bad Gateway</title></head><body>" + "<p>upstream unreachable</p>" * 110

    def report(_: object, period: datetime) -> str:
        raise RuntimeError(page)

    store = SqliteStore(tmp_path / "db", clock)
    run_due_jobs(store, clock, [Job(Schedule("weekly", "0 7 * * MON", "America/Los_Angeles"), report)], None)
    [last] = last_runs(store, "weekly", limit=1)
    assert last["detail"].startswith("an unexpected error (RuntimeError: <html><head><title>502 Bad Gateway"), last
    assert last["detail"].endswith("…; the log has the details)") and len(last["detail"]) < 300, last["detail"]
    assert scheduler.unexpected_said(RuntimeError(page[:150])) == (
        f"an unexpected error (RuntimeError: {page[:150]}; the log has the details)"
    )  # a line of ordinary length is said whole
    token = "EAAG" + "x7Qm" * 8  # a Meta token echoed at the very place the line is cut: no part of it is said
    said = scheduler.unexpected_said(RuntimeError(f"{'a' * 164} refused the access token {token} for the account"))
    assert "EAAG" not in said and "x7Qm" not in said and said.endswith("…; the log has the details)"), said


def test_a_slow_try_renews_its_lease_so_it_is_neither_given_up_nor_run_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Monday's report slow on its first try and its last (40 minutes each, a source answering slowly):
    the other scheduler took the first for stopped once its lease passed and built the report again
    beside it, and reported the last given up ("the process running it stopped") while it still ran.
    A try renews its lease while it runs (here every few milliseconds, as if every 10 minutes)."""
    monkeypatch.setattr(scheduler_lease, "RENEW_EVERY", timedelta(milliseconds=20))
    clock = FixedClock(MONDAY_7)
    worker, serve = SqliteStore(tmp_path / "db", clock), SqliteStore(tmp_path / "db", clock)
    tries: list[datetime] = []
    meanwhile: list[JobRun] = []

    def renewed() -> None:
        """Wait until the running try's record shows its lease renewed at the clock's time."""
        for _ in range(1000):
            [record] = last_runs(serve, "weekly", limit=1)
            if record.get("waits_from") == iso(clock.now()):
                return
            time.sleep(0.01)
        raise AssertionError("the lease was not renewed in 10 seconds")

    def report(_: object, period: datetime) -> str:
        tries.append(clock.now())
        if len(tries) in (1, 3):  # slow: the other scheduler ticks every 5 minutes meanwhile
            for _ in range(8):
                clock.advance(timedelta(minutes=5))
                renewed()
                meanwhile.extend(run_due_jobs(serve, clock, [job], None))
        if len(tries) == 1:
            raise RuntimeError("source API down")
        if len(tries) == 2:
            raise RuntimeError("source API down again")
        return "report built"

    job: Job[object] = Job(Schedule("weekly", "0 7 * * MON", "America/Los_Angeles"), report)
    for _ in range(12):
        assert not [run for run in run_due_jobs(worker, clock, [job], None) if run.given_up]
        clock.advance(timedelta(minutes=10))
    assert meanwhile == [] and len(tries) == 3
    [last] = last_runs(worker, "weekly", limit=1)
    assert (last["status"], last["attempts"], last["detail"]) == ("done", 3, "report built")


def test_a_renewal_the_store_fails_is_tried_again_not_given_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A review of the renewal: refused once (another scheduler had counted the lease again), its re-read
    of the record met a busy store, and the renewal thread ended there: the try was then taken for stopped
    and Monday's report built again beside itself."""
    from firstmate.errors import ConditionFailed, StoreUnavailable

    monkeypatch.setattr(scheduler_lease, "RENEW_EVERY", timedelta(milliseconds=20))
    faults = {"put": 1, "get": 1}

    class Busy(SqliteStore):
        """The real store, whose lease thread meets one refused write and then one busy read."""

        def put(self, item: Any, condition: Any = None) -> Any:
            if threading.current_thread().name.startswith("lease of") and faults["put"]:
                faults["put"] -= 1
                raise ConditionFailed("written meanwhile")
            return super().put(item, condition)

        def get(self, pk: str, sk: str) -> Any:
            if threading.current_thread().name.startswith("lease of") and faults["get"] and not faults["put"]:
                faults["get"] -= 1
                raise StoreUnavailable("the database is busy")
            return super().get(pk, sk)

    clock = FixedClock(MONDAY_7)
    worker, serve = Busy(tmp_path / "db", clock), SqliteStore(tmp_path / "db", clock)
    tries: list[datetime] = []

    def report(_: object, period: datetime) -> str:
        tries.append(clock.now())
        for _ in range(8):  # 40 minutes, the other scheduler ticking every 5
            clock.advance(timedelta(minutes=5))
            for _ in range(1000):
                if last_runs(serve, "weekly", limit=1)[0].get("waits_from") == iso(clock.now()):
                    break
                time.sleep(0.01)
            assert run_due_jobs(serve, clock, [job], None) == []
        return "report built"

    job: Job[object] = Job(Schedule("weekly", "0 7 * * MON", "America/Los_Angeles"), report)
    assert [r.status for r in run_due_jobs(worker, clock, [job], None)] == ["done"]
    assert len(tries) == 1 and faults == {"put": 0, "get": 0}


def test_after_the_clock_steps_back_a_stopped_or_failed_run_waits_its_lease_or_retry_not_the_step(
    tmp_path: Path,
) -> None:
    """NTP steps the clock back an hour: a run whose process was killed waited 1 h 30 for its 30-minute
    lease, a failed one 1 h 10 for its 10-minute retry. Now each waits them from when a scheduler sees it."""
    clock = FixedClock(MONDAY_7 + timedelta(hours=1, minutes=5))  # the clock an hour fast
    store = SqliteStore(tmp_path / "db", clock)
    tries: list[datetime] = []

    def killed_first(_: object, period: datetime) -> str:
        tries.append(clock.now())
        if len(tries) == 1:
            raise Stopped
        return "report built"

    killed: Job[object] = Job(Schedule("roles", "0 7 * * MON", "America/Los_Angeles"), killed_first)
    failing = _job(Counter(fail_times=1))
    with contextlib.suppress(Stopped):
        run_due_jobs(store, clock, [killed], None)
    assert [r.status for r in run_due_jobs(store, clock, [failing], None)] == ["failed"]
    clock.set(clock.now() - timedelta(hours=1))
    assert run_due_jobs(store, clock, [killed, failing], None) == []  # the killed one's process may live on
    clock.advance(timedelta(minutes=10))
    assert [(r.job, r.status) for r in run_due_jobs(store, clock, [killed, failing], None)] == [("weekly", "done")]
    clock.advance(LEASE - timedelta(minutes=10))
    assert run_due_jobs(store, clock, [killed], None) == []  # its lease, counted from the step, is not over
    clock.advance(timedelta(seconds=1))
    assert [(r.job, r.status) for r in run_due_jobs(store, clock, [killed], None)] == [("roles", "done")]


def test_a_run_going_on_as_the_clock_steps_back_runs_once_and_its_end_is_recorded(tmp_path: Path) -> None:
    """Monday's report building as NTP steps the clock back an hour, the other scheduler ticking
    meanwhile: it leaves the run alone for the whole lease from the step, the run's `done` is recorded,
    and the report is built once."""
    clock = FixedClock(MONDAY_7 + timedelta(hours=1, minutes=5))  # the clock an hour fast
    worker, serve = SqliteStore(tmp_path / "db", clock), SqliteStore(tmp_path / "db", clock)
    tries: list[datetime] = []
    meanwhile: list[JobRun] = []

    def report(_: object, period: datetime) -> str:
        tries.append(clock.now())
        if len(tries) == 1:  # slow: the clock steps back as it builds, and the other scheduler ticks
            clock.set(clock.now() - timedelta(hours=1))
            stepped = clock.now()
            for after in [
                *range(0, 30 * 60, 5 * 60),
                int(LEASE.total_seconds()),
            ]:  # every 5 minutes, and as its lease ends
                clock.set(stepped + timedelta(seconds=after))
                meanwhile.extend(run_due_jobs(serve, clock, [job], None))
        return "report built"

    job: Job[object] = Job(Schedule("weekly", "0 7 * * MON", "America/Los_Angeles"), report)
    assert [r.status for r in run_due_jobs(worker, clock, [job], None)] == ["done"]
    assert meanwhile == [] and len(tries) == 1
    for _ in range(12):  # both schedulers for two hours more: the period is done
        clock.advance(timedelta(minutes=10))
        assert run_due_jobs(serve, clock, [job], None) == [] and run_due_jobs(worker, clock, [job], None) == []
    [last] = last_runs(worker, "weekly", limit=1)
    assert (last["status"], last["attempts"], last["detail"]) == ("done", 1, "report built")


def test_a_run_that_fails_once_goes_through_on_its_retry(tmp_path: Path) -> None:
    clock = FixedClock(MONDAY_7)
    counter = Counter(fail_times=1)
    store = SqliteStore(tmp_path / "db", clock)
    assert [r.status for r in run_due_jobs(store, clock, [_job(counter)], None)] == ["failed"]
    clock.advance(timedelta(minutes=9))
    assert run_due_jobs(store, clock, [_job(counter)], None) == []  # not yet
    clock.advance(timedelta(minutes=1))
    assert [r.status for r in run_due_jobs(store, clock, [_job(counter)], None)] == ["done"]


def test_nothing_runs_when_the_period_is_too_old_to_catch_up(tmp_path: Path) -> None:
    clock = FixedClock(MONDAY_7 + timedelta(hours=12))
    counter = Counter()
    assert run_due_jobs(SqliteStore(tmp_path / "db", clock), clock, [_job(counter)], None) == []
    assert counter.calls == 0


def test_a_daily_job_in_the_repeated_hour_runs_once_when_clocks_go_back(tmp_path: Path) -> None:
    # New York, 2026-11-01: 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST)
    job = Job(Schedule("nightly", "30 1 * * *", "America/New_York"), Counter())
    clock = FixedClock(datetime(2026, 11, 1, 5, 31, tzinfo=UTC))
    store = SqliteStore(tmp_path / "db", clock)
    assert len(run_due_jobs(store, clock, [job], None)) == 1
    clock.set(datetime(2026, 11, 1, 6, 31, tzinfo=UTC))
    assert run_due_jobs(store, clock, [job], None) == []
    assert job.run.calls == 1  # type: ignore[attr-defined]


def test_a_job_never_starts_before_its_time_and_gets_its_period(tmp_path: Path) -> None:
    counter = Counter()
    clock = FixedClock(MONDAY_7 - timedelta(milliseconds=400))
    store = SqliteStore(tmp_path / "db", clock)
    run_due_jobs(store, clock, [_job(counter)], None)
    assert counter.periods == []  # last Monday is too old to catch up, and this one is not yet due
    clock.set(MONDAY_7 + timedelta(minutes=3))
    run_due_jobs(store, clock, [_job(counter)], None)
    assert counter.periods[-1] == MONDAY_7


def test_serve_and_worker_leave_retries_to_their_dispatcher_loop(tmp_path: Path) -> None:
    # two senders in one process would put two sends in flight: a crash could repeat two messages
    from firstmate.bootstrap import build
    from firstmate.config import load_settings
    from firstmate.jobs import declared_jobs
    from firstmate.workers import Workers

    app = build(load_settings(home=tmp_path / "home"), clock=FixedClock(MONDAY_7 + timedelta(minutes=1)))
    try:
        Workers(app).schedule_once()
        assert last_runs(app.store, "sweep", limit=1) and last_runs(app.store, "crew_reminders", limit=1)
        assert last_runs(app.store, "outbox_retry", limit=1) == []
        assert "outbox_retry" in {job.name for job in declared_jobs(app.settings)}  # still on AWS's schedules
    finally:
        app.close()


def test_a_monday_report_missed_for_a_day_still_goes_out_and_other_jobs_catch_up_six_hours(tmp_path: Path) -> None:
    """A machine off from Saturday to Monday 13:30 never sent that week's reports: every job caught
    up 6 hours. The weekly ones report the last complete week whenever they run, so they catch up
    for six days; the hourly sweep does not pile up."""
    from firstmate.config import load_settings
    from firstmate.jobs import declared_jobs

    settings = load_settings(home=tmp_path, timezone="America/Los_Angeles")
    schedules = {job.name: job.schedule for job in declared_jobs(settings)}
    back = datetime(2026, 11, 17, 21, 30, tzinfo=UTC)  # Tuesday 13:30 in Los Angeles: 30 hours late
    monday = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)  # 07:00 PST
    assert schedules["weekly_report"].due_period(back) == monday
    assert schedules["role_reports"].due_period(back) == monday
    assert schedules["weekly_report"].due_period(monday + timedelta(days=6, minutes=1)) is None  # the next is near
    assert schedules["archive_sweep"].due_period(datetime(2026, 11, 17, 10, 0, tzinfo=UTC)) is None


def test_a_period_marked_done_by_other_means_is_not_run_again(tmp_path: Path) -> None:
    """The demo builds the week's reports itself: `serve`'s first pass then ran last Monday's report
    again, against sources the demo never set up, and mailed the owner that it failed."""
    from firstmate.services.scheduler import mark_done

    clock = FixedClock(MONDAY_7 + timedelta(days=2))  # Wednesday: Monday's run is still to catch up
    counter, store = Counter(), SqliteStore(tmp_path / "db", clock)
    job = Job(Schedule("weekly", "0 7 * * MON", "America/Los_Angeles", catch_up=timedelta(days=6)), counter)
    assert mark_done(store, clock, job, "built by firstmate demo")
    assert not mark_done(store, clock, job, "again")  # recorded once
    assert run_due_jobs(store, clock, [job], None) == [] and counter.calls == 0
    assert [(r["status"], r["detail"]) for r in last_runs(store, "weekly")] == [("ok", "built by firstmate demo")]
    clock.set(MONDAY_7 + timedelta(days=7, minutes=1))
    assert len(run_due_jobs(store, clock, [job], None)) == 1  # the next Monday runs as ever


def test_manual_runs_between_failed_periods_do_not_reset_their_count(tmp_path: Path) -> None:
    """Found by a review: the count of failed periods in a row was read from the job's ten newest records,
    manual runs among them, so ten `firstmate jobs run` (an admin trying it by hand while it kept failing)
    between two failed periods started the count again, and a 5-minute job failing for good was not
    reported on its third period. Manual runs neither count nor break it, however many there are."""
    from firstmate.services.scheduler import run_job_now

    clock = FixedClock(datetime(2026, 6, 1, 16, 1, tzinfo=UTC))
    store = SqliteStore(tmp_path / "db", clock)
    job = Job(Schedule("crew_reminders", "*/5 * * * *", "UTC", catch_up=timedelta(minutes=10)), Counter(10**6))
    runs = []
    for period in range(3):
        clock.set(datetime(2026, 6, 1, 16, 5 * period + 6, tzinfo=UTC))
        runs += run_due_jobs(store, clock, [job], None)
        for _ in range(150 if period == 1 else 0):  # an admin trying it by hand, again and again
            clock.advance(timedelta(seconds=1))
            assert run_job_now(store, clock, job, None).status == "failed"
    assert [r.failed_periods for r in runs] == [1, 2, 3]
    assert runs[-1].given_up  # reported, as a job failing for good is


def test_a_run_that_leaves_part_of_its_work_for_later_runs_again_from_then_with_its_tries_afresh(
    tmp_path: Path,
) -> None:
    """A known gap: the weekly report of an org whose ad accounts' week had not ended at 07:00 could only report
    the week before or fail. A job may now return `Later`: its run is recorded `waiting`, not run again before
    that moment, run by the first pass from it, and done then."""
    clock = FixedClock(MONDAY_7)
    store = SqliteStore(tmp_path / "db", clock)
    at = MONDAY_7 + timedelta(hours=14)
    calls: list[datetime] = []

    def weekly(_: object, period: datetime) -> object:
        calls.append(clock.now())
        return scheduler.Later(at, "org b waits for its ad account's week") if clock.now() < at else "all sent"

    job = Job(Schedule("weekly", "0 7 * * MON", "America/Los_Angeles", catch_up=timedelta(days=6)), weekly)
    [waiting] = run_due_jobs(store, clock, [job], None)
    assert (waiting.status, waiting.retry_at, waiting.given_up) == ("waiting", at, False)
    [record] = last_runs(store, "weekly")
    assert record["status"] == "waiting" and record["waits_until"] == iso(at) and "org b waits" in record["detail"]
    while clock.now() < at - timedelta(minutes=5):
        clock.advance(timedelta(minutes=5))
        assert run_due_jobs(store, clock, [job], None) == []
    clock.advance(timedelta(minutes=5))
    [done] = run_due_jobs(store, clock, [job], None)
    assert (done.status, done.detail, done.attempts) == ("done", "all sent", 1)
    clock.advance(timedelta(minutes=5))
    assert run_due_jobs(store, clock, [job], None) == [] and calls == [MONDAY_7, at]


def test_a_run_failing_on_its_last_try_still_runs_the_part_it_left_for_later(tmp_path: Path) -> None:
    """One org's broken token failing every try, another org waiting for its ad account's week: the last failed
    try is reported given up, and the org waiting is still built when its moment comes (given up, the period
    was never run again, and that org had no report that week)."""
    clock = FixedClock(MONDAY_7 + timedelta(minutes=1))
    store = SqliteStore(tmp_path / "db", clock)
    at = MONDAY_7 + timedelta(hours=14)

    def weekly(_: object, period: datetime) -> object:
        if clock.now() < at:
            raise scheduler.FailedMeanwhile("org a: renew the token", scheduler.Later(at, "org b waits"))
        return "org b: sent"

    job = Job(Schedule("weekly", "0 7 * * MON", "America/Los_Angeles", catch_up=timedelta(days=6)), weekly)
    runs: list[JobRun] = []
    for _ in range(12 * 8):  # every 5 minutes for 8 hours
        runs += run_due_jobs(store, clock, [job], None)
        clock.advance(timedelta(minutes=5))
    assert [(r.status, r.attempts, r.given_up) for r in runs] == [
        ("failed", 1, False), ("failed", 2, False), ("failed", 3, True)
    ]  # fmt: skip
    assert last_runs(store, "weekly")[0]["status"] == "waiting"
    clock.set(at)
    [done] = run_due_jobs(store, clock, [job], None)
    assert (done.status, done.detail) == ("done", "org b: sent")


def test_a_run_failing_in_a_part_that_can_do_nothing_before_its_wait_is_over_is_tried_then_alone(
    tmp_path: Path,
) -> None:
    """An org waiting for its ad account's week whose token failed at 07:00: tried again at 07:10 and 07:40 for
    nothing (its week could not be built before its hour), reported given up, then three more tries from its hour
    and given up again. Now it is told failed at 07:00, not given up, and has its one round of tries from then."""
    clock = FixedClock(MONDAY_7 + timedelta(minutes=1))
    store = SqliteStore(tmp_path / "db", clock)
    at = MONDAY_7 + timedelta(hours=14)

    def weekly(_: object, period: datetime) -> object:
        if clock.now() < at:
            raise scheduler.FailedMeanwhile("org b: renew the token", scheduler.Later(at, "org b"), retried=False)
        raise RuntimeError("org b: renew the token")

    job = Job(Schedule("weekly", "0 7 * * MON", "America/Los_Angeles", catch_up=timedelta(days=6)), weekly)
    runs: list[JobRun] = []
    while clock.now() < at + timedelta(hours=2):  # every 5 minutes
        runs += run_due_jobs(store, clock, [job], None)
        clock.advance(timedelta(minutes=5))
    assert [(r.status, r.attempts, r.given_up) for r in runs] == [
        ("failed", 1, False), ("failed", 1, False), ("failed", 2, False), ("failed", 3, True)
    ]  # fmt: skip
    assert runs[0].retry_at == at and runs[1].period == runs[0].period


def test_a_failed_run_of_a_waiting_job_is_still_retried_after_its_schedule_moved(tmp_path: Path) -> None:
    """A job that may wait (`Job.waits`) failed at 07:00; its cron is moved to 23:00 before the retry. The retry
    of 07:10 was never made (the new schedule looked only at its own periods): it is made, for the 07:00 period,
    and the period's tries are counted as before."""
    clock = FixedClock(MONDAY_7 + timedelta(minutes=1))
    counter = Counter(fail_times=1)
    store = SqliteStore(tmp_path / "db", clock)
    waits = Job(Schedule("weekly", "0 7 * * MON", "America/Los_Angeles"), counter, waits=True)
    [failed] = run_due_jobs(store, clock, [waits], None)
    assert (failed.status, failed.retry_at) == ("failed", MONDAY_7 + timedelta(minutes=11))

    moved = Job(Schedule("weekly", "0 23 * * MON", "America/Los_Angeles"), counter, waits=True)
    clock.advance(timedelta(minutes=10))
    runs = run_due_jobs(store, clock, [moved], None)

    assert [(r.period, r.status, r.attempts) for r in runs][:1] == [(MONDAY_7, "done", 2)], runs
    assert counter.periods[:2] == [MONDAY_7, MONDAY_7]
    [record] = [r for r in last_runs(store, "weekly", limit=20) if r["period"] == "2026-11-02T07:00"]
    assert record["status"] == "done"


def test_a_run_whose_wait_outlasts_its_catch_up_is_skipped_at_once_saying_what_is_left_to_do(tmp_path: Path) -> None:
    """A Monday run caught up late (Saturday, firstmate off till then) whose part waits till past its six days of
    catch-up (Sunday) was recorded `waiting`, "run again from Sunday": its period never ran again, and it said so for
    good. It is now recorded skipped at once, with what the job leaves to do by hand, and reported."""
    clock = FixedClock(MONDAY_7 + timedelta(days=5, hours=12))

    def report(ctx: object, period: datetime) -> scheduler.Later:
        return scheduler.Later(period + timedelta(days=6, hours=1), "demo: the week of 2026-10-26 waits for Meta")

    store = SqliteStore(tmp_path / "db", clock)
    schedule = Schedule("weekly", "0 7 * * MON", "America/Los_Angeles", catch_up=timedelta(days=6))
    job = Job(schedule, report, waits=True, skipped=lambda ctx, period: "demo: send the week of 2026-10-26 by hand")
    [run] = run_due_jobs(store, clock, [job], None)

    assert run.given_up and "send the week of 2026-10-26 by hand" in run.detail, run
    [record] = last_runs(store, "weekly")
    assert record["status"] == "skipped" and record["detail"].endswith("demo: send the week of 2026-10-26 by hand")
    clock.advance(timedelta(days=1))
    assert run_due_jobs(store, clock, [job], None) == []  # skipped once, said once


def test_a_failed_run_whose_retry_the_downtime_outlasted_is_skipped_saying_what_is_left_to_do(tmp_path: Path) -> None:
    """A Monday run failed at 07:00, its retry due at 07:10, and firstmate off until the next Monday: its record said
    "tried again from 07:10" for good and nobody heard more. It is now recorded skipped as a run left waiting is, once,
    with what the job leaves to do by hand, and reported."""
    clock = FixedClock(MONDAY_7)

    def report(ctx: object, period: datetime) -> None:
        raise scheduler.JobFailed("demo: Meta refused the access token")

    store = SqliteStore(tmp_path / "db", clock)
    schedule = Schedule("weekly", "0 7 * * MON", "America/Los_Angeles", catch_up=timedelta(days=6))
    job = Job(schedule, report, waits=True, skipped=lambda ctx, period: "demo: send the week of 2026-10-26 by hand")
    [failed] = run_due_jobs(store, clock, [job], None)
    assert failed.retry_at == MONDAY_7 + timedelta(minutes=10), failed

    clock.advance(timedelta(days=7))  # the next Monday: its own run fails too, and is to be tried again
    runs = run_due_jobs(store, clock, [job], None)
    [skipped] = [run for run in runs if run.period == MONDAY_7]
    assert skipped.given_up and "send the week of 2026-10-26 by hand" in skipped.detail, skipped
    assert [r["status"] for r in last_runs(store, "weekly")] == ["failed", "skipped"]
    assert [run.period for run in run_due_jobs(store, clock, [job], None)] == []  # skipped once, said once


@pytest.mark.parametrize("tries_before", [0, 2])
def test_a_try_whose_process_stopped_its_period_outlasted_by_the_downtime_is_skipped_not_running_for_good(
    tmp_path: Path, tries_before: int
) -> None:
    """A Monday run's try killed with its process (the laptop closed at 07:00, or at 07:40 on its last try), and
    firstmate off until the next Monday: its record said `running` for good (`jobs list` showed it so, weeks later),
    nothing tried it again and nobody heard of it. It is now recorded skipped as a run left waiting is, once, with what
    the job leaves to do by hand, and reported."""
    clock = FixedClock(MONDAY_7)
    tries: list[datetime] = []

    def report(ctx: object, period: datetime) -> None:
        tries.append(clock.now())
        if period == MONDAY_7 and len(tries) <= tries_before:
            raise scheduler.JobFailed("demo: Meta refused the access token")
        if period == MONDAY_7:
            raise Stopped

    store = SqliteStore(tmp_path / "db", clock)
    schedule = Schedule("weekly", "0 7 * * MON", "America/Los_Angeles", catch_up=timedelta(days=6))
    job = Job(schedule, report, waits=True, skipped=lambda ctx, period: "demo: send the week of 2026-10-26 by hand")
    for wait in [timedelta(0), timedelta(minutes=10), timedelta(minutes=30)][: tries_before + 1]:
        clock.advance(wait)
        with contextlib.suppress(Stopped):
            run_due_jobs(store, clock, [job], None)
    assert [r["status"] for r in last_runs(store, "weekly")] == ["running"]

    clock.set(MONDAY_7 + timedelta(days=7, minutes=1))  # the next Monday: its own run is done
    runs = run_due_jobs(store, clock, [job], None)
    [skipped] = [run for run in runs if run.period == MONDAY_7]
    assert skipped.given_up and "send the week of 2026-10-26 by hand" in skipped.detail, skipped
    assert [r["status"] for r in last_runs(store, "weekly")] == ["done", "skipped"]
    assert run_due_jobs(store, clock, [job], None) == []  # skipped once, said once


class _Stopped(BaseException):
    """The process stopped mid-pass (a Lambda function out of time, a laptop closed): nothing after it runs."""


def test_a_skip_whose_process_stops_before_telling_what_is_left_to_do_is_told_by_the_next_pass(tmp_path: Path) -> None:
    """A run left waiting past its catch-up: its record was written skipped before the job told what it leaves to do
    by hand (the weekly report's owners mailed the command that sends their week). The process stopped between the
    two, and no pass looked at it again: `jobs list` said skipped with no week to send, and nobody was told. What is
    left to do is now told before the run is recorded skipped, by the next pass should the process stop first."""
    clock = FixedClock(MONDAY_7 + timedelta(days=5, hours=12))
    told: list[datetime] = []
    stops = [True]

    def report(ctx: object, period: datetime) -> scheduler.Later:
        return scheduler.Later(period + timedelta(days=6, hours=1), "demo: the week of 2026-10-26 waits for Meta")

    def left_to_do(ctx: object, period: datetime) -> str:
        if stops.pop(0) if stops else False:
            raise _Stopped
        told.append(period)
        return "demo: send the week of 2026-10-26 by hand"

    store = SqliteStore(tmp_path / "db", clock)
    schedule = Schedule("weekly", "0 7 * * MON", "America/Los_Angeles", catch_up=timedelta(days=6))
    job = Job(schedule, report, waits=True, skipped=left_to_do)
    with pytest.raises(_Stopped):
        run_due_jobs(store, clock, [job], None)

    clock.advance(timedelta(days=1))  # the next pass, once its wait is over
    [run] = run_due_jobs(store, clock, [job], None)
    assert told == [MONDAY_7] and run.given_up and "send the week of 2026-10-26 by hand" in run.detail, run
    [record] = last_runs(store, "weekly")
    assert record["status"] == "skipped" and record["detail"].endswith("demo: send the week of 2026-10-26 by hand")
    assert run_due_jobs(store, clock, [job], None) == [] and told == [MONDAY_7]  # told once


def test_a_skip_whose_work_another_process_is_doing_is_left_to_a_later_pass(tmp_path: Path) -> None:
    """A run left waiting past its catch-up while another process does what it leaves to do (a build sending its
    week): the job cannot say yet whether that is done, and says so (`SkipLater`). The run is not recorded skipped by
    that pass, nor reported; the next pass records it with what the job says then."""
    clock = FixedClock(MONDAY_7 + timedelta(days=5, hours=12))
    busy = [True]

    def report(ctx: object, period: datetime) -> scheduler.Later:
        return scheduler.Later(period + timedelta(days=6, hours=1), "demo: the week of 2026-10-26 waits for Meta")

    def left_to_do(ctx: object, period: datetime) -> str:
        if busy.pop(0) if busy else False:
            raise scheduler.SkipLater("demo: another run is building the week of 2026-10-26")
        return "demo: the week of 2026-10-26 was sent (run r1)"

    store = SqliteStore(tmp_path / "db", clock)
    schedule = Schedule("weekly", "0 7 * * MON", "America/Los_Angeles", catch_up=timedelta(days=6))
    job = Job(schedule, report, waits=True, skipped=left_to_do)
    [waiting] = run_due_jobs(store, clock, [job], None)
    assert waiting.status == "waiting" and not waiting.given_up, waiting
    assert [r["status"] for r in last_runs(store, "weekly")] == ["waiting"]

    clock.advance(timedelta(days=1))  # the next pass, once its wait is over
    [run] = run_due_jobs(store, clock, [job], None)
    assert run.skipped and run.detail.endswith("demo: the week of 2026-10-26 was sent (run r1)"), run
    assert [r["status"] for r in last_runs(store, "weekly")] == ["skipped"]
