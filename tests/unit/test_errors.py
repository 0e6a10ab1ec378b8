"""firstmate's typed errors live in one module whose docstring draws their tree (STYLE.md): an operator reading
an error's name in a log or `jobs list` finds it there, under its parent, and what it maps to; and the errors
moved there from the services still end the CLI and answer the web app as before."""

from __future__ import annotations

import importlib
import pkgutil
import re
from datetime import UTC, date, datetime

import pytest

import firstmate
from firstmate import errors


def _firstmate_errors() -> set[type[errors.FirstmateError]]:
    """Every subclass of FirstmateError defined in firstmate's modules."""
    for module in pkgutil.walk_packages(firstmate.__path__, "firstmate."):
        if not module.name.endswith("__main__"):  # running it runs the CLI
            importlib.import_module(module.name)
    found: set[type[errors.FirstmateError]] = set()
    todo = [errors.FirstmateError]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("firstmate.") and sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def _drawn_parents() -> dict[str, str]:
    """Each error the docstring of errors.py draws, and the one drawn above it in the tree."""
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in (errors.__doc__ or "").splitlines():
        drawn = re.match(r"^[ │├└─]*?(?:── )?([A-Z]\w+)\s", line)
        if drawn is None or not ("──" in line or line.strip().startswith("FirstmateError")):
            continue
        column, name = drawn.start(1), drawn.group(1)
        while stack and stack[-1][0] >= column:
            stack.pop()
        parents[name] = stack[-1][1] if stack else ""
        stack.append((column, name))
    return parents


def test_every_firstmate_error_is_defined_in_errors_and_drawn_under_its_parent() -> None:
    elsewhere = sorted(
        f"{cls.__module__}.{cls.__name__}" for cls in _firstmate_errors() if cls.__module__ != errors.__name__
    )
    assert elsewhere == [], "define them in firstmate/errors.py and draw them in its docstring"
    drawn = _drawn_parents()
    for cls in _firstmate_errors():
        assert drawn.get(cls.__name__) == cls.__base__.__name__, (cls.__name__, drawn.get(cls.__name__))
    assert drawn["FirstmateError"] == ""


@pytest.mark.parametrize(
    ("name", "http_status", "exit_code"),
    [
        ("WeekNotOver", 422, 2),  # `intel run --week` of a week an ad account has not ended: a user's input
        ("NoFigures", 404, 2),
        ("BuildUnderWay", 503, 4),  # the store busy: try again later
        ("OutOfTime", 500, 1),
        ("SentAlready", 500, 1),
        ("FeedbackTooEarly", 500, 1),
    ],
)
def test_an_error_moved_into_errors_maps_to_the_status_and_exit_code_it_had(
    name: str, http_status: int, exit_code: int
) -> None:
    cls = getattr(errors, name)
    assert (cls.http_status, cls.exit_code) == (http_status, exit_code)


def test_intel_run_of_a_week_not_over_still_exits_2_with_its_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import firstmate.cli as cli

    def refuse() -> None:
        raise errors.WeekNotOver(
            "the week of 2026-11-09 has not ended yet in America/Los_Angeles, where ad account 1001 counts its days",
            hint="run it after Mon Nov 16 21:00 Pacific/Auckland time, when it has; the last week ended there is "
            f"{date(2026, 11, 2)}",
            ends=datetime(2026, 11, 16, 8, tzinfo=UTC),
            when="Mon Nov 16 21:00 Pacific/Auckland time",
        )

    monkeypatch.setattr(cli, "cli", refuse)
    with pytest.raises(SystemExit) as ended:
        cli.main()
    assert ended.value.code == 2
    said = capsys.readouterr().err
    assert said.startswith("error: the week of 2026-11-09 has not ended yet in America/Los_Angeles"), said
    assert "(run it after Mon Nov 16 21:00 Pacific/Auckland time" in said
