"""The weekly facts as data: `WeeklyFacts`, everything the report says as numbers, and its rows: the
headline figures (`Kpi`), the campaign table (`CampaignRow`) and the Lead Activity section (`LeadActivityRow`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from firstmate.domain.intel.crm_sources import CrmSourceRow
from firstmate.domain.signal import Signal


@dataclass(frozen=True)
class Kpi:
    """One headline figure for the week, with its history and verdict."""

    key: str
    label: str
    unit: str  # money | count | percent
    value: float | None  # None: no figure this week (a cost per lead without a lead)
    previous: float | None
    rolling_4w: float | None
    all_time: float | None
    series: list[float | None]
    signal: Signal

    @property
    def change(self) -> float | None:
        """Week-over-week change as a fraction (None without both weeks' figures, or from zero)."""
        if self.value is None or self.previous in (None, 0):
            return None
        assert self.previous is not None
        return (self.value - self.previous) / abs(self.previous)


@dataclass(frozen=True)
class CampaignRow:
    """One campaign's week."""

    campaign: str  # its name as shown: with its ad account when another account has one so named
    account: str
    campaign_id: str
    objective: str
    spend: Decimal
    impressions: int
    clicks: int
    leads: int
    landing_page_views: int
    cpl: Decimal | None
    cpl_4w: Decimal | None
    leads_signal: Signal | None
    cpl_signal: Signal | None


@dataclass(frozen=True)
class LeadActivityRow:
    """One lead-generating ad set's week, as the Lead Activity section shows it."""

    campaign: str
    adset: str
    leads: int
    crm_leads: int
    spend: Decimal  # what its cost per lead is worked out from, shown beside it
    cpl: Decimal | None
    landing_page_views: int

    @property
    def has_leads(self) -> bool:
        """Green when the week brought leads, yellow when it brought none."""
        return self.leads > 0 or self.crm_leads > 0


#: The sources' names in a reader's words.
SOURCE_WORDS = {"meta": "Meta ads", "csv": "the ads CSV files", "hubspot": "HubSpot"}


@dataclass(frozen=True)
class WeeklyFacts:
    """Everything the weekly report says, as numbers."""

    org: str
    week_start: date
    currency: str
    kpis: list[Kpi]
    campaigns: list[CampaignRow]
    lead_activity: list[LeadActivityRow]
    crm_by_source: dict[str, int]
    restatements: list[str] = field(default_factory=list)
    #: CRM leads no one ad set can be credited with (an ad set two ad accounts run, the lead not saying which)
    crm_notes: list[str] = field(default_factory=list)
    pulled_at: datetime | None = None
    ads_source: str = "meta"  # the sources' names (`AdsSource.name`, `CrmSource.name`; None: no CRM)
    crm_source: str | None = "hubspot"
    #: whose days the ad figures are, when an ad account counts them in another zone than the business (`ads_days`)
    ads_days: str = ""
    #: the ad accounts billed in another currency than `currency`, left out of every figure (`in_one_currency`)
    other_currencies: list[str] = field(default_factory=list)
    #: the week's CRM leads by original source and utm_source, the most leads first (`crm_sources`)
    crm_sources: list[CrmSourceRow] = field(default_factory=list)

    @property
    def crm_total(self) -> int:
        """How many leads came into the CRM this week, from every source."""
        return sum(row.leads for row in self.crm_sources)

    @property
    def crm_paid_social(self) -> int:
        """How many of them came from paid social: the "Leads in the CRM" card's figure."""
        return sum(row.leads for row in self.crm_sources if row.source == "PAID_SOCIAL")

    @property
    def data_sources(self) -> str:
        """Where the figures came from, in words: "Meta ads and HubSpot"."""
        ads = SOURCE_WORDS.get(self.ads_source, self.ads_source)
        if self.crm_source is None:
            return f"{ads}, no CRM"
        return f"{ads} and {SOURCE_WORDS.get(self.crm_source, self.crm_source)}"

    @property
    def week_end(self) -> date:
        """The Sunday that ends the week."""
        return self.week_start + timedelta(days=6)

    def kpi(self, key: str) -> Kpi:
        """One KPI by key."""
        return next(k for k in self.kpis if k.key == key)
