"""Health and home."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, JSONResponse

from firstmate import __version__
from firstmate.bootstrap import App
from firstmate.errors import StoreError
from firstmate.rendering import render
from firstmate.web.deps import get_app

router = APIRouter()
log = structlog.get_logger(__name__)


#: Below this much free space where FIRSTMATE_HOME lives, writes are about to fail: say so first.
LOW_DISK_MB = 20


@router.get("/healthz", tags=["health"], summary="Is the app up, and can it read and write its data?")
def healthz(app: Annotated[App, Depends(get_app)]) -> JSONResponse:
    """200 with `status: ok` when the store answers and (run locally) the database and the blobs
    folder can be written with room to spare; 503 `degraded` naming what is wrong otherwise. Nothing
    is written to find out, and no path on the server is named (the log has them)."""
    body: dict[str, Any] = {"status": "ok", "version": __version__, "store": "ok"}
    try:
        app.store.ping()
    except StoreError as exc:
        log.error("health.store", error=str(exc))
        body["store"] = "unavailable"
    body.update(_local_storage(app))
    if any(body.get(check, "ok") != "ok" for check in ("store", "database", "counters", "blobs", "disk")):
        body["status"] = "degraded"
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)


def _local_storage(app: App) -> dict[str, Any]:
    """Whether what lives on this machine's disk may be written (the SQLite databases of the store
    and of the rate-limit counters, with their WAL files and folder, the blobs folder), and the free
    space around them: a read-only or full disk shows here before a booking fails on it. Nothing for
    a store or blobs that live in AWS."""
    settings = app.settings
    found: dict[str, Any] = {}
    if settings.store == "sqlite":
        for check, db in (("database", settings.db_path), ("counters", settings.counters_db_path)):
            wal = [db.with_name(db.name + suffix) for suffix in ("-wal", "-shm")]
            found[check] = "ok" if all(_writable(p) for p in (db, db.parent, *wal)) else "read-only"
    if settings.blobs == "local":
        found["blobs"] = "ok" if _writable(settings.blobs_path) else "read-only"
    if found:
        try:
            free_mb = shutil.disk_usage(settings.home).free // 1_000_000
        except OSError as exc:  # the home folder is gone
            log.error("health.disk", error=str(exc))
            found["disk"] = "unavailable"
        else:
            found["disk_free_mb"] = free_mb
            found["disk"] = "ok" if free_mb >= LOW_DISK_MB else "nearly full"
    return found


def _writable(path: Path) -> bool:
    """Whether `path` may be written; a file not there yet counts as writable (SQLite makes the WAL
    files in a folder checked on its own)."""
    return not path.exists() or os.access(path, os.W_OK)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(app: Annotated[App, Depends(get_app)]) -> HTMLResponse:
    """What this firstmate serves, with links."""
    return HTMLResponse(render("home.html", settings=app.settings, version=__version__))
