"""An org file, checked (`OrgSetup`), and a stored org as an org file's tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from firstmate.domain.business import (
    BusinessProfile,
)
from firstmate.domain.people import Person


@dataclass(frozen=True)
class OrgSetup:
    """An org file, checked: the profile and its people."""

    profile: BusinessProfile
    people: tuple[Person, ...]
    #: the business lines whose table writes no `waiver`: a stored one keeps its text (a new one takes the default)
    no_waiver: frozenset[str] = frozenset()


def org_tables(profile: BusinessProfile, people: list[Person]) -> dict[str, Any]:
    """A stored org as an org file's tables (what `org_toml` writes)."""
    return {
        "org": profile.org.model_dump(mode="json"),
        "entities": [e.model_dump(mode="json") for e in profile.entities],
        "assets": [a.model_dump(mode="json") for a in profile.assets],
        "people": [p.model_dump(mode="json") for p in people],
    }
