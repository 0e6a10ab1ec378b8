"""Every scheduled job, declared once (`declared_jobs`), with the function time each needs on AWS."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from firstmate.bootstrap import App
from firstmate.config import Settings
from firstmate.domain.schedule import Schedule
from firstmate.jobs.passes import crew_reminders, dispatch_due, finish_fanouts, roster_lists
from firstmate.jobs.roles import role_reports
from firstmate.jobs.schedules import weekly_schedule
from firstmate.jobs.sweeps import sweep_archives, sweep_expired
from firstmate.jobs.weekly import weekly_reports
from firstmate.jobs.weekly_skips import weekly_skipped, weekly_unsent
from firstmate.services.outbox import TimeLimit
from firstmate.services.scheduler import Job
from firstmate.services.timebox import TimeBox

#: How long before its function is stopped (a Lambda's 15 minutes) the weekly report stops itself: the step
#: under way when its time is up (a model's analysis, up to 180 s; a source's call, 30 s) ends, what the build
#: began is deleted and its failure recorded (stopped by Lambda mid-way, the run stayed `running` for its
#: 30-minute lease, and nothing said why).
WEEKLY_MARGIN_S = 210.0
#: How long before its function is stopped the role reports job neither waits on for the weekly report nor starts
#: an org's reports: an org's eight are built and queued in seconds (5 s for a large operator), more with the store
#: slow to answer. Stopped by Lambda mid-wait, its run stayed `running` for its 30-minute lease, nothing said.
ROLE_MARGIN_S = 120.0
FUNCTION_TIME = "the function's 15 minutes"
#: The function time a job must have left to be started as another's catch-up (`Job.needs_s`; a Lambda function
#: runs the other jobs due after its own): the weekly report its margin and Meta's report runs' 10 minutes (with
#: less it would most often stop itself, a try spent for nothing), the role reports their margin and a minute,
#: the others a pass of a few store calls (each up to 24 s at worst). Those left are taken up by a later pass.
WEEKLY_NEEDS_S = WEEKLY_MARGIN_S + 600.0
ROLE_NEEDS_S = ROLE_MARGIN_S + 60.0
PASS_NEEDS_S = 90.0


def declared_jobs(
    settings: Settings, *, until: TimeLimit | None = None, function_ends: float | None = None
) -> list[Job[App]]:
    """The jobs for these settings, in the business's time zone where it matters. The local
    scheduler runs those marked `local`, and the AWS template's schedules are rendered from all.
    `until`: the time of the Lambda function running them, within which `outbox_retry` sends;
    `function_ends`: when that function is stopped (`time.monotonic()`), WEEKLY_MARGIN_S before which
    the weekly report stops itself, and ROLE_MARGIN_S before which the role reports do."""
    weekly_box = None if function_ends is None else TimeBox(function_ends - WEEKLY_MARGIN_S, FUNCTION_TIME)
    role_box = None if function_ends is None else TimeBox(function_ends - ROLE_MARGIN_S, FUNCTION_TIME)
    return [
        Job(
            Schedule("sweep", "17 * * * *", "UTC", "Remove expired items; index older outbox entries and weekly runs"),
            sweep_expired,
            needs_s=PASS_NEEDS_S,
        ),
        Job(
            Schedule("archive_sweep", "23 3 * * *", "UTC", "Remove raw archives older than 90 days"),
            sweep_archives,
            needs_s=PASS_NEEDS_S,
        ),
        Job(
            weekly_schedule(settings, "weekly_report", "The weekly marketing report"),
            weekly_reports if weekly_box is None else partial(weekly_reports, timebox=weekly_box),
            needs_s=WEEKLY_NEEDS_S,
            waits=True,  # a run waiting for an org's ad accounts' week goes at its hour though the cron changed
            skipped=weekly_skipped,  # one left waiting past its catch-up: its weeks to send by hand, owners told
            left_to_do=weekly_unsent,  # and of those, the weeks not sent since: `jobs list` shows them till they are
        ),
        Job(
            weekly_schedule(settings, "role_reports", "The eight role reports"),
            role_reports if role_box is None else partial(role_reports, timebox=role_box),
            needs_s=ROLE_NEEDS_S,
        ),
        Job(
            Schedule(
                "fanouts",
                "*/5 * * * *",
                "UTC",
                "Finish large bookings' notices; tell double bookings left untold; ask crew left unasked",
                timedelta(minutes=10),
            ),
            finish_fanouts,
            needs_s=PASS_NEEDS_S,
        ),
        Job(
            Schedule("roster_lists", "41 * * * *", "UTC", "List the trips each crew member holds, where not yet"),
            roster_lists,
            needs_s=PASS_NEEDS_S,
        ),
        Job(
            Schedule("crew_reminders", "*/5 * * * *", "UTC", "Remind crew before their trips", timedelta(minutes=10)),
            crew_reminders,
            needs_s=PASS_NEEDS_S,
        ),
        Job(
            Schedule(
                "outbox_retry", "*/5 * * * *", "UTC", "Retry messages whose backoff has passed", timedelta(minutes=10)
            ),
            partial(dispatch_due, until=until),
            local=False,
            needs_s=PASS_NEEDS_S,
        ),
    ]
