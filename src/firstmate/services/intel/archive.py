"""The raw archive: each pulled page kept as it came (raw/<org>/<run_id>/...), read back by a replay, discarded
when a run stops half way, and swept after 90 days; and the sources a run was pulled from."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

import orjson
import structlog

from firstmate.domain.shared import to_epoch
from firstmate.ports import RawPage
from firstmate.services.context import Context

log = structlog.get_logger(__name__)


ARCHIVE_DAYS = 90


def archive_pages(ctx: Context, prefix: str, pages: list[RawPage], pulled: dict[str, list[RawPage]]) -> str:
    """Archive a pull's pages as they came, at `prefix`.json, and keep them in `pulled` (parsed as pulled, not
    read back); the key."""
    key = f"{prefix}.json"
    ctx.blobs.put(key, _page_bytes(pages), "application/json")
    pulled[key] = pages
    return key


def _page_bytes(pages: list[RawPage]) -> bytes:
    """Pulled pages as JSON, as they came. orjson writes the megabytes a large CRM pull holds about
    ten times faster than json; the sources read answers strictly (`json_answer`), so no NaN is
    there for it to write as null. What it refuses (an integer past 64 bits, a lone surrogate
    escaped in an answer) json writes."""
    try:
        return orjson.dumps(pages)
    except TypeError:
        # raw pages are trees of plain JSON values: no cycles to look for in megabytes of them
        return json.dumps(pages, check_circular=False).encode()


def discard_pages(ctx: Context, org: str, run_id: str, keys: list[str]) -> None:
    """Delete the pages a run archived before one of its pulls failed: without the rest of the pulls
    they are no run anyone can replay."""
    for key in keys:
        try:
            ctx.blobs.delete(key)
        except Exception:  # the pull's own error is the one to report; the 90-day sweep removes what stays
            log.exception("intel.discard_failed", org=org, run_id=run_id, key=key)


def load_pages(ctx: Context, key: str) -> list[RawPage]:
    """A run's archived pages at `key`, read back (a replay)."""
    pages: list[RawPage] = json.loads(ctx.blobs.get(key))
    return pages


def sources_of(manifest: dict[str, Any]) -> dict[str, str | None]:
    """The sources a run was pulled from: as its manifest names them, or (a run archived before
    2026-12-05) as its archive's keys do: `<ads source>-<account>.json`, `<crm source>.json`."""
    if "sources" in manifest:
        return dict(manifest["sources"])
    ads = {PurePosixPath(key).name.split("-", 1)[0] for key in manifest["ads"]}
    crm = {PurePosixPath(key).stem for key in manifest["crm"]}
    return {"ads": min(ads) if len(ads) == 1 else None, "crm": min(crm) if crm else None}


def sources_named(sources: dict[str, str | None]) -> str:
    """A run's sources in words: "meta ads and hubspot CRM", "csv ads and no CRM"."""
    return f"{sources['ads']} ads and " + (f"{sources['crm']} CRM" if sources.get("crm") else "no CRM")


def sweep_archive(ctx: Context, now: datetime) -> int:
    """Delete raw archives older than 90 days (S3 does this with a lifecycle rule)."""
    cutoff = to_epoch(now - timedelta(days=ARCHIVE_DAYS))
    removed = 0
    for blob in ctx.blobs.list("raw/"):
        if to_epoch(blob.modified) < cutoff:
            ctx.blobs.delete(blob.key)
            removed += 1
    return removed
