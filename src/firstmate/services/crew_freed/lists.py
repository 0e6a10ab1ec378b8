"""What a trip keeps beside it of the crew it did not ask itself: who its "Crew needed" left out, busy on another
live trip at its time (one trip at a time), and who it asked by a mail listing it among others:

    ORG#<org>#BK#<booking>  NOT-ASKED  → {"people": [<person id>, …]}: qualified, and busy when it was booked
    ORG#<org>#BK#<booking>  CREW-ASKED  → {"people": {<person id>: <the listing mail's key>}}
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from firstmate.ports import Absent, Check, Item, Put, Store, VersionIs, Write
from firstmate.services.trips import booking_pk

#: Beside a trip: who its "Crew needed" left out, busy on another trip at its time.
NOT_ASKED = "NOT-ASKED"
#: Tries at one trip's list when another writer (another trip freeing the same people) gets there first.
MAX_ATTEMPTS = 4
#: Beside a trip: who it asked by a mail listing it among others (their "Crew needed" is not its own).
ASKED_IN = "CREW-ASKED"
#: Asked about more trips than this at once, someone gets one mail listing them, not a mail each.
LISTED_OVER = 3


def not_asked_write(org: str, booking_id: str, people: Collection[str]) -> Put | None:
    """The write recording who a new trip's "Crew needed" left out for being busy (None: nobody)."""
    if not people:
        return None
    return Put(Item(booking_pk(org, booking_id), NOT_ASKED, {"people": sorted(people)}), Absent())


def not_asked(store: Store, org: str, booking_id: str) -> frozenset[str]:
    """Who a trip's "Crew needed" left out and who has not been asked since (none for a trip booked before
    this was kept)."""
    item = store.get(booking_pk(org, booking_id), NOT_ASKED)
    return frozenset(item.data.get("people", ())) if item else frozenset()


def not_asked_held(store: Store, org: str, booking_id: str) -> tuple[frozenset[str], Check]:
    """`not_asked`, with the write that holds a change to what it read: a freeing at that moment (another trip
    cancelled) asks someone on it and takes them off; a change that still left them out as busy would leave
    them the old revision's "Crew needed" and no word of the change. The change fails instead, and reads again."""
    item = store.get(booking_pk(org, booking_id), NOT_ASKED)
    held = Check(booking_pk(org, booking_id), NOT_ASKED, VersionIs(item.version) if item else Absent())
    return (frozenset(item.data.get("people", ())) if item else frozenset()), held


def not_asked_with(held: Check, listed: frozenset[str], more: Iterable[str]) -> Write:
    """The write keeping `more` among those the trip left out (`listed`, as read under `held`), on the same condition:
    `held` itself when nobody is added."""
    if not (people := listed | frozenset(more)) - listed:
        return held
    return Put(Item(held.pk, NOT_ASKED, {"people": sorted(people)}), held.condition)
