"""`firstmate photos`: the trip albums' stored photos."""

from __future__ import annotations

from typing import Annotated

import typer

from firstmate.cli.common import WRITING_ORG_HELP, app_context, chosen_org, done, example, named, out, warn

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
