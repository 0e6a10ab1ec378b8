"""What the crew pages and the events API show: built from crew-safe views, then redacted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from firstmate.domain.bookings import MAX_TRIP_HOURS
from firstmate.domain.business import BusinessProfile
from firstmate.domain.checklist import PHASE_NAMES, phase_states
from firstmate.domain.crew import CrewEvent, EventStatus
from firstmate.domain.guests import guest_counts, waiting_names
from firstmate.domain.people import Person
from firstmate.domain.redaction import crew_notes, redact_for_crew
from firstmate.domain.roster import captain_of, clash, departed, held_by, over
from firstmate.domain.shared import iso
from firstmate.domain.timing import (
    back_by,
    done_when,
    due_when,
    phase_deadlines,
    relative,
    sunset_line,
    times_shown,
)
from firstmate.domain.views import crew_trip_view
from firstmate.errors import InvalidInput, NotFound
from firstmate.services.bookings import get_booking, list_guests
from firstmate.services.business import load_business
from firstmate.services.checklists import item_shown
from firstmate.services.context import Context
from firstmate.services.paging import iter_between
from firstmate.services.people import list_people
from firstmate.services.roster import busy_elsewhere
from firstmate.services.trips import calendar_pk, get_event, get_events

#: Trips stay on the crew's list until this long after they end (post-trip checklist).
KEEP_LISTED = timedelta(days=2)


#: Trips on a page of the crew's list: a phone's worth to scroll; later ones are a link away.
TRIPS_SHOWN = 50
#: Events decoded at a time while a page of the list is filled.
_BATCH = 50
#: Past every calendar key (they begin with a UTC time in digits).
_END = "\uffff"


@dataclass(frozen=True)
class TripList:
    """A page of the crew's trip list, and where the next one starts (`after`; None: no trip is later)."""

    trips: list[dict[str, Any]]
    later: str | None = None


def my_trips(ctx: Context, org: str, viewer: Person, now: datetime | None = None) -> list[dict[str, Any]]:
    """Upcoming trips as of `now` (default: the clock's now), soonest first: the viewer's own, and
    those with a role they could take (all of them: `trip_list` gives a page)."""
    return trip_list(ctx, org, viewer, now, size=None).trips


def trip_list(
    ctx: Context, org: str, viewer: Person, now: datetime | None = None, *, after: str | None = None,
    size: int | None = TRIPS_SHOWN,
) -> TripList:  # fmt: skip
    """A page of `my_trips`: the first `size` trips after the calendar key `after` (from the soonest
    without), and the key to read on from when more follow. The calendar is read forward from the
    list's cut-off (`KEEP_LISTED`), and only as far as the page needs: its cost follows the page, not
    the trips to come. A claimable trip is checked against the viewer's roles on every trip read that
    overlaps it, those just before the page and just past it among them."""
    now = now or ctx.clock.now()
    profile = load_business(ctx.store, org)  # once for the whole list, not once a trip
    cut_off = now - KEEP_LISTED
    first = cut_off - timedelta(hours=MAX_TRIP_HOURS)  # the longest trip starting then is still listed
    if after is not None:  # a trip just before the page that overlaps one on it is read, for the clashes
        first = max(first, place_in_list(after) - timedelta(hours=MAX_TRIP_HOURS))
    entries = (
        (item.sk, item.data["event_id"])
        for item in iter_between(ctx.store, calendar_pk(org), iso(first), _END)
        if item.data.get("event_id") and datetime.fromisoformat(item.data["end"]) >= cut_off
    )
    listed: list[tuple[str, CrewEvent]] = []
    read: list[CrewEvent] = []  # every trip read: the viewer's roles among them are what a claim would clash with
    while batch := list(islice(entries, _BATCH)):
        found = {e.id: e for e in get_events(ctx.store, org, [event_id for _, event_id in batch])}
        for sk, event_id in batch:
            event = found.get(event_id)
            if event is None:
                continue
            read.append(event)
            room = size is None or len(listed) <= size  # one past the page: whether a later page has any
            if room and (after is None or sk > after) and _listable(event, viewer, now):
                listed.append((sk, event))
        if size is not None and len(listed) > size:
            shown_until = max(event.end for _, event in listed[:size])
            if read[-1].start >= shown_until:  # in order of start: none read later overlaps a trip shown
                break
    shown = listed if size is None else listed[:size]
    held = [e for e in read if held_by(e, viewer.id)]
    trips = []
    for _, event in shown:
        mine = held_by(event, viewer.id)
        claimable = _claimable(event, viewer, now)
        busy = clash(event, viewer.id, held) if mine is None and claimable else None
        if busy is not None:
            claimable = []  # nobody crews two trips at once
        trip = _trip_of(profile, event)
        note = f"busy: on {busy[0].asset_name}" if busy else None
        trips.append({**trip, "my_role": mine.role if mine else None, "claimable": claimable, "busy": note})
    later = shown[-1][0] if size is not None and len(listed) > size else None
    return TripList([redact_for_crew(t) for t in trips], later)


def place_in_list(after: str) -> datetime:
    """The departure a trip list's `after` key names (a calendar key, `<UTC start>#<booking>`);
    InvalidInput for anything else."""
    start, _, booking = after.partition("#")
    try:
        moment = datetime.fromisoformat(start)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or not booking or len(after) > 200:
        raise InvalidInput(f"{after[:60]!r} is no place in the trip list", hint="open the list from its start")
    return moment


def _listable(event: CrewEvent, viewer: Person, now: datetime) -> bool:
    """Whether the viewer's list shows `event`: theirs, one with a role they could take, or any (an admin)."""
    return viewer.admin or held_by(event, viewer.id) is not None or bool(_claimable(event, viewer, now))


def _candidates(ctx: Context, org: str, event: CrewEvent) -> dict[str, list[dict[str, str]]]:
    """Each open role's people to put in it: active, qualified, holding no role on this trip."""
    aboard = {s.person_id for s in event.roles if s.person_id}
    open_roles = [s.role for s in event.roles if s.person_id is None]
    if not open_roles:
        return {}
    people = [p for p in list_people(ctx.store, org) if p.active and p.id not in aboard]
    return {
        role: [{"id": p.id, "name": p.name} for p in sorted(people, key=lambda p: p.name) if p.may_take(role)]
        for role in open_roles
    }


def _claimable(event: CrewEvent, viewer: Person, now: datetime) -> list[str]:
    """The open roles of `event` that `viewer` may take: none on a cancelled trip, or one that has left (its
    JSON offered them, and a claim was then refused)."""
    if event.status is EventStatus.CANCELLED or departed(event, now):
        return []
    return [s.role for s in event.roles if s.person_id is None and viewer.may_take(s.role)]


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
    guests = list_guests(ctx.store, org, event.booking_id)
    # the captain until the trip leaves, an admin always: as designate_role takes it
    captain = captain_of(event) == viewer.id and not departed(event, now)
    placing = event.status is not EventStatus.CANCELLED and (viewer.admin or captain)
    view = {
        **trip,
        "my_role": mine.role if mine else None,
        # their own only: "you were crew 2 until it moved to Sea Lark, which has no crew 2"
        "taken_off": {"role": off.role, "boat": off.boat} if off else None,
        "is_captain": captain_of(event) == viewer.id,
        "is_admin": viewer.admin,
        "over": over(event, now),  # who crewed it is the record now: only an admin changes it
        "left": departed(event, now),  # under way or over: who is aboard is the record, only an admin changes it
        "claimable": [] if busy else claimable,
        # whom the captain or an admin may put in each open role (a claim on a trip that has left tells an admin
        # to): the active people qualified for it, not aboard already; one busy elsewhere is refused, saying so
        "candidates": _candidates(ctx, org, event) if placing else {},
        "times": times_shown(event.start, event.end),  # its claim forms carry it (a move refuses them)
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
        "guests": guest_counts(guests),
        # who the departure waits for, beside an admin's reason to go without them (and sent back with it)
        "waiting": waiting_names(guests) if viewer.admin else "",
    }
    return dict(redact_for_crew(view))


def admin_money(ctx: Context, org: str, event: CrewEvent) -> dict[str, str]:
    """For admin eyes only: what the trip earns, the private notes, and the notes as written when crew read
    them with an amount hidden."""
    request = get_booking(ctx.store, org, event.booking_id).request
    return {
        "gross": str(request.gross),
        "source": f"{request.source} · {request.external_id}",
        "private": request.private_notes,
        "notes": request.notes if crew_notes(request.notes) != request.notes else "",
    }


def timing_panel(
    event: CrewEvent, sunset: datetime | None, timezone: str, now: datetime, *, dark: bool = False,
    overnight: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """The lines of the timing panel and the moment its live countdown counts to (`dark`: the sun does
    not rise on the departure day)."""
    # the Return checklist is due when the panel says to be back (sunset plus twilight, if before the end)
    deadlines = phase_deadlines(event.start, back_by(event.start, event.end, sunset, overnight=overnight))
    pending = next((s for s in phase_states(event) if not s.complete), None)
    if event.status is EventStatus.CANCELLED:  # it read "Departure in 12 days", "return by 19:00"
        return {"lines": ["Cancelled: it does not leave, and nothing is due"], "countdown_to": None, "label": ""}
    lines = []
    countdown_to = None
    if pending is not None:
        due = deadlines[pending.phase.value]
        countdown_to = due.isoformat()
        state = "due" if due >= now else "overdue: was due"
        shown = due_when(due, event.start, now, timezone)  # "Sat 13 Jun, 15:30"; "01:45 PDT" across a change
        lines.append(f"{pending.name} checklist {state} {relative(due, now)} ({shown})")
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
            "locked": state.locked,
            "done": state.done,
            "required": state.required,
            "entries": [
                {
                    "key": i.key,
                    "label": i.label,
                    "required": i.required,
                    "done_by": i.done_by,
                    "done_at": i.done_at,
                    "done_time": done_when(i.done_at, event.start, timezone) if i.done_at else None,
                    "history": [m.model_dump() for m in i.history],
                    "earlier_changes": i.earlier_changes,
                    "shown": item_shown(
                        event, i
                    ),  # carried by its tick form: a tick of what it no longer is is refused
                }
                for i in event.checklist
                if i.phase is state.phase
            ],
        }
        for state in phase_states(event)
    ]
