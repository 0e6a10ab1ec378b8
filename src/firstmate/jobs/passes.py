"""The jobs run every few minutes or hourly: crew reminders, the fan-outs and checks a stopped process left
undone, the crew's roster lists, and (on AWS) the outbox's retries."""

from __future__ import annotations

from datetime import datetime, timedelta

from firstmate.bootstrap import App
from firstmate.errors import FirstmateError
from firstmate.services.bookings import complete_fanouts
from firstmate.services.business import list_orgs
from firstmate.services.clash_checks import complete_clash_checks
from firstmate.services.crew_owed import OwedAsks, complete_owed_asks
from firstmate.services.outbox import TimeLimit, dispatch_outbox
from firstmate.services.reminders import send_due_reminders
from firstmate.services.roster import list_held_trips
from firstmate.services.scheduler import JobFailed


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
        raise JobFailed("; ".join(failed))  # the run is recorded as failed and retried
    return f"{listed} crew members' trips listed"


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
