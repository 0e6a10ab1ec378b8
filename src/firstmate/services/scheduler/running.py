"""Running jobs: every job whose period is due (`run_due_jobs`) or one at once (`run_job_now`), each try
claimed first, its outcome recorded over its claim, a failure retried or given up and reported."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import structlog

from firstmate.domain.shared import iso
from firstmate.errors import ConditionFailed, Terminated
from firstmate.logs import redact_text
from firstmate.ports import Clock, Item, Store, VersionIs
from firstmate.services.scheduler.claims import (
    LEASE,
    Gone,
    claim,
    claimable,
    died_on_last_try,
    reanchored,
    retry_after,
    same_try,
)
from firstmate.services.scheduler.job import (
    MAX_ATTEMPTS,
    Ctx,
    FailedMeanwhile,
    Job,
    JobRun,
    Later,
    SkipLater,
    failure_said,
)
from firstmate.services.scheduler.lease import LeaseRenewal
from firstmate.services.scheduler.periods import due_at, left_behind, orphaned, skipped_waits
from firstmate.services.scheduler.records import (
    CTRL_C,
    FIRE_TIME,
    MANUAL,
    NEXT_TRY,
    RUNS_PK,
    SIGTERM_SENT,
    STOPPED,
    STOPPED_BY_HAND,
    count_failed_periods,
    run_record,
)

log = structlog.get_logger(__name__)


def run_due_jobs(
    store: Store, clock: Clock, jobs: Sequence[Job[Ctx]], ctx: Ctx, *,
    time_left: Callable[[], float] | None = None, left: list[str] | None = None,
    runner: Mapping[str, Any] | None = None, gone: Gone = None,
) -> list[JobRun]:  # fmt: skip
    """Run every job whose current period has not run yet; return what ran. `time_left`: the seconds the
    process has before it is stopped (a Lambda function's), looked at as each run is about to be claimed: a job
    whose `needs_s` it falls short of is not claimed, its period left for a later pass (with its whole time),
    and its name added to `left`. `runner`: this process, as each try's record names it (`App.this_process`);
    `gone`: how a try whose process is gone is told (`App.process_gone`), taken up at once, not after its lease."""
    runs: list[JobRun] = []
    for job in jobs:
        due = job.schedule.due_period(clock.now())
        periods = [] if due is None else [(due, f"{job.name}#{job.schedule.period_key(due)}")]
        # the oldest first: a run left waiting by a change of schedule goes at its hour, as it said (not looked for
        # with too little of the process's time left to start one)
        if job.waits and (time_left is None or time_left() >= job.needs_s):
            periods = [*left_behind(store, job, clock.now()), *periods]
            for period, item in skipped_waits(store, job, clock.now(), gone):
                runs.extend(_skip(store, clock, job, ctx, period, item))
        for period, sk in periods:
            served = _serve(
                store, clock, job, ctx, period, sk, runs, time_left=time_left, left=left, runner=runner, gone=gone
            )  # fmt: skip
            if not served:
                break
    return runs


def _serve(
    store: Store, clock: Clock, job: Job[Ctx], ctx: Ctx, period: datetime, sk: str, runs: list[JobRun], *,
    time_left: Callable[[], float] | None, left: list[str] | None, runner: Mapping[str, Any] | None, gone: Gone,
) -> bool:  # fmt: skip
    """Run `job`'s `period` (its run recorded at `sk`) if it is to run now, adding what ran to `runs`; False when
    the job was left for a later pass (too little of the process's time left)."""
    existing = store.get(RUNS_PK, sk)
    if existing is not None:
        existing = reanchored(store, existing, clock.now())
        if existing is None:
            return True  # another scheduler changed the record meanwhile: the next pass reads it again
    if existing is not None and died_on_last_try(existing, clock.now(), gone):
        runs.extend(_give_up_stopped(store, clock, job, period, existing))
        return True
    if time_left is not None and claimable(existing, clock.now(), gone) and (remaining := time_left()) < job.needs_s:
        # started, it would be stopped mid-way, its run `running` for its lease with nothing said
        log.info("job.left_for_later", job=job.name, period=iso(period), needs_s=job.needs_s, left_s=remaining)
        if left is not None:
            left.append(job.name)
        return False
    claimed = claim(store, clock.now(), sk, existing, period, runner, gone)
    if claimed is not None:
        runs.append(_run(store, clock, job, ctx, period, claimed))
    return True


def run_job_now(
    store: Store, clock: Clock, job: Job[Ctx], ctx: Ctx, *, runner: Mapping[str, Any] | None = None
) -> JobRun:
    """Run a job at once, outside its schedule (an admin's request); recorded as a manual run, `stopped` when Ctrl-C
    (or SIGTERM: `errors.Terminated`) stops it (the KeyboardInterrupt goes on). `runner`: this process, as its record
    names it (`App.this_process`)."""
    now = clock.now()
    sk = f"{job.name}#{job.schedule.period_key(now)}:{now.second:02d}.{now.microsecond:06d}{MANUAL}"
    item = store.put(Item(RUNS_PK, sk, run_record("running", now, 1, runner=runner)))
    return _run(store, clock, job, ctx, now, item)


def _give_up_stopped(store: Store, clock: Clock, job: Job[Any], period: datetime, existing: Item) -> list[JobRun]:
    """Record as failed a last try whose process stopped, and report it given up (as a last try that raised is): left
    `running`, it showed so in `jobs list` for good and nobody heard of it. Empty when another scheduler recorded it
    first. (One stopped with Ctrl-C is tried again: not one of its tries.)"""
    attempts = int(existing.data["attempts"])
    failed_periods = count_failed_periods(store, job.name, existing.sk)
    record = {**run_record("failed", clock.now(), attempts, STOPPED, failed_periods, period=period), NEXT_TRY: ""}
    try:
        store.put(Item(RUNS_PK, existing.sk, record), VersionIs(existing.version))
    except ConditionFailed:
        return []
    log.error("job.given_up", job=job.name, period=iso(period), attempts=attempts, detail=STOPPED)
    return [JobRun(job.name, period, "failed", STOPPED, attempts, failed_periods)]


def _skip(store: Store, clock: Clock, job: Job[Ctx], ctx: Ctx, period: datetime, waiting: Item) -> list[JobRun]:
    """Record as skipped a run left waiting (or to be tried again) whose period is run no more (`skipped_waits`), with
    what the job leaves to do by hand (`Job.skipped`, told before the record is written: a process stopped between the
    two has the next pass tell it again, the job telling it once), and report it as one whose window closed (`lapsed`).
    Empty when another scheduler recorded it first, or the job cannot say yet what is left (`SkipLater`)."""
    days = job.schedule.catch_up.total_seconds() / 86400
    span = f"{days:g} days" if days >= 1 else f"{job.schedule.catch_up.total_seconds() / 3600:g} hours"
    detail = f"its {span} of catch-up from {iso(period)[:16]} UTC ended before it ran again"
    try:  # the run is no longer said to wait whatever befalls this: the log says what could not be told
        if job.skipped is not None and (todo := job.skipped(ctx, period)):
            detail = redact_text(f"{detail}; {todo}")
    except SkipLater as exc:  # its work being done right now: said by a later pass, once it is known whether it was
        log.info("job.skip_later", job=job.name, period=iso(period), why=redact_text(str(exc)))
        return []
    except Exception:
        log.exception("job.skipped_untold", job=job.name, period=iso(period))
    record = {**run_record("skipped", clock.now(), int(waiting.data["attempts"]), detail, period=period), NEXT_TRY: ""}
    try:
        store.put(Item(RUNS_PK, waiting.sk, record), VersionIs(waiting.version))
    except ConditionFailed:
        return []
    log.error("job.skipped", job=job.name, period=iso(period), detail=detail)
    attempts = int(waiting.data["attempts"])
    return [JobRun(job.name, period, "failed", f"skipped: {detail}", attempts, lapsed=True, skipped=True)]


def _run(store: Store, clock: Clock, job: Job[Ctx], ctx: Ctx, period: datetime, claimed: Item) -> JobRun:
    attempts = int(claimed.data["attempts"])
    log.info("job.start", job=job.name, period=iso(period), attempt=attempts)
    later: Later | None = None
    retried = True  # a failure's tries now, else from `later.at` (`FailedMeanwhile.retried`)
    lease = LeaseRenewal(store, clock, claimed)
    try:
        with lease:
            result = job.run(ctx, period)
    except KeyboardInterrupt as exc:  # `jobs run`, `worker --once`: a scheduled try is taken up again by the next pass
        said = SIGTERM_SENT if isinstance(exc, Terminated) else CTRL_C
        _stopped_by_hand(store, clock, job.name, lease.item, said)
        raise
    except Exception as exc:
        log.exception("job.failed", job=job.name, period=iso(period))
        # shown by `jobs list` in a line its owner reads: the class name is the log's (logged just above)
        status, detail = "failed", redact_text(failure_said(exc))
        later = exc.later if isinstance(exc, FailedMeanwhile) else None
        retried = not isinstance(exc, FailedMeanwhile) or exc.retried
    else:
        if isinstance(result, Later):
            later, status, detail = result, "waiting", redact_text(result.detail)
            log.info("job.waiting", job=job.name, period=iso(period), until=iso(result.at), result=detail)
        else:
            status, detail = "done", "" if result is None else str(result)
            log.info("job.done", job=job.name, period=iso(period), result=detail)
    scheduled = status == "failed" and not claimed.sk.endswith(MANUAL)
    failed_periods = count_failed_periods(store, job.name, claimed.sk) if scheduled else 0
    retry_at, lapsed = _retry_at(job, period, attempts, clock.now()) if scheduled and retried else (None, False)
    of = None if claimed.sk.endswith(MANUAL) else period
    record = run_record(status, clock.now(), attempts, detail, failed_periods, lapsed, period=of)
    if later is not None and retry_at is None:  # its tries from `later.at` afresh; a failure's own told below
        failed = status == "failed"  # `jobs list` says it failed, and when it is tried again
        record = run_record("waiting", clock.now(), 0, detail, waits_until=later.at, period=of, failed=failed)
        if status == "waiting" or not retried:  # a failure not retried before then: tried again at `later.at`
            retry_at = later.at.astimezone(UTC) if due_at(job, period, later.at) else None
            if retry_at is None:  # the period's window closes first: a period of its own would do the work
                log.warning("job.wait_past_its_period", job=job.name, period=iso(period), until=iso(later.at))
                lapsed = status == "failed"  # a failure never tried again: reported now, as one whose window closes
    if record["status"] == "failed" and of is not None:  # `jobs list` says when it is tried again, or that it is not
        record[NEXT_TRY] = "" if retry_at is None else iso(retry_at)
    try:
        stored = store.put(Item(claimed.pk, claimed.sk, record), VersionIs(lease.item.version))
    except ConditionFailed:
        stored = None
        _outlived_lease(store, job, period, lease.item, record)
    run = JobRun(job.name, period, status, detail, attempts, failed_periods, retry_at, lapsed)
    past = later is not None and of is not None and not due_at(job, period, later.at)
    if stored is not None and job.waits and record["status"] == "waiting" and past:
        # its wait outlasts its period's window: never run again, said skipped now, not "run again from" for good
        return next(iter(_skip(store, clock, job, ctx, period, stored)), run)
    if run.given_up:
        log.error("job.given_up", job=job.name, period=iso(period), attempts=attempts, failed_periods=failed_periods)
    return run


def stop_running_tries(detail: str) -> list[str]:
    """Record each try this process is running stopped by hand, saying `detail` (`WORKER_STOPPED`), as the process is
    about to end with them unfinished (`firstmate worker` stopped past its grace): left `running`, a try read stopped
    once its process was gone and counted as one of its three. Their leases are renewed no more. Returns the run
    records so stopped; one that ended meanwhile keeps its outcome."""
    stopped = []
    for lease in LeaseRenewal.running():
        item = lease.ended()
        if _stopped_by_hand(lease.store, lease.clock, item.sk.partition("#")[0], item, detail):
            stopped.append(item.sk)
    return stopped


def _stopped_by_hand(store: Store, clock: Clock, job: str, claimed: Item, detail: str) -> bool:
    """Record a try stopped by hand (Ctrl-C, SIGTERM, its worker stopped) as such, a run by hand's or a scheduled
    period's: left `running`, `jobs list` said so, for good or for its lease's 30 minutes. On its version (a pass
    taking it for stopped meanwhile, or its own outcome, left alone); the stop goes on whatever befalls this write.
    Whether it was recorded."""
    fire = claimed.data.get(FIRE_TIME)
    period = None if claimed.sk.endswith(MANUAL) or not fire else datetime.fromisoformat(fire)
    record = run_record(STOPPED_BY_HAND, clock.now(), int(claimed.data["attempts"]), detail, period=period)
    try:
        store.put(Item(RUNS_PK, claimed.sk, record), VersionIs(claimed.version))
    except Exception:  # the store busy or the record changed: its lease passes, and it reads stopped all the same
        log.warning("job.stop_unrecorded", job=job, record=claimed.sk, exc_info=True)
        return False
    log.info("job.stopped_by_hand", job=job, record=claimed.sk, detail=detail)
    return True


def _outlived_lease(store: Store, job: Job[Any], period: datetime, claimed: Item, record: dict[str, Any]) -> None:
    """Record a run's real outcome over "the process running it stopped", written by another
    scheduler when this try, its last, outlived its lease (a slow source): its `done` was refused,
    and `jobs list` said failed for good though the report went out. Likewise over its own record,
    its lease counted again by another scheduler after the clock stepped back (`reanchored`): refused,
    the run would be taken for stopped once that lease passed, and run again. A record of another try
    (its lease passed, another scheduler ran the period again) is left as it is."""
    stored = store.get(claimed.pk, claimed.sk)
    stopped = stored is not None and (stored.data.get("status"), stored.data.get("detail")) == ("failed", STOPPED)
    # recorded stopped by hand as its worker stopped past its grace, and ended after all: its outcome is the truth
    stopped = stopped or (stored is not None and stored.data.get("status") == STOPPED_BY_HAND)
    ours = stopped or (stored is not None and same_try(stored, claimed))
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
    at = now + retry_after(attempts)
    if due_at(job, period, at):
        return at, False
    if job.waits and orphaned(job, period):  # its catch-up window closes first, and no period of its own follows
        return None, True
    return None, job.schedule.due_period(at) is None and job.schedule.previous_fire(at) == period
