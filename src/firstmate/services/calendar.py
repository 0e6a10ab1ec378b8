"""Calendar feeds (RFC 5545) for an org, an entity or a crew member, behind secret URLs.

A feed token is signed, not stored: `<payload>.<mac>`, where the payload names the org, the scope
and a generation number. Revoking a feed bumps its generation, which voids every older URL.
Crew feeds are built from crew-safe fields only: no money, no private notes. A feed is bounded: 60 days
back to 18 months ahead, in at most 5 MB as Lambda carries it (then cut, with a note saying so).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import icalendar
import structlog

from firstmate.domain.business import AssetKind
from firstmate.domain.calendar import CalendarEntry, EntryKind, as_of, crew_title
from firstmate.domain.redaction import crew_notes, speaks_of_money
from firstmate.domain.roster import clash, departed, held_by
from firstmate.domain.shared import iso
from firstmate.errors import NotFound
from firstmate.ports import Absent, Item, Store, VersionIs
from firstmate.services.access import SigningKeys
from firstmate.services.business import load_business, org_pk
from firstmate.services.ics_lines import Value, vevent_ics
from firstmate.services.paging import iter_between
from firstmate.services.people import get_person
from firstmate.services.trips import (
    LONG_BLOCKS_KEPT_AFTER_END,
    TRIP_LENGTH,
    calendar_pk,
    calendar_sk,
    get_events,
    long_blocks,
)

#: Feeds show trips from this long ago onwards, so last week's trips stay visible (the long blocked
#: slots' list keeps theirs as long).
HISTORY = LONG_BLOCKS_KEPT_AFTER_END
#: …and those that start within this long from now (18 months: next season's bookings and the one after).
AHEAD = timedelta(days=548)
#: The most a feed's answer may weigh, as Lambda carries it (JSON-escaped): well under its 6 MB answer
#: (about 10,000 trips with notes, see docs/bookings.md). Past it, a feed lists the soonest entries that fit.
MAX_FEED_BYTES = 5_000_000
FEED = "calendar-feed"  # what a feed URL's signature is for (see SigningKeys.sign)

log = structlog.get_logger(__name__)


class FeedScope(StrEnum):
    """Whose calendar a feed is."""

    ORG = "org"  # everything, with money: for the owner and the operations manager
    ENTITY = "entity"  # one business line, crew-safe
    CREW = "crew"  # one crew member's view, crew-safe


@dataclass(frozen=True)
class Feed:
    """A verified feed: what it shows."""

    org: str
    scope: FeedScope
    target: str  # the entity id, the person id, or the org id


def feed_token(secret: SigningKeys, store: Store, feed: Feed) -> str:
    """The secret URL token of a feed (the same every time, until the feed is revoked)."""
    payload = {"o": feed.org, "s": feed.scope.value, "t": feed.target, "g": _generation(store, feed)}
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
    return f"{body}.{secret.sign(FEED, body, size=18)}"


def resolve_feed(secret: SigningKeys, store: Store, token: str) -> Feed:
    """The feed a token opens (signed with any of the keys); raises NotFound for a forged, malformed
    or revoked token."""
    body, _, mac = token.partition(".")
    if not body or not secret.verifies(FEED, body, mac, size=18):
        raise NotFound("no such calendar")
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        feed = Feed(org=payload["o"], scope=FeedScope(payload["s"]), target=payload["t"])
    except (ValueError, KeyError, TypeError):
        raise NotFound("no such calendar") from None
    if payload.get("g") != _generation(store, feed):
        raise NotFound("no such calendar")
    return feed


def revoke_feed(store: Store, feed: Feed) -> None:
    """Void every URL issued for this feed so far; the next token is new."""
    pk, sk = _generation_key(feed)
    current = store.get(pk, sk)
    generation = int(current.data["generation"]) if current else 1
    store.put(Item(pk, sk, {"generation": generation + 1}), VersionIs(current.version) if current else Absent())


def feed_ics(store: Store, feed: Feed, now: datetime, *, more_at: str = "", budget: int = MAX_FEED_BYTES) -> bytes:
    """The feed as an iCalendar document: the entries ended at most HISTORY ago that start within AHEAD,
    in at most `budget` bytes (see `render_ics`); `more_at` is the crew app's address, named when it is cut."""
    profile = load_business(store, feed.org)
    if profile is None:
        raise NotFound("no such calendar")
    entries = _shown(store, feed.org, now)
    if feed.scope is FeedScope.ENTITY:
        # a slot blocking every boat (no boat named) holds this line's boats too: the week looked free
        boats = any(a.entity == feed.target and a.kind is AssetKind.BOAT for a in profile.assets)
        entries = [e for e in entries if e.entity == feed.target or (boats and _every_boat(e))]
    if feed.scope is FeedScope.CREW:
        entries = _crew_entries(store, feed, entries, now)
    name = profile.org.name
    if feed.scope is FeedScope.ENTITY and (entity := profile.entity(feed.target)):
        name = entity.name
    money = feed.scope is FeedScope.ORG
    return render_ics(entries, profile.org.timezone, f"{name} trips", with_money=money, budget=budget, more_at=more_at)


def _shown(store: Store, org: str, now: datetime) -> list[CalendarEntry]:
    """The entries a feed shows, those ended at most HISTORY ago that start before AHEAD from now: a range
    of the calendar's sort keys (they begin with the start) from HISTORY and a trip's length back to AHEAD,
    and the long blocked slots that began before it, from their list. A feed read the whole calendar on
    every poll, years of it, and then listed every future trip."""
    since = now - HISTORY
    first = (since - TRIP_LENGTH).astimezone(UTC)
    until = iso((now + AHEAD).astimezone(UTC))  # a key is the start, "#" and the UID: one starting then is after it
    entries = {
        i.data["uid"]: CalendarEntry.model_validate(i.data)  # validated once, and only what the feed shows
        for i in iter_between(store, calendar_pk(org), iso(first), until)
        if datetime.fromisoformat(i.data["end"]) >= since
    }
    earlier = [b for b in long_blocks(store, org, now, keep=False)[1] if b.start < first and b.end >= since]
    for item in store.get_many([(calendar_pk(org), calendar_sk(b.start, b.uid)) for b in earlier]) if earlier else []:
        if item is not None:
            entries[item.data["uid"]] = CalendarEntry.model_validate(item.data)
    # a request's hold that lapsed unanswered shows cancelled, as calendars would hear of its decline
    return sorted((as_of(e, now) for e in entries.values()), key=lambda e: (e.start, e.uid))


def _every_boat(entry: CalendarEntry) -> bool:
    """Whether `entry` is a blocked slot that names no boat, and so holds every boat."""
    return entry.kind is EntryKind.BLOCKED and not entry.asset


def _crew_entries(store: Store, feed: Feed, entries: list[CalendarEntry], now: datetime) -> list[CalendarEntry]:
    """A crew member's trips (titled with their role) and the open ones they could take as of `now`: none
    over, none at the time of one of their own (one trip at a time), as their trip pages say."""
    try:
        person = get_person(store, feed.org, feed.target)
    except NotFound:
        raise NotFound("no such calendar") from None
    if not person.active:
        raise NotFound("no such calendar")  # a person who left takes no calendar with them
    shown = []
    # the trips' crew read in batches: one read per trip made a feed of 150 trips 157 reads, every poll
    events = {e.id: e for e in get_events(store, feed.org, [e.event_id for e in entries if e.event_id])}
    held = [e for e in events.values() if held_by(e, person.id)]
    for entry in entries:
        if not entry.event_id:
            shown.append(entry)  # blocked time matters to everyone
            continue
        event = events.get(entry.event_id)
        if event is None:  # its booking removed meanwhile
            continue
        mine = next((s.role for s in event.roles if s.person_id == person.id), None)
        open_roles = [s.role for s in event.roles if s.person_id is None and person.may_take(s.role)]
        title = crew_title(entry)  # the boat and head count: no crew page names the guests
        if mine:
            shown.append(entry.model_copy(update={"title": f"{mine.replace('_', ' ').capitalize()}: {title}"}))
        elif open_roles and not entry.cancelled and not departed(event, now) and clash(event, person.id, held) is None:
            label = ", ".join(r.replace("_", " ") for r in open_roles)
            shown.append(entry.model_copy(update={"title": f"Open ({label}): {title}"}))
    return shown


def render_ics(
    entries: list[CalendarEntry],
    timezone: str,
    name: str,
    *,
    with_money: bool,
    budget: int = MAX_FEED_BYTES,
    more_at: str = "",
) -> bytes:
    """Entries as a VCALENDAR with a VTIMEZONE for the business's zone, in at most `budget` bytes as Lambda
    carries them (JSON-escaped): past it, the soonest entries that fit, up to a day's start (none of the
    note's day), and an all-day note on the day of the first left out, saying where the rest are (`more_at`,
    the crew app), and a warning logged."""
    zone = ZoneInfo(timezone)
    ordered = sorted(entries, key=lambda e: e.start)
    # each event written once, after the calendar's zone (where icalendar puts it): a cut feed rendered twice
    events = [_vevent(entry, zone, with_money) for entry in ordered]
    head = _head(ordered, zone, timezone, name)
    ics = b"".join([head, *events, _END])
    if _answer_size(ics) <= budget:
        return ics
    sizes = [_answer_size(event) for event in events]
    # the head only shrinks as the last entries go (its zone's rules end sooner); the longest note is kept room for
    room = budget - _answer_size(head + _END) - _answer_size(_cut_note(ordered, len(ordered) - 1, zone, name, more_at))
    listed = 0
    while listed < len(ordered) and sizes[listed] <= room:
        room -= sizes[listed]
        listed += 1
    # the note says those from its day on are in the crew app: a day listed in part read as the whole day
    day = ordered[listed].start.astimezone(zone).date()
    while listed and ordered[listed - 1].start.astimezone(zone).date() == day:
        listed -= 1
    note = _cut_note(ordered, listed, zone, name, more_at)
    ics = b"".join([_head(ordered[:listed], zone, timezone, name), *events[:listed], note, _END])
    first_left_out = iso(ordered[listed].start.astimezone(UTC))
    log.warning(
        "calendar.feed_cut",
        calendar=name,
        entries=len(ordered),
        listed=listed,
        budget=budget,
        first_left_out=first_left_out,
    )
    return ics


_END = b"END:VCALENDAR\r\n"


def _head(entries: list[CalendarEntry], zone: ZoneInfo, timezone: str, name: str) -> bytes:
    """A VCALENDAR's lines up to the events of `entries`: its name, and the rules of the zones their times
    are told in (see `_told`) over every entry's dates."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//firstmate//calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", timezone)
    # an event for each zone the entries' times are told in, for icalendar to find their TZIDs: walking
    # 10,000 events for them took 1.5 s
    told = {m.tzinfo: m for e in entries for m in (_told(e.start, zone), _told(e.end, zone))}
    for moment in told.values():
        probe = icalendar.Event()
        probe.add("dtstart", moment)
        cal.add_component(probe)
    # the zone's rules over every entry's dates: a window around the machine's today left a trip in
    # July 2029 an hour late in clients that read the file's own zone (Outlook)
    first = min((e.start for e in entries), default=None)
    last = max((e.end for e in entries), default=None)
    today = date.today()
    cal.add_missing_timezones(
        first_date=(first.date() if first else today) - timedelta(days=400),
        last_date=(last.date() if last else today) + timedelta(days=400),
    )
    cal.subcomponents = [c for c in cal.subcomponents if c.name == "VTIMEZONE"]  # the events are written once, after
    ics: bytes = cal.to_ical()
    return ics.removesuffix(_END)


def _answer_size(ics: bytes) -> int:
    """What `ics` weighs in Lambda's answer, a JSON string: a line's end (CRLF) counts 4 bytes, a character
    beyond ASCII 6 (12 beyond the BMP), as the runtime may escape it."""
    return len(json.dumps(ics.decode("utf-8"))) - 2


def _cut_note(entries: list[CalendarEntry], listed: int, zone: ZoneInfo, name: str, more_at: str) -> bytes:
    """The all-day note ending a feed that lists only the first `listed` of `entries`: on the day of the first
    left out, saying how many are listed and where the rest are. The same while the entries are (its ETag holds)."""
    day = entries[listed].start.astimezone(zone).date()
    where = f"the crew app: {more_at}" if more_at else "the crew app"
    note = icalendar.Event()
    note.add("uid", f"feed-cut-{hashlib.sha256(name.encode()).hexdigest()[:16]}@firstmate")
    note.add("dtstamp", max(e.updated_at for e in entries))
    note.add("dtstart", day)
    note.add("dtend", day + timedelta(days=1))
    note.add("summary", "This calendar stops here: later trips are not in it")
    note.add(
        "description",
        f"This calendar lists the first {listed} of {len(entries)} trips and blocked times, to stay within the size"
        f" a calendar feed may have. Those from {day:%a %d %b %Y} on are in {where}.",
    )
    note.add("transp", "TRANSPARENT")
    ics: bytes = note.to_ical()
    return ics


def _vevent(entry: CalendarEntry, zone: ZoneInfo, with_money: bool) -> bytes:
    properties: list[tuple[str, Value]] = [
        ("UID", entry.uid),
        ("SEQUENCE", entry.sequence),
        ("DTSTAMP", entry.updated_at),
        ("LAST-MODIFIED", entry.updated_at),
        ("DTSTART", _told(entry.start, zone)),
        ("DTEND", _told(entry.end, zone)),
        ("STATUS", "CANCELLED" if entry.cancelled else "CONFIRMED"),
    ]
    if entry.kind is EntryKind.BLOCKED:
        # a channel's title, shown to crew unless it tells money ("Reserved - Rob S. - payout USD 624.00"); a
        # request's hold names the renter, whom no crew page names ("Request: 6 passengers")
        title = entry.title if with_money else crew_title(entry)
        shown = title if with_money or not speaks_of_money(title) else ""
        properties += [("SUMMARY", shown or "Unavailable"), ("TRANSP", "OPAQUE")]
        return vevent_ics(properties)
    properties.append(("SUMMARY", ("Cancelled: " if entry.cancelled else "") + entry.title))
    if entry.location:
        properties.append(("LOCATION", entry.location))
    description = entry.crew_description  # its notes as written ("Deposit 200 paid"): crew read them without money
    if not with_money:
        # firstmate's own lines ("Guests: 24") as written: only the notes after them are the notes' figures
        own, notes_label, notes = description.partition("Notes: ")
        description = own + notes_label + crew_notes(notes)
    elif entry.money_summary:
        description = f"{description}\n{entry.money_summary}"
    properties.append(("DESCRIPTION", description))
    return vevent_ics(properties)


def _told(moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment` by the zone's clock, or in UTC when that clock reads it twice and it is the second: RFC 5545
    reads a local time the clocks going back repeat as the first (01:15 PST of the night 01:00 to 02:00 comes
    twice was 01:15 PDT in every calendar, an hour early)."""
    there = moment.astimezone(zone)
    return there if there.replace(fold=0).astimezone(UTC) == moment.astimezone(UTC) else moment.astimezone(UTC)


def etag(body: bytes) -> str:
    """A strong validator for a feed body."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _generation_key(feed: Feed) -> tuple[str, str]:
    return org_pk(feed.org), f"FEEDGEN#{feed.scope.value}#{feed.target}"


def _generation(store: Store, feed: Feed) -> int:
    item = store.get(*_generation_key(feed))
    return int(item.data["generation"]) if item else 1
