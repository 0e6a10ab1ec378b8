"""Run scheduled jobs once per period, even with several schedulers and restarts.

A run is claimed with a conditional write on (job, period) before it starts, so a restart, or a
second `firstmate worker`, never runs Monday's report twice. A failed run is retried on later
ticks, 10 and then 30 minutes after it failed (MAX_ATTEMPTS in all), while its period is still due;
a run whose process died is retried once its lease has passed (on a laptop, once its process is seen gone), or, if
that was its last try, recorded failed and given up ("the process running it stopped"). A try renews its lease while it
runs (`LeaseRenewal`), so one only slow is not taken for stopped; should one be all the same (its
process suspended past its lease, a laptop asleep), its outcome is recorded over that when it ends.
A job whose next period comes before a retry (the 5-minute jobs) is not retried: its next period
does the work. Each failed run records how many periods in a row have failed, so one that keeps
failing is reported all the same. A run failing so late in its catch-up window that a retry would
fall outside it is reported at once: its period's work would otherwise be left undone, unheard of,
until its next period. A lease or a wait for a retry set before the clock stepped back (NTP) is
counted again from when a scheduler sees it, rather than lasting the step longer (`reanchored`).
A job may leave part of its period's work for later (`Later`: an ad account's week not over yet): its
run is recorded `waiting`, and run again by the first pass from that moment, its tries counted afresh. One failing in
part meanwhile (`FailedMeanwhile`) is retried as any, unless what failed can do nothing before that moment either:
then it is tried at that moment alone, one round of tries and not two. Such a job
(`Job.waits`) has a run of a period its schedule no longer has (its cron changed while the run waited) still taken
up, waiting, retried or stopped, within that period's catch-up window (`left_behind`): not left `waiting` for good.
A run still waiting, or failed and still to be tried again, once that window has closed (firstmate not running then)
is recorded `skipped`, the job saying what it leaves to do by hand (`Job.skipped`), and reported as one whose window
closed (`skipped_waits`); what of it is still left to do (`Job.left_to_do`) is read again as `jobs list` shows it.
While another process does that very work (a build sending the week), the job says `SkipLater`: the skip is left
to a later pass, rather than saying what may be untrue a minute on.
A try stopped with Ctrl-C is recorded `stopped` as it stops: a run by hand is never tried again, a scheduled try
(`worker --once`) is taken up by the next pass, not counted as one of its tries (a stop by hand, not a failure). On
a SQLite home a try names the process running it (`runner`): one whose process is gone (kill -9, a closed terminal)
is stopped at once, in `jobs list` and for the scheduler's next pass, which takes it up as one past its lease (`gone`;
two schedulers seeing it so claim it on its version, one runs it); on AWS the lease alone tells. SIGTERM stops a try
as Ctrl-C does (`errors.Terminated`), and a worker stopping past its grace records the tries it runs stopped so too
(`stop_running_tries`).

- `job`: a scheduled job and what its runs return and record (`Job`, `Later`, `JobFailed`, `FailedMeanwhile`,
  `SkipLater`, `JobRun`), and a failure said in a line its owner reads (`failure_said`, `unexpected_said`).
- `running`: running the jobs whose period is due (`run_due_jobs`), or one at once (`run_job_now`).
- `periods`: which periods of a job are run, those its schedule no longer has among them.
- `claims`: claiming a period's try on its run record (a try whose process stopped: its lease passed, or it is gone),
  and waits counted again after the clock stepped back.
- `lease`: a running try's lease, renewed while it runs.
- `records`: run records, and reading or writing them from outside a scheduler (`last_runs`, `mark_done`).
- `reading`: a run record as it reads now (`as_read`): a try whose process stopped mid-run said stopped once its lease
  has passed (at once, its process seen gone), a retry outlasted by a downtime past its period's window not said to
  come; and waiting while another job's run is running (`wait_while_running`), not on such a stopped try.
"""

from firstmate.services.scheduler.claims import LEASE
from firstmate.services.scheduler.job import (
    MAX_ATTEMPTS,
    FailedMeanwhile,
    Job,
    JobFailed,
    JobRun,
    Later,
    SkipLater,
    failure_said,
    unexpected_said,
)
from firstmate.services.scheduler.periods import scheduled_period
from firstmate.services.scheduler.reading import as_read, wait_while_running
from firstmate.services.scheduler.records import MANUAL, RUNS_PK, last_runs, mark_done
from firstmate.services.scheduler.running import run_due_jobs, run_job_now, stop_running_tries

__all__ = [
    "LEASE",
    "MANUAL",
    "MAX_ATTEMPTS",
    "RUNS_PK",
    "FailedMeanwhile",
    "Job",
    "JobFailed",
    "JobRun",
    "Later",
    "SkipLater",
    "as_read",
    "failure_said",
    "last_runs",
    "mark_done",
    "run_due_jobs",
    "run_job_now",
    "scheduled_period",
    "stop_running_tries",
    "unexpected_said",
    "wait_while_running",
]
