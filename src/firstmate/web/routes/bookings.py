"""The bookings API: intake, read and cancel, for systems holding a service key."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from firstmate.bootstrap import App
from firstmate.domain.bookings import Booking, BookingRequest, BookingStatus
from firstmate.services.bookings import (
    cancel_booking,
    cancelled_change_words,
    cancelled_first_words,
    double_booked_now,
    get_booking,
    orchestrate_booking,
    over_limit,
    said_to_channel,
)
from firstmate.services.business import load_business
from firstmate.services.keys import ApiKey
from firstmate.services.notifications import guest_page_url
from firstmate.web.deps import get_app, require_service_key

router = APIRouter(prefix="/api/v1/bookings", tags=["bookings"])
AppDep = Annotated[App, Depends(get_app)]
KeyDep = Annotated[ApiKey, Depends(require_service_key)]


class BookingAnswer(BaseModel):
    """What the API says about a booking (service keys act for the org's admins)."""

    booking_id: str
    event_id: str
    guest_page_url: str
    result: str = Field(description="created, updated, unchanged or cancelled")
    status: BookingStatus
    revision: int
    start: datetime
    end: datetime
    entity: str
    asset: str
    booking: dict[str, Any] = Field(description="The booking as stored, money included.")
    double_booked: list[str] = Field(
        default_factory=list,
        description="What else holds the boat while this trip does, in words, as of this answer (nothing once "
        "cancelled), without the other booking's title (its guest is not this channel's to know). The booking is "
        "recorded all the same; the operations manager, told when it is created or moved, hears the details.",
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="What was taken as sent and may not be what was meant, in words: a start written with another "
        "offset than the business's zone has then (\"10:00 -07:00 is 18:00 in Europe/Lisbon; if 10:00 Lisbon time "
        'was meant, write 2027-07-04T10:00:00+01:00"); more guests than the boat\'s passenger limit ("8 guests '
        'booked on Sea Lark, which takes 6: …"; the operations manager is told when it is created or changed); a '
        "booking whose cancellation (a marketplace's short cancellation email, imported) came before it, recorded "
        'cancelled and told to nobody ("boatsetter BS-7Q4K2M was cancelled before it arrived …"); a change sent for a '
        'cancelled booking, which changes nothing ("direct WEB-1001 was cancelled on Sat 13 Jun 2026, 09:12 PDT: a '
        'cancellation is final, so this change changed nothing; …"). Said when the booking is sent, not when it is '
        "read.",
    )


class ErrorAnswer(BaseModel):
    """Every 4xx answer: what went wrong and what to do."""

    error: str
    detail: str
    hint: str | None = None


ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorAnswer} for code in (401, 404, 409, 413, 422, 429)}
#: Operations that read a JSON body may also answer 400: a body that is not UTF-8 cannot be parsed at all.
BODY_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    400: {"model": ErrorAnswer, "description": "The body cannot be parsed (it is not UTF-8, or not JSON)."},
}


def _answer(
    app: App, booking: Booking, result: str, double_booked: list[str], warnings: list[str] | None = None
) -> BookingAnswer:
    return BookingAnswer(
        booking_id=booking.id,
        event_id=booking.event_id,
        guest_page_url=guest_page_url(app, booking),
        result=result,
        status=booking.request.status,
        revision=booking.revision,
        start=booking.request.start,
        end=booking.request.end,
        entity=booking.entity,
        asset=booking.asset,
        booking=booking.request.model_dump(mode="json"),
        double_booked=double_booked,
        warnings=warnings or [],
    )


@router.post(
    "", status_code=201, response_model=BookingAnswer, responses={200: {"model": BookingAnswer}, **BODY_ERRORS}
)
def post_booking(body: BookingRequest, app: AppDep, key: KeyDep, response: Response) -> BookingAnswer:
    """Create a booking (201), or update (200) / leave unchanged (200) the one with the same
    source and external_id. Everything it fans out to follows, exactly once."""
    outcome = orchestrate_booking(app, key.org, body)
    if not outcome.created:
        response.status_code = 200
    profile = load_business(app.store, key.org)
    other = body.offset_warning(profile.org.timezone) if profile is not None else None
    first = cancelled_first_words(outcome.booking) if outcome.cancelled_first else None
    zone = profile.org.timezone if profile is not None else "UTC"
    refused = cancelled_change_words(outcome.booking, zone) if outcome.refused_change else None
    warnings = [w for w in (first, refused, other, over_limit(profile, outcome.booking)) if w]
    return _answer(app, outcome.booking, outcome.result.value, outcome.said_to_channel(), warnings)


@router.get("/{booking_id}", response_model=BookingAnswer, responses=ERRORS)
def read_booking(booking_id: str, app: AppDep, key: KeyDep) -> BookingAnswer:
    """One booking of the key's org (404 for any other)."""
    booking = get_booking(app.store, key.org, booking_id)
    profile = load_business(app.store, key.org)
    return _answer(app, booking, "unchanged", said_to_channel(profile, double_booked_now(app, profile, booking)))


@router.delete("/{booking_id}", response_model=BookingAnswer, responses=ERRORS)
def delete_booking(booking_id: str, app: AppDep, key: KeyDep) -> BookingAnswer:
    """Cancel a booking: crew, guests and calendars are told. Cancelling twice changes nothing."""
    outcome = cancel_booking(app, key.org, booking_id)
    return _answer(app, outcome.booking, outcome.result.value, outcome.said_to_channel())
