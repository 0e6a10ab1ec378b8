"""A path's first numbered revision after unnumbered ones: a change even when it repeats an earlier body, as
docs/bookings.md promises a channel that numbers its revisions (`sequence`, a calendar's SEQUENCE). A review found
it taken for a late replay while the path had no number stored to compare it with: 6 guests, 8, then 6 numbered 1
was answered "unchanged" and the trip sailed with 8. The same number again, or a lower one, is still a replay."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from firstmate.adapters.sources.bookings.csv_file import parse_csv
from firstmate.adapters.sources.bookings.ics_file import parse_ics
from firstmate.bootstrap import App
from firstmate.services import outbox
from firstmate.services.imports import import_records
from tests.conftest import booking_body
from tests.e2e.test_booking_import import _only_booking, _ota_event


def _post(client: TestClient, key: str, body: dict[str, Any]) -> Any:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    return client.post("/api/v1/bookings", content=json.dumps(body), headers=headers)


def _mail(app: App) -> list[str]:
    return [entry.key for entry in outbox.list_entries(app.store, "demo", limit=None)]


def test_an_api_change_back_numbered_after_unnumbered_calls_is_taken(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """6 guests, then 8, sent without a number; then 6 again numbered 1: the trip goes back to 6 and the crew
    and guest hear of it. Sent again with 1 (a retry), or 0, or the unnumbered 8 late, it changes nothing."""
    assert _post(client, api_key, booking_body(guest_count=6)).json()["result"] == "created"
    assert _post(client, api_key, booking_body(guest_count=8)).json()["result"] == "updated"
    told = len(_mail(demo_app))
    back = _post(client, api_key, booking_body(guest_count=6, sequence=1)).json()
    assert (back["result"], back["booking"]["guest_count"]) == ("updated", 6), back
    assert len(_mail(demo_app)) > told  # the crew and the guest hear of 6 guests
    mail = _mail(demo_app)
    for late in (
        booking_body(guest_count=6, sequence=1),
        booking_body(guest_count=8, sequence=0),
        booking_body(guest_count=8),
        booking_body(guest_count=8, sequence=1),
    ):
        answer = _post(client, api_key, late).json()
        assert (answer["result"], answer["booking"]["guest_count"]) == ("unchanged", 6), (late, answer)
    assert _mail(demo_app) == mail


def test_a_csv_row_numbered_after_unnumbered_files_going_back_is_taken(demo_app: App) -> None:
    """Files of 6, then 8 guests without a sequence column, then a file of 6 numbered 1: the booking is at 6
    guests; the same file again, or an older numbered row, changes nothing and sends nothing."""
    header = "external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email"
    row = "C-1,sea-lark,2026-07-04T17:00:00-07:00,2.5,{},600.00,USD,Rob Sample,rob@example.com"

    def imported(guests: int, sequence: int | None = None) -> dict[str, int]:
        text = f"{header},sequence\n{row.format(guests)},{sequence}\n" if sequence is not None else None
        records = parse_csv(text or f"{header}\n{row.format(guests)}\n")
        return dict(import_records(demo_app, "demo", records).counts)

    assert imported(6) == {"created": 1} and imported(8) == {"updated": 1}
    assert imported(6, 1) == {"updated": 1}
    assert _only_booking(demo_app)["request"]["guest_count"] == 6
    mail = _mail(demo_app)
    assert imported(6, 1) == {"unchanged": 1} and imported(8, 0) == {"unchanged": 1} and imported(8) == {"unchanged": 1}
    assert _only_booking(demo_app)["request"]["guest_count"] == 6 and _mail(demo_app) == mail


def test_a_calendar_export_numbered_after_unnumbered_ones_going_back_is_taken(demo_app: App) -> None:
    """Exports without SEQUENCE listing 4 guests, then 8; then one at SEQUENCE:1 listing 4: the booking is at 4.
    The same export again changes nothing."""
    lead = "Guest: Rob Sample\nEmail: rob@example.com\nTotal: USD 600.00\nGuests: "

    def imported(guests: int, lines: str = "") -> dict[str, int]:
        export = _ota_event(lead + str(guests), lines=lines)
        records = parse_ics(export, source="getmyboat", timezone="UTC", asset="sea-lark")
        return dict(import_records(demo_app, "demo", records).counts)

    assert imported(4) == {"created": 1} and imported(8) == {"updated": 1}
    assert imported(4, "SEQUENCE:1\r\n") == {"updated": 1}
    assert _only_booking(demo_app)["request"]["guest_count"] == 4
    mail = _mail(demo_app)
    assert imported(4, "SEQUENCE:1\r\n") == {"unchanged": 1} and imported(8, "SEQUENCE:0\r\n") == {"unchanged": 1}
    assert _only_booking(demo_app)["request"]["guest_count"] == 4 and _mail(demo_app) == mail


def test_another_paths_first_numbered_word_repeating_an_earlier_body_is_still_a_replay(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """A path that never spoke of the booking has no history of its own to go back to: its first word repeating an
    earlier revision's body (the channel's file of the booking as the API first sent it) is a late copy, numbered
    or not, and does not undo the API's change since."""
    body = booking_body(source="getmyboat", external_id="C-9", notes="", private_notes="", lead_guest={
        "name": "Rob Sample", "email": "rob@example.com"
    })  # fmt: skip
    assert _post(client, api_key, body).json()["result"] == "created"
    assert _post(client, api_key, {**body, "guest_count": 8}).json()["result"] == "updated"
    header = "source,external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email"
    row = "getmyboat,C-9,sea-lark,2026-06-13T16:00:00-07:00,3,6,840.75,USD,Rob Sample,rob@example.com"
    report = import_records(demo_app, "demo", parse_csv(f"{header},sequence\n{row},1\n"))
    assert dict(report.counts) == {"unchanged": 1}
    assert _only_booking(demo_app)["request"]["guest_count"] == 8
