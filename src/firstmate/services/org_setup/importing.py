"""Saving an org's profile and people, touching only what changed, and naming what the store keeps beyond
the file; those made crew asked to crew, and guests asked to sign a line's new waiver text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from firstmate.domain.business import (
    AssetKind,
    BusinessProfile,
    Entity,
)
from firstmate.domain.intake import RowError
from firstmate.domain.people import Person
from firstmate.errors import DataRejected, StoreError
from firstmate.ports import MAX_TRANSACTION_WRITES, Put, Store, Write
from firstmate.services.business import MAX_LINES_AND_ASSETS, business_writes, list_orgs, load_business
from firstmate.services.context import Context
from firstmate.services.crew_freed import JoinedAsks, ask_the_joined, joined
from firstmate.services.crew_owed import joined_owed
from firstmate.services.org_setup.setup import OrgSetup
from firstmate.services.people import list_people, people_writes
from firstmate.services.upgrades import created_writes
from firstmate.services.waiver_texts import NewText, follow_new_texts, marker_writes, texts_changed, would_ask


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


def _still_owed(store: Store, owed: Put) -> bool:
    """Whether the mark of an asking owed is still there, the asking having failed (the store not answering
    to say so either: as good as failed)."""
    try:
        return store.get(owed.item.pk, owed.item.sk) is not None
    except StoreError:
        return True


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
    listed = created_writes(profile.org.id)
    if len(writes) + len(crew) - len(listed) == MAX_TRANSACTION_WRITES and all(w in writes for w in listed):
        writes = [w for w in writes if w not in listed]  # one transaction still: its first save lists its lines
    if len(writes) + len(crew) <= MAX_TRANSACTION_WRITES:
        if writes or crew:
            store.transact([*writes, *crew])
        return
    if writes:
        store.transact(writes)
    for start in range(0, len(crew), 50):
        store.transact(crew[start : start + 50])


def _compared(wanted: Any, stored: Mapping[str, BaseModel]) -> Counter[str]:
    counts: Counter[str] = Counter(created=0, updated=0, unchanged=0)
    for model in wanted:
        current = stored.get(model.id)
        counts["created" if current is None else "unchanged" if current == model else "updated"] += 1
    return counts
