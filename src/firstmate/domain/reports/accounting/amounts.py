"""Money as the accounting lens states it: exact amounts with their cents, the sum of revenue lines, a card that
flags any amount, and the amount that makes a finding HIGH."""

from __future__ import annotations

from decimal import Decimal

from firstmate.domain.currencies import in_units_of
from firstmate.domain.reports.document import Card, Severity, Tone
from firstmate.domain.reports.format import money
from firstmate.domain.snapshot import RevenueLine

LENS = "accounting"
ZERO = Decimal(0)


# Severity guide: HIGH = money at stake ≥ 1,000 or a security/legal exposure or a goal missed by > 20%;
# MEDIUM = smaller money or a clear gap; LOW = hygiene.
# Money in a dollar's worth, scaled to the currency (`in_units_of`: ¥100,000).
HIGH_FROM = Decimal(1000)


def by_money(amount: Decimal, currency: str) -> Severity:
    """HIGH from `HIGH_FROM` in the currency's units, else MEDIUM."""
    return Severity.HIGH if amount >= in_units_of(HIGH_FROM, currency) else Severity.MEDIUM


def exact(amount: Decimal, cur: str) -> str:
    """A reconciled amount with its cents when it has any: a payout of $747.50 and its fee of $402.50 on
    a $1,150 booking read "$748" and "fee $403", a row that did not subtract."""
    return money(amount, cur, cents=has_cents(amount))


def has_cents(amount: Decimal) -> bool:
    """Whether `exact` shows `amount`'s cents, so a finding stating it shows its money at stake so too."""
    return amount != amount.to_integral_value()


def lines_total(lines: list[RevenueLine]) -> Decimal:
    """What the revenue lines add up to."""
    return sum((line.amount for line in lines), ZERO)


def flag_card(label: str, amount: Decimal, cur: str, note: str) -> Card:
    """A card of an amount that should be zero: OK when it is, ALERT when not."""
    # with its cents, as the rows it adds show theirs: a payout of $742.50 read "Unmatched payouts: $743"
    bad = amount != 0
    return Card(
        label,
        exact(amount, cur),
        tone=Tone.ALERT if bad else Tone.OK,
        marker="[ALERT]" if bad else "[OK]",
        note=note,
        raw=amount,
    )
