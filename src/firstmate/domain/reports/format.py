"""How lenses write figures: money with its currency, percents, counts. One place, so every report
reads alike and every number can be traced back to a Decimal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from firstmate.domain.currencies import minor_units

if TYPE_CHECKING:
    from firstmate.domain.snapshot import RevenueLine

CENT = Decimal("0.01")
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "AUD": "A$", "CAD": "C$", "NZD": "NZ$"}


def money(amount: Decimal, currency: str = "USD", *, cents: bool = False) -> str:
    """$1,234 (or $1,234.56 with `cents`: to the currency's minor unit, so yen, which have none, read
    12,000 JPY, not 12,000.00 JPY); other currencies keep their code: 1,234 CHF."""
    rounded = amount.quantize(Decimal(1).scaleb(-minor_units(currency)) if cents else Decimal(1), ROUND_HALF_UP)
    text = f"{abs(rounded):,}"
    sign = "−" if rounded < 0 else ""
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def whole(amount: Decimal) -> Decimal:
    """`amount` in whole units, as `money` shows it: 6,233.33 → 6,233."""
    return amount.quantize(Decimal(1), ROUND_HALF_UP)


def shown_total(amounts: Iterable[Decimal]) -> Decimal:
    """The total of amounts as `money` shows them (whole units), so that the rows beside it add up to
    it: twelve actions showed $39,915 in all under a card saying $39,914."""
    return sum((whole(a) for a in amounts), Decimal(0))


def apportioned(amounts: list[Decimal], total: Decimal | None = None) -> list[Decimal]:
    """`amounts` in whole units that add up to their exact total rounded (largest remainders rounded up),
    for the cells of one row beside that total: rounded one by one, a client's $100.50 + $100.50 showed
    $101 + $101 in the aging table and $201 in the receivables beside it. `total`, a whole figure within a
    unit of their exact sum, is the one they add up to instead: figures shown beside them, each rounded alone."""
    target = whole(sum(amounts, Decimal(0))) if total is None else total
    floors = [a.to_integral_value(rounding=ROUND_FLOOR) for a in amounts]
    short = int(target - sum(floors, Decimal(0)))
    by_remainder = sorted(range(len(amounts)), key=lambda n: (-(amounts[n] - floors[n]), n))
    for n in by_remainder[: max(short, 0)]:
        floors[n] += 1
    return floors


def percents(parts: list[Decimal]) -> list[int]:
    """Each part's share of their total, in whole percents that add up to 100 (largest remainders
    rounded up), for a column of shares of one whole: rounded one by one, thirds of the open
    receivables read 33% + 33% + 33% = 99% in the aging table. A part above zero may come to 0
    (`share_text` writes it "<1%"). All 0 when the total is 0."""
    total = sum(parts, Decimal(0))
    if total == 0:
        return [0 for _ in parts]
    return [int(whole) for whole in apportioned([part / total * 100 for part in parts])]


def share_text(share: int, part: Decimal, total: Decimal) -> str:
    """A whole-percent `share` of `part` in `total` as a reader can trust it: "<1%" for a part above zero
    that rounds to 0 ($6 of $1,000 read "$6 (0%) … past due"), ">99%" for one short of the whole that
    rounds to 100; else "34%"."""
    if share == 0 and part > 0:
        return "<1%"
    if share == 100 and part < total:
        return ">99%"
    return f"{share}%"


def shown_amount(amount: Decimal) -> Decimal:
    """`amount` as `money_seen` shows it: in whole units, or in cents when that reads nothing."""
    whole = amount.quantize(Decimal(1), ROUND_HALF_UP)
    return whole if whole != 0 or amount == 0 else amount.quantize(CENT, ROUND_HALF_UP)


def money_seen(amount: Decimal, currency: str = "USD") -> str:
    """`money`, but with the cents of an amount that comes to no whole unit: 40¢ past due read "$0"."""
    return money_of_rows([amount], currency)


def money_of_rows(amounts: Iterable[Decimal], currency: str = "USD") -> str:
    """The total of rows as `money_seen` shows each, in cents when one of them shows cents: rows of $1, $0.40
    and $0.40 read $1.80, where their total in whole dollars read $1."""
    shown = [shown_amount(a) for a in amounts]
    total = sum(shown, Decimal(0))
    return money(total, currency, cents=any(s != s.quantize(Decimal(1)) for s in shown))


def stake_shown(amount: Decimal, in_cents: bool, currency: str = "USD") -> Decimal:
    """A finding's money at stake as `stake_text` shows it: with its cents, in its currency's places (a dinar's 3)."""
    if not in_cents:
        return shown_amount(amount)
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), ROUND_HALF_UP)


def stake_text(amount: Decimal, currency: str = "USD", *, in_cents: bool = False) -> str:
    """A finding's money at stake as its title and detail state it: with its cents where they do ("Match 1 payout
    ($742.50) …" read "$743 at stake"), else as `money_seen`."""
    return money(amount, currency, cents=True) if in_cents else money_seen(amount, currency)


def stakes_total(stakes: Iterable[tuple[Decimal, bool]], currency: str = "USD") -> str:
    """The total of findings' money at stake (amount, in cents) as `stake_text` shows each, in cents when one of
    them shows cents: $742.50 and $172.50 beside whole ones read their sum to the cent."""
    shown = [stake_shown(amount, in_cents, currency) for amount, in_cents in stakes]
    total = sum(shown, Decimal(0))
    return money(total, currency, cents=any(s != s.quantize(Decimal(1)) for s in shown))


def pct_seen(fraction: Decimal) -> str:
    """`pct`, but "<1%" for a fraction above zero that rounds to 0%, ">99%" for one under 1 that rounds to 100%."""
    if fraction > 0 and pct(fraction) == "0%":
        return "<1%"
    return ">99%" if fraction < 1 and pct(fraction) == "100%" else pct(fraction)


def pct(fraction: Decimal, places: int = 0) -> str:
    """0.125 → "13%" (or "12.5%" with places=1)."""
    value = (fraction * 100).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    # the same minus sign as money(); a fall that rounds to nothing is 0%, not "-0%"
    return f"−{abs(value)}%" if value < 0 else f"{abs(value)}%"


def signed_pct(fraction: Decimal) -> str:
    """`pct` of a change, a rise with its sign as a fall has one: "+17%", "−14%"; one that rounds to
    nothing is "0%" (it read "+0%", or "-0%")."""
    shown = pct(fraction)
    return "+" + shown if fraction > 0 and shown != "0%" else shown


def count(value: int | Decimal) -> str:
    """1234 → "1,234"."""
    return f"{value:,}"


def plural(number: int, singular: str, plural_form: str = "") -> str:
    """ "1 line", "3 lines": a count with its noun."""
    return f"{count(number)} {singular if number == 1 else plural_form or singular + 's'}"


def month_label(month: date) -> str:
    """2026-10-01 → "Oct 2026"."""
    return f"{month:%b %Y}"


def months_back(as_of: date, n: int) -> list[date]:
    """The first days of the `n` full months before `as_of`'s month, oldest first."""
    months = []
    year, month = as_of.year, as_of.month
    for _ in range(n):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(date(year, month, 1))
    return months[::-1]


def ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole, or None when whole is zero."""
    return None if whole == 0 else part / whole


#: What a report's revenue is made of, as its methods say it (they said "revenue.csv lines", and an owner
#: adding up revenue.csv alone could not reproduce the figure).
REVENUE_LINES = (
    "revenue lines (revenue.csv, invoices on their issue day, firstmate's bookings on their trip's day; a booking "
    "or invoice revenue.csv holds under its reference counts once, as revenue.csv has it, with its balance beside "
    "a deposit alone)"
)


def units_sold(lines: Iterable[RevenueLine]) -> int:
    """How many sales revenue lines hold: the lines of one reference are one sale (a balance paid in
    two lines, a deposit and its balance), counted while what they net is above zero (a refund
    with its sale's reference, or its id, cancels it); a refund or deposit alone is no sale.
    Counting every line made three charters and a refund four units, at half their price."""
    lines = list(lines)
    sale_of = {line.id: line.reference or line.id for line in lines}  # a line's id, to the sale it is part of
    sales = {line.reference for line in lines if line.reference and line.amount >= 0}
    net: dict[str, Decimal] = {}
    sold = set()
    for line in lines:
        key = line.reference or line.id
        if line.amount < 0 and key not in sales and key in sale_of and key != line.id:
            key = sale_of[key]  # a refund naming its sale by id (no sale has that reference)
        net[key] = net.get(key, Decimal(0)) + line.amount
        if line.amount > 0 and not line.deposit:
            sold.add(key)
    return sum(1 for key in sold if net[key] > 0)


def priced(amount: Decimal, currency: str | None, org: str) -> str:
    """An amount in a currency of its own (an infrastructure.yaml service's), named so when it is not the org's:
    an AWS bill's "$12 USD" in a euro business, a euro host's "€40" in it."""
    if currency is None or currency == org:
        return money(amount, org)
    return f"{money(amount, currency)} {currency}"
