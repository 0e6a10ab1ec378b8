"""The report's amounts: rounded to cents, printed in its currency, and added up in one currency only
(`in_one_currency`: the ad accounts billed in another are left out, and said to be)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from firstmate.domain.marketing import AdWeek
from firstmate.domain.reports.format import money as money_text

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """An amount rounded to cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def cash(value: Decimal, currency: str) -> str:
    """An amount of the report as it prints it, in its currency: "$1,234.56", "€19.07", "12,000 JPY"."""
    return money_text(value, currency, cents=True)


def in_one_currency(rows: list[AdWeek], week: date, preferred: str) -> tuple[str, list[AdWeek], list[str]]:
    """The currency the report adds and shows, the rows billed in it, and what it says of the ad accounts
    billed in another, whose figures it leaves out: amounts of two currencies added up are no amount (an
    account's pesos were added to the others' dollars). The currency is `preferred` (the business's) when an
    account is billed in it, else the first account's."""
    billed = list(dict.fromkeys(row.currency for row in rows))
    if len(billed) <= 1:
        return (billed[0] if billed else preferred), rows, []
    shown = preferred if preferred in billed else billed[0]
    others: dict[tuple[str, str], list[AdWeek]] = defaultdict(list)
    for row in rows:
        if row.currency != shown:
            others[(row.account, row.currency)].append(row)
    notes = []
    for (account, currency), held in others.items():
        this_week = [row for row in held if row.week_start == week]
        spend = cash(sum((row.spend for row in this_week), Decimal(0)), currency)
        leads = sum(row.leads for row in this_week)
        notes.append(
            f"Ad account {account} is billed in {currency}: its figures ({spend} spend, {leads:,} "
            f"lead{'' if leads == 1 else 's'} this week) are in none of this report's, which are in {shown}."
        )
    return shown, [row for row in rows if row.currency == shown], notes
