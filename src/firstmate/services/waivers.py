"""The signed waivers in one place, for the operator: a trip's guests (or the trips of some days') with where each
stands with the waiver, as an insurer or a harbour master asks to see them; and each signed one's PDF, the one the
guest downloads from their page (`guests.waiver_pdf`). Never money: nothing here reads an amount."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile
from firstmate.domain.calendar import CalendarEntry, EntryKind
from firstmate.domain.guests import Guest, GuestStatus, SetAside, WaiverSignature, why_set_aside
from firstmate.domain.shared import iso
from firstmate.domain.timing import span, when
from firstmate.errors import InvalidInput, NotFound
from firstmate.services.bookings import former_leads, get_booking, list_guests
from firstmate.services.business import load_business, org_pk
from firstmate.services.context import Context
from firstmate.services.guests import CodeTarget, waiver_pdf
from firstmate.services.paging import check_days
from firstmate.services.trips import calendar_pk

#: Trips on one page of a range's list: each lists its whole group (at most a boat's load).
PAGE_TRIPS = 50
_BOOKING_ID = re.compile(r"(bk|ev)_[0-9a-f]{1,64}")
_GUEST_ID = re.compile(r"g[0-9]{1,6}")
_VERSION = re.compile(r"[0-9a-f]{8,64}")
#: A page link's place: where the last trip listed stands in the calendar (its UTC start, then its booking id).
_PLACE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z#bk_[0-9a-f]{1,64}")

#: How the operator's lists say why a signature was set aside.
SET_ASIDE_WORDS = {SetAside.MOVED: "before the trip moved", SetAside.TEXT_CHANGED: "before the waiver text changed"}


class WaiverState(StrEnum):
    """Where a guest stands with the waiver, as the list says it."""

    SIGNED = "signed"
    NOT_SIGNED = "not signed"  # coming, and the departure waits for their signature
    NOT_COMING = "not coming"  # has not said they are coming (or said they cannot after all)


@dataclass(frozen=True)
class EarlierSignature:
    """A waiver a guest signed of a text the trip no longer asks for (the business line it was on before it moved to
    another line's boat, or its line's text before it changed): kept on record, the trip asking for its line's now."""

    signature: WaiverSignature
    signed_at: str  # when, in the business's zone
    line: str  # the business line whose waiver text was signed
    why: str = "before the trip moved"  # or "before the waiver text changed"


@dataclass(frozen=True)
class GuestWaiver:
    """One guest of a trip and their waiver."""

    guest: Guest
    state: WaiverState
    phone: str | None  # the lead's, from the booking (the others give none)
    signed_at: str  # when, in the business's zone ("" unsigned)
    line: str  # the business line whose waiver text was signed ("" unsigned)
    earlier: tuple[EarlierSignature, ...] = ()  # for the lines the trip was on before, oldest first

    @property
    def coming(self) -> bool:
        """Whether they said they are coming (a signed guest may have said since that they cannot)."""
        return self.guest.status is not GuestStatus.INVITED


@dataclass(frozen=True)
class TripWaivers:
    """A trip and its group's waivers."""

    org: str
    booking: Booking
    boat: str
    times: str  # from when to when, in the business's zone
    zone: str  # the business's
    guests: list[GuestWaiver]
    place: str  # where it stands in the calendar (a page link's `after`)
    #: the earlier leads who signed, of a booking handed to someone else since: kept on record, not in the group (nor
    #: counted in `signed`, nor for the departure)
    former: list[GuestWaiver] = field(default_factory=list)

    @property
    def signed(self) -> int:
        """How many of the group signed."""
        return sum(1 for g in self.guests if g.state is WaiverState.SIGNED)


@dataclass(frozen=True)
class WaiverPage:
    """A page of a range's trips, and where the next page starts ("" for none)."""

    trips: list[TripWaivers]
    after: str


def trip_waivers(ctx: Context, org: str, trip: str) -> TripWaivers:
    """The waivers of one trip of `org`, named by its booking id (bk_…) or its crew event id (ev_…). NotFound for
    another org's trip, or none."""
    if not _BOOKING_ID.fullmatch(trip):
        raise InvalidInput(
            f"{trip!r} is no trip id: write its booking id (bk_…) or its event id (ev_…), as its crew page shows it"
        )
    return _trip(ctx, _profile(ctx, org), get_booking(ctx.store, org, "bk_" + trip.partition("_")[2]))


def waivers_between(
    ctx: Context, org: str, first: date, last: date, *, after: str = "", most: int | None = None
) -> WaiverPage:
    """The waivers of `org`'s trips departing from day `first` to day `last` (both in the business's zone), in order
    of departure, cancelled ones left out; a page of `most` trips from the place `after` on (a page link's)."""
    check_days(first, last)
    if after and (len(after) > 120 or not _PLACE.fullmatch(after)):
        raise InvalidInput(f"{after[:80]!r} is no place in the list", hint="open the list from its first page")
    most = most or PAGE_TRIPS
    profile = _profile(ctx, org)
    zone = ZoneInfo(profile.org.timezone)
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    low, high = max(iso(start), after), iso(end)
    trips: list[TripWaivers] = []
    lines: dict[str, str] = {}  # each text's business line, read once for the page
    cursor: str | None = None
    while len(trips) <= most:
        page = ctx.store.query_between(calendar_pk(org), low, high, limit=most + 1, cursor=cursor)
        for item in page.items:
            entry = CalendarEntry.model_validate(item.data)
            if item.sk == after or entry.kind is not EntryKind.BOOKING or entry.cancelled or not entry.booking_id:
                continue
            if len(trips) == most:  # one more than the page: the page has a next
                return WaiverPage(trips, trips[-1].place)
            booking = get_booking(ctx.store, org, entry.booking_id)
            trips.append(_trip(ctx, profile, booking, place=item.sk, lines=lines))
        if page.cursor is None:
            break
        cursor = page.cursor
    return WaiverPage(trips, "")


def signed_waiver_pdf(ctx: Context, org: str, booking_id: str, guest_id: str, version: str | None = None) -> bytes:
    """The signed waiver of guest `guest_id` of trip `booking_id`, as the guest downloads it but for the code of
    their page (a key to it, handed on with the PDF to an insurer); `version`: the one they signed of that text,
    among those of the lines the trip was on before. NotFound for none, or not signed yet."""
    if not _BOOKING_ID.fullmatch(booking_id) or not booking_id.startswith("bk_") or not _GUEST_ID.fullmatch(guest_id):
        raise NotFound("no such signed waiver")
    if version is not None and not _VERSION.fullmatch(version):
        raise NotFound("no such signed waiver")
    return waiver_pdf(ctx, CodeTarget(org, booking_id, guest_id), page_code=False, version=version, former=True)


def pdf_name(trip: TripWaivers, row: GuestWaiver, earlier: EarlierSignature | None = None) -> str:
    """A file name for a signed waiver, safe on any system: the trip's day, the guest's id and name in plain
    letters ("2026-06-13-g2-robin-sample.pdf"); for one signed for a line the trip was on before, that line's id
    after them ("2026-06-13-g2-robin-sample-saltwind-charters.pdf"), and the text's version too for one of the
    trip's line's text before it changed, or for a line the guest signed more than one text of (a text may change
    more than once, then the trip move off its line); for a former lead's, "-former-lead" after their name."""
    folded = unicodedata.normalize("NFKD", row.guest.name).encode("ascii", "ignore").decode().lower()
    words = "-".join(re.findall(r"[a-z0-9]+", folded))[:60].strip("-")
    day = trip.booking.request.start.astimezone(ZoneInfo(trip.zone)).date()
    before = f"-{earlier.signature.entity or earlier.signature.waiver_version}" if earlier else ""
    line = earlier.signature.entity if earlier else None
    if earlier and (line == trip.booking.entity or sum(e.signature.entity == line for e in row.earlier) > 1):
        before += f"-{earlier.signature.waiver_version}"
    former = "-former-lead" if row.guest.left_at else ""
    return f"{day.isoformat()}-{row.guest.id}" + (f"-{words}" if words else "") + former + before + ".pdf"


def _trip(
    ctx: Context, profile: BusinessProfile, booking: Booking, *, place: str = "", lines: dict[str, str] | None = None
) -> TripWaivers:
    """`booking`'s trip and its group's waivers; `lines`: the business line of each waiver text read so far (a
    group's signatures are mostly of one text, and a page's of a few)."""
    org, zone = profile.org.id, profile.org.timezone
    lines = {} if lines is None else lines
    entity, asset = profile.entity(booking.entity), profile.asset(booking.asset)
    rows: list[GuestWaiver] = []
    former: list[GuestWaiver] = []
    group = list_guests(ctx.store, org, booking.id)
    for guest in [*group, *former_leads(ctx.store, org, booking.id)]:
        signature = guest.waiver
        if signature and signature.entity is None and signature.waiver_version not in lines:
            lines[signature.waiver_version] = _line(ctx, profile, signature.waiver_version)
        state = (
            WaiverState.SIGNED if signature
            else WaiverState.NOT_SIGNED if guest.status is GuestStatus.ON_HOLD
            else WaiverState.NOT_COMING
        )  # fmt: skip
        (former if guest.left_at else rows).append(
            GuestWaiver(
                guest=guest,
                state=state,
                phone=booking.request.lead_guest.phone if guest.lead else None,
                signed_at=when(signature.signed_at, zone) if signature else "",
                line=_named(profile, signature, lines) if signature else "",
                earlier=tuple(
                    EarlierSignature(s, when(s.signed_at, zone), _named(profile, s, lines), _why(s, booking))
                    for s in guest.earlier
                ),
            )
        )
    boat = asset.name if asset else booking.asset
    title = f"{boat}, {entity.name}" if entity else boat
    times = span(booking.request.start, booking.request.end, zone)
    place = place or f"{iso(booking.request.start)}#{booking.id}"
    return TripWaivers(
        org=org, booking=booking, boat=title, times=times, zone=zone, guests=rows, place=place, former=former
    )


def _why(signature: WaiverSignature, booking: Booking) -> str:
    """Why the trip no longer asks for an earlier signature: it moved to another line's boat, or its line's text
    changed (`guests.why_set_aside`)."""
    return SET_ASIDE_WORDS[why_set_aside(signature, booking.entity)]


def _named(profile: BusinessProfile, signature: WaiverSignature, lines: dict[str, str]) -> str:
    """The name of the business line whose text `signature` signed: as it says, else as its text's record does."""
    if signature.entity is None:
        return lines[signature.waiver_version]
    entity = profile.entity(signature.entity)
    return entity.name if entity else signature.entity


def _line(ctx: Context, profile: BusinessProfile, version: str) -> str:
    """The business line whose waiver text `version` is (kept with the text when it was signed)."""
    item = ctx.store.get(org_pk(profile.org.id), f"WAIVERTEXT#{version}")
    entity_id = str(item.data.get("entity", "")) if item else ""
    entity = profile.entity(entity_id)
    return entity.name if entity else entity_id


def _profile(ctx: Context, org: str) -> BusinessProfile:
    profile = load_business(ctx.store, org)
    if profile is None:
        raise NotFound(f"no org {org!r}")
    return profile
