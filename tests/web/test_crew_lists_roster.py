"""A "Crew needed on N trips" mail still waiting to go out (an outage held it) follows the roster too: a trip whose
last role open to the person is taken leaves it; and a list left with three trips or fewer goes as each trip's own
"Crew needed", as it would have at first (docs/crew.md, "Asked once made active or qualified")."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.outbox import OutboxStatus
from firstmate.errors import StoreError
from firstmate.ports import Item, Page, Store
from firstmate.services import outbox
from firstmate.services.bookings import cancel_booking, get_booking, orchestrate_booking
from firstmate.services.business import load_business
from firstmate.services.crew_freed.lists import ASKED_IN
from firstmate.services.org_setup import check_org, import_org, org_tables
from firstmate.services.people import get_person, list_people, save_people
from firstmate.services.roster import claim_role, designate_role, release_role
from firstmate.services.trips import get_event
from tests.conftest import booking_body
from tests.web.test_crew import sign_in
from tests.web.test_crew_freed import asked, book, inactive_priya_and_trips, lists_waiting, made_crew_by_an_import


def event_of(booking_id: str) -> str:
    return f"ev_{booking_id.removeprefix('bk_')}"


def lists_of(app: App, person: str) -> list[tuple[OutboxStatus, str, str]]:
    """(status, subject, why withdrawn) of each "Crew needed on N trips" to `person`, by key."""
    return [
        (e.status, e.message.subject, e.last_error or "")
        for e in sorted(outbox.list_entries(app.store, "demo", limit=None), key=lambda e: e.key)
        if e.key.startswith(f"crew-asked:{person}:")
    ]


def test_a_waiting_list_drops_the_trip_whose_last_role_open_to_them_someone_else_took(demo_app: App) -> None:
    """A known gap (docs/reliability.md): Priya, made crew by an import, was listed five trips in one "Crew needed on 5
    trips" still waiting to go out; Theo took crew 1 on Sat 13 Jun, the one role there she may take, and the mail
    still asked her to crew it (the page then offered her nothing). What goes out lists the four that still need her;
    the captain's role taken on another trip (not hers to take) changes nothing."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)
    [first] = lists_waiting(demo_app, "priya")

    claim_role(demo_app, "demo", event_of(trips[1]), "captain", "marisol")  # Sun 14 Jun: crew 1 still open to her
    assert lists_waiting(demo_app, "priya") == [first]

    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo")  # Sat 13 Jun: nothing left open to her
    [text] = lists_waiting(demo_app, "priya")
    assert "4 trips to come" in text and "Sat 13 Jun" not in text and event_of(trips[0]) not in text
    assert all(f"/crew/events/{event_of(trip)}" in text for trip in trips[1:])
    [(withdrawn, _, why), (waiting, subject, _)] = lists_of(demo_app, "priya")
    assert (withdrawn, waiting, subject) == (OutboxStatus.DEAD, OutboxStatus.PENDING, "Crew needed on 4 trips")
    assert why.startswith("not sent: the trip Sat 13 Jun 2026, 16:00 PDT had its last role open to them taken"), why
    assert all(asked(demo_app, trip, "priya") == [] for trip in trips)  # the list is still how she is asked

    # given up again: the list that goes offers it again (tests/web/test_crew_lists_reopened.py), as her trip list
    # shows it with its role open
    release_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo", get_person(demo_app.store, "demo", "theo"))
    [again] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in again and event_of(trips[0]) in again
    assert f'href="/crew/events/{event_of(trips[0])}"' in sign_in(demo_app, "priya").get("/crew").text


def test_a_trip_designated_to_someone_leaves_the_list_of_the_person_put_in_it(demo_app: App) -> None:
    """Theo was listed the same five trips; the captain put him in crew 1 on Sat 13 Jun: his list no longer asks him
    to crew a trip he crews, and Priya's no longer offers it either."""
    trips = _theo_and_priya_listed(demo_app)
    assert len(lists_waiting(demo_app, "theo")) == 1 and len(lists_waiting(demo_app, "priya")) == 1

    captain = get_person(demo_app.store, "demo", "marisol")
    designate_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo", captain)
    for person in ("theo", "priya"):
        [text] = lists_waiting(demo_app, person)
        assert "4 trips to come" in text and event_of(trips[0]) not in text, person
    [(_, _, his), _] = lists_of(demo_app, "theo")
    assert his.startswith("not sent: the trip Sat 13 Jun 2026, 16:00 PDT is theirs now: they were made crew 1 on it"), (
        his
    )


def test_a_waiting_list_left_with_three_trips_goes_as_each_trips_own_crew_needed(demo_app: App) -> None:
    """A known gap (docs/reliability.md): the list shrank to three trips and still went as one "Crew needed on 3
    trips", where three trips at first each send their own "Crew needed". Now it goes as they would have: Priya gets
    each trip's own "Crew needed", once, and no list."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)
    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo")  # four left: still one list
    assert len(lists_waiting(demo_app, "priya")) == 1

    claim_role(demo_app, "demo", event_of(trips[1]), "crew_1", "theo")  # three left
    assert lists_waiting(demo_app, "priya") == []
    assert [len(asked(demo_app, trip, "priya")) for trip in trips] == [0, 0, 1, 1, 1]
    *_, (withdrawn, _, why) = lists_of(demo_app, "priya")
    assert withdrawn is OutboxStatus.DEAD and why.endswith('asked instead by each trip\'s own "Crew needed" (3)'), why

    # each goes as a trip's own, as the other crew's did: a cancellation withdraws that one and tells her of it as it
    # tells them, the others stand
    cancel_booking(demo_app, "demo", trips[2])
    mail = {
        e.key: (e.status, e.message.subject)
        for e in outbox.list_entries(demo_app.store, "demo", limit=None)
        if e.message.to == ("priya@example.com",) and e.key.startswith("bk:")
    }
    assert sorted(mail.values()) == [
        (OutboxStatus.DEAD, "Crew needed: Mon 15 Jun 2026, 16:00 PDT, Sea Lark (38 ft sloop)"),
        (OutboxStatus.PENDING, "Crew needed: Tue 16 Jun 2026, 16:00 PDT, Sea Lark (38 ft sloop)"),
        (OutboxStatus.PENDING, "Crew needed: Wed 17 Jun 2026, 16:00 PDT, Sea Lark (38 ft sloop)"),
        (OutboxStatus.PENDING, "Trip cancelled: Mon 15 Jun 2026, 16:00 PDT, Sea Lark (38 ft sloop)"),
    ], mail
    theirs = {e.message.subject for e in outbox.list_entries(demo_app.store, "demo", limit=None)
              if e.key == f"bk:{trips[2]}:r2:crew:jonah"}  # fmt: skip
    assert theirs == {"Trip cancelled: Mon 15 Jun 2026, 16:00 PDT, Sea Lark (38 ft sloop)"}


def test_a_list_a_cancellation_leaves_with_three_trips_goes_as_each_trips_own_crew_needed(demo_app: App) -> None:
    """The same when a booking change shrinks it: four trips listed, one cancelled, three "Crew needed"."""
    trips = inactive_priya_and_trips(demo_app, range(13, 17))
    made_crew_by_an_import(demo_app)
    assert len(lists_waiting(demo_app, "priya")) == 1

    cancel_booking(demo_app, "demo", trips[0])
    assert lists_waiting(demo_app, "priya") == []
    assert [len(asked(demo_app, trip, "priya")) for trip in trips] == [0, 1, 1, 1]


def test_a_list_that_shrinks_as_a_trip_it_names_changes_tells_of_that_trip_once(
    demo_app: App, clock: FixedClock
) -> None:
    """Four trips listed; Sat 13 Jun sails (a list lists trips to come), and Mon 15 Jun then moves to 10:00, nobody
    aboard: every qualified crew member hears "Trip changed" of it, but Priya, whose only word of it is her waiting
    list, never heard of it (tests/web/test_crew_lists_told.py). The list left with three trips goes as each one's own
    mail: of Mon 15 Jun she hears that one message, its "Crew needed" at 10:00, not a "Trip changed" beside it."""
    inactive_priya_and_trips(demo_app, range(13, 17))
    made_crew_by_an_import(demo_app)
    clock.set(datetime.fromisoformat("2026-06-13T17:00:00-07:00"))

    book(demo_app, "JUNE-15", "2026-06-15T10:00:00-07:00")
    assert lists_waiting(demo_app, "priya") == []
    mail = {
        e.key: e.message.subject
        for e in outbox.list_entries(demo_app.store, "demo", limit=None)
        if e.message.to == ("priya@example.com",) and e.status is OutboxStatus.PENDING
    }
    assert sorted(mail.values()) == [
        "Crew needed: Mon 15 Jun 2026, 10:00 PDT, Sea Lark (38 ft sloop)",
        "Crew needed: Sun 14 Jun 2026, 16:00 PDT, Sea Lark (38 ft sloop)",
        "Crew needed: Tue 16 Jun 2026, 16:00 PDT, Sea Lark (38 ft sloop)",
    ], mail
    jonah = {e.message.subject for e in outbox.list_entries(demo_app.store, "demo", limit=None)
             if e.message.to == ("jonah@example.com",) and e.message.subject.startswith("Trip changed")}  # fmt: skip
    assert jonah == {"Trip changed: Mon 15 Jun 2026, 10:00 PDT, Sea Lark (38 ft sloop)"}


def test_a_role_on_a_trip_listed_in_many_waiting_lists_can_still_be_taken_and_each_list_follows_it(
    demo_app: App,
) -> None:
    """A new season's crew file made 60 deckhands crew at once, each listed five trips in one "Crew needed on 5 trips"
    still waiting; Theo takes crew 1 on Sat 13 Jun. Withdrawing and listing anew 60 mails is more than the claim's
    one transaction holds: the claim lands, and each of the 60 lists follows it all the same."""
    from firstmate.domain.people import Person

    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    deckhands = [Person(id=f"deck-{n}", name=f"Deck Hand{n}", email=f"deck-{n}@example.com") for n in range(60)]
    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    people = [*list_people(demo_app.store, "demo"), *deckhands]
    import_org(demo_app.store, check_org(org_tables(profile, people)), ctx=demo_app)
    assert all(len(lists_waiting(demo_app, p.id)) == 1 for p in deckhands)

    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo")
    for person in deckhands:
        [text] = lists_waiting(demo_app, person.id)
        assert "4 trips to come" in text and "Sat 13 Jun" not in text, person.id


class _FailsReading:
    """The store, but reading what `fails` names (an operation and its keys) answers a StoreError, as a database
    briefly unreachable would."""

    def __init__(self, store: Store, fails: Callable[..., bool]) -> None:
        self._store, self._fails = store, fails

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    def get(self, pk: str, sk: str) -> Item | None:
        if self._fails(pk, sk):
            raise StoreError("database is locked")
        return self._store.get(pk, sk)

    def query(self, pk: str, prefix: str = "", **kwargs: Any) -> Page:
        if self._fails(pk, prefix):
            raise StoreError("database is locked")
        return self._store.query(pk, prefix, **kwargs)


def test_a_claim_lands_when_the_store_fails_reading_the_lists_it_would_follow(demo_app: App) -> None:
    """Theo takes crew 1 on Sat 13 Jun as the store fails to read who a waiting list asked about it: the claim is
    his all the same (the list is the list's business, not his), and Priya's list goes as it was."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)
    failing = dataclasses.replace(demo_app, store=_FailsReading(demo_app.store, lambda pk, sk: sk == ASKED_IN))

    claimed = claim_role(failing, "demo", event_of(trips[0]), "crew_1", "theo")
    assert [s.person_id for s in claimed.roles if s.role == "crew_1"] == ["theo"]
    assert [s.person_id for s in get_event(demo_app.store, "demo", event_of(trips[0])).roles if s.role == "crew_1"] == [
        "theo"
    ]
    [text] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in text


def test_a_claim_answers_it_landed_when_the_store_fails_following_lists_after_it(demo_app: App) -> None:
    """60 deckhands were each listed five trips; Theo's claim on Sat 13 Jun is written, and the store fails as the
    lists beyond its transaction follow it, on one deckhand's: the claim answers it is his (asked again, it would
    say he holds it already), and every other deckhand's list follows it."""
    from firstmate.domain.people import Person

    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    deckhands = [Person(id=f"deck-{n}", name=f"Deck Hand{n}", email=f"deck-{n}@example.com") for n in range(60)]
    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    people = [*list_people(demo_app.store, "demo"), *deckhands]
    import_org(demo_app.store, check_org(org_tables(profile, people)), ctx=demo_app)
    failing = dataclasses.replace(
        demo_app, store=_FailsReading(demo_app.store, lambda pk, sk: sk.startswith("crew-asked:deck-42:"))
    )

    claimed = claim_role(failing, "demo", event_of(trips[0]), "crew_1", "theo")
    assert [s.person_id for s in claimed.roles if s.role == "crew_1"] == ["theo"]
    for person in deckhands:
        [text] = lists_waiting(demo_app, person.id)
        assert ("5 trips to come" if person.id == "deck-42" else "4 trips to come") in text, person.id


def test_a_trip_that_moved_two_revisions_ago_is_asked_about_once_at_its_new_time(demo_app: App) -> None:
    """Six trips listed; Tue 16 Jun moves to 10:00, nobody aboard (every qualified crew member hears "Trip changed" of
    it; Priya, whose only word of it is her waiting list, gets the list anew with its new time), then its price is
    corrected (a revision the crew hear nothing of). Theo takes three trips and the list, left with three, goes as
    each trip's own "Crew needed": Tue 16 Jun's at 10:00, once."""
    trips = inactive_priya_and_trips(demo_app, range(13, 19))
    made_crew_by_an_import(demo_app)
    book(demo_app, "JUNE-16", "2026-06-16T10:00:00-07:00")
    repriced = booking_body(external_id="JUNE-16", start="2026-06-16T10:00:00-07:00", gross_amount="990.00")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(repriced))
    assert get_booking(demo_app.store, "demo", trips[3]).revision == 3

    for trip in trips[:3]:
        claim_role(demo_app, "demo", event_of(trip), "crew_1", "theo")
    assert lists_waiting(demo_app, "priya") == []
    told = sorted(
        e.message.subject
        for e in outbox.list_entries(demo_app.store, "demo", limit=None)
        if e.message.to == ("priya@example.com",) and e.status is OutboxStatus.PENDING
    )
    assert told == [
        "Crew needed: Thu 18 Jun 2026, 16:00 PDT, Sea Lark (38 ft sloop)",
        "Crew needed: Tue 16 Jun 2026, 10:00 PDT, Sea Lark (38 ft sloop)",
        "Crew needed: Wed 17 Jun 2026, 16:00 PDT, Sea Lark (38 ft sloop)",
    ], told
    assert len(asked(demo_app, trips[3], "priya")) == 1


def test_a_list_relisted_by_their_own_claim_does_not_offer_a_trip_at_the_same_time(demo_app: App) -> None:
    """Priya was listed Sea Lark and Morning Tern, both Sat 13 Jun at 16:00, among six trips; she takes crew 1 on Sea
    Lark. What goes out in place of her list offers the four Sea Lark trips to come, not the catamaran at the very
    hour she crews the sloop (one trip at a time: taking it would be refused)."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    tern = book(demo_app, "TERN", "2026-06-13T16:00:00-07:00", asset="morning-tern")
    made_crew_by_an_import(demo_app)
    [first] = lists_waiting(demo_app, "priya")
    assert "6 trips to come" in first and event_of(tern) in first

    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "priya")
    [text] = lists_waiting(demo_app, "priya")
    assert "4 trips to come" in text and "Sat 13 Jun" not in text and "Morning Tern" not in text, text


def test_a_list_withdrawn_by_their_own_claim_says_they_took_the_trip(demo_app: App) -> None:
    """A known gap (docs/reliability.md): Priya took crew 1 on Sat 13 Jun, a trip her waiting list named, and the
    withdrawn list said the trip "had its last role open to them taken", as if someone else had. It says she took a
    role on it herself; Theo's list, withdrawn by the same claim, still says the role open to him was taken."""
    trips = _theo_and_priya_listed(demo_app)

    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "priya")
    [(_, _, hers), _] = lists_of(demo_app, "priya")
    took = "is theirs now: they took crew 1 on it themselves before it went out"
    assert hers.startswith(f"not sent: the trip Sat 13 Jun 2026, 16:00 PDT {took}"), hers
    [(_, _, his), _] = lists_of(demo_app, "theo")
    assert his.startswith("not sent: the trip Sat 13 Jun 2026, 16:00 PDT had its last role open to them taken"), his


def _theo_and_priya_listed(app: App) -> list[str]:
    """Theo and Priya both inactive, five trips booked (13-17 Jun), then both made active by `org import`: each is
    listed the five trips in one waiting "Crew needed on 5 trips"; the trips are returned."""
    theo = get_person(app.store, "demo", "theo")
    save_people(app.store, "demo", [theo.model_copy(update={"active": False})])
    trips = inactive_priya_and_trips(app, range(13, 18))
    profile = load_business(app.store, "demo")
    assert profile is not None
    people = [p.model_copy(update={"active": True}) for p in list_people(app.store, "demo")]
    import_org(app.store, check_org(org_tables(profile, people)), ctx=app)
    return trips
