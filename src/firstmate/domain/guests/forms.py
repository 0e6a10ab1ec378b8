"""What a guest types: the lead adding someone to the group (`NewGuest`), and a signature (`SigningForm`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from firstmate.domain.guests.names import Name
from firstmate.domain.mail import check_address


class NewGuest(BaseModel):
    """What the lead guest types to add someone."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Name
    email: str | None = Field(default=None, max_length=200)
    minor: bool = False

    def checked_email(self) -> str | None:
        """The email, lower-cased, or None; raises ValueError for a malformed one."""
        return check_address(self.email).lower() if self.email else None


class SigningForm(BaseModel):
    """What a guest submits to sign the waiver."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    typed_name: Name
    agree: bool
    guardian_name: Name | None = None
    waiver_version: str = Field(min_length=8, max_length=64)
