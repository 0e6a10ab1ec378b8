"""A guest's invitation held back by a relay outage, through the real pages, store, outbox and dispatcher: it
still goes out after departure while the album is open, worded for when it goes, once."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain import outbox as rules
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxEntry
from firstmate.services import outbox
from firstmate.services.bookings import list_guests, orchestrate_booking
from tests.conftest import booking_body, mail_text, send_due, sent_mail

DEPARTURE = datetime(2026, 6, 13, 23, 0, tzinfo=UTC)  # booking_body's: Sat 13 Jun 2026, 16:00 PDT, back 19:00
RETURN = DEPARTURE + timedelta(hours=3)


@pytest.fixture
def trip(demo_app: App) -> tuple[str, str]:
    outcome = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=4)))
    return outcome.booking.id, outcome.booking.guest_code


def _invite(app: App, address: str) -> OutboxEntry:
    [entry] = [
        e for e in outbox.list_entries(app.store, "demo") if e.message.to == (address,) and e.key.endswith(":invite")
    ]
    return entry


def _code(app: App, booking_id: str, name: str) -> str:
    [code] = [g.code for g in list_guests(app.store, "demo", booking_id) if g.name == name]
    assert code is not None
    return code


def test_an_invitation_held_past_departure_still_goes_worded_for_a_trip_under_way(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """A known gap: Robin was added the day before; a relay outage held his invitation until the boat had left,
    and it was then dropped ("out of date"): Robin never got his page, so never signed, nor saw the album. It
    goes now, once, saying the trip has left and what he can still do: say he is aboard, sign, share photos."""
    booking_id, code = trip
    clock.set(DEPARTURE - timedelta(days=1))
    assert client.post(f"/g/{code}/guests", data={"name": "Robin Sample", "email": "robin@example.com"}).is_success
    clock.set(DEPARTURE + timedelta(minutes=30))  # the relay is back
    invite = _invite(demo_app, "robin@example.com")
    message = sent_mail(demo_app, "demo", invite.key)
    text = mail_text(message)
    robin = _code(demo_app, booking_id, "Robin Sample")
    assert "Dana Whitcomb added you to a trip with" in text and "Sat 13 Jun 2026, 16:00 PDT" in text
    assert "before we leave the dock" not in text and "sign before" not in text
    assert "The boat has left: we could not send this before it did, sorry." in text
    assert "If you are aboard, open your page to say so and sign the waiver" in text
    assert "until Sat 20 Jun 2026, 19:00 PDT" in text and f"/g/{robin}" in text  # the album, and his page
    assert "before we leave the dock" not in (message.get_body(preferencelist=("html",)) or "").as_string()
    assert "invited you aboard" not in str(message["Subject"])
    page = client.get(f"/g/{robin}").text
    assert "The trip has left. If you are aboard, say so and sign the waiver." in page  # as the mail said
    send_due(demo_app)
    send_due(demo_app)
    [sent] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.message.to == ("robin@example.com",)]
    assert sent.status.value == "sent" and sent.attempts == 1  # once


def test_an_invitation_held_past_the_trip_offers_its_album_and_one_held_past_the_album_is_not_sent(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """Held until after the trip, the invitation offers the album, still open its week, and asks nothing of a
    trip over; held until the album has closed, it is of no more use, and is not sent."""
    booking_id, code = trip
    for name, address in (("Robin Sample", "robin@example.com"), ("Kit Sample", "kit@example.com")):
        assert client.post(f"/g/{code}/guests", data={"name": name, "email": address}).is_success
    clock.set(RETURN + timedelta(days=1))
    robin = _invite(demo_app, "robin@example.com")
    outbox.dispatch_entry(
        demo_app.store, demo_app.mailer, demo_app.clock, demo_app.retry_policy, "demo", robin.key,
        keys=demo_app.signing_keys,
    )  # fmt: skip
    sent = outbox.get_entry(demo_app.store, "demo", robin.key)
    assert sent.provider_ref  # the dispatcher's own pass, for Robin's alone: Kit's waits on
    text = mail_text(email.message_from_bytes(Path(sent.provider_ref).read_bytes(), policy=policy.default))  # type: ignore[arg-type]
    assert "The trip is over" in text and "sign the waiver" not in text
    assert "share yours in its album until Sat 20 Jun 2026, 19:00 PDT" in text
    assert f"/g/{_code(demo_app, booking_id, 'Robin Sample')}" in text
    clock.set(RETURN + timedelta(days=7, minutes=1))  # the album has closed
    send_due(demo_app)
    kit = _invite(demo_app, "kit@example.com")
    assert kit.status.value == "dead" and not kit.provider_ref and "out of date" in (kit.last_error or "")


def test_an_invitation_held_while_the_trip_moved_later_reaches_the_guest_once_at_the_new_time(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """The trip moved a day later while an outage held Robin's invitation: past the old departure, Robin still
    gets his page, at the new time, in one mail (the move's news replaces the invitation made for the old time)."""
    booking_id, code = trip
    assert client.post(f"/g/{code}/guests", data={"name": "Robin Sample", "email": "robin@example.com"}).is_success
    later = BookingRequest.model_validate(booking_body(guest_count=4, start="2026-06-14T16:00:00-07:00"))
    orchestrate_booking(demo_app, "demo", later)
    clock.set(DEPARTURE + timedelta(hours=1))  # past the departure the invitation was made for
    send_due(demo_app)
    to_robin = [e for e in outbox.list_entries(demo_app.store, "demo") if e.message.to == ("robin@example.com",)]
    [sent] = [e for e in to_robin if e.status.value == "sent"]
    text = mail_text(sent_mail(demo_app, "demo", sent.key))
    assert "Sun 14 Jun 2026, 16:00 PDT" in text and f"/g/{_code(demo_app, booking_id, 'Robin Sample')}" in text
    assert "Sat 13 Jun" not in text


class _Died(BaseException):
    """The dispatcher's process dying (killed, its machine gone): nothing of it records anything more."""


def test_an_invitation_sent_again_after_its_sender_died_says_again_what_it_said(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """The dispatcher handed Robin's invitation to the relay a minute before departure, then died before recording
    it; the next pass, after departure, sent it again (a crash's one repeat, under the same Message-ID) worded for
    a boat that had left: "we could not send this before it did, sorry", a minute after it had. The repeat now
    says what the first send said, so the two are one message, and the outbox shows it so."""
    _, code = trip
    send_due(demo_app)  # the booking's own messages went
    clock.set(DEPARTURE - timedelta(days=1))
    assert client.post(f"/g/{code}/guests", data={"name": "Robin Sample", "email": "robin@example.com"}).is_success
    handed: list[tuple[str, str]] = []

    class DiesAfterSending:
        def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
            demo_app.mailer.send(message, recipients)
            handed.append((message.subject, message.text))
            raise _Died

    clock.set(DEPARTURE - timedelta(minutes=1))
    with pytest.raises(_Died):
        outbox.dispatch_outbox(demo_app.store, DiesAfterSending(), clock, demo_app.retry_policy,
                               keys=demo_app.signing_keys)  # fmt: skip
    assert _invite(demo_app, "robin@example.com").status.value == "sending"  # nothing recorded
    clock.set(DEPARTURE + timedelta(minutes=5))  # its lease has lapsed: the next pass sends it again

    class Records:
        def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
            handed.append((message.subject, message.text))
            return demo_app.mailer.send(message, recipients)

    outbox.dispatch_outbox(demo_app.store, Records(), clock, demo_app.retry_policy, keys=demo_app.signing_keys)
    first, again = handed
    assert "invited you aboard" in first[0] and "before we leave the dock" in first[1]
    assert again == first and "could not send this before" not in again[1]
    sent = _invite(demo_app, "robin@example.com")
    assert sent.status.value == "sent" and sent.attempts == 2
    assert rules.as_read(sent, clock.now()).text == first[1]  # the outbox shows it as it went


def test_a_guest_whose_invitation_an_outage_held_when_the_trip_moved_gets_the_invitation_once_not_trip_changed(
    client: TestClient, demo_app: App, trip: tuple[str, str], clock: FixedClock
) -> None:
    """A known gap: an outage held Robin's invitation, and the trip moved: Robin was told "Your trip has changed" of
    a trip he never heard of. He gets his invitation instead, with the trip as it is now, once; the lead, who knew
    of the trip, is told it changed; once Robin has his invitation, the next move tells him it changed."""
    booking_id, code = trip
    assert client.post(f"/g/{code}/guests", data={"name": "Robin Sample", "email": "robin@example.com"}).is_success
    later = BookingRequest.model_validate(booking_body(guest_count=4, start="2026-06-14T16:00:00-07:00"))
    orchestrate_booking(demo_app, "demo", later)
    orchestrate_booking(demo_app, "demo", later)  # the channel sends it again: nothing new
    send_due(demo_app)
    send_due(demo_app)
    to_robin = [e for e in outbox.list_entries(demo_app.store, "demo") if e.message.to == ("robin@example.com",)]
    [sent] = [e for e in to_robin if e.status.value == "sent"]
    message = sent_mail(demo_app, "demo", sent.key)
    text = mail_text(message)
    assert "changed" not in str(message["Subject"]) and "Your trip has changed" not in text
    assert str(message["Subject"]) == "Dana Whitcomb invited you aboard: Sun 14 Jun 2026, 16:00 PDT"
    assert "Sun 14 Jun 2026, 16:00 PDT" in text and "Sat 13 Jun" not in text
    assert f"/g/{_code(demo_app, booking_id, 'Robin Sample')}" in text
    lead = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key == f"bk:{booking_id}:r2:guest:g1"]
    assert lead and "Your trip has changed" in lead[0].message.subject
    # his invitation reached him: the next move is a change to him
    again = BookingRequest.model_validate(booking_body(guest_count=4, start="2026-06-14T17:00:00-07:00"))
    orchestrate_booking(demo_app, "demo", again)
    send_due(demo_app)
    to_robin = [e for e in outbox.list_entries(demo_app.store, "demo") if e.message.to == ("robin@example.com",)]
    subjects = sorted(e.message.subject for e in to_robin if e.status.value == "sent")
    assert subjects == [
        "Dana Whitcomb invited you aboard: Sun 14 Jun 2026, 16:00 PDT",
        "Your trip has changed: Sun 14 Jun 2026, 17:00 PDT",
    ]


def test_a_guest_whose_invitation_an_outage_held_when_the_trip_was_cancelled_is_not_told_it_is_cancelled(
    client: TestClient, demo_app: App, trip: tuple[str, str]
) -> None:
    """Found by a review: an outage held Robin's invitation and the trip was then cancelled: the invitation was
    withdrawn and Robin's only mail was "Your trip is cancelled", of a trip he had never heard of. He hears
    nothing now; the lead, who was booked, is told it is cancelled, once."""
    _, code = trip
    send_due(demo_app)  # the lead has "You're booked"
    assert client.post(f"/g/{code}/guests", data={"name": "Robin Sample", "email": "robin@example.com"}).is_success
    off = BookingRequest.model_validate(booking_body(guest_count=4, status="cancelled"))
    orchestrate_booking(demo_app, "demo", off)
    send_due(demo_app)
    sent = [e for e in outbox.list_entries(demo_app.store, "demo") if e.status.value == "sent"]
    assert [e.message.subject for e in sent if e.message.to == ("robin@example.com",)] == []
    assert [e.message.subject.split(":")[0] for e in sent if e.message.to == ("dana@example.com",)] == [
        "You're booked with Saltwind Charters",
        "Your trip is cancelled",
    ]
