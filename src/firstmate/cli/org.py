"""`firstmate org`: set up your own business (its lines, boats, crew and admins) from one file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from rich.text import Text

from firstmate.adapters.sources.org_file import org_toml, read_org_file, template_text
from firstmate.cli.common import (
    ORG_HELP,
    app_context,
    chosen_org,
    done,
    example,
    out,
    print_problems,
    require_org,
    show,
    warn,
)
from firstmate.domain.reports.document import ROLES
from firstmate.domain.reports.format import plural
from firstmate.errors import DataRejected, InvalidInput
from firstmate.services.business import load_business
from firstmate.services.org_setup import OrgImport, check_org, import_org, org_tables, over_new_limits
from firstmate.services.people import list_people

org_cli = typer.Typer(help="Your business: its lines, boats, crew and admins (one TOML file).", no_args_is_help=True)

EXPORT_HEADER = """\
# The org {org} as firstmate holds it. Edit it, then run: firstmate org import {path}
# Importing again changes only what changed; nothing is removed. To stop someone hearing of trips,
# set active = false on them.
"""


@org_cli.command("template", epilog=example("org template org.toml", "org template org.toml --org demo"))
def org_template(
    file: Annotated[Path, typer.Argument(help="The file to write.")],
    org: Annotated[
        str | None, typer.Option(help="Write this stored org as it is (default: an annotated starter).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the file if it is there.")] = False,
) -> None:
    """Write an org file to edit and import: an annotated starter, or (--org) a stored org as it is."""
    if org is None:
        text = template_text(file)
    else:
        with app_context() as app:
            require_org(app, org)
            profile = load_business(app.store, org)
            assert profile is not None
            text = org_toml(org_tables(profile, list_people(app.store, org)), EXPORT_HEADER.format(org=org, path=file))
    if file.exists() and not force:
        raise InvalidInput(f"{file} is there already", hint="name another file, or pass --force to overwrite it")
    try:
        file.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot write {file}: {exc.strerror or exc}", hint="name a file you can write") from None
    done(f"wrote {file}; edit it, then run 'firstmate org import {file}'.")


@org_cli.command("import", epilog=example("org import org.toml --dry-run", "org import org.toml"))
def org_import(
    file: Annotated[Path, typer.Argument(help="An org file (see 'firstmate org template').")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; change nothing.")] = False,
) -> None:
    """Check the whole file first; save only if all of it is right. Importing twice changes nothing, and
    nothing stored is removed: boats and people left out of the file are kept (bookings name them)."""
    raw = read_org_file(file)
    if isinstance(raw, list):
        _refused(DataRejected(raw), file)
    try:
        setup = check_org(raw)
    except DataRejected as exc:
        _refused(exc, file)
    with app_context() as app:
        before = load_business(app.store, setup.profile.org.id)
        try:
            result = import_org(app.store, setup, dry_run=dry_run, ctx=app)
        except DataRejected as exc:
            _refused(exc, file)
        # a limit is checked as a booking arrives: one set on a boat already booked, here
        over = over_new_limits(app.store, before, setup.profile, app.clock.now())
    _show(result, file, dry_run=dry_run, over=over, names={p.id: p.name for p in setup.people})


@org_cli.command("show", epilog=example("org show", "org show --org demo"))
def org_show(org: Annotated[str | None, typer.Option(help=ORG_HELP)] = None) -> None:
    """The org's business lines, boats and people as stored."""
    with app_context() as app:
        org = chosen_org(app, org)
        profile = load_business(app.store, org)
        assert profile is not None
        people = list_people(app.store, org)
    named = profile.org
    out.print(Text(f"{named.name} ({org}), {named.timezone}; owner {named.owner_email}, operations {named.ops_email}"))
    reports = Table("report", "goes to", title=Text("Reports"))
    reports.add_row("weekly", Text(", ".join(named.report_recipients or (named.owner_email,))))
    for role in ROLES:
        reports.add_row(role, Text(", ".join(named.recipients_for(role))))
    if named.audit_bcc:
        reports.add_row("every report, Bcc", Text(named.audit_bcc))
    show(reports)
    assets = Table(
        "asset", "name", "business line", "kind", "roles", "most guests", "meeting point",
        title=Text("Business lines and assets"),
    )  # fmt: skip
    for asset in profile.assets:
        entity = profile.entity(asset.entity)
        line = entity.name if entity else asset.entity
        limit = str(asset.max_guests) if asset.max_guests else ""
        shown = (asset.id, asset.name, line, asset.kind.value, ", ".join(asset.roles), limit, asset.meeting_point or "")
        assets.add_row(*(Text(t) for t in shown))
    for entity in profile.entities:
        if not any(a.entity == entity.id for a in profile.assets):
            assets.add_row(Text(""), Text(""), Text(entity.name), Text(entity.kind.value), *[Text("")] * 3)
    show(assets)
    crew = Table("person", "name", "email", "qualified for", "admin", "active", title=Text("People"))
    for person in people:
        flags = ("yes" if person.admin else "", "yes" if person.active else "no")
        cells = (person.id, person.name, person.email, ", ".join(person.qualifications), *flags)
        crew.add_row(*(Text(t) for t in cells))
    show(crew)


def _show(
    result: OrgImport, file: Path, *, dry_run: bool, over: Sequence[str] = (), names: Mapping[str, str] | None = None
) -> None:
    title = f"What importing {file} would do" if dry_run else f"Imported {file}"
    table = Table("kind", "created", "updated", "unchanged", "kept (not in the file)", title=Text(title))
    for kind, counts in result.changes.items():
        kept = result.kept.get(kind, [])
        table.add_row(kind, *(str(counts[k]) for k in ("created", "updated", "unchanged")), Text(", ".join(kept)))
    show(table)
    if result.kept.get("people"):
        warn(
            f"{len(result.kept['people'])} person(s) stored are not in {file} and are kept as they are; "
            "to stop someone hearing of trips, set active = false on them in the file"
        )
    if result.others:
        own = "each is a business of its own, with its own boats, bookings and crew"
        instead = f'To change one of those instead, write its id in [org] (id = "{result.others[0]}")'
        warn(f"{result.org} is a new org, beside {', '.join(result.others)}: {own}. {instead}")
    if result.zone_change:
        was, now = result.zone_change
        ten = datetime.now(ZoneInfo(was)).replace(hour=10, minute=0, second=0, microsecond=0)
        there = ten.astimezone(ZoneInfo(now)).strftime("%H:%M")
        warn(
            f"the time zone changes from {was} to {now}: trips already booked keep their moment, shown in {now} "
            f"from now on (10:00 in {was} is {there} there); a trip whose start was read as a time of day in {was} "
            "(a marketplace email's, say) may need its time put right"
        )
    if result.roles_changed:
        boats = ", ".join(result.roles_changed)
        warn(f"the roles of {boats} change: trips already booked keep the roles they had; bookings from now take these")
    if result.no_roles:
        warn(
            f"{', '.join(result.no_roles)} has no role: its trips call no crew "
            '(give it roles = ["captain"] if they should)'
        )
    for line in over:  # bookings over a boat's passenger limit the file sets or lowers
        warn(line)
    _show_joined(result, dry_run=dry_run, names=names or {})
    for own_text in result.waivers_kept:  # an import keeps what the file leaves out: a line's text too
        verb = "would keep" if dry_run else "keeps"
        out.print(
            Text(f"{own_text.name} ({own_text.id}) {verb} its waiver text as stored: {file} writes no waiver for it "
                 "(a line new to the org takes the default text)")
        )  # fmt: skip
    for asked in result.new_texts:  # a line's waiver with new words: who signed the earlier one signs it again
        verb = "would be" if dry_run else "is" if asked.guests == 1 else "are"
        out.print(
            Text(f"{plural(asked.guests, 'guest')} on {plural(asked.trips, 'trip')} still to sail {verb} asked to sign "
                 f"{asked.line}'s new waiver text (what they signed stays on record)")
        )  # fmt: skip
    changed = sum(c["created"] + c["updated"] for c in result.changes.values())
    org = f"the new org {result.org}" if result.new_org else result.org
    if dry_run:
        done(f"{changed} change(s) to make to {org}; nothing was changed (dry run).")
    elif changed:
        done(f"{changed} change(s) saved to {org}; 'firstmate org show --org {result.org}' lists it.")
    else:
        done(f"{org} is already as {file} says; nothing changed.")


def _show_joined(result: OrgImport, *, dry_run: bool, names: Mapping[str, str]) -> None:
    """Who, made active, qualified or added, is asked to crew the trips to come that did not ask them."""
    for person_id in sorted(result.joined.asked.keys() | result.joined.waiting.keys()):
        asked, waiting = result.joined.asked.get(person_id, 0), result.joined.waiting.get(person_id, 0)
        verb = "would be" if dry_run else "is"
        who = f"{names.get(person_id, person_id)} ({person_id}) {verb} asked to crew"
        free = "once the trip they are on at its time lets them go"
        if not asked:  # busy at each trip's time: on its list
            out.print(Text(f"{who} {plural(waiting, 'trip')} to come {free}"))
            continue
        how = 'one "Crew needed" mail listing them' if person_id in result.joined.listed else '"Crew needed"'
        line = f"{who} {plural(asked, 'trip')} to come ({how})"
        out.print(Text(f"{line}, and {waiting} more {free}" if waiting else line))
    for person_id in result.asks_owed:  # the store failed as they were asked: saved, and the job asks them
        warn(
            f"{names.get(person_id, person_id)} ({person_id}) is not asked to crew the trips to come yet (the store "
            "failed as they were asked): the fanouts job asks them within minutes, once"
        )


def _refused(exc: DataRejected, file: Path) -> NoReturn:
    print_problems(exc.errors, f"Nothing was imported: {len(exc.errors)} problem(s) in {file}")
    raise typer.Exit(2)
