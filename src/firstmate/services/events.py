"""Changing a crew event safely: read, decide, write back on condition of the version read, with
the change's notices in the same transaction; on a clash, read again and decide again."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from firstmate.domain.crew import CrewEvent
from firstmate.domain.mail import OutgoingMessage
from firstmate.errors import ConditionFailed, Conflict, NotFound
from firstmate.ports import Item, Put, VersionIs, Write
from firstmate.services.context import Context
from firstmate.services.outbox import enqueue_write
from firstmate.services.trips import booking_pk, get_event

#: Decides the new event (or the same one: nothing to write) and who hears about it.
EventChange = Callable[[CrewEvent], tuple[CrewEvent, list[OutgoingMessage]]]
#: Given the event about to be written, checks what else the change rests on and returns the writes
#: (conditional on what it read) that go into the same transaction.
AlsoWrites = Callable[[CrewEvent], Sequence[Write]]


def update_event(
    ctx: Context, org: str, event_id: str, change: EventChange, *, attempts: int = 30, also: AlsoWrites | None = None
) -> CrewEvent:
    """Apply `change` to the stored event exactly once, however many people act at the same moment.

    Notices are keyed by the version they belong to, so a retried change never sends twice. `also`
    adds writes to the same transaction; when one of its conditions fails, everything is read and
    decided again. Raises NotFound for an unknown event, whatever `change` or `also` raise, and
    Conflict after `attempts` clashes.
    """
    for _ in range(attempts):
        event = get_event(ctx.store, org, event_id)
        pk = booking_pk(org, event.booking_id)
        stored = ctx.store.get(pk, "EVENT")
        if stored is None:
            raise NotFound(f"no event {event_id!r}")
        current = CrewEvent.model_validate(stored.data)
        updated, notices = change(current)
        if updated == current:
            return current
        now = ctx.clock.now()
        version = stored.version + 1
        writes: list[Write] = [Put(Item(pk, "EVENT", updated.model_dump(mode="json")), VersionIs(stored.version))]
        writes += also(updated) if also else []
        writes += [
            enqueue_write(org, m.model_copy(update={"idempotency_key": f"{m.idempotency_key}:v{version}"}), now)
            for m in notices
        ]
        try:
            ctx.store.transact(writes)
        except ConditionFailed:
            continue  # someone changed what the change rests on meanwhile: decide again on what is there now
        return updated
    raise Conflict("this trip is changing fast; try again")
