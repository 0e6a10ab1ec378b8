"""A role report's files and the entry that lists them, stored as one while the build's lease holds."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from firstmate.domain.shared import iso
from firstmate.errors import LeaseLost, StoreError
from firstmate.ports import Item, Put, Store
from firstmate.reports.role import RoleReport
from firstmate.reports.serial import data_file
from firstmate.services.blob_sets import put_together
from firstmate.services.context import Context
from firstmate.services.leases import Held
from firstmate.services.outfiles import written_once_done


def store_report(ctx: Context, held: Held, org: str, as_of: date, report: RoleReport, out: Path | None) -> list[Path]:
    """Store `report`'s files and the entry that lists them, as one, while `held` is still this build's, then write
    them to `out` (None: nowhere); the paths written to `out`."""
    contents = {
        "html": (report.html.encode(), "text/html"),
        "txt": (report.text.encode(), "text/plain"),
        "json": (data_file(report.data), "application/json"),
        "pdf": (report.pdf, "application/pdf"),
    }
    summary = {"title": report.data["title"], "headline": report.data["headline"], "subject": report.subject,
               "findings": len(report.data["findings"]), "built_at": iso(ctx.clock.now())}  # fmt: skip
    files = {f"reports/{org}/roles/{as_of.isoformat()}/{report.role}.{kind}": body for kind, body in contents.items()}
    entry = Item(f"ORG#{org}#ROLEREPORTS", f"{report.role}#{as_of}", summary)
    # the copies in --out once the report is stored: a build taken over or failing leaves the folder as it was (its
    # copies read as the day's report, which another build stores); a folder that cannot take them stops it first
    with written_once_done(out, {f"{report.role}.{kind}": body for kind, (body, _) in contents.items()}) as written:
        held.confirm()  # rendered past its lease, another build may be storing: it stops here; else renewed
        listed = _listed(ctx.store, entry)

        def stored_by_another(exc: BaseException) -> bool:
            # the other build stored this report while our files were landing: what was there before we began is
            # not its files, and putting it back deleted the report it lists ("no … report" on opening it)
            try:
                return isinstance(exc, LeaseLost) and _listed(ctx.store, entry) != listed
            except StoreError:  # cannot tell: put back, as before
                return False

        # the files and the entry that lists them, as one: a full disk halfway leaves the day's earlier report
        # whole; the entry only while the lease is still this build's (its files put back otherwise: the other's
        # to store, unless it stored them meanwhile)
        put_together(ctx.blobs, files, then=lambda: held.transact([Put(entry)]), keep=stored_by_another)
    return written


def _listed(store: Store, entry: Item) -> tuple[int, Mapping[str, Any]] | None:
    """The version and summary of the stored report `entry` would list (None: none is stored)."""
    stored = store.get(entry.pk, entry.sk)
    return None if stored is None else (stored.version, stored.data)
