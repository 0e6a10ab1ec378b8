"""`firstmate aws`: the AWS deployment — its template, a preflight check, and an inventory."""

from __future__ import annotations

import typer

aws_cli = typer.Typer(help="The AWS serverless deployment (see docs/deploy-aws.md).", no_args_is_help=True)

# Commands: render-template (firstmate/aws/template/), preflight (adapters/aws/preflight.py),
# inventory (adapters/aws/inventory/). Each is added below by its own section.


# --- inventory ---------------------------------------------------------------------------------------


@aws_cli.command("inventory")
def inventory(
    out_file: str | None = typer.Option(
        None, "--out", metavar="FILE", help="Write the YAML to this file (default: standard output)."
    ),
    region: str | None = typer.Option(
        None, metavar="REGION", help="Region of Lambda and SES (default: FIRSTMATE_AWS_REGION)."
    ),
    used_by: list[str] | None = typer.Option(
        None, "--used-by", metavar="ID", help="Business line or asset every service serves (repeat for several)."
    ),
    costs: bool = typer.Option(True, "--costs/--no-costs", help="Ask Cost Explorer for last month's bill."),
) -> None:
    """Read-only inventory of the AWS account as infrastructure.yaml rows for the CTO report. Lambda
    environment variables keep their names only: no value is written anywhere."""
    import re
    import sys
    from datetime import UTC, datetime
    from pathlib import Path

    from rich.markup import escape

    from firstmate.adapters.aws.inventory import collect_inventory, credentials_found, findings, inventory_yaml
    from firstmate.cli.common import err, settings
    from firstmate.domain.business import SLUG
    from firstmate.errors import ConfigError, InvalidInput

    wrong = [slug for slug in used_by or [] if not re.match(SLUG, slug)]
    if wrong:
        raise InvalidInput(
            f"--used-by {wrong[0]!r} is not an id", hint="use a business line or asset id, e.g. harbor-loft"
        )
    if not credentials_found():
        raise ConfigError("no AWS credentials found", hint="set AWS_PROFILE or sign in as in docs/deploy-aws.md")
    today = datetime.now(UTC).date()
    found = collect_inventory(region or settings().aws_region, today, used_by=used_by or [], costs=costs)
    text = inventory_yaml(found, today)
    if out_file:
        Path(out_file).parent.mkdir(parents=True, exist_ok=True)
        Path(out_file).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    lines = [f"Collected from AWS account {found.account}: {found.counts()}."]
    problems = findings(found, today)
    lines += [f"Findings ({len(problems)}):", *(f"  - {p}" for p in problems)] if problems else ["No findings."]
    lines += [f"Not collected ({len(found.notes)}):", *(f"  - {n}" for n in found.notes)] if found.notes else []
    where = f"Wrote {out_file}" if out_file else "Wrote the YAML to standard output"
    lines.append(f"{where}: fill in used_by, save it as infrastructure.yaml and run 'firstmate data import DIR'.")
    err.print(escape("\n".join(lines)), highlight=False)


# --- render-template ---------------------------------------------------------------------------------


@aws_cli.command("render-template")
def render_template_command(
    out_path: str = typer.Option("deploy/aws/template.yaml", "--out", help="Where to write the template."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if the file differs from a fresh render."),
) -> None:
    """Write the AWS SAM template, rendered from the settings and the declared jobs."""
    from pathlib import Path

    from firstmate.aws.template import render_template
    from firstmate.cli.common import err, out, settings

    path, text = Path(out_path), render_template(settings())
    if check:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            err.print(f"{path} is out of date: run `firstmate aws render-template`", markup=False, highlight=False)
            raise typer.Exit(1)
        out.print(f"{path} is up to date", markup=False, highlight=False)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    out.print(f"wrote {path}", markup=False, highlight=False)


# --- preflight ---------------------------------------------------------------------------------------


@aws_cli.command("preflight")
def preflight_command() -> None:
    """Check the deployment with read-only calls: SES senders and DKIM, secrets, settings, the Meta
    and HubSpot tokens, the table and the buckets. Exit 1 if any check failed."""
    from rich.table import Table
    from rich.text import Text

    from firstmate.adapters.aws.preflight import run_preflight, summary
    from firstmate.cli.common import out, settings

    checks = run_preflight(settings())
    marks = {"ok": ("✓", "green"), "warn": ("!", "yellow"), "fail": ("✗", "bold red")}
    table = Table("area", "check", "status", "detail", "fix", title="AWS preflight")
    for check in checks:
        mark, style = marks[check.status]
        table.add_row(Text(check.area), Text(check.name), Text(mark, style=style), Text(check.detail), Text(check.fix))
    out.print(table)
    out.print(summary(checks), markup=False, highlight=False)
    if any(check.status == "fail" for check in checks):
        raise typer.Exit(1)
