"""Crew members and admins of an org."""

from __future__ import annotations

from firstmate.domain.people import Person
from firstmate.domain.shared import STORED
from firstmate.errors import NotFound
from firstmate.ports import Absent, Item, Put, Store, VersionIs
from firstmate.services.business import org_pk
from firstmate.services.paging import all_items


def person_key(org: str, person_id: str) -> tuple[str, str]:
    """Where a person is stored."""
    return org_pk(org), f"PERSON#{person_id}"


def person_item(org: str, person: Person) -> Item:
    """The store item for a person, indexed by email for sign-in."""
    return Item(
        *person_key(org, person.id),
        person.model_dump(mode="json"),
        gsi1pk=f"EMAIL#{person.email}",
        gsi1sk=f"{org}#{person.id}",
    )


def save_people(store: Store, org: str, people: list[Person]) -> int:
    """Create or update people; returns how many records changed. Idempotent."""
    writes = people_writes(store, org, people)
    for start in range(0, len(writes), 50):
        store.transact(writes[start : start + 50])
    return len(writes)


def people_writes(store: Store, org: str, people: list[Person]) -> list[Put]:
    """The writes that would save `people` (the records that changed)."""
    writes: list[Put] = []
    for person in people:
        item = person_item(org, person)
        current = store.get(item.pk, item.sk)
        if current is None:
            writes.append(Put(item, Absent()))
        elif dict(current.data) != dict(item.data):
            writes.append(Put(item, VersionIs(current.version)))
    return writes


def list_people(store: Store, org: str) -> list[Person]:
    """Every person of the org, by id."""
    return [Person.model_validate(i.data, context=STORED) for i in all_items(store, org_pk(org), "PERSON#")]


def get_person(store: Store, org: str, person_id: str) -> Person:
    """One person; raises NotFound."""
    item = store.get(*person_key(org, person_id))
    if item is None:
        raise NotFound(f"no person {person_id!r} in this org")
    return Person.model_validate(item.data, context=STORED)


def crew_for_roles(store: Store, org: str, roles: tuple[str, ...]) -> list[Person]:
    """Active people qualified for at least one of `roles`: who hears about a new trip."""
    return [p for p in list_people(store, org) if p.active and any(p.may_take(r) for r in roles)]
