"""Admin pages for the business data behind the role reports: see each kind's rows, add or change
one row, remove one. Bulk changes go through `firstmate data import` (the same checks apply)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from firstmate.bootstrap import App
from firstmate.domain.datafiles import BY_KIND, KINDS
from firstmate.errors import DataRejected, NotFound
from firstmate.rendering import render
from firstmate.services.business import list_orgs
from firstmate.services.data import data_rows, delete_row, save_row
from firstmate.web.deps import AdminScope, get_app, require_admin
from firstmate.web.paging import page_holding, page_of, page_query, pages_for

router = APIRouter(prefix="/admin/data", include_in_schema=False)
AppDep = Annotated[App, Depends(get_app)]
ScopeDep = Annotated[AdminScope, Depends(require_admin)]
#: Kinds with nested values: edited in their file and imported, shown read-only here.
FILE_ONLY = {"finance", "infrastructure"}
#: The form's hidden field naming the row it was opened on.
EDITING = "_editing"


@router.get("", response_class=HTMLResponse)
def overview(app: AppDep, scope: ScopeDep) -> HTMLResponse:
    """Each org's data kinds with their row counts."""
    orgs = [scope.org] if scope.org else list_orgs(app.store)
    counts = {org: {k.kind: len(data_rows(app.store, org, k.kind)) for k in KINDS} for org in orgs}
    return HTMLResponse(render("admin/data.html", counts=counts, kinds=KINDS))


@router.get("/{org}/{kind}", response_class=HTMLResponse)
def kind_page(
    app: AppDep, scope: ScopeDep, org: str, kind: str, edit: str = "", q: str = "",
    page: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:  # fmt: skip
    """One kind's rows, a page at a time, with a form to add a row or change the one being edited (its
    page shown, unless another is asked for). `q`: only the rows whose id holds it (any case)."""
    scope.check(org)
    return _page(app, org, kind, edit=edit, q=q, page=page)


@router.post("/{org}/{kind}")
async def save(request: Request, app: AppDep, scope: ScopeDep, org: str, kind: str, q: str = "") -> Response:
    """Add or replace one row, checked as an imported row is; errors show on the form, nothing saved.
    Then back to the page of the row, in the search `q` it was found in if it still answers it."""
    scope.check(org)
    if kind not in BY_KIND or kind in FILE_ONLY:
        raise NotFound(f"rows of {kind!r} are not edited here", hint="edit the file and run 'firstmate data import'")
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k in BY_KIND[kind].model.model_fields}
    editing = str(form.get(EDITING) or "")  # the row the form was opened on: a changed id replaces it
    try:
        key = save_row(app.store, org, kind, values, replacing=editing or None)
    except DataRejected as exc:
        errors = [f"{e.where.split(', ', 1)[-1]}: {e.problem}" for e in exc.errors]
        return _page(app, org, kind, edit=editing, errors=errors, values=values, status=422, q=q)
    rows = data_rows(app.store, org, kind)
    if key not in dict(_found(rows, q)):  # a row the search does not find (added, or its id changed): all rows
        q = ""
    listed = [k for k, _ in _found(rows, q)]  # back to the page that lists it
    return RedirectResponse(_address(org, kind, page_holding(listed, key), q), status_code=303)


@router.post("/{org}/{kind}/{key:path}/delete")  # an id may hold a slash (INV/2026/001)
def remove(
    app: AppDep, scope: ScopeDep, org: str, kind: str, key: str, q: str = "",
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:  # fmt: skip
    """Remove one row; one a stored refund names stays, the page saying which refund. Then back to
    `page` of the search `q` (where it was removed from), or its last page when that one is gone."""
    scope.check(org)
    try:
        delete_row(app.store, org, kind, key)
    except DataRejected as exc:
        errors = [f"{e.where}: {e.problem}" for e in exc.errors]
        return _page(app, org, kind, errors=errors, status=409, q=q, page=page)
    pages = pages_for(len(_found(data_rows(app.store, org, kind), q)))
    return RedirectResponse(_address(org, kind, min(page, pages), q), status_code=303)


def _found(rows: list[tuple[str, Any]], q: str) -> list[tuple[str, Any]]:
    """The rows whose id holds `q` (any case): all of them for no `q`."""
    needle = q.strip().casefold()
    return [(key, row) for key, row in rows if needle in key.casefold()] if needle else rows


def _address(org: str, kind: str, page: int, q: str = "") -> str:
    query = page_query([("q", q)] if q.strip() else [], page)
    return f"/admin/data/{org}/{kind}" + (f"?{query}" if query else "")


def _page(
    app: App, org: str, kind: str, *, edit: str = "", errors: list[str] | None = None,
    values: dict[str, Any] | None = None, status: int = 200, q: str = "", page: int | None = None,
) -> HTMLResponse:  # fmt: skip
    spec = BY_KIND.get(kind)
    if spec is None:
        raise NotFound(f"no data kind {kind!r}; the kinds are {', '.join(BY_KIND)}")
    rows = data_rows(app.store, org, kind)
    fields = list(spec.model.model_fields)
    if values is None:
        current = next((row for key, row in rows if key == edit), None)
        values = current.model_dump(mode="json") if current is not None else {}
    listed = _found(rows, q)
    if page is None:  # the page of the row being edited, else the first
        page = page_holding([key for key, _ in listed], edit) if edit else 1
    # a page at a time: 20,000 rows made one page of 6 MB, where every save and remove came back to
    pager = page_of(listed, page, {"q": q})
    table = [
        (key, quote(key, safe=""), [_cell(row.model_dump(mode="json").get(f)) for f in fields])
        for key, row in pager.rows
    ]
    return HTMLResponse(
        render("admin/data_kind.html", org=org, spec=spec, fields=fields, rows=table, values=values,
               errors=errors or [], editable=kind not in FILE_ONLY, editing=edit, editing_field=EDITING,
               pager=pager, total=len(rows), q=q),
        status_code=status,
    )  # fmt: skip


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return f"{len(value)} item(s)"
    return str(value)
