"""A "Crew needed on N trips" mail being sent (the dispatcher picked it up) when one of its trips is cancelled or has
its last role open to the reader taken: if the send fails it is withdrawn and the trips that still need them go in
its place; if it goes it stands, and nothing more is sent of it (docs/crew.md, docs/outbox.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.outbox import OutboxStatus
from firstmate.errors import StoreUnavailable
from firstmate.ports import Item, Put, Write
from firstmate.services import outbox
from firstmate.services.bookings import cancel_booking
from firstmate.services.roster import claim_role
from tests.conftest import send_due
from tests.web import crew_in_flight as flight
from tests.web.test_crew_freed import asked, book, inactive_priya_and_trips, made_crew_by_an_import
from tests.web.test_crew_lists_roster import event_of


def _sent_lists(app: App, person: str) -> list[str]:
    """The texts of the "Crew needed" mails (a list or a trip's own) that went out to `person`."""
    return [
        e.message.text
        for e in outbox.list_entries(app.store, "demo", limit=None)
        if e.message.to == (f"{person}@example.com",)
        and e.message.subject.startswith("Crew needed")
        and e.status is OutboxStatus.SENT
    ]


def _list_in_flight(app: App, clock: FixedClock, change: str, *, fails: bool) -> list[str]:
    """Priya's "Crew needed on 5 trips" picked up by the dispatcher; as the relay takes it, Sat 13 Jun is `change`d
    ("cancel": cancelled; "claim": Theo takes crew 1, the one role there open to her); the relay then sends it, or
    times out. The other mails of the pass go. Her trips, Sat 13 to Wed 17 Jun."""
    trips = flight.priya_and_her_list(app)

    def changed() -> None:
        if change == "cancel":
            cancel_booking(app, "demo", trips[0])
        else:
            claim_role(app, "demo", event_of(trips[0]), "crew_1", "theo")

    flight.dispatch(app, clock, flight.Relay(app, changed, fails=flight.timed_out if fails else None))
    flight.all_sent_an_hour_on(app, clock)
    return trips


@pytest.mark.parametrize("change", ["cancel", "claim"])
def test_a_list_being_sent_as_a_trip_of_it_changes_is_withdrawn_if_its_send_fails(
    demo_app: App, clock: FixedClock, change: str
) -> None:
    """A known gap (docs/reliability.md): the list's send failed and it was retried, naming a trip cancelled (after
    "Trip cancelled") or with nothing left open to her. It is withdrawn, saying why, and the four trips that still
    need her go in its place, once."""
    trips = _list_in_flight(demo_app, clock, change, fails=True)
    first = flight.her_first_list(demo_app)
    assert first.status is OutboxStatus.DEAD and (first.last_error or "").startswith("not sent: the trip Sat 13 Jun")
    [sent] = _sent_lists(demo_app, "priya")
    assert "4 trips to come" in sent and event_of(trips[0]) not in sent
    assert all(f"/crew/events/{event_of(trip)}" in sent for trip in trips[1:])


@pytest.mark.parametrize("change", ["cancel", "claim"])
def test_a_list_being_sent_as_a_trip_of_it_changes_stands_once_sent(
    demo_app: App, clock: FixedClock, change: str
) -> None:
    """The list went as the change landed: it was sent before it, and stands; nothing in its place follows it (the
    trip's own news does)."""
    trips = _list_in_flight(demo_app, clock, change, fails=False)
    [sent] = _sent_lists(demo_app, "priya")
    assert "5 trips to come" in sent and event_of(trips[0]) in sent
    [(status, why)] = [
        (e.status, e.last_error or "")
        for e in outbox.list_entries(demo_app.store, "demo", limit=None)
        if e.key.startswith("crew-asked:priya:") and e.message.subject == "Crew needed on 4 trips"
    ]
    assert status is OutboxStatus.DEAD and why.endswith("went out: that one stands"), why


@pytest.mark.parametrize("fails", [True, False])
def test_a_list_being_sent_as_two_of_its_trips_change_goes_once_either_way(
    demo_app: App, clock: FixedClock, fails: bool
) -> None:
    """Theo took Sat 13 Jun and Sun 14 Jun was cancelled while the list was being sent: it went, and stands alone; or
    its send failed, and the three trips left ask her each by its own "Crew needed", as a list of three does."""
    trips = flight.priya_and_her_list(demo_app)

    def two_changed() -> None:
        claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo")
        cancel_booking(demo_app, "demo", trips[1])

    relay = flight.Relay(demo_app, two_changed, fails=flight.timed_out if fails else None)
    flight.dispatch(demo_app, clock, relay)
    flight.all_sent_an_hour_on(demo_app, clock)
    sent = _sent_lists(demo_app, "priya")
    if fails:
        said = sorted(text.split("Crew needed: ")[1].split(" 2026")[0] for text in sent)
        assert said == ["Mon 15 Jun", "Tue 16 Jun", "Wed 17 Jun"]
    else:
        [only] = sent
        assert "5 trips to come" in only


def _list_recorded_under(app: App, clock: FixedClock, meanwhile: Callable[[int, list[str]], None]) -> list[str]:
    """Priya's "Crew needed on 5 trips" picked up; as the relay takes it Theo takes crew 1 on Sat 13 Jun (marking it,
    a list of 4 queued in its place); the send lands, and each time the dispatcher writes its record `meanwhile(n)`
    happens first (n: the tries so far; her trips). Then an hour passes, past the lease, and the outbox is sent."""
    trips = flight.priya_and_her_list(app)

    def theo_claims() -> None:
        claim_role(app, "demo", event_of(trips[0]), "crew_1", "theo")

    transact, tries = app.store.transact, [0]

    def recording(writes: Sequence[Write]) -> list[Item]:
        if any(isinstance(w, Put) and w.item.sk.startswith("crew-asked:priya:") and w.item.data.get("status") == "sent"
               for w in writes):  # fmt: skip
            tries[0] += 1
            meanwhile(tries[0], trips)
        return transact(writes)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app.store, "transact", recording)
        flight.dispatch(app, clock, flight.Relay(app, theo_claims))
    flight.all_sent_an_hour_on(app, clock)
    return trips


def test_a_list_sent_as_more_of_its_trips_change_while_its_send_is_recorded_still_goes_once(
    demo_app: App, clock: FixedClock
) -> None:
    """Theo, Jonah and Marisol take crew 1 on three more of Priya's trips, each in the moment the dispatcher records the
    list's send (each change queues the list anew in its place). Its record was given up after three such tries: the
    list that went was called "not sent" once its lease lapsed, and what was queued in its place went too (Priya had
    the list of 5 and each remaining trip's own "Crew needed"). It is recorded sent, and stands alone."""

    def others_claim(n: int, trips: list[str]) -> None:
        if 2 <= n <= 4:  # the first try is refused as the entry was marked; then each recording it over the mark
            claim_role(demo_app, "demo", event_of(trips[n - 1]), "crew_1", ("theo", "jonah", "marisol")[n - 2])

    _list_recorded_under(demo_app, clock, others_claim)
    [sent] = _sent_lists(demo_app, "priya")
    assert "5 trips to come" in sent
    [first] = [e for e in outbox.list_entries(demo_app.store, "demo", limit=None) if e.message.text == sent]
    assert first.status is OutboxStatus.SENT and first.last_error is None


def test_a_list_sent_as_its_record_is_throttled_is_recorded_once_the_store_answers(
    demo_app: App, clock: FixedClock
) -> None:
    """The store throttles the write recording the list's send twice (DynamoDB refusing a transaction, SQLite locked by
    another writer). The pass stopped there, the record unwritten: once the lease lapsed the list was called "not sent"
    and the list of 4 queued in its place went too. It is asked again, backing off, as any send's record is."""

    def throttled(n: int, trips: list[str]) -> None:
        if n in (2, 3):  # the first try is refused as the entry was marked; those recording it over the mark
            raise StoreUnavailable("DynamoDB is throttling these items")

    _list_recorded_under(demo_app, clock, throttled)
    [sent] = _sent_lists(demo_app, "priya")
    assert "5 trips to come" in sent


def test_the_admin_page_says_a_list_being_sent_as_its_trip_changed_may_yet_go_and_what_waits_in_its_place(
    demo_app: App, clock: FixedClock
) -> None:
    """The dispatcher stopped mid-send (or is still sending) as Theo took Sat 13 Jun: the list's page said "sending"
    and "not sent: …; listed anew as …", though the relay may have it, and nothing told why the list of 4 waits. It
    says what its send decides: withdrawn if it fails, the list of 4 going in its place; standing if it went, the list
    of 4 withdrawn."""
    from tests.reads import admin_browser

    trips = flight.priya_and_her_list(demo_app)

    def theo_claims() -> None:
        claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo")

    with pytest.raises(flight.Stopped):
        flight.dispatch(demo_app, clock, flight.Relay(demo_app, theo_claims, fails=flight.Stopped))
    listed = flight.her_first_list(demo_app)
    [instead] = listed.replaced_by
    with admin_browser(demo_app, demo_app.store) as (_, browser):
        page = browser.get(f"/admin/outbox/demo/{listed.key}").text
    said = " ".join(page.split())
    assert "not sent: the trip" not in said, said
    assert (
        "being sent as the trip Sat 13 Jun 2026, 16:00 PDT had its last role open to them taken: if the send fails it "
        f"is withdrawn and {instead} goes in its place; if it went, it stands and {instead} is withdrawn"
    ) in said, said


@pytest.mark.parametrize("fails", [False, True])
def test_a_list_being_sent_as_the_trip_its_reader_crews_is_cancelled_asks_the_trip_it_left_off_once(
    demo_app: App, clock: FixedClock, fails: bool
) -> None:
    """A review: Priya took the sloop's Sat 13 Jun, and her list left off the catamaran at 16:00 (one trip at a time).
    As the relay took the list, the sloop was cancelled: the list was marked, the catamaran back on one in its place
    that went only if the send failed; it went, and she never heard of the catamaran. The list being sent is right as
    it is: it goes (its send tried again if it fails), and the catamaran's own "Crew needed" asks her, once."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    tern = book(demo_app, "TERN", "2026-06-13T16:00:00-07:00", asset="morning-tern")
    send_due(demo_app)  # the bookings' own mails
    made_crew_by_an_import(demo_app)
    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "priya")

    def cancelled() -> None:
        cancel_booking(demo_app, "demo", trips[0])

    flight.dispatch(demo_app, clock, flight.Relay(demo_app, cancelled, fails=flight.timed_out if fails else None))
    flight.all_sent_an_hour_on(demo_app, clock)
    [sent] = [text for text in _sent_lists(demo_app, "priya") if "trips to come" in text]
    assert "4 trips to come" in sent and event_of(tern) not in sent
    assert len(asked(demo_app, tern, "priya")) == 1
    assert [
        e.status
        for e in outbox.list_entries(demo_app.store, "demo", limit=None)
        if e.key in asked(demo_app, tern, "priya")
    ] == [OutboxStatus.SENT]
