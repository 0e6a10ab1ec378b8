"""Who is in a trip's group: the id a guest added gets, one who is in it already, and how many are at each
status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from firstmate.domain.guests.guest import Guest, GuestStatus


def next_guest_id(guests: Iterable[Guest]) -> str:
    """The id a guest added to this group gets: one no guest had, merged ones too (their messages keep
    their id: given again, a new guest's invitation met the merged one's, and could never be added), and
    former leads' (their signatures are kept under theirs)."""
    taken = [int(i.removeprefix("g")) for g in guests for i in (g.id, *g.merged, *g.removed, *g.former)]
    return f"g{max(taken, default=0) + 1}"


def already_in(guests: Iterable[Guest], name: str, email: str | None) -> Guest | None:
    """The guest of the group this one is: the same name and the same address, or none (a family may
    share an address, and two people a name; both the same is one entry sent twice)."""
    for guest in guests:
        if guest.name.casefold().split() == name.casefold().split() and (guest.email or "") == (email or "").lower():
            return guest
    return None


def guest_counts(guests: list[Guest]) -> dict[str, int]:
    """How many guests are at each status (for the captain)."""
    counts = Counter(g.status.value for g in guests)
    return {status.value: counts.get(status.value, 0) for status in GuestStatus}
