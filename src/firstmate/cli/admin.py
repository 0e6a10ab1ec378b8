"""`firstmate admin`: admin access."""

from __future__ import annotations

import typer

from firstmate.cli.common import app_context, example

admin_cli = typer.Typer(help="Admin access.", no_args_is_help=True)


@admin_cli.command("link", epilog=example("admin link"))
def admin_link() -> None:
    """Print a sign-in link for the admin pages, valid 15 minutes (alone on stdout)."""
    from firstmate.services.access import admin_link_token

    with app_context() as app:
        token = admin_link_token(app.secret_key, app.clock.now())
        print(f"{app.settings.base_url}/admin/enter?t={token}")
