"""Taking a photo back out of a trip's album: by the guest who shared it, by the lead (moderating the trip's
album), or by the operator (a complaint by email). Its record leaves the album, then its file goes from storage:
its links answer 404, and its place in the album, and its digest, are free again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import structlog

from firstmate.domain.guests import Guest
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.photos import Photo
from firstmate.domain.timing import when
from firstmate.errors import BlobError, ConditionFailed, Conflict, Forbidden, NotFound
from firstmate.ports import Delete, Item, VersionIs, Write
from firstmate.services.bookings import get_booking, list_guests
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.guests import CodeTarget
from firstmate.services.messages import templated
from firstmate.services.outbox import enqueue_write
from firstmate.services.photos import QUARANTINE, list_photos
from firstmate.services.photos.leftovers import file_deleted, leftover_write
from firstmate.services.trips import booking_pk

log = structlog.get_logger(__name__)

#: What a guest asking to remove a photo the album no longer has is told: removing twice is no mistake.
GONE = "that photo is no longer in the album: it was removed already"


@dataclass(frozen=True)
class PhotoToRemove:
    """A photo a guest may remove, and whose it is."""

    photo: Photo
    #: the name of the guest who shared it ("" when they are no longer in the group)
    shared_by: str
    #: whether the guest asking shared it themselves (else the lead, moderating)
    own: bool
    #: whether removing it tells the guest who shared it by email (the lead removes it, and they have an address)
    tells: bool = False

    @property
    def shared_by_first(self) -> str:
        """The sharer's first name, or "" when they are no longer in the group."""
        return self.shared_by.split(" ", 1)[0] if self.shared_by else ""


def photo_to_remove(ctx: Context, target: CodeTarget, photo_id: str) -> PhotoToRemove:
    """The photo of `target`'s trip album that `target`'s guest asks to remove, if they may: the guest who shared
    it, or the lead (any photo of the trip). NotFound when the album does not have it (removed already, or
    another trip's); Forbidden for any other guest of the trip. Changes nothing."""
    photo = _stored(ctx, target.org, target.booking_id, photo_id)
    if photo is None:
        raise NotFound(GONE, hint="the album's other photos are on your page")
    guests = {g.id: g for g in list_guests(ctx.store, target.org, target.booking_id)}
    viewer = guests.get(target.guest_id)
    if viewer is None:
        raise NotFound("no trip has that code")
    own = _shared(viewer, photo)
    if not (own or viewer.lead):
        raise Forbidden(
            "only the guest who shared a photo, or the guest who booked the trip, can remove it",
            hint="ask them, or the operator by replying to our email; nothing was changed",
        )
    sharer = next((g for g in guests.values() if _shared(g, photo)), None)
    tells = not own and sharer is not None and bool(sharer.email)
    return PhotoToRemove(photo, sharer.name if sharer else "", own, tells)


def _shared(guest: Guest, photo: Photo) -> bool:
    """Whether `guest` shared `photo` (as themselves, or as a guest since merged into them). A lead the booking was
    handed to did not share what their id shared before: an earlier lead did, no longer in the group."""
    if photo.guest_id == guest.id:
        return guest.lead_since is None or photo.uploaded_at > guest.lead_since
    return photo.guest_id in guest.merged


#: Who removes a photo: the guest who shared it, the trip's lead (moderating its album), or the operator.
Remover = Literal["guest", "lead", "operator"]


@dataclass(frozen=True)
class Removed:
    """A photo taken out of its album, and the guest told so by email (None: nobody; they removed it themselves,
    have no address, or are no longer in the group). `file_kept`: why storage did not delete its file just then
    ("" when it did), which the hourly sweep deletes."""

    photo: Photo
    told: Guest | None = None
    file_kept: str = ""


def remove_photo(ctx: Context, org: str, booking_id: str, photo_id: str, *, by: Remover) -> Removed | None:
    """Take photo `photo_id` out of `org`'s booking `booking_id`'s album: its record, then its file from storage,
    so its links answer 404, and the album has room for another photo, the same file shared again among them (an
    upload of it left waiting in quarantine goes first). Removed `by` the lead or the operator, the guest who shared
    it (if still in the group, with an address) is told by email, queued with the record's removal: once. Returns
    what was removed, or None when the album has no such photo (removed already: doing it twice is harmless, and
    tells nobody again). The record goes first, so a guest looking at the photo meanwhile finds no photo, not a
    photo whose file is gone (a false `photos.file_missing`); a file storage then refuses to delete, or a crash
    leaves, is named by no record, so never shown, but is named (with the record's removal) as one to delete, and
    the hourly sweep deletes it (`sweep_album_files`), however long before the photo was shared. `by` is also
    logged."""
    pk = booking_pk(org, booking_id)
    for _ in range(5):
        item = _stored_item(ctx, org, booking_id, photo_id)
        if item is None:
            return None
        photo = Photo.model_validate(item.data)
        told, note = _note(ctx, org, booking_id, photo, by) if by != "guest" else (None, None)
        try:  # first: a reload of its check, finding the upload and no record, would add it back
            ctx.blobs.delete(f"{QUARANTINE}{org}/{booking_id}/{photo.id}")
        except BlobError as exc:  # the album's copy goes all the same; a leftover upload is removed within a day
            log.warning("photos.upload_not_removed", org=org, photo_id=photo.id, error=str(exc))
        writes: list[Write] = [Delete(pk, item.sk, VersionIs(item.version)),
                               leftover_write(org, booking_id, photo, ctx.clock.now())]  # fmt: skip
        if note is not None:
            writes.append(enqueue_write(org, note, ctx.clock.now()))
        try:
            ctx.store.transact(writes)
        except ConditionFailed:
            continue  # removed at the same moment (told by that removal), or its record changed: read again
        kept = ""
        try:
            ctx.blobs.delete(photo.key)
        except BlobError as exc:  # no record names it: never shown
            kept = exc.message
            log.warning("photos.file_not_removed", org=org, photo_id=photo.id, key=photo.key, error=str(exc),
                        hint="no album lists it any more: the hourly sweep deletes it")  # fmt: skip
        else:
            file_deleted(ctx, org, photo.key)
        log.info("photos.removed", org=org, booking_id=booking_id, photo_id=photo.id, shared_by=photo.guest_id, by=by,
                 told=told is not None)  # fmt: skip
        return Removed(photo, told, kept)
    raise Conflict("the album is changing too fast; try again", hint="nothing was changed")


def photo_note_key(booking_id: str, photo_id: str) -> str:
    """The key of the mail telling a guest their photo `photo_id` was removed: one per photo, so never sent twice."""
    return f"bk:{booking_id}:photo:{photo_id}:taken-out"


def _note(
    ctx: Context, org: str, booking_id: str, photo: Photo, by: Remover
) -> tuple[Guest | None, OutgoingMessage | None]:
    """The guest who shared `photo`, and the short mail telling them the lead (or the operator, `by`) removed it
    from which trip's album: no photo, no reason, no link. (None, None) for a guest no longer in the group, or
    without an address: nobody to tell."""
    guests = list_guests(ctx.store, org, booking_id)
    sharer = next((g for g in guests if _shared(g, photo)), None)
    profile = load_business(ctx.store, org)
    if sharer is None or not sharer.email or profile is None:
        return None, None
    booking = get_booking(ctx.store, org, booking_id)
    entity = profile.entity(booking.entity)
    business = entity.name if entity else profile.org.name
    departure = when(booking.request.start, profile.org.timezone)
    lead = next((g.name for g in guests if g.lead), booking.request.lead_guest.name)
    context = {
        "guest": sharer,
        "lead": lead,
        "business": business,
        "departure": departure,
        "by_operator": by == "operator",
        "colour": entity.primary_colour if entity else "#1b4965",
    }
    note = templated(
        ctx, key=photo_note_key(booking_id, photo.id), to=sharer.email, template="photo_removed", context=context,
        subject=f"A photo you shared was removed from the album of your trip with {business}: {departure}",
        reply_to=profile.org.ops_email,
    )  # fmt: skip
    return sharer, note


def _stored(ctx: Context, org: str, booking_id: str, photo_id: str) -> Photo | None:
    """The album's photo `photo_id`, or None (an id of another shape is none: ours are 16 hex digits)."""
    item = _stored_item(ctx, org, booking_id, photo_id)
    return None if item is None else Photo.model_validate(item.data)


def _stored_item(ctx: Context, org: str, booking_id: str, photo_id: str) -> Item | None:
    """The store's record of the album's photo `photo_id`, or None (`_stored`)."""
    if not (photo_id.isascii() and photo_id.isalnum()) or len(photo_id) != 16:
        return None
    return ctx.store.get(booking_pk(org, booking_id), f"PHOTO#{photo_id}")


def album_of(ctx: Context, org: str, booking_id: str) -> list[tuple[Photo, str]]:
    """`org`'s booking `booking_id`'s album, oldest first, each photo with the name of the guest who shared it
    ("" for a guest no longer in the group): what the operator picks the photo a complaint names from."""
    guests = list_guests(ctx.store, org, booking_id)
    photos = list_photos(ctx, CodeTarget(org, booking_id, "g1"))
    return [(photo, next((g.name for g in guests if _shared(g, photo)), "")) for photo in photos]
