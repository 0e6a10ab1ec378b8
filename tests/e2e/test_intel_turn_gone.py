"""A week's build turn (and any org's turn: `leases.exclusive`) held by a process that is gone on the laptop (kill -9,
Ctrl-C as it took the turn): free at once, not waited out for its ten minutes; never one whose process lives, nor one
of another machine."""

from __future__ import annotations

import signal
import subprocess
import sys
from contextlib import AbstractContextManager, ExitStack
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.errors import LeaseHeld
from firstmate.ports import Item, Store
from firstmate.services import leases
from firstmate.services.intel import build_under_way, list_runs
from firstmate.services.scheduler import run_due_jobs
from firstmate.standin.server import META_TOKEN, StandIn
from tests.conftest import firstmate_env
from tests.e2e.test_intel import _monday_7am

HOLDER = Path(__file__).with_name("turn_holder_proc.py")
WEEK = date(2026, 11, 9)
TURN = ("ORG#demo#LEASE", f"weekly-build#{WEEK}")


def _holding(how: str, app: App, clock: FixedClock) -> subprocess.Popen[str]:
    """A real firstmate process that took the week's turn at the app's clock (`turn_holder_proc.py`), once it says
    so ("held"; "taken": stored, the turn not entered yet)."""
    proc = subprocess.Popen(
        [sys.executable, str(HOLDER), how, "demo", TURN[1], clock.now().isoformat()],
        env=firstmate_env(app.settings.home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    for line in proc.stdout:
        if line in ("held\n", "taken\n"):
            return proc
    raise AssertionError(proc.communicate(timeout=30))


def _turn(app: App) -> AbstractContextManager[leases.Held]:
    """The week's turn, taken by this process without waiting."""
    return leases.exclusive(app, "demo", TURN[1], doing="building the weekly report", wait_s=0)


def test_a_build_killed_holding_the_weeks_turn_keeps_the_scheduled_run_waiting_no_more_on_the_laptop(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: a worker building Monday's week was killed (kill -9) holding the week's turn, which named no
    process: the scheduler's next try found "another run is building the week of 2026-11-09" and looked again in
    ten minutes, once the turn had lapsed. The turn names its process now: gone, the turn is free at once, and the
    next try builds and sends the week. While the holder lives, the week is under way."""
    app, clock, [job] = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN)
    holder = _holding("hold", app, clock)
    assert build_under_way(app, "demo", WEEK, "America/Los_Angeles") is not None  # alive: building it is
    holder.kill()
    holder.wait(timeout=30)

    assert build_under_way(app, "demo", WEEK, "America/Los_Angeles") is None
    [run] = run_due_jobs(app.store, clock, [job], app, runner=app.this_process())
    assert run.status == "done", run
    assert [str(r["week"]) for r in list_runs(app.store, "demo")] == [WEEK.isoformat()], list_runs(app.store, "demo")
    assert app.store.get(*TURN) is None  # the turn let go of once built


def test_a_build_running_on_this_laptop_is_not_said_to_lapse_ten_minutes_on_should_it_have_stopped(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review of the change: a build on this laptop (alive) holds the week's turn. `jobs run weekly_report` said
    "(should it have stopped, run this again from Mon Nov 16 07:11 …)", and `intel run --send` "should it have
    stopped, it can be run again from …": ten minutes' wait for nothing, as its turn is free the moment its process
    ends. Both now say only that it is under way, to try again when it is done."""
    from contextlib import nullcontext

    from typer.testing import CliRunner

    from firstmate.cli import cli

    app, clock, _ = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN)
    holder = _holding("hold", app, clock)
    monkeypatch.setattr(leases, "WAIT_S", 0.2)
    monkeypatch.setattr("firstmate.cli.jobs.app_context", lambda: nullcontext(app))
    monkeypatch.setattr("firstmate.cli.intel.app_context", lambda: nullcontext(app))
    try:
        by_job = CliRunner().invoke(cli, ["jobs", "run", "weekly_report"], env={"COLUMNS": "400"})
        by_hand = CliRunner().invoke(cli, ["intel", "run", "--week", str(WEEK), "--send"], env={"COLUMNS": "400"})
    finally:
        holder.kill()
        holder.wait(timeout=30)
    said = " ".join(by_job.output.split())
    assert f"demo: another run is building the week of {WEEK}" in said and "not built again" in said, said
    assert "should it have stopped" not in said, said
    said = " ".join(str(by_hand.exception).split())
    assert "another process is building the weekly report" in said and "try again when it is done" in said, said
    assert "should it have stopped" not in said, said
    assert list_runs(app.store, "demo") == []


def test_a_turn_taken_over_from_a_killed_holder_is_held_by_one_and_another_machines_turn_is_waited_for(
    app: App, clock: FixedClock
) -> None:
    """Two processes wanting a killed holder's turn: one takes it over, the other is told it is held. A turn named
    by another machine (a shared home) is not looked at here: it is waited for, as on AWS."""
    holder = _holding("hold", app, clock)
    holder.kill()
    holder.wait(timeout=30)
    with _turn(app), pytest.raises(LeaseHeld, match="another process is building the weekly report"), _turn(app):
        pass

    holder = _holding("hold", app, clock)
    holder.kill()
    holder.wait(timeout=30)
    turn = app.store.get(*TURN)
    assert turn is not None
    elsewhere = {**turn.data, "runner": {**turn.data["runner"], "host": "another-laptop.example.com"}}
    app.store.put(replace(turn, data=elsewhere))
    with pytest.raises(LeaseHeld, match="another process is building the weekly report"), _turn(app):
        pass


def test_ctrl_c_in_the_instant_after_a_turn_is_taken_lets_go_of_it(app: App, clock: FixedClock) -> None:
    """A known gap: Ctrl-C in the instant between taking a turn and starting on it left the turn held for its ten
    minutes (a worker on another machine, or one that cannot look at the process, waited them out). It is let go
    of as the process stops."""
    holder = _holding("taking", app, clock)
    assert app.store.get(*TURN) is not None  # taken, not entered yet
    holder.send_signal(signal.SIGINT)
    _, stderr = holder.communicate(timeout=60)
    assert "KeyboardInterrupt" in stderr, stderr
    assert app.store.get(*TURN) is None


def test_a_killed_holders_turn_taken_over_by_another_between_the_look_and_the_take_is_not_taken_twice(
    app: App, clock: FixedClock
) -> None:
    """Two processes see a killed holder's turn free; the other takes it over in the instant between this one's look
    (the turn and who took it last read) and its take. This one is told the turn is held, and the other keeps it:
    the take is on the versions it read, not a plain write over the other's."""
    holder = _holding("hold", app, clock)
    holder.kill()
    holder.wait(timeout=30)
    other, taken = ExitStack(), list[leases.Held]()
    store = app.store

    class OtherTakesItMeanwhile:
        """The store, the other process taking the turn over just after this one read who took it last."""

        def __getattr__(self, name: str) -> Any:
            return getattr(store, name)

        def get(self, pk: str, sk: str) -> Item | None:
            read = store.get(pk, sk)
            if sk == f"{TURN[1]}{leases.LAST}" and not taken:
                taken.append(other.enter_context(_turn(app)))  # the other process, its take stored
            return read

    looking = replace(app, store=cast(Store, OtherTakesItMeanwhile()))
    with other:
        with pytest.raises(LeaseHeld, match="another process is building the weekly report"), _turn(looking):
            pass
        turn = app.store.get(*TURN)
        assert turn is not None and [turn.data["holder"]] == [held.token for held in taken], turn
    assert app.store.get(*TURN) is None  # the other's, let go of as it was done
