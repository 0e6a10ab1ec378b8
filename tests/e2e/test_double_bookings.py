"""A boat booked twice at once, or booked in a slot its calendar blocks: recorded as the channels
sent it (they have sold it), and said at once to whoever sent it and to the operations manager."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from firstmate.bootstrap import App
from firstmate.domain.intake import BlockedSlot
from firstmate.services import outbox
from firstmate.services.imports import import_records
from firstmate.web.app import create_app
from tests.conftest import booking_body
from tests.e2e.test_cli import run

LA = ZoneInfo("America/Los_Angeles")
SEA_LARK = "Sea Lark (38 ft sloop)"
FIRST = f"{SEA_LARK} is also booked Sat 13 Jun 2026, 16:00 PDT to 19:00: “Sea Lark: Dana Whitcomb (6 guests)”"


def post(client: TestClient, api_key: str, **changes: object) -> dict[str, object]:
    answer = client.post(
        "/api/v1/bookings", json=booking_body(**changes), headers={"Authorization": f"Bearer {api_key}"}
    )
    assert answer.status_code in (200, 201), answer.text
    body: dict[str, object] = answer.json()
    return body


def ops_message(app: App, booking_id: object, revision: int = 1) -> tuple[str, str]:
    [entry] = [e for e in outbox.list_entries(app.store, "demo") if e.key == f"bk:{booking_id}:r{revision}:ops"]
    return entry.message.subject, entry.message.text


def test_a_second_booking_of_the_boat_at_the_same_time_is_recorded_and_said(demo_app: App, api_key: str) -> None:
    client = TestClient(create_app(demo_app))
    first = post(client, api_key, external_id="W-1")  # Sea Lark, Sat 13 Jun, 16:00 to 19:00
    assert first["double_booked"] == []
    second = post(client, api_key, external_id="W-2", start="2026-06-13T18:00:00-07:00")
    assert second["result"] == "created" and second["double_booked"] == [FIRST]
    subject, text = ops_message(demo_app, second["booking_id"])
    assert subject.startswith("Double booked! New booking: Sat 13 Jun 2026, 18:00 PDT")
    assert f"Double booked: {FIRST}." in text
    assert not ops_message(demo_app, first["booking_id"])[0].startswith("Double")  # told when it was alone

    other_boat = post(client, api_key, external_id="W-3", asset="morning-tern")
    back_to_back = post(client, api_key, external_id="W-4", start="2026-06-13T19:00:00-07:00", duration_hours=2)
    assert other_boat["double_booked"] == [] and back_to_back["double_booked"] != []  # W-2 is out until 21:00
    again = post(client, api_key, external_id="W-2", start="2026-06-13T18:00:00-07:00")
    assert again["result"] == "unchanged" and again["double_booked"] == []  # said once, when it happened


def test_a_booking_moved_onto_another_is_said_and_a_cancelled_one_holds_nothing(demo_app: App, api_key: str) -> None:
    client = TestClient(create_app(demo_app))
    first = post(client, api_key, external_id="M-1")
    morning = post(client, api_key, external_id="M-2", start="2026-06-13T09:00:00-07:00")
    assert morning["double_booked"] == []
    moved = post(client, api_key, external_id="M-2", start="2026-06-13T17:00:00-07:00")
    assert moved["result"] == "updated" and moved["double_booked"] == [FIRST]
    assert ops_message(demo_app, moved["booking_id"], revision=2)[0].startswith("Double booked! Changed booking")

    post(client, api_key, external_id="M-1", status="cancelled")
    alone = post(client, api_key, external_id="M-3", start="2026-06-13T16:30:00-07:00", duration_hours=0.5)
    assert alone["double_booked"] == []  # M-1 is cancelled, M-2 departs at 17:00
    assert first["double_booked"] == []


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
    )
    report = import_records(demo_app, "demo", [haul_out])
    assert report.double_booked == [f"blocked slot “Haul out”: {FIRST}"]
    assert report.summary() == "1 blocked created (1 double booking(s), listed below)"

    during = post(client, key, external_id="H-2", start="2026-06-18T10:00:00-07:00")  # ten days into the slot
    assert during["double_booked"] == [
        f"{SEA_LARK} is also blocked Mon 8 Jun 2026, 08:00 PDT to Mon 22 Jun 2026, 17:00 PDT: “Haul out”"
    ]
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
        f"C-1,sea-lark,{day}T16:00:00-07:00,3,6,840.75,USD,Ren [bold]Markup[/bold],ren@example.com",
        f"C-2,sea-lark,{day}T17:00:00-07:00,3,4,600.00,USD,Dana Whitcomb,dana@example.com",
        f"C-3,morning-tern,{day}T17:00:00-07:00,3,4,600.00,USD,Ines Quay,ines@example.com",
    ]
    csv = tmp_path / "export.csv"
    csv.write_text("\n".join([header, *rows]) + "\n")
    done = run(home, "booking", "import", str(csv), "--org", "demo")
    assert done.returncode == 0, done.stderr
    assert "export.csv: 3 created (1 double booking(s), listed below)." in done.stdout
    departs = datetime.fromisoformat(f"{day}T16:00:00-07:00")
    assert (
        f"double booked: csv C-2: {SEA_LARK} is also booked {departs:%a} {departs.day} {departs:%b %Y}, 16:00 PDT "
        "to 19:00: “Sea Lark: Ren [bold]Markup[/bold] (6 guests)”" in done.stdout  # the channel's words, as typed
    )
    again = run(home, "booking", "import", str(csv), "--org", "demo")
    assert "3 unchanged." in again.stdout and "double booked" not in again.stdout
