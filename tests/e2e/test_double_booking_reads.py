"""A booking's change reads the "Double booked!" messages of its own trip, not every one the business
was ever sent: each change looked through all of the org's `clash:` outbox entries for those naming its
trip (on DynamoDB, a read of the outbox's whole partition), so a charter company with years of history
paid for all of them on every move, cancellation and re-send."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from firstmate.bootstrap import App
from firstmate.domain import outbox as rules
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxStatus
from firstmate.jobs import sweep_expired
from firstmate.services import outbox
from firstmate.services.bookings import cancel_booking, orchestrate_booking
from tests.conftest import booking_body
from tests.reads import RecordingStore

HISTORY = 300


def _told_before(app: App, key: str, *, sent: bool) -> None:
    """A "Double booked!" as a firstmate before this change queued it: the outbox entry alone."""
    message = OutgoingMessage(idempotency_key=key, sender="ops@example.com", to=("ops@example.com",),
                              subject="Double booked!", text="x")  # fmt: skip
    entry = rules.new_entry("demo", message, app.clock.now() - timedelta(days=30))
    if sent:
        entry = rules.record_sent(entry, entry.created_at + timedelta(seconds=1), "ref")
    app.store.put(outbox.to_item(entry))


def _history(app: App) -> None:
    """Years of other trips' double bookings, sent long ago."""
    for n in range(HISTORY):
        _told_before(app, f"clash:bk_{n:016x}@firstmate:bk_{n + 1:016x}@firstmate:1700000000-1700003600", sent=True)


def test_a_booking_change_reads_the_double_bookings_of_its_own_trip_alone(demo_app: App) -> None:
    first = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body()))
    second = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(external_id="W-2")))
    uid = f"{second.booking.id}@firstmate"
    # one its trip was told of by an older firstmate (the pair at earlier times), still waiting in an outage
    older = f"clash:{first.booking.id}@firstmate:{uid}:1781300000-1781310000"
    _told_before(demo_app, older, sent=False)
    _history(demo_app)
    sweep_expired(demo_app, demo_app.clock.now())  # the hourly job: what an upgrade has to do, it does
    store = RecordingStore(demo_app.store)
    watched = dataclasses.replace(demo_app, store=store)  # type: ignore[arg-type]
    moved = booking_body(external_id="W-2", start="2026-06-13T17:00:00-07:00")
    orchestrate_booking(watched, "demo", BookingRequest.model_validate(moved))
    clash_reads = {sk for pk, sk in store.read if pk == "ORG#demo#OUTBOX" and sk.startswith("clash:")}
    assert clash_reads and all(uid in sk for sk in clash_reads)  # before: all 302
    assert len(store.read) < 100  # the whole change, whatever the history holds
    assert outbox.get_entry(demo_app.store, "demo", older).status is OutboxStatus.DEAD  # its trip moved: withdrawn


def test_a_double_booking_told_by_an_older_firstmate_is_withdrawn_before_the_job_has_run(demo_app: App) -> None:
    first = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body()))
    second = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(external_id="W-2")))
    older = f"clash:{first.booking.id}@firstmate:{second.booking.id}@firstmate:1781300000-1781310000"
    _told_before(demo_app, older, sent=False)
    cancel_booking(demo_app, "demo", second.booking.id)
    clashes = {e.key: e for e in outbox.list_entries(demo_app.store, "demo") if e.key.startswith("clash:")}
    assert len(clashes) == 2
    assert all(e.status is OutboxStatus.DEAD for e in clashes.values())
    assert "changed again before it went out" in (clashes[older].last_error or "")


def test_the_sweep_names_older_double_bookings_a_few_at_a_time_and_then_reads_them_no_more(demo_app: App) -> None:
    from firstmate.services.clash_index import index_pending, told_keys

    for n in range(5):
        _told_before(demo_app, f"clash:bk_{n:016x}@firstmate:walk-{n}@calendar.example.com:1:2", sent=True)
    assert told_keys(demo_app.store, "demo", f"bk_{0:016x}@firstmate") is None  # not named yet: read them all
    said = [index_pending(demo_app.store, ["demo"], most=2) for _ in range(4)]
    assert said == [
        "2 double-booking messages named under their trips; more next run (demo)",
        "2 double-booking messages named under their trips; more next run (demo)",
        "1 double-booking messages named under their trips",
        "",
    ]
    assert told_keys(demo_app.store, "demo", f"bk_{3:016x}@firstmate") == [
        f"clash:bk_{3:016x}@firstmate:walk-3@calendar.example.com:1:2"
    ]
