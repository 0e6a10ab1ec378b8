"""The business: an org owns entities (business lines), which own assets (boats, a property…)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from firstmate.domain.mail import check_address
from firstmate.domain.reports.document import ROLES
from firstmate.domain.shared import SLUG, known_zone

COLOUR = r"^#[0-9a-fA-F]{6}$"
#: A role's name as crew take it (`/events/{id}/roles/{role}/claim`): captain, crew_1, crew_2…
ROLE_NAME = r"^[a-z][a-z0-9_]{0,30}$"


class EntityKind(StrEnum):
    """What kind of business line an entity is."""

    CHARTER = "charter"
    GUEST_BRAND = "guest_brand"
    JUNK_REMOVAL = "junk_removal"
    CONSULTING = "consulting"
    RENTAL = "rental"
    DELIVERY = "delivery"


class AssetKind(StrEnum):
    """What kind of thing an asset is."""

    BOAT = "boat"
    PROPERTY = "property"
    VEHICLE = "vehicle"
    DOMAIN = "domain"
    SERVICE = "service"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Org(_Frozen):
    """A tenant: one operator and everything it owns."""

    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=120)
    timezone: str = "America/Los_Angeles"
    owner_email: str
    ops_email: str
    report_recipients: tuple[str, ...] = Field(
        default=(), description="Who gets the weekly report; default: the owner."
    )
    audit_bcc: str | None = Field(default=None, description="Copied (BCC) on every report sent.")
    role_recipients: dict[str, tuple[str, ...]] = Field(
        default={}, description="Who gets each role report (ceo, cfo, …); default: the owner."
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return known_zone(value)  # every trip's times, sunsets and report weeks are read in it

    @field_validator("owner_email", "ops_email", "audit_bcc")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        return check_address(value) if value is not None else None

    @field_validator("report_recipients")
    @classmethod
    def _addresses(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_address(v) for v in values)

    @field_validator("role_recipients")
    @classmethod
    def _role_addresses(cls, values: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for role in values:
            if role not in ROLES:
                raise ValueError(f"role_recipients names {role!r}; the roles are {', '.join(ROLES)}")
        return {role: tuple(check_address(v) for v in emails) for role, emails in values.items()}

    def recipients_for(self, role: str) -> tuple[str, ...]:
        """Who gets a role's report: its recipients, or the owner."""
        return self.role_recipients.get(role) or (self.owner_email,)


class Entity(_Frozen):
    """A business line with its own brand."""

    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=120)
    kind: EntityKind
    primary_colour: str = Field(default="#0b3d5c", pattern=COLOUR)
    accent_colour: str = Field(default="#f2a541", pattern=COLOUR)
    website: str | None = None
    logo_url: str | None = Field(default=None, pattern=r"^(https://|/static/)\S+$")
    meta_ad_account: str | None = Field(
        default=None, pattern=r"^[0-9]{1,20}$", description="Meta ad account id (no act_)."
    )
    waiver: str = Field(
        default=(
            "I take part in this boat trip of my own free will. I understand that sailing carries risks, "
            "including slipping, falling overboard, sun exposure and seasickness. I will follow the "
            "captain's and crew's safety instructions at all times, wear a life jacket when asked, and "
            "tell the crew about any medical condition that may affect my safety. I release the "
            "operator and its crew from liability for injury or loss, except where caused by their "
            "gross negligence."
        ),
        min_length=20,
        max_length=20_000,
    )
    what_to_bring: tuple[str, ...] = (
        "Soft-soled shoes",
        "A warm layer: it is colder on the water",
        "Sunscreen and sunglasses",
        "Photo ID",
    )

    @field_validator("waiver")
    @classmethod
    def _worded(cls, value: str) -> str:
        # 30 spaces passed the length rule: guests were asked to sign a blank text
        if len("".join(value.split())) < 20:
            raise ValueError("write the words guests sign: at least 20 characters besides spaces and line breaks")
        return value


class ChecklistTemplateItem(_Frozen):
    """One item of a boat's own checklist template. `{jackets}` in a label becomes guests + crew."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    phase: Literal["pre_event", "departure", "return", "post_event"]
    label: str = Field(min_length=1, max_length=120)
    required: bool = True


class Asset(_Frozen):
    """Something an entity runs: a boat, a property, a domain…"""

    id: str = Field(pattern=SLUG)
    entity: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=120)
    kind: AssetKind
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    meeting_point: str | None = None
    roles: tuple[str, ...] = ("captain", "crew_1")
    checklist: tuple[ChecklistTemplateItem, ...] = Field(
        default=(), description="This boat's own checklist; empty means the standard one."
    )
    max_guests: int | None = Field(
        default=None,
        ge=1,
        le=10_000,
        description="The most guests this boat may carry (its passenger limit); none: no limit is checked. A "
        "booking over it is recorded (the channel has sold it) and said, as a double booking is.",
    )

    def over_limit(self, guest_count: int) -> str | None:
        """`guest_count` over this boat's passenger limit, in words ("8 guests booked on Sea Lark, which takes
        6"); None within the limit, or where no limit is set."""
        if self.max_guests is None or guest_count <= self.max_guests:
            return None
        return f"{guest_count} guests booked on {self.name}, which takes {self.max_guests}"


class BusinessProfile(_Frozen):
    """An org with its entities and assets, checked for consistency."""

    org: Org
    entities: tuple[Entity, ...] = ()
    assets: tuple[Asset, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> BusinessProfile:
        entity_ids = [e.id for e in self.entities]
        if len(set(entity_ids)) != len(entity_ids):
            raise ValueError("two entities share an id")
        asset_ids = [a.id for a in self.assets]
        if len(set(asset_ids)) != len(asset_ids):
            raise ValueError("two assets share an id")
        for asset in self.assets:
            if asset.entity not in entity_ids:
                raise ValueError(f"asset {asset.id!r} names entity {asset.entity!r}, which is not defined")
        return self

    def entity(self, entity_id: str) -> Entity | None:
        """The entity with this id, if any."""
        return next((e for e in self.entities if e.id == entity_id), None)

    def asset(self, asset_id: str) -> Asset | None:
        """The asset with this id, if any."""
        return next((a for a in self.assets if a.id == asset_id), None)

    def place(self, entity_id: str | None, asset_id: str | None) -> tuple[Entity, Asset]:
        """The entity and boat a booking belongs to. Without an asset, the entity's only boat
        (or the org's only boat); raises ValueError naming what is unknown or ambiguous."""
        if asset_id is not None:
            asset = self.asset(asset_id)
            if asset is None or asset.kind is not AssetKind.BOAT:
                known = ", ".join(a.id for a in self.assets if a.kind is AssetKind.BOAT)
                raise ValueError(f"unknown boat {asset_id!r}; known boats: {known}")
        else:
            boats = [a for a in self.assets if a.kind is AssetKind.BOAT and entity_id in (None, a.entity)]
            if not boats:  # "'asset' is one of " named nothing
                every = sorted(a.id for a in self.assets if a.kind is AssetKind.BOAT)
                whose = f"business line {entity_id!r}" if entity_id is not None else "the org"
                raise ValueError(f"{whose} has no boat: 'asset' is one of {', '.join(every) or 'no boat yet'}")
            if len(boats) != 1:
                raise ValueError(f"say which boat: 'asset' is one of {', '.join(a.id for a in boats)}")
            asset = boats[0]
        if entity_id is not None and entity_id != asset.entity:
            raise ValueError(f"boat {asset.id!r} belongs to {asset.entity!r}, not {entity_id!r}")
        entity = self.entity(asset.entity)
        assert entity is not None  # guaranteed by the profile's own validation
        return entity, asset


def named_twice(assets: Sequence[Asset]) -> list[str]:
    """What each asset of `profile` names twice, in words: a role (crew take a role by its name, so a claim of
    "captain" filled both captain slots with one person) or a checklist item (a tick of "fuel" ticked both,
    and made the second the first). Two deckhands are two roles of their own names: crew_1 and crew_2."""
    found = []
    for asset in assets:
        for what, names in (("role", asset.roles), ("checklist item", [i.key for i in asset.checklist])):
            found += [f"{asset.kind.value} {asset.id!r} lists the {what} {n!r} twice" for n in _repeated(names)]
    return found


def _repeated(names: Sequence[str]) -> list[str]:
    counts = Counter(names)
    return [name for name, count in counts.items() if count > 1]


def unclaimable_roles(assets: Sequence[Asset]) -> list[str]:
    """Each role of `assets` no crew member could claim, in words: a role is taken by its name in a link, so
    "Deck hand" was saved and then no one could hold it."""
    return [
        f"{asset.kind.value} {asset.id!r} has the role {role!r}, which crew could not claim: a role's name is a "
        "lower-case word, with digits and underscores (captain, crew_1, deckhand_2)"
        for asset in assets
        for role in asset.roles
        if not re.match(ROLE_NAME, role)
    ]
