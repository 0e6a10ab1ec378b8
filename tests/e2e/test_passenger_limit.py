"""A boat's passenger limit: a booking over it is recorded (the channel has sold it) and said, to the channel that
sent it, to the operations manager, to the crew and by `booking import`; within it, nothing is said."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from firstmate.adapters.sources.org_file import template_text
from firstmate.bootstrap import App
from firstmate.cli import cli
from firstmate.errors import DataRejected
from firstmate.services import outbox
from firstmate.services.bookings import get_booking
from firstmate.services.org_setup import check_org
from firstmate.web.app import create_app
from tests.conftest import booking_body, crew_link

SLOOP = "Sea Lark (38 ft sloop)"  # the demo's six-passenger boat
OVER = f"8 guests booked on {SLOOP}, which takes 6"


def _post(client: TestClient, key: str, **changes: object) -> dict[str, object]:
    answer = client.post("/api/v1/bookings", json=booking_body(**changes), headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code in (200, 201), answer.text
    return dict(answer.json())


def _texts(app: App, ending: str) -> list[str]:
    return [e.message.text for e in outbox.list_entries(app.store, "demo") if e.key.endswith(ending)]


def test_a_booking_over_the_boats_limit_is_recorded_and_said_to_the_channel_and_the_operations_manager(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """150 guests on a 38 ft sloop were taken with nothing said: the crew learnt of it at the dock."""
    answer = _post(client, api_key, guest_count=8)
    assert answer["result"] == "created" and answer["booking"]["guest_count"] == 8  # type: ignore[index]
    assert answer["warnings"] == [f"{OVER}: the booking is recorded; move it to a larger boat, or correct its guest "
                                  "count"]  # fmt: skip
    booking_id = str(answer["booking_id"])
    assert get_booking(demo_app.store, "demo", booking_id).request.guest_count == 8
    [ops] = _texts(demo_app, ":r1:ops")
    # the business's own site, a CSV or a calendar file is no channel to ask: "with direct" named none
    assert f"Over the passenger limit: {OVER}." in ops and "or correct the guest count.\n" in ops
    crew = _texts(demo_app, ":r1:crew:jonah")
    assert crew and "8 guests (over the boat's limit of 6)" in crew[0]
    assert all("limit" not in text for text in _texts(demo_app, ":r1:guest:g1"))  # the guest has nothing to do

    fixed = _post(client, api_key, guest_count=6)  # the count put right: said no more
    assert fixed["result"] == "updated" and fixed["warnings"] == []
    [ops] = _texts(demo_app, ":r2:ops")
    assert "passenger limit" not in ops
    larger = _post(client, api_key, guest_count=8, asset="morning-tern")  # moved to the catamaran, which takes 12
    assert larger["warnings"] == [] and "passenger limit" not in _texts(demo_app, ":r3:ops")[0]
    channel = _post(client, api_key, source="getmyboat", external_id="GMB-9", guest_count=7)
    [ops] = _texts(demo_app, f"bk:{channel['booking_id']}:r1:ops")
    assert "or correct the guest count with getmyboat." in ops  # a marketplace: the count is theirs to correct


def test_within_the_limit_or_without_one_nothing_is_said(client: TestClient, demo_app: App, api_key: str) -> None:
    assert _post(client, api_key, guest_count=6)["warnings"] == []
    assert "passenger limit" not in _texts(demo_app, ":r1:ops")[0]
    cancelled = _post(client, api_key, external_id="WEB-2", guest_count=9, status="cancelled")
    assert cancelled["warnings"] == []  # nobody sails: nothing to move


def test_the_crew_see_the_limit_on_the_trip_page_and_in_its_json(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    event_id = str(_post(client, api_key, guest_count=8)["event_id"])
    browser = TestClient(create_app(demo_app))
    token = crew_link(demo_app, "demo", "jonah").split("t=", 1)[1]
    assert browser.post("/crew/enter", data={"t": token}, follow_redirects=False).status_code == 303
    page = browser.get(f"/crew/events/{event_id}")
    assert page.status_code == 200 and "8 guests booked: over the boat's limit of 6." in page.text
    trip = browser.get(f"/api/v1/events/{event_id}").json()
    assert (trip["guest_count"], trip["over_limit"]) == (8, 6)
    within = _post(client, api_key, external_id="WEB-2", guest_count=4, start="2026-06-20T16:00:00-07:00")["event_id"]
    assert browser.get(f"/api/v1/events/{within}").json()["over_limit"] is None
    assert "over the boat" not in browser.get(f"/crew/events/{within}").text


def test_booking_import_lists_each_booking_over_its_boats_limit_once_as_its_last_row_leaves_it(
    home: Path, tmp_path: Path
) -> None:
    header = "external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email\n"
    rows = [
        "CSV-1,sea-lark,2027-06-12T10:00:00-07:00,3,9,900.00,USD,Dana Whitcomb,dana@example.com",
        "CSV-2,sea-lark,2027-06-13T10:00:00-07:00,3,10,900.00,USD,Remy Castell,remy@example.com",
        "CSV-2,sea-lark,2027-06-13T10:00:00-07:00,3,5,900.00,USD,Remy Castell,remy@example.com",  # put right
        "CSV-3,morning-tern,2027-06-14T10:00:00-07:00,3,10,900.00,USD,Ines Parra,ines@example.com",
    ]
    file = tmp_path / "bookings.csv"
    file.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["booking", "import", str(file)], env={"FIRSTMATE_HOME": str(home)})
    assert result.exit_code == 0, result.output
    assert "1 over a boat's passenger limit, listed below" in result.output
    lines = [line.strip() for line in result.output.splitlines() if "over the limit:" in line]
    assert lines == [f"over the limit: csv CSV-1: 9 guests booked on {SLOOP}, which takes 6: the booking is "
                     "recorded; move it to a larger boat, or correct its guest count"]  # fmt: skip


def test_the_org_file_sets_a_boats_limit_and_refuses_one_that_is_no_count() -> None:
    starter = tomllib.loads(template_text(Path("org.toml")))
    setup = check_org(starter)
    assert {a.id: a.max_guests for a in setup.profile.assets}["sea-lark"] == 6
    sloop = next(a for a in starter["assets"] if a["id"] == "sea-lark")
    said = {
        0: "0 is below 1: write 1 or more",
        "six": "must be a whole number without quotes, like 12",
        2.5: "2.5 is not a whole number: write it like 12",
    }
    for wrong, words in said.items():
        sloop["max_guests"] = wrong
        with pytest.raises(DataRejected) as refused:
            check_org(json.loads(json.dumps(starter)))
        assert [(e.where, e.problem) for e in refused.value.errors] == [("assets 'sea-lark'.max_guests", words)]


def test_a_cancelled_trip_over_the_limit_is_no_longer_said_to_be_over_it(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """Found by a review: the crew's "Trip cancelled" message of a trip booked over its boat's limit still said
    "8 guests (over the boat's limit of 6)", and its JSON still had over_limit 6, when nobody sails: the API and
    the operations manager's message said nothing of the limit once cancelled, as the docs say."""
    answer = _post(client, api_key, guest_count=8)
    event_id, booking_id = str(answer["event_id"]), str(answer["booking_id"])
    gone = client.delete(f"/api/v1/bookings/{booking_id}", headers={"Authorization": f"Bearer {api_key}"})
    assert gone.status_code == 200, gone.text
    [crew] = _texts(demo_app, ":r2:crew:jonah")
    assert "cancelled" in crew.lower() and "8 guests" in crew and "limit" not in crew, crew
    browser = TestClient(create_app(demo_app))
    token = crew_link(demo_app, "demo", "jonah").split("t=", 1)[1]
    assert browser.post("/crew/enter", data={"t": token}, follow_redirects=False).status_code == 303
    trip = browser.get(f"/api/v1/events/{event_id}").json()
    assert (trip["cancelled"], trip["over_limit"]) == (True, None)


def test_an_org_file_setting_a_boats_limit_names_the_upcoming_bookings_already_over_it(
    home: Path, tmp_path: Path
) -> None:
    """Found by a review: a limit is checked as a booking arrives, so one set by `org import` on a boat already
    booked (the first use of max_guests, by an operator with bookings) was checked against none of them: the
    import said nothing, nor did anything else, while the crew page said "The operations manager has been
    told". The import now names each upcoming booking over the limit it sets or lowers, and no other."""
    env = {"FIRSTMATE_HOME": str(home)}
    runner = CliRunner()
    limited = tmp_path / "limited.toml"
    assert runner.invoke(cli, ["org", "template", str(limited), "--org", "demo"], env=env).exit_code == 0
    unlimited = tmp_path / "unlimited.toml"
    unlimited.write_text(
        "\n".join(line for line in limited.read_text(encoding="utf-8").splitlines() if "max_guests" not in line),
        encoding="utf-8",
    )
    assert runner.invoke(cli, ["org", "import", str(unlimited)], env=env).exit_code == 0
    header = "external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email,status\n"
    rows = [
        "LIM-1,sea-lark,2027-06-12T10:00:00-07:00,3,8,900.00,USD,Dana Whitcomb,dana@example.com,confirmed",
        "LIM-2,sea-lark,2027-06-13T10:00:00-07:00,3,6,900.00,USD,Remy Castell,remy@example.com,confirmed",
        "LIM-3,sea-lark,2027-06-14T10:00:00-07:00,3,9,900.00,USD,Ines Parra,ines@example.com,cancelled",
        "LIM-4,morning-tern,2027-06-15T10:00:00-07:00,3,9,900.00,USD,Tam Ortiz,tam@example.com,confirmed",
        "LIM-5,sea-lark,2025-06-15T10:00:00-07:00,3,9,900.00,USD,Bram Tiller,bram@example.com,confirmed",
    ]
    file = tmp_path / "bookings.csv"
    file.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    imported = runner.invoke(cli, ["booking", "import", str(file)], env=env)
    assert imported.exit_code == 0 and "over the limit" not in imported.output, imported.output
    for dry in (["--dry-run"], []):
        result = runner.invoke(cli, ["org", "import", str(limited), *dry], env=env)
        assert result.exit_code == 0, result.output
        said = [" ".join(line.split()) for line in result.output.splitlines() if "guests booked on" in line]
        assert said == [
            f"warning: csv LIM-1 (Sat 12 Jun 2027, 10:00 PDT, Dana Whitcomb): 8 guests booked on {SLOOP}, which "
            "takes 6: the booking is recorded; move it to a larger boat, or correct its guest count"
        ], result.output
    again = runner.invoke(cli, ["org", "import", str(limited)], env=env)
    assert again.exit_code == 0 and "guests booked on" not in again.output  # the limit unchanged: said once
