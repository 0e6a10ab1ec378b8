"""A mail system's word on a sent message (delivered, bounced, complained of), noted on its outbox entry."""

from __future__ import annotations

from collections.abc import Iterable

from firstmate.domain import outbox as rules
from firstmate.domain.outbox import MailFeedback, OutboxEntry, OutboxStatus
from firstmate.errors import ConditionFailed, FeedbackTooEarly
from firstmate.ports import Store, VersionIs
from firstmate.services.outbox.entries import from_item, outbox_pk, to_item


def record_feedback(
    store: Store, orgs: Iterable[str], key: str, provider_ref: str, feedback: MailFeedback
) -> OutboxEntry | None:
    """Note what the mail system said about a sent message on its outbox entry, found by its
    idempotency key among `orgs` and confirmed by the provider's reference. Returns the updated
    entry, or None when no org sent such a message (feedback for mail firstmate did not send).
    Recording the same feedback twice changes nothing. FeedbackTooEarly when the message is being
    sent and its send not recorded yet: the feedback is to be given again later."""
    for org in orgs:
        for _ in range(5):
            item = store.get(outbox_pk(org), key)
            if item is None:
                break
            entry = from_item(item)
            if entry.provider_ref != provider_ref:
                if entry.status is OutboxStatus.SENDING:
                    raise FeedbackTooEarly(f"{org}/{key} is being sent: its send is not recorded yet")
                break
            updated = rules.add_feedback(entry, feedback)
            try:
                return from_item(store.put(to_item(updated), VersionIs(item.version)))
            except ConditionFailed:
                continue  # the entry changed meanwhile: read it again
    return None
