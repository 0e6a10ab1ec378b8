"""The weekly marketing report: pull, archive raw, compute, analyse, check, render, deliver.

Every run pulls the last sixteen weeks (so trends, signals and late attribution all come from one
pull) and archives each raw page before anything is computed from it. `replay_run` rebuilds a
run's report from its archive alone, with no network: the same bytes in, the same report out.

Keys:
    ORG#<org>#INTEL     RUN#<run_id>              the run: week, archive, subject, status (indexed ORG#<org>#RUNS /
                                                  <pulled_at>#<run_id>, for the admin list)
    ORG#<org>#METRICS   <week>#<source>#<account>#<ad set>  the latest figures of each ad-set week
    ORG#<org>#SENDS     weekly#<week>#<email>     one ledger entry per recipient and week (services/sends)
Blobs: raw/<org>/<run_id>/... (expire after 90 days), reports/<org>/weekly/<week>/...
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import structlog

from firstmate.domain.analysis import Analysis, Section, checked, rules_analysis
from firstmate.domain.business import BusinessProfile
from firstmate.domain.currencies import minor_units
from firstmate.domain.intel import (
    WeeklyFacts,
    ads_days,
    cash,
    compute_facts,
    in_one_currency,
    week_ends,
    weeks_with_data,
)
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.marketing import AdWeek, CrmLead, once_each
from firstmate.domain.shared import iso, to_epoch
from firstmate.errors import BlobError, ConditionFailed, FirstmateError, InvalidInput, NotFound
from firstmate.logs import redact_text
from firstmate.ports import MAX_TRANSACTION_WRITES, Absent, AdsSource, Analyst, CrmSource, Item, Put, RawPage, Store
from firstmate.reports.serial import data_file
from firstmate.reports.weekly import WeeklyReport, render_weekly
from firstmate.services.blob_sets import put_together
from firstmate.services.bulk import bulk_work
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.data import org_currency
from firstmate.services.leases import Held, LeaseHeld, LeaseLost, exclusive
from firstmate.services.outbox import enqueue
from firstmate.services.outfiles import write_files
from firstmate.services.paging import all_items
from firstmate.services.report_links import report_pdf_link
from firstmate.services.sends import ReportMail, deliver_once, sent_before
from firstmate.services.timebox import OutOfTime, TimeBox

log = structlog.get_logger(__name__)

HISTORY_WEEKS = 16
RUN_ID = re.compile(r"[0-9A-Za-z-]{1,80}")
ARCHIVE_DAYS = 90


@dataclass(frozen=True)
class IntelRun:
    """What a run produced."""

    run_id: str
    week: date
    report: WeeklyReport
    facts: WeeklyFacts
    sent_to: list[str]
    written: list[Path]
    #: recipients who had this week's already, so were not sent it again (`resend` sends it them)
    had_it: list[str] = field(default_factory=list)
    #: why this is the week before the business's last one, when an ad account's week has not ended ("" else)
    not_ended: str = ""


@bulk_work()
def run_weekly(
    ctx: Context,
    org: str,
    ads: AdsSource,
    crm: CrmSource | None,
    *,
    week: date | None = None,
    out: Path | None = None,
    send: bool = False,
    resend: bool = False,
    analyst: Analyst | None = None,
    timebox: TimeBox | None = None,
    or_last_ended: bool = False,
    settle: timedelta = timedelta(0),
    unless_sent: bool = False,
    wait_for_build: bool = True,
) -> IntelRun:
    """Run the weekly report for `org`. Without `week`, the most recent complete week with data. A week
    is complete once it has ended in the business's zone and in each ad account's (Meta counts an
    account's days in its own zone, which may be behind): `week` before then is refused, or, with
    `or_last_ended` (a run by hand: `jobs run weekly_report`), the last week that has ended there is reported
    instead. `settle`: how long after it has ended in an ad account's zone a week counts as ended there, Meta's
    figures of its last hours given that time to come in (the scheduled run's hour): before then it is refused.
    `timebox`: the time it has (a Lambda function's), looked at before each pull, the analysis and storing
    the report: out of it, OutOfTime is raised and nothing of the run is kept (its archived pages are deleted).
    Runs that send build a week one at a time: while another builds it, one waits (up to WAIT_S, then LeaseHeld), or,
    without `wait_for_build`, raises BuildUnderWay at once. `unless_sent` (a scheduled run): a week every recipient
    has had already, by a run that held the build before this one, raises SentAlready; nothing is pulled."""
    profile = load_business(ctx.store, org)
    if profile is None:
        raise NotFound(f"no org {org!r}")
    # each account once: two business lines advertising through one had its figures added up twice
    accounts = list(dict.fromkeys(e.meta_ad_account for e in profile.entities if e.meta_ad_account))
    if not accounts:
        raise InvalidInput(
            f"no business line of {org!r} has a Meta ad account", hint="set meta_ad_account in the profile"
        )
    now = ctx.clock.now()
    latest = last_complete_week(now, profile.org.timezone)
    target = week or latest
    if target.weekday() != 0:
        raise InvalidInput(f"--week must be a Monday; {target} is a {target:%A}")
    if target > latest:  # its figures are not all in yet (or not at all): a report of it would be made up
        raise InvalidInput(f"the week of {target} has not ended yet", hint=f"the last complete week is {latest}")
    zones = {account: ads.timezone(account) for account in accounts}
    wanted = target
    target = _ended_in_accounts(
        target, zones, now, profile.org.timezone, refuse=week is not None and not or_last_ended, settle=settle
    )
    with ExitStack() as turn:
        # the second of two builds of one week sees the first's run (`unless_sent`), not built twice
        building = _building(ctx, org, target, profile.org.timezone, wait=wait_for_build) if send else None
        held = turn.enter_context(building) if building is not None else None
        if unless_sent and (sent := sent_already(ctx, org, target)) is not None:
            raise SentAlready(f"the week of {target} was sent already (run {sent})", week=target, run_id=sent)
        since, until = target - timedelta(weeks=HISTORY_WEEKS - 1), target + timedelta(days=6)
        run_id = f"{target.isoformat()}-{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        prefix = f"raw/{org}/{run_id}"
        zone = ZoneInfo(profile.org.timezone)
        manifest: dict[str, Any] = {
            "org": org, "week": target.isoformat(), "pulled_at": iso(now), "timezone": profile.org.timezone,
            "sources": {"ads": ads.name, "crm": crm.name if crm else None}, "ads": [], "crm": [],
            "account_zones": zones,
            # what a source's figures are in when it does not say (CSV files): the business's currency, as of the run
            "currency": org_currency(ctx.store, org),
        }  # fmt: skip
        pulled: dict[str, list[RawPage]] = {}  # what was archived, by key: parsed as pulled, not read back
        try:
            for account in accounts:
                if timebox is not None:
                    timebox.check(f"pulling {ads.name}'s figures of account {account}")
                _keep_turn(held)
                pages = ads.pull(account, since, until)
                manifest["ads"].append(_archive(ctx, f"{prefix}/{ads.name}-{account}", pages, pulled))
            if crm is not None:  # the leads of the business's own days: its weeks end at its Sunday midnight
                if timebox is not None:
                    timebox.check(f"pulling {crm.name}'s leads")
                _keep_turn(held)
                start = datetime.combine(since, time(), zone)
                end = datetime.combine(until + timedelta(days=1), time(), zone) - timedelta(milliseconds=1)
                manifest["crm"].append(_archive(ctx, f"{prefix}/{crm.name}", crm.pull(start, end), pulled))
            _keep_turn(held)  # Meta slow, past the turn: taken over meanwhile, this build stops here
            ctx.blobs.put(f"{prefix}/manifest.json", json.dumps(manifest, indent=1).encode(), "application/json")
        except BaseException:
            _discard(ctx, org, run_id, list(pulled))  # a failed pull (or archive) stores nothing, as its error says
            raise
        try:
            run = _finish(
                ctx, org, run_id, manifest, ads, crm, week_given=week is not None, out=out, send=send, resend=resend,
                analyst=analyst, pulled=pulled, timebox=timebox,
            )  # fmt: skip
            if target < wanted:  # the command line and the job's summary said only the subject: "Nov 2–8", not why
                what, when = _not_ended(wanted, zones, profile.org.timezone)
                said = f"{what}: this report is of the week of {run.week}; "
                said += f"the week of {wanted} can be reported from {when}"
                run = replace(run, not_ended=f"{said} (firstmate intel run --week {wanted})")
            return run
        except NoFigures:
            _discard(ctx, org, run_id, [*pulled, f"{prefix}/manifest.json"])  # nothing to replay: nothing stored
            raise
        except OutOfTime:  # stopped before its report was stored: no half of a run is left to list or replay
            _discard(ctx, org, run_id, [*pulled, f"{prefix}/manifest.json", f"{prefix}/analysis.json"])
            raise


@bulk_work()
def replay_run(
    ctx: Context, org: str, run_id: str, ads: AdsSource, crm: CrmSource | None, *, out: Path | None = None
) -> IntelRun:
    """Rebuild a run's metrics and report from its archive alone (no network, nothing sent)."""
    prefix = f"raw/{org}/{run_id}"
    # a run id is letters, digits and dashes (2026-11-09-20261121T150000-a1b2c3): anything else names none
    if not RUN_ID.fullmatch(run_id) or ctx.blobs.head(f"{prefix}/manifest.json") is None:
        hint = "'firstmate intel runs' lists them; archives are kept 90 days"
        raise NotFound(f"no archived run {run_id[:80]!r} for org {org!r}", hint=hint)
    manifest = json.loads(ctx.blobs.get(f"{prefix}/manifest.json"))
    pulled_from, set_now = _sources_of(manifest), {"ads": ads.name, "crm": crm.name if crm else None}
    if pulled_from != set_now:  # another source's parser would make another report
        raise InvalidInput(
            f"run {run_id} was pulled from {_named(pulled_from)}; the sources set now are {_named(set_now)}",
            hint="set ads_source and crm_source as they were for that run, then replay it",
        )
    # as the run chose its week: an earlier one with figures when the one it aimed at had none
    return _finish(
        ctx, org, run_id, manifest, ads, crm, week_given=False, out=out, send=False, resend=False, replay=True
    )


def _ended_in_accounts(
    target: date, zones: dict[str, str | None], now: datetime, timezone: str, *, refuse: bool,
    settle: timedelta = timedelta(0),
) -> date:  # fmt: skip
    """`target`, if it has ended in each ad account's zone (`zones`) too, `settle` ago; else the last week that
    has, or, when `refuse`, WeekNotOver saying when it ends. Meta's weeks are each ad account's days: one whose
    zone is behind the business's (Los Angeles, for a business in Auckland) had its Sunday half over at a
    Monday report, and the day was restated a week on."""
    named = sorted({zone for zone in zones.values() if zone})
    over = last_complete_week(now, timezone, *named)
    # a Monday run caught up at 21:05, five minutes after the accounts' Sunday ended, built it at once: the hour the
    # scheduled run waits for Meta's figures of those last hours is waited for whenever the run comes (an account
    # counting the business's own days has its week over long before the business's Monday report)
    others = [zone for zone in named if zone != timezone]
    ended = min(over, last_complete_week(now - settle, *others)) if settle and others else over
    if target <= ended or not refuse:
        return min(target, ended)
    just = target <= over  # over in every zone, but only just
    what, when = _not_ended(target, zones, timezone, just=just)
    why = "Meta's weeks are the ad account's" + ("; its last hours' figures are given time to come in" if just else "")
    raise WeekNotOver(
        f"{what} ({why})",
        hint=f"run it after {when}, when it has; the last week ended there is {ended}",
        ends=max(week_ends(target, zone) for zone in zones.values() if zone),
        when=when,
    )


def _not_ended(week: date, zones: dict[str, str | None], timezone: str, *, just: bool = False) -> tuple[str, str]:
    """What to say of a `week` that has not ended in the zone of some ad accounts (`zones`), the latest to end
    it: where and whose ("the week of 2026-11-09 has not ended yet in America/Los_Angeles, where ad account 1001
    counts its days"), and when it has, in the business's `timezone` ("Mon Nov 16 21:00 Pacific/Auckland time").
    `just`: it has ended there, only just ("the week of 2026-11-09 ended only at Mon Nov 16 21:00 Pacific/Auckland
    time in America/Los_Angeles, …")."""
    ends, zone = max((week_ends(week, z), z) for z in zones.values() if z)
    late = [account for account, z in zones.items() if z == zone]
    listed = late[0] if len(late) == 1 else f"{', '.join(late[:-1])} and {late[-1]}"
    whose = f"ad account {listed} counts its" if len(late) == 1 else f"ad accounts {listed} count their"
    when = moment_in(ends, timezone)
    where = f"ended only at {when} in {zone}" if just else f"has not ended yet in {zone}"
    return f"the week of {week} {where}, where {whose} days", when


def moment_in(at: datetime, timezone: str) -> str:
    """`at` as read in `timezone`: "Mon Nov 16 21:00 Pacific/Auckland time"."""
    local = at.astimezone(ZoneInfo(timezone))
    return f"{local:%a %b} {local.day} {local:%H:%M} {timezone} time"


class WeekNotOver(InvalidInput):
    """The week asked for has not ended yet in some ad account's zone: nothing pulled, nothing stored. `ends`:
    when it has ended in all of them; `when`: that moment as the business reads it ("Mon Nov 16 21:00
    Pacific/Auckland time")."""

    def __init__(self, message: str, *, hint: str, ends: datetime, when: str) -> None:
        super().__init__(message, hint=hint)
        self.ends, self.when = ends, when


class SentAlready(FirstmateError):
    """A scheduled run's week (`week`) was built and sent to every recipient by another run (`run_id`): nothing
    pulled, nothing built again."""

    def __init__(self, message: str, *, week: date, run_id: str) -> None:
        super().__init__(message)
        self.week, self.run_id = week, run_id


class BuildUnderWay(LeaseHeld):
    """Another run is building and sending the week asked for (`week`) just now: nothing pulled."""

    def __init__(self, message: str, *, hint: str, since: str, week: date, until: datetime | None = None) -> None:
        super().__init__(message, hint=hint, since=since, until=until)
        self.week = week


@contextmanager
def _building(ctx: Context, org: str, week: date, timezone: str, *, wait: bool) -> Iterator[Held]:
    """Hold the lease of `org`'s build of `week`: waited for up to WAIT_S, or, without `wait`, not at all
    (BuildUnderWay). Another lease than `weekly#<week>`, which the build takes again to store its report."""
    doing = f"building the weekly report of the week of {week}"
    with ExitStack() as stack:
        try:
            lease = exclusive(ctx, org, f"weekly-build#{week}", doing=doing, wait_s=None if wait else 0)
            held = stack.enter_context(lease)
        except LeaseHeld as exc:
            since = f" (since {_moment_of(exc.since, timezone)})" if exc.since else ""
            if wait:  # by hand: said in the business's time, with when a process killed mid-build no longer holds it
                hint = "try again when it is done"
                if exc.until is not None:
                    hint += f"; should it have stopped, it can be run again from {moment_in(exc.until, timezone)}"
                said = f"another process is {doing}{since}"
                raise LeaseHeld(said, hint=hint, since=exc.since, until=exc.until) from None
            hint = "it sends the week; 'firstmate intel runs' lists it when it is done"
            raise BuildUnderWay(
                f"another run is building the week of {week}{since}", hint=hint, since=exc.since, week=week,
                until=exc.until,
            ) from None  # fmt: skip
        yield held


def _keep_turn(held: Held | None) -> None:
    """Renew a build's turn (`Held.confirm`) between its pulls: never renewed, it lapsed in a build slower than
    LEASE (Meta's report runs), and the waiting run looking again built and listed the week too. Taken over
    meanwhile, StoreUnavailable: this build stops, the other sends the week."""
    if held is None:
        return
    try:
        held.confirm()
    except LeaseLost as exc:  # "run it again" built the week a second time: the run that took over sends it
        hint = "the run that took over builds and sends the week; 'firstmate intel runs' lists it when it is done"
        raise LeaseLost(exc.message, hint=hint) from None


def _moment_of(at: str, timezone: str) -> str:
    """A stored moment (`iso`) as read in `timezone`, or as stored when it cannot be read."""
    try:
        return moment_in(datetime.fromisoformat(at), timezone)
    except ValueError:
        return at


class NoFigures(NotFound):
    """The sources have no figures for the week asked for: nothing is reported, nothing stored."""


def last_complete_week(now: datetime, timezone: str, *others: str) -> date:
    """The Monday of the last week that has fully ended in the business's zone (and in each of `others`)."""
    days = [now.astimezone(ZoneInfo(zone)).date() for zone in (timezone, *others)]
    return min(today - timedelta(days=today.weekday() + 7) for today in days)


def _finish(
    ctx: Context, org: str, run_id: str, manifest: dict[str, Any], ads: AdsSource, crm: CrmSource | None, *,
    week_given: bool, out: Path | None, send: bool, resend: bool, replay: bool = False, analyst: Analyst | None = None,
    pulled: dict[str, list[RawPage]] | None = None, timebox: TimeBox | None = None,
) -> IntelRun:  # fmt: skip
    pages = pulled or {}

    def raw(key: str) -> list[RawPage]:  # as pulled by this run, else read back from the archive (a replay)
        return pages[key] if key in pages else _load(ctx, key)

    # a row whose source does not say its currency (CSV files) is in the business's, as the run found it, to its
    # places (a file in yen read "9,000.50"); a run archived before 2026-12-06 recorded none, and was in dollars
    unsaid = manifest.get("currency", "USD")
    unit = Decimal(1).scaleb(-minor_units(unsaid))
    rows = [
        row if row.currency else replace(row, currency=unsaid, spend=row.spend.quantize(unit, ROUND_HALF_UP))
        for key in manifest["ads"]
        for row in ads.parse(raw(key))
    ]
    if manifest.get("sources", {}).get("ads") == "meta":  # pulled since 2026-12-05 (older runs replay as they ran)
        rows = once_each(rows)  # a row Meta sends twice counts once; CSV files may split a week over rows
    _one_weekday(rows)
    leads: list[CrmLead] = [lead for key in manifest["crm"] for lead in crm.parse(raw(key))] if crm else []
    week, weeks = date.fromisoformat(manifest["week"]), weeks_with_data(rows)
    holding = [w for w in weeks if w < week < w + timedelta(days=7)]
    if week not in weeks and holding:  # the ads' own week holding the Monday asked for (CSV files of Sunday weeks)
        week = holding[-1]
    if week not in weeks:
        earlier = [w for w in weeks if w < week]
        if not earlier:
            raise NoFigures(f"the sources have no figures for the sixteen weeks up to the week of {week}")
        if week_given:  # a report of a week without figures would show zeros, or the last week's as its own
            raise NoFigures(
                f"the sources have no figures for the week of {week}",
                hint=f"the nearest earlier week with figures is {earlier[-1]}",
            )
        week = earlier[-1]  # the most recent complete week that has data
    profile = load_business(ctx.store, org)
    assert profile is not None
    currency, counted, other_currencies = in_one_currency(rows, week, unsaid)
    facts = compute_facts(
        org, week, counted, leads, currency=currency, ads_source=ads.name, crm_source=crm.name if crm else None,
        timezone=manifest.get("timezone", "UTC"),  # a run archived before the zone was recorded: as it ran
    )  # fmt: skip
    restated = [] if replay else _restated_since_last_week(ctx.store, org, week, counted, currency)
    pulled_at = datetime.fromisoformat(manifest["pulled_at"])
    facts = replace(
        facts,
        restatements=manifest.get("restatements", restated),
        pulled_at=pulled_at,
        other_currencies=other_currencies,
        ads_days=ads_days(  # a run archived before the accounts' zones were recorded: none said, as it ran
            week, manifest.get("timezone", "UTC"), manifest.get("account_zones", {}), pulled_at, crm=crm is not None
        ),
    )
    if timebox is not None:
        timebox.check("the analysis")
    analysis = checked(_analyse(ctx, org, run_id, facts, analyst, replay), facts)
    for claim in analysis.dropped:
        log.warning("intel.claim_dropped", org=org, run_id=run_id, claim=claim)
    # as it was sent: the name and colour kept with the run (a replay after a renaming showed the new name)
    business = manifest.get("business") or profile.org.name
    colour = manifest.get("colour") or (profile.entities[0].primary_colour if profile.entities else "#0b3d5c")
    # the PDF with every row; its link dated by the pull, so that a replay gives the identical report
    full_report = report_pdf_link(ctx, org, f"weekly-{week.isoformat()}.pdf", at=facts.pulled_at)
    report = render_weekly(facts, analysis, business=business, colour=colour, full_report=full_report)
    if timebox is not None:  # the last look: what follows is stored and sent whole
        timebox.check("storing and sending the report")
    # a replay writes to --out only: the stored report stays the one its readers were sent
    written = write_files(out, _report_files(report)) if replay else _store_report(ctx, org, report, week, out)
    if not replay:
        _keep_restated(ctx.store, org, week, restated)  # said by a stored report: later builds say it too
        manifest["restatements"] = restated
        manifest["business"], manifest["colour"] = business, colour
        ctx.blobs.put(f"raw/{org}/{run_id}/manifest.json", json.dumps(manifest, indent=1).encode(), "application/json")
        _remember(ctx.store, org, rows)
        index, order = run_index_keys(org, run_id, manifest["pulled_at"])  # listed by when it was made
        ctx.store.put(Item(intel_pk(org), f"RUN#{run_id}", {"week": week.isoformat(), "subject": report.subject,
                                                             "pulled_at": manifest["pulled_at"]},
                           gsi1pk=index, gsi1sk=order))  # fmt: skip
    sent = deliver_weekly(ctx, org, week, report, resend=resend) if send and not replay else []
    had_it = [r for r in weekly_recipients(profile) if r not in sent] if send and not replay else []
    return IntelRun(run_id, week, report, facts, sent, written, had_it)


def _analyse(
    ctx: Context, org: str, run_id: str, facts: WeeklyFacts, analyst: Analyst | None, replay: bool
) -> Analysis:
    """The run's analysis. It is archived with the raw data, so a replay shows the same words even
    when a model wrote them (models do not answer twice alike)."""
    key = f"raw/{org}/{run_id}/analysis.json"
    if replay and ctx.blobs.head(key) is not None:
        stored = json.loads(ctx.blobs.get(key))
        sections = [Section(s["title"], list(s["points"])) for s in stored["sections"]]
        return Analysis(sections=sections, author=stored["author"], note=stored.get("note", ""))
    analysis = analyst.analyse(facts) if analyst is not None else rules_analysis(facts)
    body = {"sections": [asdict(s) for s in analysis.sections], "author": analysis.author, "note": analysis.note}
    if not replay:
        ctx.blobs.put(key, json.dumps(body, indent=1).encode(), "application/json")
    return analysis


def deliver_weekly(ctx: Context, org: str, week: date, report: WeeklyReport, *, resend: bool = False) -> list[str]:
    """Queue the report to each recipient once per week (a ledger entry each); `resend` sends again.
    Returns who was queued now."""
    profile = load_business(ctx.store, org)
    assert profile is not None
    recipients = weekly_recipients(profile)
    mail = ReportMail(report.subject, report.text, report.email_html, report.images)
    return deliver_once(
        ctx, org, "weekly", week.isoformat(), mail, recipients, bcc=profile.org.audit_bcc, resend=resend
    )


def weekly_recipients(profile: BusinessProfile) -> list[str]:
    """Who the weekly report goes to: the profile's report recipients, or the owner."""
    return list(profile.org.report_recipients) or [profile.org.owner_email]


def sent_already(ctx: Context, org: str, week: date) -> str | None:
    """The run that built `org`'s report of `week` and sent it to every recipient of the weekly report (by hand,
    `intel run --week … --send`, or an earlier scheduled run), the latest such; None when no run built it or a
    recipient has not had it yet (one added since: a build sends it them)."""
    profile = load_business(ctx.store, org)
    if profile is None:
        return None
    if not all(sent_before(ctx, org, "weekly", week.isoformat(), email) for email in weekly_recipients(profile)):
        return None
    # a run id begins with the week it was asked for; its `week` is the one it reported
    runs = [
        {"run_id": i.sk.removeprefix("RUN#"), **i.data}
        for i in all_items(ctx.store, intel_pk(org), f"RUN#{week.isoformat()}-")
        if i.data.get("week") == week.isoformat()
    ]
    return str(max(runs, key=run_order)["run_id"]) if runs else None


def list_runs(store: Store, org: str) -> list[dict[str, Any]]:
    """Past runs, the latest made first (a run id begins with its week: a backfill of an old week made
    today was listed last)."""
    runs = [{"run_id": i.sk.removeprefix("RUN#"), **i.data} for i in all_items(store, intel_pk(org), "RUN#")]
    return sorted(runs, key=run_order, reverse=True)


def recorded_account_zones(ctx: Context, org: str) -> dict[str, str | None]:
    """The zone each ad account counts its days in, as the org's latest run recorded them (its manifest's
    `account_zones`); {} before any run, once its archive is swept (90 days), or from a run that kept none."""
    runs = list_runs(ctx.store, org)
    if not runs:
        return {}
    try:
        manifest = json.loads(ctx.blobs.get(f"raw/{org}/{runs[0]['run_id']}/manifest.json"))
    except (BlobError, ValueError):  # what a start-up warning reads: none said rather than a start refused
        return {}
    zones = manifest.get("account_zones") if isinstance(manifest, dict) else None
    return {str(a): z if isinstance(z, str) else None for a, z in zones.items()} if isinstance(zones, dict) else {}


def intel_pk(org: str) -> str:
    """The partition holding an org's weekly runs and their records."""
    return f"ORG#{org}#INTEL"


def run_index_keys(org: str, run_id: str, pulled_at: str) -> tuple[str, str]:
    """The index keys a run is listed by on the admin page (`services.report_list`): by when its figures
    were pulled, then its id, as `run_order` orders them."""
    return f"ORG#{org}#RUNS", f"{pulled_at}#{run_id}"


def run_order(run: Mapping[str, Any]) -> tuple[str, str]:
    """What orders runs by when they were made: when their figures were pulled, then their id."""
    return str(run.get("pulled_at", "")), str(run["run_id"])


def _archive(ctx: Context, prefix: str, pages: list[RawPage], pulled: dict[str, list[RawPage]]) -> str:
    key = f"{prefix}.json"
    ctx.blobs.put(key, _page_bytes(pages), "application/json")
    pulled[key] = pages
    return key


def _page_bytes(pages: list[RawPage]) -> bytes:
    """Pulled pages as JSON, as they came. orjson writes the megabytes a large CRM pull holds about
    ten times faster than json; the sources read answers strictly (`json_answer`), so no NaN is
    there for it to write as null. What it refuses (an integer past 64 bits, a lone surrogate
    escaped in an answer) json writes."""
    try:
        return orjson.dumps(pages)
    except TypeError:
        # raw pages are trees of plain JSON values: no cycles to look for in megabytes of them
        return json.dumps(pages, check_circular=False).encode()


def _discard(ctx: Context, org: str, run_id: str, keys: list[str]) -> None:
    """Delete the pages a run archived before one of its pulls failed: without the rest of the pulls
    they are no run anyone can replay."""
    for key in keys:
        try:
            ctx.blobs.delete(key)
        except Exception:  # the pull's own error is the one to report; the 90-day sweep removes what stays
            log.exception("intel.discard_failed", org=org, run_id=run_id, key=key)


def _load(ctx: Context, key: str) -> list[RawPage]:
    pages: list[RawPage] = json.loads(ctx.blobs.get(key))
    return pages


_TYPES = {"weekly.html": "text/html", "weekly.txt": "text/plain", "weekly.json": "application/json",
          "weekly.pdf": "application/pdf"}  # fmt: skip


def _one_weekday(rows: list[AdWeek]) -> None:
    """Refuse weeks that start on different days (one CSV file of Monday weeks, another's of Sunday weeks):
    each day was a week of its own, and the report's week showed one account's figures alone."""
    other = next((row for row in rows if row.week_start.weekday() != rows[0].week_start.weekday()), None)
    if other is not None:
        first = rows[0]
        raise InvalidInput(
            f"ad account {other.account}'s weeks start on {other.week_start:%A}, "
            f"ad account {first.account}'s on {first.week_start:%A}",
            hint="give every ads file's week_start on the same weekday, the day the business's weeks start",
        )


def _report_files(report: WeeklyReport) -> dict[str, bytes]:
    """The report's four files, by name."""
    return {
        "weekly.html": report.page_html.encode(),
        "weekly.txt": report.text.encode(),
        "weekly.json": data_file(report.data),
        "weekly.pdf": report.pdf,
    }


def _sources_of(manifest: dict[str, Any]) -> dict[str, str | None]:
    """The sources a run was pulled from: as its manifest names them, or (a run archived before
    2026-12-05) as its archive's keys do: `<ads source>-<account>.json`, `<crm source>.json`."""
    if "sources" in manifest:
        return dict(manifest["sources"])
    ads = {PurePosixPath(key).name.split("-", 1)[0] for key in manifest["ads"]}
    crm = {PurePosixPath(key).stem for key in manifest["crm"]}
    return {"ads": min(ads) if len(ads) == 1 else None, "crm": min(crm) if crm else None}


def _named(sources: dict[str, str | None]) -> str:
    return f"{sources['ads']} ads and " + (f"{sources['crm']} CRM" if sources.get("crm") else "no CRM")


def _store_report(ctx: Context, org: str, report: WeeklyReport, week: date, out: Path | None) -> list[Path]:
    contents = _report_files(report)
    files = {name: (content, _TYPES[name]) for name, content in contents.items()}
    # the copies in --out first: a folder that cannot take them stops the run before the report is stored
    written = write_files(out, contents)
    # as one: a full disk halfway leaves the week's earlier report whole, never half old and half new;
    # one build at a time: one that fails puts back what it replaced, never over another's
    with exclusive(ctx, org, f"weekly#{week}", doing="storing this weekly report"):
        put_together(ctx.blobs, {f"reports/{org}/weekly/{week}/{name}": file for name, file in files.items()})
    return written


def _restatements(store: Store, org: str, week: date, rows: list[AdWeek], currency: str) -> list[str]:
    """What changed in the previous week since it was last pulled (late attribution). Only the ad
    accounts pulled both times, from the same source, are compared: figures that changed because the
    source did (Meta, then the CSV files) or an account came or went were not restated."""
    previous = week - timedelta(weeks=1)
    items = all_items(store, f"ORG#{org}#METRICS", f"{previous.isoformat()}#")
    before = [(tuple(i.sk.split("#")[1:3]), i.data) for i in items]  # sk: week#source#account#adset
    was = {pulled for pulled, _ in before}
    now = [r for r in rows if r.week_start == previous and (r.source, r.account) in was]
    both = {(r.source, r.account) for r in now}
    stored = [data for pulled, data in before if pulled in both]
    if not stored:
        return []
    now_leads = sum(r.leads for r in now)
    now_spend = sum((r.spend for r in now), Decimal(0))
    was_leads = sum(int(d["leads"]) for d in stored)
    was_spend = sum((Decimal(d["spend"]) for d in stored), Decimal(0))
    notes = []
    if was_leads != now_leads:
        notes.append(f"leads {was_leads} → {now_leads}")
    if abs(was_spend - now_spend) >= Decimal("0.01"):
        notes.append(f"spend {cash(was_spend, currency)} → {cash(now_spend, currency)}")
    return notes


def _restated_since_last_week(store: Store, org: str, week: date, rows: list[AdWeek], currency: str) -> list[str]:
    """What late attribution changed in the previous week, as the week's earlier reports said it and
    anything this build finds besides (last, so the last word is the latest): a second build compares
    with the figures the first one stored, and alone would say "nothing restated" and lose its words.
    Kept for the week's later builds by `_keep_restated`, once this build's report is stored."""
    found = _restatements(store, org, week, rows, currency)
    item = store.get(intel_pk(org), f"RESTATED#{week.isoformat()}")
    said = [str(line) for line in item.data["lines"]] if item is not None else []
    return [line for line in said if line not in found] + found


def _keep_restated(store: Store, org: str, week: date, lines: list[str]) -> None:
    if lines:
        store.put(Item(intel_pk(org), f"RESTATED#{week.isoformat()}", {"lines": lines}))


def _remember(store: Store, org: str, rows: list[AdWeek]) -> None:
    """Keep the latest figures of every ad-set week (for restatements). Only figures that differ
    from the stored ones are written (a run pulls sixteen weeks; most have not changed since the
    last run), in transactions of at most MAX_TRANSACTION_WRITES. Idempotent."""
    pk = f"ORG#{org}#METRICS"
    wanted = _ad_set_weeks(rows)
    weeks = sorted({r.week_start.isoformat() for r in rows})
    stored = {item.sk: item.data for week in weeks for item in all_items(store, pk, f"{week}#", page_size=1000)}
    writes = [Put(Item(pk, sk, data)) for sk, data in wanted.items() if stored.get(sk) != data]
    for start in range(0, len(writes), MAX_TRANSACTION_WRITES):
        store.transact(writes[start : start + MAX_TRANSACTION_WRITES])


def _ad_set_weeks(rows: list[AdWeek]) -> dict[str, dict[str, Any]]:
    """Each ad-set week's figures by its metrics key, its rows added up: a CSV file may split a week
    over rows, and keeping the last one alone read as a restatement against the week's sum."""
    totals: dict[str, tuple[int, Decimal, int, int]] = {}
    for r in rows:
        key = f"{r.week_start.isoformat()}#{r.source}#{r.account}#{r.adset_id}"
        leads, spend, impressions, clicks = totals.get(key, (0, Decimal(0), 0, 0))
        totals[key] = (leads + r.leads, spend + r.spend, impressions + r.impressions, clicks + r.clicks)
    return {
        key: {"leads": leads, "spend": str(spend), "impressions": impressions, "clicks": clicks}
        for key, (leads, spend, impressions, clicks) in totals.items()
    }


def sweep_archive(ctx: Context, now: datetime) -> int:
    """Delete raw archives older than 90 days (S3 does this with a lifecycle rule)."""
    cutoff = to_epoch(now - timedelta(days=ARCHIVE_DAYS))
    removed = 0
    for blob in ctx.blobs.list("raw/"):
        if to_epoch(blob.modified) < cutoff:
            ctx.blobs.delete(blob.key)
            removed += 1
    return removed


def record_failure(
    ctx: Context, org: str, error: FirstmateError, period: datetime, *, resumes: datetime | None = None,
    week_over: datetime | None = None, week: date | None = None,
) -> None:  # fmt: skip
    """Say honestly that a scheduled report failed: on the admin reports page, and to the owner
    by email (once per org and week, however often the scheduler retries or someone runs it by hand), with the
    command that sends the week that failed. `resumes`: when the scheduled run is taken up again all the same
    (an org waiting for its ad accounts' week); `week_over`: from when that week can be sent by hand (before
    then `intel run --week` refuses it); `week`: the week that failed, when not the one just ended at `period`
    in the org's zone (recorded when its scheduled run first waited: `scheduled_week`)."""
    profile = load_business(ctx.store, org)
    now = ctx.clock.now()
    # whatever a source's error echoed (a token) stays out of the admin page and the owner's mail
    message, hint = redact_text(error.message), redact_text(error.hint or "")
    week = week or last_complete_week(period, profile.org.timezone if profile else "UTC")
    detail = {"error": message, "hint": hint, "period": iso(period), "at": iso(now), "week": week.isoformat()}
    # kept as long as the period's own record: a failure answered by a later run is no longer listed (below)
    ctx.store.put(Item(intel_pk(org), f"FAIL#{iso(period)}", detail, ttl=_period_kept_until(period)))
    if profile is None:
        return
    what = message + (f" ({hint})" if hint else "")
    mail = OutgoingMessage(
        # by week: each `jobs run weekly_report` by hand, a period of its own, mailed the owner again; and by
        # org: the key gives the Message-ID, and an owner of two orgs kept one of the two notices
        idempotency_key=f"report:weekly:failed:{week.isoformat()}:{org}",
        sender=ctx.settings.mail_from,
        to=(profile.org.owner_email,),
        subject=" ".join(f"The weekly marketing report did not run: {message}".split())[:300],
        text=(
            f"The weekly marketing report for {profile.org.name} did not run.\n\n{what}\n\n"
            + _what_next(org, week, resumes, week_over, profile.org.timezone)
        ),
    )
    enqueue(ctx.store, org, [mail], now)


def _what_next(org: str, week: date, resumes: datetime | None, week_over: datetime | None, timezone: str) -> str:
    """What a failure mail says happens next, and the command that sends the week that failed: by its Monday (a
    bare `intel run --send` sent the last week with figures, most often the week before, had already)."""
    tried = "A scheduled run is tried again 10 and 40 minutes after it first fails"
    if resumes is not None:
        tried += f", and taken up again at {moment_in(resumes, timezone)} all the same"
    when = f"from {moment_in(week_over, timezone)}" if week_over is not None else "at once"
    return f"{tried}; once the cause is fixed, 'firstmate intel run --org {org} --week {week} --send' sends it {when}."


def scheduled_run_done(store: Store, org: str, period: datetime) -> bool:
    """Whether the scheduled weekly run of `period` already built and sent `org`'s report."""
    return store.get(intel_pk(org), f"SCHEDULED#{iso(period)}") is not None


def record_scheduled_run(store: Store, org: str, period: datetime, run_id: str) -> None:
    """Note that `org`'s report of the scheduled `period` went out, so that the period's retries
    (for another org that failed) do not pull from the sources and store the report again."""
    store.put(Item(intel_pk(org), f"SCHEDULED#{iso(period)}", {"run_id": run_id}, ttl=_period_kept_until(period)))


def scheduled_week(store: Store, org: str, period: datetime, timezone: str) -> date:
    """The week the scheduled run of `period` reports for `org`: as recorded when that run first waited or failed
    (`keep_scheduled_week`), else the one just ended at `period` in `timezone`, the org's."""
    item = store.get(intel_pk(org), f"WEEK#{iso(period)}")
    return date.fromisoformat(item.data["week"]) if item is not None else last_complete_week(period, timezone)


def keep_scheduled_week(store: Store, org: str, period: datetime, week: date) -> None:
    """Record `week` as the one the scheduled run of `period` reports for `org`, unless one is already: the org's
    zone changed while its run waited, the week before read as its own ("sent already"), and its week never went."""
    item = Item(intel_pk(org), f"WEEK#{iso(period)}", {"week": week.isoformat()}, ttl=_period_kept_until(period))
    try:
        store.put(item, Absent())
    except ConditionFailed:  # recorded by its first wait or failure: that one stands
        return


def _period_kept_until(period: datetime) -> int:
    """When a scheduled period's records (its run, its failure) expire: 90 days on."""
    return to_epoch(period + timedelta(days=90))


def list_failures(store: Store, org: str) -> list[dict[str, Any]]:
    """Failed scheduled runs whose week's report no run has made since (the scheduler's retry, or
    `intel run`), newest first. Listed for good, a failure answered ten minutes later by its retry
    still read "failed: renew the token" above the report that went out."""
    failures = [dict(i.data) for i in all_items(store, intel_pk(org), "FAIL#")]
    if not failures:
        return []
    made: dict[str, str] = {}  # each week's latest run, by when its figures were pulled
    profile = load_business(store, org)
    zone = profile.org.timezone if profile else "UTC"
    unanswered = []
    for failure in failures:
        # a failure recorded before its week was kept: its week as the scheduled run asked for it
        week = failure.get("week") or last_complete_week(datetime.fromisoformat(failure["period"]), zone).isoformat()
        if week not in made:  # that week's runs alone (a run id begins with its week), not every run
            runs = all_items(store, intel_pk(org), f"RUN#{week}-")
            made[week] = max((str(run.data.get("pulled_at", "")) for run in runs), default="")
        if not made.get(week) or datetime.fromisoformat(made[week]) < datetime.fromisoformat(failure["at"]):
            unanswered.append(failure)
    return sorted(unanswered, key=lambda f: f["at"], reverse=True)
