"""Every scheduled job, declared once: the local scheduler runs those marked `local`, and the AWS
template's EventBridge schedules are generated from the whole list (`firstmate aws render-template`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import structlog

from firstmate.bootstrap import App
from firstmate.config import Settings
from firstmate.domain.business import BusinessProfile
from firstmate.domain.intel import week_ends
from firstmate.domain.reports.document import ROLES
from firstmate.domain.schedule import Schedule
from firstmate.errors import BlobError, FirstmateError, StoreError
from firstmate.ports import AdsSource, CrmSource
from firstmate.services.bookings import complete_fanouts
from firstmate.services.business import list_orgs, load_business
from firstmate.services.clash_checks import complete_clash_checks
from firstmate.services.clash_index import index_pending
from firstmate.services.crew_freed import list_left_out_pending
from firstmate.services.crew_owed import OwedAsks, complete_owed_asks
from firstmate.services.data import has_data
from firstmate.services.intel import (
    BuildUnderWay,
    SentAlready,
    WeekNotOver,
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
    sweep_archive,
)
from firstmate.services.outbox import TimeLimit, dispatch_outbox
from firstmate.services.outbox_list import reindex_pending
from firstmate.services.photos import sweep_quarantine
from firstmate.services.reminders import send_due_reminders
from firstmate.services.report_list import index_runs_pending
from firstmate.services.reports import run_role_reports
from firstmate.services.roster import list_held_trips
from firstmate.services.scheduler import FailedMeanwhile, Job, Later, scheduled_period, wait_while_running
from firstmate.services.timebox import OutOfTime, TimeBox

log = structlog.get_logger(__name__)


def sweep_expired(app: App, period: datetime) -> str:
    """Delete store items (and rate-limit counts) whose ttl has passed (they already read as absent), and
    local uploads nobody checked a day after they landed (`sweep_quarantine`; S3's bucket rule does it there).
    Counts that cannot be swept (their database read-only or busy) are left for the next run. Outbox
    entries stored before the admin list read them by index are given its keys, "Double booked!"
    messages queued before they were named under their trips are so named, weekly runs stored before
    the reports page listed them by index are given its keys, and trips booked before they kept who they left out
    for being busy are given that list (`list_left_out_pending`), once per org."""
    removed = app.store.sweep_expired()
    orgs = list_orgs(app.store)
    upgrades = (
        reindex_pending(app.store, orgs),
        index_pending(app.store, orgs),
        index_runs_pending(app.store, orgs),
        list_left_out_pending(app, orgs),
    )
    indexed = "; ".join(filter(None, (*upgrades, _unchecked_uploads_swept(app))))
    also = f"; {indexed}" if indexed else ""
    if app.counters is not app.store:
        try:
            removed += app.counters.sweep_expired()
        except StoreError as exc:  # /healthz shows it; the store's own sweep is done all the same
            log.warning("sweep.counters_failed", error=str(exc))
            return f"{removed} expired items removed{also}; rate-limit counts not swept ({exc})"
    return f"{removed} expired items removed{also}"


def _unchecked_uploads_swept(app: App) -> str:
    """What the sweep of local uploads nobody checked did ("2 unchecked uploads removed"), or "" for none; on S3
    the bucket's lifecycle rule does it. A folder it cannot write is logged, and swept on the next run."""
    if app.settings.blobs != "local":
        return ""
    try:
        removed = sweep_quarantine(app, app.clock.now())
    except BlobError as exc:
        log.warning("sweep.quarantine_failed", error=str(exc))
        return ""
    return f"{removed} unchecked upload{'' if removed == 1 else 's'} removed" if removed else ""


def crew_reminders(app: App, period: datetime) -> str:
    """Remind crew of their trips at the configured offsets before departure."""
    offsets = [timedelta(hours=h) for h in app.settings.reminder_offsets_h]
    queued = send_due_reminders(app, offsets, app.clock.now())
    return f"{queued} reminders queued"


def finish_fanouts(app: App, period: datetime) -> str:
    """Queue the rest of any large booking's notices a stopped process left half done, check
    the bookings and blocked slots written since the last pass for double bookings left untold, and
    ask the crew a change freed or made crew whom a stopped process or a store failing left unasked."""
    try:
        queued = complete_fanouts(app)
    finally:  # the checks run even when the fan-outs failed (the run is then retried, the failure said)
        try:
            checks = complete_clash_checks(app)
        finally:  # and the owed asks even when the checks failed
            asks = complete_owed_asks(app)
    left = f", {checks.left} left for the next pass" if checks.left else ""
    said = (
        f"{queued} notices queued; {checks.checked} calendar entries checked, {checks.told} double bookings told{left}"
    )
    return said + _owed_asks_said(asks)


def _owed_asks_said(asks: OwedAsks) -> str:
    """What a pass did of the crew asks owed ("; 1 owed crew ask done: 1 crew member asked"), "" for none."""
    if not (asks.finished or asks.left):
        return ""
    left = f", {asks.left} left for the next pass" if asks.left else ""
    done = f"{asks.finished} owed crew ask{'' if asks.finished == 1 else 's'} done"
    return f"; {done}: {asks.asked} crew member{'' if asks.asked == 1 else 's'} asked{left}"


def roster_lists(app: App, period: datetime) -> str:
    """List in each crew member's roster marker the trips they hold, where not listed yet."""
    listed, failed = 0, []
    for org in list_orgs(app.store):
        try:
            listed += list_held_trips(app, org)
        except FirstmateError as exc:  # one org's trouble must not keep the others' lists from being built
            failed.append(f"{org}: {exc}")
    if failed:
        raise RuntimeError("; ".join(failed))  # the run is recorded as failed and retried
    return f"{listed} crew members' trips listed"


#: How long after an ad account's week has ended (in its zone, behind the business's) the org's scheduled report,
#: left for later by the Monday run, is built: Meta's figures of the account's last hours, a margin to come in.
ACCOUNT_WEEK_MARGIN = timedelta(hours=1)
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
    done, failed, not_started, waiting = [], [], [], []
    later: datetime | None = None
    # one pair of sources for every org: what they may wait for Meta's report runs (10 minutes) is the job's
    sources: tuple[AdsSource, CrmSource | None] | None = None
    for org in list_orgs(app.store):
        profile = load_business(app.store, org)
        if profile is None or not any(e.meta_ad_account for e in profile.entities):
            continue
        if timebox is not None and timebox.spent() and not scheduled_run_done(app.store, org, period):
            not_started.append(org)
            continue
        # the week just ended at the period's time, by name: without figures for it (ads paused) the run
        # fell back to the week before, already sent, and the owner heard nothing that Monday (and a late
        # catch-up, by its own time, could report a week later than its period's)
        week = last_complete_week(period, profile.org.timezone)
        try:
            if scheduled_run_done(app.store, org, period):  # a retry for another org: this one's went out already
                done.append(f"{org}: sent by an earlier try")
                continue
            if scheduled:  # as recorded when its run first waited: the org's zone may have changed since
                week = scheduled_week(app.store, org, period, profile.org.timezone)
            if sources is None:  # with a time limit, its waits (Meta's report runs, backing off) stop short of it
                waits = {} if timebox is None else {"sleep": timebox.sleep}
                sources = (app.ads_source(**waits), app.crm_source(**waits))
            if scheduled and (sent := sent_already(app, org, week)) is not None:
                # sent by hand while the run waited (`intel run --week … --send`): built again, it was listed twice
                done.append(f"{org}: the week of {week} was sent already (run {sent}); not built again")
                continue
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
            done.append(f"{org}: the week of {exc.week} was sent already (run {exc.run_id}); not built again")
            continue
        except BuildUnderWay as exc:  # another run builds and sends it this minute: looked at again once it has
            if not scheduled:  # by hand: the one under way is the build asked for, unless it was killed mid-way
                said = f"{org}: {exc.message}; not built again"
                if exc.until is not None:
                    lapses = moment_in(exc.until, profile.org.timezone)
                    said += f" (should it have stopped, run this again from {lapses})"
                done.append(said)
                continue
            _keep_week(app, org, period, week)
            at = app.clock.now() + BUILD_LOOKED_AGAIN
            later = at if later is None else min(later, at)
            waiting.append(f"{org}: {exc.message}; looked at again from {moment_in(at, profile.org.timezone)}")
            continue
        except WeekNotOver as exc:  # nothing pulled: built by this period's run once the accounts' week is over
            _keep_week(app, org, period, week)
            at = exc.ends + ACCOUNT_WEEK_MARGIN
            later = at if later is None else min(later, at)
            waiting.append(f"{org}: {exc.message}; its report goes out from {moment_in(at, profile.org.timezone)}")
            continue
        except Exception as exc:  # one org's broken token, or a bug, must not stop the others' reports
            error = exc if isinstance(exc, FirstmateError) else _unexpected("intel.weekly_crashed", org, exc)
            if not scheduled and (went := _sent_as_it_was(app, org, week)) is not None:
                # a rebuild of a week that went out: the one who ran it reads this in the terminal; the owner, told
                # "did not run" of a week in their inbox since 07:00, is not mailed, nor the reports page marked
                failed.append(f"{org}: a rebuild by hand of the week of {week} failed: {error}; the week went out "
                              f"as sent (run {went}), and its owner was not told")  # fmt: skip
                continue
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
                later = resumes if later is None else min(later, resumes)
            its = f"; its report goes out from {moment_in(resumes, profile.org.timezone)}" if resumes else ""
            failed.append(f"{org}: {error}{its}")
            continue
        try:
            record_scheduled_run(app.store, org, period, run.run_id)
        except StoreError as exc:  # it went out: at worst a retry for another org builds it again
            log.warning("intel.scheduled_run_not_noted", org=org, error=str(exc))
        why = f"; {run.not_ended}" if run.not_ended else ""  # the week before: an ad account's is not over
        done.append(f"{org}: {run.report.subject} (sent to {len(run.sent_to)}){why}")
    if not_started and timebox is not None:
        failed.append(f"not started, {timebox.of} being nearly up: {', '.join(not_started)}")
    if failed and later is not None:  # retried; the orgs waiting are built at `later` all the same
        raise FailedMeanwhile("; ".join([*failed, *waiting]), Later(later, "; ".join([*failed, *waiting, *done])))
    if failed:
        raise RuntimeError("; ".join(failed))  # the run is recorded as failed and retried
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


#: How long a Monday's role reports wait for the weekly marketing report of the same minute, which the CMO's
#: reads: on AWS each starts a function of its own, and the role reports, done first, read the week before's.
#: The reads are WEEKLY_WAIT_EVERY_S apart, the first at once.
WEEKLY_WAIT_POLLS, WEEKLY_WAIT_EVERY_S = 60, 10.0
#: How long before its function is stopped the role reports job neither waits on for the weekly report nor starts
#: an org's reports: an org's eight are built and queued in seconds (5 s for a large operator), more with the store
#: slow to answer. Stopped by Lambda mid-wait, its run stayed `running` for its 30-minute lease, nothing said.
ROLE_MARGIN_S = 120.0


def role_reports(
    app: App, period: datetime, *, sleep: Callable[[float], None] = time.sleep, timebox: TimeBox | None = None
) -> str:
    """Build and send the eight role reports of every org that has business data, once the weekly marketing
    report of the same period is no longer running (at most (WEEKLY_WAIT_POLLS - 1) × WEEKLY_WAIT_EVERY_S).
    `timebox`: the time of the Lambda function running it, which its wait is shortened to fit: the weekly report
    still running at its end, the run fails, saying so, and is tried again; the orgs not started by its end are
    left to the run's retry (which sends no report twice)."""
    weekly = weekly_schedule(app.settings, "weekly_report", "The weekly marketing report")
    # a scheduled run also waits for the weekly report to start: its function may come up after this one
    # (a manual run, at no minute of the schedule, has none to wait for)
    scheduled = weekly.previous_fire(period) == period
    status = wait_while_running(
        app.store, weekly.name, weekly, period, polls=WEEKLY_WAIT_POLLS, every_s=WEEKLY_WAIT_EVERY_S, sleep=sleep,
        starting=scheduled, time_left=None if timebox is None else timebox.left,  # not waiting on past its time
    )  # fmt: skip
    if status == "running" or (scheduled and status is None):  # the CMO's report says which week it read
        if timebox is not None and timebox.left() < WEEKLY_WAIT_EVERY_S:  # its wait was cut short
            raise OutOfTime(
                f"stopped waiting for the weekly marketing report, still {status or 'not started'}: {timebox.of} "
                "was nearly up; no role report was built",
                hint="tried again by the scheduler, by when the weekly report has most often ended",
            )
        log.warning("reports.weekly_still_running", period=period.isoformat(), status=status or "not started")
    done, failed, not_started = [], [], []
    for org in list_orgs(app.store):
        if not has_data(app.store, org):
            continue
        if timebox is not None and timebox.spent():
            not_started.append(org)
            continue
        try:
            runs = run_role_reports(app, org, ROLES, send=True, secrets=app.secrets)
        except Exception as exc:  # one org's bad data, or a bug, must not stop the others' reports
            error = exc if isinstance(exc, FirstmateError) else _unexpected("reports.roles_crashed", org, exc)
            failed.append(f"{org}: {error}")
            continue
        done.append(f"{org}: {len(runs)} reports (sent to {sum(len(r.sent_to) for r in runs)})")
    if not_started and timebox is not None:
        failed.append(f"not started, {timebox.of} being nearly up: {', '.join(not_started)}")
    if failed:
        raise RuntimeError("; ".join(failed))
    return "; ".join(done) or "no org has business data yet"


def _unexpected(event: str, org: str, exc: Exception) -> FirstmateError:
    """An error firstmate did not raise on purpose, logged whole and said in one line."""
    log.exception(event, org=org)
    return FirstmateError(f"an unexpected error ({type(exc).__name__}: {exc})", hint="the log has the details")


def sweep_archives(app: App, period: datetime) -> str:
    """Delete raw API archives older than 90 days."""
    return f"{sweep_archive(app, app.clock.now())} archived pages removed"


def dispatch_due(app: App, period: datetime, until: TimeLimit | None = None) -> str:
    """Deliver messages whose next attempt is due (on AWS the stream delivers new ones at once;
    this picks up retries after a backoff). AWS only: locally the dispatcher loop does this on every
    pass, and a second sender beside it would put two sends in flight, so a crash could repeat two.
    `until`: the function's time, in which it claims only what it can send and record."""
    report = dispatch_outbox(
        app.store, app.mailer, app.clock, app.retry_policy, keys=app.signing_keys, limit=200, until=until
    )
    done = f"{report.sent} sent, {report.retrying} to retry, {report.dead} dead"
    if report.left:
        return f"{done}; {report.left} left for the next run: too little of the function's time left to send one"
    return done


#: How long before its function is stopped (a Lambda's 15 minutes) the weekly report stops itself: the step
#: under way when its time is up (a model's analysis, up to 180 s; a source's call, 30 s) ends, what the build
#: began is deleted and its failure recorded (stopped by Lambda mid-way, the run stayed `running` for its
#: 30-minute lease, and nothing said why).
WEEKLY_MARGIN_S = 210.0
FUNCTION_TIME = "the function's 15 minutes"
#: The function time a job must have left to be started as another's catch-up (`Job.needs_s`; a Lambda function
#: runs the other jobs due after its own): the weekly report its margin and Meta's report runs' 10 minutes (with
#: less it would most often stop itself, a try spent for nothing), the role reports their margin and a minute,
#: the others a pass of a few store calls (each up to 24 s at worst). Those left are taken up by a later pass.
WEEKLY_NEEDS_S = WEEKLY_MARGIN_S + 600.0
ROLE_NEEDS_S = ROLE_MARGIN_S + 60.0
PASS_NEEDS_S = 90.0


#: A Monday report missed (the machine off from Saturday to Monday afternoon) still goes out late in
#: the week: it reports the last complete week whenever it runs. With the 6 hours other jobs have,
#: the week's reports were skipped without a word.
WEEKLY_CATCH_UP = timedelta(days=6)


def late_week_warnings(
    settings: Settings, orgs: list[tuple[str, str]], now: datetime,
    account_zones: Mapping[str, Mapping[str, str | None]] | None = None,
) -> list[str]:  # fmt: skip
    """A line for each org (id, time zone) whose week has not ended when the weekly reports next fire,
    their schedule's zone (`timezone`) being ahead of the org's: its Monday report would be of the week before,
    a week stale, unsaid; and for each whose ad accounts' has not (`account_zones`: by org, the zone each account
    counts its days in, as a run recorded them; Meta's weeks are the account's): its report waits for that week
    to end, and goes out later that day (`weekly_reports`), which is said with the hour."""
    schedule = Schedule("weekly_report", settings.weekly_report_cron, settings.timezone)
    fire = schedule.next_fire(now)
    when = f"when the weekly reports run ({settings.weekly_report_cron} in {settings.timezone})"
    lines = [
        f"org {org!r} is in {zone}, where the week has not ended {when}: its reports would be a week old; "
        f"set timezone = {zone!r} in the settings"
        for org, zone in orgs
        if last_complete_week(fire, zone) < last_complete_week(fire, settings.timezone)
    ]
    for org, zone in orgs:
        week = last_complete_week(fire, zone)  # the week its report is of, were every account's over
        zones = {a: z for a, z in sorted((account_zones or {}).get(org, {}).items()) if z}
        behind = {z for z in zones.values() if last_complete_week(fire, zone, z) < week}
        if not behind:
            continue
        ends, late = max((week_ends(week, z), z) for z in behind)
        accounts = [a for a, z in zones.items() if z == late]
        whose = (
            f"ad account {accounts[0]} counts its"
            if len(accounts) == 1
            else f"ad accounts {', '.join(accounts[:-1])} and {accounts[-1]} count their"
        )
        local = (ends + ACCOUNT_WEEK_MARGIN).astimezone(ZoneInfo(settings.timezone))
        lines.append(
            f"org {org!r}: {whose} days in {late}, where the week has not ended {when} (Meta's weeks are the "
            f"ad account's): its weekly report waits for it, and goes out at {local:%a %H:%M} "
            f"{settings.timezone} time, an hour after it has"
        )
    return lines


def weekly_schedule(settings: Settings, name: str, description: str) -> Schedule:
    """The schedule of a Monday report (`weekly_report_cron`, in the business's zone)."""
    return Schedule(name, settings.weekly_report_cron, settings.timezone, description, WEEKLY_CATCH_UP)


def declared_jobs(
    settings: Settings, *, until: TimeLimit | None = None, function_ends: float | None = None
) -> list[Job[App]]:
    """The jobs for these settings, in the business's time zone where it matters. The local
    scheduler runs those marked `local`, and the AWS template's schedules are rendered from all.
    `until`: the time of the Lambda function running them, within which `outbox_retry` sends;
    `function_ends`: when that function is stopped (`time.monotonic()`), WEEKLY_MARGIN_S before which
    the weekly report stops itself, and ROLE_MARGIN_S before which the role reports do."""
    weekly_box = None if function_ends is None else TimeBox(function_ends - WEEKLY_MARGIN_S, FUNCTION_TIME)
    role_box = None if function_ends is None else TimeBox(function_ends - ROLE_MARGIN_S, FUNCTION_TIME)
    return [
        Job(
            Schedule("sweep", "17 * * * *", "UTC", "Remove expired items; index older outbox entries and weekly runs"),
            sweep_expired,
            needs_s=PASS_NEEDS_S,
        ),
        Job(
            Schedule("archive_sweep", "23 3 * * *", "UTC", "Remove raw archives older than 90 days"),
            sweep_archives,
            needs_s=PASS_NEEDS_S,
        ),
        Job(
            weekly_schedule(settings, "weekly_report", "The weekly marketing report"),
            weekly_reports if weekly_box is None else partial(weekly_reports, timebox=weekly_box),
            needs_s=WEEKLY_NEEDS_S,
            waits=True,  # a run waiting for an org's ad accounts' week goes at its hour though the cron changed
        ),
        Job(
            weekly_schedule(settings, "role_reports", "The eight role reports"),
            role_reports if role_box is None else partial(role_reports, timebox=role_box),
            needs_s=ROLE_NEEDS_S,
        ),
        Job(
            Schedule(
                "fanouts",
                "*/5 * * * *",
                "UTC",
                "Finish large bookings' notices; tell double bookings left untold; ask crew left unasked",
                timedelta(minutes=10),
            ),
            finish_fanouts,
            needs_s=PASS_NEEDS_S,
        ),
        Job(
            Schedule("roster_lists", "41 * * * *", "UTC", "List the trips each crew member holds, where not yet"),
            roster_lists,
            needs_s=PASS_NEEDS_S,
        ),
        Job(
            Schedule("crew_reminders", "*/5 * * * *", "UTC", "Remind crew before their trips", timedelta(minutes=10)),
            crew_reminders,
            needs_s=PASS_NEEDS_S,
        ),
        Job(
            Schedule(
                "outbox_retry", "*/5 * * * *", "UTC", "Retry messages whose backoff has passed", timedelta(minutes=10)
            ),
            partial(dispatch_due, until=until),
            local=False,
            needs_s=PASS_NEEDS_S,
        ),
    ]
