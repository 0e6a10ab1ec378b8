"""Who knows of a trip only through a "Crew needed on N trips" still waiting to go out (`listed_only`): to them a
change of the trip is news through that list alone (`followed.lists_followed` withdraws it and lists the trip anew,
as it is now, or leaves it off), never a "Trip changed" or "Trip cancelled" of a trip no mail of theirs named.

Each is the audience `crew:<person>` of a revision's `unheard` (`notifications.booking_messages`), as a guest whose
invitation is held is `guest:<g>`.

One whose list naming the trip is being sent may have heard of it, or may not (`listed_or_going`): the revision's
message to them is tied to that send (`outbox_told`), going only if the list went."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from firstmate.domain import outbox_told as told
from firstmate.domain.bookings import Booking
from firstmate.domain.crew import CrewEvent
from firstmate.domain.outbox import OutboxStatus, new_entry
from firstmate.ports import Item, Put, VersionIs, Write
from firstmate.services.context import Context
from firstmate.services.crew_freed.asking import roster_told
from firstmate.services.crew_freed.lists import ASKED_IN
from firstmate.services.notifications.booking_mail import revision_key
from firstmate.services.outbox import from_item, outbox_pk, to_item
from firstmate.services.paging import all_items
from firstmate.services.trips import booking_pk

#: Each trip a list names, by its link in the crew app (`crew_needed_list_message`).
_LISTED = re.compile(r"/crew/events/(ev_[A-Za-z0-9]+)")


def listed_only(
    ctx: Context, org: str, booking_id: str, events: Iterable[CrewEvent], *, beyond: Iterable[tuple[str, str]] = ()
) -> frozenset[str]:
    """The audiences (`crew:<person>`) of those a list asked about `booking_id`'s trip (`ASKED_IN`) who heard of it
    in no other way: no list naming it went (or is going) out to them, no crew message of the trip was queued to
    them (but one withdrawn, or waiting, for a list naming it not sent, `outbox_told`), they hold no role on it
    (`events`: the trip before and after the change) and were told of none. `beyond`: the (person, first list's key)
    whose lists the change follows only once it is written (`rest_followed`): one of those may go out meanwhile, so
    they are told as before."""
    found = _only_listed(ctx, org, booking_id, events, beyond)
    return frozenset(f"crew:{person_id}" for person_id, going in found.items() if going is None)


def listed_or_going(
    ctx: Context, org: str, booking_id: str, events: Iterable[CrewEvent], *, beyond: Iterable[tuple[str, str]] = ()
) -> tuple[frozenset[str], dict[str, Item]]:
    """`listed_only`, and those it would name but for a list naming the trip being sent (it may be going out now),
    with that list: their word of the trip's change goes only if it went (`tied_to_lists`)."""
    found = _only_listed(ctx, org, booking_id, events, beyond)
    going = {person_id: item for person_id, item in found.items() if item is not None}
    return frozenset(f"crew:{person_id}" for person_id in found.keys() - going.keys()), going


def tied_to_lists(
    org: str, booking: Booking, going: Mapping[str, Item], lists: Sequence[Write]
) -> tuple[list[Write], dict[str, datetime]]:
    """`lists` (the change's writes following waiting lists) with each list being sent in `going` (`listed_or_going`)
    marked to withdraw the revision's message to its reader if its send fails (`told.told_in_case`), written over the
    change's own write of it, if any, on its condition. With them, by the message's key, when that list's lease ends:
    the message waits until then, its send decided (`held_until`)."""
    written = {w.item.sk: at for at, w in enumerate(lists) if isinstance(w, Put) and w.item.pk == outbox_pk(org)}
    followed, due = list(lists), {}
    for person_id, item in going.items():
        key = revision_key(booking, f"crew:{person_id}")
        at = written.get(item.sk)
        if at is None:
            followed.append(Put(to_item(told.told_in_case(from_item(item), [key])), VersionIs(item.version)))
        else:
            put = followed[at]
            assert isinstance(put, Put)
            followed[at] = Put(to_item(told.told_in_case(from_item(put.item), [key])), put.condition)
        due[key] = from_item(item).due_at
    return followed, due


def held_until(org: str, notices: Sequence[Put], due: Mapping[str, datetime], now: datetime) -> list[Put]:
    """`notices` with those tied to a list's send (`tied_to_lists`) due once its lease ends, not before."""
    return [
        Put(to_item(new_entry(org, from_item(n.item).message, now, due=due[n.item.sk])), n.condition)
        if n.item.sk in due
        else n
        for n in notices
    ]


def _only_listed(
    ctx: Context, org: str, booking_id: str, events: Iterable[CrewEvent], beyond: Iterable[tuple[str, str]]
) -> dict[str, Item | None]:
    """Those a list asked about the trip who heard of it in no other way (`listed_only`), each with the list naming it
    being sent (None: none is)."""
    recorded = ctx.store.get(booking_pk(org, booking_id), ASKED_IN)
    if recorded is None:
        return {}
    events = list(events)
    heard = {s.person_id for e in events for s in e.roles if s.person_id} | {p for p, _ in beyond}
    for event in {e.id for e in events}:
        heard |= roster_told(ctx, org, event)
    # a crew message of the trip, whatever became of it: told as the rest of the crew are (judged by group)
    messages: dict[str, list[Item]] = {}
    for item in all_items(ctx.store, outbox_pk(org), f"bk:{booking_id}:r"):
        parts = item.sk.split(":")
        if len(parts) > 4 and parts[3] == "crew":
            messages.setdefault(parts[4], []).append(item)
    trips = {e.id for e in events}
    found: dict[str, Item | None] = {}
    for person_id, first in dict(recorded.data.get("people", {})).items():
        if person_id in heard:
            continue
        lists = [
            i for i in all_items(ctx.store, outbox_pk(org), first) if i.sk == first or i.sk.startswith(f"{first}:")
        ]
        tied = {key for i in lists for key in from_item(i).told_if_sent}
        # but one tied to a list's send that failed, or is not decided yet: it told them nothing, or may not
        if any(m.sk not in tied and not told.is_untold(from_item(m)) for m in messages.get(person_id, ())):
            continue
        went, going = _list_went(lists, trips)
        if not went:
            found[person_id] = going
    return found


def _of(key: str, first: str) -> bool:
    """Whether `key` is the first list's `first` or one queued in its place (not another import's)."""
    return key == first or key.startswith(f"{first}:")


def _list_went(lists: Sequence[Item], trips: set[str]) -> tuple[bool, Item | None]:
    """Whether one of `lists` (a first list and those queued in its place) naming one of `trips` went out to anyone of
    its recipients; if not, the one of them being sent now (None: none is)."""
    going = None
    for item in lists:
        entry = from_item(item)
        if not trips & set(_LISTED.findall(entry.message.text)):
            continue
        if entry.status is OutboxStatus.SENT or entry.sent_to:
            return True, None
        if entry.status is OutboxStatus.SENDING:
            going = going or item
    return False, going
