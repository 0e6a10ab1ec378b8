"""Guest pages: a trip's page, found by an unguessable code, shown to one guest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from firstmate.domain.codes import normalize_code, pretty_code
from firstmate.domain.guests import Guest, resign_note, waiver_version
from firstmate.domain.photos import Photo, declared_photo_types, photo_signatures
from firstmate.domain.timing import times_shown, when
from firstmate.domain.views import guest_trip_view
from firstmate.errors import Conflict, NotFound, RateLimited
from firstmate.ports import PresignedUpload
from firstmate.services.bookings import get_booking, list_guests
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.guests import CodeTarget, trip_left, trip_over
from firstmate.services.photos import (
    album_stays_open,
    list_photos,
    not_a_photo,
    photo_too_large,
    request_upload,
    said_before_sending,
    upload_window,
)
from firstmate.services.ratelimit import give_back, hit
from firstmate.services.trips import code_pk, get_event

#: Wrong codes allowed per address before lookups pause: a guesser gets ~1,400 tries a day
#: against 2^50 codes.
MISSES_PER_WINDOW = 10
MISS_WINDOW = timedelta(minutes=10)
LOOKUPS_PER_MINUTE = 120


@dataclass(frozen=True)
class GuestPage:
    """Everything one guest's page shows."""

    target: CodeTarget
    code: str
    trip: dict[str, Any]
    viewer: Guest
    group: list[Guest]  # the lead sees the whole group; others see only themselves
    lead_name: str  # who booked: whom a guest without an email asks about the trip
    places_left: int
    waiver_text: str
    waiver_version: str
    photos: list[Photo]
    upload: PresignedUpload | None
    album_note: str
    over: bool  # the trip is over (and not cancelled): nothing more to confirm, sign or add
    left: bool  # the trip has left (over or under way): who sailed is the record, nobody withdraws
    times: str  # the trip's times as shown, carried by "I'm coming" (`timing.times_shown`)
    resign: str  # why the viewer is asked to sign again: they signed another line's waiver for the trip ("" if not)
    photo_max_mb: float  # the largest photo the album takes, said by its form
    photo_types: str  # the types a browser may declare of a photo the album takes, space-separated (the page's check)
    photo_signatures: str  # how such a photo begins ("0:ffd8ff ..."): a file declared as another type is judged so
    too_large_said: str  # what the form says of a file over photo_max_mb before sending it: the server's words
    not_a_photo_said: str  # and of a file declared as another type

    @property
    def sharers(self) -> dict[str, str]:
        """The first name of each guest of `group` by the ids their photos carry (their own, and those of guests
        merged into them): the lead's page says whose photo each Remove takes out."""
        return {shared: g.first_name for g in self.group for shared in (g.id, *g.merged)}

    @property
    def pretty_code(self) -> str:
        """The code grouped for reading aloud."""
        return pretty_code(self.code)


def resolve_code(ctx: Context, typed_code: str, client: str, *, page_view: bool = True) -> CodeTarget:
    """Whose page a typed code opens. Raises NotFound for an unknown code and RateLimited when this
    client has guessed wrong too often (checked before looking, so guessing stays slow), or, for a
    `page_view`, has viewed pages too often. A photo of the album is no page view: an album of 150
    photos loaded its page and 150 images in a minute, and the last 31 came back 429."""
    now = ctx.clock.now()
    # a page view only reads, so it goes on when its count cannot be written; wrong codes stay strict below
    minute = timedelta(minutes=1)
    if page_view:
        hit(ctx.counters, "guest-lookup", client, limit=LOOKUPS_PER_MINUTE, window=minute, now=now,
            open_if_unwritable=True)  # fmt: skip
    # every look-up is counted as a wrong guess before it is made, and given back when right: counted after,
    # a burst of guesses at once all passed the check before any was counted (12 to 32 where 10 may)
    # (a database that cannot be written leaves a right code's page readable, as the look-up limit does)
    try:
        counted = hit(
            ctx.counters, "guest-miss", client, limit=MISSES_PER_WINDOW, window=MISS_WINDOW, now=now,
            open_if_unwritable=True,
        )  # fmt: skip
    except RateLimited as exc:
        raise RateLimited("too many wrong trip codes; wait a few minutes and try again",
                          retry_after=exc.retry_after) from exc  # fmt: skip
    code = normalize_code(typed_code)
    pointer = ctx.store.get(code_pk(code), "CODE") if code else None
    if code is None or pointer is None:
        if not counted:  # a wrong guess that cannot be counted is not let through: the store's error, 503
            hit(ctx.counters, "guest-miss", client, limit=MISSES_PER_WINDOW, window=MISS_WINDOW, now=now)
        raise NotFound("no trip has that code", hint="check the code in your confirmation email")
    if counted:
        give_back(ctx.counters, "guest-miss", client, window=MISS_WINDOW, now=now)
    data = pointer.data
    return CodeTarget(str(data["org"]), str(data["booking_id"]), str(data.get("guest_id", "g1")))


def guest_page(ctx: Context, target: CodeTarget, code: str) -> GuestPage:
    """The page as this guest sees it."""
    booking = get_booking(ctx.store, target.org, target.booking_id)
    event = get_event(ctx.store, target.org, booking.event_id)
    profile = load_business(ctx.store, target.org)
    entity = profile.entity(booking.entity) if profile else None
    asset = profile.asset(booking.asset) if profile else None
    if profile is None or entity is None or asset is None:
        raise NotFound("no trip has that code")
    guests = list_guests(ctx.store, target.org, booking.id)
    viewer = next((g for g in guests if g.id == target.guest_id), None)
    if viewer is None:
        raise NotFound("no trip has that code")
    upload, note = _album(ctx, target, code, profile.org.timezone, cancelled=booking.cancelled)
    return GuestPage(
        target=target,
        code=normalize_code(code) or code,
        trip=guest_trip_view(event, profile.org, entity, asset),
        viewer=viewer,
        group=guests if viewer.lead else [viewer],
        lead_name=booking.request.lead_guest.name,
        places_left=max(booking.request.guest_count - len(guests), 0),
        waiver_text=entity.waiver,
        waiver_version=waiver_version(entity.waiver),
        photos=list_photos(ctx, target),
        upload=upload,
        album_note=note,
        over=not booking.cancelled and trip_over(booking, ctx.clock.now()),
        left=trip_left(booking, ctx.clock.now()),
        times=times_shown(booking.request.start, booking.request.end),
        resign=resign_note(viewer, entity.id, entity.name, waiver_version(entity.waiver)),
        photo_max_mb=ctx.settings.photo_max_mb,
        photo_types=" ".join(declared_photo_types()),
        photo_signatures=" ".join(photo_signatures()),
        too_large_said=said_before_sending(photo_too_large(ctx.settings.photo_max_mb)),
        not_a_photo_said=said_before_sending(not_a_photo()),
    )


def _album(
    ctx: Context, target: CodeTarget, code: str, zone: str, *, cancelled: bool
) -> tuple[PresignedUpload | None, str]:
    """The album's upload form, if it takes photos now, and what the page says of it: until when it takes
    them ("share your photos from then until a week after." named no day, and an open album none)."""
    opens, closes = upload_window(ctx, target)
    until = f"{when(closes, zone)}, {album_stays_open(ctx.settings.album_closes_after_days)}"
    try:
        return request_upload(ctx, target, code), f"Open until {until}."
    except Conflict as exc:
        if ctx.clock.now() < opens and not cancelled:  # a cancelled trip's album never opens
            return None, f"The album opens {when(opens, zone)}: share your photos from then until {until}."
        return None, exc.message[0].upper() + exc.message[1:] + "."
