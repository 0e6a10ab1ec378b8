"""`firstmate keys`: service keys for the API."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from firstmate.cli.common import ORG_HELP, WRITING_ORG_HELP, app_context, chosen_org, done, err, example, out, show
from firstmate.services.keys import create_key, list_keys, revoke_key

keys_cli = typer.Typer(help="Service keys for the API.", no_args_is_help=True)


@keys_cli.command("create", epilog=example("keys create --name website", "keys create --org demo --name website"))
def keys_create(
    org: Annotated[str | None, typer.Option(help=WRITING_ORG_HELP)] = None,
    name: Annotated[str, typer.Option(help="What the key is for, e.g. 'website'.")] = "api",
) -> None:
    """Create a key and print it, alone on stdout. It is shown this once: only its hash is kept."""
    with app_context() as app:
        org = chosen_org(app, org, writes=True)  # naming the orgs there are
        record, key = create_key(app.store, org, name, app.clock.now())
    print(key)
    err.print(
        f"Created key {record.id} ({record.name}) for org {org}. Store it now: it is not shown again.", markup=False
    )


@keys_cli.command("list", epilog=example("keys list", "keys list --org demo"))
def keys_list(org: Annotated[str | None, typer.Option(help=ORG_HELP)] = None) -> None:
    """List an org's keys (ids and names; never the keys themselves)."""
    with app_context() as app:
        org = chosen_org(app, org)
        keys = list_keys(app.store, org)
    table = Table("id", "name", "created (UTC)", "revoked")
    for key in keys:
        table.add_row(key.id, Text(key.name), key.created_at[:16], (key.revoked_at or "")[:16] or "no")
    if keys:
        show(table)
    else:
        out.print(Text(f"No keys for org {org}."))


@keys_cli.command("revoke", epilog=example("keys revoke 8af5f3831e0d", "keys revoke 8af5f3831e0d --org demo"))
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id, from 'firstmate keys list'.")],
    org: Annotated[str | None, typer.Option(help=WRITING_ORG_HELP)] = None,
) -> None:
    """Revoke a key at once: calls with it get 401 from now on."""
    with app_context() as app:
        org = chosen_org(app, org, writes=True)  # not "no key in org" of an org that is not there
        record = revoke_key(app.store, org, key_id, app.clock.now())
    done(f"key {record.id} ({record.name}) is revoked.")
