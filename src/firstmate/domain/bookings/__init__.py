"""Bookings: what every intake channel produces, and how a booking changes over its life.

A booking is identified by (source, external_id). Re-sending the same booking changes nothing;
a different body is a new revision; a cancellation is the last revision.

- `text_rules`: what its text fields accept (one line, a channel's name, a phone) and problems in words.
- `amounts`: its money and hours as JSON numbers arrive, and each currency's bounds in the schema.
- `request`: `BookingRequest`, as any channel delivers it, its lead guest and its intake path.
- `booking`: `Booking`, a booking as stored.
- `revisions`: what a request does to the stored booking, merging a path's revision, the next revision.
- `old_news`: knowing a revision again or numbered below its path's newest, so that it changes nothing.
"""

from firstmate.domain.bookings.amounts import MAX_TRIP_HOURS
from firstmate.domain.bookings.booking import Booking
from firstmate.domain.bookings.old_news import (
    cancelled_first,
    is_old_news,
    is_stale,
    newest_by_path,
    newest_sequence,
    numbered_below,
    said_fingerprint,
    seen_fingerprint,
    with_newest,
)
from firstmate.domain.bookings.request import (
    BLOCKED_SLOTS,
    MAX_NOTES,
    MAX_SEQUENCE,
    BookingRequest,
    BookingStatus,
    IntakePath,
)
from firstmate.domain.bookings.revisions import (
    IntakeResult,
    asks_a_change,
    cancellation_of,
    classify_change,
    merge_revision,
    revise,
)
from firstmate.domain.bookings.text_rules import (
    LINE_BREAKS,
    ONE_LINE,
    ONE_LINE_WORDS,
    SOURCE,
    SOURCE_WORDS,
    problem_text,
)

__all__ = [
    "BLOCKED_SLOTS",
    "LINE_BREAKS",
    "MAX_NOTES",
    "MAX_SEQUENCE",
    "MAX_TRIP_HOURS",
    "ONE_LINE",
    "ONE_LINE_WORDS",
    "SOURCE",
    "SOURCE_WORDS",
    "Booking",
    "BookingRequest",
    "BookingStatus",
    "IntakePath",
    "IntakeResult",
    "asks_a_change",
    "cancellation_of",
    "cancelled_first",
    "classify_change",
    "is_old_news",
    "is_stale",
    "merge_revision",
    "newest_by_path",
    "newest_sequence",
    "numbered_below",
    "problem_text",
    "revise",
    "said_fingerprint",
    "seen_fingerprint",
    "with_newest",
]
