"""Guest pages at /g/<code>: the trip, the group, the waiver and the album. Works without JavaScript;
never shows money. Form mistakes re-show the page with the problem and a 4xx status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from firstmate.bootstrap import App
from firstmate.domain.guests import Guest, NewGuest, SigningForm
from firstmate.domain.shared import problem_words
from firstmate.errors import InvalidInput, UserError
from firstmate.rendering import render
from firstmate.services import guests as guest_service
from firstmate.services.bookings import get_booking
from firstmate.services.guest_pages import guest_page, resolve_code
from firstmate.services.guest_removal import remove_guest
from firstmate.services.guests import CodeTarget
from firstmate.services.photo_removal import GONE, PhotoToRemove, photo_to_remove, remove_photo
from firstmate.services.photos import check_upload, photo_content, photo_link
from firstmate.web.deps import client_ip, client_network, get_app

router = APIRouter(include_in_schema=False)
#: Nothing of a guest's is for search engines: the page, its links, the signed waiver (name, IP address, browser)
ROBOTS = "noindex, nofollow"
AppDep = Annotated[App, Depends(get_app)]
NOTICES = {
    "added": "Guest added: they will get an invitation by email.",
    # nobody to email: the lead hands on the link (a parent or guardian signs there for a minor)
    "added_no_email": "Guest added. Without an email they get no invitation: give them the link to their own "
    "page, under Your group (for someone under 18, a parent or guardian signs the waiver there).",
    "confirmed": "Thanks: you are on the list. Sign the waiver below to be ready to board.",
    "signed": "Waiver signed. See you on board!",
    # once the boat has left: nothing more is "before boarding"
    "confirmed_left": "Thanks: you are on the list. Sign the waiver below.",
    "signed_left": "Waiver signed. Thank you!",
    "withdrawn": "Noted: you are off the list, and nobody waits for you at the dock. Can come after all? Say so here.",
    "uploaded": "Photo added to the album.",
    "removed": "Guest removed from your group: their link no longer opens the trip, and their place is free.",
    "photo_removed": "Photo removed from the album, and deleted from our storage.",
    "photo_removed_told": "Photo removed from the album, and deleted from our storage. We let the guest who shared "
    "it know by email.",
    # storage did not delete its file just then: the hourly sweep does
    "photo_removed_later": "Photo removed from the album. Its file is deleted from our storage within the hour.",
    "photo_removed_later_told": "Photo removed from the album. Its file is deleted from our storage within the hour. "
    "We let the guest who shared it know by email.",
}


def _page(
    app: App, target: CodeTarget, code: str, *, notice: str = "", error: str = "", status: int = 200,
    removing: Guest | None = None, removing_photo: PhotoToRemove | None = None,
) -> HTMLResponse:  # fmt: skip
    page = guest_page(app, target, code)
    html = render("guests/page.html", page=page, trip=page.trip, notice=notice, error=error, removing=removing,
                  removing_photo=removing_photo)  # fmt: skip
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = ROBOTS
    return response


def _target(app: App, code: str, request: Request, *, page_view: bool = True) -> CodeTarget:
    return resolve_code(app, code, client_network(request), page_view=page_view)


def _back(code: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/g/{code}?done={done}", status_code=303)


@router.get("/g/{code}", response_class=HTMLResponse)
def show(code: str, request: Request, app: AppDep, done: str = "") -> HTMLResponse:
    """A trip's page for one of its guests. Its notice is one of NOTICES, and its error a form's own, never
    text from the address (`?error=` showed any text as an alert on the genuine page)."""
    target = _target(app, code, request)
    return _page(app, target, code, notice=NOTICES.get(done, ""))


@router.post("/g/{code}/guests")
def add(
    code: str,
    request: Request,
    app: AppDep,
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    minor: Annotated[str, Form()] = "",
) -> Response:
    """The lead guest adds someone to the group."""
    target = _target(app, code, request)
    try:
        form = NewGuest(name=name, email=email or None, minor=minor == "yes")
        guest_service.add_guest(app, target, form)
    except (ValidationError, UserError) as exc:
        return _refused(app, target, code, exc)
    return _back(code, "added" if form.email else "added_no_email")


@router.post("/g/{code}/guests/{guest_id}/remove")
def remove(code: str, guest_id: str, request: Request, app: AppDep, confirm: Annotated[str, Form()] = "") -> Response:
    """The lead removes a guest added by mistake: asked first ("Remove Robin Sample from your group?"), then
    done when confirmed."""
    target = _target(app, code, request)
    try:
        guest = remove_guest(app, target, guest_id, confirmed=confirm == "yes")
    except UserError as exc:
        return _refused(app, target, code, exc)
    if confirm != "yes":
        return _page(app, target, code, removing=guest)
    return _back(code, "removed")


@router.post("/g/{code}/confirm")
def confirm(code: str, request: Request, app: AppDep, seen: Annotated[str, Form()] = "") -> Response:
    """The guest says they are coming, to the trip as the page showed it (`seen`)."""
    target = _target(app, code, request)
    try:
        guest_service.confirm_attendance(app, target, seen=seen or None)
    except UserError as exc:  # the page again, as it is now, saying why
        return _refused(app, target, code, exc)
    return _back(code, "confirmed" + _once_left(app, target))


@router.post("/g/{code}/withdraw")
def withdraw(code: str, request: Request, app: AppDep) -> Response:
    """The guest cannot come after all: off the list the departure waits for."""
    target = _target(app, code, request)
    try:
        guest_service.withdraw_attendance(app, target)
    except UserError as exc:  # the page again, as it is now, saying why
        return _refused(app, target, code, exc)
    return _back(code, "withdrawn")


@router.post("/g/{code}/waiver")
def sign(
    code: str,
    request: Request,
    app: AppDep,
    typed_name: Annotated[str, Form()] = "",
    agree: Annotated[str, Form()] = "",
    guardian_name: Annotated[str, Form()] = "",
    waiver_version: Annotated[str, Form()] = "",
) -> Response:
    """The guest signs the waiver version they were shown."""
    target = _target(app, code, request)
    try:
        form = SigningForm(
            typed_name=typed_name,
            agree=agree == "yes",
            guardian_name=guardian_name.strip() or None,
            waiver_version=waiver_version,
        )
        guest_service.sign_waiver(
            app, target, form, ip=client_ip(request), user_agent=request.headers.get("user-agent", "")
        )
    except (ValidationError, UserError) as exc:
        return _refused(app, target, code, exc)
    return _back(code, "signed" + _once_left(app, target))


def _once_left(app: App, target: CodeTarget) -> str:
    """ "_left" once the trip has left (its notices promise nothing before boarding), else ""."""
    left = guest_service.trip_left(get_booking(app.store, target.org, target.booking_id), app.clock.now())
    return "_left" if left else ""


@router.get("/g/{code}/waiver.pdf")
def waiver_pdf(code: str, request: Request, app: AppDep) -> Response:
    """The guest's own signed waiver."""
    target = _target(app, code, request)
    pdf = guest_service.waiver_pdf(app, target)
    headers = {"Content-Disposition": 'attachment; filename="signed-waiver.pdf"', "Cache-Control": "private, no-store",
               "X-Robots-Tag": ROBOTS}  # fmt: skip
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.get("/g/{code}/photos/check")
def photo_check(code: str, request: Request, app: AppDep, id: str = "") -> Response:
    """Where the browser lands after an upload: the file is checked before it joins the album."""
    target = _target(app, code, request)
    try:
        check_upload(app, target, id)
    except UserError as exc:
        return _refused(app, target, code, exc)
    return _back(code, "uploaded")


@router.get("/g/{code}/photos/{photo_id}")
def photo(code: str, photo_id: str, request: Request, app: AppDep) -> Response:
    """One photo of this trip's album (counted as a guess of the code, not as a page view)."""
    target = _target(app, code, request, page_view=False)
    link = photo_link(app, target, photo_id)
    if link is not None:  # straight from storage: a Lambda's answer could not carry a large photo
        return RedirectResponse(link, status_code=302, headers={"Cache-Control": "private, max-age=300"})
    data, content_type = photo_content(app, target, photo_id)
    return Response(data, media_type=content_type, headers={"Cache-Control": "private, max-age=3600"})


@router.post("/g/{code}/photos/{photo_id}/remove")
def photo_remove(
    code: str, photo_id: str, request: Request, app: AppDep, confirm: Annotated[str, Form()] = ""
) -> Response:
    """A guest takes a photo they shared back out of the album, or the lead any photo of the trip: asked first
    ("Remove this photo from the album?"), then done when confirmed (the lead's: its sharer told by email). Asked
    again once it is gone, the page says so (404)."""
    target = _target(app, code, request)
    try:
        chosen = photo_to_remove(app, target, photo_id)
    except UserError as exc:
        return _refused(app, target, code, exc)
    if confirm != "yes":
        return _page(app, target, code, removing_photo=chosen)
    removed = remove_photo(app, target.org, target.booking_id, chosen.photo.id, by="guest" if chosen.own else "lead")
    if removed is None:  # removed meanwhile
        return _page(app, target, code, error=GONE, status=404)
    later = "_later" if removed.file_kept else ""
    return _back(code, f"photo_removed{later}_told" if removed.told else f"photo_removed{later}")


def _refused(app: App, target: CodeTarget, code: str, exc: ValidationError | UserError) -> HTMLResponse:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        error = InvalidInput(f"{field.replace('_', ' ')}: {problem_words(first)}")
        return _page(app, target, code, error=error.message, status=422)
    return _page(app, target, code, error=exc.message, status=exc.http_status)
