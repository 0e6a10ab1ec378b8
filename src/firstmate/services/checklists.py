"""Checklist use cases: tick and undo items, with the departure waiting for every waiver."""

from __future__ import annotations

from collections.abc import Callable

from firstmate.domain import checklist as rules
from firstmate.domain.crew import WAIVERS_ITEM, ChecklistItem, CrewEvent, EventStatus, Phase
from firstmate.domain.guests import MAX_REASON, check_departure
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.people import Person
from firstmate.errors import Conflict, Forbidden, InvalidInput, NotFound
from firstmate.services.bookings import list_guests
from firstmate.services.context import Context
from firstmate.services.events import update_event


def tick_item(
    ctx: Context, org: str, event_id: str, key: str, actor: Person, *, override_reason: str = "",
    seen: str | None = None, waiting: str | None = None,
) -> CrewEvent:  # fmt: skip
    """Tick an item as `actor`. Items of a phase that is not open yet are refused (Conflict); the
    waivers item is refused while a guest is on hold, unless an admin gives a reason (recorded) for
    those their page named (`waiting`, when given); so is a tick whose `seen` (the item's `item_shown`
    on the page it was made from) is not the item now."""

    if len(override_reason.strip()) > MAX_REASON:
        raise InvalidInput(f"say why in at most {MAX_REASON} characters")

    def change(event: CrewEvent) -> CrewEvent:
        _crew_of(event, actor)
        now_reads = rules.item(event, key)
        if seen is not None and seen != item_shown(event, now_reads):  # what was checked is not what it asks now
            raise Conflict(
                f"this item changed since you opened the trip: it now reads “{now_reads.label}”, aboard "
                f"{event.asset_name}; check it again, then tick it"
            )
        note = ""
        if key == WAIVERS_ITEM and rules.item(event, key).done_at is None:  # ticking a done item changes nothing
            try:
                note = (
                    check_departure(
                        list_guests(ctx.store, org, event.booking_id),
                        override_reason=override_reason or None,
                        by_admin=actor.admin,
                        shown=waiting,
                    )
                    or ""
                )
            except ValueError as exc:
                raise Conflict(str(exc)) from None
        return rules.tick(event, key, by=actor.first_name, at=ctx.clock.now(), note=note)

    return _apply(ctx, org, event_id, change)


def item_shown(event: CrewEvent, item: ChecklistItem) -> str:
    """What a page offering to tick `item` shows of it: its boat and its words (a life-jacket count), so
    that a tick from a page shown before either changed is refused (`tick_item`'s `seen`)."""
    return f"{event.asset}:{item.label}"


def untick_item(ctx: Context, org: str, event_id: str, key: str, actor: Person) -> CrewEvent:
    """Undo a tick; the undo stays in the item's history. Refused (Conflict) on a cancelled trip, as a tick
    is: what was checked before the cancellation stays as it was; and while a later phase is done (undo one of
    its ticks first): the pre-departure checks of a boat that has left stand."""

    def change(event: CrewEvent) -> CrewEvent:
        _crew_of(event, actor)
        target = rules.item(event, key)  # an unknown item is NotFound first, as for a tick
        if event.status is EventStatus.CANCELLED:
            raise Conflict("this trip is cancelled")
        if target.done_at is not None and (later := rules.done_after(event, target.phase)) is not None:
            raise Conflict(f"{rules.PHASE_NAMES[later]} is done: undo one of its ticks first, then this one")
        return rules.untick(event, key, by=actor.first_name, at=ctx.clock.now())

    return _apply(ctx, org, event_id, change)


def departure_open(event: CrewEvent) -> bool:
    """Whether the departure phase may be worked on."""
    return rules.phase_open(event, Phase.DEPARTURE)


def _crew_of(event: CrewEvent, actor: Person) -> None:
    if not actor.admin and all(slot.person_id != actor.id for slot in event.roles):
        raise Forbidden("only the crew of this trip can work its checklist: claim a role first")


def _apply(ctx: Context, org: str, event_id: str, change: Callable[[CrewEvent], CrewEvent]) -> CrewEvent:
    def mapped(event: CrewEvent) -> tuple[CrewEvent, list[OutgoingMessage]]:
        try:
            return change(event), []
        except rules.ChecklistError as exc:
            if exc.kind == "missing":
                raise NotFound(str(exc)) from None
            if exc.kind in ("not_open", "cancelled"):
                raise Conflict(str(exc)) from None
            raise InvalidInput(str(exc)) from None

    return update_event(ctx, org, event_id, mapped, attempts=20)
