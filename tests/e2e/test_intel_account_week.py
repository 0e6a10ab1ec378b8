"""The scheduled weekly report of a business whose Meta ad accounts count another zone's days, behind its own:
the real scheduler, a fixed clock walking through Monday, and the Meta and HubSpot stand-ins."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.services import outbox
from firstmate.standin.server import META_TOKEN, StandIn
from tests.e2e.test_intel import _monday_7am

AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def _business_in(app: App, zone: str) -> None:
    from firstmate.demo.run import demo_profile
    from firstmate.services.business import save_business

    profile = demo_profile()
    save_business(app.store, profile.model_copy(update={"org": profile.org.model_copy(update={"timezone": zone})}))


def _monday_in_auckland(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> tuple[App, FixedClock, list[Any]]:
    """A business in Auckland, its ad accounts counting Los Angeles' days, as the scheduler runs it (`_monday_7am`)."""
    _business_in(intel_app, "Pacific/Auckland")
    return _monday_7am(intel_app, standin, monkeypatch, META_TOKEN, timezone="Pacific/Auckland")


def _auckland_after_last_weeks_report(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> tuple[App, FixedClock, list[Any]]:
    """`_monday_in_auckland`, its report of the week of 2026-11-02 sent on Wed Nov 11 at 09:00 in Auckland: that
    report recorded the accounts' zone."""
    from firstmate.services.intel import run_weekly
    from tests.e2e.conftest import intel_sources

    app, clock, weekly = _monday_in_auckland(intel_app, standin, monkeypatch)
    clock.set(datetime(2026, 11, 11, 9, tzinfo=AUCKLAND))  # last week's report, which recorded the accounts' zone
    run_weekly(app, "demo", *intel_sources(standin.url), week=datetime(2026, 11, 2).date(), send=True)
    return app, clock, weekly


def _waiting_at_seven_in_auckland(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> tuple[App, FixedClock, list[Any]]:
    """An Auckland business whose weekly report, at 07:01 on Monday, waits for its Los Angeles accounts' week."""
    from firstmate.services.scheduler import run_due_jobs

    app, clock, weekly = _monday_in_auckland(intel_app, standin, monkeypatch)
    clock.set(datetime(2026, 11, 16, 7, 1, tzinfo=AUCKLAND))
    [at_seven] = run_due_jobs(app.store, clock, weekly, app)
    assert at_seven.status == "waiting", at_seven
    return app, clock, weekly


def _walk(app: App, clock: FixedClock, jobs: list[Any], start: datetime) -> dict[str, datetime]:
    """Run the scheduler every 5 minutes for a day from `start` (as the AWS schedules' passes come); each weekly
    report mail queued (by its key, which holds its week), with the time of the pass that queued it."""
    from firstmate.services.scheduler import run_due_jobs

    queued: dict[str, datetime] = {}
    clock.set(start)
    while clock.now() < start + timedelta(days=1):
        run_due_jobs(app.store, clock, jobs, app)
        for entry in outbox.list_entries(app.store, "demo", limit=None):
            if entry.key.startswith("report:weekly:") and not entry.key.startswith("report:weekly:failed:"):
                queued.setdefault(entry.key, clock.now())
        clock.advance(timedelta(minutes=5))
    return queued


def test_a_business_in_auckland_whose_ad_accounts_count_los_angeles_days_gets_last_weeks_report_that_monday(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: at 07:00 on Monday in Auckland it is still Sunday in Los Angeles, where the ad accounts count
    their days, and the scheduled run reported the week before (Nov 2–8), a week late, every week. Now the run
    leaves the report for later that day, and it goes out once the accounts' week has ended (21:00 in Auckland,
    with an hour's margin): the week just ended, Nov 9–15, once, and nothing of Nov 2–8."""
    from contextlib import nullcontext

    from typer.testing import CliRunner

    from firstmate.cli import cli
    from firstmate.services.intel import list_runs
    from firstmate.services.scheduler import last_runs, run_due_jobs

    app, clock, weekly = _monday_in_auckland(intel_app, standin, monkeypatch)
    monday_6am = datetime(2026, 11, 16, 6, tzinfo=AUCKLAND)
    clock.set(monday_6am + timedelta(hours=1, minutes=1))

    [at_seven] = run_due_jobs(app.store, clock, weekly, app)
    assert at_seven.status == "waiting", at_seven
    assert "2026-11-09" in at_seven.detail and "America/Los_Angeles" in at_seven.detail, at_seven.detail
    assert "Mon Nov 16 22:00 Pacific/Auckland time" in at_seven.detail, at_seven.detail
    assert last_runs(app.store, "weekly_report")[0]["status"] == "waiting"
    monkeypatch.setattr("firstmate.cli.jobs.app_context", lambda: nullcontext(app))
    listed = CliRunner().invoke(cli, ["jobs", "list"], env={"COLUMNS": "400"})
    assert "waiting 2026-11-15T18:01, run again from 2026-11-16T09:00 UTC" in listed.output, listed.output
    assert list_runs(app.store, "demo") == []  # nothing pulled, nothing built or sent yet

    queued = _walk(app, clock, weekly, monday_6am)

    assert {key.split(":")[2] for key in queued} == {"2026-11-09"}, queued
    first = min(queued.values()).astimezone(AUCKLAND)
    assert datetime(2026, 11, 16, 22, tzinfo=AUCKLAND) <= first < datetime(2026, 11, 16, 22, 5, tzinfo=AUCKLAND)
    [run] = list_runs(app.store, "demo")  # built once
    assert run["week"] == "2026-11-09"
    assert last_runs(app.store, "weekly_report")[0]["status"] == "done"
    text = app.blobs.get("reports/demo/weekly/2026-11-09/weekly.txt").decode()
    assert "Ad figures are the days of ad accounts 1001 and 1002 in America/Los_Angeles" in text
    assert "after these figures were pulled" not in text  # the accounts' Sunday was whole when pulled


def test_a_business_whose_ad_accounts_count_its_own_days_still_gets_its_report_at_seven(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo business in Los Angeles, its accounts in Los Angeles: the week just ended goes out at 07:00 on
    Monday, once, and the passes through the rest of the day send nothing more."""
    from firstmate.services.intel import list_runs

    app, clock, weekly = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN)
    monday_6am = datetime(2026, 11, 16, 6, tzinfo=LOS_ANGELES)

    queued = _walk(app, clock, weekly, monday_6am)

    assert {key.split(":")[2] for key in queued} == {"2026-11-09"}, queued
    assert set(queued.values()) == {datetime(2026, 11, 16, 7, tzinfo=LOS_ANGELES)}
    assert len(list_runs(app.store, "demo")) == 1


def test_a_business_in_auckland_whose_ad_accounts_count_its_own_days_gets_its_report_at_seven(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Accounts counting Auckland's days, as the business does: no wait, the report at 07:00 as before."""
    standin.meta_faults.account_timezone = "Pacific/Auckland"
    app, clock, weekly = _monday_in_auckland(intel_app, standin, monkeypatch)

    queued = _walk(app, clock, weekly, datetime(2026, 11, 16, 6, tzinfo=AUCKLAND))

    assert {key.split(":")[2] for key in queued} == {"2026-11-09"}, queued
    assert set(queued.values()) == {datetime(2026, 11, 16, 7, tzinfo=AUCKLAND)}


def test_a_monday_run_caught_up_just_after_the_accounts_week_ended_still_waits_its_hour(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A laptop closed from Saturday and opened at 21:05 on Monday in Auckland, five minutes after the accounts'
    Sunday ended in Los Angeles: the Monday run caught up then built the report at once, without the hour the
    scheduled run gives Meta's figures of the account's last hours to come in. It waits that hour too, and sends
    the week just ended once, at 22:00."""
    from firstmate.services.intel import list_runs
    from firstmate.services.scheduler import run_due_jobs

    app, clock, weekly = _monday_in_auckland(intel_app, standin, monkeypatch)
    woken = datetime(2026, 11, 16, 21, 5, tzinfo=AUCKLAND)
    clock.set(woken)

    [caught_up] = run_due_jobs(app.store, clock, weekly, app)
    assert caught_up.status == "waiting", caught_up
    assert "its report goes out from Mon Nov 16 22:00 Pacific/Auckland time" in caught_up.detail, caught_up.detail
    assert list_runs(app.store, "demo") == []  # nothing pulled yet

    queued = _walk(app, clock, weekly, woken)

    assert {key.split(":")[2] for key in queued} == {"2026-11-09"}, queued
    first = min(queued.values()).astimezone(AUCKLAND)
    assert datetime(2026, 11, 16, 22, tzinfo=AUCKLAND) <= first < datetime(2026, 11, 16, 22, 5, tzinfo=AUCKLAND)
    [run] = list_runs(app.store, "demo")
    assert run["pulled_at"] >= "2026-11-16T09:00"


def test_a_meta_token_expired_at_seven_does_not_cost_a_waiting_org_its_report(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The business in Auckland, its accounts counting Los Angeles' days, whose Meta token has expired by Monday
    07:00: the run fails its three tries by 07:40 (the owner told) though it needed nothing of Meta before 22:00,
    and with the token renewed at 9:00 nothing went out that week: `intel run --send` sends the week before, had
    already, and the week just ended could be sent only by hand, after 21:00. Now the failure is told at 07:00,
    and the run is still taken up at 22:00, as it would have been, and sends the week just ended, once."""
    from firstmate.services.intel import list_runs
    from firstmate.services.scheduler import run_due_jobs

    app, clock, weekly = _auckland_after_last_weeks_report(intel_app, standin, monkeypatch)
    standin.meta_faults.token_expired = True

    clock.set(datetime(2026, 11, 16, 7, 1, tzinfo=AUCKLAND))
    tries = []
    for _ in range(3):  # at 07:01, and where a failure's retries would be (10 and 30 minutes on)
        tries += run_due_jobs(app.store, clock, weekly, app)
        clock.advance(timedelta(minutes=31))
    # told (its owner mailed), and not tried again before its week can be built: its round of tries is at 22:00
    [failed] = tries
    assert failed.status == "failed" and not failed.given_up, failed
    assert failed.retry_at == datetime(2026, 11, 16, 22, tzinfo=AUCKLAND), failed
    assert "demo: failed, tried again from Mon Nov 16 22:00 Pacific/Auckland time: Meta" in failed.detail, failed.detail
    standin.meta_faults.token_expired = False  # the owner renews it at 9:00
    before = {entry.key for entry in outbox.list_entries(app.store, "demo", limit=None)}  # last week's, sent then

    walked = _walk(app, clock, weekly, datetime(2026, 11, 16, 9, tzinfo=AUCKLAND))

    queued = {key: at for key, at in walked.items() if key not in before}

    assert {key.split(":")[2] for key in queued} == {"2026-11-09"}, queued
    first = min(queued.values()).astimezone(AUCKLAND)
    assert datetime(2026, 11, 16, 22, tzinfo=AUCKLAND) <= first < datetime(2026, 11, 16, 22, 5, tzinfo=AUCKLAND)
    assert [r["week"] for r in list_runs(app.store, "demo")] == ["2026-11-09", "2026-11-02"]


def test_jobs_list_still_shows_the_run_waiting_after_a_run_by_hand(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Monday run waits for the accounts' week; at 10:00 someone runs `jobs run weekly_report` (the week before,
    at once). `jobs list` then showed only that run, "done … the week of 2026-11-09 can be reported from Mon Nov 16
    21:00 … (firstmate intel run --week 2026-11-09)", the wait gone from sight, as if the week had to be sent by
    hand. It still shows the scheduled run waiting, with until when, beside the run by hand."""
    from contextlib import nullcontext

    from typer.testing import CliRunner

    from firstmate.cli import cli
    from firstmate.services.scheduler import run_job_now

    app, clock, weekly = _waiting_at_seven_in_auckland(intel_app, standin, monkeypatch)
    clock.set(datetime(2026, 11, 16, 10, 0, 7, tzinfo=AUCKLAND))
    assert run_job_now(app.store, clock, weekly[0], app).status == "done"

    monkeypatch.setattr("firstmate.cli.jobs.app_context", lambda: nullcontext(app))
    listed = CliRunner().invoke(cli, ["jobs", "list"], env={"COLUMNS": "600"})

    assert listed.exit_code == 0, listed.output
    assert "waiting 2026-11-15T18:01, run again from 2026-11-16T09:00 UTC" in listed.output, listed.output
    assert "by hand since: done 2026-11-15T21:00" in listed.output, listed.output


def test_the_waiting_run_does_not_build_again_a_week_sent_by_hand_meanwhile(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Monday run waits for the accounts' week (22:00 in Auckland); at 21:30 the owner sends the week by hand,
    `intel run --week 2026-11-09 --send`. At 22:00 the waiting run pulled and built the week again (nothing sent
    twice, but a second copy listed in `intel runs`). It now finishes without building it, and says so."""
    from contextlib import nullcontext

    from typer.testing import CliRunner

    from firstmate.cli import cli
    from firstmate.services.intel import list_runs
    from firstmate.services.scheduler import last_runs

    app, clock, weekly = _waiting_at_seven_in_auckland(intel_app, standin, monkeypatch)
    clock.set(datetime(2026, 11, 16, 21, 30, tzinfo=AUCKLAND))
    monkeypatch.setattr("firstmate.cli.intel.app_context", lambda: nullcontext(app))
    by_hand = CliRunner().invoke(cli, ["intel", "run", "--week", "2026-11-09", "--send"], env={"COLUMNS": "200"})
    assert by_hand.exit_code == 0, by_hand.output
    [sent] = list_runs(app.store, "demo")

    queued = _walk(app, clock, weekly, datetime(2026, 11, 16, 21, 35, tzinfo=AUCKLAND))

    assert [run["run_id"] for run in list_runs(app.store, "demo")] == [sent["run_id"]]  # one copy listed
    assert {key.split(":")[2] for key in queued} == {"2026-11-09"}, queued  # the mail queued by hand, once
    [record] = [r for r in last_runs(app.store, "weekly_report") if r["period"] == "2026-11-16T07:00"]
    assert record["status"] == "done", record
    assert f"demo: the week of 2026-11-09 was sent already (run {sent['run_id']}); not built again" in record["detail"]
    monkeypatch.setattr("firstmate.cli.jobs.app_context", lambda: nullcontext(app))
    listed = CliRunner().invoke(cli, ["jobs", "list"], env={"COLUMNS": "600"})
    assert "the week of 2026-11-09 was sent already" in listed.output, listed.output


def test_a_run_waiting_when_the_schedule_changes_still_goes_out_at_its_hour(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Monday run waits for the accounts' week (22:00 in Auckland); at 09:00 `weekly_report_cron` is moved to
    23:00 on Monday and the scheduler restarted. The waiting run was never taken up (left `waiting` for good in the
    run records), the week went out at 23:00 by the new schedule, and the new schedule's catch-up of the Monday
    before built last week again. The waiting run now goes out at 22:00 as it said; the new schedule's runs find
    their weeks sent and build nothing twice."""
    from firstmate.jobs import declared_jobs
    from firstmate.services.intel import list_runs
    from firstmate.services.scheduler import last_runs, run_due_jobs
    from tests.e2e.test_intel import replace_settings

    app, clock, weekly = _auckland_after_last_weeks_report(intel_app, standin, monkeypatch)
    before = {entry.key for entry in outbox.list_entries(app.store, "demo", limit=None)}
    clock.set(datetime(2026, 11, 16, 7, 1, tzinfo=AUCKLAND))
    [at_seven] = run_due_jobs(app.store, clock, weekly, app)
    assert at_seven.status == "waiting", at_seven

    moved = replace_settings(app, app.settings.model_copy(update={"weekly_report_cron": "0 23 * * MON"}))
    new_weekly = [job for job in declared_jobs(moved.settings) if job.name == "weekly_report"]
    walked = _walk(moved, clock, new_weekly, datetime(2026, 11, 16, 9, tzinfo=AUCKLAND))

    queued = {key: at for key, at in walked.items() if key not in before}
    assert {key.split(":")[2] for key in queued} == {"2026-11-09"}, queued
    first = min(queued.values()).astimezone(AUCKLAND)
    assert datetime(2026, 11, 16, 22, tzinfo=AUCKLAND) <= first < datetime(2026, 11, 16, 22, 5, tzinfo=AUCKLAND)
    assert [r["week"] for r in list_runs(app.store, "demo")] == ["2026-11-09", "2026-11-02"]  # each built once
    records = last_runs(app.store, "weekly_report", limit=20)
    assert [r["status"] for r in records if r["status"] != "done"] == [], records


def test_the_failure_mail_names_the_command_that_sends_the_week_that_failed(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Monday run fails on an expired Meta token for a business in Auckland whose accounts count Los Angeles'
    days. The owner's mail said "'firstmate intel run --send' sends it at once", which sends the week before (had
    already). It now names the week that failed, and from when that week can be sent."""
    from firstmate.services.scheduler import run_due_jobs

    app, clock, weekly = _auckland_after_last_weeks_report(intel_app, standin, monkeypatch)
    standin.meta_faults.token_expired = True
    clock.set(datetime(2026, 11, 16, 7, 1, tzinfo=AUCKLAND))

    [failed] = run_due_jobs(app.store, clock, weekly, app)

    assert failed.status == "failed", failed
    [mail] = [e for e in outbox.list_entries(app.store, "demo", limit=None) if e.key.startswith("report:weekly:failed")]
    text = " ".join(mail.message.text.split())
    assert "'firstmate intel run --org demo --week 2026-11-09 --send' sends it" in text, text
    assert "from Mon Nov 16 21:00 Pacific/Auckland time" in text, text
    assert "'firstmate intel run --send'" not in text, text


def test_the_failure_mail_of_a_run_by_hand_says_from_when_its_command_sends_the_week(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Monday 10:00 in Auckland, the accounts counting Los Angeles' days: `jobs run weekly_report` by hand fails on
    an expired Meta token. The owner's mail said "'firstmate intel run --org demo --week 2026-11-09 --send' sends it
    at once"; run at once, that command is refused (the week is not over in Los Angeles until 21:00). The mail now
    says from when it sends the week, and the command does then."""
    from contextlib import nullcontext

    from typer.testing import CliRunner

    from firstmate.cli import cli
    from firstmate.services.scheduler import run_job_now

    app, clock, weekly = _auckland_after_last_weeks_report(intel_app, standin, monkeypatch)
    standin.meta_faults.token_expired = True
    clock.set(datetime(2026, 11, 16, 10, tzinfo=AUCKLAND))

    assert run_job_now(app.store, clock, weekly[0], app).status == "failed"

    [mail] = [e for e in outbox.list_entries(app.store, "demo", limit=None) if e.key.startswith("report:weekly:failed")]
    text = " ".join(mail.message.text.split())
    assert "'firstmate intel run --org demo --week 2026-11-09 --send' sends it from Mon Nov 16 21:00" in text, text
    standin.meta_faults.token_expired = False
    monkeypatch.setattr("firstmate.cli.intel.app_context", lambda: nullcontext(app))
    command = ["intel", "run", "--org", "demo", "--week", "2026-11-09", "--send"]
    clock.set(datetime(2026, 11, 16, 10, 5, tzinfo=AUCKLAND))
    assert CliRunner().invoke(cli, command, env={"COLUMNS": "200"}).exit_code != 0  # as the mail says: not yet
    clock.set(datetime(2026, 11, 16, 21, 0, tzinfo=AUCKLAND))
    sent = CliRunner().invoke(cli, command, env={"COLUMNS": "200"})
    assert sent.exit_code == 0, sent.output


def test_the_failure_mail_of_a_run_by_hand_once_the_accounts_week_is_over_says_its_command_sends_it_at_once(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 21:30, the accounts' week over in Los Angeles since 21:00, a run by hand that fails says the command sends
    the week at once, not "from" a time gone by."""
    from firstmate.services.scheduler import run_job_now

    app, clock, weekly = _auckland_after_last_weeks_report(intel_app, standin, monkeypatch)
    standin.meta_faults.token_expired = True
    clock.set(datetime(2026, 11, 16, 21, 30, tzinfo=AUCKLAND))

    assert run_job_now(app.store, clock, weekly[0], app).status == "failed"

    [mail] = [e for e in outbox.list_entries(app.store, "demo", limit=None) if e.key.startswith("report:weekly:failed")]
    text = " ".join(mail.message.text.split())
    assert "'firstmate intel run --org demo --week 2026-11-09 --send' sends it at once." in text, text


def test_a_failed_rebuild_by_hand_of_a_week_sent_at_seven_does_not_tell_the_owner_it_did_not_run(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The week of 2026-11-09 goes out at 07:00; at 10:00 someone runs `jobs run weekly_report` by hand, a rebuild,
    and it fails on an expired Meta token. The owner was mailed "The weekly marketing report … did not run", and the
    reports page said so at its top, of a week that went out. Now the one who ran it sees the error in the terminal,
    saying the week went out as sent; the owner gets no mail, the page shows no failure."""
    from contextlib import nullcontext

    from typer.testing import CliRunner

    from firstmate.cli import cli
    from firstmate.services.intel import list_failures, list_runs
    from firstmate.services.scheduler import run_due_jobs

    app, clock, weekly = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN)
    [at_seven] = run_due_jobs(app.store, clock, weekly, app)
    assert at_seven.status == "done", at_seven
    [sent] = list_runs(app.store, "demo")
    standin.meta_faults.token_expired = True
    clock.set(datetime(2026, 11, 16, 10, tzinfo=LOS_ANGELES))
    monkeypatch.setattr("firstmate.cli.jobs.app_context", lambda: nullcontext(app))

    by_hand = CliRunner().invoke(cli, ["jobs", "run", "weekly_report"], env={"COLUMNS": "400"})

    assert by_hand.exit_code != 0, by_hand.output  # the one who ran it sees it failed, and why
    said = " ".join(by_hand.output.split())
    assert "a rebuild by hand of the week of 2026-11-09 failed" in said, said
    assert f"the week went out as sent (run {sent['run_id']})" in said, said
    assert not [e for e in outbox.list_entries(app.store, "demo", limit=None) if e.key.startswith("report:weekly:f")]
    assert list_failures(app.store, "demo") == []  # no "failed" at the top of /admin/reports


def test_changing_the_orgs_zone_while_its_run_waits_still_sends_the_week_it_waited_for(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Monday run waits for the accounts' week (22:00 in Auckland); at 09:00 the owner moves the business to Los
    Angeles, where it is still Sunday at that run's 07:00. At 22:00 the run took the week before (Nov 2–8, sent last
    week) for its own, said "sent already", and the week it had waited for never went out. It now sends that week."""
    from firstmate.services.intel import list_runs
    from firstmate.services.scheduler import last_runs, run_due_jobs

    app, clock, weekly = _auckland_after_last_weeks_report(intel_app, standin, monkeypatch)
    before = {entry.key for entry in outbox.list_entries(app.store, "demo", limit=None)}
    clock.set(datetime(2026, 11, 16, 7, 1, tzinfo=AUCKLAND))
    [at_seven] = run_due_jobs(app.store, clock, weekly, app)
    assert at_seven.status == "waiting", at_seven
    clock.set(datetime(2026, 11, 16, 9, tzinfo=AUCKLAND))
    _business_in(app, "America/Los_Angeles")

    walked = _walk(app, clock, weekly, datetime(2026, 11, 16, 9, tzinfo=AUCKLAND))

    queued = {key: at for key, at in walked.items() if key not in before}
    assert {key.split(":")[2] for key in queued} == {"2026-11-09"}, queued
    assert [r["week"] for r in list_runs(app.store, "demo")] == ["2026-11-09", "2026-11-02"]
    [record] = [r for r in last_runs(app.store, "weekly_report") if r["period"] == "2026-11-16T07:00"]
    assert record["status"] == "done" and "sent already" not in record["detail"], record


def test_a_run_by_hand_at_the_moment_the_waiting_run_starts_is_built_once(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Monday run waits for the accounts' week (22:00 in Auckland). At 22:00 the owner sends the week by hand,
    `intel run --week 2026-11-09 --send`, and while it pulls Meta's figures the waiting run starts: it found the week
    not sent yet, and pulled and built it too (sent once, but two runs listed). It now sees the build under way,
    waits for it, and then finds the week sent: built once."""
    from contextlib import nullcontext

    from typer.testing import CliRunner

    from firstmate.adapters.sources.meta_ads import MetaAdsSource
    from firstmate.cli import cli
    from firstmate.services.intel import list_runs
    from firstmate.services.scheduler import last_runs, run_due_jobs

    app, clock, weekly = _waiting_at_seven_in_auckland(intel_app, standin, monkeypatch)
    clock.set(datetime(2026, 11, 16, 22, tzinfo=AUCKLAND))
    pull, meanwhile = MetaAdsSource.pull, []

    def pull_as_the_waiting_run_starts(source: MetaAdsSource, *args: Any) -> Any:
        if not meanwhile:  # the run by hand's first pull: the scheduler's pass comes just then
            meanwhile.append(None)
            meanwhile.extend(run_due_jobs(app.store, clock, weekly, app))
        return pull(source, *args)

    monkeypatch.setattr(MetaAdsSource, "pull", pull_as_the_waiting_run_starts)
    monkeypatch.setattr("firstmate.cli.intel.app_context", lambda: nullcontext(app))
    by_hand = CliRunner().invoke(cli, ["intel", "run", "--week", "2026-11-09", "--send"], env={"COLUMNS": "200"})
    assert by_hand.exit_code == 0, by_hand.output
    [sent] = list_runs(app.store, "demo")
    [_, alongside] = meanwhile
    assert alongside.status == "waiting", alongside
    assert "another run is building the week of 2026-11-09" in alongside.detail, alongside.detail
    monkeypatch.setattr(MetaAdsSource, "pull", pull)

    queued = _walk(app, clock, weekly, datetime(2026, 11, 16, 22, 5, tzinfo=AUCKLAND))

    assert [run["run_id"] for run in list_runs(app.store, "demo")] == [sent["run_id"]]  # built once
    assert {key.split(":")[2] for key in queued} == {"2026-11-09"}, queued  # the mail queued by hand, once
    [record] = [r for r in last_runs(app.store, "weekly_report") if r["period"] == "2026-11-16T07:00"]
    assert record["status"] == "done", record
    assert f"demo: the week of 2026-11-09 was sent already (run {sent['run_id']}); not built again" in record["detail"]


def test_intel_run_send_finding_a_stopped_build_of_its_week_says_in_the_businesss_time_when_it_may_go_again(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`intel run --week 2026-11-09 --send` was killed at 21:58 in Auckland, mid-pull; run again at 21:59 it waits,
    then stops. It said "(since 2026-11-16T08:58:00.000000Z)" and "try again when it is done", of a process that is
    gone: the owner could not tell when that would be. It now says when, in the business's time, and from when the
    stopped one's turn has lapsed."""
    from contextlib import nullcontext

    from typer.testing import CliRunner

    from firstmate.cli import cli
    from firstmate.services import leases
    from firstmate.services.intel import list_runs

    app, clock, _ = _monday_in_auckland(intel_app, standin, monkeypatch)
    clock.set(datetime(2026, 11, 16, 21, 58, tzinfo=AUCKLAND))
    killed = leases.exclusive(app, "demo", "weekly-build#2026-11-09", doing="building the weekly report")
    killed.__enter__()  # never left: the process was killed mid-pull
    _of_another_machine(app, "weekly-build#2026-11-09")  # this laptop's own would be free at once, its process gone
    clock.set(datetime(2026, 11, 16, 21, 59, tzinfo=AUCKLAND))
    monkeypatch.setattr(leases, "WAIT_S", 0.2)
    monkeypatch.setattr("firstmate.cli.intel.app_context", lambda: nullcontext(app))

    again = CliRunner().invoke(cli, ["intel", "run", "--week", "2026-11-09", "--send"], env={"COLUMNS": "200"})

    assert again.exit_code != 0
    said = " ".join(str(again.exception).split())
    assert "another process is building the weekly report of the week of 2026-11-09" in said, said
    assert "(since Mon Nov 16 21:58 Pacific/Auckland time)" in said, said
    assert "should it have stopped, it can be run again from Mon Nov 16 22:08 Pacific/Auckland time" in said, said
    assert list_runs(app.store, "demo") == []


def test_a_run_by_hand_slower_than_its_turn_is_not_built_twice_with_the_waiting_run(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 22:00 the owner sends the week by hand; the waiting run finds it under way and looks again at 22:10. Meta
    is slow: the build by hand is still pulling then. Its turn, never renewed, had lapsed at 22:10, so the waiting
    run built and sent the week too, and the build by hand went on and stored its own: two runs of the week listed.
    The build by hand now keeps its turn while it works, or, found taken over, stops storing nothing: built once."""
    from contextlib import nullcontext

    from typer.testing import CliRunner

    from firstmate.adapters.sources.meta_ads import MetaAdsSource
    from firstmate.cli import cli
    from firstmate.services.intel import list_runs
    from firstmate.services.scheduler import run_due_jobs

    app, clock, weekly = _waiting_at_seven_in_auckland(intel_app, standin, monkeypatch)
    clock.set(datetime(2026, 11, 16, 22, tzinfo=AUCKLAND))
    pull, passes = MetaAdsSource.pull, []

    def slow_pull(source: MetaAdsSource, *args: Any) -> Any:
        if not passes:  # the waiting run's pass comes as the build by hand starts; the next while Meta is slow
            passes.extend(run_due_jobs(app.store, clock, weekly, app))
            for minutes in (4, 8, 12):
                clock.set(datetime(2026, 11, 16, 22, minutes, tzinfo=AUCKLAND))
                passes.extend(run_due_jobs(app.store, clock, weekly, app))
        return pull(source, *args)

    monkeypatch.setattr(MetaAdsSource, "pull", slow_pull)
    monkeypatch.setattr("firstmate.cli.intel.app_context", lambda: nullcontext(app))
    by_hand = CliRunner().invoke(cli, ["intel", "run", "--week", "2026-11-09", "--send"], env={"COLUMNS": "200"})
    monkeypatch.setattr(MetaAdsSource, "pull", pull)

    _walk(app, clock, weekly, datetime(2026, 11, 16, 22, 15, tzinfo=AUCKLAND))

    # the one who ran it reads that another took over and stored nothing of theirs
    said = " ".join(str(by_hand.exception).split())
    assert "another took over: nothing more of it was stored" in said, said
    assert "the run that took over builds and sends the week" in said and "run it again" not in said, said

    assert [run["week"] for run in list_runs(app.store, "demo")] == ["2026-11-09"]  # built once
    queued = [e.key for e in outbox.list_entries(app.store, "demo", limit=None) if e.key.startswith("report:weekly:2")]
    assert len(queued) == 2, queued  # once to each recipient


def test_jobs_run_by_hand_finding_a_stopped_build_of_the_week_says_from_when_to_run_it_again(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`intel run --week 2026-11-09 --send` was killed at 21:58 in Auckland, mid-pull; at 21:59 `jobs run
    weekly_report` said "✓ … another run is building the week of 2026-11-09 (since …); not built again", as if the
    week were on its way: nothing builds it, and the one who ran it could not tell. It now says from when to run it
    again, should that build have stopped."""
    from contextlib import nullcontext

    from typer.testing import CliRunner

    from firstmate.cli import cli
    from firstmate.services import leases

    app, clock, _ = _monday_in_auckland(intel_app, standin, monkeypatch)
    clock.set(datetime(2026, 11, 16, 21, 58, tzinfo=AUCKLAND))
    killed = leases.exclusive(app, "demo", "weekly-build#2026-11-09", doing="building the weekly report")
    killed.__enter__()  # never left: the process was killed mid-pull
    _of_another_machine(app, "weekly-build#2026-11-09")  # this laptop's own would be free at once, its process gone
    clock.set(datetime(2026, 11, 16, 21, 59, tzinfo=AUCKLAND))
    monkeypatch.setattr("firstmate.cli.jobs.app_context", lambda: nullcontext(app))

    by_hand = CliRunner().invoke(cli, ["jobs", "run", "weekly_report"], env={"COLUMNS": "400"})

    said = " ".join(by_hand.output.split())
    assert "demo: another run is building the week of 2026-11-09 (since Mon Nov 16 21:58 Pacific/Auckland time)" in said
    assert "should it have stopped, run this again from Mon Nov 16 22:08 Pacific/Auckland time" in said, said


def test_a_run_left_waiting_past_its_catch_up_says_it_was_skipped_and_how_to_send_its_week(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: the Monday run waits for the accounts' week (22:00 in Auckland), and firstmate is not running
    again until the next Monday, past the run's six days of catch-up. The run was never taken up, and `jobs list`
    still said "run again from 2026-11-16T09:00 UTC … its report goes out from Mon Nov 16 22:00" (then nothing,
    once the next Monday's run stood before it): the week of 2026-11-09 was never sent, and nobody heard. The run is
    now recorded skipped, saying so and how to send that week by hand, in `jobs list`, the log and to the owner."""
    from contextlib import nullcontext

    from typer.testing import CliRunner

    from firstmate.cli import cli
    from firstmate.services.scheduler import last_runs, run_due_jobs

    app, clock, weekly = _waiting_at_seven_in_auckland(intel_app, standin, monkeypatch)
    clock.set(datetime(2026, 11, 23, 8, tzinfo=AUCKLAND))  # back a week later: this Monday's run is due too
    runs = run_due_jobs(app.store, clock, weekly, app)

    by_hand = "'firstmate intel run --org demo --week 2026-11-09 --send'"
    [skipped] = [run for run in runs if run.period == datetime(2026, 11, 16, 7, tzinfo=AUCKLAND)]
    assert skipped.given_up and "skipped" in skipped.detail and by_hand in skipped.detail, skipped
    [record] = [r for r in last_runs(app.store, "weekly_report", limit=20) if r["period"] == "2026-11-16T07:00"]
    assert record["status"] == "skipped" and "goes out from" not in record["detail"], record
    monkeypatch.setattr("firstmate.cli.jobs.app_context", lambda: nullcontext(app))
    listed = CliRunner().invoke(cli, ["jobs", "list"], env={"COLUMNS": "900"}).output
    [row] = [line for line in listed.splitlines() if "weekly_report" in line]
    assert "skipped" in row and by_hand in row and "run again from 2026-11-16" not in row, row
    [mail] = [e for e in outbox.list_entries(app.store, "demo", limit=None) if e.key.startswith("report:weekly:failed")]
    text = " ".join(mail.message.text.split())
    assert "skipped" in text and f"{by_hand} sends the week at once" in text and "tried again" not in text, text


def test_an_owner_told_the_run_is_taken_up_again_is_told_too_once_it_was_skipped(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Monday run fails (Meta refuses the token) and its owner is mailed "a scheduled run is taken up again at
    Mon Nov 16 22:00 all the same"; firstmate is then not running until the next Monday, past the run's six days of
    catch-up, and the run is skipped. The skip's mail shared the failure's key (one a week), so it was dropped as sent
    already: the owner's last word was that the run would be taken up again, and the week was never sent. The skip
    is mailed too, once, with the command that sends the week."""
    from firstmate.services.scheduler import run_due_jobs

    app, clock, weekly = _auckland_after_last_weeks_report(intel_app, standin, monkeypatch)
    standin.meta_faults.token_expired = True
    clock.set(datetime(2026, 11, 16, 7, 1, tzinfo=AUCKLAND))
    run_due_jobs(app.store, clock, weekly, app)
    first = " ".join(m.message.text for m in outbox.list_entries(app.store, "demo", limit=None))
    assert "taken up again at Mon Nov 16 22:00 Pacific/Auckland time" in " ".join(first.split()), first

    clock.set(datetime(2026, 11, 23, 8, tzinfo=AUCKLAND))  # back a week later, past the run's catch-up
    run_due_jobs(app.store, clock, weekly, app)
    run_due_jobs(app.store, clock, weekly, app)  # a second pass tells nobody again
    by_hand = "'firstmate intel run --org demo --week 2026-11-09 --send' sends the week at once"
    told = [" ".join(e.message.text.split()) for e in outbox.list_entries(app.store, "demo", limit=None)]
    assert len([text for text in told if by_hand in text and "skipped" in text]) == 1, told


def _of_another_machine(app: App, name: str) -> None:
    """The org's turn `name` as one taken on another machine sharing the home: no process of this one to look at,
    the turn held until its ttl (`leases.exclusive`)."""
    from dataclasses import replace

    turn = app.store.get("ORG#demo#LEASE", name)
    assert turn is not None
    elsewhere = {**turn.data, "runner": {**turn.data["runner"], "host": "another-laptop.example.com"}}
    app.store.put(replace(turn, data=elsewhere))
