"""Guest pages: a trip's public page, found by its unguessable code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from firstmate.domain.codes import normalize_code, pretty_code
from firstmate.domain.guests import Guest
from firstmate.domain.views import guest_trip_view
from firstmate.errors import NotFound, RateLimited
from firstmate.services.bookings import code_pk, get_booking, get_event, list_guests
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.ratelimit import hit

#: Wrong codes allowed per address before lookups pause: a guesser gets ~1,400 tries a day
#: against 2^50 codes.
MISSES_PER_WINDOW = 10
MISS_WINDOW = timedelta(minutes=10)
LOOKUPS_PER_MINUTE = 120


@dataclass(frozen=True)
class GuestPage:
    """Everything a guest page shows."""

    org: str
    booking_id: str
    code: str
    trip: dict[str, Any]
    guests: list[Guest]

    @property
    def pretty_code(self) -> str:
        """The code grouped for reading aloud."""
        return pretty_code(self.code)


def open_guest_page(ctx: Context, typed_code: str, client: str) -> GuestPage:
    """The page for a typed code. Raises NotFound for an unknown code and RateLimited when this
    client has guessed wrong too often (checked before looking, so guessing stays slow)."""
    now = ctx.clock.now()
    hit(ctx.store, "guest-lookup", client, limit=LOOKUPS_PER_MINUTE, window=timedelta(minutes=1), now=now)
    misses = ctx.store.get(f"RATE#guest-miss#{client}", _window_key(now))
    if misses and int(misses.data["n"]) >= MISSES_PER_WINDOW:
        raise RateLimited("too many wrong trip codes; wait a few minutes and try again", retry_after=600)
    code = normalize_code(typed_code)
    target = ctx.store.get(code_pk(code), "CODE") if code else None
    if code is None or target is None:
        hit(ctx.store, "guest-miss", client, limit=MISSES_PER_WINDOW + 1, window=MISS_WINDOW, now=now)
        raise NotFound("no trip has that code", hint="check the code in your confirmation email")
    org, booking_id = str(target.data["org"]), str(target.data["booking_id"])
    booking = get_booking(ctx.store, org, booking_id)
    event = get_event(ctx.store, org, booking.event_id)
    profile = load_business(ctx.store, org)
    if profile is None:
        raise NotFound("no trip has that code")
    entity, asset = profile.entity(booking.entity), profile.asset(booking.asset)
    if entity is None or asset is None:
        raise NotFound("no trip has that code")
    trip = guest_trip_view(event, profile.org, entity, asset)
    return GuestPage(org, booking_id, code, trip, list_guests(ctx.store, org, booking_id))


def _window_key(now: Any) -> str:
    seconds = int(MISS_WINDOW.total_seconds())
    return str(int(now.timestamp()) // seconds * seconds)
