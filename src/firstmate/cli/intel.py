"""`firstmate intel`: the weekly marketing report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from firstmate.cli.common import (
    ORG_HELP,
    WRITING_ORG_HELP,
    app_context,
    chosen_org,
    done,
    example,
    out,
    parse_day,
    progress_display,
)
from firstmate.services.intel import list_runs, replay_run, run_said, run_weekly
from firstmate.services.outfiles import ready_folder

intel_cli = typer.Typer(help="Weekly marketing intelligence.", no_args_is_help=True)


@intel_cli.command("run", epilog=example("intel run --org demo --week 2026-11-09 --out reports/"))
def intel_run(
    org: Annotated[str | None, typer.Option(help=WRITING_ORG_HELP)] = None,
    week: Annotated[
        str | None, typer.Option(help="Monday of the week (default: the last complete week with data).")
    ] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Email it to the recipients (once per week and person).")
    ] = False,
    resend: Annotated[bool, typer.Option("--resend", help="Send again to people who already have it.")] = False,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Also write weekly.html/.txt/.json/.pdf here.")] = None,
) -> None:
    """Pull ads and CRM data, archive it, and build (and optionally send) the weekly report."""
    monday = parse_day(week, "--week", "2026-11-09")
    with app_context() as app:
        org = chosen_org(app, org, writes=True)  # naming the orgs there are, before anything is pulled or --out made
        if out_dir is not None:
            ready_folder(out_dir)
        with progress_display() as progress:
            progress.add_task("Pulling Meta and HubSpot, building the report", total=None)
            run = run_weekly(
                app,
                org,
                app.ads_source(),
                app.crm_source(),
                week=monday,
                out=out_dir,
                send=send or resend,
                resend=resend,
                analyst=app.analyst(),
            )
    _summary(run.run_id, run.report.subject, run.written, run.sent_to, run.had_it, run.not_ended)
    if run.rebuild_of and not run.sent_to and not run.had_it:  # looked at again: what its readers have is the other
        out.print(
            f"  the week went out with run {run.rebuild_of}; this rebuild was not sent (--send --resend sends it)",
            markup=False,
        )


@intel_cli.command("replay", epilog=example("intel replay 2026-11-23-20261130T150000-6f9b07 --org demo --out replay/"))
def intel_replay(
    run_id: Annotated[str, typer.Argument(help="A run id from 'firstmate intel runs'.")],
    org: Annotated[str | None, typer.Option(help=ORG_HELP)] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Write weekly.html/.txt/.json/.pdf here.")] = None,
) -> None:
    """Rebuild a past run's report from its raw archive alone (no network, nothing sent)."""
    with app_context() as app:
        org = chosen_org(app, org)  # not "no archived run" of an org that is not there
        if out_dir is not None:
            ready_folder(out_dir)
        run = replay_run(app, org, run_id, app.ads_source(), app.crm_source(), out=out_dir)
    _summary(run.run_id, run.report.subject, run.written, [])


@intel_cli.command("runs", epilog=example("intel runs --org demo"))
def intel_runs(org: Annotated[str | None, typer.Option(help=ORG_HELP)] = None) -> None:
    """List past runs, newest first, each saying whether it sent its week or rebuilt one sent before."""
    with app_context() as app:
        org = chosen_org(app, org)
        for run in list_runs(app.store, org):
            said = f"  {what}" if (what := run_said(run)) else ""
            out.print(f"{run['run_id']}  week {run['week']}{said}  {run['subject']}", markup=False)


def _summary(
    run_id: str, subject: str, written: list[Path], sent: list[str], had_it: Sequence[str] = (), not_ended: str = ""
) -> None:
    done(f"run {run_id}: {subject}")
    if not_ended:  # an ad account's week is not over: this is the week before the one asked for
        out.print(f"  {not_ended}", markup=False)
    for path in written:
        out.print(f"  wrote {path}", markup=False)
    if sent:
        out.print(f"  queued for {', '.join(sent)}", markup=False)
    if had_it:
        out.print(f"  already sent this week to {', '.join(had_it)} (--resend sends it again)", markup=False)
