"""Crew events: the trip as crew see it, with the roles to fill and the checklist to work through."""

from __future__ import annotations

import re
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
    # the label with "{jackets}" for an item that counts life jackets, "" for one that does not; None
    # for an item stored before 2026-12-05 (`resolved` reads it from its boat's template)
    label_template: str | None = None
    ticked_for: int | None = None  # the life jackets it counted when ticked


#: The standard item's label, and the one an item stored without its template counts by.
JACKETS_LABEL = "Life jackets aboard: {jackets}"


def _template(item: ChecklistItem) -> str:
    """The item's label with "{jackets}" where it counts them ("" when it counts none); the standard
    item, stored before its template was kept, counts them in the standard words."""
    if item.label_template is not None:
        return item.label_template
    standard = item.key == "life_jackets" and item.label.startswith(JACKETS_LABEL.partition("{")[0])
    return JACKETS_LABEL if standard else ""


def counts_jackets(item: ChecklistItem) -> bool:
    """Whether the item counts life jackets (its label follows the people aboard)."""
    return bool(_template(item))


def jackets_in(item: ChecklistItem) -> int | None:
    """The life jackets the item's label counts now (None for an item that counts none)."""
    template = _template(item)
    if not template:
        return None
    # the count where "{jackets}" stands first, the same count wherever it stands again
    first, after, *more = re.escape(template).split(re.escape("{jackets}"))  # the template has one at least
    pattern = first + r"(?P<n>\d+)" + after + "".join(r"(?P=n)" + part for part in more)
    found = re.fullmatch(pattern, item.label)
    return int(found.group(1)) if found else None


def jackets_for(guest_count: int, group: int, crew_count: int) -> int:
    """Life jackets a trip needs: its guests (the booking's count, or more when its guest list is
    longer: a change lowering the count leaves who said they are coming) and its crew."""
    return max(guest_count, group) + crew_count


class TakenOff(BaseModel):
    """Someone whose role the trip lost (moved to a boat without it): shown them on the trip's page."""

    model_config = ConfigDict(frozen=True)

    person_id: str
    role: str
    boat: str  # the boat without the role


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
    taken_off: tuple[TakenOff, ...] = ()  # the latest of each person's, until they hold a role again


#: The checklist of a boat without its own template ("{jackets}": guests + crew).
STANDARD_CHECKLIST = tuple(
    ChecklistTemplateItem(key=key, phase=phase, label=label, required=required)
    for key, phase, label, required in (
        ("fuel", "pre_event", "Fuel checked and topped up", True),
        ("life_jackets", "pre_event", JACKETS_LABEL, True),
        ("engine_hours_out", "pre_event", "Engine hours recorded (out)", True),
        ("waivers", "departure", "All guest waivers signed", True),
        ("safety_briefing", "departure", "Safety briefing given", True),
        ("engine_hours_in", "return", "Engine hours recorded (in)", True),
        ("damage_notes", "return", "Damage notes (or none)", True),
        ("photos", "post_event", "Post-charter photos uploaded", False),
    )
)


#: The item that stands for "every guest has signed": ticking it checks the guests (`services.checklists`).
WAIVERS_ITEM = "waivers"


def with_waivers(template: Sequence[ChecklistTemplateItem]) -> tuple[ChecklistTemplateItem, ...]:
    """`template` with the standard "waivers" item first among its departure items when it has none: the
    departure waits for every guest's waiver, whatever the boat's own list (one without the item let a trip
    depart with a guest coming and unsigned)."""
    if any(t.key == WAIVERS_ITEM for t in template):
        return tuple(template)
    waivers = next(t for t in STANDARD_CHECKLIST if t.key == WAIVERS_ITEM)
    from_departure = (Phase.DEPARTURE, Phase.RETURN, Phase.POST_EVENT)
    at = next((n for n, t in enumerate(template) if Phase(t.phase) in from_departure), len(template))
    return (*template[:at], waivers, *template[at:])


def checklist_from(
    template: Sequence[ChecklistTemplateItem], guest_count: int, crew_count: int
) -> tuple[ChecklistItem, ...]:
    """A trip's checklist from a boat's template (its own, or `STANDARD_CHECKLIST`), with the "waivers"
    item that gates departure on guests' waivers (`with_waivers`)."""
    jackets = guest_count + crew_count
    return tuple(
        ChecklistItem(
            key=t.key,
            phase=Phase(t.phase),
            label=t.label.replace("{jackets}", str(jackets)),
            required=t.required,
            label_template=t.label if "{jackets}" in t.label else "",
        )
        for t in with_waivers(template)
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
        checklist=checklist_from(template or STANDARD_CHECKLIST, request.guest_count, len(roles)),
    )


def resolved(event: CrewEvent, boat: Sequence[ChecklistTemplateItem]) -> CrewEvent:
    """The event with each item's label template known: an item stored before 2026-12-05 takes its
    boat's (`boat`: the boat's template) when that counts life jackets, and, ticked, the count its
    label shows as the count of its tick; its label stays as it is."""
    labels = {t.key: t.label for t in boat}

    def known(item: ChecklistItem) -> ChecklistItem:
        if item.label_template is not None:
            return item
        label = labels.get(item.key, "")
        adopted = item.model_copy(update={"label_template": label})
        # the boat's template when it counts jackets and the item was made from it (its label reads by
        # it): a template edited since ("inspected" to "aboard: {jackets}") would make a tick a count
        counts = "{jackets}" in label and jackets_in(adopted) is not None
        found = adopted if counts else item.model_copy(update={"label_template": _template(item)})
        return found.model_copy(update={"ticked_for": jackets_in(found)}) if found.done_at is not None else found

    return event.model_copy(update={"checklist": tuple(known(item) for item in event.checklist)})


def follow_booking(event: CrewEvent, booking: Booking, *, group: int = 0) -> CrewEvent:
    """The event after its booking changed: new times, counts, notes and status; roles and
    checklist progress are kept, and every item counting life jackets follows the people aboard
    (`jackets_for`, with `group` the length of the guest list)."""
    request = booking.request
    jackets = jackets_for(request.guest_count, group, len(event.roles))
    checklist = tuple(_counted(item, jackets) for item in event.checklist)  # items `resolved` first
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


def _counted(item: ChecklistItem, jackets: int) -> ChecklistItem:
    """The item with its life-jacket count at `jackets` (an item stored before items kept their
    template counts by the standard label)."""
    if not counts_jackets(item):
        return item
    return item.model_copy(update={"label": _template(item).replace("{jackets}", str(jackets))})


def move_to_boat(
    event: CrewEvent, asset_name: str, roles: tuple[str, ...], template: Sequence[ChecklistTemplateItem],
    *, group: int = 0,
) -> CrewEvent:  # fmt: skip
    """The event after its booking moved to another boat: that boat's roles (holders of roles it
    also has keep them) and its checklist (items it shares keep their ticks here; the checks made
    aboard the other boat are then undone by `checklist.checked_elsewhere`)."""
    held = {slot.role: slot for slot in event.roles}
    slots = tuple(held.get(role, RoleSlot(role=role)) for role in roles)
    guests = max(event.guest_count, group)
    fresh = checklist_from(template or STANDARD_CHECKLIST, guests, len(roles))
    done = {item.key: item for item in event.checklist}
    # a tick goes with its key, unless the new boat's item counts jackets and the old one did not:
    # "Life jackets inspected" ticked is no count of the jackets aboard
    counting = {f.key for f in fresh if counts_jackets(f)}
    kept = {key: item for key, item in done.items() if counts_jackets(item) or key not in counting}
    checklist = tuple(
        item.model_copy(update={"done_by": kept[item.key].done_by, "done_at": kept[item.key].done_at,
                                "history": kept[item.key].history,
                                "earlier_changes": kept[item.key].earlier_changes,
                                "ticked_for": kept[item.key].ticked_for})
        if item.key in kept else item
        for item in fresh
    )  # fmt: skip
    return event.model_copy(update={"asset_name": asset_name, "roles": slots, "checklist": checklist})


def crew_names(event: CrewEvent) -> list[str]:
    """First names of the people holding a role, in role order."""
    return [slot.first_name for slot in event.roles if slot.first_name]


def taken_off_by(event: CrewEvent, lost: dict[str, str]) -> CrewEvent:
    """`event` remembering who lost which role (`lost`: person id to role) on its move to its boat;
    a crew member taken off saw nothing of it on the trip's page, only in their mail."""
    if not lost:
        return event
    kept = [t for t in event.taken_off if t.person_id not in lost]
    new = [TakenOff(person_id=person, role=role, boat=event.asset_name) for person, role in sorted(lost.items())]
    return event.model_copy(update={"taken_off": (*kept, *new)})
