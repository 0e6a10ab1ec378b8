"""How a data row is written: `Row`, the base of every row of the snapshot, and the field types the rows
share (slugs, amounts of money, rates, months, a data file's dates)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from firstmate.domain.shared import SLUG


class _Money:
    """Marks a field holding an amount of money (`Row.amounts`)."""


MONEY = _Money()
Slug = Annotated[str, Field(pattern=SLUG)]
# Money, in as many decimal places as its currency has: the currency is business.yaml's, which these rows do not
# hold, so the places are checked where a row comes in (`datafiles`); here only the length of what was written
# (a dinar's 12.345 was refused as "more than 2 decimal places", and yen with sen were taken)
#: The most an amount may be, in a dollar's worth: a billion, times the `money_scale` of the currency. Its check is
#: `datafiles`', where the currency is known (a rupiah business's Rp 1,500,000,000 of cash, about $92,000, was
#: refused), and the only one: a bound here, the largest currency's, told a dollar amount far over its own
#: "write 100000000000000 or less"; here only the length of what was written
MOST_MONEY = Decimal(10**9)


Amount = Annotated[Decimal, Field(max_digits=20), MONEY]
Positive = Annotated[Decimal, Field(ge=0, max_digits=20), MONEY]
OptionalPositive = Annotated[Decimal | None, Field(ge=0, max_digits=20), MONEY]
Rate = Annotated[Decimal, Field(ge=0, le=1)]
Text = Annotated[str, Field(max_length=300)]


def _month(value: Any) -> Any:
    """Accept "2026-10" or any date in the month; keep the first day. ValueError names what was written and how to
    write it (it said "Invalid isoformat string: 'Jan 2026'", and "01/2026" was read as "01/2026-01")."""
    if isinstance(value, str):
        written = value.strip()
        try:
            value = date.fromisoformat(written + "-01" if len(written) == 7 else written)
        except ValueError:
            raise ValueError(f"{written!r} is not a month: write it year-month, like 2026-07") from None
    if isinstance(value, date):
        return value.replace(day=1)
    return value


def blank_is_none(value: Any) -> Any:
    """A text left blank, as no value (a data file's empty cell)."""
    return None if isinstance(value, str) and not value.strip() else value


def _no_timestamp(value: Any) -> Any:
    """A file's date as written: a bare number ("86400", 20261121) is no date, which pydantic would read as
    seconds since 1970 (1970-01-02), taken without a word."""
    if (isinstance(value, int | float) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.strip().isdigit()
    ):
        raise ValueError(f"{value!r} is not a date: write it year-month-day, like 2026-07-04")
    return value


Month = Annotated[date, BeforeValidator(_month)]
#: A date of a data file's row.
Day = Annotated[date, BeforeValidator(_no_timestamp)]
OptionalDate = Annotated[date | None, BeforeValidator(_no_timestamp), BeforeValidator(blank_is_none)]
OptionalSlug = Annotated[Slug | None, BeforeValidator(blank_is_none)]
OptionalBool = Annotated[bool | None, BeforeValidator(blank_is_none)]


class Row(BaseModel):
    """Base of every data row: frozen, unknown fields refused, text trimmed."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    def amounts(self) -> Iterator[tuple[str, Decimal]]:
        """Its amounts of money with their field's path ("amount", "fixed_costs.0.monthly"), its rows' within
        it too: what is held to the decimal places of the currency. Counts, rates and hours are not money."""
        for name, info in type(self).model_fields.items():
            value = getattr(self, name)
            items = value if isinstance(value, tuple) else (value,)
            for index, item in enumerate(items):
                at = f"{name}.{index}" if isinstance(value, tuple) else name
                if isinstance(item, Decimal) and MONEY in info.metadata:
                    yield at, item
                elif isinstance(item, Row):
                    yield from ((f"{at}.{path}", amount) for path, amount in item.amounts())
