"""The weekly marketing facts: computed once from the sources' rows, then read by every analyst,
renderer and check. Nothing here is estimated: every figure traces to rows.

Cost per lead (CPL) is campaign-level spend over leads, for lead-generating campaigns only; the
4-week CPL is total spend over total leads for those four weeks (not an average of weekly CPLs), a
campaign's spend counting in the weeks it was lead-generating (a traffic campaign's, those it brought
leads), on the card and in its table row alike.

- `facts`: `WeeklyFacts` and its rows (`Kpi`, `CampaignRow`, `LeadActivityRow`).
- `compute`: `compute_facts`, the facts of a week from the rows and leads up to it.
- `kpis`: the headline figures, each with its history and signal.
- `campaigns`: the campaign table, its names told apart across ad accounts.
- `lead_activity`: the Lead Activity section, CRM leads credited to ad sets by utm_content.
- `crm_sources`: the week's CRM leads by original source and utm_source.
- `weeks`: when a week ends, whose days the ad figures are, which weeks the rows cover.
- `amounts`: amounts to the cent, in the report's currency, and the one currency it adds.
"""

from firstmate.domain.intel.amounts import cash, in_one_currency
from firstmate.domain.intel.compute import compute_facts
from firstmate.domain.intel.crm_sources import CrmSourceRow, crm_sources
from firstmate.domain.intel.facts import CampaignRow, Kpi, LeadActivityRow, WeeklyFacts
from firstmate.domain.intel.weeks import ads_days, week_ends, weeks_with_data

__all__ = [
    "CampaignRow",
    "CrmSourceRow",
    "Kpi",
    "LeadActivityRow",
    "WeeklyFacts",
    "ads_days",
    "cash",
    "compute_facts",
    "crm_sources",
    "in_one_currency",
    "week_ends",
    "weeks_with_data",
]
