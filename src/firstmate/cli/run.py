"""Running firstmate: init, demo, serve, worker."""

from __future__ import annotations

import errno
import signal
import socket
import time
from pathlib import Path
from typing import Annotated

import typer

from firstmate.bootstrap import App, build
from firstmate.cli.common import (
    app_context,
    done,
    err,
    example,
    out,
    progress_display,
    settings,
    state,
    stop_on_sigterm,
    warn,
)
from firstmate.config import Settings
from firstmate.errors import InvalidInput, UserError
from firstmate.logs import configure_logging
from firstmate.services.outfiles import ready_folder

run_cli = typer.Typer()


@run_cli.command(epilog=example("init", "--home /srv/firstmate init"))
def init() -> None:
    """Create the state folder (and locally the database and signing key); list where the state is (safe to
    run again)."""
    with app_context() as app:
        done(f"firstmate state is ready in {app.settings.home.resolve()}")
        for name, where in _state_places(app.settings):
            out.print(f"  {name:<9} {where}", markup=False)
        from firstmate.services.business import list_orgs

        # a new home: what to do next, rather than a command that says "no org" (AWS's table: its deployment's)
        if app.settings.store == "sqlite" and not list_orgs(app.store):
            out.print(
                "Next: 'firstmate org template org.toml', put your business in it, then 'firstmate org import "
                "org.toml' (or 'firstmate demo' to try the demo's).",
                markup=False,
            )


def _state_places(s: Settings) -> list[tuple[str, str]]:
    """Where the settings keep the state, as `init` lists it: the SQLite files, blobs and outbox folders
    were listed with store dynamodb, blobs s3 and mail through a relay, though nothing used (or made) them."""
    places = []
    if s.store == "dynamodb":
        table = f"DynamoDB table {s.table_name} in {s.aws_region} (rate-limit counts too)"
        places.append(("database", f"{table}, made by the AWS deployment"))
    else:
        places += [("database", str(s.db_path)), ("counters", str(s.counters_db_path))]
    s3 = f"S3 bucket {s.bucket} (raw archives: {s.archive_bucket})"
    places.append(("blobs", s3 if s.blobs == "s3" else f"{s.blobs_path}/"))
    if s.mailer == "smtp":
        places.append(("mail", f"sent through the SMTP relay {s.smtp_host}:{s.smtp_port}"))
    elif s.mailer == "ses":
        places.append(("mail", f"sent through Amazon SES in {s.aws_region}"))
    else:
        places.append(("outbox", f"{s.outbox_path}/"))
    return places


@run_cli.command(epilog=example("demo", "demo --no-serve --out demo-out"))
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
        _links_to(host, port)
    ready_folder(out_dir)  # before the demo loads anything: a file there would stop it halfway
    with app_context() as app:
        started = time.monotonic()
        with progress_display() as progress:
            task = progress.add_task("Starting", total=None)
            result = run_demo(app, out_dir, lambda text: progress.update(task, description=text))
        for line in result.steps:
            done(line)
        for problem in result.problems:
            warn(problem)
        out.print(f"\nDemo finished in {time.monotonic() - started:.1f} s. Look at:")
        out.print(f"  {result.index.resolve()}  everything the demo produced", markup=False)
        if app.settings.mailer == "outbox":  # the folder only that mailer writes
            out.print(f"  {app.settings.outbox_path.resolve()}/  the messages as .eml files", markup=False)
        if result.api_key:
            out.print(f"  demo API key (shown once): {result.api_key}")
    if not no_serve:
        _serve(host, port)


@run_cli.command(epilog=example("serve", "serve --host 0.0.0.0 --port 8080"))
def serve(
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
) -> None:
    """Serve the web app, with the outbox dispatcher and the scheduler, until Ctrl-C."""
    _check_port(host, port)
    _links_to(host, port)
    _serve(host, port)


def _address(host: str, port: int) -> str:
    """The server's address as a browser on this machine opens it (an IPv6 host in brackets)."""
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else ("[::1]" if host == "::" else host)  # noqa: S104
    return f"http://{f'[{shown}]' if ':' in shown and not shown.startswith('[') else shown}:{port}"


def _links_to(host: str, port: int) -> None:
    """Links in messages and pages go to this server when FIRSTMATE_BASE_URL is not set: the
    default names port 8000, so `--port 8765` sent every sign-in link to a server that is not there."""
    if "base_url" in settings().model_fields_set:  # set by the user (a proxy, a domain): theirs to keep
        return
    url = _address(host, port)
    if url != Settings.model_fields["base_url"].default:
        state["base_url"] = url
        err.print(
            f"Links point to {url}; other commands make them for FIRSTMATE_BASE_URL "
            f"(default {Settings.model_fields['base_url'].default}): set it to {url} for them too.",
            markup=False, highlight=False,
        )  # fmt: skip


def _serve(host: str, port: int) -> None:
    import uvicorn

    from firstmate.services.access import admin_link_token
    from firstmate.web.app import create_app

    current = settings()
    configure_logging(current.log_format, current.log_level)
    _warn_of_a_short_lease(current)
    app = build(current)
    _warn_of_late_weeks(app)
    link = f"{_address(host, port)}/admin/enter?t={admin_link_token(app.secret_key, app.clock.now())}"
    out.print(f"\nServing firstmate on [bold]{_address(host, port)}[/] (Ctrl-C to stop)")
    out.print(f"Admin sign-in link, valid 15 minutes:\n  {link}\n")
    try:
        uvicorn.run(create_app(app, run_workers=True), host=host, port=port, log_config=None)
    finally:
        app.close()


def _warn_of_a_short_lease(current: Settings) -> None:
    """Say so, as a process that sends mail starts, when a slow relay's session would outlast the lease."""
    warning = current.slow_relay_warning()
    if warning:
        warn(warning)


def _warn_of_late_weeks(app: App) -> None:
    """Say so, as a process that runs the schedules starts, for each org whose week is not over when
    the weekly reports run, or its ad accounts' as a run of it recorded their zones (`late_week_warnings`)."""
    from firstmate.jobs import late_week_warnings
    from firstmate.services.business import list_orgs, load_business
    from firstmate.services.intel import recorded_account_zones

    profiles = [p for p in (load_business(app.store, org) for org in list_orgs(app.store)) if p is not None]
    zones = [(p.org.id, p.org.timezone) for p in profiles]
    accounts = {p.org.id: {e.meta_ad_account for e in p.entities if e.meta_ad_account} for p in profiles}
    recorded = {  # the accounts it has now: one it no longer advertises through is no reason to warn
        org: {a: z for a, z in recorded_account_zones(app, org).items() if a in accounts[org]}
        for org in accounts
        if accounts[org]
    }
    for line in late_week_warnings(app.settings, zones, app.clock.now(), recorded):
        warn(line)


def _check_port(host: str, port: int) -> None:
    """Refuse, in one line, a port or host the server could not listen on, before any work is done."""
    if not 1 <= port <= 65535:
        raise InvalidInput(f"--port {port} is not a port number", hint="use 1 to 65535, e.g. --port 8000")
    try:
        # "" is every interface to uvicorn (asyncio), as None is to getaddrinfo
        found = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError):  # UnicodeError: a name IDNA cannot encode (an empty label)
        raise InvalidInput(
            f"cannot listen on {host}: no such address or host name", hint="pass --host 127.0.0.1 or 0.0.0.0"
        ) from None
    # every address the name has, as uvicorn's asyncio server listens on them all ("localhost": ::1 too)
    for family, kind, proto, _, address in dict.fromkeys(found):
        try:
            probe = socket.socket(family, kind, proto)
        except OSError:  # a family this machine has turned off (IPv6): asyncio passes over it too
            continue
        with probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:  # as asyncio binds it: beside, not over, the IPv4 address
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                raise _listen_error(host, port, exc) from None


def _listen_error(host: str, port: int, exc: OSError) -> UserError:
    where = f"cannot listen on {host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return UserError(f"{where}: it is in use", hint=f"pass --port {port + 1 if port < 65535 else 8001}")
    if exc.errno == errno.EADDRNOTAVAIL:
        return InvalidInput(
            f"{where}: {host} is not an address of this machine", hint="pass --host 127.0.0.1 or 0.0.0.0"
        )
    if exc.errno == errno.EACCES:
        return UserError(f"{where}: permission denied", hint="use a port from 1024 up, e.g. --port 8000")
    return UserError(f"{where}: {exc.strerror or exc}", hint="pass another --host or --port")


@run_cli.command(epilog=example("worker", "worker --once"))
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Run the jobs that are due, send what is waiting (theirs too), then exit.")
    ] = False,
) -> None:
    """Run the outbox dispatcher and the scheduler (without the web app) until Ctrl-C."""
    from firstmate.workers import Workers

    if once:  # stopped as Ctrl-C stops it: the try it runs recorded stopped by hand, the message in flight finished
        stop_on_sigterm()
    current = settings()
    configure_logging(current.log_format, current.log_level)
    _warn_of_a_short_lease(current)
    app = build(current)
    _warn_of_late_weeks(app)
    workers = Workers(app)
    try:
        if once:  # the schedules first: what they queue (Monday's report) is sent by this run, not the next
            workers.schedule_once()
            workers.send_waiting()  # a Ctrl-C meanwhile finishes the message in flight (`stop()` below)
            return
        stopping = False

        def _stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, _stop)
        workers.start()
        out.print("Worker running: dispatcher and scheduler (Ctrl-C to stop)")
        while not stopping:
            time.sleep(0.2)
    except KeyboardInterrupt:
        if once:  # its pass cut short: exit 130 saying so, not 0 as if it were done (a cron wrapper went on)
            raise
    finally:
        try:
            workers.stop(on_wait=_finishing)
        except KeyboardInterrupt:  # Ctrl-C again: stopped at once, which "safe to run again" does not tell
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a third is not to cut the closing short too
            if workers.sending:
                state["on_ctrl_c"] = _cut_off(app.retry_policy.lease.total_seconds(), app.process_gone() is not None)
            raise
        finally:  # closed however it stops: left open, the database's last writes stayed in its -wal file
            app.close()


def _finishing(within_s: float) -> None:
    """Say why a stopping worker has not stopped yet."""
    err.print(
        f"Stopping: finishing the message in flight (at most {within_s:g} s). "
        "Ctrl-C again stops at once, and that message may then go twice.",
        markup=False, highlight=False,
    )  # fmt: skip


def _cut_off(lease_s: float, seen_gone: bool) -> str:
    """What a worker stopped by a second Ctrl-C as it finished a send says: that message goes again, at the next
    dispatcher's pass where its claim names this process (`seen_gone`: a SQLite home), else once its lease passes."""
    when = "at its next pass" if seen_gone else f"once its lease has passed (at most {lease_s:g} s)"
    return (
        f"stopped (Ctrl-C) as a message was being sent: the next dispatcher sends it again {when}, "
        "and its recipients may then get it twice; all else done stays done"
    )
