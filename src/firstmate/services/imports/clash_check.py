"""An import's double bookings, looked for once its whole file is in (`check_written`), and the marks of the
checks it did dropped."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import structlog

from firstmate.domain.business import BusinessProfile
from firstmate.domain.calendar import CalendarEntry
from firstmate.errors import StoreError
from firstmate.ports import MAX_TRANSACTION_WRITES, Delete
from firstmate.services.context import Context
from firstmate.services.imports.report import ImportReport
from firstmate.services.notifications import double_booking_lines
from firstmate.services.trips import calendar_pk, owed_marks, tell_double_bookings

log = structlog.get_logger(__name__)


def check_written(
    ctx: Context,
    profile: BusinessProfile,
    org: str,
    written: Mapping[str, tuple[str, Callable[[], str | None]]],
    report: ImportReport,
    checking: Callable[[int, int], None],
) -> None:
    """Look for the double bookings of each booking and slot an import wrote (`written`: as the report names
    it, and how to find its calendar key once the file is in) as things then stand, and tell the operations
    manager of those untold: each pair goes in `report` once, under the first of its rows; a row the store kept
    from being checked is named in it. `checking` is called with how many were checked, of how many."""
    # should this process stop first, each entry's check is owed: the fanouts job tells within the hour
    listed: set[frozenset[str]] = set()  # each pair once, under the first of its rows
    checked: list[Delete] = []  # the marks of the checks done here, which the job need not do again
    for done, (named, key_of) in enumerate(written.values()):
        checking(done, len(written))
        try:
            key = key_of()
            marks = owed_marks(ctx.store, org, key) if key else []
            stored = ctx.store.get(calendar_pk(org), key) if key else None
            entry = CalendarEntry.model_validate(stored.data) if stored else None
            found = tell_double_bookings(ctx, profile, entry)[0] if entry else []
        except StoreError as exc:  # every row is in: say so, and leave the telling to the job
            log.warning("import.double_booking_unchecked", org=org, row=named, error=str(exc))
            report.unchecked.append(f"{named}: {exc.message} (the fanouts job tells any within the hour)")
            continue
        checked += [Delete(mark.pk, mark.sk) for mark in marks]
        if entry is None:  # moved or gone meanwhile, by another writer whose own check covers it
            continue
        fresh = [other for other in found if frozenset((entry.uid, other.uid)) not in listed]
        listed.update(frozenset((entry.uid, other.uid)) for other in fresh)
        report.double_booked += [f"{named}: {line}" for line in double_booking_lines(profile, fresh)]
    _drop_marks(ctx, org, checked)
    checking(len(written), len(written))


def _drop_marks(ctx: Context, org: str, marks: list[Delete]) -> None:
    """Drop the marks of checks the import did; any the store keeps are checked again by the job."""
    for start in range(0, len(marks), MAX_TRANSACTION_WRITES):
        try:
            ctx.store.transact(marks[start : start + MAX_TRANSACTION_WRITES])
        except StoreError as exc:  # one batch the store refused (the job dropping one of its marks too, say)
            log.warning("import.clash_marks_kept", org=org, marks=len(marks[start : start + MAX_TRANSACTION_WRITES]),
                        error=str(exc))  # fmt: skip
