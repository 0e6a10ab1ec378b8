"""The accounting lens's chart of accounts: which account each observed expense category belongs in,
and the checks on how expenses are categorised (left empty, or off the vendor's usual category)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from firstmate.domain.currencies import in_units_of
from firstmate.domain.reports.accounting.amounts import LENS, ZERO
from firstmate.domain.reports.document import Finding, Section, Severity, Table
from firstmate.domain.reports.format import count, money, month_label, plural, shown_total
from firstmate.domain.snapshot import Expense, Snapshot

# Severity guide: HIGH = money at stake ≥ 1,000 or a security/legal exposure or a goal missed by > 20%;
# MEDIUM = smaller money or a clear gap; LOW = hygiene.
# Money in a dollar's worth, scaled to the currency (`in_units_of`: ¥100,000).
MEDIUM_FROM = Decimal(1000)


@dataclass(frozen=True)
class Account:
    """An account of the proposed chart: its number, name and type (COGS or Operating)."""

    number: int
    name: str
    type: str

    @property
    def label(self) -> str:
        """ "5100 Fuel (COGS)"."""
        return f"{self.number} {self.name} ({self.type})"


OTHER = Account(6900, "Other — review", "Operating")

#: Keyword rules, tried in order: the first rule with a keyword among the category's words wins, so
#: specific nouns (fuel, insurance, marina) come before generic ones (repair, fees, rent).
ACCOUNT_RULES: tuple[tuple[frozenset[str], Account], ...] = (
    (frozenset({"professional", "legal", "accounting"}), Account(6600, "Professional fees", "Operating")),
    (frozenset({"insurance"}), Account(6200, "Insurance", "Operating")),
    (frozenset({"fuel"}), Account(5100, "Fuel", "COGS")),
    (frozenset({"crew", "wages", "payroll", "captain", "labour", "labor"}), Account(5000, "Crew and labour", "COGS")),
    (frozenset({"dockage", "slip", "moorage", "marina"}), Account(6100, "Slip and dock rent", "Operating")),
    (frozenset({"dump", "disposal", "landfill"}), Account(5600, "Disposal fees", "COGS")),
    (frozenset({"cleaning", "laundry"}), Account(5400, "Cleaning", "COGS")),
    (frozenset({"ads", "advertising", "marketing"}), Account(6300, "Marketing", "Operating")),
    (frozenset({"software", "hosting", "saas", "domain", "email"}), Account(6400, "Software and hosting", "Operating")),
    (frozenset({"repair", "maintenance", "parts"}), Account(5200, "Repairs and maintenance", "COGS")),
    (frozenset({"vehicle", "truck", "mileage"}), Account(5500, "Vehicle", "COGS")),
    (frozenset({"utilities", "utility", "electric", "water", "internet"}), Account(6500, "Utilities", "Operating")),
    (frozenset({"commission", "fees", "merchant"}), Account(5300, "Channel and payment fees", "COGS")),
    (frozenset({"rent"}), Account(6110, "Rent", "Operating")),
)  # fmt: skip


def _stem(word: str) -> str:
    # a trailing "s" is dropped so "repairs" meets "repair" and "fee" meets "fees"
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def account_for(category: str) -> Account:
    """The proposed account for an expense category: the first rule whose keyword is one of its
    words (plural or singular), else 6900 Other — review."""
    words = {_stem(w) for w in re.findall(r"[a-z0-9]+", category.casefold())}
    for keywords, account in ACCOUNT_RULES:
        if any(_stem(k) in words for k in keywords):
            return account
    return OTHER


def _total(rows: list[Expense]) -> Decimal:
    return sum((e.amount for e in rows), ZERO)


def _chart_table(per_account: dict[Account, list[str]], by_category: dict[str, list[Expense]], cur: str) -> Table:
    rows = tuple(
        (
            f"{a.number} {a.name}",
            a.type,
            ", ".join(cats),
            count(sum(len(by_category[c]) for c in cats)),
            # its categories' totals added as shown: rounded once, $1,501 and $301 read $1,801
            money(shown_total([_total(by_category[c]) for c in cats]), cur),
        )
        for a, cats in sorted(per_account.items(), key=lambda item: item[0].number)
    )
    return Table(("Account", "Type", "Categories", "Rows", "Total"), rows, title="Proposed chart")


def chart_section(snapshot: Snapshot) -> tuple[Section, tuple[Finding, ...]]:
    """Chart of accounts proposal: every observed category, its rows and total, and its account;
    categories landing in one account are merged."""
    cur = snapshot.currency
    by_category: dict[str, list[Expense]] = defaultdict(list)
    for e in snapshot.expenses:
        if e.category:
            by_category[e.category].append(e)
    method = (
        "Every non-empty category of expenses.csv, matched on its words against the keyword map "
        "(fuel → 5100, crew/wages/payroll/captain → 5000, marina/slip → 6100 …; first matching rule wins, "
        "unmatched → 6900 Other — review). Total = sum of the category's amounts over all rows of months to "
        f"{snapshot.as_of:%b %Y}; an account's total is its categories' totals added as shown (in whole units)."
    )
    if not by_category:
        summary = "No expenses yet: add expenses.csv to the data folder."
        if snapshot.expenses:
            summary = "No expense has a category yet: fill the category column of expenses.csv."
        return Section("Chart of accounts proposal", summary=summary, method=method), ()
    accounts = {c: account_for(c) for c in by_category}
    ordered = sorted(by_category, key=lambda c: (accounts[c].number, c.casefold(), c))
    observed = Table(
        ("Observed category", "Rows", "Total", "Proposed account"),
        tuple((c, count(len(by_category[c])), money(_total(by_category[c]), cur), accounts[c].label) for c in ordered),
        title="Observed categories",
    )
    per_account: dict[Account, list[str]] = defaultdict(list)
    for c in ordered:
        per_account[accounts[c]].append(c)
    chart = _chart_table(per_account, by_category, cur)
    bullets = tuple(
        f"Merged into {a.number} {a.name}: {', '.join(cats)}."
        for a, cats in sorted(per_account.items(), key=lambda item: item[0].number)
        if len(cats) > 1 and a != OTHER  # "Other" is a review pile, not a merge
    )
    uncategorised = sum(1 for e in snapshot.expenses if not e.category)
    if uncategorised:
        bullets += (f"{plural(uncategorised, 'uncategorised row')} left out (see the next section).",)
    section = Section(
        "Chart of accounts proposal",
        summary=f"{plural(len(by_category), 'category', 'categories')} map to {plural(len(per_account), 'account')}.",
        tables=(observed, chart),
        bullets=bullets,
        method=method,
    )
    return section, _other_finding(per_account.get(OTHER, []), by_category, cur)


def _other_finding(cats: list[str], by_category: dict[str, list[Expense]], cur: str) -> tuple[Finding, ...]:
    if not cats:
        return ()
    total = shown_total([_total(by_category[c]) for c in cats])
    return (
        Finding(
            key=f"{LENS}:chart:other",
            title=f"Assign an account to {plural(len(cats), 'expense category', 'expense categories')} the map misses",
            detail=f"{', '.join(cats)} ({money(total, cur)}{' in all) match' if len(cats) > 1 else ') matches'} no "
            "keyword and would land in 6900 Other.",
            severity=Severity.LOW,
            owner=LENS,
            lens=LENS,
        ),
    )


def _majority(rows: list[Expense]) -> str:
    """The vendor's usual category: most rows; a tie goes to the category used first."""
    first_used: dict[str, tuple[str, str]] = {}
    counts: dict[str, int] = defaultdict(int)
    for e in rows:
        counts[e.category] += 1
        first_used[e.category] = min(
            first_used.get(e.category, (e.month.isoformat(), e.id)), (e.month.isoformat(), e.id)
        )
    return min(counts, key=lambda c: (-counts[c], first_used[c], c))


def miscategorised(snapshot: Snapshot) -> list[tuple[Expense, str]]:
    """Rows off their vendor's usual category, with the suggested category, for vendors (matched
    case-insensitively) whose rows use ≥ 2 categories."""
    by_vendor: dict[str, list[Expense]] = defaultdict(list)
    for e in snapshot.expenses:
        if e.category:
            by_vendor[e.vendor.casefold()].append(e)
    out: list[tuple[Expense, str]] = []
    for rows in by_vendor.values():
        if len({e.category for e in rows}) < 2:
            continue
        usual = _majority(rows)
        out.extend((e, usual) for e in rows if e.category != usual)
    return sorted(out, key=lambda pair: (pair[0].vendor.casefold(), pair[0].month, pair[0].id))


def hygiene_section(snapshot: Snapshot) -> tuple[Section, tuple[Finding, ...]]:
    """Uncategorised expenses (empty category) and rows off their vendor's usual category."""
    cur = snapshot.currency
    method = (
        f"expenses.csv, all rows of months to {snapshot.as_of:%b %Y}. Uncategorised = empty category; their "
        "total is the rows added as shown. "
        "Miscategorised = for a vendor (case-insensitive) with rows in ≥ 2 categories, rows whose category differs "
        "from the vendor's majority category (most rows; a tie goes to the category used in the earliest month)."
    )
    if not snapshot.expenses:
        return Section(
            "Uncategorised and miscategorised expenses",
            summary="No expenses yet: add expenses.csv to the data folder.",
            method=method,
        ), ()
    blank = sorted((e for e in snapshot.expenses if not e.category), key=lambda e: (e.month, e.entity, e.vendor, e.id))
    off = miscategorised(snapshot)
    tables = []
    if blank:
        rows = tuple(
            (month_label(e.month), snapshot.entity_name(e.entity), e.vendor, money(e.amount, cur)) for e in blank
        )
        tables.append(Table(("Month", "Entity", "Vendor", "Amount"), rows, title="Uncategorised"))
    if off:
        moved = tuple((month_label(e.month), e.vendor, e.category, usual, money(e.amount, cur)) for e, usual in off)
        tables.append(Table(("Month", "Vendor", "Category", "Suggested", "Amount"), moved, title="Miscategorised"))
    summary = (
        f"{plural(len(blank), 'uncategorised row')} ({money(shown_total([e.amount for e in blank]), cur)}); "
        f"{plural(len(off), 'row')} off the vendor's usual category."
    )
    section = Section("Uncategorised and miscategorised expenses", summary=summary, tables=tuple(tables), method=method)
    return section, _blank_finding(blank, cur) + _off_finding(off, cur)


def _blank_finding(blank: list[Expense], cur: str) -> tuple[Finding, ...]:
    if not blank:
        return ()
    total = shown_total([e.amount for e in blank])  # the rows of the table, as shown
    return (
        Finding(
            key=f"{LENS}:uncategorised:expenses",
            title=f"Categorise {plural(len(blank), 'expense')} worth {money(total, cur)}",
            detail=(
                f"{plural(len(blank), 'expense row')} without a category, so {money(total, cur)} of cost is in no "
                "account of the chart above (the burn and margins count it, under no account)."
            ),
            # no cash is lost, the books are incomplete: MEDIUM from 1,000, else LOW
            severity=Severity.MEDIUM if total >= in_units_of(MEDIUM_FROM, cur) else Severity.LOW,
            owner=LENS,
            money_at_stake=total,
            lens=LENS,
        ),
    )


def _off_finding(off: list[tuple[Expense, str]], cur: str) -> tuple[Finding, ...]:
    if not off:
        return ()
    vendors = sorted({e.vendor for e, _ in off}, key=lambda v: (v.casefold(), v))
    total = shown_total([e.amount for e, _ in off])
    # "1 expense to their vendor's usual category" read wrong; so did two vendors' under one
    whose = "its vendor's" if len(off) == 1 else "their vendor's" if len(vendors) == 1 else "their vendors'"
    categories = "categories" if len(vendors) > 1 else "category"
    return (
        Finding(
            key=f"{LENS}:miscategorised:expenses",
            title=f"Recategorise {plural(len(off), 'expense')} to {whose} usual {categories}",
            detail=(
                f"{', '.join(vendors)}: {plural(len(off), 'row')} ({money(total, cur)}) outside the category "
                f"{'each' if len(vendors) > 1 else 'the'} vendor's other rows use; a reclassification, no cash at "
                "stake."
            ),
            severity=Severity.LOW,
            owner=LENS,
            lens=LENS,
        ),
    )
