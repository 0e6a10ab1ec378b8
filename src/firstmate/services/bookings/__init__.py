"""Bookings: one booking in from any channel, everything it needs out, exactly once; and reading,
finding and cancelling bookings.

- `intake`: `orchestrate_booking` (create, update, cancel or leave alone), `cancel_booking`, a cancellation
  remembered before its booking, and what an intake says of a refused change.
- `create`: a booking's first revision and all it fans out to.
- `change`: a booking's next revision and all it fans out to.
- `revision`: what a change writes over, as stored, and its own writes (anchor, booking, crew event, calendar entry).
- `following`: what a change makes its trip follow (another line, boat or day; a move's clashes; its reminders).
- `audiences`: who hears of a change, to whom it is news, and what its notices withdraw.
- `leads`: the lead guest following a revision (handed on, merged with a guest, handed back).
- `fanout`: a change and its notices in one transaction, a large group's rest finished after it (`complete_fanouts`).
- `anchors`: what intake keeps of a channel's booking: bodies seen, each path's last body and highest number.
- `reads`: one booking, its guests, former leads and calendar entry.
- `finding`: a booking by id or by its channel's reference, with a hint of whose it is.
- `told`: who a cancellation would tell and the crew lists it would change (a dry run), who a revision told, in words.
- `boat_checks`: what else holds the booking's boat, and its passenger limit, in words for the channel.
"""

from firstmate.services.bookings.anchors import last_said
from firstmate.services.bookings.boat_checks import double_booked_now, over_limit, said_to_channel
from firstmate.services.bookings.fanout import complete_fanouts
from firstmate.services.bookings.finding import find_booking
from firstmate.services.bookings.intake import (
    MAX_ATTEMPTS,
    IntakeOutcome,
    cancel_booking,
    cancelled_change_words,
    cancelled_first_words,
    orchestrate_booking,
    remember_cancellation,
)
from firstmate.services.bookings.reads import booking_entry, former_leads, get_booking, list_guests
from firstmate.services.bookings.told import (
    CancelPreview,
    cancellation_preview,
    revision_told,
    told_in_words,
)

__all__ = [
    "MAX_ATTEMPTS",
    "CancelPreview",
    "IntakeOutcome",
    "booking_entry",
    "cancel_booking",
    "cancellation_preview",
    "cancelled_change_words",
    "cancelled_first_words",
    "complete_fanouts",
    "double_booked_now",
    "find_booking",
    "former_leads",
    "get_booking",
    "last_said",
    "list_guests",
    "orchestrate_booking",
    "over_limit",
    "remember_cancellation",
    "revision_told",
    "said_to_channel",
    "told_in_words",
]
