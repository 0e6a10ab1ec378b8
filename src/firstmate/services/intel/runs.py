"""A run of the weekly report: `run_weekly` pulls the sixteen weeks up to the week asked for, archives the
raw pages, builds the report and sends it; `replay_run` rebuilds a run's report from its archive alone."""

from __future__ import annotations

import json
import re
import secrets
from contextlib import nullcontext
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from firstmate.domain.business import BusinessProfile
from firstmate.domain.shared import iso
from firstmate.errors import InvalidInput, LeaseLost, NoFigures, NotFound, OutOfTime, SentAlready
from firstmate.ports import AdsSource, Analyst, CrmSource, RawPage
from firstmate.services.bulk import bulk_work
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.data import org_currency
from firstmate.services.intel.archive import archive_pages, discard_pages, sources_named, sources_of
from firstmate.services.intel.build import IntelRun, finish_run
from firstmate.services.intel.build_lease import hold_build, keep_turn
from firstmate.services.intel.delivery import sent_already
from firstmate.services.intel.weeks import ended_in_accounts, last_complete_week, not_ended
from firstmate.services.leases import Held
from firstmate.services.timebox import TimeBox

HISTORY_WEEKS = 16
RUN_ID = re.compile(r"[0-9A-Za-z-]{1,80}")


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
    has had already, by a run that held the build before this one, raises SentAlready; nothing is pulled. A build
    whose turn another took over meanwhile (past LEASE) raises LeaseLost, storing and sending nothing."""
    profile, accounts = _advertiser(ctx, org)
    now = ctx.clock.now()
    wanted = _week_asked(week, now, profile.org.timezone)
    zones = {account: ads.timezone(account) for account in accounts}
    target = ended_in_accounts(
        wanted, zones, now, profile.org.timezone, refuse=week is not None and not or_last_ended, settle=settle
    )
    # the second of two builds of one week sees the first's run (`unless_sent`), not built twice; a `with`, not an
    # ExitStack's enter_context: a Ctrl-C between the turn's take and the stack's push left the turn held
    building = hold_build(ctx, org, target, profile.org.timezone, wait=wait_for_build) if send else nullcontext()
    with building as held:
        if unless_sent and (sent := sent_already(ctx, org, target)) is not None:
            raise SentAlready(f"the week of {target} was sent already (run {sent})", week=target, run_id=sent)
        run_id = f"{target.isoformat()}-{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        manifest: dict[str, Any] = {
            "org": org, "week": target.isoformat(), "pulled_at": iso(now), "timezone": profile.org.timezone,
            "sources": {"ads": ads.name, "crm": crm.name if crm else None}, "ads": [], "crm": [],
            "account_zones": zones,
            # what a source's figures are in when it does not say (CSV files): the business's currency, as of the run
            "currency": org_currency(ctx.store, org),
        }  # fmt: skip
        pulled = _pull(ctx, org, run_id, manifest, accounts, ads, crm, zone=ZoneInfo(profile.org.timezone), held=held,
                       timebox=timebox)  # fmt: skip
        prefix = f"raw/{org}/{run_id}"
        try:
            run = finish_run(
                ctx, org, run_id, manifest, ads, crm, week_given=week is not None, out=out, send=send, resend=resend,
                analyst=analyst, pulled=pulled, timebox=timebox, held=held,
            )  # fmt: skip
            if target < wanted:  # the command line and the job's summary said only the subject: "Nov 2–8", not why
                what, when = not_ended(wanted, zones, profile.org.timezone)
                said = f"{what}: this report is of the week of {run.week}; "
                said += f"the week of {wanted} can be reported from {when}"
                run = replace(run, not_ended=f"{said} (firstmate intel run --week {wanted})")
            return run
        except NoFigures:
            discard_pages(ctx, org, run_id, [*pulled, f"{prefix}/manifest.json"])  # nothing to replay: nothing stored
            raise
        except (OutOfTime, LeaseLost):  # stopped before its report was stored: no half of a run to list or replay
            discard_pages(ctx, org, run_id, [*pulled, f"{prefix}/manifest.json", f"{prefix}/analysis.json"])
            raise


def _advertiser(ctx: Context, org: str) -> tuple[BusinessProfile, list[str]]:
    """`org`'s profile and its Meta ad accounts, refused when it has none."""
    profile = load_business(ctx.store, org)
    if profile is None:
        raise NotFound(f"no org {org!r}")
    # each account once: two business lines advertising through one had its figures added up twice
    accounts = list(dict.fromkeys(e.meta_ad_account for e in profile.entities if e.meta_ad_account))
    if not accounts:
        raise InvalidInput(
            f"no business line of {org!r} has a Meta ad account", hint="set meta_ad_account in the profile"
        )
    return profile, accounts


def _week_asked(week: date | None, now: datetime, timezone: str) -> date:
    """The Monday of the week asked for (without one, the last complete week in the business's zone), refused when
    it is no Monday or has not ended yet."""
    latest = last_complete_week(now, timezone)
    target = week or latest
    if target.weekday() != 0:
        raise InvalidInput(f"--week must be a Monday; {target} is a {target:%A}")
    if target > latest:  # its figures are not all in yet (or not at all): a report of it would be made up
        raise InvalidInput(f"the week of {target} has not ended yet", hint=f"the last complete week is {latest}")
    return target


def _pull(
    ctx: Context, org: str, run_id: str, manifest: dict[str, Any], accounts: list[str], ads: AdsSource,
    crm: CrmSource | None, *, zone: ZoneInfo, held: Held | None, timebox: TimeBox | None,
) -> dict[str, list[RawPage]]:  # fmt: skip
    """Pull the sixteen weeks up to the manifest's week from each ad account and the CRM, archive the pages and the
    manifest (which lists them); what was archived, by key. A failed pull (or archive) stores nothing."""
    target = date.fromisoformat(manifest["week"])
    since, until = target - timedelta(weeks=HISTORY_WEEKS - 1), target + timedelta(days=6)
    prefix = f"raw/{org}/{run_id}"
    pulled: dict[str, list[RawPage]] = {}  # what was archived, by key: parsed as pulled, not read back
    try:
        for account in accounts:
            if timebox is not None:
                timebox.check(f"pulling {ads.name}'s figures of account {account}")
            keep_turn(held)
            pages = ads.pull(account, since, until)
            manifest["ads"].append(archive_pages(ctx, f"{prefix}/{ads.name}-{account}", pages, pulled))
        if crm is not None:  # the leads of the business's own days: its weeks end at its Sunday midnight
            if timebox is not None:
                timebox.check(f"pulling {crm.name}'s leads")
            keep_turn(held)
            start = datetime.combine(since, time(), zone)
            end = datetime.combine(until + timedelta(days=1), time(), zone) - timedelta(milliseconds=1)
            manifest["crm"].append(archive_pages(ctx, f"{prefix}/{crm.name}", crm.pull(start, end), pulled))
        keep_turn(held)  # Meta slow, past the turn: taken over meanwhile, this build stops here
        ctx.blobs.put(f"{prefix}/manifest.json", json.dumps(manifest, indent=1).encode(), "application/json")
    except BaseException:
        discard_pages(ctx, org, run_id, list(pulled))  # a failed pull (or archive) stores nothing, as its error says
        raise
    return pulled


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
    pulled_from, set_now = sources_of(manifest), {"ads": ads.name, "crm": crm.name if crm else None}
    if pulled_from != set_now:  # another source's parser would make another report
        raise InvalidInput(
            f"run {run_id} was pulled from {sources_named(pulled_from)}; "
            f"the sources set now are {sources_named(set_now)}",
            hint="set ads_source and crm_source as they were for that run, then replay it",
        )
    # as the run chose its week: an earlier one with figures when the one it aimed at had none
    return finish_run(
        ctx, org, run_id, manifest, ads, crm, week_given=False, out=out, send=False, resend=False, replay=True
    )
