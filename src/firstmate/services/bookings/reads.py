"""Reading bookings: one by id, its guests and former leads, its calendar entry, the business it is placed in."""

from __future__ import annotations

from firstmate.domain.bookings import Booking, BookingRequest
from firstmate.domain.business import Asset, BusinessProfile, Entity
from firstmate.domain.calendar import CalendarEntry
from firstmate.domain.guests import Guest
from firstmate.domain.shared import STORED
from firstmate.errors import InvalidInput, NotFound
from firstmate.ports import Item, Store
from firstmate.services.business import load_business
from firstmate.services.trips import booking_pk, calendar_pk, calendar_sk


def get_booking(store: Store, org: str, booking_id: str) -> Booking:
    """One booking of this org; raises NotFound otherwise."""
    booking = booking_if_any(store, org, booking_id)
    if booking is None:
        raise NotFound(f"no booking {booking_id!r}")
    return booking


def list_guests(store: Store, org: str, booking_id: str) -> list[Guest]:
    """The guests of a booking, lead guest first."""
    page = store.query(booking_pk(org, booking_id), "GUEST#", limit=200)
    guests = [Guest.model_validate(i.data) for i in page.items]
    return sorted(guests, key=lambda g: (not g.lead, g.added_at))


def former_leads(store: Store, org: str, booking_id: str) -> list[Guest]:
    """The earlier leads of a booking handed to someone else who had signed (`former_lead`), oldest first: kept for
    their signatures, not in the group."""
    page = store.query(booking_pk(org, booking_id), "FORMER#", limit=200)
    return sorted((Guest.model_validate(i.data) for i in page.items), key=lambda g: g.left_at or g.added_at)


def booking_entry(store: Store, booking: Booking) -> CalendarEntry | None:
    """The booking's calendar entry (None if there is none)."""
    item = store.get(calendar_pk(booking.org), calendar_sk(booking.request.start, booking.id))
    return CalendarEntry.model_validate(item.data) if item else None


def booking_place(profile: BusinessProfile, request: BookingRequest) -> tuple[Entity, Asset]:
    """The business line and boat `request` names, or its only ones; raises InvalidInput otherwise."""
    try:
        return profile.place(request.entity, request.asset)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def org_profile(store: Store, org: str) -> BusinessProfile:
    """The org's business profile; raises NotFound for an unknown org."""
    profile = load_business(store, org)
    if profile is None:
        raise NotFound(f"no org {org!r}")
    return profile


def anchored_booking(store: Store, org: str, anchor: Item | None) -> Booking | None:
    """The booking the intake `anchor` holds: None for none, or for a cancellation that came before its booking."""
    booking_id = anchor.data.get("booking_id") if anchor else None
    return booking_if_any(store, org, str(booking_id)) if booking_id else None


def booking_if_any(store: Store, org: str, booking_id: str) -> Booking | None:
    """One booking of this org, None when it has none of that id (`get_booking` raises NotFound instead)."""
    item = store.get(booking_pk(org, booking_id), "BOOKING")
    return Booking.model_validate(item.data, context=STORED) if item else None
