"""Where trips live, and what holds a boat or a person at a given time.

- `keys`: the keys of the org's space (intake anchors, bookings, calendar, guest codes).
- `overlaps`: the calendar entries sharing a moment with a span of time.
- `events`: crew events by id, and who a live trip holds at a given time.
- `long_blocks`: the blocked slots longer than any trip, kept in one small list read whole.
- `clashes`: double bookings found and told once, and the marks of the checks still owed.
- `blocked_slots`: a boat's time blocked by a calendar export or a request's hold, by the export's UID; a hold
  retired once booked, or released once declined.
"""

from firstmate.services.trips.blocked_slots import (
    BlockedSlotRecord,
    blocked_slot_key,
    blocked_slot_record,
    record_blocked_slot,
    release_hold,
    retire_hold,
    retiring_hold,
)
from firstmate.services.trips.clashes import (
    BLOCK_CHECK_AHEAD,
    CHECK_INDEX,
    DEFERRED_CHECK,
    LATER_CHECK_INDEX,
    check_owed,
    double_bookings,
    owed_marks,
    report_double_bookings,
    tell_double_bookings,
)
from firstmate.services.trips.events import crew_busy_between, events_between, get_event, get_events
from firstmate.services.trips.keys import booking_pk, calendar_pk, calendar_sk, code_pk, intake_pk
from firstmate.services.trips.long_blocks import LONG_BLOCKS_KEPT_AFTER_END, list_long_blocks_pending, long_blocks
from firstmate.services.trips.overlaps import TRIP_LENGTH, calendar_between

__all__ = [
    "BLOCK_CHECK_AHEAD",
    "CHECK_INDEX",
    "DEFERRED_CHECK",
    "LATER_CHECK_INDEX",
    "LONG_BLOCKS_KEPT_AFTER_END",
    "TRIP_LENGTH",
    "BlockedSlotRecord",
    "blocked_slot_key",
    "blocked_slot_record",
    "booking_pk",
    "calendar_between",
    "calendar_pk",
    "calendar_sk",
    "check_owed",
    "code_pk",
    "crew_busy_between",
    "double_bookings",
    "events_between",
    "get_event",
    "get_events",
    "intake_pk",
    "list_long_blocks_pending",
    "long_blocks",
    "owed_marks",
    "record_blocked_slot",
    "release_hold",
    "report_double_bookings",
    "retire_hold",
    "retiring_hold",
    "tell_double_bookings",
]
