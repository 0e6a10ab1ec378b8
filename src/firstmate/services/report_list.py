"""Past reports as the admin page lists them (`/admin/reports`): the weekly runs, latest made first, and the
role reports, newest day first, each a page at a time from a row's place on, reading from the store only
the page and a row more, not every run and every role report since the business began.

Where the rows come from: a role report is `ORG#<org>#ROLEREPORTS` / `<role>#<as_of>`, so each role's
are read newest first from any day on (`Store.query_between`, reversed), and the roles' and orgs' are
merged. A weekly run is `ORG#<org>#INTEL` / `RUN#<run_id>`, listed by when its figures were pulled (a
backfill of an old week made today comes first), which its key does not sort by: it is indexed under
`ORG#<org>#RUNS` / `<pulled_at>#<run_id>`. Runs stored before then are given their index keys by the hourly
`sweep` job, once per org (`index_runs_pending`); until then that org's runs are read whole, as they were.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import islice
from typing import Any

from firstmate.domain.reports.document import ROLES
from firstmate.ports import Item, Store
from firstmate.services.intel import intel_pk, list_runs, run_index_keys, run_order
from firstmate.services.paging import iter_items
from firstmate.services.upgrades import is_upgraded, rekey_items, upgrade_pending

#: Where a role report stands in the list, newest first: its day, its org, its role.
RolePlace = tuple[str, str, str]
#: Where a run stands in the list, latest made first: when its figures were pulled, its run id, its org.
RunPlace = tuple[str, str, str]
#: The upgrade `index_runs` is recorded as, per org (`services.upgrades`).
_UPGRADE = "runs-listed"
_ORDER = {role: n for n, role in enumerate(ROLES)}


def role_report_place(report: dict[str, Any]) -> RolePlace:
    """Where a listed role report (with its "org") stands in the list."""
    return str(report["as_of"]), str(report["org"]), str(report["role"])


def run_place(run: dict[str, Any]) -> RunPlace:
    """Where a listed run (with its "org") stands in the list."""
    pulled, run_id = run_order(run)
    return pulled, run_id, str(run["org"])


def latest_role_reports(store: Store, orgs: Sequence[str]) -> list[dict[str, Any]]:
    """Each org's latest role report of each role, in role order: a read of one item each."""
    latest = []
    for org in orgs:
        for role in ROLES:
            for item in store.query(_roles_pk(org), f"{role}#", limit=1, reverse=True).items:
                latest.append(_role_report(org, item))
    return sorted(latest, key=lambda r: (-date.fromisoformat(r["as_of"]).toordinal(), _ORDER[r["role"]]))


def role_reports_page(
    store: Store, orgs: Sequence[str], *, after: RolePlace | None = None, limit: int = 200
) -> tuple[list[dict[str, Any]], bool]:
    """The `limit` role reports of `orgs` listed after the one at place `after` (else the newest), newest day
    first, then by org and role order; and whether older ones are listed. Reads the page and a few rows more
    (each org's and role's first read is its share of the page), not every report."""
    share = -(-(limit + 1) // max(len(orgs) * len(ROLES), 1))  # a first read: its share of the page, then more
    streams = [_role_stream(store, org, role, after, share) for org in orgs for role in ROLES]
    merged = heapq.merge(*streams, key=_role_sort_key)
    rows = list(islice(merged, limit + 1))
    return rows[:limit], len(rows) > limit


def runs_page(
    store: Store, orgs: Sequence[str], *, after: RunPlace | None = None, limit: int = 200
) -> tuple[list[dict[str, Any]], bool]:
    """The `limit` weekly runs of `orgs` listed after the one at place `after` (else the latest made), latest
    made first; and whether older ones are listed. Reads the page and a row more from each org's index (an
    org whose runs are not indexed yet: every run of it)."""
    share = -(-(limit + 1) // max(len(orgs), 1))  # an org's first read: its share of the page, then more
    streams = [_run_stream(store, org, after, share) for org in orgs]
    rows = list(islice(heapq.merge(*streams, key=run_place, reverse=True), limit + 1))
    return rows[:limit], len(rows) > limit


def index_runs(store: Store, org: str, *, most: int | None = None) -> tuple[int, bool]:
    """Give `org`'s weekly runs the index keys they are listed by (runs stored before then had none).
    Returns how many were rewritten, and whether every one is done (False when `most` rewrites were made
    first: call again). Idempotent; a run written meanwhile is left as written (with its keys)."""

    def indexed(item: Item) -> Item | None:
        if item.gsi1pk is not None:
            return None
        pk, sk = run_index_keys(org, item.sk.removeprefix("RUN#"), str(item.data.get("pulled_at", "")))
        return Item(item.pk, item.sk, item.data, ttl=item.ttl, gsi1pk=pk, gsi1sk=sk)

    return rekey_items(store, _UPGRADE, org, iter_items(store, intel_pk(org), "RUN#"), indexed, most=most)


def index_runs_pending(store: Store, orgs: Sequence[str], *, most: int = 5000) -> str:
    """`index_runs` the orgs not done yet, at most `most` rewrites a run (the hourly `sweep` job calls it).
    Says what it did."""
    rewritten, left = upgrade_pending(store, orgs, _UPGRADE, lambda org, n: index_runs(store, org, most=n), most=most)
    if not rewritten and not left:
        return ""
    return f"{rewritten} weekly runs indexed for the admin list" + (f"; more next run ({left})" if left else "")


def _roles_pk(org: str) -> str:
    return f"ORG#{org}#ROLEREPORTS"


def _role_report(org: str, item: Item) -> dict[str, Any]:
    role, _, as_of = item.sk.partition("#")
    return {"org": org, "role": role, "as_of": as_of, **item.data}


def _role_sort_key(report: dict[str, Any]) -> tuple[int, str, int]:
    """Newest day first, then by org, then in role order."""
    return -date.fromisoformat(report["as_of"]).toordinal(), report["org"], _ORDER.get(report["role"], 99)


def _role_stream(store: Store, org: str, role: str, after: RolePlace | None, share: int) -> Iterator[dict[str, Any]]:
    """`org`'s reports of `role` listed after `after`, newest first: `share` a read, then more."""
    high = f"{role}#{after[0]}" if after else f"{role}$"  # "$" follows "#": after every day of the role
    bound = _role_sort_key({"as_of": after[0], "org": after[1], "role": after[2]}) if after else None
    cursor: str | None = None
    size = max(share, 2)
    while True:
        page = store.query_between(_roles_pk(org), f"{role}#", high, limit=size, cursor=cursor, reverse=True)
        for item in page.items:
            report = _role_report(org, item)
            if bound is None or _role_sort_key(report) > bound:
                yield report
        if page.cursor is None:
            return
        cursor, size = page.cursor, max(size * 2, 10)


def _run_stream(store: Store, org: str, after: RunPlace | None, size: int) -> Iterator[dict[str, Any]]:
    """`org`'s runs listed after `after`, latest made first, from its index (`size` a first read, then more),
    or read whole when they are not indexed yet."""
    if not is_upgraded(store, _UPGRADE, org):
        runs = [{"org": org, **run} for run in list_runs(store, org)]
        yield from (run for run in runs if after is None or run_place(run) < after)
        return
    index, _ = run_index_keys(org, "", "")
    high = f"{after[0]}#{after[1]}" if after else "~"  # "~" follows every time (a digit first)
    cursor: str | None = None
    size = max(size, 2)
    while True:
        page = store.query_index_between(index, " ", high, limit=size, cursor=cursor, reverse=True)
        for item in page.items:
            run = {"org": org, "run_id": item.sk.removeprefix("RUN#"), **item.data}
            if after is None or run_place(run) < after:
                yield run
        if page.cursor is None:
            return
        cursor, size = page.cursor, max(size * 2, 10)
