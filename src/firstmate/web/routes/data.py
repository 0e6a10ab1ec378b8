"""Admin pages for the business data behind the role reports: see each kind's rows, add or change
one row, remove one. Bulk changes go through `firstmate data import` (the same checks apply)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from firstmate.bootstrap import App
from firstmate.domain.datafiles import BY_KIND, KINDS
from firstmate.domain.shared import STORED
from firstmate.errors import DataRejected, NotFound
from firstmate.rendering import render
from firstmate.services.business import list_orgs
from firstmate.services.data import data_pk, delete_row, save_row
from firstmate.services.data_list import count_rows, list_rows, place_of_row
from firstmate.web.deps import AdminScope, get_app, require_admin
from firstmate.web.paging import MOST_PAGE, PAGE_ROWS, CursorPager

router = APIRouter(prefix="/admin/data", include_in_schema=False)
AppDep = Annotated[App, Depends(get_app)]
ScopeDep = Annotated[AdminScope, Depends(require_admin)]
#: Kinds with nested values: edited in their file and imported, shown read-only here.
FILE_ONLY = {"finance", "infrastructure"}
#: The form's hidden field naming the row it was opened on.
EDITING = "_editing"


@router.get("", response_class=HTMLResponse)
def overview(app: AppDep, scope: ScopeDep) -> HTMLResponse:
    """Each org's data kinds with their row counts, counted up to a page's worth ("more than 200")."""
    orgs = [scope.org] if scope.org else list_orgs(app.store)
    counts = {org: {k.kind: _count(count_rows(app.store, org, k.kind, most=PAGE_ROWS)) for k in KINDS} for org in orgs}
    return HTMLResponse(render("admin/data.html", counts=counts, kinds=KINDS))


@dataclass(frozen=True)
class Place:
    """Which page of a kind's rows an address asks for (`services.data_list.list_rows`): the rows after an id,
    before one, from one on (`at`), the last page, or (an address kept from before) a page's number."""

    after: str = ""
    before: str = ""
    at: str = ""
    last: bool = False
    page: int = 1

    def query(self) -> list[tuple[str, str]]:
        """The place as an address's parameters (none for the first page)."""
        named = {"after": self.after, "before": self.before, "at": self.at, "last": "1" if self.last else ""}
        return [(k, v) for k, v in named.items() if v] + ([("page", str(self.page))] if self.page > 1 else [])


def _place(
    after: str = "", before: str = "", at: str = "", last: bool = False,
    page: Annotated[int, Query(ge=1, le=MOST_PAGE)] = 1,
) -> Place:  # fmt: skip
    return Place(after, before, at, last, page)


PlaceDep = Annotated[Place, Depends(_place)]


@router.get("/{org}/{kind}", response_class=HTMLResponse)
def kind_page(
    app: AppDep, scope: ScopeDep, org: str, kind: str, place: PlaceDep, edit: str = "", q: str = ""
) -> HTMLResponse:
    """One kind's rows by id, a page at a time read from a row's place on (`after`, `before`, `at`,
    `last`), with a form to add a row or change the one being edited (the page from it on, unless another
    is asked for). `q`: only the rows whose id holds it (any case), searched a bounded number of rows a
    request (the page says where it stopped, and links on)."""
    scope.check(org)
    if edit and place == Place():
        place = Place(at=edit)
    return _page(app, org, kind, place, edit=edit, q=q)


@router.post("/{org}/{kind}")
async def save(request: Request, app: AppDep, scope: ScopeDep, org: str, kind: str, q: str = "") -> Response:
    """Add or replace one row, checked as an imported row is; errors show on the form, nothing saved.
    Then back to the page from the row on, in the search `q` it was found in if it still answers it."""
    scope.check(org)
    if kind not in BY_KIND or kind in FILE_ONLY:
        raise NotFound(f"rows of {kind!r} are not edited here", hint="edit the file and run 'firstmate data import'")
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k in BY_KIND[kind].model.model_fields}
    editing = str(form.get(EDITING) or "")  # the row the form was opened on: a changed id replaces it
    try:
        key = save_row(app.store, org, kind, values, clock=app.clock, replacing=editing or None)
    except DataRejected as exc:
        errors = [f"{e.where.split(', ', 1)[-1]}: {e.problem}" for e in exc.errors]
        return _page(app, org, kind, Place(at=editing), edit=editing, errors=errors, values=values, status=422, q=q)
    if not _holds(q)(key):  # a row the search does not find (added, or its id changed): all rows
        q = ""
    return RedirectResponse(_address(org, kind, Place(at=key), q), status_code=303)


@router.post("/{org}/{kind}/{key:path}/delete")  # an id may hold a slash (INV/2026/001)
def remove(app: AppDep, scope: ScopeDep, org: str, kind: str, key: str, place: PlaceDep, q: str = "") -> Response:
    """Remove one row; one a stored refund names stays, the page saying which refund. Then back to the
    page it was removed from (its place and search `q`), or the list's last page when that one is gone."""
    scope.check(org)
    try:
        delete_row(app.store, org, kind, key)
    except DataRejected as exc:
        errors = [f"{e.where}: {e.problem}" for e in exc.errors]
        return _page(app, org, kind, place, errors=errors, status=409, q=q)
    return RedirectResponse(_address(org, kind, place, q), status_code=303)


def _holds(q: str) -> Callable[[str], bool]:
    """Whether a row's id holds `q` (any case): every row for no `q`."""
    needle = q.strip().casefold()
    return lambda key: needle in key.casefold()


def _address(org: str, kind: str, place: Place, q: str = "") -> str:
    query = urlencode([*([("q", q)] if q.strip() else []), *place.query()])
    return f"/admin/data/{org}/{kind}" + (f"?{query}" if query else "")


def _count(n: int) -> str:
    return f"more than {PAGE_ROWS:,}" if n > PAGE_ROWS else f"{n:,}"


def _page(
    app: App, org: str, kind: str, place: Place, *, edit: str = "", errors: list[str] | None = None,
    values: dict[str, Any] | None = None, status: int = 200, q: str = "",
) -> HTMLResponse:  # fmt: skip
    spec = BY_KIND.get(kind)
    if spec is None:
        raise NotFound(f"no data kind {kind!r}; the kinds are {', '.join(BY_KIND)}")
    fields = list(spec.model.model_fields)
    if values is None:
        current = app.store.get(data_pk(org), f"{kind}#{edit}") if edit else None
        stored = spec.model.model_validate(current.data, context=STORED) if current is not None else None
        values = stored.model_dump(mode="json") if stored is not None else {}
    matches = _holds(q) if q.strip() else None
    if place.page > 1 and not (place.after or place.before or place.at or place.last):  # ?page=N, kept from before
        row = place_of_row(app.store, org, kind, (place.page - 1) * PAGE_ROWS, matches=matches)
        if row is None:
            raise NotFound(f"no page {place.page}: the list is shorter", hint="go back to its first page")
        place = Place(after=row)
    # a page read at a time: 20,000 rows were read, and made one page of 6 MB, where every save and remove came back to
    found = list_rows(
        app.store, org, kind, after=place.after or None, before=place.before or None, at=place.at or None,
        last_page=place.last, matches=matches, limit=PAGE_ROWS,
    )  # fmt: skip
    search = (("q", q),) if q.strip() else ()
    pager = CursorPager(newer=found.earlier, older=found.later, query=search, first=found.first, last=found.last,
                        end="last")  # fmt: skip
    table = [
        (key, quote(key, safe=""), [_cell(row.model_dump(mode="json").get(f)) for f in fields])
        for key, row in found.rows
    ]
    return HTMLResponse(
        render("admin/data_kind.html", org=org, spec=spec, fields=fields, rows=table, values=values,
               errors=errors or [], editable=kind not in FILE_ONLY, editing=edit, editing_field=EDITING,
               pager=pager, q=q, stopped=found.stopped, searched=found.read,
               here="?" + urlencode([*search, *place.query()])),
        status_code=status,
    )  # fmt: skip


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return f"{len(value)} item(s)"
    return str(value)
