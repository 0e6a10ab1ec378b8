"""People who work for an org: crew members and admins, with what they are qualified for."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from firstmate.domain.mail import check_address
from firstmate.domain.shared import SLUG, first_word

#: Ids no person may have (see `Person._not_reserved`).
RESERVED_IDS = frozenset({"reminder"})


class Person(BaseModel):
    """A crew member or admin. `qualifications` name the role kinds they may take."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=120)
    email: str
    phone: str | None = Field(default=None, max_length=30)
    qualifications: tuple[str, ...] = ("crew",)
    admin: bool = False
    active: bool = True

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str, info: ValidationInfo) -> str:
        # mail about a trip is keyed `ev:<event>:<person>:…` and its reminders `ev:<event>:reminder:…`:
        # this person's roster notices would read as reminders (kept on a cancellation, say)
        if value in RESERVED_IDS and not (info.context or {}).get("stored"):
            raise ValueError(f"{value!r} is a word firstmate keeps for itself; choose another id, such as {value}-1")
        return value

    @field_validator("email")
    @classmethod
    def _address(cls, value: str) -> str:
        return check_address(value).lower()

    @property
    def first_name(self) -> str:
        """What guests and other crew see."""
        return first_word(self.name)

    def may_take(self, role: str) -> bool:
        """Whether this person is qualified for `role` (captain, crew_1, crew_2 → crew)."""
        return role_kind(role) in self.qualifications


def role_kind(role: str) -> str:
    """The qualification a role needs: `captain` for captain, `crew` for crew_1, crew_2…"""
    return role.split("_")[0]
