"""Who knows of a trip only through a "Crew needed on N trips" still waiting to go out (`listed_only`): to them a
change of the trip is news through that list alone (`followed.lists_followed` withdraws it and lists the trip anew,
as it is now, or leaves it off), never a "Trip changed" or "Trip cancelled" of a trip no mail of theirs named.

Each is the audience `crew:<person>` of a revision's `unheard` (`notifications.booking_messages`), as a guest whose
invitation is held is `guest:<g>`."""

from __future__ import annotations

import re
from collections.abc import Iterable

from firstmate.domain.crew import CrewEvent
from firstmate.domain.outbox import OutboxStatus
from firstmate.services.context import Context
from firstmate.services.crew_freed.asking import roster_told
from firstmate.services.crew_freed.lists import ASKED_IN
from firstmate.services.outbox import from_item, outbox_pk
from firstmate.services.paging import all_items
from firstmate.services.trips import booking_pk

#: Each trip a list names, by its link in the crew app (`crew_needed_list_message`).
_LISTED = re.compile(r"/crew/events/(ev_[A-Za-z0-9]+)")


def listed_only(
    ctx: Context, org: str, booking_id: str, events: Iterable[CrewEvent], *, beyond: Iterable[tuple[str, str]] = ()
) -> frozenset[str]:
    """The audiences (`crew:<person>`) of those a list asked about `booking_id`'s trip (`ASKED_IN`) who heard of it
    in no other way: no list naming it went (or is going) out to them, no crew message of the trip was queued to
    them, they hold no role on it (`events`: the trip before and after the change) and were told of none. `beyond`:
    the (person, first list's key) whose lists the change follows only once it is written (`rest_followed`): one
    of those may go out meanwhile, so they are told as before."""
    recorded = ctx.store.get(booking_pk(org, booking_id), ASKED_IN)
    if recorded is None:
        return frozenset()
    events = list(events)
    heard = {s.person_id for e in events for s in e.roles if s.person_id} | {p for p, _ in beyond}
    for event in {e.id for e in events}:
        heard |= roster_told(ctx, org, event)
    # a crew message of the trip, whatever became of it: told as the rest of the crew are (judged by group)
    for item in all_items(ctx.store, outbox_pk(org), f"bk:{booking_id}:r"):
        parts = item.sk.split(":")
        if len(parts) > 4 and parts[3] == "crew":
            heard.add(parts[4])
    trips = {e.id for e in events}
    return frozenset(
        f"crew:{person_id}"
        for person_id, first in dict(recorded.data.get("people", {})).items()
        if person_id not in heard and not _list_went(ctx, org, first, trips)
    )


def _list_went(ctx: Context, org: str, first: str, trips: set[str]) -> bool:
    """Whether a list under `first` (the first one and those queued in its place) naming one of `trips` went out, or
    may be going out now, to anyone of its recipients."""
    for item in all_items(ctx.store, outbox_pk(org), first):
        if item.sk != first and not item.sk.startswith(f"{first}:"):
            continue  # another import's
        entry = from_item(item)
        may_have_gone = entry.status in (OutboxStatus.SENT, OutboxStatus.SENDING) or bool(entry.sent_to)
        if may_have_gone and trips & set(_LISTED.findall(entry.message.text)):
            return True
    return False
