"""Checklists: phases in order, each tick stamped, every undo recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from firstmate.domain.crew import WAIVERS_ITEM, ChecklistItem, ChecklistMark, CrewEvent, EventStatus, Phase, jackets_in

PHASES = tuple(Phase)
#: The marks an item keeps, oldest first; older ones are counted (those with a note are let go last).
#: Ticked and undone without end, an item would otherwise outgrow the trip's store item (400 KB), and
#: no change to the trip could be saved.
MAX_HISTORY = 50
PHASE_NAMES = {
    Phase.PRE_EVENT: "Pre-departure",
    Phase.DEPARTURE: "Departure",
    Phase.RETURN: "Return",
    Phase.POST_EVENT: "After the trip",
}


# not in errors.py: a rule's refusal, turned by services/checklists.py into the typed error its `kind` says
class ChecklistError(ValueError):
    """A checklist change that is not allowed now; `kind` says why."""

    def __init__(self, message: str, kind: str = "invalid") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class PhaseState:
    """How far one phase is."""

    phase: Phase
    name: str
    open: bool
    complete: bool
    locked: bool  # a later phase is done: this one's ticks stand (`done_after`)
    done: int
    required: int


def item(event: CrewEvent, key: str) -> ChecklistItem:
    """The checklist item `key`; ChecklistError if there is none."""
    for candidate in event.checklist:
        if candidate.key == key:
            return candidate
    raise ChecklistError(f"this checklist has no item {key!r}", "missing")


def phase_complete(event: CrewEvent, phase: Phase) -> bool:
    """All required items of the phase are done."""
    return all(i.done_at is not None for i in event.checklist if i.phase is phase and i.required)


def phase_open(event: CrewEvent, phase: Phase) -> bool:
    """A phase opens when every earlier phase is complete."""
    earlier = PHASES[: PHASES.index(phase)]
    return all(phase_complete(event, p) for p in earlier)


def done_after(event: CrewEvent, phase: Phase) -> Phase | None:
    """The first phase after `phase` done by its ticks (complete, an item of it ticked), or None: while there
    is one, `phase`'s ticks stand. Undoing one would close a phase done, a departure done reading closed and
    the return not opening; a later phase only begun leaves them free (fuel found low after the waivers)."""
    for later in PHASES[PHASES.index(phase) + 1 :]:
        items = [i for i in event.checklist if i.phase is later]
        if any(i.done_at is not None for i in items) and phase_complete(event, later):
            return later
    return None


def phase_states(event: CrewEvent) -> list[PhaseState]:
    """Every phase in order, with its progress."""
    states = []
    for phase in PHASES:
        items = [i for i in event.checklist if i.phase is phase]
        required = [i for i in items if i.required]
        states.append(
            PhaseState(
                phase=phase,
                name=PHASE_NAMES[phase],
                open=phase_open(event, phase),
                complete=phase_complete(event, phase),
                locked=done_after(event, phase) is not None,
                done=sum(1 for i in required if i.done_at is not None),
                required=len(required),
            )
        )
    return states


def tick(event: CrewEvent, key: str, *, by: str, at: datetime, note: str = "") -> CrewEvent:
    """Mark an item done by `by` at `at`. Ticking a done item again changes nothing."""
    target = item(event, key)
    if event.status is EventStatus.CANCELLED:
        raise ChecklistError("this trip is cancelled", "cancelled")
    if not phase_open(event, target.phase):
        waiting = next(p for p in PHASES[: PHASES.index(target.phase)] if not phase_complete(event, p))
        raise ChecklistError(
            f"{PHASE_NAMES[target.phase]} is not open yet: finish {PHASE_NAMES[waiting]} first", "not_open"
        )
    if target.done_at is not None:
        return event
    mark = ChecklistMark(action="tick", by=by, at=at, note=note)
    ticked = {"done_by": by, "done_at": at, "ticked_for": jackets_in(target)}  # the jackets it counted, if any
    return _with(event, _marked(target, mark).model_copy(update=ticked))


def untick(event: CrewEvent, key: str, *, by: str, at: datetime, note: str = "") -> CrewEvent:
    """Undo a tick; the undo (and why, in `note`) is recorded in the item's history."""
    target = item(event, key)
    if target.done_at is None:
        return event
    mark = ChecklistMark(action="undo", by=by, at=at, note=note)
    return _with(event, _marked(target, mark).model_copy(update={"done_by": None, "done_at": None, "ticked_for": None}))


def recount(event: CrewEvent, was: int, *, at: datetime) -> CrewEvent:
    """The event after a change to the people aboard: each ticked item counting life jackets for
    fewer than it asks for now is unticked, with why, so that they are counted again (a trip whose
    departure is done is left as it is). `was`: what the items asked for before the change, the
    count of a tick made before ticks kept theirs."""
    if _departed(event, at):
        return event
    for item in event.checklist:
        needed = jackets_in(item)
        counted = item.ticked_for if item.ticked_for is not None else was
        if item.done_at is not None and needed is not None and needed > counted:
            note = f"{needed} life jackets needed now, {counted} when counted: count them again"
            event = untick(event, item.key, by="firstmate", at=at, note=note)
    return event


def checked_elsewhere(event: CrewEvent, was_boat: str, *, at: datetime) -> CrewEvent:
    """The event after its trip moved to another boat: each ticked item of the checks before
    departure (fuel, life jackets, engine hours) is unticked, with why, since it was checked aboard
    `was_boat`, not this one (a trip whose departure is done is left as it is: a correction made
    after it sailed). Items about the guests (waivers) keep their ticks."""
    if _departed(event, at):
        return event
    for item in event.checklist:
        if item.phase is Phase.PRE_EVENT and item.done_at is not None:
            note = f"checked aboard {was_boat}: check {event.asset_name}"
            event = untick(event, item.key, by="firstmate", at=at, note=note)
    return event


def signed_for_another_line(event: CrewEvent, names: list[str], line: str, *, at: datetime) -> CrewEvent:
    """The event after its trip moved to the boat of business line `line`, whose waiver (another text) `names` have
    not signed: its waivers item is unticked, with why, since it was ticked for the other line's signatures (a trip
    whose departure is done is left as it is)."""
    if not names or _departed(event, at) or not any(i.key == WAIVERS_ITEM for i in event.checklist):
        return event
    note = f"{', '.join(names)} signed the waiver of the line the trip was on: {line}'s is theirs to sign now"
    return untick(event, WAIVERS_ITEM, by="firstmate", at=at, note=note)


def signed_an_earlier_text(event: CrewEvent, names: list[str], line: str, *, at: datetime) -> CrewEvent:
    """The event after business line `line` changed the words of its waiver, whose new text `names` have not signed:
    its waivers item is unticked, with why, since it was ticked for signatures of the earlier text (a trip whose
    departure is done is left as it is)."""
    if not names or _departed(event, at) or not any(i.key == WAIVERS_ITEM for i in event.checklist):
        return event
    note = f"{', '.join(names)} signed {line}'s earlier waiver text: its new text is theirs to sign now"
    return untick(event, WAIVERS_ITEM, by="firstmate", at=at, note=note)


def departed(event: CrewEvent, now: datetime) -> bool:
    """Whether the trip has left (`_departed`): what a change of it leaves as it sailed."""
    return _departed(event, now)


def checked_for_another_day(event: CrewEvent, was_start: datetime, timezone: str, *, at: datetime) -> CrewEvent:
    """The event after its trip, which was to leave at `was_start`, moved to another day (by the clocks
    of `timezone`): each ticked item of the checks before departure is unticked, with why, since it was
    checked for that day (fuel used and jackets taken ashore since). A trip moved within its day keeps
    them, and one whose departure is done is left as it is; items about the guests keep their ticks."""
    zone = ZoneInfo(timezone)
    was_day, day = was_start.astimezone(zone), event.start.astimezone(zone)
    if was_day.date() == day.date() or _departed(event, at):
        return event
    note = f"checked for {was_day:%a} {was_day.day} {was_day:%b}: check again for {day:%a} {day.day} {day:%b}"
    for item in event.checklist:
        if item.phase is Phase.PRE_EVENT and item.done_at is not None:
            event = untick(event, item.key, by="firstmate", at=at, note=note)
    return event


def _departed(event: CrewEvent, now: datetime) -> bool:
    """Whether the trip has left: its departure items done, or, for a boat whose checklist has none
    (an empty phase is complete from the start), its departure time passed."""
    if any(i.phase is Phase.DEPARTURE and i.required for i in event.checklist):
        return phase_complete(event, Phase.DEPARTURE)
    return now >= event.start


def _marked(target: ChecklistItem, mark: ChecklistMark) -> ChecklistItem:
    history = [*target.history, mark]
    dropped = 0
    while len(history) > MAX_HISTORY:
        # the oldest plain tick or undo goes first: a mark with a note (an admin's reason to depart
        # without every waiver) is kept while there is any other to let go
        del history[next((n for n, kept in enumerate(history) if not kept.note), 0)]
        dropped += 1
    return target.model_copy(update={"history": tuple(history), "earlier_changes": target.earlier_changes + dropped})


def _with(event: CrewEvent, changed: ChecklistItem) -> CrewEvent:
    return event.model_copy(
        update={"checklist": tuple(changed if i.key == changed.key else i for i in event.checklist)}
    )
