"""The eight role reports of every org with business data, once the weekly marketing report of the same
Monday, which the CMO's reads, is no longer running (a try of it whose process stopped, its lease passed, is not)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

import structlog

from firstmate.bootstrap import App
from firstmate.domain.reports.document import ROLES
from firstmate.errors import FirstmateError, OutOfTime
from firstmate.jobs.failures import unexpected
from firstmate.jobs.schedules import weekly_schedule
from firstmate.services.business import list_orgs
from firstmate.services.data import has_data
from firstmate.services.reports import run_role_reports
from firstmate.services.scheduler import JobFailed, wait_while_running
from firstmate.services.timebox import TimeBox

log = structlog.get_logger(__name__)

#: How long a Monday's role reports wait for the weekly marketing report of the same minute, which the CMO's
#: reads: on AWS each starts a function of its own, and the role reports, done first, read the week before's.
#: The reads are WEEKLY_WAIT_EVERY_S apart, the first at once.
WEEKLY_WAIT_POLLS, WEEKLY_WAIT_EVERY_S = 60, 10.0


def role_reports(
    app: App, period: datetime, *, sleep: Callable[[float], None] = time.sleep, timebox: TimeBox | None = None
) -> str:
    """Build and send the eight role reports of every org that has business data, once the weekly marketing
    report of the same period is no longer running (at most (WEEKLY_WAIT_POLLS - 1) × WEEKLY_WAIT_EVERY_S).
    `timebox`: the time of the Lambda function running it, which its wait is shortened to fit: the weekly report
    still running at its end, the run fails, saying so, and is tried again; the orgs not started by its end are
    left to the run's retry (which sends no report twice)."""
    weekly = weekly_schedule(app.settings, "weekly_report", "The weekly marketing report")
    # a scheduled run also waits for the weekly report to start: its function may come up after this one
    # (a manual run, at no minute of the schedule, has none to wait for)
    scheduled = weekly.previous_fire(period) == period
    status = wait_while_running(
        app.store, app.clock, weekly.name, weekly, period, polls=WEEKLY_WAIT_POLLS, every_s=WEEKLY_WAIT_EVERY_S,
        sleep=sleep, starting=scheduled,
        time_left=None if timebox is None else timebox.left,  # not waiting on past its time
        gone=app.process_gone(),  # on a laptop, not waiting on a try whose process was killed
    )  # fmt: skip
    if status == "running" or (scheduled and status is None):  # the CMO's report says which week it read
        if timebox is not None and timebox.left() < WEEKLY_WAIT_EVERY_S:  # its wait was cut short
            raise OutOfTime(
                f"stopped waiting for the weekly marketing report, still {status or 'not started'}: {timebox.of} "
                "was nearly up; no role report was built",
                hint="tried again by the scheduler, by when the weekly report has most often ended",
            )
        log.warning("reports.weekly_still_running", period=period.isoformat(), status=status or "not started")
    elif status == "stopped":  # its process stopped mid-run (its lease passed, or gone): its retry is a later pass's
        log.warning("reports.weekly_stopped", period=period.isoformat())
    done, failed, not_started = [], [], []
    for org in list_orgs(app.store):
        if not has_data(app.store, org):
            continue
        if timebox is not None and timebox.spent():
            not_started.append(org)
            continue
        try:
            runs = run_role_reports(app, org, ROLES, send=True, secrets=app.secrets)
        except Exception as exc:  # one org's bad data, or a bug, must not stop the others' reports
            error = exc if isinstance(exc, FirstmateError) else unexpected("reports.roles_crashed", org, exc)
            failed.append(f"{org}: {error}")
            continue
        done.append(f"{org}: {len(runs)} reports (sent to {sum(len(r.sent_to) for r in runs)})")
    if not_started and timebox is not None:
        failed.append(f"not started, {timebox.of} being nearly up: {', '.join(not_started)}")
    if failed:
        raise JobFailed("; ".join(failed))
    return "; ".join(done) or "no org has business data yet"
