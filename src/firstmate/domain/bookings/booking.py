"""A booking as stored: the request it carries plus its identity, placement and history."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from firstmate.domain.bookings.request import BookingRequest, BookingStatus


class Booking(BaseModel):
    """A booking as stored: the request plus its identity, placement and history."""

    model_config = ConfigDict(frozen=True)

    id: str
    org: str
    event_id: str
    entity: str
    asset: str
    guest_code: str
    request: BookingRequest
    revision: int = 1
    fingerprint: str  # of the request as it came; classify_change recomputes, the intake keeps seen_fingerprint
    created_at: datetime
    updated_at: datetime
    #: the request it carried until it was cancelled (at `updated_at`): a report as of a day before
    #: counts it so, though its cancel came with another amount (a channel's cancel often reads $0)
    before_cancel: BookingRequest | None = None
    #: the audiences (the operations manager, crew, guests: `notifications.OPS`, …) that have heard nothing of
    #: its trip so far: recorded already over, it tells its crew nothing, and once its album has closed,
    #: nobody. To them a change is the trip's first word. None: stored before it was kept (2026-12-06).
    unheard: tuple[str, ...] | None = None

    @property
    def cancelled(self) -> bool:
        """True once the booking is cancelled."""
        return self.request.status is BookingStatus.CANCELLED

    @property
    def cancelled_on_arrival(self) -> bool:
        """True for a booking recorded cancelled as it came (a cancellation of a booking never seen, or one whose
        cancellation was imported before it): nobody but the operations manager heard of it, no guest was invited."""
        return self.cancelled and self.revision == 1
