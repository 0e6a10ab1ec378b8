"""Telling the operations manager of a boat held twice at once ("Double booked!")."""

from __future__ import annotations

from collections.abc import Sequence

from firstmate.domain.business import BusinessProfile
from firstmate.domain.calendar import CalendarEntry, EntryKind
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.timing import span, when
from firstmate.services.context import Context
from firstmate.services.messages import templated


def double_booking_lines(
    profile: BusinessProfile, entries: Sequence[CalendarEntry], *, titled: bool = True
) -> list[str]:
    """Each entry holding a boat, in words: "Sea Lark (38 ft sloop) is also booked Sat 13 Jun 2026,
    16:00 PDT to 19:00: “Sea Lark: Dana Whitcomb (6 guests)”" (without `titled`, up to the title)."""
    zone = profile.org.timezone
    lines = []
    for entry in entries:
        boat = profile.asset(entry.asset) if entry.asset else None
        name = boat.name if boat else "every boat"
        line = f"{name} is also {_held(entry)} {span(entry.start, entry.end, zone)}"
        lines.append(f"{line}: “{entry.title}”" if titled else line)
    return lines


def double_booking_message(
    ctx: Context, profile: BusinessProfile, one: CalendarEntry, other: CalendarEntry
) -> OutgoingMessage:
    """The operations manager's message about one boat held twice at once: one per pair of entries
    and their overlap, however many times either is written or checked (its key names both), of use
    until their overlap is over."""
    first, second = sorted((one, other), key=lambda e: (e.start, e.uid))
    trip = one if one.kind is EntryKind.BOOKING else other
    boat = profile.asset(trip.asset)
    zone = profile.org.timezone
    entries = [{"held": _held(e), "span": span(e.start, e.end, zone), "title": e.title, "sent_by": _sent_by(e, zone)}
               for e in (first, second)]  # fmt: skip
    name = boat.name if boat else trip.asset
    subject = f"Double booked! {name}, {when(second.start, zone)}"  # when the clash begins
    # the pair, their overlap and their moves: a clash sorted out and made again is told of again,
    # even at the same times (entries stored before `placed` was kept key as they did)
    overlap = f"{int(second.start.timestamp())}-{int(min(one.end, other.end).timestamp())}"
    a, b = sorted((one, other), key=lambda e: e.uid)
    moves = f":p{a.placed}-{b.placed}" if a.placed or b.placed else ""
    key = f"clash:{a.uid}:{b.uid}:{overlap}{moves}"
    return templated(
        ctx, key=key, to=profile.org.ops_email, subject=subject, template="double_booked",
        context={"boat": name, "entries": entries, "colour": "#a4161a"},
        # a request's hold lapsing unanswered ends the clash as surely as the trips' end
        stale_after=min([one.end, other.end, *(e.held_until for e in (one, other) if e.held_until)]),
    )  # fmt: skip


def _held(entry: CalendarEntry) -> str:
    return "blocked" if entry.kind is EntryKind.BLOCKED else "booked"


def _sent_by(entry: CalendarEntry, zone: str) -> str:
    """Where to cancel or move it: the channel, and its reference of a booking or a request ("" when not kept);
    of a request's hold, until when it holds the boat unanswered."""
    if not entry.channel:
        return ""
    sent_by = f"{entry.channel}, {entry.reference}" if entry.reference else entry.channel
    if entry.held_until is None:
        return sent_by
    return f"{sent_by}; a request, held until {when(entry.held_until, zone)} unless answered"
