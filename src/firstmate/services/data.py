"""The business data behind the role reports: import a checked data folder, edit single rows, read.

Keys:
    ORG#<org>#DATA   <kind>#<row key>   one row (an expense, an invoice, business.yaml's figures…)
    ORG#<org>#DATAREFS                  revenue lines by the reference they name (`data_refs`), kept with them

An import writes only what changed, so importing the same folder twice changes nothing; a file
replaces every row of its kind (rows no longer in the file are removed).
"""

from __future__ import annotations

from calendar import monthrange
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from firstmate.domain.bookings import BLOCKED_SLOTS
from firstmate.domain.business import AssetKind, EntityKind
from firstmate.domain.datafiles import BY_FILE, BY_KIND, DataSet, RawRow, check_rows, sale_keys
from firstmate.domain.intake import RowError
from firstmate.domain.shared import STORED, Money
from firstmate.domain.snapshot import Finance, RevenueLine, Row
from firstmate.errors import ConditionFailed, Conflict, DataRejected, InvalidInput, NotFound
from firstmate.ports import MAX_TRANSACTION_WRITES, Absent, Clock, Delete, Item, Put, Store, VersionIs, Write
from firstmate.services.business import load_business
from firstmate.services.data_refs import SAVE_LISTS, ref_writes, refunds_left, sale_named, unlisted_after
from firstmate.services.data_refs import data_pk as data_pk
from firstmate.services.paging import all_items
from firstmate.services.trips import booking_pk, intake_pk


def org_currency(store: Store, org: str) -> str:
    """The currency `org` keeps its money in: business.yaml's, else the one most of its bookings are in (a
    business without a data folder), else USD. What its figures are shown in when their source does not say."""
    stored = store.get(data_pk(org), "finance#business")
    if stored is not None and stored.data.get("currency"):
        return str(stored.data["currency"])
    ids = [str(i) for i in (anchor.data.get("booking_id") for anchor in all_items(store, intake_pk(org))) if i]
    bookings = store.get_many([(booking_pk(org, i), "BOOKING") for i in ids]) if ids else []
    held = Counter(str(item.data["request"]["currency"]) for item in bookings if item is not None)
    return held.most_common(1)[0][0] if held else "USD"


@dataclass(frozen=True)
class DataImport:
    """What an import did, per kind: {"invoices": {"created": 3, "unchanged": 9, …}}."""

    changes: dict[str, dict[str, int]] = field(default_factory=dict)
    #: the writes it makes (or would make): each conditional on the row as it was read
    writes: list[Write] = field(default_factory=list, repr=False)
    #: each of `writes`' listing of its row by reference (`data_refs`), made in the same transaction as it
    listings: list[list[Write]] = field(default_factory=list, repr=False)
    #: the version of every stored row of its kinds as read, by data key ("invoices#INV-2001"), and where they are
    read: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)
    pk: str = ""

    def total(self, what: str) -> int:
        """All kinds' count of `what` (created, updated, removed, unchanged)."""
        return sum(c.get(what, 0) for c in self.changes.values())

    def removals(self) -> dict[str, int]:
        """How many stored rows of each kind it removes (kinds removing none left out)."""
        return {kind: c["removed"] for kind, c in self.changes.items() if c.get("removed")}


def check_data(
    store: Store, org: str, raw: dict[str, list[RawRow]], *, clock: Clock, whole_files: bool = True
) -> DataSet:
    """Check raw rows against the org's business lines and assets; raise DataRejected with every problem.
    `clock`: what today is (in the org's zone), which a day recording what happened may not be after.
    `whole_files`: the files replace what is stored of their kinds (an import), so a refund may not
    name a stored sale the import removes; without it (an admin's edit of one row) the stored rows stay."""
    profile = load_business(store, org)
    if profile is None:
        raise NotFound(f"no org {org!r}", hint="load the business profile first, e.g. with 'firstmate demo'")
    zone = profile.org.timezone
    today = clock.now().astimezone(ZoneInfo(zone)).date()
    replaced = {BY_FILE[name].kind for name in raw if name in BY_FILE} if whole_files else set()
    elsewhere = _StoredSales(store, org, frozenset(replaced))
    stored = store.get(data_pk(org), "finance#business")
    currency = str(stored.data.get("currency") or "USD") if stored is not None else "USD"
    checked = check_rows(
        raw,
        [e.id for e in profile.entities],
        [a.id for a in profile.assets],
        sale_elsewhere=elsewhere.has,
        currency=currency,
        today=today,
        zone=zone,
    )
    if isinstance(checked, list):
        raise DataRejected(checked)
    relabelled = _currency_relabels(store, org, checked, currency, replaced)
    if relabelled:
        raise DataRejected(relabelled)
    orphaned = _stored_refunds_orphaned(store, org, checked, replaced)
    if orphaned:
        raise DataRejected(orphaned)
    return checked


def _currency_relabels(store: Store, org: str, data: DataSet, was: str, replaced: set[str]) -> list[RowError]:
    """A business.yaml changing the currency while stored rows that stay (of kinds these files do not replace) hold
    amounts in the old one: every report would show them, and add them, as the new currency's (dollars read as
    euros). Refused, saying which rows and what to do; nothing is stored. A row naming its own currency (an AWS
    bill's rows in infrastructure.yaml, in USD) keeps it."""
    finance = data.rows.get("finance", {}).get("business")
    if not isinstance(finance, Finance) or finance.currency == was:
        return []
    kept: Counter[str] = Counter()
    for kind, rows in load_data(store, org).items():
        if kind == "finance" or kind in replaced:
            continue
        for row in rows:
            if isinstance(row, Row) and not getattr(row, "currency", "") and any(a for _, a in row.amounts()):
                kept[BY_KIND[kind].file] += 1
    if not kept:
        return []
    files = ", ".join(f"{n} in {file}" for file, n in sorted(kept.items()))
    held = "1 stored row holds" if sum(kept.values()) == 1 else f"{sum(kept.values())} stored rows hold"
    said = (
        f"changes the currency from {was} to {finance.currency}, while {held} amounts in {was} ({files}), "
        f"which the reports would show as {finance.currency}: import them again with their "
        f"amounts in {finance.currency}, in the same folder as business.yaml, or keep currency: {was}"
    )
    return [RowError("business.yaml, field currency", said)]


def _stored_refunds_orphaned(store: Store, org: str, data: DataSet, replaced: set[str]) -> list[RowError]:
    """Stored refunds (revenue.csv not imported) whose sale the import removes: invoices.csv alone,
    its INV-1 corrected to INV-001, left refund R-1 naming no sale, while the admin form refused it."""
    if "revenue" in replaced or "invoices" not in replaced:
        return []
    stored = load_data(store, org)
    after = {**stored, "invoices": list(data.rows.get("invoices", {}).values())}
    why = "which this import removes: keep it in invoices.csv, or change the refund first"
    return _orphans(store, org, stored, after, why)


@dataclass
class _StoredSales:
    """The sales a refund may name beyond the rows being checked: stored revenue lines and invoices
    (an admin's edit checks one row), and firstmate's bookings (by external id or `booking-<id>`, as
    the reports hold them). Read once, when a refund first needs it; for an edit, once the org's revenue lines
    are listed by reference (`data_refs`, listed by the first saves), only the rows and bookings that answer to it, and
    the lines not yet listed when those do not."""

    store: Store
    org: str
    replaced: frozenset[str] = frozenset()  # kinds whose stored rows the checked files replace
    _keys: set[str] | None = None
    _unlisted: tuple[str | None] | None = None  # for an edit: where the lines not yet listed begin, once listed

    def has(self, reference: str) -> bool:
        """Whether a stored sale has this reference or id."""
        if not self.replaced:
            if self._unlisted is None:
                self._unlisted = (unlisted_after(self.store, self.org),)
            return sale_named(self.store, self.org, reference, unlisted=self._unlisted[0])
        if self._keys is None:
            stored = load_data(self.store, self.org)
            kept = {kind: [] if kind in self.replaced else rows for kind, rows in stored.items()}
            self._keys = _sales_of(self.store, self.org, kept)
        return reference in self._keys


def _sales_of(store: Store, org: str, rows: dict[str, list[BaseModel]]) -> set[str]:
    """What a refund may name: these revenue lines and invoices, and firstmate's bookings."""
    keys = sale_keys([*rows["revenue"], *rows["invoices"]])
    for anchor in all_items(store, intake_pk(org), page_size=500):
        source, _, external_id = anchor.sk.partition("#")
        if source != BLOCKED_SLOTS and "booking_id" in anchor.data:
            keys |= {external_id, f"booking-{anchor.data['booking_id']}"}
    return keys


def _refunds_left_without_sale(
    store: Store, org: str, kind: str, removed: str, added: BaseModel | None = None, *, lists: int = SAVE_LISTS
) -> list[RowError]:
    """The stored refunds that would name no sale once the `kind` row keyed `removed` is gone (and
    `added` is stored): an admin's edit or removal of a sale left its refund undoing nothing. `lists`: the most
    older revenue lines it lists first (`unlisted_after`); those still not listed are read when the check needs."""
    if kind not in ("revenue", "invoices"):
        return []
    why = "which would then be no sale: change or remove the refund first"
    return refunds_left(store, org, kind, removed, added, why, unlisted=unlisted_after(store, org, most=lists))


def _orphans(
    store: Store, org: str, before: dict[str, list[BaseModel]], after: dict[str, list[BaseModel]], why: str
) -> list[RowError]:
    """The refunds of `after` naming a sale `before` has and `after` has not (this change's doing:
    one that named nothing before is left as it was)."""
    had, has = _sales_of(store, org, before), _sales_of(store, org, after)
    refunds = [r for r in after["revenue"] if isinstance(r, RevenueLine) and r.amount < 0 and r.reference.strip()]
    return [
        RowError(f"revenue row {refund.id}", f"this refund names {refund.reference!r}, {why}")
        for refund in refunds
        if refund.reference.strip() in had and refund.reference.strip() not in has
    ]


def import_data(
    store: Store, org: str, data: DataSet, progress: Callable[[int], None] | None = None, *, dry_run: bool = False
) -> DataImport:
    """Write a checked data set: new rows created, changed ones updated, rows gone from a file removed,
    the rest untouched. Writes go in transactions of at most MAX_TRANSACTION_WRITES. With `dry_run`,
    only count what it would do (and hold the writes, for `apply_import`)."""
    changes: dict[str, dict[str, int]] = {}
    writes: list[Write] = []
    listings: list[list[Write]] = []
    read: dict[str, dict[str, int]] = {}
    for kind, rows in data.rows.items():
        current = {item.sk: item for item in all_items(store, data_pk(org), f"{kind}#")}
        read[kind] = {sk: item.version for sk, item in current.items()}
        counts = {"created": 0, "updated": 0, "removed": 0, "unchanged": 0}
        for key, row in rows.items():
            item = Item(data_pk(org), f"{kind}#{key}", row.model_dump(mode="json"))
            existing = current.pop(item.sk, None)
            if existing is None:
                writes.append(Put(item, Absent()))
                listings.append(ref_writes(org, kind, None, row))
                counts["created"] += 1
            elif dict(existing.data) != dict(item.data):
                writes.append(Put(item, VersionIs(existing.version)))
                listings.append(ref_writes(org, kind, existing, row))
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        for gone in current.values():
            writes.append(Delete(gone.pk, gone.sk, VersionIs(gone.version)))
            listings.append(ref_writes(org, kind, gone, None))
            counts["removed"] += 1
        changes[kind] = counts
    planned = DataImport(changes, writes, listings, read, data_pk(org))
    return planned if dry_run else apply_import(store, planned, progress)


def apply_import(store: Store, planned: DataImport, progress: Callable[[int], None] | None = None) -> DataImport:
    """Make the writes of an import planned by `import_data(..., dry_run=True)` (and confirmed by whoever
    was shown its removals), in transactions of at most MAX_TRANSACTION_WRITES.

    A stored row of the import's kinds changed, added or removed since the plan was read (an admin's edit while
    the removals were asked about) is Conflict before anything is written: the plan's first transactions went in
    and the one holding that row failed, leaving half an import (expenses gone, revenue not yet). A row changed
    while the writes go is Conflict too, saying how many changes were made and that running the import again
    makes the rest."""
    for kind, versions in planned.read.items():
        now = {item.sk: item.version for item in all_items(store, planned.pk, f"{kind}#")}
        if now != versions:
            changed = min(set(now.items()) ^ set(versions.items()))[0]
            raise Conflict(
                f"nothing was imported: {kind} row {changed.partition('#')[2]!r} changed since the import read it",
                hint="run the import again: it compares with the rows as they are now",
            )
    made = 0
    for rows, batch in _batches(planned):
        try:
            store.transact(batch)
        except ConditionFailed as exc:
            write = batch[exc.index] if exc.index is not None and exc.index < len(batch) else rows[0]
            kind, _, key = (write.item.sk if isinstance(write, Put) else write.sk).partition("#")
            raise Conflict(
                f"the import stopped after {made:,} of {len(planned.writes):,} change(s): {kind} row {key!r} "
                "changed while it ran",
                hint="run the import again: it makes the rest, compared with the rows as they are now",
            ) from None
        made += len(rows)
        if progress is not None:
            progress(len(rows))
    return planned


def _batches(planned: DataImport) -> list[tuple[list[Write], list[Write]]]:
    """The import's row writes in transactions of at most MAX_TRANSACTION_WRITES, each with its rows' listings
    (`data_refs`): a row written without its listing was a refund its sale's removal would not find. Each
    transaction's row writes, and all its writes (those first)."""
    listings = planned.listings or [[] for _ in planned.writes]  # a plan without them lists nothing
    batches: list[tuple[list[Write], list[Write]]] = []
    rows: list[Write] = []
    listed: list[Write] = []
    for write, listing in zip(planned.writes, listings, strict=True):
        if len(rows) + len(listed) + 1 + len(listing) > MAX_TRANSACTION_WRITES:
            batches.append((rows, rows + listed))
            rows, listed = [], []
        rows.append(write)
        listed += listing
    if rows:
        batches.append((rows, rows + listed))
    return batches


def save_row(
    store: Store, org: str, kind: str, values: dict[str, Any], *, clock: Clock, replacing: str | None = None
) -> str:
    """Create or replace one row (an admin edit), checked exactly as an import row is. Returns its key.

    `replacing`: the key of the row being edited. When the edit changes its key (a corrected id,
    month or channel), that row is replaced, in the same write: kept, the invoice was owed twice.
    A row added, or a key changed, onto a row that is there is refused (DataRejected), never
    overwritten (a paid invoice took an unpaid one's values)."""
    spec = BY_KIND.get(kind)
    if spec is None:
        raise NotFound(f"no data kind {kind!r}", hint=f"the kinds are: {', '.join(BY_KIND)}")
    clean = {k: v for k, v in values.items() if not (isinstance(v, str) and not v.strip())}
    data = check_data(store, org, {spec.file: [RawRow(spec.file, 1, None, clean)]}, clock=clock, whole_files=False)
    ((key, row),) = data.rows[kind].items()
    # a refund's check (the sale it names) listed a save's worth of older lines already: not a second
    lists = 0 if isinstance(row, RevenueLine) and row.amount < 0 else SAVE_LISTS
    orphaned = []
    if replacing is not None:
        orphaned = _refunds_left_without_sale(store, org, kind, replacing, row, lists=lists)
    if orphaned:
        raise DataRejected(orphaned)
    current = store.get(data_pk(org), f"{kind}#{key}")
    if current is not None and key != replacing:
        said = f"another row is {key!r} already: change that one, or remove it first"
        raise DataRejected([RowError(f"{spec.file} row 1, key", said)])
    old = store.get(data_pk(org), f"{kind}#{replacing}") if replacing not in (None, key) else None
    condition = Absent() if current is None else VersionIs(current.version)
    writes: list[Write] = [Put(Item(data_pk(org), f"{kind}#{key}", row.model_dump(mode="json")), condition)]
    writes += ref_writes(org, kind, current, row)
    if old is not None:
        writes += [Delete(old.pk, old.sk, VersionIs(old.version)), *ref_writes(org, kind, old, None)]
    store.transact(writes)
    return key


def delete_row(store: Store, org: str, kind: str, key: str) -> None:
    """Remove one row; NotFound if it is not there, DataRejected if a stored refund names it (the
    refund would then undo no sale)."""
    current = store.get(data_pk(org), f"{kind}#{key}")
    if current is None:
        raise NotFound(f"no {kind} row {key!r}")
    orphaned = _refunds_left_without_sale(store, org, kind, key)
    if orphaned:
        raise DataRejected(orphaned)
    store.transact([Delete(current.pk, current.sk, VersionIs(current.version)), *ref_writes(org, kind, current, None)])


def load_data(store: Store, org: str) -> dict[str, list[BaseModel]]:
    """Every stored row by kind (kinds never imported are empty lists), in key order."""
    loaded: dict[str, list[BaseModel]] = {kind: [] for kind in BY_KIND}
    for item in all_items(store, data_pk(org), page_size=500):
        kind = item.sk.partition("#")[0]
        spec = BY_KIND.get(kind)
        if spec is not None:
            loaded[kind].append(spec.model.model_validate(item.data, context=STORED))
    return loaded


def has_data(store: Store, org: str) -> bool:
    """Whether any business data row is stored for `org`."""
    return bool(store.query(data_pk(org), "", limit=1).items)


def data_rows(store: Store, org: str, kind: str) -> list[tuple[str, BaseModel]]:
    """One kind's rows with their keys (for the admin pages)."""
    spec = BY_KIND.get(kind)
    if spec is None:
        raise NotFound(f"no data kind {kind!r}", hint=f"the kinds are: {', '.join(BY_KIND)}")
    return [
        (item.sk.partition("#")[2], spec.model.model_validate(item.data, context=STORED))
        for item in all_items(store, data_pk(org), f"{kind}#", page_size=500)
    ]


def template_context(store: Store, org: str, today: date, folder: str) -> dict[str, Any]:
    """What the starter data set is filled with: this org's own ids (so it imports as written), dates around
    `today`, and example amounts written to the decimal places of the org's currency (`money("612.40")`
    is "612" for yen, "612.400" for a dinar)."""
    profile = load_business(store, org)
    if profile is None:
        raise NotFound(f"no org {org!r}", hint="load the business profile first, e.g. with 'firstmate demo'")
    if not profile.entities or not profile.assets:
        raise InvalidInput(f"org {org!r} needs at least one business line and one asset before it has data")

    def entity(kind: EntityKind) -> str:
        return next((e.id for e in profile.entities if e.kind is kind), profile.entities[0].id)

    def asset(kind: AssetKind) -> str:
        return next((a.id for a in profile.assets if a.kind is kind), profile.assets[0].id)

    def month(offset: int) -> str:
        index = today.year * 12 + today.month - 1 + offset
        return f"{index // 12:04d}-{index % 12 + 1:02d}"

    def nights(offset: int) -> int:  # the nights in that month: a property let every night of it
        year, number = map(int, month(offset).split("-"))
        return monthrange(year, number)[1]

    currency = org_currency(store, org)

    def money(amount: str) -> str:  # "42000.00" in a yen business's business.yaml: no amount of yen has cents
        return str(Money(Decimal(amount), currency).quantized().amount)

    return {
        "org": org, "org_name": profile.org.name, "folder": folder,
        "entities": [e.id for e in profile.entities], "assets": [a.id for a in profile.assets],
        "charter": entity(EntityKind.CHARTER), "junk": entity(EntityKind.JUNK_REMOVAL),
        "consulting": entity(EntityKind.CONSULTING), "delivery": entity(EntityKind.DELIVERY),
        "boat": asset(AssetKind.BOAT), "property": asset(AssetKind.PROPERTY),
        "d": lambda days: (today + timedelta(days=days)).isoformat(), "m": month, "nights": nights,
        "currency": currency, "money": money,  # business.yaml's: the org's own, not always USD
    }  # fmt: skip
