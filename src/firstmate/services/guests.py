"""Guest use cases: the lead adds guests, guests confirm and sign the waiver, a signed waiver as PDF."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

import structlog

from firstmate.domain import checklist
from firstmate.domain import guests as rules
from firstmate.domain import outbox as outbox_rules
from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile, Entity
from firstmate.domain.codes import encode_code, pretty_code
from firstmate.domain.crew import WAIVERS_ITEM, CrewEvent, Phase
from firstmate.domain.guests import Guest, GuestStatus, NewGuest, SigningForm
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.shared import STORED
from firstmate.domain.timing import span, times_shown, when
from firstmate.errors import ConditionFailed, Conflict, InvalidInput, NotFound, Unauthorized
from firstmate.ports import Absent, Check, Item, Put, VersionIs, Write
from firstmate.services.bookings import get_booking, list_guests
from firstmate.services.business import load_business, org_pk, org_timezone
from firstmate.services.context import Context
from firstmate.services.notifications import invitation
from firstmate.services.outbox import enqueue_write, from_item, outbox_pk, to_item
from firstmate.services.paging import all_items
from firstmate.services.trips import booking_pk, code_pk
from firstmate.services.waiver_lines import line_reader

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CodeTarget:
    """Whose page a code opens: an org's booking, seen by one guest."""

    org: str
    booking_id: str
    guest_id: str


def add_guest(ctx: Context, target: CodeTarget, form: NewGuest) -> Guest:
    """The lead guest adds someone: they get their own page and, with an email, an invitation.

    Raises Unauthorized unless the lead asks, Conflict when the booking is full, cancelled or has left,
    InvalidInput for a malformed email. An invitation an outage holds past departure still goes, worded for
    then, until the album closes (`_invitation`).
    """
    try:
        email = form.checked_email()
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    booking, profile, entity = _context(ctx, target)
    if target.guest_id != "g1":
        raise Unauthorized("only the guest who booked can add guests")
    pk = booking_pk(target.org, booking.id)
    for _ in range(5):
        # the booking as it is now, and written again with the guest: a change of the trip at the same
        # moment either sees this guest or comes first (invited at the old time, never told the new)
        booking_item = ctx.store.get(pk, "BOOKING")
        if booking_item is None:
            raise NotFound("no trip has that code")
        booking = Booking.model_validate(booking_item.data, context=STORED)
        if booking.cancelled:
            raise Conflict("this trip is cancelled")
        refuse_once_over(booking, ctx.clock.now())
        if trip_left(booking, ctx.clock.now()):  # invited to sign "before we leave the dock", which the boat had
            raise Conflict("this trip has left, so nobody can be added to it now", hint="nothing was changed")
        guests = list_guests(ctx.store, target.org, booking.id)
        twin = rules.already_in(guests, form.name, email)
        if twin is not None:  # a form sent twice (a double tap) added them twice and took two places
            raise Conflict(f"{twin.name} is already in your group", hint="nothing was added; reload your page")
        if len(guests) >= booking.request.guest_count:
            raise Conflict(
                f"all {booking.request.guest_count} places are filled",
                hint="ask the operator to change the booking if more people are coming",
            )
        guest = Guest(
            id=rules.next_guest_id(guests),
            name=form.name,
            email=email,
            minor=form.minor,
            code=encode_code(secrets.token_bytes(7)),
            added_at=ctx.clock.now(),
        )
        assert guest.code is not None
        writes = [
            Put(booking_item, VersionIs(booking_item.version)),
            Put(Item(pk, f"GUEST#{guest.id}", guest.model_dump(mode="json")), Absent()),
            Put(
                Item(code_pk(guest.code), "CODE", {"org": target.org, "booking_id": booking.id, "guest_id": guest.id}),
                Absent(),
            ),
        ]
        if email:
            writes.append(enqueue_write(target.org, _invitation(ctx, profile, entity, booking, guest), ctx.clock.now()))
            writes += _not_told_off(ctx, target.org, booking.id, guest, guests, ctx.clock.now())
        try:
            ctx.store.transact(writes)
        except ConditionFailed:
            continue  # another guest was added, or the trip changed, at the same moment: read again
        return guest
    raise Conflict("guests are being added too fast; try again")


def _not_told_off(
    ctx: Context, org: str, booking_id: str, guest: Guest, group: list[Guest], now: datetime
) -> list[Put]:
    """The writes withdrawing a note still waiting to tell `guest` they are off this trip (removed, then added again:
    the name retyped): sent after their new invitation, it was the last word. Only theirs: a note to someone else
    removed from `group` at the same address (a family's) still goes; it was withdrawn when another of the family
    was added. A note of a guest removed before their names were kept goes by the address alone."""
    writes = []
    change = f"group has {guest.name} again: the lead added them again"
    names = next((g.removed_names for g in group if g.lead), {})
    for item in all_items(ctx.store, outbox_pk(org), f"bk:{booking_id}:guest:"):
        entry = from_item(item)
        if not item.sk.endswith(":removed") or entry.message.to != (guest.email,):
            continue
        was = names.get(item.sk.split(":")[-2])
        if was is not None and rules.someone_else(was, guest.email, guest.name, guest.email or ""):
            continue
        withdrawn = outbox_rules.withdrawal(entry, change, now)
        if withdrawn is not None:
            writes.append(Put(to_item(withdrawn), VersionIs(item.version)))
    return writes


def confirm_attendance(ctx: Context, target: CodeTarget, *, seen: str | None = None) -> Guest:
    """The guest says they are coming (on hold until the waiver is signed). Idempotent. A departure
    checklist whose waivers were ticked before is undone in the same write, saying why: the trip
    waits for this guest's waiver, as it would have had the guest said so first. Conflict for a
    cancelled trip, or one over, or when `seen` (the trip's `times_shown` on the page the guest said
    so from) is not the trip's times now."""
    booking = get_booking(ctx.store, target.org, target.booking_id)
    if booking.cancelled:
        raise Conflict("this trip is cancelled")  # a page left open: "sign the waiver below" would mislead
    refuse_once_over(booking, ctx.clock.now())
    start, end = booking.request.start, booking.request.end
    if seen is not None and seen != times_shown(start, end):  # coming at a time they were never shown
        moved_to = span(start, end, org_timezone(ctx.store, target.org))
        raise Conflict(
            f"this trip moved since you opened this page: it is now {moved_to}",
            hint="say you are coming again if you can come then",
        )
    pk = booking_pk(target.org, target.booking_id)
    return _update(ctx, target, rules.confirm, also=lambda guest: _waiting_for(ctx, pk, guest))


def withdraw_attendance(ctx: Context, target: CodeTarget) -> Guest:
    """The guest cannot come after all (`guests.withdraw`). Idempotent. Conflict for a cancelled trip, or
    one that has left: who sailed is the record then."""
    booking = get_booking(ctx.store, target.org, target.booking_id)
    if booking.cancelled:
        raise Conflict("this trip is cancelled")
    refuse_once_over(booking, ctx.clock.now())
    if trip_left(booking, ctx.clock.now()):
        raise Conflict("this trip has left", hint="nothing was changed")
    return _update(ctx, target, rules.withdraw)


def _waiting_for(ctx: Context, pk: str, guest: Guest) -> list[Put]:
    """The write of the trip's event with its waivers item undone, if it was done, for `guest` now on hold. Written
    even when unchanged: its version moves, so a tick that read the guests before this one said it is
    coming fails and decides again (the tick was allowed, and the departure went ahead). None once the
    departure is done (an empty list): a no-show tapping "I'm coming" at sea reopened the departure and locked the crew
    out of the return checklist. A boat still at the dock after its time waits for the waiver as before. None
    either for a guest ready to board (signed before saying they could not come, then coming again): nothing
    waits for them, and the tick was undone saying they had not signed."""
    if guest.status is not GuestStatus.ON_HOLD:
        return []
    stored = ctx.store.get(pk, "EVENT")
    if stored is None:
        raise NotFound("no trip has that code")
    event = CrewEvent.model_validate(stored.data)
    if checklist.phase_complete(event, Phase.DEPARTURE):
        return []
    with suppress(checklist.ChecklistError):  # a checklist without the item: nothing waits
        note = f"{guest.name} is coming and has not signed the waiver yet"
        event = checklist.untick(event, WAIVERS_ITEM, by=guest.first_name, at=ctx.clock.now(), note=note)
    return [Put(Item(pk, "EVENT", event.model_dump(mode="json")), VersionIs(stored.version))]


def sign_waiver(ctx: Context, target: CodeTarget, form: SigningForm, *, ip: str, user_agent: str) -> Guest:
    """Record a signature against the exact waiver version shown; the guest is then confirmed.

    The waiver text itself is kept under its version, so a signed waiver can always be shown as
    it was signed. Raises InvalidInput saying what is missing, Conflict for a cancelled trip or one over.
    """
    booking, _, entity = _context(ctx, target)
    if booking.cancelled:
        raise Conflict("this trip is cancelled")
    now = ctx.clock.now()
    refuse_once_over(booking, now)
    version = rules.waiver_version(entity.waiver)
    pk = booking_pk(target.org, target.booking_id)
    read: dict[str, Item] = {}

    def signed(guest: Guest) -> Guest:
        if guest.waiver is not None:
            return guest  # signing twice keeps the first signature
        # the booking before the group: a guest added writes it (`add_guest`), so one added as this guest signs
        # fails the signature's write on its version, and the group is read again with them
        booking_item = ctx.store.get(pk, "BOOKING")
        if booking_item is None:
            raise NotFound("no trip has that code")
        read["booking"] = booking_item
        try:
            # the rest of the group, read on each attempt: a name two guests answer to signs for neither
            group = list_guests(ctx.store, target.org, target.booking_id)
            others = [g.name for g in group if g.id != guest.id]
            return rules.sign(
                guest, form, version, at=now, ip=ip, user_agent=user_agent, entity=entity.id, others=others
            )
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None

    def still_on_the_line(_: Guest) -> list[Write]:
        """The booking as read before the group, written again: should the trip move to another line's boat as the
        guest signs, the signature (of the old line's text) is not recorded after the move took the others' off; nor
        should a guest be added, whose name the name typed may be too (`rules.sign`'s `others`). The same for the
        line's text, checked as read: an `org import` saving new words as the guest signs asks the signed guests
        for them (`waiver_texts`), and a signature of the old words recorded after it would let its guest board."""
        item = read["booking"]  # as read before the group (`signed`)
        if Booking.model_validate(item.data, context=STORED).entity != entity.id:
            raise Conflict(
                "the trip moved to another boat as you signed, and its waiver is another text",
                hint="read it on your page again and sign it",
            )
        line = ctx.store.get(org_pk(target.org), f"ENTITY#{entity.id}")
        if line is None or rules.waiver_version(str(line.data.get("waiver", ""))) != version:
            hint = "read it on your page and sign it"
            raise Conflict(f"the waiver changed as you signed: {entity.name} has a new text", hint=hint)
        return [Put(item, VersionIs(item.version)), Check(line.pk, line.sk, VersionIs(line.version))]

    text = Item(org_pk(target.org), f"WAIVERTEXT#{version}", {"entity": entity.id, "text": entity.waiver})
    return _update(ctx, target, signed, extra=[Put(text)], also=still_on_the_line)


def waiver_text(ctx: Context, org: str, version: str) -> str:
    """The exact waiver text a version names."""
    item = ctx.store.get(org_pk(org), f"WAIVERTEXT#{version}")
    if item is None:
        raise NotFound(f"no waiver version {version}")
    return str(item.data["text"])


def the_guest(ctx: Context, target: CodeTarget) -> Guest:
    """The guest a code belongs to."""
    item = ctx.store.get(booking_pk(target.org, target.booking_id), f"GUEST#{target.guest_id}")
    if item is None:
        raise NotFound("no such guest")
    return Guest.model_validate(item.data)


def _update(
    ctx: Context,
    target: CodeTarget,
    change: Callable[[Guest], Guest],
    extra: list[Put] | None = None,
    also: Callable[[Guest], Sequence[Write]] | None = None,
) -> Guest:
    """Apply `change` to the guest, writing `extra` and what `also` makes of the changed guest (read
    afresh on each attempt) in the same transaction; Conflict after five clashes."""
    for _ in range(5):
        item = ctx.store.get(booking_pk(target.org, target.booking_id), f"GUEST#{target.guest_id}")
        if item is None:
            raise NotFound("no such guest")
        current = Guest.model_validate(item.data)
        updated: Guest = change(current)
        if updated == current:
            return current
        writes: list[Write] = [
            Put(Item(item.pk, item.sk, updated.model_dump(mode="json")), VersionIs(item.version)),
            *(extra or []),
        ]
        writes += also(updated) if also else []
        try:
            ctx.store.transact(writes)
        except ConditionFailed:
            continue
        return updated
    raise Conflict("your page changed while saving; reload it and try again")


def trip_over(booking: Booking, now: datetime) -> bool:
    """Whether `booking`'s trip is over (back by its return time): its page asks nothing more of its guests."""
    return booking.request.end <= now


def trip_left(booking: Booking, now: datetime) -> bool:
    """Whether `booking`'s trip has left (its departure passed)."""
    return booking.request.start <= now


def refuse_once_over(booking: Booking, now: datetime) -> None:
    """Conflict once the trip is over: a guest added, coming or signing after it (a waiver dated after the
    trip, an invitation to "sign before we leave the dock" for a trip back days ago) means nothing."""
    if trip_over(booking, now):
        raise Conflict("this trip is over", hint="nothing was changed")


def _former(ctx: Context, target: CodeTarget) -> Guest | None:
    """The earlier lead kept under `target`'s guest id (`bookings.former_leads`), or None."""
    item = ctx.store.get(booking_pk(target.org, target.booking_id), f"FORMER#{target.guest_id}")
    return Guest.model_validate(item.data) if item else None


def _context(ctx: Context, target: CodeTarget) -> tuple[Booking, BusinessProfile, Entity]:
    booking = get_booking(ctx.store, target.org, target.booking_id)
    profile = load_business(ctx.store, target.org)
    entity = profile.entity(booking.entity) if profile else None
    if profile is None or entity is None:
        raise NotFound("no trip has that code")
    return booking, profile, entity


def _invitation(
    ctx: Context, profile: BusinessProfile, entity: Entity, booking: Booking, guest: Guest
) -> OutgoingMessage:
    """A guest's invitation (`notifications.invitation`), keyed as theirs: `bk:<booking>:guest:<g>:invite`."""
    return invitation(ctx, profile, entity, booking, guest, key=f"bk:{booking.id}:guest:{guest.id}:invite")


def waiver_pdf(
    ctx: Context, target: CodeTarget, *, page_code: bool = True, version: str | None = None, former: bool = False
) -> bytes:
    """The guest's signed waiver as a PDF: the exact text signed, the business line whose it is, and the signature's
    details. Without `page_code` it leaves out the code of the guest's page (a key to it, the lead's to their
    group): the copy the operator hands an insurer or a harbour master (`services.waivers`). `version`: the one of
    that text signed, among those they signed for the lines the trip was on before (`Guest.earlier`). `former`: the
    guest may be an earlier lead of a booking handed to someone else (`bookings.former_leads`), for the operator."""
    guest = _former(ctx, target) if former else None
    guest = guest or the_guest(ctx, target)
    signatures = [s for s in (guest.waiver, *reversed(guest.earlier)) if s is not None]
    signature = next((s for s in signatures if version in (None, s.waiver_version)), None)
    if signature is None:
        raise NotFound("this waiver is not signed yet" if version is None else f"no signed waiver version {version}")
    booking, profile, current = _context(ctx, target)
    entity = profile.entity(line_reader(ctx.store, target.org)(signature)) or current
    zone = profile.org.timezone
    own_code = guest.code if guest.code and not guest.lead else booking.guest_code
    page_code = page_code and guest.left_at is None  # a former lead's page is the new lead's now
    if signature.guardian_name:
        signed_by = f"{signature.guardian_name}, parent or guardian, for {guest.name} (under 18)"
    else:
        signed_by = f"{guest.name}, the guest"
    details = [
        (
            "Guest",
            guest.name + (" (under 18)" if guest.minor else "") + (" (the former lead)" if guest.left_at else ""),
        ),
        ("Signed by", signed_by),
        ("Typed name", signature.typed_name),
        *([("Guardian", signature.guardian_name)] if signature.guardian_name else []),
        ("Signed", f"{when(signature.signed_at, zone)} ({signature.signed_at.isoformat()})"),
        ("Waiver version", signature.waiver_version),
        ("IP address", signature.ip),
        ("Browser", signature.user_agent or "unknown"),
        ("Booking", f"{booking.id}, page code {pretty_code(own_code)}" if page_code else booking.id),
    ]
    from firstmate.pdf import signed_waiver_pdf  # fpdf2 (and numpy) only when a waiver is signed

    return signed_waiver_pdf(
        business=entity.name,
        trip=f"Trip on {when(booking.request.start, zone)}",
        waiver_text=waiver_text(ctx, target.org, signature.waiver_version),
        details=details,
    )
