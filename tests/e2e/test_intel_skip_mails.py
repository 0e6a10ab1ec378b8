"""A scheduled weekly run skipped (its six days of catch-up over) that finds its week sent, or being sent, by another
run: its owner is not mailed that the week was "not sent", and what the skip says is true once it is recorded."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date, datetime, timedelta

import pytest

from firstmate.bootstrap import App
from firstmate.domain.analysis import Analysis, rules_analysis
from firstmate.domain.intel import WeeklyFacts
from firstmate.services import outbox
from firstmate.services.scheduler import JobRun
from firstmate.standin.server import StandIn
from tests.e2e.test_intel_account_week import AUCKLAND, _waiting_at_seven_in_auckland

SKIP_MAIL = "report:weekly:failed:2026-11-09:demo:skipped"
BY_HAND = "'firstmate intel run --org demo --week 2026-11-09 --send'"
#: back the Monday after, before its own run: the waiting run's six days of catch-up ended at 07:00 on Sunday
BACK = datetime(2026, 11, 23, 6, tzinfo=AUCKLAND)


def _mail_keys(app: App) -> list[str]:
    return [entry.key for entry in outbox.list_entries(app.store, "demo", limit=None)]


def _skip_record(app: App) -> dict[str, object]:
    from firstmate.services.scheduler import last_runs

    [record] = [r for r in last_runs(app.store, "weekly_report", limit=20) if r["period"] == "2026-11-16T07:00"]
    return record


def _weekly_row(app: App, monkeypatch: pytest.MonkeyPatch) -> str:
    from typer.testing import CliRunner

    from firstmate.cli import cli

    monkeypatch.setattr("firstmate.cli.jobs.app_context", lambda: nullcontext(app))
    listed = CliRunner().invoke(cli, ["jobs", "list"], env={"COLUMNS": "900"}).output
    [row] = [line for line in listed.splitlines() if "weekly_report" in line]
    return " ".join(row.split())


def test_a_skip_while_a_build_by_hand_sends_the_week_waits_for_it_and_mails_nobody_not_sent(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: the Monday run waited for its Los Angeles accounts' week and firstmate was off past its catch-up.
    Back on the next Monday, the owner runs `intel run --week 2026-11-09 --send` as the scheduler's first pass
    skips the run: the skip found the week not sent yet (the build had not stored it) and mailed the owner "did not
    run … sends the week at once", a week in their inbox a minute later. The skip now waits for the build holding
    the week's turn: that pass records nothing, and the next one, the week sent, says so and mails nobody."""
    from firstmate.services.intel import run_weekly
    from firstmate.services.scheduler import run_due_jobs
    from tests.e2e.conftest import intel_sources

    app, clock, weekly = _waiting_at_seven_in_auckland(intel_app, standin, monkeypatch)
    clock.set(BACK)
    during: list[list[JobRun]] = []

    class PassMeanwhile:
        """The model writing the analysis of the build by hand, while the scheduler's pass runs in another process."""

        name = "rules"

        def analyse(self, facts: WeeklyFacts) -> Analysis:
            during.append(run_due_jobs(app.store, clock, weekly, app))
            return rules_analysis(facts)

    by_hand = run_weekly(app, "demo", *intel_sources(standin.url), week=date(2026, 11, 9), send=True,
                         analyst=PassMeanwhile())  # fmt: skip

    assert during == [[]], during  # that pass left the skip to after the build: nothing recorded, nothing said
    assert SKIP_MAIL not in _mail_keys(app), _mail_keys(app)
    [skipped] = run_due_jobs(app.store, clock, weekly, app)  # the next pass
    assert skipped.skipped and f"the week of 2026-11-09 was sent (run {by_hand.run_id})" in skipped.detail, skipped
    assert "not sent" not in skipped.detail, skipped
    assert _skip_record(app)["status"] == "skipped"
    assert not [key for key in _mail_keys(app) if key.startswith("report:weekly:failed:")], _mail_keys(app)
    assert "what it left to do by hand was done since" in _weekly_row(app, monkeypatch)


def test_a_skip_after_a_send_by_hand_and_a_recipient_added_since_says_who_had_the_week_and_mails_nothing(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known gap: the owner sent the waiting week by hand on Tuesday, then added a bookkeeper to the weekly report's
    recipients, and firstmate, off since Monday, skipped the run on its return: the skip asked the week sent to every
    recipient now, and mailed the owner "The weekly marketing report did not run … sends the week at once", of a week
    they had read, and marked it failed on the reports page. The week went out: nobody is mailed, nothing is marked
    failed, and the skip says who had it, when, and how to send it to the bookkeeper alone."""
    from firstmate.services.business import load_business, save_business
    from firstmate.services.intel import list_failures, run_weekly
    from firstmate.services.scheduler import run_due_jobs
    from tests.e2e.conftest import intel_sources

    app, clock, weekly = _waiting_at_seven_in_auckland(intel_app, standin, monkeypatch)
    clock.set(datetime(2026, 11, 17, 9, 30, tzinfo=AUCKLAND))  # firstmate off since Monday; the owner sends it
    run_weekly(app, "demo", *intel_sources(standin.url), week=date(2026, 11, 9), send=True)
    profile = load_business(app.store, "demo")
    assert profile is not None
    had = ", ".join(sorted(profile.org.report_recipients))  # marketing@ and owner@example.com
    recipients = (*profile.org.report_recipients, "bookkeeper@example.com")
    org = profile.org.model_copy(update={"report_recipients": recipients})
    save_business(app.store, profile.model_copy(update={"org": org}))

    clock.set(BACK)
    [skipped] = run_due_jobs(app.store, clock, weekly, app)

    said = " ".join(skipped.detail.split())
    assert (
        f"the week of 2026-11-09 was sent to {had} on Tue Nov 17 09:30 Pacific/Auckland time (run 2026-11-09-"
    ) in said, said
    assert (
        f"not to bookkeeper@example.com, added since: {BY_HAND} sends it to them alone" in said
    ), said  # fmt: skip
    assert "was not sent" not in said, said
    assert not [key for key in _mail_keys(app) if key.startswith("report:weekly:failed:")], _mail_keys(app)
    assert list_failures(app.store, "demo") == []  # the reports page says nothing failed
    assert "what it left to do by hand was done since" in _weekly_row(app, monkeypatch)


def test_a_skip_left_for_a_build_killed_mid_way_tells_the_owner_once_that_builds_turn_has_run_out(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build by hand that held the week's turn was killed mid-way (the laptop closed): the skip left to after it
    is not left for good. Once that turn has run out (ten minutes), the next pass records the run skipped, the week
    not sent, and its owner is mailed the command that sends it, once."""
    from firstmate.services import leases
    from firstmate.services.scheduler import run_due_jobs

    app, clock, weekly = _waiting_at_seven_in_auckland(intel_app, standin, monkeypatch)
    clock.set(BACK)
    killed = leases.exclusive(app, "demo", "weekly-build#2026-11-09", doing="building the weekly report")
    killed.__enter__()  # never left: its process is gone
    assert run_due_jobs(app.store, clock, weekly, app) == []
    assert _skip_record(app)["status"] == "waiting" and SKIP_MAIL not in _mail_keys(app)
    # meanwhile `jobs list` said "run again from 2026-11-16T09:00 UTC", a week gone, as if it were still to run
    row = _weekly_row(app, monkeypatch)
    assert "its catch-up window closed first, to be recorded skipped by a coming pass" in row, row
    assert "run again from" not in row, row

    clock.advance(leases.LEASE)
    [skipped] = run_due_jobs(app.store, clock, weekly, app)
    run_due_jobs(app.store, clock, weekly, app)  # a second pass tells nobody again
    assert skipped.skipped and f"demo: the week of 2026-11-09 was not sent; {BY_HAND} sends it" in skipped.detail
    assert _mail_keys(app).count(SKIP_MAIL) == 1, _mail_keys(app)
    [mail] = [e for e in outbox.list_entries(app.store, "demo", limit=None) if e.key == SKIP_MAIL]
    assert f"{BY_HAND} sends the week at once" in " ".join(mail.message.text.split())


def test_a_skip_as_a_build_by_hand_outlasts_its_turn_leaves_that_build_to_send_the_week(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The owner's build by hand of the week is slow in one step (the model's analysis took eleven minutes), past the
    ten minutes of its turn, as the scheduler's pass skips the run. The skip took the lapsed turn to read the week:
    the build, which would have taken its turn back and sent the week, stopped storing nothing, and told its owner
    "the run that took over builds and sends the week", which no run did: the week never went out. The skip now only
    looks whether a build holds the turn: the build goes on and sends the week."""
    from firstmate.services import leases
    from firstmate.services.intel import run_weekly
    from firstmate.services.scheduler import run_due_jobs
    from tests.e2e.conftest import intel_sources

    app, clock, weekly = _waiting_at_seven_in_auckland(intel_app, standin, monkeypatch)
    clock.set(BACK)

    class SlowModel:
        """A model slower than the build's turn, the scheduler's pass coming meanwhile in another process."""

        name = "rules"

        def analyse(self, facts: WeeklyFacts) -> Analysis:
            clock.advance(leases.LEASE + timedelta(minutes=1))
            run_due_jobs(app.store, clock, weekly, app)
            return rules_analysis(facts)

    by_hand = run_weekly(app, "demo", *intel_sources(standin.url), week=date(2026, 11, 9), send=True,
                         analyst=SlowModel())  # fmt: skip

    assert sorted(by_hand.sent_to) == ["marketing@example.com", "owner@example.com"], by_hand
    assert "report:weekly:2026-11-09:demo:owner@example.com" in _mail_keys(app), _mail_keys(app)
    assert "what it left to do by hand was done since" in _weekly_row(app, monkeypatch)


def test_a_skip_left_for_one_orgs_build_still_tells_another_orgs_owner_their_week_was_not_sent(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two businesses' runs waited and were skipped as firstmate came back; demo's owner was building its week by hand
    (a slow build, renewing its turn). The skip stopped at demo, and Tidewater's owner, whose week nobody sent, heard
    nothing for as long as that build ran. Now every other org is looked at: Tidewater's owner is mailed the command
    at once, and only the run's record waits for demo's build; told once when it is recorded."""
    from firstmate.demo.run import demo_profile
    from firstmate.services import leases
    from firstmate.services.business import save_business
    from firstmate.services.scheduler import run_due_jobs

    profile = demo_profile()
    tidewater = {"id": "tidewater", "name": "Tidewater Charters", "timezone": "Pacific/Auckland",
                 "owner_email": "skipper@example.com", "report_recipients": ()}  # fmt: skip
    org = profile.org.model_copy(update=tidewater)
    save_business(intel_app.store, profile.model_copy(update={"org": org}))
    app, clock, weekly = _waiting_at_seven_in_auckland(intel_app, standin, monkeypatch)
    clock.set(BACK)
    building = leases.exclusive(app, "demo", "weekly-build#2026-11-09", doing="building the weekly report")
    with building:
        assert run_due_jobs(app.store, clock, weekly, app) == []
        told = [entry.key for entry in outbox.list_entries(app.store, "tidewater", limit=None)]
        assert "report:weekly:failed:2026-11-09:tidewater:skipped" in told, told
        assert _skip_record(app)["status"] == "waiting" and SKIP_MAIL not in _mail_keys(app)

    [skipped] = run_due_jobs(app.store, clock, weekly, app)  # the build failed: demo's week was not sent either
    assert "tidewater: the week of 2026-11-09 was not sent" in skipped.detail, skipped
    told = [entry.key for entry in outbox.list_entries(app.store, "tidewater", limit=None)]
    assert told.count("report:weekly:failed:2026-11-09:tidewater:skipped") == 1, told
    assert _mail_keys(app).count(SKIP_MAIL) == 1, _mail_keys(app)
