"""`firstmate aws`: the AWS deployment — its template, a preflight check, and an inventory."""

from __future__ import annotations

from pathlib import Path

import typer

from firstmate.errors import InvalidInput

aws_cli = typer.Typer(help="The AWS serverless deployment (see docs/deploy-aws.md).", no_args_is_help=True)

# Commands: render-template (firstmate/aws/template/), preflight (adapters/aws/preflight/),
# inventory (adapters/aws/inventory/). Each is added below by its own section.


# --- the --out file (inventory and render-template) ---------------------------------------------------


def _out_file(name: str, *, check_only: bool = False) -> Path:
    """The --out file, checked before any work: InvalidInput if it is no file's name, or (unless only
    checked against) if no file can be written there."""
    import os

    if not name.strip():
        raise InvalidInput("--out is empty", hint="name a file, or leave --out out")
    path = Path(name)
    try:
        if path.is_dir():
            raise InvalidInput(f"--out {path} is a folder", hint=f"name a file in it, e.g. --out {path / 'x.yaml'}")
        if check_only:
            return path
        folder = next((parent for parent in path.parents if parent.exists()), path.parent)  # '.' or '/' at the latest
        if folder.exists() and not folder.is_dir():
            raise InvalidInput(f"cannot write {path}: {folder} is a file, not a folder", hint="choose another --out")
        if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise InvalidInput(f"cannot write {path}: permission denied", hint="choose another --out")
    except OSError as exc:  # a name too long, say
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}", hint="choose another --out") from None
    return path


def _write(path: Path, text: str) -> None:
    """Write `text` to a file `_out_file` passed; InvalidInput if the write fails all the same."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}", hint="choose another --out") from None


# --- inventory ---------------------------------------------------------------------------------------


@aws_cli.command(
    "inventory", epilog="Example: firstmate aws inventory --out infrastructure.yaml --used-by saltwind-charters"
)
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

    from rich.markup import escape

    from firstmate.adapters.aws.inventory import collect_inventory, credentials_found, findings, inventory_yaml
    from firstmate.cli.common import err, settings
    from firstmate.domain.shared import SLUG
    from firstmate.errors import ConfigError

    wrong = [slug for slug in used_by or [] if not re.match(SLUG, slug)]
    if wrong:
        raise InvalidInput(
            f"--used-by {wrong[0]!r} is not an id", hint="use a business line or asset id, e.g. harbor-loft"
        )
    target = _out_file(out_file) if out_file is not None else None  # checked before collecting: nothing is lost
    if not credentials_found():
        raise ConfigError("no AWS credentials found", hint="set AWS_PROFILE or sign in as in docs/deploy-aws.md")
    today = datetime.now(UTC).date()
    found = collect_inventory(region or settings().aws_region, today, used_by=used_by or [], costs=costs)
    text = inventory_yaml(found, today)
    if target is not None:
        try:
            _write(target, text)
        except InvalidInput as exc:
            sys.stdout.write(text)  # what was collected is not lost
            raise InvalidInput(exc.message, hint="the YAML went to standard output instead") from None
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


@aws_cli.command(
    "render-template",
    epilog="Example: firstmate aws render-template\n\nExample: firstmate aws render-template --check",
)
def render_template_command(
    out_path: str = typer.Option("deploy/aws/template.yaml", "--out", help="Where to write the template."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if the file differs from a fresh render."),
) -> None:
    """Write the AWS SAM template, rendered from the settings and the declared jobs."""
    from firstmate.aws.template import eventbridge_cron, render_template
    from firstmate.cli.common import err, out, settings
    from firstmate.errors import ConfigError

    current = settings()
    try:  # the one cron a setting chooses; the local scheduler takes crons EventBridge cannot express
        eventbridge_cron(current.weekly_report_cron)
    except ValueError as exc:
        hint = "fix FIRSTMATE_WEEKLY_REPORT_CRON or 'weekly_report_cron' in firstmate.toml"
        raise ConfigError(str(exc), hint=hint) from None
    path = _out_file(out_path, check_only=check)
    text = render_template(current)
    if check:
        try:
            stale = not path.is_file() or path.read_text(encoding="utf-8") != text
        except UnicodeDecodeError:
            hint = "check --out, or run `firstmate aws render-template` to write it afresh"
            raise InvalidInput(f"{path} is not UTF-8 text, so not a rendered template", hint=hint) from None
        if stale:
            err.print(f"{path} is out of date: run `firstmate aws render-template`", markup=False, highlight=False)
            raise typer.Exit(1)
        out.print(f"{path} is up to date", markup=False, highlight=False)
        return
    _write(path, text)
    out.print(f"wrote {path}", markup=False, highlight=False)


# --- preflight ---------------------------------------------------------------------------------------


@aws_cli.command("preflight", epilog="Example: firstmate aws preflight")
def preflight_command() -> None:
    """Check the deployment with read-only calls: SES senders and DKIM, secrets, settings, the Meta
    and HubSpot tokens, the table and the buckets. Exit 1 if any check failed."""
    from rich.table import Table
    from rich.text import Text

    from firstmate.adapters.aws.preflight import run_preflight, summary
    from firstmate.cli.common import out, settings, show

    checks = run_preflight(settings())
    marks = {"ok": ("✓", "green"), "warn": ("!", "yellow"), "fail": ("✗", "bold red")}
    table = Table("area", "check", "status", "detail", "fix", title="AWS preflight")
    for check in checks:
        mark, style = marks[check.status]
        table.add_row(Text(check.area), Text(check.name), Text(mark, style=style), Text(check.detail), Text(check.fix))
    show(table)
    out.print(summary(checks), markup=False, highlight=False)
    if any(check.status == "fail" for check in checks):
        raise typer.Exit(1)
