"""Admin pages: sign-in by link, the outbox with each message as its recipient sees it."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from firstmate.bootstrap import App
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxEntry, OutboxStatus, as_read, error_as_read, is_stale, of_use_until
from firstmate.errors import InvalidInput, NotFound
from firstmate.logs import redact_text
from firstmate.rendering import render
from firstmate.services import outbox, outbox_list
from firstmate.services.access import SESSION_TTL, admin_session_token, spend_token, verify_token
from firstmate.services.business import list_orgs
from firstmate.web.deps import ADMIN_COOKIE, AdminScope, get_app, require_admin
from firstmate.web.paging import LONGEST_PLACE, MOST_PAGE, PAGE_ROWS, CursorPager

router = APIRouter(prefix="/admin", include_in_schema=False)
AppDep = Annotated[App, Depends(get_app)]
ScopeDep = Annotated[AdminScope, Depends(require_admin)]
#: Messages queued since a list was read are counted up to this many ("more than 200").
NEWER_COUNTED = 200
#: What a search reads at most in one request (`outbox_list.SEARCH_READS`), as the page says it.
SEARCH_READS = outbox_list.SEARCH_READS


@router.get("/enter")
def enter(request: Request, app: AppDep, t: str = "") -> Response:
    """Exchange a single-use sign-in link token for a session cookie, then drop the token from the URL."""
    claims = verify_token(app.secret_key, t, typ="admin-link", now=app.clock.now())
    spend_token(app.store, claims)
    response = RedirectResponse("/admin/outbox", status_code=303)
    response.set_cookie(
        ADMIN_COOKIE,
        admin_session_token(app.secret_key, app.clock.now()),
        max_age=int(SESSION_TTL.total_seconds()),
        httponly=True,
        secure=request.url.scheme == "https" or app.settings.base_url.startswith("https://"),
        samesite="lax",
        path="/",
    )
    return response


@router.get("/outbox", response_class=HTMLResponse)
def outbox_page(
    app: AppDep, scope: ScopeDep, org: str | None = None, status: str | None = None, q: str = "",
    page: Annotated[int, Query(ge=1, le=MOST_PAGE)] = 1, upto: str = "", after: str = "", before: str = "",
    oldest: bool = False,
) -> HTMLResponse:  # fmt: skip
    """Every org's outbox for the operator, newest first, a page at a time; an org admin sees only
    their own org's. `q`: only messages whose recipients or subject hold it (any case). `after` and
    `before`: the page of messages listed after (older than) or before the one at that place, however
    many joined or left the list meanwhile (a retried message leaves "dead"); `oldest`: the last page.
    `upto`: the list as it stood when its first page was read (the time it was read), which its page
    links carry: messages queued since would push every row down a place from one page to the next
    (one seen twice, another never); they are counted above it instead, a link away. Only the page
    (and a row more) is read from the store, not every message (see `services.outbox_list`); a search
    reads no more than `SEARCH_READS` messages a request, and the page says where it stopped, with a link
    that searches on from there."""
    wanted = _status(status)
    pinned = _moment(upto) if upto else None
    visible = [scope.org] if scope.org else list_orgs(app.store)
    if org and org not in visible:
        raise NotFound(f"no org {org!r}")
    orgs = [org] if org else visible
    now = app.clock.now()  # a reminder's "in 29 min" as it was sent, or as it would be sent now
    needle = q.strip().casefold()
    matches = (lambda e: needle in " ".join([*e.message.to, e.message.subject]).casefold()) if needle else None
    read = pinned or now
    newer, unsure = 0, False  # unsure: a search stopped before it counted them all
    if pinned is not None:
        newer, unsure = outbox_list.queued_since(
            app.store, orgs, pinned, status=wanted, matches=matches, most=NEWER_COUNTED
        )
    if page > 1 and not (after or before or oldest):  # ?page=N (an address kept from before): the row it follows now
        row = outbox_list.place_of_row(
            app.store, orgs, (page - 1) * PAGE_ROWS, status=wanted, upto=read, matches=matches
        )
        if row is None:
            raise NotFound(f"no page {page}: the list is shorter", hint="open the outbox from its first page")
        after = _place(row)
    found = outbox_list.list_page(
        app.store, orgs, status=wanted, upto=read, matches=matches, after=_place_named(after),
        before=_place_named(before), oldest=oldest, limit=PAGE_ROWS,
    )  # fmt: skip
    pin = upto if pinned is not None else now.isoformat()  # the list as it stands when read, whatever the filter
    query = [(k, v) for k, v in {"org": org or "", "status": status or "", "q": q, "upto": pin}.items() if v]
    # a search that stopped reading goes on from the last message it read, not from its last match
    first = _place(found.rows[0]) if found.rows else ""
    last = _place(found.rows[-1]) if found.rows else ""
    if found.stopped_at is not None:
        first, last = (
            (_place(found.stopped_at), last) if found.stopped == "newer" else (first, _place(found.stopped_at))
        )
    pager = CursorPager(newer=found.newer, older=found.older, query=tuple(query), first=first, last=last)
    # and one withdrawn after it reached some says so, not "not sent"
    shown = [e.model_copy(update={"message": as_read(e, now), "last_error": error_as_read(e)}) for e in found.rows]
    html = render(
        "admin/outbox.html", entries=shown, pager=pager, orgs=visible, org=org, status=status or "", q=q,
        newer=newer, unsure=unsure, most=NEWER_COUNTED, searched=SEARCH_READS, stopped=found.stopped,
        read=found.read, latest="?" + urlencode([(k, v) for k, v in query if k != "upto"]),
    )  # fmt: skip
    return HTMLResponse(html)


@router.get("/outbox/{org}/{key:path}", response_class=HTMLResponse)
def message_page(app: AppDep, scope: ScopeDep, org: str, key: str) -> HTMLResponse:
    """One message: its headers, its HTML as the recipient sees it, its plain-text part. Sign-in
    links inside are masked: an admin reading a crew member's mail must not be able to use it."""
    scope.check(org)
    entry = outbox.get_entry(app.store, org, key)
    message = as_read(entry, app.clock.now())  # "in 29 min" as it was sent, or as it would be sent now
    masked = entry.model_copy(
        update={
            "message": message.model_copy(update={"text": redact_text(message.text)}),
            "last_error": error_as_read(entry),
        }
    )
    preview = redact_text(preview_html(message))
    stale = is_stale(entry, app.clock.now())  # no retry offered: it would be refused
    page = render("admin/message.html", entry=masked, preview=preview, stale=stale, of_use_until=of_use_until(entry))
    return HTMLResponse(page)


@router.post("/outbox/{org}/{key:path}/retry")
def retry(app: AppDep, scope: ScopeDep, org: str, key: str, confirm: Annotated[str, Form()] = "") -> Response:
    """Give a dead message a fresh set of attempts."""
    scope.check(org)
    outbox.retry_entry(app.store, org, key, app.clock.now())
    return RedirectResponse(f"/admin/outbox/{org}/{key}", status_code=303)


def preview_html(message: OutgoingMessage) -> str:
    """The HTML part with inline (cid:) images turned into data: URLs, for an in-page preview."""
    html = message.html or f"<pre>{_escape(message.text)}</pre>"
    for image in message.images:
        data = base64.b64encode(image.data).decode()
        html = html.replace(f"cid:{image.cid}", f"data:{image.content_type};base64,{data}")
    return html


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _place(where: OutboxEntry | outbox_list.Place) -> str:
    """Where an entry stands in the outbox list (`outbox_list.place_of`), as a page link names it: when it
    was queued (UTC, to the microsecond), its org, its key."""
    return " ".join(outbox_list.place_of(where) if isinstance(where, OutboxEntry) else where)


def _place_named(value: str) -> outbox_list.Place | None:
    """A page link's place (`_place`), checked; None for none."""
    if len(value.encode()) > LONGEST_PLACE:  # the store's own "key too long" said nothing of what to do
        raise InvalidInput(
            f"{value[:40]!r}… is no place in the outbox: it is too long", hint="open the outbox from its first page"
        )
    moment, _, rest = value.partition(" ")
    org, _, key = rest.partition(" ")
    if value and not (_PLACE.fullmatch(moment) and key):
        raise InvalidInput(f"{value!r} is no place in the outbox", hint="open the outbox from its first page")
    return (moment, org, key) if value else None


_PLACE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


def _moment(value: str) -> datetime:
    """`upto`'s time, checked: with its offset, and one UTC holds (a time of year 1 at +01:00 answered 500)."""
    try:
        moment: datetime | None = datetime.fromisoformat(value)
        if moment is not None and moment.tzinfo is not None:
            moment.astimezone(UTC)
    except (ValueError, OverflowError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput(f"upto {value!r} is no time with its offset", hint="open the outbox from its first page")
    return moment


def _status(value: str | None) -> OutboxStatus | None:
    if not value:
        return None
    try:
        return OutboxStatus(value)
    except ValueError:
        choices = ", ".join(s.value for s in OutboxStatus)
        raise InvalidInput(f"unknown status {value!r}; use one of {choices}") from None
