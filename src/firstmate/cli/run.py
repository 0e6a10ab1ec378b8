"""Running firstmate: init, demo, serve, worker."""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from firstmate.bootstrap import build
from firstmate.cli.common import app_context, err, out, settings
from firstmate.errors import UserError
from firstmate.logs import configure_logging

run_cli = typer.Typer()


@run_cli.command()
def init() -> None:
    """Create the state folder, database and signing key (safe to run again)."""
    with app_context() as app:
        s = app.settings
        out.print(f"[green]✓[/] firstmate state is ready in [bold]{s.home.resolve()}[/]")
        out.print(f"  database  {s.db_path}\n  counters  {s.counters_db_path}\n  blobs     {s.blobs_path}/")
        out.print(f"  outbox    {s.outbox_path}/")


@run_cli.command()
def demo(
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Run the demo, then exit.")] = False,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for what the demo produces.")] = Path("demo-out"),
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
) -> None:
    """Load the demo business, run what firstmate does, and serve the web app."""
    from firstmate.demo.run import run_demo

    if not no_serve:
        _check_port(host, port)
    with app_context() as app:
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
        if result.api_key:
            out.print(f"  demo API key (shown once): {result.api_key}")
    if not no_serve:
        _serve(host, port)


@run_cli.command()
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

    current = settings()
    configure_logging(current.log_format, current.log_level)
    app = build(current)
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
            raise UserError(f"cannot listen on {host}:{port}: it is in use", hint="pass --port 8001") from None


@run_cli.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="Run one pass of each loop, then exit.")] = False,
) -> None:
    """Run the outbox dispatcher and the scheduler (without the web app) until Ctrl-C."""
    from firstmate.workers import Workers

    current = settings()
    configure_logging(current.log_format, current.log_level)
    app = build(current)
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
