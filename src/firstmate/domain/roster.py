"""Who crews a trip: claiming, releasing and designating roles.

Each rule here is pure; the use cases apply it to the stored event with a conditional write, so two
people claiming one role at once cannot both win.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from firstmate.domain.crew import CrewEvent, EventStatus, RoleSlot
from firstmate.domain.people import Person
from firstmate.domain.timing import span

#: A role held on a trip, the overlapping trip its holder is also on, and their role there.
Clash = tuple[RoleSlot, CrewEvent, RoleSlot]


# not in errors.py: a rule's refusal, turned by services/roster.py into the typed error its `kind` says
class RosterError(ValueError):
    """A roster change that is not allowed; `kind` says why (taken, forbidden, invalid)."""

    def __init__(self, message: str, kind: str = "invalid") -> None:
        super().__init__(message)
        self.kind = kind


def slot(event: CrewEvent, role: str) -> RoleSlot:
    """The slot for `role`; RosterError if the trip has no such role."""
    for candidate in event.roles:
        if candidate.role == role:
            return candidate
    raise RosterError(f"this trip has no role {role!r}; it has {', '.join(s.role for s in event.roles)}", "missing")


def held_by(event: CrewEvent, person_id: str) -> RoleSlot | None:
    """The role a person holds on this event, if any."""
    return next((s for s in event.roles if s.person_id == person_id), None)


def claim(event: CrewEvent, role: str, person: Person) -> CrewEvent:
    """`person` takes an open role they are qualified for. Claiming one's own role again is a no-op."""
    _open_for_changes(event)
    wanted = slot(event, role)
    if wanted.person_id == person.id:
        return event
    if wanted.person_id is not None:
        raise RosterError(f"{role_label(role)} is already taken by {wanted.first_name}", "taken")
    _may_hold(event, role, person)
    return _with(event, RoleSlot(role=role, person_id=person.id, first_name=person.first_name))


def release(
    event: CrewEvent, role: str, person_id: str, *, now: datetime, notice: timedelta, approved: bool
) -> tuple[CrewEvent, bool]:
    """Give a role back. Inside the notice period before departure, a release needs the captain's
    or an admin's approval: without it the release is only requested. Returns (event, released)."""
    _open_for_changes(event)
    current = slot(event, role)
    if current.person_id != person_id:
        raise RosterError(f"you do not hold {role_label(role)} on this trip", "forbidden")
    if approved or event.start - now >= notice:
        return _with(event, RoleSlot(role=role)), True
    return _with(event, current.model_copy(update={"release_requested": True})), False


def designate(event: CrewEvent, role: str, person: Person) -> tuple[CrewEvent, str | None]:
    """The captain or an admin puts `person` in `role`, replacing whoever held it (returned), and
    moving the person out of any other role they held on this trip."""
    _open_for_changes(event)
    current = slot(event, role)
    if not person.active:
        raise RosterError(f"{person.first_name}'s account is not active", "invalid")
    if not person.may_take(role):
        raise RosterError(f"{person.first_name} is not qualified as {role_label(role)}", "invalid")
    displaced = current.person_id if current.person_id != person.id else None
    roles = tuple(RoleSlot(role=s.role) if s.person_id == person.id and s.role != role else s for s in event.roles)
    moved = event.model_copy(update={"roles": roles})
    return _with(moved, RoleSlot(role=role, person_id=person.id, first_name=person.first_name)), displaced


def over(event: CrewEvent, now: datetime) -> bool:
    """Whether a live trip is over (back by its return time): it offers no role, and takes no claim."""
    return event.status is not EventStatus.CANCELLED and event.end <= now


def departed(event: CrewEvent, now: datetime) -> bool:
    """Whether a live trip has left (its departure passed, over or not): nobody takes a role on it any more
    (a claim from the dock while the boat was out made someone its crew); an admin records who is aboard."""
    return event.status is not EventStatus.CANCELLED and event.start <= now


def overlaps(one: CrewEvent, other: CrewEvent) -> bool:
    """True when two live trips share a moment: one ending as the other departs does not."""
    live = EventStatus.CANCELLED not in (one.status, other.status)
    return live and one.id != other.id and one.start < other.end and other.start < one.end


def clash(event: CrewEvent, person_id: str, others: Iterable[CrewEvent]) -> tuple[CrewEvent, RoleSlot] | None:
    """The first of `others` overlapping `event` on which `person_id` holds a role, with that role:
    nobody crews two trips at once."""
    for other in others:
        held = held_by(other, person_id)
        if held is not None and overlaps(event, other):
            return other, held
    return None


def clashes(event: CrewEvent, others: Iterable[CrewEvent]) -> list[Clash]:
    """For each role held on `event` whose holder holds a role on an overlapping trip of `others`:
    (the role here, that trip, the role there). A trip moved onto another can leave its crew so."""
    others = list(others)
    found: list[Clash] = []
    for here in event.roles:
        there = clash(event, here.person_id, others) if here.person_id else None
        if there is not None:
            found.append((here, *there))
    return found


def role_on(held: RoleSlot, event: CrewEvent, timezone: str) -> str:
    """A role on a trip, in words: "captain on Sea Lark (38 ft sloop), Sat 13 Jun 2026, 16:00 PDT to 19:00"."""
    return f"{role_label(held.role)} on {event.asset_name}, {span(event.start, event.end, timezone)}"


def captain_of(event: CrewEvent) -> str | None:
    """The person id holding the captain role, if any."""
    return next((s.person_id for s in event.roles if s.role == "captain"), None)


def _may_hold(event: CrewEvent, role: str, person: Person) -> None:
    if not person.active:
        raise RosterError("your account is not active; ask the operations manager", "forbidden")
    if not person.may_take(role):
        raise RosterError(f"you are not qualified as {role_label(role)}", "forbidden")
    other = held_by(event, person.id)
    if other is not None:
        raise RosterError(f"you are already {role_label(other.role)} on this trip: release that first", "invalid")


def _open_for_changes(event: CrewEvent) -> None:
    if event.status is EventStatus.CANCELLED:
        raise RosterError("this trip is cancelled", "cancelled")


def _with(event: CrewEvent, changed: RoleSlot) -> CrewEvent:
    roles = tuple(changed if s.role == changed.role else s for s in event.roles)
    # someone given a role is no longer "taken off": released again later, they were not
    aboard = [t for t in event.taken_off if t.person_id != changed.person_id]
    return event.model_copy(update={"roles": roles, "taken_off": tuple(aboard)})


def role_label(role: str) -> str:
    """A role in words, as crew read it: crew_1 → crew 1."""
    return role.replace("_", " ")
