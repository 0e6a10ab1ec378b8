"""Asking crew, owed: never lost to a crash or a store failing after the change that calls for it.

A change that frees someone (a trip cancelled, moved, or a role left: `crew_freed.ask_the_freed`) or makes
someone crew (`org import` making them active or qualified: `crew_freed.ask_the_joined`) writes, in its own
transaction, a mark that asking is owed:

    ORG#<org>#ASKS  freed#<token>   → {"org", "kind": "freed", "event", "booking", "start", "end", "people", "moved"}
    ORG#<org>#ASKS  joined#<token>  → {"org", "kind": "joined", "people": {<person id>: <as they were> | null}}

The asking that follows drops it once done. The `fanouts` job (`complete_owed_asks`) asks again for each mark
left `ASK_GRACE` after it was written, then drops it. Asking twice sends nothing twice: who is asked leaves the
trip's list in the message's own write, and a trip that ever sent someone a crew message does not ask them again.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog

from firstmate.domain.business import BusinessProfile
from firstmate.domain.crew import CrewEvent
from firstmate.domain.people import Person
from firstmate.domain.shared import iso, to_epoch
from firstmate.errors import StoreError
from firstmate.ports import Delete, Item, Put
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.crew_freed import ask_freed, ask_joined, ask_listed, freed_by, joined, moved_to_ask
from firstmate.services.people import list_people

#: The index listing the marks, by the moment each was written (zero-padded epoch seconds first).
ASK_INDEX = "CREWASK#OWED"
#: How long the job leaves a mark to the change that wrote it, which asks at once.
ASK_GRACE = timedelta(minutes=5)

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class OwedAsks:
    """What one pass of `complete_owed_asks` did: marks finished, people asked, marks left for the next pass."""

    finished: int = 0
    asked: int = 0
    left: int = 0


def freed_owed(org: str, before: CrewEvent, after: CrewEvent, now: datetime) -> Put | None:
    """The mark that `before` changing to `after` owes the asking of those it frees or may now take (see the
    module's notes), for the change's own transaction; None when it frees nobody and did not move."""
    freed, moved = freed_by(before, after), moved_to_ask(before, after)
    if not freed and not moved:
        return None
    data = {"kind": "freed", "event": before.id, "booking": after.booking_id, "start": iso(before.start),
            "end": iso(before.end), "people": sorted(freed), "moved": moved}  # fmt: skip
    return _mark(org, data, now)


def joined_owed(org: str, before: Mapping[str, Person], after: Iterable[Person], now: datetime) -> Put | None:
    """The mark that saving `after` (the people were `before`) owes the asking of those it makes crew
    (`crew_freed.joined`), for the save's own transaction; None when it makes nobody crew."""
    people = joined(before, after)
    if not people:
        return None
    was = {p.id: (before[p.id].model_dump(mode="json") if p.id in before else None) for p in people}
    return _mark(org, {"kind": "joined", "people": was}, now)


def _mark(org: str, data: dict[str, Any], now: datetime) -> Put:
    sk = f"{data['kind']}#{secrets.token_hex(6)}"  # a mark of its own per change: the job drops only those it read
    order = f"{to_epoch(now):012d}#{org}#{sk}"
    return Put(Item(f"ORG#{org}#ASKS", sk, {"org": org, **data}, gsi1pk=ASK_INDEX, gsi1sk=order))


def complete_owed_asks(ctx: Context, *, limit: int = 100) -> OwedAsks:
    """Ask for each mark written at least `ASK_GRACE` ago (up to `limit`, oldest first) what its change owed,
    and drop it. A mark whose asking the store failed is kept for the next pass; one that can never be done is
    logged and dropped. Idempotent, and safe to run in two processes at once: nobody is asked twice."""
    due = to_epoch(ctx.clock.now() - ASK_GRACE)
    finished = asked = left = 0
    profiles: dict[str, BusinessProfile | None] = {}
    for listed in ctx.store.query_index(ASK_INDEX, limit=limit).items:
        if int((listed.gsi1sk or "0").partition("#")[0]) > due:
            break  # ordered by when they were written: the rest are newer still
        try:
            mark = ctx.store.get(listed.pk, listed.sk)  # the index may lag: dropped meanwhile, by its writer
            if mark is None:
                continue
            asked += _ask_owed(ctx, mark, profiles)
            ctx.store.transact([Delete(mark.pk, mark.sk)])
        except StoreError as exc:
            log.warning("crew.owed_ask_failed", mark=listed.sk, error=str(exc))
            left += 1
            continue
        except Exception:  # one mark that cannot be done must not stop the others
            log.exception("crew.owed_ask_impossible", mark=listed.sk)
            ctx.store.transact([Delete(listed.pk, listed.sk)])
        finished += 1
    return OwedAsks(finished, asked, left)


def _ask_owed(ctx: Context, mark: Item, profiles: dict[str, BusinessProfile | None]) -> int:
    """Ask what `mark` owes; how many were asked just now."""
    org = str(mark.data["org"])
    if org not in profiles:
        profiles[org] = load_business(ctx.store, org)
    profile, data = profiles[org], mark.data
    if profile is None:  # the org is gone: nobody to ask
        return 0
    if data["kind"] == "joined":
        was = {i: Person.model_validate(p) for i, p in data["people"].items() if p is not None}
        now = [p for p in list_people(ctx.store, org) if p.id in data["people"]]  # as they are now: one made
        # inactive since is asked nothing; the import's own batch: the mail listing their trips is the one it began
        return sum(ask_joined(ctx, profile, was, now, batch=mark.sk.partition("#")[2]).asked.values())
    start, end = datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"])
    asked = ask_freed(ctx, profile, data["event"], start, end, data["people"])
    return asked + (ask_listed(ctx, profile, data["booking"]) if data["moved"] else 0)
