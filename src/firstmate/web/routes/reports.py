"""Admin pages for past reports: every weekly run, each week's report as last built, and the role
reports (the latest per role, and every earlier one). And the full PDF a report email links to,
which opens without signing in (`services.report_links`)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from firstmate.bootstrap import App
from firstmate.domain.reports.document import ROLE_TITLES
from firstmate.errors import BlobNotFound, NotFound
from firstmate.rendering import render
from firstmate.services.business import list_orgs
from firstmate.services.intel import list_failures, list_runs, run_order
from firstmate.services.report_links import open_report_pdf
from firstmate.services.reports import list_role_reports, role_report_file
from firstmate.web.deps import AdminScope, get_app, require_admin

router = APIRouter(prefix="/admin/reports", include_in_schema=False)
AppDep = Annotated[App, Depends(get_app)]
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "txt": "text/plain; charset=utf-8", "json": "application/json",
               "pdf": "application/pdf"}  # fmt: skip
ScopeDep = Annotated[AdminScope, Depends(require_admin)]
files = APIRouter(include_in_schema=False)


@files.get("/report-files/{org}/{file}")
def report_pdf(app: AppDep, org: str, file: str, expires: str = "", sig: str = "") -> Response:
    """The PDF a report email's link names, to anyone holding the link while it lasts (404 for a
    link changed or not ours, 401 once expired)."""
    body = open_report_pdf(app, org, file, expires, sig)
    # private: the link is the key; no-cache: a report rebuilt the same day replaces the file
    headers = {"Content-Disposition": f'inline; filename="{org}-{file}"', "Cache-Control": "private, no-cache"}
    return Response(body, media_type="application/pdf", headers=headers)


@router.get("", response_class=HTMLResponse)
def history(app: AppDep, scope: ScopeDep) -> HTMLResponse:
    """Every weekly report run the admin may see, newest first."""
    orgs = [scope.org] if scope.org else list_orgs(app.store)
    runs = [{"org": org, **run} for org in orgs for run in list_runs(app.store, org)]
    runs.sort(key=run_order, reverse=True)
    failures = [{"org": org, **f} for org in orgs for f in list_failures(app.store, org)]
    roles = [{"org": org, **r} for org in orgs for r in list_role_reports(app.store, org)]
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in roles:
        latest.setdefault((entry["org"], entry["role"]), entry)
    context = {"runs": runs, "failures": failures, "latest": list(latest.values()), "roles": roles}
    return HTMLResponse(render("admin/reports.html", **context, titles=ROLE_TITLES))


@router.get("/{org}/roles/{role}/{as_of}")
def role_report(app: AppDep, scope: ScopeDep, org: str, role: str, as_of: str, format: str = "html") -> Response:
    """One role report as built that day: the page, or its text, JSON or PDF (`?format=`)."""
    scope.check(org)
    body = role_report_file(app, org, role, as_of, format)
    return Response(body, media_type=MEDIA_TYPES[format])


@router.get("/{org}/{week}", response_class=HTMLResponse)
def report(app: AppDep, scope: ScopeDep, org: str, week: str, format: str = "html") -> Response:
    """One week's report as last built (a build without `--send` after the Monday's replaces it; the mail
    as sent is in the outbox), or its text, JSON or PDF (`?format=`; the PDF lists every campaign and
    ad set, where the email shows the ones that most need a look)."""
    scope.check(org)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", week) or format not in MEDIA_TYPES:
        raise NotFound(f"no report for week {week!r} as {format!r}")
    try:
        body = app.blobs.get(f"reports/{org}/weekly/{week}/weekly.{format}")
    except BlobNotFound:
        raise NotFound(f"no report for week {week} in org {org!r}") from None
    return Response(body, media_type=MEDIA_TYPES[format])
