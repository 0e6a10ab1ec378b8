"""Which sale a refund names, and which refunds name a sale, read without reading the org's other rows.

Keys:
    ORG#<org>#DATAREFS   <hash of the reference>#<line id>   {"refund": …}   one revenue line with a reference

Each revenue line with a reference is listed under it, in the same transaction as the line: a refund under
the sale it names, a sale under the reference it is sold by. An admin's save or removal of one revenue line or
invoice then reads the refunds naming what it takes away and whether another row or a booking still answers to
it (`refunds_left`), and a refund's save whether its sale is there (`sale_named`), where both read every row of
the org and every booking's anchor. Lines stored before they were listed are listed by `list_refunds`, a page at
a time from where it last stopped, by an admin's first saves (`unlisted_after`: up to SAVE_LISTS a save) and by
the hourly `sweep` job (`list_refunds_pending`), once per org; until an org's are, a check the list leaves open
reads the lines after where the listing stopped, each once, and no other row. An org created now has none
(`services.upgrades.created_writes`). What the list says is a hint: each line it names is read, and counted only
as it is now.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from pydantic import BaseModel

from firstmate.domain.bookings import BLOCKED_SLOTS
from firstmate.domain.datafiles import BY_KIND, sale_keys
from firstmate.domain.intake import RowError
from firstmate.domain.shared import STORED
from firstmate.domain.snapshot import RevenueLine
from firstmate.ports import MAX_TRANSACTION_WRITES, Delete, Item, Put, Store, Write
from firstmate.services.paging import iter_between, iter_items
from firstmate.services.trips import booking_pk, intake_pk
from firstmate.services.upgrades import is_upgraded, mark_upgraded, upgrade_key, upgrade_pending

#: The upgrade `list_refunds` is recorded as, per org (`services.upgrades`): older revenue lines listed.
_UPGRADE = "data-refs"
#: Where that listing has got to, per org: the last line it listed (`<_AT>#<org>` under `SYSTEM#UPGRADES`).
_AT = "data-refs-at"
#: The lines a listing reads a page (their listings read in one `get_many`): a page's listings and where it got to
#: are one transaction (DynamoDB's most writes; listings are small, far under its 4 MB).
_PAGE = MAX_TRANSACTION_WRITES - 1
#: The most older revenue lines an admin's save lists (`listed`) before its check: past them, it reads every row.
SAVE_LISTS = 1000
#: Above every sort key: the end of a range that runs to the partition's end.
_TOP = "\U0010ffff"


def data_pk(org: str) -> str:
    """The partition holding an org's business data rows."""
    return f"ORG#{org}#DATA"


def refs_pk(org: str) -> str:
    """The partition listing `org`'s revenue lines by the reference they name or are sold by."""
    return f"ORG#{org}#DATAREFS"


def _hashed(reference: str) -> str:
    # a reference may be 300 characters of any script (1,200 bytes): a sort key holds 1,024
    return hashlib.sha256(reference.encode()).hexdigest()[:32]


def _entry(org: str, row: BaseModel | None) -> Item | None:
    """Where `row` is listed: a refund under the reference it names (as the check reads it, stripped), a sale
    under its reference as the reports match it (`sale_keys`); rows of other kinds, and lines without one, not."""
    if not isinstance(row, RevenueLine):
        return None
    refund = row.amount < 0
    named = row.reference.strip() if refund else row.reference
    if not named:
        return None
    return Item(refs_pk(org), f"{_hashed(named)}#{row.id}", {"refund": refund})


def ref_writes(org: str, kind: str, before: Item | None, after: BaseModel | None) -> list[Write]:
    """The writes keeping the list right as the stored `kind` row `before` (None: none) becomes `after` (None:
    removed), for the transaction writing the row; none for rows of other kinds than revenue."""
    if kind != "revenue":
        return []
    old, new = _entry(org, stored_row(kind, before)), _entry(org, after)
    writes: list[Write] = []
    if old is not None and (new is None or new.sk != old.sk):
        writes.append(Delete(old.pk, old.sk))
    if new is not None:  # written again when unchanged too: a line stored before the list was kept joins it
        writes.append(Put(new))
    return writes


def stored_row(kind: str, item: Item | None) -> BaseModel | None:
    """A stored data item as its kind's row (None for none)."""
    return None if item is None else BY_KIND[kind].model.model_validate(item.data, context=STORED)


def is_listed(store: Store, org: str) -> bool:
    """Whether every revenue line of `org` is listed (its older ones by `list_refunds`): until then, a check
    reads every row, as it did."""
    return is_upgraded(store, _UPGRADE, org)


def sale_named(
    store: Store, org: str, reference: str, *, leaving: tuple[str, str] | None = None, unlisted: str | None = None
) -> bool:
    """Whether a stored sale answers to `reference`, as a refund names it: a revenue line by its id (or a sale by
    its reference), an invoice by its id or `invoice-<id>`, a firstmate booking by its channel's id or
    `booking-<id>`. `leaving`: the row (kind, key) being removed or replaced, left out. `unlisted`: where the org's
    lines not yet listed begin (`unlisted_after`), read only when nothing else answers."""
    sales = _lines_naming(store, org, reference)[0]
    if _named_by_row(store, org, reference, leaving, sales) or _booking_named(store, org, reference):
        return True
    older = _naming(_unlisted_lines(store, org, unlisted), reference)[0] if unlisted is not None else []
    return any(leaving != ("revenue", sale.id) for sale in older)


def refunds_left(
    store: Store, org: str, kind: str, removed: str, added: BaseModel | None, why: str, *, unlisted: str | None = None
) -> list[RowError]:
    """The refunds that would name no sale once the `kind` row keyed `removed` is gone and `added` stored: those
    naming what it answered to and `added` does not, which no other stored row or booking answers to. `unlisted`:
    where the org's lines not yet listed begin (`unlisted_after`): they are read, once, only for a reference that
    the list, the rows keyed by it and the bookings leave unanswered."""
    before = stored_row(kind, store.get(data_pk(org), f"{kind}#{removed}"))
    if before is None:
        return []
    lost = sale_keys([before]) - sale_keys([] if added is None else [added])
    stored: dict[str, RevenueLine] = {}
    alone: list[RevenueLine] = []
    older: list[RevenueLine] | None = None
    for reference in sorted(lost):
        sales, refunds = _lines_naming(store, org, reference)
        answered: bool | None = None
        if unlisted is not None:  # settled by the cheap reads first: the older lines are many
            answered = _named_by_row(store, org, reference, (kind, removed), sales) or _booking_named(
                store, org, reference
            )
            if answered:
                continue
            older = _unlisted_lines(store, org, unlisted) if older is None else older
            more_sales, more_refunds = _naming(older, reference)
            answered = any(("revenue", sale.id) != (kind, removed) for sale in more_sales)
            refunds = list({r.id: r for r in [*refunds, *more_refunds]}.values())
        if kind == "revenue":
            refunds = [r for r in refunds if r.id != removed]
        itself = isinstance(added, RevenueLine) and added.amount < 0 and added.reference.strip() == reference
        if not refunds and not itself:
            continue
        if answered is None:
            answered = _named_by_row(store, org, reference, (kind, removed), sales) or _booking_named(
                store, org, reference
            )
        if answered:
            continue
        stored |= {r.id: r for r in refunds}
        if itself and isinstance(added, RevenueLine):
            alone.append(added)
    named = [stored[key] for key in sorted(stored)] + alone
    return [RowError(f"revenue row {r.id}", f"this refund names {r.reference!r}, {why}") for r in named]


def _lines_naming(store: Store, org: str, reference: str) -> tuple[list[RevenueLine], list[RevenueLine]]:
    """The stored sales sold by `reference`, and the stored refunds naming it, as listed, each read as it is now."""
    listed = list(iter_items(store, refs_pk(org), f"{_hashed(reference)}#"))
    found = store.get_many([(data_pk(org), f"revenue#{item.sk.partition('#')[2]}") for item in listed])
    return _naming([row for row in (stored_row("revenue", item) for item in found) if isinstance(row, RevenueLine)],
                   reference)  # fmt: skip


def _naming(lines: Sequence[RevenueLine], reference: str) -> tuple[list[RevenueLine], list[RevenueLine]]:
    """Of `lines`, the sales sold by `reference` and the refunds naming it."""
    sales = [line for line in lines if line.amount >= 0 and line.reference == reference]
    return sales, [line for line in lines if line.amount < 0 and line.reference.strip() == reference]


def _unlisted_lines(store: Store, org: str, after: str) -> list[RevenueLine]:
    """`org`'s revenue lines stored after `after` (the listing's cursor): those it may not have listed yet."""
    items = iter_between(store, data_pk(org), after, f"revenue#{_TOP}", page_size=500)
    rows = (stored_row("revenue", item) for item in items if item.sk != after)
    return [row for row in rows if isinstance(row, RevenueLine)]


def _named_by_row(
    store: Store, org: str, reference: str, leaving: tuple[str, str] | None, sales: Sequence[RevenueLine]
) -> bool:
    """Whether a stored revenue line or invoice other than `leaving` answers to `reference` (`sales`: the
    sales sold by it)."""
    if any(leaving != ("revenue", sale.id) for sale in sales):
        return True
    keys = [("revenue", reference), ("invoices", reference)]
    if reference.startswith("invoice-"):
        keys.append(("invoices", reference.removeprefix("invoice-")))
    keys = [key for key in keys if key != leaving]
    return any(item is not None for item in store.get_many([(data_pk(org), f"{k}#{key}") for k, key in keys]))


def _booking_named(store: Store, org: str, reference: str) -> bool:
    """Whether a firstmate booking answers to `reference`: its channel's id, or `booking-<id>` (as the
    reports hold it). Reads one anchor a channel the org has, and a booking."""
    pk = intake_pk(org)
    if reference.startswith("booking-"):
        booking_id = reference.removeprefix("booking-")
        booking = store.get(booking_pk(org, booking_id), "BOOKING")
        request = booking.data.get("request") if booking is not None else None
        if isinstance(request, dict) and request.get("source") != BLOCKED_SLOTS:
            anchor = store.get(pk, f"{request.get('source')}#{request.get('external_id')}")
            if anchor is not None and str(anchor.data.get("booking_id")) == booking_id:
                return True
    channels = [source for source in _sources(store, org) if source != BLOCKED_SLOTS]
    anchors = store.get_many([(pk, f"{source}#{reference}") for source in channels])
    return any(anchor is not None and "booking_id" in anchor.data for anchor in anchors)


def _sources(store: Store, org: str) -> list[str]:
    """The channels `org`'s intake anchors are kept under (`<source>#<its id>`), an anchor read each."""
    sources: list[str] = []
    page = store.query(intake_pk(org), limit=1)
    while page.items:
        sources.append(page.items[0].sk.partition("#")[0])
        # "$" follows "#": past every anchor of that channel, at the next channel's first
        page = store.query_between(intake_pk(org), f"{sources[-1]}$", _TOP, limit=1)
    return sources


def listed(store: Store, org: str, *, most: int = SAVE_LISTS) -> bool:
    """Whether every revenue line of `org` is listed, listing up to `most` of its older ones first when they are
    not (`unlisted_after`)."""
    return unlisted_after(store, org, most=most) is None


def unlisted_after(store: Store, org: str, *, most: int = SAVE_LISTS) -> str | None:
    """Where `org`'s revenue lines not yet listed begin (those stored after this sort key may not be), None when
    every one is; listing up to `most` of its older ones first (an admin's save does it: a new or small org is then
    listed by its first save, a large one a batch a save, going on from where the last listing stopped)."""
    return None if is_listed(store, org) else _listing(store, org, most)[1]


def list_refunds(store: Store, org: str, *, most: int | None = None) -> tuple[int, bool]:
    """List `org`'s revenue lines stored before they were listed, going on after the last line an earlier call
    listed (kept under `SYSTEM#UPGRADES`, `data-refs-at#<org>`): each call reads only lines no call went through.
    Returns how many lines it went through, and whether every one is done (False when `most` were first: call
    again). Idempotent."""
    seen, after = _listing(store, org, most)
    return seen, after is None


def relist_refunds(store: Store, org: str) -> int:
    """List every revenue line of `org` again, from the first (`firstmate data relist`, once an older firstmate
    that wrote lines without listing them stops: during a rolling deploy, after the listing went past them).
    Returns how many lines it went through. Reads each once; idempotent."""
    return _listing(store, org, None, from_first=True)[0]


def _listing(store: Store, org: str, most: int | None, *, from_first: bool = False) -> tuple[int, str | None]:
    """`list_refunds`, saying where the lines it did not list begin (None: every one is listed); `from_first`: from
    the org's first line, not from where the last listing stopped."""
    cursor = upgrade_key(_AT, org)
    kept = None if from_first else store.get(*cursor)
    # from the last line listed (read again, and passed over) to the partition's last revenue line
    start = str(kept.data["after"]) if kept is not None else "revenue#"
    seen, page_cursor, reached = 0, None, start
    while most is None or seen < most:
        room = _PAGE if most is None else min(_PAGE, most - seen)
        again = kept is not None and page_cursor is None
        # `room` even with the line it starts at: that line may be gone (removed since), and a page of `room` + 1 new
        # lines with where it got to is more writes than a transaction takes
        page = store.query_between(data_pk(org), start, f"revenue#{_TOP}", limit=room, cursor=page_cursor)
        lines = [item for item in page.items if not (again and item.sk == start)]
        if lines:
            entries = [entry for entry in (_entry(org, stored_row("revenue", line)) for line in lines) if entry]
            made = store.get_many([(entry.pk, entry.sk) for entry in entries]) if entries else []
            missing = [Put(entry) for entry, found in zip(entries, made, strict=True) if found is None]
            # with how far they reach: a listing stopped before this goes on from the page's first line again
            store.transact([*missing, Put(Item(*cursor, {"org": org, "after": lines[-1].sk}))])
            seen, reached = seen + len(lines), lines[-1].sk
        if page.cursor is None:
            mark_upgraded(store, _UPGRADE, org)
            if kept is not None or seen or from_first:
                store.transact([Delete(*cursor)])  # done: the record says so, and no listing reads it again
            return seen, None
        page_cursor = page.cursor
    return seen, reached


def list_refunds_pending(store: Store, orgs: Sequence[str], *, most: int = 5000) -> str:
    """`list_refunds` the orgs not done yet, at most `most` lines a run (the hourly `sweep` job calls it). Says what
    it did."""
    listed, left = upgrade_pending(store, orgs, _UPGRADE, lambda org, n: list_refunds(store, org, most=n), most=most)
    if not listed and not left:
        return ""
    return f"{listed} revenue lines listed by their sale" + (f"; more next run ({left})" if left else "")
