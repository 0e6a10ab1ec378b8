"""The scheduled weekly run's records: whether a period's run was done, the week it reports, and its failures,
told on the admin page until a later run answers them and mailed to the owner once per org and week."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.shared import iso, to_epoch
from firstmate.errors import ConditionFailed, FirstmateError
from firstmate.logs import redact_text
from firstmate.ports import Absent, Item, Store
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.intel.run_records import intel_pk
from firstmate.services.intel.weeks import last_complete_week, moment_in
from firstmate.services.outbox import enqueue
from firstmate.services.paging import all_items


def record_failure(
    ctx: Context, org: str, error: FirstmateError, period: datetime, *, resumes: datetime | None = None,
    week_over: datetime | None = None, week: date | None = None, skipped: bool = False,
) -> None:  # fmt: skip
    """Say honestly that a scheduled report failed: on the admin reports page, and to the owner
    by email (once per org and week, however often the scheduler retries or someone runs it by hand), with the
    command that sends the week that failed. `resumes`: when the scheduled run is taken up again all the same
    (an org waiting for its ad accounts' week); `week_over`: from when that week can be sent by hand (before
    then `intel run --week` refuses it); `week`: the week that failed, when not the one just ended at `period`
    in the org's zone (recorded when its scheduled run first waited: `scheduled_week`); `skipped`: the scheduled run
    is not tried again (its catch-up window closed while it waited)."""
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
        # org: the key gives the Message-ID, and an owner of two orgs kept one of the two notices; a skip (told once)
        # its own: an earlier failure's "taken up again at 22:00" mail of the week kept it from its owner
        idempotency_key=f"report:weekly:failed:{week.isoformat()}:{org}" + (":skipped" if skipped else ""),
        sender=ctx.settings.mail_from,
        to=(profile.org.owner_email,),
        subject=" ".join(f"The weekly marketing report did not run: {message}".split())[:300],
        text=(
            f"The weekly marketing report for {profile.org.name} did not run.\n\n{what}\n\n"
            + _what_next(org, week, resumes, week_over, profile.org.timezone, skipped=skipped)
        ),
    )
    enqueue(ctx.store, org, [mail], now)


def _what_next(
    org: str, week: date, resumes: datetime | None, week_over: datetime | None, timezone: str, *, skipped: bool = False
) -> str:
    """What a failure mail says happens next, and the command that sends the week that failed: by its Monday (a
    bare `intel run --send` sent the last week with figures, most often the week before, had already)."""
    command = f"'firstmate intel run --org {org} --week {week} --send'"
    if skipped:  # its window closed: nothing sends the week but the command
        return f"The scheduled run is not taken up again: {command} sends the week at once."
    tried = "A scheduled run is tried again 10 and 40 minutes after it first fails"
    if resumes is not None:  # not tried before then for nothing: its week cannot be built before its hour
        tried = (f"A scheduled run is taken up again at {moment_in(resumes, timezone)} all the same, once its week "
                 "can be built, and tried again 10 and 40 minutes after should it fail then")  # fmt: skip
    when = f"from {moment_in(week_over, timezone)}" if week_over is not None else "at once"
    return f"{tried}; once the cause is fixed, {command} sends it {when}."


def scheduled_run_done(store: Store, org: str, period: datetime) -> bool:
    """Whether the scheduled weekly run of `period` already built and sent `org`'s report."""
    return store.get(intel_pk(org), f"SCHEDULED#{iso(period)}") is not None


def record_scheduled_run(store: Store, org: str, period: datetime, run_id: str) -> None:
    """Note that `org`'s report of the scheduled `period` went out, so that the period's retries
    (for another org that failed) do not pull from the sources and store the report again."""
    store.put(Item(intel_pk(org), f"SCHEDULED#{iso(period)}", {"run_id": run_id}, ttl=_period_kept_until(period)))


def failed_week(store: Store, org: str, period: datetime) -> date | None:
    """The week the scheduled run of `period` failed to send for `org`, as its failure was recorded (`record_failure`,
    a skip's too), None when none was (the run sent it, or the org had no ad account then)."""
    item = store.get(intel_pk(org), f"FAIL#{iso(period)}")
    return None if item is None or not item.data.get("week") else date.fromisoformat(item.data["week"])


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
