"""`firstmate jobs`: scheduled jobs."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from firstmate.cli.common import app_context, done, example, progress_display, show, stop_on_sigterm
from firstmate.errors import NotFound, UserError

if TYPE_CHECKING:
    from firstmate.bootstrap import App
    from firstmate.services.scheduler import Job

jobs_cli = typer.Typer(help="Scheduled jobs.", no_args_is_help=True)


@jobs_cli.command("list", epilog=example("jobs list"))
def jobs_list() -> None:
    """List scheduled jobs with their next run and last result."""
    from firstmate.jobs import declared_jobs

    with app_context() as app:
        table = Table("job", "schedule", "zone", "next run (UTC)", "last run")
        on_aws = app.settings.store == "dynamodb"
        for job in declared_jobs(app.settings):
            if not (job.local or on_aws):  # the dispatcher loop of `serve` and `worker` does it here
                table.add_row(
                    job.name, job.schedule.cron, job.schedule.timezone, "—", "on AWS only: the dispatcher does it"
                )
                continue
            last_text = _last_runs(app, job)
            nxt = job.schedule.next_fire(app.clock.now()).strftime("%Y-%m-%d %H:%M")
            table.add_row(job.name, job.schedule.cron, job.schedule.timezone, nxt, last_text)
    show(table)


def _last_runs(app: App, job: Job[App]) -> Text:
    """A job's last run as `jobs list` shows it; a scheduled run still waiting (`Later`) is shown first, beside
    the runs by hand since (one at 10:00 hid the Monday run waiting till 22:00, as if that week were left to send by
    hand); after them, each run skipped whose work is still left to do by hand (`Job.left_to_do`): a week never sent
    stays in sight until it is sent, however many runs are done since."""
    from firstmate.services.scheduler import MANUAL, as_read, last_runs

    runs = last_runs(app.store, job.name, limit=20)
    if not runs:
        return Text("never")
    scheduled = next((run for run in runs if not str(run["period"]).endswith(MANUAL)), None)
    now, gone = app.clock.now(), app.process_gone()  # a try whose process is gone reads stopped at once
    latest = _last_run(as_read(job, runs[0], now, gone), _left_to_do(app, job, runs[0]))
    if runs[0] is scheduled or scheduled is None or scheduled["status"] != "waiting":
        shown = [latest]
    else:
        shown = [_last_run(as_read(job, scheduled, now, gone)), Text(f"by hand since: {latest}")]
    for run in runs[1:]:
        if left := _left_to_do(app, job, run):
            shown.append(Text(f"before it: {_last_run(run, left)}"))
    return Text("; ").join(shown)


def _left_to_do(app: App, job: Job[App], record: dict[str, Any]) -> str | None:
    """What a skipped run's `record` still leaves to do by hand, read now (`Job.left_to_do`; "" once done); None for
    any other run, or a job that does not say (the run's record says what it left then)."""
    from firstmate.services.scheduler.records import FIRE_TIME

    if record["status"] != "skipped" or job.left_to_do is None or FIRE_TIME not in record:
        return None
    return job.left_to_do(app, datetime.fromisoformat(record[FIRE_TIME]))


def _last_run(record: dict[str, Any], left: str | None = None) -> Text:
    """A run record as `jobs list` shows it: a failure with its error and how long it has gone on, a run done
    with what it did, a run waiting (or failed, its period run again later all the same) with until when and
    why, a run skipped with what it `left` to do by hand, as read now where the job says (plain text: an error's
    brackets are not terminal markup)."""
    text = f"{record['status']} {record['at'][:16]}"
    if record["status"] == "stopped":  # mid-run: its process, when last heard of (`as_read`), or Ctrl-C
        when = f"~{record['at'][:16]}" if record.get("heard") else record["at"][:16]
        when += " (its process is gone)" if record.get("gone") else ""
        again = record.get("again", "run by hand: not tried again")
        return Text(f"stopped {when}, {again}: {_cut(record['detail'], 120)}")
    if record["status"] == "waiting":  # a try that failed waits too, its period run again all the same: said failed
        said = f"failed {record['at'][:16]}" if record.get("failed") else text
        if record.get("again"):  # as read now (`as_read`): its wait outlasted by a downtime past its window
            return Text(f"{said}, {record['again']}: {_cut(record['detail'], 160)}")
        again = f"{said}, tried again" if record.get("failed") else f"{said}, run again"
        return Text(f"{again} from {record['waits_until'][:16]} UTC: {_cut(record['detail'], 160)}")
    if record["status"] == "failed":
        periods = int(record.get("failed_periods", 1))
        text += f", {periods} periods in a row" if periods > 1 else ""
        text += _tried_again(record)
        text += f": {_cut(record['detail'], 120)}"
    elif record["status"] == "skipped" and left is not None:
        # what is left now, said whole (the commands are at the end): its record's words grew stale once sent by hand
        text += f", {_cut(left, 400)}" if left else ": what it left to do by hand was done since"
    elif record["status"] == "skipped":  # its weeks to send by hand, said whole: the commands are at the end
        text += f", not tried again: {_cut(record['detail'], 400)}"  # why, and what is left to do by hand
    elif record.get("detail"):  # what it did: a weekly report found sent already says so, not built again
        text += f": {_cut(record['detail'], 120)}"
    return Text(text)


def _tried_again(record: dict[str, Any]) -> str:
    """Whether and when a failed run is tried again, as `jobs list` says it after its time (before its error, which
    may be cut): "" where its record does not say (written before it did)."""
    from firstmate.services.scheduler import MANUAL, MAX_ATTEMPTS

    if record.get("again"):  # as read now (`as_read`): its retry outlasted by a downtime
        return f", {record['again']}"
    if str(record.get("period", "")).endswith(MANUAL):
        return ", run by hand: not tried again"
    if record.get("lapsed"):
        return ", too late in its period to be tried again"
    if "next_try" not in record:
        return ""
    if record["next_try"]:
        return f", tried again from {record['next_try'][:16]} UTC"
    if int(record.get("attempts", 1)) >= MAX_ATTEMPTS:
        return f", given up after {record['attempts']} tries (its next period runs as scheduled)"
    return ", not tried again (its next period does the work)"


def _cut(detail: str, most: int) -> str:
    """`detail` in at most `most` characters, "…" saying where it was cut (an org's note left off read as none)."""
    return detail if len(detail) <= most else detail[: most - 1] + "…"


@jobs_cli.command("run", epilog=example("jobs run fanouts"))
def jobs_run(
    name: Annotated[
        str,
        typer.Argument(
            help="archive_sweep, crew_reminders, fanouts, outbox_retry, role_reports, roster_lists, "
            "sweep or weekly_report (see 'jobs list')."
        ),
    ],
) -> None:
    """Run one job now, outside its schedule."""
    from firstmate.jobs import declared_jobs
    from firstmate.services.scheduler import run_job_now

    stop_on_sigterm()  # its run recorded stopped by hand, as Ctrl-C records it, not left `running`
    with app_context() as app:
        jobs = {j.name: j for j in declared_jobs(app.settings)}
        if name not in jobs:
            raise NotFound(f"no job named {name!r}", hint=f"choose one of {', '.join(sorted(jobs))}")
        with progress_display() as progress:  # the weekly report waits on Meta, for minutes at times
            progress.add_task(f"Running the job {name}", total=None)
            run = run_job_now(app.store, app.clock, jobs[name], app, runner=app.this_process())
    if run.status == "waiting":  # a run by hand is not run again: say what it left
        done(f"{name}: part left for its scheduled run: {run.detail}")
        return
    if run.status != "done":
        raise UserError(f"job {name} failed: {run.detail}")
    done(f"{name}: {run.detail or 'done'}")
