"""`firstmate booking cancel --dry-run` and the crew's waiting "Crew needed on N trips" a cancellation changes. Known
gaps (docs/reliability.md): the dry run did not name the lists a cancellation gives trips back to (it said nothing of
them), and it said the crew whose lists lie beyond the cancellation's own transaction would not be told, and the
cancel told them. What it says is what the cancel then does: both are decided by the same code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from firstmate.bootstrap import App, build
from firstmate.config import Settings
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.guests import NewGuest
from firstmate.domain.outbox import OutboxEntry, OutboxStatus
from firstmate.domain.people import Person
from firstmate.domain.timing import when
from firstmate.services import outbox
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.business import load_business
from firstmate.services.guests import CodeTarget, add_guest
from firstmate.services.org_setup import check_org, import_org, org_tables
from firstmate.services.people import get_person, list_people, save_people
from firstmate.services.roster import claim_role
from tests.conftest import booking_body, send_due
from tests.e2e.test_cli import run
from tests.e2e.test_cli_refusals import save_people as save_demo_people
from tests.web.test_hardening import Stopped, stopped

ZONE = ZoneInfo("America/Los_Angeles")
#: A June far enough ahead for every trip to be still to come, whenever the test runs.
YEAR = datetime.now(UTC).year + 1


@contextmanager
def _app(home: Path) -> Iterator[App]:
    app = build(Settings(home=home))
    try:
        yield app
    finally:
        app.close()


def _book(app: App, ref: str, day: int, asset: str = "sea-lark") -> str:
    start = f"{YEAR}-06-{day}T16:00:00-07:00"
    body = booking_body(external_id=ref, start=start, asset=asset, duration_hours=3)
    return orchestrate_booking(app, "demo", BookingRequest.model_validate(body)).booking.id


def _at_four(day: int) -> str:
    return when(datetime(YEAR, 6, day, 16, tzinfo=ZONE), "America/Los_Angeles")


def _entries(home: Path) -> list[OutboxEntry]:
    with _app(home) as app:
        return outbox.list_entries(app.store, "demo", limit=None)


def _priya_crews_sea_lark_listed_the_catamaran_then(home: Path) -> tuple[str, str]:
    """Priya, inactive while Sea Lark was booked 13 to 17 June at 16:00 and Morning Tern 13 June at 16:00, made crew by
    `org import`: one waiting "Crew needed on 6 trips". She takes crew 1 on Sea Lark's 13 June: her list drops both
    (one trip at a time), a "Crew needed on 4 trips" waits. Sea Lark's 13 June and Morning Tern's bookings."""
    save_demo_people(home)
    with _app(home) as app:
        priya = get_person(app.store, "demo", "priya")
        save_people(app.store, "demo", [priya.model_copy(update={"active": False})])
        trips = [_book(app, f"JUNE-{day}", day) for day in range(13, 18)]
        tern = _book(app, "TERN", 13, asset="morning-tern")
        profile = load_business(app.store, "demo")
        assert profile is not None
        people = [p.model_copy(update={"active": True}) for p in list_people(app.store, "demo")]
        import_org(app.store, check_org(org_tables(profile, people)), ctx=app)
        claim_role(app, "demo", f"ev_{trips[0].removeprefix('bk_')}", "crew_1", "priya")
    [waiting] = _lists_waiting(home, "priya")
    assert waiting.message.subject == "Crew needed on 4 trips", waiting.message.subject
    return trips[0], tern


def _lists_waiting(home: Path, person: str) -> list[OutboxEntry]:
    return [e for e in _entries(home) if e.key.startswith(f"crew-asked:{person}:") and e.status is OutboxStatus.PENDING]


def test_a_dry_run_names_the_waiting_list_a_cancellation_gives_a_trip_back_and_the_cancel_does(home: Path) -> None:
    """The operator about to cancel Sea Lark's 13 June, which Priya crews, reads in the dry run that her waiting list
    would offer the catamaran at that hour again, as the cancel then does; the dry run changes nothing."""
    sea_lark, tern = _priya_crews_sea_lark_listed_the_catamaran_then(home)
    before = _entries(home)

    dry = run(home, "booking", "cancel", sea_lark, "--org", "demo", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0].endswith("would be told. Nothing was changed (dry run)."), lines
    assert lines[1:] == [
        f'  crew: Priya Halyard\'s waiting "Crew needed on 4 trips" would offer 5 trips, adding {_at_four(13)} on '
        "Morning Tern."
    ], lines
    assert _entries(home) == before

    done = run(home, "booking", "cancel", sea_lark, "--org", "demo", "--yes")
    assert done.returncode == 0, done.stderr
    [waiting] = _lists_waiting(home, "priya")
    assert waiting.message.subject == "Crew needed on 5 trips"
    assert f"/crew/events/ev_{tern.removeprefix('bk_')}" in waiting.message.text
    assert f"{_at_four(13)}" in waiting.message.text and "Morning Tern" in waiting.message.text


def test_a_dry_run_tells_whom_the_cancel_tells_however_many_lists_it_follows(home: Path) -> None:
    """A crew file made 60 deckhands crew at once, each listed the five Sea Lark trips in a waiting list; one trip is
    cancelled. The lists beyond the cancellation's own transaction follow it once it is written, so the deckhands
    whose lists they are are told "Trip cancelled" (one may go out meanwhile). The dry run said they would not be
    told: it names whom the cancel tells, and every list it changes."""
    save_demo_people(home)
    deckhands = [Person(id=f"deck-{n}", name=f"Deck Hand{n}", email=f"deck-{n}@example.com") for n in range(60)]
    with _app(home) as app:
        trips = [_book(app, f"JUNE-{day}", day) for day in range(13, 18)]
        profile = load_business(app.store, "demo")
        assert profile is not None
        import_org(app.store, check_org(org_tables(profile, [*list_people(app.store, "demo"), *deckhands])), ctx=app)

    dry = run(home, "booking", "cancel", trips[0], "--org", "demo", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    head, *lists = dry.stdout.splitlines()

    done = run(home, "booking", "cancel", trips[0], "--org", "demo", "--yes")
    assert done.returncode == 0, done.stderr
    would = head.split("; ", 1)[1].removesuffix(" would be told. Nothing was changed (dry run).")
    told = done.stdout.split("; ", 1)[1].removesuffix(" will be told.\n")
    assert would == told and "Deck Hand" in told, (would, told)
    # and every list it changes is named, as the cancel changes it
    dropped = f'waiting "Crew needed on 5 trips" would offer 4 trips, without {_at_four(13)} on Sea Lark.'
    assert sorted(lists) == sorted(f"  crew: {p.name}'s {dropped}" for p in deckhands), lists
    assert all([e.message.subject for e in _lists_waiting(home, p.id)] == ["Crew needed on 4 trips"] for p in deckhands)


def test_a_dry_run_names_the_crew_needed_a_cancellation_sends_whom_it_frees(home: Path) -> None:
    """A review: Priya crews Sea Lark's 13 June; Morning Tern, booked at that hour after she took it, left her out (one
    trip at a time). Cancelling Sea Lark asks her to crew the catamaran ("Asked once free", docs/crew.md); the dry run
    said nothing of it, though it names the same "Crew needed" when a list of hers gives the catamaran back."""
    save_demo_people(home)
    with _app(home) as app:
        sea_lark = _book(app, "JUNE-13", 13)
        claim_role(app, "demo", f"ev_{sea_lark.removeprefix('bk_')}", "crew_1", "priya")
        tern = _book(app, "TERN", 13, asset="morning-tern")
    before = _entries(home)

    dry = run(home, "booking", "cancel", sea_lark, "--org", "demo", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[1:] == [
        f'  crew: Priya Halyard would be asked by the trip\'s own "Crew needed": {_at_four(13)} on Morning Tern.'
    ], dry.stdout
    assert _entries(home) == before

    done = run(home, "booking", "cancel", sea_lark, "--org", "demo", "--yes")
    assert done.returncode == 0, done.stderr
    [asked] = [
        e
        for e in _entries(home)
        if e.key.startswith(f"bk:{tern}:") and e.key.endswith(":crew:priya") and e.status is OutboxStatus.PENDING
    ]
    assert asked.message.subject.startswith("Crew needed") and "Morning Tern" in asked.message.subject


def test_a_dry_run_says_the_send_out_the_cancel_first_finishes(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 120-guest charter, every guest invited, is moved, and the process stops right after the move's write: the
    guests past its first transaction are not told yet. The cancel first finishes that send-out (then withdraws it,
    the cancellation being the word now); the dry run said nothing of it. It names it now, and who the cancel tells."""
    import firstmate.services.bookings.fanout as fanout

    save_demo_people(home)
    body = booking_body(external_id="BIG", start=f"{YEAR}-06-13T16:00:00-07:00", guest_count=120, duration_hours=3)
    with _app(home) as app:
        big = orchestrate_booking(app, "demo", BookingRequest.model_validate(body)).booking.id
        for n in range(99):
            add_guest(app, CodeTarget("demo", big, "g1"), NewGuest(name=f"Guest Number{n}", email=f"g{n}@example.com"))
        for _ in range(10):  # every invitation goes (the dispatcher sends a batch at a time)
            send_due(app)
        with monkeypatch.context() as patched:
            patched.setattr(fanout, "complete_fanout", stopped)
            with pytest.raises(Stopped):
                moved = {**body, "start": f"{YEAR}-06-13T17:00:00-07:00"}
                orchestrate_booking(app, "demo", BookingRequest.model_validate(moved))
    before = _entries(home)

    dry = run(home, "booking", "cancel", big, "--org", "demo", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    head, first, *rest = dry.stdout.splitlines()
    assert _entries(home) == before and not rest, dry.stdout

    done = run(home, "booking", "cancel", big, "--org", "demo", "--yes")
    assert done.returncode == 0, done.stderr
    would = head.split("; ", 1)[1].removesuffix(" would be told. Nothing was changed (dry run).")
    told = done.stdout.split("; ", 1)[1].removesuffix(" will be told.\n")
    assert would == told and "100 guests" in told, (would, told)
    # what it said it finishes is what the cancel finished: the move's messages it queued, withdrawn at once
    known = {e.key for e in before}
    finished = sorted((e for e in _entries(home) if e.key not in known and ":r2:" in e.key), key=lambda e: e.key)
    names = sorted(f"Guest Number{int(e.key.rsplit(':g', 1)[1]) - 2}" for e in finished)
    assert finished and {e.status for e in finished} == {OutboxStatus.DEAD}, finished
    assert first == (
        f"  first: it finishes the send-out its last change left half done: {len(finished)} messages to "
        f"{len(finished)} guests ({', '.join(names)}), then withdraws all with the rest of that change's mail still "
        "waiting."
    ), first
