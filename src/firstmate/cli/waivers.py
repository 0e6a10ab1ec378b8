"""`firstmate waivers`: the guests' waivers of a trip (or of some days' trips), and each signed one as its PDF."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from rich.text import Text

from firstmate.bootstrap import App
from firstmate.cli.common import ORG_HELP, app_context, chosen_org, done, example, named, out, parse_day, show
from firstmate.errors import InvalidInput, NotFound
from firstmate.services.business import load_business
from firstmate.services.waivers import TripWaivers, WaiverState, pdf_name, signed_waiver_pdf, trip_waivers
from firstmate.services.waivers import waivers_between as listed_between

waivers_cli = typer.Typer(help="The guests' signed waivers: list them, export their PDFs.", no_args_is_help=True)
OrgArgument = Annotated[str | None, typer.Argument(metavar="[ORG]", help=ORG_HELP, show_default=False)]
TRIP_HELP = "One trip: its booking id (bk_…) or its crew event id (ev_…)."
#: The days listed when neither --trip nor --from is given: the week from today, as the admin page.
DAYS_SHOWN = 7


@waivers_cli.command(
    "list",
    epilog=example("waivers list demo --from 2026-06-13 --to 2026-06-14", "waivers list demo --trip bk_0123abcd"),
)
def waivers_list(
    org: OrgArgument = None,
    trip: Annotated[str | None, typer.Option("--trip", help=TRIP_HELP)] = None,
    first: Annotated[str | None, typer.Option("--from", help="The first day, like 2026-06-13 (default: today)")] = None,
    last: Annotated[str | None, typer.Option("--to", help="The last day (default: --from's, else a week on).")] = None,
) -> None:
    """Each guest of a trip, or of the trips departing from --from to --to (the week from today by default), and
    their waiver: signed (the name as typed, when, which text), not signed (coming: the departure waits for them)
    or not coming."""
    trip = named(trip, "--trip", "a trip")
    if trip is not None and (first is not None or last is not None):
        raise InvalidInput("give --trip or --from and --to, not both: one trip, or the trips of those days")
    if last is not None and first is None:
        raise InvalidInput("--to needs --from: give the first day too, like --from 2026-06-13")
    start, end = parse_day(first, "--from", "2026-06-13"), parse_day(last, "--to", "2026-06-14")
    with app_context() as app:
        org = chosen_org(app, named(org, "ORG", "an org"))
        if trip is not None:
            trips = [trip_waivers(app, org, trip)]
        else:
            today = app.clock.now().astimezone(_zone(app, org)).date()
            start = start or today
            end = end or (start if first is not None else start + timedelta(days=DAYS_SHOWN - 1))
            trips, after = [], ""
            while True:  # every page of the range
                page = listed_between(app, org, start, end, after=after)
                trips += page.trips
                if not page.after:
                    break
                after = page.after
    if not trips:
        out.print(Text(f"No trip of {org}'s departs from {start} to {end}."), highlight=False)
        return
    for listed in trips:
        show(_table(listed))


@waivers_cli.command("export", epilog=example("waivers export demo --trip bk_0123abcd --out waivers/"))
def waivers_export(
    org: OrgArgument = None,
    trip: Annotated[str, typer.Option("--trip", help=TRIP_HELP, show_default=False)] = "",
    out_to: Annotated[str | None, typer.Option("--out", help="The folder to write the PDFs into.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace PDFs of the same name already there.")] = False,
) -> None:
    """Write each signed waiver of a trip as its PDF (the guest's, without their page's code) into a folder, named
    by the trip's day, the guest's id and name (2026-06-13-g2-robin-sample.pdf). A file already there is left as it
    is, and nothing is written, unless --force."""
    if not trip.strip():
        raise InvalidInput("name the trip with --trip: its booking id (bk_…) or its crew event id (ev_…)")
    if out_to is None or not out_to.strip():  # read as a Path, "" was "." (the folder the operator happened to be in)
        raise InvalidInput("name the folder to write the PDFs into with --out, like --out waivers/")
    folder = Path(out_to)
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{folder} is a file: name a folder with --out")
    with app_context() as app:
        org = chosen_org(app, named(org, "ORG", "an org"))
        listed = trip_waivers(app, org, trip.strip())
        # a former lead's signatures too (the booking handed to someone else): kept on record
        signed = [r for r in [*listed.guests, *listed.former] if r.state is WaiverState.SIGNED]
        if not signed and not any(r.earlier for r in [*listed.guests, *listed.former]):
            raise NotFound(
                f"none of the {len(listed.guests)} guest(s) of trip {listed.booking.id} has signed the waiver yet",
                hint="nothing was written; 'firstmate waivers list' shows where each stands",
            )
        files = {
            folder / pdf_name(listed, r): signed_waiver_pdf(app, org, listed.booking.id, r.guest.id) for r in signed
        }
        for r in [*listed.guests, *listed.former]:  # those signed for a line the trip was on before: the record
            for e in r.earlier:
                version = e.signature.waiver_version
                files[folder / pdf_name(listed, r, e)] = signed_waiver_pdf(
                    app, org, listed.booking.id, r.guest.id, version
                )
    there = [path.name for path in files if path.exists()]
    if there and not force:
        raise InvalidInput(
            f"{', '.join(there)} already in {folder}: nothing was written",
            hint="add --force to replace them, or name another folder with --out",
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path, pdf in files.items():
            part = path.with_name(path.name + ".part")  # a file cut off midway is never taken for a waiver
            part.write_bytes(pdf)
            os.replace(part, path)
    except OSError as exc:
        raise InvalidInput(f"cannot write into {folder}: {exc.strerror or exc}") from None
    earlier = len(files) - len(signed)
    before = f", {earlier} of them signed for the line the trip was on before or of its earlier text" if earlier else ""
    done(f"{len(files)} signed waiver(s) of trip {listed.booking.id} ({listed.times}) written to {folder}{before}")
    for path in files:
        out.print(Text(f"  {path.name}"), highlight=False)
    for row in listed.guests:
        if row.state is not WaiverState.SIGNED:
            out.print(Text.assemble(("  not signed: ", "yellow"), f"{row.guest.name} ({row.state.value})"))


def _table(listed: TripWaivers) -> Table:
    """One trip's guests and their waiver, every cell as typed (a name is never read as markup)."""
    cancelled = " · cancelled" if listed.booking.cancelled else ""
    title = f"{listed.times} · {listed.boat} · booking {listed.booking.id}{cancelled} · {listed.signed} of "
    table = Table("guest", "contact", "waiver", "signed as", "signed", "text signed", "pdf",
                  title=Text(title + f"{len(listed.guests)} signed"))  # fmt: skip
    for row in [*listed.guests, *listed.former]:
        guest, signature = row.guest, row.guest.waiver
        who = guest.name + (" (booked)" if guest.lead else "") + (" (under 18)" if guest.minor else "")
        who += " (former lead, no longer in the group)" if guest.left_at else ""
        contact = ", ".join(c for c in (guest.email, row.phone) if c)
        state = row.state.value + (", has not said they are coming" if signature and not row.coming else "")
        state = f"{row.state.value}, not counted for the departure" if guest.left_at else state
        typed = ""
        if signature:
            typed = signature.typed_name + (f" (guardian {signature.guardian_name})" if signature.guardian_name else "")
        text = f"{row.line}, version {signature.waiver_version}" if signature else ""
        pdf = pdf_name(listed, row) if signature else ""
        table.add_row(*(Text(cell) for cell in (who, contact, state, typed, row.signed_at, text, pdf)))
        for e in row.earlier:  # kept on record: the trip moved to another line's boat, or its line's text changed
            typed = e.signature.typed_name + (
                f" (guardian {e.signature.guardian_name})" if e.signature.guardian_name else ""
            )
            cells = (f"{guest.name} ({e.why})", "", f"signed {e.line}'s", typed, e.signed_at,
                     f"{e.line}, version {e.signature.waiver_version}", pdf_name(listed, row, e))  # fmt: skip
            table.add_row(*(Text(cell) for cell in cells))
    return table


def _zone(app: App, org: str) -> ZoneInfo:
    profile = load_business(app.store, org)
    assert profile is not None  # chosen_org found it
    return ZoneInfo(profile.org.timezone)
