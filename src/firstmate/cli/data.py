"""`firstmate data`: the business data behind the role reports (a folder of CSV and YAML files)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from rich.text import Text

from firstmate.adapters.sources.data_folder import read_folder, write_template
from firstmate.cli.common import (
    ORG_HELP,
    WRITING_ORG_HELP,
    app_context,
    chosen_org,
    done,
    err,
    example,
    named,
    out,
    print_problems,
    progress_display,
    require_org,
    show,
)
from firstmate.domain.datafiles import KINDS
from firstmate.domain.intake import RowError
from firstmate.errors import DataRejected, InvalidInput
from firstmate.services.business import load_business
from firstmate.services.data import DataImport, apply_import, check_data, data_rows, import_data, template_context
from firstmate.services.outfiles import ready_folder

data_cli = typer.Typer(help="Business data for the role reports (CSV and YAML files).", no_args_is_help=True)


@data_cli.command(
    "import", epilog=example("data import data/ --dry-run", "data import data/ --org demo", "data import data/ --yes")
)
def data_import(
    folder: Annotated[Path, typer.Argument(help="A data folder (see 'firstmate data template').")],
    org: Annotated[str | None, typer.Option(help=WRITING_ORG_HELP)] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be created, updated and removed; change nothing.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="Remove the stored rows the folder leaves out without asking (scripts, cron).")
    ] = False,
) -> None:
    """Check every file first; import only if all rows are right. Importing twice changes nothing.
    A file replaces every stored row of its kind: rows not in it are removed, said first and asked
    (or --yes); --dry-run shows every change and makes none."""
    with app_context() as app:
        # naming the orgs there are, before the folder is read: a mistyped one is not one to load; never
        # guessed among several (a dry run too: it shows what the same command without it would do)
        org = chosen_org(app, org, writes=True)
        with progress_display() as progress:  # a folder of 10 MB files takes a while
            task = progress.add_task(f"Reading {folder}", total=None)  # each step says what it is doing
            read = read_folder(folder)
            count = sum(len(rows) for rows in read.rows.values())
            progress.update(task, description=f"Checking {count:,} row(s)", refresh=True)  # drawn, however quick
            try:  # the files that read are checked even when others did not: every problem is said in one run
                data = check_data(app.store, org, read.rows, clock=app.clock) if read.rows else None
            except DataRejected as exc:
                _problems(read.problems + exc.errors, folder)
            if read.problems or data is None:
                _problems(read.problems, folder)
            progress.update(task, description="Comparing with the stored rows", refresh=True)
            result = import_data(app.store, org, data, dry_run=True)
        if not dry_run:
            _confirm_removals(result, folder, yes=yes)
            with progress_display() as progress:
                task = progress.add_task("Importing", total=None)
                written = 0

                def wrote(count: int) -> None:
                    nonlocal written
                    written += count
                    progress.update(task, description=f"Importing: {written:,} change(s) made")

                apply_import(app.store, result, wrote)
    title = f"What importing {folder} into {org} would do" if dry_run else f"Imported {folder} into {org}"
    table = Table("kind", "created", "updated", "removed", "unchanged", title=Text(title))
    for kind, counts in result.changes.items():
        table.add_row(kind, *(str(counts[k]) for k in ("created", "updated", "removed", "unchanged")))
    show(table)
    changed = result.total("created") + result.total("updated") + result.total("removed")
    if dry_run:
        done(f"{changed} change(s) to make, {result.total('removed')} of them removals; nothing was changed (dry run).")
        return
    done(f"{changed} change(s), {result.total('unchanged')} row(s) already up to date.")


def _confirm_removals(planned: DataImport, folder: Path, *, yes: bool) -> None:
    """Say which stored rows the import removes (a count of each kind), and go on only if `yes` or the
    person at the terminal says so. Without a terminal to ask, refuse: a script that had worked for an
    import that removed nothing must not remove rows unasked the day its folder leaves some out."""
    removals = planned.removals()
    if not removals:
        return
    which = ", ".join(f"{count:,} {kind}" for kind, count in removals.items())
    said = f"importing {folder} removes {sum(removals.values()):,} stored row(s) it leaves out: {which}"
    if not yes and not sys.stdin.isatty():
        hint = "re-run with --yes to remove them, or with --dry-run to see every change first"
        raise InvalidInput(f"nothing was imported: {said}", hint=hint)
    out.print(Text(said[0].upper() + said[1:] + "."), highlight=False)
    if not yes and not typer.confirm("Remove them and import the folder?", default=False):
        err.print("Nothing was imported.", highlight=False)
        raise typer.Exit(1)


@data_cli.command("template", epilog=example("data template data/ --org demo"))
def data_template(
    folder: Annotated[Path, typer.Argument(help="Folder to write the starter files into.")],
    org: Annotated[str | None, typer.Option(help=ORG_HELP)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files already there.")] = False,
) -> None:
    """Write an annotated starter set (every file, with comments and example rows) to edit and import."""
    with app_context() as app:
        org = chosen_org(app, org)
        profile = load_business(app.store, org)
        assert profile is not None
        today = app.clock.now().astimezone(ZoneInfo(profile.org.timezone)).date()
        context = template_context(app.store, org, today, str(folder))
    ready_folder(folder, "the folder")
    try:
        written = write_template(folder, context, force=force)
    except FileExistsError as exc:
        raise InvalidInput(str(exc), hint="choose an empty folder, or pass --force to overwrite") from None
    except OSError as exc:  # e.g. a folder in the way of one of the files: named, as the fix is to move it
        where = exc.filename or f"the starter files into {folder}"
        raise InvalidInput(f"cannot write {where}: {exc.strerror or exc}", hint="move it out of the way") from None
    done(f"wrote {len(written)} files to {folder}; edit them, then run 'firstmate data import {folder} --org {org}'.")


@data_cli.command("show", epilog=example("data show --org demo", "data show --kind invoices"))
def data_show(
    org: Annotated[str | None, typer.Option(help=ORG_HELP)] = None,
    kind: Annotated[str | None, typer.Option(help="One kind's rows (e.g. invoices).")] = None,
) -> None:
    """How many rows of each kind are stored, or one kind's rows."""
    with app_context() as app:
        org = chosen_org(app, org)
        if kind is None:
            table = Table("kind", "file", "rows", "what")
            for spec in KINDS:
                table.add_row(spec.kind, spec.file, str(len(data_rows(app.store, org, spec.kind))), spec.about)
            show(table)
            return
        for key, row in data_rows(app.store, org, kind):
            out.print(f"{key}: {row.model_dump_json()}", markup=False, highlight=False)


@data_cli.command("relist", epilog=example("data relist", "data relist --org demo"))
def data_relist(org: Annotated[str | None, typer.Option(help="Only this org.")] = None) -> None:
    """List every revenue line again by the sale it names: run it once a rolling deploy is over.

    A firstmate from before revenue lines were listed by sale, still running beside this one, stores lines without
    listing them; one stored after this firstmate's listing went past it is not seen by a refund check (removing a
    sale its refund names is let through). Reads every revenue line once; safe to run again."""
    from firstmate.services.business import list_orgs
    from firstmate.services.data_refs import relist_refunds

    org = named(org, "--org", "an org")
    with app_context() as app:
        if org:
            require_org(app, org)
        seen = sum(relist_refunds(app.store, o) for o in ([org] if org else list_orgs(app.store)))
    done(f"{seen} revenue line(s) gone through; every one is listed by the sale it names.")


def _problems(errors: list[RowError], folder: Path) -> NoReturn:
    print_problems(errors, f"Nothing was imported: {len(errors)} problem(s) in {folder}")
    raise typer.Exit(2)
