"""A scheduled job and what its runs return and record: `Job`, `Later`, `JobFailed`, `FailedMeanwhile`, `SkipLater`,
`JobRun`, and how a failure is said (`failure_said`, `unexpected_said`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from firstmate.domain.schedule import Schedule
from firstmate.errors import FirstmateError
from firstmate.logs import redact_text

MAX_ATTEMPTS = 3
#: The most of an unexpected error's first line said (`unexpected_said`): a proxy's HTML error page on one line
#: filled the owner's mail and the reports page, and its run record was cut before "the log has the details".
UNEXPECTED_LINE = 200
#: A job failed this many periods in a row is reported, as a run with no try left is; and again every
#: REPORT_EVERY periods while it keeps failing (hourly for a 5-minute job, not every 5 minutes).
FAILED_PERIODS = 3
REPORT_EVERY = 12

Ctx = TypeVar("Ctx")


@dataclass(frozen=True)
class Job(Generic[Ctx]):
    """A schedule and the function it runs, given the application context and the period's
    fire time (so a job can work on its own period, not on whatever time it happens to start)."""

    schedule: Schedule
    run: Callable[[Ctx, datetime], Any]
    #: False for a job a local process's own loops already do (run only by the AWS schedules)
    local: bool = True
    #: The seconds of a function's time a run must have left to be started where that time is limited (a Lambda
    #: function catching up other jobs after its own): started with less, it would be stopped mid-way
    needs_s: float = 0.0
    #: True for a job that may leave part of its period for later (`Later`): its runs of periods its schedule no
    #: longer has (the cron changed while one waited) are still taken up, within their catch-up window
    waits: bool = False
    #: Of a job that waits: what a period's run left waiting past its catch-up window (never to run again) leaves to
    #: do by hand, said (and told to whom it concerns) by the job just before the run is recorded skipped: called
    #: again should that record not be written (the process stopped, another scheduler's pass), it tells once; it
    #: raises SkipLater while another process does that very work (the skip is then left to a later pass)
    skipped: Callable[[Ctx, datetime], str] | None = None
    #: Of a job that skips: what a skipped run of a period still leaves to do by hand, read now, in words that follow
    #: "skipped <when>, " ("" once it is done: `jobs list` shows the skipped run until then, however many runs since)
    left_to_do: Callable[[Ctx, datetime], str] | None = None

    @property
    def name(self) -> str:
        """The job's unique name."""
        return self.schedule.name


@dataclass(frozen=True)
class Later:
    """What a job returns when part of its period's work cannot be done before `at` (an org's weekly report,
    its ad accounts' week not over): the rest is done, and the period is run again by the first pass from `at`
    (within its catch-up window; a period of the schedule starting first does the work instead), with its
    MAX_ATTEMPTS tries afresh. `detail`: what was done and what waits, as `jobs list` shows it."""

    at: datetime
    detail: str


# not in errors.py: a job's words to the scheduler (with `Later`), caught by it alone and recorded for `jobs list`
class JobFailed(RuntimeError):
    """A job's own word that its run failed (an org's failure or more, each said in a plain line): recorded as it
    says, where an error the job did not raise on purpose is recorded as unexpected (`failure_said`)."""


class FailedMeanwhile(RuntimeError):
    """A run that failed in part while another part of its period's work waits (`later`): retried as any failed
    run; once it is not to be (no try left), the period still runs again at `later.at`, for the part waiting.
    Not `retried`: what failed can do nothing before `later.at` either (an org waiting for its ad accounts' week,
    its source failing before it was known to wait), so it is not tried again before then, where its tries
    begin afresh: one round of tries, not one now for nothing and another then."""

    def __init__(self, message: str, later: Later, *, retried: bool = True) -> None:
        super().__init__(message)
        self.later = later
        self.retried = retried


class SkipLater(RuntimeError):
    """`Job.skipped`'s word that what a skipped run leaves to do by hand cannot be said yet: another process is doing
    that very work now (a build sending the run's week). The run is not recorded skipped, nor anyone told, by this
    pass: the next pass looks again, once that work is done or its holder's lease has run out."""


def failure_said(exc: BaseException) -> str:
    """A run's failure in a line its owner reads (`jobs list`, `jobs run`): a job's own word or an error firstmate
    raised on purpose as it says; any other (a bug, a library's error) as unexpected (`unexpected_said`)."""
    if isinstance(exc, JobFailed | FailedMeanwhile | FirstmateError):
        return str(exc)
    return unexpected_said(exc)


def unexpected_said(exc: BaseException) -> str:
    """An error firstmate did not raise on purpose (a bug, a library's error) in one line, wherever it is told (`jobs
    list`, `jobs run`, the owner's failure mail, the admin's reports page): "an unexpected error (KeyError: 'x'; the
    log has the details)". Its class name helps whoever supports the owner ("'x'" alone said nothing); its first
    line alone, "…" saying there was more (a library's message of several lines filled the row); the log has it
    whole, with its traceback. A first line of over UNEXPECTED_LINE characters is cut, "…" saying where: redacted
    first, so no part of a token is left that its whole would have had redacted."""
    lines = redact_text(str(exc)).strip().splitlines()
    first = lines[0].strip() if lines else ""
    more = len(lines) > 1 or len(first) > UNEXPECTED_LINE
    said = type(exc).__name__ + (f": {first[:UNEXPECTED_LINE]}" if first else "") + ("…" if more else "")
    return f"an unexpected error ({said}; the log has the details)"


@dataclass(frozen=True)
class JobRun:
    """What happened to one job for one period."""

    job: str
    period: datetime
    status: str  # done | failed | waiting (part of its work left for later: `Later`)
    detail: str = ""
    attempts: int = 1
    failed_periods: int = 0  # of a failed scheduled run: the periods in a row that failed, this one included
    retry_at: datetime | None = None  # of a failed run its period will be tried again in, or a waiting run: when
    lapsed: bool = False  # of a failed run: its catch-up window closes before a retry, and no period follows first
    #: of a lapsed run: recorded skipped, not taken up within its catch-up window (`detail`: "skipped: why; what is
    #: left to do by hand"), whatever its tries (none, of a run left waiting)
    skipped: bool = False

    @property
    def given_up(self) -> bool:
        """A failure someone must hear of (on AWS it goes to the dead-letter queue), once its period
        will not be tried again: a run with no try left, a run whose catch-up window closes before its
        retry (`lapsed`), or a job failed FAILED_PERIODS periods in a row (and every REPORT_EVERY
        after). The last is how a 5-minute job failing for good is heard of: the next period comes
        before a retry would, so its tries never run out."""
        if self.status != "failed" or self.retry_at is not None:
            return False
        beyond = self.failed_periods - FAILED_PERIODS
        return self.attempts >= MAX_ATTEMPTS or self.lapsed or (beyond >= 0 and beyond % REPORT_EVERY == 0)
