"""A weekly build that loses its turn after its last pull (a model's analysis, a slow disk), another build of the
week having taken it over meanwhile: it stores nothing, sends nothing, and says another took over."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.analysis import Analysis, rules_analysis
from firstmate.domain.intel import WeeklyFacts
from firstmate.errors import LeaseLost
from firstmate.ports import BlobInfo
from firstmate.services import leases, outbox
from firstmate.services.intel import list_runs
from firstmate.standin.server import META_TOKEN, StandIn
from tests.e2e.test_intel import _monday_7am
from tests.failing_blobs import FailingWrites

LEASE_KEY = ("ORG#demo#LEASE", "weekly-build#2026-11-09")


def _another_takes_the_week(app: App, clock: FixedClock) -> Callable[[], object]:
    """The waiting run, taking the week's turn once this build has outlived it (and still at it)."""

    def take() -> object:
        clock.advance(leases.LEASE + timedelta(minutes=1))
        other = leases.exclusive(app, "demo", "weekly-build#2026-11-09", doing="building the weekly report")
        other.__enter__()  # never left: the other build is still pulling
        return other

    return take


def _sent_by_hand(app: App, monkeypatch: pytest.MonkeyPatch, *more: str) -> tuple[int, str, BaseException | None]:
    """`firstmate intel run --week 2026-11-09 --send` (and `more`) on `app`: its exit code, what it said, and its
    error."""
    from firstmate.cli import cli

    monkeypatch.setattr("firstmate.cli.intel.app_context", lambda: nullcontext(app))
    command = ["intel", "run", "--week", "2026-11-09", "--send", *more]
    ran = CliRunner().invoke(cli, command, env={"COLUMNS": "300"})
    return ran.exit_code, " ".join(f"{ran.output} {ran.exception or ''}".split()), ran.exception


def _nothing_of_it_kept(app: App) -> None:
    assert list_runs(app.store, "demo") == []  # not listed
    assert app.blobs.list("reports/demo/weekly/") == []  # no report of the week
    assert app.blobs.list("raw/demo/") == []  # no archive of a run nobody can list
    weekly = [e.key for e in outbox.list_entries(app.store, "demo", limit=None) if e.key.startswith("report:weekly:")]
    assert weekly == []  # nothing mailed: the run that took over sends the week
    lease = app.store.get(*LEASE_KEY)
    assert lease is not None  # the other build's turn, still held


def _said_taken_over(exit_code: int, said: str, error: BaseException | None) -> None:
    assert isinstance(error, LeaseLost) and error.exit_code == 4, (exit_code, said)  # as the role reports' store
    assert "another took over: nothing more of it was stored" in said, said
    assert "the run that took over builds and sends the week" in said and "run it again" not in said, said


def test_a_build_whose_turn_is_taken_over_while_the_model_writes_its_analysis_stores_and_sends_nothing(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`intel run --send` at 07:01, its model's analysis taking eleven minutes (retried): its turn lapsed, and the
    waiting run took the week up. The build by hand looked at its turn only between its pulls, so it went on and
    stored its report and run over the other's turn, and mailed the week: two runs listed, built twice. Now it
    looks again before storing anything: it stores nothing, sends nothing, and says another took over."""
    app, clock, _ = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN)
    take, taken = _another_takes_the_week(app, clock), []

    class SlowModel:
        name = "a slow model"

        def analyse(self, facts: WeeklyFacts) -> Analysis:
            taken.append(take())  # kept: a lease left behind is released once nothing holds it
            return rules_analysis(facts)

    monkeypatch.setattr(App, "analyst", lambda self: SlowModel())

    _said_taken_over(*_sent_by_hand(app, monkeypatch))
    _nothing_of_it_kept(app)


def test_a_build_whose_turn_is_taken_over_while_its_report_lands_stores_and_sends_nothing(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The turn lost while the report's files were landing (a disk that slow), after its last look: the run's
    entry was stored all the same, as the role reports' no longer is. Now the entry is stored in one transaction
    with the turn's check: none of it is stored, the files it had written are put back, and nothing is sent."""
    app, clock, _ = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN)
    take, taken = _another_takes_the_week(app, clock), []

    slow = _taken_over_as_it_lands(app, take, taken)

    _said_taken_over(*_sent_by_hand(slow, monkeypatch))
    assert taken
    _nothing_of_it_kept(app)


def test_a_build_taken_over_while_its_report_lands_leaves_the_out_folder_as_it_was(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`intel run --send --out reports/`, its turn taken over while the report's files landed: it said "nothing
    more of it was stored", but its four files were in reports/ already, written before the store, a report
    neither listed nor sent, read as the week's. Now --out gets the files only once the report is stored: the
    folder is left as it was (last week's copy there untouched)."""
    app, clock, _ = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN)
    take, taken = _another_takes_the_week(app, clock), []
    out = tmp_path / "reports"
    out.mkdir()
    (out / "weekly.txt").write_text("last week's report")

    slow = _taken_over_as_it_lands(app, take, taken)

    _said_taken_over(*_sent_by_hand(slow, monkeypatch, "--out", str(out)))
    assert taken
    _nothing_of_it_kept(app)
    assert sorted(p.name for p in out.iterdir()) == ["weekly.txt"]  # nothing of this build, nor a part of a file
    assert (out / "weekly.txt").read_text() == "last week's report"


def test_a_build_stored_writes_its_files_into_the_out_folder(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The same run, nobody taking its turn: its four files land in --out, as the report stored and sent."""
    app, _, _ = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN)
    out = tmp_path / "reports"

    exit_code, said, _ = _sent_by_hand(app, monkeypatch, "--out", str(out))

    assert exit_code == 0, said
    assert sorted(p.name for p in out.iterdir()) == ["weekly.html", "weekly.json", "weekly.pdf", "weekly.txt"]
    stored = app.blobs.get("reports/demo/weekly/2026-11-09/weekly.txt")
    assert (out / "weekly.txt").read_bytes() == stored


def test_the_scheduled_run_taken_over_by_a_build_by_hand_tells_the_owner_nothing_failed(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 07:00 run, its model's analysis retried past its turn, while the owner's `intel run --send` of 07:05
    waited and took the week up: the scheduled build stopped, storing nothing, and was reported as a failure, its
    owner mailed "The weekly marketing report did not run" and the reports page marked, though the build by hand
    sends the week. Now it is told as a build under way: looked at again ten minutes later, nobody mailed."""
    from firstmate.services.intel.scheduled import list_failures
    from firstmate.services.scheduler import run_due_jobs

    app, clock, weekly = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN)
    take, taken = _another_takes_the_week(app, clock), []

    class SlowModel:
        name = "a slow model"

        def analyse(self, facts: WeeklyFacts) -> Analysis:
            taken.append(take())
            return rules_analysis(facts)

    monkeypatch.setattr(App, "analyst", lambda self: SlowModel())

    [run] = run_due_jobs(app.store, clock, weekly, app)

    assert taken
    assert run.status == "waiting", (run.status, run.detail)  # looked at again, not failed
    assert "another took over" in run.detail and "looked at again from" in run.detail, run.detail
    told = [e.key for e in outbox.list_entries(app.store, "demo", limit=None) if e.key.startswith("report:weekly:")]
    assert told == []  # the owner is not told it failed: the build by hand sends the week
    assert list_failures(app.store, "demo") == []  # nor the reports page
    _nothing_of_it_kept(app)


def test_a_build_taken_over_while_its_report_lands_leaves_the_report_the_other_stored_and_sent(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk stalled past both turns while the report's files landed, and the waiting run built, stored, listed
    and mailed the week meanwhile. The first build, finding its turn taken, put back what was there before it
    began (no report): the week sent was listed without its files, the PDF its readers were mailed a link to gone.
    Now the files are left as they are when another run listed the week meanwhile."""
    from firstmate.services.intel import run_weekly
    from tests.e2e.conftest import intel_sources

    app, clock, _ = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN)
    one_at_a_time, meanwhile = threading.Lock(), []

    class StalledDisk(FailingWrites):
        def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> BlobInfo:
            with one_at_a_time:
                if key.startswith("reports/demo/weekly/") and not meanwhile:
                    clock.advance(leases.LEASE + timedelta(minutes=1))
                    week = datetime(2026, 11, 9).date()
                    meanwhile.append(run_weekly(app, "demo", *intel_sources(standin.url), week=week, send=True))
            return super().put(key, data, content_type)

    stalled = replace(app, blobs=StalledDisk(app.blobs, nth=99))

    _said_taken_over(*_sent_by_hand(stalled, monkeypatch))
    [other] = meanwhile
    assert [r["run_id"] for r in list_runs(app.store, "demo")] == [other.run_id]
    assert other.sent_to  # mailed, with a link to the report's PDF
    kept = {info.key.rsplit("/", 1)[-1] for info in app.blobs.list("reports/demo/weekly/2026-11-09/")}
    assert any(name.endswith(".pdf") for name in kept), kept  # the report the other listed and sent is there


def _taken_over_as_it_lands(app: App, take: Callable[[], object], taken: list[object]) -> App:
    """`app` whose first weekly report file to land lets `take` (another run) take the week over first."""
    one_at_a_time = threading.Lock()  # the report's files land on threads: the first of them alone takes it over

    class SlowDisk(FailingWrites):
        def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> BlobInfo:
            with one_at_a_time:
                if key.startswith("reports/demo/weekly/") and not taken:
                    taken.append(take())
            return super().put(key, data, content_type)

    return replace(app, blobs=SlowDisk(app.blobs, nth=99))
