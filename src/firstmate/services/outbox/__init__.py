"""Outbox use cases: queue messages with a state change, deliver them, let admins see and retry.

- `entries`: how the store holds an entry (its keys and indexes), and queueing messages.
- `dispatch`: dispatch passes, claiming due entries oldest first (`dispatch_outbox`, `dispatch_entry`).
- `delivery`: sending one claimed entry and recording its outcome on the claim.
- `feedback`: a mail system's word on a sent message, noted on its entry.
- `withdrawals`: withdrawing waiting messages that later news supersedes, and bringing back reminders.
- `admin`: listing entries, reading one, and retrying dead ones.
"""

from firstmate.services.outbox.admin import dead_entries, get_entry, list_entries, retry_dead, retry_entry
from firstmate.services.outbox.dispatch import DispatchReport, TimeLimit, dispatch_entry, dispatch_outbox
from firstmate.services.outbox.entries import (
    DEAD_INDEX,
    DUE_INDEX,
    SENT_INDEX,
    SENT_RETENTION,
    enqueue,
    enqueue_write,
    from_item,
    outbox_pk,
    to_item,
)
from firstmate.services.outbox.feedback import record_feedback
from firstmate.services.outbox.withdrawals import (
    NOT_THEIRS,
    outdone_by,
    reminders_followed,
    superseded,
    unheard_so_far,
)

__all__ = [
    "DEAD_INDEX",
    "DUE_INDEX",
    "NOT_THEIRS",
    "SENT_INDEX",
    "SENT_RETENTION",
    "DispatchReport",
    "TimeLimit",
    "dead_entries",
    "dispatch_entry",
    "dispatch_outbox",
    "enqueue",
    "enqueue_write",
    "from_item",
    "get_entry",
    "list_entries",
    "outbox_pk",
    "outdone_by",
    "record_feedback",
    "reminders_followed",
    "retry_dead",
    "retry_entry",
    "superseded",
    "to_item",
    "unheard_so_far",
]
