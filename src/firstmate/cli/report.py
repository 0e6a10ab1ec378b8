"""`firstmate report`: the role reports (CEO, CFO, CMO, CTO, accounting, real estate, logistics, billing)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from firstmate.cli.common import app_context, chosen_org, done, out, parse_day, progress_display
from firstmate.domain.reports.document import ROLE_TITLES
from firstmate.services.outfiles import ready_folder
from firstmate.services.reports import check_report_day, parse_roles, run_role_reports

#: Reports built are the org's to read; sent, they are never sent of an org guessed among several.
_ORG_HELP = "The org (default: the home's only org, else the demo's; needed with --send where there are several)."


def report(
    role: Annotated[
        str, typer.Argument(help="all, or one of: ceo cfo cmo cto accounting real_estate logistics billing.")
    ],
    org: Annotated[str | None, typer.Option(help=_ORG_HELP)] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Email each report to its role's recipients (once a week).")
    ] = False,
    resend: Annotated[
        bool, typer.Option("--resend", help="Send again to people who already have this week's.")
    ] = False,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Also write <role>.html/.txt/.json/.pdf here.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The day to report on (default: today).")] = None,
) -> None:
    """Build role reports from one snapshot of the business; store them, and optionally send them."""
    roles = parse_roles(role)
    day = parse_day(as_of, "--as-of", "2026-11-21")
    with app_context() as app:
        # naming the orgs there are: a mistyped one is not one to load, nor --out made for; never guessed to mail
        org = chosen_org(app, org, writes=send or resend)
        if day is not None:
            check_report_day(app, org, day, option="--as-of")  # before --out is made: a refused day changes nothing
        if out_dir is not None:
            ready_folder(out_dir)
        with progress_display() as bar:
            task = bar.add_task("Reading the business", total=None)
            runs = run_role_reports(
                app, org, roles, as_of=day, out=out_dir, send=send or resend, resend=resend, secrets=app.secrets,
                progress=lambda title: bar.update(task, description=f"Rendering the {title} report"),
            )  # fmt: skip
    for run in runs:
        done(f"{ROLE_TITLES[run.role]}: {run.report.data['headline']}")
        for path in run.written:
            out.print(f"  wrote {path}", markup=False)
        if run.sent_to:
            out.print(f"  queued for {', '.join(run.sent_to)}", markup=False)
        if run.had_it:
            out.print(f"  already sent this week to {', '.join(run.had_it)} (--resend sends it again)", markup=False)
