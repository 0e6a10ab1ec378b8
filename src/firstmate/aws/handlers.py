"""The Lambda entrypoints. Each builds the App once per container from the environment (the
adapters are chosen by settings alone) and calls the same use cases the local server runs.

- `web_handler`: the web app behind API Gateway's HTTP API, through Mangum.
- `dispatch_handler`: the table's stream; delivers each new or retried outbox entry, and reports
  the records it could not handle so that only those are retried (then sent to the dead-letter queue).
- `job_handler`: EventBridge Scheduler's `{"job": "<name>"}`; runs that job once per period (the
  `outbox_retry` job sends only what the function's time left lets it finish).
- `ses_events_handler`: SES's bounce, complaint, delivery and reject events, via SNS, recorded on
  the message's outbox entry.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import structlog

from firstmate.bootstrap import App, build
from firstmate.config import load_settings, unknown_variables
from firstmate.logs import configure_logging

if TYPE_CHECKING:
    from firstmate.services.outbox import TimeLimit

log = structlog.get_logger(__name__)

_app: App | None = None
_web: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def current_app() -> App:
    """The App of this Lambda container, built on first use and kept for later invocations."""
    global _app
    if _app is None:
        settings = load_settings()
        configure_logging(settings.log_format, settings.log_level)
        for warning in unknown_variables():  # a misspelt setting in the function's environment
            log.warning("config.unknown_variable", warning=warning)
        _app = build(settings)
    return _app


def reset() -> None:
    """Forget the container's App (tests build a new one for new settings)."""
    global _app, _web
    if _app is not None:
        _app.close()
    _app, _web = None, None


def web_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) request, answered by the FastAPI app."""
    global _web
    if _web is None:
        from mangum import Mangum

        from firstmate.web.app import create_app

        # no background workers in a function: the stream and the schedules do their work
        _web = Mangum(create_app(current_app(), run_workers=False), lifespan="off")
    return _web(event, context)


#: The longest one message may take: a store call to claim it and one to record it (about 24 s each at
#: worst: 3 attempts of 2 s to connect and 5 s to answer) and SES's answer (5 + 10 s, and up to 5 s of
#: asking again when over the sending rate). A message is claimed only with that much of the function's
#: time left, looked at after its reads, just before the claim (the stream's dispatcher has 90 s, the jobs'
#: `outbox_retry` 900 s), so none is cut off mid-send
#: to go again; and the claim's lease (outbox_lease_s, 300 s by default) outlasts the dispatcher function and
#: any one message, so no other dispatcher takes an entry up while this one may still be sending it.
SEND_BUDGET_MS = 70_000
#: Kept to spare at the end: recording a send stops trying this long before the function would be stopped.
END_MARGIN_S = 2.0


def dispatch_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Deliver the outbox entries in a batch of DynamoDB stream records.

    Returns `batchItemFailures` naming each record whose entry could not be handled (the store
    was unavailable, a bug): Lambda retries from those, and after its retries sends them to the
    dead-letter queue. A message that fails to send is not a failed record: the outbox already
    holds it for a retry with backoff (the `outbox_retry` job), or marks it dead. Records left
    when the function's time runs short are not started and reported the same way.
    """
    from firstmate.services.outbox import dispatch_entry

    app = current_app()
    failures: list[dict[str, str]] = []
    until = _time_limit(context)
    for record in event.get("Records", []):
        if until is not None and time.monotonic() > until.claim_until:
            # not started: Lambda hands it over again, rather than stopping this function mid-send
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
            continue
        target = _outbox_target(record)
        if target is None:
            continue
        try:
            report = dispatch_entry(
                app.store, app.mailer, app.clock, app.retry_policy, *target, keys=app.signing_keys, until=until
            )
            if report.left:  # its reads took the time a send needs: handed over again, not started
                failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
        except Exception:
            log.exception("dispatch.record_failed", org=target[0], key=target[1])
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
    return {"batchItemFailures": failures}


def _time_limit(context: Any) -> TimeLimit | None:
    """The time this invocation has to send in: a message is claimed only with SEND_BUDGET_MS of the
    function's time left, and recording one stops trying END_MARGIN_S before its end. None without a
    Lambda context (a direct call)."""
    from firstmate.services.outbox import TimeLimit

    ends = _function_ends(context)
    if ends is None:
        return None
    return TimeLimit(claim_until=ends - SEND_BUDGET_MS / 1000, deadline=ends - END_MARGIN_S)


def _function_ends(context: Any) -> float | None:
    """When Lambda stops this invocation, as a `time.monotonic()` value; None without a Lambda context."""
    time_left = getattr(context, "get_remaining_time_in_millis", None)
    if time_left is None:
        return None
    return time.monotonic() + float(time_left()) / 1000


def _outbox_target(record: dict[str, Any]) -> tuple[str, str] | None:
    """(org, key) of the open outbox entry a stream record shows, or None for anything else."""
    if record.get("eventName") not in ("INSERT", "MODIFY"):
        return None
    image = record.get("dynamodb", {}).get("NewImage") or {}
    if image.get("gsi1pk", {}).get("S") != "OUTBOX#DUE":
        return None
    pk = image.get("pk", {}).get("S", "")
    org = pk.removeprefix("ORG#").removesuffix("#OUTBOX")
    key = image.get("sk", {}).get("S", "")
    return (org, key) if org and key and pk.endswith("#OUTBOX") else None


def job_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Run the scheduled job named in `event["job"]` for its current period, once; then any other
    job whose current period has not run to the end (a run cut off by a timeout or a crash, once
    its lease has passed, or a failed run with attempts left), as the local scheduler does, each only
    with the function's time it needs (`Job.needs_s`): those left are taken up by a later invocation.

    A duplicate delivery of the same schedule finds the period claimed and does nothing. A failed
    run is tried again by the schedules' later passes, 10 and then 30 minutes on (the run record
    counts attempts); one that fails its last try raises, as does one whose last try's invocation was
    stopped (once its lease has passed), and the invocation goes to the dead-letter queue (the
    function is given no retries of Lambda's own: they came a minute or three later and found
    nothing due, so a job failing for good never reached the queue). A 5-minute job is not
    retried (its next period does the work): one failing 3 periods in a row raises, then hourly. A run
    failing so late in its catch-up window that its retry would fall outside it raises at once, and a run not
    taken up within it (no invocation meanwhile) raises saying it was skipped and what is left to do by hand.
    """
    from firstmate.jobs import declared_jobs
    from firstmate.services.scheduler import MAX_ATTEMPTS, run_due_jobs

    app = current_app()
    name = str(event.get("job", ""))
    ends = _function_ends(context)
    # the retry job claims a message only with the time to send it: one cut off mid-send went again; the weekly
    # report and the role reports stop themselves before the function is stopped, and their run is recorded
    # failed, with why, and retried
    jobs = {job.name: job for job in declared_jobs(app.settings, until=_time_limit(context), function_ends=ends)}
    if name not in jobs:
        raise ValueError(f"no job named {name!r}; the schedules know {', '.join(sorted(jobs))}")
    runs = run_due_jobs(app.store, app.clock, [jobs[name]], app)
    # the */5 schedules come by often: they pick up what a cut-off run left, within its catch-up window; one
    # started without the time to finish it was stopped mid-way, `running` for its lease, unsaid
    left: list[str] = []
    others = run_due_jobs(
        app.store, app.clock, [job for job in jobs.values() if job.name != name], app,
        time_left=None if ends is None else partial(_seconds_until, ends), left=left,
    )  # fmt: skip
    given_up = [run for run in [*runs, *others] if run.given_up]
    if given_up:
        run = given_up[0]
        if run.skipped:  # not taken up within its catch-up window: no try of it failed so ("failed (try 0)" said one)
            raise RuntimeError(f"job {run.job} {run.detail}")
        if run.attempts >= MAX_ATTEMPTS:
            raise RuntimeError(f"job {run.job} failed on all {run.attempts} tries: {run.detail}")
        if run.lapsed:
            raise RuntimeError(
                f"job {run.job} failed (try {run.attempts}) too late in its catch-up window to be tried again; "
                f"its next period starts {jobs[run.job].schedule.next_fire(app.clock.now()):%a %d %b %H:%M} UTC: "
                f"{run.detail}"
            )
        raise RuntimeError(f"job {run.job} failed {run.failed_periods} periods in a row: {run.detail}")
    detail = runs[0].detail if runs else "already ran for this period"
    if runs and runs[0].status == "waiting":  # an org's ad accounts' week not over: the */5 schedules' passes run it
        run = runs[0]
        detail = f"waiting (run again from {run.retry_at:%a %H:%M} UTC): {detail}" if run.retry_at else detail
    elif runs and runs[0].status != "done":
        run = runs[0]
        later = f"tried again at {run.retry_at:%H:%M} UTC" if run.retry_at else "its next period does the work"
        detail = f"failed (try {run.attempts}; {later}): {detail}"
    return {"job": name, "ran": len(runs), "detail": detail, "caught_up": [run.job for run in others], "left": left}


def _seconds_until(ends: float) -> float:
    """The seconds from now to `ends`, a `time.monotonic()` value."""
    return ends - time.monotonic()


def ses_events_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Record SES events (delivered through SNS) on the outbox entries of the messages they
    concern. Events about mail firstmate did not send are ignored. One about a message whose send is
    not recorded yet (a quick reject while the store is slow) fails the invocation once the others are
    recorded: Lambda gives the event again (twice, then to the dead-letter queue), where it was lost."""
    from firstmate.adapters.mail.ses import parse_ses_event
    from firstmate.errors import FeedbackTooEarly
    from firstmate.services.business import list_orgs
    from firstmate.services.outbox import record_feedback

    app = current_app()
    recorded = ignored = 0
    early: list[str] = []
    for record in event.get("Records", []):
        parsed = parse_ses_event(json.loads(record.get("Sns", {}).get("Message") or "{}"))
        if parsed is None:
            ignored += 1
            continue
        orgs = list_orgs(app.store)
        try:
            entry = record_feedback(app.store, orgs, parsed.idempotency_key, parsed.message_id, parsed.feedback)
        except FeedbackTooEarly as exc:
            early.append(str(exc))
            continue
        if entry is None:
            ignored += 1
            continue
        recorded += 1
        log.info("mail.feedback", org=entry.org, key=entry.key, kind=parsed.feedback.kind)
    if early:  # recording again what was recorded now changes nothing
        raise FeedbackTooEarly("; ".join(early))
    return {"recorded": recorded, "ignored": ignored}
