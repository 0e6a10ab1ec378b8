"""A marketplace's booking request holds its boat until the owner answers it, or the hold lapses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import icalendar
import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.sources.bookings.csv_file import parse_csv
from firstmate.adapters.sources.bookings.email import parse_email
from firstmate.bootstrap import App
from firstmate.demo.run import SAMPLE_EMAIL
from firstmate.domain.bookings import BookingRequest, BookingStatus
from firstmate.domain.intake import CancelledByReference
from firstmate.ports import Put
from firstmate.services import outbox
from firstmate.services.business import load_business
from firstmate.services.calendar import Feed, FeedScope, feed_ics
from firstmate.services.imports import ImportReport, import_records
from firstmate.services.paging import all_items
from firstmate.services.trips import calendar_pk
from tests.e2e.test_booking_import import REQUEST_EMAIL

BOATS = {"sea-lark": "Sea Lark (38 ft sloop)", "morning-tern": "Morning Tern (45 ft catamaran)"}
LA = "America/Los_Angeles"
SENT = datetime(2026, 11, 24, 18, 2, 11, tzinfo=UTC)  # the request's Date
#: Boatsetter's email of a renter asking for Sea Lark on Sat 12 Dec 2026, 10:00 to 13:00 PST; the owner has not
#: answered yet.
REQUEST = REQUEST_EMAIL
#: The owner's acceptance, two hours later.
CONFIRMED = SAMPLE_EMAIL.read_bytes().replace(
    b"Date: Tue, 24 Nov 2026 18:02:11 +0000", b"Date: Tue, 24 Nov 2026 20:02:11 +0000"
)
#: The owner's decline, two hours later, as a cancellation with the trip's lines.
DECLINED = CONFIRMED.replace(
    b"Subject: Booking confirmed: Sea Lark on Saturday, December 12, 2026", b"Subject: Booking request declined"
).replace(b"Booking confirmed!\n", b"Booking cancelled\n")
#: Another channel's booking of Sea Lark at the same times.
CLASHING = (
    "external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email\n"
    "W-2201,sea-lark,2026-12-12T11:00:00-08:00,2,4,500.00,USD,Avery Quill,avery.quill@example.com\n"
)


def import_email(app: App, raw: bytes) -> ImportReport:
    report = import_records(app, "demo", parse_email(raw, timezone=LA, boats=BOATS))
    assert report.ok, report.errors
    return report


def holds_standing(app: App) -> list[str]:
    """The titles of the blocked slots holding a boat, as stored."""
    return [
        e.data["title"]
        for e in all_items(app.store, calendar_pk("demo"))
        if e.data["kind"] == "blocked" and not e.data["cancelled"]
    ]


def _at(clock: FixedClock, moment: datetime) -> None:
    clock.set(moment)


def test_a_request_email_holds_its_boat_and_is_told_to_nobody(demo_app: App, clock: FixedClock) -> None:
    """A booking request email booked nothing and held nothing: Sea Lark looked free while the owner considered it,
    and another channel could sell the same morning."""
    _at(clock, datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    held = import_email(demo_app, REQUEST)
    assert dict(held.counts) == {"request held": 1}
    assert held.summary() == "1 request held"
    assert held.not_booked == [
        "boatsetter BS-7Q4K2M is a booking request awaiting the owner's acceptance: nothing was booked; Sea Lark is "
        "held for it on Sat 12 Dec 2026, 10:00 PST, until Thu 26 Nov 2026, 10:02 PST, unless answered before: its "
        "confirmation email will book it, its decline will release it"
    ]
    [slot] = [e.data for e in all_items(demo_app.store, calendar_pk("demo"))]
    assert (slot["title"], slot["asset"], slot["kind"], slot["cancelled"]) == (
        "Request: Dana Whitcomb, 6 passengers",
        "sea-lark",
        "blocked",
        False,
    )
    assert (slot["start"], slot["end"]) == ("2026-12-12T18:00:00Z", "2026-12-12T21:00:00Z")
    assert "840" not in str(slot) and "624" not in str(slot)  # no money in a hold
    assert outbox.list_entries(demo_app.store, "demo") == []  # nobody is told of a request
    again = import_email(demo_app, REQUEST)
    assert dict(again.counts) == {"unchanged": 1}
    assert holds_standing(demo_app) == ["Request: Dana Whitcomb, 6 passengers"]


def test_a_booking_into_a_held_request_is_a_double_booking(demo_app: App, clock: FixedClock) -> None:
    _at(clock, datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    import_email(demo_app, REQUEST)
    booked = import_records(demo_app, "demo", parse_csv(CLASHING))
    assert dict(booked.counts) == {"created": 1}
    assert len(booked.double_booked) == 1 and "Request: Dana Whitcomb, 6 passengers" in booked.double_booked[0]
    told = [e for e in outbox.list_entries(demo_app.store, "demo") if "Double booked" in e.message.subject]
    assert len(told) == 1


def test_the_confirmation_email_books_the_trip_and_retires_the_hold(demo_app: App, clock: FixedClock) -> None:
    _at(clock, datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    import_email(demo_app, REQUEST)
    confirmed = import_email(demo_app, CONFIRMED)
    assert dict(confirmed.counts) == {"created": 1, "blocked now booked": 1}
    assert not confirmed.double_booked  # not with its own hold
    assert holds_standing(demo_app) == []
    assert not [e for e in outbox.list_entries(demo_app.store, "demo") if "Double booked" in e.message.subject]
    # the request imported again, after its confirmation, holds nothing
    older = import_email(demo_app, REQUEST)
    assert dict(older.counts) == {"unchanged": 1} and not older.double_booked
    assert holds_standing(demo_app) == []


def test_a_confirmation_imported_before_its_request_is_not_held_again(demo_app: App, clock: FixedClock) -> None:
    _at(clock, datetime(2026, 11, 24, 21, 0, tzinfo=UTC))
    assert dict(import_email(demo_app, CONFIRMED).counts) == {"created": 1}
    late = import_email(demo_app, REQUEST)
    assert dict(late.counts) == {"unchanged": 1} and not late.double_booked
    assert holds_standing(demo_app) == []


def test_a_decline_releases_the_hold_and_the_request_replayed_stays_released(demo_app: App, clock: FixedClock) -> None:
    _at(clock, datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    import_email(demo_app, REQUEST)
    declined = import_email(demo_app, DECLINED)
    assert dict(declined.counts) == {"blocked cancelled": 1, "cancellation remembered": 1}
    assert holds_standing(demo_app) == []
    assert outbox.list_entries(demo_app.store, "demo") == []  # nobody had heard of it
    assert dict(import_email(demo_app, REQUEST).counts) == {"unchanged": 1}
    assert holds_standing(demo_app) == []


def test_a_short_cancellation_releases_the_hold(demo_app: App, clock: FixedClock) -> None:
    _at(clock, datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    import_email(demo_app, REQUEST)
    lines = (b"Trip date:", b"Start time:", b"Duration:", b"Passengers:", b"Total trip price:")
    short = b"\n".join(row for row in DECLINED.split(b"\n") if not row.startswith(lines))
    cancelled = import_email(demo_app, short)
    assert dict(cancelled.counts) == {"blocked cancelled": 1, "cancellation remembered": 1}
    assert holds_standing(demo_app) == []
    assert dict(import_email(demo_app, REQUEST).counts) == {"unchanged": 1}
    assert holds_standing(demo_app) == []


def test_a_request_never_answered_stops_holding_the_boat(demo_app: App, clock: FixedClock) -> None:
    """Held for 48 hours after the marketplace sent it (or to the trip's start, if sooner), then the boat is free:
    a booking then is no double booking, and the feeds show the hold cancelled."""
    _at(clock, datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    import_email(demo_app, REQUEST)
    org_feed = Feed("demo", FeedScope.ORG, "demo")

    def shown(moment: datetime) -> list[tuple[str, str]]:
        events = icalendar.Calendar.from_ical(feed_ics(demo_app.store, org_feed, moment)).walk("VEVENT")
        return [(str(e["summary"]), str(e["status"])) for e in events]

    assert shown(datetime(2026, 11, 26, 18, 0, tzinfo=UTC)) == [("Request: Dana Whitcomb, 6 passengers", "CONFIRMED")]
    assert shown(datetime(2026, 11, 26, 18, 3, tzinfo=UTC)) == [("Request: Dana Whitcomb, 6 passengers", "CANCELLED")]
    _at(clock, datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    booked = import_records(demo_app, "demo", parse_csv(CLASHING))
    assert dict(booked.counts) == {"created": 1} and booked.double_booked == []
    assert not [e for e in outbox.list_entries(demo_app.store, "demo") if "Double booked" in e.message.subject]
    # imported once it has lapsed, it holds nothing, and says so
    lapsed = import_email(demo_app, REQUEST)
    assert not lapsed.double_booked


def test_a_request_imported_after_its_hold_would_have_lapsed_holds_nothing(demo_app: App, clock: FixedClock) -> None:
    _at(clock, datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    report = import_email(demo_app, REQUEST)
    assert not report.counts
    assert report.not_booked == [
        "boatsetter BS-7Q4K2M is a booking request awaiting the owner's acceptance: nothing was booked; its hold "
        "of Sea Lark lapsed on Thu 26 Nov 2026, 10:02 PST, unanswered: nothing is held; its confirmation email "
        "will book it"
    ]
    assert all_items(demo_app.store, calendar_pk("demo")) == []


def test_a_request_whose_lines_do_not_read_holds_nothing_and_says_why(demo_app: App, clock: FixedClock) -> None:
    """A request for a boat firstmate does not know (or whose lines did not read) held nothing, and said only "nothing
    was booked; its confirmation email will book it", as before holds: the owner took the boat for held."""
    _at(clock, datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    for raw, why in [
        (REQUEST.replace(b"Passengers: 6", b"Passengers: a few"), "cannot read the passengers 'a few'"),
        (
            REQUEST.replace(b"Boat: Sea Lark", b"Boat: Sea Swift"),
            "the email names boat 'Sea Swift', which no asset is called",
        ),
        (REQUEST.replace(b"Boat: Sea Lark\n", b""), "it has no 'Boat:' line"),
        (REQUEST.replace(b"Date: Tue, 24 Nov 2026 18:02:11 +0000\n", b""), "it has no Date saying when it was sent"),
    ]:
        report = import_email(demo_app, raw)
        assert not report.counts
        [said] = report.not_booked
        assert said.startswith(
            "boatsetter BS-7Q4K2M is a booking request awaiting the owner's acceptance: nothing was booked, and no "
            f"boat is held: {why}"
        ), said
        assert said.endswith("; its confirmation email will book it"), said
    assert all_items(demo_app.store, calendar_pk("demo")) == []


def test_crew_feeds_show_a_held_request_without_the_renters_name(demo_app: App, clock: FixedClock) -> None:
    _at(clock, datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    import_email(demo_app, REQUEST)
    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    boat = profile.asset("sea-lark")
    assert boat is not None
    line = Feed("demo", FeedScope.ENTITY, boat.entity)
    events = icalendar.Calendar.from_ical(feed_ics(demo_app.store, line, clock.now())).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Request: 6 passengers"]


def test_a_declined_request_reads_as_cancelled_and_a_declined_payment_does_not() -> None:
    """ "Booking request declined" was read as the request itself ("awaiting the owner's acceptance"): the decline
    held the boat it was freeing."""
    for subject, cancelled in [
        ("Booking request declined", True),
        ("You declined Dana's booking request", True),
        ("Payment declined for your booking", False),
        ("Booking confirmed: your card was declined, then accepted", False),
    ]:
        raw = CONFIRMED.replace(
            b"Subject: Booking confirmed: Sea Lark on Saturday, December 12, 2026", f"Subject: {subject}".encode()
        ).replace(b"Booking confirmed!\n", b"Hi Marisol,\n")
        [record] = parse_email(raw, timezone=LA, boats=BOATS)
        # a decline names its request by reference: it was never a booking, whatever lines it repeats
        if cancelled:
            assert record == CancelledByReference("boatsetter", "BS-7Q4K2M", 848865731), subject
        else:
            assert isinstance(record, BookingRequest), (subject, record)
            assert record.status is BookingStatus.CONFIRMED, subject


def test_a_request_held_over_a_trip_already_booked_is_said_and_told(demo_app: App, clock: FixedClock) -> None:
    _at(clock, datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    assert dict(import_records(demo_app, "demo", parse_csv(CLASHING)).counts) == {"created": 1}
    held = import_email(demo_app, REQUEST)
    assert dict(held.counts) == {"request held": 1}
    assert len(held.double_booked) == 1 and held.double_booked[0].startswith(
        "blocked slot “Request: Dana Whitcomb, 6 passengers”: "
    )
    told = [e for e in outbox.list_entries(demo_app.store, "demo") if "Double booked" in e.message.subject]
    assert len(told) == 1


def test_a_decline_of_a_request_never_held_tells_nobody_of_a_cancelled_booking(
    demo_app: App, clock: FixedClock
) -> None:
    """A decline whose request was never imported (or held nothing) was recorded as a booking never heard of, cancelled,
    and mailed to the operations manager as "Cancelled booking", money and all: of a trip nobody ever booked."""
    _at(clock, datetime(2026, 11, 24, 21, 0, tzinfo=UTC))
    declined = import_email(demo_app, DECLINED)
    assert dict(declined.counts) == {"cancellation remembered": 1}
    assert outbox.list_entries(demo_app.store, "demo") == []
    assert [e for e in all_items(demo_app.store, calendar_pk("demo")) if e.data["kind"] == "booking"] == []
    # the request, imported after its decline, holds nothing
    assert dict(import_email(demo_app, REQUEST).counts) == {"unchanged": 1}
    assert holds_standing(demo_app) == []


def test_a_double_booking_with_a_request_says_when_it_lapses_and_is_not_sent_after(
    demo_app: App, clock: FixedClock
) -> None:
    """A booking into a request's hold an hour before it lapsed told "Double booked!" of a blocked slot "(from
    boatsetter)", naming neither the request nor its lapse; and one not sent before the lapse went out after it,
    of a boat no longer held twice."""
    _at(clock, datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    import_email(demo_app, REQUEST)
    _at(clock, datetime(2026, 11, 26, 17, 2, tzinfo=UTC))  # an hour before the hold lapses
    import_records(demo_app, "demo", parse_csv(CLASHING))
    [told] = [e for e in outbox.list_entries(demo_app.store, "demo") if "Double booked" in e.message.subject]
    assert (
        "- blocked Sat 12 Dec 2026, 10:00 PST to 13:00: “Request: Dana Whitcomb, 6 passengers” (from boatsetter, "
        "BS-7Q4K2M; a request, held until Thu 26 Nov 2026, 10:02 PST unless answered)"
    ) in told.message.text, told.message.text
    _at(clock, datetime(2026, 11, 26, 18, 3, tzinfo=UTC))  # the dispatcher runs once the hold has lapsed
    outbox.dispatch_outbox(
        demo_app.store, demo_app.mailer, clock, demo_app.retry_policy, keys=demo_app.signing_keys, limit=50
    )
    [told] = [e for e in outbox.list_entries(demo_app.store, "demo") if "Double booked" in e.message.subject]
    assert told.status.value != "sent"


def test_the_channels_api_booking_of_a_held_request_retires_its_hold(demo_app: App, clock: FixedClock) -> None:
    """A marketplace that booked a held request through the API (POST /api/v1/bookings, its channel and reference)
    left the request's hold standing till it lapsed: the answer and the operations manager's "Double booked!" set the
    booking against its own request, and the feeds showed the boat held twice."""
    from fastapi.testclient import TestClient

    from firstmate.services.keys import create_key
    from firstmate.web.app import create_app
    from tests.conftest import booking_body

    _at(clock, datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    import_email(demo_app, REQUEST)
    key = create_key(demo_app.store, "demo", "boatsetter", clock.now())[1]
    body = booking_body(source="boatsetter", external_id="BS-7Q4K2M", start="2026-12-12T10:00:00-08:00")
    with TestClient(create_app(demo_app)) as client:
        answer = client.post("/api/v1/bookings", json=body, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["double_booked"] == [] and answer.json()["result"] == "created"
    assert holds_standing(demo_app) == []
    assert not [e for e in outbox.list_entries(demo_app.store, "demo") if "Double booked" in e.message.subject]
    org_feed = Feed("demo", FeedScope.ORG, "demo")
    events = icalendar.Calendar.from_ical(feed_ics(demo_app.store, org_feed, clock.now())).walk("VEVENT")
    assert sorted((str(e["summary"]), str(e["status"])) for e in events) == [
        ("Request: Dana Whitcomb, 6 passengers", "CANCELLED"),
        ("Sea Lark: Dana Whitcomb (6 guests)", "CONFIRMED"),
    ]
    # the request imported again, after its booking, holds nothing
    older = import_email(demo_app, REQUEST)
    assert dict(older.counts) == {"unchanged": 1} and not older.double_booked
    assert holds_standing(demo_app) == []


def test_another_channels_api_booking_of_the_same_reference_leaves_the_hold(demo_app: App, clock: FixedClock) -> None:
    """A hold is its own channel's: a direct booking that happens to carry the same reference is another
    reservation, and a double booking with the request."""
    from fastapi.testclient import TestClient

    from firstmate.services.keys import create_key
    from firstmate.web.app import create_app
    from tests.conftest import booking_body

    _at(clock, datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    import_email(demo_app, REQUEST)
    key = create_key(demo_app.store, "demo", "website", clock.now())[1]
    body = booking_body(source="direct", external_id="BS-7Q4K2M", start="2026-12-12T10:00:00-08:00")
    with TestClient(create_app(demo_app)) as client:
        answer = client.post("/api/v1/bookings", json=body, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 201, answer.text
    assert len(answer.json()["double_booked"]) == 1
    assert holds_standing(demo_app) == ["Request: Dana Whitcomb, 6 passengers"]
    assert len([e for e in outbox.list_entries(demo_app.store, "demo") if "Double booked" in e.message.subject]) == 1


def test_a_store_failing_as_the_channels_api_booking_is_written_leaves_its_request_held(
    demo_app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review: the hold was cancelled in a write of its own before the booking's, so a store failing at the booking
    (503, the channel to send it again) left neither holding Sea Lark: the feeds showed the morning free, and a channel
    that gave up on its retry had no booking and no hold. The hold goes in the booking's own transaction: refused, it
    stands; sent again, the booking is made and the hold goes."""
    from fastapi.testclient import TestClient

    from firstmate.errors import StoreUnavailable
    from firstmate.services.keys import create_key
    from firstmate.web.app import create_app
    from tests.conftest import booking_body

    _at(clock, datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    import_email(demo_app, REQUEST)
    key = create_key(demo_app.store, "demo", "boatsetter", clock.now())[1]
    body = booking_body(source="boatsetter", external_id="BS-7Q4K2M", start="2026-12-12T10:00:00-08:00")
    transact = demo_app.store.transact

    def down_at_the_booking(writes: list[Any], *args: Any, **kwargs: Any) -> Any:
        if any(isinstance(w, Put) and w.item.sk == "BOOKING" for w in writes):
            raise StoreUnavailable("the store did not answer")
        return transact(writes, *args, **kwargs)

    org_feed = Feed("demo", FeedScope.ORG, "demo")
    with TestClient(create_app(demo_app)) as client:
        monkeypatch.setattr(demo_app.store, "transact", down_at_the_booking)
        refused = client.post("/api/v1/bookings", json=body, headers={"Authorization": f"Bearer {key}"})
        assert refused.status_code == 503, refused.text
        assert holds_standing(demo_app) == ["Request: Dana Whitcomb, 6 passengers"]
        events = icalendar.Calendar.from_ical(feed_ics(demo_app.store, org_feed, clock.now())).walk("VEVENT")
        assert [(str(e["summary"]), str(e["status"])) for e in events] == [
            ("Request: Dana Whitcomb, 6 passengers", "CONFIRMED")
        ]
        monkeypatch.undo()
        again = client.post("/api/v1/bookings", json=body, headers={"Authorization": f"Bearer {key}"})
    assert again.status_code == 201 and again.json()["double_booked"] == [], again.text
    assert holds_standing(demo_app) == []
    assert not [e for e in outbox.list_entries(demo_app.store, "demo") if "Double booked" in e.message.subject]
