"""One-off upgrades of stored data, done once per org by the hourly `sweep` job, a few thousand items a
run: each org's is recorded done under `SYSTEM#UPGRADES` (`<upgrade>#<org>`), so it is never read again."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence

from firstmate.errors import ConditionFailed
from firstmate.ports import Absent, Item, Put, Store, VersionIs

UPGRADES_PK = "SYSTEM#UPGRADES"
#: The upgrades with nothing to do for an org created now, every item of it being written as they want it (revenue
#: lines listed by sale, `data_refs`): recorded done as it is created, so neither the sweep nor a save lists it.
DONE_AT_CREATION = ("data-refs",)


def upgrade_key(upgrade: str, org: str) -> tuple[str, str]:
    """Where `upgrade` is recorded done for `org`."""
    return UPGRADES_PK, f"{upgrade}#{org}"


def is_upgraded(store: Store, upgrade: str, org: str) -> bool:
    """Whether `upgrade` went through `org`'s items."""
    return store.get(*upgrade_key(upgrade, org)) is not None


def created_writes(org: str) -> list[Put]:
    """The records of the upgrades `org` needs none of, created now (`DONE_AT_CREATION`), for the transaction
    creating it."""
    return [Put(Item(*upgrade_key(upgrade, org), {"org": org})) for upgrade in DONE_AT_CREATION]


def mark_upgraded(store: Store, upgrade: str, org: str) -> None:
    """Record that `upgrade` went through `org`'s items (once: a second record changes nothing)."""
    with contextlib.suppress(ConditionFailed):  # recorded already
        store.put(Item(*upgrade_key(upgrade, org), {"org": org}), Absent())


def upgrade_pending(
    store: Store, orgs: Sequence[str], upgrade: str, step: Callable[[str, int], tuple[int, bool]], *, most: int
) -> tuple[int, str]:
    """Run `step(org, at_most)` (items changed, whether the org is done) on the orgs `upgrade` has not been
    through, `most` items in all; how many were changed, and the org left for the next run ("" if none)."""
    done = store.get_many([upgrade_key(upgrade, org) for org in orgs])
    changed = 0
    for org, record in zip(orgs, done, strict=True):
        if record is not None:
            continue
        count, finished = step(org, most - changed)
        changed += count
        if not finished:
            return changed, org
    return changed, ""


def rekey_items(
    store: Store, upgrade: str, org: str, items: Iterable[Item], rekeyed: Callable[[Item], Item | None],
    *, most: int | None = None,
) -> tuple[int, bool]:  # fmt: skip
    """Write each of `org`'s `items` as `rekeyed` gives it (None: left as it is), each only if unchanged since
    read (one written meanwhile is left as written), at most `most`; then record `upgrade` done for `org`.
    Returns how many were rewritten, and whether every one is done (False when `most` were first: call again)."""
    rewritten = 0
    for item in items:
        new = rekeyed(item)
        if new is None:
            continue
        if most is not None and rewritten >= most:
            return rewritten, False
        try:
            store.put(new, VersionIs(item.version))
        except ConditionFailed:
            continue
        rewritten += 1
    mark_upgraded(store, upgrade, org)
    return rewritten, True
