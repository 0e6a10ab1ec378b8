"""Who a booking's change tells: who a cancellation would tell (a dry run), who a revision told, in words."""

from __future__ import annotations

from collections.abc import Sequence

from firstmate.domain.bookings import Booking, IntakeResult, cancellation_of, revise
from firstmate.domain.reports.format import plural
from firstmate.services.bookings.reads import booking_place, list_guests, org_profile
from firstmate.services.context import Context
from firstmate.services.crew_freed import listed_only
from firstmate.services.notifications import booking_messages
from firstmate.services.outbox import outbox_pk
from firstmate.services.paging import all_items
from firstmate.services.people import list_people
from firstmate.services.trips import get_event


def cancellation_told(ctx: Context, org: str, booking: Booking) -> list[str]:
    """Who `cancel_booking` would tell of `booking`'s cancellation, as of now, written nowhere (a dry run, a
    question asked first): the audiences of its messages ("ops", "crew:<person>", "guest:<guest>"), as
    `revision_told` reads them once it is done. Nobody for a booking already cancelled."""
    if booking.cancelled:
        return []
    profile = org_profile(ctx.store, org)
    entity, asset = booking_place(profile, cancellation_of(booking, sequence=None))
    now = ctx.clock.now()
    cancelled = revise(booking, cancellation_of(booking, sequence=None), now)
    event = get_event(ctx.store, org, booking.event_id)
    guests = list_guests(ctx.store, org, booking.id)
    listed = listed_only(ctx, org, booking.id, (event,))  # only a list still waiting names it: it leaves the list
    messages = booking_messages(
        ctx, profile, entity, asset, cancelled, event, guests, IntakeResult.CANCELLED, was_end=booking.request.end,
        at=now, unheard=listed,
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
