"""The `firstmate` command. Errors print one clear line and exit non-zero, never a traceback."""

from __future__ import annotations

import inspect
import sys

#: The exit code of a command stopped by Ctrl-C (128 + SIGINT), as typer and shells have it.
INTERRUPTED = 130
#: The exit code of a command SIGTERM stopped as Ctrl-C stops one (`stop_on_sigterm`: 128 + SIGTERM).
TERMINATED = 143
#: Said when Ctrl-C stops a command: every write is a transaction (or a whole file), and each command may
#: run again (an import or a send repeated changes nothing and sends nothing twice).
STOPPED = "stopped (Ctrl-C): what was done before it stays done, and running the command again is safe"

try:  # loading the commands takes half a second: a Ctrl-C then was a traceback of the imports
    from pathlib import Path
    from typing import Annotated, Any, cast

    import typer
    from rich.markup import escape

    from firstmate import __version__
    from firstmate.cli.admin import admin_cli
    from firstmate.cli.aws import aws_cli
    from firstmate.cli.booking_view import LIST_EXAMPLES, SHOW_EXAMPLES, booking_list, booking_show
    from firstmate.cli.bookings import booking_cli
    from firstmate.cli.calendar import calendar_cli
    from firstmate.cli.common import err, example, out, state
    from firstmate.cli.data import data_cli
    from firstmate.cli.intel import intel_cli
    from firstmate.cli.jobs import jobs_cli
    from firstmate.cli.keys import keys_cli
    from firstmate.cli.org import org_cli
    from firstmate.cli.outbox import outbox_cli
    from firstmate.cli.photos import photos_cli
    from firstmate.cli.report import report
    from firstmate.cli.run import run_cli
    from firstmate.cli.signal import signal_cli
    from firstmate.cli.waivers import waivers_cli
    from firstmate.errors import ConfigError, FirstmateError
except KeyboardInterrupt:
    sys.stderr.write(f"{STOPPED}\n")
    sys.exit(INTERRUPTED)


def _flags_take_no_value() -> None:
    """A flag shows no value in --help: typer 0.29's gives every option its type there, a flag's too
    ("--once <bool>", though `--once true` is refused), where its plain help and earlier typers show none."""
    from typer.core import TyperOption

    shown = getattr(TyperOption, "display_type_rich", None)
    if shown is None:  # a typer that shows no flag's type
        return

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:  # ctx: the click typer bundles
        return None if self.is_flag or self.count else cast("str | None", shown(self, ctx))

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_take_no_value()
cli = typer.Typer(
    name="firstmate",
    help="The back office of a small multi-business operator.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
cli.add_typer(run_cli)
cli.add_typer(org_cli, name="org")
cli.add_typer(outbox_cli, name="outbox")
cli.add_typer(photos_cli, name="photos")
cli.add_typer(admin_cli, name="admin")
cli.add_typer(jobs_cli, name="jobs")
cli.add_typer(keys_cli, name="keys")
booking_cli.command("list", epilog=LIST_EXAMPLES)(booking_list)
booking_cli.command("show", epilog=SHOW_EXAMPLES)(booking_show)
cli.add_typer(booking_cli, name="booking")
cli.add_typer(calendar_cli, name="calendar")
cli.add_typer(signal_cli, name="signal")
cli.add_typer(intel_cli, name="intel")
cli.add_typer(data_cli, name="data")
cli.add_typer(aws_cli, name="aws")
cli.add_typer(waivers_cli, name="waivers")
cli.command("report", epilog=example("report all --out reports/", "report cfo --send"))(report)


def _summaries_on_one_line(app: typer.Typer) -> None:
    """A command list shows each command's first paragraph, and Typer's rich mode keeps its line breaks ("list
    where the state is (safe to" / "run again)."): a command whose summary spans lines is given it on one."""
    for info in app.registered_commands:
        first = (info.help or inspect.getdoc(info.callback) or "").split("\n\n")[0]
        if info.short_help is None and "\n" in first:
            info.short_help = " ".join(first.split())
    for group in app.registered_groups:
        if group.typer_instance is not None:
            _summaries_on_one_line(group.typer_instance)


_summaries_on_one_line(cli)


def _version(value: bool) -> None:
    if value:
        out.print(f"firstmate {__version__}")
        raise typer.Exit


@cli.callback()
def _root(
    home: Annotated[
        str | None,  # as typed: a Path makes "" the working folder
        typer.Option("--home", help="State folder (overrides FIRSTMATE_HOME).", show_default=False),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show log lines.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    if home is not None and not home.strip():  # `--home "$UNSET"`: the state went into the working folder
        raise ConfigError("--home is empty", hint="name the folder for firstmate's state, e.g. --home var")
    state["home"] = Path(home) if home is not None else None
    state["verbose"] = verbose
    state["warned"] = False  # each command names unknown FIRSTMATE_ variables once
    state["base_url"] = None
    state["stopped_by"] = None  # "SIGTERM" once one stops a command that takes it as Ctrl-C (`stop_on_sigterm`)
    state["on_ctrl_c"] = None  # what a Ctrl-C means, where STOPPED is not true (a worker cut off mid-send)


def _say_interrupted() -> None:
    said = state.get("on_ctrl_c") or STOPPED
    if state.get("stopped_by") == "SIGTERM":  # stopped as Ctrl-C stops it, and said so by its name (exit 143)
        said = said.replace("(Ctrl-C)", "(SIGTERM)", 1)
    err.print(said, markup=False, highlight=False)
    if state.get("stopped_by") == "SIGTERM":
        sys.exit(TERMINATED)


def main() -> None:
    """Console-script entry point: run the CLI, turning firstmate errors into one line."""
    try:
        cli()
    except FirstmateError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(exc.exit_code)
    except SystemExit as exc:
        if exc.code == INTERRUPTED:  # typer's for Ctrl-C, which it ends saying nothing, as if the work were done
            _say_interrupted()
        raise
    except KeyboardInterrupt:
        _say_interrupted()
        sys.exit(INTERRUPTED)
    except Exception as exc:  # a bug, not a user mistake: one line here, the traceback with --verbose
        if state.get("verbose"):
            raise
        err.print(f"[red]error:[/] unexpected {type(exc).__name__}: {escape(str(exc))}", highlight=False)
        err.print("Run again with --verbose for the full traceback, and report it.", highlight=False)
        sys.exit(1)
