"""The local stand-in for S3's browser upload endpoint (used only with local blob storage)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile

from firstmate.adapters.blobs.local import LocalBlobs
from firstmate.bootstrap import App
from firstmate.errors import InvalidInput, NotFound, PayloadTooLarge
from firstmate.web.deps import get_app

router = APIRouter(include_in_schema=False)
#: Above the largest file any signed form allows; the form's own limit is checked after.
HARD_LIMIT = 100_000_000


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
        data = await file.read(HARD_LIMIT + 1)
        if len(data) > HARD_LIMIT:
            raise PayloadTooLarge("the file is too large")
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        fields["file-content-type"] = file.content_type or ""
        redirect = app.blobs.accept_upload(fields, data, app.clock.now())
    return RedirectResponse(redirect, status_code=303)
