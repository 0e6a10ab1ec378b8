"""Finding a booking by what an operator types: its id, or its channel's reference, with a hint that says
whose it is when it is not where it was looked for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from firstmate.domain.bookings import SOURCE, Booking
from firstmate.domain.timing import local
from firstmate.errors import NotFound
from firstmate.ports import Store
from firstmate.services.bookings.reads import anchored_booking, booking_if_any
from firstmate.services.business import list_orgs, load_business
from firstmate.services.paging import all_items
from firstmate.services.trips import intake_pk


def find_booking(store: Store, org: str, booking: str, *, source: str | None = None) -> Booking:
    """The org's booking `booking`: its id, or with `source` the reference that channel gave it (its
    external_id). NotFound says which was looked for and what to write: the channel whose reference it is,
    or the org whose booking."""
    if source is not None:
        anchor = store.get(intake_pk(org), f"{source}#{booking}")
        found = anchored_booking(store, org, anchor)
        if found is not None:
            return found
        channels = _channels_of(store, org, booking)
        if channels:
            hint = _reference_of(store, org, booking, channels, "write")
        elif anchor is not None and "cancelled_first" in anchor.data:  # `remember_cancellation`: no typing slip
            hint = (
                "its cancellation was imported before it, and is remembered: its booking, if it comes, is recorded "
                "as cancelled; there is nothing to cancel"
            )
        else:
            hint = "write the reference as the channel gave it, or the booking's id (bk_…) without --source"
        raise NotFound(f"no {source} booking {booking!r} in {org}", hint=hint)
    found = booking_if_any(store, org, booking)
    if found is not None:
        return found
    theirs = [other for other in list_orgs(store) if other != org and booking_if_any(store, other, booking)]
    if theirs:
        raise NotFound(f"no booking {booking!r} in {org}", hint=f"it is {theirs[0]}'s: add --org {theirs[0]}")
    if channels := _channels_of(store, org, booking):
        hint = _reference_of(store, org, booking, channels, "add")
    elif booking.startswith("bk_"):
        hint = (
            "the operations manager's mail of a booking names its id; or name the booking by its channel's "
            "reference, with --source"
        )
    else:
        hint = "a booking id starts bk_; to name a booking by its channel's reference, add --source and the channel"
    raise NotFound(f"no booking {booking!r} in {org}", hint=hint)


def _reference_of(store: Store, org: str, reference: str, channels: Sequence[str], verb: str) -> str:
    """Whose reference `reference` is, as a hint: "it is getmyboat's reference for a booking: add --source
    getmyboat"; given by several `channels`, each booking with whose trip it is and when, for the operator to
    pick: naming one of them alone had them cancel another guest's trip."""
    if len(channels) == 1:
        return f"it is {channels[0]}'s reference for a booking: {verb} --source {channels[0]}"
    profile = load_business(store, org)
    zone = profile.org.timezone if profile is not None else "UTC"
    trips = []
    for channel in channels:
        anchor = store.get(intake_pk(org), f"{channel}#{reference}")
        found = anchored_booking(store, org, anchor)
        if found is None:  # its booking gone from under its anchor: the channel alone is named
            trips.append(f"{channel}'s")
            continue
        day = local(found.request.start, zone)
        trips.append(f"{channel}'s ({found.request.lead_guest.name}'s trip, {day:%a} {day.day} {day:%b %Y})")
    sources = " or ".join(f"--source {channel}" for channel in channels)
    return f"it is the reference of {len(channels)} bookings, {', '.join(trips[:-1])} and {trips[-1]}: {verb} {sources}"


def _channels_of(store: Store, org: str, reference: str) -> list[str]:
    """The channels that gave one of the org's bookings the reference (external_id) `reference`."""
    ref = f"#{reference}"  # anchors are `<source>#<external_id>`: a reference may hold a "#" of its own
    # a cancellation remembered before its booking came (`remember_cancellation`) is no booking's
    anchors = [a for a in all_items(store, intake_pk(org)) if a.sk.endswith(ref) and a.data.get("booking_id")]
    channels = [a.sk.removesuffix(ref) for a in anchors]
    return [c for c in channels if re.fullmatch(SOURCE, c)]  # a blocked slot's is no booking's
