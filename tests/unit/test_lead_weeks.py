"""Which week a CRM lead belongs to: the day it was created on, in the business's own zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from firstmate.domain.intel import compute_facts
from firstmate.domain.marketing import AdWeek, CrmLead

WEEK = date(2026, 11, 9)  # Monday 9 to Sunday 15 November


def _rows() -> list[AdWeek]:
    return [
        AdWeek("meta", "1001", "Brand | Leads", "Brand | Leads", "Brand/Everyone", "Everyone", "OUTCOME_LEADS",
               week, Decimal("250.00"), "USD", 20_000, 300, 12, 431)
        for week in (WEEK - timedelta(weeks=1), WEEK)
    ]  # fmt: skip


def _lead(n: int, created: datetime) -> CrmLead:
    return CrmLead(f"{n}", created, "PAID_SOCIAL", "Facebook", "Brand", "Brand", "Everyone")


def test_a_sunday_evening_lead_counts_in_the_week_it_came_in_where_the_business_is() -> None:
    """Sunday 15 November, 20:00 in Los Angeles, is Monday 04:00 UTC: taken by UTC days, the lead
    fell into the next week's report, and Meta (which counts in the account's days) disagreed."""
    sunday_evening = datetime(2026, 11, 16, 4, 0, tzinfo=UTC)
    monday_morning = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # 01:00 Monday in Los Angeles: the next week
    leads = [_lead(1, datetime(2026, 11, 10, 18, 0, tzinfo=UTC)), _lead(2, sunday_evening), _lead(3, monday_morning)]
    facts = compute_facts("demo", WEEK, _rows(), leads, timezone="America/Los_Angeles")
    [crm] = [k for k in facts.kpis if k.key == "crm_leads"]
    assert crm.value == 2 and sum(facts.crm_by_source.values()) == 2
    in_utc = compute_facts("demo", WEEK, _rows(), leads)
    assert next(k for k in in_utc.kpis if k.key == "crm_leads").value == 1


def test_csv_files_of_sunday_weeks_count_the_crm_leads_of_their_weeks() -> None:
    """Leads went in Monday weeks: beside a file of Sunday weeks the CRM had 0 a week, and the sync read as broken."""
    from firstmate.domain.analysis import rules_analysis

    sunday = WEEK - timedelta(days=1)
    rows = [
        AdWeek("csv", "1001", "Brand | Leads", "Brand | Leads", "Brand | Leads/Everyone", "Everyone", "OUTCOME_LEADS",
               sunday - timedelta(weeks=back), Decimal("250.00"), "USD", 20_000, 300, 2, 431)
        for back in range(4)
    ]  # fmt: skip
    sunday_morning = datetime(2026, 11, 8, 17, 0, tzinfo=UTC)  # 09:00 in Los Angeles, the week's first day
    saturday_evening = datetime(2026, 11, 15, 4, 0, tzinfo=UTC)  # 20:00 Saturday 14th there, its last
    leads = [_lead(1, sunday_morning), _lead(2, saturday_evening)]

    facts = compute_facts("demo", sunday, rows, leads, ads_source="csv", timezone="America/Los_Angeles")

    assert facts.kpi("crm_leads").value == 2 and sum(facts.crm_by_source.values()) == 2
    assert not any("form-to-CRM" in point for point in rules_analysis(facts).sections[1].points)
