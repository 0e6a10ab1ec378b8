"""A request's hold and what answers it: a booking written at the same moment, the channel's calendar export listing
the request, and a request whose price alone does not read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import icalendar
import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.sources.bookings.csv_file import parse_csv
from firstmate.adapters.sources.bookings.ics_file import parse_ics
from firstmate.bootstrap import App
from firstmate.ports import Put, Write
from firstmate.services import outbox
from firstmate.services.calendar import Feed, FeedScope, feed_ics
from firstmate.services.imports import ImportReport, import_records
from firstmate.services.keys import create_key
from firstmate.web.app import create_app
from tests.conftest import booking_body
from tests.e2e.test_request_holds import (
    CLASHING,
    CONFIRMED,
    DECLINED,
    REQUEST,
    holds_standing,
    import_email,
)

#: Boatsetter's calendar export listing the request as a hold (no guest lines), at its times: Sat 12 Dec 2026, 10:00
#: to 13:00 PST.
TENTATIVE = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example OTA//EN\r\nBEGIN:VEVENT\r\n"
    b"UID:BS-7Q4K2M\r\nDTSTAMP:20261124T190000Z\r\nDTSTART:20261212T180000Z\r\nDTEND:20261212T210000Z\r\n"
    b"SUMMARY:Pending request\r\nSTATUS:TENTATIVE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _double_booked_mails(app: App) -> list[str]:
    return [e.message.text for e in outbox.list_entries(app.store, "demo") if "Double booked" in e.message.subject]


def _shown(app: App, moment: datetime) -> list[tuple[str, str]]:
    """The org's feed at `moment`: each event's summary and status."""
    feed = icalendar.Calendar.from_ical(feed_ics(app.store, Feed("demo", FeedScope.ORG, "demo"), moment))
    return sorted((str(e["summary"]), str(e["status"])) for e in feed.walk("VEVENT"))


def _before_the_write(
    app: App, monkeypatch: pytest.MonkeyPatch, is_it: Callable[[Sequence[Write]], bool], meanwhile: Callable[[], None]
) -> None:
    """Run `meanwhile` whole just before the first transaction `is_it` picks commits: that write's reads are done,
    and what it decided on them is about to be written, as when two processes write at the same moment."""
    transact = app.store.transact
    done: list[bool] = []

    def interleaved(writes: Sequence[Write], *args: Any, **kwargs: Any) -> Any:
        if not done and is_it(writes):
            done.append(True)
            with monkeypatch.context() as inner:
                inner.setattr(app.store, "transact", transact)
                meanwhile()
        return transact(writes, *args, **kwargs)

    monkeypatch.setattr(app.store, "transact", interleaved)


def _writes_the_hold(writes: Sequence[Write]) -> bool:
    return any(isinstance(w, Put) and w.item.sk.startswith("block@boatsetter#") for w in writes)


def _writes_a_booking(writes: Sequence[Write]) -> bool:
    return any(isinstance(w, Put) and w.item.sk == "BOOKING" for w in writes)


def test_a_confirmation_written_as_its_request_is_held_leaves_no_hold_beside_the_booking(
    demo_app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request email found no booking of BS-7Q4K2M; its confirmation, imported by another process at that moment,
    booked the trip and found no hold to retire; then the request's hold was written: Sea Lark held twice, by the
    booking and by a request the owner had already accepted, until the hold lapsed two days later."""
    clock.set(datetime(2026, 11, 24, 20, 30, tzinfo=UTC))
    confirmed: list[ImportReport] = []
    _before_the_write(
        demo_app, monkeypatch, _writes_the_hold, lambda: confirmed.append(import_email(demo_app, CONFIRMED))
    )
    held = import_email(demo_app, REQUEST)
    monkeypatch.undo()
    assert dict(confirmed[0].counts) == {"created": 1}
    assert dict(held.counts) == {"unchanged": 1} and not held.double_booked  # answered already: older news
    assert holds_standing(demo_app) == []
    assert _shown(demo_app, clock.now()) == [("Sea Lark: Dana Whitcomb (6 guests)", "CONFIRMED")]
    assert _double_booked_mails(demo_app) == []


def test_the_channels_api_booking_written_as_its_request_is_held_retires_the_hold(
    demo_app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other order: the channel's API booking found no hold to retire, the request email was imported whole (no
    booking yet), then the booking was written beside the hold, and its answer named its own request as a double
    booking."""
    clock.set(datetime(2026, 11, 24, 20, 30, tzinfo=UTC))
    key = create_key(demo_app.store, "demo", "boatsetter", clock.now())[1]
    body = booking_body(source="boatsetter", external_id="BS-7Q4K2M", start="2026-12-12T10:00:00-08:00")
    held: list[ImportReport] = []
    _before_the_write(demo_app, monkeypatch, _writes_a_booking, lambda: held.append(import_email(demo_app, REQUEST)))
    with TestClient(create_app(demo_app)) as client:
        answer = client.post("/api/v1/bookings", json=body, headers={"Authorization": f"Bearer {key}"})
    monkeypatch.undo()
    assert dict(held[0].counts) == {"request held": 1}
    assert answer.status_code == 201, answer.text
    assert answer.json()["result"] == "created" and answer.json()["double_booked"] == []
    assert holds_standing(demo_app) == []
    assert _double_booked_mails(demo_app) == []


def test_the_confirmation_email_written_as_its_request_is_held_retires_the_hold(
    demo_app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same order through an import: the booking is written, then its hold is looked for, and found."""
    clock.set(datetime(2026, 11, 24, 20, 30, tzinfo=UTC))
    held: list[ImportReport] = []
    _before_the_write(demo_app, monkeypatch, _writes_a_booking, lambda: held.append(import_email(demo_app, REQUEST)))
    confirmed = import_email(demo_app, CONFIRMED)
    monkeypatch.undo()
    assert dict(held[0].counts) == {"request held": 1}
    assert dict(confirmed.counts) == {"created": 1, "blocked now booked": 1} and not confirmed.double_booked
    assert holds_standing(demo_app) == []
    assert _double_booked_mails(demo_app) == []


def test_the_channels_calendar_export_of_a_held_request_keeps_its_lapse(demo_app: App, clock: FixedClock) -> None:
    """Boatsetter's calendar export, listing the emailed request as a hold (STATUS:TENTATIVE), replaced the email's
    hold with one that never lapsed: a request nobody answered held Sea Lark until the trip's day, and a booking two
    days later was told as a double booking."""
    clock.set(datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    assert dict(import_email(demo_app, REQUEST).counts) == {"request held": 1}
    export = parse_ics(TENTATIVE, source="boatsetter", timezone="UTC", asset="sea-lark")
    listed = import_records(demo_app, "demo", export)
    assert dict(listed.counts) == {"blocked updated": 1}, listed
    assert holds_standing(demo_app) == ["Pending request"]
    assert _shown(demo_app, datetime(2026, 11, 26, 18, 0, tzinfo=UTC)) == [("Pending request", "CONFIRMED")]
    assert _shown(demo_app, datetime(2026, 11, 26, 18, 3, tzinfo=UTC)) == [("Pending request", "CANCELLED")]
    # the same export again changes nothing, and still lapses
    assert dict(import_records(demo_app, "demo", export).counts) == {"blocked unchanged": 1}
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    booked = import_records(demo_app, "demo", parse_csv(CLASHING))
    assert dict(booked.counts) == {"created": 1} and booked.double_booked == []
    assert _double_booked_mails(demo_app) == []


def test_the_channels_calendar_export_moving_a_held_request_later_keeps_the_emails_48_hours(
    demo_app: App, clock: FixedClock
) -> None:
    """A request emailed the day before its trip held Sea Lark until the trip's start. Boatsetter's export then listed
    it a week later: the hold lapsed at the old trip's start, a day before the email's 48 hours were up, so the
    feeds showed it lapsed while the renter's request still stood. It lapses 48 hours after the email."""
    clock.set(datetime(2026, 12, 11, 18, 30, tzinfo=UTC))
    emailed = REQUEST.replace(b"Date: Tue, 24 Nov 2026 18:02:11 +0000", b"Date: Fri, 11 Dec 2026 18:02:11 +0000")
    assert dict(import_email(demo_app, emailed).counts) == {"request held": 1}
    moved = TENTATIVE.replace(
        b"DTSTART:20261212T180000Z\r\nDTEND:20261212T210000Z", b"DTSTART:20261219T180000Z\r\nDTEND:20261219T210000Z"
    )
    listed = import_records(demo_app, "demo", parse_ics(moved, source="boatsetter", timezone="UTC", asset="sea-lark"))
    assert dict(listed.counts) == {"blocked updated": 1}, listed
    assert _shown(demo_app, datetime(2026, 12, 13, 9, 0, tzinfo=UTC)) == [("Pending request", "CONFIRMED")]
    assert _shown(demo_app, datetime(2026, 12, 13, 18, 3, tzinfo=UTC)) == [("Pending request", "CANCELLED")]


def test_a_calendar_export_hold_without_an_email_still_holds_until_answered(demo_app: App, clock: FixedClock) -> None:
    """A hold only the export listed never had a lapse to keep: it holds until answered, as before."""
    clock.set(datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    export = parse_ics(TENTATIVE, source="boatsetter", timezone="UTC", asset="sea-lark")
    assert dict(import_records(demo_app, "demo", export).counts) == {"blocked created": 1}
    assert _shown(demo_app, datetime(2026, 12, 1, tzinfo=UTC)) == [("Pending request", "CONFIRMED")]


@pytest.mark.parametrize(
    ("price", "why"),
    [
        (
            b"\xc2\xa5120,000",
            "the total trip price '\u00a5120,000' does not say whether '\u00a5' is yen or yuan: write it like JPY "
            "120,000 or CNY 120,000",
        ),
        (
            b"about 800 dollars",
            "cannot read the total trip price 'about 800 dollars': write it like $840.75, or with its currency: EUR "
            "450.00",
        ),
        (None, "it has no 'Total trip price:' line"),
    ],
)
def test_a_request_whose_price_alone_does_not_read_still_holds_its_boat_and_says_so(
    demo_app: App, clock: FixedClock, price: bytes | None, why: str
) -> None:
    """A request whose total did not read (yen or yuan?) held nothing: Sea Lark looked free while the owner considered
    it, though a hold keeps no price. It holds the boat, and the import says the price could not be read."""
    clock.set(datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    total = b"Total trip price: " + price if price is not None else b""
    held = import_email(demo_app, REQUEST.replace(b"Total trip price: $840.75\n", total + b"\n" if total else b""))
    assert dict(held.counts) == {"request held": 1}
    [said] = held.not_booked
    assert said.startswith(
        "boatsetter BS-7Q4K2M is a booking request awaiting the owner's acceptance: nothing was booked; Sea Lark is "
        "held for it on Sat 12 Dec 2026, 10:00 PST, until Thu 26 Nov 2026, 10:02 PST, unless answered before"
    ), said
    assert said.endswith(
        f"its decline will release it; its price could not be read ({why}): the hold keeps none, and the booking "
        "takes its confirmation email's"
    ), said
    assert holds_standing(demo_app) == ["Request: Dana Whitcomb, 6 passengers"]
    # its confirmation, whose price reads, books it and the hold goes
    confirmed = import_email(demo_app, CONFIRMED)
    assert dict(confirmed.counts) == {"created": 1, "blocked now booked": 1}
    assert holds_standing(demo_app) == []


def test_the_channels_export_of_a_request_declined_since_says_it_was_declined_and_counts_nothing_again(
    demo_app: App, clock: FixedClock
) -> None:
    """A review: the request held Sea Lark and its decline released it ("1 blocked cancelled"); the channel's calendar
    export, still listing the request `STATUS:TENTATIVE`, counted "1 blocked cancelled" again and said the request
    "was cancelled before it arrived", where it was held, then declined. It says the decline stands, counts nothing
    new, holds no boat, and tells nobody, however often the export is imported."""
    clock.set(datetime(2026, 11, 24, 20, 30, tzinfo=UTC))
    assert dict(import_email(demo_app, REQUEST).counts) == {"request held": 1}
    assert dict(import_email(demo_app, DECLINED).counts) == {"blocked cancelled": 1, "cancellation remembered": 1}
    export = parse_ics(TENTATIVE, source="boatsetter", timezone="UTC", asset="sea-lark")
    for _ in range(2):
        listed = import_records(demo_app, "demo", export)
        assert dict(listed.counts) == {"blocked unchanged": 1}, listed.counts
        assert listed.not_booked == [
            "boatsetter BS-7Q4K2M, held as “Pending request” (Sat 12 Dec 2026, 10:00 PST), was declined (or withdrawn) "
            "by an email imported earlier: the decline stands, and it holds no boat"
        ], listed.not_booked
        assert holds_standing(demo_app) == [] and outbox.list_entries(demo_app.store, "demo") == []
