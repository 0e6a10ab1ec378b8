"""Import parsed booking records: all of them or, if any is wrong, none."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache, partial

import structlog

from firstmate.domain.bookings import (
    SOURCE,
    Booking,
    BookingRequest,
    BookingStatus,
    IntakePath,
    IntakeResult,
    cancellation_of,
    newest_by_path,
    numbered_below,
)
from firstmate.domain.business import BusinessProfile
from firstmate.domain.calendar import CalendarEntry, EntryKind
from firstmate.domain.intake import (
    BlockedSlot,
    CancelledByReference,
    HeldRequest,
    NotBooked,
    ParsedRecord,
    RowError,
)
from firstmate.domain.outbox import OutboxStatus
from firstmate.domain.timing import local, when
from firstmate.errors import Conflict, NotFound, StoreError
from firstmate.ports import MAX_TRANSACTION_WRITES, Delete, Item
from firstmate.services.bookings import (
    MAX_ATTEMPTS,
    cancelled_first_words,
    get_booking,
    last_said,
    orchestrate_booking,
    over_limit,
    remember_cancellation,
)
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.notifications import double_booking_lines
from firstmate.services.outbox import from_item, outbox_pk
from firstmate.services.paging import all_items
from firstmate.services.trips import (
    BlockedSlotRecord,
    blocked_slot_key,
    blocked_slot_record,
    calendar_between,
    calendar_pk,
    calendar_sk,
    intake_pk,
    owed_marks,
    record_blocked_slot,
    tell_double_bookings,
)

log = structlog.get_logger(__name__)


@dataclass
class ImportReport:
    """What an import did (or, with errors, why it did nothing)."""

    counts: Counter[str] = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    over: int = 0  # bookings created for a trip already over: their crew were not told
    under_way: int = 0  # bookings created for a trip that has left: no crew asked (none could take a role)
    double_booked: list[str] = field(default_factory=list)  # what else held a boat then, in words
    unchecked: list[str] = field(default_factory=list)  # rows whose clashes the store kept from being checked
    not_booked: list[str] = field(default_factory=list)  # records rightly left alone (a request), in words
    over_limit: list[str] = field(default_factory=list)  # bookings over their boat's passenger limit, in words
    #: another channel's booking under the reference of a booking a cancellation names, still sailing, in words
    same_reference: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """What was done, in words: "2 created, 1 unchanged (1 trip(s) already over: crew not told)"."""
        done = ", ".join(f"{n} {what}" for what, n in sorted(self.counts.items())) or "nothing to import"
        notes = [f"{self.over} trip(s) already over: crew not told"] if self.over else []
        if self.under_way:
            notes.append(f"{self.under_way} trip(s) under way: crew not asked")
        if self.double_booked:
            notes.append(f"{len(self.double_booked)} double booking(s), listed below")
        if self.unchecked:
            notes.append(f"{len(self.unchecked)} not checked for double bookings, listed below")
        if self.over_limit:
            notes.append(f"{len(self.over_limit)} over a boat's passenger limit, listed below")
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
                # named by its file's row, as the parser names its problems; counted, "record 2" was row 4
                errors.append(RowError(f"{record.place or f'record {index}'} ({record.external_id})", str(exc)))
        elif isinstance(record, BlockedSlot):
            try:  # a slot blocks a boat's calendar: a property or a vehicle is no boat
                if record.asset:
                    profile.place(None, record.asset)
            except ValueError as exc:
                errors.append(RowError(f"record {index} ({record.uid})", str(exc)))
            errors += _guestless_move(ctx, profile, index, record)
    return errors


def _guestless_move(ctx: Context, profile: BusinessProfile, index: int, slot: BlockedSlot) -> list[RowError]:
    """A refusal for an event without guest lines whose UID is a live booking at other times: it
    cannot be the booking (it does not say who sails), and as a blocked slot it clashes with it."""
    anchor = _anchor_of(ctx, profile.org.id, slot)
    booking = _booked_as(ctx, profile.org.id, slot)
    if booking is None or booking.cancelled or slot.cancelled or slot.tentative:  # a change asked: the booking stands
        return []
    if (slot.start, slot.end) == (booking.request.start, booking.request.end):
        return []
    if anchor is not None and numbered_below(slot.sequence, _calendars_number(anchor)):
        return []  # an older revision, before the trip moved: it changes nothing
    booked_at = when(booking.request.start, profile.org.timezone)
    return [RowError(f"record {index} ({slot.uid})",
                     f"is the booking of {booking.request.lead_guest.name} ({booked_at}), listed at other times "
                     "without its Guest: and Email: lines: export it with them to move the trip")]  # fmt: skip


def _anchor_of(ctx: Context, org: str, slot: BlockedSlot) -> Item | None:
    """The intake's record of `slot`'s UID in the channel that listed it, if it has one."""
    return ctx.store.get(intake_pk(org), f"{slot.source}#{slot.uid}") if slot.source else None


def _calendars_number(anchor: Item) -> int | None:
    """The highest revision number calendar exports gave the booking `anchor` holds (other paths number
    their own revisions: an email's send time or a CSV row's number says nothing of an export's SEQUENCE)."""
    return newest_by_path(anchor.data.get("sequences"), anchor.data.get("sequence")).get(IntakePath.CALENDAR)


def _booking_named(ctx: Context, org: str, record: CancelledByReference) -> Booking | None:
    """The booking its channel's reference names, or None when none was recorded under it."""
    anchor = ctx.store.get(intake_pk(org), f"{record.source}#{record.external_id}")
    booking_id = anchor.data.get("booking_id") if anchor else None
    return get_booking(ctx.store, org, str(booking_id)) if booking_id else None


def _cancelled_by_reference(ctx: Context, org: str, record: CancelledByReference) -> BookingRequest | IntakeResult:
    """The cancellation of the booking `record`'s reference names, as that booking stands; or, of one never
    recorded, what remembering it did (`remember_cancellation`): its confirmation, when it comes, books nothing."""
    for _ in range(MAX_ATTEMPTS):
        if recorded := _booking_named(ctx, org, record):
            return cancellation_of(recorded, sequence=record.sequence).numbered_in(IntakePath.EMAIL)
        if (result := remember_cancellation(ctx, org, record)) is not None:
            return result
    raise Conflict("the booking kept changing while its cancellation was being saved", hint="import it again")


def _remembered_words(
    profile: BusinessProfile, record: CancelledByReference, result: IntakeResult, slot: CalendarEntry | None
) -> str:
    """What the import says of a cancellation remembered (`result`: CANCELLED now, UNCHANGED already), and of the
    hold of its reference it released (`slot`), if any."""
    held = f", held as “{slot.title}” ({when(slot.start, profile.org.timezone)})" if slot else ""
    released = "the hold is released; " if slot else ""
    already = "already " if result is IntakeResult.UNCHANGED else ""
    return (
        f"{record.source} {record.external_id} cancels a booking firstmate has no record of yet{held}: {released}"
        f"{already}remembered, so its confirmation, if it comes, is recorded as cancelled and told to the operations "
        "manager alone"
    )


def _bookings_by_reference(ctx: Context, org: str) -> dict[str, list[tuple[str, str]]]:
    """Each reference (external_id) the org's bookings were given: the channels that gave it and their booking
    ids, in one read of the anchors however many cancellations never heard of a file holds."""
    found: dict[str, list[tuple[str, str]]] = {}
    for anchor in all_items(ctx.store, intake_pk(org)):
        channel, _, reference = anchor.sk.partition("#")
        if re.fullmatch(SOURCE, channel) and anchor.data.get("booking_id"):  # a blocked slot's is no booking's
            found.setdefault(reference, []).append((channel, str(anchor.data["booking_id"])))
    return found


def _same_reference(
    ctx: Context, profile: BusinessProfile, source: str, reference: str, booked: Mapping[str, list[tuple[str, str]]]
) -> list[str]:
    """The other channels' bookings (`booked`: `_bookings_by_reference`), still to sail, under the `reference` a
    cancellation from `source` names (none of its own recorded), in words with the command that cancels each:
    one imported from a CSV file without a source column is csv's. Nothing is cancelled across channels: two
    may share a reference."""
    org, zone, lines = profile.org.id, profile.org.timezone, []
    for channel, booking_id in booked.get(reference, []):
        try:
            booking = get_booking(ctx.store, org, booking_id) if channel != source else None
        except NotFound:  # its anchor left behind: nothing to cancel
            continue
        if booking is None or booking.cancelled or booking.request.end <= ctx.clock.now():
            continue
        lines.append(
            f"{channel} {reference} ({booking.request.lead_guest.name}'s trip, {when(booking.request.start, zone)}) "
            f"has the reference of {source} {reference}, which this file cancels, and still sails: if it is the same "
            f"booking, cancel it with: firstmate booking cancel {booking.id} --org {org}"
        )
    return lines


def _remembered_by_reference(ctx: Context, org: str) -> dict[str, list[str]]:
    """Each reference (external_id) a cancellation remembered before its booking came names (`remember_cancellation`):
    the channels it came from, in one read of the anchors however many bookings a file creates."""
    found: dict[str, list[str]] = {}
    for anchor in all_items(ctx.store, intake_pk(org)):
        channel, _, reference = anchor.sk.partition("#")
        if re.fullmatch(SOURCE, channel) and _cancelled_first(anchor):
            found.setdefault(reference, []).append(channel)
    return found


def _cancelled_elsewhere(
    ctx: Context, profile: BusinessProfile, booking: Booking, remembered: Mapping[str, list[str]]
) -> list[str]:
    """The cancellations another channel sent of `booking`'s reference before it came (`remembered`:
    `_remembered_by_reference`), the booking just created and still to sail, in words with the command that cancels
    it: as `_same_reference` says when the booking came first. Nothing is cancelled across channels."""
    request, org = booking.request, profile.org.id
    if booking.cancelled or request.end <= ctx.clock.now():
        return []
    trip = f"{request.lead_guest.name}'s trip, {when(request.start, profile.org.timezone)}"
    return [
        f"{request.source} {request.external_id} ({trip}) has the reference of {channel} {request.external_id}, "
        "whose cancellation was imported earlier, and sails: if it is the same booking, cancel it with: "
        f"firstmate booking cancel {booking.id} --org {org}"
        for channel in remembered.get(request.external_id, [])
        if channel != request.source
    ]


def _cancelled_first(anchor: Item | None) -> bool:
    """Whether the intake `anchor` of a channel's reference holds a cancellation remembered before any booking of
    it came (`remember_cancellation`)."""
    return anchor is not None and not anchor.data.get("booking_id") and "cancelled_first" in anchor.data


def _hold_cancelled_first_words(profile: BusinessProfile, slot: BlockedSlot) -> str:
    """What the import says of a hold (or a listing without guest lines) of a reference whose cancellation came
    first: recorded cancelled, it holds no boat."""
    held = f"held as “{slot.title}” ({when(slot.start, profile.org.timezone)})"
    return (
        f"{slot.source} {slot.uid}, {held}, was cancelled before it arrived (by a cancellation imported earlier): "
        "the hold is recorded as cancelled and holds no boat"
    )


def _booked_as(ctx: Context, org: str, slot: BlockedSlot) -> Booking | None:
    """The booking that `slot`'s UID already is in the channel that listed it (an export may list a
    reservation without its guest lines: cancelled, say), or None."""
    anchor = _anchor_of(ctx, org, slot)
    booking_id = anchor.data.get("booking_id") if anchor else None  # a blocked slot's own anchor has none
    return get_booking(ctx.store, org, str(booking_id)) if booking_id else None


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
    written: dict[str, tuple[str, Callable[[], str | None]]] = {}  # each booking and slot: its calendar key
    limits: dict[str, str] = {}  # each booking over its boat's passenger limit, in words
    references = cache(partial(_bookings_by_reference, ctx, org))  # read once, by the first cancellation never heard of
    remembered = cache(partial(_remembered_by_reference, ctx, org))  # read once, by the first booking created
    created: set[str] = set()  # the bookings this file created: a later row of one is news to whoever heard nothing
    # those an earlier row repeats as they stand, by reference: a later row's, when their mail still waits (a file run
    # again after it was stopped part way, the dispatcher not yet run), is news too (`_mail_waits`)
    repeated: dict[tuple[str, str], str] = {}
    for record in records:
        if isinstance(record, BlockedSlot) and (booked := _booked_as(ctx, org, record)):
            # one UID is one reservation: listed without its guests, it is still the booking
            record = (
                cancellation_of(booked, sequence=record.sequence)
                if record.cancelled
                else _as_placed(booked, record, _anchor_of(ctx, org, record))
            ).numbered_in(IntakePath.CALENDAR)
        if isinstance(record, CancelledByReference):
            cancelling = _cancelled_by_reference(ctx, org, record)
            if isinstance(cancelling, IntakeResult):  # of a booking never recorded: remembered
                if slot := _release_hold(ctx, org, record.external_id, record.source, None, asked=record.sequence):
                    report.counts["blocked cancelled"] += 1
                    written[f"block#{record.source}#{record.external_id}"] = _slot_row(
                        ctx, org, record.external_id, record.source, slot.title
                    )
                report.counts["unchanged" if cancelling is IntakeResult.UNCHANGED else "cancellation remembered"] += 1
                report.not_booked.append(_remembered_words(profile, record, cancelling, slot))
                report.same_reference += _same_reference(ctx, profile, record.source, record.external_id, references())
                progress(1)
                continue
            record = cancelling
        if isinstance(record, BookingRequest) and (declined := _declined(ctx, org, record)):
            report.counts[f"blocked {declined}"] += 1  # a request declined: its hold goes, and nobody is told
        elif isinstance(record, BookingRequest) and _older_than_its_hold(ctx, org, record):
            report.counts["unchanged"] += 1  # a held request's older revision, since declined or asked again
        elif isinstance(record, BookingRequest):
            if (again := repeated.pop((record.source, record.external_id), None)) and _mail_waits(ctx, org, again):
                created.add(again)
            outcome = orchestrate_booking(ctx, org, record, tell=False, created_in=created)
            report.counts["cancelled before it arrived" if outcome.cancelled_first else outcome.result.value] += 1
            named = f"{record.source} {record.external_id}"
            booking = outcome.booking  # as last written: its calendar key
            if outcome.cancelled_first:
                report.not_booked.append(cancelled_first_words(booking))
            if outcome.result is IntakeResult.CREATED:
                created.add(booking.id)
                report.same_reference += _cancelled_elsewhere(ctx, profile, booking, remembered())
            elif outcome.result is IntakeResult.UNCHANGED:
                repeated[(record.source, record.external_id)] = booking.id
            written[booking.id] = (named, partial(calendar_sk, booking.request.start, booking.id))
            if outcome.result is IntakeResult.CREATED and record.end <= ctx.clock.now():
                report.over += 1  # said, so that nobody wonders why the crew were not told
            elif outcome.result is IntakeResult.CREATED and record.start <= ctx.clock.now():
                report.under_way += 1  # the operations manager designates its crew, if any are to be named
            # a cancellation never heard of (one remembered named them when it was imported)
            if outcome.result is IntakeResult.CANCELLED and booking.revision == 1 and not outcome.cancelled_first:
                report.same_reference += _same_reference(ctx, profile, record.source, record.external_id, references())
            limits.pop(booking.id, None)  # as its last row leaves it: a later row may cancel it or change its count
            if line := over_limit(profile, booking):
                limits[booking.id] = f"{named}: {line}"
            if title := _retire_hold(ctx, org, record):
                report.counts["blocked now booked"] += 1
                written[f"block#{record.source}#{record.external_id}"] = _slot_row(
                    ctx, org, record.external_id, record.source, title
                )
        elif isinstance(record, NotBooked):
            report.not_booked.append(f"{record.what} {record.why}")
        elif isinstance(record, HeldRequest):
            counted, said = _hold_request(ctx, profile, record)
            if counted:
                report.counts[counted] += 1
            if said:
                report.not_booked.append(said)
            if counted == REQUEST_HELD:
                written[f"block#{record.source}#{record.external_id}"] = _slot_row(
                    ctx, org, record.external_id, record.source, record.title
                )
        elif isinstance(record, BlockedSlot):
            # one UID is one reservation: its cancellation, remembered before it, stands (`cancelled_first`)
            if stands := not record.cancelled and _cancelled_first(_anchor_of(ctx, org, record)):
                report.not_booked.append(_hold_cancelled_first_words(profile, record))
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
            )
            report.counts[f"blocked {result.value}"] += 1
            written[f"block#{record.source}#{record.uid}"] = _slot_row(
                ctx, org, record.uid, record.source, record.title
            )
        progress(1)
    report.over_limit = list(limits.values())
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
    return report


#: How the import's summary counts a request whose hold it recorded: "1 request held".
REQUEST_HELD = "request held"


def _hold_request(ctx: Context, profile: BusinessProfile, request: HeldRequest) -> tuple[str | None, str | None]:
    """Hold the boat for a marketplace's booking request under its channel and reference (the keys its calendar
    export's hold takes: its confirmation or decline retires it) until it lapses unanswered: what the summary
    counts of it, and the line saying so. A request whose reference is a booking already, or a cancellation (its
    confirmation came first, or its decline), or one lapsed already, holds nothing."""
    org, zone = profile.org.id, profile.org.timezone
    boat = profile.asset(request.asset)
    named = boat.name.split(" (", 1)[0] if boat else request.asset
    unbooked = f"{request.what} {request.asked}: nothing was booked"
    if ctx.store.get(intake_pk(org), f"{request.source}#{request.external_id}") is not None:
        return "unchanged", None  # answered already: older news
    if request.held_until <= ctx.clock.now():
        return None, (
            f"{unbooked}; its hold of {named} lapsed on {when(request.held_until, zone)}, unanswered: nothing is held; "
            "its confirmation email will book it"
        )
    result = record_blocked_slot(
        ctx, org, request.external_id, request.start, request.end, request.title, request.asset, False,
        source=request.source, held_until=request.held_until, asked=request.sequence,
    )  # fmt: skip
    if result is IntakeResult.UNCHANGED:
        return "unchanged", None
    return REQUEST_HELD, (
        f"{unbooked}; {named} is held for it on {when(request.start, zone)}, until {when(request.held_until, zone)}, "
        "unless answered before: its confirmation email will book it, its decline will release it"
    )


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


def _as_placed(booking: Booking, slot: BlockedSlot, anchor: Item | None) -> BookingRequest:
    """What calendar exports last said of `booking` (`anchor` its intake's record), numbered as `slot` lists
    it: a revision numbered between the two is then older news, and the listing, saying nothing of the
    trip, changes nothing. Said as the booking stands (naming its boat, as `cancellation_of` does) when no
    export has spoken of it since they were kept (2026-12-06): as the booking stands, it was kept as their
    last word, and their next listing with its guests took back what other paths had changed since. A
    tentative listing is a change asked, not made: it numbers nothing (the booking's own number, of
    whichever path, is no export's)."""
    sequence = None if slot.tentative else slot.sequence
    said = last_said(anchor, IntakePath.CALENDAR) if anchor is not None else None
    if said is not None and said.asset is not None:
        return said.model_copy(update={"sequence": sequence, "status": BookingStatus.CONFIRMED})
    return booking.request.model_copy(update={"entity": None, "asset": booking.asset, "sequence": sequence})


def _declined(ctx: Context, org: str, request: BookingRequest) -> str | None:
    """For the cancelled `request` of a held request that was declined (no booking of its UID, a
    hold): "cancelled" as its hold is cancelled now, "unchanged" when it was already (the same export
    imported again) or the decline is numbered below the hold (asked again since); None otherwise.
    It was recorded as a booking never heard of, and the hold counted as "blocked now booked"."""
    if request.status is not BookingStatus.CANCELLED or _booked(ctx, org, request):
        return None
    if _hold_of(ctx, org, request) is None:
        return None  # never held (by its channel): a cancellation of a booking never heard of, told as such
    return "cancelled" if _retire_hold(ctx, org, request) is not None else "unchanged"


def _older_than_its_hold(ctx: Context, org: str, request: BookingRequest) -> bool:
    """Whether `request` is numbered below the hold its UID was in its channel (a held request, since
    declined or asked again), and is no booking yet: an old export's confirmation must not book a
    declined request. A hold recorded before holds kept their channel kept no number either. A hold
    is numbered by calendar exports: a CSV row's or an API call's number is of another series."""
    if _booked(ctx, org, request) or request.numbered_by is not IntakePath.CALENDAR:
        return False  # a booking already: its own revision numbers decide
    hold = _hold_of(ctx, org, request)
    return hold is not None and hold.source == request.source and numbered_below(request.sequence, hold.sequence)


def _booked(ctx: Context, org: str, request: BookingRequest) -> bool:
    """Whether `request`'s UID is already a booking (or a cancellation recorded, or remembered before its booking
    came) of its channel."""
    return ctx.store.get(intake_pk(org), f"{request.source}#{request.external_id}") is not None


def _hold_of(ctx: Context, org: str, request: BookingRequest) -> BlockedSlotRecord | None:
    """The blocked slot that is the hold of `request`'s UID in its channel, if any: another channel's
    slot of the same id is another reservation; one recorded before slots kept their channel is taken
    for any channel's, as it always was."""
    return blocked_slot_record(ctx.store, org, request.external_id, request.source)


def _retire_hold(ctx: Context, org: str, request: BookingRequest) -> str | None:
    """Cancel the live blocked slot the calendar event of `request`'s UID left when it was a hold
    without guest lines in its channel, now that the UID is a booking (it clashed with its own hold),
    or declined; its title, or None (None too when the request is numbered below the hold: older
    news). An already cancelled hold keeps the request's number, so that an older revision stays older."""
    sequence = request.sequence if request.numbered_by is IntakePath.CALENDAR else None
    # a decline's email number keeps an older request from holding again; a booking made retires its hold whatever
    # the numbers (its own request, re-sent later, would clash with it)
    declined = request.numbered_by is IntakePath.EMAIL and request.status is BookingStatus.CANCELLED
    asked = request.sequence if declined else None
    slot = _release_hold(ctx, org, request.external_id, request.source, sequence, asked=asked)
    return slot.title if slot else None


def _release_hold(
    ctx: Context, org: str, uid: str, source: str, sequence: int | None, *, asked: int | None = None
) -> CalendarEntry | None:
    """Cancel the live blocked slot channel `source`'s calendar export (or request email) held under `uid` (a
    hold), numbered `sequence` in the exports' series (None: another path's word), `asked` in the emails' (None:
    another path's); the slot as it held the boat, or None when there is none, it was already cancelled, or a
    number is below its own (older news)."""
    hold = blocked_slot_record(ctx.store, org, uid, source)
    stored = ctx.store.get(calendar_pk(org), hold.cal_sk) if hold else None
    slot = CalendarEntry.model_validate(stored.data) if stored else None
    if slot is None:
        return None
    result = record_blocked_slot(
        ctx, org, uid, slot.start, slot.end, slot.title, slot.asset or None, cancelled=True, sequence=sequence,
        source=source, held_until=slot.held_until, asked=asked,
    )  # fmt: skip
    return None if result is IntakeResult.UNCHANGED or slot.cancelled else slot


def _drop_marks(ctx: Context, org: str, marks: list[Delete]) -> None:
    """Drop the marks of checks the import did; any the store keeps are checked again by the job."""
    for start in range(0, len(marks), MAX_TRANSACTION_WRITES):
        try:
            ctx.store.transact(marks[start : start + MAX_TRANSACTION_WRITES])
        except StoreError as exc:  # one batch the store refused (the job dropping one of its marks too, say)
            log.warning("import.clash_marks_kept", org=org, marks=len(marks[start : start + MAX_TRANSACTION_WRITES]),
                        error=str(exc))  # fmt: skip


def not_in_export(
    ctx: Context, org: str, records: Sequence[ParsedRecord], *, source: str, asset: str | None
) -> list[str]:
    """The upcoming bookings of channel `source` (on boat `asset`, when the export is one boat's) within the
    dates a calendar export covers, its first event's start to its last's, that it does not list, in words
    saying how to cancel each. Many channels' feeds drop a cancelled reservation rather than list it
    STATUS:CANCELLED: the booking stayed, and its crew and guest expected a trip, with nothing said. Nothing is
    cancelled here: an export may leave out what it likes (a listing's own filter, a page of it)."""
    events = [r for r in records if isinstance(r, BookingRequest | BlockedSlot)]
    profile = load_business(ctx.store, org)
    if not events or profile is None:
        return []
    listed = {r.external_id if isinstance(r, BookingRequest) else r.uid for r in events}
    first, last = min(r.start for r in events), max(r.start for r in events)
    zone, now = profile.org.timezone, ctx.clock.now()
    boats = {a.id: a.name.split(" (", 1)[0] for a in profile.assets}
    # without --asset, the boats its events name: one listing's export says nothing of another boat's trips
    held = {asset} if asset else {r.asset for r in events if r.asset}
    on = " and ".join(boats.get(b, b) for b in sorted(held, key=lambda b: boats.get(b, b)))
    whose = f"{boats.get(asset, asset)}'s trips" if asset else f"{source}'s trips" + (f" on {on}" if held else "")
    since, until = local(first, zone), local(last, zone)
    shown = f"{since.day} {since:%b}" + (f" {since.year}" if since.year != until.year else "")
    covers = f"{whose} from {shown} to {until.day} {until:%b %Y}"
    missing = [
        entry
        for entry in calendar_between(ctx.store, org, first, last, timedelta(0))
        if entry.kind is EntryKind.BOOKING and not entry.cancelled and entry.channel == source
        and entry.reference and entry.reference not in listed and first <= entry.start <= last
        and entry.end > now and (not held or entry.asset in held)
    ]  # fmt: skip
    lines = []
    for entry in missing:
        booking = get_booking(ctx.store, org, entry.booking_id) if entry.booking_id else None
        lead = f", {booking.request.lead_guest.name}" if booking else ""
        lines.append(
            f"{source} {entry.reference} ({when(entry.start, zone)}{lead}) is booked but not in this export, which "
            f"lists {covers}: if {source} cancelled it, import an export listing it STATUS:CANCELLED, or cancel it "
            f"with: firstmate booking cancel {entry.booking_id} --org {org}"
        )
    return lines
