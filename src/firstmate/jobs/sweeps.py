"""The sweeps: expired store items and unchecked uploads (giving older items the keys later readers need), and
raw API archives past their 90 days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import structlog

from firstmate.bootstrap import App
from firstmate.errors import BlobError, StoreError
from firstmate.services.business import list_orgs
from firstmate.services.clash_index import index_pending
from firstmate.services.crew_freed import list_left_out_pending
from firstmate.services.data_refs import list_refunds_pending
from firstmate.services.intel import sweep_archive
from firstmate.services.outbox_list import reindex_pending
from firstmate.services.photos import look_at_album_files, sweep_album_files, sweep_quarantine
from firstmate.services.photos.presence import MOST_ALBUMS
from firstmate.services.report_list import index_runs_pending
from firstmate.services.trips import list_long_blocks_pending

log = structlog.get_logger(__name__)


def sweep_expired(app: App, period: datetime) -> str:
    """Delete store items (and rate-limit counts) whose ttl has passed (they already read as absent), and
    local uploads nobody checked a day after they landed (`sweep_quarantine`; S3's bucket rule does it there), and
    album files of removed photos storage still holds (`sweep_album_files`: a removal stopped before its file went),
    and marks the photos whose file storage no longer has (`look_at_album_files`: albums open or recently open each
    run, the others a bounded part a run).
    Counts that cannot be swept (their database read-only or busy) are left for the next run. Outbox
    entries stored before the admin list read them by index are given its keys, "Double booked!"
    messages queued before they were named under their trips are so named, weekly runs stored before
    the reports page listed them by index are given its keys, and trips booked before they kept who they left out
    for being busy are given that list (`list_left_out_pending`), once per org. An org whose list of long blocked
    slots was never built (or kept them fewer days) has it built (`list_long_blocks_pending`): its feeds read it.
    Revenue lines stored before they were listed by the sale they name are so listed (`list_refunds_pending`)."""
    removed = app.store.sweep_expired()
    orgs = list_orgs(app.store)
    upgrades = [
        _upgraded(what, step)
        for what, step in (
            ("the outbox's index", lambda: reindex_pending(app.store, orgs)),
            ('"Double booked!" messages\' names', lambda: index_pending(app.store, orgs)),
            ("weekly runs' index", lambda: index_runs_pending(app.store, orgs)),
            ("trips' left-out lists", lambda: list_left_out_pending(app, orgs)),
            ("long blocked slots' list", lambda: list_long_blocks_pending(app.store, orgs, app.clock.now())),
            ("revenue lines' listing by sale", lambda: list_refunds_pending(app.store, orgs)),
        )
    ]
    indexed = "; ".join(
        filter(
            None,
            (
                *upgrades,
                _unchecked_uploads_swept(app),
                _album_files_swept(app, orgs),
                _album_files_looked_at(app, orgs),
            ),
        )
    )
    also = f"; {indexed}" if indexed else ""
    if app.counters is not app.store:
        try:
            removed += app.counters.sweep_expired()
        except StoreError as exc:  # /healthz shows it; the store's own sweep is done all the same
            log.warning("sweep.counters_failed", error=str(exc))
            return f"{removed} expired items removed{also}; rate-limit counts not swept ({exc})"
    return f"{removed} expired items removed{also}"


def _upgraded(what: str, step: Callable[[], str]) -> str:
    """What one upgrade of stored items did, or that it failed: a stored item it cannot read (one an older firstmate
    wrote that no longer validates) stops that upgrade alone, logged, not the sweep's other work; tried next run."""
    try:
        return step()
    except Exception as exc:  # one upgrade's bad item must not stop the rest of the hourly sweep
        log.error("sweep.upgrade_failed", upgrade=what, error=f"{type(exc).__name__}: {exc}")
        said = (str(exc).splitlines() or [""])[0][:200]  # pydantic's first line says how many fields, of which kind
        return f"{what} not brought up to date ({type(exc).__name__}: {said}), tried again next run"


def _unchecked_uploads_swept(app: App) -> str:
    """What the sweep of local uploads nobody checked did ("2 unchecked uploads removed"), or "" for none; on S3
    the bucket's lifecycle rule does it. A folder it cannot write is logged, and swept on the next run."""
    if app.settings.blobs != "local":
        return ""
    try:
        removed = sweep_quarantine(app, app.clock.now())
    except BlobError as exc:
        log.warning("sweep.quarantine_failed", error=str(exc))
        return ""
    return f"{removed} unchecked upload{'' if removed == 1 else 's'} removed" if removed else ""


def _album_files_swept(app: App, orgs: list[str]) -> str:
    """What the sweep of removed photos' files did ("1 leftover album file deleted (no photo names it)"), or ""
    for none, on either storage. A storage or store that cannot answer is logged, and swept on the next run."""
    try:
        removed = sweep_album_files(app, orgs)
    except (BlobError, StoreError) as exc:
        log.warning("sweep.album_files_failed", error=str(exc))
        return ""
    if not removed:
        return ""
    files, them = ("file", "it") if removed == 1 else ("files", "them")
    return f"{removed} leftover album {files} deleted (no photo names {them})"


def _album_files_looked_at(app: App, orgs: list[str]) -> str:
    """What the look at open albums' files found ("1 photo's file missing (logged); 1 photo's file back"), or "" for
    nothing new. A store that cannot list the calendar, or a stored item it cannot read, is logged, and looked at
    next run: the sweep's other work is done all the same."""
    try:
        found = look_at_album_files(app, orgs)
    except Exception as exc:  # a look at photos must not stop the hourly sweep's deletions
        log.error("sweep.album_files_not_looked_at", error=f"{type(exc).__name__}: {exc}")
        return "album files not looked at (see the log), tried again next run"
    said = []
    for n, what in ((found.missing, "missing (logged)"), (found.back, "back")):
        whose = "photo's file" if n == 1 else "photos' files"
        said += [f"{n} {whose} {what}"] if n else []
    if found.left:
        said.append(f"{found.left} albums' files not looked at (over {MOST_ALBUMS} an org: over the next runs)")
    if found.unreadable:
        said.append(
            f"{found.unreadable} photo {'record' if found.unreadable == 1 else 'records'} not readable (logged)"
        )
    return "; ".join(said)


def sweep_archives(app: App, period: datetime) -> str:
    """Delete raw API archives older than 90 days."""
    return f"{sweep_archive(app, app.clock.now())} archived pages removed"
