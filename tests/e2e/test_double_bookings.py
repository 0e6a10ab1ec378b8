"""A boat booked twice at once, or booked in a slot its calendar blocks: recorded as the channels
sent it (they have sold it), and said at once to whoever sent it and to the operations manager."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest, BookingStatus
from firstmate.domain.intake import BlockedSlot
from firstmate.ports import Delete
from firstmate.services import outbox
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.imports import import_records
from firstmate.services.trips import DEFERRED_CHECK
from firstmate.web.app import create_app
from tests.conftest import booking_body, firstmate_env
from tests.e2e.test_cli import run

LA = ZoneInfo("America/Los_Angeles")
SEA_LARK = "Sea Lark (38 ft sloop)"
#: W-1 as the API names it to the channel of another booking: by boat and time, never by its guest
FIRST = f"{SEA_LARK} is also booked Sat 13 Jun 2026, 16:00 PDT to 19:00"
#: and as an import lists it to the operator, with its title
FIRST_TITLED = f"{FIRST}: “Sea Lark: Dana Whitcomb (6 guests)”"


def post(client: TestClient, api_key: str, **changes: object) -> dict[str, object]:
    answer = client.post(
        "/api/v1/bookings", json=booking_body(**changes), headers={"Authorization": f"Bearer {api_key}"}
    )
    assert answer.status_code in (200, 201), answer.text
    body: dict[str, object] = answer.json()
    return body


def clash_messages(app: App) -> list[tuple[str, str]]:
    """The operations manager's "Double booked!" messages: (subject, text) each."""
    entries = [e for e in outbox.list_entries(app.store, "demo") if e.key.startswith("clash:")]
    assert all(e.message.to == ("ops@example.com",) for e in entries)
    return [(e.message.subject, e.message.text) for e in entries]


def refuse_mark_drops(app: App, monkeypatch: pytest.MonkeyPatch, refused: Callable[[int], bool]) -> list[int]:
    """Make the store refuse the transactions that only drop clash-check marks, the nth when
    `refused(n)` (counting from 1); returns the size of each such transaction, as it comes."""
    from firstmate.errors import StoreUnavailable

    transact, batches = app.store.transact, []

    def dropping(writes: list[Any], *args: Any, **kwargs: Any) -> Any:
        if writes and all(isinstance(w, Delete) and w.pk == "ORG#demo#CHECKS" for w in writes):
            batches.append(len(writes))
            if refused(len(batches)):
                raise StoreUnavailable("the store did not answer")
        return transact(writes, *args, **kwargs)

    monkeypatch.setattr(app.store, "transact", dropping)
    return batches


def first_time(real: Callable[..., Any], instead: Callable[[], Any]) -> Callable[..., Any]:
    """`real`, but its first call does `instead`."""
    calls = iter(range(1_000_000))

    def patched(*args: Any, **kwargs: Any) -> Any:
        return instead() if next(calls) == 0 else real(*args, **kwargs)

    return patched


def test_a_second_booking_of_the_boat_at_the_same_time_is_recorded_and_said(demo_app: App, api_key: str) -> None:
    client = TestClient(create_app(demo_app))
    first = post(client, api_key, external_id="W-1")  # Sea Lark, Sat 13 Jun, 16:00 to 19:00
    assert first["double_booked"] == []
    ines = {"name": "Ines Quay", "email": "ines@example.com"}
    second = post(client, api_key, external_id="W-2", start="2026-06-13T18:00:00-07:00", lead_guest=ines)
    assert second["result"] == "created" and second["double_booked"] == [FIRST]
    assert "Dana Whitcomb" not in str(second)  # W-1's guest is not W-2's channel's to know
    [(subject, text)] = clash_messages(demo_app)
    assert subject == f"Double booked! {SEA_LARK}, Sat 13 Jun 2026, 18:00 PDT"  # when the clash begins
    # each with the channel and its reference, where to cancel or move it
    assert "- booked Sat 13 Jun 2026, 16:00 PDT to 19:00: “Sea Lark: Dana Whitcomb (6 guests)” (from direct, W-1)" in (
        text
    )
    assert "- booked Sat 13 Jun 2026, 18:00 PDT to 21:00: “Sea Lark: Ines Quay (6 guests)” (from direct, W-2)" in text

    other_boat = post(client, api_key, external_id="W-3", asset="morning-tern")
    back_to_back = post(client, api_key, external_id="W-4", start="2026-06-13T19:00:00-07:00", duration_hours=2)
    assert other_boat["double_booked"] == [] and back_to_back["double_booked"] != []  # W-2 is out until 21:00
    again = post(client, api_key, external_id="W-2", start="2026-06-13T18:00:00-07:00", lead_guest=ines)  # a retry
    assert again["result"] == "unchanged" and again["double_booked"][0] == FIRST  # still so, and still said
    assert len(again["double_booked"]) == 2 and "19:00 PDT to 21:00" in again["double_booked"][1]  # and W-4 since
    read = client.get(f"/api/v1/bookings/{second['booking_id']}", headers={"Authorization": f"Bearer {api_key}"})
    assert read.json()["double_booked"] == again["double_booked"]
    assert len([e for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":ops")]) == 4  # one each
    assert len(clash_messages(demo_app)) == 2  # W-1 with W-2, W-2 with W-4: once each, re-sent or not


def test_a_booking_moved_onto_another_is_said_and_a_cancelled_one_holds_nothing(demo_app: App, api_key: str) -> None:
    client = TestClient(create_app(demo_app))
    post(client, api_key, external_id="M-1")
    morning = post(client, api_key, external_id="M-2", start="2026-06-13T09:00:00-07:00")
    assert morning["double_booked"] == []
    moved = post(client, api_key, external_id="M-2", start="2026-06-13T17:00:00-07:00")
    assert moved["result"] == "updated" and moved["double_booked"] == [FIRST]
    assert [subject for subject, _ in clash_messages(demo_app)] == [
        f"Double booked! {SEA_LARK}, Sat 13 Jun 2026, 17:00 PDT"
    ]

    post(client, api_key, external_id="M-1", status="cancelled")
    alone = post(client, api_key, external_id="M-3", start="2026-06-13T16:30:00-07:00", duration_hours=0.5)
    assert alone["double_booked"] == []  # M-1 is cancelled, M-2 departs at 17:00
    assert post(client, api_key, external_id="M-1", status="cancelled")["double_booked"] == []


def test_a_long_blocked_slot_over_booked_trips_is_listed_and_later_bookings_in_it_are_said(demo_app: App) -> None:
    client = TestClient(create_app(demo_app))
    from firstmate.services.keys import create_key

    key = create_key(demo_app.store, "demo", "tests", demo_app.clock.now())[1]
    post(client, key, external_id="H-1")
    haul_out = BlockedSlot(
        uid="haul-2026@yard.example.com",
        start=datetime(2026, 6, 8, 8, tzinfo=LA),
        end=datetime(2026, 6, 22, 17, tzinfo=LA),
        title="Haul out",
        asset="sea-lark",
        source="boatyard",
    )
    report = import_records(demo_app, "demo", [haul_out])
    assert report.double_booked == [f"blocked slot “Haul out”: {FIRST_TITLED}"]
    [(subject, text)] = clash_messages(demo_app)  # the operations manager hears of it too
    assert subject == f"Double booked! {SEA_LARK}, Sat 13 Jun 2026, 16:00 PDT" and "- blocked Mon 8 Jun 2026" in text
    assert "“Haul out” (from boatyard)" in text and "(from direct, H-1)" in text
    assert report.summary() == "1 blocked created (1 double booking(s), listed below)"

    during = post(client, key, external_id="H-2", start="2026-06-18T10:00:00-07:00")  # ten days into the slot
    assert during["double_booked"] == [
        f"{SEA_LARK} is also blocked Mon 8 Jun 2026, 08:00 PDT to Mon 22 Jun 2026, 17:00 PDT"
    ]
    assert "“Haul out” (from boatyard)" in clash_messages(demo_app)[-1][1]  # read from the list of long slots
    elsewhere = post(client, key, external_id="H-3", start="2026-06-18T10:00:00-07:00", asset="morning-tern")
    assert elsewhere["double_booked"] == []

    everyone = BlockedSlot(uid="storm@harbor.example.com", start=datetime(2026, 6, 18, 0, tzinfo=LA),
                           end=datetime(2026, 6, 19, 0, tzinfo=LA), title="Harbor closed: storm")  # fmt: skip
    both = import_records(demo_app, "demo", [everyone]).double_booked
    said = "blocked slot “Harbor closed: storm”: "
    assert len(both) == 2 and all(line.startswith(said) for line in both)
    assert {line.removeprefix(said).split(" is also", 1)[0] for line in both} == {
        SEA_LARK,
        "Morning Tern (45 ft catamaran)",
    }


def test_booking_import_lists_the_double_bookings_it_made(home: Path, tmp_path: Path) -> None:
    header = "external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email"
    day = f"{datetime.now(LA).year + 1}-06-12"  # a trip to come, so that its crew are told as usual
    rows = [
        f"C-1,sea-lark,{day}T16:00:00-07:00,3,6,840.75,USD,Dana Whitcomb,dana@example.com",
        f"C-2,sea-lark,{day}T17:00:00-07:00,3,4,600.00,USD,Ren [bold]Markup[/bold],ren@example.com",
        f"C-3,morning-tern,{day}T17:00:00-07:00,3,4,600.00,USD,Ines Quay,ines@example.com",
    ]
    csv = tmp_path / "export.csv"
    csv.write_text("\n".join([header, *rows]) + "\n")
    done = run(home, "booking", "import", str(csv), "--org", "demo")
    assert done.returncode == 0, done.stderr
    assert "export.csv: 3 created (1 double booking(s), listed below)." in done.stdout
    departs = datetime.fromisoformat(f"{day}T17:00:00-07:00")
    said = (  # the pair once, under its first row; the channel's words, as typed
        f"double booked: csv C-1: {SEA_LARK} is also booked {departs:%a} {departs.day} {departs:%b %Y}, 17:00 PDT "
        "to 20:00: “Sea Lark: Ren [bold]Markup[/bold] (4 guests)”"
    )
    assert said in done.stdout and "csv C-2: " not in done.stdout
    again = run(home, "booking", "import", str(csv), "--org", "demo")  # nothing changes; the clash still stands
    assert "3 unchanged (1 double booking(s), listed below)." in again.stdout and said in again.stdout


def _imported_pair(demo_app: App, api_key: str) -> tuple[BookingRequest, BlockedSlot]:
    """W-1 booked through the API (Sea Lark, Sat 13 Jun, 16:00 to 19:00), and two rows of an import
    that clash with it: a booking at 18:00 and a hull survey blocking 15:00 to 20:00. W-1's own
    check is done (the fanouts job drops its mark)."""
    post(TestClient(create_app(demo_app)), api_key, external_id="W-1")
    assert run_fanouts(demo_app) == "0 notices queued; 1 calendar entries checked, 0 double bookings told"
    clash = BookingRequest.model_validate(
        booking_body(source="csv", external_id="I-1", start="2026-06-13T18:00:00-07:00")
    )
    survey = BlockedSlot(uid="survey@yard.example.com", start=datetime(2026, 6, 13, 15, tzinfo=LA),
                         end=datetime(2026, 6, 13, 20, tzinfo=LA), title="Hull survey", asset="sea-lark")  # fmt: skip
    return clash, survey


def test_an_import_tells_only_the_double_bookings_still_standing_once_its_whole_file_is_in(
    demo_app: App, api_key: str
) -> None:
    clash, survey = _imported_pair(demo_app, api_key)
    undone = [clash.model_copy(update={"status": BookingStatus.CANCELLED}), replace(survey, cancelled=True)]
    job_saw: list[str] = []  # the fanouts job running while the import does, as it may every 5 minutes

    def progress(_: int) -> None:
        job_saw.append(run_fanouts(demo_app))

    report = import_records(demo_app, "demo", [clash, survey, *undone], progress)  # each cancelled by a later row
    assert report.double_booked == [] and clash_messages(demo_app) == []  # told at once, both used to go out
    assert job_saw == ["0 notices queued; 0 calendar entries checked, 0 double bookings told"] * 4  # left to it
    demo_app.clock.advance(DEFERRED_CHECK)  # type: ignore[attr-defined]
    nothing_owed = "0 notices queued; 0 calendar entries checked, 0 double bookings told"
    assert run_fanouts(demo_app) == nothing_owed  # the import did the checks its 4 writes owed

    stands = clash.model_copy(update={"external_id": "I-2"})
    report = import_records(demo_app, "demo", [stands, replace(survey, uid="survey-2@yard.example.com")])
    # as things stand at the end, each pair once: I-2 against W-1 and the slot, the slot against W-1
    assert len(report.double_booked) == 3 and len(clash_messages(demo_app)) == 3
    assert demo_app.store.query("ORG#demo#CHECKS", "").items == []  # nor anything for the job to do again
    demo_app.clock.advance(DEFERRED_CHECK)  # type: ignore[attr-defined]
    assert run_fanouts(demo_app) == nothing_owed


def test_an_import_stopped_part_way_leaves_its_double_bookings_to_the_job(demo_app: App, api_key: str) -> None:
    clash, survey = _imported_pair(demo_app, api_key)

    written: list[int] = []

    def stop_after_two(n: int) -> None:
        written.append(n)
        if len(written) == 2:
            raise KeyboardInterrupt  # the operator's Ctrl-C, or a crash, before the file is all in

    later = clash.model_copy(update={"status": BookingStatus.CANCELLED})  # never reached
    with pytest.raises(KeyboardInterrupt):
        import_records(demo_app, "demo", [clash, survey, later], stop_after_two)
    assert clash_messages(demo_app) == []  # the import was to tell them at its end
    demo_app.clock.advance(DEFERRED_CHECK - timedelta(minutes=1))  # type: ignore[attr-defined]
    assert run_fanouts(demo_app) == "0 notices queued; 0 calendar entries checked, 0 double bookings told"
    demo_app.clock.advance(timedelta(minutes=2))  # type: ignore[attr-defined]
    assert run_fanouts(demo_app) == "0 notices queued; 2 calendar entries checked, 3 double bookings told"
    assert len(clash_messages(demo_app)) == 3  # I-1 and W-1, the survey and each of them: once each
    assert run_fanouts(demo_app) == "0 notices queued; 0 calendar entries checked, 0 double bookings told"


def test_a_store_failing_as_an_import_checks_its_rows_leaves_them_in_and_says_so(
    demo_app: App, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from firstmate.errors import StoreUnavailable
    from firstmate.services.imports import clash_check

    clash, survey = _imported_pair(demo_app, api_key)

    def down(*_: object) -> tuple[list[object], int]:
        raise StoreUnavailable("the store did not answer")

    monkeypatch.setattr(clash_check, "tell_double_bookings", down)
    report = import_records(demo_app, "demo", [clash, survey])
    assert dict(report.counts) == {"created": 1, "blocked created": 1} and report.double_booked == []
    assert report.unchecked == [
        "csv I-1: the store did not answer (the fanouts job tells any within the hour)",
        "blocked slot “Hull survey”: the store did not answer (the fanouts job tells any within the hour)",
    ]
    assert report.summary() == "1 blocked created, 1 created (2 not checked for double bookings, listed below)"
    monkeypatch.undo()
    demo_app.clock.advance(DEFERRED_CHECK)  # type: ignore[attr-defined]
    assert run_fanouts(demo_app) == "0 notices queued; 2 calendar entries checked, 3 double bookings told"
    assert demo_app.store.query("ORG#demo#CHECKS", "").items == []


def test_marks_the_store_keeps_an_import_from_dropping_are_checked_by_the_job_and_told_nothing_twice(
    demo_app: App, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clash, survey = _imported_pair(demo_app, api_key)
    refuse_mark_drops(demo_app, monkeypatch, lambda _: True)
    report = import_records(demo_app, "demo", [clash, survey])
    assert len(report.double_booked) == 3 and report.unchecked == []  # the import's work is all done
    monkeypatch.undo()
    demo_app.clock.advance(DEFERRED_CHECK)  # type: ignore[attr-defined]
    assert run_fanouts(demo_app) == "0 notices queued; 2 calendar entries checked, 0 double bookings told"
    assert len(clash_messages(demo_app)) == 3


def test_a_batch_of_marks_the_store_refuses_to_drop_leaves_the_next_batches_dropped(
    demo_app: App, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from firstmate.services.imports import clash_check

    clash, survey = _imported_pair(demo_app, api_key)
    monkeypatch.setattr(clash_check, "MAX_TRANSACTION_WRITES", 1)  # a batch per mark
    batches = refuse_mark_drops(demo_app, monkeypatch, lambda nth: nth == 1)
    import_records(demo_app, "demo", [clash, survey])
    monkeypatch.undo()
    assert batches == [1, 1] and len(demo_app.store.query("ORG#demo#CHECKS", "").items) == 1  # the refused one


def test_a_mark_written_while_an_import_checks_its_row_is_left_for_the_job(
    demo_app: App, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from firstmate.ports import Store
    from firstmate.services.imports import clash_check
    from firstmate.services.trips import check_owed

    clash, survey = _imported_pair(demo_app, api_key)
    owed_marks = clash_check.owed_marks

    def then_another_writer(store: Store, org: str, key: str) -> Any:
        found = owed_marks(store, org, key)
        store.transact([check_owed(org, key)])  # a change to the entry by another writer, after the read
        return found

    monkeypatch.setattr(clash_check, "owed_marks", then_another_writer)
    import_records(demo_app, "demo", [clash, survey])
    monkeypatch.undo()
    assert len(demo_app.store.query("ORG#demo#CHECKS", "").items) == 2  # theirs, which the import's check may predate
    assert run_fanouts(demo_app) == "0 notices queued; 2 calendar entries checked, 0 double bookings told"


def test_the_cli_names_the_rows_it_could_not_check(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from firstmate.cli import cli
    from firstmate.errors import StoreUnavailable

    def down(*_: object) -> tuple[list[object], int]:
        raise StoreUnavailable("the store did not answer")

    monkeypatch.setattr("firstmate.services.imports.clash_check.tell_double_bookings", down)
    csv = tmp_path / "one.csv"
    csv.write_text(
        "external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email\n"
        "C-9,sea-lark,2031-06-13T16:00:00-07:00,3,2,500.00,USD,Ines Quay,ines@example.com\n"
    )
    result = CliRunner().invoke(cli, ["booking", "import", str(csv), "--org", "demo"], env=firstmate_env(home))
    assert result.exit_code == 0, result.output
    assert "one.csv: 1 created (1 not checked for double bookings, listed below)." in result.output
    assert "not checked: csv C-9: the store did not answer (the fanouts job tells any within the hour)" in result.output


def test_the_long_slots_are_found_in_a_home_from_before_their_list_and_a_cancelled_one_holds_nothing(
    demo_app: App, api_key: str
) -> None:
    from firstmate.services.trips import long_blocks

    client = TestClient(create_app(demo_app))
    winter = BlockedSlot(uid="winter@yard.example.com", start=datetime(2026, 6, 1, tzinfo=LA),
                         end=datetime(2026, 9, 1, tzinfo=LA), title="Ashore for repairs", asset="sea-lark")  # fmt: skip
    import_records(demo_app, "demo", [winter])
    stored = long_blocks(demo_app.store, "demo", demo_app.clock.now())[0]
    assert stored is not None
    demo_app.store.transact([Delete(stored.pk, stored.sk)])  # as a home from before the list was kept
    inside = post(client, api_key, external_id="L-1", start="2026-07-04T10:00:00-07:00")
    assert inside["double_booked"] == [
        f"{SEA_LARK} is also blocked Mon 1 Jun 2026, 00:00 PDT to Tue 1 Sep 2026, 00:00 PDT"
    ]
    cancelled = BlockedSlot(uid=winter.uid, start=winter.start, end=winter.end, title=winter.title,
                            asset="sea-lark", cancelled=True)  # fmt: skip
    assert dict(import_records(demo_app, "demo", [cancelled]).counts) == {"blocked cancelled": 1}
    assert long_blocks(demo_app.store, "demo", demo_app.clock.now())[1] == []
    assert post(client, api_key, external_id="L-2", start="2026-07-11T10:00:00-07:00")["double_booked"] == []


def test_a_slot_blocked_for_a_century_imports_and_names_only_the_trips_someone_can_act_on(
    demo_app: App, api_key: str
) -> None:
    client = TestClient(create_app(demo_app))
    post(client, api_key, external_id="K-1", start="2026-06-20T10:00:00-07:00")  # ahead of the clock (1 Jun)
    post(client, api_key, external_id="K-2", start="2026-05-20T10:00:00-07:00")  # long sailed
    century = BlockedSlot(uid="mistake@example.com", start=datetime(2000, 1, 1, tzinfo=LA),
                          end=datetime(2100, 1, 1, tzinfo=LA), title="Not available", asset="sea-lark")  # fmt: skip
    report = import_records(demo_app, "demo", [century])
    assert len(report.double_booked) == 1 and "Sat 20 Jun 2026, 10:00 PDT" in report.double_booked[0]
    later = post(client, api_key, external_id="K-3", start="2031-03-01T10:00:00-08:00")
    century_said = f"{SEA_LARK} is also blocked Sat 1 Jan 2000, 00:00 PST to Fri 1 Jan 2100, 00:00 PST"
    assert later["double_booked"] == [century_said]


def test_every_answer_says_it_and_a_read_writes_nothing(demo_app: App, api_key: str) -> None:
    from firstmate.services.trips import long_blocks

    client = TestClient(create_app(demo_app))
    post(client, api_key, external_id="U-1")
    post(client, api_key, external_id="U-2", start="2026-06-13T17:00:00-07:00")
    fewer_guests = post(client, api_key, external_id="U-2", start="2026-06-13T17:00:00-07:00", guest_count=3)
    assert fewer_guests["result"] == "updated" and fewer_guests["double_booked"] == [FIRST]
    assert len(clash_messages(demo_app)) == 1  # the pair was told of once, when it happened

    stored = long_blocks(demo_app.store, "demo", demo_app.clock.now())[0]
    assert stored is not None
    demo_app.store.transact([Delete(stored.pk, stored.sk)])  # a home from before the list was kept
    before = demo_app.store.change_marker()
    read = client.get(f"/api/v1/bookings/{fewer_guests['booking_id']}", headers={"Authorization": f"Bearer {api_key}"})
    assert read.json()["double_booked"] == [FIRST] and demo_app.store.change_marker() == before


def test_an_import_names_only_the_double_bookings_still_standing_once_the_whole_file_is_in(demo_app: App) -> None:
    from firstmate.adapters.sources.bookings.csv_file import parse_csv

    header = "external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email,status\n"
    rows = [
        "F-1,sea-lark,2026-06-13T16:00:00-07:00,3,6,840.75,USD,Dana Whitcomb,dana@example.com,confirmed",
        "F-2,sea-lark,2026-06-13T17:00:00-07:00,3,4,600.00,USD,Ines Quay,ines@example.com,confirmed",
        "F-1,sea-lark,2026-06-13T16:00:00-07:00,3,6,840.75,USD,Dana Whitcomb,dana@example.com,cancelled",
    ]
    report = import_records(demo_app, "demo", parse_csv(header + "\n".join(rows) + "\n"))
    assert dict(report.counts) == {"created": 2, "cancelled": 1} and report.double_booked == []


def left_untold(app: App, api_key: str, monkeypatch: pytest.MonkeyPatch, ref: str) -> TestClient:
    """`<ref>-1` booked, then `<ref>-2` an hour later on the same boat by a process that stopped right
    after writing it: a pair nobody was told of. The client that sent them."""
    from firstmate.services.bookings import create  # where a new booking looks for its double bookings

    client = TestClient(create_app(app))
    post(client, api_key, external_id=f"{ref}-1")
    monkeypatch.setattr(create, "report_double_bookings", first_time(create.report_double_bookings, lambda: []))
    post(client, api_key, external_id=f"{ref}-2", start="2026-06-13T17:00:00-07:00")
    assert clash_messages(app) == []
    return client


def test_a_pair_left_untold_by_a_stopped_process_is_told_when_the_channel_sends_it_again(
    demo_app: App, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = left_untold(demo_app, api_key, monkeypatch, "S")
    again = post(client, api_key, external_id="S-2", start="2026-06-13T17:00:00-07:00")  # the channel retries
    assert again["result"] == "unchanged" and again["double_booked"] == [FIRST]
    assert len(clash_messages(demo_app)) == 1
    read = client.get(f"/api/v1/bookings/{again['booking_id']}", headers={"Authorization": f"Bearer {api_key}"})
    assert read.json()["double_booked"] == [FIRST] and len(clash_messages(demo_app)) == 1


def test_a_pair_left_untold_by_a_stopped_process_is_told_by_the_next_fanouts_job_once(
    demo_app: App, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = left_untold(demo_app, api_key, monkeypatch, "J")
    first = run_fanouts(demo_app)
    assert first == "0 notices queued; 2 calendar entries checked, 1 double bookings told"
    [(subject, text)] = clash_messages(demo_app)
    assert subject == "Double booked! Sea Lark (38 ft sloop), Sat 13 Jun 2026, 17:00 PDT" and "Dana Whitcomb" in text
    assert run_fanouts(demo_app) == "0 notices queued; 0 calendar entries checked, 0 double bookings told"
    again = post(client, api_key, external_id="J-2", start="2026-06-13T17:00:00-07:00")  # and a re-send tells no more
    assert again["double_booked"] == [FIRST] and len(clash_messages(demo_app)) == 1


def test_a_check_the_store_failed_is_kept_for_the_next_pass_of_the_job(
    demo_app: App, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from firstmate.errors import StoreUnavailable
    from firstmate.services.trips import clashes

    client = TestClient(create_app(demo_app))
    post(client, api_key, external_id="K-1")

    real, busy = clashes.enqueue_told, True

    def enqueue_told(*args: Any) -> int:
        if busy:
            raise StoreUnavailable("the store is busy")
        return real(*args)

    monkeypatch.setattr(clashes, "enqueue_told", enqueue_told)
    post(client, api_key, external_id="K-2", start="2026-06-13T17:00:00-07:00")  # its own check fails
    outcome = run_fanouts(demo_app)  # and so does the job's
    assert outcome == "0 notices queued; 0 calendar entries checked, 0 double bookings told, 2 left for the next pass"
    busy = False
    assert run_fanouts(demo_app) == "0 notices queued; 2 calendar entries checked, 1 double bookings told"
    assert len(clash_messages(demo_app)) == 1


def test_a_booking_written_again_while_two_passes_of_the_job_check_it_is_told_by_the_next(
    demo_app: App, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from firstmate.services import clash_checks
    from firstmate.services.bookings import change  # where a changed booking looks for its double bookings

    client = TestClient(create_app(demo_app))
    post(client, api_key, external_id="M-1")
    post(client, api_key, external_id="M-2", start="2026-06-13T17:00:00-07:00", asset="morning-tern")
    real, checking = clash_checks.tell_double_bookings, iter(range(1_000_000))

    def meanwhile(*args: Any) -> tuple[Any, int]:
        if next(checking) == 1:  # as one pass checks M-2, a second pass runs whole (a manual `jobs run`)...
            monkeypatch.setattr(clash_checks, "tell_double_bookings", real)
            assert run_fanouts(demo_app) == "0 notices queued; 2 calendar entries checked, 0 double bookings told"
            stopped = first_time(change.report_double_bookings, lambda: [])
            monkeypatch.setattr(change, "report_double_bookings", stopped)
            # ...then M-2 moves onto Sea Lark, its own check lost
            post(client, api_key, external_id="M-2", start="2026-06-13T17:00:00-07:00", asset="sea-lark")
        return real(*args)

    monkeypatch.setattr(clash_checks, "tell_double_bookings", meanwhile)
    assert run_fanouts(demo_app) == "0 notices queued; 2 calendar entries checked, 0 double bookings told"
    assert clash_messages(demo_app) == []  # the first pass read M-2 as it was; its mark for the move is left
    assert run_fanouts(demo_app) == "0 notices queued; 1 calendar entries checked, 1 double bookings told"
    assert len(clash_messages(demo_app)) == 1


def test_a_mark_that_cannot_be_checked_does_not_stop_the_others(demo_app: App, api_key: str) -> None:
    from firstmate.ports import Item
    from firstmate.services.trips import CHECK_INDEX

    client = TestClient(create_app(demo_app))
    # a mark naming no entry (written by hand, or by a version to come), listed before the others
    odd = Item("ORG#demo#CHECKS", "0#odd", {"org": "demo"}, gsi1pk=CHECK_INDEX, gsi1sk="demo#0#odd")
    demo_app.store.put(odd)
    post(client, api_key, external_id="N-1")
    post(client, api_key, external_id="N-2", start="2026-06-13T17:00:00-07:00")
    demo_app.store.transact([Delete(i.pk, i.sk) for i in outbox_items(demo_app) if i.sk.startswith("clash:")])
    assert run_fanouts(demo_app) == "0 notices queued; 3 calendar entries checked, 1 double bookings told"
    assert run_fanouts(demo_app) == "0 notices queued; 0 calendar entries checked, 0 double bookings told"


def outbox_items(app: App) -> list[Any]:
    return app.store.query(outbox.outbox_pk("demo"), limit=1000).items


def run_fanouts(app: App) -> str:
    """The `fanouts` job, run now as `firstmate jobs run fanouts` runs it; what it says it did."""
    from firstmate.jobs import declared_jobs
    from firstmate.services.scheduler import run_job_now

    [job] = [j for j in declared_jobs(app.settings) if j.name == "fanouts"]
    run = run_job_now(app.store, app.clock, job, app)
    assert run.status == "done", run.detail
    return run.detail


def test_a_clash_months_ahead_is_told_once_however_long_it_stands(demo_app: App, api_key: str) -> None:
    from datetime import timedelta

    from firstmate.adapters.clock import FixedClock

    client, clock = TestClient(create_app(demo_app)), demo_app.clock
    assert isinstance(clock, FixedClock)
    post(client, api_key, external_id="Y-1", start="2027-05-01T10:00:00-07:00")
    post(client, api_key, external_id="Y-2", start="2027-05-01T11:00:00-07:00")
    outbox.dispatch_outbox(
        demo_app.store, demo_app.mailer, clock, demo_app.retry_policy, keys=demo_app.signing_keys, limit=50
    )
    clock.advance(timedelta(days=120))  # past the 90 days sent messages are otherwise kept
    demo_app.store.sweep_expired()
    again = post(client, api_key, external_id="Y-2", start="2027-05-01T11:00:00-07:00", guest_count=5)
    assert again["result"] == "updated" and len(again["double_booked"]) == 1
    [(subject, _)] = clash_messages(demo_app)
    assert subject == "Double booked! Sea Lark (38 ft sloop), Sat 1 May 2027, 11:00 PDT"
    statuses = [e.status.value for e in outbox.list_entries(demo_app.store, "demo") if e.key.startswith("clash:")]
    assert statuses == ["sent"]  # the one sent in 2026, still kept: its key keeps it from going again


def test_a_clash_sorted_out_and_made_again_is_told_again_and_one_long_over_is_not(demo_app: App, api_key: str) -> None:
    client = TestClient(create_app(demo_app))
    post(client, api_key, external_id="A-1")
    post(client, api_key, external_id="A-2", start="2026-06-13T17:00:00-07:00")
    post(client, api_key, external_id="A-2", start="2026-06-14T17:00:00-07:00")  # sorted out: moved a day
    assert len(clash_messages(demo_app)) == 1
    back = post(client, api_key, external_id="A-2", start="2026-06-13T17:30:00-07:00")  # back onto A-1
    assert back["double_booked"] == [FIRST] and len(clash_messages(demo_app)) == 2
    post(client, api_key, external_id="A-2", start="2026-06-14T17:00:00-07:00")  # sorted out again
    # back at the first times (with a guest fewer: the very first body again would be a late replay)
    same = post(client, api_key, external_id="A-2", start="2026-06-13T17:00:00-07:00", guest_count=5)
    assert same["double_booked"] == [FIRST] and len(clash_messages(demo_app)) == 3  # told again, not taken as sent
    post(client, api_key, external_id="A-2", start="2026-06-13T17:00:00-07:00", guest_count=4)  # not a move
    assert len(clash_messages(demo_app)) == 3

    post(client, api_key, external_id="P-1", start="2026-04-04T10:00:00-07:00")  # months ago, recorded late
    gone = post(client, api_key, external_id="P-2", start="2026-04-04T11:00:00-07:00")
    assert len(gone["double_booked"]) == 1 and len(clash_messages(demo_app)) == 3  # named, but nobody to tell


def test_a_store_failing_after_the_booking_was_written_still_answers_created(
    demo_app: App, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from firstmate.errors import StoreUnavailable
    from firstmate.services.trips import clashes

    client = TestClient(create_app(demo_app))
    post(client, api_key, external_id="B-1")

    def busy() -> None:
        raise StoreUnavailable("the store is busy")

    monkeypatch.setattr(clashes, "enqueue_told", first_time(clashes.enqueue_told, busy))
    answer = client.post("/api/v1/bookings", json=booking_body(external_id="B-2", start="2026-06-13T17:00:00-07:00"),
                         headers={"Authorization": f"Bearer {api_key}"})  # fmt: skip
    assert answer.status_code == 201 and clash_messages(demo_app) == []  # recorded: "created", not 503
    again = post(client, api_key, external_id="B-2", start="2026-06-13T17:00:00-07:00")
    assert again["result"] == "unchanged" and again["double_booked"] == [FIRST] and len(clash_messages(demo_app)) == 1


def test_a_long_slot_moved_onto_a_trip_is_told_once_from_either_side(demo_app: App) -> None:
    """The list of long slots kept no record of when a slot last moved, so the booking's side named
    the clash by another key: a haul-out moved onto a trip was told again when the channel re-sent it."""
    from datetime import UTC

    def slot(start: datetime) -> BlockedSlot:
        return BlockedSlot(
            uid="haulout-1", start=start, end=start + timedelta(days=5), title="Haul-out", asset="sea-lark"
        )

    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body()))  # Sat 13 Jun, 16:00 PDT
    import_records(demo_app, "demo", [slot(datetime(2026, 6, 20, 15, tzinfo=UTC))])  # the week after
    import_records(demo_app, "demo", [slot(datetime(2026, 6, 9, 15, tzinfo=UTC))])  # moved onto the trip
    told = [e.key for e in outbox.list_entries(demo_app.store, "demo") if e.key.startswith("clash:")]
    assert len(told) == 1
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body()))  # sent again, unchanged
    assert [e.key for e in outbox.list_entries(demo_app.store, "demo") if e.key.startswith("clash:")] == told


def test_a_double_booking_still_waiting_is_withdrawn_once_its_trip_is_cancelled_or_moved(demo_app: App) -> None:
    """Made during a relay outage, "Double booked!" went out after "Cancelled booking", about a clash
    that was no more."""
    from firstmate.services.bookings import cancel_booking

    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body()))
    second = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(external_id="W-2")))
    [clash] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.startswith("clash:")]
    assert clash.status.value == "pending"
    cancel_booking(demo_app, "demo", second.booking.id)
    [clash] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.key.startswith("clash:")]
    assert clash.status.value == "dead" and "changed again before it went out" in (clash.last_error or "")
