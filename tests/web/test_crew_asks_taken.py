"""A trip's own "Crew needed" still waiting to go out (an outage held it) follows its roster, as the lists do: once the
last role open to its reader is taken it is withdrawn in the claim's own write, and a role given up asks them again;
once sent, nothing changes (docs/crew.md, "Claim")."""

from __future__ import annotations

from datetime import timedelta

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.outbox import OutboxStatus
from firstmate.ports import Mailer
from firstmate.services import outbox
from firstmate.services.people import get_person
from firstmate.services.roster import claim_role, designate_role, release_role
from tests.conftest import send_due
from tests.web.test_crew_freed import asked, book
from tests.web.test_crew_lists_roster import event_of

ASKED = "Crew needed: Sat 13 Jun 2026, 16:00 PDT, Sea Lark (38 ft sloop)"


def asks(app: App, booking_id: str) -> dict[str, tuple[OutboxStatus, str]]:
    """Each crew member's "Crew needed" of the trip: (status, why withdrawn), by person."""
    return {
        e.key.split(":")[4]: (e.status, e.last_error or "")
        for e in outbox.list_entries(app.store, "demo", limit=None)
        if e.key.startswith(f"bk:{booking_id}:r") and e.message.subject == ASKED
    }


def test_a_waiting_crew_needed_is_withdrawn_once_the_last_role_open_to_its_reader_is_taken(demo_app: App) -> None:
    """A known gap (docs/reliability.md): Sea Lark's Sat 13 Jun trip asked its crew (captain and crew 1 open); the
    mails still waited when Theo took crew 1, and Priya, a deckhand, would still be asked to crew a trip with nothing
    left for her. Hers is withdrawn in Theo's claim, saying why, and so is Theo's own; Marisol and Jonah, who may
    still captain it, keep theirs."""
    trip = book(demo_app, "JUNE-13")
    assert {p: s for p, (s, _) in asks(demo_app, trip).items()} == dict.fromkeys(
        ("jonah", "marisol", "priya", "theo"), OutboxStatus.PENDING
    )

    claim_role(demo_app, "demo", event_of(trip), "crew_1", "theo")
    after = asks(demo_app, trip)
    assert after["marisol"] == after["jonah"] == (OutboxStatus.PENDING, "")
    status, why = after["priya"]
    assert status is OutboxStatus.DEAD
    assert why.startswith("not sent: the trip Sat 13 Jun 2026, 16:00 PDT had its last role open to them taken"), why
    status, why = after["theo"]
    assert status is OutboxStatus.DEAD and "they took crew 1 on it themselves" in why, why


def test_a_crew_needed_already_sent_is_left_as_it_went(demo_app: App) -> None:
    """The mails went out before Theo's claim: nothing is withdrawn, and nobody is sent anything more of it."""
    trip = book(demo_app, "JUNE-13")
    send_due(demo_app)
    before = {
        e.key for e in outbox.list_entries(demo_app.store, "demo", limit=None) if e.message.to == ("priya@example.com",)
    }

    claim_role(demo_app, "demo", event_of(trip), "crew_1", "theo")
    assert asks(demo_app, trip)["priya"] == (OutboxStatus.SENT, "")
    now = {
        e.key for e in outbox.list_entries(demo_app.store, "demo", limit=None) if e.message.to == ("priya@example.com",)
    }
    assert now == before


def test_a_role_given_up_asks_again_whom_its_claim_left_unasked(demo_app: App) -> None:
    """Theo's claim withdrew Priya's waiting "Crew needed"; he gave crew 1 up again: she is asked again, by the same
    mail waiting once more (once, however often it goes round), written as the trip is now; Theo, who left it, is
    not. A designation takes it off again."""
    trip = book(demo_app, "JUNE-13")
    theo = get_person(demo_app.store, "demo", "theo")
    for _ in range(2):
        claim_role(demo_app, "demo", event_of(trip), "crew_1", "theo")
        assert asks(demo_app, trip)["priya"][0] is OutboxStatus.DEAD
        release_role(demo_app, "demo", event_of(trip), "crew_1", "theo", theo)
        assert asks(demo_app, trip)["priya"] == (OutboxStatus.PENDING, "")
        assert asks(demo_app, trip)["theo"][0] is OutboxStatus.DEAD

    [text] = [
        e.message.text
        for e in outbox.list_entries(demo_app.store, "demo", limit=None)
        if e.message.to == ("priya@example.com",) and e.message.subject == ASKED
    ]
    assert "crew 1" in text

    designate_role(demo_app, "demo", event_of(trip), "crew_1", "theo", get_person(demo_app.store, "demo", "marisol"))
    status, why = asks(demo_app, trip)["priya"]
    assert status is OutboxStatus.DEAD and "had its last role open to them taken" in why, why


def test_a_claim_withdraws_more_waiting_crew_needed_than_its_write_holds(demo_app: App) -> None:
    """Sixty deckhands taken on before the trip was booked each wait on its "Crew needed"; Theo takes crew 1: the
    claim lands, and every deckhand's is withdrawn (those beyond its write straight after it)."""
    from firstmate.domain.people import Person
    from firstmate.services.business import load_business
    from firstmate.services.org_setup import check_org, import_org, org_tables
    from firstmate.services.people import list_people

    deckhands = [Person(id=f"deck-{n}", name=f"Deck Hand{n}", email=f"deck-{n}@example.com") for n in range(60)]
    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    import_org(demo_app.store, check_org(org_tables(profile, [*list_people(demo_app.store, "demo"), *deckhands])))
    trip = book(demo_app, "JUNE-13")
    from firstmate.services.bookings import complete_fanouts

    complete_fanouts(demo_app)  # a large crew's asks are queued after the booking's own write
    assert all(asks(demo_app, trip)[d.id][0] is OutboxStatus.PENDING for d in deckhands)

    claim_role(demo_app, "demo", event_of(trip), "crew_1", "theo")
    after = asks(demo_app, trip)
    assert [d.id for d in deckhands if after[d.id][0] is not OutboxStatus.DEAD] == []
    assert after["marisol"] == (OutboxStatus.PENDING, "")


def _waiting_for(app: App, person: str) -> list[str]:
    """The subjects of the mails waiting in the outbox to `person`."""
    return [
        e.message.subject
        for e in outbox.list_entries(app.store, "demo", limit=None)
        if e.message.to == (f"{person}@example.com",) and e.status is OutboxStatus.PENDING
    ]


def test_a_booking_change_that_opens_a_role_again_asks_whom_a_claim_left_unasked(demo_app: App) -> None:
    """Theo's claim of crew 1 withdrew Priya's waiting "Crew needed" (nothing left for her on the sloop); the trip
    then moved to Morning Tern, whose crew 2 is open to her, Theo keeping crew 1: she is asked, once, to crew it as
    it is now, where she was once left never asked of a trip with a role for her."""
    trip = book(demo_app, "JUNE-13")
    claim_role(demo_app, "demo", event_of(trip), "crew_1", "theo")
    assert asks(demo_app, trip)["priya"][0] is OutboxStatus.DEAD

    book(demo_app, "JUNE-13", asset="morning-tern")
    waiting = _waiting_for(demo_app, "priya")
    assert waiting == ["Crew needed: Sat 13 Jun 2026, 16:00 PDT, Morning Tern (45 ft catamaran)"], waiting
    book(demo_app, "JUNE-13", asset="morning-tern", hours=4)  # a later change asks her nothing more
    assert len(_waiting_for(demo_app, "priya")) == 1


def test_a_trip_moved_to_a_boat_that_takes_its_crew_off_asks_whom_a_claim_left_unasked(demo_app: App) -> None:
    """Theo's claim withdrew Priya's waiting "Crew needed"; the trip then went to Dawn Gull, a boat with a captain
    and a crew 2 and no crew 1, taking Theo off: nobody is aboard and every qualified crew member hears "Trip
    changed", but Priya never heard of the trip: she is asked to crew it, as it is now, and told nothing else."""
    from firstmate.services.business import load_business, save_business

    profile = load_business(demo_app.store, "demo")
    assert profile is not None
    sloop = profile.asset("sea-lark")
    assert sloop is not None
    gull = sloop.model_copy(
        update={"id": "dawn-gull", "name": "Dawn Gull (36 ft sloop)", "roles": ("captain", "crew_2")}
    )
    save_business(demo_app.store, profile.model_copy(update={"assets": (*profile.assets, gull)}))
    trip = book(demo_app, "JUNE-13")
    claim_role(demo_app, "demo", event_of(trip), "crew_1", "theo")

    book(demo_app, "JUNE-13", asset="dawn-gull")
    waiting = _waiting_for(demo_app, "priya")
    assert waiting == ["Crew needed: Sat 13 Jun 2026, 16:00 PDT, Dawn Gull (36 ft sloop)"], waiting
    jonah = _waiting_for(demo_app, "jonah")
    assert "Trip changed: Sat 13 Jun 2026, 16:00 PDT, Dawn Gull (36 ft sloop)" in jonah, jonah


def _claiming_relay(app: App, trip: str, *, fails: bool) -> Mailer:
    """A relay that, as it takes Priya's "Crew needed", sees Theo take crew 1 (the mail in flight), then sends it or
    times out; every other mail it sends."""
    from firstmate.domain.mail import OutgoingMessage
    from firstmate.errors import TransientDeliveryError

    class Relay:
        def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
            if message.to == ("priya@example.com",) and message.subject == ASKED:
                claim_role(app, "demo", event_of(trip), "crew_1", "theo")
                if fails:
                    raise TransientDeliveryError("cannot reach the SMTP server: timed out")
            return app.mailer.send(message, recipients)

    return Relay()


def test_a_crew_needed_being_sent_when_its_last_role_is_taken_is_withdrawn_if_its_send_fails(
    demo_app: App, clock: FixedClock
) -> None:
    """A known gap (docs/reliability.md): Priya's "Crew needed" was being sent when Theo took crew 1, the last role
    open to her; the send timed out, and the retry asked her to crew a trip with nothing left for her. Its failed send
    withdraws it, saying why, and the next pass sends her nothing."""
    trip = book(demo_app, "JUNE-13")
    relay = _claiming_relay(demo_app, trip, fails=True)
    outbox.dispatch_outbox(demo_app.store, relay, demo_app.clock, demo_app.retry_policy, keys=demo_app.signing_keys)
    status, why = asks(demo_app, trip)["priya"]
    assert status is OutboxStatus.DEAD, (status, why)
    assert why.startswith("not sent: the trip Sat 13 Jun 2026, 16:00 PDT had its last role open to them taken"), why

    clock.advance(timedelta(hours=1))  # past the retry's wait
    send_due(demo_app)
    assert asks(demo_app, trip)["priya"][0] is OutboxStatus.DEAD


def test_a_crew_needed_being_sent_when_its_last_role_is_taken_stands_once_sent(demo_app: App) -> None:
    """The same claim as Priya's "Crew needed" goes out: it went before the claim, and stands as sent."""
    trip = book(demo_app, "JUNE-13")
    relay = _claiming_relay(demo_app, trip, fails=False)
    outbox.dispatch_outbox(demo_app.store, relay, demo_app.clock, demo_app.retry_policy, keys=demo_app.signing_keys)
    assert asks(demo_app, trip)["priya"] == (OutboxStatus.SENT, "")


def test_a_crew_needed_being_sent_when_a_role_is_taken_and_given_up_goes_once_its_relay_is_back(
    demo_app: App, clock: FixedClock
) -> None:
    """Theo took crew 1 and gave it up again while Priya's "Crew needed" was being sent, and the send timed out: crew 1
    is open to her again, so it is tried again as any failed send, and reaches her once."""
    from firstmate.domain.mail import OutgoingMessage
    from firstmate.errors import TransientDeliveryError

    trip = book(demo_app, "JUNE-13")
    theo = get_person(demo_app.store, "demo", "theo")

    class Relay:
        def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
            if message.to == ("priya@example.com",) and message.subject == ASKED:
                claim_role(demo_app, "demo", event_of(trip), "crew_1", "theo")
                release_role(demo_app, "demo", event_of(trip), "crew_1", "theo", theo)
                raise TransientDeliveryError("cannot reach the SMTP server: timed out")
            return demo_app.mailer.send(message, recipients)

    outbox.dispatch_outbox(demo_app.store, Relay(), clock, demo_app.retry_policy, keys=demo_app.signing_keys)
    assert asks(demo_app, trip)["priya"] == (OutboxStatus.PENDING, "cannot reach the SMTP server: timed out")
    clock.advance(timedelta(hours=1))  # the relay is back
    send_due(demo_app)
    assert asks(demo_app, trip)["priya"] == (OutboxStatus.SENT, "")
    assert len(asked(demo_app, trip, "priya")) == 1
