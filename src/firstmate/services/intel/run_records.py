"""Where an org's runs are recorded (`intel_pk`, `run_index_keys`), how they are listed (`list_runs`, `run_order`,
`run_said`), which runs reported a week and which sent it (`runs_reporting`, `run_items_reporting`, `note_sent`,
`sender_of`), and the ad accounts' zones the latest run recorded."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from firstmate.errors import BlobError
from firstmate.ports import Item, Store
from firstmate.services.context import Context
from firstmate.services.paging import all_items


def list_runs(store: Store, org: str) -> list[dict[str, Any]]:
    """Past runs, the latest made first (a run id begins with its week: a backfill of an old week made
    today was listed last)."""
    runs = [{"run_id": i.sk.removeprefix("RUN#"), **i.data} for i in all_items(store, intel_pk(org), "RUN#")]
    return sorted(runs, key=run_order, reverse=True)


def recorded_account_zones(ctx: Context, org: str) -> dict[str, str | None]:
    """The zone each ad account counts its days in, as the org's latest run recorded them (its manifest's
    `account_zones`); {} before any run, once its archive is swept (90 days), or from a run that kept none."""
    runs = list_runs(ctx.store, org)
    if not runs:
        return {}
    try:
        manifest = json.loads(ctx.blobs.get(f"raw/{org}/{runs[0]['run_id']}/manifest.json"))
    except (BlobError, ValueError):  # what a start-up warning reads: none said rather than a start refused
        return {}
    zones = manifest.get("account_zones") if isinstance(manifest, dict) else None
    return {str(a): z if isinstance(z, str) else None for a, z in zones.items()} if isinstance(zones, dict) else {}


def intel_pk(org: str) -> str:
    """The partition holding an org's weekly runs and their records."""
    return f"ORG#{org}#INTEL"


def run_index_keys(org: str, run_id: str, pulled_at: str) -> tuple[str, str]:
    """The index keys a run is listed by on the admin page (`services.report_list`): by when its figures
    were pulled, then its id, as `run_order` orders them."""
    return f"ORG#{org}#RUNS", f"{pulled_at}#{run_id}"


def run_order(run: Mapping[str, Any]) -> tuple[str, str]:
    """What orders runs by when they were made: when their figures were pulled, then their id."""
    return str(run.get("pulled_at", "")), str(run["run_id"])


def note_sent(store: Store, org: str, run_id: str, recipients: int) -> None:
    """Record on a run that it queued its report to `recipients` people (`sender_of` names it for its week)."""
    record = store.get(intel_pk(org), f"RUN#{run_id}")
    if record is not None:
        store.put(replace(record, data={**record.data, "sent": recipients}))


def sender_of(store: Store, org: str, week: date) -> str | None:
    """The latest run that reported `week` and queued it to someone (`note_sent`); None when none did (or only
    runs recorded before 2026-12-07, which did not note it)."""
    runs = [run for run in runs_reporting(store, org, week) if int(run.get("sent", 0)) > 0]
    return str(max(runs, key=run_order)["run_id"]) if runs else None


def runs_reporting(store: Store, org: str, week: date) -> list[dict[str, Any]]:
    """The runs whose report is of `week`, by their `week`, not their id: a run id begins with the week it was asked
    for, and a bare `intel run` falling back to the week before (no figures for the last) reported that one."""
    return [{"run_id": i.sk.removeprefix("RUN#"), **i.data} for i in run_items_reporting(store, org, week)]


def run_items_reporting(store: Store, org: str, week: date) -> list[Item]:
    """The stored records of the runs whose report is of `week` (`runs_reporting`), with their versions: a build
    reads them before storing and again after, to tell whether another listed the week meanwhile."""
    return [i for i in all_items(store, intel_pk(org), "RUN#") if i.data.get("week") == week.isoformat()]


def run_said(run: Mapping[str, Any]) -> str:
    """What a listed run did with its report: "sent to 2", or, built again after its week went out, "rebuilt, not
    sent (the week went out with run …)"; "" for a run that sent nothing otherwise (or was recorded before it was
    noted)."""
    if int(run.get("sent", 0)) > 0:
        return f"sent to {run['sent']}"
    if run.get("rebuild_of"):
        return f"rebuilt, not sent (the week went out with run {run['rebuild_of']})"
    return ""
