"""A week run again by hand after it went out: a rebuild, listed as one and never sent again unless asked."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firstmate.bootstrap import App
from firstmate.services import outbox
from firstmate.services.intel import list_runs
from firstmate.standin.server import META_TOKEN, StandIn
from tests.e2e.test_intel import _monday_7am


def test_a_week_sent_and_then_run_again_by_hand_is_listed_as_sent_once_and_rebuilt_since(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The week sent by hand, then run again to look at it (`intel run --week`, then with `--send`): `intel runs`
    listed three identical lines of the week, and the owner could not tell which went out, or whether it went out
    three times. Now the run that sent it says so, the others say they are rebuilds of it and were not sent; the
    mail went out once to each recipient, and the scheduled run names the run that sent it."""
    from firstmate.services.scheduler import last_runs, run_due_jobs

    app, clock, weekly = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN)
    intel = _intel_on(app, monkeypatch)

    clock.set(clock.now() - timedelta(minutes=30))  # 06:31: sent by hand before the scheduled run
    intel("run", "--week", "2026-11-09", "--send")
    [sent] = list_runs(app.store, "demo")
    clock.advance(timedelta(minutes=5))
    again = intel("run", "--week", "2026-11-09")
    assert f"the week went out with run {sent['run_id']}; this rebuild was not sent" in again, again
    clock.advance(timedelta(minutes=5))
    once_more = intel("run", "--week", "2026-11-09", "--send")
    assert "already sent this week to owner@example.com, marketing@example.com" in once_more, once_more

    listed = intel("runs")
    rebuilt = f"rebuilt, not sent (the week went out with run {sent['run_id']})"
    assert listed.count(rebuilt) == 2, listed
    assert f"{sent['run_id']} week 2026-11-09 sent to 2 Weekly marketing report" in listed, listed
    page = _admin_reports_page(app)  # the admin's reports page says it as `intel runs` does
    assert page.count(rebuilt) == 2 and f"<code>{sent['run_id']}</code></td><td>sent to 2</td>" in page, page
    queued = [e.key for e in outbox.list_entries(app.store, "demo", limit=None) if e.key.startswith("report:weekly:")]
    assert len(queued) == 2, queued  # once to each recipient

    clock.set(clock.now() + timedelta(minutes=20))  # 07:11: the scheduled run finds the week sent, by that run
    run_due_jobs(app.store, clock, weekly, app)
    [record] = last_runs(app.store, "weekly_report")
    assert f"the week of 2026-11-09 was sent already (run {sent['run_id']})" in record["detail"], record


def test_a_scheduled_report_queued_whose_sent_mark_fails_is_told_done_and_its_owner_not_mailed_a_failure(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 07:00 report queued to both readers, then the store busy for the one write noting on its run that it
    was sent: the run was reported failed, its owner mailed "The weekly marketing report did not run" beside the
    report itself, and the reports page marked. Now the mark is noted when it can be (the run is then listed
    without "sent to"), and the run is told done."""
    from dataclasses import replace

    from firstmate.errors import StoreUnavailable
    from firstmate.ports import Item
    from firstmate.services.intel.scheduled import list_failures
    from firstmate.services.scheduler import run_due_jobs

    app, clock, weekly = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN)

    class BusyForTheMark:
        def __init__(self, inner: object) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

        def put(self, item: Item, *args: object, **kwargs: object) -> object:
            if item.sk.startswith("RUN#") and "sent" in item.data:
                raise StoreUnavailable("the store is busy")
            return self.inner.put(item, *args, **kwargs)  # type: ignore[attr-defined]

    busy = replace(app, store=BusyForTheMark(app.store))

    [run] = run_due_jobs(busy.store, clock, weekly, busy)

    assert run.status == "done", (run.status, run.detail)
    queued = [e.key for e in outbox.list_entries(app.store, "demo", limit=None) if e.key.startswith("report:weekly:")]
    assert len(queued) == 2 and not [k for k in queued if "failed" in k], queued  # the report, and no failure
    assert list_failures(app.store, "demo") == []
    assert [r["week"] for r in list_runs(app.store, "demo")] == ["2026-11-09"]


def test_a_week_sent_by_a_bare_run_that_fell_back_to_it_is_found_sent_by_the_week_it_reports(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Ads paused last week: a bare `intel run --send` on Monday reports the week before (the last with figures),
    its run id the week it was asked for (`2026-11-09-…`). Run again by hand, that week was not found sent (the
    lookups matched run ids beginning with the week): the rebuild was not named one, and `intel runs` listed two
    runs of the week with nothing telling which went out. Now the week is found sent by the run that reported it."""
    from firstmate.services.intel import sent_already
    from tests.e2e.test_intel import WEEK, _ads_files

    folder = _ads_files(tmp_path / "ads", WEEK - timedelta(weeks=1), [30] * 16)  # figures end the week before
    app, _, _ = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN, crm_source="none", ads_source="csv",
                            ads_csv_folder=folder)  # fmt: skip
    intel = _intel_on(app, monkeypatch)

    intel("run", "--send")
    [sent] = list_runs(app.store, "demo")
    assert sent["week"] == "2026-11-02" and sent["run_id"].startswith("2026-11-09-"), sent  # fell back

    again = intel("run", "--week", "2026-11-02")

    assert f"the week went out with run {sent['run_id']}; this rebuild was not sent" in again, again
    listed = intel("runs")
    assert f"rebuilt, not sent (the week went out with run {sent['run_id']})" in listed, listed
    assert sent_already(app, "demo", WEEK - timedelta(weeks=1)) == sent["run_id"]


def _admin_reports_page(app: App) -> str:
    """The admin's reports page (`/admin/reports`) as an admin signed in by their link reads it."""
    from fastapi.testclient import TestClient

    from firstmate.services.access import admin_link_token
    from firstmate.web.app import create_app

    client = TestClient(create_app(app))
    client.get(f"/admin/enter?t={admin_link_token(app.secret_key, app.clock.now())}")
    listing = client.get("/admin/reports")
    assert listing.status_code == 200, listing.text
    return listing.text


def _intel_on(app: App, monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """`firstmate intel …` on `app`, its output on one line (exit 0 asserted)."""
    from firstmate.cli import cli

    monkeypatch.setattr("firstmate.cli.intel.app_context", lambda: nullcontext(app))
    runner = CliRunner()

    def intel(*args: str) -> str:
        ran = runner.invoke(cli, ["intel", *args], env={"COLUMNS": "400"})
        assert ran.exit_code == 0, (ran.output, ran.exception)
        return " ".join(ran.output.split())

    return intel
