"""The crew events API: the same actions as the crew pages, as JSON (session cookie, or a service
key acting for a named person with X-Acting-For). Answers never carry money."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from firstmate.bootstrap import App
from firstmate.domain.business import ROLE_NAME
from firstmate.domain.crew import CrewEvent
from firstmate.domain.redaction import redact_for_crew
from firstmate.errors import InvalidInput
from firstmate.services import roster
from firstmate.services.crew_access import CrewSession
from firstmate.services.crew_views import event_view
from firstmate.web.deps import acting_person, get_app
from firstmate.web.page_cache import keep, minute_of
from firstmate.web.routes.bookings import BODY_ERRORS, ERRORS, ErrorAnswer

router = APIRouter(prefix="/api/v1/events", tags=["crew"], responses={403: {"model": ErrorAnswer}})  # not allowed
AppDep = Annotated[App, Depends(get_app)]
ActorDep = Annotated[CrewSession, Depends(acting_person)]
ROLE = ROLE_NAME


class RosterSlot(BaseModel):
    """One role and who holds it (first name only)."""

    role: str
    first_name: str | None
    release_requested: bool


class RosterAnswer(BaseModel):
    """The roster after an action."""

    event_id: str
    status: str
    roster: list[RosterSlot]
    released: bool | None = Field(default=None, description="For release: whether the role is open now.")


class TripRole(BaseModel):
    """A role on the trip and the first name of who holds it."""

    role: str
    first_name: str | None


class RosterEntry(RosterSlot):
    """A role with its holder's id, for acting on it."""

    person_id: str | None


class ChecklistMarkAnswer(BaseModel):
    """One tick or undo of a checklist entry."""

    action: str
    by: str
    at: datetime
    note: str


class ChecklistEntry(BaseModel):
    """One thing to do before, at or after the trip."""

    key: str
    label: str
    required: bool
    done_by: str | None
    done_at: datetime | None
    done_time: str | None = Field(
        description="When it was done, local time: 'HH:MM' on the day of departure, else with its day "
        "('Fri 12 Jun, 18:30')."
    )
    history: list[ChecklistMarkAnswer] = Field(description="Its latest ticks and undos (at most 50), oldest first.")
    earlier_changes: int = Field(description="How many older ticks and undos there were.")
    shown: str = Field(
        description="The item's boat and words as this answer shows them: the crew page's tick form sends them back, "
        "and a tick from a page shown before the item changed (a life-jacket count, another boat) is refused."
    )


class ChecklistPhase(BaseModel):
    """A phase of the checklist (pre-departure, departure, return, after the trip)."""

    phase: str
    name: str
    open: bool
    complete: bool
    done: int
    required: int
    entries: list[ChecklistEntry]


class TimingPanel(BaseModel):
    """What is due next, as of the current minute."""

    lines: list[str]
    countdown_to: datetime | None = Field(description="When the next phase is due, for a live countdown.")
    label: str


class GuestCounts(BaseModel):
    """How many guests are at each status."""

    invited: int
    on_hold: int
    confirmed: int


class TripAnswer(BaseModel):
    """The trip as its crew see it: never money, never guests' contact details."""

    event_id: str
    entity: str
    boat: str
    meeting_point: str
    guest_count: int
    over_limit: int | None = Field(
        default=None,
        description="The boat's passenger limit, where the trip is booked over it (else null, as for a "
        "cancelled trip).",
    )
    notes: str
    cancelled: bool
    roles: list[TripRole]
    open_roles: list[str]
    departure: str
    departure_time: str
    return_time: str
    back_by: str = Field(
        description="When the boat is to be back, as the timing panel says it: the booked end (`return_time`), or "
        "sunset plus 30 minutes where that is earlier (a day trip)."
    )
    sunset: str | None
    timezone: str
    my_role: str | None
    is_captain: bool
    is_admin: bool
    over: bool = Field(description="The trip is over (back by its return time): only an admin changes its roster.")
    left: bool = Field(
        description="The trip has left (under way, or over): nobody takes a role on it and only an admin changes its "
        "roster."
    )
    claimable: list[str]
    times: str = Field(
        description="The trip's departure and return (epoch seconds, 'start-end') as this answer shows them: the crew "
        "page's claim form sends them back, and a claim from a page shown before the trip moved is refused."
    )
    busy: str | None = Field(
        default=None,
        description="The role the viewer holds on an overlapping trip: it keeps them from a role on this one "
        "(or, for a trip moved since they took a role here, is a clash to sort out).",
    )
    roster: list[RosterEntry]
    phases: list[ChecklistPhase]
    timing: TimingPanel
    guests: GuestCounts
    waiting: str = Field(
        default="", description="For an admin: who the departure waits for (coming, waiver unsigned), by name."
    )


class PersonBody(BaseModel):
    """Who the action is about (designate; release of someone else). Optional for claim."""

    model_config = ConfigDict(extra="forbid")

    person_id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")


def _answer(event: CrewEvent, released: bool | None = None) -> RosterAnswer:
    slots = [
        RosterSlot(role=s.role, first_name=s.first_name, release_requested=s.release_requested) for s in event.roles
    ]
    return RosterAnswer(event_id=event.id, status=event.status.value, roster=slots, released=released)


@router.get("/{event_id}", response_model=TripAnswer, responses=ERRORS)
def read_event(event_id: str, request: Request, app: AppDep) -> Response:
    """The trip as its crew see it: times, sunset, roster, checklist, and the timing panel as of the
    current minute. An open trip page polls this; with the session cookie the answer is kept (as the
    page is) while nothing in the store changes."""
    keyed = bool(request.headers.get("authorization"))  # a service key: acting_person reads it, never kept
    marker = None if keyed else app.store.change_marker()  # before every read the answer rests on
    actor = acting_person(request)
    now = minute_of(app.clock.now())
    view = event_view(app, actor.org, event_id, actor.person, now)
    view.pop("sunset_at", None)
    return keep(request, actor, now, marker, JSONResponse(jsonable_encoder(redact_for_crew(view))))


@router.post("/{event_id}/roles/{role}/claim", response_model=RosterAnswer, responses=ERRORS)
def claim(event_id: str, role: Annotated[str, Path(pattern=ROLE)], app: AppDep, actor: ActorDep) -> RosterAnswer:
    """Take a role: 200 with the roster, 409 "already taken by <first name>"."""
    return _answer(roster.claim_role(app, actor.org, event_id, role, actor.person.id))


@router.post("/{event_id}/roles/{role}/release", response_model=RosterAnswer, responses=BODY_ERRORS)
def release(
    event_id: str,
    role: Annotated[str, Path(pattern=ROLE)],
    app: AppDep,
    actor: ActorDep,
    body: PersonBody | None = None,
) -> RosterAnswer:
    """Give a role back; within 48 h of departure it is a request until the captain or an admin
    releases it (`released` says which)."""
    holder = (body.person_id if body else None) or actor.person.id
    event, released = roster.release_role(app, actor.org, event_id, role, holder, actor.person)
    return _answer(event, released)


@router.post("/{event_id}/roles/{role}/designate", response_model=RosterAnswer, responses=BODY_ERRORS)
def designate(
    event_id: str, role: Annotated[str, Path(pattern=ROLE)], body: PersonBody, app: AppDep, actor: ActorDep
) -> RosterAnswer:
    """The captain or an admin assigns `person_id` to the role (403 for anyone else)."""
    if not body.person_id:
        raise InvalidInput("say who: person_id")
    return _answer(roster.designate_role(app, actor.org, event_id, role, body.person_id, actor.person))
