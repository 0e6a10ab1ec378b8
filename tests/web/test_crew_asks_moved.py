"""A trip's own "Crew needed" still waiting to go out (an outage held it) follows the trip when it moves while someone
holds a role on it: the waiting mail, at the old time, is withdrawn and asked anew at the new one, once (docs/crew.md,
"Claim")."""

from __future__ import annotations

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.outbox import OutboxStatus
from firstmate.services import outbox
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.roster import claim_role
from tests.conftest import booking_body, send_due
from tests.web.test_crew_freed import book
from tests.web.test_crew_lists_roster import event_of

OLD = "Crew needed: Sat 13 Jun 2026, 16:00 PDT, Sea Lark (38 ft sloop)"
NEW = "Crew needed: Sat 13 Jun 2026, 10:00 PDT, Sea Lark (38 ft sloop)"


def _move(app: App, start: str) -> None:
    body = booking_body(external_id="JUNE-13", start=start, asset="sea-lark", duration_hours=3)
    orchestrate_booking(app, "demo", BookingRequest.model_validate(body))


def crew_mail(app: App, trip: str, person: str) -> list[tuple[str, OutboxStatus, str]]:
    """(subject, status, error) of each crew message of the trip to `person`, by key."""
    return [
        (e.message.subject, e.status, e.last_error or "")
        for e in sorted(outbox.list_entries(app.store, "demo", limit=None), key=lambda e: e.key)
        if e.key.startswith(f"bk:{trip}:r") and e.key.endswith(f":crew:{person}")
    ]


def test_a_waiting_crew_needed_follows_its_trip_moved_while_someone_holds_a_role(demo_app: App) -> None:
    """A known gap (docs/reliability.md): Marisol took captain on Sat 13 Jun, then the trip moved from 16:00 to 10:00
    while the other crew's "Crew needed" still waited (an outage): Priya, Theo and Jonah would be asked to crew it at
    16:00. Each waiting mail is withdrawn, saying why, and one at 10:00 goes in its place, once; Marisol hears "Trip
    changed"."""
    trip = book(demo_app, "JUNE-13")
    claim_role(demo_app, "demo", event_of(trip), "captain", "marisol")
    _move(demo_app, "2026-06-13T10:00:00-07:00")
    for person in ("priya", "theo", "jonah"):
        [(old, withdrawn, why), (new, waiting, _)] = crew_mail(demo_app, trip, person)
        assert (old, withdrawn, new, waiting) == (OLD, OutboxStatus.DEAD, NEW, OutboxStatus.PENDING), person
        assert why.startswith("not sent: the trip Sat 13 Jun 2026, 16:00 PDT moved to Sat 13 Jun 2026, 10:00 PDT"), why

    _move(demo_app, "2026-06-13T10:00:00-07:00")  # the same again: nothing more
    assert len(crew_mail(demo_app, trip, "priya")) == 2
    send_due(demo_app)
    assert [s for s, status, _ in crew_mail(demo_app, trip, "priya") if status is OutboxStatus.SENT] == [NEW]
    assert crew_mail(demo_app, trip, "marisol")[-1][0].startswith("Trip changed: Sat 13 Jun 2026, 10:00 PDT")


def test_a_crew_needed_sent_before_the_move_is_not_asked_again(demo_app: App, clock: FixedClock) -> None:
    """The mails went out before the move: they stand, and the move asks nobody again (the trip list shows it)."""
    trip = book(demo_app, "JUNE-13")
    send_due(demo_app)
    claim_role(demo_app, "demo", event_of(trip), "captain", "marisol")
    _move(demo_app, "2026-06-13T10:00:00-07:00")
    assert crew_mail(demo_app, trip, "priya") == [(OLD, OutboxStatus.SENT, "")]


def test_a_crew_needed_being_sent_as_its_trip_moves_is_withdrawn_if_its_send_fails(
    demo_app: App, clock: FixedClock
) -> None:
    """Priya's "Crew needed" at 16:00 was being sent as the trip moved to 10:00 and the send timed out: it is not
    retried, and the one at 10:00 reaches her, once."""
    from datetime import timedelta

    from firstmate.domain.mail import OutgoingMessage
    from firstmate.errors import TransientDeliveryError

    trip = book(demo_app, "JUNE-13")
    claim_role(demo_app, "demo", event_of(trip), "captain", "marisol")

    class Relay:
        def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
            if message.to == ("priya@example.com",) and message.subject == OLD:
                _move(demo_app, "2026-06-13T10:00:00-07:00")
                raise TransientDeliveryError("cannot reach the SMTP server: timed out")
            return demo_app.mailer.send(message, recipients)

    outbox.dispatch_outbox(demo_app.store, Relay(), clock, demo_app.retry_policy, keys=demo_app.signing_keys)
    clock.advance(timedelta(hours=1))
    send_due(demo_app)
    [(old, withdrawn, why), (new, sent, _)] = crew_mail(demo_app, trip, "priya")
    assert (old, withdrawn, new, sent) == (OLD, OutboxStatus.DEAD, NEW, OutboxStatus.SENT), why
    assert "moved to Sat 13 Jun 2026, 10:00 PDT" in why


def test_a_move_asks_anew_more_waiting_crew_needed_than_its_write_holds(demo_app: App) -> None:
    """Sixty deckhands wait on the trip's "Crew needed"; Marisol holds captain and the trip moves to 10:00: the move
    lands, and every deckhand is asked at 10:00, once (those beyond its write straight after it)."""
    from firstmate.domain.people import Person
    from firstmate.services.bookings import complete_fanouts
    from firstmate.services.business import load_business
    from firstmate.services.org_setup import check_org, import_org, org_tables
    from firstmate.services.people import list_people

    deckhands = [Person(id=f"deck-{n}", name=f"Deck Hand{n}", email=f"deck-{n}@example.com") for n in range(60)]
    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    import_org(demo_app.store, check_org(org_tables(profile, [*list_people(demo_app.store, "demo"), *deckhands])))
    trip = book(demo_app, "JUNE-13")
    complete_fanouts(demo_app)
    claim_role(demo_app, "demo", event_of(trip), "captain", "marisol")

    _move(demo_app, "2026-06-13T10:00:00-07:00")
    complete_fanouts(demo_app)
    after = {d.id: [(s, status) for s, status, _ in crew_mail(demo_app, trip, d.id)] for d in deckhands}
    expected = [(OLD, OutboxStatus.DEAD), (NEW, OutboxStatus.PENDING)]
    assert [d for d, mail in after.items() if mail != expected] == []


def test_someone_busy_at_the_new_time_is_asked_once_their_other_trip_lets_them_go(demo_app: App) -> None:
    """A known gap (docs/reliability.md): Priya's "Crew needed" for Sat 13 Jun at 16:00 still waited when the trip,
    Marisol its captain, moved to 10:00, where Priya crews the catamaran. Her mail is withdrawn, saying she is busy
    then; she is left out as she would be of a trip booked at 10:00, so once the catamaran's trip is cancelled she is
    asked to crew it at 10:00, once."""
    from firstmate.services.bookings import cancel_booking

    trip = book(demo_app, "JUNE-13")
    tern = book(demo_app, "TERN", "2026-06-13T09:00:00-07:00", asset="morning-tern")
    claim_role(demo_app, "demo", event_of(tern), "crew_1", "priya")
    claim_role(demo_app, "demo", event_of(trip), "captain", "marisol")
    _move(demo_app, "2026-06-13T10:00:00-07:00")
    [(old, withdrawn, why)] = crew_mail(demo_app, trip, "priya")
    assert (old, withdrawn) == (OLD, OutboxStatus.DEAD) and "busy on another trip then" in why, why

    cancel_booking(demo_app, "demo", tern)
    cancel_booking(demo_app, "demo", tern)  # the same again: asked once
    assert [(s, status) for s, status, _ in crew_mail(demo_app, trip, "priya")] == [
        (OLD, OutboxStatus.DEAD),
        (NEW, OutboxStatus.PENDING),
    ]
    send_due(demo_app)
    assert [s for s, status, _ in crew_mail(demo_app, trip, "priya") if status is OutboxStatus.SENT] == [NEW]


def test_someone_busy_at_the_new_time_beyond_the_moves_write_is_asked_once_free(demo_app: App) -> None:
    """Sixty deckhands wait on the trip's "Crew needed" before Priya: hers is withdrawn straight after the move's own
    write, and she too is asked at 10:00 once the catamaran's trip keeping her busy is cancelled, once."""
    from firstmate.domain.people import Person
    from firstmate.services.bookings import cancel_booking, complete_fanouts
    from firstmate.services.business import load_business
    from firstmate.services.org_setup import check_org, import_org, org_tables
    from firstmate.services.people import list_people

    deckhands = [Person(id=f"deck-{n}", name=f"Deck Hand{n}", email=f"deck-{n}@example.com") for n in range(60)]
    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    import_org(demo_app.store, check_org(org_tables(profile, [*list_people(demo_app.store, "demo"), *deckhands])))
    trip = book(demo_app, "JUNE-13")
    tern = book(demo_app, "TERN", "2026-06-13T09:00:00-07:00", asset="morning-tern")
    complete_fanouts(demo_app)
    claim_role(demo_app, "demo", event_of(tern), "crew_1", "priya")
    claim_role(demo_app, "demo", event_of(trip), "captain", "marisol")

    _move(demo_app, "2026-06-13T10:00:00-07:00")
    complete_fanouts(demo_app)
    [(_, withdrawn, why)] = crew_mail(demo_app, trip, "priya")
    assert withdrawn is OutboxStatus.DEAD and "busy on another trip then" in why, why
    cancel_booking(demo_app, "demo", tern)
    assert [(s, status) for s, status, _ in crew_mail(demo_app, trip, "priya")] == [
        (OLD, OutboxStatus.DEAD),
        (NEW, OutboxStatus.PENDING),
    ]


@pytest.mark.parametrize("beyond", [False, True])
def test_a_waiting_list_followed_by_a_move_leaves_off_a_trip_at_a_time_they_are_busy(
    demo_app: App, monkeypatch: pytest.MonkeyPatch, beyond: bool
) -> None:
    """Priya's "Crew needed on 5 trips" still waited when Sat 13 Jun moved from 16:00 to 10:00, where she crews the
    catamaran: the list in its place asked her to crew Sat 13 Jun at 10:00, a trip she cannot take (one trip at a
    time), and nothing would ask her once free. It leaves it off, as a trip booked then would; she is asked once the
    catamaran's trip is cancelled, at 10:00, once. Her list following the move only once it is written (`beyond` the
    move's own write) leaves it off too; she is told "Trip changed" instead, as one whose list may go out meanwhile."""
    from firstmate.services.bookings import cancel_booking
    from firstmate.services.bookings import change as changing
    from tests.web.test_crew_freed import inactive_priya_and_trips, made_crew_by_an_import

    if beyond:
        monkeypatch.setattr(changing, "_LISTS_ROOM", 0)

    trips = inactive_priya_and_trips(demo_app, range(13, 18))
    tern = book(demo_app, "TERN", "2026-06-13T09:00:00-07:00", asset="morning-tern")
    made_crew_by_an_import(demo_app)
    claim_role(demo_app, "demo", event_of(tern), "crew_1", "priya")
    _move(demo_app, "2026-06-13T10:00:00-07:00")
    waiting = [
        e.message.text
        for e in outbox.list_entries(demo_app.store, "demo", limit=None)
        if e.key.startswith("crew-asked:priya:") and e.status is OutboxStatus.PENDING
    ]
    assert waiting and not any("Sat 13 Jun 2026, 10:00" in text for text in waiting), waiting

    cancel_booking(demo_app, "demo", tern)
    cancel_booking(demo_app, "demo", tern)  # the same again: asked once
    asked = [s for s, status, _ in crew_mail(demo_app, trips[0], "priya") if status is OutboxStatus.PENDING]
    assert asked == [NEW.replace("Crew needed", "Trip changed") if beyond else NEW]
