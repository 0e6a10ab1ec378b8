"""The role reports stored: the list of them, and one's file."""

from __future__ import annotations

from datetime import date
from typing import Any

from firstmate.domain.reports.document import ROLE_TITLES, ROLES
from firstmate.errors import BlobNotFound, NotFound
from firstmate.ports import Store
from firstmate.services.context import Context
from firstmate.services.paging import all_items

FILES = ("html", "txt", "json", "pdf")


def list_role_reports(store: Store, org: str) -> list[dict[str, Any]]:
    """Every stored role report of `org`, newest day first, then in role order."""
    reports = [{"role": i.sk.partition("#")[0], "as_of": i.sk.partition("#")[2], **i.data}
               for i in all_items(store, f"ORG#{org}#ROLEREPORTS")]  # fmt: skip
    order = {role: n for n, role in enumerate(ROLES)}
    return sorted(reports, key=lambda r: (-date.fromisoformat(r["as_of"]).toordinal(), order.get(r["role"], 99)))


def role_report_file(ctx: Context, org: str, role: str, as_of: str, kind: str) -> bytes:
    """A stored report file (html, txt, json or pdf); NotFound when there is none."""
    if role not in ROLES or kind not in FILES:
        raise NotFound(f"no {role} report as {kind}")
    try:
        date.fromisoformat(as_of)
        return ctx.blobs.get(f"reports/{org}/roles/{as_of}/{role}.{kind}")
    except (ValueError, BlobNotFound):
        raise NotFound(f"no {ROLE_TITLES[role]} report of {as_of!r} in org {org!r}") from None
