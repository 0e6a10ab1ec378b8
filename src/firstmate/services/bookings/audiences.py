"""Who hears of a booking's change: who need not and to whom it is news (`change_audiences`), who had heard
nothing of the trip before it (`unheard_before`), an import's later row told as news (`fresh_news`), and what its
notices withdraw (`withdrawals`)."""

from __future__ import annotations

from datetime import datetime

from firstmate.domain.bookings import Booking, IntakeResult
from firstmate.domain.business import BusinessProfile
from firstmate.domain.calendar import CalendarEntry
from firstmate.domain.crew import CrewEvent
from firstmate.domain.guests import Guest, GuestStatus
from firstmate.domain.outbox import OutboxStatus
from firstmate.ports import Put, Store
from firstmate.services.context import Context
from firstmate.services.notifications import CREW, EVERYONE, GUESTS, LEAD, OTHER_GUESTS, quiet_audiences, still_unheard
from firstmate.services.outbox import from_item, outbox_pk, superseded, unheard_so_far
from firstmate.services.paging import all_items


def change_audiences(
    store: Store,
    profile: BusinessProfile,
    booking: Booking,
    before: CrewEvent,
    event: CrewEvent,
    guests: list[Guest],
    result: IntakeResult,
    unheard: frozenset[str],
    readdressed: bool,
) -> tuple[frozenset[str], frozenset[str]]:
    """Who the change need not tell (`quiet_audiences`) and who it is news to (`unheard`, with the lead at a new
    address and the guests no mail of the trip reached), none of whom is quiet."""
    unheard |= {LEAD} if readdressed else set()
    unheard |= _never_reached(store, profile.org.id, booking.id, guests)
    quiet = quiet_audiences(profile, before, event) if result is IntakeResult.UPDATED else frozenset()
    if readdressed and GUESTS in quiet:  # the lead at their new address hears of the trip; the others need not
        quiet = quiet - {GUESTS} | {OTHER_GUESTS}
    quiet -= unheard  # the trip is news to them, changed or not
    return quiet, unheard


def fresh_news(
    store: Store, org: str, existing: Booking, booking: Booking, before: CrewEvent, guests: list[Guest], now: datetime
) -> tuple[frozenset[str], list[Put]]:
    """Of an import's later row of a booking it created: who heard nothing yet (all they were given still waits)
    and hears of the trip as this revision leaves it, as news; and the operations manager's messages that wait,
    withdrawn in this same transaction when they are told so."""
    fresh, ops_waiting = unheard_so_far(store, org, existing, booking.revision, now)
    fresh -= {CREW} if any(slot.person_id for slot in before.roles) else set()  # a role taken: they heard
    fresh -= {GUESTS} if len(guests) > 1 else set()  # a guest added by the lead: they heard
    return fresh, ops_waiting


def withdrawals(
    store: Store,
    org: str,
    booking: Booking,
    guests: list[Guest],
    notices: list[Put],
    entry: CalendarEntry,
    now: datetime,
) -> list[Put]:
    """What the revision's `notices` supersede (`superseded`), withdrawn in its transaction."""
    told = [put.item.sk for put in notices]
    # a guest merged into the lead is told as the lead now: what still waits for them under their own id goes
    merged = [m for g in guests if g.lead for m in g.merged]
    told += [f"bk:{booking.id}:r{booking.revision}:guest:{m}" for m in merged]
    return superseded(store, org, booking, told, now, placed=entry.placed)


def unheard_before(ctx: Context, profile: BusinessProfile, booking: Booking) -> frozenset[str]:
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
