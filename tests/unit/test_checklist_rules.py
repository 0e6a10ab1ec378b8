"""Checklist rules: an item's history cannot outgrow what one store item holds."""

from __future__ import annotations

from datetime import timedelta

from firstmate.adapters.store.rules import MAX_ITEM_BYTES
from firstmate.bootstrap import App
from firstmate.domain import checklist as rules
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.checklist import MAX_HISTORY
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.trips import get_event
from tests.conftest import booking_body


def test_thousands_of_ticks_and_undos_keep_the_latest_and_the_trip_within_a_store_item(demo_app: App) -> None:
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    event = get_event(demo_app.store, "demo", booking.event_id)
    at = event.start - timedelta(days=1)
    for n in range(3000):
        at += timedelta(seconds=1)
        change = rules.tick if n % 2 == 0 else rules.untick
        event = change(event, "fuel", by="Jonah", at=at)
    fuel = rules.item(event, "fuel")
    assert len(fuel.history) == MAX_HISTORY and fuel.earlier_changes == 3000 - MAX_HISTORY
    assert (fuel.history[-1].action, fuel.history[-1].at, fuel.history[0].action) == ("undo", at, "tick")
    assert len(event.model_dump_json()) < MAX_ITEM_BYTES // 4


def test_an_admins_reason_outlasts_the_plain_ticks_and_undos_after_it(demo_app: App) -> None:
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    event = get_event(demo_app.store, "demo", booking.event_id)
    at = event.start - timedelta(days=1)
    event = rules.tick(event, "fuel", by="Marisol", at=at, note="departed without the waiver of Dana: signed on paper")
    for n in range(200):
        at += timedelta(seconds=1)
        event = (rules.untick if n % 2 == 0 else rules.tick)(event, "fuel", by="Jonah", at=at)
    fuel = rules.item(event, "fuel")
    assert len(fuel.history) == MAX_HISTORY and fuel.earlier_changes == 201 - MAX_HISTORY
    assert fuel.history[0].note.endswith("signed on paper") and fuel.history[-1].at == at
