"""The waiting "Crew needed on N trips" a trip's change follows, in words (`lists_in_words`): what a dry run of a
cancellation says of each crew member's list, read from the very writes the cancellation would make."""

from __future__ import annotations

import re
from collections.abc import Sequence

from firstmate.domain import outbox as rules
from firstmate.domain.business import BusinessProfile
from firstmate.domain.outbox import OutboxEntry, OutboxStatus
from firstmate.domain.timing import when
from firstmate.errors import NotFound
from firstmate.ports import Put, Write
from firstmate.services.context import Context
from firstmate.services.outbox import from_item, outbox_pk
from firstmate.services.people import list_people
from firstmate.services.trips import get_event

#: Each trip a list names, by its link in the crew app (`crew_needed_list_message`).
_LISTED = re.compile(r"/crew/events/(ev_[A-Za-z0-9]+)")
#: Whose a list is (`crew-asked:<person>:…`) or a trip's own "Crew needed" (`bk:<booking>:r<n>:crew:<person>`).
_LIST_KEY = re.compile(r"crew-asked:([^:]+):")
_OWN_KEY = re.compile(r"bk:(bk_[A-Za-z0-9]+):r\d+:crew:([^:]+)$")


def lists_in_words(
    ctx: Context, profile: BusinessProfile, writes: Sequence[Write], *, verb: str = "would"
) -> list[str]:
    """Of `writes` (a change's, written or not), each person's waiting list it withdraws and what goes in its place,
    a line each, by name: "Priya Halyard's waiting "Crew needed on 4 trips" would offer 5 trips, adding Sun 13 Jun
    2027, 16:00 PDT on Morning Tern"; and the trips' own "Crew needed" it asks with no list of theirs withdrawn."""
    org = profile.org.id
    withdrawn: dict[str, list[OutboxEntry]] = {}
    queued: dict[str, list[OutboxEntry]] = {}
    for write in writes:
        if not isinstance(write, Put) or write.item.pk != outbox_pk(org):
            continue
        entry = from_item(write.item)
        person = _whose(entry.key)
        if person is None:
            continue
        if entry.status is OutboxStatus.PENDING:
            queued.setdefault(person, []).append(entry)
        elif (entry.last_error or "").startswith(rules.WITHDRAWN) and entry.key.startswith("crew-asked:"):
            withdrawn.setdefault(person, []).append(entry)
    names = {p.id: p.name for p in list_people(ctx.store, org)}
    trips: dict[str, str] = {}
    lines = []
    for person in sorted(withdrawn.keys() | queued.keys(), key=lambda p: (names.get(p, p), p)):
        name = names.get(person, person)
        asked = queued.get(person, [])
        for old in withdrawn.get(person, []):
            # one being sent is replaced only should its send fail
            which = "being sent, should its send fail," if old.status is OutboxStatus.SENDING else "waiting"
            said = _in_place(ctx, profile, old, asked, trips, verb)
            lines.append(f'{name}\'s "{old.message.subject}" {which} {said}' if which != "waiting" else
                         f'{name}\'s waiting "{old.message.subject}" {said}')  # fmt: skip
        if person not in withdrawn and asked:
            ids = [i for e in asked for i in _trips_of(e)]
            said = ", ".join(_trip(ctx, profile, i, trips) for i in ids)
            how = "the trip's own" if len(ids) == 1 else f"each trip's own ({len(ids)})"
            lines.append(f'{name} {verb} be asked by {how} "Crew needed": {said}')
    return lines


def _in_place(
    ctx: Context, profile: BusinessProfile, old: OutboxEntry, asked: Sequence[OutboxEntry], trips: dict[str, str],
    verb: str,
) -> str:  # fmt: skip
    """What goes in the place of `old`, a list withdrawn (`asked`: what the change queues its reader), and how its trips
    differ: "adding" a trip it offers anew, "without" one it drops."""
    was = _trips_of(old)
    lists = [e for e in asked if e.key.startswith("crew-asked:")]
    own = [e for e in asked if not e.key.startswith("crew-asked:")]
    now = [i for e in (lists or own) for i in _trips_of(e)]
    added = [_trip(ctx, profile, i, trips) for i in now if i not in was]
    dropped = [_trip(ctx, profile, i, trips) for i in was if i not in now]
    changed = [f"{how} {'; '.join(trips_)}" for how, trips_ in (("adding", added), ("without", dropped)) if trips_]
    if not now:
        return f"{verb} be withdrawn: no trip left to ask them about"
    if lists:
        how = f"{verb} offer {len(now)} trip{'' if len(now) == 1 else 's'}"
    else:
        how = f'{verb} go as each trip\'s own "Crew needed" ({len(now)})'
    return f"{how}, {', '.join(changed)}" if changed else how


def _whose(key: str) -> str | None:
    """The person a list's or a trip's own "Crew needed"'s key names; None for any other message."""
    found = _LIST_KEY.match(key) or _OWN_KEY.match(key)
    return found.group(found.lastindex or 1) if found else None


def _trips_of(entry: OutboxEntry) -> list[str]:
    """The trips (event ids) a list names, in its order, or the one a trip's own "Crew needed" asks about."""
    own = _OWN_KEY.match(entry.key)
    if own:
        return [f"ev_{own.group(1).removeprefix('bk_')}"]
    return list(dict.fromkeys(_LISTED.findall(entry.message.text)))


def _trip(ctx: Context, profile: BusinessProfile, event_id: str, known: dict[str, str]) -> str:
    """A trip as an operator reads it: "Sun 13 Jun 2027, 16:00 PDT on Morning Tern" (each read once)."""
    if event_id not in known:
        try:
            event = get_event(ctx.store, profile.org.id, event_id)
        except NotFound:
            known[event_id] = event_id
        else:
            boat = event.asset_name.split(" (", 1)[0]
            known[event_id] = f"{when(event.start, profile.org.timezone)} on {boat}"
    return known[event_id]
