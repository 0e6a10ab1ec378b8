"""One `booking import` tells each person of each booking once, of the state the file leaves it in."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from firstmate.adapters.sources.bookings.csv_file import parse_csv
from firstmate.bootstrap import App, build
from firstmate.config import Settings
from firstmate.demo.run import demo_people
from firstmate.domain.outbox import OutboxStatus
from firstmate.ports import Store
from firstmate.services import outbox
from firstmate.services.bookings import get_booking
from firstmate.services.imports import import_records
from firstmate.services.paging import all_items
from firstmate.services.people import list_people, save_people
from firstmate.services.trips import intake_pk
from tests.conftest import send_due

HEADER = "external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email,notes,status\n"
#: C-1 booked, then (a row further down) moved an hour later; C-2 booked, then cancelled.
ROWS = (
    "C-1,sea-lark,2027-03-10T10:00:00-08:00,2,4,600.00,USD,Rob Sample,rob@example.com,,confirmed\n"
    "C-2,sea-lark,2027-03-12T10:00:00-08:00,2,3,500.00,USD,Ana Sample,ana@example.com,,confirmed\n"
    "C-1,sea-lark,2027-03-10T11:00:00-08:00,2,4,600.00,USD,Rob Sample,rob@example.com,,confirmed\n"
    "C-2,sea-lark,2027-03-12T10:00:00-08:00,2,3,500.00,USD,Ana Sample,ana@example.com,,cancelled\n"
)


def _sent(store: Store, org: str) -> Counter[tuple[str, str]]:
    """What went out: (recipient, the subject's headline) with how many times."""
    return Counter(
        (entry.message.to[0], entry.message.subject.split(":")[0])
        for entry in outbox.list_entries(store, org, status=OutboxStatus.SENT, limit=None)
    )


def _check_told_once(app: App) -> None:
    sent = _sent(app.store, "demo")
    crew = [p.email for p in list_people(app.store, "demo") if p.active and p.email]
    assert crew
    # C-1: booked and moved in the same file: the crew are asked once, of the trip at 11:00; its lead is booked once
    for email in crew:
        assert sent[(email, "Crew needed")] == 1, sent
        assert sent[(email, "Trip changed")] == 0, sent
        assert sent[(email, "Trip cancelled")] == 0, sent  # C-2 was never theirs to hear of
    subjects = [e.message.subject for e in outbox.list_entries(app.store, "demo", status=OutboxStatus.SENT, limit=None)]
    asked = [s for s in subjects if s.startswith("Crew needed") and "10 Mar" in s]
    assert len(asked) == len(crew) and all("11:00" in s for s in asked), subjects  # of the trip as the file left it
    guests = {"rob@example.com", "ana@example.com"}
    told = [(to, headline) for (to, headline), n in sent.items() for _ in range(n) if to in guests]
    [(_, headline)] = [g for g in told if g[0] == "rob@example.com"]
    assert headline.startswith("You're booked"), told
    assert [g for g in told if g[0] == "ana@example.com"] == [], told  # C-2 was never hers to hear of
    # the operations manager hears of each once: C-1 as booked, C-2 as cancelled (nobody else was told of it)
    ops = [
        (e.message.subject.split(":")[0], e.message.subject)
        for e in outbox.list_entries(app.store, "demo", status=OutboxStatus.SENT, limit=None)
        if e.key.endswith(":ops")
    ]
    assert sorted(h for h, _ in ops) == ["Cancelled booking", "New booking"], ops


def test_a_file_booking_and_changing_or_cancelling_a_trip_tells_each_person_once(demo_app: App) -> None:
    """Found by a review (a known gap): a CSV with a booking and, further down, the same booking changed or
    cancelled told the crew "Crew needed" then "Trip changed" (the first withdrawn: "Trip changed" alone),
    and the guest "Your trip is cancelled" of a trip they were never told was booked."""
    report = import_records(demo_app, "demo", parse_csv(HEADER + ROWS, timezone="America/Los_Angeles"))
    assert report.ok, report.errors
    assert dict(report.counts) == {"created": 2, "updated": 1, "cancelled": 1}
    # each row is still a revision of its booking, as before: only what is told changed
    bookings = [get_booking(demo_app.store, "demo", str(a.data["booking_id"])) for a in all_items(
        demo_app.store, intake_pk("demo"))]  # fmt: skip
    assert sorted((b.request.external_id, b.revision, b.cancelled) for b in bookings) == [
        ("C-1", 2, False), ("C-2", 2, True)]  # fmt: skip
    send_due(demo_app)
    _check_told_once(demo_app)


def test_a_booking_made_before_the_file_and_changed_twice_in_it_tells_one_trip_changed(demo_app: App) -> None:
    first = "C-3,sea-lark,2027-03-04T10:00:00-08:00,2,4,600.00,USD,Lee Sample,lee@example.com,,confirmed\n"
    assert import_records(demo_app, "demo", parse_csv(HEADER + first, timezone="America/Los_Angeles")).ok
    send_due(demo_app)
    before = _sent(demo_app.store, "demo")
    twice = first.replace("T10:00", "T11:00") + first.replace("T10:00", "T12:00")
    assert import_records(demo_app, "demo", parse_csv(HEADER + twice, timezone="America/Los_Angeles")).ok
    send_due(demo_app)
    now = _sent(demo_app.store, "demo") - before
    crew = [p.email for p in list_people(demo_app.store, "demo") if p.active and p.email]
    for email in crew:
        assert now[(email, "Trip changed")] == 1, now
    assert now[("lee@example.com", "Your trip has changed")] == 1, now
    assert sum(n for (to, _), n in now.items() if to != "ops@example.com") == len(crew) + 1, now


def test_the_cli_import_tells_each_person_once(home: Path, tmp_path: Path) -> None:
    """The same through `firstmate booking import` as an operator runs it."""
    from tests.e2e.test_cli import run

    app = build(Settings(home=home))
    save_people(app.store, "demo", demo_people())
    app.close()
    rows = tmp_path / "bookings.csv"
    rows.write_text(HEADER + ROWS)
    done = run(home, "booking", "import", str(rows), "--org", "demo")
    assert done.returncode == 0, done.stderr
    app = build(Settings(home=home))
    try:
        send_due(app)
        _check_told_once(app)
    finally:
        app.close()


def test_what_went_out_while_the_file_was_read_is_followed_never_sent_again(demo_app: App) -> None:
    """`serve`'s dispatcher may send the first row's mail before the file's later row is read: the crew who
    had "Crew needed" then hear "Trip changed", the ops manager both, and nothing goes twice."""
    rows = HEADER + ROWS.splitlines(keepends=True)[0] + ROWS.splitlines(keepends=True)[2]
    done = []

    def dispatching(n: int) -> None:
        done.append(n)
        if len(done) == 1:
            send_due(demo_app)  # between the two rows

    report = import_records(demo_app, "demo", parse_csv(rows, timezone="America/Los_Angeles"), progress=dispatching)
    assert report.ok, report.errors
    send_due(demo_app)
    sent = _sent(demo_app.store, "demo")
    crew = [p.email for p in list_people(demo_app.store, "demo") if p.active and p.email]
    for email in crew:
        assert (sent[(email, "Crew needed")], sent[(email, "Trip changed")]) == (1, 1), sent
    assert sent[("rob@example.com", "Your trip has changed")] == 1, sent
    assert (sent[("ops@example.com", "New booking")], sent[("ops@example.com", "Changed booking")]) == (1, 1), sent


def test_a_file_run_again_after_it_was_interrupted_tells_each_person_once(demo_app: App) -> None:
    """Found by a review: an import stopped after a booking's first row (the process killed, the dispatcher not
    yet run) and run again told the crew "Trip changed" and the guest "Your trip has changed" of a trip they had
    never been told of: the run again found the booking made, so its later row was no news to anybody."""
    first_rows = HEADER + "".join(ROWS.splitlines(keepends=True)[:2])  # the file as far as it got
    assert import_records(demo_app, "demo", parse_csv(first_rows, timezone="America/Los_Angeles")).ok
    report = import_records(demo_app, "demo", parse_csv(HEADER + ROWS, timezone="America/Los_Angeles"))
    assert report.ok, report.errors
    assert dict(report.counts) == {"unchanged": 2, "updated": 1, "cancelled": 1}
    send_due(demo_app)
    _check_told_once(demo_app)


def test_a_file_run_again_after_its_mail_went_tells_the_change(demo_app: App) -> None:
    """Run again once the first rows' mail went out, the later row is a change to those who heard of it."""
    first_rows = HEADER + ROWS.splitlines(keepends=True)[0]
    assert import_records(demo_app, "demo", parse_csv(first_rows, timezone="America/Los_Angeles")).ok
    send_due(demo_app)
    moved = HEADER + ROWS.splitlines(keepends=True)[0] + ROWS.splitlines(keepends=True)[2]
    assert import_records(demo_app, "demo", parse_csv(moved, timezone="America/Los_Angeles")).ok
    send_due(demo_app)
    sent = _sent(demo_app.store, "demo")
    crew = [p.email for p in list_people(demo_app.store, "demo") if p.active and p.email]
    for email in crew:
        assert (sent[(email, "Crew needed")], sent[(email, "Trip changed")]) == (1, 1), sent
    assert (
        sent[("rob@example.com", "You're booked with Saltwind Charters")],
        sent[("rob@example.com", "Your trip has changed")],
    ) == (1, 1), sent


def test_a_file_repeating_a_booking_whose_mail_is_no_longer_kept_tells_its_change_as_a_change(demo_app: App) -> None:
    """A booking made months ago, its mail sent and no longer kept (the outbox keeps sent mail for a while): a file
    repeating it, then changing it, tells everyone it changed, not "Crew needed" or "New booking" again."""
    from firstmate.ports import Delete
    from firstmate.services.outbox import outbox_pk

    first = HEADER + ROWS.splitlines(keepends=True)[0]
    assert import_records(demo_app, "demo", parse_csv(first, timezone="America/Los_Angeles")).ok
    send_due(demo_app)
    gone = list(all_items(demo_app.store, outbox_pk("demo"), "bk:"))
    assert gone
    demo_app.store.transact([Delete(i.pk, i.sk) for i in gone])  # as the outbox's time to keep sent mail does
    moved = first + ROWS.splitlines(keepends=True)[2]
    assert import_records(demo_app, "demo", parse_csv(moved, timezone="America/Los_Angeles")).ok
    send_due(demo_app)
    sent = _sent(demo_app.store, "demo")
    crew = [p.email for p in list_people(demo_app.store, "demo") if p.active and p.email]
    for email in crew:
        assert (sent[(email, "Crew needed")], sent[(email, "Trip changed")]) == (0, 1), sent
    assert sent[("rob@example.com", "Your trip has changed")] == 1, sent
    assert (sent[("ops@example.com", "New booking")], sent[("ops@example.com", "Changed booking")]) == (0, 1), sent
