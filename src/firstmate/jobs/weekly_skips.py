"""The weekly report's scheduled run skipped, left waiting past its catch-up window: what it leaves to send by hand,
said and told each owner as it is recorded (`weekly_skipped`), and read again as `jobs list` shows it
(`weekly_unsent`)."""

from __future__ import annotations

from datetime import date, datetime

from firstmate.bootstrap import App
from firstmate.domain.business import BusinessProfile
from firstmate.errors import FirstmateError
from firstmate.jobs.schedules import weekly_schedule
from firstmate.services.business import list_orgs, load_business
from firstmate.services.intel import (
    WeekSends,
    build_under_way,
    failed_week,
    moment_in,
    record_failure,
    scheduled_run_done,
    scheduled_week,
    week_sends,
)
from firstmate.services.scheduler import SkipLater
from firstmate.services.sends import sent_to_anyone


def weekly_skipped(app: App, period: datetime) -> str:
    """What the scheduled run of `period`, skipped (left waiting past its catch-up window), leaves to send by hand:
    each org whose week no run sent, its owner told (with the command that sends it), said in a line for `jobs
    list`; a week sent by another run is said sent, to whom and when, its owner not told. While a build of an org's
    week holds its turn (sending it now), the skip is left to a later pass (SkipLater), not told "not sent" a minute
    before the week lands in its owner's inbox."""
    said, under_way = [], []
    for org in list_orgs(app.store):
        profile = load_business(app.store, org)
        if profile is None or not any(e.meta_ad_account for e in profile.entities):
            continue
        if scheduled_run_done(app.store, org, period):
            continue
        week = scheduled_week(app.store, org, period, profile.org.timezone)
        # looked at, not taken: taken, a build slower than its turn (a model's analysis) lost it and sent nothing
        if (building := build_under_way(app, org, week, profile.org.timezone)) is not None:
            under_way.append(f"{org}: {building.message}")
            continue
        # the others' owners told now, not once that build is done (each told once, however many passes say it)
        said.append(_left_of(app, org, profile, period, week))
    if under_way:
        raise SkipLater("; ".join(under_way))
    return "; ".join(said)


def _left_of(app: App, org: str, profile: BusinessProfile, period: datetime, week: date) -> str:
    """What the skipped run of `period` leaves to send by hand of `org`'s `week`, its owner told when nobody had it."""
    command = f"'firstmate intel run --org {org} --week {week} --send'"
    sends = week_sends(app, org, week)
    if sends is None:
        catch_up = weekly_schedule(app.settings, "weekly_report", "").catch_up
        moment = moment_in(period, profile.org.timezone)
        error = FirstmateError(f"its scheduled run of {moment} was skipped, not run within its {catch_up.days} days of "
                               "catch-up (firstmate was not running then)")  # fmt: skip
        record_failure(app, org, error, period, week=week, skipped=True)
        return f"{org}: the week of {week} was not sent; {command} sends it"
    run = f" (run {sends.run_id})" if sends.run_id else ""
    if not sends.not_had:  # by hand, or by a later period's run
        return f"{org}: the week of {week} was sent{run}"
    # it went out, to the recipients of that time: the owner, who sent it, is not told "not sent" of a week they read
    sent = f"{org}: the week of {week} was sent {_to_whom(sends, profile.org.timezone)}{run}"
    return f"{sent}; not to {', '.join(sends.not_had)}, added since: {command} sends it to them alone"


def _to_whom(sends: WeekSends, timezone: str) -> str:
    """Who had the week and when, in `timezone`: "to a@example.com, b@example.com on Tue Nov 17 09:30 … time"."""
    by_moment: dict[str, list[str]] = {}
    for email, at in sorted(sends.had.items(), key=lambda had: had[1]):
        by_moment.setdefault(moment_in(at, timezone), []).append(email)
    return " and ".join(f"to {', '.join(emails)} on {moment}" for moment, emails in by_moment.items())


def weekly_unsent(app: App, period: datetime) -> str:
    """What the skipped scheduled run of `period` still leaves to send by hand, read now: each org whose week it did
    not send (its failure recorded, `failed_week`) and no run has sent to anyone since (by hand, `intel run --week …
    --send`), with the command that sends it; "" once every such week went out."""
    said = []
    for org in list_orgs(app.store):
        if scheduled_run_done(app.store, org, period) or (week := failed_week(app.store, org, period)) is None:
            continue
        # sent to anyone, it went out: a recipient added since (who never had it) had it said unsent again, for good
        if not sent_to_anyone(app, org, "weekly", week.isoformat()):
            said.append(f"{org}, the week of {week}: 'firstmate intel run --org {org} --week {week} --send' sends it")
    return f"not sent: {'; '.join(said)}" if said else ""
