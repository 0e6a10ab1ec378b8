"""The outbox end to end: real SQLite, a real SMTP server, real dispatcher processes killed mid-flow.

Nothing is lost; nothing recorded as sent is ever sent again; a crash between send and record
repeats at most that one message, with the same Message-ID.
"""

from __future__ import annotations

import collections
import email
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email import policy
from pathlib import Path
from typing import Any

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App, build
from firstmate.config import load_settings
from firstmate.domain import outbox as rules
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxStatus
from firstmate.errors import InvalidInput, PartialDeliveryError, TransientDeliveryError
from firstmate.ports import VersionIs
from firstmate.services import outbox
from firstmate.services.access import SigningKeys
from tests.conftest import firstmate_env, mail_text
from tests.smtp_server import SmtpServer

DISPATCHER = Path(__file__).with_name("dispatcher_proc.py")
FIRSTMATE = Path(sys.executable).with_name("firstmate")


def _message(
    n: int, to: str = "crew@example.com", cc: tuple[str, ...] = (), bcc: tuple[str, ...] = ()
) -> OutgoingMessage:
    return OutgoingMessage(
        idempotency_key=f"booking:{n}:crew:notify",
        sender="ops@example.com",
        to=(to,),
        cc=cc,
        bcc=bcc,
        subject=f"New charter #{n}",
        text=f"Charter {n} needs a captain.",
        html=f"<p>Charter <b>{n}</b> needs a captain.</p>",
    )


def _env(home: Path, smtp: SmtpServer | None, **extra: str) -> dict[str, str]:
    # short leases and timeouts, so that crash recovery happens within a test
    quick = {"FIRSTMATE_OUTBOX_LEASE_S": "2", "FIRSTMATE_SMTP_TIMEOUT_S": "0.3", "FIRSTMATE_LOG_LEVEL": "warning"}
    return firstmate_env(home, smtp, **{**quick, **extra})


@pytest.fixture
def smtp_app(tmp_path: Path, smtp_server: SmtpServer, clock: FixedClock) -> Iterator[App]:
    settings = load_settings(
        home=tmp_path / "home",
        mailer="smtp",
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_starttls=False,
    )
    app = build(settings, clock=clock)
    yield app
    app.close()


def _statuses(app: App, org: str = "demo") -> collections.Counter[str]:
    return collections.Counter(e.status.value for e in outbox.list_entries(app.store, org))


def _dispatch(app: App) -> outbox.DispatchReport:
    return outbox.dispatch_outbox(app.store, app.mailer, app.clock, app.retry_policy, keys=app.signing_keys)


def _demo_business(app: App) -> None:
    """The demo business and its people, for bookings to fan out to."""
    from firstmate.demo.run import demo_people, demo_profile
    from firstmate.services.business import save_business
    from firstmate.services.people import save_people

    save_business(app.store, demo_profile())
    save_people(app.store, "demo", demo_people())


class _HoldingRelay:
    """The app's real relay, holding the message keyed `key` until `release` is set (a relay slow to
    take it), then sending it, or failing as a relay timing out (`fails`)."""

    def __init__(self, app: App, key: str, release: threading.Event, *, fails: bool = False) -> None:
        self.app, self.key, self.release, self.fails = app, key, release, fails
        self.in_flight = threading.Event()

    def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
        if message.idempotency_key == self.key:
            self.in_flight.set()
            self.release.wait(10)
            if self.fails:
                raise TransientDeliveryError("cannot reach the SMTP server: timed out")
        return self.app.mailer.send(message, recipients)


class _OwnerBusy:
    """A relay that takes a message for its audit Bcc and answers the owner's mailbox busy (451)."""

    def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
        busy = {"owner@example.com": "451 4.2.1 mailbox busy"}
        raise PartialDeliveryError(
            f"<{message.idempotency_key}@example.com>", ("audit@example.com",), busy, permanent=False
        )


def partly_sent_then_ended(app: App, clock: FixedClock) -> tuple[str, str]:
    """Two messages to the owner, Bcc the audit address, each taken for the audit copy alone (the owner's
    mailbox busy); then the first withdrawn (its trip cancelled) and the second out of date as its retry
    comes. Returns their keys."""
    cancelled = _message(1, to="owner@example.com", bcc=("audit@example.com",))
    late = _message(2, to="owner@example.com", bcc=("audit@example.com",))
    late = late.model_copy(update={"stale_after": clock.now() + timedelta(minutes=10)})
    outbox.enqueue(app.store, "demo", [cancelled, late], clock.now())
    outbox.dispatch_outbox(app.store, _OwnerBusy(), clock, app.retry_policy, keys=app.signing_keys)
    item = app.store.get(outbox.outbox_pk("demo"), cancelled.idempotency_key)
    assert item is not None and outbox.from_item(item).sent_to == ("audit@example.com",)
    withdrawn = rules.withdrawal(outbox.from_item(item), "was cancelled", clock.now())
    assert withdrawn is not None
    app.store.put(outbox.to_item(withdrawn), VersionIs(item.version))
    clock.advance(timedelta(hours=1))
    outbox.dispatch_outbox(app.store, _OwnerBusy(), clock, app.retry_policy, keys=app.signing_keys)
    assert {e.status for e in outbox.list_entries(app.store, "demo")} == {OutboxStatus.DEAD}
    return cancelled.idempotency_key, late.idempotency_key


def test_each_message_is_delivered_once_and_requeueing_changes_nothing(smtp_app: App, smtp_server: SmtpServer) -> None:
    now = smtp_app.clock.now()
    assert outbox.enqueue(smtp_app.store, "demo", [_message(n) for n in range(30)], now) == 30
    assert outbox.enqueue(smtp_app.store, "demo", [_message(n) for n in range(30)], now) == 0
    assert _dispatch(smtp_app).sent == 30
    assert _dispatch(smtp_app).handled == 0
    ids = smtp_server.recorder.message_ids()
    assert len(ids) == 30 and len(set(ids)) == 30
    assert _statuses(smtp_app) == {"sent": 30}


def test_a_state_change_and_its_message_commit_together_or_not_at_all(smtp_app: App) -> None:
    from firstmate.errors import ConditionFailed
    from firstmate.ports import Absent, Item, Put

    now = smtp_app.clock.now()
    state = Put(Item("ORG#demo#ROSTER", "ev1", {"captain": "ana"}), Absent())
    smtp_app.store.transact([state, outbox.enqueue_write("demo", _message(7), now)])
    assert _statuses(smtp_app) == {"pending": 1}
    # a replay of the same change: the message is already queued, so nothing at all is written
    replay = Put(Item("ORG#demo#ROSTER", "ev2", {"captain": "ana"}), Absent())
    with pytest.raises(ConditionFailed):
        smtp_app.store.transact([replay, outbox.enqueue_write("demo", _message(7), now)])
    assert smtp_app.store.get("ORG#demo#ROSTER", "ev2") is None
    assert _statuses(smtp_app) == {"pending": 1}


def test_smtp_down_then_back_messages_wait_back_off_and_all_go_out(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock
) -> None:
    smtp_server.stop()
    outbox.enqueue(smtp_app.store, "demo", [_message(n) for n in range(5)], clock.now())
    assert _dispatch(smtp_app).retrying == 5
    entry = outbox.get_entry(smtp_app.store, "demo", "booking:0:crew:notify")
    assert entry.status is OutboxStatus.PENDING and entry.attempts == 1 and "cannot reach" in (entry.last_error or "")
    assert _dispatch(smtp_app).handled == 0  # backing off: nothing is due yet
    clock.advance(timedelta(seconds=31))
    assert _dispatch(smtp_app).retrying == 5
    assert outbox.get_entry(smtp_app.store, "demo", "booking:0:crew:notify").attempts == 2
    smtp_server.start()
    clock.advance(timedelta(seconds=61))
    assert _dispatch(smtp_app).sent == 5
    assert len(smtp_server.recorder.received) == 5
    assert _statuses(smtp_app) == {"sent": 5}


def test_after_an_outage_a_message_gone_out_of_date_is_not_sent_and_not_retried(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock, tmp_path: Path
) -> None:
    """A sign-in link asked for while the relay was down opens nothing 15 minutes later: sending it
    once the relay is back would only mislead. It goes dead, saying why; the rest go out."""
    from firstmate.services.crew_access import request_login_link
    from tests.e2e.test_cli import run

    _demo_business(smtp_app)
    smtp_server.stop()
    request_login_link(smtp_app, "jonah@example.com", client="203.0.113.9")
    outbox.enqueue(smtp_app.store, "demo", [_message(1)], clock.now())
    assert _dispatch(smtp_app).retrying == 2
    [link] = [e for e in outbox.list_entries(smtp_app.store, "demo") if e.key.startswith("login:jonah:")]
    clock.advance(timedelta(minutes=20))
    smtp_server.start()
    report = _dispatch(smtp_app)
    assert (report.sent, report.dead) == (1, 1)
    assert [r.message["Subject"] for r in smtp_server.recorder.received] == ["New charter #1"]
    dead = outbox.get_entry(smtp_app.store, "demo", link.key)
    assert dead.status is OutboxStatus.DEAD and dead.last_error is not None
    assert dead.last_error.startswith("not sent: out of date since 2026-06-01 16:15 UTC (last error: cannot reach")
    assert outbox.retry_dead(smtp_app.store, "demo", clock.now()) == (0, 1)
    with pytest.raises(InvalidInput, match="went out of date at 2026-06-01 16:15 UTC before it was sent"):
        outbox.retry_entry(smtp_app.store, "demo", link.key, clock.now())
    retried = run(tmp_path / "home", "outbox", "retry", "demo", "--dead")
    assert retried.returncode == 0 and "0 dead message(s) of demo pending again" in retried.stdout
    assert "1 more stay dead: they went out of date unsent" in retried.stdout
    assert _dispatch(smtp_app).handled == 0 and len(smtp_server.recorder.received) == 1


def test_after_an_outage_past_the_trip_its_crew_are_not_sent_crew_needed_but_the_guest_gets_the_page(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock
) -> None:
    from firstmate.domain.bookings import BookingRequest
    from firstmate.services.bookings import orchestrate_booking
    from tests.conftest import booking_body

    _demo_business(smtp_app)
    smtp_server.stop()
    start = clock.now() + timedelta(hours=2)
    orchestrate_booking(smtp_app, "demo", BookingRequest.model_validate(booking_body(start=start.isoformat())))
    assert _dispatch(smtp_app).retrying == 6  # the operations manager, 4 crew members, the lead guest
    clock.advance(timedelta(hours=6))  # the relay was down all afternoon: the trip has sailed and come back
    smtp_server.start()
    report = _dispatch(smtp_app)
    assert (report.sent, report.dead) == (2, 4)
    assert sorted(r.rcpt_tos[0] for r in smtp_server.recorder.received) == ["dana@example.com", "ops@example.com"]
    dead = outbox.list_entries(smtp_app.store, "demo", status=OutboxStatus.DEAD)
    assert len(dead) == 4 and all(":crew:" in e.key and "out of date" in (e.last_error or "") for e in dead)


@pytest.mark.parametrize("change", ["moved", "cancelled"])
def test_a_booking_changed_during_an_outage_is_last_told_as_it_is_now_not_as_it_was(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock, change: str
) -> None:
    """The new revision's messages were due at once and the old one's, backing off, went out minutes
    after: the guest's last mail said "You're booked … 16:00" after "moved to 18:00", or after the
    cancellation. What a later revision tells the same person anew is withdrawn, saying why."""
    from firstmate.domain.bookings import BookingRequest
    from firstmate.services.bookings import cancel_booking, orchestrate_booking
    from tests.conftest import booking_body

    _demo_business(smtp_app)
    smtp_server.stop()
    first = orchestrate_booking(smtp_app, "demo", BookingRequest.model_validate(booking_body()))
    assert _dispatch(smtp_app).retrying == 6  # the operations manager, 4 crew members, the lead guest
    clock.advance(timedelta(minutes=5))
    if change == "moved":
        orchestrate_booking(
            smtp_app, "demo", BookingRequest.model_validate(booking_body(start="2026-06-13T18:00:00-07:00"))
        )
    else:
        cancel_booking(smtp_app, "demo", first.booking.id)
    smtp_server.start()
    for _ in range(60):  # an hour of the dispatcher's passes
        _dispatch(smtp_app)
        clock.advance(timedelta(minutes=1))
    subjects = collections.defaultdict(list)
    for received in smtp_server.recorder.received:
        subjects[received.rcpt_tos[0]].append(received.message["Subject"])
    guest = subjects["dana@example.com"]
    assert len(guest) == 1 and ("cancel" in guest[0].lower() if change == "cancelled" else "18:00" in guest[0]), guest
    # each told once, of the trip as it is; the operations manager of each revision (each may name what
    # no later one does: a crew clash, someone taken off)
    assert {who: len(told) for who, told in subjects.items()} == {
        who: 2 if who == "ops@example.com" else 1 for who in subjects
    }
    withdrawn = outbox.list_entries(smtp_app.store, "demo", status=OutboxStatus.DEAD)
    assert withdrawn and all(":r1:" in e.key and ":ops" not in e.key for e in withdrawn)
    assert all(
        (e.last_error or "").startswith("not sent: the trip changed again before it went out") for e in withdrawn
    )


@pytest.mark.parametrize("attempt", ["fails", "lands", "its sender dies"])
def test_a_message_being_sent_as_its_trip_moves_is_never_the_guests_last_word(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock, attempt: str
) -> None:
    """A review: the guest's "You're booked … 16:00" was being sent (the relay timing out) as the trip
    moved to 18:00. Only waiting messages were withdrawn, so the failed send went back to wait, and
    the guest got "moved to 18:00" first and the old news last."""

    from firstmate.domain.bookings import BookingRequest
    from firstmate.services.bookings import orchestrate_booking
    from tests.conftest import booking_body

    _demo_business(smtp_app)
    first = orchestrate_booking(smtp_app, "demo", BookingRequest.model_validate(booking_body())).booking
    guest_r1 = f"bk:{first.id}:r1:guest:g1"
    moved = threading.Event()
    relay = _HoldingRelay(smtp_app, guest_r1, moved, fails=attempt == "fails")  # the guest's mail hangs till the move
    in_flight = relay.in_flight

    def dispatching() -> None:
        outbox.dispatch_outbox(smtp_app.store, relay, clock, smtp_app.retry_policy, keys=smtp_app.signing_keys)

    if attempt == "its sender dies":  # claimed, then nothing: its lease is left to run out
        item = smtp_app.store.get(outbox.outbox_pk("demo"), guest_r1)
        assert item is not None
        claimed = rules.claim(outbox.from_item(item), clock.now(), smtp_app.retry_policy)
        smtp_app.store.put(outbox.to_item(claimed))
        in_flight.set()
    sender = threading.Thread(target=dispatching)
    if attempt != "its sender dies":
        sender.start()
    assert in_flight.wait(10)
    later = booking_body(start="2026-06-13T18:00:00-07:00")
    orchestrate_booking(smtp_app, "demo", BookingRequest.model_validate(later))
    moved.set()
    if attempt != "its sender dies":
        sender.join()
    for _ in range(10):  # ten minutes of the dispatcher's passes: every lease has run out
        _dispatch(smtp_app)
        clock.advance(timedelta(minutes=1))
    guest = [r.message["Subject"] for r in smtp_server.recorder.received if r.rcpt_tos == ["dana@example.com"]]
    assert guest and "18:00" in guest[-1], guest
    r1 = outbox.get_entry(smtp_app.store, "demo", guest_r1)
    if attempt == "lands":  # it went out before the change, and says so; the move's news came after it
        assert len(guest) == 2 and r1.status is OutboxStatus.SENT and r1.last_error is None
    else:
        assert len(guest) == 1 and r1.status is OutboxStatus.DEAD
        assert "the trip changed again before it went out" in (r1.last_error or "")


def test_the_news_of_a_change_waits_for_the_earlier_news_another_dispatcher_is_sending(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock
) -> None:
    """A review: with two dispatchers, "You're booked … 16:00" was on its way through a relay slow to
    take it as the trip moved; the other dispatcher sent "moved to 18:00" at once, and the first landed
    after it: the guest's last mail named the old time."""

    from firstmate.domain.bookings import BookingRequest
    from firstmate.services.bookings import orchestrate_booking
    from tests.conftest import booking_body

    _demo_business(smtp_app)
    first = orchestrate_booking(smtp_app, "demo", BookingRequest.model_validate(booking_body())).booking
    later_pass_done = threading.Event()
    relay = _HoldingRelay(smtp_app, f"bk:{first.id}:r1:guest:g1", later_pass_done)  # slow to take the first

    def first_dispatcher() -> None:
        outbox.dispatch_outbox(smtp_app.store, relay, clock, smtp_app.retry_policy, keys=smtp_app.signing_keys)

    sending = threading.Thread(target=first_dispatcher)
    sending.start()
    assert relay.in_flight.wait(10)
    later = booking_body(start="2026-06-13T18:00:00-07:00")
    orchestrate_booking(smtp_app, "demo", BookingRequest.model_validate(later))
    _dispatch(smtp_app)  # the second dispatcher, meanwhile: the guest's "moved" waits
    later_pass_done.set()
    sending.join()
    _dispatch(smtp_app)  # a later pass: now it goes
    guest = [str(r.message["Subject"]) for r in smtp_server.recorder.received if r.rcpt_tos == ["dana@example.com"]]
    assert len(guest) == 2 and "18:00" in guest[-1], guest


def test_a_message_dead_of_a_refusal_is_not_revived_as_old_news_once_its_trip_has_changed(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock
) -> None:
    """A review: the guest's "You're booked" went dead (the relay refused it), the trip was cancelled,
    and `outbox retry --dead` after the relay was fixed sent "You're booked" after "cancelled"."""
    from firstmate.domain.bookings import BookingRequest
    from firstmate.services.bookings import cancel_booking, orchestrate_booking
    from tests.conftest import booking_body

    _demo_business(smtp_app)
    from firstmate.errors import DeliveryError

    class Refusing:
        """The relay, refusing the guest for now (a misconfigured filter, say)."""

        def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
            if message.to == ("dana@example.com",):
                raise DeliveryError("SMTP 550: 5.7.1 refused by policy")
            return smtp_app.mailer.send(message, recipients)

    booking = orchestrate_booking(smtp_app, "demo", BookingRequest.model_validate(booking_body())).booking
    outbox.dispatch_outbox(smtp_app.store, Refusing(), clock, smtp_app.retry_policy, keys=smtp_app.signing_keys)
    guest_r1 = outbox.get_entry(smtp_app.store, "demo", f"bk:{booking.id}:r1:guest:g1")
    assert guest_r1.status is OutboxStatus.DEAD
    cancel_booking(smtp_app, "demo", booking.id)  # then the trip is cancelled, and the relay fixed
    assert outbox.retry_dead(smtp_app.store, "demo", clock.now()) == (0, 1)  # it stays dead: out of date
    for _ in range(5):
        _dispatch(smtp_app)
        clock.advance(timedelta(minutes=1))
    guest = [r.message["Subject"] for r in smtp_server.recorder.received if r.rcpt_tos == ["dana@example.com"]]
    assert len(guest) == 1 and "cancel" in guest[0].lower(), guest
    withdrawn = outbox.get_entry(smtp_app.store, "demo", guest_r1.key)
    said = "(revision 2 says what holds now); it had failed: SMTP 550: 5.7.1 refused by policy"
    assert (withdrawn.last_error or "").endswith(said)  # the refusal is still there to see


def test_crew_needed_sent_days_late_carries_a_link_that_works_and_the_outbox_holds_no_token(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock
) -> None:
    """A sign-in link is signed as its message goes out, so a relay down for four days (longer than
    the link's 72 hours) still delivers "Crew needed" with a link that opens the trip. Until then the
    outbox holds the message with a place for the token, never a token."""
    from fastapi.testclient import TestClient

    from firstmate.domain.bookings import BookingRequest
    from firstmate.domain.mail import SIGN_IN_SLOT
    from firstmate.services.bookings import orchestrate_booking
    from firstmate.web.app import create_app
    from tests.conftest import booking_body

    _demo_business(smtp_app)
    smtp_server.stop()
    start = clock.now() + timedelta(days=10)
    booking = orchestrate_booking(
        smtp_app, "demo", BookingRequest.model_validate(booking_body(start=start.isoformat()))
    ).booking
    assert _dispatch(smtp_app).retrying == 6
    queued = [e for e in outbox.list_entries(smtp_app.store, "demo") if ":crew:" in e.key]
    assert len(queued) == 4
    for entry in queued:
        assert SIGN_IN_SLOT in entry.message.text and SIGN_IN_SLOT in (entry.message.html or "")
        assert "eyJ" not in entry.message.text + (entry.message.html or "")  # a JWT's first bytes
    clock.advance(timedelta(days=4))
    smtp_server.start()
    assert _dispatch(smtp_app).sent == 6
    [theo] = [r for r in smtp_server.recorder.received if r.rcpt_tos == ["theo@example.com"]]
    mail = email.message_from_bytes(theo.message.as_bytes(), policy=policy.default)
    text, html = mail_text(mail), mail.get_body(preferencelist=("html",)).get_content()  # type: ignore[attr-defined, union-attr]
    token = text.split("/crew/enter?t=", 1)[1].split()[0]
    assert SIGN_IN_SLOT not in text + html and f"/crew/enter?t={token}" in html
    entered = TestClient(create_app(smtp_app)).post("/crew/enter", data={"t": token}, follow_redirects=False)
    assert entered.status_code == 303 and entered.headers["location"] == f"/crew/events/{booking.event_id}"


def test_a_sign_in_link_that_cannot_be_signed_yet_waits_and_the_rest_go_out(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock
) -> None:
    """Signing keys unreadable for a while (the secrets store down) hold back only the messages
    that carry a sign-in link, as a relay outage would; the others go out."""
    from firstmate.errors import ConfigError
    from firstmate.services.crew_access import request_login_link

    def unreadable() -> SigningKeys:
        raise ConfigError("cannot read secret 'secret_key'")

    _demo_business(smtp_app)
    request_login_link(smtp_app, "jonah@example.com", client="203.0.113.9")
    outbox.enqueue(smtp_app.store, "demo", [_message(1)], clock.now())
    report = outbox.dispatch_outbox(smtp_app.store, smtp_app.mailer, clock, smtp_app.retry_policy, keys=unreadable)
    assert (report.sent, report.retrying) == (1, 1)
    [link] = [e for e in outbox.list_entries(smtp_app.store, "demo") if e.key.startswith("login:jonah:")]
    assert link.status is OutboxStatus.PENDING
    assert link.last_error == "cannot sign its sign-in link: cannot read secret 'secret_key'"
    clock.advance(timedelta(seconds=31))
    assert _dispatch(smtp_app).sent == 1
    assert [r.rcpt_tos for r in smtp_server.recorder.received] == [["crew@example.com"], ["jonah@example.com"]]


def _sent_once_even_after_the_lease(app: App, smtp_server: SmtpServer, clock: FixedClock) -> None:
    """The one message is recorded sent: once its lease would have lapsed, nothing sends it again."""
    clock.advance(app.retry_policy.lease + timedelta(seconds=1))
    assert _dispatch(app).handled == 0
    assert _statuses(app) == {"sent": 1} and len(smtp_server.recorder.received) == 1


def test_a_store_throttling_as_a_send_is_recorded_is_waited_out_and_nothing_goes_twice(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store refusing the write that records a send (DynamoDB throttling a transaction, which
    botocore does not retry) for 2.5 s: the dispatcher asks again, backing off, while its lease
    lasts, so the message is recorded sent and never sent again (it gave up after 2 s of tries,
    leaving the entry to be sent again once its lease lapsed)."""
    from firstmate.errors import StoreUnavailable

    outbox.enqueue(smtp_app.store, "demo", [_message(1)], clock.now())
    put, refusing_until = smtp_app.store.put, []

    def throttled(item: Any, *args: Any, **kwargs: Any) -> Any:
        if item.data.get("status") == "sent":
            refusing_until[:] = refusing_until or [time.monotonic() + 2.5]
            if time.monotonic() < refusing_until[0]:
                raise StoreUnavailable("DynamoDB is throttling these items")
        return put(item, *args, **kwargs)

    monkeypatch.setattr(smtp_app.store, "put", throttled)
    assert _dispatch(smtp_app).sent == 1
    _sent_once_even_after_the_lease(smtp_app, smtp_server, clock)


def test_a_record_whose_answer_was_lost_counts_as_sent(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write that records a send lands, but its answer is lost: the next try is refused (the
    entry moved on), and the dispatcher finds its own outcome stored rather than calling it a lost
    lease: the pass counts the message sent, and nothing goes again."""
    from firstmate.errors import StoreUnavailable

    outbox.enqueue(smtp_app.store, "demo", [_message(1)], clock.now())
    put, lost = smtp_app.store.put, []

    def answer_lost(item: Any, *args: Any, **kwargs: Any) -> Any:
        stored = put(item, *args, **kwargs)
        if item.data.get("status") == "sent" and not lost:
            lost.append(item.sk)
            raise StoreUnavailable("cannot reach DynamoDB: Read timeout")
        return stored

    monkeypatch.setattr(smtp_app.store, "put", answer_lost)
    assert _dispatch(smtp_app).sent == 1 and lost
    _sent_once_even_after_the_lease(smtp_app, smtp_server, clock)


def test_a_dispatcher_about_to_be_stopped_stops_trying_to_record_and_leaves_the_entry_to_its_lease(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the store refusing to record a send, a dispatcher with a deadline (a Lambda near its end)
    gives up by then instead of trying for most of the lease; the entry stays claimed, and is sent
    again only once the lease lapses (a stopped function's entry would be the same)."""
    from firstmate.errors import StoreUnavailable

    outbox.enqueue(smtp_app.store, "demo", [_message(1)], clock.now())
    put, tries = smtp_app.store.put, []

    def refusing(item: Any, *args: Any, **kwargs: Any) -> Any:
        if item.data.get("status") == "sent":
            tries.append(1)
            raise StoreUnavailable("DynamoDB is throttling these items")
        return put(item, *args, **kwargs)

    monkeypatch.setattr(smtp_app.store, "put", refusing)
    deadline = time.monotonic() + 1.0
    report = outbox.dispatch_entry(
        smtp_app.store, smtp_app.mailer, clock, smtp_app.retry_policy, "demo", "booking:1:crew:notify",
        keys=smtp_app.signing_keys, until=outbox.TimeLimit(claim_until=deadline, deadline=deadline),
    )  # fmt: skip
    assert report.sent == 0 and 1 < len(tries) < 6  # tried again, backing off, until the deadline only
    assert _statuses(smtp_app) == {"sending": 1} and len(smtp_server.recorder.received) == 1


def test_a_rejected_address_goes_dead_visibly_and_can_be_retried(smtp_app: App, clock: FixedClock) -> None:
    outbox.enqueue(smtp_app.store, "demo", [_message(1, to="reject-me@example.com"), _message(2)], clock.now())
    report = _dispatch(smtp_app)
    assert (report.sent, report.dead) == (1, 1)
    [dead] = outbox.dead_entries(smtp_app.store)
    assert dead.key == "booking:1:crew:notify" and "550" in (dead.last_error or "")
    outbox.retry_entry(smtp_app.store, "demo", dead.key, clock.now())
    assert outbox.dead_entries(smtp_app.store) == []
    assert _dispatch(smtp_app).dead == 1  # still rejected: dead again, not retried forever


def test_a_relay_refusing_firstmate_itself_keeps_every_message_waiting_until_it_is_fixed(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock
) -> None:
    """A review: a relay refusing firstmate's own session (a wrong password, TLS required, a sender its login
    may not use) killed every queued message at its first try, sign-in links with them: a 5xx read as this
    message refused for good. They now wait, saying what to check, and go once the relay is fixed."""
    smtp_server.recorder.refusing_sender = "553 5.7.1 sender not allowed for this login"
    outbox.enqueue(smtp_app.store, "demo", [_message(1), _message(2, to="ops@example.com")], clock.now())
    report = _dispatch(smtp_app)
    assert (report.sent, report.dead) == (0, 0) and _statuses(smtp_app) == {"pending": 2}
    waiting = outbox.get_entry(smtp_app.store, "demo", "booking:1:crew:notify")
    assert "refused firstmate's session" in (waiting.last_error or "") and "mail_from" in (waiting.last_error or "")
    smtp_server.recorder.refusing_sender = ""  # the setup fixed
    clock.advance(timedelta(hours=1))
    assert _dispatch(smtp_app).sent == 2 and _statuses(smtp_app) == {"sent": 2}
    assert len(smtp_server.recorder.received) == 2


def test_a_busy_mailbox_is_retried_with_backoff_then_given_up(smtp_app: App, clock: FixedClock) -> None:
    outbox.enqueue(smtp_app.store, "demo", [_message(1, to="later@example.com")], clock.now())
    attempts = 0
    for _ in range(40):
        attempts += _dispatch(smtp_app).handled
        clock.advance(timedelta(minutes=61))
    entry = outbox.get_entry(smtp_app.store, "demo", "booking:1:crew:notify")
    assert entry.status is OutboxStatus.DEAD
    assert attempts == entry.attempts == smtp_app.retry_policy.max_attempts


def test_a_recipient_refused_for_now_gets_the_message_later_and_the_others_get_it_once(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock
) -> None:
    """The owner's mailbox busy (451) while the audit copy is taken: the message was recorded sent
    after one try, and the owner never got the report. Now the owner's copy is retried, alone."""
    smtp_server.recorder.refusing["owner@example.com"] = "451 4.2.1 mailbox busy, try later"
    outbox.enqueue(
        smtp_app.store, "demo", [_message(1, to="owner@example.com", bcc=("audit@example.com",))], clock.now()
    )
    assert _dispatch(smtp_app).retrying == 1
    entry = outbox.get_entry(smtp_app.store, "demo", "booking:1:crew:notify")
    assert entry.status is OutboxStatus.PENDING and "owner@example.com: 451 4.2.1 mailbox busy" in (
        entry.last_error or ""
    )
    assert smtp_server.recorder.copies() == {"audit@example.com": 1}
    smtp_server.recorder.refusing.clear()  # the mailbox is free again
    clock.advance(timedelta(seconds=31))
    assert _dispatch(smtp_app).sent == 1
    clock.advance(smtp_app.retry_policy.lease + timedelta(seconds=1))
    assert _dispatch(smtp_app).handled == 0
    assert smtp_server.recorder.copies() == {"audit@example.com": 1, "owner@example.com": 1}
    assert len(set(smtp_server.recorder.message_ids())) == 1  # the same message, its copies sent apart


def test_a_message_refused_for_good_to_all_it_was_written_for_is_dead_though_its_bcc_went(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock
) -> None:
    """The owner's address refused (550) while the audit copy is taken: recorded sent, nothing
    listed it as dead. Now it is dead with the server's reply, and a retry tries the owner only."""
    message = _message(1, to="reject-owner@example.com", bcc=("audit@example.com",))
    outbox.enqueue(smtp_app.store, "demo", [message], clock.now())
    assert _dispatch(smtp_app).dead == 1
    [dead] = outbox.dead_entries(smtp_app.store)
    assert "reject-owner@example.com: 550 5.1.1 no such mailbox here" in (dead.last_error or "")
    assert "already sent to audit@example.com" in (dead.last_error or "")
    outbox.retry_entry(smtp_app.store, "demo", dead.key, clock.now())
    assert _dispatch(smtp_app).dead == 1  # refused again, and not retried forever
    assert smtp_server.recorder.copies() == {"audit@example.com": 1}


def test_one_recipient_refused_for_good_beside_one_who_got_it_is_sent_with_a_bounce_shown(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock
) -> None:
    """The owner got it, the Cc address was refused (550): sent, with a permanent bounce naming the
    address and the server's reply, as an SES bounce shows (it was a bare "sent")."""
    outbox.enqueue(
        smtp_app.store, "demo", [_message(1, to="owner@example.com", cc=("reject-cc@example.com",))], clock.now()
    )
    assert _dispatch(smtp_app).sent == 1
    entry = outbox.get_entry(smtp_app.store, "demo", "booking:1:crew:notify")
    [bounce] = entry.feedback
    assert (bounce.kind, bounce.permanent, bounce.recipients) == ("bounce", True, ("reject-cc@example.com",))
    assert "550 5.1.1 no such mailbox here" in bounce.detail
    assert smtp_server.recorder.copies() == {"owner@example.com": 1}
    _sent_once_even_after_the_lease(smtp_app, smtp_server, clock)


@pytest.mark.parametrize(
    ("refusal", "reply"),
    [("refusing", "550 5.2.1 mailbox disabled"), ("refusing_message", "552 5.2.2 mailbox full")],
    ids=["the-address", "the-message-itself"],
)
def test_a_bcc_busy_then_refused_for_good_after_the_owner_got_it_is_sent_with_a_bounce_shown(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock, refusal: str, reply: str
) -> None:
    """The owner (To) got the report, the audit Bcc was busy (451), then refused for good on the retry to it
    alone: its address (550), or the message itself once its recipient was taken (552 after the message,
    where most servers say a mailbox is full). The report went dead, "every recipient was refused", in the
    dead list though the owner had it."""
    smtp_server.recorder.refusing["audit@example.com"] = "451 4.2.1 mailbox busy"
    message = _message(1, to="owner@example.com", bcc=("audit@example.com",))
    outbox.enqueue(smtp_app.store, "demo", [message], clock.now())
    assert _dispatch(smtp_app).retrying == 1
    smtp_server.recorder.refusing.clear()
    getattr(smtp_server.recorder, refusal)["audit@example.com"] = reply
    clock.advance(timedelta(seconds=31))
    assert _dispatch(smtp_app).sent == 1
    entry = outbox.get_entry(smtp_app.store, "demo", message.idempotency_key)
    [bounce] = entry.feedback
    assert (bounce.kind, bounce.permanent, bounce.recipients) == ("bounce", True, ("audit@example.com",))
    assert reply in bounce.detail and outbox.dead_entries(smtp_app.store) == []
    assert smtp_server.recorder.copies() == {"owner@example.com": 1}


def test_a_bcc_that_stays_busy_after_the_owner_got_it_is_given_up_saying_the_owner_has_it(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock
) -> None:
    """Given up after its attempts at the audit Bcc alone, the report's error was "every recipient was
    refused: audit@…", and said nothing of the owner who had it."""
    smtp_server.recorder.refusing["audit@example.com"] = "451 4.2.1 mailbox busy"
    message = _message(1, to="owner@example.com", bcc=("audit@example.com",))
    outbox.enqueue(smtp_app.store, "demo", [message], clock.now())
    for _ in range(smtp_app.retry_policy.max_attempts):
        _dispatch(smtp_app)
        clock.advance(timedelta(minutes=61))
    [dead] = outbox.dead_entries(smtp_app.store)
    assert dead.last_error == (
        "the mail server refused audit@example.com: 451 4.2.1 mailbox busy "
        "(already sent to owner@example.com: not to them again)"
    )
    assert smtp_server.recorder.copies() == {"owner@example.com": 1}


def test_a_relay_closing_with_421_on_a_retry_to_some_recipients_leaves_none_of_them_without_the_message(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock
) -> None:
    """The owner's and the Cc's mailboxes busy (451) while the audit Bcc is taken; on the retry to the
    two the relay answers the owner's RCPT with 421 and closes, before the Cc's was even asked. The Cc
    was noted as having the message, and never got it. Nobody got it on that try: both are tried again."""
    smtp_server.recorder.refusing.update(
        {"owner@example.com": "451 4.2.1 mailbox busy", "ops@example.com": "451 4.2.1 mailbox busy"}
    )
    message = _message(1, to="owner@example.com", cc=("ops@example.com",), bcc=("audit@example.com",))
    outbox.enqueue(smtp_app.store, "demo", [message], clock.now())
    assert _dispatch(smtp_app).retrying == 1
    smtp_server.recorder.refusing.clear()
    smtp_server.recorder.refusing["owner@example.com"] = "421 4.3.2 service shutting down"
    clock.advance(timedelta(seconds=31))
    assert _dispatch(smtp_app).retrying == 1
    entry = outbox.get_entry(smtp_app.store, "demo", message.idempotency_key)
    assert entry.sent_to == ("audit@example.com",)
    smtp_server.recorder.refusing.clear()  # the relay is back
    clock.advance(timedelta(minutes=2))
    assert _dispatch(smtp_app).sent == 1
    assert smtp_server.recorder.copies() == {"audit@example.com": 1, "owner@example.com": 1, "ops@example.com": 1}


def test_a_reader_who_is_also_the_audit_bcc_gets_one_copy_and_a_busy_mailbox_is_waited_for(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock
) -> None:
    """The bookkeeper reads the accounting report and is the audit Bcc too: their address was given to
    the relay twice, two copies; and with their mailbox busy (451) both RCPTs were refused, the relay
    answered DATA "503 need RCPT", and the report went dead instead of waiting for the mailbox."""
    smtp_server.recorder.refusing["books@example.com"] = "451 4.2.1 mailbox busy"
    message = _message(1, to="books@example.com", bcc=("books@example.com",))
    outbox.enqueue(smtp_app.store, "demo", [message], clock.now())
    assert _dispatch(smtp_app).retrying == 1
    smtp_server.recorder.refusing.clear()
    clock.advance(timedelta(seconds=31))
    assert _dispatch(smtp_app).sent == 1
    assert smtp_server.recorder.copies() == {"books@example.com": 1}


def _two_orgs_one_owner(app: App) -> list[str]:
    """Two orgs whose owner is one person, each sent its week's report and told that its weekly
    marketing report did not run; the keys of the four messages."""
    from firstmate.demo.run import demo_profile
    from firstmate.errors import SourceAuthError
    from firstmate.services.business import save_business
    from firstmate.services.intel import record_failure
    from firstmate.services.sends import ReportMail, deliver_once

    for org in ("harbour", "reef"):
        profile = demo_profile()
        save_business(app.store, profile.model_copy(update={"org": profile.org.model_copy(update={"id": org})}))
        mail = ReportMail(f"{org}: 12 leads", f"The {org} week: 12 leads.", f"<p>The {org} week</p>")
        assert deliver_once(app, org, "weekly", "2026-05-25", mail, ["owner@example.com"]) == ["owner@example.com"]
        record_failure(app, org, SourceAuthError(f"{org}: the Meta token expired"), app.clock.now())
    return [e.key for org in ("harbour", "reef") for e in outbox.list_entries(app.store, org)]


def test_one_owner_of_two_orgs_gets_each_orgs_report_as_a_message_of_its_own(app: App) -> None:
    """Two orgs with one owner: each org's weekly report (and each's notice that the report did not run)
    had the same key, so the same file in the outbox folder, the second org's overwriting the first's,
    which the first's entry still named."""
    assert len(set(_two_orgs_one_owner(app))) == 4
    assert _dispatch(app).sent == 4
    for org in ("harbour", "reef"):
        for entry in outbox.list_entries(app.store, org):
            assert entry.provider_ref is not None
            assert f"{org}: " in Path(entry.provider_ref).read_text()  # its own org's, not the other's
    assert len(list(app.settings.outbox_path.glob("*.eml"))) == 4


def test_one_owner_of_two_orgs_gets_each_orgs_report_with_a_message_id_of_its_own(
    smtp_app: App, smtp_server: SmtpServer
) -> None:
    """Over SMTP the two orgs' reports went with one Message-ID, and a mail client keeps one message of
    a Message-ID (Gmail drops the second)."""
    _two_orgs_one_owner(smtp_app)
    assert _dispatch(smtp_app).sent == 4
    assert len(set(smtp_server.recorder.message_ids())) == 4


@pytest.mark.parametrize("quit_reply", ["421 4.3.2 service shutting down", "554 5.7.1 goodbye"])
def test_a_message_the_relay_took_is_sent_once_whatever_it_answers_to_quit(
    smtp_app: App, smtp_server: SmtpServer, clock: FixedClock, quit_reply: str
) -> None:
    """The relay took the message (250), then answered QUIT with 421 or 554: the send was read as
    failed, so with 421 the crew member got a copy on every attempt, and with 554 it was dead though
    delivered. The message is out once the relay took it: sent, once."""
    smtp_server.recorder.quit_reply = quit_reply
    outbox.enqueue(smtp_app.store, "demo", [_message(1)], clock.now())
    assert _dispatch(smtp_app).sent == 1
    entry = outbox.get_entry(smtp_app.store, "demo", "booking:1:crew:notify")
    assert entry.status is OutboxStatus.SENT and entry.last_error is None
    for _ in range(3):
        clock.advance(timedelta(hours=2))
        assert _dispatch(smtp_app).handled == 0
    assert smtp_server.recorder.copies() == {"crew@example.com": 1}


@pytest.mark.slow
def test_a_relay_too_slow_for_the_lease_is_left_before_the_message_goes_so_no_other_dispatcher_repeats_it(
    tmp_path: Path, smtp_server: SmtpServer, clock: FixedClock
) -> None:
    """A relay answering each step just within smtp_timeout_s kept a send to 12 crew (14 waits) past its
    lease, and a second dispatcher sent the message again: two copies each. Now the session is ended
    before the message goes, within the lease, as a failed attempt saying why; once the relay is
    quick again, each gets one copy."""
    smtp_server.recorder.slow = 0.45
    settings = load_settings(
        home=tmp_path / "home", mailer="smtp", smtp_host="127.0.0.1", smtp_port=smtp_server.port,
        smtp_starttls=False, smtp_timeout_s=0.5, outbox_lease_s=4.5,
    )  # fmt: skip
    first, second = build(settings, clock=clock), build(settings, clock=clock)
    crew = [f"crew{n}@example.com" for n in range(12)]
    outbox.enqueue(first.store, "demo", [_message(1, to=crew[0], cc=tuple(crew[1:]))], clock.now())
    sending = threading.Thread(target=_dispatch, args=(first,))
    sending.start()
    time.sleep(settings.outbox_lease_s + 0.2)  # the first dispatcher's lease has run out: the second looks
    clock.advance(timedelta(seconds=settings.outbox_lease_s + 0.2))
    _dispatch(second)
    sending.join()
    entry = outbox.get_entry(first.store, "demo", "booking:1:crew:notify")
    assert smtp_server.recorder.copies() == {}
    assert entry.status is OutboxStatus.PENDING and "answered too slowly" in (entry.last_error or "")
    smtp_server.recorder.slow = 0.0
    clock.advance(timedelta(seconds=31))
    assert _dispatch(second).sent == 1
    assert smtp_server.recorder.copies() == dict.fromkeys(crew, 1)
    first.close()
    second.close()


class DiesMidSend:
    """Stands for a sender process that dies (or hangs until killed) while handing over a message."""

    def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
        raise SystemExit("killed mid-send")


def test_a_message_that_kills_every_sender_goes_dead_instead_of_looping(smtp_app: App, clock: FixedClock) -> None:
    outbox.enqueue(smtp_app.store, "demo", [_message(1)], clock.now())
    policy = smtp_app.retry_policy
    for _ in range(policy.max_attempts):
        with pytest.raises(SystemExit):
            outbox.dispatch_outbox(smtp_app.store, DiesMidSend(), clock, policy, keys=smtp_app.signing_keys)
        clock.advance(policy.lease + timedelta(seconds=1))
    report = outbox.dispatch_outbox(smtp_app.store, DiesMidSend(), clock, policy, keys=smtp_app.signing_keys)
    assert report.dead == 1
    entry = outbox.get_entry(smtp_app.store, "demo", "booking:1:crew:notify")
    assert entry.status is OutboxStatus.DEAD and "gave up" in (entry.last_error or "")
    assert outbox.dispatch_outbox(smtp_app.store, DiesMidSend(), clock, policy, keys=smtp_app.signing_keys).handled == 0


def test_a_malformed_address_is_refused_before_it_reaches_the_outbox() -> None:
    with pytest.raises(ValueError, match="not an email address"):
        _message(1, to="a,evil@example.com")
    with pytest.raises(ValueError, match="not an email address"):
        _message(1, to="é@example.com")


@pytest.mark.slow
def test_a_dispatcher_killed_between_send_and_record_loses_nothing(tmp_path: Path, smtp_server: SmtpServer) -> None:
    home = tmp_path / "home"
    # a send must not time out on a busy machine (a lost answer is retried: a second repeat)
    env = _env(home, smtp_server, FIRSTMATE_SMTP_TIMEOUT_S="1", FIRSTMATE_OUTBOX_LEASE_S="9")
    app = build(load_settings(home=home))
    outbox.enqueue(app.store, "demo", [_message(n) for n in range(10)], app.clock.now())

    crashed = subprocess.run([sys.executable, DISPATCHER], env={**env, "DIE_AFTER_SEND": "4"}, check=False)
    assert crashed.returncode == 137
    assert len(smtp_server.recorder.received) == 4
    assert _statuses(app) == {"sent": 3, "sending": 1, "pending": 6}
    sent_before = {
        e.message.message_id("example.com") for e in outbox.list_entries(app.store, "demo", status=OutboxStatus.SENT)
    }

    subprocess.run([sys.executable, DISPATCHER], env=env, check=True, timeout=120)
    assert _statuses(app) == {"sent": 10}
    counts = collections.Counter(smtp_server.recorder.message_ids())
    assert len(counts) == 10  # nothing lost
    assert all(counts[mid] == 1 for mid in sent_before)  # nothing recorded as sent went twice
    assert sorted(counts.values()) == [1] * 9 + [2]  # only the in-flight one repeats, same Message-ID
    app.close()


@pytest.mark.slow
def test_with_the_outbox_mailer_a_crash_still_leaves_exactly_one_file_per_message(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = _env(home, None)
    app = build(load_settings(home=home))
    outbox.enqueue(app.store, "demo", [_message(n) for n in range(10)], app.clock.now())
    assert subprocess.run([sys.executable, DISPATCHER], env={**env, "DIE_AFTER_SEND": "6"}).returncode == 137
    subprocess.run([sys.executable, DISPATCHER], env=env, check=True, timeout=120)
    assert len(list((home / "outbox").glob("*.eml"))) == 10
    assert _statuses(app) == {"sent": 10}
    app.close()


@pytest.mark.slow
def test_two_dispatcher_processes_share_the_outbox_without_doubles(tmp_path: Path) -> None:
    server = SmtpServer(delay=0.002).start()
    try:
        home = tmp_path / "home"
        # a lease and a send timeout long enough for a loaded machine: a timed-out send that reached the
        # server would be sent again, and this test is about claims
        env = _env(home, server, FIRSTMATE_OUTBOX_LEASE_S="60", FIRSTMATE_SMTP_TIMEOUT_S="5")
        app = build(load_settings(home=home))
        outbox.enqueue(app.store, "demo", [_message(n) for n in range(120)], app.clock.now())
        procs = [subprocess.Popen([sys.executable, DISPATCHER], env=env) for _ in range(2)]
        assert [p.wait(timeout=120) for p in procs] == [0, 0]
        ids = server.recorder.message_ids()
        assert len(ids) == 120 and len(set(ids)) == 120
        assert _statuses(app) == {"sent": 120}
        app.close()
    finally:
        server.stop()


@pytest.mark.slow
def test_the_worker_killed_at_random_moments_sends_everything_and_repeats_at_most_one_per_kill(
    tmp_path: Path,
) -> None:
    server = SmtpServer(delay=0.01).start()
    rng = random.Random(20261121)
    try:
        home = tmp_path / "home"
        env = _env(home, server, FIRSTMATE_DISPATCH_INTERVAL_S="0.05", FIRSTMATE_OUTBOX_LEASE_S="8",
                   FIRSTMATE_SMTP_TIMEOUT_S="0.8")  # fmt: skip
        app = build(load_settings(home=home))
        outbox.enqueue(app.store, "demo", [_message(n) for n in range(150)], app.clock.now())
        kills = 0
        logged = tmp_path / "workers.log"  # their warnings: a timed-out send may have reached the server
        with logged.open("ab") as log:
            for _ in range(3):
                worker = subprocess.Popen([FIRSTMATE, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
                time.sleep(rng.uniform(0.8, 1.6))
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)
                kills += 1
            drain = [sys.executable, DISPATCHER]
            subprocess.run(drain, env=env, check=True, timeout=120, stdout=log, stderr=subprocess.STDOUT)
        counts = collections.Counter(server.recorder.message_ids())
        assert len(counts) == 150, "a message was lost"
        timed_out = logged.read_text(errors="replace").count("outbox.send_failed")
        assert sum(counts.values()) - 150 <= kills + timed_out, "more repeats than interrupted or timed-out sends"
        assert _statuses(app) == {"sent": 150}
        app.close()
    finally:
        server.stop()


@pytest.mark.slow
def test_the_worker_stopped_mid_send_finishes_that_message_and_nothing_goes_twice(tmp_path: Path) -> None:
    """SIGTERM (systemd, docker) or Ctrl-C while mail flows: the worker kept sending its 50-message
    pass for 10 s, then exited mid-send, and a message the relay had taken went again after a restart."""
    server = SmtpServer(delay=3.0).start()  # a slow relay: the stop comes while a send is in flight
    try:
        home = tmp_path / "home"
        env = _env(home, server, FIRSTMATE_DISPATCH_INTERVAL_S="0.05", FIRSTMATE_SMTP_TIMEOUT_S="5",
                   FIRSTMATE_OUTBOX_LEASE_S="60")  # fmt: skip
        app = build(load_settings(home=home))
        outbox.enqueue(app.store, "demo", [_message(n) for n in range(12)], app.clock.now())
        worker = subprocess.Popen([FIRSTMATE, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while len(server.recorder.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)  # the third message is with the relay, answered in 2.5 s
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=60)
        assert worker.returncode == 0
        assert len(server.recorder.received) == 3, "it went on sending after being told to stop"
        assert _statuses(app) == {"sent": 3, "pending": 9}  # none left `sending`, to go again
        assert "finishing the message in flight" in stderr.decode()
        server.recorder.delay = 0.0
        restarted = subprocess.run([FIRSTMATE, "worker", "--once"], env=env, capture_output=True, timeout=120)
        assert restarted.returncode == 0, restarted.stderr
        counts = collections.Counter(server.recorder.message_ids())
        assert len(counts) == 12 and set(counts.values()) == {1}
        assert _statuses(app) == {"sent": 12}
        app.close()
    finally:
        server.stop()


def test_every_dead_message_of_an_org_is_retried_at_once_and_keys_are_shown_whole(
    smtp_app: App, tmp_path: Path
) -> None:
    """After a relay was fixed, each dead message had to be retried by its key, and an 80-column
    terminal cut those keys short ("bk:bk_da94…")."""
    from firstmate.demo.run import demo_profile
    from firstmate.services.business import save_business
    from tests.e2e.test_cli import run

    save_business(smtp_app.store, demo_profile())
    messages = [_message(n, to="reject-me@example.com") for n in range(3)]
    outbox.enqueue(smtp_app.store, "demo", [*messages, _message(9)], smtp_app.clock.now())
    assert _dispatch(smtp_app).dead == 3
    home = tmp_path / "home"
    narrow = run(home, "outbox", "list", "--status", "dead", env={"COLUMNS": "80"})
    assert narrow.returncode == 0 and "…" not in narrow.stdout
    refused = run(home, "outbox", "retry", "demo")
    assert refused.returncode == 2 and "name one message's KEY, or pass --dead" in refused.stderr
    retried = run(home, "outbox", "retry", "demo", "--dead")
    assert retried.returncode == 0, retried.stderr
    assert "3 dead message(s) of demo pending again" in retried.stdout
    assert _statuses(smtp_app) == {"pending": 3, "sent": 1}
    assert "0 dead message(s)" in run(home, "outbox", "retry", "demo", "--dead").stdout
    assert run(home, "outbox", "retry", "nowhere", "--dead").returncode != 0  # an org that is not there is named
