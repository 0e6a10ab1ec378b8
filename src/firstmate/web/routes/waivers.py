"""The admin's waivers page: a trip's guests, or the trips of some days', each with where they stand with the
waiver, and each signed waiver's PDF (`services.waivers`). An org admin sees their own org's alone."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from firstmate.bootstrap import App
from firstmate.errors import InvalidInput, NotFound
from firstmate.rendering import render
from firstmate.services import waivers
from firstmate.services.business import list_orgs, load_business
from firstmate.web.deps import AdminScope, get_app, require_admin

router = APIRouter(prefix="/admin/waivers", include_in_schema=False)
AppDep = Annotated[App, Depends(get_app)]
ScopeDep = Annotated[AdminScope, Depends(require_admin)]
#: The days a list covers when none are given: the week from today.
DAYS_SHOWN = 7
#: Nothing of a guest's is for search engines, nor kept by a shared cache.
HEADERS = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex, nofollow"}


@router.get("", response_class=HTMLResponse)
def waivers_page(
    app: AppDep, scope: ScopeDep, org: str = "", trip: str = "",
    from_: Annotated[str, Query(alias="from")] = "", to: str = "", after: str = "",
) -> HTMLResponse:  # fmt: skip
    """One trip's waivers (`trip`: its booking or event id), or those of the trips departing from day `from` to day
    `to` (the week from today when neither is given), a page of trips at a time: `after` names the trip the page
    follows (its "later" link)."""
    visible = [scope.org] if scope.org else list_orgs(app.store)
    if org and org not in visible:
        raise NotFound(f"no org {org!r}")
    chosen = org or (visible[0] if len(visible) == 1 else "")
    context: dict[str, object] = {"orgs": visible, "org": chosen, "trip": trip, "first": from_, "last": to}
    if not chosen:  # several orgs: the operator says whose
        return _page({**context, "trips": None, "later": "", "newest": ""})
    if trip:
        found = [waivers.trip_waivers(app, chosen, trip.strip())]
        return _page({**context, "trips": found, "later": "", "newest": ""})
    profile = load_business(app.store, chosen)
    if profile is None:
        raise NotFound(f"no org {chosen!r}")
    today = _today(app, profile.org.timezone)
    first = _day(from_, "from") or today
    last = _day(to, "to") or first + timedelta(days=DAYS_SHOWN - 1)
    page = waivers.waivers_between(app, chosen, first, last, after=after)
    kept = [("org", chosen), ("from", first.isoformat()), ("to", last.isoformat())]
    later = "?" + urlencode([*kept, ("after", page.after)]) if page.after else ""
    newest = "?" + urlencode(kept) if after else ""
    context.update(first=first.isoformat(), last=last.isoformat())
    return _page({**context, "trips": page.trips, "later": later, "newest": newest})


@router.get("/{org}/{booking_id}/{guest_id}.pdf")
def waiver_pdf(
    app: AppDep, scope: ScopeDep, org: str, booking_id: str, guest_id: str, version: str | None = None
) -> Response:
    """A guest's signed waiver, the PDF the guest downloads from their page without their page's code (404 for
    another org's, or unsigned); `version`: one they signed for a line the trip was on before. A former lead's too
    (the booking handed to someone else): kept on record."""
    scope.check(org)
    pdf = waivers.signed_waiver_pdf(app, org, booking_id, guest_id, version)
    trip = waivers.trip_waivers(app, org, booking_id)
    row = next(r for r in [*trip.guests, *trip.former] if r.guest.id == guest_id)
    earlier = next((e for e in row.earlier if version and e.signature.waiver_version == version), None)
    if row.guest.waiver is not None and row.guest.waiver.waiver_version == version:
        earlier = None  # the one that counts now
    headers = {"Content-Disposition": f'attachment; filename="{waivers.pdf_name(trip, row, earlier)}"', **HEADERS}
    return Response(pdf, media_type="application/pdf", headers=headers)


def _page(context: dict[str, object]) -> HTMLResponse:
    return HTMLResponse(render("admin/waivers.html", **context), headers=HEADERS)


def _today(app: App, zone: str) -> date:
    return app.clock.now().astimezone(ZoneInfo(zone)).date()


def _day(value: str, name: str) -> date | None:
    """A day typed into the form (2026-06-13), checked; None for none."""
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{name} {value[:40]!r} is no day: write it like 2026-06-13") from None
