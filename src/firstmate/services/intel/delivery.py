"""The weekly report's mail: queued once to each recipient per week (`deliver_weekly`), whether every
recipient had a week already (`sent_already`), and who had it, when, and who not (`week_sends`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from firstmate.domain.business import BusinessProfile
from firstmate.reports.weekly import WeeklyReport
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.intel.run_records import run_order, runs_reporting, sender_of
from firstmate.services.sends import ReportMail, deliver_once, sent_before, sent_to_whom


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
    # the run that sent it, not a rebuild since (which sent nothing); of runs recorded before it was noted, the latest
    if (sender := sender_of(ctx.store, org, week)) is not None:
        return sender
    runs = runs_reporting(ctx.store, org, week)
    return str(max(runs, key=run_order)["run_id"]) if runs else None


@dataclass(frozen=True)
class WeekSends:
    """Who had an org's report of a week and when (`had`), the run that sent it (`run_id`, None when no run recorded
    noted it), and the recipients of the weekly report now who have not had it (`not_had`: added since)."""

    had: dict[str, datetime]
    run_id: str | None
    not_had: list[str]


def week_sends(ctx: Context, org: str, week: date) -> WeekSends | None:
    """Who had `org`'s report of `week`, when, by which run, and who of its recipients now did not (`WeekSends`); None
    when nobody had it (or the org is gone)."""
    profile = load_business(ctx.store, org)
    had = sent_to_whom(ctx, org, "weekly", week.isoformat())
    if profile is None or not had:
        return None
    run_id = sender_of(ctx.store, org, week)
    if run_id is None and (runs := runs_reporting(ctx.store, org, week)):  # recorded before the sender was noted
        run_id = str(max(runs, key=run_order)["run_id"])
    return WeekSends(had, run_id, [email for email in weekly_recipients(profile) if email not in had])
