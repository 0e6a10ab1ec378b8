"""Holds of a boat for a marketplace's booking request: recorded until it lapses, released when it is declined,
retired once it is booked (`trips.retire_hold`)."""

from __future__ import annotations

from firstmate.domain.bookings import BookingRequest, BookingStatus, IntakePath, IntakeResult, numbered_below
from firstmate.domain.business import BusinessProfile
from firstmate.domain.intake import HeldRequest
from firstmate.domain.timing import when
from firstmate.services.context import Context
from firstmate.services.trips import (
    BlockedSlotRecord,
    blocked_slot_record,
    calendar_pk,
    intake_pk,
    record_blocked_slot,
    retire_hold,
)

#: How the import's summary counts a request whose hold it recorded: "1 request held".
REQUEST_HELD = "request held"
#: What a held request whose price did not read is told: the hold needs none, the booking will.
UNPRICED = "the hold keeps none, and the booking takes its confirmation email's"


def hold_request(ctx: Context, profile: BusinessProfile, request: HeldRequest) -> tuple[str | None, str | None]:
    """Hold the boat for a marketplace's booking request under its channel and reference (the keys its calendar
    export's hold takes: its confirmation or decline retires it) until it lapses unanswered: what the summary
    counts of it, and the line saying so. A request whose reference is a booking already, or a cancellation (its
    confirmation came first, or its decline), or one lapsed already, holds nothing; one booked as its hold is written
    (another process importing its confirmation) holds nothing either (`unanswered`). One whose price alone did not
    read holds its boat all the same, and says so."""
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
        source=request.source, held_until=request.held_until, asked=request.sequence, unanswered=True,
    )  # fmt: skip
    if result is IntakeResult.UNCHANGED:
        return "unchanged", None
    # a hold keeps no price: one that does not read is no reason to leave the boat free
    unpriced = f"; its price could not be read ({request.unread_price}): {UNPRICED}" if request.unread_price else ""
    return REQUEST_HELD, (
        f"{unbooked}; {named} is held for it on {when(request.start, zone)}, until {when(request.held_until, zone)}, "
        f"unless answered before: its confirmation email will book it, its decline will release it{unpriced}"
    )


def hold_declined(ctx: Context, org: str, request: BookingRequest) -> str | None:
    """For the cancelled `request` of a held request that was declined (no booking of its UID, a
    hold): "cancelled" as its hold is cancelled now, "unchanged" when it was already (the same export
    imported again) or the decline is numbered below the hold (asked again since); None otherwise.
    It was recorded as a booking never heard of, and the hold counted as "blocked now booked"."""
    if request.status is not BookingStatus.CANCELLED or _booked(ctx, org, request):
        return None
    if _hold_of(ctx, org, request) is None:
        return None  # never held (by its channel): a cancellation of a booking never heard of, told as such
    return "cancelled" if retire_hold(ctx, org, request) is not None else "unchanged"


def older_than_its_hold(ctx: Context, org: str, request: BookingRequest) -> bool:
    """Whether `request` is numbered below the hold its UID was in its channel (a held request, since
    declined or asked again), and is no booking yet: an old export's confirmation must not book a
    declined request. A hold recorded before holds kept their channel kept no number either. A hold
    is numbered by calendar exports: a CSV row's or an API call's number is of another series."""
    if _booked(ctx, org, request) or request.numbered_by is not IntakePath.CALENDAR:
        return False  # a booking already: its own revision numbers decide
    hold = _hold_of(ctx, org, request)
    return hold is not None and hold.source == request.source and numbered_below(request.sequence, hold.sequence)


def declined_hold(ctx: Context, org: str, uid: str, source: str) -> bool:
    """Whether channel `source`'s reference `uid` is a request an email held and its decline (or cancellation) since
    released: its hold is recorded, was numbered by a request email, and is cancelled. The channel's export still
    listing it asks nothing new: the decline stands."""
    hold = blocked_slot_record(ctx.store, org, uid, source)
    if hold is None or hold.asked is None:
        return False
    stored = ctx.store.get(calendar_pk(org), hold.cal_sk)
    return stored is not None and bool(stored.data.get("cancelled"))


def _booked(ctx: Context, org: str, request: BookingRequest) -> bool:
    """Whether `request`'s UID is already a booking (or a cancellation recorded, or remembered before its booking
    came) of its channel."""
    return ctx.store.get(intake_pk(org), f"{request.source}#{request.external_id}") is not None


def _hold_of(ctx: Context, org: str, request: BookingRequest) -> BlockedSlotRecord | None:
    """The blocked slot that is the hold of `request`'s UID in its channel, if any: another channel's
    slot of the same id is another reservation; one recorded before slots kept their channel is taken
    for any channel's, as it always was."""
    return blocked_slot_record(ctx.store, org, request.external_id, request.source)
