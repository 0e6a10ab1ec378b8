"""Removing a guest added by mistake: their page, place, photos and waiting mail go; one who heard of the trip
is told, once, that they are off it."""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

import structlog

from firstmate.domain import outbox as outbox_rules
from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile
from firstmate.domain.guests import Guest
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxEntry, OutboxStatus
from firstmate.domain.photos import Photo
from firstmate.domain.shared import STORED
from firstmate.domain.timing import when
from firstmate.errors import BlobError, ConditionFailed, Conflict, NotFound, StoreError, Unauthorized
from firstmate.ports import MAX_TRANSACTION_WRITES, Delete, Item, Put, VersionIs, Write
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.guests import CodeTarget, refuse_once_over, trip_left
from firstmate.services.messages import templated
from firstmate.services.outbox import enqueue_write, from_item, outbox_pk, to_item
from firstmate.services.paging import all_items
from firstmate.services.photos.leftovers import leftover_write
from firstmate.services.trips import booking_pk, code_pk

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Removal:
    """A guest taken off a trip: who, how many photos of theirs left the album, and whether they are told."""

    guest: Guest
    photos: int = 0
    told: bool = False


def remove_guest(ctx: Context, target: CodeTarget, guest_id: str, *, confirmed: bool = True) -> Guest:
    """The lead takes a guest added by mistake off the group, before departure and before they signed: their
    page's link stops opening the trip, the photos they shared leave the album (record and file), what still
    waits to be mailed to them is withdrawn, and their place is free. A guest some mail of the trip reached
    (their invitation) gets one short note that they are off it. Returns the guest removed. Unauthorized unless
    the lead asks; NotFound for no such guest; Conflict for the lead themselves, a guest who signed (their
    signature is the operator's record), or a trip cancelled or left. Removing a guest removed already is
    NotFound: nothing changes. Not `confirmed`: the same checks, nothing written (what the page asks "Remove …?"
    of)."""
    if target.guest_id != "g1":
        raise Unauthorized("only the guest who booked can remove guests")
    return _remove(ctx, target.org, target.booking_id, guest_id, confirmed=confirmed, by_operator=False).guest


def remove_guest_by_operator(
    ctx: Context, org: str, booking_id: str, guest_id: str, *, confirmed: bool = True
) -> Removal:
    """The operator takes guest `guest_id` off booking `booking_id`'s trip (`firstmate booking remove-guest`), as the
    lead can from their page (`remove_guest`: the same effects and refusals), the note to the guest saying the
    business took them off. The lead is refused: cancelling the booking is what takes them off."""
    return _remove(ctx, org, booking_id, guest_id, confirmed=confirmed, by_operator=True)


def _remove(ctx: Context, org: str, booking_id: str, guest_id: str, *, confirmed: bool, by_operator: bool) -> Removal:
    pk = booking_pk(org, booking_id)
    for _ in range(5):
        booking_item = ctx.store.get(pk, "BOOKING")
        lead_item = ctx.store.get(pk, "GUEST#g1")
        guest_item = ctx.store.get(pk, f"GUEST#{guest_id}") if re.fullmatch(r"g[0-9]{1,6}", guest_id) else None
        if booking_item is None or lead_item is None:
            raise NotFound(f"no booking {booking_id!r} in {org}" if by_operator else "no trip has that code")
        if guest_item is None:
            if by_operator:
                raise NotFound(
                    f"booking {booking_id} has no guest {guest_id!r}",
                    hint=f"'firstmate booking show {booking_id}' lists its guests with their ids",
                )
            raise NotFound("that guest is not in your group", hint="reload your page")
        booking = Booking.model_validate(booking_item.data, context=STORED)
        guest, lead = Guest.model_validate(guest_item.data), Guest.model_validate(lead_item.data)
        now = ctx.clock.now()
        _refuse(booking, guest, now, by_operator=by_operator)
        if not confirmed:
            return Removal(guest)
        names = {**lead.removed_names, guest.id: guest.name}
        lead = lead.model_copy(update={"removed": (*lead.removed, guest.id), "removed_names": names})
        writes: list[Write] = [
            Put(booking_item, VersionIs(booking_item.version)),  # a change of the trip at the same moment reads again
            Put(Item(pk, lead_item.sk, lead.model_dump(mode="json")), VersionIs(lead_item.version)),
            Delete(pk, guest_item.sk, VersionIs(guest_item.version)),
        ]
        if guest.code:
            writes.append(Delete(code_pk(guest.code), "CODE"))
        photos = photos_of(ctx, org, booking.id, guest.id)
        told = _withdrawn_and_told(ctx, org, booking, guest, len(photos), now, by_operator=by_operator)
        writes += told
        room = max(MAX_TRANSACTION_WRITES - len(writes), 0)  # the rest follow it (`_remove_photos`)
        writes += [Delete(pk, f"PHOTO#{p.id}") for p in photos[:room]]
        try:
            ctx.store.transact(writes)
        except ConditionFailed:
            continue  # the group or the trip changed at the same moment: read again
        photos = _remove_photos(ctx, org, booking.id, guest.id, photos)
        log.info(
            "guests.removed", org=org, booking_id=booking.id, guest_id=guest.id, photos=len(photos),
            by="operator" if by_operator else "lead",
        )  # fmt: skip
        note = removal_key(booking.id, guest.id)
        return Removal(guest, len(photos), any(isinstance(w, Put) and w.item.sk.endswith(note) for w in told))
    if by_operator:
        raise Conflict("the group is changing too fast; try again", hint="nothing was changed")
    raise Conflict("your group is changing too fast; reload your page and try again")


def _refuse(booking: Booking, guest: Guest, now: datetime, *, by_operator: bool = False) -> None:
    """Conflict when `guest` cannot be removed from `booking`'s trip at `now`, saying why."""
    if booking.cancelled:
        raise Conflict("this trip is cancelled", hint="nothing was changed")
    refuse_once_over(booking, now)
    if trip_left(booking, now):
        raise Conflict("this trip has left, so the group stays as it sailed", hint="nothing was changed")
    if guest.lead and by_operator:
        raise Conflict(
            f"{guest.name} booked this trip, so cannot be taken off it: cancel the booking instead",
            hint=f"nothing was changed; 'firstmate booking cancel {booking.id}' cancels it",
        )
    if guest.lead:
        raise Conflict("you booked this trip, so you cannot remove yourself", hint="ask the operator to cancel it")
    if guest.ever_signed and by_operator:
        raise Conflict(
            f"{guest.name} has signed the waiver, so stays on the trip: the signature is the record of who was aboard",
            hint="nothing was changed",
        )
    if guest.ever_signed:  # the waiver of the trip's line now, or of the one it was on before
        raise Conflict(
            f"{guest.name} has signed the waiver, so only the operator can take them off the trip",
            hint="nothing was changed; ask the operator",
        )


def photos_of(ctx: Context, org: str, booking_id: str, guest_id: str) -> list[Photo]:
    """The photos `guest_id` shared to the trip's album, oldest first."""
    items = all_items(ctx.store, booking_pk(org, booking_id), "PHOTO#")
    photos = [Photo.model_validate(i.data) for i in items if i.data.get("guest_id") == guest_id]
    return sorted(photos, key=lambda p: p.uploaded_at)


def _withdrawn_and_told(
    ctx: Context, org: str, booking: Booking, guest: Guest, photos: int, now: datetime, *, by_operator: bool = False
) -> list[Write]:
    """The writes withdrawing what still waits to be mailed to `guest` (their invitation, a "Your trip has
    changed" an outage held), and, when some mail of the trip reached them, queueing the note that they are off it."""
    writes: list[Write] = []
    heard = False
    change = f"group no longer has {guest.name}: {'the operator' if by_operator else 'the lead'} removed them"
    for item in all_items(ctx.store, outbox_pk(org), f"bk:{booking.id}:"):
        parts = item.sk.split(":")
        if "guest" not in parts or parts[parts.index("guest") + 1 : parts.index("guest") + 2] != [guest.id]:
            continue
        entry = from_item(item)
        heard = heard or _reached(entry)
        withdrawn = outbox_rules.withdrawal(entry, change, now)
        if withdrawn is not None:
            writes.append(Put(to_item(withdrawn), VersionIs(item.version)))
    profile = load_business(ctx.store, org)
    if heard and guest.email and profile is not None:
        note = _removal_note(ctx, profile, booking, guest, photos, by_operator=by_operator)
        writes.append(enqueue_write(org, note, now))
    return writes


def _reached(entry: OutboxEntry) -> bool:
    """Whether `entry`'s message reached its reader, or may be reaching them now (being sent)."""
    return entry.status in (OutboxStatus.SENT, OutboxStatus.SENDING) or bool(entry.sent_to)


def removal_key(booking_id: str, guest_id: str) -> str:
    """The key of the note telling a removed guest they are off the trip: one per guest, so never sent twice."""
    return f"bk:{booking_id}:guest:{guest_id}:removed"


def _removal_note(
    ctx: Context, profile: BusinessProfile, booking: Booking, guest: Guest, photos: int, *, by_operator: bool = False
) -> OutgoingMessage:
    """The short note to a removed guest: who took them off which trip, and that nothing more follows. No money,
    no other guest, and no link (their page no longer opens the trip)."""
    assert guest.email is not None
    entity = profile.entity(booking.entity)
    business = entity.name if entity else profile.org.name
    departure = when(booking.request.start, profile.org.timezone)
    context = {
        "guest": guest,
        "lead": booking.request.lead_guest.name,
        "business": business,
        "departure": departure,
        "photos": photos,
        "by_operator": by_operator,
        "colour": entity.primary_colour if entity else "#1b4965",
    }
    return templated(
        ctx, key=removal_key(booking.id, guest.id), to=guest.email, template="guest_removed", context=context,
        subject=f"You are no longer on the trip with {business}: {departure}", reply_to=profile.org.ops_email,
        stale_after=booking.request.end,  # once the trip is over, being off it is no news
    )  # fmt: skip


def _remove_photos(ctx: Context, org: str, booking_id: str, guest_id: str, photos: list[Photo]) -> list[Photo]:
    """After the removal's write (which took out what records of `photos` it had room for): take the guest's records
    still in the album out of it (a hundred writes at a time), those the write had no room for and any a check of
    their upload recorded after the removal read them (none can be recorded since: `check_upload`), then every
    photo's file out of storage (one storage refuses is named for the hourly `sweep_album_files`); return every
    photo removed. A failure here is logged: the guest is removed all the same."""
    pk = booking_pk(org, booking_id)
    try:
        rest = photos_of(ctx, org, booking_id, guest_id)
        for at in range(0, len(rest), MAX_TRANSACTION_WRITES):
            ctx.store.transact([Delete(pk, f"PHOTO#{p.id}") for p in rest[at : at + MAX_TRANSACTION_WRITES]])
    except StoreError as exc:
        log.error(
            "guests.removed_photos_kept", org=org, booking_id=booking_id, guest_id=guest_id, error=str(exc),
            hint="the removed guest's photos are still listed in the album: remove the guest's PHOTO# records",
        )  # fmt: skip
        return photos
    read = {p.id for p in photos}
    photos = [*photos, *(p for p in rest if p.id not in read)]
    for photo in photos:
        try:
            ctx.blobs.delete(photo.key)
        except BlobError as exc:  # no record names it: never shown; named for the hourly sweep to delete
            log.warning("guests.photo_file_not_removed", org=org, key=photo.key, error=str(exc))
            with suppress(StoreError):
                ctx.store.put(leftover_write(org, booking_id, photo, ctx.clock.now()).item)
    return photos
