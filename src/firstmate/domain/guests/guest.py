"""A guest of a trip as stored, their status on the way aboard, and the signatures they gave."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from firstmate.domain.guests.names import TYPED_NAME, name_to_sign
from firstmate.domain.shared import first_word


class GuestStatus(StrEnum):
    """Where a guest is on the way aboard."""

    INVITED = "invited"
    ON_HOLD = "on_hold"
    CONFIRMED = "confirmed"


class SetAside(StrEnum):
    """Why a signature was set aside (kept in `Guest.earlier`): what the guest is told when asked to sign again."""

    MOVED = "moved"  # the trip moved to another line's boat, whose waiver has other words
    TEXT_CHANGED = "text_changed"  # the waiver text of the trip's line changed (`org import`)


class WaiverSignature(BaseModel):
    """Proof of one signature: which text, who typed what, when, from where."""

    model_config = ConfigDict(frozen=True)

    waiver_version: str
    #: the business line whose text was signed (None: signed before it was kept; the text's record names it)
    entity: str | None = None
    typed_name: str
    guardian_name: str | None = None
    signed_at: datetime
    ip: str
    user_agent: str
    #: why it was set aside, in `Guest.earlier` (None: the one asked now, or set aside before the reason was kept:
    #: `why_set_aside` reads it by its line)
    set_aside: SetAside | None = None


class Guest(BaseModel):
    """One person coming on a trip."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    email: str | None = None
    lead: bool = False
    minor: bool = False
    status: GuestStatus = GuestStatus.INVITED
    code: str | None = None  # the guest's own page code (the lead uses the booking's)
    waiver: WaiverSignature | None = None
    #: signatures of texts the trip no longer asks for (it moved to another line's boat, or its line's text changed):
    #: kept on record, oldest first, but boarding asks for the text its line uses now (`follow_line`)
    earlier: tuple[WaiverSignature, ...] = ()
    added_at: datetime
    #: the ids of guests merged into this one (a booking handed to someone in its group): never given again
    merged: tuple[str, ...] = ()
    #: on the lead's record, the ids of guests the lead removed from the group: never given again either
    removed: tuple[str, ...] = ()
    #: on the lead's record, the name of each guest removed, by id: a note still waiting to tell them they are off
    #: is withdrawn when they are added again, not when someone else is added at their (a family's) address
    removed_names: dict[str, str] = Field(default_factory=dict)
    #: on the lead's record, the ids under which earlier leads who had signed are kept (`FORMER#<id>`): the booking
    #: was handed to someone else; never given again
    former: tuple[str, ...] = ()
    #: on a former lead's record: when the booking was handed to someone else. Kept for their signatures (the
    #: operator's record), out of the group: their waiver does not count for the departure
    left_at: datetime | None = None
    #: on the lead's record: when the booking was handed to them from another lead (None: the lead since it was
    #: booked). Photos their id shared until then are the earlier lead's, not theirs
    lead_since: datetime | None = None

    @property
    def first_name(self) -> str:
        """How the guest page greets them."""
        return first_word(self.name)

    @property
    def name_to_sign(self) -> str:
        """Their name as the signing form asks for it: the group's, without a booking channel's note in brackets
        ("Dana Whitcomb (Airbnb)" is asked "Dana Whitcomb"; either signs, `same_person`)."""
        return name_to_sign(self.name)

    @property
    def ever_signed(self) -> bool:
        """Whether they signed a waiver of this trip, its line's now or one it was on before: the operator's record."""
        return self.waiver is not None or bool(self.earlier)

    @property
    def signs_as_listed(self) -> bool:
        """Whether their waiver is signed in their name as the group lists it: unless the signing form could not
        take that name typed (a lead's, from a booking, may be "J" or "李", or "J (Airbnb)", asked as "J"), when any
        full name they type is."""
        try:
            TYPED_NAME.validate_python(self.name_to_sign)
        except ValidationError:
            return False
        return True
