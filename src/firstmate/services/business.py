"""Save and read an org's business profile (org, entities, assets). Saving is idempotent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from firstmate.domain.business import Asset, BusinessProfile, Entity, Org, named_twice, unclaimable_roles
from firstmate.errors import InvalidInput
from firstmate.ports import MAX_TRANSACTION_WRITES, Absent, Item, Put, Store, VersionIs
from firstmate.services.paging import all_items
from firstmate.services.upgrades import created_writes

ORGS_PK = "ORGS"
#: The business lines and assets an org holds at most, together: its profile is saved in one transaction.
MAX_LINES_AND_ASSETS = MAX_TRANSACTION_WRITES - 2


def org_pk(org: str) -> str:
    """The partition holding an org's profile, entities and assets."""
    return f"ORG#{org}"


@dataclass(frozen=True)
class SaveResult:
    """How many records a save created, changed or left as they were."""

    created: int
    updated: int
    unchanged: int


def save_business(store: Store, profile: BusinessProfile, *, also: Sequence[Put] = ()) -> SaveResult:
    """Write the profile in one transaction, touching only records that changed, with `also` when it changes (the
    markers of its lines' new waiver texts); InvalidInput, with nothing written, for an asset that names a role or a
    checklist item twice (`named_twice`), or a role crew could not claim (`unclaimable_roles`)."""
    writes, result = business_writes(store, profile)
    if writes:
        store.transact([*writes, *also])
    return result


def business_writes(store: Store, profile: BusinessProfile) -> tuple[list[Put], SaveResult]:
    """The writes that would save the profile (the records that changed), and their counts; InvalidInput as
    `save_business`. For a caller that saves more in the same transaction (an org and its people)."""
    if unclaimable := unclaimable_roles(profile.assets):
        raise InvalidInput(f"the profile of {profile.org.id!r} was not saved: {'; '.join(unclaimable)}")
    if twice := named_twice(profile.assets):
        raise InvalidInput(
            f"the profile of {profile.org.id!r} was not saved: {'; '.join(twice)}. Name each role and each checklist "
            "item of a boat once: crew take a role and tick an item by its name (two deckhands are crew_1, crew_2)"
        )
    org = profile.org.id
    wanted: list[Item] = [
        Item(ORGS_PK, org, {"name": profile.org.name}),
        Item(org_pk(org), "PROFILE", profile.org.model_dump(mode="json")),
        *(Item(org_pk(org), f"ENTITY#{e.id}", e.model_dump(mode="json")) for e in profile.entities),
        *(Item(org_pk(org), f"ASSET#{a.id}", a.model_dump(mode="json")) for a in profile.assets),
    ]
    if len(wanted) > MAX_TRANSACTION_WRITES:
        raise InvalidInput(f"a profile holds at most {MAX_LINES_AND_ASSETS} entities and assets")
    writes: list[Put] = []
    created = updated = 0
    for item in wanted:
        current = store.get(item.pk, item.sk)
        if current is None:
            writes.append(Put(item, Absent()))
            created += 1
        elif dict(current.data) != dict(item.data):
            writes.append(Put(item, VersionIs(current.version)))
            updated += 1
    new = bool(writes) and writes[0].item.pk == ORGS_PK and isinstance(writes[0].condition, Absent)
    if new and len(writes) < MAX_TRANSACTION_WRITES:  # with no room, its first save or the sweep lists it
        writes += created_writes(org)  # a new org: no upgrade has older items of it
    return writes, SaveResult(created, updated, len(wanted) - created - updated)


def org_timezone(store: Store, org: str) -> str:
    """The org's time zone (UTC for an org without a profile)."""
    profile = load_business(store, org)
    return profile.org.timezone if profile else "UTC"


def load_business(store: Store, org: str) -> BusinessProfile | None:
    """The org's profile, or None if the org does not exist.

    Every booking and crew page reads it, so the last profile validated is kept per org and reused
    while the records read are equal to the ones it was built from (a dict comparison, far cheaper
    than validating again): a change from any process shows on the next read."""
    profile = store.get(org_pk(org), "PROFILE")
    if profile is None:
        return None
    records = [profile, *all_items(store, org_pk(org), "ENTITY#"), *all_items(store, org_pk(org), "ASSET#")]
    raw = [(i.sk, i.data) for i in records]
    cached = _validated.get(org)
    if cached is not None and cached[0] == raw:
        return cached[1]
    built = BusinessProfile(
        org=Org.model_validate(profile.data),
        entities=tuple(Entity.model_validate(data) for sk, data in raw if sk.startswith("ENTITY#")),
        assets=tuple(Asset.model_validate(data) for sk, data in raw if sk.startswith("ASSET#")),
    )
    if len(_validated) >= _VALIDATED_MAX:
        _validated.clear()
    _validated[org] = (raw, built)
    return built


#: The last profile validated per org, with the records it was built from (frozen models: safe to share).
_validated: dict[str, tuple[list[tuple[str, Any]], BusinessProfile]] = {}
_VALIDATED_MAX = 256


def list_orgs(store: Store) -> list[str]:
    """Every org id, sorted."""
    return [i.sk for i in all_items(store, ORGS_PK, "")]
