"""The weekly marketing report of every org with an ad account: each org's week built and sent, or left for
later while an ad account's week is not over (`Later`), one org's failure kept from the others'."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import structlog

from firstmate.bootstrap import App
from firstmate.domain.business import BusinessProfile
from firstmate.domain.intel import week_ends
from firstmate.errors import BuildUnderWay, FirstmateError, LeaseLost, SentAlready, StoreError, WeekNotOver
from firstmate.jobs.failures import unexpected
from firstmate.jobs.schedules import ACCOUNT_WEEK_MARGIN, weekly_schedule
from firstmate.ports import AdsSource, CrmSource
from firstmate.services.business import list_orgs, load_business
from firstmate.services.intel import (
    keep_scheduled_week,
    last_complete_week,
    moment_in,
    record_failure,
    record_scheduled_run,
    recorded_account_zones,
    run_weekly,
    scheduled_run_done,
    scheduled_week,
    sent_already,
)
from firstmate.services.scheduler import FailedMeanwhile, JobFailed, Later, scheduled_period
from firstmate.services.timebox import TimeBox

log = structlog.get_logger(__name__)

#: How long after finding another run building an org's week (`intel run --week … --send` at that very minute) a
#: scheduled run looks again: by then that run has most often sent it, and this one finds it sent.
BUILD_LOOKED_AGAIN = timedelta(minutes=10)


def weekly_reports(app: App, period: datetime, timebox: TimeBox | None = None) -> str | Later:
    """Build and send the weekly marketing report of every org with an ad account. `timebox`: the time of the
    Lambda function running it: an org's build out of it stops, keeping nothing, and is told as failed; the
    orgs not started are left to the run's retry (which skips those sent).

    The week a scheduled run reports is the one just ended in the org's zone. An org whose ad account's zone is
    behind (its Sunday still running there: Los Angeles, for a business in Auckland) is left for later: the run
    is `Later`, run again ACCOUNT_WEEK_MARGIN after that week has ended in every account's zone, and builds it
    then (the week before, whole, went out a week late). A run by hand (at no minute of the schedule) reports
    the last week ended everywhere, at once, as `intel run` does."""
    # a period of the schedule as it was is one too: the cron changed while its run waited (`Job.waits`)
    scheduled = scheduled_period(app.store, weekly_schedule(app.settings, "weekly_report", ""), period)
    sweep = _Sweep(app, period, scheduled, timebox)
    for org in list_orgs(app.store):
        profile = load_business(app.store, org)
        if profile is None or not any(e.meta_ad_account for e in profile.entities):
            continue
        if timebox is not None and timebox.spent() and not scheduled_run_done(app.store, org, period):
            sweep.not_started.append(org)
            continue
        _report_org(sweep, org, profile)
    return _outcome(sweep)


@dataclass
class _Sweep:
    """A sweep of the job through the orgs: its `period`, whether that is one of the schedule (else a run by hand),
    its `timebox`; and what it has to say of the orgs gone through so far, and when it runs again (`later`)."""

    app: App
    period: datetime
    scheduled: bool
    timebox: TimeBox | None
    done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    not_started: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    #: an org failed that a retry in ten minutes may build (not one whose week cannot be built before `later`)
    retry_soon: bool = False
    later: datetime | None = None
    pair: tuple[AdsSource, CrmSource | None] | None = None

    def sources(self) -> tuple[AdsSource, CrmSource | None]:
        """One pair of sources for every org, made for the first that needs them: what they may wait for Meta's
        report runs (10 minutes) is the job's."""
        if self.pair is None:  # with a time limit, its waits (Meta's report runs, backing off) stop short of it
            waits = {} if self.timebox is None else {"sleep": self.timebox.sleep}
            self.pair = (self.app.ads_source(**waits), self.app.crm_source(**waits))
        return self.pair

    def again_at(self, at: datetime) -> None:
        """Run again at `at` at the latest."""
        self.later = at if self.later is None else min(self.later, at)


def _report_org(sweep: _Sweep, org: str, profile: BusinessProfile) -> None:
    """Build and send `org`'s report of its week, or say why not (sent already, built by another run, its ad
    accounts' week not over, failed), in `sweep`."""
    app, period, scheduled, timebox = sweep.app, sweep.period, sweep.scheduled, sweep.timebox
    # the week just ended at the period's time, by name: without figures for it (ads paused) the run
    # fell back to the week before, already sent, and the owner heard nothing that Monday (and a late
    # catch-up, by its own time, could report a week later than its period's)
    week = last_complete_week(period, profile.org.timezone)
    try:
        if scheduled_run_done(app.store, org, period):  # a retry for another org: this one's went out already
            sweep.done.append(f"{org}: sent by an earlier try")
            return
        if scheduled:  # as recorded when its run first waited: the org's zone may have changed since
            week = scheduled_week(app.store, org, period, profile.org.timezone)
        sources = sweep.sources()
        if scheduled and (sent := sent_already(app, org, week)) is not None:
            # sent by hand while the run waited (`intel run --week … --send`): built again, it was listed twice
            sweep.done.append(f"{org}: the week of {week} was sent already (run {sent}); not built again")
            return
        # which, while an ad account's Sunday is still running in its zone (behind the org's), waits for it: the
        # week before, whole, went out a week late; the week just ended, Meta's Sunday half over (by hand, the
        # week before, at once). Taking turns with a build of the week by hand: a scheduled run finding the week
        # sent by the one before it builds nothing (`unless_sent`)
        run = run_weekly(
            app, org, *sources, week=week, send=True, analyst=app.analyst(), or_last_ended=not scheduled,
            settle=ACCOUNT_WEEK_MARGIN if scheduled else timedelta(0), timebox=timebox, unless_sent=scheduled,
            wait_for_build=False,
        )  # fmt: skip
    except SentAlready as exc:  # sent by a build of it by hand that held it just before this run
        sweep.done.append(f"{org}: the week of {exc.week} was sent already (run {exc.run_id}); not built again")
        return
    except (BuildUnderWay, LeaseLost) as exc:  # another run builds and sends it this minute (or took it over from
        # this one, slower than its turn): no failure to tell its owner, looked at again once it has
        _under_way(sweep, org, profile, week, exc)
        return
    except WeekNotOver as exc:  # nothing pulled: built by this period's run once the accounts' week is over
        _keep_week(app, org, period, week)
        at = exc.ends + ACCOUNT_WEEK_MARGIN
        sweep.again_at(at)
        sweep.waiting.append(f"{org}: {exc.message}; its report goes out from {moment_in(at, profile.org.timezone)}")
        return
    except Exception as exc:  # one org's broken token, or a bug, must not stop the others' reports
        _failed(sweep, org, profile, week, exc)
        return
    try:
        record_scheduled_run(app.store, org, period, run.run_id)
    except StoreError as exc:  # it went out: at worst a retry for another org builds it again
        log.warning("intel.scheduled_run_not_noted", org=org, error=str(exc))
    why = f"; {run.not_ended}" if run.not_ended else ""  # the week before: an ad account's is not over
    sweep.done.append(f"{org}: {run.report.subject} (sent to {len(run.sent_to)}){why}")


def _under_way(sweep: _Sweep, org: str, profile: BusinessProfile, week: date, exc: BuildUnderWay | LeaseLost) -> None:
    """Another run builds and sends `org`'s `week` this minute (`LeaseLost`: it took the week over from this run's
    build, which stored nothing): by hand, that is the build asked for; scheduled, the org is looked at again
    BUILD_LOOKED_AGAIN from now."""
    if not sweep.scheduled:  # by hand: the one under way is the build asked for, unless it was killed mid-way
        said = f"{org}: {exc.message}; not built again"
        if isinstance(exc, BuildUnderWay) and exc.until is not None:
            lapses = moment_in(exc.until, profile.org.timezone)
            said += f" (should it have stopped, run this again from {lapses})"
        sweep.done.append(said)
        return
    _keep_week(sweep.app, org, sweep.period, week)
    at = sweep.app.clock.now() + BUILD_LOOKED_AGAIN
    sweep.again_at(at)
    sweep.waiting.append(f"{org}: {exc.message}; looked at again from {moment_in(at, profile.org.timezone)}")


def _failed(sweep: _Sweep, org: str, profile: BusinessProfile, week: date, exc: Exception) -> None:
    """`org`'s build of `week` failed: its owner told (but of a rebuild by hand of a week that went out), with when
    the week can be sent; a scheduled run is taken up again once its ad accounts' week is over."""
    app, period, scheduled = sweep.app, sweep.period, sweep.scheduled
    error = exc if isinstance(exc, FirstmateError) else unexpected("intel.weekly_crashed", org, exc)
    if not scheduled and (went := _sent_as_it_was(app, org, week)) is not None:
        # a rebuild of a week that went out: the one who ran it reads this in the terminal; the owner, told
        # "did not run" of a week in their inbox since 07:00, is not mailed, nor the reports page marked
        sweep.failed.append(f"{org}: a rebuild by hand of the week of {week} failed: {error}; the week went out "
                             f"as sent (run {went}), and its owner was not told")  # fmt: skip
        sweep.retry_soon = True
        return
    if scheduled:
        _keep_week(app, org, period, week)
    # an org whose ad accounts' week is not over yet needed nothing of the sources before then: a token
    # expired at 07:00, renewed at 9:00, cost it that week's report (its tries given up by 07:40, and by hand
    # the week before, had already); once its tries are spent, the run is taken up at its hour all the same
    ends = _account_week_over(app, org, profile, week)
    resumes = ends if scheduled else None
    # the owner is told either way, with when the week can be sent by hand (`intel run --week` refuses it
    # before its accounts' week is over; a run by hand at 10:00 said "at once", and the command was refused)
    over = None if ends is None or ends - ACCOUNT_WEEK_MARGIN <= app.clock.now() else ends - ACCOUNT_WEEK_MARGIN
    record_failure(app, org, error, period, resumes=resumes, week_over=over, week=week)
    if resumes is not None:
        sweep.again_at(resumes)
    # when it is tried again said before the error, which `jobs list` may cut
    its = f"failed, tried again from {moment_in(resumes, profile.org.timezone)}: " if resumes else ""
    sweep.failed.append(f"{org}: {its}{error}")
    sweep.retry_soon = sweep.retry_soon or resumes is None


def _outcome(sweep: _Sweep) -> str | Later:
    """What the run says it did: done; `Later` while an org waits; failed (retried) when one failed."""
    done, failed, waiting, later = sweep.done, list(sweep.failed), sweep.waiting, sweep.later
    if sweep.not_started and sweep.timebox is not None:
        failed.append(f"not started, {sweep.timebox.of} being nearly up: {', '.join(sweep.not_started)}")
    if failed and later is not None:  # retried; the orgs waiting are built at `later` all the same
        # retried before then only for an org a retry may build now: one whose week cannot be built before its hour
        # has its round of tries then (tried at 07:10 and 07:40 for nothing, then three times more at its hour)
        retried = sweep.retry_soon or bool(sweep.not_started)
        said = Later(later, "; ".join([*failed, *waiting, *done]))
        raise FailedMeanwhile("; ".join([*failed, *waiting]), said, retried=retried)
    if failed:
        raise JobFailed("; ".join(failed))  # the run is recorded as failed and retried
    if later is not None:
        return Later(later, "; ".join([*waiting, *done]))
    return "; ".join(done) or "no org has an ad account"


def _keep_week(app: App, org: str, period: datetime, week: date) -> None:
    """Record the week the scheduled run of `period` reports for `org` (`keep_scheduled_week`), as its run waits or
    fails; a store failing now leaves its later runs the week just ended at `period` in the org's zone, as before."""
    try:
        keep_scheduled_week(app.store, org, period, week)
    except StoreError as exc:
        log.warning("intel.scheduled_week_not_kept", org=org, error=str(exc))


def _sent_as_it_was(app: App, org: str, week: date) -> str | None:
    """The run that sent `org`'s `week` to every recipient (`sent_already`), None when none did or it cannot be
    read now (the failure is then told as any: better an owner mailed than a week unsent unsaid)."""
    try:
        return sent_already(app, org, week)
    except Exception:
        log.warning("intel.sent_unread", org=org, exc_info=True)
        return None


def _account_week_over(app: App, org: str, profile: BusinessProfile, week: date) -> datetime | None:
    """When `org`'s scheduled report of `week` would be built, its ad accounts counting another zone's days
    (as its latest run recorded them) and their week not over yet: ACCOUNT_WEEK_MARGIN after it has ended in each;
    None when it has (or no zone is recorded)."""
    accounts = {e.meta_ad_account for e in profile.entities if e.meta_ad_account}
    try:  # said on the way to a failure of its own: never one in its place
        zones = {z for a, z in recorded_account_zones(app, org).items() if a in accounts and z}
    except Exception:
        log.warning("intel.account_zones_unread", org=org, exc_info=True)
        return None
    at = max((week_ends(week, zone) + ACCOUNT_WEEK_MARGIN for zone in zones), default=None)
    return at if at is not None and at > app.clock.now() else None
