"""The trips each crew member holds, listed in their roster marker (`ORG#<org>#ROSTER` /
`PERSON#<id>`), so that what keeps someone busy elsewhere is found with one read, whatever everyone
else's trips at that time.

The marker is rewritten by every change that may put a person on two trips at once (a role taken,
a trip of theirs moved), on condition of its version, which makes those changes one at a time (see
`roster`). Claims and designations add their trip to the list, moves list the trip's new times,
and the hourly `roster_lists` job builds it for people without one (`listed_markers`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from firstmate.domain.crew import CrewEvent
from firstmate.domain.shared import to_epoch
from firstmate.ports import Absent, Item, Put, Store, VersionIs
from firstmate.services.trips import events_between

#: A person's roster marker lists the trips they hold that ended at most this long ago…
HELD_KEPT_AFTER_END = timedelta(days=30)
#: …and depart at most this far ahead (a claim beyond looks in the calendar).
HELD_LISTED_AHEAD = timedelta(days=3 * 366)
#: Past this many listed trips (about 90 bytes each), a person's trips are looked for in the calendar.
MAX_HELD_LISTED = 2000


def roster_marker_key(org: str, person_id: str) -> tuple[str, str]:
    """The item rewritten by every change that may put a person on two trips at once (a role taken,
    a trip of theirs moved), so that such changes are decided one at a time. It also lists the trips
    the person holds a role on (`HeldTrips`), so that finding what keeps them busy costs one read."""
    return f"ORG#{org}#ROSTER", f"PERSON#{person_id}"


@dataclass(frozen=True)
class HeldTrips:
    """What a roster marker lists: every trip the person holds a role on that ends after `since`
    and departs before `until`, as (event id, start, end) with the times the trip had when listed
    (whole seconds, widened: start rounded down, end up). Trips they let go of may stay listed, so
    each is looked at as it is now before it counts. Claims and designations add their trip, a move
    of one of their trips lists its new times, and the `roster_lists` job builds the list."""

    since: datetime
    until: datetime
    trips: tuple[tuple[str, datetime, datetime], ...]

    def covers(self, start: datetime, end: datetime) -> bool:
        """Whether every trip sharing a moment with [start, end) would be listed."""
        return self.since <= start and end <= self.until

    def overlapping(self, start: datetime, end: datetime, *, besides: str) -> list[str]:
        """The ids of the listed trips sharing a moment with [start, end), other than `besides`."""
        return [e for e, s, t in self.trips if e != besides and s < end and start < t]

    def stored(self) -> dict[str, Any]:
        """What the marker keeps of it (epoch seconds: half the bytes of ISO times)."""
        ordered = sorted(self.trips, key=lambda trip: trip[1])
        trips = [[e, math.floor(s.timestamp()), math.ceil(t.timestamp())] for e, s, t in ordered]
        # the span narrowed to whole seconds (since up, until down): it never claims more than was read
        return {"since": math.ceil(self.since.timestamp()), "until": math.floor(self.until.timestamp()), "trips": trips}


def held_trips(marker: Item | None) -> HeldTrips | None:
    """The trips `marker` lists; None for a marker without the list (from before it, not yet built,
    or a person holding more trips than a marker lists)."""
    held = marker.data.get("held") if marker else None
    if not held:
        return None
    try:
        trips = tuple((str(e), _moment(s), _moment(t)) for e, s, t in held["trips"])
        return HeldTrips(_moment(held["since"]), _moment(held["until"]), trips)
    except (KeyError, TypeError, ValueError):  # not as this code writes it: as if unlisted, so listed again
        return None


def _moment(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def roster_marker(store: Store, org: str, person_id: str, *, holding: CrewEvent, now: datetime) -> Put:
    """The marker's next write, on condition of the version read now; a listed marker lists
    `holding` (a trip the person holds, at its times now) too. Read it before reading the person's
    other trips: a change landing in between then makes this write fail, to decide again."""
    pk, sk = roster_marker_key(org, person_id)
    marker = store.get(pk, sk)
    data: dict[str, Any] = {"taken": (marker.data.get("taken", 0) if marker else 0) + 1}
    held = held_trips(marker)
    if held is not None:  # one without the list stays so until the job lists it: safe, and cheap here
        since = max(held.since, now - HELD_KEPT_AFTER_END)
        kept = [(e, s, t) for e, s, t in held.trips if e != holding.id and t > since]
        listed = HeldTrips(since, held.until, (*kept, (holding.id, holding.start, holding.end)))
        if len(listed.trips) <= MAX_HELD_LISTED:
            data["held"] = listed.stored()
        else:  # looked for in the calendar from now on; the job tries listing them again in a month
            data["overflow"] = to_epoch(now)
    elif marker and "overflow" in marker.data:
        data["overflow"] = marker.data["overflow"]
    return Put(Item(pk, sk, data), VersionIs(marker.version) if marker else Absent())


def held_list_due(marker: Item | None, now: datetime) -> bool:
    """Whether the `roster_lists` job should (re)build this marker's list: none yet (unless the
    person held too many trips to list a month ago or less), or one whose span ends a month or more
    short of three years ahead."""
    held = held_trips(marker)
    if held is not None:
        return held.until < now + HELD_LISTED_AHEAD - HELD_KEPT_AFTER_END
    overflow = marker.data.get("overflow") if marker else None
    return overflow is None or _moment(int(overflow)) < now - HELD_KEPT_AFTER_END


def listed_markers(store: Store, org: str, people: list[str], markers: list[Item | None], now: datetime) -> list[Put]:
    """The writes that list every trip each of `people` holds (from HELD_KEPT_AFTER_END ago to
    HELD_LISTED_AHEAD ahead), read from the calendar now, each on condition of its marker as read
    before (`markers`): a claim or move landing meanwhile makes that write fail, to list again."""
    since, until = now - HELD_KEPT_AFTER_END, now + HELD_LISTED_AHEAD
    events = events_between(store, org, since, until, held_by=set(people))
    writes = []
    for person_id, marker in zip(people, markers, strict=True):
        trips = tuple((e.id, e.start, e.end) for e in events if any(r.person_id == person_id for r in e.roles))
        data: dict[str, Any] = {"taken": marker.data.get("taken", 0) if marker else 0}
        if len(trips) <= MAX_HELD_LISTED:
            data["held"] = HeldTrips(since, until, trips).stored()
        else:
            data["overflow"] = to_epoch(now)
        condition = VersionIs(marker.version) if marker else Absent()
        writes.append(Put(Item(*roster_marker_key(org, person_id), data), condition))
    return writes
