"""Admin pages for past reports: the weekly runs, each week's report as last built, and the role
reports (the latest per role, and the earlier ones), a page at a time. And the full PDF a report email links to,
which opens without signing in (`services.report_links`)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from firstmate.bootstrap import App
from firstmate.domain.reports.document import ROLE_TITLES
from firstmate.errors import BlobNotFound, InvalidInput, NotFound
from firstmate.rendering import render
from firstmate.services import report_list
from firstmate.services.business import list_orgs
from firstmate.services.intel import list_failures, run_said
from firstmate.services.report_links import open_report_pdf
from firstmate.services.reports import role_report_file
from firstmate.web.deps import AdminScope, get_app, require_admin
from firstmate.web.paging import LONGEST_PLACE, PAGE_ROWS

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
def history(app: AppDep, scope: ScopeDep, runs_after: str = "", roles_after: str = "") -> HTMLResponse:
    """The weekly report runs the admin may see, latest made first, and the role reports (each role's latest,
    then every earlier one, newest first), each list a page at a time: `runs_after` and `roles_after`
    name the row the page follows (its "older" link). Only the pages (and a row more) are read from the
    store, not every run and report (see `services.report_list`)."""
    orgs = [scope.org] if scope.org else list_orgs(app.store)
    runs, more_runs = report_list.runs_page(app.store, orgs, after=_place(runs_after, "runs_after"), limit=PAGE_ROWS)
    roles, more_roles = report_list.role_reports_page(
        app.store, orgs, after=_place(roles_after, "roles_after", day=True), limit=PAGE_ROWS
    )
    runs = [{**run, "said": run_said(run)} for run in runs]  # which run sent its week, which rebuilt one sent
    failures = [{"org": org, **f} for org in orgs for f in list_failures(app.store, org)]
    latest = report_list.latest_role_reports(app.store, orgs)
    shown = {(r["org"], r["role"], r["as_of"]) for r in latest}
    earlier = [r for r in roles if (r["org"], r["role"], r["as_of"]) not in shown]
    kept = {"runs_after": runs_after, "roles_after": roles_after}

    def link(name: str, place: str) -> str:
        """The address of this page with list `name` at `place` (its first page for none), the other kept."""
        return "?" + urlencode([(k, v) for k, v in {**kept, name: place}.items() if v])

    older_runs = link("runs_after", " ".join(report_list.run_place(runs[-1]))) if more_runs and runs else ""
    older_roles = (
        link("roles_after", " ".join(report_list.role_report_place(roles[-1]))) if more_roles and roles else ""
    )
    pages = {
        "older_runs": older_runs, "newest_runs": link("runs_after", "") if runs_after else "",
        "older_roles": older_roles, "newest_roles": link("roles_after", "") if roles_after else "",
    }  # fmt: skip
    context = {"runs": runs, "failures": failures, "latest": latest, "earlier": earlier, **pages}
    return HTMLResponse(render("admin/reports.html", **context, titles=ROLE_TITLES))


def _place(value: str, name: str, *, day: bool = False) -> tuple[str, str, str] | None:
    """A page link's place (three words: a time or, with `day`, a day, then two names), checked; None for none.
    A role report's is its day (read as one: "2026-13-45" or "1" there answered 500)."""
    if len(value.encode()) > LONGEST_PLACE:  # a run's place of any length reached the store's index as a bound
        raise InvalidInput(
            f"{name} {value[:40]!r}… is no place in the list: it is too long",
            hint="open the reports from their first page",
        )
    parts = value.split(" ")
    if value and (
        len(parts) != 3 or not all(parts) or not re.fullmatch(r"[\dT:.\-+Z]+", parts[0]) or (day and not _day(parts[0]))
    ):
        raise InvalidInput(f"{name} {value!r} is no place in the list", hint="open the reports from their first page")
    return (parts[0], parts[1], parts[2]) if value else None


def _day(value: str) -> bool:
    """Whether `value` is a day as a role report's place names it (2026-06-01)."""
    try:
        return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None and bool(date.fromisoformat(value))
    except ValueError:
        return False


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
