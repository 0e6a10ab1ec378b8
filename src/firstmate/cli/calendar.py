"""`firstmate calendar`: secret calendar feed URLs."""

from __future__ import annotations

from typing import Annotated

import typer

from firstmate.bootstrap import App
from firstmate.cli.common import ORG_HELP, WRITING_ORG_HELP, app_context, chosen_org, err, example, named
from firstmate.errors import InvalidInput, NotFound
from firstmate.services.business import load_business
from firstmate.services.calendar import Feed, FeedScope, feed_token, revoke_feed
from firstmate.services.people import list_people

calendar_cli = typer.Typer(help="Calendar feeds.", no_args_is_help=True)


def _feed(app: App, org: str | None, entity: str | None, person: str | None, *, writes: bool = False) -> Feed:
    """The feed the options name, once the org and the business line or person are known."""
    entity, person = named(entity, "--entity", "a business line"), named(person, "--person", "a person id")
    if entity and person:
        raise InvalidInput("choose --entity or --person, not both")
    org = chosen_org(app, org, writes=writes)
    profile = load_business(app.store, org)
    assert profile is not None
    if entity:
        if profile.entity(entity) is None:
            lines = ", ".join(e.id for e in profile.entities)
            raise NotFound(f"no business line {entity!r} in org {org!r}", hint=f"the business lines are: {lines}")
        return Feed(org, FeedScope.ENTITY, entity)
    if person:
        people = {p.id for p in list_people(app.store, org)}
        if person not in people:
            known = f"the people are: {', '.join(sorted(people))}" if people else "the org has nobody yet"
            raise NotFound(f"no person {person!r} in org {org!r}", hint=known)
        return Feed(org, FeedScope.CREW, person)
    return Feed(org, FeedScope.ORG, org)


@calendar_cli.command(
    "url", epilog=example("calendar url --person priya", "calendar url --org demo --entity saltwind-charters")
)
def calendar_url(
    org: Annotated[str | None, typer.Option(help=ORG_HELP)] = None,
    entity: Annotated[str | None, typer.Option(help="One business line's crew-safe feed.")] = None,
    person: Annotated[str | None, typer.Option(help="One crew member's feed.")] = None,
) -> None:
    """Print a feed's secret URL (the whole org's feed, with money, unless --entity or --person)."""
    with app_context() as app:
        feed = _feed(app, org, entity, person)
        print(f"{app.settings.base_url}/calendar/{feed_token(app.secret_key, app.store, feed)}.ics")


@calendar_cli.command("revoke", epilog=example("calendar revoke --person priya", "calendar revoke --org demo"))
def calendar_revoke(
    org: Annotated[str | None, typer.Option(help=WRITING_ORG_HELP)] = None,
    entity: Annotated[str | None, typer.Option(help="One business line's feed.")] = None,
    person: Annotated[str | None, typer.Option(help="One crew member's feed.")] = None,
) -> None:
    """Void every URL given out for a feed; 'calendar url' then prints a new one."""
    with app_context() as app:
        revoke_feed(app.store, _feed(app, org, entity, person, writes=True))
    err.print("[green]✓[/] the old URL no longer works; run 'firstmate calendar url' for the new one.")
