"""Where an org's runs are recorded (`intel_pk`, `run_index_keys`), how they are listed (`list_runs`,
`run_order`), and the ad accounts' zones the latest run recorded."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from firstmate.errors import BlobError
from firstmate.ports import Store
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
