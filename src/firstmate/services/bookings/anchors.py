"""Intake anchors: what intake keeps of a booking's channel id (`intake_pk`): the booking, the bodies it has
seen (to know a late replay), the last body each intake path sent and the highest number each gave.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from firstmate.domain.bookings import (
    Booking,
    BookingRequest,
    IntakePath,
    is_stale,
    newest_by_path,
    said_fingerprint,
    seen_fingerprint,
    with_newest,
)
from firstmate.domain.shared import STORED
from firstmate.ports import Item, Put, VersionIs
from firstmate.services.context import Context

#: Earlier bodies remembered per booking, so a late replay of one cannot undo later changes.
MAX_REMEMBERED = 50


def revision_seen(booking: Booking) -> str:
    """What the intake remembers of this revision, to know it again when it comes late."""
    return seen_fingerprint(booking.request, booking.entity, booking.asset)


def anchor_seen(anchor: Item | None) -> list[str]:
    """The fingerprints of the revisions and bodies the intake `anchor` has seen (`revision_seen`,
    `heard_fingerprints`), oldest first; none without an anchor."""
    return [str(f) for f in anchor.data.get("seen", [])] if anchor else []


def anchor_numbers(anchor: Item | None) -> dict[IntakePath, int]:
    """The highest revision number each intake path has given the booking (`newest_by_path`)."""
    return newest_by_path(anchor.data.get("sequences"), anchor.data.get("sequence")) if anchor else {}


def anchor_data_kept(anchor: Item) -> dict[str, Any]:
    """The anchor's data but for the one number kept for every path before they were kept by path
    (`anchor_numbers` reads it into `sequences`, which the anchor keeps from then on)."""
    return {k: v for k, v in anchor.data.items() if k != "sequence"}


def anchor_data(
    booking_id: str,
    seen: list[str],
    request: BookingRequest,
    numbers: Mapping[IntakePath, int],
    bodies: Mapping[str, Any],
) -> dict[str, Any]:
    """What the intake keeps of a booking's channel id: the booking, its revisions' bodies (`seen`), the
    last body each intake path sent (`bodies`) and, for each intake path that numbered them, the highest number."""
    data: dict[str, Any] = {"booking_id": booking_id, "seen": seen, "bodies": dict(bodies)}
    if kept := with_newest(numbers, request):
        data["sequences"] = kept
    return data


def note_newest(ctx: Context, request: BookingRequest, anchor: Item, placed: tuple[str, str] | None) -> None:
    """Raise the highest revision number kept for the request's intake path, when an unchanged body
    comes with a higher one: a revision numbered between the two is older news. Unless it was older news
    (`placed` None), keep it as its path's last word, changing nothing else (`merge_revision`), and know it
    again when it comes late. Raises ConditionFailed when the booking's intake changed since `anchor` was
    read: "unchanged" may no longer be so."""
    numbers = anchor_numbers(anchor)
    kept = with_newest(numbers, request)
    data = {**anchor_data_kept(anchor), "sequences": kept} if kept != {str(p): n for p, n in numbers.items()} else {}
    if placed is not None:
        if (bodies := bodies_with(anchor, request)) != anchor.data.get("bodies"):
            data["bodies"] = bodies
        if not is_stale(request, anchor_seen(anchor), placed=placed):
            data["seen"] = [*anchor_seen(anchor), said_fingerprint(request, *placed)][-MAX_REMEMBERED:]
    if data:
        ctx.store.transact(
            [Put(Item(anchor.pk, anchor.sk, {**anchor_data_kept(anchor), **data}), VersionIs(anchor.version))]
        )


def heard_fingerprints(revision: str, body: BookingRequest, placed: tuple[str, str]) -> list[str]:
    """What the intake remembers of a revision (`revision_seen`) and of the body its path sent, as that path's
    alone when it differs (`said_fingerprint`): to know either again when it comes late."""
    return [revision] if revision == seen_fingerprint(body, *placed) else [revision, said_fingerprint(body, *placed)]


def last_said(anchor: Item, path: IntakePath) -> BookingRequest | None:
    """The body intake `path` last sent of the booking `anchor` holds (`Item` of `intake_pk`); None when it
    has not spoken of it (or only before these were kept, 2026-12-06)."""
    body = (anchor.data.get("bodies") or {}).get(str(path))
    return BookingRequest.model_validate(body, context=STORED) if body else None


def bodies_with(anchor: Item | None, request: BookingRequest) -> dict[str, Any]:
    """The last body each intake path sent (`last_said`), `request`'s path's now `request`."""
    bodies = dict(anchor.data.get("bodies") or {}) if anchor else {}
    bodies[str(request.numbered_by)] = request.model_dump(mode="json", exclude={"sequence"})
    return bodies


def intake_sk(request: BookingRequest) -> str:
    """The key of `request`'s intake anchor under `intake_pk`: its channel and that channel's reference."""
    return f"{request.source}#{request.external_id}"
