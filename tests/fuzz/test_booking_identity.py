"""When is a booking sent again the same booking? Whenever it says the same thing, however it is
written: the numbers as integers, floats or strings with any trailing zeros, the start in any offset
for the same instant, the currency and email in any case, the business line and boat named or left
out. Then intake answers `unchanged` and no mail goes out. Any real change is a change.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from firstmate.domain.bookings import (
    Booking,
    BookingRequest,
    IntakeResult,
    classify_change,
    is_stale,
    seen_fingerprint,
)
from firstmate.domain.shared import STORED
from tests.conftest import booking_body
from tests.fuzz.strategies import FUZZ, addresses, examples

ZONES = [UTC, ZoneInfo("America/Los_Angeles"), ZoneInfo("Pacific/Chatham"), ZoneInfo("Asia/Kathmandu")]
amounts = st.decimals(min_value=0, max_value=1_000_000, places=2)
hours = st.integers(1, 72 * 4).map(lambda q: Decimal(q) / 4)
starts = st.datetimes(datetime(2001, 1, 1), datetime(2099, 12, 31), timezones=st.sampled_from(ZONES))
PLACED = ("charters", "sea-lark")  # where `_stored` puts the booking
#: the placement written each way: the boat only (as `booking_body`), both, or neither (the only boat)
placements = st.sampled_from([{}, {"entity": "charters"}, {"asset": None}, {"asset": None, "entity": "charters"}])


def writings(value: Decimal) -> st.SearchStrategy[object]:
    """Ways a channel or a spreadsheet writes the number `value`."""
    forms: list[object] = [float(value), str(value), f"{value:.2f}", f"{value:.4f}", f"{value:E}"]
    if value == value.to_integral_value():
        forms += [int(value), str(int(value))]
    return st.sampled_from(forms)


@st.composite
def same_booking_twice(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """One booking's body, and the same booking written another way."""
    amount, duration, start, email = draw(amounts), draw(hours), draw(starts), draw(addresses)
    zone = draw(st.sampled_from(ZONES))
    first = booking_body(gross_amount=draw(writings(amount)), duration_hours=draw(writings(duration)),
                         start=start.isoformat(), lead_guest={"name": "Dana Whitcomb", "email": email},
                         **draw(placements))  # fmt: skip
    again = booking_body(
        **draw(placements), gross_amount=draw(writings(amount)), duration_hours=draw(writings(duration)),
        start=start.astimezone(zone).isoformat(), currency=draw(st.sampled_from(["USD", "usd", "Usd"])),
        lead_guest={"name": "Dana Whitcomb", "email": draw(st.sampled_from([email, email.upper(), email.title()]))},
    )  # fmt: skip
    return first, again


@settings(FUZZ, max_examples=examples(200))
@given(bodies=same_booking_twice())
def test_the_same_booking_written_another_way_is_unchanged(bodies: tuple[dict[str, Any], dict[str, Any]]) -> None:
    first, again = (BookingRequest.model_validate(body) for body in bodies)
    if (again.entity, again.asset) == (first.entity, first.asset):
        assert again.fingerprint() == first.fingerprint()
    stored = _stored(first)
    assert classify_change(stored, again, placed=PLACED) is IntakeResult.UNCHANGED
    assert is_stale(again, [seen_fingerprint(first, *PLACED)], placed=PLACED)  # an earlier revision, however written


@settings(FUZZ, max_examples=examples(100))
@given(bodies=same_booking_twice(), cents=st.integers(1, 100), minutes=st.sampled_from([-15, 15, 60]))
def test_a_real_change_of_amount_or_time_is_an_update(
    bodies: tuple[dict[str, Any], dict[str, Any]], cents: int, minutes: int
) -> None:
    first = BookingRequest.model_validate(bodies[0])
    stored = _stored(first)
    more = min(first.gross_amount + Decimal(cents) / 100, Decimal(1_000_000))
    changes = [{"gross_amount": str(more)}, {"start": (first.start + timedelta(minutes=minutes)).isoformat()}]
    for change in changes if more != first.gross_amount else changes[1:]:
        changed = BookingRequest.model_validate({**bodies[1], **change})
        assert changed.fingerprint() != first.fingerprint()
        assert classify_change(stored, changed, placed=PLACED) is IntakeResult.UPDATED
        assert not is_stale(changed, [seen_fingerprint(first, *PLACED)], placed=PLACED)


@settings(FUZZ, max_examples=examples(100))
@given(bodies=same_booking_twice(), moved=placements)
def test_the_same_booking_on_another_boat_is_a_move(
    bodies: tuple[dict[str, Any], dict[str, Any]], moved: dict[str, Any]
) -> None:
    """However each body writes its placement, one that comes to rest on another boat (named, or the
    only boat of a business line that has changed) is an update, never an earlier revision sent late."""
    first, again = (BookingRequest.model_validate(body) for body in bodies)
    elsewhere = again.model_copy(
        update={"entity": moved.get("entity"), "asset": "tern" if "asset" not in moved else None}
    )
    for placed in (("charters", "tern"), ("coast", "tern")):
        assert classify_change(_stored(first), elsewhere, placed=placed) is IntakeResult.UPDATED
        assert not is_stale(elsewhere, [seen_fingerprint(first, *PLACED)], placed=placed)


def _stored(request: BookingRequest) -> Booking:
    """The booking as it is read back from the store."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    booking = Booking(id="bk_1", org="demo", event_id="ev_1", entity="charters", asset="sea-lark", guest_code="c",
                      request=request, fingerprint=request.fingerprint(), created_at=at, updated_at=at)  # fmt: skip
    return Booking.model_validate(booking.model_dump(mode="json"), context=STORED)
