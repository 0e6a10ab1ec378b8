"""Old news: knowing a revision again (a late retry, an old file re-imported) or numbered below its path's
newest, so that it changes nothing, and the highest number each intake path gave a booking.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from firstmate.domain.bookings.request import BookingRequest, IntakePath, with_place

#: An email's revision number (seconds since 2000) is at least this from 2008 on; no path counting its
#: revisions one by one comes near it. It tells whose a number kept before they were kept by path was.
_SENT_SCALE = 2**28


def is_stale(request: BookingRequest, seen: list[str], *, placed: tuple[str, str] | None = None) -> bool:
    """Whether `request` repeats an earlier revision's body (a late retry, an old file re-imported):
    it must not undo the changes made since. `seen` holds each revision's `seen_fingerprint` (the
    body naming where it was placed, so a body that leaves the boat out and one that names it match), and
    each body as its path sent it, before `merge_revision` (since 2026-12-06; `said_fingerprint`, known
    again from that path alone: another path's body repeating it is no replay, as it was no revision),
    or, for revisions seen before that, the body's fingerprint as it came; for those seen before
    amounts were kept in two places, the amounts as written then ("600", "2.5") count too."""
    forms = [request] if placed is None else [with_place(request, *placed), request]
    return any(
        fingerprint in seen or f"{request.numbered_by}:{fingerprint}" in seen
        for written in forms
        for gross in _writings(request.gross_amount)
        for hours in _writings(request.duration_hours)
        if (fingerprint := written.model_copy(update={"gross_amount": gross, "duration_hours": hours}).fingerprint())
    )


def is_old_news(
    request: BookingRequest,
    seen: list[str],
    newest: int | None,
    *,
    placed: tuple[str, str] | None = None,
    spoke: bool = False,
) -> bool:
    """Whether `request` must not change the booking: numbered below the `newest` revision its own
    intake path numbered so far (`newest_by_path`: an old calendar export imported after a newer one, a
    webhook overtaken by the next, an email sent before one already imported), or, not numbered above
    it, an earlier revision's body from any path (`is_stale`). A body numbered above is news even when
    it repeats an earlier one's (6 guests, then 8, then 6 again); so is its path's first numbered one when
    that path `spoke` of the booking before without a number (nothing of its own to be a late copy of).
    Numbers of different paths are never compared: an email's (its send time, about 850 million) said
    nothing of the operator's CSV row or API call numbered 3, which was dropped as older news, and the change lost."""
    if numbered_below(request.sequence, newest):
        return True
    if numbered_above(request.sequence, newest, spoke=spoke):
        return False
    return is_stale(request, seen, placed=placed)


def numbered_above(sequence: int | None, newest: int | None, *, spoke: bool) -> bool:
    """Whether a revision numbered `sequence` is newer than any its path sent: above the `newest` it numbered,
    or the first numbered one of a path that `spoke` before without numbers. A path that never spoke has no
    revision of its own to be newer than: its numbered first word repeating another path's body is a late copy."""
    if sequence is None:
        return False
    return sequence > newest if newest is not None else spoke


def numbered_below(sequence: int | None, newest: int | None) -> bool:
    """Whether a revision numbered `sequence` is older than the `newest` its path numbered so far
    (False when either is not numbered)."""
    return sequence is not None and newest is not None and sequence < newest


def cancelled_first(request: BookingRequest, numbers: Mapping[IntakePath, int]) -> bool:
    """Whether `request`, the first word of a booking whose cancellation by its channel's reference came before it
    (a short cancellation email imported before its confirmation, remembered with `numbers`: `newest_by_path`), is
    that cancelled booking. It is unless its own path numbered it above the cancellation (the renter booked again
    under the same reference after cancelling): a number of another path says nothing of which came first, and
    a cancellation stands."""
    newest = numbers.get(request.numbered_by)
    return not (request.sequence is not None and newest is not None and request.sequence > newest)


def newest_sequence(sequence: int | None, newest: int | None) -> int | None:
    """The highest revision number its channel gave a booking or a hold, counting a revision's `sequence`."""
    numbered = [n for n in (sequence, newest) if n is not None]
    return max(numbered) if numbered else None


def newest_by_path(kept: Mapping[str, Any] | None, legacy: Any = None) -> dict[IntakePath, int]:
    """The highest revision number each intake path gave a booking (`kept`, as stored), with the one
    number kept for every path before they were kept by path (`legacy`): an email's send time (2**28
    and above) is the email path's; a smaller number is each other path's, as it was."""
    known = {path.value for path in IntakePath}  # a path a later version added is none of this one's
    numbers = {IntakePath(path): int(n) for path, n in (kept or {}).items() if path in known}
    if legacy is not None:
        paths = [IntakePath.EMAIL] if int(legacy) >= _SENT_SCALE else [p for p in IntakePath if p != IntakePath.EMAIL]
        for path in paths:
            numbers.setdefault(path, int(legacy))
    return numbers


def with_newest(numbers: Mapping[IntakePath, int], request: BookingRequest) -> dict[str, int]:
    """`numbers` (`newest_by_path`) counting `request`'s `sequence` in its own path, as stored."""
    kept = {str(path): n for path, n in numbers.items()}
    if (newest := newest_sequence(request.sequence, numbers.get(request.numbered_by))) is not None:
        kept[str(request.numbered_by)] = newest
    return kept


def seen_fingerprint(request: BookingRequest, entity: str, asset: str) -> str:
    """What intake remembers of a revision to know it again (`is_stale`): its body, naming the
    business line and boat it was placed on, whether it named them or not."""
    return with_place(request, entity, asset).fingerprint()


def said_fingerprint(request: BookingRequest, entity: str, asset: str) -> str:
    """What intake remembers of a body as its path sent it, when merged it was no revision (`is_stale`):
    `seen_fingerprint` marked with its intake path, to know it again from that path alone."""
    return f"{request.numbered_by}:{seen_fingerprint(request, entity, asset)}"


def _writings(value: Decimal) -> list[Decimal]:
    """The ways `value` may have been written when it came in: with no to four decimal places (equal
    Decimals, each fingerprinted as written)."""
    forms = (value.quantize(Decimal(1).scaleb(-places)) for places in range(5))
    return list({str(form): form for form in forms if form == value}.values())
