"""The double-booking checks still owed: whatever writes a calendar entry marks its check as owed
in the same transaction (`trips.check_owed`); the `fanouts` job checks each marked entry again and
drops the marks, so a process stopping between a booking's write and its check, or a store failing
during the check, leaves no clash untold. An import checks its rows itself once its whole file is
in; their marks wait for it (`trips.DEFERRED_CHECK`) before the job checks them.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from firstmate.domain.business import BusinessProfile
from firstmate.domain.calendar import CalendarEntry
from firstmate.domain.shared import to_epoch
from firstmate.errors import StoreError
from firstmate.ports import MAX_TRANSACTION_WRITES, Delete, Item, Write
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.trips import CHECK_INDEX, LATER_CHECK_INDEX, calendar_pk, tell_double_bookings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ClashChecks:
    """What one pass of `complete_clash_checks` did."""

    checked: int = 0
    told: int = 0
    left: int = 0


def complete_clash_checks(ctx: Context, *, limit: int = 1000) -> ClashChecks:
    """Check up to `limit` calendar entries marked as owing their double-booking check, tell the
    operations manager of any clash not told of yet (a process stopped, or the store failed, after
    the entry's write), and drop their marks. A mark whose check the store failed is kept for the
    next pass; one that can never be checked (its entry unreadable) is logged and dropped.
    Idempotent, and safe to run in two processes at once: a clash is told once."""
    checked = told = left = 0
    profiles: dict[str, BusinessProfile | None] = {}
    done: list[Write] = []
    for mark in _due_marks(ctx, limit):
        try:
            told += _check_marked(ctx, mark, profiles)
        except StoreError as exc:
            log.warning("calendar.clash_check_failed", mark=mark.sk, error=str(exc))
            left += 1
            continue
        except Exception:  # one entry that cannot be checked must not stop the others' checks
            log.exception("calendar.clash_check_impossible", mark=mark.sk)
        checked += 1
        done.append(Delete(mark.pk, mark.sk))  # the index lists marks as written: the same key, the same mark
        if len(done) == MAX_TRANSACTION_WRITES:
            ctx.store.transact(done)
            done = []
    if done:
        ctx.store.transact(done)
    return ClashChecks(checked, told, left)


def _due_marks(ctx: Context, limit: int) -> list[Item]:
    """Up to `limit` marks to check now: those owed at once, then those left to their writer whose
    time has come (a writer that stopped before checking)."""
    marks = list(ctx.store.query_index(CHECK_INDEX, limit=limit).items)
    now, cursor = to_epoch(ctx.clock.now()), None
    while len(marks) < limit:
        page = ctx.store.query_index(LATER_CHECK_INDEX, limit=limit - len(marks), cursor=cursor)
        due = [m for m in page.items if int((m.gsi1sk or "0").partition("#")[0]) <= now]
        marks += due
        if len(due) < len(page.items) or page.cursor is None:
            break  # ordered by their time: the rest are later still
        cursor = page.cursor
    return marks


def _check_marked(ctx: Context, mark: Item, profiles: dict[str, BusinessProfile | None]) -> int:
    """Check the entry `mark` names; how many clashes were told just now."""
    org = str(mark.data["org"])
    if org not in profiles:
        profiles[org] = load_business(ctx.store, org)
    stored, profile = ctx.store.get(calendar_pk(org), str(mark.data["entry"])), profiles[org]
    if stored is None or profile is None:  # moved (its new key has a mark of its own), or gone
        return 0
    return tell_double_bookings(ctx, profile, CalendarEntry.model_validate(stored.data))[1]
