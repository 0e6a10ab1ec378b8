"""A trip whose only word to someone is a "Crew needed on N trips" still waiting to go out is news to them only
through that list: cancelled, it leaves the list, and they hear no "Trip cancelled" of a trip they never heard of;
moved, the list goes anew with its new time, and no "Trip changed" (docs/crew.md, "Asked once made active or
qualified")."""

from __future__ import annotations

from firstmate.bootstrap import App
from firstmate.domain.outbox import OutboxStatus
from firstmate.services import outbox
from firstmate.services.bookings import cancel_booking, cancellation_preview
from firstmate.services.people import get_person
from firstmate.services.roster import claim_role, release_role
from tests.conftest import send_due
from tests.web.test_crew_freed import book, inactive_priya_and_trips, lists_waiting, made_crew_by_an_import
from tests.web.test_crew_lists_roster import event_of

SAT = "Sat 13 Jun 2026"


def told(app: App, person: str, booking_id: str) -> list[str]:
    """The subjects of the messages of `booking_id`'s own (its revisions' and its roster's) queued to `person`."""
    return sorted(
        e.message.subject
        for e in outbox.list_entries(app.store, "demo", limit=None)
        if e.message.to == (f"{person}@example.com",)
        and (e.key.startswith(f"bk:{booking_id}:") or e.key.startswith(f"ev:{event_of(booking_id)}:"))
    )


def test_a_trip_cancelled_while_only_a_waiting_list_names_it_is_not_told_cancelled(demo_app: App) -> None:
    """A known gap (docs/reliability.md): Priya's "Crew needed on 5 trips" still waited (an outage) when Sat 13 Jun was
    cancelled: the list went anew without it, which is right, and she got "Trip cancelled: Sat 13 Jun…" of a trip no
    mail of hers ever named. The trip leaves her list and that is all; Jonah, asked by its own "Crew needed", is told
    it is cancelled, as before, and the dry run of the cancellation says so too."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)
    from firstmate.services.bookings import get_booking

    would = cancellation_preview(demo_app, "demo", get_booking(demo_app.store, "demo", trips[0]), lists=False).told
    assert "crew:jonah" in would and "crew:priya" not in would, would

    cancel_booking(demo_app, "demo", trips[0])
    [text] = lists_waiting(demo_app, "priya")
    assert "4 trips to come" in text and SAT not in text
    assert told(demo_app, "priya", trips[0]) == []
    assert f"Trip cancelled: {SAT}, 16:00 PDT, Sea Lark (38 ft sloop)" in told(demo_app, "jonah", trips[0])


def test_a_trip_put_back_on_a_waiting_list_by_a_release_then_cancelled_is_not_told_cancelled(demo_app: App) -> None:
    """Theo took Sat 13 Jun's crew 1 (it left Priya's waiting list) and gave it up (it went back on it); then it was
    cancelled before the list went: it leaves her list again, with no "Trip cancelled". Theo, who held the role, is
    told."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)
    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo")
    release_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo", get_person(demo_app.store, "demo", "theo"))
    [text] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in text

    cancel_booking(demo_app, "demo", trips[0])
    [text] = lists_waiting(demo_app, "priya")
    assert "4 trips to come" in text and SAT not in text
    assert told(demo_app, "priya", trips[0]) == []
    assert f"Trip cancelled: {SAT}, 16:00 PDT, Sea Lark (38 ft sloop)" in told(demo_app, "theo", trips[0])


def test_a_trip_moved_while_only_a_waiting_list_names_it_goes_in_the_list_at_its_new_time(demo_app: App) -> None:
    """Mon 15 Jun moves to 10:00, nobody aboard: every qualified crew member hears "Trip changed", but Priya, whose
    only word of it is her waiting list, gets the list anew with its new time, and no "Trip changed" of a trip she
    never heard of."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)

    book(demo_app, "JUNE-15", "2026-06-15T10:00:00-07:00")
    [text] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in text and "Mon 15 Jun 2026, 10:00 PDT" in text
    assert told(demo_app, "priya", trips[2]) == []
    assert "Trip changed: Mon 15 Jun 2026, 10:00 PDT, Sea Lark (38 ft sloop)" in told(demo_app, "jonah", trips[2])


def test_a_trip_named_by_a_list_that_went_out_is_told_cancelled(demo_app: App) -> None:
    """Once her list has gone out, the trips it named are news she has: Sat 13 Jun cancelled then, she is told."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)
    send_due(demo_app)
    assert all(
        e.status is OutboxStatus.SENT
        for e in outbox.list_entries(demo_app.store, "demo", limit=None)
        if e.key.startswith("crew-asked:priya:")
    )

    cancel_booking(demo_app, "demo", trips[0])
    assert told(demo_app, "priya", trips[0]) == [f"Trip cancelled: {SAT}, 16:00 PDT, Sea Lark (38 ft sloop)"]


def test_a_trip_a_claim_took_off_a_waiting_list_goes_back_on_it_when_a_change_opens_a_role_again(
    demo_app: App,
) -> None:
    """Theo took Sat 13 Jun's crew 1, the last role open to Priya: it left her waiting list. The trip then moved to
    Morning Tern, whose crew 2 is open to her (Theo keeps crew 1): it goes back on her list, on its new boat, where
    she was once never asked of a trip with a role for her."""
    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)
    claim_role(demo_app, "demo", event_of(trips[0]), "crew_1", "theo")
    [text] = lists_waiting(demo_app, "priya")
    assert "4 trips to come" in text and SAT not in text

    book(demo_app, "JUNE-13", asset="morning-tern")
    [text] = lists_waiting(demo_app, "priya")
    assert "5 trips to come" in text and f"{SAT}, 16:00 PDT" in text and "Morning Tern" in text, text
    assert told(demo_app, "priya", trips[0]) == []
    [why] = [e.last_error for e in outbox.list_entries(demo_app.store, "demo", limit=None)
             if e.key.startswith("crew-asked:priya:") and e.key.endswith(":taken")]  # fmt: skip
    assert why is not None and "has crew 2 open to them again before it went out" in why, why
