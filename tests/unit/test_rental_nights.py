"""A rental's revenue lines are counted in the nights they were earned over, as the real-estate report counts
them: a review found a cottage's takings, one revenue.csv line a month as the channel pays them, read "2 stays" at
"$2,850" a stay in the CEO's revenue model ("per night") and "0.7 stays" a month in the CFO's break-even, beside
a real-estate report of 38 nights at $150."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from firstmate.domain.business import Asset, AssetKind, Entity, EntityKind
from firstmate.domain.reports.ceo import ceo_report
from firstmate.domain.reports.cfo import cfo_report
from firstmate.domain.reports.document import ReportDocument, Section
from firstmate.domain.snapshot import Occupancy, RevenueLine, Snapshot

AS_OF = date(2026, 12, 10)  # window Sep–Nov 2026
BRINE = "brine"


def _line(n: int, service: date, amount: int, asset: str | None = "cottage") -> RevenueLine:
    named = {} if asset is None else {"asset": asset}
    return RevenueLine(
        id=f"r{n}", entity=BRINE, recorded_on=date(2026, 8, 1), service_date=service, amount=Decimal(amount), **named
    )


def _snapshot(*lines: RevenueLine, occupancy: tuple[Occupancy, ...] | None = None) -> Snapshot:
    lets = (
        Occupancy(asset="cottage", month="2026-10", nights_available=31, nights_booked=20, revenue=Decimal(3000)),
        Occupancy(asset="cottage", month="2026-11", nights_available=30, nights_booked=18, revenue=Decimal(2700)),
    )
    return Snapshot(
        org_id="tern",
        org_name="Tern Harbour Group",
        as_of=AS_OF,
        entities=(Entity(id=BRINE, name="Brine Cottage Stays", kind=EntityKind.RENTAL),),
        assets=(Asset(id="cottage", entity=BRINE, name="Cottage", kind=AssetKind.PROPERTY),),
        revenue=lines,
        occupancy=lets if occupancy is None else occupancy,
    )


def _section(doc: ReportDocument, title: str) -> Section:
    return next(s for s in doc.sections if s.title == title)


MONTHLY = (_line(1, date(2026, 10, 31), 3000), _line(2, date(2026, 11, 30), 2700))


def test_a_rentals_monthly_takings_read_in_nights_in_the_ceos_revenue_model() -> None:
    model = _section(ceo_report(_snapshot(*MONTHLY), ()), "Revenue model per asset")
    cottage = next(row for row in model.tables[0].rows if row[1] == "Cottage")
    # $5,700 over occupancy.csv's 20 + 18 nights of the months the lines are of: $150 a night, as the
    # real-estate report's ADR reads it
    assert cottage[2:] == ("per night", "$5,700", "38 nights", "$150", "revenue lines, nights in occupancy.csv")
    assert "stay" not in " ".join(cottage)


def test_a_rentals_monthly_takings_break_even_in_nights_in_the_cfos_report() -> None:
    doc = cfo_report(_snapshot(*MONTHLY))
    row = _section(doc, "Break-even volume").tables[0].rows[0]
    assert row[:3] == ("Brine Cottage Stays", "12.7 nights", "$150")  # 38 nights / 3 months, $5,700 / 38
    assert "stay" not in " ".join(row)


def test_a_rentals_lines_with_no_nights_to_count_are_sales_not_stays() -> None:
    """No occupancy.csv row for the lines' months: what a line holds (a stay, a month) is not known, so the
    figures count sales, as the method says."""
    snapshot = _snapshot(*MONTHLY, occupancy=())
    model = _section(ceo_report(snapshot, ()), "Revenue model per asset")
    cottage = next(row for row in model.tables[0].rows if row[1] == "Cottage")
    assert cottage[4:] == ("2 sales", "$2,850", "revenue lines")
    assert _section(cfo_report(snapshot), "Break-even volume").tables[0].rows[0][1] == "0.7 sales"
