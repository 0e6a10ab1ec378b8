"""Crew events: the trip as crew see it, with the roles to fill and the checklist to work through."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from firstmate.domain.bookings import Booking
from firstmate.domain.business import ChecklistTemplateItem


class EventStatus(StrEnum):
    """Whether the trip is on."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Phase(StrEnum):
    """Checklist phases, in the order they must be completed."""

    PRE_EVENT = "pre_event"
    DEPARTURE = "departure"
    RETURN = "return"
    POST_EVENT = "post_event"


class RoleSlot(BaseModel):
    """One role on one event, and who holds it (first name only: what crew and guests see)."""

    model_config = ConfigDict(frozen=True)

    role: str
    person_id: str | None = None
    first_name: str | None = None
    release_requested: bool = False


class ChecklistMark(BaseModel):
    """One tick or undo. An undo is recorded, not erased; an item keeps its latest marks and counts
    the older ones (`checklist.MAX_HISTORY`)."""

    model_config = ConfigDict(frozen=True)

    action: str  # tick | undo
    by: str  # first name of who did it
    at: datetime
    note: str = ""


class ChecklistItem(BaseModel):
    """One thing to do, stamped with who did it and when."""

    model_config = ConfigDict(frozen=True)

    key: str
    phase: Phase
    label: str
    required: bool = True
    done_by: str | None = None
    done_at: datetime | None = None
    history: tuple[ChecklistMark, ...] = ()
    earlier_changes: int = 0  # marks older than the history keeps, counted


class CrewEvent(BaseModel):
    """A trip for the crew. Carries no money and no private notes, by construction."""

    model_config = ConfigDict(frozen=True)

    id: str
    org: str
    booking_id: str
    entity: str
    asset: str
    asset_name: str
    start: datetime
    end: datetime
    guest_count: int
    notes: str
    status: EventStatus = EventStatus.SCHEDULED
    roles: tuple[RoleSlot, ...]
    checklist: tuple[ChecklistItem, ...]


def default_checklist(guest_count: int, crew_count: int) -> tuple[ChecklistItem, ...]:
    """The checklist every trip starts with (an asset may bring its own template later)."""
    jackets = guest_count + crew_count
    return (
        ChecklistItem(key="fuel", phase=Phase.PRE_EVENT, label="Fuel checked and topped up"),
        ChecklistItem(key="life_jackets", phase=Phase.PRE_EVENT, label=f"Life jackets aboard: {jackets}"),
        ChecklistItem(key="engine_hours_out", phase=Phase.PRE_EVENT, label="Engine hours recorded (out)"),
        ChecklistItem(key="waivers", phase=Phase.DEPARTURE, label="All guest waivers signed"),
        ChecklistItem(key="safety_briefing", phase=Phase.DEPARTURE, label="Safety briefing given"),
        ChecklistItem(key="engine_hours_in", phase=Phase.RETURN, label="Engine hours recorded (in)"),
        ChecklistItem(key="damage_notes", phase=Phase.RETURN, label="Damage notes (or none)"),
        ChecklistItem(key="photos", phase=Phase.POST_EVENT, label="Post-charter photos uploaded", required=False),
    )


def checklist_from(
    template: Sequence[ChecklistTemplateItem], guest_count: int, crew_count: int
) -> tuple[ChecklistItem, ...]:
    """A boat's own checklist (the "waivers" item gates departure on guests' waivers, if present)."""
    jackets = guest_count + crew_count
    return tuple(
        ChecklistItem(
            key=t.key, phase=Phase(t.phase), label=t.label.replace("{jackets}", str(jackets)), required=t.required
        )
        for t in template
    )


def new_event(
    booking: Booking, asset_name: str, roles: tuple[str, ...], template: Sequence[ChecklistTemplateItem] = ()
) -> CrewEvent:
    """The crew event a new booking fans out to: every role open, checklist untouched (the boat's
    own template, or the standard one)."""
    request = booking.request
    return CrewEvent(
        id=booking.event_id,
        org=booking.org,
        booking_id=booking.id,
        entity=booking.entity,
        asset=booking.asset,
        asset_name=asset_name,
        start=request.start,
        end=request.end,
        guest_count=request.guest_count,
        notes=request.notes,
        status=EventStatus.CANCELLED if booking.cancelled else EventStatus.SCHEDULED,
        roles=tuple(RoleSlot(role=r) for r in roles),
        checklist=checklist_from(template, request.guest_count, len(roles))
        if template
        else default_checklist(request.guest_count, len(roles)),
    )


def follow_booking(event: CrewEvent, booking: Booking) -> CrewEvent:
    """The event after its booking changed: new times, counts, notes and status; roles and
    checklist progress are kept, and the life-jacket count follows the guest count."""
    request = booking.request
    jackets = request.guest_count + len(event.roles)
    checklist = tuple(
        item.model_copy(update={"label": f"Life jackets aboard: {jackets}"}) if item.key == "life_jackets" else item
        for item in event.checklist
    )
    return event.model_copy(
        update={
            "start": request.start,
            "end": request.end,
            "guest_count": request.guest_count,
            "notes": request.notes,
            "status": EventStatus.CANCELLED if booking.cancelled else EventStatus.SCHEDULED,
            "checklist": checklist,
        }
    )


def move_to_boat(
    event: CrewEvent, asset_name: str, roles: tuple[str, ...], template: Sequence[ChecklistTemplateItem]
) -> CrewEvent:
    """The event after its booking moved to another boat: that boat's roles (holders of roles it
    also has keep them) and its checklist (items it shares keep their ticks)."""
    held = {slot.role: slot for slot in event.roles}
    slots = tuple(held.get(role, RoleSlot(role=role)) for role in roles)
    fresh = (
        checklist_from(template, event.guest_count, len(roles))
        if template
        else default_checklist(event.guest_count, len(roles))
    )
    done = {item.key: item for item in event.checklist}
    checklist = tuple(
        item.model_copy(update={"done_by": done[item.key].done_by, "done_at": done[item.key].done_at,
                                "history": done[item.key].history,
                                "earlier_changes": done[item.key].earlier_changes})
        if item.key in done else item
        for item in fresh
    )  # fmt: skip
    return event.model_copy(update={"asset_name": asset_name, "roles": slots, "checklist": checklist})


def crew_names(event: CrewEvent) -> list[str]:
    """First names of the people holding a role, in role order."""
    return [slot.first_name for slot in event.roles if slot.first_name]
