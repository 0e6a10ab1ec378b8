"""A booking's lead guest following its revision: handed to someone else, to someone in the group, or back to
a former lead, with the page code and the signatures each keeps.
"""

from __future__ import annotations

import secrets

from firstmate.domain.bookings import Booking
from firstmate.domain.codes import encode_code
from firstmate.domain.guests import Guest, already_in, another_person, follow_lead, former_lead, next_guest_id
from firstmate.ports import Absent, Delete, Item, Put, Store, VersionIs, Write
from firstmate.services.bookings.reads import list_guests
from firstmate.services.trips import booking_pk, code_pk


def lead_followed(store: Store, org: str, booking: Booking) -> tuple[Booking, list[Guest], list[Write], bool]:
    """The booking (with a new page code when its lead is another person: the earlier lead's link
    opened the new lead's page, and signed for them), its guests with the lead as the revision names
    them (`follow_lead`), the writes that record it, and whether the lead's address changed."""
    guests = list_guests(store, org, booking.id)
    item = store.get(booking_pk(org, booking.id), "GUEST#g1")
    if item is None:
        return booking, guests, [], False
    lead = Guest.model_validate(item.data)
    named = booking.request.lead_guest
    followed = follow_lead(lead, named.name, named.email)
    if followed == lead:
        return booking, guests, [], False
    writes: list[Write] = []
    if another_person(lead, named.name, named.email):
        # handed to someone already in the group: they are the lead now, as they were (coming, signed), listed
        # once (they took two places, one unsigned); their own link goes, as the lead's does: the page's new
        # link is mailed to them (kept, it would open the page of whoever is lead after them)
        twin = already_in([g for g in guests if g.id != lead.id], named.name, named.email)
        twin_item = store.get(booking_pk(org, booking.id), f"GUEST#{twin.id}") if twin else None
        if twin is not None and twin_item is not None:
            followed = _as_they_were(followed, twin, merged=(*followed.merged, twin.id, *twin.merged))
            writes.append(Delete(twin_item.pk, twin_item.sk, VersionIs(twin_item.version)))
            twin_code = store.get(code_pk(twin.code), "CODE") if twin.code else None
            if twin_code is not None:
                writes.append(Delete(twin_code.pk, twin_code.sk, VersionIs(twin_code.version)))
            guests = [g for g in guests if g.id != twin.id]
        elif (back := _former_of(store, org, booking.id, followed, named.name, named.email)) is not None:
            # handed back to a lead it was handed from: their record is theirs again, signed as they signed (kept
            # as a former lead's, it waited for a second signature and listed them as no longer in the group)
            former_item, was = back
            followed = _as_they_were(
                followed, was, former=tuple(f for f in followed.former if f != was.id),
                merged=(*followed.merged, was.id),  # its id is never given again
            )  # fmt: skip
            writes.append(Delete(former_item.pk, former_item.sk, VersionIs(former_item.version)))
        # the old lead's signatures stay on record (an insurer asks who signed), out of the group and its departure
        former = former_lead(lead, next_guest_id([followed, *guests]), booking.updated_at)
        if former is not None:
            followed = followed.model_copy(update={"former": (*followed.former, former.id)})
            writes.append(Put(Item(item.pk, f"FORMER#{former.id}", former.model_dump(mode="json")), Absent()))
        followed = followed.model_copy(update={"lead_since": booking.updated_at})  # earlier photos are not theirs
        code = encode_code(secrets.token_bytes(7))
        old = store.get(code_pk(booking.guest_code), "CODE")
        if old is not None:
            writes.append(Delete(old.pk, old.sk, VersionIs(old.version)))
        writes.append(Put(Item(code_pk(code), "CODE", {"org": org, "booking_id": booking.id}), Absent()))
        booking = booking.model_copy(update={"guest_code": code})
    writes.insert(0, Put(Item(item.pk, item.sk, followed.model_dump(mode="json")), VersionIs(item.version)))
    readdressed = (lead.email or "").lower() != named.email.lower()
    return booking, [followed if g.id == lead.id else g for g in guests], writes, readdressed


def _as_they_were(lead: Guest, was: Guest, **ids: tuple[str, ...]) -> Guest:
    """`lead` as the record `was` of the same person stood (coming, signed, a minor), with the lists of ids `ids`."""
    return lead.model_copy(
        update={"status": was.status, "waiver": was.waiver, "earlier": was.earlier, "minor": was.minor, **ids}
    )


def _former_of(
    store: Store, org: str, booking_id: str, lead: Guest, name: str, email: str
) -> tuple[Item, Guest] | None:
    """The record kept of a former lead of the booking (`lead.former`) who is the person named (`name`, `email`),
    and its item, if any."""
    for former_id in lead.former:
        item = store.get(booking_pk(org, booking_id), f"FORMER#{former_id}")
        was = Guest.model_validate(item.data) if item else None
        if item is not None and was is not None and already_in([was], name, email) is not None:
            return item, was
    return None
