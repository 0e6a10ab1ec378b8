"""`firstmate jobs`: scheduled jobs."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from firstmate.cli.common import app_context, done, example, progress_display, show
from firstmate.errors import NotFound, UserError
from firstmate.ports import Store

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
            last_text = _last_runs(app.store, job.name)
            nxt = job.schedule.next_fire(app.clock.now()).strftime("%Y-%m-%d %H:%M")
            table.add_row(job.name, job.schedule.cron, job.schedule.timezone, nxt, last_text)
    show(table)


def _last_runs(store: Store, job: str) -> Text:
    """A job's last run as `jobs list` shows it; a scheduled run still waiting (`Later`) is shown first, beside
    the runs by hand since (one at 10:00 hid the Monday run waiting till 22:00, as if that week were left to send by
    hand); a run skipped, after them, until a scheduled run is done since."""
    from firstmate.services.scheduler import MANUAL, last_runs

    runs = last_runs(store, job, limit=20)
    if not runs:
        return Text("never")
    scheduled = next((run for run in runs if not str(run["period"]).endswith(MANUAL)), None)
    if runs[0] is scheduled or scheduled is None or scheduled["status"] != "waiting":
        shown = _last_run(runs[0])
    else:
        shown = Text(f"{_last_run(scheduled)}; by hand since: {_last_run(runs[0])}")
    # a run skipped (left waiting past its catch-up) is said until a scheduled run has ended done since: the next
    # period's run, started first, stood before it, and the week it left to send by hand went unsaid
    skipped = next((run for run in runs if run["status"] == "skipped"), None)
    if skipped is None or skipped is scheduled or _done_since(runs, skipped):
        return shown
    return Text(f"{shown}; before it: {_last_run(skipped)}")


def _done_since(runs: list[dict[str, Any]], record: dict[str, Any]) -> bool:
    """Whether a scheduled run of `runs` ended done after `record` was written."""
    from firstmate.services.scheduler import MANUAL

    return any(
        run["status"] == "done" and run["at"] > record["at"] for run in runs if not str(run["period"]).endswith(MANUAL)
    )


def _last_run(record: dict[str, Any]) -> Text:
    """A run record as `jobs list` shows it: a failure with its error and how long it has gone on, a run done
    with what it did, a run waiting (or failed, its period run again later all the same) with until when and
    why (plain text: an error's brackets are not terminal markup)."""
    text = f"{record['status']} {record['at'][:16]}"
    if record["status"] == "waiting":  # a try that failed waits too, its period run again all the same: said failed
        again = f"failed {record['at'][:16]}, tried again" if record.get("failed") else f"{text}, run again"
        return Text(f"{again} from {record['waits_until'][:16]} UTC: {_cut(record['detail'], 160)}")
    if record["status"] == "failed":
        periods = int(record.get("failed_periods", 1))
        text += f", {periods} periods in a row" if periods > 1 else ""
        text += _tried_again(record)
        text += f": {_cut(record['detail'], 120)}"
    elif record["status"] == "skipped":  # its weeks to send by hand, said whole: the commands are at the end
        text += f", not tried again: {_cut(record['detail'], 400)}"  # why, and what is left to do by hand
    elif record.get("detail"):  # what it did: a weekly report found sent already says so, not built again
        text += f": {_cut(record['detail'], 120)}"
    return Text(text)


def _tried_again(record: dict[str, Any]) -> str:
    """Whether and when a failed run is tried again, as `jobs list` says it after its time (before its error, which
    may be cut): "" where its record does not say (written before it did)."""
    from firstmate.services.scheduler import MANUAL, MAX_ATTEMPTS

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

    with app_context() as app:
        jobs = {j.name: j for j in declared_jobs(app.settings)}
        if name not in jobs:
            raise NotFound(f"no job named {name!r}", hint=f"choose one of {', '.join(sorted(jobs))}")
        with progress_display() as progress:  # the weekly report waits on Meta, for minutes at times
            progress.add_task(f"Running the job {name}", total=None)
            run = run_job_now(app.store, app.clock, jobs[name], app)
    if run.status == "waiting":  # a run by hand is not run again: say what it left
        done(f"{name}: part left for its scheduled run: {run.detail}")
        return
    if run.status != "done":
        raise UserError(f"job {name} failed: {run.detail}")
    done(f"{name}: {run.detail or 'done'}")
