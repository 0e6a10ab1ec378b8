"""Checking an org file whole: every problem of its sections, tables, ids, addresses and roles at once."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from firstmate.domain.business import (
    ROLE_NAME,
    Asset,
    BusinessProfile,
    Entity,
    Org,
    named_twice,
    unclaimable_roles,
)
from firstmate.domain.intake import RowError
from firstmate.domain.people import Person, role_kind
from firstmate.domain.shared import problem_words
from firstmate.errors import DataRejected
from firstmate.services.org_setup.setup import OrgSetup
from firstmate.services.org_setup.tables import read_many, read_one

SECTIONS = ("org", "entities", "assets", "people")
#: The kinds of role every org has (`captain`; `crew` for crew_1, crew_2…), whatever its boats ask for now.
STANDARD_KINDS = frozenset({"captain", "crew"})


def check_org(raw: Mapping[str, Any]) -> OrgSetup:
    """The org file's profile and people; DataRejected lists every problem (nothing is saved)."""
    errors = [RowError(str(k), f"is not a section of an org file; the sections are {', '.join(SECTIONS)}")
              for k in raw if k not in SECTIONS]  # fmt: skip
    if "org" not in raw:
        needs = "the file needs an [org] table with id, name, owner_email and ops_email"
        errors.append(RowError("org", f"is missing: {needs}"))
    org = read_one(Org, raw.get("org"), "org", errors) if "org" in raw else None
    entities = read_many(Entity, raw.get("entities", []), "entities", errors)
    assets = read_many(Asset, raw.get("assets", []), "assets", errors)
    people = read_many(Person, raw.get("people", []), "people", errors)
    errors += _repeats("entities", [e.id for e in entities], "id")
    errors += _repeats("assets", [a.id for a in assets], "id")
    errors += _repeats("people", [p.id for p in people], "id")
    errors += _shared_addresses(people)  # a sign-in link goes to one person
    errors += [RowError("assets", problem) for problem in unclaimable_roles(assets) + named_twice(assets)]
    # a line or a boat whose table has a problem of its own (told above) still counts as written
    known = {e.id for e in entities} | _written(raw.get("entities"), "id")
    errors += [RowError(f"assets {a.id!r}.entity", f"names {a.entity!r}, no business line of this file; "
                        f"they are: {', '.join(sorted(known)) or 'none yet'}")
               for a in assets if a.entity not in known]  # fmt: skip
    # captain and crew are firstmate's own kinds of role (a fleet of captain-only boats may take on crew later);
    # another qualification is a boat's role's or a slip ("deckhand" where the boats ask for crew_1)
    named = {role_kind(r) for a in assets for r in a.roles} | _written_roles(raw.get("assets"))
    kinds = sorted(STANDARD_KINDS | {k for k in named if re.match(ROLE_NAME, k)})  # "Deck hand" is told above
    roles = f"the kinds of role are {', '.join(kinds)}"
    errors += [RowError(f"people {p.id!r}.qualifications", f"{q!r} is no boat's role; {roles}")
               for p in people for q in p.qualifications if q not in kinds]  # fmt: skip
    if errors or org is None:
        raise DataRejected(errors)
    try:
        profile = BusinessProfile(org=org, entities=tuple(entities), assets=tuple(assets))
    except ValidationError as exc:  # anything the profile's own checks find beyond the ones above
        raise DataRejected([RowError("the file", problem_words(p)) for p in exc.errors()]) from None
    return OrgSetup(profile, tuple(people), frozenset(_no_waiver(raw.get("entities"))))


def _no_waiver(tables: Any) -> set[str]:
    """The ids of the business lines whose tables, as written, have no `waiver`."""
    if not isinstance(tables, list):
        return set()
    return {t["id"] for t in tables if isinstance(t, Mapping) and isinstance(t.get("id"), str) and "waiver" not in t}


def _written(tables: Any, key: str) -> set[str]:
    """The text values of `key` in a section's tables as written, whether or not the tables are right."""
    if not isinstance(tables, list):
        return set()
    return {t[key] for t in tables if isinstance(t, Mapping) and isinstance(t.get(key), str)}


def _written_roles(tables: Any) -> set[str]:
    """The role kinds the assets' tables name as written (an asset without roles has the default ones)."""
    default = Asset.model_fields["roles"].default
    roles = [t.get("roles", default) for t in tables if isinstance(t, Mapping)] if isinstance(tables, list) else []
    return {role_kind(r) for each in roles if isinstance(each, list | tuple) for r in each if isinstance(r, str)}


def _repeats(section: str, values: list[str], what: str) -> list[RowError]:
    counts = Counter(values)
    return [RowError(f"{section} {what}", f"{value!r} is written {n} times; each {what} is one")
            for value, n in counts.items() if n > 1]  # fmt: skip


def _shared_addresses(people: list[Person]) -> list[RowError]:
    """One problem for each address two or more people are given, naming them: which one to change."""
    holders: dict[str, list[str]] = {}
    for person in people:
        holders.setdefault(person.email, []).append(person.id)
    return [RowError("people email", f"{address!r} is given to {', '.join(repr(i) for i in ids)}: a sign-in link "
                     "goes to one person, so give each their own address")
            for address, ids in holders.items() if len(ids) > 1]  # fmt: skip
