"""A cancellation or move of a crewed trip reads its crew's waiting "Crew needed on N trips" in one store call. Known
gap (docs/reliability.md): it read them one outbox query a person, so a trip with eight crew made eight queries (on
DynamoDB, eight round trips on every cancellation and move)."""

from __future__ import annotations

import dataclasses
from typing import Any

from firstmate.bootstrap import App
from firstmate.demo.run import demo_profile
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.outbox import OutboxStatus
from firstmate.domain.people import Person
from firstmate.services import outbox
from firstmate.services.bookings import cancel_booking, orchestrate_booking
from firstmate.services.business import load_business, save_business
from firstmate.services.org_setup import check_org, import_org, org_tables
from firstmate.services.people import get_person, list_people, save_people
from firstmate.services.roster import claim_role
from tests.conftest import booking_body, send_due
from tests.reads import RecordingStore

ROLES = ("captain", *(f"crew_{n}" for n in range(1, 8)))


class CallCountingStore(RecordingStore):
    """The app's store, counting the reads of the crew's lists (`crew-asked:` keys) by call."""

    def __init__(self, store: Any) -> None:
        super().__init__(store)
        self.list_calls = 0

    def query(self, pk: str, sk_prefix: str = "", **kwargs: Any) -> Any:
        self.list_calls += sk_prefix.startswith("crew-asked:")
        return super().query(pk, sk_prefix, **kwargs)

    def query_prefixes(self, pk: str, prefixes: Any) -> Any:
        self.list_calls += any(p.startswith("crew-asked:") for p in prefixes)
        return super().query_prefixes(pk, prefixes)


def _eight_crewed(app: App, **changes: object) -> tuple[str, dict[str, Any]]:
    """Sea Lark given eight roles, and a trip on it each of eight crew holds one of."""
    profile = demo_profile()
    boats = tuple(a.model_copy(update={"roles": ROLES}) if a.id == "sea-lark" else a for a in profile.assets)
    save_business(app.store, profile.model_copy(update={"assets": boats}))
    crew = [
        Person(id=f"deck-{n}", name=f"Deck Hand{n}", email=f"deck-{n}@example.com", qualifications=("captain", "crew"))
        for n in range(8)
    ]
    save_people(app.store, "demo", crew)
    body = booking_body(asset="sea-lark", **changes)
    booking = orchestrate_booking(app, "demo", BookingRequest.model_validate(body)).booking
    for role, person in zip(ROLES, crew, strict=True):
        claim_role(app, "demo", booking.event_id, role, person.id)
    return booking.id, body


def test_cancelling_a_trip_with_eight_crew_reads_their_lists_in_one_call(demo_app: App) -> None:
    booking, _ = _eight_crewed(demo_app)
    store = CallCountingStore(demo_app.store)
    cancel_booking(dataclasses.replace(demo_app, store=store), "demo", booking)  # type: ignore[arg-type]
    assert store.list_calls == 1  # before: 8, one a person


def test_moving_a_trip_with_eight_crew_reads_their_lists_in_one_call(demo_app: App) -> None:
    _, body = _eight_crewed(demo_app)
    store = CallCountingStore(demo_app.store)
    moved = {**body, "start": "2026-06-13T18:00:00-07:00"}
    orchestrate_booking(dataclasses.replace(demo_app, store=store), "demo", BookingRequest.model_validate(moved))  # type: ignore[arg-type]
    assert store.list_calls == 1  # before: 8, one a person


def test_a_role_taken_by_someone_whose_list_went_out_follows_no_list(demo_app: App) -> None:
    """A known gap (docs/reliability.md): that the lists read for someone a role change puts in a role are only the
    waiting ones (`holders_lists`) was covered by no test. Priya, made crew by `org import`, was sent "Crew needed on
    5 trips" (Sea Lark, 13 to 17 June); she then takes crew 1 on Morning Tern's 20 June. Her list went out: nothing
    of it is followed, and it is read once, by the one query of the crew's lists (followed, it is read again with the
    trips it names)."""
    app = demo_app
    priya = get_person(app.store, "demo", "priya")
    save_people(app.store, "demo", [priya.model_copy(update={"active": False})])
    for day in range(13, 18):
        body = booking_body(external_id=f"JUNE-{day}", start=f"2027-06-{day}T16:00:00-07:00", duration_hours=3)
        orchestrate_booking(app, "demo", BookingRequest.model_validate(body))
    profile = load_business(app.store, "demo")
    assert profile is not None
    people = [p.model_copy(update={"active": True}) for p in list_people(app.store, "demo")]
    import_org(app.store, check_org(org_tables(profile, people)), ctx=app)
    for _ in range(5):  # everything queued goes (a batch at a time)
        send_due(app)
    [sent] = [e for e in outbox.list_entries(app.store, "demo", limit=None) if e.key.startswith("crew-asked:priya:")]
    assert sent.status is OutboxStatus.SENT and sent.message.subject == "Crew needed on 5 trips"
    body = booking_body(external_id="TERN", start="2027-06-20T16:00:00-07:00", asset="morning-tern", duration_hours=3)
    tern = orchestrate_booking(app, "demo", BookingRequest.model_validate(body)).booking

    store = RecordingStore(app.store)
    claim_role(dataclasses.replace(app, store=store), "demo", tern.event_id, "crew_1", "priya")  # type: ignore[arg-type]

    assert [k for k in store.read if k[1].startswith("crew-asked:")] == [(outbox.outbox_pk("demo"), sent.key)]
    lists = [e for e in outbox.list_entries(app.store, "demo", limit=None) if e.key.startswith("crew-asked:priya:")]
    assert lists == [sent]  # nothing queued in its place
