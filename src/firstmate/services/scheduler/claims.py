"""Claiming a period's try with a conditional write on its run record: whether it is to run now (none yet, a
try stopped past its lease or its process seen gone, a failed run's retry due, a wait over), and waits set before the
clock stepped back (NTP) counted again from when a scheduler sees them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from firstmate.domain.shared import iso
from firstmate.errors import ConditionFailed
from firstmate.ports import Absent, Item, Store, VersionIs
from firstmate.services.scheduler.job import MAX_ATTEMPTS
from firstmate.services.scheduler.records import RUNNER, RUNS_PK, STOPPED_BY_HAND, WAITS_FROM, WAITS_UNTIL, run_record

LEASE = timedelta(minutes=30)
#: How long after its failed attempt a period's run is tried again (after the first, after the second):
#: a source throttling or down at 07:00 on Monday is most often back within the hour, and three tries
#: on back-to-back ticks (30 s apart) all met it.
RETRY_AFTER = (timedelta(minutes=10), timedelta(minutes=30))
#: How a scheduler tells that the process a running try's record names is gone (`App.process_gone`, on a SQLite
#: home): None where no process can be looked at (AWS), the lease alone telling.
Gone = Callable[[Mapping[str, Any]], bool] | None


def claimable(existing: Item | None, now: datetime, gone: Gone = None) -> bool:
    """Whether a period whose run record is `existing` is to run now: none yet, a try stopped (its lease
    passed, or the process its record names `gone`) or failed (its wait for a retry over) with tries left, a try
    stopped with Ctrl-C (`worker --once`: not one of its tries), or a run waiting (`Later`) whose moment has come;
    not done, running or waiting."""
    if existing is None:
        return True
    data = existing.data
    if data["status"] == "waiting":
        return now >= datetime.fromisoformat(data[WAITS_UNTIL])
    if data["status"] == STOPPED_BY_HAND:  # Ctrl-C: not one of its tries, its last or not (`claim`)
        return True
    stale = stopped_running(data, now, gone)
    retry = data["status"] == "failed" and now - _waits_from(data) >= retry_after(data["attempts"])
    return (stale or retry) and int(data["attempts"]) < MAX_ATTEMPTS


def claim(
    store: Store, now: datetime, sk: str, existing: Item | None, period: datetime,
    runner: Mapping[str, Any] | None = None, gone: Gone = None,
) -> Item | None:  # fmt: skip
    """The run record of `sk`'s `period` claimed for a try (`existing`: as read just before) by the process `runner`
    names (where it can be looked at), or None when it is not to run now (done, running, waiting for its retry, or
    out of tries). On the version read: of two schedulers that both saw a try stopped (its process `gone`), one
    claims it, the other gets None."""
    try:
        if existing is None:
            return store.put(Item(RUNS_PK, sk, run_record("running", now, 1, period=period, runner=runner)), Absent())
        if not claimable(existing, now, gone):
            return None
        # a try stopped with Ctrl-C (`worker --once`) says nothing of the job: the new try takes its place, not a
        # try more (three stops by hand gave the week's report up, "failed" to its owner)
        attempts = int(existing.data["attempts"]) + (existing.data["status"] != STOPPED_BY_HAND)
        record = run_record("running", now, attempts, period=period, runner=runner)
        return store.put(Item(RUNS_PK, sk, record), VersionIs(existing.version))
    except ConditionFailed:
        return None  # another scheduler claimed this period first


def lease_passed(data: Mapping[str, Any], now: datetime) -> bool:
    """Whether a run record says `running` past its lease: the process running it stopped (read too by
    `skipped_waits`: a stopped try whose period is run no more)."""
    return data["status"] == "running" and now - _waits_from(data) > LEASE


def stopped_running(data: Mapping[str, Any], now: datetime, gone: Gone = None) -> bool:
    """Whether a run record says `running` of a try whose process stopped: its lease passed, or the process it names
    is `gone` (a SQLite home: killed, a closed terminal), taken up at once."""
    return lease_passed(data, now) or runner_gone(data, gone)


def runner_gone(data: Mapping[str, Any], gone: Gone) -> bool:
    """Whether the process a running try's record names is gone, as `gone` tells (False where it cannot be told:
    no `gone`, a record naming no process)."""
    runner = data.get(RUNNER)
    return data["status"] == "running" and gone is not None and isinstance(runner, Mapping) and gone(runner)


def ended(data: Mapping[str, Any], now: datetime, gone: Gone = None) -> bool:
    """Whether a scheduled try ended before its outcome was recorded: its process stopped (its lease passed, or it
    is `gone`), or Ctrl-C stopped it (`worker --once`), recorded so as it stopped: nothing runs it any more."""
    return stopped_running(data, now, gone) or data["status"] == STOPPED_BY_HAND


def _waits_from(data: Mapping[str, Any]) -> datetime:
    """When a run record's wait began: a running try's lease, a failed run's wait for its retry."""
    return datetime.fromisoformat(data.get(WAITS_FROM, data["at"]))


def reanchored(store: Store, existing: Item, now: datetime) -> Item | None:
    """The run record `existing`, its wait counted again from `now` when it began after `now`: set
    before the clock stepped back (NTP), a stopped try's lease or a failed run's wait would last the step
    longer. No less than no time has passed since, so a try still running keeps at least its whole lease.
    None when another scheduler changed the record since it was read."""
    data = existing.data
    if data["status"] not in ("running", "failed") or _waits_from(data) <= now:
        return existing
    try:  # on its version: only the very try that was read is counted again
        return store.put(replace(existing, data={**data, WAITS_FROM: iso(now)}), VersionIs(existing.version))
    except ConditionFailed:
        return None


def same_try(stored: Item, claimed: Item) -> bool:
    """Whether `stored` is the try `claimed` still running, its lease counted again since (`reanchored`)."""
    return stored.data.get("status") == "running" and stored.data.get("at") == claimed.data["at"]


def died_on_last_try(existing: Item, now: datetime, gone: Gone = None) -> bool:
    """Whether the process running a period's last try stopped before the try ended (its lease passed, or it is
    `gone`; one stopped with Ctrl-C is tried again: not one of its tries)."""
    return stopped_running(existing.data, now, gone) and int(existing.data["attempts"]) >= MAX_ATTEMPTS


def retry_after(attempts: int) -> timedelta:
    """The wait before the next try of a run that has failed `attempts` times."""
    return RETRY_AFTER[min(attempts, len(RETRY_AFTER)) - 1]
