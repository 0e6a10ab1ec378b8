"""`compute_facts`: the facts of a week from the ad rows and CRM leads up to it, put together from the
KPIs, the campaign table, the Lead Activity section and the CRM's sources."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from zoneinfo import ZoneInfo

from firstmate.domain.intel.campaigns import campaign_names, campaign_rows
from firstmate.domain.intel.crm_sources import crm_sources
from firstmate.domain.intel.facts import WeeklyFacts
from firstmate.domain.intel.kpis import weekly_kpis
from firstmate.domain.intel.lead_activity import lead_activity
from firstmate.domain.intel.weeks import calendar_weeks, week_of, weeks_with_data
from firstmate.domain.marketing import AdWeek, CrmLead


def compute_facts(
    org: str, week: date, rows: list[AdWeek], leads: list[CrmLead], *, currency: str = "USD",
    ads_source: str = "meta", crm_source: str | None = "hubspot", timezone: str = "UTC",
) -> WeeklyFacts:  # fmt: skip
    """The facts of `week` from every row up to it (history feeds trends and signals), and the
    names of the sources they came from. A lead belongs to the week of the day it was created on in
    `timezone`, the business's (Meta's weeks are the ad account's days already), its weeks starting
    on `week`'s weekday, as the ads' do."""
    zone = ZoneInfo(timezone)
    weeks = calendar_weeks([w for w in weeks_with_data(rows) if w <= week])
    by_week: dict[date, list[AdWeek]] = defaultdict(list)
    for row in rows:
        if row.week_start <= week:
            by_week[row.week_start].append(row)
    # each lead's week, worked out once, on the ads' weekday: by Monday a file of Sunday weeks had none
    dated = [(week_of(lead.created, zone, week.weekday()), lead) for lead in leads]
    crm_by_week: Counter[date] = Counter(when for when, lead in dated if lead.paid_social)
    kpis = weekly_kpis(
        weeks, by_week, crm_by_week if crm_source is not None else None, "Meta" if ads_source == "meta" else "ads"
    )
    this_week = [lead for when, lead in dated if when == week]
    names = campaign_names(by_week.get(week, []))
    activity, crm_notes = lead_activity(by_week.get(week, []), this_week, names)
    return WeeklyFacts(
        org=org,
        week_start=week,
        currency=currency,
        kpis=kpis,
        campaigns=campaign_rows(weeks, by_week, names),
        lead_activity=activity,
        crm_by_source=dict(Counter(lead.source or "UNKNOWN" for lead in this_week).most_common()),
        crm_notes=crm_notes if crm_source is not None else [],
        crm_sources=crm_sources(this_week) if crm_source is not None else [],
        ads_source=ads_source,
        crm_source=crm_source,
    )
