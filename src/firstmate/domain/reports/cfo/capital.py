"""Capital deployment tiers: reserve, committed work and free cash, the capital options ranked by payback and
funded in turn, and their section."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from firstmate.domain.reports.cfo.burn import Burn
from firstmate.domain.reports.cfo.findings import Part, by_money, cfo_finding
from firstmate.domain.reports.cfo.revenue import ZERO
from firstmate.domain.reports.cfo.runway import cash_dated_later
from firstmate.domain.reports.cfo.text import months_text
from firstmate.domain.reports.document import Card, Finding, Section, Severity, Table, Tone
from firstmate.domain.reports.format import money, shown_total, whole
from firstmate.domain.snapshot import CapitalOption, Maintenance, Snapshot


def committed_work(snapshot: Snapshot, days: int = 90) -> list[Maintenance]:
    """Maintenance scheduled in the next `days` days (after the snapshot date, up to and including day N), by date."""
    end = snapshot.as_of + timedelta(days=days)
    work = (m for m in snapshot.maintenance if snapshot.as_of < m.date <= end)
    return sorted(work, key=lambda m: (m.date, snapshot.asset_name(m.asset), m.id))


def committed(snapshot: Snapshot, days: int = 90) -> Decimal:
    """What `committed_work` costs, its rows as the CFO's table shows them (whole units) added."""
    return shown_total(m.cost for m in committed_work(snapshot, days))


def payback(option: CapitalOption) -> Decimal | None:
    """Months for an option to return its cost; None when it returns nothing."""
    return option.cost / option.monthly_return if option.monthly_return > 0 else None


def ranked_options(options: tuple[CapitalOption, ...]) -> list[CapitalOption]:
    """Shortest payback first; options that return nothing last; ties by name."""

    def key(option: CapitalOption) -> tuple[int, Decimal, str]:
        months = payback(option)
        return (1, ZERO, option.name) if months is None else (0, months, option.name)

    return sorted(options, key=key)


def fund(options: list[CapitalOption], free: Decimal | None) -> list[bool]:
    """Fund options in rank order while free cash lasts. The first that does not fit stops the
    funding, so a cheaper, slower option never jumps ahead of a better one still waiting for cash."""
    decisions, left, stopped = [], free, free is None
    for option in options:
        fits = not stopped and left is not None and option.cost <= left
        if fits and left is not None:
            left -= option.cost
        stopped = stopped or not fits
        decisions.append(fits)
    return decisions


def capital_section(snapshot: Snapshot, b: Burn) -> Part:
    """The Capital deployment tiers section: reserve, committed and free cash, and the options to fund now."""
    cur, finance = snapshot.currency, snapshot.finance
    # a schedule in whole units worked out from the figures it shows, as an accountant's foots: the reserve of 3 ×
    # the exact burn read $76,501 beside a burn card of $25,500, where the reader's 3 × $25,500 is $76,500
    burn_shown = whole(b.high)
    reserve, upcoming = finance.reserve_months * burn_shown, whole(committed(snapshot))
    method = (
        f"Tier 1 reserve = reserve_months ({finance.reserve_months}, business.yaml) × high end of gross burn as "
        "shown (in whole units); Tier 2 committed = maintenance.csv rows dated in the next 90 days (after the "
        "snapshot date, any kind), listed, their costs added as shown; Tier 3 free to deploy = cash − reserve − "
        "committed. Every tier is worked out from the whole-unit figures shown, so that they add up as written. "
        "capital_options (business.yaml) "
        "ranked by payback = cost / monthly return (no return last, ties by name), funded in that order until "
        "one does not fit."
    )
    free = None if finance.cash is None else whole(finance.cash.balance) - reserve - upcoming
    shown = "unknown" if free is None else money(free, cur) if free >= 0 else f"short by {money(-free, cur)}"
    purpose = f"Reserve: {finance.reserve_months} months of burn at {money(burn_shown, cur)}"
    tiers = Table(
        ("Tier", "Purpose", "Amount"),
        (
            ("Tier 1", purpose, money(reserve, cur)),
            ("Tier 2", "Committed: maintenance in the next 90 days", money(upcoming, cur)),
            ("Tier 3", "Growth: free to deploy", shown),
        ),
        title="Capital tiers",
    )
    options, findings = _options(snapshot, None if free is None else max(free, ZERO))
    bullets = [] if options else ["No capital options: add capital_options: to business.yaml."]
    card, summary, short = _free_card(snapshot, free, reserve, upcoming)
    if free is None and snapshot.cash_dated_later is not None:
        bullets.insert(0, f"Cash on {snapshot.as_of} unknown ({cash_dated_later(snapshot)}): Tier 3 is not sized.")
    elif free is None:
        bullets.insert(0, "No cash balance: add cash: to business.yaml to size Tier 3.")
    findings = short + findings
    cards = (
        Card("Reserve", money(reserve, cur), raw=reserve),
        Card("Committed, 90 days", money(upcoming, cur), raw=upcoming),
        card,
    )
    tables: tuple[Table, ...] = (tiers,) if options is None else (tiers, options)
    if work := committed_work(snapshot):  # Tier 2's rows: "$5,180" named none, nor did any other report
        rows = tuple((str(m.date), snapshot.asset_name(m.asset), m.description, money(m.cost, cur)) for m in work)
        tables += (Table(("Date", "Asset", "Work", "Cost"), rows, title="Committed: maintenance in the next 90 days"),)
    return Section("Capital deployment tiers", summary, cards, tables, tuple(bullets), method), findings


def _free_card(
    snapshot: Snapshot, free: Decimal | None, reserve: Decimal, upcoming: Decimal
) -> tuple[Card, str, list[Finding]]:
    """The Tier 3 card, the section's summary, and a HIGH finding when cash is short of tiers 1 and 2."""
    cur = snapshot.currency
    if free is None and snapshot.cash_dated_later is not None:
        later = f"cash dated {snapshot.cash_dated_later}, after {snapshot.as_of}"
        return Card("Free to deploy", "unknown", note=later), f"Free cash unknown: {cash_dated_later(snapshot)}.", []
    if free is None:
        return (
            Card("Free to deploy", "unknown", note="add cash: to business.yaml"),
            "Free cash unknown: add cash: to business.yaml.",
            [],
        )
    if free >= 0:
        card = Card("Free to deploy", money(free, cur), Tone.OK, "[OK]", "after reserve and committed work", free)
        return card, f"{money(free, cur)} free to deploy after the reserve and committed work.", []
    short = money(-free, cur)
    card = Card("Free to deploy", f"short by {short}", Tone.ALERT, "[ALERT]", "cash < reserve + committed", free)
    detail = (
        f"Cash {money(free + reserve + upcoming, cur)} < reserve {money(reserve, cur)} + "
        f"committed {money(upcoming, cur)}: short by {short}."
    )
    finding = cfo_finding(
        "reserve:short", f"Rebuild the cash reserve: short by {short}", detail, Severity.HIGH, at_stake=-free
    )
    return card, f"Cash is short by {short} of the reserve plus committed work.", [finding]


def _options(snapshot: Snapshot, free: Decimal | None) -> tuple[Table | None, list[Finding]]:
    """The ranked capital options with their decision, and a finding for each one to fund now."""
    cur = snapshot.currency
    options = ranked_options(snapshot.finance.capital_options)
    if not options:
        return None, []
    rows, findings = [], []
    for option, funded in zip(options, fund(options, free), strict=True):
        months = payback(option)
        cells = (money(option.cost, cur), money(option.monthly_return, cur))
        rows.append(
            (option.name, *cells, "never" if months is None else months_text(months), "fund now" if funded else "wait")
        )
        if funded:
            findings.append(_fund_finding(snapshot, option))
    columns = ("Option", "Cost", "Monthly return", "Payback months", "Decision")
    return Table(columns, tuple(rows), title="Capital options by payback"), findings


def _fund_finding(snapshot: Snapshot, option: CapitalOption) -> Finding:
    cur, months = snapshot.currency, payback(option)
    back = "" if months is None else f", paying back in {months_text(months)} months"
    returns = money(option.monthly_return, cur)
    detail = f"Costs {money(option.cost, cur)} and returns {returns} a month{back}; fits in Tier 3."
    # an option that returns nothing is a choice to make, not money lost by waiting
    severity = Severity.LOW if option.monthly_return <= 0 else by_money(option.monthly_return, cur)
    key = "fund:" + re.sub(r"[^a-z0-9]+", "-", option.name.lower()).strip("-")
    title = f"Fund {option.name} ({money(option.cost, cur)})"
    return cfo_finding(key, title, detail, severity, at_stake=max(option.monthly_return, ZERO))
