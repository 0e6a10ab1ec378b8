"""The data folder: which file holds which rows, how each row is checked, and the key that makes an
import idempotent. Parsing text (CSV, YAML) is the adapter's job; this module checks what it read.

A file replaces all rows of its kind; kinds without a file keep what they had.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from firstmate.domain.currencies import in_units_of, places_problem
from firstmate.domain.datafile_words import data_problem_words
from firstmate.domain.intake import RowError
from firstmate.domain.redaction import redact_config
from firstmate.domain.snapshot import (
    MOST_MONEY,
    ChannelListing,
    Delivery,
    Expense,
    Finance,
    InfraService,
    Invoice,
    Maintenance,
    Occupancy,
    Payout,
    RevenueLine,
    Row,
)


@dataclass(frozen=True)
class DataKind:
    """One kind of row: its file, its model and the key that identifies a row."""

    kind: str
    file: str
    model: type[BaseModel]
    key: Callable[[Any], str]
    entity_fields: tuple[str, ...] = ()
    asset_fields: tuple[str, ...] = ()
    about: str = ""


KINDS: tuple[DataKind, ...] = (
    DataKind("revenue", "revenue.csv", RevenueLine, lambda r: r.id, ("entity",), ("asset",),
             "Money earned outside firstmate's own bookings: jobs, marketplace bookings, other income."),
    DataKind("expenses", "expenses.csv", Expense, lambda r: r.id, ("entity",), ("asset",),
             "Costs by month, vendor and category (empty category = not yet categorised)."),
    DataKind("invoices", "invoices.csv", Invoice, lambda r: r.id, ("entity",), (),
             "Invoices to clients: issued, due, paid."),
    DataKind("payouts", "payouts.csv", Payout, lambda r: r.id, (), (),
             "Marketplace payouts, matched to bookings by reference."),
    DataKind("occupancy", "occupancy.csv", Occupancy, lambda r: f"{r.asset}#{r.month.isoformat()}", (), ("asset",),
             "Rental nights available and booked per month."),
    DataKind("maintenance", "maintenance.csv", Maintenance, lambda r: r.id, (), ("asset",),
             "Work on assets, done or scheduled."),
    DataKind("deliveries", "deliveries.csv", Delivery, lambda r: r.id, ("entity",), (),
             "Jobs delivered to clients: promised vs delivered, billed vs collected."),
    DataKind("listings", "channels.csv", ChannelListing, lambda r: f"{r.entity}#{r.channel.lower()}", ("entity",), (),
             "Which marketplace or directory lists each business line."),
    DataKind("infrastructure", "infrastructure.yaml", InfraService, lambda r: r.id, ("used_by",), ("used_by",),
             "Services, domains and subscriptions the businesses run on."),
    DataKind("finance", "business.yaml", Finance, lambda r: "business", (), (),
             "Cash, fixed costs, goals, capital options, email lists, SEO, UX debt, engineering."),
)  # fmt: skip
BY_FILE = {k.file: k for k in KINDS}
BY_KIND = {k.kind: k for k in KINDS}


@dataclass(frozen=True)
class RawRow:
    """A row as the adapter read it, with where it came from."""

    file: str
    row: int  # 1-based data row (or list item) number
    line: int | None  # line in the file, when known
    values: dict[str, Any]

    def where(self, field_path: str = "") -> str:
        """ "invoices.csv row 3 (line 4), field due" (YAML files: "infrastructure.yaml item 2, field tls")."""
        if self.file.endswith(".yaml"):
            at = self.file if self.file == "business.yaml" else f"{self.file} item {self.row}"
        else:
            at = f"{self.file} row {self.row}" + (f" (line {self.line})" if self.line else "")
        return at + (f", field {field_path}" if field_path else "")


@dataclass
class DataSet:
    """Checked rows by kind, each with its key; only the kinds whose file was present."""

    rows: dict[str, dict[str, BaseModel]] = field(default_factory=dict)

    def count(self) -> int:
        """How many rows in all."""
        return sum(len(r) for r in self.rows.values())


def check_rows(
    raw: dict[str, list[RawRow]],
    entities: Iterable[str],
    assets: Iterable[str],
    *,
    sale_elsewhere: Callable[[str], bool] | None = None,
    currency: str = "USD",
    today: date | None = None,
    zone: str = "UTC",
) -> DataSet | list[RowError]:
    """Validate every row of every file: types, ranges, known entities and assets, no duplicate keys,
    a refund's sale, a delivery's days billed and collected (and an amount billed, or collected, on its day), and
    every amount of money in the decimal places of the currency (business.yaml's of these files, else `currency`, the
    stored one). Returns the data set, or every problem found (file, row and field named in each). `sale_elsewhere`:
    whether a sale these files do not hold has that reference or id (a stored row, a firstmate booking); without it,
    only these files' sales are known.
    `today`: the day it is in the business's `zone`, which a day that records what happened (a delivery's, a
    payment's paid_on, a revenue line's recorded_on, the cash's as_of) may not be after (None: not checked, for a
    caller without a clock)."""
    entity_ids, asset_ids = set(entities), set(assets)
    errors: list[RowError] = []
    data = DataSet()
    refunds: list[tuple[RawRow, RevenueLine]] = []
    taken: list[tuple[RawRow, Row]] = []
    for file, rows in sorted(raw.items()):
        spec = BY_FILE.get(file)
        if spec is None:
            known = ", ".join(k.file for k in KINDS)
            errors.append(RowError(file, f"is not a data file firstmate reads; the files are: {known}"))
            continue
        checked: dict[str, BaseModel] = {}
        for row in rows:
            model = _validate(spec, row, errors)
            if model is None:
                continue
            errors += _references(spec, row, model, entity_ids, asset_ids) + _refund_without_its_sale(row, model)
            errors += _days_to_come(row, model, today, zone)
            if isinstance(model, Delivery):
                errors += _billing_days(row, model)
            if isinstance(model, Row):
                taken.append((row, model))
            if isinstance(model, RevenueLine) and model.amount < 0 and model.reference.strip():
                refunds.append((row, model))
            key = spec.key(model)
            if not key.strip("."):  # "." and ".." are a path's own steps: the admin page could not address it
                errors.append(
                    RowError(row.where(), f"its key {key!r} is only dots: give it a name with a letter or digit")
                )
                continue
            if not key.isprintable() and any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in key):
                # a line break (a quoted CSV cell over two lines): the admin page's remove button could not name it
                errors.append(RowError(row.where(), f"its key {key!r} holds a line break or control character"))
                continue
            if key in checked:
                errors.append(RowError(row.where(), f"repeats {key!r}, already given on an earlier row"))
            checked[key] = model
        data.rows[spec.kind] = checked
    errors += _refunds_of_no_sale(refunds, data, sale_elsewhere)
    if "business.yaml" not in raw or data.rows.get("finance"):  # a business.yaml refused says so itself
        finance = data.rows.get("finance", {}).get("business")
        errors += _past_minor_units(taken, finance.currency if isinstance(finance, Finance) else currency)
    return errors or data


def _past_minor_units(rows: list[tuple[RawRow, Row]], currency: str) -> list[RowError]:
    """Amounts of money with more decimal places than the reports' currency has, or past its bound (`_past_most`).
    Revenue took four in every currency (for BHD's three), so "12.345" dollars and "12000.50" yen went in, shown
    "$12" and "12,001 JPY"; the other files took two in every currency: a dinar's 12.345 was refused, and yen with
    sen were taken."""
    errors = []
    for row, model in rows:
        own = getattr(model, "currency", None) if not isinstance(model, Finance) else None  # an AWS bill's USD
        for path, amount in model.amounts():
            problem = places_problem(
                amount, own or currency, " (its currency)" if own else " (business.yaml's currency)"
            ) or _past_most(amount, own or currency, row.values.get(path))
            if problem is not None:
                errors.append(RowError(row.where(path), problem))
    return errors


def _past_most(amount: Decimal, currency: str, written: object) -> str | None:
    """What is wrong with `amount` past a billion dollars' worth of `currency` (`MOST_MONEY`, scaled as severity is:
    Rp 10,000,000,000,000), said as a bound is (`problem_words`), the amount as `written` in the file; else None."""
    most = in_units_of(MOST_MONEY, currency)
    said = repr(written) if isinstance(written, str) else f"{amount:f}"
    if amount > most:
        return f"{said} is above {most}: write {most} or less"
    return f"{said} is below {-most}: write {-most} or more" if amount < -most else None


def sale_keys(rows: Iterable[object]) -> set[str]:
    """What a refund may name its sale by, as the reports match them (`units_sold`): of revenue
    lines, a sale's reference or any line's id; of invoices, the id, or the id of the line the reports
    make of it (`invoice-<id>`). Rows of other kinds name no sale."""
    keys = set()
    for row in rows:
        if isinstance(row, RevenueLine):
            keys.add(row.id)
            if row.amount >= 0 and row.reference:
                keys.add(row.reference)
        elif isinstance(row, Invoice):
            keys |= {row.id, f"invoice-{row.id}"}
    return keys


def _refunds_of_no_sale(
    refunds: list[tuple[RawRow, RevenueLine]], data: DataSet, sale_elsewhere: Callable[[str], bool] | None
) -> list[RowError]:
    """A refund naming a sale nobody has (a typo in its reference) undid nothing: the sale stayed
    counted as sold, and the refund was counted as a sale's worth of lost revenue on its own."""
    if not refunds:
        return []
    known = sale_keys([*data.rows.get("revenue", {}).values(), *data.rows.get("invoices", {}).values()])
    errors = []
    for row, refund in refunds:
        reference = refund.reference.strip()
        if reference in known or (sale_elsewhere is not None and sale_elsewhere(reference)):
            continue
        said = (
            f"the refund names {reference!r}, and no sale has that reference or id (no revenue line, "
            "invoice or firstmate booking): give the reference of the sale it refunds, or that sale's id"
        )
        errors.append(RowError(row.where("reference"), said))
    return errors


def _validate(spec: DataKind, row: RawRow, errors: list[RowError]) -> BaseModel | None:
    values = dict(row.values)
    if spec.kind == "infrastructure" and isinstance(values.get("config"), dict):
        # secret values are dropped here, before anything is stored: only names and set/missing remain
        values["config"] = [entry.model_dump() for entry in redact_config(values["config"])]
    if spec.kind == "infrastructure" and isinstance(values.get("used_by"), str):
        values["used_by"] = [part.strip() for part in values["used_by"].split(",") if part.strip()]
    try:
        model = spec.model.model_validate(values)
    except ValidationError as exc:
        for problem in exc.errors(include_url=False):
            path = ".".join(str(p) for p in problem["loc"])
            message = data_problem_words(problem, spec.model, csv=row.file.endswith(".csv"))
            errors.append(RowError(row.where(path), message))
        return None
    plain = {name: _plain(value) for name, value in model if isinstance(value, Decimal) and _plain(value) is not value}
    return model.model_copy(update=plain) if plain else model


def _plain(amount: Decimal) -> Decimal:
    """An amount as a plain number, as it comes in: "1e3" kept as Decimal('1E+3') read "1E+3" on the admin
    pages (its table and its edit form), "0e3" "0E+3", and "-0.00" a negative zero; any other is kept as
    written."""
    if amount.is_zero() and amount.is_signed():
        amount = abs(amount)
    exponent = amount.as_tuple().exponent
    return amount.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else amount


def _refund_without_its_sale(row: RawRow, model: BaseModel) -> list[RowError]:
    """A refund (a negative revenue line) names the sale it refunds: without it the reports cannot
    tell which sale it undoes, and went on counting that sale as sold. Checked as rows come in, not
    when stored rows are read: a report never fails on what an earlier version let in."""
    if isinstance(model, RevenueLine) and model.amount < 0 and not model.reference.strip():
        says = "a refund (a negative amount) needs the reference of the sale it refunds, or that sale's id"
        return [RowError(row.where("reference"), f"{says}, so that the sale is no longer counted as sold")]
    return []


#: What each day that records what happened records, by kind of row, and what to do until then: said when the day
#: is after today.
_HAPPENED: dict[type[BaseModel], dict[str, tuple[str, str]]] = {
    Delivery: {
        "delivered": ("the day the job was delivered", "leave it empty until it is delivered"),
        "billed_on": ("the day the job was billed", "leave it empty until it is billed"),
        "collected_on": ("the day the last of it was paid", "leave it empty until it is paid"),
    },
    Invoice: {"paid_on": ("the day the client paid", "leave paid_on and paid_amount empty until it is paid")},
    Payout: {"paid_on": ("the day the marketplace paid out", "leave the row out until it is paid out")},
    RevenueLine: {"recorded_on": ("the day the books show it", "leave the line out until it is recorded")},
    Finance: {"cash.as_of": ("the day the bank held that balance", "give the balance of today or an earlier day")},
}


def _days_to_come(row: RawRow, model: BaseModel, today: date | None, zone: str) -> list[RowError]:
    """A day recording what happened (a delivery's delivered, billed_on and collected_on; an invoice's or a payout's
    paid_on; a revenue line's recorded_on; business.yaml's cash.as_of) after today is a typo (2062 for 2026): the job
    read as unbilled, or unpaid, in every report until then (a delivered one: done, and never overdue), an invoice as
    unpaid (chased as overdue), a payout as not come, a revenue line as not in the books and the cash as unknown
    (the CFO's runway). Each refused, naming the day, today and what to write instead."""
    if today is None:
        return []
    errors = []
    for name, (what, instead) in _HAPPENED.get(type(model), {}).items():
        day: Any = model
        for step in name.split("."):  # "cash.as_of": a business.yaml without its cash has no day to check
            day = getattr(day, step, None)
        if day is not None and day > today:
            said = (
                f"{day} is after today ({today} in {zone}): {name} is {what}, which has happened; correct the date "
                f"(a year mistyped?), or {instead}"
            )
            errors.append(RowError(row.where(name), said))
    return errors


def _billing_days(row: RawRow, delivery: Delivery) -> list[RowError]:
    """A delivery's billed_on, collected_on, billed and collected agree: a collected_on before its billed_on was taken
    as written; a collected_on without a billed_on read the job as billed in every past day's report, before it was
    paid; a billed_on with nothing billed said the job was billed for nothing, and a collected_on with nothing
    collected that it was paid nothing. Each refused, saying what to write."""
    errors = []
    billed, collected = delivery.billed_on, delivery.collected_on
    if billed is not None and collected is not None and collected < billed:
        said = f"{collected} is before billed_on {billed}: a job is paid once it is billed; correct whichever date"
        errors.append(RowError(row.where("collected_on"), f"{said} is wrong"))
    if billed is None and collected is not None:
        said = (
            f"is empty while collected_on is {collected}: a job is paid once it is billed; write the day it was "
            "billed, or leave collected_on empty too"
        )
        errors.append(RowError(row.where("billed_on"), said))
    if billed is not None and delivery.billed == 0:
        said = f"is {_written(row, 'billed')} while billed_on is {billed}: write the amount billed, or leave billed_on"
        errors.append(RowError(row.where("billed"), f"{said} empty until it is billed"))
    if collected is not None and delivery.collected == 0:
        said = f"is {_written(row, 'collected')} while collected_on is {collected}: write the amount collected, or"
        errors.append(RowError(row.where("collected"), f"{said} leave collected_on empty until it is paid"))
    return errors


def _written(row: RawRow, name: str) -> str:
    """A field as the file wrote it, or "empty"."""
    written = row.values.get(name)
    return "empty" if written is None or not str(written).strip() else str(written).strip()


def _references(spec: DataKind, row: RawRow, model: BaseModel, entities: set[str], assets: set[str]) -> list[RowError]:
    if isinstance(model, Finance):
        return _finance_references(row, model, entities)
    errors = []
    for name in dict.fromkeys(spec.entity_fields + spec.asset_fields):
        # a field takes what its kind names: only one listed as both (used_by) takes either
        either = name in spec.entity_fields and name in spec.asset_fields
        allowed = entities | assets if either else entities if name in spec.entity_fields else assets
        value = getattr(model, name)
        values = value if isinstance(value, tuple) else (value,)
        for one in values:
            if one is None or one in allowed:
                continue
            if either:
                known = ", ".join(sorted(entities | assets))
                errors.append(
                    RowError(row.where(name), f"{one!r} is neither a business line nor an asset; known: {known}")
                )
            elif name in spec.entity_fields:
                said = (
                    f"{one!r} is an asset, not a business line" if one in assets else f"unknown business line {one!r}"
                )
                errors.append(RowError(row.where(name), f"{said}; known: {', '.join(sorted(entities))}"))
            else:
                said = f"{one!r} is a business line, not an asset" if one in entities else f"unknown asset {one!r}"
                errors.append(RowError(row.where(name), f"{said}; known: {', '.join(sorted(assets))}"))
    return errors


def _finance_references(row: RawRow, finance: Finance, entities: set[str]) -> list[RowError]:
    """Entities named inside business.yaml's lists must exist too."""
    errors = []
    lists: dict[str, tuple[Any, ...]] = {
        "fixed_costs": finance.fixed_costs, "goals": finance.goals, "capital_options": finance.capital_options,
        "email_lists": finance.email_lists, "seo": finance.seo,
    }  # fmt: skip
    for name, items in lists.items():
        for index, item in enumerate(items):
            if item.entity is not None and item.entity not in entities:
                known = ", ".join(sorted(entities))
                errors.append(
                    RowError(
                        row.where(f"{name}.{index}.entity"), f"unknown business line {item.entity!r}; known: {known}"
                    )
                )
    return errors


def _known(ids: set[str]) -> str:
    return ", ".join(sorted(ids)) or "none yet (add them to the business profile)"
