"""Withdrawing messages still waiting to go out (an outage held them) that later news supersedes, and
bringing back those the trip is again as they were made for, as writes for a use case's transaction."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime

from firstmate.domain import outbox as rules
from firstmate.domain.bookings import Booking
from firstmate.domain.outbox import OutboxEntry, OutboxStatus
from firstmate.ports import Item, Put, Store, VersionIs
from firstmate.services.clash_index import told_keys
from firstmate.services.outbox.entries import from_item, outbox_pk, to_item
from firstmate.services.paging import all_items

#: Why a held reminder of someone who holds no role on its trip now is not sent ("not sent: the trip …").
NOT_THEIRS = "is no longer theirs to crew"


def reminders_followed(
    store: Store, org: str, event_id: str, *, departure: datetime | None, holders: frozenset[str], now: datetime,
    change: str = "", leaving: str = NOT_THEIRS,
) -> list[Put]:  # fmt: skip
    """Writes that keep a trip's reminders still waiting to go out (an outage held them) in step with
    the trip: one made for another departure than `departure` (None: the trip is cancelled) is
    withdrawn, saying how the trip changed (`change`: "moved to …"); one of someone who holds no role
    on it now (not in `holders`) is withdrawn, saying `leaving`, and so is one dead of a refusal, its
    refusal kept in its error (`outbox retry --dead` sent "captain at 16:00" for a trip moved to 18:00).
    A withdrawn one made for `departure` of someone who holds a role waits to go out again (the trip
    moved back, or they took a role back), as the scheduler cannot queue another under its key; one
    dead of a refusal before it was withdrawn is dead of it again, for an admin to retry. A reminder
    being sent right now is marked so (`withdraw_in_flight`): withdrawn if its send fails, unless the
    trip is again as it was made for (`kept_in_flight`); one claimed meanwhile fails the writes'
    transaction."""
    keep = int(departure.timestamp()) if departure else None
    writes = []
    for item in all_items(store, outbox_pk(org), rules.reminder_prefix(event_id)):
        entry = from_item(item)
        made_for, person = rules.reminder_departure(entry.key), _of(entry)
        if made_for == keep and person in holders:  # the trip and role it was made for
            if departure and now < departure and _withdrawn(entry):
                writes.append(Put(to_item(rules.restore(entry, departure, now)), VersionIs(item.version)))
            elif departure and now < departure and _withdrawing(entry):  # its sender records its send as any
                writes.append(Put(to_item(rules.kept_in_flight(entry, departure)), VersionIs(item.version)))
            continue
        withdrawn = rules.withdrawal(entry, change if made_for != keep else leaving, now)
        if withdrawn is not None:  # one being sent is settled by its sender (`_settled`)
            writes.append(Put(to_item(withdrawn), VersionIs(item.version)))
    return writes


def superseded(
    store: Store, org: str, booking: Booking, told: Sequence[str], now: datetime, *, placed: int | None = None
) -> list[Put]:
    """Writes withdrawing the messages about `booking`'s trip still waiting to go out (an outage held
    them) that its revision, whose messages are keyed `told`, supersedes. Sent after it (a retry's
    backoff puts them later), the old news was the last word: "You're booked … 16:00" after "moved to
    18:00". Withdrawn: an earlier revision's message or a guest's invitation to someone it tells anew,
    or to anyone once the booking is cancelled ("Crew needed" after the cancellation, to crew it does
    not tell), save one taking someone off the trip; a roster notice ("You're captain: …") to someone
    the revision tells anew (its message says their role and who is aboard, as the trip is now; on a
    move, a "Release requested" stands: it asks for an answer) or takes off the trip; a "Double
    booked!" of the trip as it no longer is (cancelled, or `placed` since: its calendar entry's
    now). The operations manager's are kept: each revision's may
    name what no later one does (a crew clash, someone taken off), and says its revision. Reminders
    follow their trip by `reminders_followed`. One being sent right now is marked so
    (`withdraw_in_flight`): if its send fails, it is withdrawn, not retried after the new news."""
    outdone = outdone_by(booking, told, placed=placed)
    change = f"changed again before it went out (revision {booking.revision} says what holds now)"
    writes = []
    items = [item for prefix in (f"bk:{booking.id}:", f"ev:{booking.event_id}:")
             for item in all_items(store, outbox_pk(org), prefix)]  # fmt: skip
    for item in [*items, *_clashes_told(store, org, f"{booking.id}@firstmate")]:
        withdrawn = rules.withdrawal(from_item(item), change, now) if outdone(item.sk) else None
        if withdrawn is not None:  # one being sent is settled by its sender (`_settled`)
            writes.append(Put(to_item(withdrawn), VersionIs(item.version)))
    return writes


def outdone_by(booking: Booking, told: Sequence[str], *, placed: int | None = None) -> Callable[[str], bool]:
    """Whether `booking`'s revision, whose messages are keyed `told`, supersedes the message keyed so about its trip
    if it still waits (`superseded`'s rule, kept apart for a dry run to say what a change would withdraw)."""
    revision_of = f"bk:{booking.id}:r"  # notifications.revision_key: bk:<booking>:r<revision>:<audience>[:<who>]
    audiences = {key.removeprefix(revision_of).partition(":")[2] for key in told if key.startswith(revision_of)}
    taken_off = {audience.removesuffix(":off") for audience in audiences if audience.endswith(":off")}
    audiences |= taken_off  # told they are off the trip: told anew

    def outdone(key: str) -> bool:
        parts = key.split(":")
        if key.startswith(revision_of):  # bk:<booking>:r<n>:<audience>[:<who>]
            made_in, audience = parts[2][1:], ":".join(parts[3:])
            person = audience.removesuffix(":off")  # told they are off, then told anew: anew is the word
            cancels = booking.cancelled and (not audience.endswith(":off") or person in audiences)
            earlier = made_in.isdigit() and int(made_in) < booking.revision
            return earlier and audience != "ops" and (cancels or person in audiences)
        if key.startswith(f"bk:{booking.id}:guest:"):  # bk:<booking>:guest:<g>:invite
            return booking.cancelled or f"guest:{parts[3]}" in audiences
        if key.startswith(f"ev:{booking.event_id}:") and not key.startswith(rules.reminder_prefix(booking.event_id)):
            person = f"crew:{parts[2]}"  # ev:<event>:<person>:<headline>:v<version>
            # a release asked for stands on a move: the captain's answer is still wanted, and nothing else says so
            told = person in audiences and (booking.cancelled or parts[3:4] != ["release-requested"])
            return told or person in taken_off
        if key.startswith("clash:"):
            return _clash_outdone(key, f"{booking.id}@firstmate", booking.cancelled, placed)
        return False

    return outdone


def unheard_so_far(
    store: Store, org: str, booking: Booking, revision: int, now: datetime
) -> tuple[frozenset[str], list[Put]]:
    """Who (of "ops", "crew", "guests") has heard nothing of `booking`'s trip yet because every message
    it was given is still waiting, never tried, or was withdrawn (a file's later row of the same booking,
    before the dispatcher ran): to them the next revision is the first word, and its news is the trip as
    that revision leaves it. Crew with a role, or a guest list the lead has added to, have heard. With
    them, the withdrawals of the operations manager's waiting messages of earlier revisions, which
    `revision`'s first word replaces (should one go meanwhile, its withdrawal refuses the change's write)."""
    items = [item for prefix in (f"bk:{booking.id}:", f"ev:{booking.event_id}:")
             for item in all_items(store, outbox_pk(org), prefix)]  # fmt: skip

    def unsent(item: Item) -> bool:
        entry = from_item(item)
        return (entry.status is OutboxStatus.PENDING and entry.attempts == 0) or _withdrawn(entry)

    revision_of = f"bk:{booking.id}:r"
    heard: set[str] = set()
    ops: list[Item] = []
    for item in items:
        audience = item.sk.removeprefix(revision_of).partition(":")[2] if item.sk.startswith(revision_of) else ""
        group = {"ops": "ops", "crew": "crew", "guest": "guests"}.get(audience.split(":")[0], "")
        if item.sk.startswith(f"ev:{booking.event_id}:"):
            group = "crew"
        elif item.sk.startswith(f"bk:{booking.id}:guest:"):
            group = "guests"  # an invitation: the lead added someone, so saw the trip
            heard.add(group)
        if group == "ops" and unsent(item):
            ops.append(item)
        elif group and not unsent(item):
            heard.add(group)
    change = f"changed again before it went out (revision {revision} says what holds now)"
    withdrawals = [
        Put(to_item(gone), VersionIs(item.version))
        for item in ops
        if (gone := rules.withdrawal(from_item(item), change, now)) is not None
    ]
    return frozenset({"ops", "crew", "guests"} - heard), withdrawals


def _clashes_told(store: Store, org: str, uid: str) -> list[Item]:
    """The "Double booked!" messages about the calendar entry `uid`: those `clash_index` names under it,
    or every one the org has while some are not named yet."""
    keys = told_keys(store, org, uid)
    if keys is None:
        return all_items(store, outbox_pk(org), "clash:")
    return [item for item in store.get_many([(outbox_pk(org), key) for key in keys]) if item is not None]


def _clash_outdone(key: str, uid: str, cancelled: bool, placed: int | None) -> bool:
    """Whether a "Double booked!" keyed `key` (clash:<uid>:<uid>:<from>-<to>[:p<n>-<m>], the uids in
    order, each placed as the key says) is about the trip `uid` as it no longer is: cancelled, or
    placed since (`placed`: its calendar entry's now). A clash told of its trip as it is stands, even
    one told after a late fan-out's revision."""
    first, second = key.startswith(f"clash:{uid}:"), f":{uid}:" in key.removeprefix("clash:")
    if not (first or second):
        return False
    if cancelled:
        return True
    moves = re.search(r":p(\d+)-(\d+)$", key)
    told_placed = int(moves.group(1 if first else 2)) if moves else 0
    return placed is not None and told_placed != placed


def _of(reminder: OutboxEntry) -> str:
    """Whose reminder it is: its key ends with the person's id."""
    return reminder.key.rsplit(":", 1)[-1]


def _withdrawing(entry: OutboxEntry) -> bool:
    """Whether `entry` is being sent and already marked withdrawn (`withdraw_in_flight`)."""
    return entry.status is OutboxStatus.SENDING and (entry.last_error or "").startswith(rules.WITHDRAWN)


def _withdrawn(entry: OutboxEntry) -> bool:
    return entry.status is OutboxStatus.DEAD and (entry.last_error or "").startswith(rules.WITHDRAWN)
