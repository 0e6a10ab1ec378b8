"""A message telling of a trip's change tied to the send of the list that named the trip to its reader.

Someone whose only word of a trip is a "Crew needed on N trips" being sent as the trip is cancelled or moved may have
heard of it, or may not: the revision's "Trip cancelled" or "Trip changed" to them is queued in case the list went,
due once the list's lease ends, and its key kept on the list (`told_if_sent`). If the list went, it goes; if the
list's send fails, it is withdrawn: they never heard of the trip. A sender stopping mid-send decides nothing: it goes,
in case the list went, as what was queued in the list's place does (`outbox.replaced_in_flight`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from firstmate.domain.outbox import WITHDRAWN, OutboxEntry, OutboxStatus, withdraw

#: What a message tied to a list's send says once that send failed (`withdraw_untold`).
UNTOLD = "they never heard of the trip: the list naming it was not sent"
#: What it says when the list, its news holding, is tried again: they hear of the trip by it, as of a list waiting.
UNTOLD_YET = "they hear of the trip by the list naming it alone: its send failed and is tried again"


def told_in_case(entry: OutboxEntry, keys: Iterable[str]) -> OutboxEntry:
    """The list `entry`, being sent, with the messages `keys` tied to its send: withdrawn if it fails."""
    return entry.model_copy(update={"told_if_sent": tuple(dict.fromkeys([*entry.told_if_sent, *keys]))})


def untold_by_failure(stored: OutboxEntry, outcome: OutboxEntry) -> tuple[str, ...]:
    """The keys of the messages tied to `stored`'s send (`told_in_case`) that its `outcome` leaves untold: all of them
    unless it went."""
    return () if outcome.status is OutboxStatus.SENT else stored.told_if_sent


def withdraw_untold(entry: OutboxEntry, listing: OutboxEntry, now: datetime, *, retried: bool = False) -> OutboxEntry:
    """`entry`, tied to the send of `listing` (`told_in_case`), withdrawn: that send failed, for good or, `retried`,
    to be tried again (its news holding, the list tells of the trip as one waiting does)."""
    cause = (listing.last_error or "").removeprefix(WITHDRAWN).partition(" before it went out")[0].partition(";")[0]
    return withdraw(entry, f"{cause or 'changed'}; {UNTOLD_YET if retried else UNTOLD} ({listing.key})", now)


def is_untold(entry: OutboxEntry) -> bool:
    """Whether `entry` was withdrawn for its reader never hearing of the trip, or only by the list
    (`withdraw_untold`)."""
    error = entry.last_error or ""
    return entry.status is OutboxStatus.DEAD and (UNTOLD in error or UNTOLD_YET in error)
