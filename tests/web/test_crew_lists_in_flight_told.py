"""A "Crew needed on N trips" mail being sent (the dispatcher picked it up) as one of its trips is cancelled or moved,
to someone who heard of that trip by this list alone: "Trip cancelled" or "Trip changed" goes only if the list went;
if its send fails, it is withdrawn with it, and only the list in its place tells of the trip (docs/crew.md,
docs/outbox.md)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.outbox import OutboxStatus
from firstmate.services import outbox
from firstmate.services.bookings import cancel_booking, orchestrate_booking
from tests.conftest import booking_body
from tests.web import crew_in_flight as flight

SAT = "Sat 13 Jun 2026"


def _cancel(app: App, trip: str) -> None:
    cancel_booking(app, "demo", trip)


def _move(app: App, trip: str) -> None:
    body = booking_body(external_id="JUNE-13", start="2026-06-13T10:00:00-07:00", asset="sea-lark", duration_hours=3)
    orchestrate_booking(app, "demo", BookingRequest.model_validate(body))


CHANGES: dict[str, tuple[Callable[[App, str], None], str]] = {
    "cancelled": (_cancel, f"Trip cancelled: {SAT}, 16:00 PDT"),
    "moved": (_move, f"Trip changed: {SAT}, 10:00 PDT"),
}


def _changed_as_her_list_goes(app: App, clock: FixedClock, do: Callable[[App, str], None], *, fails: bool) -> list[str]:
    """Priya, made crew by an import, has one "Crew needed on 5 trips" (Sat 13 to Wed 17 Jun), her only word of them;
    as the relay takes it, Sat 13 Jun is changed (`do`); the relay then sends it, or times out. An hour on, all is
    sent."""
    trips = flight.priya_and_her_list(app)
    relay = flight.Relay(app, lambda: do(app, trips[0]), fails=flight.timed_out if fails else None, first_only=True)
    flight.dispatch(app, clock, relay)
    flight.all_sent_an_hour_on(app, clock)
    return trips


def _her_trip_mail(app: App, trip: str) -> list[tuple[str, OutboxStatus, str]]:
    """(subject, status, error) of each message of `trip`'s own to Priya."""
    return [
        (e.message.subject, e.status, e.last_error or "")
        for e in outbox.list_entries(app.store, "demo", limit=None)
        if e.key.startswith(f"bk:{trip}:") and e.message.to == ("priya@example.com",)
    ]


@pytest.mark.parametrize("change", CHANGES)
def test_a_trip_changed_as_the_list_naming_it_fails_to_send_is_not_told_of(
    demo_app: App, clock: FixedClock, change: str
) -> None:
    """A known gap (docs/reliability.md): the list failed to send, so Priya never heard of Sat 13 Jun, yet "Trip
    cancelled" (or "Trip changed") of it went to her beside the list sent in its place. It is withdrawn, saying why."""
    do, subject = CHANGES[change]
    trips = _changed_as_her_list_goes(demo_app, clock, do, fails=True)
    [(told, status, why)] = _her_trip_mail(demo_app, trips[0])
    assert told.startswith(subject) and status is OutboxStatus.DEAD, (told, status, why)
    assert "they never heard of the trip: the list naming it was not sent" in why, why


@pytest.mark.parametrize("change", CHANGES)
def test_a_trip_changed_as_the_list_naming_it_goes_is_told_of(demo_app: App, clock: FixedClock, change: str) -> None:
    """The list went as the change landed: she heard of Sat 13 Jun by it, and is told of its change, once."""
    do, subject = CHANGES[change]
    trips = _changed_as_her_list_goes(demo_app, clock, do, fails=False)
    [(told, status, _)] = _her_trip_mail(demo_app, trips[0])
    assert told.startswith(subject) and status is OutboxStatus.SENT, (told, status)


def _moved_twice(app: App, trip: str) -> None:
    _move(app, trip)
    body = booking_body(external_id="JUNE-13", start="2026-06-13T11:00:00-07:00", asset="sea-lark", duration_hours=3)
    orchestrate_booking(app, "demo", BookingRequest.model_validate(body))


@pytest.mark.parametrize("fails", [True, False])
def test_a_trip_moved_twice_as_the_list_naming_it_is_sent_is_told_of_only_if_the_list_went(
    demo_app: App, clock: FixedClock, fails: bool
) -> None:
    """Sat 13 Jun moves to 10:00, then to 11:00, while the list is being sent: nothing of either move reaches Priya if
    its send fails; if it went, she hears the trip is at 11:00."""
    trips = _changed_as_her_list_goes(demo_app, clock, _moved_twice, fails=fails)
    sent = [s for s, status, _ in _her_trip_mail(demo_app, trips[0]) if status is OutboxStatus.SENT]
    assert sent == ([] if fails else [f"Trip changed: {SAT}, 11:00 PDT, Sea Lark (38 ft sloop)"])


def test_the_page_of_a_list_being_sent_names_the_notice_tied_to_its_send(demo_app: App, clock: FixedClock) -> None:
    """The dispatcher stopped as the relay took Priya's list and Sat 13 Jun was cancelled: the list's page (as `outbox
    show`) said what its send decides of the list in its place, but nothing of the "Trip cancelled" waiting on it, which
    read as an ordinary mail due in five minutes. It names it, and says it goes only if the list went."""
    from tests.reads import admin_browser

    trips = flight.priya_and_her_list(demo_app)
    relay = flight.Relay(demo_app, lambda: _cancel(demo_app, trips[0]), fails=flight.Stopped)
    with pytest.raises(flight.Stopped):
        flight.dispatch(demo_app, clock, relay)
    listed = flight.her_first_list(demo_app)
    [notice] = [e.key for e in outbox.list_entries(demo_app.store, "demo", limit=None)
                if e.key.startswith(f"bk:{trips[0]}:") and e.message.to == ("priya@example.com",)]  # fmt: skip
    expected = f"{notice}, telling its reader of a change to a trip it names, goes only if it went"
    with admin_browser(demo_app, demo_app.store) as (_, browser):
        page = " ".join(browser.get(f"/admin/outbox/demo/{listed.key}").text.split())
    assert expected in page, page


def _more_guests(app: App, trip: str) -> None:
    body = booking_body(external_id="JUNE-13", start="2026-06-13T16:00:00-07:00", asset="sea-lark", guest_count=9)
    orchestrate_booking(app, "demo", BookingRequest.model_validate(body))


def test_a_notice_tied_to_a_list_whose_send_is_tried_again_says_so_not_that_it_was_not_sent(
    demo_app: App, clock: FixedClock
) -> None:
    """Sat 13 Jun takes 9 guests as Priya's list goes (its line unchanged: the list stands) and the relay times out:
    the list is tried again and went, so Priya hears of the trip by it, as one whose list waits does, and her "Trip
    changed" stays withdrawn. Its page said "the list naming it was not sent", beside that list, sent. It says the
    list's send is tried again."""
    trips = _changed_as_her_list_goes(demo_app, clock, _more_guests, fails=True)
    listed = flight.her_first_list(demo_app)
    assert listed.status is OutboxStatus.SENT
    [(told, status, why)] = _her_trip_mail(demo_app, trips[0])
    assert told.startswith("Trip changed") and status is OutboxStatus.DEAD, (told, status, why)
    assert "was not sent" not in why, why
    said = f"they hear of the trip by the list naming it alone: its send failed and is tried again ({listed.key})"
    assert said in why, why
