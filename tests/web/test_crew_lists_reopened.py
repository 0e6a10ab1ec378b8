"""A "Crew needed on N trips" mail still waiting to go out follows the roster both ways: a role given up puts its trip
back on the lists it left, and a role taken on a trip a list does not name takes off it the trips at that time (one
trip at a time) (docs/crew.md, "Asked once made active or qualified")."""

from __future__ import annotations

from firstmate.bootstrap import App
from firstmate.domain.outbox import OutboxStatus
from firstmate.services.bookings import cancel_booking
from firstmate.services.people import get_person
from firstmate.services.roster import claim_role, release_role
from tests.conftest import send_due
from tests.web.test_crew_freed import asked, book, inactive_priya_and_trips, lists_waiting, made_crew_by_an_import
from tests.web.test_crew_lists_roster import _theo_and_priya_listed, event_of, lists_of


def _release(app: App, trip: str, holder: str) -> None:
    release_role(app, "demo", event_of(trip), "crew_1", holder, get_person(app.store, "demo", holder))


def test_a_role_given_up_puts_its_trip_back_on_the_waiting_list_it_left(demo_app: App) -> None:
    """A known gap (docs/reliability.md): Priya's "Crew needed on 5 trips" still waiting dropped Sat 13 Jun once Theo
    took its crew 1; Theo gave it up again, and the list that went out still left it off (she had to find it on her
    trip list). It goes back on the list, in the release's own write, and she gets no mail of its own besides:
    taken, given up, taken and given up again, one list waits, as the roster is."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)

    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo")
    [text] = lists_waiting(demo_app, "priya")
    assert "4 trips to come" in text and event_of(trips[0]) not in text

    _release(demo_app, trips[0], "theo")
    [text] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in text and "Sat 13 Jun 2026, 16:00 PDT" in text, text
    assert all(f"/crew/events/{event_of(trip)}" in text for trip in trips)
    lists = lists_of(demo_app, "priya")
    assert [subject for status, subject, _ in lists if status is OutboxStatus.PENDING] == ["Crew needed on 5 trips"]
    [why] = [why for status, subject, why in lists if subject == "Crew needed on 4 trips"]
    assert why.startswith("not sent: the trip Sat 13 Jun 2026, 16:00 PDT has crew 1 open to them again"), why
    assert all(asked(demo_app, trip, "priya") == [] for trip in trips)  # the list asks her, nothing besides

    # and round again: each change is followed, each list queued once
    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo")
    [text] = lists_waiting(demo_app, "priya")
    assert "4 trips to come" in text and event_of(trips[0]) not in text
    _release(demo_app, trips[0], "theo")
    [text] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in text and event_of(trips[0]) in text
    assert all(asked(demo_app, trip, "priya") == [] for trip in trips)


def test_a_role_given_up_goes_back_on_the_others_lists_not_on_the_list_of_who_gave_it_up(demo_app: App) -> None:
    """Theo and Priya were each listed the same five trips; Theo took crew 1 on Sat 13 Jun and gave it up: Priya's
    list offers it again; Theo's does not ask him to crew the trip he has just left (it is on his trip list)."""
    trips = _theo_and_priya_listed(demo_app)
    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo")
    _release(demo_app, trips[0], "theo")

    [hers] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in hers and event_of(trips[0]) in hers
    [his] = lists_waiting(demo_app, "theo")
    assert "4 trips to come" in his and event_of(trips[0]) not in his


def test_a_role_given_up_is_not_put_back_on_the_list_of_someone_busy_then(demo_app: App) -> None:
    """Priya took crew 1 on Morning Tern, Sat 13 Jun at 16:00, a trip her list does not name: her list no longer
    offers Sea Lark at that very hour (one trip at a time), and Sea Lark's crew 1 given up by Theo is not put back
    on it either while she crews the catamaran then."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)
    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo")
    tern = book(demo_app, "TERN", "2026-06-13T16:00:00-07:00", asset="morning-tern")
    claim_role(demo_app, "demo", event_of(tern), "crew_1", "priya")

    _release(demo_app, trips[0], "theo")
    [text] = lists_waiting(demo_app, "priya")
    assert "4 trips to come" in text and "Sat 13 Jun" not in text, text
    assert asked(demo_app, trips[0], "priya") == []

    # she gives the catamaran up: free then, Sea Lark's Sat 13 Jun goes back on her list
    _release(demo_app, tern, "priya")
    [text] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in text and event_of(trips[0]) in text and event_of(tern) not in text, text


def _priya_on_sea_lark_listed_the_catamaran_then(app: App) -> tuple[list[str], str]:
    """Priya was listed Sea Lark (13 to 17 Jun) and Morning Tern, both Sat 13 Jun at 16:00, in one waiting "Crew needed
    on 6 trips"; she took crew 1 on Sea Lark's Sat 13 Jun, and her list dropped both (one trip at a time)."""
    trips = inactive_priya_and_trips(app, range(13, 18))
    tern = book(app, "TERN", "2026-06-13T16:00:00-07:00", asset="morning-tern")
    made_crew_by_an_import(app)
    claim_role(app, "demo", event_of(trips[0]), "crew_1", "priya")
    [text] = lists_waiting(app, "priya")
    assert "4 trips to come" in text and "Sat 13 Jun" not in text
    return trips, tern


def test_a_role_given_up_puts_back_on_their_list_the_trips_at_its_time_it_took_off(demo_app: App) -> None:
    """Priya was listed Sea Lark and Morning Tern, both Sat 13 Jun at 16:00, among six trips; she took crew 1 on Sea
    Lark, and her list dropped both (one trip at a time). She gives it up: the catamaran, free to her again, goes back
    on it; Sea Lark, the trip she has just left, does not (it is on her trip list)."""
    trips, tern = _priya_on_sea_lark_listed_the_catamaran_then(demo_app)

    _release(demo_app, trips[0], "priya")
    [text] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in text and event_of(tern) in text and event_of(trips[0]) not in text, text
    [why] = [why for _, subject, why in lists_of(demo_app, "priya") if subject == "Crew needed on 4 trips"]
    gave_up = "on Sea Lark (38 ft sloop) is no longer theirs: they hold crew 1 on it no more, free for a trip at"
    assert why.startswith(f"not sent: the trip Sat 13 Jun 2026, 16:00 PDT {gave_up}"), why
    assert asked(demo_app, tern, "priya") == [] and asked(demo_app, trips[0], "priya") == []


def test_a_claim_of_a_trip_not_on_the_list_takes_off_it_the_trips_at_that_time(demo_app: App) -> None:
    """A known gap (docs/reliability.md): Priya's "Crew needed on 5 trips" (Sea Lark, 13 to 17 Jun, 16:00) still
    waiting; Morning Tern was booked after it for Sat 13 Jun at 16:00, its own "Crew needed" asked her, and she took
    crew 1 on it. The list still asked her to crew Sea Lark at the very hour she crews the catamaran (a claim there
    would be refused). What goes out lists the four trips she can take; the withdrawn one says why."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)
    tern = book(demo_app, "TERN", "2026-06-13T16:00:00-07:00", asset="morning-tern")
    assert len(asked(demo_app, tern, "priya")) == 1 and len(lists_waiting(demo_app, "priya")) == 1

    claim_role(demo_app, "demo", event_of(tern), "crew_1", "priya")
    [text] = lists_waiting(demo_app, "priya")
    assert "4 trips to come" in text and "Sat 13 Jun" not in text and event_of(trips[0]) not in text, text
    assert all(f"/crew/events/{event_of(trip)}" in text for trip in trips[1:])
    [(_, _, why), (waiting, subject, _)] = lists_of(demo_app, "priya")
    assert (waiting, subject) == (OutboxStatus.PENDING, "Crew needed on 4 trips")
    took = "is theirs now: they took crew 1 on it themselves, at the time of a trip it lists (one trip at a time)"
    assert why.startswith(f"not sent: the trip Sat 13 Jun 2026, 16:00 PDT on Morning Tern (45 ft catamaran) {took}"), (
        why
    )

    # a claim at another time leaves the list as it is
    later = book(demo_app, "TERN-20", "2026-06-20T16:00:00-07:00", asset="morning-tern")
    claim_role(demo_app, "demo", event_of(later), "crew_1", "priya")
    assert lists_waiting(demo_app, "priya") == [text]


def test_a_role_given_up_on_a_trip_left_by_many_waiting_lists_goes_back_on_each(demo_app: App) -> None:
    """A new season's crew file made 60 deckhands crew at once, each listed five trips; Theo took crew 1 on Sat 13 Jun
    and gave it up. Putting it back on 60 lists is more than the release's one transaction holds: the release lands,
    and each list offers the trip again all the same."""
    from firstmate.domain.people import Person
    from firstmate.services.business import load_business
    from firstmate.services.org_setup import check_org, import_org, org_tables
    from firstmate.services.people import list_people

    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    deckhands = [Person(id=f"deck-{n}", name=f"Deck Hand{n}", email=f"deck-{n}@example.com") for n in range(60)]
    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    import_org(demo_app.store, check_org(org_tables(profile, [*list_people(demo_app.store, "demo"), *deckhands])),
               ctx=demo_app)  # fmt: skip
    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo")
    assert all("4 trips to come" in lists_waiting(demo_app, p.id)[0] for p in deckhands)

    _release(demo_app, trips[0], "theo")
    for person in deckhands:
        [text] = lists_waiting(demo_app, person.id)
        assert "5 trips to come" in text and event_of(trips[0]) in text, person.id


def test_a_role_given_up_asks_by_its_own_crew_needed_whom_a_list_gone_as_single_mails_left_it_out(
    demo_app: App,
) -> None:
    """Priya's "Crew needed on 4 trips" still waiting went as each trip's own "Crew needed" (3) once Theo took Sat 13
    Jun's crew 1; he gave it up again: she was never told of Sat 13 Jun at all (a list of five would have offered it
    again). She is asked by its own "Crew needed", as she would have been at first, once however often it goes round;
    Theo, who gave it up, is not."""
    trips = inactive_priya_and_trips(demo_app, range(13, 17))
    made_crew_by_an_import(demo_app)
    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo")
    assert lists_waiting(demo_app, "priya") == [] and all(len(asked(demo_app, t, "priya")) == 1 for t in trips[1:])

    _release(demo_app, trips[0], "theo")
    assert len(asked(demo_app, trips[0], "priya")) == 1
    assert lists_waiting(demo_app, "priya") == [] and all(len(asked(demo_app, t, "priya")) == 1 for t in trips[1:])
    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo")
    _release(demo_app, trips[0], "theo")
    assert len(asked(demo_app, trips[0], "priya")) == 1


def test_a_trip_cancelled_gives_back_to_its_crews_waiting_list_the_trips_at_its_time(demo_app: App) -> None:
    """A known gap (docs/reliability.md): the Sat 13 Jun Sea Lark Priya crews is cancelled before her list goes out
    (an outage held it): she is free at 16:00 again, and the list still left off the catamaran then. It goes back on
    it, in the cancellation's own write (Sea Lark's cancelled trip does not); she gets one list, no mail of the
    catamaran's own besides, and the same cancellation again changes nothing."""
    trips, tern = _priya_on_sea_lark_listed_the_catamaran_then(demo_app)

    cancel_booking(demo_app, "demo", trips[0])
    [text] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in text and event_of(tern) in text and event_of(trips[0]) not in text, text
    assert "Sat 13 Jun 2026, 16:00 PDT on Morning Tern (45 ft catamaran)" in text, text
    [why] = [why for _, subject, why in lists_of(demo_app, "priya") if subject == "Crew needed on 4 trips"]
    freed = "on Sea Lark (38 ft sloop) was cancelled: free for a trip at its time"
    assert why.startswith(f"not sent: the trip Sat 13 Jun 2026, 16:00 PDT {freed}"), why

    cancel_booking(demo_app, "demo", trips[0])  # the same again: nothing more
    assert lists_waiting(demo_app, "priya") == [text] and len(lists_of(demo_app, "priya")) == 3
    send_due(demo_app)
    sent = [subject for status, subject, _ in lists_of(demo_app, "priya") if status is OutboxStatus.SENT]
    assert sent == ["Crew needed on 5 trips"] and asked(demo_app, tern, "priya") == []


def test_a_trip_moved_away_gives_back_to_its_crews_waiting_list_the_trips_at_its_old_time(demo_app: App) -> None:
    """The Sat 13 Jun Sea Lark Priya crews moves from 16:00 to 20:00 (the catamaran back by 19:00) before her list
    goes out: the catamaran at 16:00 goes back on it; the sloop, hers at its new time, does not. A move that still
    holds her at 16:00 gives nothing back, and leaves her list as it is."""
    trips, tern = _priya_on_sea_lark_listed_the_catamaran_then(demo_app)
    book(demo_app, "JUNE-13", "2026-06-13T17:00:00-07:00")  # still crewing the sloop while the catamaran is out
    [text] = lists_waiting(demo_app, "priya")
    assert "4 trips to come" in text and event_of(tern) not in text and len(lists_of(demo_app, "priya")) == 2

    book(demo_app, "JUNE-13", "2026-06-13T20:00:00-07:00")
    [text] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in text and event_of(tern) in text and event_of(trips[0]) not in text, text
    [why] = [why for _, subject, why in lists_of(demo_app, "priya") if subject == "Crew needed on 4 trips"]
    freed = "on Sea Lark (38 ft sloop) moved to Sat 13 Jun 2026, 20:00 PDT: free for a trip at its old time"
    assert why.startswith(f"not sent: the trip Sat 13 Jun 2026, 17:00 PDT {freed}"), why
    assert asked(demo_app, tern, "priya") == []


def test_a_trip_cancelled_gives_back_no_trip_whose_roles_were_taken_meanwhile(demo_app: App) -> None:
    """Theo and Jonah took the catamaran's crew roles while Priya crewed the sloop: the sloop cancelled, nothing is
    left at 16:00 for her to take, and her list goes as it was."""
    trips, tern = _priya_on_sea_lark_listed_the_catamaran_then(demo_app)
    claim_role(demo_app, "demo", event_of(tern), "crew_1", "theo")
    claim_role(demo_app, "demo", event_of(tern), "crew_2", "jonah")
    [before] = lists_waiting(demo_app, "priya")

    cancel_booking(demo_app, "demo", trips[0])
    assert lists_waiting(demo_app, "priya") == [before] and asked(demo_app, tern, "priya") == []


def test_a_trip_not_on_the_list_cancelled_gives_back_the_trips_at_its_time(demo_app: App) -> None:
    """Priya took crew 1 on Morning Tern, booked after her list and asked by its own "Crew needed": her list dropped
    Sea Lark at that very hour. The catamaran cancelled, Sea Lark's Sat 13 Jun goes back on her list."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)
    tern = book(demo_app, "TERN", "2026-06-13T16:00:00-07:00", asset="morning-tern")
    claim_role(demo_app, "demo", event_of(tern), "crew_1", "priya")
    [text] = lists_waiting(demo_app, "priya")
    assert "4 trips to come" in text and event_of(trips[0]) not in text

    cancel_booking(demo_app, "demo", tern)
    [text] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in text and all(event_of(trip) in text for trip in trips), text
    assert asked(demo_app, trips[0], "priya") == []


def test_a_trip_moved_onto_the_time_of_trips_on_its_crews_waiting_list_takes_them_off_and_back(demo_app: App) -> None:
    """Priya crews Morning Tern on Sat 20 Jun; it moves to Sun 14 Jun at 16:00 before her list goes out: the list no
    longer offers Sea Lark at that very hour (taking it would be refused, one trip at a time). Moved on to 21 Jun,
    Sea Lark's Sun 14 Jun goes back on it."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)
    tern = book(demo_app, "TERN", "2026-06-20T16:00:00-07:00", asset="morning-tern")
    claim_role(demo_app, "demo", event_of(tern), "crew_1", "priya")
    [text] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in text

    book(demo_app, "TERN", "2026-06-14T16:00:00-07:00", asset="morning-tern")
    [text] = lists_waiting(demo_app, "priya")
    assert "4 trips to come" in text and "Sun 14 Jun" not in text and event_of(tern) not in text, text
    [(_, _, why), _] = lists_of(demo_app, "priya")
    moved = "on Morning Tern (45 ft catamaran) moved to Sun 14 Jun 2026, 16:00 PDT, theirs then: at the time of a trip"
    assert why.startswith(f"not sent: the trip Sat 20 Jun 2026, 16:00 PDT {moved}"), why

    book(demo_app, "TERN", "2026-06-21T16:00:00-07:00", asset="morning-tern")
    [text] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in text and all(event_of(trip) in text for trip in trips), text
    assert asked(demo_app, trips[1], "priya") == []


def test_a_trip_cancelled_after_the_list_went_without_the_trip_at_its_time_asks_by_its_own_crew_needed(
    demo_app: App,
) -> None:
    """A review: Priya's list went out without the catamaran at 16:00 (she crewed the sloop then), and the others were
    asked about it when it was booked. The sloop cancelled, she is free then and was never asked: the catamaran's own
    "Crew needed" asks her, once, however often the cancellation comes again."""
    trips, tern = _priya_on_sea_lark_listed_the_catamaran_then(demo_app)
    send_due(demo_app)
    assert [s for status, s, _ in lists_of(demo_app, "priya") if status is OutboxStatus.SENT] == [
        "Crew needed on 4 trips"
    ]

    cancel_booking(demo_app, "demo", trips[0])
    cancel_booking(demo_app, "demo", trips[0])
    assert len(asked(demo_app, tern, "priya")) == 1 and lists_waiting(demo_app, "priya") == []
    assert all(asked(demo_app, trip, "priya") == [] for trip in trips[1:])  # on the list that went


def test_a_role_left_after_the_list_went_as_each_trips_own_asks_the_trip_at_its_time_once(demo_app: App) -> None:
    """Priya's list of Sea Lark 13 to 15 Jun and the catamaran at 16:00 on the 13th went as each trip's own "Crew
    needed" for the two left once she took the sloop's Sat 13 Jun: given up, the catamaran then asks her by its own,
    once; a trip she was asked about goes unasked again."""
    trips = inactive_priya_and_trips(demo_app, range(13, 16))
    tern = book(demo_app, "TERN", "2026-06-13T16:00:00-07:00", asset="morning-tern")
    made_crew_by_an_import(demo_app)
    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "priya")
    assert lists_waiting(demo_app, "priya") == [] and asked(demo_app, tern, "priya") == []
    send_due(demo_app)

    _release(demo_app, trips[0], "priya")
    assert len(asked(demo_app, tern, "priya")) == 1
    assert [len(asked(demo_app, trip, "priya")) for trip in trips[1:]] == [1, 1]


def test_a_trip_cancelled_after_the_list_named_the_trip_at_its_time_asks_nothing_more(demo_app: App) -> None:
    """Priya's list named the catamaran and went; she took the sloop's trip at its time since, then it was cancelled:
    she was asked about the catamaran already, by that list, and is not asked again."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    tern = book(demo_app, "TERN", "2026-06-13T16:00:00-07:00", asset="morning-tern")
    made_crew_by_an_import(demo_app)
    send_due(demo_app)
    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "priya")
    cancel_booking(demo_app, "demo", trips[0])
    assert asked(demo_app, tern, "priya") == []


def test_a_trip_freed_of_its_crew_tells_them_once_of_a_trip_left_out_moved_onto_their_time(demo_app: App) -> None:
    """A review: Priya crews the sloop's Sat 13 Jun; her waiting list named the catamaran's Sat 20 Jun, which moved to
    Sat 13 Jun at 16:00: the list dropped it, and she was left out of it (busy then). The sloop cancelled, she got the
    catamaran twice: back on her list anew, and its own "Crew needed" besides. Now once: its own "Crew needed", as
    anyone it left out busy, and her list stays as it was."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    tern = book(demo_app, "TERN", "2026-06-20T16:00:00-07:00", asset="morning-tern")
    made_crew_by_an_import(demo_app)
    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "priya")
    book(demo_app, "TERN", "2026-06-13T16:00:00-07:00", asset="morning-tern")
    [before] = lists_waiting(demo_app, "priya")
    assert event_of(tern) not in before and asked(demo_app, tern, "priya") == []

    cancel_booking(demo_app, "demo", trips[0])
    assert lists_waiting(demo_app, "priya") == [before] and len(asked(demo_app, tern, "priya")) == 1
    send_due(demo_app)
    assert len(asked(demo_app, tern, "priya")) == 1 and lists_waiting(demo_app, "priya") == []
