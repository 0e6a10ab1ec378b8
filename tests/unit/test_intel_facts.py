"""The weekly facts as the report's tables show them: one row per campaign and per ad set, each ad
set's CRM leads matched to it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from firstmate.domain.analysis import rules_analysis
from firstmate.domain.intel import compute_facts
from firstmate.domain.marketing import AdWeek, CrmLead

WEEK = date(2026, 11, 9)


def _row(week: date, spend: str, leads: int, views: int, *, source: str = "csv") -> AdWeek:
    return AdWeek(source, "1001", "Harbor tours", "Harbor tours", "Harbor tours/Locals", "Locals", "OUTCOME_LEADS",
                  week, Decimal(spend), "USD", 20_000, 200, leads, views)  # fmt: skip


def _lead(n: int, campaign: str, content: str) -> CrmLead:
    return CrmLead(f"{n}", datetime(2026, 11, 10, 18, n, tzinfo=UTC), "PAID_SOCIAL", "", "", campaign, content)


def test_an_ad_set_whose_week_a_csv_file_splits_over_rows_shows_once_with_all_its_leads() -> None:
    """Each row was an ad set: shown twice, its CRM lead counted twice, its row without leads told to check the form."""
    rows = [_row(week, spend, leads, views) for week in (WEEK - timedelta(weeks=1), WEEK)
            for spend, leads, views in (("300.00", 3, 150), ("50.00", 0, 40))]  # fmt: skip
    lead = _lead(1, "Harbor tours", "Harbor tours/Locals")

    for crm, leads in (("hubspot", [lead]), (None, [])):
        facts = compute_facts("demo", WEEK, rows, leads, ads_source="csv", crm_source=crm)
        [row] = facts.lead_activity
        assert (row.leads, row.cpl, row.landing_page_views) == (3, Decimal("116.67"), 190)
        assert row.crm_leads == len(leads)
        assert not any("no leads" in point for point in rules_analysis(facts).sections[1].points)
