"""One file's rows of a booking are its history in order: a later row going back to an earlier row's values after
a row between changed them is news, not a late replay. A known gap (docs/reliability.md): one path sending A, B,
then A again without a `sequence` is taken for a late replay; within one file, the file's order says it is not."""

from __future__ import annotations

import re
from typing import Any

from firstmate.adapters.sources.bookings.csv_file import parse_csv
from firstmate.bootstrap import App
from firstmate.domain.outbox import OutboxStatus
from firstmate.services import outbox
from firstmate.services.imports import ImportReport, import_records
from tests.e2e.test_booking_import import HEADER, _only_booking

ROW = "C-1,sea-lark,2026-07-04T17:00:00-07:00,2.5,{},600.00,USD,Rob Sample,rob@example.com,Fireworks cruise\n"


def _import(app: App, *counts: int) -> ImportReport:
    """A CSV file of booking C-1's rows, one per guest count, in order."""
    return import_records(app, "demo", parse_csv(HEADER + "".join(ROW.format(n) for n in counts)))


def _guests(app: App) -> Any:
    return _only_booking(app)["request"]["guest_count"]


def test_a_file_going_back_to_an_earlier_rows_values_leaves_the_booking_as_its_last_row_says(demo_app: App) -> None:
    """A channel's export of a booking's history (4 guests, then 5, then 4 again) left the booking at 5 guests,
    counted "1 unchanged", where the file's last word was 4: the third row was taken for a late copy of the first.
    The booking ends as the file's last row says, and each person hears once, of the trip as the file leaves it."""
    report = _import(demo_app, 4, 5, 4)
    assert report.ok and dict(report.counts) == {"created": 1, "updated": 2}, report.counts
    assert _guests(demo_app) == 4
    waiting = outbox.list_entries(demo_app.store, "demo", status=OutboxStatus.PENDING, limit=None)
    told = sorted(e.key.split(":", 3)[-1] for e in waiting)  # one message each: the file's first two withdrawn
    assert told == ["crew:jonah", "crew:marisol", "crew:priya", "crew:theo", "guest:g1", "ops"], told
    [ops] = [e.message.text for e in waiting if e.key.endswith(":ops")]
    assert re.search(r"Guests:\s+4\n", ops) and all(
        "· 4 guests ·" in e.message.text for e in waiting if ":crew:" in e.key
    )
    # the same file again changes nothing, and sends nothing
    mail = outbox.list_entries(demo_app.store, "demo")
    assert dict(_import(demo_app, 4, 5, 4).counts) == {"unchanged": 3}
    assert _guests(demo_app) == 4 and outbox.list_entries(demo_app.store, "demo") == mail


def test_an_old_file_going_back_and_forth_imported_again_does_not_undo_a_later_one(demo_app: App) -> None:
    """Between separate files, an earlier body is still a late replay: the old file imported again after a newer
    file changes nothing, however its rows go back and forth."""
    assert _import(demo_app, 4, 5, 4).ok and _guests(demo_app) == 4
    assert dict(_import(demo_app, 3).counts) == {"updated": 1} and _guests(demo_app) == 3
    mail = outbox.list_entries(demo_app.store, "demo")
    assert dict(_import(demo_app, 4, 5, 4).counts) == {"unchanged": 3}
    assert _guests(demo_app) == 3 and outbox.list_entries(demo_app.store, "demo") == mail


def test_a_file_stopped_part_way_and_run_again_leaves_the_booking_as_its_last_row_says(demo_app: App) -> None:
    """A file of 4, 5 then 4 guests stopped after its second row (the machine went down), then run again, left the
    booking at 5 guests, "3 unchanged": its rows were all known again, the third taken for a late copy of the first.
    The booking stood as the file's second row says, so what comes after it in the file is news: it ends at 4."""
    assert _import(demo_app, 4, 5).ok and _guests(demo_app) == 5  # what the stopped run wrote
    report = _import(demo_app, 4, 5, 4)
    assert dict(report.counts) == {"unchanged": 2, "updated": 1}, report.counts
    assert _guests(demo_app) == 4
    waiting = outbox.list_entries(demo_app.store, "demo", status=OutboxStatus.PENDING, limit=None)
    assert all("· 4 guests ·" in e.message.text for e in waiting if ":crew:" in e.key)
    # run a third time, it changes nothing and sends nothing
    mail = outbox.list_entries(demo_app.store, "demo")
    assert dict(_import(demo_app, 4, 5, 4).counts) == {"unchanged": 3}
    assert _guests(demo_app) == 4 and outbox.list_entries(demo_app.store, "demo") == mail


def test_a_file_ending_where_it_went_once_before_imported_again_changes_nothing(demo_app: App) -> None:
    """4, 5, 4, 5 guests: the second run finds the booking as the file's last row left it, and changes nothing."""
    assert _import(demo_app, 4, 5, 4, 5).ok and _guests(demo_app) == 5
    mail = outbox.list_entries(demo_app.store, "demo")
    assert dict(_import(demo_app, 4, 5, 4, 5).counts) == {"unchanged": 4}
    assert _guests(demo_app) == 5 and outbox.list_entries(demo_app.store, "demo") == mail


def test_a_file_stopped_part_way_does_not_undo_a_change_made_before_it_ran_again(demo_app: App) -> None:
    """Stopped after 4 then 5 guests, the booking changed to 3 by another file: run again, the file's rows are all
    old news (the booking no longer stands as any of them says), and nothing changes."""
    assert _import(demo_app, 4, 5).ok
    assert dict(_import(demo_app, 3).counts) == {"updated": 1}
    mail = outbox.list_entries(demo_app.store, "demo")
    assert dict(_import(demo_app, 4, 5, 4).counts) == {"unchanged": 3}
    assert _guests(demo_app) == 3 and outbox.list_entries(demo_app.store, "demo") == mail
