"""The local stand-in for S3's browser upload endpoint (used only with local blob storage)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile

from firstmate.adapters.blobs.local import LocalBlobs
from firstmate.bootstrap import App
from firstmate.errors import InvalidInput, NotFound
from firstmate.services.photos import not_a_photo, photo_too_large
from firstmate.web.deps import get_app
from firstmate.web.limits import PathLimit

router = APIRouter(include_in_schema=False)
#: What a form's fields and multipart framing add to its file.
FORM_OVERHEAD = 64_000


def body_limit(photo_max_mb: float) -> PathLimit:
    """The largest body `/uploads` takes: the largest file a signed form allows, and its form; a photo over
    it is told so as one just over the file's limit is (`photo_too_large`)."""
    words = photo_too_large(photo_max_mb)
    return PathLimit(int(photo_max_mb * 1_000_000) + FORM_OVERHEAD, words.message, words.hint or "")


@router.post("/uploads")
async def upload(request: Request, app: Annotated[App, Depends(get_app)]) -> RedirectResponse:
    """Accept a presigned form's file, then send the browser where the form said."""
    if not isinstance(app.blobs, LocalBlobs):
        raise NotFound("uploads go straight to storage in this deployment")
    # closed on every path: a refused form's spooled file is released at once, not whenever it is collected
    async with request.form(max_files=1, max_fields=20) as form:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise InvalidInput("choose a file to upload")
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        allowed = app.blobs.upload_allows(fields, app.clock.now())  # the form first: no stranger's file read
        data = await file.read(allowed + 1)
        if len(data) > allowed:
            raise photo_too_large(allowed / 1_000_000)
        fields["file-content-type"] = file.content_type or ""
        try:
            redirect = app.blobs.accept_upload(fields, data, app.clock.now())
        except InvalidInput:  # a declared type outside the form's (the key is signed): in the check's words, as on S3
            raise not_a_photo() from None
    return RedirectResponse(redirect, status_code=303)
