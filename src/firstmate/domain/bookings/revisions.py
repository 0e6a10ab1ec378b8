"""How a booking changes over its life: what a request means for the booking stored (created, updated,
unchanged, cancelled), how a path's revision merges with another's, and the next revision itself.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from firstmate.domain.bookings.booking import Booking
from firstmate.domain.bookings.request import BookingRequest, BookingStatus, with_place
from firstmate.domain.guests import someone_else


class IntakeResult(StrEnum):
    """What an intake did to the stored booking."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CANCELLED = "cancelled"


def classify_change(
    existing: Booking | None, request: BookingRequest, *, placed: tuple[str, str] | None = None
) -> IntakeResult:
    """Decide what a request means for the booking already stored under its (source, external_id).
    `placed` is the (entity, boat) the request resolves to: bookings are compared as placed, so a body
    that leaves them out and one that names them are the same booking, and the same body that now
    resolves to another boat (the only boat is another one) is a move. A cancellation of a booking
    never seen is recorded as cancelled (a late copy of the booking then stays so), not created."""
    if existing is None:
        return IntakeResult.CANCELLED if request.status is BookingStatus.CANCELLED else IntakeResult.CREATED
    if not asks_a_change(existing, request, placed=placed):
        return IntakeResult.UNCHANGED
    if existing.cancelled:
        return IntakeResult.UNCHANGED  # a cancellation is final: a rebooking comes with a new external_id
    if request.status is BookingStatus.CANCELLED:
        return IntakeResult.CANCELLED
    return IntakeResult.UPDATED


def asks_a_change(existing: Booking, request: BookingRequest, *, placed: tuple[str, str] | None = None) -> bool:
    """Whether `request` says anything of the booking other than what `existing` holds, compared as placed
    (`classify_change`). A cancelled booking takes no change (a cancellation is final): one asked is told so."""
    stored, sent = existing.request, request
    if placed is not None:
        stored, sent = with_place(stored, existing.entity, existing.asset), with_place(sent, *placed)
    # the stored request fingerprinted as read now: a booking stored before amounts were kept in two
    # places still matches the same body sent again
    return stored.fingerprint() != sent.fingerprint()


#: What one intake path says of a booking, field by field: each group is taken or left whole (a boat and its
#: business line, an amount and its currency, a lead's name and address: one person).
_SAID: tuple[tuple[str, ...], ...] = (
    ("entity", "asset"), ("start",), ("duration_hours",), ("guest_count",), ("currency", "gross_amount"),
    ("lead_name", "lead_email"), ("lead_phone",), ("notes",), ("private_notes",),
)  # fmt: skip


def merge_revision(current: BookingRequest, last: BookingRequest | None, sent: BookingRequest) -> BookingRequest:
    """The booking as `sent` leaves it: of what `current` says, what `sent` changed since `last`, the body
    its intake path sent before (`numbered_by`), is changed; the rest, another path's change among it,
    stands. A path that never spoke of the booking (`last` None) says what it sends but for what it
    leaves empty: no notes, no phone, no boat said nothing. A phone is its lead's: a lead handed to someone
    else takes `sent`'s phone, or none, and `sent` naming a lead the booking no longer has changes no phone.
    A cancellation from any path cancels."""
    said, was, now = _said(sent), _said(last) if last else None, _said(current)
    taken = {
        name: said[name]
        for group in _SAID
        if (any(said[n] != was[n] for n in group) if was is not None else any(said[n] not in ("", None) for n in group))
        for name in group
    }
    merged = {**now, **taken}
    # a phone is its person's: a path naming another lead says nothing of this one's, and a lead handed on
    # takes the phone (or none) of the path that handed it, not the earlier lead's
    lead_now, lead_sent = (now["lead_name"], now["lead_email"]), (said["lead_name"], said["lead_email"])
    if someone_else(merged["lead_name"], merged["lead_email"], *lead_sent):
        merged["lead_phone"] = now["lead_phone"]
    elif someone_else(*lead_now, *lead_sent):
        merged["lead_phone"] = said["lead_phone"]
    lead = current.lead_guest.model_copy(
        update={"name": merged["lead_name"], "email": merged["lead_email"], "phone": merged["lead_phone"]}
    )
    cancelled = BookingStatus.CANCELLED in (current.status, sent.status)
    update = {k: v for k, v in merged.items() if not k.startswith("lead_")}
    return current.model_copy(
        update={
            **update,
            "lead_guest": lead,
            "status": BookingStatus.CANCELLED if cancelled else BookingStatus.CONFIRMED,
            "sequence": sent.sequence,
        }
    ).numbered_in(sent.numbered_by)


def _said(request: BookingRequest) -> dict[str, Any]:
    """`request`'s fields as `merge_revision` compares them, the lead's flattened."""
    fields = {name: getattr(request, name) for group in _SAID for name in group if not name.startswith("lead_")}
    lead = request.lead_guest
    return {**fields, "lead_name": lead.name, "lead_email": lead.email, "lead_phone": lead.phone}


def revise(existing: Booking, request: BookingRequest, now: datetime) -> Booking:
    """The next revision of `existing` carrying `request`; a cancellation keeps what it cancelled."""
    cancelling = request.status is BookingStatus.CANCELLED and not existing.cancelled
    return existing.model_copy(
        update={
            "request": request,
            "revision": existing.revision + 1,
            "fingerprint": request.fingerprint(),
            "updated_at": now,
            "before_cancel": existing.request if cancelling else existing.before_cancel,
        }
    )


def cancellation_of(booking: Booking, *, sequence: int | None) -> BookingRequest:
    """The request that cancels `booking` and changes nothing else, numbered `sequence` by its channel
    (None: not the channel's revision, the operator's own cancel). It names the boat the booking is
    on: one sent without a boat, when the org had one, could not be placed once it had two. Its
    business line follows the boat (naming the booking's could contradict a boat since moved to
    another line)."""
    update = {"status": BookingStatus.CANCELLED, "entity": None, "asset": booking.asset, "sequence": sequence}
    return booking.request.model_copy(update=update)
