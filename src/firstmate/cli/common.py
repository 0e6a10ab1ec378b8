"""What every command shares: consoles, settings, the App for one command."""

from __future__ import annotations

import difflib
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from firstmate.bootstrap import App, build
from firstmate.config import Settings, load_settings, unknown_variables
from firstmate.domain.intake import RowError
from firstmate.errors import InvalidInput, NotFound, Terminated
from firstmate.logs import configure_logging
from firstmate.services.business import list_orgs, load_business

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
state: dict[str, Any] = {}


def stop_on_sigterm() -> None:
    """Have SIGTERM (systemd, docker, `kill`) stop this command as Ctrl-C does, `main` saying "stopped (SIGTERM)" and
    exiting 143: its job's try recorded stopped by hand and its store closed, where the signal's default ended the
    process there and then, the try left `running` and counted as one of its three."""

    def _terminated(*_: object) -> None:
        state["stopped_by"] = "SIGTERM"
        raise Terminated

    signal.signal(signal.SIGTERM, _terminated)


def settings() -> Settings:
    """Settings for this command (honouring --home); a FIRSTMATE_ variable that is not a setting is
    named once, on stderr (a misspelt one would otherwise do nothing, silently)."""
    if not state.get("warned"):  # before the settings are read: a setting they refuse may be the misspelt one
        state["warned"] = True
        for warning in unknown_variables():
            warn(warning)
    overrides = {"home": state["home"]} if state.get("home") else {}
    if state.get("base_url"):  # serve/demo on another port: links must reach that server
        overrides["base_url"] = state["base_url"]
    return load_settings(**overrides)


@contextmanager
def app_context() -> Iterator[App]:
    """The App for one command, closed afterwards; logs stay quiet (warnings, no tracebacks) unless --verbose."""
    current = settings()
    verbose = bool(state.get("verbose"))
    # a command's failure is its one error line: a logged traceback is for --verbose (and bug reports)
    level = current.log_level if verbose else "warning"
    configure_logging(current.log_format, level, stream=_CurrentStderr(), tracebacks=verbose)
    app = build(current)
    try:
        yield app
    finally:
        app.close()


class _CurrentStderr:
    """sys.stderr as it is when a line is logged: a progress display swaps in its own while it is drawn, which
    writes each line above it. Held from the start, a job's logged failure went into the spinner's frame."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return sys.stderr.isatty()


def require_org(app: App, org: str) -> None:
    """NotFound naming the orgs there are, unless `org` is one: an empty list must mean "none yet",
    never "no such org"."""
    if load_business(app.store, org) is None:
        known = list_orgs(app.store)
        none = "there are none yet: 'firstmate org import FILE' loads yours, 'firstmate demo' the demo's"
        hint = f"the orgs are: {', '.join(known)}" if known else none
        raise NotFound(f"no org {org!r}", hint=hint)


#: The org a command acts on when --org is not given and the home holds the demo's among others.
DEMO_ORG = "demo"
#: The help of a command's --org that may be left out.
ORG_HELP = "The org (default: the home's only org, else the demo's, demo)."
#: The help of --org on a command that changes an org's state: in a home of several, it is never guessed.
WRITING_ORG_HELP = "The org (default: the home's only org; needed where there are several)."
#: Said to a home with no org, where a command needs one.
NO_ORG_YET = (
    "'firstmate demo' makes the demo's; 'firstmate org template org.toml', then 'firstmate org import org.toml', "
    "makes yours"
)


def chosen_org(app: App, org: str | None, *, writes: bool = False) -> str:
    """`org` when given (NotFound naming the orgs there are, unless it is one); else the home's only org, or
    the demo's beside others, said on stderr with how to name another: a home holding the owner's business
    alone was told "no org 'demo'", and one holding the demo's beside it had it acted on, unsaid. A command that
    `writes` never guesses among several: a cron job's import meant for the owner's org replaced the demo's rows
    (the starter shares the demo's ids), a warning on stderr its only sign."""
    if org is not None:
        require_org(app, org)
        return org
    known = list_orgs(app.store)
    if not known:
        raise NotFound("there is no org yet", hint=NO_ORG_YET)
    if len(known) == 1:
        return known[0]
    if writes or DEMO_ORG not in known:
        others = [name for name in known if name != DEMO_ORG]
        raise InvalidInput(
            f"this home holds {len(known)} orgs ({', '.join(known)}): add --org with the one to act on, like "
            f"--org {others[0]}; nothing was changed"
        )
    others = [name for name in known if name != DEMO_ORG]
    warn(f"acting on org {DEMO_ORG}, the demo's (no --org given); for yours, add --org {others[0]}")
    return DEMO_ORG


def input_file(path: Path, max_bytes: int) -> Path:
    """`path`, if it is a file a command may read whole; InvalidInput says why not, before any work."""
    try:
        size = path.stat().st_size if path.is_file() else None
    except OSError as exc:  # in another user's folder: not even looked at (a stat refused), theirs to fix
        raise _unreadable(path, exc) from None
    if size is None:
        raise _not_a_file(path)
    if size > max_bytes:
        raise InvalidInput(f"{path} is over {max_bytes // 1024 // 1024} MB; split the data")
    return path


def _not_a_file(path: Path) -> InvalidInput:
    """Why `path` cannot be read as a file, naming the file meant when a mistyped name is one letter or two away
    (`bookings.cvs`: it said "is not a file", as of a folder, and named nothing)."""
    if path.is_dir():
        return InvalidInput(f"{path} is a folder: name a file in it")
    try:
        names = [p.name for p in path.parent.iterdir() if p.is_file()] if path.parent.is_dir() else []
    except OSError:
        names = []
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.75)
    return InvalidInput(f"{path} does not exist", hint=f"did you mean {path.parent / close[0]}?" if close else None)


def utf8_text(path: Path) -> str:
    """The file's text; InvalidInput when it is not UTF-8 (a spreadsheet's other "CSV" encodings) or
    cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in a spreadsheet)") from None
    except OSError as exc:
        raise _unreadable(path, exc) from None


def file_bytes(path: Path) -> bytes:
    """The file's bytes; InvalidInput when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: OSError) -> InvalidInput:
    # another user's file: said as the user's to fix, not as a bug of firstmate's to report
    return InvalidInput(
        f"cannot read {path}: {exc.strerror or exc}", hint="make it readable by the user firstmate runs as"
    )


def progress_display(*columns: ProgressColumn) -> Progress:
    """A transient progress display on stderr: a spinner, what is being done and the time taken, unless
    `columns` say otherwise. None where nobody watches it (a pipe, a log, cron): rich drew nothing there
    but left a blank line, and an error read "\nerror: …"."""
    shown = columns or (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    return Progress(*shown, console=err, transient=True, disable=not err.is_interactive)


def example(*commands: str) -> str:
    """A command's --help epilog: how it is typed, each example a paragraph of its own."""
    return "\n\n".join(f"Example: firstmate {command}" for command in commands)


def done(text: str) -> None:
    """A green tick and `text`, printed as typed: names, paths and subjects are never read as markup."""
    out.print(Text.assemble(("✓", "green"), " ", text), highlight=False)


def warn(text: str) -> None:
    """`warning: text` on stderr, printed as typed: for what went wrong while the command still ran."""
    err.print(Text.assemble(("warning:", "yellow"), " ", text), highlight=False)


def print_problems(errors: list[RowError], title: str) -> None:
    """Every problem of a refused import, one row each (where, and what to fix), on stderr."""
    table = Table("where", "problem", title=title)
    for error in errors:
        table.add_row(Text(error.where), Text(error.problem))
    show(table, err)


def show(table: Table, console: Console = out) -> None:
    """`table` drawn, in a terminal or at the width COLUMNS sets; elsewhere (a pipe, a file, `less`) its rows one a
    line, cells tab-separated, under its title and header. Drawn 80 columns wide for a pipe, a row was split over
    lines: `grep` found half of it, and a key could not be copied whole into `outbox retry`."""
    if console.is_terminal or os.environ.get("COLUMNS", "").strip():
        console.print(table)
        return
    lines = [] if table.title is None else [_plain(table.title)]
    if table.show_header:  # a table of facts (name, value) has none: no line of empty cells above it
        lines.append("\t".join(_plain(column.header) for column in table.columns))
    lines += ["\t".join(_plain(cell) for cell in row) for row in zip(*(c.cells for c in table.columns), strict=True)]
    console.file.write("".join(f"{line}\n" for line in lines))
    console.file.flush()


def _plain(cell: object) -> str:
    """A cell's text, on one line: a str cell is markup, as the drawn table reads it."""
    text = cell.plain if isinstance(cell, Text) else Text.from_markup(cell).plain if isinstance(cell, str) else ""
    return " ".join(text.replace("\t", " ").splitlines())


def named(value: str | None, option: str, what: str) -> str | None:
    """An option naming something: None when not given; a blank one (an empty shell variable) is
    refused, not read as "not given", which would act on the whole org instead."""
    if value is not None and not value.strip():
        raise InvalidInput(f"{option} is empty: name {what}, or leave the option out")
    return value


def parse_day(value: str | None, option: str, example: str) -> date | None:
    """A YYYY-MM-DD option's date (None when not given); InvalidInput names the option and an example."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} {value!r} is not a date like {example}") from None
    if not 2000 <= day.year <= 2100:
        raise InvalidInput(f"{option} {value} is not between 2000 and 2100, the years firstmate reports on")
    return day
