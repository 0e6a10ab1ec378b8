"""Check every parsed booking record, then import them all or, if any is wrong, none."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, partial

from firstmate.domain.bookings import (
    Booking,
    BookingRequest,
    IntakePath,
    IntakeResult,
    cancellation_of,
    seen_fingerprint,
)
from firstmate.domain.business import BusinessProfile
from firstmate.domain.intake import BlockedSlot, CancelledByReference, HeldRequest, NotBooked, ParsedRecord, RowError
from firstmate.domain.outbox import OutboxStatus
from firstmate.errors import NotFound
from firstmate.services.bookings import (
    IntakeOutcome,
    cancelled_change_words,
    cancelled_first_words,
    orchestrate_booking,
    over_limit,
)
from firstmate.services.bookings.anchors import intake_sk, last_said, revision_seen
from firstmate.services.bookings.reads import booking_place
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.imports.cancellations import (
    bookings_by_reference,
    cancelled_by_reference,
    cancelled_elsewhere,
    cancelled_first,
    hold_cancelled_first_words,
    hold_declined_words,
    remembered_by_reference,
    remembered_words,
    same_reference,
)
from firstmate.services.imports.clash_check import check_written
from firstmate.services.imports.holds import (
    REQUEST_HELD,
    declined_hold,
    hold_declined,
    hold_request,
    older_than_its_hold,
)
from firstmate.services.imports.listings import anchor_of, as_placed, asks_of_cancelled, booked_as, guestless_move
from firstmate.services.imports.report import ImportReport
from firstmate.services.outbox import from_item, outbox_pk
from firstmate.services.paging import all_items
from firstmate.services.trips import (
    blocked_slot_key,
    calendar_sk,
    intake_pk,
    record_blocked_slot,
    release_hold,
    retire_hold,
)


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
                # named by its file's row, as the parser names its problems; counted, "record 2" was row 4
                errors.append(RowError(f"{record.place or f'record {index}'} ({record.external_id})", str(exc)))
        elif isinstance(record, BlockedSlot):
            try:  # a slot blocks a boat's calendar: a property or a vehicle is no boat
                if record.asset:
                    profile.place(None, record.asset)
            except ValueError as exc:
                errors.append(RowError(f"record {index} ({record.uid})", str(exc)))
            errors += guestless_move(ctx, profile, index, record)
    return errors


def import_records(
    ctx: Context,
    org: str,
    records: Sequence[ParsedRecord],
    progress: Callable[[int], None] = lambda _: None,
    checking: Callable[[int, int], None] = lambda done, of: None,
) -> ImportReport:
    """Orchestrate every booking and record every blocked slot, after checking them all; then, once
    the whole file is in, look for their double bookings as things then stand (a later row may have
    cancelled or moved a trip), and tell the operations manager of those untold. `progress` is
    called for each record written; `checking` with how many bookings and slots were checked, of how
    many. A calendar event without guest lines whose UID is a booking of its channel is that booking
    (cancelled, or as it stands); a booking whose UID held a blocked slot (a hold) cancels the slot. A
    cancellation by reference alone of a booking never recorded is remembered (`remember_cancellation`: its
    booking, when it comes, is recorded cancelled, told to the operations manager alone), and releases its
    reference's hold."""
    report = ImportReport(errors=check_records(ctx, org, records))
    if report.errors:
        return report
    profile = load_business(ctx.store, org)
    if profile is None:  # check_records said so already; for the type checker
        raise NotFound(f"no org {org!r}")
    run = _FileImport(ctx, org, profile, report, records)
    for record in records:
        run.take(record)
        progress(1)
    report.over_limit = list(run.limits.values())
    check_written(ctx, profile, org, run.written, report, checking)
    return report


class _FileImport:
    """One file's import as its rows are written: the report, and what later rows and the double-booking check
    once the file is in need of the earlier ones."""

    def __init__(
        self, ctx: Context, org: str, profile: BusinessProfile, report: ImportReport, records: Sequence[ParsedRecord]
    ) -> None:
        self.ctx, self.org, self.profile, self.report = ctx, org, profile, report
        self.written: dict[str, tuple[str, Callable[[], str | None]]] = {}  # each booking and slot: its calendar key
        self.limits: dict[str, str] = {}  # each booking over its boat's passenger limit, in words
        # read once, by the first cancellation never heard of
        self.references = cache(partial(bookings_by_reference, ctx, org))
        self.remembered = cache(partial(remembered_by_reference, ctx, org))  # read once, by the first booking created
        # the bookings this file created: a later row of one is news to whoever heard nothing
        self.created: set[str] = set()
        # those an earlier row repeats as they stand, by reference: a later row's, when their mail still waits (a file
        # run again after it was stopped part way, the dispatcher not yet run), is news too (`_mail_waits`)
        self.repeated: dict[tuple[str, str], str] = {}
        # each booking's rows so far, by reference and path: each body's fingerprint, and whether it changed the booking
        self.rows: dict[tuple[str, str, str], list[tuple[str, bool]]] = {}
        # each booking's unnumbered rows in the whole file, by reference and path: their bodies in order (`position`:
        # each row's place among them), to know which of them a run stopped part way got to (`caught_up`)
        self.bodies: dict[tuple[str, str, str], list[str]] = {}
        self.position: dict[int, int] = {}
        for record in records:
            if isinstance(record, BookingRequest) and record.sequence is None:
                said = self.bodies.setdefault(_key(record), [])
                self.position[id(record)] = len(said)
                said.append(record.fingerprint())
        # the last of a booking's rows it stood as when the file came to it, as its path's last word (a run stopped
        # part way, run again): a later row going back to an earlier row's body is news (`_past_caught_up`)
        self.caught_up: dict[tuple[str, str, str], int] = {}

    def take(self, record: ParsedRecord) -> None:
        """Write one record as what it is once known (a slot of a booking's UID is that booking, a cancellation
        by reference of a recorded booking is its cancellation), and count it."""
        ctx, org = self.ctx, self.org
        refused = False  # a listing's change of a cancelled booking: as_placed's request asks none, and is said
        if isinstance(record, BlockedSlot) and (booked := booked_as(ctx, org, record)):
            refused = asks_of_cancelled(ctx, org, booked, record)
            # one UID is one reservation: listed without its guests, it is still the booking
            record = (
                cancellation_of(booked, sequence=record.sequence)
                if record.cancelled
                else as_placed(booked, record, anchor_of(ctx, org, record))
            ).numbered_in(IntakePath.CALENDAR)
        if isinstance(record, CancelledByReference):
            cancelling = cancelled_by_reference(ctx, org, record)
            if isinstance(cancelling, IntakeResult):  # of a booking never recorded: remembered
                self._remember(record, cancelling)
                return
            record = cancelling
        if isinstance(record, BookingRequest) and (declined := hold_declined(ctx, org, record)):
            self.report.counts[f"blocked {declined}"] += 1  # a request declined: its hold goes, and nobody is told
        elif isinstance(record, BookingRequest) and older_than_its_hold(ctx, org, record):
            self.report.counts["unchanged"] += 1  # a held request's older revision, since declined or asked again
        elif isinstance(record, BookingRequest):
            self._book(record, refused=refused)
        elif isinstance(record, NotBooked):
            self.report.not_booked.append(f"{record.what} {record.why}")
        elif isinstance(record, HeldRequest):
            self._hold(record)
        elif isinstance(record, BlockedSlot):
            self._block(record)

    def _remember(self, record: CancelledByReference, cancelling: IntakeResult) -> None:
        """A cancellation by reference of a booking never recorded: remembered, and its reference's hold released."""
        ctx, org, report = self.ctx, self.org, self.report
        if slot := release_hold(ctx, org, record.external_id, record.source, None, asked=record.sequence):
            report.counts["blocked cancelled"] += 1
            self.written[f"block#{record.source}#{record.external_id}"] = _slot_row(
                ctx, org, record.external_id, record.source, slot.title
            )
        report.counts["unchanged" if cancelling is IntakeResult.UNCHANGED else "cancellation remembered"] += 1
        report.not_booked.append(remembered_words(self.profile, record, cancelling, slot))
        report.same_reference += same_reference(ctx, self.profile, record.source, record.external_id, self.references())

    def _book(self, record: BookingRequest, *, refused: bool = False) -> None:
        """Orchestrate one booking untold (its double bookings are looked for once the file is in), and count it.
        `refused`: its calendar listing asked a change of it cancelled (`asks_of_cancelled`)."""
        ctx, org = self.ctx, self.org
        if (again := self.repeated.pop((record.source, record.external_id), None)) and _mail_waits(ctx, org, again):
            self.created.add(again)
        key = _key(record)
        rows = self.rows.setdefault(key, [])
        in_order = _back_in_order(rows, record) or self._past_caught_up(key, record)
        outcome = orchestrate_booking(ctx, org, record, tell=False, created_in=self.created, in_order=in_order)
        # the booking as its path's last word left it, at the file's first row of it: a run stopped part way, again
        if not rows and outcome.result is IntakeResult.UNCHANGED:
            self._catch_up(key, record, outcome.booking)
        rows.append((record.fingerprint(), outcome.result is not IntakeResult.UNCHANGED))
        named = f"{record.source} {record.external_id}"
        self._note_outcome(record, outcome, named, refused=refused)
        booking = outcome.booking
        self.limits.pop(booking.id, None)  # as its last row leaves it: a later row may cancel it or change its count
        if line := over_limit(self.profile, booking):
            self.limits[booking.id] = f"{named}: {line}"
        if title := retire_hold(ctx, org, record):
            self.report.counts["blocked now booked"] += 1
            self.written[f"block#{record.source}#{record.external_id}"] = _slot_row(
                ctx, org, record.external_id, record.source, title
            )

    def _past_caught_up(self, key: tuple[str, str, str], record: BookingRequest) -> bool:
        """Whether `record`, unnumbered, comes after the last row the booking stood as when the file came to it
        (`caught_up`: a run stopped part way, run again) and goes back to an earlier row's body: the file's order
        says it is news, as it was in the run stopped before it."""
        last, at = self.caught_up.get(key), self.position.get(id(record))
        if record.sequence is not None or last is None or at is None or at <= last:
            return False
        return record.fingerprint() in self.bodies[key][:at]

    def _catch_up(self, key: tuple[str, str, str], record: BookingRequest, booking: Booking) -> None:
        """Note the last of the file's rows of `booking` that it stands as (`caught_up`), when that row is its path's
        last word of it, and no other path, nor a later file, changed it since (an API call's equal values are
        another path's: a body seen before, they change nothing)."""
        anchor = self.ctx.store.get(intake_pk(self.org), intake_sk(record))
        last = last_said(anchor, record.numbered_by) if anchor else None
        if last is None or (row := _last_index(self.bodies.get(key, []), last.fingerprint())) is None:
            return
        entity, asset = booking_place(self.profile, last)  # a row of the file's: its boat was checked with the file
        if revision_seen(booking) == seen_fingerprint(last, entity.id, asset.id):
            self.caught_up[key] = row

    def _note_outcome(self, record: BookingRequest, outcome: IntakeOutcome, named: str, *, refused: bool) -> None:
        """What became of a booking, in the report, and what later rows and the check once the file is in need;
        `refused`: its calendar listing asked a change of it cancelled, which it did not take."""
        report, profile = self.report, self.profile
        report.counts["cancelled before it arrived" if outcome.cancelled_first else outcome.result.value] += 1
        booking = outcome.booking  # as last written: its calendar key
        if outcome.cancelled_first:
            report.not_booked.append(cancelled_first_words(booking))
        if outcome.refused_change or (refused and outcome.result is IntakeResult.UNCHANGED and booking.cancelled):
            # counted unchanged: said why, as the API's answer says it; its row named, as errors
            words = cancelled_change_words(booking, profile.org.timezone, record.numbered_by)
            report.refused.append(f"{record.place}: {words}" if record.place else words)
        if outcome.result is IntakeResult.CREATED:
            self.created.add(booking.id)
            report.same_reference += cancelled_elsewhere(self.ctx, profile, booking, self.remembered())
        elif outcome.result is IntakeResult.UNCHANGED:
            self.repeated[(record.source, record.external_id)] = booking.id
        self.written[booking.id] = (named, partial(calendar_sk, booking.request.start, booking.id))
        if outcome.result is IntakeResult.CREATED and record.end <= self.ctx.clock.now():
            report.over += 1  # said, so that nobody wonders why the crew were not told
        elif outcome.result is IntakeResult.CREATED and record.start <= self.ctx.clock.now():
            report.under_way += 1  # the operations manager designates its crew, if any are to be named
        # a cancellation never heard of (one remembered named them when it was imported)
        if outcome.result is IntakeResult.CANCELLED and booking.revision == 1 and not outcome.cancelled_first:
            report.same_reference += same_reference(
                self.ctx, profile, record.source, record.external_id, self.references()
            )

    def _hold(self, record: HeldRequest) -> None:
        """A booking request an email holds: its hold on the boat's calendar, counted and said."""
        counted, said = hold_request(self.ctx, self.profile, record)
        if counted:
            self.report.counts[counted] += 1
        if said:
            self.report.not_booked.append(said)
        if counted == REQUEST_HELD:
            self.written[f"block#{record.source}#{record.external_id}"] = _slot_row(
                self.ctx, self.org, record.external_id, record.source, record.title
            )

    def _block(self, record: BlockedSlot) -> None:
        """A blocked slot recorded (cancelled when a cancellation of its UID was remembered before it), and counted."""
        ctx, org = self.ctx, self.org
        # one UID is one reservation: its cancellation, remembered before it, stands (`cancelled_first`)
        if stands := not record.cancelled and cancelled_first(anchor_of(ctx, org, record)):
            if declined_hold(ctx, org, record.uid, record.source):  # held, then declined: nothing new to record
                self.report.counts["blocked unchanged"] += 1
                self.report.not_booked.append(hold_declined_words(self.profile, record))
                return
            self.report.not_booked.append(hold_cancelled_first_words(self.profile, record))
        result = record_blocked_slot(
            ctx,
            org,
            record.uid,
            record.start,
            record.end,
            record.title,
            record.asset,
            record.cancelled or stands,
            sequence=record.sequence,
            source=record.source,
            keep_lapse=record.tentative,  # still asked: an emailed request's hold lapses as the email said
        )
        self.report.counts[f"blocked {result.value}"] += 1
        self.written[f"block#{record.source}#{record.uid}"] = _slot_row(
            ctx, org, record.uid, record.source, record.title
        )


def _key(record: BookingRequest) -> tuple[str, str, str]:
    """A booking's rows in one file: by reference and intake path."""
    return (record.source, record.external_id, record.numbered_by)


def _last_index(bodies: list[str], said: str) -> int | None:
    """The last place of `said` among `bodies`; None when it is none of them."""
    return max((n for n, body in enumerate(bodies) if body == said), default=None)


def _back_in_order(rows: list[tuple[str, bool]], record: BookingRequest) -> bool:
    """Whether `record`, unnumbered, goes back to the body of an earlier row of its booking in the same file (`rows`:
    each one's fingerprint and whether it changed the booking) after a row since changed it: the file's order says it
    is news (a channel's history: 6 guests, 8, then 6 again), not a late copy. The same file imported again changes
    nothing at any row, so none is news; an old file's rows still never undo a later file's."""
    if record.sequence is not None:
        return False  # numbered: its number says
    said = record.fingerprint()
    last = max((n for n, (body, _) in enumerate(rows) if body == said), default=None)
    return last is not None and any(changed for _, changed in rows[last + 1 :])


def _mail_waits(ctx: Context, org: str, booking_id: str) -> bool:
    """Whether a message of the booking's trip still waits, never tried: what an import stopped part way left, its
    rows' mail not sent yet. A booking whose mail went, or whose mail is no longer kept (sent months ago), is not
    news to anybody at a later row (`unheard_so_far` would take no message kept for no word heard)."""
    return any(
        entry.status is OutboxStatus.PENDING and entry.attempts == 0
        for entry in map(from_item, all_items(ctx.store, outbox_pk(org), f"bk:{booking_id}:r"))
    )


def _slot_row(ctx: Context, org: str, uid: str, source: str, title: str) -> tuple[str, Callable[[], str | None]]:
    """A blocked slot as the report names it, and how to find its calendar key once the file is in."""
    return f"blocked slot “{title}”", partial(blocked_slot_key, ctx.store, org, uid, source)
