"""Who a booking's change tells: who a cancellation would tell and the crew lists it would change (a dry run), who a
revision told, in words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from firstmate.domain.bookings import Booking
from firstmate.domain.reports.format import plural
from firstmate.ports import Put
from firstmate.services.bookings.fanout import fanouts_unfinished, lines_unfinished
from firstmate.services.bookings.intake import cancellation_prepared
from firstmate.services.bookings.reads import list_guests, org_profile
from firstmate.services.context import Context
from firstmate.services.crew_freed import freed_previewed, lists_in_words, rest_previewed
from firstmate.services.outbox import outbox_pk, outdone_by
from firstmate.services.paging import all_items
from firstmate.services.people import list_people


@dataclass(frozen=True)
class CancelPreview:
    """What `cancel_booking` would do of a booking, decided now as it decides it, nothing written (a dry run): who it
    tells (`told`: audiences, as `revision_told` reads them once it is done), and the crew's waiting "Crew needed on N
    trips" it withdraws and what goes in their place, in words (`lists`: `lists_in_words`). Before it, the cancel
    finishes the send-out the booking's last change left half done (its process stopped): `finished`, the audiences
    of the messages that queues, and `withdrawn`, how many of them the cancellation then withdraws while they wait;
    `moved`, the guests ("guest:<guest>") it moves to the waiver of the trip's business line `line` (a move to
    another line's boat that had no room to move them all with it)."""

    told: list[str]
    lists: list[str]
    finished: list[str] = field(default_factory=list)
    withdrawn: int = 0
    line: str = ""
    moved: list[str] = field(default_factory=list)


def cancellation_preview(ctx: Context, org: str, booking: Booking, *, lists: bool = True) -> CancelPreview:
    """`CancelPreview` of `booking`: computed by the cancellation's own code (`prepare_change`), its lists followed
    beyond its transaction read as `rest_followed` reads them, the send-out it first finishes as
    `finish_booking_fanouts` would. Without `lists` (a question asked first), the crew's lists are not worked out.
    Nothing for a booking already cancelled."""
    prepared = cancellation_prepared(ctx, org, booking)
    if prepared is None:
        return CancelPreview([], [])
    unfinished = [m.idempotency_key for m in fanouts_unfinished(ctx, org, booking.id)]
    outdone = outdone_by(prepared.booking, [n.item.sk for n in prepared.notices], placed=prepared.entry.placed)
    line, moved = lines_unfinished(ctx, org, booking.id)
    told = [_audience(n.item.sk) for n in prepared.notices]
    first = [_audience(k) for k in unfinished], sum(map(outdone, unfinished)), line, [f"guest:{g}" for g in moved]
    if not lists:
        return CancelPreview(told, [], *first)
    profile = org_profile(ctx.store, org)
    rest = rest_previewed(
        ctx, profile, prepared.booking, prepared.before, prepared.event, prepared.lists_left, prepared.now
    )
    followed = [*prepared.lists, *rest]
    # and, once it is written, those it frees asked to crew the trips that left them out (one not already so above)
    queued = {w.item.sk for w in followed if isinstance(w, Put)}
    freed = [w for w in freed_previewed(ctx, profile, prepared.before, prepared.event) if isinstance(w, Put)]
    said = lists_in_words(ctx, profile, [*followed, *(w for w in freed if w.item.sk not in queued)])
    return CancelPreview(told, said, *first)


def revision_told(ctx: Context, org: str, booking: Booking) -> list[str]:
    """The audiences (as `cancellation_preview` has them) of the messages `booking`'s current revision queued."""
    prefix = f"bk:{booking.id}:r{booking.revision}:"
    return [_audience(item.sk) for item in all_items(ctx.store, outbox_pk(org), prefix)]


def told_in_words(ctx: Context, org: str, booking: Booking, audiences: Sequence[str]) -> str:
    """`audiences` (`cancellation_preview`'s) as people read them: "the operations manager, 2 crew (Jonah Reyes,
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
