"""Guest pages and calendar feeds: right for their audience, never showing money to crew or guests."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
import pytest
from fastapi.testclient import TestClient

from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.services import outbox
from firstmate.services.bookings import cancel_booking, orchestrate_booking
from firstmate.services.calendar import Feed, FeedScope, feed_token, revoke_feed
from tests.conftest import booking_body, shows_gross


def _book(app: App, **changes: object) -> tuple[str, str]:
    outcome = orchestrate_booking(app, "demo", BookingRequest.model_validate(booking_body(**changes)))
    return outcome.booking.id, outcome.booking.guest_code


def _feed(client: TestClient, app: App, scope: FeedScope, target: str) -> icalendar.Calendar:
    token = feed_token(app.secret_key, app.store, Feed("demo", scope, target))
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_the_guest_page_shows_the_trip_in_local_time_and_no_money(client: TestClient, demo_app: App) -> None:
    _, code = _book(demo_app)
    page = client.get(f"/g/{code.lower()}")  # codes are read case-insensitively
    assert page.status_code == 200
    text = page.text
    assert "Sat 13 Jun 2026, 16:00 PDT" in text and "Pier 39, Dock B, slip 12" in text
    assert "Sunset" in text and "20:3" in text  # mid-June sunset in San Francisco is about 20:34
    assert "Saltwind Charters" in text and "--brand:#0b3d5c" in text
    assert not shows_gross(text) and "Repeat guest" not in text
    assert "dana@example.com" not in text
    assert page.headers["cache-control"] == "private, no-store"


def test_feeds_parse_and_follow_changes_with_stable_uid_and_rising_sequence(client: TestClient, demo_app: App) -> None:
    booking_id, _ = _book(demo_app)
    [first] = _feed(client, demo_app, FeedScope.ORG, "demo").walk("VEVENT")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=7)))
    [changed] = _feed(client, demo_app, FeedScope.ORG, "demo").walk("VEVENT")
    cancel_booking(demo_app, "demo", booking_id)
    calendar = _feed(client, demo_app, FeedScope.ORG, "demo")
    [cancelled] = calendar.walk("VEVENT")
    assert first["UID"] == changed["UID"] == cancelled["UID"]
    assert (first["SEQUENCE"], changed["SEQUENCE"], cancelled["SEQUENCE"]) == (0, 1, 2)
    assert str(cancelled["STATUS"]) == "CANCELLED" and str(first["STATUS"]) == "CONFIRMED"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "America/Los_Angeles"
    assert first.decoded("DTSTART") == datetime(2026, 6, 13, 23, 0, tzinfo=UTC)
    assert "840.75" in str(first["DESCRIPTION"])  # the org's own feed carries money…


def test_a_trip_for_one_guest_says_one_guest(client: TestClient, demo_app: App) -> None:
    """Found by a review: a sail for one guest read "Sea Lark: Dana Whitcomb (1 guests)" in every calendar
    and "· 1 guests" in each crew member's mail."""
    _book(demo_app, guest_count=1)
    [event] = _feed(client, demo_app, FeedScope.ORG, "demo").walk("VEVENT")
    assert str(event["SUMMARY"]) == "Sea Lark: Dana Whitcomb (1 guest)"
    [crew] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":crew:priya")]
    assert "· 1 guest ·" in crew.message.text and "1 guests" not in (crew.message.html or "")


def test_a_slot_blocking_every_boat_is_in_each_boat_lines_feed(client: TestClient, demo_app: App) -> None:
    """Found by a review: a haul-out week imported without --asset holds every boat (a trip booked in it is
    double booked), but the business line's feed, with its trips, left it out: the charters' calendar
    showed the week free. A line without boats (junk removal) is not shown the boats' slots."""
    from firstmate.services.trips import record_blocked_slot

    start = datetime(2026, 6, 20, 7, 0, tzinfo=UTC)
    record_blocked_slot(
        demo_app, "demo", "yard-1@ota.example.com", start, start.replace(day=27), "Haul-out", None, False
    )
    record_blocked_slot(demo_app, "demo", "yard-2@ota.example.com", start, start.replace(day=21), "Survey", "sea-lark",
                        False)  # fmt: skip
    charters = _feed(client, demo_app, FeedScope.ENTITY, "saltwind-charters").walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in charters) == ["Haul-out", "Survey"]
    assert _feed(client, demo_app, FeedScope.ENTITY, "haulaway").walk("VEVENT") == []


def test_feeds_answer_304_when_unchanged_and_404_when_forged_or_revoked(client: TestClient, demo_app: App) -> None:
    _book(demo_app)
    feed = Feed("demo", FeedScope.CREW, "priya")
    token = feed_token(demo_app.secret_key, demo_app.store, feed)
    first = client.get(f"/calendar/{token}.ics")
    assert client.get(f"/calendar/{token}.ics", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert client.get(f"/calendar/{token[:-2]}xx.ics").status_code == 404
    assert client.get("/calendar/nothing.ics").status_code == 404
    revoke_feed(demo_app.store, feed)
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    fresh = feed_token(demo_app.secret_key, demo_app.store, feed)
    assert fresh != token and client.get(f"/calendar/{fresh}.ics").status_code == 200


def test_a_crew_members_feed_shows_their_role_and_the_trips_they_could_take(client: TestClient, demo_app: App) -> None:
    from firstmate.services.roster import claim_role

    mine = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(external_id="A")))
    next_day = booking_body(external_id="B", asset="morning-tern", start="2026-06-14T10:00:00-07:00")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(next_day))
    claim_role(demo_app, "demo", mine.booking.event_id, "crew_1", "priya")
    summaries = sorted(str(e["SUMMARY"]) for e in _feed(client, demo_app, FeedScope.CREW, "priya").walk("VEVENT"))
    assert summaries[0].startswith("Crew 1: Sea Lark") and summaries[1].startswith(
        "Open (crew 1, crew 2): Morning Tern"
    )
    # a review: the feed's titles named the lead guest ("Sea Lark: Dana Whitcomb (6 guests)"), which no crew page
    # shows, into the calendar app of every crew member's phone
    assert summaries == ["Crew 1: Sea Lark (6 guests)", "Open (crew 1, crew 2): Morning Tern (6 guests)"]
    assert "Whitcomb" not in _feed(client, demo_app, FeedScope.CREW, "priya").to_ical().decode()


def test_a_crew_feed_offers_no_role_on_a_trip_over_or_one_at_the_time_of_their_own(
    client: TestClient, demo_app: App
) -> None:
    """A review: Priya's calendar showed "Open (crew 1, crew 2): Morning Tern" at the very time of her own
    trip, which she cannot take (one trip at a time: her trip page says she is busy), and "Open (captain,
    crew 1)" on last week's trip, over (its page offers no role)."""
    from firstmate.services.roster import claim_role

    mine = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(external_id="A")))
    claim_role(demo_app, "demo", mine.booking.event_id, "crew_1", "priya")
    _book(demo_app, external_id="SAME-TIME", asset="morning-tern")
    _book(demo_app, external_id="NEXT-DAY", asset="morning-tern", start="2026-06-14T10:00:00-07:00")
    _book(demo_app, external_id="LAST-WEEK", start="2026-05-25T10:00:00-07:00")  # over: the clock is 1 June
    summaries = sorted(str(e["SUMMARY"]) for e in _feed(client, demo_app, FeedScope.CREW, "priya").walk("VEVENT"))
    assert summaries == [
        "Crew 1: Sea Lark (6 guests)",
        "Open (crew 1, crew 2): Morning Tern (6 guests)",
    ]
    starts = [e["DTSTART"].dt for e in _feed(client, demo_app, FeedScope.CREW, "priya").walk("VEVENT")]
    assert sorted(s.day for s in starts) == [13, 14]  # the open one is the next day's


def test_a_crew_feed_reads_its_trips_in_batches_as_the_org_feed_does(
    client: TestClient, demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review: the crew feed read each trip's crew alone, 157 reads for 150 trips on every poll of every
    crew member's calendar app (the org's feed: 6)."""
    for n in range(60):
        _book(demo_app, external_id=f"W-{n}", start=f"2026-06-{2 + n // 3:02d}T{8 + 5 * (n % 3):02d}:00:00-07:00")
    reads: list[str] = []
    for name in ("get", "get_many", "query", "query_between", "query_index"):
        real = getattr(demo_app.store, name)
        monkeypatch.setattr(
            demo_app.store, name, lambda *a, _real=real, _name=name, **k: (reads.append(_name), _real(*a, **k))[1]
        )
    org = _feed(client, demo_app, FeedScope.ORG, "demo")
    org_reads, reads[:] = len(reads), []
    crew = _feed(client, demo_app, FeedScope.CREW, "priya")
    assert len(crew.walk("VEVENT")) == len(org.walk("VEVENT")) == 60  # every trip open to her
    assert len(reads) <= org_reads + 3, reads


def test_a_feed_reads_the_entries_it_shows_not_the_years_behind_them(
    client: TestClient, demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review: every poll of a feed read the whole calendar, years of it, and dropped all but the last
    60 days. It now reads from 60 days and a trip's length back, and the long blocked slots begun before."""
    from datetime import timedelta

    from firstmate.domain.intake import BlockedSlot
    from firstmate.services.imports import import_records

    now = demo_app.clock.now()
    for n in range(120):  # a year and more of trips behind, every third day
        _book(demo_app, external_id=f"OLD-{n}", start=(now - timedelta(days=70 + 3 * n)).isoformat())
    _book(demo_app, external_id="LAST-WEEK", start=(now - timedelta(days=7)).isoformat())
    _book(demo_app, external_id="NEXT-WEEK", start=(now + timedelta(days=7)).isoformat())
    refit = BlockedSlot(uid="refit@yard.example.com", start=now - timedelta(days=100), end=now + timedelta(days=5),
                        title="Refit", asset="sea-lark")  # fmt: skip
    survey = BlockedSlot(uid="survey@yard.example.com", start=now - timedelta(days=50), end=now - timedelta(days=45),
                         title="Survey", asset="sea-lark")  # fmt: skip
    import_records(demo_app, "demo", [refit, survey])
    read = _items_read(demo_app, monkeypatch)
    events = _feed(client, demo_app, FeedScope.ORG, "demo").walk("VEVENT")
    titles = sorted(str(e["SUMMARY"]) for e in events)
    assert titles == ["Refit", "Sea Lark: Dana Whitcomb (6 guests)", "Sea Lark: Dana Whitcomb (6 guests)", "Survey"]
    assert sum(read) < 30, read  # the four it shows and its profile, not the 126 entries behind them


def _items_read(app: App, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many items each of the store's queries reads from now on, in a list filled as they are made."""
    read: list[int] = []
    for name in ("query", "query_between", "get_many"):
        real = getattr(app.store, name)

        def counted(*args: object, _real: object = real, **kwargs: object) -> object:
            answer = _real(*args, **kwargs)  # type: ignore[operator]
            read.append(len(answer.items) if hasattr(answer, "items") else len(answer))
            return answer

        monkeypatch.setattr(app.store, name, counted)
    return read


def test_an_older_home_s_feed_reads_its_whole_calendar_only_until_the_hourly_sweep(
    client: TestClient, demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review: a home whose list of long blocked slots was never built (or was kept for 30 days, until
    2026-12-06) had it built from its whole calendar on every feed poll, a read writing nothing, until a
    booking or a channel's slot came in: through a quiet winter, every poll of every crew member's feed read
    years of trips. The hourly sweep builds the list, and the feeds read only what they show."""
    from datetime import timedelta

    from firstmate.domain.intake import BlockedSlot
    from firstmate.jobs import sweep_expired
    from firstmate.ports import Item
    from firstmate.services.imports import import_records

    now = demo_app.clock.now()
    for n in range(120):  # a year and more of trips behind, every third day
        _book(demo_app, external_id=f"OLD-{n}", start=(now - timedelta(days=70 + 3 * n)).isoformat())
    refit = BlockedSlot(uid="refit@yard.example.com", start=now - timedelta(days=100), end=now + timedelta(days=5),
                        title="Refit", asset="sea-lark")  # fmt: skip
    import_records(demo_app, "demo", [refit])
    demo_app.store.put(Item("ORG#demo#CALMETA", "LONG-BLOCKS", {"blocks": []}))  # as the earlier release left it
    read = _items_read(demo_app, monkeypatch)
    assert sweep_expired(demo_app, now).endswith("; 1 long blocked slot listed for 1 org")
    assert "long blocked" not in sweep_expired(demo_app, now)  # built once
    for _ in range(2):  # a poll, and the next
        read.clear()
        titles = [str(e["SUMMARY"]) for e in _feed(client, demo_app, FeedScope.ORG, "demo").walk("VEVENT")]
        assert titles == ["Refit"]
        assert sum(read) < 30, read  # the slot it shows and the profile, not the 121 entries behind them


def test_a_long_slot_an_earlier_releases_list_dropped_is_back_in_the_feed(client: TestClient, demo_app: App) -> None:
    """A review: the list of long blocked slots kept them 30 days after their end until 2026-12-06, and a
    feed now takes those begun long ago from it: a refit ended 35 days before went missing from every feed.
    A list kept so is built again from the calendar."""
    from datetime import timedelta

    from firstmate.domain.intake import BlockedSlot
    from firstmate.ports import Item
    from firstmate.services.imports import import_records

    clock = demo_app.clock
    start = clock.now()
    refit = BlockedSlot(uid="refit@yard.example.com", start=start - timedelta(days=10), end=start + timedelta(days=20),
                        title="Refit", asset="sea-lark")  # fmt: skip
    import_records(demo_app, "demo", [refit])
    clock.advance(timedelta(days=55))  # type: ignore[attr-defined]
    demo_app.store.put(Item("ORG#demo#CALMETA", "LONG-BLOCKS", {"blocks": []}))  # as the earlier release left it
    titles = [str(e["SUMMARY"]) for e in _feed(client, demo_app, FeedScope.ORG, "demo").walk("VEVENT")]
    assert titles == ["Refit"]


def test_a_trip_years_ahead_keeps_its_hour_in_clients_that_read_the_feed_s_own_zone(demo_app: App) -> None:
    """The feed's zone rules spanned the machine's today −400 to +800 days: a July 2029 charter at
    16:00 PDT read 17:00 PDT in Outlook, which reads the zone the file defines. Read in June 2028: a feed lists
    18 months ahead."""
    from firstmate.services.calendar import feed_ics

    start = "2029-07-14T16:00:00-07:00"
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(external_id="FAR-1", start=start)))
    ics = feed_ics(demo_app.store, Feed("demo", FeedScope.ORG, "demo"), datetime(2028, 6, 1, tzinfo=UTC))
    calendar = icalendar.Calendar.from_ical(ics)
    own_zone = calendar.walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
    [event] = [e for e in calendar.walk("VEVENT") if "2029" in e["DTSTART"].to_ical().decode()]
    read = event.decoded("DTSTART").replace(tzinfo=own_zone).astimezone(UTC)
    assert read == datetime.fromisoformat(start).astimezone(UTC), read - datetime.fromisoformat(start)


def test_a_trip_in_the_second_of_the_hours_the_clocks_go_back_keeps_its_hour_in_every_feed(
    client: TestClient, demo_app: App
) -> None:
    """A review: a trip leaving at 01:15 PST on Sun 1 Nov 2026, the night 01:00 to 02:00 comes twice, was in
    the feeds as DTSTART;TZID=America/Los_Angeles:20261101T011500, which RFC 5545 reads as the first 01:15
    (PDT): crew subscribed saw it an hour early. A moment the zone's clock cannot tell is written in UTC."""
    from firstmate.services.roster import claim_role

    start = datetime.fromisoformat("2026-11-01T01:15:00-08:00")  # the second 01:15
    night_body = booking_body(start=start.isoformat(), duration_hours=2)
    night = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(night_body))
    evening_body = booking_body(
        external_id="B", asset="morning-tern", start="2026-10-31T23:00:00-07:00", duration_hours=3.25
    )
    evening = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(evening_body))
    claim_role(demo_app, "demo", night.booking.event_id, "crew_1", "priya")
    for scope, target in ((FeedScope.CREW, "priya"), (FeedScope.ORG, "demo")):
        events = {str(e["UID"]): e for e in _feed(client, demo_app, scope, target).walk("VEVENT")}
        trip = events[f"{night.booking.id}@firstmate"]
        assert trip.decoded("DTSTART").astimezone(UTC) == start.astimezone(UTC)
        assert trip.decoded("DTEND").astimezone(UTC) == datetime(2026, 11, 1, 11, 15, tzinfo=UTC)
        other = events[f"{evening.booking.id}@firstmate"]  # 23:00 PDT to 01:15 PST, as the other leaves
        assert other.decoded("DTEND").astimezone(UTC) == datetime(2026, 11, 1, 9, 15, tzinfo=UTC)
        assert "TZID=America/Los_Angeles:20261031T230000" in other.to_ical().decode()  # told by the zone's clock
