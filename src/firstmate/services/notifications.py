"""The messages a booking change causes, as outbox writes for the booking's own transaction.

Keys are `bk:<booking>:r<revision>:<audience>[:<who>]`: a replay of the same revision queues
nothing new; a new revision (a change, a cancellation) tells the people concerned once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from firstmate.domain.bookings import Booking, IntakeResult
from firstmate.domain.business import Asset, BusinessProfile, Entity
from firstmate.domain.calendar import CalendarEntry, EntryKind
from firstmate.domain.codes import pretty_code
from firstmate.domain.crew import CrewEvent
from firstmate.domain.guests import Guest, resign_note, waiver_version
from firstmate.domain.mail import LaterWording, OutgoingMessage, SignInLink
from firstmate.domain.people import Person
from firstmate.domain.photos import album_closes_at
from firstmate.domain.roster import Clash, departed, role_label, role_on
from firstmate.domain.timing import span, when
from firstmate.domain.views import crew_trip_view, guest_trip_view
from firstmate.ports import Put
from firstmate.services.access import NOTIFICATION_LINK_TTL
from firstmate.services.context import Context
from firstmate.services.messages import templated
from firstmate.services.outbox import enqueue_write
from firstmate.services.people import crew_for_roles, list_people

#: The audiences a change may leave untold (`quiet_audiences`); OTHER_GUESTS: the guests but the lead
#: (told alone when the change gave the lead a new address and shows the others nothing new).
CREW, GUESTS, OTHER_GUESTS = "crew", "guests", "other-guests"
#: The audiences a change may be the first word of its trip to (`booking_messages`' `unheard`), beside
#: CREW and GUESTS: the operations manager, and the lead guest at a new address.
OPS, LEAD = "ops", "lead"
#: The audiences a trip nobody was told of yet is news to (LEAD aside: a lead's new address is news to the
#: change that gave it alone).
EVERYONE = frozenset({OPS, CREW, GUESTS})

_VERB = {
    IntakeResult.CREATED: "New",
    IntakeResult.UPDATED: "Changed",
    IntakeResult.CANCELLED: "Cancelled",
}


def booking_notifications(
    ctx: Context,
    profile: BusinessProfile,
    entity: Entity,
    asset: Asset,
    booking: Booking,
    event: CrewEvent,
    guests: list[Guest],
    result: IntakeResult,
    *,
    was_end: datetime | None = None,
    clashes: Sequence[Clash] = (),
    off_trip: Mapping[str, str] | None = None,
    quiet: frozenset[str] = frozenset(),
    unheard: frozenset[str] = frozenset(),
    busy: frozenset[str] = frozenset(),
) -> list[Put]:
    """Outbox writes for the ops manager, the crew concerned and the guests, for this revision
    (`was_end`: when the trip ended before it, for a change). The ops manager's message also names
    what they must sort out: `clashes`, its crew's roles on trips it now overlaps. `off_trip`: who
    lost their role in this change (person id: role), told so, as is the ops manager. `quiet`: the
    audiences ("crew", "guests") the change shows nothing new (see `quiet_audiences`). `unheard`: the
    audiences (OPS, CREW, GUESTS, LEAD) that heard nothing of the trip before this change. `busy`: who holds
    a role on another trip at its time, not asked to crew it."""
    now = ctx.clock.now()
    messages = booking_messages(
        ctx, profile, entity, asset, booking, event, guests, result,
        was_end=was_end, at=now, clashes=clashes, off_trip=off_trip, quiet=quiet, unheard=unheard, busy=busy,
    )  # fmt: skip
    return [enqueue_write(profile.org.id, m, now) for m in messages]


def booking_messages(
    ctx: Context,
    profile: BusinessProfile,
    entity: Entity,
    asset: Asset,
    booking: Booking,
    event: CrewEvent,
    guests: list[Guest],
    result: IntakeResult,
    *,
    was_end: datetime | None = None,
    at: datetime | None = None,
    clashes: Sequence[Clash] = (),
    off_trip: Mapping[str, str] | None = None,
    quiet: frozenset[str] = frozenset(),
    unheard: frozenset[str] = frozenset(),
    busy: frozenset[str] = frozenset(),
) -> list[OutgoingMessage]:
    """The messages one revision causes (the same keys every time they are built), as of `at` (the
    revision's time; default now). A trip already over (and, for a change, over before it too: a trip
    moved into the past tells those expecting it) tells its crew nothing; once its album has closed,
    nobody: history imported late would otherwise send "Crew needed" for a trip months gone. A change
    is news to the `unheard` (OPS, CREW, GUESTS, LEAD: the lead at a new address): "Crew needed", "You're
    booked", as a new booking's words; "Trip changed" told them of a change to what they never saw. A
    cancellation tells the crew, or the guests, nothing when they are `unheard` (a file that books the trip
    and cancels it): the operations manager alone hears, as of a booking cancelled before firstmate heard of it. Those
    `busy` on another trip at its time are not asked to crew it (their trip page offers them no role on it). A guest
    `unheard` names ("guest:<g>": their invitation held by an outage, withdrawn by this change) gets their
    invitation, with the trip as it is now, instead of "Your trip has changed" (`invitation`)."""
    at = at or ctx.clock.now()
    last_end = max(booking.request.end, was_end or booking.request.end)
    closes = album_closes(ctx, last_end, profile.org.timezone)
    if closes <= at:
        return []
    # each message is of use as long as its news is: for crew, until the trip (as it was, or is) is
    # over; for the others, until its album closes. Unsent by then (a relay outage), it goes dead.
    lost = dict(off_trip or {})
    off = [p for p in list_people(ctx.store, profile.org.id) if p.id in lost] if lost else []
    told_off = [p for p in off if p.active]  # the operations manager hears of everyone taken off
    off_lines = [f"{p.name} was {lost[p.id].replace('_', ' ')}; {asset.name} has no such role" for p in off]
    messages = [
        _ops_message(
            ctx, profile, entity, asset, booking, _news(result, unheard, OPS), _clash_lines(profile, clashes),
            until=closes,
            listed=len(guests), off_lines=off_lines,
        )
    ]  # fmt: skip
    if booking.cancelled_on_arrival:
        return messages  # cancelled before firstmate heard of it: nobody was told of it, so nobody hears it is off
    # a cancellation is no news to whom heard nothing of the trip (a file that books it and cancels it)
    unaware = unheard & {CREW, GUESTS} if booking.cancelled else frozenset()
    crew_result = _news(result, unheard, CREW)
    told = last_end > at and CREW not in quiet and CREW not in unaware
    crew = _crew_recipients(ctx, profile.org.id, event, crew_result, busy, at) if told else []
    crew = [p for p in crew if p.id not in lost]  # told they are off it instead (one message a revision each)
    if told_off and last_end > at:  # those taken off first: in the change's own write, however large its group
        trip = crew_trip_view(event, profile.org, entity, asset)
        messages += [
            _crew_message(ctx, profile, entity, asset, booking, trip, p, result, None, last_end, off_role=lost[p.id])
            for p in told_off
        ]
    if crew:
        trip = crew_trip_view(event, profile.org, entity, asset)  # the same for every crew member
        theirs = _clashes_by_person(profile, clashes)
        held = {slot.person_id: slot.role for slot in event.roles if slot.person_id}
        messages += [
            _crew_message(
                ctx, profile, entity, asset, booking, trip, person, crew_result, theirs.get(person.id), last_end,
                own_role=held.get(person.id, ""),
            )
            for person in crew
        ]  # fmt: skip
    guest_result = _news(result, unheard, GUESTS)
    # a guest whose invitation an outage held (withdrawn by this change: `outbox.superseded`) heard nothing of the
    # trip: "Your trip has changed" told them of a trip they never heard of; their invitation, as the trip is now
    # nor is it news to a guest whose held invitation it withdrew (`guest:<g>` in `unheard`): they never heard of it
    unaware |= {a for a in unheard if a.startswith("guest:")} if booking.cancelled else frozenset()
    untold = {
        g.id
        for g in guests
        if GUESTS in quiet | unaware or f"guest:{g.id}" in unaware or (OTHER_GUESTS in quiet and not g.lead)
    }
    addressed = [g for g in guests if g.email and (g.lead or guest_result is not IntakeResult.CREATED)]
    if addressed := [g for g in addressed if g.id not in untold]:
        trip = guest_trip_view(event, profile.org, entity, asset)
        messages += [
            invitation(ctx, profile, entity, booking, guest, key=_key(booking, f"guest:{guest.id}"))
            if not guest.lead and guest_result is IntakeResult.UPDATED and f"guest:{guest.id}" in unheard
            else _guest_message(
                ctx, profile, entity, booking, trip, guest,
                _news(guest_result, unheard, LEAD) if guest.lead else guest_result, until=closes,
            )
            for guest in addressed
        ]  # fmt: skip
    return messages


def invitation(
    ctx: Context, profile: BusinessProfile, entity: Entity, booking: Booking, guest: Guest, *, key: str
) -> OutgoingMessage:
    """A guest's invitation, worded for when it goes out (`LaterWording`): before departure it asks them to sign
    before the boat leaves; held back by a relay outage until the boat had left, it asks them to say so if they
    are aboard, and sign; until the trip is over, it offers the album. Of use until the album closes: dropped at
    departure, a guest whose invitation an outage held never got their page, nor the album. A move of the trip
    withdraws it (`outbox.superseded`) and invites them again, as the trip is now, under the move's key (`key`),
    so the moments it is worded by are the trip's own while it waits."""
    assert guest.email is not None and guest.code is not None
    lead, zone = booking.request.lead_guest.name, profile.org.timezone
    departure = when(booking.request.start, zone)
    closes = album_closes_at(booking.request.end, ctx.settings.album_closes_after_days, zone)
    context = {
        "guest": guest,
        "lead": lead,
        "entity": entity,
        "departure": departure,
        "album_until": when(closes, zone),
        "link": f"{ctx.settings.base_url}/g/{guest.code}",
        "code": pretty_code(guest.code),
        "colour": entity.primary_colour,
    }
    subjects = {
        "before": f"{lead} invited you aboard: {departure}",
        "left": f"{lead} added you to your trip with {entity.name}: {departure}",
        "over": f"{lead} added you to your trip with {entity.name}: its photo album",
    }
    worded = {
        phase: templated(
            ctx, key=key, to=guest.email, subject=subject,
            template="guest_invite", context={**context, "phase": phase}, reply_to=profile.org.ops_email,
            stale_after=closes,
        )
        for phase, subject in subjects.items()
    }  # fmt: skip
    later = tuple(
        LaterWording(since=since, subject=worded[phase].subject, text=worded[phase].text, html=worded[phase].html)
        for phase, since in (("left", booking.request.start), ("over", booking.request.end))
    )
    return worded["before"].model_copy(update={"later": later})


def crew_needed_message(
    ctx: Context, profile: BusinessProfile, booking: Booking, event: CrewEvent, person: Person
) -> OutgoingMessage | None:
    """The "Crew needed" of `booking`'s trip as it is now, to `person` alone, keyed as its revision's crew
    message to them (`bk:<booking>:r<revision>:crew:<person>`): for someone not asked when it was booked (on
    another trip then) and free since (`crew_freed`). None when its line or boat is no longer the business's."""
    entity, asset = profile.entity(event.entity), profile.asset(event.asset)
    if entity is None or asset is None:
        return None
    trip = crew_trip_view(event, profile.org, entity, asset)
    return _crew_message(
        ctx, profile, entity, asset, booking, trip, person, IntakeResult.CREATED, None, booking.request.end
    )


def crew_needed_list_message(
    ctx: Context,
    profile: BusinessProfile,
    person: Person,
    trips: Sequence[tuple[Booking, CrewEvent]],
    *,
    key: str,
) -> OutgoingMessage | None:
    """One "Crew needed on 14 trips" to `person`, keyed `key`, in place of each trip's own (`crew_freed`: someone an
    org import made crew, asked about more trips than one mail each suits): each trip to come, as it is now, with
    its local times, its boat and the open roles they may take, and a link to it in the crew app; never money. One
    sign-in link (a message carries one, and a link works once), 72 hours, opening their trip list, which lists
    each; signed in, each trip's link opens it. None when no trip has a role open to them any more."""
    listed = []
    for booking, event in sorted(trips, key=lambda trip: (trip[1].start, trip[1].id)):
        entity, asset = profile.entity(event.entity), profile.asset(event.asset)
        if entity is None or asset is None:
            continue  # its line or boat is no longer the business's
        trip = crew_trip_view(event, profile.org, entity, asset)
        roles = [role_label(r) for r in dict.fromkeys(trip["open_roles"]) if person.may_take(r)]
        if roles:
            link = f"{ctx.settings.base_url}/crew/events/{event.id}"
            listed.append({**trip, "open_to_them": roles, "link": link, "until": booking.request.end})
    if not listed:
        return None
    ttl = int(NOTIFICATION_LINK_TTL.total_seconds())
    sign_in = SignInLink(org=profile.org.id, person_id=person.id, purpose="login", valid_for_s=ttl)
    subject = f"Crew needed on {len(listed)} trip{'' if len(listed) == 1 else 's'}"
    context = {
        "person": person,
        "business": profile.org.name,
        "trips": listed,
        "link": f"{ctx.settings.base_url}/crew/enter?t={sign_in.slot}",
        "colour": "#0b3d5c",
    }
    return templated(
        ctx, key=key, to=person.email, subject=subject, template="crew_needed_list", context=context,
        stale_after=max(t["until"] for t in listed), sign_in=sign_in,  # of use until the last of them is over
    )  # fmt: skip


def still_unheard(
    ctx: Context,
    profile: BusinessProfile,
    booking: Booking,
    unheard: frozenset[str],
    *,
    was_end: datetime | None = None,
    at: datetime,
) -> frozenset[str]:
    """Of `unheard` (OPS, CREW, GUESTS), who still has heard nothing of the trip once `booking`'s revision has
    been told at `at` (`booking_messages`, whose rules these are): the crew while the trip, as it was and as it
    is, is over; everyone once its album has closed. A trip recorded as over, changed while still over, then
    moved ahead is news to its crew: "Trip changed" told them of a change to what they never saw."""
    last_end = max(booking.request.end, was_end or booking.request.end)
    if album_closes(ctx, last_end, profile.org.timezone) <= at:
        return unheard
    return unheard - {OPS, GUESTS} - ({CREW} if last_end > at else set())


def _news(result: IntakeResult, unheard: frozenset[str], audience: str) -> IntakeResult:
    """What a revision is to `audience`: a change is a new booking to one that heard nothing of the trip."""
    return IntakeResult.CREATED if result is IntakeResult.UPDATED and audience in unheard else result


def quiet_audiences(profile: BusinessProfile, before: CrewEvent, after: CrewEvent) -> frozenset[str]:
    """The audiences a change of a trip shows nothing new: CREW when the trip as crew see it is the
    same, GUESTS when the trip as guests see it is (a price or the private notes edited). "Your trip
    has changed" showing no change only puzzles its reader; the operations manager always hears."""
    was_entity, was_asset = profile.entity(before.entity), profile.asset(before.asset)
    entity, asset = profile.entity(after.entity), profile.asset(after.asset)
    if was_entity is None or was_asset is None or entity is None or asset is None:
        return frozenset()
    org, quiet = profile.org, set()
    if crew_trip_view(before, org, was_entity, was_asset) == crew_trip_view(after, org, entity, asset):
        quiet.add(CREW)
    if guest_trip_view(before, org, was_entity, was_asset) == guest_trip_view(after, org, entity, asset):
        quiet.add(GUESTS)
    return frozenset(quiet)


def guest_page_url(ctx: Context, booking: Booking) -> str:
    """The guest page of a booking."""
    return f"{ctx.settings.base_url}/g/{booking.guest_code}"


def _code_of(guest: Guest, booking: Booking) -> str:
    """Each guest's own page: the lead's is the booking's code; the others have their own."""
    return guest.code if guest.code and not guest.lead else booking.guest_code


def _crew_recipients(
    ctx: Context, org: str, event: CrewEvent, result: IntakeResult, busy: frozenset[str], at: datetime
) -> list[Person]:
    holders = {slot.person_id for slot in event.roles if slot.person_id}
    # a trip already under way takes no claim ("this trip has left"): nobody is asked to crew it, an admin
    # puts in who is aboard (a channel's booking reaching firstmate after departure asked everyone)
    if (holders and result is not IntakeResult.CREATED) or (result is IntakeResult.CREATED and departed(event, at)):
        # someone taken off the crew (inactive) hears no more: their link would open nothing
        return [p for p in list_people(ctx.store, org) if p.id in holders and p.active]
    # "Crew needed" is for those who could take a role: not one on another trip at its time
    return [p for p in crew_for_roles(ctx.store, org, tuple(slot.role for slot in event.roles)) if p.id not in busy]


def double_booking_lines(
    profile: BusinessProfile, entries: Sequence[CalendarEntry], *, titled: bool = True
) -> list[str]:
    """Each entry holding a boat, in words: "Sea Lark (38 ft sloop) is also booked Sat 13 Jun 2026,
    16:00 PDT to 19:00: “Sea Lark: Dana Whitcomb (6 guests)”" (without `titled`, up to the title)."""
    zone = profile.org.timezone
    lines = []
    for entry in entries:
        boat = profile.asset(entry.asset) if entry.asset else None
        name = boat.name if boat else "every boat"
        line = f"{name} is also {_held(entry)} {span(entry.start, entry.end, zone)}"
        lines.append(f"{line}: “{entry.title}”" if titled else line)
    return lines


def double_booking_message(
    ctx: Context, profile: BusinessProfile, one: CalendarEntry, other: CalendarEntry
) -> OutgoingMessage:
    """The operations manager's message about one boat held twice at once: one per pair of entries
    and their overlap, however many times either is written or checked (its key names both), of use
    until their overlap is over."""
    first, second = sorted((one, other), key=lambda e: (e.start, e.uid))
    trip = one if one.kind is EntryKind.BOOKING else other
    boat = profile.asset(trip.asset)
    zone = profile.org.timezone
    entries = [{"held": _held(e), "span": span(e.start, e.end, zone), "title": e.title, "sent_by": _sent_by(e, zone)}
               for e in (first, second)]  # fmt: skip
    name = boat.name if boat else trip.asset
    subject = f"Double booked! {name}, {when(second.start, zone)}"  # when the clash begins
    # the pair, their overlap and their moves: a clash sorted out and made again is told of again,
    # even at the same times (entries stored before `placed` was kept key as they did)
    overlap = f"{int(second.start.timestamp())}-{int(min(one.end, other.end).timestamp())}"
    a, b = sorted((one, other), key=lambda e: e.uid)
    moves = f":p{a.placed}-{b.placed}" if a.placed or b.placed else ""
    key = f"clash:{a.uid}:{b.uid}:{overlap}{moves}"
    return templated(
        ctx, key=key, to=profile.org.ops_email, subject=subject, template="double_booked",
        context={"boat": name, "entries": entries, "colour": "#a4161a"},
        # a request's hold lapsing unanswered ends the clash as surely as the trips' end
        stale_after=min([one.end, other.end, *(e.held_until for e in (one, other) if e.held_until)]),
    )  # fmt: skip


def _held(entry: CalendarEntry) -> str:
    return "blocked" if entry.kind is EntryKind.BLOCKED else "booked"


def _sent_by(entry: CalendarEntry, zone: str) -> str:
    """Where to cancel or move it: the channel, and its reference of a booking or a request ("" when not kept);
    of a request's hold, until when it holds the boat unanswered."""
    if not entry.channel:
        return ""
    sent_by = f"{entry.channel}, {entry.reference}" if entry.reference else entry.channel
    if entry.held_until is None:
        return sent_by
    return f"{sent_by}; a request, held until {when(entry.held_until, zone)} unless answered"


def _clashes_by_person(profile: BusinessProfile, clashes: Sequence[Clash]) -> dict[str, str]:
    """For each holder with a role on an overlapping trip: that role, in words, as the trip page says it."""
    zone = profile.org.timezone
    return {here.person_id: role_on(there, other, zone) for here, other, there in clashes if here.person_id}


def _clash_lines(profile: BusinessProfile, clashes: Sequence[Clash]) -> list[str]:
    zone = profile.org.timezone
    return [f"{here.first_name} is also {role_on(there, other, zone)}" for here, other, there in clashes]


def album_closes(ctx: Context, trip_end: datetime, zone: str) -> datetime:
    """When the album of a trip ending at `trip_end` closes (by the clocks of `zone`, the business's):
    after that, nobody hears of it any more."""
    return album_closes_at(trip_end, ctx.settings.album_closes_after_days, zone)


def _key(booking: Booking, audience: str) -> str:
    return f"bk:{booking.id}:r{booking.revision}:{audience}"


def _subject_when(booking: Booking, profile: BusinessProfile) -> str:
    return when(booking.request.start, profile.org.timezone)


def _ops_message(
    ctx: Context,
    profile: BusinessProfile,
    entity: Entity,
    asset: Asset,
    booking: Booking,
    result: IntakeResult,
    clashes: list[str],
    *,
    until: datetime,
    listed: int = 0,
    off_lines: Sequence[str] = (),
) -> OutgoingMessage:
    request = booking.request
    context: dict[str, Any] = {
        "clashes": clashes,
        "off_lines": off_lines,
        # a change lowered the count below the guest list: the crew count life jackets for the list
        "over_count": listed if listed > request.guest_count and not booking.cancelled else 0,
        "over_limit": None if booking.cancelled else asset.over_limit(request.guest_count),
        "verb": _VERB[result],
        "booking": booking,
        "request": request,
        "entity": entity,
        "asset": asset,
        "departure": when(request.start, profile.org.timezone),
        "return_at": when(request.end, profile.org.timezone),
        "gross": str(request.gross),
        "guest_page": guest_page_url(ctx, booking),
        "code": pretty_code(booking.guest_code),
        "colour": entity.primary_colour,
        "base_url": ctx.settings.base_url,
    }
    subject = f"{_VERB[result]} booking: {_subject_when(booking, profile)}, {asset.name} ({request.lead_guest.name})"
    return templated(
        ctx,
        key=_key(booking, "ops"),
        to=profile.org.ops_email,
        subject=subject,
        template="booking_ops",
        context=context,
        stale_after=until,
    )


def _crew_message(
    ctx: Context,
    profile: BusinessProfile,
    entity: Entity,
    asset: Asset,
    booking: Booking,
    trip: dict[str, Any],
    person: Person,
    result: IntakeResult,
    clash: str | None,
    until: datetime,
    *,
    off_role: str = "",
    own_role: str = "",
) -> OutgoingMessage:
    # signed as it is sent: after a relay outage the link still works for 72 hours from its arrival (a
    # cancelled trip's mail, and one to someone taken off it, shows no link, so it has none)
    sign_in = None
    if not trip["cancelled"] and not off_role:
        ttl = int(NOTIFICATION_LINK_TTL.total_seconds())
        sign_in = SignInLink(
            org=profile.org.id, person_id=person.id, purpose=f"event:{trip['event_id']}", valid_for_s=ttl
        )
    link = f"{ctx.settings.base_url}/crew/enter?t={sign_in.slot}" if sign_in else ""
    headline = {
        IntakeResult.CREATED: "Crew needed" if trip["open_roles"] else "New trip",
        IntakeResult.UPDATED: "Trip changed",
        IntakeResult.CANCELLED: "Trip cancelled",
    }[result]
    subject = f"{headline}: {trip['departure']}, {asset.name}"
    context = {
        "trip": trip,
        "person": person,
        "link": link,
        "headline": headline,
        "colour": entity.primary_colour,
        "clash": clash,
        "off_role": role_label(off_role),
        # their role and who else is aboard: the last word on a change, it stands for any roster notice
        # still waiting ("You're captain: 16:00"), which the change withdraws
        "own_role": role_label(own_role),
        "aboard": [f"{role_label(slot['role'])} {slot['first_name']}" for slot in trip["roles"] if slot["first_name"]],
    }
    key = _key(booking, f"crew:{person.id}" + (":off" if off_role else ""))  # an "off" one outlives a cancellation
    return templated(
        ctx, key=key, to=person.email, subject=subject, template="booking_crew", context=context, stale_after=until,
        sign_in=sign_in,
    )  # fmt: skip


def _guest_message(
    ctx: Context,
    profile: BusinessProfile,
    entity: Entity,
    booking: Booking,
    trip: dict[str, Any],
    guest: Guest,
    result: IntakeResult,
    *,
    until: datetime,
) -> OutgoingMessage:
    headline = {
        IntakeResult.CREATED: f"You're booked with {entity.name}",
        IntakeResult.UPDATED: "Your trip has changed",
        IntakeResult.CANCELLED: "Your trip is cancelled",
    }[result]
    subject = f"{headline}: {trip['departure']}"
    context = {
        "trip": trip,
        "guest": guest,
        "headline": headline,
        "link": f"{ctx.settings.base_url}/g/{_code_of(guest, booking)}",
        "code": pretty_code(_code_of(guest, booking)),
        "colour": entity.primary_colour,
        # signed a text the trip no longer asks for (another line's, or its line's before it changed): theirs to sign
        "resign": ""
        if result is IntakeResult.CANCELLED
        else resign_note(guest, entity.id, entity.name, waiver_version(entity.waiver)),
    }
    assert guest.email is not None
    return templated(
        ctx, key=_key(booking, f"guest:{guest.id}"), to=guest.email, subject=subject, template="booking_guest",
        context=context, reply_to=profile.org.ops_email, stale_after=until,
    )  # fmt: skip
