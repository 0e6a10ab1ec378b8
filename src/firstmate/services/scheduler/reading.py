"""A run record as it reads now, from outside a scheduler (`jobs list`): a try whose process stopped mid-run (killed,
the machine off or asleep) reads stopped, not `running`, once its lease has passed (`stopped_since`); and a run whose
period is run no more, its catch-up window closed while firstmate was off, is not said tried again (`window_closed`).
Each scheduler's next pass writes what it does of them (tries one again, gives it up, skips it); until then, and of the
jobs whose records no pass reads again (all but the weekly report, a run by hand), only the reading says so."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from firstmate.domain.shared import iso
from firstmate.ports import Item
from firstmate.services.scheduler.claims import lease_passed
from firstmate.services.scheduler.job import MAX_ATTEMPTS, Job
from firstmate.services.scheduler.periods import due_at, period_of
from firstmate.services.scheduler.records import MANUAL, NEXT_TRY, RUNS_PK, STOPPED, WAITS_FROM

#: A run record's status for a run by hand stopped with Ctrl-C (`run_job_now`): recorded as it stops, not tried again.
STOPPED_BY_HAND = "stopped"
#: What such a record says.
CTRL_C = "Ctrl-C pressed mid-run"
#: Of a failed run or a stopped try whose period's catch-up window closed (firstmate off meanwhile), as `as_read` says.
WINDOW_CLOSED = "not tried again: its catch-up window closed {} (its next period runs as scheduled)"


def as_read(job: Job[Any], record: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """A run `record` of `job` (as `last_runs` gives it) as it reads `now`: a try whose process stopped mid-run (its
    lease passed) said `stopped` when last heard of (`at`, `heard`), with what comes of it (`again`); a failed run's
    retry whose period's catch-up window has closed said not tried again (`again`). Said "running", or "tried again
    from …" long past, for good, a week later, of all but the weekly report (whose next pass records it skipped)."""
    if (heard := stopped_since(record, now)) is not None:
        if str(record["period"]).endswith(MANUAL):
            again = "run by hand: not tried again"
        elif window_closed(job, record, now):
            again = WINDOW_CLOSED.format("first")
        elif int(record["attempts"]) >= MAX_ATTEMPTS:  # its next pass records it given up (`died_on_last_try`)
            again = f"given up after {record['attempts']} tries (its next period runs as scheduled)"
        else:
            again = "tried again at the scheduler's next pass"
        said = {"status": "stopped", "at": iso(heard), "heard": True, "again": again, "detail": f"{STOPPED} mid-run"}
        return {**record, **said}
    if record["status"] == "failed" and record.get(NEXT_TRY) and window_closed(job, record, now):
        return {**record, "again": WINDOW_CLOSED.format("before its retry")}
    return dict(record)


def stopped_since(record: Mapping[str, Any], now: datetime) -> datetime | None:
    """When a `running` try was last heard of, once its lease has passed (its process stopped mid-run, within a
    lease's renewal of then: `LeaseRenewal`); None for any other record, or a try that may still be running."""
    if not lease_passed(record, now):
        return None
    return datetime.fromisoformat(record.get(WAITS_FROM, record["at"]))


def window_closed(job: Job[Any], record: Mapping[str, Any], now: datetime) -> bool:
    """Whether a scheduled run of `job` (`record`, as `last_runs` gives it) is of a period no longer run at `now`: its
    catch-up window closed (firstmate off meanwhile, or a later period due), so no pass tries it again. False for a
    run by hand (never tried again) or a record that does not say its period."""
    key = str(record["period"])
    if key.endswith(MANUAL):
        return False
    period = period_of(job, Item(RUNS_PK, f"{job.name}#{key}", dict(record)))
    return period is not None and not due_at(job, period, now)
