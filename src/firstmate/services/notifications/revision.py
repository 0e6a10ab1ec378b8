"""The messages a booking change causes, as outbox writes for the booking's own transaction.

Keys are `bk:<booking>:r<revision>:<audience>[:<who>]`: a replay of the same revision queues
nothing new; a new revision (a change, a cancellation) tells the people concerned once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from firstmate.domain.bookings import Booking, IntakeResult
from firstmate.domain.business import Asset, BusinessProfile, Entity
from firstmate.domain.crew import CrewEvent
from firstmate.domain.guests import Guest
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.people import Person
from firstmate.domain.roster import Clash, departed
from firstmate.domain.views import crew_trip_view, guest_trip_view
from firstmate.ports import Put
from firstmate.services.context import Context
from firstmate.services.notifications.audiences import CREW, GUESTS, LEAD, OPS, OTHER_GUESTS, album_closes
from firstmate.services.notifications.booking_mail import (
    clash_lines,
    clashes_by_person,
    crew_message,
    guest_message,
    ops_message,
    revision_key,
)
from firstmate.services.notifications.invitations import invitation
from firstmate.services.outbox import enqueue_write
from firstmate.services.people import crew_for_roles, list_people


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
    invitation, with the trip as it is now, instead of "Your trip has changed" (`invitation`). A crew member it names
    ("crew:<p>": only a "Crew needed on N trips" still waiting names the trip, followed by the change) gets no crew
    message of it: the list, withdrawn and listed anew, tells them."""
    at = at or ctx.clock.now()
    last_end = max(booking.request.end, was_end or booking.request.end)
    closes = album_closes(ctx, last_end, profile.org.timezone)
    if closes <= at:
        return []
    # each message is of use as long as its news is: for crew, until the trip (as it was, or is) is
    # over; for the others, until its album closes. Unsent by then (a relay outage), it goes dead.
    revision = _Revision(ctx, profile, entity, asset, booking, event, result, unheard, at, last_end, closes)
    lost = dict(off_trip or {})
    off = [p for p in list_people(ctx.store, profile.org.id) if p.id in lost] if lost else []
    off_lines = [f"{p.name} was {lost[p.id].replace('_', ' ')}; {asset.name} has no such role" for p in off]
    messages = [
        ops_message(
            ctx, profile, entity, asset, booking, _news(result, unheard, OPS), clash_lines(profile, clashes),
            until=closes,
            listed=len(guests), off_lines=off_lines,
        )
    ]  # fmt: skip
    if booking.cancelled_on_arrival:
        return messages  # cancelled before firstmate heard of it: nobody was told of it, so nobody hears it is off
    # a cancellation is no news to whom heard nothing of the trip (a file that books it and cancels it)
    unaware = unheard & {CREW, GUESTS} if booking.cancelled else frozenset()
    told = last_end > at and CREW not in quiet and CREW not in unaware
    messages += _crew_messages(revision, told=told, lost=lost, off=off, clashes=clashes, busy=busy)
    return messages + _guest_messages(revision, guests, quiet=quiet, unaware=unaware)


@dataclass(frozen=True)
class _Revision:
    """One revision of a booking as its messages are built: its trip, what it is, who heard nothing before it, as
    of when (`at`), and until when its news is of use (`last_end` for crew, `closes` for the others)."""

    ctx: Context
    profile: BusinessProfile
    entity: Entity
    asset: Asset
    booking: Booking
    event: CrewEvent
    result: IntakeResult
    unheard: frozenset[str]
    at: datetime
    last_end: datetime
    closes: datetime


def _crew_messages(
    revision: _Revision,
    *,
    told: bool,
    lost: Mapping[str, str],
    off: list[Person],
    clashes: Sequence[Clash],
    busy: frozenset[str],
) -> list[OutgoingMessage]:
    """The crew's messages: those taken off it (`lost`, `off`) first, then, when the crew are `told`, those who
    hold a role on it or are asked to take one."""
    ctx, profile, entity, asset, booking, event = (
        revision.ctx, revision.profile, revision.entity, revision.asset, revision.booking, revision.event
    )  # fmt: skip
    told_off = [p for p in off if p.active]  # the operations manager hears of everyone taken off
    crew_result = _news(revision.result, revision.unheard, CREW)
    crew = _crew_recipients(ctx, profile.org.id, event, crew_result, busy, revision.at) if told else []
    crew = [p for p in crew if p.id not in lost]  # told they are off it instead (one message a revision each)
    # nor is it news to whom only a list still waiting names the trip: that list, followed, tells them
    crew = [p for p in crew if f"crew:{p.id}" not in revision.unheard]
    messages: list[OutgoingMessage] = []
    # those taken off first: in the change's own write, however large its group
    if told_off and revision.last_end > revision.at:
        trip = crew_trip_view(event, profile.org, entity, asset)
        messages += [
            crew_message(
                ctx, profile, entity, asset, booking, trip, p, revision.result, None, revision.last_end,
                off_role=lost[p.id],
            )
            for p in told_off
        ]  # fmt: skip
    if crew:
        trip = crew_trip_view(event, profile.org, entity, asset)  # the same for every crew member
        theirs = clashes_by_person(profile, clashes)
        held = {slot.person_id: slot.role for slot in event.roles if slot.person_id}
        messages += [
            crew_message(
                ctx, profile, entity, asset, booking, trip, person, crew_result, theirs.get(person.id),
                revision.last_end, own_role=held.get(person.id, ""),
            )
            for person in crew
        ]  # fmt: skip
    return messages


def _guest_messages(
    revision: _Revision, guests: list[Guest], *, quiet: frozenset[str], unaware: frozenset[str]
) -> list[OutgoingMessage]:
    """The guests' messages: none to those the revision is no news to (`quiet`, `unaware`); the lead always
    hears (when they gave an email), the others of a change or a cancellation, not of a new booking."""
    ctx, profile, entity, booking, unheard = (
        revision.ctx, revision.profile, revision.entity, revision.booking, revision.unheard
    )  # fmt: skip
    guest_result = _news(revision.result, unheard, GUESTS)
    # nor is a cancellation news to a guest whose held invitation it withdrew (`guest:<g>` in `unheard`): they never
    # heard of the trip
    unaware |= {a for a in unheard if a.startswith("guest:")} if booking.cancelled else frozenset()
    untold = {
        g.id
        for g in guests
        if GUESTS in quiet | unaware or f"guest:{g.id}" in unaware or (OTHER_GUESTS in quiet and not g.lead)
    }
    addressed = [g for g in guests if g.email and (g.lead or guest_result is not IntakeResult.CREATED)]
    if not (addressed := [g for g in addressed if g.id not in untold]):
        return []
    trip = guest_trip_view(revision.event, profile.org, entity, revision.asset)
    # a guest whose invitation an outage held (withdrawn by this change: `outbox.superseded`) heard nothing of the
    # trip: "Your trip has changed" told them of a trip they never heard of; their invitation, as the trip is now
    return [
        invitation(ctx, profile, entity, booking, guest, key=revision_key(booking, f"guest:{guest.id}"))
        if not guest.lead and guest_result is IntakeResult.UPDATED and f"guest:{guest.id}" in unheard
        else guest_message(
            ctx, profile, entity, booking, trip, guest,
            _news(guest_result, unheard, LEAD) if guest.lead else guest_result, until=revision.closes,
        )
        for guest in addressed
    ]  # fmt: skip


def _news(result: IntakeResult, unheard: frozenset[str], audience: str) -> IntakeResult:
    """What a revision is to `audience`: a change is a new booking to one that heard nothing of the trip."""
    return IntakeResult.CREATED if result is IntakeResult.UPDATED and audience in unheard else result


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
