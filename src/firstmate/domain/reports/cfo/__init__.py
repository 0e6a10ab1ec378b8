"""The CFO lens: monthly burn, runway, break-even volume per business line, where spare cash should go, and
revenue against its targets. Pure: one snapshot in, one report document out.

- `report`: `cfo_report`, its sections in order and the headline.
- `burn`: monthly burn over the last full months (gaps in the books make it a range), and its section.
- `runway`: months of cash at that burn, and its section.
- `break_even`: unit economics and break-even volume per business line, and its section.
- `capital`: reserve, committed work, free cash and the capital options funded in turn, and their section.
- `targets`: revenue against its goals, last month and quarter to date, and their section.
- `revenue`: revenue as every report recognises it (by service date, with the lets occupancy.csv alone holds).
- `text`: how the lens writes units, months and money ranges.
- `findings`: the lens's role, its findings and what makes one HIGH.
"""

from firstmate.domain.reports.cfo.report import cfo_report
from firstmate.domain.reports.cfo.revenue import (
    line_asset,
    line_nights,
    month_revenue,
    sole_properties,
    unlisted_by_property,
    unlisted_lets,
    unlisted_rentals,
)
from firstmate.domain.reports.cfo.text import SINGULAR, UNIT_NAMES

__all__ = [
    "SINGULAR",
    "UNIT_NAMES",
    "cfo_report",
    "line_asset",
    "line_nights",
    "month_revenue",
    "sole_properties",
    "unlisted_by_property",
    "unlisted_lets",
    "unlisted_rentals",
]
