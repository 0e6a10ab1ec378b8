"""An org waiting for its ad accounts' week whose source fails at 07:00 and still at its hour: one round of tries
that week, reported once, its owner mailed once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from firstmate.bootstrap import App
from firstmate.services import outbox
from firstmate.standin.server import StandIn
from tests.e2e.test_intel_account_week import AUCKLAND, _auckland_after_last_weeks_report


def test_a_waiting_org_failing_at_seven_and_at_its_hour_gets_one_round_of_tries_reported_once(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The business in Auckland, its accounts counting Los Angeles' days, its Meta token expired all Monday. Its
    week can be built only from 22:00: the run failed at 07:00 and was tried again at 07:10 and 07:40 for nothing,
    reported given up, then taken up at 22:00 and tried three times more, and reported given up again: two rounds
    of tries, two reports of one failure. Now the failure at 07:00 is told (its owner mailed) and not tried again
    before the week can be built: at 22:00 it gets its round of tries, and is reported given up once."""
    from firstmate.services.intel import list_runs
    from firstmate.services.scheduler import run_due_jobs

    app, clock, weekly = _auckland_after_last_weeks_report(intel_app, standin, monkeypatch)
    standin.meta_faults.token_expired = True  # and never renewed that Monday

    runs: list[tuple[datetime, Any]] = []
    clock.set(datetime(2026, 11, 16, 7, 1, tzinfo=AUCKLAND))
    while clock.now() < datetime(2026, 11, 17, 1, tzinfo=AUCKLAND):  # the schedules' 5-minute passes
        runs += [(clock.now().astimezone(AUCKLAND), run) for run in run_due_jobs(app.store, clock, weekly, app)]
        clock.advance(timedelta(minutes=5))

    tried = [f"{at:%H:%M}" for at, run in runs if run.status == "failed"]
    assert tried == ["07:01", "22:01", "22:11", "22:41"], tried  # once at 07:00, then one round from its hour
    assert [f"{at:%H:%M}" for at, run in runs if run.given_up] == ["22:41"]  # reported once
    assert "failed, tried again from Mon Nov 16 22:00 Pacific/Auckland time" in runs[0][1].detail, runs[0][1].detail
    told = [e for e in outbox.list_entries(app.store, "demo", limit=None) if e.key.startswith("report:weekly:failed:")]
    assert len(told) == 1, [e.key for e in told]  # the owner mailed once
    assert [r["week"] for r in list_runs(app.store, "demo")] == ["2026-11-02"]


def test_jobs_list_says_plainly_that_the_waiting_orgs_run_failed_why_and_when_it_is_tried_again(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same business, its token expired at 07:00: `jobs list` said "waiting …, run again from …: FailedMeanwhile:
    demo: Meta refused …", a Python class name where the docs say it shows the run failed. It now says the run
    failed, for that org, with the source's own words and when it is tried again."""
    from contextlib import nullcontext

    from typer.testing import CliRunner

    from firstmate.cli import cli
    from firstmate.services.scheduler import run_due_jobs

    app, clock, weekly = _auckland_after_last_weeks_report(intel_app, standin, monkeypatch)
    standin.meta_faults.token_expired = True
    clock.set(datetime(2026, 11, 16, 7, 1, tzinfo=AUCKLAND))
    [at_seven] = run_due_jobs(app.store, clock, weekly, app)

    monkeypatch.setattr("firstmate.cli.jobs.app_context", lambda: nullcontext(app))
    listed = CliRunner().invoke(cli, ["jobs", "list"], env={"COLUMNS": "600"})

    assert listed.exit_code == 0, listed.output
    said = "failed 2026-11-15T18:01, tried again from 2026-11-16T09:00 UTC: demo: failed, tried again from Mon Nov 16"
    assert said in listed.output, listed.output
    assert "22:00 Pacific/Auckland time: Meta refused the access token" in listed.output, listed.output
    assert "FailedMeanwhile" not in listed.output and "FailedMeanwhile" not in at_seven.detail, listed.output
