"""Admin pages for past weekly reports: every run, and each week's report as it was sent."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from firstmate.bootstrap import App
from firstmate.errors import BlobNotFound, NotFound
from firstmate.rendering import render
from firstmate.services.business import list_orgs
from firstmate.services.intel import list_failures, list_runs
from firstmate.web.deps import AdminScope, get_app, require_admin

router = APIRouter(prefix="/admin/reports", include_in_schema=False)
AppDep = Annotated[App, Depends(get_app)]
ScopeDep = Annotated[AdminScope, Depends(require_admin)]


@router.get("", response_class=HTMLResponse)
def history(app: AppDep, scope: ScopeDep) -> HTMLResponse:
    """Every weekly report run the admin may see, newest first."""
    orgs = [scope.org] if scope.org else list_orgs(app.store)
    runs = [{"org": org, **run} for org in orgs for run in list_runs(app.store, org)]
    runs.sort(key=lambda r: r["run_id"], reverse=True)
    failures = [{"org": org, **f} for org in orgs for f in list_failures(app.store, org)]
    return HTMLResponse(render("admin/reports.html", runs=runs, failures=failures))


@router.get("/{org}/{week}", response_class=HTMLResponse)
def report(app: AppDep, scope: ScopeDep, org: str, week: str) -> HTMLResponse:
    """One week's report, as its readers saw it."""
    scope.check(org)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", week):
        raise NotFound(f"no report for week {week!r}")
    try:
        html = app.blobs.get(f"reports/{org}/weekly/{week}/weekly.html")
    except BlobNotFound:
        raise NotFound(f"no report for week {week} in org {org!r}") from None
    return HTMLResponse(html.decode())
