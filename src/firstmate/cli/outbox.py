"""`firstmate outbox`: see and retry outgoing messages."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Column, Table
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
    require_org,
    show,
)
from firstmate.domain.outbox import OutboxStatus, as_read, error_as_read, of_use_until
from firstmate.errors import InvalidInput
from firstmate.services.business import list_orgs

outbox_cli = typer.Typer(help="See and retry outgoing messages.", no_args_is_help=True)


@outbox_cli.command("list", epilog=example("outbox list --status dead", "outbox list --org demo --json"))
def outbox_list(
    org: Annotated[str | None, typer.Option(help="Only this org.")] = None,
    status: Annotated[str | None, typer.Option(help="pending, sending, sent or dead.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    limit: Annotated[int, typer.Option(help="Show the newest N (0: every one).", min=0)] = 200,
) -> None:
    """List outgoing messages, newest first."""
    from firstmate.services import outbox_list
    from firstmate.services.business import list_orgs

    wanted = _parse_status(status)
    org = named(org, "--org", "an org")
    with app_context() as app:
        orgs = [org] if org else list_orgs(app.store)
        now = app.clock.now()
        # the newest `limit` of all the orgs', read as such: not every message of every org, then cut
        found, more = outbox_list.newest(app.store, orgs, status=wanted, limit=limit or None)
        # a reminder's "in 29 min" as it was sent, or as it would be sent now
        entries = [e.model_copy(update={"message": as_read(e, now)}) for e in found]
        if org and not entries:  # none, or no such org: say which
            require_org(app, org)
    if as_json:
        for e in entries:
            row = {"org": e.org, "key": e.key, "status": e.status.value, "to": list(e.message.to)}
            print(json.dumps({**row, "subject": e.message.subject, "attempts": e.attempts}))  # one line each
        _say_more(more)
        return
    # the key and the address wrap rather than end in "…": the key is what `outbox retry` and `show` take
    table = Table("queued (UTC)", "org", Column("key", overflow="fold"), Column("to", overflow="fold"),
                  "subject", "status", "tries")  # fmt: skip
    for e in entries:
        cells = (
            e.created_at.strftime("%Y-%m-%d %H:%M"), e.org, e.key, ", ".join(e.message.to),
            e.message.subject, e.status.value, str(e.attempts),
        )  # fmt: skip
        table.add_row(*(Text(cell) for cell in cells))  # Text: a subject is never read as markup
    if entries:
        show(table)
    else:
        out.print("No messages.")
    _say_more(more)


def _say_more(more: bool) -> None:
    """On stderr, so that --json stays one object per line: that older messages were left out (how many
    is not counted: that would read every one)."""
    if more:
        err.print("Older messages not shown: --limit 0 lists every one.", highlight=False)


#: The positional arguments of `outbox show` and `retry`: the key, or (as before --org was) the org and the key.
_ORG_AND_KEY_HELP = "The message's key (see 'outbox list'); the org may come before it, as in older scripts."


@outbox_cli.command("show", epilog=example("outbox show demo:welcome:v1", "outbox show demo:welcome:v1 --org demo"))
def outbox_show(
    words: Annotated[
        list[str] | None, typer.Argument(metavar="[ORG] KEY", help=_ORG_AND_KEY_HELP, show_default=False)
    ] = None,
    org: Annotated[str | None, typer.Option(help=ORG_HELP)] = None,
) -> None:
    """Show one message: headers, status, and its plain-text part."""
    from firstmate.services import outbox

    given = _given(words or [])
    with app_context() as app:
        org, key = _org_and_key(app, given, org)
        if key is None:
            raise InvalidInput(f"name a message's KEY of org {org}", hint="'firstmate outbox list' shows them")
        e = outbox.get_entry(app.store, org, key)
        e = e.model_copy(update={"message": as_read(e, app.clock.now())})
    out.print(Text(e.message.subject, style="bold"))
    out.print(f"From: {e.message.sender}\nTo: {', '.join(e.message.to)}", markup=False)
    out.print(f"Status: {e.status.value} after {e.attempts} attempt(s)")
    if e.sent_to and e.status is not OutboxStatus.SENT:  # a relay took it for these: a retry leaves them out
        out.print(f"Already sent to: {', '.join(e.sent_to)} (not to them again)", markup=False)
    if until := of_use_until(e):
        out.print(f"Of use until: {until}", markup=False)
    if error := error_as_read(e):  # one withdrawn after it reached some says so, not "not sent"
        out.print(f"Last error: {error}", markup=False)
    for f in e.feedback:  # what the mail system said afterwards (SES bounces and complaints)
        who = f": {', '.join(f.recipients)}" if f.recipients else ""
        out.print(
            f"{f.kind.capitalize()} {f.at:%Y-%m-%d %H:%M} UTC{who}" + (f" ({f.detail})" if f.detail else ""),
            markup=False,
        )
    out.print("")
    out.print(e.message.text, markup=False, highlight=False)


@outbox_cli.command(
    "retry", epilog=example("outbox retry demo:welcome:v1", "outbox retry --dead", "outbox retry --dead --org demo")
)
def outbox_retry(
    words: Annotated[
        list[str] | None, typer.Argument(metavar="[ORG] [KEY]", help=_ORG_AND_KEY_HELP, show_default=False)
    ] = None,
    dead: Annotated[bool, typer.Option("--dead", help="Every dead message of the org.")] = False,
    org: Annotated[str | None, typer.Option(help=WRITING_ORG_HELP)] = None,
) -> None:
    """Give a dead message (or, with --dead, every dead one of the org) a fresh set of attempts."""
    from firstmate.services import outbox

    given = _given(words or [])
    if len(given) == 2 and dead:
        raise InvalidInput("name one message's KEY, or pass --dead for every dead one: not both")
    with app_context() as app:
        org, key = _org_and_key(app, given, org, dead=dead, writes=True)
        if key is not None and dead:
            raise InvalidInput("name one message's KEY, or pass --dead for every dead one: not both")
        if key is None and not dead:
            hint = "'outbox list' shows keys"
            raise InvalidInput("name one message's KEY, or pass --dead for every dead one", hint=hint)
        if key is not None:
            outbox.retry_entry(app.store, org, key, app.clock.now())
            done(f"{key} is pending again; the dispatcher will send it shortly.")
            return
        revived, stale = outbox.retry_dead(app.store, org, app.clock.now())
    done(f"{revived} dead message(s) of {org} pending again; the dispatcher will send them shortly.")
    if stale:
        out.print(f"{stale} more stay dead: they went out of date unsent (an expired link, a trip that has left).")


def _org_and_key(
    app: App, given: list[str], org: str | None, *, dead: bool = False, writes: bool = False
) -> tuple[str, str | None]:
    """The org and the key of `[ORG] [KEY]`: two arguments are the org and the key, as before --org was taken; one
    is the key, unless it names an org or comes with --dead (`outbox retry demo --dead`, as before). The org left
    out is --org's, else the home's only org (`chosen_org`; never guessed among several for one that `writes`)."""
    if len(given) == 2:
        if org is not None and org != given[0]:
            raise InvalidInput(f"two orgs given, {given[0]} and --org {org}: give one")
        return chosen_org(app, given[0]), given[1]
    if given and org is None and (dead or given[0] in list_orgs(app.store)):
        return chosen_org(app, given[0]), None
    return chosen_org(app, org, writes=writes), given[0] if given else None


def _given(words: list[str]) -> list[str]:
    """The positional arguments given, each refused if empty, and more than two refused (before anything is
    opened)."""
    if len(words) > 2:
        raise InvalidInput(f"{len(words)} arguments given: name the message's KEY, with its org before it if you like")
    return [_key(word) for word in words]


@outbox_cli.command("reindex", epilog=example("outbox reindex", "outbox reindex --org demo"))
def outbox_reindex(org: Annotated[str | None, typer.Option(help="Only this org.")] = None) -> None:
    """Give messages stored by an earlier firstmate the index keys the admin list reads them by (the hourly
    sweep does it too, once per org). Reads every message once; safe to run again."""
    from firstmate.services import outbox_list
    from firstmate.services.business import list_orgs

    org = named(org, "--org", "an org")
    with app_context() as app:
        if org:
            require_org(app, org)
        rewritten = sum(outbox_list.reindex(app.store, o)[0] for o in ([org] if org else list_orgs(app.store)))
    done(f"{rewritten} message(s) given their index keys; every message is listed.")


def _key(key: str) -> str:
    """A message's key as typed; an empty one is refused, saying where keys are (it was the store's
    "every key needs a non-empty pk and sk")."""
    if not key.strip():
        raise InvalidInput("KEY is empty: name a message's key", hint="'firstmate outbox list' shows them")
    return key


def _parse_status(value: str | None) -> OutboxStatus | None:
    if value is None:
        return None
    try:
        return OutboxStatus(value)
    except ValueError:
        raise InvalidInput(f"unknown status {value!r}", hint="use pending, sending, sent or dead") from None
