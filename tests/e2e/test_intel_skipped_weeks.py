"""A scheduled weekly run skipped (not taken up within its six days of catch-up): the week it left unsent stays in
`jobs list` until that week is sent, however many scheduled runs are done since."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.services import outbox
from firstmate.services.scheduler import Job
from firstmate.standin.data import build_history
from firstmate.standin.server import META_TOKEN, StandIn, running
from tests.e2e.test_intel import _monday_7am
from tests.e2e.test_intel_account_week import AUCKLAND, _waiting_at_seven_in_auckland

BY_HAND = "'firstmate intel run --org demo --week 2026-11-09 --send' sends it"


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """The stand-in with one week more than the usual one: the next Monday's run has figures for its week."""
    with running(build_history(date(2026, 11, 16))) as server:
        yield server


def _weekly_row(app: App, monkeypatch: pytest.MonkeyPatch) -> str:
    """The weekly report's row of `jobs list`, in one line."""
    from typer.testing import CliRunner

    from firstmate.cli import cli

    monkeypatch.setattr("firstmate.cli.jobs.app_context", lambda: nullcontext(app))
    listed = CliRunner().invoke(cli, ["jobs", "list"], env={"COLUMNS": "900"}).output
    [row] = [line for line in listed.splitlines() if "weekly_report" in line]
    return " ".join(row.split())


def _told_once_and_listed_skipped(app: App, monkeypatch: pytest.MonkeyPatch) -> str:
    """Checks the owner was mailed, once, that the run is not taken up again and the command that sends the week of
    2026-11-09, and that `jobs list` says it was skipped at 2026-11-23T15:01 and that command; returns that row."""
    told = [" ".join(e.message.text.split()) for e in outbox.list_entries(app.store, "demo", limit=None)]
    by_hand = "'firstmate intel run --org demo --week 2026-11-09 --send' sends the week at once"
    assert len([text for text in told if by_hand in text and "not taken up again" in text]) == 1, told
    row = _weekly_row(app, monkeypatch)
    assert f"skipped 2026-11-23T15:01, not sent: demo, the week of 2026-11-09: {BY_HAND}" in row, row
    return row


def _taking_a_minute(job: Job[App], clock: FixedClock) -> Job[App]:
    """`job` with each run taking a minute, as a build does (its record written after a skip's of the same pass)."""

    def run(app: App, period: datetime) -> object:
        clock.advance(timedelta(minutes=1))
        return job.run(app, period)

    return replace(job, run=run)


def test_a_skipped_week_stays_in_jobs_list_after_a_later_run_is_done_until_it_is_sent(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: the Monday run waits for its Los Angeles accounts' week (22:00 in Auckland), and firstmate is
    not running again until 23:00 the next Monday, past the run's catch-up. That pass skipped the run and, in the
    same pass, sent the next Monday's week: `jobs list` showed that run done and nothing of the week of 2026-11-09,
    never sent. The skipped run is now shown after the latest run until its week is sent, by hand here."""
    from firstmate.services.intel import run_weekly
    from firstmate.services.scheduler import run_due_jobs
    from tests.e2e.conftest import intel_sources

    app, clock, weekly = _waiting_at_seven_in_auckland(intel_app, standin, monkeypatch)
    weekly = [_taking_a_minute(job, clock) for job in weekly]
    clock.set(datetime(2026, 11, 23, 23, tzinfo=AUCKLAND))  # back past the run's catch-up, the next week over too
    runs = run_due_jobs(app.store, clock, weekly, app)
    assert sorted(run.status for run in runs) == ["done", "failed"], runs  # the skip, and the next Monday's

    row = _weekly_row(app, monkeypatch)
    assert row.startswith("│ weekly_report") and "done 2026-11-23T10:01" in row, row
    assert f"before it: skipped 2026-11-23T10:00, not sent: demo, the week of 2026-11-09: {BY_HAND}" in row, row
    clock.set(datetime(2026, 11, 30, 8, tzinfo=AUCKLAND))
    run_due_jobs(app.store, clock, weekly, app)  # and the Monday after: the week is still not sent
    assert f"not sent: demo, the week of 2026-11-09: {BY_HAND}" in _weekly_row(app, monkeypatch)

    run_weekly(app, "demo", *intel_sources(standin.url), week=date(2026, 11, 9), send=True)
    assert "skipped" not in _weekly_row(app, monkeypatch)


def test_a_failed_run_its_retries_outlasted_by_the_downtime_is_recorded_skipped_saying_what_to_send(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: the Monday run failed at 07:00 (Meta refused the token), its retry due at 07:10, and firstmate
    was not running again until the next Monday. Its record said "tried again from …" for good, behind the next
    Monday's run, and the week was never sent. It is now recorded skipped, as a run left waiting is: its owner is
    mailed the command that sends the week (once), and `jobs list` shows it until that week is sent."""
    from firstmate.services.scheduler import last_runs, run_due_jobs

    app, clock, weekly = _monday_7am(intel_app, standin, monkeypatch, "EAAG-expired")
    [failed] = run_due_jobs(app.store, clock, weekly, app)
    assert failed.status == "failed" and failed.retry_at is not None, failed
    monkeypatch.setenv("FIRSTMATE_SECRET_META_ACCESS_TOKEN", META_TOKEN)  # renewed while firstmate was off

    clock.set(datetime(2026, 11, 23, 15, 1, tzinfo=failed.period.tzinfo))  # the next Monday, 07:01 in Los Angeles
    runs = run_due_jobs(app.store, clock, weekly, app)
    run_due_jobs(app.store, clock, weekly, app)  # a second pass tells nobody again
    [skipped] = [run for run in runs if run.period == failed.period]
    assert skipped.given_up and "skipped" in skipped.detail, skipped
    [record] = [r for r in last_runs(app.store, "weekly_report", limit=20) if r.get("fire_time", "") and
                r["fire_time"].startswith("2026-11-16")]  # fmt: skip
    assert record["status"] == "skipped", record
    row = _told_once_and_listed_skipped(app, monkeypatch)
    assert "tried again from 2026-11-16" not in row, row


def test_a_run_whose_process_stopped_then_firstmate_off_past_its_catch_up_is_skipped_saying_what_to_send(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Monday run's process was killed mid-build (the laptop closed at 07:01) and firstmate not started again until
    the next Monday: `jobs list` said "running 2026-11-16T15:01" for good, and nobody was told the week of 2026-11-09
    never went out. It is now recorded skipped, its owner mailed the command that sends the week, once, and `jobs
    list` shows it until that week is sent."""
    from firstmate.services.scheduler import run_due_jobs

    class Stopped(BaseException):
        """The process stopped: nothing after it runs."""

    app, clock, weekly = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN)
    real = weekly[0].run

    def killed(ctx: App, period: datetime) -> object:
        if period.day == 16:
            raise Stopped
        return real(ctx, period)

    weekly = [replace(weekly[0], run=killed)]
    with pytest.raises(Stopped):
        run_due_jobs(app.store, clock, weekly, app)
    assert "running 2026-11-16T15:01" in _weekly_row(app, monkeypatch)

    clock.set(datetime(2026, 11, 23, 15, 1, tzinfo=clock.now().tzinfo))  # the next Monday, 07:01 in Los Angeles
    run_due_jobs(app.store, clock, weekly, app)
    run_due_jobs(app.store, clock, weekly, app)  # a second pass tells nobody again
    row = _told_once_and_listed_skipped(app, monkeypatch)
    assert "running" not in row, row


def test_a_skipped_week_sent_by_hand_is_not_said_unsent_again_when_a_recipient_is_added_later(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The skipped week was sent by hand to the owner; weeks later the owner added a bookkeeper to the weekly report's
    recipients. `jobs list` said again "not sent: demo, the week of 2026-11-09", a week the owner had read, and its
    command would mail that old week to the bookkeeper alone. The week went out: the skipped run stays answered."""
    from firstmate.services.business import load_business, save_business
    from firstmate.services.intel import run_weekly
    from firstmate.services.scheduler import run_due_jobs
    from tests.e2e.conftest import intel_sources

    app, clock, weekly = _waiting_at_seven_in_auckland(intel_app, standin, monkeypatch)
    clock.set(datetime(2026, 11, 23, 23, tzinfo=AUCKLAND))  # back past the run's catch-up
    run_due_jobs(app.store, clock, weekly, app)
    assert f"not sent: demo, the week of 2026-11-09: {BY_HAND}" in _weekly_row(app, monkeypatch)
    run_weekly(app, "demo", *intel_sources(standin.url), week=date(2026, 11, 9), send=True)
    assert "not sent" not in _weekly_row(app, monkeypatch)

    profile = load_business(app.store, "demo")
    assert profile is not None
    owner = profile.org.owner_email
    org = profile.org.model_copy(update={"report_recipients": (owner, "bookkeeper@example.com")})
    save_business(app.store, profile.model_copy(update={"org": org}))
    row = _weekly_row(app, monkeypatch)
    assert "not sent" not in row and "the week of 2026-11-09" not in row, row
