"""orchestrate_booking: one booking in, everything it needs out, exactly once.

Every channel (API, CSV, marketplace email, calendar file) ends here. One transaction writes the
booking, its crew event, its calendar entry, its guest page code, its lead guest and every
notification it causes. The same booking again writes nothing; a changed one writes a new revision
and tells the people concerned; a cancelled one withdraws the trip everywhere.

Keys: see `firstmate.services.trips`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog

from firstmate.domain.bookings import (
    SOURCE,
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
    is_stale,
    merge_revision,
    newest_by_path,
    newest_sequence,
    revise,
    said_fingerprint,
    seen_fingerprint,
    with_newest,
)
from firstmate.domain.business import Asset, BusinessProfile, Entity
from firstmate.domain.calendar import CalendarEntry, next_sequence
from firstmate.domain.checklist import (
    checked_elsewhere,
    checked_for_another_day,
    departed,
    recount,
    signed_for_another_line,
)
from firstmate.domain.codes import encode_code
from firstmate.domain.crew import (
    CrewEvent,
    follow_booking,
    jackets_for,
    move_to_boat,
    new_event,
    resolved,
    taken_off_by,
)
from firstmate.domain.guests import (
    Guest,
    GuestStatus,
    already_in,
    another_person,
    follow_lead,
    former_lead,
    next_guest_id,
)
from firstmate.domain.intake import CancelledByReference
from firstmate.domain.outbox import OutboxStatus
from firstmate.domain.reports.format import plural
from firstmate.domain.roster import clashes
from firstmate.domain.shared import STORED, iso
from firstmate.domain.timing import local, when
from firstmate.errors import ConditionFailed, Conflict, InvalidInput, NotFound
from firstmate.ports import MAX_TRANSACTION_WRITES, Absent, Delete, Item, Put, Store, VersionIs, Write
from firstmate.services.business import list_orgs, load_business
from firstmate.services.context import Context
from firstmate.services.crew_freed import ask_the_freed, not_asked, not_asked_held, not_asked_write
from firstmate.services.crew_owed import freed_owed
from firstmate.services.crew_trips import roster_marker
from firstmate.services.notifications import (
    CREW,
    EVERYONE,
    GUESTS,
    LEAD,
    OPS,
    OTHER_GUESTS,
    booking_messages,
    booking_notifications,
    double_booking_lines,
    quiet_audiences,
    still_unheard,
)
from firstmate.services.outbox import (
    NOT_THEIRS,
    enqueue,
    from_item,
    outbox_pk,
    reminders_followed,
    superseded,
    unheard_so_far,
)
from firstmate.services.paging import all_items
from firstmate.services.people import crew_for_roles, list_people
from firstmate.services.trips import (
    DEFERRED_CHECK,
    booking_pk,
    calendar_pk,
    calendar_sk,
    check_owed,
    code_pk,
    crew_busy_between,
    double_bookings,
    events_between,
    get_event,
    intake_pk,
    report_double_bookings,
)
from firstmate.services.waiver_lines import follow_line, lines_followed

log = structlog.get_logger(__name__)
MAX_ATTEMPTS = 8
FANOUT_INDEX = "FANOUT#PENDING"
#: Earlier bodies remembered per booking, so a late replay of one cannot undo later changes.
MAX_REMEMBERED = 50


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
    ctx: Context, org: str, request: BookingRequest, *, tell: bool = True, created_in: Collection[str] = ()
) -> IntakeOutcome:
    """Create, update, cancel or leave alone the booking (source, external_id), with its fan-out.

    Safe under any number of concurrent identical calls: one creates, the others find it.
    Raises NotFound for an unknown org and InvalidInput for an unknown or ambiguous boat.
    Without `tell`, its double bookings are neither looked for nor told, and the job leaves its
    check to the caller for a while (`trips.DEFERRED_CHECK`): an import checks every row once its
    whole file is in (`trips.tell_double_bookings`) and drops the marks it covered (`trips.owed_marks`).
    `created_in`: the bookings an earlier row of the same import created, whose mail may not have gone yet:
    a change tells whoever has heard nothing of one as news, of the trip as it leaves it (`unheard_so_far`).
    """
    profile = _profile(ctx.store, org)
    entity, asset = _place(profile, request)  # an unknown boat is refused, whatever the booking says
    placed = (entity.id, asset.id)
    for _ in range(MAX_ATTEMPTS):
        anchor = ctx.store.get(intake_pk(org), _intake_sk(request))
        booked = anchor.data.get("booking_id") if anchor else None  # none where a cancellation came first
        existing = _booking(ctx.store, org, str(booked)) if booked else None
        try:
            if existing is None or anchor is None:
                remembered = anchor if anchor is not None and not booked else None
                first = (
                    remembered is not None
                    and request.status is not BookingStatus.CANCELLED
                    and cancelled_first(request, _numbers(remembered))
                )
                sent = request.model_copy(update={"status": BookingStatus.CANCELLED}) if first else request
                result = classify_change(None, sent)
                created = _create(ctx, profile, entity, asset, sent, result, tell=tell, remembered=remembered)
                return IntakeOutcome(result, *created, profile, cancelled_first=first)
            old_news = is_old_news(request, _seen(anchor), _numbers(anchor).get(request.numbered_by), placed=placed)
            result, merged, refused = IntakeResult.UNCHANGED, existing.request, False
            if not old_news:  # what this path changed since it last spoke, over what the others changed meanwhile
                merged = merge_revision(existing.request, last_said(anchor, request.numbered_by), request)
                on_entity, on_asset = _place(profile, merged)
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
                _note_newest(ctx, request, anchor, None if old_news or refused else placed)
                said = double_booked_now(ctx, profile, existing, tell=True) if tell else ()
                return IntakeOutcome(IntakeResult.UNCHANGED, existing, said, profile, refused_change=refused)
            changed = _change(
                ctx, profile, on_entity, on_asset, existing, merged, anchor, result, sent=(request, placed), tell=tell,
                news=existing.id in created_in,
            )  # fmt: skip
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
        numbers = {str(path): n for path, n in _numbers(anchor).items()}
        # an email's send time: the one path that cancels by reference alone
        newest = numbers.get(str(IntakePath.EMAIL))
        highest = newest_sequence(cancellation.sequence, newest)
        if anchor is not None and highest == newest:
            return IntakeResult.UNCHANGED
        if highest is not None:
            numbers[str(IntakePath.EMAIL)] = highest
        data = {**(_kept(anchor) if anchor else {}), "cancelled_first": iso(ctx.clock.now()), "sequences": numbers}
        try:
            ctx.store.transact([Put(Item(intake_pk(org), sk, data), VersionIs(anchor.version) if anchor else Absent())])
        except ConditionFailed:
            continue  # booked or remembered meanwhile: read again and decide again
        return IntakeResult.CANCELLED
    raise Conflict("the booking kept changing while its cancellation was being saved", hint="import it again")


def cancelled_first_words(booking: Booking) -> str:
    """What an intake says of a booking recorded cancelled as it came, its cancellation remembered before it."""
    named = f"{booking.request.source} {booking.request.external_id}"
    said = "was cancelled before it arrived (by a cancellation imported earlier): recorded as cancelled"
    return f"{named} {said}; the operations manager alone was told"


def cancelled_change_words(booking: Booking, timezone: str) -> str:
    """What an intake says of a change sent for a cancelled booking (`IntakeOutcome.refused_change`): since when it
    is cancelled (in `timezone`), and that a cancellation is final, so the change changed nothing."""
    named = f"{booking.request.source} {booking.request.external_id}"
    if booking.cancelled_on_arrival:
        since = f"was recorded cancelled as it came, on {when(booking.created_at, timezone)}"
    else:
        since = f"was cancelled on {when(booking.updated_at, timezone)}"
    said = "a cancellation is final, so this change changed nothing; a rebooking comes with a new external_id"
    return f"{named} {since}: {said}"


def _place(profile: BusinessProfile, request: BookingRequest) -> tuple[Entity, Asset]:
    """The business line and boat `request` names, or its only ones; raises InvalidInput otherwise."""
    try:
        return profile.place(request.entity, request.asset)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def cancel_booking(ctx: Context, org: str, booking_id: str) -> IntakeOutcome:
    """Cancel a booking by id (idempotent); raises NotFound for an unknown or other org's id. The
    operator's cancel is no revision of its channel's: none the channel numbered holds it back."""
    booking = get_booking(ctx.store, org, booking_id)
    return orchestrate_booking(ctx, org, cancellation_of(booking, sequence=None))


def find_booking(store: Store, org: str, booking: str, *, source: str | None = None) -> Booking:
    """The org's booking `booking`: its id, or with `source` the reference that channel gave it (its
    external_id). NotFound says which was looked for and what to write: the channel whose reference it is,
    or the org whose booking."""
    if source is not None:
        anchor = store.get(intake_pk(org), f"{source}#{booking}")
        found = _booking_of(store, org, anchor)
        if found is not None:
            return found
        channels = _channels_of(store, org, booking)
        if channels:
            hint = _reference_of(store, org, booking, channels, "write")
        elif anchor is not None and "cancelled_first" in anchor.data:  # `remember_cancellation`: no typing slip
            hint = (
                "its cancellation was imported before it, and is remembered: its booking, if it comes, is recorded "
                "as cancelled; there is nothing to cancel"
            )
        else:
            hint = "write the reference as the channel gave it, or the booking's id (bk_…) without --source"
        raise NotFound(f"no {source} booking {booking!r} in {org}", hint=hint)
    found = _booking(store, org, booking)
    if found is not None:
        return found
    theirs = [other for other in list_orgs(store) if other != org and _booking(store, other, booking)]
    if theirs:
        raise NotFound(f"no booking {booking!r} in {org}", hint=f"it is {theirs[0]}'s: add --org {theirs[0]}")
    if channels := _channels_of(store, org, booking):
        hint = _reference_of(store, org, booking, channels, "add")
    elif booking.startswith("bk_"):
        hint = (
            "the operations manager's mail of a booking names its id; or name the booking by its channel's "
            "reference, with --source"
        )
    else:
        hint = "a booking id starts bk_; to name a booking by its channel's reference, add --source and the channel"
    raise NotFound(f"no booking {booking!r} in {org}", hint=hint)


def _reference_of(store: Store, org: str, reference: str, channels: Sequence[str], verb: str) -> str:
    """Whose reference `reference` is, as a hint: "it is getmyboat's reference for a booking: add --source
    getmyboat"; given by several `channels`, each booking with whose trip it is and when, for the operator to
    pick: naming one of them alone had them cancel another guest's trip."""
    if len(channels) == 1:
        return f"it is {channels[0]}'s reference for a booking: {verb} --source {channels[0]}"
    profile = load_business(store, org)
    zone = profile.org.timezone if profile is not None else "UTC"
    trips = []
    for channel in channels:
        anchor = store.get(intake_pk(org), f"{channel}#{reference}")
        found = _booking_of(store, org, anchor)
        if found is None:  # its booking gone from under its anchor: the channel alone is named
            trips.append(f"{channel}'s")
            continue
        day = local(found.request.start, zone)
        trips.append(f"{channel}'s ({found.request.lead_guest.name}'s trip, {day:%a} {day.day} {day:%b %Y})")
    sources = " or ".join(f"--source {channel}" for channel in channels)
    return f"it is the reference of {len(channels)} bookings, {', '.join(trips[:-1])} and {trips[-1]}: {verb} {sources}"


def _channels_of(store: Store, org: str, reference: str) -> list[str]:
    """The channels that gave one of the org's bookings the reference (external_id) `reference`."""
    ref = f"#{reference}"  # anchors are `<source>#<external_id>`: a reference may hold a "#" of its own
    # a cancellation remembered before its booking came (`remember_cancellation`) is no booking's
    anchors = [a for a in all_items(store, intake_pk(org)) if a.sk.endswith(ref) and a.data.get("booking_id")]
    channels = [a.sk.removesuffix(ref) for a in anchors]
    return [c for c in channels if re.fullmatch(SOURCE, c)]  # a blocked slot's is no booking's


def cancellation_told(ctx: Context, org: str, booking: Booking) -> list[str]:
    """Who `cancel_booking` would tell of `booking`'s cancellation, as of now, written nowhere (a dry run, a
    question asked first): the audiences of its messages ("ops", "crew:<person>", "guest:<guest>"), as
    `revision_told` reads them once it is done. Nobody for a booking already cancelled."""
    if booking.cancelled:
        return []
    profile = _profile(ctx.store, org)
    entity, asset = _place(profile, cancellation_of(booking, sequence=None))
    now = ctx.clock.now()
    cancelled = revise(booking, cancellation_of(booking, sequence=None), now)
    event = get_event(ctx.store, org, booking.event_id)
    guests = list_guests(ctx.store, org, booking.id)
    messages = booking_messages(
        ctx, profile, entity, asset, cancelled, event, guests, IntakeResult.CANCELLED, was_end=booking.request.end,
        at=now,
    )  # fmt: skip
    return [_audience(m.idempotency_key) for m in messages]


def revision_told(ctx: Context, org: str, booking: Booking) -> list[str]:
    """The audiences (as `cancellation_told` has them) of the messages `booking`'s current revision queued."""
    prefix = f"bk:{booking.id}:r{booking.revision}:"
    return [_audience(item.sk) for item in all_items(ctx.store, outbox_pk(org), prefix)]


def told_in_words(ctx: Context, org: str, booking: Booking, audiences: Sequence[str]) -> str:
    """`audiences` (`cancellation_told`) as people read them: "the operations manager, 2 crew (Jonah Reyes,
    Priya Nair) and 1 guest (Dana Whitcomb)"; "nobody" for none."""
    people = {p.id: p.name for p in list_people(ctx.store, org)}
    guests = {g.id: g.name for g in list_guests(ctx.store, org, booking.id)}
    crew = sorted({people.get(a.split(":")[1], a.split(":")[1]) for a in audiences if a.startswith("crew:")})
    aboard = sorted({guests.get(a.split(":")[1], a.split(":")[1]) for a in audiences if a.startswith("guest:")})
    parts = ["the operations manager"] if "ops" in audiences else []
    parts += [f"{len(crew)} crew ({', '.join(crew)})"] if crew else []
    parts += [f"{plural(len(aboard), 'guest')} ({', '.join(aboard)})"] if aboard else []
    if not parts:
        return "nobody"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _audience(key: str) -> str:
    """The audience a booking message's key names: `bk:<booking>:r<revision>:<audience>`."""
    return key.split(":", 3)[3]


def booking_entry(store: Store, booking: Booking) -> CalendarEntry | None:
    """The booking's calendar entry (None if there is none)."""
    item = store.get(calendar_pk(booking.org), calendar_sk(booking.request.start, booking.id))
    return CalendarEntry.model_validate(item.data) if item else None


def double_booked_now(
    ctx: Context, profile: BusinessProfile | None, booking: Booking, *, tell: bool = False
) -> tuple[CalendarEntry, ...]:
    """What else holds the booking's boat while its trip does, now (nothing once cancelled):
    for a channel that sends a booking again, or reads it, to learn of a clash it missed. With `tell`,
    the operations manager is also told of any pair not told of yet (a process that stopped between
    a booking's write and its check); without, nothing is written."""
    entry = booking_entry(ctx.store, booking)
    if entry is None or profile is None:
        return ()
    if tell:
        return tuple(report_double_bookings(ctx, profile, entry))
    return tuple(double_bookings(ctx.store, booking.org, entry, ctx.clock.now(), reading=True))


def said_to_channel(profile: BusinessProfile | None, entries: Sequence[CalendarEntry]) -> list[str]:
    """`entries` holding a boat, in words for the channel that sent or read a booking: by boat and
    time, without their titles (a booking's title names its lead guest, not this channel's to know;
    a blocked slot's may name someone too)."""
    return double_booking_lines(profile, entries, titled=False) if profile else []


def over_limit(profile: BusinessProfile | None, booking: Booking) -> str | None:
    """The booking over its boat's passenger limit, in words with what to do; None within it, without a
    limit, or once cancelled. Such a booking is recorded all the same: the channel has sold it."""
    asset = profile.asset(booking.asset) if profile is not None and not booking.cancelled else None
    line = asset.over_limit(booking.request.guest_count) if asset is not None else None
    if line is None:
        return None
    return f"{line}: the booking is recorded; move it to a larger boat, or correct its guest count"


def get_booking(store: Store, org: str, booking_id: str) -> Booking:
    """One booking of this org; raises NotFound otherwise."""
    booking = _booking(store, org, booking_id)
    if booking is None:
        raise NotFound(f"no booking {booking_id!r}")
    return booking


def former_leads(store: Store, org: str, booking_id: str) -> list[Guest]:
    """The earlier leads of a booking handed to someone else who had signed (`former_lead`), oldest first: kept for
    their signatures, not in the group."""
    page = store.query(booking_pk(org, booking_id), "FORMER#", limit=200)
    return sorted((Guest.model_validate(i.data) for i in page.items), key=lambda g: g.left_at or g.added_at)


def list_guests(store: Store, org: str, booking_id: str) -> list[Guest]:
    """The guests of a booking, lead guest first."""
    page = store.query(booking_pk(org, booking_id), "GUEST#", limit=200)
    guests = [Guest.model_validate(i.data) for i in page.items]
    return sorted(guests, key=lambda g: (not g.lead, g.added_at))


# -- writing -------------------------------------------------------------------------------------


def _create(
    ctx: Context,
    profile: BusinessProfile,
    entity: Entity,
    asset: Asset,
    request: BookingRequest,
    result: IntakeResult,
    *,
    tell: bool,
    remembered: Item | None = None,
) -> tuple[Booking, tuple[CalendarEntry, ...]]:
    """The booking's first revision and all it fans out to: `result` is CREATED, or CANCELLED for a
    cancellation of a booking never seen (recorded, and told to the operations manager alone). `remembered`: the
    anchor of a cancellation that came before it (`remember_cancellation`), whose numbers it keeps: recorded
    cancelled (`cancelled_first`), it is told to nobody, the cancellation already said when imported."""
    now = ctx.clock.now()
    suffix = secrets.token_hex(8)
    booking = Booking(
        id=f"bk_{suffix}",
        org=profile.org.id,
        event_id=f"ev_{suffix}",
        entity=entity.id,
        asset=asset.id,
        guest_code=encode_code(secrets.token_bytes(7)),
        request=request,
        fingerprint=request.fingerprint(),
        created_at=now,
        updated_at=now,
    )
    booking = booking.model_copy(
        update={"unheard": tuple(sorted(still_unheard(ctx, profile, booking, EVERYONE, at=now)))}
    )
    event = new_event(booking, asset.name, asset.roles, asset.checklist)
    entry = next_sequence(None, _calendar_entry(booking, event, asset, now))
    lead = Guest(id="g1", name=request.lead_guest.name, email=request.lead_guest.email, lead=True, added_at=now)
    org, pk = profile.org.id, booking_pk(profile.org.id, booking.id)
    writes: list[Write] = [
        Put(
            Item(
                intake_pk(org),
                _intake_sk(request),
                _anchor_data(
                    booking.id, [_seen_now(booking)], request, _numbers(remembered), _bodies_with(None, request)
                ),
            ),
            VersionIs(remembered.version) if remembered else Absent(),
        ),
        Put(Item(pk, "BOOKING", booking.model_dump(mode="json")), Absent()),
        Put(Item(pk, "EVENT", event.model_dump(mode="json")), Absent()),
        Put(Item(pk, f"GUEST#{lead.id}", lead.model_dump(mode="json")), Absent()),
        Put(
            Item(calendar_pk(org), calendar_sk(request.start, booking.id), entry.model_dump(mode="json")),
            Absent(),
        ),
        check_owed(org, calendar_sk(request.start, booking.id), after=None if tell else now + DEFERRED_CHECK),
        Put(Item(code_pk(booking.guest_code), "CODE", {"org": org, "booking_id": booking.id}), Absent()),
    ]
    # those on another trip then are not asked to crew it (read only for a trip to come, which crew are asked of)
    live = result is IntakeResult.CREATED and request.start > now
    busy = crew_busy_between(ctx.store, org, request.start, request.end) if live else frozenset()
    # who that leaves out is kept: asked once the trip keeping them busy lets them go (`crew_freed`)
    left_out = {p.id for p in crew_for_roles(ctx.store, org, asset.roles) if p.id in busy} if busy else set()
    if (kept := not_asked_write(org, booking.id, left_out)) is not None:
        writes.append(kept)
    # one whose cancellation came first is told as a cancellation never heard of: to the operations manager alone
    notices = booking_notifications(ctx, profile, entity, asset, booking, event, [lead], result, busy=busy)
    _commit(ctx, booking, writes, notices, result)
    return booking, tuple(report_double_bookings(ctx, profile, entry)) if tell else ()


def _change(
    ctx: Context,
    profile: BusinessProfile,
    entity: Entity,
    asset: Asset,
    existing: Booking,
    request: BookingRequest,
    anchor: Item,
    result: IntakeResult,
    *,
    sent: tuple[BookingRequest, tuple[str, str]],
    tell: bool,
    news: bool = False,
) -> tuple[Booking, tuple[CalendarEntry, ...]]:
    """The booking's next revision, `request` (`merge_revision` of the body `sent` as it was placed, kept
    as its intake path's last word), and all it fans out to. With `news` (a booking the same import
    created), it is news to whoever has heard nothing of the trip yet, all they were given still waiting."""
    now = ctx.clock.now()
    org, pk = profile.org.id, booking_pk(profile.org.id, existing.id)
    _finish_fanouts(ctx, org, existing.id)
    booking_item = ctx.store.get(pk, "BOOKING")
    event_item = ctx.store.get(pk, "EVENT")
    old_sk = calendar_sk(existing.request.start, existing.id)
    entry_item = ctx.store.get(calendar_pk(org), old_sk)
    if booking_item is None or event_item is None or entry_item is None:
        raise ConditionFailed("the booking is being written by someone else")
    booking = revise(existing, request, now).model_copy(update={"entity": entity.id, "asset": asset.id})
    unheard = _unheard(ctx, profile, existing)  # who had heard nothing of the trip before this change
    still = still_unheard(ctx, profile, booking, unheard, was_end=existing.request.end, at=now)  # and after it
    booking = booking.model_copy(update={"unheard": tuple(sorted(still))})
    booking, guests, lead_writes, readdressed = _lead_followed(ctx.store, org, booking)
    line_writes: list[Write] = []
    resign: list[str] = []  # who boarded on the old line's waiver: the new line's is theirs to sign now
    if existing.entity != entity.id and not departed(CrewEvent.model_validate(event_item.data), now):
        was = {g.id: g for g in guests}
        guests, line_writes = lines_followed(ctx.store, org, booking.id, entity.waiver, guests, lead_writes)
        resign = [g.name for g in guests if g.status is GuestStatus.ON_HOLD and was[g.id].status is not g.status]
    # items stored before they kept their label's template take it from the boat they were made for
    made_on = profile.asset(existing.asset)
    before = resolved(CrewEvent.model_validate(event_item.data), made_on.checklist if made_on else ())
    event = follow_booking(before, booking, group=len(guests))
    if existing.asset != asset.id:
        event = move_to_boat(event, asset.name, asset.roles, asset.checklist, group=len(guests))
        event = checked_elsewhere(event, before.asset_name, at=now)  # a tick aboard the other boat checks nothing here
    # put off to another day: what was checked for its day is checked again for the new one
    event = checked_for_another_day(event, before.start, profile.org.timezone, at=now)
    event = event.model_copy(update={"entity": entity.id, "asset": asset.id, "asset_name": asset.name})
    # more people aboard than when the jackets were counted: they are counted again
    event = recount(event, jackets_for(before.guest_count, len(guests), len(before.roles)), at=now)
    event = signed_for_another_line(event, resign, entity.name, at=now)
    # a new boat without a role someone held: they are off the trip, told, and shown so on its page
    off_trip = {s.person_id: s.role for s in before.roles if s.person_id}
    for slot in event.roles:
        off_trip.pop(slot.person_id or "", None)
    event = taken_off_by(event, off_trip)
    entry = next_sequence(CalendarEntry.model_validate(entry_item.data), _calendar_entry(booking, event, asset, now))
    new_sk = calendar_sk(request.start, booking.id)
    body, placed = sent
    seen = _seen(anchor) + _heard(_seen_now(booking), body, placed)
    kept = _anchor_data(existing.id, seen[-MAX_REMEMBERED:], body, _numbers(anchor), _bodies_with(anchor, body))
    writes: list[Write] = [
        Put(Item(anchor.pk, anchor.sk, {**_kept(anchor), **kept}), VersionIs(anchor.version)),
        Put(Item(pk, "BOOKING", booking.model_dump(mode="json")), VersionIs(booking_item.version)),
        Put(Item(pk, "EVENT", event.model_dump(mode="json")), VersionIs(event_item.version)),
    ]
    if new_sk != old_sk:
        writes.append(Delete(calendar_pk(org), old_sk, VersionIs(entry_item.version)))
        writes.append(Put(Item(calendar_pk(org), new_sk, entry.model_dump(mode="json")), Absent()))
    else:
        writes.append(Put(Item(calendar_pk(org), new_sk, entry.model_dump(mode="json")), VersionIs(entry_item.version)))
    writes.append(check_owed(org, new_sk, after=None if tell else now + DEFERRED_CHECK))
    writes += lead_writes
    was_end = existing.request.end
    moved = (request.start, request.end) != (existing.request.start, existing.request.end)
    # a trip moved onto another of its crew's trips, or onto its boat's: the operations manager hears of it
    clashing = []
    if moved:
        holders = sorted({s.person_id for s in event.roles if s.person_id})
        # before their trips are read (see roster); each lists this trip at its new times
        writes += [roster_marker(ctx.store, org, p, holding=event, now=now) for p in holders]
        if holders:
            clashing = clashes(event, events_between(ctx.store, org, request.start, request.end, held_by=holders))
    followed: list[Put] = []
    if moved or booking.cancelled or off_trip:  # a reminder an outage held back would mislead its reader
        departure = None if booking.cancelled else request.start
        change = "was cancelled" if booking.cancelled else f"moved to {when(request.start, profile.org.timezone)}"
        followed = reminders_followed(
            ctx.store, org, event.id, departure=departure, now=now, change=change,
            holders=frozenset(slot.person_id for slot in event.roles if slot.person_id),
            leaving=f"moved to {asset.name}, without their role" if off_trip else NOT_THEIRS,
        )  # fmt: skip
    if not booking.cancelled:  # a reminder still to go names the boat and the role: reworded on another boat
        from firstmate.services.reminders import reminders_reworded  # it reads bookings: imported here

        on_another_boat = [s.person_id for s in event.roles if s.person_id] if existing.asset != asset.id else []
        followed = reminders_reworded(ctx, org, event, on_another_boat, written=followed)
    writes += followed
    unheard |= {LEAD} if readdressed else set()
    unheard |= _never_reached(ctx.store, org, booking.id, guests)
    quiet = quiet_audiences(profile, before, event) if result is IntakeResult.UPDATED else frozenset()
    if readdressed and GUESTS in quiet:  # the lead at their new address hears of the trip; the others need not
        quiet = quiet - {GUESTS} | {OTHER_GUESTS}
    quiet -= unheard  # the trip is news to them, changed or not
    busy, held = not_asked_held(ctx.store, org, booking.id)
    writes.append(held)
    # asking those it frees (or, moved, those it left out) is owed with the change: a crash after it asks them later
    if (owed := freed_owed(org, before, event, now)) is not None:
        writes.append(owed)
    # an import's later row of a booking it created: who heard nothing yet (all they were given still waits) hears
    # of the trip as this revision leaves it, as news; what waits for them is withdrawn in this same transaction
    fresh, ops_waiting = unheard_so_far(ctx.store, org, existing, booking.revision, now) if news else (frozenset(), [])
    fresh -= {CREW} if any(slot.person_id for slot in before.roles) else set()  # a role taken: they heard
    fresh -= {GUESTS} if len(guests) > 1 else set()  # a guest added by the lead: they heard
    for first_word in (fresh, frozenset()) if fresh else (frozenset(),):
        notices = booking_notifications(
            ctx, profile, entity, asset, booking, event, guests, result, was_end=was_end, clashes=clashing,
            off_trip=off_trip, quiet=quiet - first_word, unheard=unheard | first_word, busy=busy,
        )  # fmt: skip
        told = [put.item.sk for put in notices]
        # a guest merged into the lead is told as the lead now: what still waits for them under their own id goes
        merged = [m for g in guests if g.lead for m in g.merged]
        told += [f"bk:{booking.id}:r{booking.revision}:guest:{m}" for m in merged]
        withdrawn = superseded(ctx.store, org, booking, told, now, placed=entry.placed)
        if OPS in first_word:  # the operations manager's first word of the trip is this revision's
            withdrawn += ops_waiting
        # decided only where it is written at once with the withdrawals it counts on: one sent meanwhile refuses it
        if len(writes) + len(notices) + len(withdrawn) + len(line_writes) <= MAX_TRANSACTION_WRITES:
            break
    quiet, unheard = quiet - first_word, unheard | first_word
    _commit(
        ctx, booking, writes, notices, result, was_end=was_end, quiet=quiet, withdrawals=withdrawn,
        off_trip=off_trip, unheard=unheard, guests_followed=line_writes,
    )  # fmt: skip
    # its crew free at times it no longer holds them: asked to crew the trips then they were left out of; and,
    # moved, those it left out who are free at its new times
    ask_the_freed(ctx, profile, before, event, owed=owed)
    return booking, tuple(report_double_bookings(ctx, profile, entry)) if tell else ()


def _unheard(ctx: Context, profile: BusinessProfile, booking: Booking) -> frozenset[str]:
    """Who has heard nothing of `booking`'s trip so far (history imported late, a year typed wrong, and
    any change made while it was still over): to them its next change is news. Of a booking stored before
    this was kept (`Booking.unheard`), who heard nothing of its first revision, as its second alone knew."""
    if booking.cancelled:
        return frozenset()
    if booking.unheard is not None:
        return frozenset(booking.unheard)
    if booking.revision != 1:
        return frozenset()
    return still_unheard(ctx, profile, booking, EVERYONE, at=booking.created_at)


def _never_reached(store: Store, org: str, booking_id: str, guests: list[Guest]) -> frozenset[str]:
    """The audiences ("guest:<g>") of the guests but the lead whose invitation has not gone out (an outage held
    it), whom no other mail of the trip reached and who did nothing on their page: a change is told them as their
    invitation, with the trip as it is now (`booking_messages`); "Your trip has changed" told them of a trip they
    never heard of. A guest whose invitation is no longer kept (sent long ago) is not one."""
    invited, reached = set(), set()
    for item in all_items(store, outbox_pk(org), f"bk:{booking_id}:"):
        parts = item.sk.split(":")
        if "guest" not in parts[:4] or parts.index("guest") + 1 >= len(parts):
            continue
        guest = parts[parts.index("guest") + 1]
        if item.sk == f"bk:{booking_id}:guest:{guest}:invite":
            invited.add(guest)
        if from_item(item).status in (OutboxStatus.SENT, OutboxStatus.SENDING):
            reached.add(guest)
    never = invited - reached  # and one who said they are coming, or signed, on their page handed on has heard
    return frozenset(
        f"guest:{g.id}" for g in guests if not g.lead and g.id in never and g.status is GuestStatus.INVITED
    )


def _lead_followed(store: Store, org: str, booking: Booking) -> tuple[Booking, list[Guest], list[Write], bool]:
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


def _commit(
    ctx: Context,
    booking: Booking,
    writes: list[Write],
    notices: list[Put],
    result: IntakeResult,
    *,
    was_end: datetime | None = None,
    quiet: frozenset[str] = frozenset(),
    withdrawals: Sequence[Put] = (),
    off_trip: Mapping[str, str] | None = None,
    unheard: frozenset[str] = frozenset(),
    guests_followed: Sequence[Write] = (),
) -> None:
    """Write the change with its notices in one transaction. A group too large for one transaction
    gets a fan-out marker in it instead of the last notices; they follow at once, and the
    `complete_fanouts` job finishes them should this process stop first (as of the revision's
    time, so that a trip ending meanwhile still gets what was decided for it). `withdrawals` (of the
    messages still waiting that it supersedes) go in the same transaction where they fit; else the
    marker leaves them to `complete_fanout` too: they must never keep a large group's trip from
    changing, nor be lost should this process stop. `guests_followed` (the guests following the trip to another
    business line's waiver) go in it where they fit, the marker leaving the rest to `complete_fanout`."""
    room = MAX_TRANSACTION_WRITES - len(writes)
    if len(notices) + len(withdrawals) + len(guests_followed) <= room:
        ctx.store.transact([*writes, *guests_followed, *withdrawals, *notices])
        return
    marker = Item(
        booking_pk(booking.org, booking.id),
        f"FANOUT#r{booking.revision}",
        {
            "result": result.value,
            "revision": booking.revision,
            "at": iso(booking.updated_at),
            "was_end": iso(was_end) if was_end else None,
            "quiet": sorted(quiet),
            "off_trip": dict(off_trip or {}),
            "unheard": sorted(unheard),
            "lines": bool(guests_followed),
        },
        gsi1pk=FANOUT_INDEX,
        gsi1sk=f"{booking.org}#{booking.id}#{booking.revision}",
    )
    followed = list(guests_followed[: room - 1])
    ctx.store.transact([*writes, *followed, *notices[: room - 1 - len(followed)], Put(marker, Absent())])
    complete_fanout(ctx, booking.org, booking.id, booking.revision)


def _finish_fanouts(ctx: Context, org: str, booking_id: str) -> None:
    """Finish the fan-outs a booking's last change left half done (its process stopped), before
    another change is decided: superseded unfinished, those it does not tell anew would never hear
    of that change. A marker that cannot be finished never refuses the change: the job tries again."""
    for marker in ctx.store.query(booking_pk(org, booking_id), "FANOUT#r").items:
        try:
            complete_fanout(ctx, org, booking_id, int(marker.sk.removeprefix("FANOUT#r")))
        except Exception:
            log.exception("bookings.fanout_unfinished", org=org, booking=booking_id, marker=marker.sk)


def _withdraw(ctx: Context, booking: Booking, told: Sequence[str]) -> None:
    """Withdraw what `booking`'s revision supersedes (`superseded`), each on its own, read again
    while the dispatcher retried one meanwhile: one claimed or sent by then is left to its sender."""
    entry = ctx.store.get(calendar_pk(booking.org), calendar_sk(booking.request.start, booking.id))
    placed = CalendarEntry.model_validate(entry.data).placed if entry else None
    for _ in range(3):
        conflicts = 0
        for withdrawal in superseded(ctx.store, booking.org, booking, told, ctx.clock.now(), placed=placed):
            try:
                ctx.store.transact([withdrawal])
            except ConditionFailed:
                conflicts += 1
        if not conflicts:
            return


def complete_fanout(ctx: Context, org: str, booking_id: str, revision: int) -> int:
    """Queue the rest of a large revision's notices (idempotent) and make its withdrawals, then drop
    its marker. A booking's change finishes its markers first (`_finish_fanouts`), so a marker of a
    revision since superseded (one left before this rule) is dropped. A marker whose guests could not all
    follow the trip's business line yet (`follow_line`) is kept, for the next run to follow the rest."""
    pk = booking_pk(org, booking_id)
    marker = ctx.store.get(pk, f"FANOUT#r{revision}")
    if marker is None:
        return 0
    booking = get_booking(ctx.store, org, booking_id)
    left = 0
    if marker.data.get("lines"):  # the guests its write had no room for follow the trip's line now
        line = _profile(ctx.store, org).entity(booking.entity)
        left = follow_line(ctx.store, org, booking_id, line.waiver) if line else 0
    queued = 0
    if booking.revision == revision:
        profile = _profile(ctx.store, org)
        entity, asset = profile.place(None, booking.asset)  # by its boat: its line may have changed since
        event = get_event(ctx.store, org, booking.event_id)
        at, was_end = (marker.data.get(k) for k in ("at", "was_end"))  # absent in markers of earlier versions
        messages = booking_messages(
            ctx, profile, entity, asset, booking, event, list_guests(ctx.store, org, booking_id),
            IntakeResult(marker.data["result"]), was_end=datetime.fromisoformat(was_end) if was_end else None,
            at=datetime.fromisoformat(at) if at else booking.updated_at,
            quiet=frozenset(marker.data.get("quiet", ())), off_trip=marker.data.get("off_trip") or {},
            unheard=frozenset(marker.data.get("unheard", ())), busy=not_asked(ctx.store, org, booking_id),
        )  # fmt: skip
        queued = enqueue(ctx.store, org, messages, ctx.clock.now())
        _withdraw(ctx, booking, [m.idempotency_key for m in messages])
    if left:  # guests changing as it wrote: the marker stays, so the next run follows the rest
        log.warning("bookings.lines_unfollowed", org=org, booking=booking_id, marker=marker.sk, guests=left)
        return queued
    ctx.store.transact([Delete(pk, marker.sk, VersionIs(marker.version))])
    return queued


def complete_fanouts(ctx: Context) -> int:
    """Finish every fan-out a stopped process left half done; returns the notices queued."""
    return sum(
        complete_fanout(ctx, *_marker_key(item.gsi1sk or ""))
        for item in ctx.store.query_index(FANOUT_INDEX, limit=100).items
    )


def _marker_key(gsi1sk: str) -> tuple[str, str, int]:
    org, booking_id, revision = gsi1sk.rsplit("#", 2)
    return org, booking_id, int(revision)


def _calendar_entry(booking: Booking, event: CrewEvent, asset: Asset, now: datetime) -> CalendarEntry:
    request = booking.request
    crew_lines = [f"Guests: {request.guest_count}", f"Boat: {asset.name}"]
    if request.notes:
        crew_lines.append(f"Notes: {request.notes}")
    return CalendarEntry(
        uid=f"{booking.id}@firstmate",
        org=booking.org,
        entity=booking.entity,
        asset=booking.asset,
        booking_id=booking.id,
        event_id=event.id,
        title=f"{asset.name.split(' (')[0]}: {request.lead_guest.name} ({plural(request.guest_count, 'guest')})",
        start=request.start,
        end=request.end,
        location=asset.meeting_point or "",
        crew_description="\n".join(crew_lines),
        money_summary=f"Gross {request.gross} via {request.source} ({request.external_id})",
        cancelled=booking.cancelled,
        updated_at=now,
        channel=request.source,
        reference=request.external_id,
    )


def _seen_now(booking: Booking) -> str:
    """What the intake remembers of this revision, to know it again when it comes late."""
    return seen_fingerprint(booking.request, booking.entity, booking.asset)


def _seen(anchor: Item | None) -> list[str]:
    return [str(f) for f in anchor.data.get("seen", [])] if anchor else []


def _numbers(anchor: Item | None) -> dict[IntakePath, int]:
    """The highest revision number each intake path has given the booking (`newest_by_path`)."""
    return newest_by_path(anchor.data.get("sequences"), anchor.data.get("sequence")) if anchor else {}


def _kept(anchor: Item) -> dict[str, Any]:
    """The anchor's data but for the one number kept for every path before they were kept by path
    (`_numbers` reads it into `sequences`, which the anchor keeps from then on)."""
    return {k: v for k, v in anchor.data.items() if k != "sequence"}


def _anchor_data(
    booking_id: str,
    seen: list[str],
    request: BookingRequest,
    numbers: Mapping[IntakePath, int],
    bodies: Mapping[str, Any],
) -> dict[str, Any]:
    """What the intake keeps of a booking's channel id: the booking, its revisions' bodies (`seen`), the
    last body each intake path sent (`bodies`) and, for each intake path that numbered them, the highest number."""
    data: dict[str, Any] = {"booking_id": booking_id, "seen": seen, "bodies": dict(bodies)}
    if kept := with_newest(numbers, request):
        data["sequences"] = kept
    return data


def _note_newest(ctx: Context, request: BookingRequest, anchor: Item, placed: tuple[str, str] | None) -> None:
    """Raise the highest revision number kept for the request's intake path, when an unchanged body
    comes with a higher one: a revision numbered between the two is older news. Unless it was older news
    (`placed` None), keep it as its path's last word, changing nothing else (`merge_revision`), and know it
    again when it comes late. Raises ConditionFailed when the booking's intake changed since `anchor` was
    read: "unchanged" may no longer be so."""
    numbers = _numbers(anchor)
    kept = with_newest(numbers, request)
    data = {**_kept(anchor), "sequences": kept} if kept != {str(p): n for p, n in numbers.items()} else {}
    if placed is not None:
        if (bodies := _bodies_with(anchor, request)) != anchor.data.get("bodies"):
            data["bodies"] = bodies
        if not is_stale(request, _seen(anchor), placed=placed):
            data["seen"] = [*_seen(anchor), said_fingerprint(request, *placed)][-MAX_REMEMBERED:]
    if data:
        ctx.store.transact([Put(Item(anchor.pk, anchor.sk, {**_kept(anchor), **data}), VersionIs(anchor.version))])


def _heard(revision: str, body: BookingRequest, placed: tuple[str, str]) -> list[str]:
    """What the intake remembers of a revision (`_seen_now`) and of the body its path sent, as that path's
    alone when it differs (`said_fingerprint`): to know either again when it comes late."""
    return [revision] if revision == seen_fingerprint(body, *placed) else [revision, said_fingerprint(body, *placed)]


def last_said(anchor: Item, path: IntakePath) -> BookingRequest | None:
    """The body intake `path` last sent of the booking `anchor` holds (`Item` of `intake_pk`); None when it
    has not spoken of it (or only before these were kept, 2026-12-06)."""
    body = (anchor.data.get("bodies") or {}).get(str(path))
    return BookingRequest.model_validate(body, context=STORED) if body else None


def _bodies_with(anchor: Item | None, request: BookingRequest) -> dict[str, Any]:
    """The last body each intake path sent (`last_said`), `request`'s path's now `request`."""
    bodies = dict(anchor.data.get("bodies") or {}) if anchor else {}
    bodies[str(request.numbered_by)] = request.model_dump(mode="json", exclude={"sequence"})
    return bodies


def _intake_sk(request: BookingRequest) -> str:
    return f"{request.source}#{request.external_id}"


def _profile(store: Store, org: str) -> BusinessProfile:
    profile = load_business(store, org)
    if profile is None:
        raise NotFound(f"no org {org!r}")
    return profile


def _booking_of(store: Store, org: str, anchor: Item | None) -> Booking | None:
    """The booking the intake `anchor` holds: None for none, or for a cancellation that came before its booking."""
    booking_id = anchor.data.get("booking_id") if anchor else None
    return _booking(store, org, str(booking_id)) if booking_id else None


def _booking(store: Store, org: str, booking_id: str) -> Booking | None:
    item = store.get(booking_pk(org, booking_id), "BOOKING")
    return Booking.model_validate(item.data, context=STORED) if item else None
