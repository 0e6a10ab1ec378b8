"""A new version of a business line's waiver text (its words edited in the org file, `org import`): insurers expect
the text the business uses now signed, so each guest of the line's trips still to sail who signed an earlier text is
asked to sign the new one. Their old signature stays on record (`Guest.earlier`, as a move to another line's boat
keeps it), the departure waits for them, and they are told once by mail. A trip that has left (or is over, or
cancelled) keeps its signatures as they are. Spacing and line breaks alone change no text (`guests.waiver_words`).

The import saves the new text with a marker for its line in the same write; the trips follow it just after, and a
marker left by an import that stopped midway is followed by the next import of the org."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from firstmate.domain import guests as rules
from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile, Entity
from firstmate.domain.calendar import EntryKind
from firstmate.domain.checklist import departed, signed_an_earlier_text
from firstmate.domain.crew import CrewEvent
from firstmate.domain.guests import Guest, waiver_version, waiver_words
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.shared import STORED
from firstmate.domain.timing import when
from firstmate.errors import ConditionFailed, NotFound
from firstmate.ports import Delete, Item, Put, VersionIs, Write
from firstmate.services.business import load_business, org_pk
from firstmate.services.context import Context
from firstmate.services.guests import trip_over
from firstmate.services.messages import templated
from firstmate.services.outbox import enqueue_write, outbox_pk
from firstmate.services.trips import booking_pk, calendar_between
from firstmate.services.waiver_lines import text_readers

#: The store's marker of a line whose new text its trips are still to follow (`ORG#<org>`, `WAIVERNEW#<line>`).
MARKER = "WAIVERNEW#"
#: How far ahead trips are read: channels sell a season or two ahead.
HORIZON = timedelta(days=3 * 366)
#: How far back: a trip under way that started then has not left yet (a boat still at the dock).
UNDER_WAY = timedelta(days=2)
#: Guests written at a time (each with their mail, and the trip's crew event): within one transaction.
BATCH = 45
#: Readings of a trip in a row that asked nobody (its guests answering as it wrote) after which it is left to the
#: marker, for the next import
TRIES = 5


@dataclass(frozen=True)
class NewText:
    """What a line's new waiver text asked (dry: would ask) of its trips still to sail."""

    line: str  # the business line's name
    guests: int  # asked to sign the new text
    trips: int  # that many guests' trips


def texts_changed(before: BusinessProfile | None, after: BusinessProfile) -> list[Entity]:
    """The business lines of `after` whose waiver has other words than in `before` (spacing aside): a line new in
    `after` has no trips."""
    if before is None:
        return []
    changed = []
    for entity in after.entities:
        was = before.entity(entity.id)
        if was is not None and waiver_words(was.waiver) != waiver_words(entity.waiver):
            changed.append(entity)
    return changed


def marker_writes(org: str, lines: list[Entity]) -> list[Put]:
    """The markers of `lines`' new texts, for the write that saves them (`follow_new_texts` follows them)."""
    return [Put(Item(org_pk(org), f"{MARKER}{e.id}", {"version": waiver_version(e.waiver)})) for e in lines]


def follow_new_texts(ctx: Context, org: str) -> list[NewText]:
    """Ask the guests of each marked line's trips still to sail who signed an earlier text to sign the line's text
    now (`ask_trip`), and drop the line's marker once every trip is done. Idempotent: a guest asked is not asked
    (nor told) again."""
    profile = load_business(ctx.store, org)
    markers = ctx.store.query(org_pk(org), MARKER).items
    if profile is None or not markers:
        return []
    asked: list[NewText] = []
    for marker in markers:
        entity = profile.entity(marker.sk.removeprefix(MARKER))
        left = False
        if entity is not None:
            counts = [ask_trip(ctx, profile, entity, booking) for booking in upcoming(ctx, org, entity.id)]
            left = any(n is None for n in counts)
            done = [n for n in counts if n]
            if done:
                asked.append(NewText(entity.name, sum(done), len(done)))
        if not left:
            ctx.store.transact([Delete(marker.pk, marker.sk, VersionIs(marker.version))])
    return asked


def would_ask(ctx: Context, profile: BusinessProfile, lines: list[Entity]) -> list[NewText]:
    """What `follow_new_texts` would ask of `lines`' trips were their texts saved as `lines` have them: nothing
    written."""
    asked = []
    for entity in lines:
        counts = [_asked(ctx, entity, booking) for booking in upcoming(ctx, profile.org.id, entity.id)]
        done = [n for n in counts if n]
        if done:
            asked.append(NewText(entity.name, sum(done), len(done)))
    return asked


def upcoming(ctx: Context, org: str, line: str) -> list[Booking]:
    """The trips of business line `line` still to sail (or under way), cancelled ones left out."""
    from firstmate.services.bookings import get_booking  # it imports the guests' modules

    now = ctx.clock.now()
    trips = []
    for entry in calendar_between(ctx.store, org, now, now + HORIZON, UNDER_WAY):
        if entry.kind is not EntryKind.BOOKING or entry.cancelled or entry.entity != line or not entry.booking_id:
            continue
        try:
            trips.append(get_booking(ctx.store, org, entry.booking_id))
        except NotFound:  # gone meanwhile: nobody to ask
            continue
    return trips


def ask_trip(ctx: Context, profile: BusinessProfile, entity: Entity, booking: Booking) -> int | None:
    """Ask each guest of `booking` who signed an earlier text of `entity`'s waiver to sign its text now: their
    signature kept on record, the crew's waivers tick undone, each told by mail (a guest without an address through
    the lead, who holds their page), in writes of `BATCH` guests, each on the condition that the guests and the trip
    are as read. Returns how many were asked; None when guests kept answering as it wrote (`TRIES` readings in a
    row), for the marker to be followed again. A trip that has left, is over, cancelled or on another line now asks
    nobody."""
    org, pk = profile.org.id, booking_pk(profile.org.id, booking.id)
    asked, stuck = 0, 0
    while stuck < TRIES:
        now = ctx.clock.now()
        read = _read(ctx, org, entity, booking.id, now)
        if read is None:
            return asked
        booking, event_item, items, followed = read
        changed = [(was, now_) for was, now_ in followed if now_ != was]
        if not changed:
            return asked
        group = [n for _, n in followed]
        told = _told(ctx, profile, entity, booking, group, [n for w, n in changed if _asks(w, n)])
        event = CrewEvent.model_validate(event_item.data)
        moved = 0
        for at in range(0, len(changed), BATCH):
            batch = changed[at : at + BATCH]
            coming = [n.name for w, n in batch if _asks(w, n) and n.status is rules.GuestStatus.ON_HOLD]
            event = signed_an_earlier_text(event, coming, entity.name, at=now)
            writes: list[Write] = [
                # the trip as read, written again: a crew's waivers tick made meanwhile reads the guests again
                Put(Item(pk, "EVENT", event.model_dump(mode="json")), VersionIs(event_item.version)),
                *(Put(Item(pk, f"GUEST#{n.id}", n.model_dump(mode="json")), VersionIs(items[n.id].version))
                  for _, n in batch),
                *(enqueue_write(org, message, now) for g, _ in batch for message in told.pop(g.id, [])),
            ]  # fmt: skip
            if at == 0:  # the lead's mail naming those without an address: with the first write
                writes += [enqueue_write(org, message, now) for message in told.pop("", [])]
            try:
                ctx.store.transact(writes)
            except ConditionFailed:
                break  # a guest, or the trip, changed meanwhile: read again
            moved += len(batch)
            asked += sum(1 for w, n in batch if _asks(w, n))
            stored = ctx.store.get(pk, "EVENT")
            if stored is None:
                return asked
            event_item, event = stored, CrewEvent.model_validate(stored.data)
        stuck = 0 if moved else stuck + 1
    return None


def _asked(ctx: Context, entity: Entity, booking: Booking) -> int:
    """How many guests of `booking` `ask_trip` would ask now."""
    read = _read(ctx, booking.org, entity, booking.id, ctx.clock.now())
    return sum(1 for was, now_ in read[3] if _asks(was, now_)) if read else 0


def _read(
    ctx: Context, org: str, entity: Entity, booking_id: str, now: datetime
) -> tuple[Booking, Item, dict[str, Item], list[tuple[Guest, Guest]]] | None:
    """The trip as it is, its crew event's record, its guests' records by id, and each guest before and after
    following `entity`'s text; None for a trip that asks nobody (left, over, cancelled, on another line now)."""
    pk = booking_pk(org, booking_id)
    booking_item, event_item = ctx.store.get(pk, "BOOKING"), ctx.store.get(pk, "EVENT")
    if booking_item is None or event_item is None:
        return None
    booking = Booking.model_validate(booking_item.data, context=STORED)
    event = CrewEvent.model_validate(event_item.data)
    if booking.cancelled or booking.entity != entity.id or trip_over(booking, now) or departed(event, now):
        return None
    items = {i.sk.removeprefix("GUEST#"): i for i in ctx.store.query(pk, "GUEST#", limit=200).items}
    line_of, words_of = text_readers(ctx.store, org)
    words = waiver_words(entity.waiver)
    followed = []
    for item in items.values():
        guest = Guest.model_validate(item.data)
        followed.append((guest, rules.follow_line(guest, words, line_of, words_of, why=rules.SetAside.TEXT_CHANGED)))
    followed.sort(key=lambda pair: (not pair[0].lead, pair[0].added_at))  # the lead first, as the group lists it
    return booking, event_item, items, followed


def _asks(was: Guest, now: Guest) -> bool:
    """Whether following the new text asks the guest for their signature (one of theirs of it may come back): only
    a guest coming is asked (and told). One who said they cannot come has theirs set aside all the same, unasked: if
    they come after all, their page asks for the new text."""
    return was.waiver is not None and now.waiver is None and now.status is not rules.GuestStatus.INVITED


def _told(
    ctx: Context, profile: BusinessProfile, entity: Entity, booking: Booking, group: list[Guest], asked: list[Guest]
) -> dict[str, list[OutgoingMessage]]:
    """The mails telling those `asked` to sign the new text, by guest id: each guest with an address their own; the
    lead's ("" here, written first) names those without one, whose pages the lead holds. One queued already (the
    text changed back and again) is not queued again."""
    version = waiver_version(entity.waiver)
    lead = next((g for g in group if g.lead), None)
    told: dict[str, list[OutgoingMessage]] = {}
    for guest in asked:
        if guest.email and not guest.lead:
            told[guest.id] = [_mail(ctx, profile, entity, booking, guest, version, own=True, others=[])]
    others = [g.name for g in asked if not g.email and not g.lead]
    own = any(g.lead for g in asked)
    if lead is not None and lead.email and (own or others):
        told[""] = [_mail(ctx, profile, entity, booking, lead, version, own=own, others=others)]
    return {
        gid: [m for m in messages if ctx.store.get(outbox_pk(profile.org.id), m.idempotency_key) is None]
        for gid, messages in told.items()
    }


def _mail(
    ctx: Context,
    profile: BusinessProfile,
    entity: Entity,
    booking: Booking,
    guest: Guest,
    version: str,
    *,
    own: bool,
    others: list[str],
) -> OutgoingMessage:
    """A guest's mail: `entity`'s waiver changed since they signed it (`own`), and, to the lead, since `others` of
    their group without an address did; with the link to their page."""
    assert guest.email is not None
    departure = when(booking.request.start, profile.org.timezone)
    code = guest.code if guest.code and not guest.lead else booking.guest_code
    context = {
        "guest": guest,
        "business": entity.name,
        "departure": departure,
        "own": rules.TEXT_CHANGED if own else "",
        "others": ", ".join(others),
        "link": f"{ctx.settings.base_url}/g/{code}",
        "colour": entity.primary_colour,
    }
    return templated(
        ctx, key=f"bk:{booking.id}:guest:{guest.id}:{version}:waiver-changed", to=guest.email,
        subject=f"Please sign {entity.name}'s new waiver: {departure}", template="waiver_changed", context=context,
        reply_to=profile.org.ops_email, stale_after=booking.request.end,  # a guest aboard signs until the return
    )  # fmt: skip
