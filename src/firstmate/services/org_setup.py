"""Setting up an org from its file: the business profile and its people, checked whole, then saved.

`check_org` lists every problem of the file at once (where, and what to fix); `import_org` saves what
changed, and names what the store holds that the file no longer does (kept: bookings, trips and
sign-ins name them; a person leaves the crew with `active = false`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from firstmate.domain.bookings import LINE_BREAKS, ONE_LINE, ONE_LINE_WORDS
from firstmate.domain.business import (
    ROLE_NAME,
    Asset,
    AssetKind,
    BusinessProfile,
    Entity,
    Org,
    named_twice,
    unclaimable_roles,
)
from firstmate.domain.calendar import EntryKind
from firstmate.domain.intake import RowError
from firstmate.domain.people import Person, role_kind
from firstmate.domain.shared import model_at, problem_words
from firstmate.domain.timing import when
from firstmate.errors import DataRejected, NotFound, StoreError
from firstmate.ports import MAX_TRANSACTION_WRITES, Put, Store, Write
from firstmate.services.bookings import get_booking, over_limit
from firstmate.services.business import MAX_LINES_AND_ASSETS, business_writes, list_orgs, load_business
from firstmate.services.context import Context
from firstmate.services.crew_freed import JoinedAsks, ask_the_joined, joined
from firstmate.services.crew_owed import joined_owed
from firstmate.services.people import list_people, people_writes
from firstmate.services.trips import calendar_between
from firstmate.services.waiver_texts import NewText, follow_new_texts, marker_writes, texts_changed, would_ask

SECTIONS = ("org", "entities", "assets", "people")
#: The kinds of role every org has (`captain`; `crew` for crew_1, crew_2…), whatever its boats ask for now.
STANDARD_KINDS = frozenset({"captain", "crew"})
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class OrgSetup:
    """An org file, checked: the profile and its people."""

    profile: BusinessProfile
    people: tuple[Person, ...]
    #: the business lines whose table writes no `waiver`: a stored one keeps its text (a new one takes the default)
    no_waiver: frozenset[str] = frozenset()


@dataclass
class OrgImport:
    """What an import did (or, dry, would do): counts per kind, and what the store keeps beyond the file."""

    org: str
    new_org: bool
    changes: dict[str, Counter[str]] = field(default_factory=dict)
    #: ids stored but not in the file, per kind: kept as they are
    kept: dict[str, list[str]] = field(default_factory=dict)
    #: for a new org, the other orgs the home holds (an org's id changed in the file makes another org)
    others: list[str] = field(default_factory=list)
    #: the org's time zone before and after, when the file changes it
    zone_change: tuple[str, str] | None = None
    #: assets stored before whose roles the file changes (trips booked keep the roles they had)
    roles_changed: list[str] = field(default_factory=list)
    #: boats without a role: their trips call no crew
    no_roles: list[str] = field(default_factory=list)
    #: people made active, qualified or added, per id: the trips they are (dry: would be) asked to crew, and
    #: those they wait for, busy then (`crew_freed.ask_the_joined`)
    joined: JoinedAsks = field(default_factory=JoinedAsks)
    #: of those, the ids of the people whose asking failed (the store not answering): the `fanouts` job asks them
    asks_owed: list[str] = field(default_factory=list)
    #: business lines whose waiver has new words: how many guests of their trips still to sail who signed the
    #: earlier text are (dry: would be) asked to sign it (`waiver_texts`)
    new_texts: list[NewText] = field(default_factory=list)
    #: the business lines the file writes without a `waiver` whose stored text (other than the default) is kept
    waivers_kept: list[Entity] = field(default_factory=list)


def check_org(raw: Mapping[str, Any]) -> OrgSetup:
    """The org file's profile and people; DataRejected lists every problem (nothing is saved)."""
    errors = [RowError(str(k), f"is not a section of an org file; the sections are {', '.join(SECTIONS)}")
              for k in raw if k not in SECTIONS]  # fmt: skip
    if "org" not in raw:
        needs = "the file needs an [org] table with id, name, owner_email and ops_email"
        errors.append(RowError("org", f"is missing: {needs}"))
    org = _one(Org, raw.get("org"), "org", errors) if "org" in raw else None
    entities = _many(Entity, raw.get("entities", []), "entities", errors)
    assets = _many(Asset, raw.get("assets", []), "assets", errors)
    people = _many(Person, raw.get("people", []), "people", errors)
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


def import_org(store: Store, setup: OrgSetup, *, dry_run: bool = False, ctx: Context | None = None) -> OrgImport:
    """Save the org's profile and people, touching only what changed (`dry_run`: say what would change,
    change nothing). Entities, assets and people stored but not in the file are kept, and named.
    DataRejected, dry or not, for more business lines and assets than an org holds. With `ctx`, those made
    active or qualified are asked to crew the trips to come that did not ask them (`ask_the_joined`), and the
    guests of trips to come who signed a line's earlier waiver text are asked to sign its new one
    (`waiver_texts.follow_new_texts`, which also follows what an import that stopped midway left)."""
    org = setup.profile.org.id
    before = load_business(store, org)
    profile, kept_texts = _stored_waivers(setup, before)
    people_before = {p.id: p for p in list_people(store, org)}
    result = OrgImport(org=org, new_org=before is None, waivers_kept=kept_texts)
    result.others = [o for o in list_orgs(store) if o != org] if before is None else []
    if before is not None and before.org.timezone != profile.org.timezone:
        result.zone_change = (before.org.timezone, profile.org.timezone)
    stored_entities = {e.id: e for e in before.entities} if before else {}
    stored_assets = {a.id: a for a in before.assets} if before else {}
    result.changes["org"] = _compared([profile.org], {before.org.id: before.org} if before else {})
    result.changes["entities"] = _compared(profile.entities, stored_entities)
    result.changes["assets"] = _compared(profile.assets, stored_assets)
    result.changes["people"] = _compared(setup.people, people_before)
    # a profile saved is the file's alone: what the store holds beyond it goes into the profile kept
    entities = (*profile.entities, *(e for i, e in stored_entities.items() if profile.entity(i) is None))
    assets = (*profile.assets, *(a for i, a in stored_assets.items() if profile.asset(i) is None))
    result.kept = {
        "entities": sorted(set(stored_entities) - {e.id for e in profile.entities}),
        "assets": sorted(set(stored_assets) - {a.id for a in profile.assets}),
        "people": sorted(set(people_before) - {p.id for p in setup.people}),
    }
    if (held := len(entities) + len(assets)) > MAX_LINES_AND_ASSETS:
        kept = len(result.kept["entities"]) + len(result.kept["assets"])
        beyond = f", {kept} of them kept from before, not in the file" if kept else ""
        lines = f"{len(entities)} business line(s) and {len(assets)} asset(s)"
        problem = f"the org would hold {lines}, {held} in all{beyond}; an org holds at most {MAX_LINES_AND_ASSETS}"
        raise DataRejected([RowError("assets", problem)])
    result.roles_changed = sorted(
        a.id for a in profile.assets if a.id in stored_assets and a.roles != stored_assets[a.id].roles
    )
    result.no_roles = sorted(a.id for a in profile.assets if a.kind is AssetKind.BOAT and not a.roles)
    saved = profile.model_copy(update={"entities": entities, "assets": assets})
    new_texts = texts_changed(before, profile)
    asking = ctx is not None and before is not None  # a new org has no trips
    # asking those made crew is owed with their saving: a crash or a store failing after it, the job asks them
    owed = joined_owed(org, people_before, setup.people, ctx.clock.now()) if ctx and asking and not dry_run else None
    if not dry_run:  # each line's new text saved with the marker that has its trips follow it
        _save(store, saved, setup.people, marker_writes(org, new_texts), owed)
    if ctx is not None and asking:
        result.joined = ask_the_joined(ctx, saved, people_before, setup.people, dry_run=dry_run, owed=owed)
        if owed is not None and _still_owed(store, owed):  # the asking failed, logged: the operator is told too
            result.asks_owed = sorted(p.id for p in joined(people_before, setup.people))
        result.new_texts = would_ask(ctx, saved, new_texts) if dry_run else follow_new_texts(ctx, org)
    return result


def _stored_waivers(setup: OrgSetup, before: BusinessProfile | None) -> tuple[BusinessProfile, list[Entity]]:
    """The file's profile with each stored line it writes without a `waiver` keeping its stored text (an import keeps
    what the file leaves out: the default text would ask the line's signed guests to sign it), and those lines whose
    stored text is not the default one (kept, where the file alone would have changed it)."""
    profile = setup.profile
    if before is None or not setup.no_waiver:
        return profile, []
    entities, kept = [], []
    for entity in profile.entities:
        stored = before.entity(entity.id)
        if entity.id in setup.no_waiver and stored is not None and stored.waiver != entity.waiver:
            entity = entity.model_copy(update={"waiver": stored.waiver})
            kept.append(entity)
        entities.append(entity)
    return profile.model_copy(update={"entities": tuple(entities)}), kept


def _no_waiver(tables: Any) -> set[str]:
    """The ids of the business lines whose tables, as written, have no `waiver`."""
    if not isinstance(tables, list):
        return set()
    return {t["id"] for t in tables if isinstance(t, Mapping) and isinstance(t.get("id"), str) and "waiver" not in t}


def _still_owed(store: Store, owed: Put) -> bool:
    """Whether the mark of an asking owed is still there, the asking having failed (the store not answering
    to say so either: as good as failed)."""
    try:
        return store.get(owed.item.pk, owed.item.sk) is not None
    except StoreError:
        return True


#: How far ahead `over_new_limits` looks for bookings: channels sell a season or two ahead.
LIMIT_HORIZON = timedelta(days=3 * 366)


def over_new_limits(store: Store, before: BusinessProfile | None, after: BusinessProfile, now: datetime) -> list[str]:
    """The bookings still to sail (or under way) over a passenger limit that `after` sets or lowers on a boat,
    in words with what to do: a limit is checked as a booking arrives, so one set on a boat already booked was
    checked against none of its bookings. Bookings within the limit, cancelled or over are not named."""
    boats = {asset.id for asset in after.assets if _limit_set_or_lowered(asset, before)}
    if not boats:
        return []
    org, zone, lines = after.org.id, after.org.timezone, []
    for entry in calendar_between(store, org, now, now + LIMIT_HORIZON, timedelta(days=7)):
        if entry.kind is not EntryKind.BOOKING or entry.cancelled or entry.asset not in boats or not entry.booking_id:
            continue
        try:
            booking = get_booking(store, org, entry.booking_id)
        except NotFound:  # gone meanwhile: nothing to move
            continue
        if line := over_limit(after, booking):
            request = booking.request
            lines.append(
                f"{request.source} {request.external_id} ({when(request.start, zone)}, {request.lead_guest.name}): "
                f"{line}"
            )
    return lines


def _limit_set_or_lowered(asset: Asset, before: BusinessProfile | None) -> bool:
    """Whether `asset` is a boat whose passenger limit is new, or lower than `before` had it."""
    if asset.kind is not AssetKind.BOAT or asset.max_guests is None:
        return False
    was = before.asset(asset.id) if before is not None else None
    return was is None or was.max_guests is None or asset.max_guests < was.max_guests


def _save(
    store: Store, profile: BusinessProfile, people: tuple[Person, ...], markers: list[Put], owed: Put | None = None
) -> None:
    """The profile and its people in one transaction when they fit in one (an org of up to a hundred records
    changed: a store failing midway then leaves it as it was, never half imported); else the profile, then the
    people in transactions of fifty. `markers` go with the profile; `owed` (the asking of those made crew) with
    the first people written."""
    writes, _ = business_writes(store, profile)
    writes += markers
    crew: list[Write] = [*([owed] if owed else []), *people_writes(store, profile.org.id, list(people))]
    if len(writes) + len(crew) <= MAX_TRANSACTION_WRITES:
        if writes or crew:
            store.transact([*writes, *crew])
        return
    if writes:
        store.transact(writes)
    for start in range(0, len(crew), 50):
        store.transact(crew[start : start + 50])


def org_tables(profile: BusinessProfile, people: list[Person]) -> dict[str, Any]:
    """A stored org as an org file's tables (what `org_toml` writes)."""
    return {
        "org": profile.org.model_dump(mode="json"),
        "entities": [e.model_dump(mode="json") for e in profile.entities],
        "assets": [a.model_dump(mode="json") for a in profile.assets],
        "people": [p.model_dump(mode="json") for p in people],
    }


def _compared(wanted: Any, stored: Mapping[str, BaseModel]) -> Counter[str]:
    counts: Counter[str] = Counter(created=0, updated=0, unchanged=0)
    for model in wanted:
        current = stored.get(model.id)
        counts["created" if current is None else "unchanged" if current == model else "updated"] += 1
    return counts


def _one(model: type[M], data: Any, where: str, errors: list[RowError]) -> M | None:
    """`data` as `model`, or None with its problems added to `errors`, each where it is in the file."""
    if not isinstance(data, Mapping):
        errors.append(RowError(where, "must be a table of settings"))
        return None
    try:
        found = model.model_validate(data)
    except ValidationError as exc:
        for problem in exc.errors():
            path = "".join(f" #{p + 1}" if isinstance(p, int) else f".{p}" for p in problem["loc"])
            errors.append(RowError(f"{where}{path}", _in_file_words(model, problem)))
        return None
    # a name is a mail's subject, a greeting, a line of a page: a line break or a control character in it is a slip
    broken = [k for k in _ONE_LINE if isinstance(v := getattr(found, k, None), str) and not _one_line(v)]
    errors += [RowError(f"{where}.{k}", f"{ONE_LINE_WORDS}: {getattr(found, k)!r}") for k in broken]
    return None if broken else found


#: The settings of an org file's tables that are one line of text.
_ONE_LINE = ("name", "phone")


def _one_line(text: str) -> bool:
    return bool(re.match(ONE_LINE, text)) and text == text.strip() and not any(c in LINE_BREAKS for c in text)


#: How each list of an org file is written, for a value that is not one.
_LIST_LIKE = {
    "roles": '["captain", "crew_1"]',
    "qualifications": '["captain", "crew"]',
    "what_to_bring": '["Sunscreen", "Photo ID"]',
    "report_recipients": '["owner@example.com"]',
    "role_recipients": '["cfo@example.com"]',
    "checklist": '[{ key = "fuel", phase = "pre_event", label = "Fuel checked" }]',
}
#: What a setting checked against a pattern must look like, by its name.
_PATTERN_WORDS = {
    "primary_colour": "must be a colour written #rrggbb, like #0b3d5c",
    "accent_colour": "must be a colour written #rrggbb, like #f2a541",
    "logo_url": "must be an https:// address or a /static/ path, with no spaces",
    "meta_ad_account": 'must be the ad account\'s digits alone (without act_), in quotes, like "1001"',
    "key": "must be a lower-case word of letters, digits and underscores, like life_jackets",
}


def _in_file_words(model: type[BaseModel], problem: Mapping[str, Any]) -> str:
    """A validation problem of an org file's table in the words of the file (TOML's text, lists, tables,
    true or false), rather than pydantic's (a "valid tuple", "Field required", a regular expression)."""
    kind, loc = problem["type"], problem["loc"]
    names = [p for p in loc if isinstance(p, str)]
    name = names[-1] if names else ""
    if loc[:1] == ("role_recipients",) and len(loc) == 2 and name in Org.model_fields:
        return (f"{name} is a setting of [org], read here as a role because it is written below "
                "[org.role_recipients]: move it above that line")  # fmt: skip
    if kind == "missing":
        return "is missing; add it"
    if kind == "extra_forbidden":
        settings = ", ".join(model_at(model, loc[:-1]).model_fields)
        return f"is not a setting here; the settings are {settings}"
    if kind == "string_type":
        return 'must be text in quotes, like "…"'
    if kind in ("tuple_type", "list_type"):
        like = _LIST_LIKE.get(names[0] if names else "", '["…"]')
        return f"must be a list in square brackets, like {like}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        if name == "role_recipients":
            return 'must be a table: a line [org.role_recipients], then a line for each role, like cfo = ["…"]'
        return 'must be a table, like { key = "fuel", phase = "pre_event", label = "Fuel checked" }'
    if kind in ("bool_type", "bool_parsing"):
        return "must be true or false, without quotes"
    if kind in ("int_type", "int_parsing"):  # a count: a boat's max_guests
        return "must be a whole number without quotes, like 12"
    if kind in ("float_type", "float_parsing"):
        return "must be a number without quotes, like 37.8087"
    if kind == "string_pattern_mismatch" and name in _PATTERN_WORDS:
        return _PATTERN_WORDS[name]
    if kind == "string_too_short":
        least = (problem.get("ctx") or {}).get("min_length", 1)
        return "must not be empty" if least == 1 else f"must be at least {least} characters long"
    if kind == "string_too_long":
        return f"must be at most {(problem.get('ctx') or {}).get('max_length')} characters long"
    if kind in ("enum", "literal_error"):  # "must be 'boat' or 'vehicle'", after the setting's name
        return "must be " + str((problem.get("ctx") or {}).get("expected", ""))
    return problem_words(problem)


def _many(model: type[M], data: Any, section: str, errors: list[RowError]) -> list[M]:
    if not isinstance(data, list):
        errors.append(RowError(section, f"must be a list of tables, each written [[{section}]]"))
        return []
    found = []
    for number, item in enumerate(data, start=1):
        name = item.get("id") if isinstance(item, Mapping) else None
        where = f"{section} {name!r}" if isinstance(name, str) and name else f"{section} #{number}"
        if (one := _one(model, item, where, errors)) is not None:
            found.append(one)
    return found


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
