"""How the CFO lens writes its figures: units sold and their names, months, money ranges."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from firstmate.domain.reports.format import money

#: What one revenue line is, by the kind of business that earned it. A rental's lines are counted in the nights
#: occupancy.csv books in their months (`line_nights`), else as sales: a line may hold a stay or a month of them.
UNIT_NAMES = {
    "charter": "charters",
    "rental": "sales",
    "junk_removal": "jobs",
    "delivery": "deliveries",
    "consulting": "invoices",
    "guest_brand": "bookings",
}
SINGULAR = {"charters": "charter", "stays": "stay", "jobs": "job", "deliveries": "delivery", "invoices": "invoice"}
SINGULAR |= {"bookings": "booking", "units": "unit", "nights": "night", "lines": "line", "sales": "sale"}


def money_range(low: Decimal, high: Decimal, currency: str) -> str:
    """ "$1,200" when both ends round alike, else "$1,200–$1,500"."""
    first, second = money(low, currency), money(high, currency)
    return first if first == second else f"{first}–{second}"


def months_text(value: Decimal) -> str:
    """7.14 → "7.1"."""
    return f"{value.quantize(Decimal('0.1'), ROUND_HALF_UP)}"


def units_text(value: Decimal) -> str:
    """A per-month volume: whole numbers plain, else one decimal (3.67 → "3.7")."""
    return f"{value:.0f}" if value == value.to_integral_value() else months_text(value)


def units_label(value: Decimal | int, unit: str) -> str:
    """A volume with its unit: "3 charters", "1 job", "3.7 stays" (a break-even of one read "1 stays")."""
    return f"{units_text(Decimal(value))} {SINGULAR.get(unit, unit) if value == 1 else unit}"
