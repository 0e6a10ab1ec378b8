"""Import parsed booking records: all of them or, if any is wrong, none."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

import structlog

from firstmate.domain.bookings import BookingRequest, IntakeResult
from firstmate.domain.intake import BlockedSlot, ParsedRecord, RowError
from firstmate.errors import NotFound, StoreError
from firstmate.services.bookings import booking_entry, orchestrate_booking
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.notifications import double_booking_lines
from firstmate.services.trips import blocked_slot_entry, record_blocked_slot, tell_double_bookings

log = structlog.get_logger(__name__)


@dataclass
class ImportReport:
    """What an import did (or, with errors, why it did nothing)."""

    counts: Counter[str] = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    over: int = 0  # bookings created for a trip already over: their crew were not told
    double_booked: list[str] = field(default_factory=list)  # what else held a boat then, in words
    unchecked: list[str] = field(default_factory=list)  # rows whose clashes the store kept from being checked

    def summary(self) -> str:
        """What was done, in words: "2 created, 1 unchanged (1 trip(s) already over: crew not told)"."""
        done = ", ".join(f"{n} {what}" for what, n in sorted(self.counts.items())) or "nothing to import"
        notes = [f"{self.over} trip(s) already over: crew not told"] if self.over else []
        if self.double_booked:
            notes.append(f"{len(self.double_booked)} double booking(s), listed below")
        if self.unchecked:
            notes.append(f"{len(self.unchecked)} not checked for double bookings, listed below")
        return done + (f" ({'; '.join(notes)})" if notes else "")

    @property
    def ok(self) -> bool:
        """True when every record was imported."""
        return not self.errors


def check_records(ctx: Context, org: str, records: Sequence[ParsedRecord]) -> list[RowError]:
    """Every problem that would stop the import, found before anything is written."""
    profile = load_business(ctx.store, org)
    if profile is None:
        raise NotFound(f"no org {org!r}", hint="load it first, e.g. with 'firstmate demo'")
    errors = [r for r in records if isinstance(r, RowError)]
    for index, record in enumerate(records, start=1):
        if isinstance(record, BookingRequest):
            try:
                profile.place(record.entity, record.asset)
            except ValueError as exc:
                errors.append(RowError(f"record {index} ({record.external_id})", str(exc)))
        elif isinstance(record, BlockedSlot) and record.asset:
            try:  # a slot blocks a boat's calendar: a property or a vehicle is no boat
                profile.place(None, record.asset)
            except ValueError as exc:
                errors.append(RowError(f"record {index} ({record.uid})", str(exc)))
    return errors


def import_records(
    ctx: Context, org: str, records: Sequence[ParsedRecord], progress: Callable[[int], None] = lambda _: None
) -> ImportReport:
    """Orchestrate every booking and record every blocked slot, after checking them all."""
    report = ImportReport(errors=check_records(ctx, org, records))
    if report.errors:
        return report
    profile = load_business(ctx.store, org)
    flagged: dict[str, str] = {}  # booking id → how the file names it, for bookings found double booked
    slots: dict[str, str] = {}  # blocked slot UID → its title, for slots found holding trips
    for record in records:
        if isinstance(record, BookingRequest):
            outcome = orchestrate_booking(ctx, org, record, tell=False)
            result = outcome.result
            report.counts[result.value] += 1
            if outcome.double_booked:
                flagged[outcome.booking.id] = f"{record.source} {record.external_id}"
            if result is IntakeResult.CREATED and record.end <= ctx.clock.now():
                report.over += 1  # said, so that nobody wonders why the crew were not told
        elif isinstance(record, BlockedSlot):
            result, trips = record_blocked_slot(
                ctx, org, record.uid, record.start, record.end, record.title, record.asset, record.cancelled, tell=False
            )
            report.counts[f"blocked {result.value}"] += 1
            if trips or record.uid in slots:
                slots[record.uid] = record.title
        progress(1)
    # told and said as things stand once the whole file is in: a later row may have cancelled or moved
    # the other trip (each row's check is owed, for the fanouts job should this process stop first)
    ends = [(named, partial(booking_entry, ctx.store, org, booking_id)) for booking_id, named in flagged.items()]
    ends += [
        (f"blocked slot “{title}”", partial(blocked_slot_entry, ctx.store, org, uid)) for uid, title in slots.items()
    ]
    for named, entry_of in ends:
        try:
            entry = entry_of()
            found = tell_double_bookings(ctx, profile, entry)[0] if entry and profile else []
        except StoreError as exc:  # every row is in: say so, and leave the telling to the job
            log.warning("import.double_booking_unchecked", org=org, row=named, error=str(exc))
            report.unchecked.append(f"{named}: {exc.message} (the fanouts job tells any within the hour)")
            continue
        report.double_booked += [f"{named}: {line}" for line in double_booking_lines(profile, found)] if profile else []
    return report
