"""The bookings API: intake is idempotent, changes and cancellations propagate, bad input changes nothing."""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient

from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.timing import when
from firstmate.ports import Item
from firstmate.services import outbox
from firstmate.services.bookings import get_booking, orchestrate_booking
from firstmate.services.paging import all_items
from firstmate.services.trips import booking_pk, calendar_pk, get_event
from tests.conftest import booking_body


def _post(client: TestClient, key: str, body: dict[str, Any]) -> Any:
    # Python's encoder, which also writes the NaN and Infinity some clients send (httpx refuses them)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    return client.post("/api/v1/bookings", content=json.dumps(body), headers=headers)


def _snapshot(app: App) -> dict[str, int]:
    """Counts of everything a booking fans out to."""
    org = "demo"
    return {
        "anchors": len(all_items(app.store, f"ORG#{org}#INTAKE")),
        "calendar": len(all_items(app.store, calendar_pk(org))),
        "outbox": len(outbox.list_entries(app.store, org, limit=10_000)),
    }


def test_a_new_booking_fans_out_once_and_a_replay_changes_nothing(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    first = _post(client, api_key, booking_body())
    assert first.status_code == 201, first.text
    answer = first.json()
    assert answer["result"] == "created" and answer["booking_id"].startswith("bk_")
    assert answer["guest_page_url"].startswith("http://127.0.0.1:8000/g/")
    event = get_event(demo_app.store, "demo", answer["event_id"])
    assert [slot.role for slot in event.roles] == ["captain", "crew_1"]
    keys = sorted(e.key.split(":", 3)[-1] for e in outbox.list_entries(demo_app.store, "demo"))
    # the ops manager, the four qualified crew, and the lead guest: one message each
    assert keys == ["crew:jonah", "crew:marisol", "crew:priya", "crew:theo", "guest:g1", "ops"]
    before = _snapshot(demo_app)
    again = _post(client, api_key, booking_body())
    assert again.status_code == 200 and again.json()["result"] == "unchanged"
    assert again.json()["booking_id"] == answer["booking_id"] and again.json()["event_id"] == answer["event_id"]
    assert _snapshot(demo_app) == before == {"anchors": 1, "calendar": 1, "outbox": 6}


def test_a_webhook_arriving_after_a_newer_one_changes_nothing(client: TestClient, demo_app: App, api_key: str) -> None:
    """Webhooks come out of order: revision 3 (8 guests), then revision 2 (6 guests), took the trip back
    to 6 guests and told crew and guest. Numbered by `sequence`, the older one changes nothing."""
    assert _post(client, api_key, booking_body(guest_count=8, sequence=3)).status_code == 201
    before = _snapshot(demo_app)
    late = _post(client, api_key, booking_body(guest_count=6, sequence=2))
    assert late.status_code == 200 and late.json()["result"] == "unchanged", late.text
    assert _snapshot(demo_app) == before
    # numbered above, a change back to an earlier revision's body is news (unnumbered, it reads as a replay)
    newer = _post(client, api_key, booking_body(guest_count=6, sequence=4))
    assert newer.json()["result"] == "updated"
    assert _post(client, api_key, booking_body(guest_count=8, sequence=5)).json()["result"] == "updated"
    assert get_event(demo_app.store, "demo", late.json()["event_id"]).guest_count == 8
    refused = _post(client, api_key, booking_body(sequence=-1))
    assert refused.status_code == 422 and "sequence" in refused.text


def test_the_operator_cancels_a_booking_whatever_its_channel_numbered(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """A review: the channel sent revision 1, then the same body as revision 2; DELETE then answered
    "unchanged" and the trip sailed on (the cancel carried revision 1's number, older news). A cancel by
    id is the operator's: it cancels, once, and the channel's webhook sent again does not undo it."""
    auth = {"Authorization": f"Bearer {api_key}"}
    created = _post(client, api_key, booking_body(sequence=1)).json()
    assert _post(client, api_key, booking_body(sequence=2)).json()["result"] == "unchanged"
    booking = f"/api/v1/bookings/{created['booking_id']}"
    cancelled = client.delete(booking, headers=auth)
    assert cancelled.status_code == 200 and cancelled.json()["result"] == "cancelled", cancelled.text
    assert get_event(demo_app.store, "demo", created["event_id"]).status.value == "cancelled"
    assert client.delete(booking, headers=auth).json()["result"] == "unchanged"
    assert _post(client, api_key, booking_body(sequence=2)).json()["result"] == "unchanged"
    assert get_event(demo_app.store, "demo", created["event_id"]).status.value == "cancelled"


def test_the_newest_revision_wins_when_one_numbered_below_it_lands_first(
    demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review: revision 7 (8 guests, as stored) and revision 6 (6 guests) came at once. 7 read the booking
    unchanged; 6 wrote before 7 noted its number, and 7's note was dropped: the trip stayed at 6 guests,
    with 6's number kept, and 7 was answered "unchanged". 7 now reads again and decides again."""
    revision = lambda guests, sequence: BookingRequest.model_validate(  # noqa: E731
        booking_body(guest_count=guests, sequence=sequence)
    )
    assert orchestrate_booking(demo_app, "demo", revision(8, 5)).result.value == "created"
    transact, overtaken = demo_app.store.transact, [revision(6, 6)]

    def six_lands_first(writes: Any, *args: Any, **kwargs: Any) -> Any:
        if overtaken and isinstance(overtaken[0], BookingRequest):  # once, before 7's first write
            overtaken.append(orchestrate_booking(demo_app, "demo", overtaken.pop(0)).result.value)
        return transact(writes, *args, **kwargs)

    monkeypatch.setattr(demo_app.store, "transact", six_lands_first)
    seven = orchestrate_booking(demo_app, "demo", revision(8, 7))
    assert (overtaken, seven.result.value) == (["updated"], "updated")
    assert (seven.booking.request.guest_count, seven.booking.request.sequence) == (8, 7)
    monkeypatch.undo()
    assert orchestrate_booking(demo_app, "demo", revision(6, 6)).result.value == "unchanged"


def test_twenty_concurrent_identical_posts_make_one_booking(client: TestClient, demo_app: App, api_key: str) -> None:
    barrier = threading.Barrier(20)
    answers: list[tuple[int, str]] = []

    def post() -> None:
        barrier.wait()
        response = _post(client, api_key, booking_body(external_id="RACE-1"))
        answers.append((response.status_code, response.json()["booking_id"]))

    threads = [threading.Thread(target=post) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(status for status, _ in answers) == {201: 1, 200: 19}
    assert len({booking for _, booking in answers}) == 1
    assert _snapshot(demo_app) == {"anchors": 1, "calendar": 1, "outbox": 6}
    assert len(all_items(demo_app.store, booking_pk("demo", answers[0][1]))) == 3  # booking, event, lead guest


def test_a_change_updates_everything_and_tells_people_once(client: TestClient, demo_app: App, api_key: str) -> None:
    created = _post(client, api_key, booking_body()).json()
    moved = booking_body(start="2026-06-14T10:00:00-07:00", guest_count=8)
    changed = _post(client, api_key, moved)
    assert changed.status_code == 200 and changed.json()["result"] == "updated"
    assert changed.json()["revision"] == 2
    event = get_event(demo_app.store, "demo", created["event_id"])
    assert event.guest_count == 8 and event.start.isoformat() == "2026-06-14T17:00:00+00:00"
    assert any(item.label == "Life jackets aboard: 10" for item in event.checklist)
    [entry] = all_items(demo_app.store, calendar_pk("demo"))
    assert entry.data["sequence"] == 1 and entry.data["start"].startswith("2026-06-14T17:00")
    revision_2 = [e for e in outbox.list_entries(demo_app.store, "demo") if ":r2:" in e.key]
    assert len(revision_2) == 6 and all("changed" in e.message.subject.lower() for e in revision_2)
    assert _post(client, api_key, moved).json()["result"] == "unchanged"
    assert _snapshot(demo_app)["outbox"] == 12


def test_cancel_withdraws_the_trip_everywhere_once(client: TestClient, demo_app: App, api_key: str) -> None:
    created = _post(client, api_key, booking_body()).json()
    auth = {"Authorization": f"Bearer {api_key}"}
    cancelled = client.delete(f"/api/v1/bookings/{created['booking_id']}", headers=auth)
    assert cancelled.status_code == 200 and cancelled.json()["result"] == "cancelled"
    assert cancelled.json()["status"] == "cancelled"
    assert get_event(demo_app.store, "demo", created["event_id"]).status.value == "cancelled"
    [entry] = all_items(demo_app.store, calendar_pk("demo"))
    assert entry.data["cancelled"] is True and entry.data["sequence"] == 1
    again = client.delete(f"/api/v1/bookings/{created['booking_id']}", headers=auth)
    assert again.json()["result"] == "unchanged"
    assert _snapshot(demo_app)["outbox"] == 12
    via_status = _post(client, api_key, booking_body(status="cancelled"))
    assert via_status.json()["result"] == "unchanged"


def test_a_booking_sent_without_a_boat_is_cancelled_by_id_after_the_org_adds_a_boat(
    client: TestClient, demo_app: App
) -> None:
    """Sent without `asset` while the org had one boat, it could not be cancelled once it had two: the
    DELETE, which has no body, answered 422 "say which boat"."""
    from firstmate.demo.run import demo_profile
    from firstmate.services.business import save_business
    from firstmate.services.keys import create_key

    full = demo_profile()
    solo = full.model_copy(update={"org": full.org.model_copy(update={"id": "solo"})})
    save_business(
        demo_app.store, solo.model_copy(update={"assets": tuple(a for a in solo.assets if a.id != "morning-tern")})
    )
    key = create_key(demo_app.store, "solo", "tests", demo_app.clock.now())[1]
    answer = _post(client, key, {k: v for k, v in booking_body(entity="saltwind-charters").items() if k != "asset"})
    assert answer.status_code == 201, answer.text
    # a second boat, and the first moved to another business line
    lines = [e.model_copy(update={"id": "tidewater-guests", "name": "Tidewater Guests"}) for e in solo.entities[:1]]
    moved = [a.model_copy(update={"entity": "tidewater-guests"}) if a.id == "sea-lark" else a for a in solo.assets]
    save_business(
        demo_app.store, solo.model_copy(update={"entities": (*solo.entities, *lines), "assets": tuple(moved)})
    )
    cancelled = client.delete(
        f"/api/v1/bookings/{answer.json()['booking_id']}", headers={"Authorization": f"Bearer {key}"}
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["asset"] == "sea-lark"


def test_a_change_tells_only_those_whose_view_of_the_trip_it_changes(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """A new price or private note mailed the guest "Your trip has changed" and the crew "Trip
    changed", neither showing any change (guests and crew never see money or private notes)."""

    def told(revision: int) -> list[str]:
        keys = [e.key for e in outbox.list_entries(demo_app.store, "demo") if f":r{revision}:" in e.key]
        return sorted(key.split(":")[3] for key in keys)

    first = _post(client, api_key, booking_body())
    assert first.status_code == 201
    priced = _post(client, api_key, booking_body(gross_amount="900.00", private_notes="paid by card"))
    assert priced.json()["result"] == "updated" and told(2) == ["ops"]
    noted = _post(client, api_key, booking_body(gross_amount="900.00", private_notes="paid by card", notes="Cake"))
    assert noted.json()["result"] == "updated" and set(told(3)) == {"ops", "crew"}
    bigger = _post(
        client, api_key, booking_body(gross_amount="900.00", private_notes="paid by card", notes="Cake", guest_count=7)
    )
    assert bigger.json()["result"] == "updated" and set(told(4)) == {"ops", "crew", "guest"}


def test_the_source_blocked_slots_are_kept_under_is_refused_for_a_booking(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """A booking of source "block" met an imported blocked slot's record of the same UID: a 500, or an
    import stopped halfway with its first rows written and their mail queued."""
    from firstmate.services.trips import record_blocked_slot

    request = BookingRequest.model_validate(booking_body())
    record_blocked_slot(demo_app, "demo", "owner-day", request.start, request.end, "Owner's day", "sea-lark", False)
    before = _snapshot(demo_app)
    refused = _post(client, api_key, booking_body(source="block", external_id="owner-day"))
    assert refused.status_code == 422, refused.text
    assert "'block' is kept for blocked calendar slots; name the channel otherwise" in refused.text
    assert _snapshot(demo_app) == before


@pytest.mark.parametrize("start", ["2000-01-01T00:30:00+01:00", "2100-12-31T23:30:00-05:00"])
def test_a_trip_on_the_first_or_last_day_allowed_stays_readable_changeable_and_cancellable(
    client: TestClient, api_key: str, start: str
) -> None:
    # in UTC, where it is stored, such a start falls a day outside 2000-2100 (found by `make fuzz`)
    auth = {"Authorization": f"Bearer {api_key}"}
    created = _post(client, api_key, booking_body(start=start, external_id="EDGE-1"))
    assert created.status_code == 201, created.text
    booking = f"/api/v1/bookings/{created.json()['booking_id']}"
    assert client.get(booking, headers=auth).status_code == 200
    changed = _post(client, api_key, booking_body(start=start, external_id="EDGE-1", guest_count=3))
    assert changed.status_code == 200 and changed.json()["result"] == "updated"
    trip = client.get(f"/api/v1/events/{created.json()['event_id']}", headers={**auth, "X-Acting-For": "marisol"})
    assert trip.status_code == 200 and trip.json()["guest_count"] == 3
    cancelled = client.delete(booking, headers=auth)
    assert cancelled.status_code == 200 and cancelled.json()["result"] == "cancelled"


def test_a_booking_stored_before_the_one_line_rule_grew_stays_readable_and_cancellable(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    auth = {"Authorization": f"Bearer {api_key}"}
    created = _post(client, api_key, booking_body()).json()
    stored = demo_app.store.get(booking_pk("demo", created["booking_id"]), "BOOKING")
    assert stored is not None
    lead = {**stored.data["request"]["lead_guest"], "name": "Dana\u3000"}  # accepted by the earlier rule
    demo_app.store.put(
        Item(stored.pk, stored.sk, {**stored.data, "request": {**stored.data["request"], "lead_guest": lead}})
    )
    booking = f"/api/v1/bookings/{created['booking_id']}"
    assert client.get(booking, headers=auth).status_code == 200
    assert client.delete(booking, headers=auth).json()["result"] == "cancelled"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (booking_body(gross_amount="-5"), "gross_amount"),
        (booking_body(gross_amount="99999999"), "gross_amount"),
        # numbers too large to round to cents, and JSON's non-finite extensions (found by `make fuzz`)
        (booking_body(gross_amount=-1e26), "gross_amount"),
        (booking_body(gross_amount=1e300), "gross_amount"),
        (booking_body(gross_amount=float("inf")), "gross_amount"),
        (booking_body(gross_amount=float("nan")), "gross_amount"),
        (booking_body(duration_hours=-1e30), "duration_hours"),
        (booking_body(duration_hours=float("-inf")), "duration_hours"),
        (booking_body(duration_hours=0), "duration_hours"),
        (booking_body(duration_hours=100), "duration_hours"),
        # named beside any other bad field (it was a check of the whole body, said only once the rest was right)
        (booking_body(duration_hours="2.6", guest_count=500), "duration_hours: must be a whole number of quarter"),
        (booking_body(start="2026-06-13T16:00:00"), "start"),
        (booking_body(guest_count=0), "guest_count"),
        (booking_body(currency="dollars"), "currency"),
        (booking_body(lead_guest={"name": "X", "email": "nope"}), "lead_guest.email"),
        (booking_body(surprise="field"), "surprise"),
        ({k: v for k, v in booking_body().items() if k != "start"}, "start"),
        (booking_body(external_id="line\nbreak"), "external_id: must be one line of printable text"),
        (booking_body(external_id=" padded"), "external_id: must be one line of printable text"),
        # Unicode's other spaces and line breaks (`make fuzz`: a lead named "\x85" had no first name: 500)
        (booking_body(lead_guest={"name": "\x85", "email": "a@example.com"}), "lead_guest.name: must be one line"),
        (booking_body(lead_guest={"name": "Ann\u3000", "email": "a@example.com"}), "lead_guest.name"),
        (booking_body(external_id="A\u2028B"), "external_id: must be one line"),
    ],
)
def test_bad_bodies_get_422_naming_the_field_and_change_nothing(
    client: TestClient, demo_app: App, api_key: str, body: dict[str, Any], field: str
) -> None:
    response = _post(client, api_key, body)
    assert response.status_code == 422
    assert field in response.json()["detail"] and "\\x00" not in response.json()["detail"]  # words, not a regex
    assert _snapshot(demo_app) == {"anchors": 0, "calendar": 0, "outbox": 0}


def test_a_start_without_its_offset_is_refused_saying_how_to_write_it(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """Found by a review: a start without its offset was answered in pydantic's words ("Input should have
    timezone info"). The API is for programs: it keeps asking for the offset, saying how to write it."""
    naive = _post(client, api_key, booking_body(start="2026-06-13T16:00:00"))
    assert naive.status_code == 422
    assert naive.json()["detail"] == (
        "start: 2026-06-13T16:00:00 has no offset: write a date and time with its offset, like "
        "2026-07-04T17:00:00-07:00"
    )
    assert _snapshot(demo_app) == {"anchors": 0, "calendar": 0, "outbox": 0}


def test_a_refused_field_is_told_what_was_sent_and_how_to_send_it(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """Found by a review: the 422's detail was pydantic's words: "Input should be a valid datetime or date, invalid
    character in year; …", "Input should be greater than or equal to 1", "Decimal input should have no more than 4
    decimal places"."""
    said = _post(client, api_key, booking_body(start="04/07/2026 17:00", guest_count=0, gross_amount="840.123456"))
    assert said.status_code == 422
    assert said.json()["detail"] == (
        "start: '04/07/2026 17:00' is not a date and time: write a date and time with its offset, like "
        "2026-07-04T17:00:00-07:00; guest_count: 0 is below 1: write 1 or more; gross_amount: 840.123456 has more "
        "decimal places than USD's 2: write it like 840.12"
    )
    assert "Input should" not in said.text and _snapshot(demo_app) == {"anchors": 0, "calendar": 0, "outbox": 0}


def test_cents_of_a_currency_without_them_are_refused(client: TestClient, demo_app: App, api_key: str) -> None:
    """Found by a review: a yen amount with cents was taken, and shown rounded to whole yen."""
    yen = _post(client, api_key, booking_body(gross_amount=12000.5, currency="JPY"))
    assert yen.status_code == 422
    assert yen.json()["detail"] == (
        "gross_amount: 12000.50 has cents, and JPY has none: write the amount in whole JPY, like 12000"
    )
    assert _snapshot(demo_app) == {"anchors": 0, "calendar": 0, "outbox": 0}
    whole = _post(client, api_key, booking_body(gross_amount=12000, currency="jpy"))
    assert whole.status_code == 201, whole.text


def test_a_rupiah_or_yen_booking_of_a_days_charter_is_taken(client: TestClient, demo_app: App, api_key: str) -> None:
    """A review: every amount was held to 1,000,000 whatever its currency, so a rupiah booking over Rp 1,000,000
    (about $61: any charter) was refused "gross_amount: 5000000 is above 1000000", as was a ¥1,200,000 day on a
    yacht (about $8,000). The limit is a million dollars' worth, in the currency's scale (×10,000 for IDR)."""
    rupiah = _post(client, api_key, booking_body(gross_amount=5_000_000, currency="IDR"))
    assert rupiah.status_code == 201, rupiah.text
    yen = _post(client, api_key, booking_body(external_id="WEB-1002", gross_amount=1_200_000, currency="JPY"))
    assert yen.status_code == 201, yen.text
    dollars = _post(client, api_key, booking_body(external_id="WEB-1003", gross_amount=2_000_000))
    assert dollars.status_code == 422
    assert dollars.json()["detail"] == "gross_amount: 2000000 is above 1000000: write 1000000 or less"
    too_many = _post(client, api_key, booking_body(external_id="WEB-1004", gross_amount=20_000_000_000, currency="IDR"))
    assert too_many.status_code == 422
    assert too_many.json()["detail"] == "gross_amount: 20000000000 is above 10000000000: write 10000000000 or less"
    # the API's schema says so too: a client checking its body against it sends the rupiah booking
    import jsonschema

    from firstmate.domain.bookings import BookingRequest

    schema = BookingRequest.model_json_schema()
    jsonschema.validate(booking_body(gross_amount=5_000_000, currency="IDR"), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(booking_body(gross_amount=20_000_000_000, currency="IDR"), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(booking_body(gross_amount=2_000_000), schema)


def test_unknown_boat_malformed_json_and_oversized_bodies(client: TestClient, demo_app: App, api_key: str) -> None:
    auth = {"Authorization": f"Bearer {api_key}", "content-type": "application/json"}
    unknown = _post(client, api_key, booking_body(asset="titanic"))
    assert unknown.status_code == 422 and "unknown boat 'titanic'" in unknown.json()["detail"]
    malformed = client.post("/api/v1/bookings", content=b'{"source": ', headers=auth)
    assert malformed.status_code == 400 and malformed.json()["detail"].startswith("the body is not JSON (")
    huge = client.post("/api/v1/bookings", content=b"{" + b" " * 70_000 + b"}", headers=auth)
    assert huge.status_code == 413
    assert _snapshot(demo_app) == {"anchors": 0, "calendar": 0, "outbox": 0}


def test_a_booking_for_a_business_line_without_a_boat_says_so(client: TestClient, api_key: str) -> None:
    """Found by a review: a body naming the junk-removal line and no boat was answered "say which boat:
    'asset' is one of " and nothing after it; one naming the charters and no boat lists its boats."""
    body = booking_body(entity="haulaway")
    del body["asset"]
    answer = _post(client, api_key, body)
    assert answer.status_code == 422
    assert answer.json()["detail"] == "business line 'haulaway' has no boat: 'asset' is one of morning-tern, sea-lark"
    body["entity"] = "saltwind-charters"
    answer = _post(client, api_key, body)
    assert answer.json()["detail"] == "say which boat: 'asset' is one of morning-tern, sea-lark"


def test_the_api_is_described_by_openapi(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/bookings"]["post"]
    assert {"201", "200", "401", "422"} <= set(post["responses"])
    assert "/api/v1/bookings/{booking_id}" in spec["paths"]


def test_a_numbered_api_change_after_a_marketplace_email_is_taken(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """Found by a review: after a Boatsetter email (numbered by when it was sent, about 850 million), the
    API's change of the same booking numbered 3 was answered "unchanged", and the trip kept its old time."""
    from firstmate.adapters.sources.bookings.email import parse_email
    from firstmate.demo.run import SAMPLE_EMAIL
    from firstmate.services.imports import import_records

    boats = {"sea-lark": "Sea Lark (38 ft sloop)"}
    records = parse_email(SAMPLE_EMAIL.read_bytes(), timezone="America/Los_Angeles", boats=boats)
    assert dict(import_records(demo_app, "demo", records).counts) == {"created": 1}
    body = booking_body(
        source="boatsetter", external_id="BS-7Q4K2M", start="2026-12-12T14:00:00-08:00", gross_amount="840.75",
        lead_guest={"name": "Dana Whitcomb", "email": "dana.whitcomb@example.com"}, sequence=3,
    )  # fmt: skip
    answer = _post(client, api_key, body)
    assert (answer.status_code, answer.json()["result"]) == (200, "updated"), answer.text
    booking_id = answer.json()["booking_id"]
    assert get_booking(demo_app.store, "demo", booking_id).request.start.isoformat() == "2026-12-12T22:00:00+00:00"
    older = _post(client, api_key, {**body, "start": "2026-12-12T11:00:00-08:00", "sequence": 2})
    assert older.json()["result"] == "unchanged", older.text
    assert get_booking(demo_app.store, "demo", booking_id).request.start.isoformat() == "2026-12-12T22:00:00+00:00"


def test_a_trip_moved_through_the_api_stays_moved_when_the_marketplace_changes_its_guests(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """Found by a review: the operator's program moved a Boatsetter trip through the API, and the marketplace's
    next "booking changed" email, which changed the passengers alone, put it back at the email's time. Each
    intake path changes what it changed since it last spoke; the API's body without notes leaves the renter's."""
    from firstmate.adapters.sources.bookings.email import parse_email
    from firstmate.demo.run import SAMPLE_EMAIL
    from firstmate.services.imports import import_records

    boats = {"sea-lark": "Sea Lark (38 ft sloop)", "morning-tern": "Morning Tern (45 ft catamaran)"}
    confirmed = SAMPLE_EMAIL.read_bytes()
    [emailed] = parse_email(confirmed, timezone="America/Los_Angeles", boats=boats)
    assert isinstance(emailed, BookingRequest)
    assert dict(import_records(demo_app, "demo", [emailed]).counts) == {"created": 1}
    body = emailed.model_dump(mode="json", exclude={"notes", "private_notes", "sequence"})
    moved = _post(client, api_key, {**body, "start": "2026-12-12T13:00:00-08:00"})
    assert (moved.status_code, moved.json()["result"]) == (200, "updated"), moved.text
    changed = confirmed.replace(b"Date: Tue, 24 Nov 2026 18:02:11", b"Date: Thu, 26 Nov 2026 09:30:00").replace(
        b"Passengers: 6", b"Passengers: 4"
    )
    assert dict(
        import_records(demo_app, "demo", parse_email(changed, timezone="America/Los_Angeles", boats=boats)).counts
    ) == {"updated": 1}
    booking = get_booking(demo_app.store, "demo", moved.json()["booking_id"])
    assert booking.request.start.isoformat() == "2026-12-12T21:00:00+00:00"  # 1 PM in San Francisco
    assert booking.request.guest_count == 4
    assert booking.request.notes.startswith("Celebrating my sister's birthday")


def test_an_operators_csv_row_repeating_its_own_api_body_after_a_marketplace_change_is_taken(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """Found by a review: each path's body as sent was remembered among the revisions' bodies, so another path
    sending the same body was taken for a late replay. The operator's program moved a Boatsetter trip to 2 PM
    (the renter's message kept), the marketplace raised the passengers to 8, and the operator's CSV row putting
    6 back, the same body the program had sent, was answered "unchanged": 8 stayed, unsaid."""
    from firstmate.adapters.sources.bookings.csv_file import parse_csv
    from firstmate.adapters.sources.bookings.email import parse_email
    from firstmate.demo.run import SAMPLE_EMAIL
    from firstmate.services.imports import import_records

    boats = {"sea-lark": "Sea Lark (38 ft sloop)", "morning-tern": "Morning Tern (45 ft catamaran)"}

    def imported(records: list[Any]) -> dict[str, int]:
        return dict(import_records(demo_app, "demo", records).counts)

    [emailed] = parse_email(SAMPLE_EMAIL.read_bytes(), timezone="America/Los_Angeles", boats=boats)
    assert isinstance(emailed, BookingRequest) and imported([emailed]) == {"created": 1}
    body = emailed.model_dump(mode="json", exclude={"notes", "private_notes", "sequence"})
    moved = _post(client, api_key, {**body, "start": "2026-12-12T14:00:00-08:00"})
    assert moved.json()["result"] == "updated", moved.text
    changed = SAMPLE_EMAIL.read_bytes().replace(b"Date: Tue, 24 Nov 2026 18:02:11", b"Date: Thu, 26 Nov 2026 09:30:00")
    changed = changed.replace(b"Passengers: 6", b"Passengers: 8")
    assert imported(parse_email(changed, timezone="America/Los_Angeles", boats=boats)) == {"updated": 1}
    told = {e.key for e in outbox.list_entries(demo_app.store, "demo")}
    header = "source,external_id,asset,start,duration_hours,guest_count,gross_amount,currency,lead_name,lead_email,"
    row = "boatsetter,BS-7Q4K2M,sea-lark,2026-12-12T14:00:00-08:00,3,6,840.75,USD,Dana Whitcomb,"
    csv = f"{header}lead_phone\n{row}dana.whitcomb@example.com,(415) 555-0148\n"
    assert imported(parse_csv(csv)) == {"updated": 1}
    booking = get_booking(demo_app.store, "demo", moved.json()["booking_id"])
    assert (booking.request.guest_count, booking.request.start.isoformat()) == (6, "2026-12-12T22:00:00+00:00")
    assert booking.request.notes.startswith("Celebrating my sister's birthday")
    news = {e.key for e in outbox.list_entries(demo_app.store, "demo")} - told
    assert news and all(key.startswith(f"bk:{booking.id}:r4:") for key in news), news
    # each path's own body sent again is still a replay: it changes nothing, and tells nobody
    told |= news
    assert _post(client, api_key, {**body, "start": "2026-12-12T14:00:00-08:00"}).json()["result"] == "unchanged"
    assert imported(parse_csv(csv)) == {"unchanged": 1}
    assert imported(parse_email(changed, timezone="America/Los_Angeles", boats=boats)) == {"unchanged": 1}
    assert {e.key for e in outbox.list_entries(demo_app.store, "demo")} == told
    assert get_booking(demo_app.store, "demo", booking.id).request.guest_count == 6


def test_a_start_sent_with_another_zones_offset_is_taken_and_the_answer_warns(client: TestClient, api_key: str) -> None:
    """A review: a start written with another zone's offset (Lisbon's "+01:00" for a business in Los Angeles)
    was taken as written and the trip was hours off what was meant, with nothing said. It names an exact moment,
    so it is still taken; the answer says what it is there, and what to send if the clock time was meant."""
    sent = _post(client, api_key, booking_body(start="2027-07-04T10:00:00+01:00"))
    assert sent.status_code == 201, sent.text
    assert sent.json()["start"] == "2027-07-04T09:00:00Z"
    assert sent.json()["warnings"] == [
        "10:00 +01:00 is 02:00 in America/Los_Angeles; if 10:00 Los Angeles time was meant, write "
        "2027-07-04T10:00:00-07:00"
    ]
    for start in ("2027-07-04T10:00:00-07:00", "2027-07-04T17:00:00Z"):  # the zone's own offset, UTC outright
        answer = _post(client, api_key, booking_body(external_id=f"WEB-{start[-6:]}", start=start))
        assert answer.status_code == 201 and answer.json()["warnings"] == [], answer.text


def test_a_start_without_its_offset_is_told_an_example_in_the_business_zones_offset(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """A review: a start sent without its offset, or that is no date, was told "like 2026-07-04T17:00:00-07:00"
    whatever the business's zone; a business in Lisbon that copied it booked its trips in Los Angeles time."""
    from firstmate.demo.run import demo_profile
    from firstmate.services.business import save_business

    profile = demo_profile()
    save_business(
        demo_app.store, profile.model_copy(update={"org": profile.org.model_copy(update={"timezone": "Europe/Lisbon"})})
    )
    for start in ("2027-07-04T10:00:00", "04/07/2027 10:00"):
        answer = _post(client, api_key, booking_body(start=start))
        assert answer.status_code == 422, answer.text
        [problem] = [e["problem"] for e in answer.json()["errors"] if e["field"] == "start"]
        assert problem.endswith("write a date and time with its offset, like 2026-07-04T17:00:00+01:00"), problem


def test_a_guest_count_or_sequence_sent_as_true_or_false_is_refused_and_changes_nothing(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """Found by a review: `"guest_count": true` (a client's form sending a checkbox's value) was read as 1
    guest, and the booking of 6 changed to 1: its checklist counted life jackets for one guest and the crew
    were told the trip had changed. A `"sequence": true` was read as revision 1."""
    assert _post(client, api_key, booking_body()).status_code == 201
    before = _snapshot(demo_app)
    for field in ("guest_count", "sequence"):
        for value in (True, False):
            answer = _post(client, api_key, booking_body(**{field: value}))
            assert answer.status_code == 422, answer.text
            problem = f"{json.dumps(value)} is not a whole number: write it like 12"
            assert answer.json()["errors"] == [{"field": field, "problem": problem}], answer.text
    assert _snapshot(demo_app) == before
    event = get_event(demo_app.store, "demo", _post(client, api_key, booking_body()).json()["event_id"])
    assert event.guest_count == 6


def test_an_amount_far_over_its_currencys_bound_is_told_that_currencys_bound(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """A review: $200,000,000,000 was told "is above 100000000000: write 100000000000 or less" (the bound of the
    Lebanese pound, the schema's largest), and Rp 1,000,000,000,000 the same, so a client lowering the amount to
    what it was told was refused again. Each is told its own currency's bound, as an amount just over it is."""
    before = _snapshot(demo_app)
    dollars = _post(client, api_key, booking_body(external_id="WEB-1101", gross_amount=200_000_000_000))
    assert dollars.status_code == 422
    assert dollars.json()["detail"] == "gross_amount: 200000000000 is above 1000000: write 1000000 or less"
    rupiah = _post(
        client, api_key, booking_body(external_id="WEB-1102", gross_amount=1_000_000_000_000, currency="IDR")
    )
    assert rupiah.status_code == 422
    assert rupiah.json()["detail"] == "gross_amount: 1000000000000 is above 10000000000: write 10000000000 or less"
    dinars = _post(client, api_key, booking_body(external_id="WEB-1103", gross_amount="1000000.001", currency="KWD"))
    assert dinars.status_code == 422
    assert dinars.json()["detail"] == "gross_amount: '1000000.001' is above 1000000: write 1000000 or less"
    huge = _post(client, api_key, booking_body(external_id="WEB-1104", gross_amount=1e300))
    assert huge.status_code == 422 and "write 1000000 or less" in huge.json()["detail"]
    assert _snapshot(demo_app) == before  # nothing taken


def test_a_booking_whose_short_cancellation_came_first_is_answered_cancelled_and_tells_its_manager_alone(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """Boatsetter's short cancellation email of BS-7Q4K2M imported, then the booking sent through the API under the
    same channel and reference: it was booked, crew asked and guest invited, for a renter who had cancelled."""
    from firstmate.domain.intake import CancelledByReference
    from firstmate.services.imports import import_records

    report = import_records(demo_app, "demo", [CancelledByReference("boatsetter", "BS-7Q4K2M", 880_000_000)])
    assert dict(report.counts) == {"cancellation remembered": 1}
    answer = _post(client, api_key, booking_body(source="boatsetter", external_id="BS-7Q4K2M"))
    assert answer.status_code == 200, answer.text
    said = answer.json()
    assert (said["result"], said["status"]) == ("cancelled", "cancelled")
    assert said["warnings"] == [
        "boatsetter BS-7Q4K2M was cancelled before it arrived (by a cancellation imported earlier): "
        "recorded as cancelled; the operations manager alone was told"
    ]
    told = [e.key.rsplit(":", 1)[1] for e in outbox.list_entries(demo_app.store, "demo")]
    assert told == ["ops"]  # no crew asked, no guest invited: the operations manager, as of a cancellation never seen
    assert all(e.data["cancelled"] for e in all_items(demo_app.store, calendar_pk("demo")))
    again = _post(client, api_key, booking_body(source="boatsetter", external_id="BS-7Q4K2M"))
    assert again.json()["result"] == "unchanged" and again.json()["booking_id"] == said["booking_id"]
    assert len(outbox.list_entries(demo_app.store, "demo")) == 1


def test_a_change_to_a_cancelled_booking_is_answered_unchanged_saying_why(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """A known gap (docs/reliability.md): a booking recorded cancelled as it came (its short cancellation imported
    first), sent again with 8 guests, was answered "unchanged" with no word why; so was a change to a booking
    cancelled later. One rule for both: a cancellation is final, and the answer says so; the booking's own body
    sent again (no change asked) is answered as before."""
    from firstmate.domain.intake import CancelledByReference
    from firstmate.services.imports import import_records

    import_records(demo_app, "demo", [CancelledByReference("boatsetter", "BS-7Q4K2M", 880_000_000)])
    first = _post(client, api_key, booking_body(source="boatsetter", external_id="BS-7Q4K2M")).json()
    [ops] = outbox.list_entries(demo_app.store, "demo")  # the operations manager's mail: no page of a trip never had
    assert "cancelled" in ops.message.text.lower() and first["booking_id"] in ops.message.text
    assert "Guest page" not in ops.message.text and "/g/" not in ops.message.text
    assert ops.message.html is not None and "Guest page" not in ops.message.html and "/g/" not in ops.message.html
    before = _snapshot(demo_app)
    changed = _post(client, api_key, booking_body(source="boatsetter", external_id="BS-7Q4K2M", guest_count=8))
    said = changed.json()
    assert (changed.status_code, said["result"], said["status"]) == (200, "unchanged", "cancelled")
    assert said["booking"]["guest_count"] == 6 and said["revision"] == 1
    recorded = get_booking(demo_app.store, "demo", first["booking_id"]).created_at
    assert said["warnings"] == [
        f"boatsetter BS-7Q4K2M was recorded cancelled as it came, on {when(recorded, 'America/Los_Angeles')}: "
        "a cancellation is final, so this change changed nothing; a rebooking comes with a new external_id"
    ]
    assert _snapshot(demo_app) == before  # nothing written, nobody told

    created = _post(client, api_key, booking_body(external_id="WEB-2001")).json()
    auth = {"Authorization": f"Bearer {api_key}"}
    assert client.delete(f"/api/v1/bookings/{created['booking_id']}", headers=auth).json()["result"] == "cancelled"
    before = _snapshot(demo_app)
    moved = _post(client, api_key, booking_body(external_id="WEB-2001", start="2026-06-14T16:00:00-07:00")).json()
    assert (moved["result"], moved["status"], moved["start"]) == ("unchanged", "cancelled", created["start"])
    cancelled_at = get_booking(demo_app.store, "demo", created["booking_id"]).updated_at
    assert moved["warnings"] == [
        f"direct WEB-2001 was cancelled on {when(cancelled_at, 'America/Los_Angeles')}: "
        "a cancellation is final, so this change changed nothing; a rebooking comes with a new external_id"
    ]
    replayed = _post(client, api_key, booking_body(external_id="WEB-2001")).json()
    assert (replayed["result"], replayed["warnings"]) == ("unchanged", [])  # the body it had: no change asked
    assert _snapshot(demo_app) == before


def test_a_change_to_a_cancelled_booking_sent_again_is_told_again_why_it_changed_nothing(
    client: TestClient, demo_app: App, api_key: str
) -> None:
    """A channel whose answer was lost sends the same change again: it is answered as the first time, warning that a
    cancellation is final. Before, the refused change was kept as the channel's last word, and the retry was answered
    "unchanged" without a word, as if the booking held it; an older body after it stays silent."""
    auth = {"Authorization": f"Bearer {api_key}"}
    for sequence in (None, 1):
        reference = f"WEB-30{sequence or 0}"
        sent = {"external_id": reference} | ({"sequence": sequence} if sequence else {})
        created = _post(client, api_key, booking_body(**sent)).json()
        assert client.delete(f"/api/v1/bookings/{created['booking_id']}", headers=auth).is_success
        change = sent | ({"sequence": 2} if sequence else {}) | {"guest_count": 3}
        first, again = (_post(client, api_key, booking_body(**change)).json() for _ in range(2))

        assert first["warnings"] and "a cancellation is final" in first["warnings"][0]
        assert (again["result"], again["warnings"]) == ("unchanged", first["warnings"])
        assert again["booking"]["guest_count"] == 6
        assert _post(client, api_key, booking_body(**sent)).json()["warnings"] == []  # the booking's own body
