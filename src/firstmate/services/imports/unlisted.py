"""The upcoming bookings a channel's calendar export leaves out (`not_in_export`), in words: nothing is cancelled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from firstmate.domain.bookings import BookingRequest
from firstmate.domain.calendar import EntryKind
from firstmate.domain.intake import BlockedSlot, ParsedRecord
from firstmate.domain.timing import local, when
from firstmate.services.bookings import get_booking
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.trips import calendar_between


def not_in_export(
    ctx: Context, org: str, records: Sequence[ParsedRecord], *, source: str, asset: str | None
) -> list[str]:
    """The upcoming bookings of channel `source` (on boat `asset`, when the export is one boat's) within the
    dates a calendar export covers, its first event's start to its last's, that it does not list, in words
    saying how to cancel each. Many channels' feeds drop a cancelled reservation rather than list it
    STATUS:CANCELLED: the booking stayed, and its crew and guest expected a trip, with nothing said. Nothing is
    cancelled here: an export may leave out what it likes (a listing's own filter, a page of it)."""
    events = [r for r in records if isinstance(r, BookingRequest | BlockedSlot)]
    profile = load_business(ctx.store, org)
    if not events or profile is None:
        return []
    listed = {r.external_id if isinstance(r, BookingRequest) else r.uid for r in events}
    first, last = min(r.start for r in events), max(r.start for r in events)
    zone, now = profile.org.timezone, ctx.clock.now()
    boats = {a.id: a.name.split(" (", 1)[0] for a in profile.assets}
    # without --asset, the boats its events name: one listing's export says nothing of another boat's trips
    held = {asset} if asset else {r.asset for r in events if r.asset}
    on = " and ".join(boats.get(b, b) for b in sorted(held, key=lambda b: boats.get(b, b)))
    whose = f"{boats.get(asset, asset)}'s trips" if asset else f"{source}'s trips" + (f" on {on}" if held else "")
    since, until = local(first, zone), local(last, zone)
    shown = f"{since.day} {since:%b}" + (f" {since.year}" if since.year != until.year else "")
    covers = f"{whose} from {shown} to {until.day} {until:%b %Y}"
    missing = [
        entry
        for entry in calendar_between(ctx.store, org, first, last, timedelta(0))
        if entry.kind is EntryKind.BOOKING and not entry.cancelled and entry.channel == source
        and entry.reference and entry.reference not in listed and first <= entry.start <= last
        and entry.end > now and (not held or entry.asset in held)
    ]  # fmt: skip
    lines = []
    for entry in missing:
        booking = get_booking(ctx.store, org, entry.booking_id) if entry.booking_id else None
        lead = f", {booking.request.lead_guest.name}" if booking else ""
        lines.append(
            f"{source} {entry.reference} ({when(entry.start, zone)}{lead}) is booked but not in this export, which "
            f"lists {covers}: if {source} cancelled it, import an export listing it STATUS:CANCELLED, or cancel it "
            f"with: firstmate booking cancel {entry.booking_id} --org {org}"
        )
    return lines
