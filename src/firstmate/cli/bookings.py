"""`firstmate booking`: import bookings from files, cancel one, take a guest off one (`booking_view`: list and show
them)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from firstmate.adapters.sources.bookings.csv_file import parse_csv
from firstmate.adapters.sources.bookings.email import parse_email
from firstmate.adapters.sources.bookings.fields import boats_named
from firstmate.adapters.sources.bookings.ics_file import parse_ics
from firstmate.bootstrap import App
from firstmate.cli.common import (
    WRITING_ORG_HELP,
    app_context,
    chosen_org,
    done,
    err,
    example,
    file_bytes,
    input_file,
    named,
    out,
    print_problems,
    progress_display,
    utf8_text,
)
from firstmate.domain.bookings import SOURCE, SOURCE_WORDS, Booking, IntakeResult
from firstmate.domain.business import AssetKind
from firstmate.domain.intake import BlockedSlot, ParsedRecord
from firstmate.domain.reports.format import plural
from firstmate.domain.timing import when
from firstmate.errors import InvalidInput
from firstmate.services.bookings import (
    CancelPreview,
    cancel_booking,
    cancellation_preview,
    find_booking,
    revision_told,
    told_in_words,
)
from firstmate.services.business import load_business
from firstmate.services.data import org_currency
from firstmate.services.guest_removal import photos_of, remove_guest_by_operator
from firstmate.services.imports import import_records, not_in_export

booking_cli = typer.Typer(
    help="Bookings: import them from files, list, show or cancel them, take a guest off one.", no_args_is_help=True
)
MAX_FILE_BYTES = 20 * 1024 * 1024


@booking_cli.command(
    "import",
    epilog=example(
        "booking import bookings.csv --org demo", "booking import export.ics --source getmyboat --asset sea-lark"
    ),
)
def booking_import(
    file: Annotated[Path, typer.Argument(help="A .csv, .eml (marketplace email) or .ics (calendar export) file.")],
    org: Annotated[str | None, typer.Option(help=WRITING_ORG_HELP)] = None,
    source: Annotated[str | None, typer.Option(help="Channel name for CSV/ICS rows without one.")] = None,
    asset: Annotated[str | None, typer.Option(help="Boat for .ics events that do not name one.")] = None,
) -> None:
    """Import bookings: every record is checked first, and nothing is imported if any is wrong."""
    source, asset = named(source, "--source", "a channel"), named(asset, "--asset", "a boat")
    if source is not None and not re.fullmatch(SOURCE, source):  # said once, not on every row of the file
        raise InvalidInput(f"--source {source!r} {SOURCE_WORDS}")
    input_file(file, MAX_FILE_BYTES)
    with app_context() as app:
        org = chosen_org(app, org, writes=True)  # naming the orgs there are: a mistyped one is not one to load
        warnings: list[str] = []  # what was taken as written, and may not be what was meant
        records = _parse(app, file, org, source, asset, warnings)
        with progress_display(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
        ) as progress:
            task = progress.add_task("Importing", total=len(records))
            checks = progress.add_task("Checking for double bookings", total=None, visible=False)
            report = import_records(
                app, org, records, lambda n: progress.advance(task, n),
                lambda done, of: progress.update(checks, completed=done, total=of, visible=True),
            )  # fmt: skip
        # a reservation a channel's feed dropped (cancelled there) is said, never cancelled unasked
        dropped = (
            not_in_export(app, org, records, source=source or "ical", asset=asset)
            if report.ok and file.suffix.lower() in (".ics", ".ical")
            else []
        )
    if not report.ok:
        print_problems(report.errors, f"Nothing was imported: {len(report.errors)} problem(s) in {file.name}")
        raise typer.Exit(2)
    if report.not_booked and not report.counts:  # a booking request alone: said as what it is, not "nothing"
        for line in report.not_booked:
            out.print(Text(f"{file.name}: {line}."), highlight=False)
    else:
        done(f"{file.name}: {report.summary()}.")
    for line in report.not_booked if report.counts else []:
        out.print(Text.assemble(("  not booked: ", "yellow"), line), highlight=False)
    for line in report.double_booked:  # the titles are the channels' words: printed as typed, never as markup
        out.print(Text.assemble(("  double booked: ", "yellow"), line), highlight=False)
    for line in report.unchecked:
        out.print(Text.assemble(("  not checked: ", "yellow"), line), highlight=False)
    for line in report.refused:
        out.print(Text.assemble(("  not changed: ", "yellow"), line), highlight=False)
    for line in report.over_limit:
        out.print(Text.assemble(("  over the limit: ", "yellow"), line), highlight=False)
    for line in warnings:
        out.print(Text.assemble(("  warning: ", "yellow"), line), highlight=False)
    for line in [*report.same_reference, *dropped]:
        out.print(Text.assemble(("  note: ", "yellow"), line), highlight=False)
    held = [r for r in records if isinstance(r, BlockedSlot) and r.tentative and not r.cancelled]
    # a hold is retired by its own channel's booking alone
    if held and source is None and file.suffix.lower() in (".ics", ".ical"):
        out.print(
            f"  note: {len(held)} request(s) held as channel 'ical'. Import this export with --source and its "
            "channel's name (as its CSV files and emails say it, e.g. --source getmyboat), so that the channel's "
            "booking of the same reservation, from any file, replaces the hold.",
            highlight=False,
        )


def _parse(
    app: App, file: Path, org: str, source: str | None, asset: str | None, warnings: list[str]
) -> list[ParsedRecord]:
    profile = load_business(app.store, org)
    assert profile is not None
    suffix = file.suffix.lower()
    boats = {a.id: a.name for a in profile.assets if a.kind is AssetKind.BOAT}
    if suffix == ".csv":
        if asset is not None:
            raise InvalidInput("--asset is for .ics files: a .csv file names each row's boat in its asset column")
        zone = profile.org.timezone
        return parse_csv(utf8_text(file), default_source=source or "csv", timezone=zone, warnings=warnings)
    if suffix == ".eml":
        if source is not None:  # taken and ignored, it read as if the booking had come from that channel
            raise InvalidInput(
                "--source is for .csv and .ics files: an email's channel is the marketplace that sent it"
            )
        if asset is not None:
            raise InvalidInput("--asset is for .ics files: an email names its boat")
        return parse_email(file_bytes(file), timezone=profile.org.timezone, boats=boats)
    if suffix in (".ics", ".ical"):
        if asset is not None and asset not in boats:  # said once: on every event, it was hundreds of lines
            named = boats_named(asset, boats)
            if len(named) == 1:
                raise InvalidInput(f"--asset {asset!r} is the name of a boat: write its id, {named[0]}")
            known = ", ".join(f"{id_} ({name})" for id_, name in sorted(boats.items())) or "none yet"
            raise InvalidInput(f"--asset {asset!r} is no boat of {org}'s: write one of {known}")
        return parse_ics(
            file_bytes(file),
            source=source or "ical",
            timezone=profile.org.timezone,
            asset=asset,
            boats=boats,
            currency=org_currency(app.store, org),  # a total naming none is in the business's
        )
    raise InvalidInput(f"cannot import {file.name}: use a .csv, .eml or .ics file")


@booking_cli.command(
    "cancel",
    epilog=example(
        "booking cancel bk_5572ddc877165abd --org demo",
        "booking cancel G-2 --source getmyboat --org demo --yes",
        "booking cancel bk_5572ddc877165abd --dry-run",
    ),
)
def booking_cancel(
    words: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[ORG] BOOKING",
            help="The booking's id (bk_…), or with --source its channel's reference; the org may come before it.",
            show_default=False,
        ),
    ] = None,
    org: Annotated[str | None, typer.Option(help=WRITING_ORG_HELP)] = None,
    source: Annotated[
        str | None, typer.Option(help="The channel (getmyboat, boatsetter, csv…) whose reference BOOKING is.")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Cancel without asking (scripts, cron).")] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Say what cancelling would do, who would be told and which crew lists would change; change nothing.",
        ),
    ] = False,
) -> None:
    """Cancel a booking, as the API's DELETE does, telling everyone concerned once.

    Its crew event and calendar entry are cancelled, its reminders withdrawn, and its crew, guests and the
    operations manager told. Asked first at a terminal (--yes: not asked); cancelling twice sends nothing more."""
    given = [named(word, "BOOKING", "a booking") or "" for word in words or []]
    if not given or len(given) > 2:
        raise InvalidInput(
            f"{len(given)} arguments given: name one booking, by its id (bk_…) or with --source by its channel's "
            "reference, with its org before it if you like"
        )
    source = named(source, "--source", "a channel")
    if len(given) == 2:
        if org is not None and org != given[0]:
            raise InvalidInput(f"two orgs given, {given[0]} and --org {org}: give one")
        org = given[0]
    with app_context() as app:
        org = chosen_org(app, org, writes=True)
        booking = find_booking(app.store, org, given[-1], source=source)
        profile = load_business(app.store, org)
        assert profile is not None
        zone = profile.org.timezone
        boat = profile.asset(booking.asset)
        request = booking.request
        now = app.clock.now()  # a trip at sea, or sailed, is said so: a mistyped reference may name one
        state = " (under way)" if request.start <= now < request.end else " (over)" if request.end <= now else ""
        what = (
            f"{request.source} {request.external_id} ({booking.id}), {request.lead_guest.name}'s trip on "
            f"{boat.name.split(' (', 1)[0] if boat else booking.asset}, {when(request.start, zone)}{state}"
        )
        if booking.cancelled:  # said, not an error: what was asked for is so; nobody is told twice
            out.print(Text(f"{what} was already cancelled on {when(booking.updated_at, zone)}; nothing was sent."))
            return
        if dry_run:  # decided by the cancellation's own code, written nowhere
            preview = cancellation_preview(app, org, booking)
            told = told_in_words(app, org, booking, preview.told)
            out.print(Text(f"Would cancel {what}; {_told(told, 'would be')}. Nothing was changed (dry run)."))
            if preview.finished or preview.moved:  # the real cancel first finishes it: its count of who is told too
                out.print(Text.assemble(("  first: ", "yellow"), f"{_finished(app, org, booking, preview)}."))
            for line in preview.lists:  # the crew's waiting lists it withdraws, and what goes in their place
                out.print(Text.assemble(("  crew: ", "yellow"), f"{line}."), highlight=False)
            return
        if not yes:  # who would be told and what is finished first, as the cancel decides it (not when not asked)
            asked = cancellation_preview(app, org, booking, lists=False)
            told = told_in_words(app, org, booking, asked.told)
            first = f"{_finished(app, org, booking, asked)}" if asked.finished or asked.moved else ""
            if not sys.stdin.isatty():
                raise InvalidInput(
                    f"nothing was cancelled: cancelling {what}, {_told(told, 'would be')}"
                    + (f"; first, {first}" if first else ""),
                    hint="add --yes to cancel it without being asked, or --dry-run to see what it would do",
                )
            said = _told(told, "will be")
            first = f"\nFirst, {first}." if first else ""
            if not typer.confirm(f"Cancel {what}? {said[0].upper() + said[1:]}.{first}", default=False):
                err.print("Nothing was cancelled.", highlight=False)
                raise typer.Exit(1)
        outcome = cancel_booking(app, org, booking.id)
        if outcome.result is not IntakeResult.CANCELLED:  # cancelled meanwhile, by a channel or another operator
            when_done = when(outcome.booking.updated_at, zone)
            out.print(Text(f"{what} was already cancelled on {when_done}; nothing was sent."))
            return
        told = told_in_words(app, org, outcome.booking, revision_told(app, org, outcome.booking))
    done(f"Cancelled {what}; {_told(told, 'will be')}.")


@booking_cli.command(
    "remove-guest",
    epilog=example(
        "booking remove-guest bk_5572ddc877165abd g3 --org demo", "booking remove-guest bk_5572ddc877165abd g3 --yes"
    ),
)
def booking_remove_guest(
    booking: Annotated[
        str,
        typer.Argument(help="The booking's id (bk_…), or with --source its channel's reference.", show_default=False),
    ],
    guest_id: Annotated[
        str,
        typer.Argument(
            metavar="GUEST_ID", help="The guest's id (g2…), as 'booking show' lists it.", show_default=False
        ),
    ],
    org: Annotated[str | None, typer.Option(help=WRITING_ORG_HELP)] = None,
    source: Annotated[
        str | None, typer.Option(help="The channel (getmyboat, boatsetter, csv…) whose reference BOOKING is.")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Remove without asking (scripts, cron).")] = False,
) -> None:
    """Take a guest off a booking's group, as its lead can from their page.

    Their page's link stops opening the trip, the photos they shared leave the album, what still waits to be
    mailed to them is withdrawn, and their place is free; a guest whose invitation reached them gets one short
    note that they are off it. Refused for a guest who signed the waiver, a trip that has left, and the lead
    (cancel the booking instead). Asked first at a terminal (--yes: not asked)."""
    wanted = (named(booking, "BOOKING", "a booking") or "").strip()
    guest_id = (named(guest_id, "GUEST_ID", "a guest's id, like g2") or "").strip()
    with app_context() as app:
        org = chosen_org(app, named(org, "--org", "an org"), writes=True)
        found = find_booking(app.store, org, wanted, source=named(source, "--source", "a channel"))
        guest = remove_guest_by_operator(app, org, found.id, guest_id, confirmed=False).guest  # refused: said here
        profile = load_business(app.store, org)
        assert profile is not None
        boat = profile.asset(found.asset)
        request = found.request
        what = (
            f"{guest.name} ({guest.id}) from {request.lead_guest.name}'s trip on "
            f"{boat.name.split(' (', 1)[0] if boat else found.asset}, {when(request.start, profile.org.timezone)}"
        )
        photos = len(photos_of(app, org, found.id, guest.id))
        shared = f"; the {photos} photo(s) they shared will leave the album" if photos else ""
        if not yes:
            if not sys.stdin.isatty():
                raise InvalidInput(
                    f"nothing was removed: removing {what}{shared}",
                    hint="add --yes to remove them without being asked",
                )
            if not typer.confirm(f"Remove {what}{shared}?", default=False):
                err.print("Nothing was removed.", highlight=False)
                raise typer.Exit(1)
        removal = remove_guest_by_operator(app, org, found.id, guest.id)
    left = f", the {removal.photos} photo(s) they shared left the album" if removal.photos else ""
    told = (
        "they will be told in a short note"
        if removal.told
        else "nothing is sent to them: no mail of the trip had reached them"
    )
    done(f"Removed {what}: their page no longer opens the trip{left}, and their place is free; {told}.")


def _finished(app: App, org: str, booking: Booking, preview: CancelPreview) -> str:
    """What the cancel first finishes (`CancelPreview.finished` and `moved`), in words."""
    said = "it finishes the send-out its last change left half done: "
    if preview.moved:  # as `complete_fanout` does, the guests follow the trip's line before its messages are queued
        line = load_business(app.store, org)
        entity = line.entity(preview.line) if line else None
        named = entity.name if entity else preview.line
        moved = told_in_words(app, org, booking, preview.moved)
        said += f"it moves {moved} to {named}'s waiver"
        said += ", and queues " if preview.finished else ""
    if not preview.finished:
        return said
    count, whom = len(preview.finished), told_in_words(app, org, booking, preview.finished)
    said += f"{plural(count, 'message')} to {whom}"
    if not preview.withdrawn:
        return said
    them = "it" if count == 1 else "all" if preview.withdrawn == count else f"{preview.withdrawn} of them"
    return f"{said}, then withdraws {them} with the rest of that change's mail still waiting"


def _told(told: str, verb: str) -> str:
    """`told` (`told_in_words`) `verb` told: a cancel tells nobody only of a trip whose album has closed."""
    return (
        f"nobody {verb} told: its photo album closed"  # what says the trip is over
        if told == "nobody"
        else f"{told} {verb} told"
    )
