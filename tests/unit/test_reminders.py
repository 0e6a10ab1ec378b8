"""Crew reminders: once per offset and person, and never stale for late bookings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import Booking, BookingRequest
from firstmate.domain.mail import with_countdown
from firstmate.services import outbox
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.reminders import send_due_reminders
from firstmate.services.roster import claim_role
from tests.conftest import booking_body

OFFSETS = [timedelta(hours=24), timedelta(hours=2)]
HOUR = timedelta(hours=1)


def _held_reminder(app: App, clock: FixedClock, role: str) -> Booking:
    """A trip with Jonah in `role`, one minute into its 2-hour reminder, held by a relay outage."""
    booking = orchestrate_booking(app, "demo", BookingRequest.model_validate(booking_body())).booking
    claim_role(app, "demo", booking.event_id, role, "jonah")
    clock.set(booking.request.start - timedelta(hours=2) + timedelta(minutes=1))
    assert send_due_reminders(app, OFFSETS, clock.now()) == 1  # held: nothing is dispatched
    return booking


def _reminders(app: App) -> list[str]:
    keys = [e.key for e in outbox.list_entries(app.store, "demo") if ":reminder:" in e.key]
    return sorted(":".join(k.split(":")[-2:]) for k in keys)


def test_reminders_go_once_at_each_offset_to_role_holders(demo_app: App, clock: FixedClock) -> None:
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    claim_role(demo_app, "demo", booking.event_id, "captain", "jonah")
    start = booking.request.start
    clock.set(start - timedelta(hours=30))
    assert send_due_reminders(demo_app, OFFSETS, clock.now()) == 0
    clock.set(start - timedelta(hours=24) + timedelta(minutes=3))
    assert send_due_reminders(demo_app, OFFSETS, clock.now()) == 1
    assert send_due_reminders(demo_app, OFFSETS, clock.now()) == 0
    clock.set(start - timedelta(hours=2) + timedelta(minutes=1))
    assert send_due_reminders(demo_app, OFFSETS, clock.now()) == 1
    assert _reminders(demo_app) == ["120m:jonah", "1440m:jonah"]
    [mail] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith("120m:jonah")]
    assert "captain in 1 h 59 min" in with_countdown(mail.message, clock.now()).subject


def test_reminders_under_a_minute_apart_each_go_and_a_whole_minute_offset_keeps_its_key(
    demo_app: App, clock: FixedClock
) -> None:
    """Found by a review: offsets of 2 h and 2 h 30 s (reminder_offsets_h 2 and 2.008333) were both keyed
    "120m", so the second was taken for the first and never sent. Each now has its own key; a whole minute's
    stays as it was, so a reminder queued before the change is not queued again."""
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    claim_role(demo_app, "demo", booking.event_id, "captain", "jonah")
    offsets = [timedelta(hours=2), timedelta(hours=2, seconds=30), timedelta(hours=2, seconds=59.5)]
    clock.set(booking.request.start - timedelta(hours=2) + timedelta(minutes=1))
    assert send_due_reminders(demo_app, offsets, clock.now()) == 3
    assert send_due_reminders(demo_app, offsets, clock.now()) == 0
    assert _reminders(demo_app) == ["120m30s:jonah", "120m59.5s:jonah", "120m:jonah"]
    # with the offsets read from the settings, as the crew_reminders job reads them
    again = [timedelta(hours=h) for h in (2.0, 2 + 30 / 3600)]
    assert send_due_reminders(demo_app, again, clock.now()) == 0


def test_a_reminder_held_back_by_an_outage_says_the_time_left_when_it_is_sent(demo_app: App, clock: FixedClock) -> None:
    """It said the time left when it was queued: after a 90-minute relay outage, "captain in 1 h 59 min"
    arrived half an hour before departure."""
    from tests.conftest import mail_text, sent_mail

    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    claim_role(demo_app, "demo", booking.event_id, "captain", "jonah")
    start = booking.request.start
    clock.set(start - timedelta(hours=2) + timedelta(minutes=1))
    assert send_due_reminders(demo_app, OFFSETS, clock.now()) == 1
    [held] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith("120m:jonah")]
    clock.set(start - timedelta(minutes=29))  # the relay is back
    mail = sent_mail(demo_app, "demo", held.key)
    assert str(mail["Subject"]).startswith("Reminder: captain in 29 min, ") and "(in 29 min)" in mail_text(mail)
    assert "time-left-worded-when-sent" not in mail.as_string()
    # the admin page and `outbox show`, read later, show the words it went out with
    from firstmate.domain.outbox import as_read

    clock.advance(timedelta(hours=3))
    assert as_read(outbox.get_entry(demo_app.store, "demo", held.key), clock.now()).subject == str(mail["Subject"])
    from tests.security.conftest import operator

    listed = operator(demo_app).get("/admin/outbox").text  # the list showed the place held for the words
    assert "Reminder: captain in 29 min, " in listed and "time-left-worded-when-sent" not in listed


def test_a_booking_made_inside_a_reminder_window_gets_no_stale_reminder(demo_app: App, clock: FixedClock) -> None:
    start = clock.now() + timedelta(hours=5)
    body = booking_body(external_id="LATE-1", start=start.isoformat())
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    claim_role(demo_app, "demo", booking.event_id, "captain", "marisol")
    for minutes in range(0, 5 * 60, 5):  # the scheduler ticking every 5 minutes until departure
        clock.set(start - timedelta(hours=5) + timedelta(minutes=minutes))
        send_due_reminders(demo_app, OFFSETS, clock.now())
    assert _reminders(demo_app) == ["120m:marisol"]


def test_a_reminder_held_back_by_an_outage_is_withdrawn_when_the_trip_moves_or_is_cancelled(
    demo_app: App, clock: FixedClock
) -> None:
    """Queued for 16:00, the relay down, the trip moved to 15:00: once the relay was back the captain
    got "Reminder: captain in 1 h 59 min, 16:00" after the boat had left (and, for a cancelled trip,
    before the mail saying so)."""
    from firstmate.domain.outbox import OutboxStatus
    from firstmate.services.bookings import cancel_booking

    for n, change in enumerate(("move", "cancel")):
        body = booking_body(external_id=f"HELD-{n}", start=(clock.now() + timedelta(days=3 + n)).isoformat())
        booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
        claim_role(demo_app, "demo", booking.event_id, "captain", "jonah")
        clock.set(booking.request.start - timedelta(hours=2) + timedelta(minutes=1))
        assert send_due_reminders(demo_app, OFFSETS, clock.now()) == 1  # and the relay does not take it
        clock.advance(timedelta(minutes=10))
        if change == "move":
            earlier = booking.request.start - timedelta(hours=1)
            moved = BookingRequest.model_validate({**body, "start": earlier.isoformat()})
            orchestrate_booking(demo_app, "demo", moved)
            why = "not sent: the trip moved to "
        else:
            cancel_booking(demo_app, "demo", booking.id)
            why = "not sent: the trip was cancelled"
        [held] = [
            e
            for e in outbox.list_entries(demo_app.store, "demo")
            if f":reminder:{int(booking.request.start.timestamp())}:" in e.key
            and e.key.startswith(f"ev:{booking.event_id}")
        ]
        assert held.status is OutboxStatus.DEAD and held.last_error is not None and held.last_error.startswith(why)
        assert held.message.stale_after == clock.now()  # no retry sends it
        clock.set(booking.request.start + timedelta(days=1))


def test_a_reminder_withdrawn_by_a_move_waits_again_when_the_trip_moves_back(demo_app: App, clock: FixedClock) -> None:
    """The withdrawn reminder kept its key, and the scheduler queues a key once: a trip moved to 15:00
    and back to 16:00 during an outage never reminded its captain."""
    from firstmate.domain.outbox import OutboxStatus

    body = booking_body(external_id="FLAP-1", start=(clock.now() + timedelta(days=3)).isoformat())
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    claim_role(demo_app, "demo", booking.event_id, "captain", "jonah")
    start = booking.request.start
    clock.set(start - timedelta(hours=2) + timedelta(minutes=1))
    assert send_due_reminders(demo_app, OFFSETS, clock.now()) == 1  # held back: the relay is down
    clock.advance(timedelta(minutes=5))
    earlier = {**body, "start": (start - timedelta(hours=1)).isoformat()}
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(earlier))
    key = f"ev:{booking.event_id}:reminder:{int(start.timestamp())}:120m:jonah"
    assert outbox.get_entry(demo_app.store, "demo", key).status is OutboxStatus.DEAD
    clock.advance(timedelta(minutes=3))
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate({**body, "notes": "back at four after all"}))
    restored = outbox.get_entry(demo_app.store, "demo", key)
    assert restored.status is OutboxStatus.PENDING and restored.message.stale_after == start
    assert restored.last_error is None and restored.attempts == 0


def test_a_held_reminder_follows_its_role_to_whoever_holds_it(demo_app: App, clock: FixedClock) -> None:
    """The relay down, an admin made Marisol captain: once it was back, Jonah was still told to be
    aboard as captain. His reminder is withdrawn, and waits again if he is made captain again."""
    from firstmate.services.people import get_person
    from firstmate.services.roster import designate_role

    booking = _held_reminder(demo_app, clock, "captain")
    admin = get_person(demo_app.store, "demo", "marisol")

    def status() -> str:
        [jonahs] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith("120m:jonah")]
        return jonahs.status.value

    designate_role(demo_app, "demo", booking.event_id, "captain", "marisol", admin)
    assert status() == "dead"
    assert send_due_reminders(demo_app, OFFSETS, clock.now()) == 1  # Marisol's own
    designate_role(demo_app, "demo", booking.event_id, "captain", "jonah", admin)
    assert status() == "pending"


def test_a_held_reminder_names_the_role_its_person_holds_now(demo_app: App, clock: FixedClock) -> None:
    """Jonah, crew 1, made captain during a relay outage, was still reminded he was crew 1."""
    from firstmate.services.people import get_person
    from firstmate.services.roster import designate_role

    booking = _held_reminder(demo_app, clock, "crew_1")
    admin = get_person(demo_app.store, "demo", "marisol")
    designate_role(demo_app, "demo", booking.event_id, "captain", "jonah", admin)
    [held] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith("120m:jonah")]
    read = with_countdown(held.message, clock.now())
    assert held.status.value == "pending" and read.subject.startswith("Reminder: captain in 1 h 59 min, ")
    assert "You are captain on Sea Lark" in read.text


def test_a_held_reminder_names_the_boat_the_trip_moved_to(demo_app: App, clock: FixedClock) -> None:
    """Moved from Sea Lark to Morning Tern at the same time during a relay outage, Jonah was still
    reminded to be aboard Sea Lark: the wrong boat, and the wrong dock."""
    _held_reminder(demo_app, clock, "captain")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(asset="morning-tern")))
    [held] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith("120m:jonah")]
    read = with_countdown(held.message, clock.now())
    assert held.status.value == "pending" and "You are captain on Morning Tern" in read.text
    assert "Sea Lark" not in read.text and "Sea Lark" not in read.subject
    # back to Sea Lark, an hour longer (the same departure: the reminder stays, named anew)
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(duration_hours=4)))
    [held] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith("120m:jonah")]
    assert "You are captain on Sea Lark" in held.message.text and "Morning Tern" not in held.message.text


def test_a_cancellation_withdraws_the_crew_needed_still_waiting_for_crew_it_does_not_tell(
    demo_app: App, clock: FixedClock
) -> None:
    """Booked during a relay outage ("Crew needed" to all four held), crewed by Jonah, then cancelled:
    the cancellation tells Jonah, and the others still got "Crew needed" once the relay was back."""
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    claim_role(demo_app, "demo", booking.event_id, "captain", "jonah")
    from firstmate.services.bookings import cancel_booking

    cancel_booking(demo_app, "demo", booking.id)
    crew_needed = [e for e in outbox.list_entries(demo_app.store, "demo") if ":r1:crew:" in e.key]
    assert len(crew_needed) == 4 and {e.status.value for e in crew_needed} == {"dead"}
    told = [e.key.rsplit(":", 1)[-1] for e in outbox.list_entries(demo_app.store, "demo") if ":r2:crew:" in e.key]
    assert told == ["jonah"]


def test_a_held_reminder_waiting_again_names_the_role_and_boat_of_now(demo_app: App, clock: FixedClock) -> None:
    """A reminder withdrawn, then let wait again, went out in the words it was queued with: Jonah,
    crew 1 given to Marisol and then made captain, was reminded he was crew 1; a trip moved to Morning
    Tern at 17:00 and back to 16:00 reminded its captain to be aboard Sea Lark."""
    from firstmate.services.people import get_person
    from firstmate.services.roster import designate_role

    booking = _held_reminder(demo_app, clock, "crew_1")
    admin = get_person(demo_app.store, "demo", "marisol")

    def jonahs() -> str:
        [held] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith("120m:jonah")]
        assert held.status.value == "pending"
        return held.message.text

    designate_role(demo_app, "demo", booking.event_id, "crew_1", "marisol", admin)  # withdrawn
    designate_role(demo_app, "demo", booking.event_id, "captain", "jonah", admin)  # waiting again
    assert "You are captain on Sea Lark" in jonahs()
    moved = booking_body(asset="morning-tern", start="2026-06-13T17:00:00-07:00")
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(moved))  # withdrawn: another time
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(asset="morning-tern")))
    assert "You are captain on Morning Tern" in jonahs()


def test_a_reminder_being_sent_as_its_trip_moves_is_withdrawn_if_its_send_fails(
    demo_app: App, clock: FixedClock
) -> None:
    """Only waiting reminders were withdrawn: one whose send was failing at the move went back to wait,
    and "captain at 16:00" went out after the trip had moved to 15:00."""
    from firstmate.domain.mail import OutgoingMessage
    from firstmate.domain.outbox import OutboxStatus
    from firstmate.errors import TransientDeliveryError

    booking = _held_reminder(demo_app, clock, "captain")
    earlier = booking.request.model_copy(update={"start": booking.request.start - timedelta(hours=1)})

    class Relay:
        """Down: its attempt at the reminder times out, and the trip moves meanwhile."""

        def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
            if ":reminder:" in message.idempotency_key:
                orchestrate_booking(demo_app, "demo", earlier)
            raise TransientDeliveryError("cannot reach the SMTP server: timed out")

    outbox.dispatch_outbox(demo_app.store, Relay(), clock, demo_app.retry_policy, keys=demo_app.signing_keys)
    [held] = [e for e in outbox.list_entries(demo_app.store, "demo") if ":reminder:" in e.key]
    assert held.status is OutboxStatus.DEAD and (held.last_error or "").startswith("not sent: the trip moved to ")


@pytest.mark.parametrize("undone", ["move", "role"])
def test_a_reminder_being_sent_as_its_trip_moves_and_moves_back_goes_out_once_its_relay_is_back(
    demo_app: App, clock: FixedClock, undone: str
) -> None:
    """Marked withdrawn while its send was timing out, the trip then moved back (or the role given
    away and back): the mark stayed, the failed send withdrew it for good, and the captain of the trip
    as it stood never got his 2-hour reminder (the scheduler cannot queue another under its key)."""
    from firstmate.domain.mail import OutgoingMessage
    from firstmate.domain.outbox import OutboxStatus
    from firstmate.errors import TransientDeliveryError
    from firstmate.services.people import get_person
    from firstmate.services.roster import designate_role
    from tests.conftest import sent_mail

    outbox.dispatch_outbox(demo_app.store, demo_app.mailer, clock, demo_app.retry_policy, keys=demo_app.signing_keys)
    booking = _held_reminder(demo_app, clock, "captain")
    start, admin = booking.request.start, get_person(demo_app.store, "demo", "marisol")

    class Relay:
        """Timing out on the reminder, while the change is made and undone."""

        def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
            if ":reminder:" in message.idempotency_key and undone == "move":
                orchestrate_booking(demo_app, "demo", booking.request.model_copy(update={"start": start - HOUR}))
                orchestrate_booking(demo_app, "demo", booking.request.model_copy(update={"notes": "back at four"}))
            elif ":reminder:" in message.idempotency_key:
                designate_role(demo_app, "demo", booking.event_id, "captain", "marisol", admin)
                designate_role(demo_app, "demo", booking.event_id, "captain", "jonah", admin)
            raise TransientDeliveryError("cannot reach the SMTP server: timed out")

    outbox.dispatch_outbox(demo_app.store, Relay(), clock, demo_app.retry_policy, keys=demo_app.signing_keys)
    key = f"ev:{booking.event_id}:reminder:{int(start.timestamp())}:120m:jonah"
    held = outbox.get_entry(demo_app.store, "demo", key)
    assert held.status is OutboxStatus.PENDING and held.message.stale_after == start
    assert held.last_error == "cannot reach the SMTP server: timed out"
    clock.advance(timedelta(minutes=1))  # the relay is back
    assert str(sent_mail(demo_app, "demo", key)["Subject"]).startswith("Reminder: captain in 1 h 58 min, ")


def test_a_reminder_dead_of_a_refusal_is_not_sent_by_retry_after_its_trip_moved_or_was_cancelled(
    demo_app: App, clock: FixedClock
) -> None:
    """Refused by the relay (550), the trip then moved to 18:00 (or cancelled): once the relay was
    fixed, `outbox retry --dead` sent "Reminder: captain in 1 h 49 min, … 16:00"."""
    from firstmate.domain.mail import OutgoingMessage
    from firstmate.domain.outbox import OutboxStatus
    from firstmate.errors import PermanentDeliveryError
    from firstmate.services.bookings import cancel_booking

    class Refusing:
        def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
            raise PermanentDeliveryError("SMTP server answered 550: 5.7.1 refused by policy")

    for n, change in enumerate(("move", "cancel", "move back")):
        body = booking_body(external_id=f"REFUSED-{n}", start=(clock.now() + timedelta(days=3 + n)).isoformat())
        booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
        claim_role(demo_app, "demo", booking.event_id, "captain", "jonah")
        start = booking.request.start
        outbox.dispatch_outbox(
            demo_app.store, demo_app.mailer, clock, demo_app.retry_policy, keys=demo_app.signing_keys
        )
        clock.set(start - timedelta(hours=2) + timedelta(minutes=1))
        assert send_due_reminders(demo_app, OFFSETS, clock.now()) == 1
        outbox.dispatch_outbox(demo_app.store, Refusing(), clock, demo_app.retry_policy, keys=demo_app.signing_keys)
        key = f"ev:{booking.event_id}:reminder:{int(start.timestamp())}:120m:jonah"
        if change == "cancel":
            cancel_booking(demo_app, "demo", booking.id)
        else:
            later = {**body, "start": (start + timedelta(hours=2)).isoformat()}
            orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(later))
        if change == "move back":  # as it was made for again: dead of its refusal, for an admin to retry
            orchestrate_booking(demo_app, "demo", BookingRequest.model_validate({**body, "notes": "at four"}))
        held = outbox.get_entry(demo_app.store, "demo", key)
        refusal = "SMTP server answered 550: 5.7.1 refused by policy"
        assert held.status is OutboxStatus.DEAD
        if change == "move back":
            assert held.last_error == refusal and held.message.stale_after == start
        else:
            assert held.last_error is not None and held.last_error.startswith("not sent: the trip ")
            assert held.last_error.endswith(f"; it had failed: {refusal}")
        clock.advance(timedelta(minutes=10))  # the relay is fixed; the admin retries the dead
        outbox.retry_dead(demo_app.store, "demo", clock.now())
        outbox.dispatch_outbox(
            demo_app.store, demo_app.mailer, clock, demo_app.retry_policy, keys=demo_app.signing_keys
        )
        sent = outbox.get_entry(demo_app.store, "demo", key).status is OutboxStatus.SENT
        assert sent is (change == "move back"), change
        clock.set(start + timedelta(days=1))


def test_changing_the_reminder_offsets_never_queues_a_reminder_again(demo_app: App, clock: FixedClock) -> None:
    """Found by a review: a reminder's key named its offset by the other offsets of its minute, so the 2 h 30 s
    reminder, queued and sent alone as "120m", was queued again as "120m30s" once a 2 h offset was added beside
    it: Jonah was reminded twice at one offset (and the 2 h reminder, its key taken, never went)."""
    from tests.conftest import sent_mail

    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    claim_role(demo_app, "demo", booking.event_id, "captain", "jonah")
    late, whole = timedelta(hours=2, seconds=30), timedelta(hours=2)
    clock.set(booking.request.start - late + timedelta(seconds=5))
    assert send_due_reminders(demo_app, [late], clock.now()) == 1
    [first] = [e for e in outbox.list_entries(demo_app.store, "demo") if ":reminder:" in e.key]
    sent_mail(demo_app, "demo", first.key)  # it went out
    clock.advance(timedelta(seconds=10))  # the business adds a 2 h reminder, not due yet
    assert send_due_reminders(demo_app, [whole, late], clock.now()) == 0
    clock.set(booking.request.start - whole + timedelta(minutes=1))
    assert send_due_reminders(demo_app, [whole, late], clock.now()) == 1  # the 2 h one
    assert send_due_reminders(demo_app, [late], clock.now()) == 0  # and nothing when 2 h is taken away again
    assert _reminders(demo_app) == ["120m30s:jonah", "120m:jonah"]


def test_a_reminder_queued_under_the_key_of_its_minute_alone_is_not_queued_again(
    demo_app: App, clock: FixedClock
) -> None:
    """A 2 h 30 s reminder queued before 2026-12-06, alone in its minute, was keyed "120m": once firstmate is
    upgraded mid-window it is not queued again as "120m30s"."""
    from firstmate.services.people import list_people
    from firstmate.services.reminders import reminder_message
    from firstmate.services.trips import get_event

    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    claim_role(demo_app, "demo", booking.event_id, "captain", "jonah")
    late, start = timedelta(hours=2, seconds=30), booking.request.start
    clock.set(start - late + timedelta(minutes=3))
    event = get_event(demo_app.store, "demo", booking.event_id)
    [jonah] = [p for p in list_people(demo_app.store, "demo") if p.id == "jonah"]
    old_key = f"ev:{event.id}:reminder:{int(start.timestamp())}:120m"
    message = reminder_message(demo_app, event, jonah, "captain", start, "UTC", key=old_key)
    assert outbox.enqueue(demo_app.store, "demo", [message], clock.now()) == 1
    assert send_due_reminders(demo_app, [late], clock.now()) == 0
    assert send_due_reminders(demo_app, [late, timedelta(hours=24)], clock.now()) == 0
    assert _reminders(demo_app) == ["120m:jonah"]


def test_a_reminders_pass_reads_the_trips_still_to_come_not_the_calendars_history(
    demo_app: App, clock: FixedClock
) -> None:
    """Found by a review: every pass (every five minutes) read the whole calendar of every org, each trip
    since the business began (on DynamoDB, the calendar's whole partition), to find those departing soon."""
    import dataclasses

    from firstmate.domain.shared import iso
    from firstmate.ports import Item
    from firstmate.services.trips import calendar_pk
    from tests.reads import RecordingStore

    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    claim_role(demo_app, "demo", booking.event_id, "captain", "jonah")
    clock.set(booking.request.start - timedelta(hours=24) + timedelta(minutes=3))
    for n in range(300):  # years of trips gone by
        start = clock.now() - timedelta(days=3 * (n + 1))
        data = {"start": start.isoformat(), "end": (start + 3 * HOUR).isoformat(), "booking_id": f"bk_old{n:04d}",
                "event_id": f"ev_old{n:04d}", "cancelled": False}  # fmt: skip
        demo_app.store.put(Item(calendar_pk("demo"), f"{iso(start)}#bk_old{n:04d}", data))
    store = RecordingStore(demo_app.store)
    watched = dataclasses.replace(demo_app, store=store)  # type: ignore[arg-type]
    assert send_due_reminders(watched, OFFSETS, clock.now()) == 1
    assert not [sk for pk, sk in store.read if pk == calendar_pk("demo") and "bk_old" in sk]  # before: all 300
    assert len(store.read) < 30
