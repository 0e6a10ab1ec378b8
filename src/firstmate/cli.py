"""The `firstmate` command. Errors print one clear line and exit non-zero, never a traceback."""

from __future__ import annotations

import json
import signal
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from firstmate import __version__
from firstmate.bootstrap import App, build
from firstmate.config import Settings, load_settings
from firstmate.domain.outbox import OutboxStatus
from firstmate.errors import FirstmateError, InvalidInput, NotFound, UserError
from firstmate.logs import configure_logging

cli = typer.Typer(
    name="firstmate",
    help="The back office of a small multi-business operator.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
outbox_cli = typer.Typer(help="See and retry outgoing messages.", no_args_is_help=True)
admin_cli = typer.Typer(help="Admin access.", no_args_is_help=True)
jobs_cli = typer.Typer(help="Scheduled jobs.", no_args_is_help=True)
cli.add_typer(outbox_cli, name="outbox")
cli.add_typer(admin_cli, name="admin")
cli.add_typer(jobs_cli, name="jobs")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
_state: dict[str, Any] = {}


def _settings() -> Settings:
    overrides = {"home": _state["home"]} if _state.get("home") else {}
    return load_settings(**overrides)


@contextmanager
def _app() -> Iterator[App]:
    settings = _settings()
    configure_logging(settings.log_format, "warning" if not _state.get("verbose") else settings.log_level)
    app = build(settings)
    try:
        yield app
    finally:
        app.close()


def _version(value: bool) -> None:
    if value:
        out.print(f"firstmate {__version__}")
        raise typer.Exit


@cli.callback()
def _root(
    home: Annotated[
        Path | None,
        typer.Option("--home", help="State folder (overrides FIRSTMATE_HOME).", show_default=False),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show log lines.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    _state["home"] = home
    _state["verbose"] = verbose


@cli.command()
def init() -> None:
    """Create the state folder, database and signing key (safe to run again)."""
    with _app() as app:
        s = app.settings
        out.print(f"[green]✓[/] firstmate state is ready in [bold]{s.home.resolve()}[/]")
        out.print(f"  database  {s.db_path}\n  blobs     {s.blobs_path}/\n  outbox    {s.outbox_path}/")


@cli.command()
def demo(
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Run the demo, then exit.")] = False,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for what the demo produces.")] = Path(
        "demo-out"
    ),
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
) -> None:
    """Load the demo business, run what firstmate does, and serve the web app."""
    from firstmate.demo.run import run_demo

    if not no_serve:
        _check_port(host, port)
    with _app() as app:
        started = time.monotonic()
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task("Starting", total=None)
            result = run_demo(app, out_dir, lambda text: progress.update(task, description=text))
        for line in result.steps:
            out.print(f"[green]✓[/] {line}")
        out.print(f"\nDemo finished in {time.monotonic() - started:.1f} s. Look at:")
        out.print(f"  [bold]{result.index.resolve()}[/]  everything the demo produced")
        out.print(f"  {app.settings.outbox_path.resolve()}/  the messages as .eml files")
    if not no_serve:
        _serve(host, port)


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
) -> None:
    """Serve the web app, with the outbox dispatcher and the scheduler, until Ctrl-C."""
    _check_port(host, port)
    _serve(host, port)


def _serve(host: str, port: int) -> None:
    import uvicorn

    from firstmate.services.access import admin_link_token
    from firstmate.web.app import create_app

    settings = _settings()
    configure_logging(settings.log_format, settings.log_level)
    app = build(settings)
    link = f"http://{host}:{port}/admin/enter?t={admin_link_token(app.secret_key, app.clock.now())}"
    out.print(f"\nServing firstmate on [bold]http://{host}:{port}[/] (Ctrl-C to stop)")
    out.print(f"Admin sign-in link, valid 15 minutes:\n  {link}\n")
    try:
        uvicorn.run(create_app(app, run_workers=True), host=host, port=port, log_config=None)
    finally:
        app.close()


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise UserError(
                f"cannot listen on {host}:{port}: it is in use", hint="pass --port 8001"
            ) from None


@cli.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="Run one pass of each loop, then exit.")] = False,
) -> None:
    """Run the outbox dispatcher and the scheduler (without the web app) until Ctrl-C."""
    from firstmate.workers import Workers

    settings = _settings()
    configure_logging(settings.log_format, settings.log_level)
    app = build(settings)
    workers = Workers(app)
    try:
        if once:
            while workers.dispatch_once():
                pass
            workers.schedule_once()
            return
        workers.start()
        out.print("Worker running: dispatcher and scheduler (Ctrl-C to stop)")
        stopping = False

        def _stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, _stop)
        while not stopping:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        workers.stop()
        app.close()


# -- outbox --------------------------------------------------------------------------------------


@outbox_cli.command("list")
def outbox_list(
    org: Annotated[str | None, typer.Option(help="Only this org.")] = None,
    status: Annotated[str | None, typer.Option(help="pending, sending, sent or dead.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List outgoing messages, newest first."""
    from firstmate.services import outbox
    from firstmate.services.business import list_orgs

    wanted = _parse_status(status)
    with _app() as app:
        orgs = [org] if org else list_orgs(app.store)
        entries = sorted(
            (e for o in orgs for e in outbox.list_entries(app.store, o, status=wanted)),
            key=lambda e: e.created_at,
            reverse=True,
        )
    if as_json:
        for e in entries:
            row = {"org": e.org, "key": e.key, "status": e.status.value, "to": list(e.message.to)}
            out.print_json(json.dumps({**row, "subject": e.message.subject, "attempts": e.attempts}))
        return
    table = Table("queued (UTC)", "org", "key", "to", "subject", "status", "tries")
    for e in entries:
        cells = (
            e.created_at.strftime("%Y-%m-%d %H:%M"), e.org, e.key, ", ".join(e.message.to),
            e.message.subject, e.status.value, str(e.attempts),
        )  # fmt: skip
        table.add_row(*(Text(cell) for cell in cells))  # Text: a subject is never read as markup
    out.print(table if entries else "No messages.")


@outbox_cli.command("show")
def outbox_show(org: str, key: str) -> None:
    """Show one message: headers, status, and its plain-text part."""
    from firstmate.services import outbox

    with _app() as app:
        e = outbox.get_entry(app.store, org, key)
    out.print(Text(e.message.subject, style="bold"))
    out.print(f"From: {e.message.sender}\nTo: {', '.join(e.message.to)}", markup=False)
    out.print(f"Status: {e.status.value} after {e.attempts} attempt(s)")
    if e.last_error:
        out.print(f"Last error: {e.last_error}", markup=False)
    out.print("")
    out.print(e.message.text, markup=False, highlight=False)


@outbox_cli.command("retry")
def outbox_retry(org: str, key: str) -> None:
    """Give a dead message a fresh set of attempts."""
    from firstmate.services import outbox

    with _app() as app:
        outbox.retry_entry(app.store, org, key, app.clock.now())
    out.print(f"[green]✓[/] {key} is pending again; the dispatcher will send it shortly.")


def _parse_status(value: str | None) -> OutboxStatus | None:
    if value is None:
        return None
    try:
        return OutboxStatus(value)
    except ValueError:
        raise InvalidInput(f"unknown status {value!r}", hint="use pending, sending, sent or dead") from None


# -- admin, jobs ---------------------------------------------------------------------------------


@admin_cli.command("link")
def admin_link() -> None:
    """Print a sign-in link for the admin pages, valid 15 minutes (alone on stdout)."""
    from firstmate.services.access import admin_link_token

    with _app() as app:
        token = admin_link_token(app.secret_key, app.clock.now())
        print(f"{app.settings.base_url}/admin/enter?t={token}")


@jobs_cli.command("list")
def jobs_list() -> None:
    """List scheduled jobs with their next run and last result."""
    from firstmate.jobs import declared_jobs
    from firstmate.services.scheduler import last_runs

    with _app() as app:
        table = Table("job", "schedule", "zone", "next run (UTC)", "last run")
        for job in declared_jobs(app):
            last = last_runs(app.store, job.name, limit=1)
            last_text = f"{last[0]['status']} {last[0]['at'][:16]}" if last else "never"
            nxt = job.schedule.next_fire(app.clock.now()).strftime("%Y-%m-%d %H:%M")
            table.add_row(job.name, job.schedule.cron, job.schedule.timezone, nxt, last_text)
    out.print(table)


@jobs_cli.command("run")
def jobs_run(name: str) -> None:
    """Run one job now, outside its schedule."""
    from firstmate.jobs import declared_jobs
    from firstmate.services.scheduler import run_job_now

    with _app() as app:
        jobs = {j.name: j for j in declared_jobs(app)}
        if name not in jobs:
            raise NotFound(f"no job named {name!r}", hint=f"choose one of {', '.join(sorted(jobs))}")
        run = run_job_now(app.store, app.clock, jobs[name], app)
    if run.status != "done":
        raise UserError(f"job {name} failed: {run.detail}")
    out.print(f"[green]✓[/] {name}: {run.detail or 'done'}")


def main() -> None:
    """Console-script entry point: run the CLI, turning firstmate errors into one line."""
    try:
        cli()
    except FirstmateError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug, not a user mistake: one line here, the traceback with --verbose
        if _state.get("verbose"):
            raise
        err.print(f"[red]error:[/] unexpected {type(exc).__name__}: {escape(str(exc))}", highlight=False)
        err.print("Run again with --verbose for the full traceback, and report it.", highlight=False)
        sys.exit(1)
