"""A trip's own "Crew needed" still waiting to go out (an outage held it) follows the trip's roster, as a "Crew needed
on N trips" does (`followed.lists_taken`): once the last role open to its reader is taken (by someone else's claim, a
designation, or their own), it is withdrawn in the roster change's own transaction (`asks_taken`); once a role given
up offers the trip to them again, the same mail waits once more, written as the trip is now (or, the booking changed
since, its revision's "Crew needed" is queued). One sent stands; one being sent is marked (`rules.withdrawal`): it
stands if it goes, and is withdrawn if its send fails, unless a role given up offers them the trip again meanwhile.

A mail still offering its reader a role is kept as it is, though it may name a role taken since: it asks them to crew
the trip, and its link opens the trip as it is then, offering what is open; rewriting every waiting "Crew needed" on
each claim would churn a mail per qualified crew member per claim for no news."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from firstmate.domain import outbox as rules
from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import CrewEvent
from firstmate.domain.outbox import OutboxEntry, OutboxStatus
from firstmate.domain.people import Person
from firstmate.domain.roster import role_label
from firstmate.domain.shared import STORED
from firstmate.domain.timing import when
from firstmate.ports import Item, Put, VersionIs, Write
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.crew_freed.asking import roster_told, still_listable, written_apart
from firstmate.services.crew_freed.reopened import offers
from firstmate.services.notifications import crew_needed_message
from firstmate.services.outbox import enqueue_write, from_item, outbox_pk, to_item
from firstmate.services.paging import all_items
from firstmate.services.people import person_key
from firstmate.services.trips import booking_pk, crew_busy_between

#: Why a "Crew needed" was withdrawn by someone else's claim: the one a role given up asks again.
TAKEN = "had its last role open to them taken before it went out"


def asks_taken(
    ctx: Context, org: str, before: CrewEvent, event: CrewEvent, now: datetime, *, room: int, by: str | None = None
) -> tuple[list[Write], list[str]]:
    """Writes, for the transaction of a roster change of a trip (`before` it, `event` after, made `by` someone), that
    withdraw the trip's own "Crew needed" still waiting to each person it no longer offers a role, and ask again
    those whose "Crew needed" such a change withdrew and a role given up offers it again: at most `room` writes, and
    the people left over for `rest_asks_taken` once the change is written."""
    writes: list[Write] = []
    found = _asks(ctx, org, before, event, now, by)
    for at, (_, theirs) in enumerate(found):
        if len(writes) + len(theirs) > room:
            return writes, [p for p, _ in found[at:]]
        writes += theirs
    return writes, []


def asks_reopened(
    ctx: Context, profile: BusinessProfile, booking: Booking, before: CrewEvent, event: CrewEvent, now: datetime
) -> tuple[list[Write], frozenset[str]]:
    """Writes, for the transaction of `booking`'s change (its trip `before` it and `event` after), asking again
    those whose "Crew needed" a claim withdrew (`asks_taken`) and to whom the change opens a role again (another
    boat, with a role they may take): as a role given up does, its revision's "Crew needed", once. With them, their
    audiences (`crew:<person>`) for the revision's `unheard`: it tells them nothing else ("Trip changed" told them of a
    trip they never heard of)."""
    found = _asks(ctx, profile.org.id, before, event, now, None, changed=booking)
    return [w for _, writes in found for w in writes], frozenset(f"crew:{person_id}" for person_id, _ in found)


def rest_asks_taken(
    ctx: Context,
    org: str,
    before: CrewEvent,
    event: CrewEvent,
    rest: Iterable[str],
    now: datetime,
    *,
    by: str | None = None,
) -> None:
    """Once a roster change is written, the "Crew needed" `asks_taken` had no room for follow it, each person's in a
    transaction of its own, read again: one the dispatcher claimed meanwhile goes as it is."""
    if not (left := frozenset(rest)):
        return
    written_apart(ctx, org, _asks(ctx, org, before, event, now, by, only=left), event="crew.ask_unfollowed")


@dataclass(frozen=True)
class Ask:
    """One crew message of the trip to one person (`bk:<booking>:r<revision>:crew:<person>`), as stored."""

    item: Item
    entry: OutboxEntry
    revision: int


def _asks(
    ctx: Context,
    org: str,
    before: CrewEvent,
    event: CrewEvent,
    now: datetime,
    by: str | None,
    only: frozenset[str] | None = None,
    *,
    changed: Booking | None = None,
) -> list[tuple[str, list[Write]]]:
    """Each person whose "Crew needed" of the trip the roster change withdraws or asks again, with its writes; for a
    booking's change (`changed`: the booking it leaves, not yet written), only those it asks again."""
    was, held = ({s.role for s in e.roles if s.person_id is None} for e in (before, event))
    if was == held:
        return []  # no role taken nor given up: every mail still offers what it did
    sent = crew_messages(ctx, org, event.booking_id)
    if only is not None:
        sent = {p: asks for p, asks in sent.items() if p in only}
    if not sent:
        return []
    profile = load_business(ctx.store, org)
    booking = changed
    if booking is None and (item := ctx.store.get(booking_pk(org, event.booking_id), "BOOKING")) is not None:
        booking = Booking.model_validate(item.data, context=STORED)
    if profile is None or booking is None:
        return []
    items = ctx.store.get_many([person_key(org, p) for p in sent])
    people = {p: Person.model_validate(i.data, context=STORED) for p, i in zip(sent, items, strict=True) if i}
    found: list[tuple[str, list[Write]]] = []
    for person_id, asks in sent.items():
        person = people.get(person_id)
        if person is None:
            continue  # no longer the business's
        if offers(profile, before, person) and not offers(profile, event, person):
            if changed is not None:
                continue  # the booking's change withdraws what it supersedes (`outbox.superseded`)
            why = _why(profile, event, person_id, by)
            # one being sent is marked: withdrawn if its send fails, standing if it goes (`rules.settle`)
            writes: list[Write] = [
                Put(to_item(withdrawn), VersionIs(a.item.version))
                for a in asks
                if a.entry.status in (OutboxStatus.PENDING, OutboxStatus.SENDING)
                and a.entry.message.subject.startswith("Crew needed")
                and (withdrawn := rules.withdrawal(a.entry, why, now)) is not None
            ]
        elif not offers(profile, before, person) and offers(profile, event, person):
            writes = _asked_again(ctx, profile, booking, before, event, person, asks, now)
        else:
            continue
        if writes:
            found.append((person_id, writes))
    return found


def crew_messages(ctx: Context, org: str, booking_id: str) -> dict[str, list[Ask]]:
    """The crew messages of the trip's revisions, by person (not those telling them they are off it)."""
    found: dict[str, list[Ask]] = {}
    for item in all_items(ctx.store, outbox_pk(org), f"bk:{booking_id}:r"):
        parts = item.sk.split(":")
        if len(parts) == 5 and parts[3] == "crew" and parts[2][1:].isdigit():
            found.setdefault(parts[4], []).append(Ask(item, from_item(item), int(parts[2][1:])))
    return found


def _why(profile: BusinessProfile, event: CrewEvent, person_id: str, by: str | None) -> str:
    """Why the roster change withdraws `person_id`'s "Crew needed" (`rules.withdraw` says "not sent: the trip …")."""
    at = when(event.start, profile.org.timezone)
    for slot in event.roles:
        if slot.person_id == person_id:
            how = "they took {} on it themselves" if person_id == by else "they were made {} on it"
            return f"{at} is theirs now: {how.format(role_label(slot.role))} before it went out"
    return f"{at} {TAKEN}"


def _asked_again(
    ctx: Context,
    profile: BusinessProfile,
    booking: Booking,
    before: CrewEvent,
    event: CrewEvent,
    person: Person,
    asks: Sequence[Ask],
    now: datetime,
) -> list[Write]:
    """The trip's "Crew needed" to `person` once more, a role given up offering it again, when a claim withdrew their
    last one before it went out and no other crew message of it is theirs: active, free at its time, never holding a
    role on it (who gave one up left it), the trip still to sail. The withdrawn one waits again, written as the trip
    is now; or, the booking changed since, its revision's is queued."""
    last = max(asks, key=lambda a: a.revision)
    entry = last.entry
    marked = _withdrawing(entry)  # while it was being sent: its send, failed or not, is recorded as any other's
    if not marked and (
        entry.status is not OutboxStatus.DEAD or entry.sent_to or not (entry.last_error or "").endswith(TAKEN)
    ):
        return []
    if any(a.entry.status is not OutboxStatus.DEAD or a.entry.sent_to for a in asks if a is not last or not marked):
        return []  # one went, or waits: they heard, or will
    org = profile.org.id
    if not person.active or any(s.person_id == person.id for s in before.roles):
        return []
    if person.id in crew_busy_between(ctx.store, org, event.start, event.end) | roster_told(ctx, org, event.id):
        return []
    if not still_listable(ctx, org, [booking.id], now, changed=(booking, event)):
        return []  # under way, over or cancelled
    if marked:
        return [Put(to_item(rules.kept_in_flight(entry, booking.request.end)), VersionIs(last.item.version))]
    message = crew_needed_message(ctx, profile, booking, event, person)
    if message is None:
        return []
    if message.idempotency_key != last.item.sk:
        return [enqueue_write(org, message, now)]
    waiting = rules.restore(entry.model_copy(update={"message": message}), booking.request.end, now)
    return [Put(to_item(waiting), VersionIs(last.item.version))]


def _withdrawing(entry: OutboxEntry) -> bool:
    """Whether `entry` is a "Crew needed" being sent that a claim marked withdrawn meanwhile (`rules.withdrawal`)."""
    return entry.status is OutboxStatus.SENDING and (entry.last_error or "").endswith(TAKEN)
