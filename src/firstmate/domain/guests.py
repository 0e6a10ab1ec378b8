"""Guests of a trip: invited → on_hold (waiver pending) → confirmed (waiver signed)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class GuestStatus(StrEnum):
    """Where a guest is on the way aboard."""

    INVITED = "invited"
    ON_HOLD = "on_hold"
    CONFIRMED = "confirmed"


class Guest(BaseModel):
    """One person coming on a trip."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    email: str | None = None
    lead: bool = False
    status: GuestStatus = GuestStatus.INVITED
    added_at: datetime

    @property
    def first_name(self) -> str:
        """How the guest page greets them."""
        return self.name.split()[0]
