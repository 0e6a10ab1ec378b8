"""The rows of how the business runs: a rental's nights (`Occupancy`), work on an asset (`Maintenance`), a
job delivered to a client (`Delivery`) and where an entity is listed (`ChannelListing`)."""

from __future__ import annotations

from calendar import monthrange
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from firstmate.domain.snapshot.row import Day, Month, OptionalDate, Positive, Row, Slug


class Occupancy(Row):
    """Nights a rental could be let and was let in a month, and what it earned."""

    asset: Slug
    month: Month
    nights_available: Annotated[int, Field(ge=0, le=31)]
    nights_booked: Annotated[int, Field(ge=0, le=31)]
    revenue: Positive

    @model_validator(mode="after")
    def _nights_fit(self) -> Occupancy:
        # a typo imported silently showed "111%" occupancy, and a RevPAN above the ADR
        days = monthrange(self.month.year, self.month.month)[1]
        if self.nights_available > days:
            raise ValueError(f"nights_available is {self.nights_available}; {self.month:%B %Y} has {days} nights")
        if self.nights_booked > self.nights_available:
            raise ValueError(
                f"nights_booked ({self.nights_booked}) is more than nights_available ({self.nights_available})"
            )
        return self


class MaintenanceKind(StrEnum):
    """Planned upkeep or an unplanned repair."""

    PLANNED = "planned"
    REPAIR = "repair"


class Maintenance(Row):
    """Work on an asset; a date after the snapshot's is work scheduled, with its estimate."""

    id: Annotated[str, Field(min_length=1, max_length=120)]
    asset: Slug
    date: Day
    description: Annotated[str, Field(min_length=1, max_length=300)]
    cost: Positive
    kind: MaintenanceKind = MaintenanceKind.PLANNED
    vendor: Annotated[str, Field(max_length=120)] = ""


class Delivery(Row):
    """A job delivered to a client (a yacht delivery, a junk pickup): promised vs done, billed vs paid."""

    id: Annotated[str, Field(min_length=1, max_length=120)]
    entity: Slug
    client: Annotated[str, Field(min_length=1, max_length=120)]
    promised: Day
    delivered: OptionalDate = None
    billed: Positive = Decimal(0)
    collected: Positive = Decimal(0)
    #: the day `billed` was billed, and the day the last of `collected` came in: a report of an earlier day counts
    #: neither. Optional: without them, a past day's report reads them as the file reads now, and says so.
    billed_on: OptionalDate = None
    collected_on: OptionalDate = None


class ListingStatus(StrEnum):
    """Where an entity stands on a channel. A channel with no row at all is missing."""

    LIVE = "live"  # listed and taking bookings
    LISTED = "listed"  # listed but not bookable (pending review, paused, incomplete)


class ChannelListing(Row):
    """One entity on one marketplace, OTA or directory."""

    entity: Slug
    channel: Annotated[str, Field(min_length=1, max_length=60)]
    status: ListingStatus
    url: Annotated[str, Field(max_length=300)] = ""
