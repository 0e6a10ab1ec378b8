"""Run scheduled jobs once per period, even with several schedulers and restarts.

A run is claimed with a conditional write on (job, period) before it starts, so a restart, or a
second `firstmate worker`, never runs Monday's report twice. A failed run is retried on later
ticks, 10 and then 30 minutes after it failed (MAX_ATTEMPTS in all), while its period is still due;
a run whose process died is retried once its lease has passed, or, if that was its last try,
recorded failed and given up ("the process running it stopped"). A try renews its lease while it
runs (`_Renewal`), so one only slow is not taken for stopped; should one be all the same (its
process suspended past its lease, a laptop asleep), its outcome is recorded over that when it ends.
A job whose next period comes before a retry (the 5-minute jobs) is not retried: its next period
does the work. Each failed run records how many periods in a row have failed, so one that keeps
failing is reported all the same. A run failing so late in its catch-up window that a retry would
fall outside it is reported at once: its period's work would otherwise be left undone, unheard of,
until its next period. A lease or a wait for a retry set before the clock stepped back (NTP) is
counted again from when a scheduler sees it, rather than lasting the step longer (`_reanchored`).
A job may leave part of its period's work for later (`Later`: an ad account's week not over yet): its
run is recorded `waiting`, and run again by the first pass from that moment, its tries counted afresh. Such a job
(`Job.waits`) has a run of a period its schedule no longer has (its cron changed while the run waited) still taken
up, waiting, retried or stopped, within that period's catch-up window (`_left_behind`): not left `waiting` for good.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Generic, Self, TypeVar
from zoneinfo import ZoneInfo

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
#: How often a try renews its lease while it runs: a third of it, so two renewals may fail (the
#: store busy) before another scheduler takes the try for stopped.
RENEW_EVERY = LEASE / 3
#: What a run record says of a try whose process stopped before it ended (killed, the machine off).
STOPPED = "the process running it stopped"
MANUAL = "~manual"  # the end of a manual run's record key
#: A run record's field: when its wait began, if not at its `at` (counted again after the clock stepped back).
WAITS_FROM = "waits_from"
#: A `waiting` run record's field: from when its period is run again (`Later`).
WAITS_UNTIL = "waits_until"
#: A scheduled run record's field: its period's fire time (its key is the local wall-clock time, read in a zone the
#: settings may have changed since).
FIRE_TIME = "fire_time"
#: How many of a job's newest run records a pass reads for runs left behind by a change of its schedule
#: (`Job.waits`): a week's periods and the runs by hand between them.
LEFT_BEHIND_READ = 20
#: How long after its failed attempt a period's run is tried again (after the first, after the second):
#: a source throttling or down at 07:00 on Monday is most often back within the hour, and three tries
#: on back-to-back ticks (30 s apart) all met it.
RETRY_AFTER = (timedelta(minutes=10), timedelta(minutes=30))
#: A job failed this many periods in a row is reported, as a run with no try left is; and again every
#: REPORT_EVERY periods while it keeps failing (hourly for a 5-minute job, not every 5 minutes).
FAILED_PERIODS = 3
REPORT_EVERY = 12

Ctx = TypeVar("Ctx")


@dataclass(frozen=True)
class Job(Generic[Ctx]):
    """A schedule and the function it runs, given the application context and the period's
    fire time (so a job can work on its own period, not on whatever time it happens to start)."""

    schedule: Schedule
    run: Callable[[Ctx, datetime], Any]
    #: False for a job a local process's own loops already do (run only by the AWS schedules)
    local: bool = True
    #: The seconds of a function's time a run must have left to be started where that time is limited (a Lambda
    #: function catching up other jobs after its own): started with less, it would be stopped mid-way
    needs_s: float = 0.0
    #: True for a job that may leave part of its period for later (`Later`): its runs of periods its schedule no
    #: longer has (the cron changed while one waited) are still taken up, within their catch-up window
    waits: bool = False

    @property
    def name(self) -> str:
        """The job's unique name."""
        return self.schedule.name


@dataclass(frozen=True)
class Later:
    """What a job returns when part of its period's work cannot be done before `at` (an org's weekly report,
    its ad accounts' week not over): the rest is done, and the period is run again by the first pass from `at`
    (within its catch-up window; a period of the schedule starting first does the work instead), with its
    MAX_ATTEMPTS tries afresh. `detail`: what was done and what waits, as `jobs list` shows it."""

    at: datetime
    detail: str


class FailedMeanwhile(RuntimeError):
    """A run that failed in part while another part of its period's work waits (`later`): retried as any failed
    run; once it is not to be (no try left), the period still runs again at `later.at`, for the part waiting."""

    def __init__(self, message: str, later: Later) -> None:
        super().__init__(message)
        self.later = later


@dataclass(frozen=True)
class JobRun:
    """What happened to one job for one period."""

    job: str
    period: datetime
    status: str  # done | failed | waiting (part of its work left for later: `Later`)
    detail: str = ""
    attempts: int = 1
    failed_periods: int = 0  # of a failed scheduled run: the periods in a row that failed, this one included
    retry_at: datetime | None = None  # of a failed run its period will be tried again in, or a waiting run: when
    lapsed: bool = False  # of a failed run: its catch-up window closes before a retry, and no period follows first

    @property
    def given_up(self) -> bool:
        """A failure someone must hear of (on AWS it goes to the dead-letter queue), once its period
        will not be tried again: a run with no try left, a run whose catch-up window closes before its
        retry (`lapsed`), or a job failed FAILED_PERIODS periods in a row (and every REPORT_EVERY
        after). The last is how a 5-minute job failing for good is heard of: the next period comes
        before a retry would, so its tries never run out."""
        if self.status != "failed" or self.retry_at is not None:
            return False
        beyond = self.failed_periods - FAILED_PERIODS
        return self.attempts >= MAX_ATTEMPTS or self.lapsed or (beyond >= 0 and beyond % REPORT_EVERY == 0)


def run_due_jobs(
    store: Store, clock: Clock, jobs: Sequence[Job[Ctx]], ctx: Ctx, *,
    time_left: Callable[[], float] | None = None, left: list[str] | None = None,
) -> list[JobRun]:  # fmt: skip
    """Run every job whose current period has not run yet; return what ran. `time_left`: the seconds the
    process has before it is stopped (a Lambda function's), looked at as each run is about to be claimed: a job
    whose `needs_s` it falls short of is not claimed, its period left for a later pass (with its whole time),
    and its name added to `left`."""
    runs: list[JobRun] = []
    for job in jobs:
        due = job.schedule.due_period(clock.now())
        periods = [] if due is None else [(due, f"{job.name}#{job.schedule.period_key(due)}")]
        # the oldest first: a run left waiting by a change of schedule goes at its hour, as it said (not looked for
        # with too little of the process's time left to start one)
        if job.waits and (time_left is None or time_left() >= job.needs_s):
            periods = [*_left_behind(store, job, clock.now()), *periods]
        for period, sk in periods:
            if not _serve(store, clock, job, ctx, period, sk, runs, time_left=time_left, left=left):
                break
    return runs


def _serve(
    store: Store, clock: Clock, job: Job[Ctx], ctx: Ctx, period: datetime, sk: str, runs: list[JobRun], *,
    time_left: Callable[[], float] | None, left: list[str] | None,
) -> bool:  # fmt: skip
    """Run `job`'s `period` (its run recorded at `sk`) if it is to run now, adding what ran to `runs`; False when
    the job was left for a later pass (too little of the process's time left)."""
    existing = store.get(RUNS_PK, sk)
    if existing is not None:
        existing = _reanchored(store, existing, clock.now())
        if existing is None:
            return True  # another scheduler changed the record meanwhile: the next pass reads it again
    if existing is not None and _died_on_last_try(existing, clock.now()):
        runs.extend(_give_up_stopped(store, clock, job, period, existing))
        return True
    if time_left is not None and _claimable(existing, clock.now()) and (remaining := time_left()) < job.needs_s:
        # started, it would be stopped mid-way, its run `running` for its lease with nothing said
        log.info("job.left_for_later", job=job.name, period=iso(period), needs_s=job.needs_s, left_s=remaining)
        if left is not None:
            left.append(job.name)
        return False
    claimed = _claim(store, clock.now(), sk, existing, period)
    if claimed is not None:
        runs.append(_run(store, clock, job, ctx, period, claimed))
    return True


def _left_behind(store: Store, job: Job[Any], now: datetime) -> list[tuple[datetime, str]]:
    """The periods of `job` its schedule no longer has (its cron changed meanwhile) whose runs are not over yet
    (waiting, failed or stopped: whether to run now is `_claim`'s to say), within their catch-up window, the
    oldest first. Moved from 07:00 to 23:00 while a run waited till 22:00, the run was never taken up again."""
    periods = []
    for item in store.query(RUNS_PK, f"{job.name}#", limit=LEFT_BEHIND_READ, reverse=True).items:
        if item.sk.endswith(MANUAL) or item.data.get("status") not in ("waiting", "failed", "running"):
            continue
        period = _period_of(job, item)
        if period is not None and _orphaned(job, period) and now - period <= job.schedule.catch_up:
            periods.append((period, item.sk))
    return sorted(periods)


def _period_of(job: Job[Any], item: Item) -> datetime | None:
    """The period a scheduled run record is of: as it says (`FIRE_TIME`), or, a record written before it said so, its
    key's wall-clock time in the job's zone."""
    if FIRE_TIME in item.data:
        return datetime.fromisoformat(item.data[FIRE_TIME])
    try:
        local = datetime.strptime(item.sk.removeprefix(f"{job.name}#"), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return local.replace(tzinfo=ZoneInfo(job.schedule.timezone)).astimezone(UTC)


def _orphaned(job: Job[Any], period: datetime) -> bool:
    """Whether `period` is no fire time of `job`'s schedule as it is now (its cron changed since it ran)."""
    return job.schedule.previous_fire(period) != period


def _due_at(job: Job[Any], period: datetime, at: datetime) -> bool:
    """Whether `job`'s `period` is still run at `at`: it is its schedule's period due then, or, of a job that
    waits, a period its schedule no longer has, still within its catch-up window."""
    if job.schedule.due_period(at) == period:
        return True
    return job.waits and _orphaned(job, period) and at - period <= job.schedule.catch_up


def scheduled_period(store: Store, schedule: Schedule, period: datetime) -> bool:
    """Whether `period` is a scheduled period of the job of `schedule` (not a run by hand): a fire time of the
    schedule, or one it had when that period's run was recorded (the cron changed while the run waited)."""
    if schedule.previous_fire(period) == period:
        return True
    record = store.get(RUNS_PK, f"{schedule.name}#{schedule.period_key(period)}")
    return record is not None and record.data.get(FIRE_TIME) == iso(period)


def run_job_now(store: Store, clock: Clock, job: Job[Ctx], ctx: Ctx) -> JobRun:
    """Run a job at once, outside its schedule (an admin's request); recorded as a manual run."""
    now = clock.now()
    sk = f"{job.name}#{job.schedule.period_key(now)}:{now.second:02d}.{now.microsecond:06d}{MANUAL}"
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
        store.put(Item(RUNS_PK, sk, _record("ok", now, 1, detail, period=period)), Absent())
    except ConditionFailed:
        return False
    return True


def wait_while_running(
    store: Store, job: str, schedule: Schedule, period: datetime, *, polls: int, every_s: float,
    sleep: Callable[[float], None] = time.sleep, starting: bool = False, time_left: Callable[[], float] | None = None,
) -> str | None:  # fmt: skip
    """Wait while `job`'s run of `period` (of `schedule`) is running elsewhere, reading its record every
    `every_s` seconds at most `polls` times; its status then (None: no run of that period recorded).
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
        if status != "running" and (status is not None or not starting):
            return status
    return status


def last_runs(store: Store, job: str, *, limit: int = 5) -> list[dict[str, Any]]:
    """The most recent run records of a job, newest first."""
    page = store.query(RUNS_PK, f"{job}#", limit=limit, reverse=True)
    return [{"period": i.sk.removeprefix(f"{job}#"), **i.data} for i in page.items]


def _record(
    status: str, now: datetime, attempts: int, detail: str = "", failed_periods: int = 0, lapsed: bool = False,
    waits_until: datetime | None = None, period: datetime | None = None,
) -> dict[str, Any]:  # fmt: skip
    record: dict[str, Any] = {"status": status, "at": iso(now), "attempts": attempts, "detail": detail[:500]}
    if period is not None:  # a scheduled run's: read back by `_left_behind` and `scheduled_period`
        record[FIRE_TIME] = iso(period)
    if failed_periods:
        record["failed_periods"] = failed_periods
    if lapsed:
        record["lapsed"] = True
    if waits_until is not None:
        record[WAITS_UNTIL] = iso(waits_until)
    return record


def _failed_periods(store: Store, job: str, sk: str) -> int:
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


def _claimable(existing: Item | None, now: datetime) -> bool:
    """Whether a period whose run record is `existing` is to run now: none yet, a try stopped (its lease
    passed) or failed (its wait for a retry over) with tries left, or a run waiting (`Later`) whose moment has
    come; not done, running or waiting."""
    if existing is None:
        return True
    data = existing.data
    if data["status"] == "waiting":
        return now >= datetime.fromisoformat(data[WAITS_UNTIL])
    stale = _lease_passed(data, now)
    retry = data["status"] == "failed" and now - _waits_from(data) >= _retry_after(data["attempts"])
    return (stale or retry) and int(data["attempts"]) < MAX_ATTEMPTS


def _claim(store: Store, now: datetime, sk: str, existing: Item | None, period: datetime) -> Item | None:
    """The run record of `sk`'s `period` claimed for a try (`existing`: as read just before), or None
    when it is not to run now (done, running, waiting for its retry, or out of tries)."""
    try:
        if existing is None:
            return store.put(Item(RUNS_PK, sk, _record("running", now, 1, period=period)), Absent())
        if not _claimable(existing, now):
            return None
        attempts = int(existing.data["attempts"]) + 1
        record = _record("running", now, attempts, period=period)
        return store.put(Item(RUNS_PK, sk, record), VersionIs(existing.version))
    except ConditionFailed:
        return None  # another scheduler claimed this period first


def _lease_passed(data: Mapping[str, Any], now: datetime) -> bool:
    """Whether a run record says `running` past its lease: the process running it stopped."""
    return data["status"] == "running" and now - _waits_from(data) > LEASE


def _waits_from(data: Mapping[str, Any]) -> datetime:
    """When a run record's wait began: a running try's lease, a failed run's wait for its retry."""
    return datetime.fromisoformat(data.get(WAITS_FROM, data["at"]))


def _reanchored(store: Store, existing: Item, now: datetime) -> Item | None:
    """The run record `existing`, its wait counted again from `now` when it began after `now`: set
    before the clock stepped back (NTP), a stopped try's lease or a failed run's wait would last the step
    longer. No less than no time has passed since, so a try still running keeps at least its whole lease.
    None when another scheduler changed the record since it was read."""
    data = existing.data
    if data["status"] not in ("running", "failed") or _waits_from(data) <= now:
        return existing
    try:  # on its version: only the very try that was read is counted again
        return store.put(replace(existing, data={**data, WAITS_FROM: iso(now)}), VersionIs(existing.version))
    except ConditionFailed:
        return None


def _same_try(stored: Item, claimed: Item) -> bool:
    """Whether `stored` is the try `claimed` still running, its lease counted again since (`_reanchored`)."""
    return stored.data.get("status") == "running" and stored.data.get("at") == claimed.data["at"]


def _died_on_last_try(existing: Item, now: datetime) -> bool:
    """Whether the process running a period's last try stopped before the try ended."""
    return _lease_passed(existing.data, now) and int(existing.data["attempts"]) >= MAX_ATTEMPTS


def _give_up_stopped(store: Store, clock: Clock, job: Job[Any], period: datetime, existing: Item) -> list[JobRun]:
    """Record as failed a last try whose process stopped, and report it given up (as a last try that
    raised is): left `running`, it showed so in `jobs list` for good and nobody heard of it. Empty
    when another scheduler recorded it first."""
    attempts = int(existing.data["attempts"])
    failed_periods = _failed_periods(store, job.name, existing.sk)
    record = _record("failed", clock.now(), attempts, STOPPED, failed_periods, period=period)
    try:
        store.put(Item(RUNS_PK, existing.sk, record), VersionIs(existing.version))
    except ConditionFailed:
        return []
    log.error("job.given_up", job=job.name, period=iso(period), attempts=attempts, detail=STOPPED)
    return [JobRun(job.name, period, "failed", STOPPED, attempts, failed_periods)]


def _retry_after(attempts: int) -> timedelta:
    """The wait before the next try of a run that has failed `attempts` times."""
    return RETRY_AFTER[min(attempts, len(RETRY_AFTER)) - 1]


class _Renewal:
    """A running try's lease, renewed every RENEW_EVERY from a thread of its own until the try ends:
    a slow source (a report taking 40 minutes) had its last try taken for stopped and reported given
    up, and an earlier try run again beside itself. `item` is the run record as last written."""

    def __init__(self, store: Store, clock: Clock, claimed: Item) -> None:
        self.item = claimed
        self._store, self._clock = store, clock
        self._ended = threading.Event()
        self._thread = threading.Thread(target=self._renew, name=f"lease of {claimed.sk}", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._ended.set()
        self._thread.join()  # a renewal under way is written before the outcome, which goes on its version

    def _renew(self) -> None:
        while not self._ended.wait(RENEW_EVERY.total_seconds()):
            try:
                if not self._renewed():
                    return  # taken for stopped meanwhile (a suspended process): the outcome is recorded over it
            except Exception:  # the store failing now: the next renewal, well inside the lease, tries again
                log.warning("job.lease_not_renewed", record=self.item.sk, exc_info=True)

    def _renewed(self) -> bool:
        """Renew the lease once; False when the record is no longer this try's."""
        renewed = replace(self.item, data={**self.item.data, WAITS_FROM: iso(self._clock.now())})
        try:
            self.item = self._store.put(renewed, VersionIs(self.item.version))
            return True
        except ConditionFailed:
            stored = self._store.get(self.item.pk, self.item.sk)  # a failure here is the loop's, tried again
            if stored is None or not _same_try(stored, self.item):
                return False
            self.item = stored  # its lease counted again by another scheduler (`_reanchored`): renewed next time
            return True


def _run(store: Store, clock: Clock, job: Job[Ctx], ctx: Ctx, period: datetime, claimed: Item) -> JobRun:
    attempts = int(claimed.data["attempts"])
    log.info("job.start", job=job.name, period=iso(period), attempt=attempts)
    later: Later | None = None
    try:
        with _Renewal(store, clock, claimed) as lease:
            result = job.run(ctx, period)
    except Exception as exc:
        log.exception("job.failed", job=job.name, period=iso(period))
        status, detail = "failed", redact_text(f"{type(exc).__name__}: {exc}")  # shown by `jobs list`
        later = exc.later if isinstance(exc, FailedMeanwhile) else None
    else:
        if isinstance(result, Later):
            later, status, detail = result, "waiting", redact_text(result.detail)
            log.info("job.waiting", job=job.name, period=iso(period), until=iso(result.at), result=detail)
        else:
            status, detail = "done", "" if result is None else str(result)
            log.info("job.done", job=job.name, period=iso(period), result=detail)
    scheduled = status == "failed" and not claimed.sk.endswith(MANUAL)
    failed_periods = _failed_periods(store, job.name, claimed.sk) if scheduled else 0
    retry_at, lapsed = _retry_at(job, period, attempts, clock.now()) if scheduled else (None, False)
    of = None if claimed.sk.endswith(MANUAL) else period
    record = _record(status, clock.now(), attempts, detail, failed_periods, lapsed, period=of)
    if later is not None and retry_at is None:  # its tries from `later.at` afresh; a failure's own told below
        record = _record("waiting", clock.now(), 0, detail, waits_until=later.at, period=of)
        if status == "waiting":
            retry_at = later.at.astimezone(UTC) if _due_at(job, period, later.at) else None
            if retry_at is None:  # the period's window closes first: a period of its own would do the work
                log.warning("job.wait_past_its_period", job=job.name, period=iso(period), until=iso(later.at))
    try:
        store.put(Item(claimed.pk, claimed.sk, record), VersionIs(lease.item.version))
    except ConditionFailed:
        _outlived_lease(store, job, period, lease.item, record)
    run = JobRun(job.name, period, status, detail, attempts, failed_periods, retry_at, lapsed)
    if run.given_up:
        log.error("job.given_up", job=job.name, period=iso(period), attempts=attempts, failed_periods=failed_periods)
    return run


def _outlived_lease(store: Store, job: Job[Any], period: datetime, claimed: Item, record: dict[str, Any]) -> None:
    """Record a run's real outcome over "the process running it stopped", written by another
    scheduler when this try, its last, outlived its lease (a slow source): its `done` was refused,
    and `jobs list` said failed for good though the report went out. Likewise over its own record,
    its lease counted again by another scheduler after the clock stepped back (`_reanchored`): refused,
    the run would be taken for stopped once that lease passed, and run again. A record of another try
    (its lease passed, another scheduler ran the period again) is left as it is."""
    stored = store.get(claimed.pk, claimed.sk)
    stopped = stored is not None and (stored.data.get("status"), stored.data.get("detail")) == ("failed", STOPPED)
    ours = stopped or (stored is not None and _same_try(stored, claimed))
    if stored is None or not ours or stored.data.get("attempts") != claimed.data["attempts"]:
        log.warning("job.lease_lost", job=job.name, period=iso(period))
        return
    try:
        store.put(Item(claimed.pk, claimed.sk, record), VersionIs(stored.version))
    except ConditionFailed:
        log.warning("job.lease_lost", job=job.name, period=iso(period))
        return
    if stopped:
        log.warning("job.outlived_lease", job=job.name, period=iso(period), status=record["status"], lease=str(LEASE))


def _retry_at(job: Job[Any], period: datetime, attempts: int, now: datetime) -> tuple[datetime | None, bool]:
    """When a failed run's period is tried again, None when it is not (no try left, or its next
    period comes first: the schedules then serve that one); and whether it lapses: it has tries
    left, but its catch-up window closes before the retry with no period started by then."""
    if attempts >= MAX_ATTEMPTS:
        return None, False
    at = now + _retry_after(attempts)
    if _due_at(job, period, at):
        return at, False
    if job.waits and _orphaned(job, period):  # its catch-up window closes first, and no period of its own follows
        return None, True
    return None, job.schedule.due_period(at) is None and job.schedule.previous_fire(at) == period
