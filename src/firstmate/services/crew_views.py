"""What the crew pages and the events API show: built from crew-safe views, then redacted."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import takewhile
from typing import Any

from firstmate.domain.bookings import MAX_TRIP_HOURS
from firstmate.domain.business import BusinessProfile
from firstmate.domain.checklist import PHASE_NAMES, phase_states
from firstmate.domain.crew import CrewEvent, EventStatus
from firstmate.domain.guests import guest_counts
from firstmate.domain.people import Person
from firstmate.domain.redaction import redact_for_crew
from firstmate.domain.roster import captain_of, clash, held_by, over
from firstmate.domain.timing import clock_time, phase_deadlines, relative, sunset_line
from firstmate.domain.views import crew_trip_view
from firstmate.errors import NotFound
from firstmate.services.bookings import get_booking, list_guests
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.paging import iter_items
from firstmate.services.roster import busy_elsewhere
from firstmate.services.trips import calendar_pk, get_event, get_events

#: Trips stay on the crew's list until this long after they end (post-trip checklist).
KEEP_LISTED = timedelta(days=2)


def my_trips(ctx: Context, org: str, viewer: Person, now: datetime | None = None) -> list[dict[str, Any]]:
    """Upcoming trips as of `now` (default: the clock's now), soonest first: the viewer's own, and
    those with a role they could take."""
    now = now or ctx.clock.now()
    profile = load_business(ctx.store, org)  # once for the whole list, not once a trip
    events = get_events(ctx.store, org, _listed(ctx, org, now))
    held = [e for e in events if held_by(e, viewer.id)]
    trips = []
    for event in events:
        mine = held_by(event, viewer.id)
        claimable = _claimable(event, viewer, now)
        found = clash(event, viewer.id, held) if mine is None and claimable else None
        if found is not None:
            claimable = []  # nobody crews two trips at once
        if mine is None and not claimable and not viewer.admin and found is None:
            continue
        trip = _trip_of(profile, event)
        busy = f"busy: on {found[0].asset_name}" if found else None
        trips.append({**trip, "my_role": mine.role if mine else None, "claimable": claimable, "busy": busy})
    return [redact_for_crew(t) for t in trips]


def _claimable(event: CrewEvent, viewer: Person, now: datetime) -> list[str]:
    """The open roles of `event` that `viewer` may take: none on a cancelled trip, or one over (its JSON
    offered them, and a claim was then refused)."""
    if event.status is EventStatus.CANCELLED or over(event, now):
        return []
    return [s.role for s in event.roles if s.person_id is None and viewer.may_take(s.role)]


def _listed(ctx: Context, org: str, now: datetime) -> list[str]:
    """The events of calendar entries ending after `now - KEEP_LISTED`, soonest first. The calendar
    is sorted by start: it is read from the newest entry back, and no further than the longest trip
    allows, so the cost follows the trips to come, not the years of trips behind."""
    oldest_start = now - KEEP_LISTED - timedelta(hours=MAX_TRIP_HOURS)
    newest_first = iter_items(ctx.store, calendar_pk(org), reverse=True)
    recent = takewhile(lambda item: datetime.fromisoformat(item.data["start"]) >= oldest_start, newest_first)
    listed = [
        item.data["event_id"]
        for item in recent
        if item.data.get("event_id") and datetime.fromisoformat(item.data["end"]) >= now - KEEP_LISTED
    ]
    return listed[::-1]


def event_view(ctx: Context, org: str, event_id: str, viewer: Person, now: datetime | None = None) -> dict[str, Any]:
    """One trip for a crew member (or an admin), with roster, checklist and timing panel as of
    `now` (default: the clock's now)."""
    event = get_event(ctx.store, org, event_id)
    now = now or ctx.clock.now()
    trip = _trip(ctx, org, event)
    mine = held_by(event, viewer.id)
    claimable = _claimable(event, viewer, now) if mine is None else []
    # a role elsewhere at the same time: no role offered here, or (a trip since moved) a clash to sort out
    busy = busy_elsewhere(ctx, org, event, viewer.id) if claimable or mine else None
    # shown while the trip is on the boat that lacked their role (moved back, it has the role again)
    off = None if mine else next((t for t in event.taken_off if t.person_id == viewer.id), None)
    off = off if off and off.boat == event.asset_name else None
    view = {
        **trip,
        "my_role": mine.role if mine else None,
        # their own only: "you were crew 2 until it moved to Sea Lark, which has no crew 2"
        "taken_off": {"role": off.role, "boat": off.boat} if off else None,
        "is_captain": captain_of(event) == viewer.id,
        "is_admin": viewer.admin,
        "claimable": [] if busy else claimable,
        "busy": busy,
        "roster": [
            {
                "role": s.role,
                "first_name": s.first_name,
                "person_id": s.person_id,
                "release_requested": s.release_requested,
            }
            for s in event.roles
        ],
        "phases": _phases(event, trip["timezone"]),
        "timing": timing_panel(
            event, trip["sunset_at"], trip["timezone"], now, dark=trip["dark_all_day"], overnight=trip["overnight"]
        ),
        "guests": guest_counts(list_guests(ctx.store, org, event.booking_id)),
    }
    return dict(redact_for_crew(view))


def admin_money(ctx: Context, org: str, event: CrewEvent) -> dict[str, str]:
    """For admin eyes only: what the trip earns and the private notes."""
    request = get_booking(ctx.store, org, event.booking_id).request
    return {
        "gross": str(request.gross),
        "source": f"{request.source} · {request.external_id}",
        "private": request.private_notes,
    }


def timing_panel(
    event: CrewEvent, sunset: datetime | None, timezone: str, now: datetime, *, dark: bool = False,
    overnight: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """The lines of the timing panel and the moment its live countdown counts to (`dark`: the sun does
    not rise on the departure day)."""
    deadlines = phase_deadlines(event.start, event.end)
    pending = next((s for s in phase_states(event) if not s.complete), None)
    lines = []
    countdown_to = None
    if pending is not None and event.status.value != "cancelled":
        due = deadlines[pending.phase.value]
        countdown_to = due.isoformat()
        state = "due" if due >= now else "overdue: was due"
        lines.append(f"{pending.name} checklist {state} {relative(due, now)} ({clock_time(due, timezone)})")
    if sunset is not None:
        lines.append(sunset_line(event.start, event.end, sunset, timezone, overnight=overnight))
    elif dark:
        lines.append("No daylight today (polar night): the whole trip is in the dark")
    lines.append(f"Departure {relative(event.start, now)}")
    return {"lines": lines, "countdown_to": countdown_to, "label": pending.name if pending else ""}


def _trip(ctx: Context, org: str, event: CrewEvent) -> dict[str, Any]:
    return _trip_of(load_business(ctx.store, org), event)


def _trip_of(profile: BusinessProfile | None, event: CrewEvent) -> dict[str, Any]:
    entity = profile.entity(event.entity) if profile else None
    asset = profile.asset(event.asset) if profile else None
    if profile is None or entity is None or asset is None:
        raise NotFound(f"no event {event.id!r}")
    return {**crew_trip_view(event, profile.org, entity, asset), "timezone": profile.org.timezone}


def _phases(event: CrewEvent, timezone: str) -> list[dict[str, Any]]:
    return [
        {
            "phase": state.phase.value,
            "name": PHASE_NAMES[state.phase],
            "open": state.open,
            "complete": state.complete,
            "done": state.done,
            "required": state.required,
            "entries": [
                {
                    "key": i.key,
                    "label": i.label,
                    "required": i.required,
                    "done_by": i.done_by,
                    "done_at": i.done_at,
                    "done_time": clock_time(i.done_at, timezone) if i.done_at else None,
                    "history": [m.model_dump() for m in i.history],
                    "earlier_changes": i.earlier_changes,
                }
                for i in event.checklist
                if i.phase is state.phase
            ],
        }
        for state in phase_states(event)
    ]
