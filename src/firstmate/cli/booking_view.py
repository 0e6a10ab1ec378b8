"""`firstmate booking list` and `booking show`: the bookings of some days, and one booking with what it told whom.

For the operator (money shown): the crew see trips in the crew app, never these."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from rich.text import Text

from firstmate.cli.common import ORG_HELP, app_context, chosen_org, example, named, out, parse_day, show
from firstmate.domain.bookings import Booking
from firstmate.domain.business import BusinessProfile
from firstmate.domain.guests import Guest, GuestStatus, why_set_aside
from firstmate.domain.outbox import error_as_read
from firstmate.domain.timing import when
from firstmate.errors import InvalidInput
from firstmate.services.booking_list import booking_messages, bookings_between
from firstmate.services.bookings import find_booking, former_leads, list_guests
from firstmate.services.business import load_business
from firstmate.services.notifications import guest_page_url
from firstmate.services.waivers import SET_ASIDE_WORDS

#: The days listed when --from is not given: the month from today.
DAYS_SHOWN = 30
LIST_EXAMPLES = example(
    "booking list", "booking list --from 2026-06-01 --to 2026-06-30 --cancelled", "booking list --json"
)
SHOW_EXAMPLES = example("booking show bk_0123abcd", "booking show BS-7Q4K2M --source boatsetter")


def booking_list(
    org: Annotated[str | None, typer.Option(help=ORG_HELP)] = None,
    first: Annotated[
        str | None, typer.Option("--from", help="The first day, like 2026-06-13 (default: today).")
    ] = None,
    last: Annotated[
        str | None, typer.Option("--to", help=f"The last day (default: --from's, else {DAYS_SHOWN} days on).")
    ] = None,
    cancelled: Annotated[bool, typer.Option("--cancelled", help="List cancelled bookings too.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per booking, a line each.")] = False,
) -> None:
    """List the bookings departing on some days (the next 30 by default), soonest first.

    Each with when, boat, lead guest, guests, channel, total and id (the id 'booking show' and 'booking cancel'
    take); --from and --to choose the days, --cancelled lists cancelled ones too."""
    if last is not None and first is None:
        raise InvalidInput("--to needs --from: give the first day too, like --from 2026-06-13")
    start, end = parse_day(first, "--from", "2026-06-13"), parse_day(last, "--to", "2026-06-30")
    with app_context() as app:
        org = chosen_org(app, named(org, "--org", "an org"))
        profile = load_business(app.store, org)
        assert profile is not None  # chosen_org found it
        today = app.clock.now().astimezone(ZoneInfo(profile.org.timezone)).date()
        start = start or today
        end = end or (start if first is not None else start + timedelta(days=DAYS_SHOWN - 1))
        listed = bookings_between(app, org, start, end, cancelled=cancelled)
    if as_json:
        for booking in listed.bookings:
            row = {"id": booking.id, "event_id": booking.event_id, "revision": booking.revision}
            print(json.dumps({**row, **booking.request.model_dump(mode="json")}))  # one line each
        return
    if not listed.bookings:
        which = "booking" if cancelled else "booking (cancelled ones left out: --cancelled lists them)"
        out.print(Text(f"No {which} of {org}'s departs from {start} to {end}."), highlight=False)
        return
    boats = {asset.id: asset.name for asset in profile.assets}
    table = Table("departs", "boat", "lead guest", "guests", "channel", "total", "booking",
                  title=Text(f"Bookings of {org} departing {start} to {end}: {len(listed.bookings)}"))  # fmt: skip
    for booking in listed.bookings:
        request = booking.request
        departs = when(request.start, listed.timezone) + _cancelled(booking)
        cells = (departs, boats.get(booking.asset, booking.asset), request.lead_guest.name, str(request.guest_count),
                 f"{request.source} {request.external_id}", str(request.gross), booking.id)  # fmt: skip
        table.add_row(*(Text(cell) for cell in cells))
    show(table)


def booking_show(
    booking: Annotated[
        str,
        typer.Argument(help="The booking's id (bk_…), or with --source its channel's reference.", show_default=False),
    ],
    org: Annotated[str | None, typer.Option(help=ORG_HELP)] = None,
    source: Annotated[
        str | None, typer.Option(help="The channel (getmyboat, boatsetter, csv…) whose reference BOOKING is.")
    ] = None,
) -> None:
    """Show one booking as stored, its guests, and every message it sent or will send.

    Money and private notes included (for the operator); its guests with the ids 'booking remove-guest' takes;
    the leads it had before it was handed on who signed (kept for their signatures); each message with where it
    stands (sent, waiting, dead, withdrawn by a later change)."""
    wanted = named(booking, "BOOKING", "a booking") or ""
    with app_context() as app:
        org = chosen_org(app, named(org, "--org", "an org"))
        found = find_booking(app.store, org, wanted.strip(), source=named(source, "--source", "a channel"))
        profile = load_business(app.store, org)
        assert profile is not None
        guests = list_guests(app.store, org, found.id)
        formers = former_leads(app.store, org, found.id)
        messages = booking_messages(app, org, found)
        page = guest_page_url(app, found)
    zone = profile.org.timezone
    request = found.request
    asset = profile.asset(found.asset)
    facts = Table("", "", show_header=False, title=Text(f"Booking {found.id}" + _cancelled(found)))
    rows = [
        ("departs", when(request.start, zone)),
        ("returns", when(request.end, zone)),
        ("boat", asset.name if asset else found.asset),
        ("guests", str(request.guest_count) + (f" (the boat takes {asset.max_guests})" if asset and
                                               asset.over_limit(request.guest_count) else "")),
        ("lead guest", ", ".join(c for c in (request.lead_guest.name, request.lead_guest.email,
                                             request.lead_guest.phone or "") if c)),
        ("total", str(request.gross)),
        ("channel", f"{request.source} {request.external_id}"),
        ("revision", f"{found.revision}, crew event {found.event_id}"),
        ("crew notes", request.notes),
        ("private notes", request.private_notes),
        ("guest page", page),
    ]  # fmt: skip
    for name, value in rows:
        if value:
            facts.add_row(Text(name), Text(value))
    show(facts)
    group = Table("id", "guest", "email", "status", "waiver", title=Text(f"Guests: {len(guests)}"))
    for guest in guests:
        signed = f"signed {when(guest.waiver.signed_at, zone)}" if guest.waiver else ""
        for before in guest.earlier:  # the trip moved to another line's boat since, or its line's text changed
            line = profile.entity(before.entity or "")
            why = SET_ASIDE_WORDS[why_set_aside(before, found.entity)]
            signed += ("; " if signed else "") + f"signed {line.name if line else before.entity}'s {why}"
        who = guest.name + (" (booked)" if guest.lead else "")
        status = _status(found, guest)
        group.add_row(*(Text(cell) for cell in (guest.id, who, guest.email or "", status, signed)))
    show(group)
    if formers:  # the booking was handed to another lead: the earlier ones who signed, kept for their signatures
        title = Text(f"Former leads: {len(formers)}")
        earlier = Table("id", "former lead", "email", "lead until", "waiver", title=title)
        for former in formers:
            cells = (former.id, former.name, former.email or "", when(former.left_at, zone) if former.left_at else "",
                     _signed(profile, former, zone))  # fmt: skip
            earlier.add_row(*(Text(cell) for cell in cells))
        show(earlier)
    told = Table("queued", "to", "subject", "status", "note", title=Text(f"Messages: {len(messages)}"))
    for entry in messages:
        cells = (when(entry.created_at, zone), ", ".join(entry.message.to), entry.message.subject, entry.status.value,
                 error_as_read(entry) or "")  # fmt: skip
        told.add_row(*(Text(cell) for cell in cells))
    show(told)


def _signed(profile: BusinessProfile, former: Guest, zone: str) -> str:
    """A former lead's signatures on record: when, of which line's text and which version of it."""
    said = []
    for signature in (*former.earlier, *((former.waiver,) if former.waiver else ())):
        line = profile.entity(signature.entity or "")
        of = f"{line.name if line else signature.entity}, " if signature.entity else ""
        said.append(f"signed {when(signature.signed_at, zone)} ({of}version {signature.waiver_version})")
    return "; ".join(said)


def _status(booking: Booking, guest: Guest) -> str:
    """Where a guest stands, as true: of a booking recorded cancelled as it came, nobody was invited."""
    if booking.cancelled_on_arrival and guest.status is GuestStatus.INVITED:
        return "not invited: cancelled before it was heard of"
    return guest.status.value


def _cancelled(booking: Booking) -> str:
    """What follows a cancelled booking's time or title."""
    return " · CANCELLED" if booking.cancelled else ""
