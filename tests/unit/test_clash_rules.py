"""What makes two trips clash, for a person and for a boat: the edges, cancellations, blocked slots,
and reading the calendar around a time across days, months and years."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from firstmate.bootstrap import App
from firstmate.domain.calendar import CalendarEntry, EntryKind, double_booked, holds_the_same_boat
from firstmate.domain.crew import CrewEvent, EventStatus, RoleSlot
from firstmate.domain.roster import clash, clashes, overlaps
from firstmate.domain.timing import span
from firstmate.ports import Item
from firstmate.services.trips import calendar_between, calendar_pk, calendar_sk

NOON = datetime(2026, 6, 13, 19, 0, tzinfo=UTC)  # 12:00 in Los Angeles


def trip(
    n: int, start: datetime, hours: float = 3, holders: dict[str, str] | None = None, **changes: object
) -> CrewEvent:
    roles = tuple(RoleSlot(role=r, person_id=p, first_name=p and p.title()) for r, p in (holders or {}).items())
    event = CrewEvent(
        id=f"ev_{n:016x}", org="demo", booking_id=f"bk_{n:016x}", entity="charters", asset="sea-lark",
        asset_name="Sea Lark", start=start, end=start + timedelta(hours=hours), guest_count=4, notes="",
        roles=roles or (RoleSlot(role="captain"),), checklist=(),
    )  # fmt: skip
    return event.model_copy(update=changes)


def entry(uid: str, start: datetime, hours: float = 3, **changes: object) -> CalendarEntry:
    return CalendarEntry(uid=uid, org="demo", entity="charters", asset="sea-lark", title=uid, start=start,
                         end=start + timedelta(hours=hours), updated_at=NOON).model_copy(update=changes)  # fmt: skip


def test_trips_overlap_when_they_share_a_moment_and_neither_is_cancelled() -> None:
    first = trip(1, NOON)
    assert overlaps(first, trip(2, NOON + timedelta(hours=2, minutes=59)))
    assert overlaps(first, trip(2, NOON - timedelta(hours=1), hours=5))  # around it
    assert not overlaps(first, trip(2, NOON + timedelta(hours=3)))  # departs as the first comes back
    assert not overlaps(first, trip(2, NOON - timedelta(hours=3)))  # comes back as the first departs
    assert not overlaps(first, trip(2, NOON, status=EventStatus.CANCELLED))
    assert not overlaps(first, first)  # a trip is no clash with itself


def test_a_person_clashes_only_through_a_role_they_hold_on_an_overlapping_trip() -> None:
    here = trip(1, NOON, holders={"captain": "jonah", "crew_1": "priya"})
    others = [
        trip(2, NOON + timedelta(hours=1), holders={"crew_1": "theo"}),
        trip(3, NOON + timedelta(hours=4), holders={"captain": "jonah"}),  # later the same day
        trip(4, NOON - timedelta(hours=1), holders={"crew_2": "priya"}),
    ]
    assert clash(here, "jonah", others) is None
    found = clash(here, "priya", others)
    assert found is not None and found[0].id == others[2].id and found[1].role == "crew_2"
    assert [(mine.person_id, other.id, theirs.role) for mine, other, theirs in clashes(here, others)] == [
        ("priya", others[2].id, "crew_2")
    ]


def test_a_boat_is_double_booked_by_a_trip_on_it_or_a_slot_blocking_it_or_every_boat() -> None:
    mine = entry("mine", NOON)
    later = entry("after", NOON + timedelta(hours=3))
    other_boat = entry("tern", NOON, asset="morning-tern")
    blocked = entry("haul-out", NOON - timedelta(days=3), hours=24 * 10, kind=EntryKind.BLOCKED)
    everywhere = entry("storm", NOON, kind=EntryKind.BLOCKED, asset="")
    cancelled = entry("gone", NOON, cancelled=True)
    assert holds_the_same_boat(mine, entry("same", NOON + timedelta(hours=1)))
    assert not holds_the_same_boat(mine, later) and not holds_the_same_boat(mine, other_boat)
    assert not holds_the_same_boat(mine, cancelled) and not holds_the_same_boat(mine, mine)
    assert holds_the_same_boat(mine, blocked) and holds_the_same_boat(other_boat, everywhere)
    assert not holds_the_same_boat(blocked, everywhere)  # two blocked slots never clash
    assert [e.uid for e in double_booked(mine, [everywhere, later, blocked, other_boat])] == ["haul-out", "storm"]


def test_a_span_names_the_end_day_only_when_it_is_another() -> None:
    zone = "America/Los_Angeles"
    assert span(NOON, NOON + timedelta(hours=3), zone) == "Sat 13 Jun 2026, 12:00 PDT to 15:00"
    assert span(NOON, NOON + timedelta(hours=13), zone) == "Sat 13 Jun 2026, 12:00 PDT to Sun 14 Jun 2026, 01:00 PDT"


def test_the_calendar_around_a_time_is_read_across_days_months_and_years(app: App) -> None:
    new_year = datetime(2027, 1, 1, tzinfo=UTC)
    moments = {
        "three-days-out": new_year - timedelta(hours=71),  # a 72-hour trip, back at 01:00 on 1 Jan
        "back-before": new_year - timedelta(days=2),  # back on 30 Dec
        "eve-late": new_year - timedelta(hours=2),  # 31 Dec, 22:00: out until 01:00
        "new-year": new_year + timedelta(hours=10),
        "much-later": new_year + timedelta(days=40),
    }
    for uid, start in moments.items():
        hours = 72 if uid == "three-days-out" else 3
        app.store.put(
            Item(calendar_pk("demo"), calendar_sk(start, uid), entry(uid, start, hours).model_dump(mode="json"))
        )
    window = (new_year - timedelta(minutes=30), new_year + timedelta(hours=1))
    around_midnight = calendar_between(app.store, "demo", *window, timedelta(hours=72))  # across a year's end
    assert [e.uid for e in around_midnight] == ["three-days-out", "eve-late"]
    wide = (new_year - timedelta(days=20), new_year + timedelta(days=60))  # across months
    assert [e.uid for e in calendar_between(app.store, "demo", *wide, timedelta(hours=72))] == list(moments)


def test_the_calendar_around_a_time_holds_its_edges_to_the_microsecond(app: App) -> None:
    start, end = datetime(2027, 1, 1, 10, tzinfo=UTC), datetime(2027, 1, 1, 13, tzinfo=UTC)
    lookback = timedelta(hours=72)
    edges = {
        "a-moment-too-early": (start - lookback - timedelta(microseconds=1), 80),  # overlaps, but starts too early
        "from-the-first-moment": (start - lookback, 73),
        "just-before-the-end": (end - timedelta(microseconds=1), 3),
        "at-the-end": (end, 3),
    }
    for uid, (at, hours) in edges.items():
        app.store.put(Item(calendar_pk("demo"), calendar_sk(at, uid), entry(uid, at, hours).model_dump(mode="json")))
    found = calendar_between(app.store, "demo", start, end, lookback)
    assert [e.uid for e in found] == ["from-the-first-moment", "just-before-the-end"]
