"""`firstmate photos`: the trip albums' stored photos."""

from __future__ import annotations

import re
import sys
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from firstmate.bootstrap import App
from firstmate.cli.common import (
    ORG_HELP,
    WRITING_ORG_HELP,
    app_context,
    chosen_org,
    done,
    err,
    example,
    named,
    out,
    show,
    warn,
)
from firstmate.domain.bookings import Booking
from firstmate.domain.timing import when
from firstmate.errors import InvalidInput
from firstmate.services.business import load_business
from firstmate.services.guests import CodeTarget

photos_cli = typer.Typer(help="The trip albums' stored photos.", no_args_is_help=True)


@photos_cli.command("strip", epilog=example("photos strip --org demo"))
def photos_strip(
    org: Annotated[str | None, typer.Option(help=WRITING_ORG_HELP)] = None,
    remove_located_heic: Annotated[
        bool, typer.Option(help="Take each HEIC that says where it was taken out of its album (it cannot be stripped)")
    ] = False,
) -> None:
    """Take where each photo was taken (GPS), the camera and other metadata out of the photos the albums
    took before 2026-12-06, which showed them to every guest. Safe to run again."""
    from firstmate.services.photos import strip_stored_photos

    org = named(org, "--org", "an org")
    with app_context() as app:
        chosen = chosen_org(app, org, writes=True)
        result = strip_stored_photos(app, chosen, remove_located_heic=remove_located_heic)
    done(f"{result.stripped} photo(s) of {chosen}'s albums stripped of their metadata, {result.unchanged} had none")
    for key in result.removed:
        out.print(f"{key}: a HEIC that said where it was taken, taken out of its album")
    for key in result.located_heic:
        warn(
            f"{key}: a HEIC that says where it was taken, left as it is (it cannot be taken apart): take it out of "
            "its album with --remove-located-heic"
        )
    for key in result.unreadable:
        warn(f"{key}: does not read as the photo it begins as, left as it is")
    if not (result.located_heic or result.unreadable):
        out.print("Nothing left that says where a photo was taken.")


def _booking_named(
    app: App, words: list[str] | None, org: str | None, source: str | None, *, then: str = "", writes: bool = False
) -> tuple[str, Booking, list[str]]:
    """The org and booking `words` name ([ORG] BOOKING, then `then` if it is named), and the words after it."""
    from firstmate.services.bookings import find_booking

    given = list(words or [])
    rest = 1 if then else 0
    wanted = f"a booking and {then}" if then else "a booking"
    if any(not word.strip() for word in given):
        raise InvalidInput(f"an argument is empty (a shell variable not set?): name {wanted}")
    if not rest + 1 <= len(given) <= rest + 2:
        raise InvalidInput(
            f"{len(given)} argument{'s' if len(given) != 1 else ''} given: name {wanted}, the booking by its id "
            "(bk_…) or with --source by its channel's reference, with its org before it if you like"
        )
    if then and len(given) == rest + 1 and given[-1].startswith("bk_") and source is None:  # ORG BOOKING
        raise InvalidInput(
            f"no {then.removeprefix('a ')} named after booking {given[-1]}: add its id; `firstmate photos list "
            f"{given[0]} {given[-1]}` lists them"
        )
    if len(given) == rest + 2:
        if org is not None and org != given[0]:
            raise InvalidInput(f"two orgs given, {given[0]} and --org {org}: give one")
        org, given = given[0], given[1:]
    chosen = chosen_org(app, org, writes=writes)
    booking = find_booking(app.store, chosen, given[0], source=named(source, "--source", "a channel"))
    return chosen, booking, given[1:]


def _trip(app: App, org: str, booking: Booking) -> str:
    """A booking as the operator knows it: "direct WEB-1001 (bk_…), Dana Whitcomb's trip, Sat 13 Jun 2026, 16:00"."""
    profile = load_business(app.store, org)
    zone = profile.org.timezone if profile else "UTC"
    request = booking.request
    return f"{request.source} {request.external_id} ({booking.id}), {request.lead_guest.name}'s trip, " + when(
        request.start, zone
    )


def _size(size: int) -> str:
    """A file's size as people read it: "840 bytes", "312 kB", "4.2 MB"."""
    if size < 1000:
        return f"{size} bytes"
    return f"{size / 1000:,.0f} kB" if size < 1_000_000 else f"{size / 1_000_000:.1f} MB"


BOOKING_ARGS = "The booking's id (bk_…), or with --source its channel's reference; the org may come before it."
SOURCE_HELP = "The channel (getmyboat, boatsetter, csv…) whose reference BOOKING is."


@photos_cli.command("list", epilog=example("photos list demo bk_5572ddc877165abd"))
def photos_list(
    words: Annotated[
        list[str] | None, typer.Argument(metavar="[ORG] BOOKING", help=BOOKING_ARGS, show_default=False)
    ] = None,
    org: Annotated[str | None, typer.Option(help=ORG_HELP)] = None,
    source: Annotated[str | None, typer.Option(help=SOURCE_HELP)] = None,
) -> None:
    """A trip's album: each photo's id (what `photos remove` takes), who shared it and when, oldest first.

    A photo whose file storage no longer has is marked MISSING, and named under the table with the file to restore."""
    from firstmate.services.photo_removal import album_of
    from firstmate.services.photos import still_missing

    with app_context() as app:
        org, booking, _ = _booking_named(app, words, org, source)
        profile = load_business(app.store, org)
        zone = profile.org.timezone if profile else "UTC"
        album = album_of(app, org, booking.id)
        trip = _trip(app, org, booking)
        missing = still_missing(app, CodeTarget(org, booking.id, "g1"), [photo for photo, _ in album])
        where = f"the bucket {app.settings.bucket}" if app.settings.blobs == "s3" else str(app.settings.blobs_path)
    if not album:
        out.print(Text(f"The album of {trip} has no photos."))
        return
    gone = {photo.id for photo in missing}
    table = Table("photo", "shared by", "shared", "type", "size", "file",
                  title=f"The album of {trip}: {len(album)} photo(s)")  # fmt: skip
    for photo, name in album:
        table.add_row(photo.id, Text(name or "a guest no longer in the group"), when(photo.uploaded_at, zone),
                      photo.content_type, _size(photo.size), "MISSING" if photo.id in gone else "")  # fmt: skip
    show(table)
    for photo in missing:
        since = when(photo.missing_since, zone) if photo.missing_since else "now"
        out.print(Text(f"Photo {photo.id}'s file is missing since {since}: guests get 404 for it. Restore "
                       f"{photo.key} in {where} from a backup (the next look at it clears the mark), or take the "
                       f"photo out: firstmate photos remove {org} {booking.id} {photo.id}"))  # fmt: skip


@photos_cli.command(
    "remove",
    epilog=example(
        "photos remove demo bk_5572ddc877165abd 4f1c2b9a0d3e6f70",
        "photos remove G-2 4f1c2b9a0d3e6f70 --source getmyboat --org demo --yes",
    ),
)
def photos_remove(
    words: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[ORG] BOOKING PHOTO_ID",
            help=BOOKING_ARGS + " PHOTO_ID: as `photos list` shows it.",
            show_default=False,
        ),
    ] = None,
    org: Annotated[str | None, typer.Option(help=WRITING_ORG_HELP)] = None,
    source: Annotated[str | None, typer.Option(help=SOURCE_HELP)] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Remove it without asking (scripts).")] = False,
) -> None:
    """Take a photo out of a trip's album, for a complaint by email (the wrong photo shared, a child whose parent
    objects): its file is deleted from storage and its record from the album; its link answers 404; the guest who
    shared it is told by email. Asked first at a terminal (--yes: not asked); a photo removed already is said to be
    gone, nothing changed."""
    from firstmate.services.photo_removal import album_of, remove_photo

    with app_context() as app:
        org, booking, rest = _booking_named(app, words, org, source, then="a photo", writes=True)
        photo_id, trip = rest[0], _trip(app, org, booking)
        if not re.fullmatch(r"[0-9a-f]{16}", photo_id):
            raise InvalidInput(
                f"{photo_id!r} is not a photo id: one is 16 letters and digits (0-9, a-f), the last part of the "
                f"photo's link (/g/…/photos/ID); `firstmate photos list {org} {booking.id}` lists the album's"
            )
        found = [(p, name) for p, name in album_of(app, org, booking.id) if p.id == photo_id]
        if not found:  # said, not an error: what was asked for is so
            listing = f"`firstmate photos list {org} {booking.id}` lists them"
            out.print(Text(f"No photo {photo_id} in the album of {trip}: removed already, or not one of its photos "
                           f"({listing}). Nothing was changed."))  # fmt: skip
            return
        [(photo, name)] = found
        profile = load_business(app.store, org)
        what = (f"photo {photo.id} of the album of {trip}, shared by {name or 'a guest no longer in the group'} "
                f"on {when(photo.uploaded_at, profile.org.timezone if profile else 'UTC')}")  # fmt: skip
        if not yes:
            if not sys.stdin.isatty():
                raise InvalidInput(f"nothing was removed: asked to remove {what}, with no terminal to say yes",
                                   hint="add --yes to remove it without being asked")  # fmt: skip
            if not typer.confirm(f"Remove {what}? It is deleted from storage: this cannot be undone.", default=False):
                err.print("Nothing was removed.", highlight=False)
                raise typer.Exit(1)
        removed = remove_photo(app, org, booking.id, photo.id, by="operator")
        if removed is None:  # removed meanwhile, by a guest
            out.print(Text(f"No photo {photo_id} in the album of {trip}: removed already. Nothing was changed."))
            return
    told = f" {removed.told.name} is told by email." if removed.told else ""
    if removed.file_kept:  # no guest sees it; the operator answering a complaint should not say it is gone
        done(f"Removed {what}: its link answers 404. Its file {removed.photo.key} could not be deleted from storage "
             f"now ({removed.file_kept.rstrip('.')}): the hourly sweep deletes it.{told}")  # fmt: skip
        return
    done(f"Removed {what}: its file is deleted, and its link answers 404.{told}")
