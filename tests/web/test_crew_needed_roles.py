"""A trip's "Crew needed" names the roles open to its reader: a deckhand is asked to crew, not to captain; the
roles open to others are said apart from theirs (docs/crew.md, "Roles")."""

from __future__ import annotations

from firstmate.bootstrap import App
from firstmate.domain.mail import OutgoingMessage
from firstmate.services import outbox
from firstmate.services.people import get_person, save_people
from firstmate.services.roster import claim_role, designate_role, release_role
from tests.web.test_crew_freed import book, inactive_priya_and_trips, lists_waiting, made_crew_by_an_import


def mail(app: App, booking_id: str, person: str) -> OutgoingMessage:
    """The one crew message of `booking_id`'s trip to `person`."""
    [message] = [
        e.message
        for e in outbox.list_entries(app.store, "demo", limit=None)
        if e.key.startswith(f"bk:{booking_id}:") and e.message.to == (f"{person}@example.com",)
    ]
    return message


def test_a_deckhand_is_asked_to_crew_not_to_captain(demo_app: App) -> None:
    """A known gap (docs/reliability.md): Sea Lark, captain and crew 1 open, mailed Priya (crew only) "Open: captain,
    crew 1", inviting a deckhand to skipper the boat. Her mail now offers her crew 1 and says the captain's role is
    open to others; Marisol (captain and crew) is offered both. Neither sees the trip's money."""
    sloop = book(demo_app, "SLOOP")
    priya, marisol = mail(demo_app, sloop, "priya"), mail(demo_app, sloop, "marisol")
    assert priya.subject.startswith("Crew needed: Sat 13 Jun 2026, 16:00 PDT")
    for body in (priya.text, priya.html or ""):
        assert "Open to you: crew 1." in body and "Also open, for others: captain." in body, body
        assert "Open: " not in body and "captain, crew 1" not in body, body
        assert "840" not in body and "$" not in body
    for body in (marisol.text, marisol.html or ""):
        assert "Open to you: captain, crew 1." in body and "Also open" not in body, body

    # the catamaran: both crew roles are hers to take
    tern = book(demo_app, "TERN", "2026-06-14T10:00:00-07:00", asset="morning-tern")
    text = mail(demo_app, tern, "priya").text
    assert "Open to you: crew 1, crew 2. Also open, for others: captain." in text, text


def test_someone_freed_later_is_offered_only_the_roles_they_may_take(demo_app: App) -> None:
    """Priya, on the sloop's trip, was not asked to crew the catamaran at the same time; the sloop's crew 1 given to
    Theo instead, she is asked then: her "Crew needed" offers her the catamaran's crew roles, not its captain."""
    sloop = book(demo_app, "SLOOP")
    claim_role(demo_app, "demo", f"ev_{sloop.removeprefix('bk_')}", "crew_1", "priya")
    tern = book(demo_app, "TERN", "2026-06-13T17:00:00-07:00", asset="morning-tern")
    release_role(
        demo_app,
        "demo",
        f"ev_{sloop.removeprefix('bk_')}",
        "crew_1",
        "priya",
        get_person(demo_app.store, "demo", "priya"),
    )
    text = mail(demo_app, tern, "priya").text
    assert "Open to you: crew 1, crew 2." in text and "Open: captain" not in text, text


def test_a_list_of_trips_offers_each_trip_by_the_roles_open_to_them(demo_app: App) -> None:
    """The "Crew needed on N trips" list follows the same rule: each trip's line names only the roles Priya may take."""
    inactive_priya_and_trips(demo_app, range(13, 18))
    made_crew_by_an_import(demo_app)
    [text] = lists_waiting(demo_app, "priya")
    assert text.count("Open to you: crew 1\n") == 5 and "captain" not in text, text


def test_a_skipper_who_does_not_crew_is_offered_the_captains_role_alone(demo_app: App) -> None:
    """Jonah, qualified as captain only, is offered the sloop's captain's role, not its crew 1."""
    jonah = get_person(demo_app.store, "demo", "jonah")
    save_people(demo_app.store, "demo", [jonah.model_copy(update={"qualifications": ("captain",)})])
    sloop = book(demo_app, "SLOOP")
    text = mail(demo_app, sloop, "jonah").text
    assert "Open to you: captain." in text and "Also open, for others: crew 1." in text, text


def test_someone_holding_a_role_is_told_they_hold_it_not_asked_to_crew(demo_app: App) -> None:
    """A known gap (docs/reliability.md): a charter recorded late as sailed on 25 May, an admin put Theo in its
    crew 1 (who crewed it), then the date was corrected to 25 Jun: the crew, who had heard nothing of the trip,
    were told as of a new trip, and Theo, crew 1 on it, got "Crew needed" as if he were not aboard. He is told
    it is his ("You're crew 1") and what is still open; the others are asked as before."""
    from firstmate.domain.bookings import BookingRequest
    from firstmate.services.bookings import orchestrate_booking
    from tests.conftest import booking_body

    late = book(demo_app, "LATE", "2026-05-25T10:00:00-07:00")  # over: the clock is 1 June
    admin = get_person(demo_app.store, "demo", "marisol")
    designate_role(demo_app, "demo", f"ev_{late.removeprefix('bk_')}", "crew_1", "theo", admin)
    corrected = booking_body(external_id="LATE", start="2026-06-25T10:00:00-07:00")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(corrected))

    theo = mail(demo_app, late, "theo")
    assert theo.subject == "You're crew 1: Thu 25 Jun 2026, 10:00 PDT, Sea Lark (38 ft sloop)", theo.subject
    for body in (theo.text, theo.html or ""):
        assert "Crew needed" not in body and "You are crew 1 on this trip." in body and "Open: captain." in body, body
        assert "Open to you" not in body, body
    assert mail(demo_app, late, "marisol").subject.startswith("Crew needed: Thu 25 Jun 2026, 10:00 PDT")
