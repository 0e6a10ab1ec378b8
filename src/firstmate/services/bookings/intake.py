"""orchestrate_booking: one booking in, everything it needs out, exactly once.

Every channel (API, CSV, marketplace email, calendar file) ends here. One transaction writes the
booking, its crew event, its calendar entry, its guest page code, its lead guest and every
notification it causes. The same booking again writes nothing; a changed one writes a new revision
and tells the people concerned; a cancelled one withdraws the trip everywhere.

Keys: see `firstmate.services.trips`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from firstmate.domain.bookings import (
    Booking,
    BookingRequest,
    BookingStatus,
    IntakePath,
    IntakeResult,
    asks_a_change,
    cancellation_of,
    cancelled_first,
    classify_change,
    is_old_news,
    merge_revision,
    newest_sequence,
    numbered_below,
)
from firstmate.domain.business import BusinessProfile
from firstmate.domain.calendar import CalendarEntry
from firstmate.domain.intake import CancelledByReference
from firstmate.domain.shared import iso
from firstmate.domain.timing import when
from firstmate.errors import ConditionFailed, Conflict
from firstmate.ports import Absent, Item, Put, VersionIs
from firstmate.services.bookings.anchors import (
    anchor_data_kept,
    anchor_numbers,
    anchor_seen,
    intake_sk,
    last_said,
    note_newest,
)
from firstmate.services.bookings.boat_checks import double_booked_now, said_to_channel
from firstmate.services.bookings.change import ChangeInHand, PreparedChange, change_booking, prepare_change
from firstmate.services.bookings.create import create_booking
from firstmate.services.bookings.reads import booking_if_any, booking_place, get_booking, org_profile
from firstmate.services.context import Context
from firstmate.services.trips import intake_pk, retiring_hold

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class IntakeOutcome:
    """What an intake did, and the ids a caller needs."""

    result: IntakeResult
    booking: Booking
    #: what else holds the boat while this trip does (the operations manager is told too)
    double_booked: tuple[CalendarEntry, ...] = ()
    #: the business as the intake read it: what the double bookings are put in words with
    profile: BusinessProfile | None = field(default=None, repr=False, compare=False)
    #: its cancellation came first (`remember_cancellation`): recorded cancelled as it came, and nobody told
    cancelled_first: bool = False
    #: a change sent for a cancelled booking, which took none (a cancellation is final): `cancelled_change_words`
    refused_change: bool = False

    @property
    def created(self) -> bool:
        """True when this call created the booking."""
        return self.result is IntakeResult.CREATED

    def said_to_channel(self) -> list[str]:
        """`double_booked` in words for the channel that sent it (`said_to_channel`), with no read:
        the booking is saved, and a store failing now must not make its caller hear otherwise."""
        return said_to_channel(self.profile, self.double_booked)


def orchestrate_booking(
    ctx: Context,
    org: str,
    request: BookingRequest,
    *,
    tell: bool = True,
    created_in: Collection[str] = (),
    in_order: bool = False,
) -> IntakeOutcome:
    """Create, update, cancel or leave alone the booking (source, external_id), with its fan-out.

    Safe under any number of concurrent identical calls: one creates, the others find it.
    Raises NotFound for an unknown org and InvalidInput for an unknown or ambiguous boat.
    Without `tell`, its double bookings are neither looked for nor told, and the job leaves its
    check to the caller for a while (`trips.DEFERRED_CHECK`): an import checks every row once its
    whole file is in (`trips.tell_double_bookings`) and drops the marks it covered (`trips.owed_marks`), and
    retires the holds its bookings answer. With it (a booking sent alone: an API call), a booking created retires
    the hold its channel's request held under its reference in the transaction that writes it (`trips.retiring_hold`):
    a booking refused, or a store failing as it is written, leaves the hold standing.
    `created_in`: the bookings an earlier row of the same import created, whose mail may not have gone yet:
    a change tells whoever has heard nothing of one as news, of the trip as it leaves it (`unheard_so_far`).
    `in_order`: a later row of one file going back to an earlier row's body after a row between changed the
    booking: the file's order says it is news, not a late replay (`is_stale`); a number below its path's stands.
    """
    profile = org_profile(ctx.store, org)
    entity, asset = booking_place(profile, request)  # an unknown boat is refused, whatever the booking says
    placed = (entity.id, asset.id)
    for _ in range(MAX_ATTEMPTS):
        anchor = ctx.store.get(intake_pk(org), intake_sk(request))
        booked = anchor.data.get("booking_id") if anchor else None  # none where a cancellation came first
        existing = booking_if_any(ctx.store, org, str(booked)) if booked else None
        try:
            if existing is None or anchor is None:
                remembered = anchor if anchor is not None and not booked else None
                first = (
                    remembered is not None
                    and request.status is not BookingStatus.CANCELLED
                    and cancelled_first(request, anchor_numbers(remembered))
                )
                sent = request.model_copy(update={"status": BookingStatus.CANCELLED}) if first else request
                result = classify_change(None, sent)
                # sent alone: its request's hold goes as it is written, never told as its double booking
                retiring = retiring_hold(ctx, org, request) if tell else []
                created = create_booking(
                    ctx, profile, entity, asset, sent, result, tell=tell, remembered=remembered, retiring=retiring
                )
                return IntakeOutcome(result, *created, profile, cancelled_first=first)
            newest = anchor_numbers(anchor).get(request.numbered_by)
            last = last_said(anchor, request.numbered_by)
            old_news = (
                numbered_below(request.sequence, newest)
                if in_order
                else is_old_news(request, anchor_seen(anchor), newest, placed=placed, spoke=last is not None)
            )
            result, merged, refused = IntakeResult.UNCHANGED, existing.request, False
            if not old_news:  # what this path changed since it last spoke, over what the others changed meanwhile
                merged = merge_revision(existing.request, last, request)
                on_entity, on_asset = booking_place(profile, merged)
                result = classify_change(existing, merged, placed=(on_entity.id, on_asset.id))
                # a change asked of a cancelled booking takes nothing, and is told so (a cancellation again is none)
                refused = (
                    existing.cancelled
                    and request.status is not BookingStatus.CANCELLED
                    and asks_a_change(existing, merged, placed=(on_entity.id, on_asset.id))
                )
            if result is IntakeResult.UNCHANGED:
                # sent again (a channel retrying, perhaps after an answer lost to a failure): told again if untold.
                # A change refused is no last word of its path: sent again, it is refused (and told) again
                note_newest(ctx, request, anchor, None if old_news or refused else placed)
                said = double_booked_now(ctx, profile, existing, tell=True) if tell else ()
                return IntakeOutcome(IntakeResult.UNCHANGED, existing, said, profile, refused_change=refused)
            news = existing.id in created_in
            hand = ChangeInHand(on_entity, on_asset, existing, merged, anchor, result, (request, placed), tell, news)
            changed = change_booking(ctx, profile, hand)
            return IntakeOutcome(result, *changed, profile)
        except ConditionFailed:
            continue  # another writer got there first (a revision numbered between, say): read again and decide again
    raise Conflict("the booking kept changing while it was being saved", hint="send it again")


def remember_cancellation(ctx: Context, org: str, cancellation: CancelledByReference) -> IntakeResult | None:
    """Remember the cancellation of a booking firstmate has no record of, named by its channel's reference alone
    (a short cancellation email imported before its confirmation), on that reference's intake anchor, where its
    booking's will be: the booking, when it comes, is recorded cancelled and told to nobody, unless numbered
    above the cancellation in its own path's series (`cancelled_first`). CANCELLED when remembered now (or numbered
    above the one remembered: the higher number kept), UNCHANGED when it was already (the same email again, or an
    older one); None when a booking is recorded under the reference (meanwhile): the caller cancels it."""
    sk = f"{cancellation.source}#{cancellation.external_id}"
    for _ in range(MAX_ATTEMPTS):
        anchor = ctx.store.get(intake_pk(org), sk)
        if anchor is not None and anchor.data.get("booking_id"):
            return None
        numbers = {str(path): n for path, n in anchor_numbers(anchor).items()}
        # an email's send time: the one path that cancels by reference alone
        newest = numbers.get(str(IntakePath.EMAIL))
        highest = newest_sequence(cancellation.sequence, newest)
        if anchor is not None and highest == newest:
            return IntakeResult.UNCHANGED
        if highest is not None:
            numbers[str(IntakePath.EMAIL)] = highest
        data = {
            **(anchor_data_kept(anchor) if anchor else {}),
            "cancelled_first": iso(ctx.clock.now()),
            "sequences": numbers,
        }
        try:
            ctx.store.transact([Put(Item(intake_pk(org), sk, data), VersionIs(anchor.version) if anchor else Absent())])
        except ConditionFailed:
            continue  # booked or remembered meanwhile: read again and decide again
        return IntakeResult.CANCELLED
    raise Conflict("the booking kept changing while its cancellation was being saved", hint="import it again")


def cancel_booking(ctx: Context, org: str, booking_id: str) -> IntakeOutcome:
    """Cancel a booking by id (idempotent); raises NotFound for an unknown or other org's id. The
    operator's cancel is no revision of its channel's: none the channel numbered holds it back."""
    booking = get_booking(ctx.store, org, booking_id)
    return orchestrate_booking(ctx, org, cancellation_of(booking, sequence=None))


def cancellation_prepared(ctx: Context, org: str, booking: Booking) -> PreparedChange | None:
    """`cancel_booking`'s change of `booking` as `orchestrate_booking` would decide it now, nothing written (a dry run,
    a question asked first): None when it would change nothing (cancelled already)."""
    request = cancellation_of(booking, sequence=None)
    profile = org_profile(ctx.store, org)
    anchor = ctx.store.get(intake_pk(org), intake_sk(request))
    if booking.cancelled or anchor is None:
        return None
    entity, asset = booking_place(profile, request)
    merged = merge_revision(booking.request, last_said(anchor, request.numbered_by), request)
    on_entity, on_asset = booking_place(profile, merged)
    result = classify_change(booking, merged, placed=(on_entity.id, on_asset.id))
    if result is IntakeResult.UNCHANGED:
        return None
    sent = (request, (entity.id, asset.id))
    return prepare_change(ctx, profile, ChangeInHand(on_entity, on_asset, booking, merged, anchor, result, sent, True))


def cancelled_first_words(booking: Booking) -> str:
    """What an intake says of a booking recorded cancelled as it came, its cancellation remembered before it."""
    named = f"{booking.request.source} {booking.request.external_id}"
    said = "was cancelled before it arrived (by a cancellation imported earlier): recorded as cancelled"
    return f"{named} {said}; the operations manager alone was told"


def cancelled_change_words(booking: Booking, timezone: str, path: IntakePath = IntakePath.API) -> str:
    """What an intake says of a change sent for a cancelled booking (`IntakeOutcome.refused_change`) by `path`: since
    when it is cancelled (in `timezone`), that a cancellation is final, so the change changed nothing, and that a
    rebooking comes under a new reference, named as that path names it."""
    named = f"{booking.request.source} {booking.request.external_id}"
    if booking.cancelled_on_arrival:
        since = f"was recorded cancelled as it came, on {when(booking.created_at, timezone)}"
    else:
        since = f"was cancelled on {when(booking.updated_at, timezone)}"
    said = f"a cancellation is final, so this change changed nothing; a rebooking comes with {_NEW_REFERENCE[path]}"
    return f"{named} {since}: {said}"


#: A rebooking's new reference, as each path names it.
_NEW_REFERENCE = {
    IntakePath.API: "a new external_id",
    IntakePath.CSV: "a new external_id",
    IntakePath.EMAIL: "a new Booking ID from the marketplace",
    IntakePath.CALENDAR: "a new UID in the channel's export",
}
