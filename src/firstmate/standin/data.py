"""A deterministic, fictional marketing history: ad campaigns and CRM contacts for two brands.

Sixteen weeks of Meta ad-set insights and HubSpot contacts, with the ordinary noise of real
accounts and two stories worth a report: the sunset-cruise campaign's cost per lead has been
high for three weeks, and one week of the private-charter campaign had a one-off cheap spike.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta


@dataclass(frozen=True)
class AdSet:
    """One ad set of one campaign, with its weekly habits."""

    account: str
    campaign_id: str
    campaign_name: str
    adset_id: str
    adset_name: str
    objective: str  # OUTCOME_LEADS or OUTCOME_AWARENESS
    weekly_spend: float
    cpm: float
    ctr: float
    cpl: float  # what a lead usually costs (lead campaigns)
    landing_page: str


@dataclass(frozen=True)
class InsightRow:
    """What Meta reports for one ad set and one week."""

    adset: AdSet
    week_start: date
    spend: float
    impressions: int
    clicks: int
    leads: int
    landing_page_views: int


@dataclass(frozen=True)
class Contact:
    """A CRM contact created from a lead or from elsewhere."""

    id: str
    created: datetime
    email: str
    source: str  # PAID_SOCIAL, ORGANIC_SEARCH, DIRECT_TRAFFIC, REFERRALS
    source_data_1: str
    source_data_2: str
    utm_campaign: str
    utm_content: str
    brand: str
    utm_source: str = ""  # as a form's hidden field keeps it: facebook, instagram, newsletter
    utm_medium: str = ""


@dataclass
class History:
    """Everything the stand-in servers answer from."""

    weeks: list[date]
    adsets: list[AdSet]
    rows: list[InsightRow] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)


ADSETS = [
    AdSet("1001", "23850001", "SW | Sunset Cruises | Leads", "23850101", "SF locals 25-54", "OUTCOME_LEADS", 420, 11.0, 0.014, 21.0, "https://charters.example.com/sunset"),
    AdSet("1001", "23850001", "SW | Sunset Cruises | Leads", "23850102", "Visitors - Fisherman's Wharf", "OUTCOME_LEADS", 260, 13.5, 0.011, 26.0, "https://charters.example.com/sunset"),
    AdSet("1001", "23850002", "SW | Private Charters | Leads", "23850201", "Corporate events", "OUTCOME_LEADS", 380, 16.0, 0.009, 48.0, "https://charters.example.com/private"),
    AdSet("1001", "23850003", "SW | Brand Awareness", "23850301", "Bay Area broad", "OUTCOME_AWARENESS", 150, 6.0, 0.006, 0.0, "https://charters.example.com/"),
    AdSet("1002", "23860001", "TW | Membership | Leads", "23860101", "Sailing enthusiasts", "OUTCOME_LEADS", 300, 12.0, 0.012, 34.0, "https://sail.example.com/join"),
    AdSet("1002", "23860002", "TW | Sailing School | Leads", "23860201", "Learn to sail 2026", "OUTCOME_LEADS", 220, 10.5, 0.013, 29.0, "https://sail.example.com/school"),
]  # fmt: skip
FIRST_NAMES = ["alex", "sam", "jordan", "casey", "robin", "kit", "lee", "morgan", "drew", "quinn", "avery", "rowan"]


def monday_on_or_before(day: date) -> date:
    """The Monday that starts `day`'s week."""
    return day - timedelta(days=day.weekday())


def build_history(last_complete_week: date, weeks: int = 16, seed: int = 20261121) -> History:
    """The fictional history ending with the week that starts `last_complete_week` (a Monday)."""
    rng = random.Random(seed)
    starts = [last_complete_week - timedelta(weeks=weeks - 1 - n) for n in range(weeks)]
    history = History(weeks=starts, adsets=list(ADSETS))
    for index, week in enumerate(starts):
        for adset in ADSETS:
            history.rows.append(_row(rng, adset, week, index, weeks))
    _contacts(rng, history)
    return history


def _row(rng: random.Random, adset: AdSet, week: date, index: int, weeks: int) -> InsightRow:
    spend = adset.weekly_spend * rng.uniform(0.85, 1.15)
    impressions = int(spend / adset.cpm * 1000 * rng.uniform(0.92, 1.08))
    clicks = _poisson(rng, impressions * adset.ctr)
    leads = 0
    if adset.objective == "OUTCOME_LEADS":
        cpl = adset.cpl
        if adset.campaign_id == "23850001" and index >= weeks - 3:
            cpl *= 2.3  # the story: sunset-cruise leads cost more than twice as much since three weeks ago
        if adset.campaign_id == "23850002" and index == weeks - 6:
            cpl *= 0.5  # a one-off cheap week (a viral post): a spike, not a trend
        leads = _poisson(rng, spend / cpl)
    landing = int(clicks * rng.uniform(0.55, 0.8))
    return InsightRow(adset, week, round(spend, 2), impressions, clicks, leads, landing)


def _contacts(rng: random.Random, history: History) -> None:
    number = 0
    for row in history.rows:
        for _ in range(max(row.leads - _poisson(rng, 0.4), 0)):  # a few leads never reach the CRM
            number += 1
            history.contacts.append(_contact(rng, number, row.week_start, row.adset))
    for week in history.weeks:
        for _ in range(_poisson(rng, 14)):  # contacts that came from elsewhere
            number += 1
            history.contacts.append(_contact(rng, number, week, None))


def _contact(rng: random.Random, number: int, week: date, adset: AdSet | None) -> Contact:
    created = datetime(week.year, week.month, week.day, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 7 * 86400 - 1))
    name = rng.choice(FIRST_NAMES)
    if adset is None:
        source = rng.choice(["ORGANIC_SEARCH", "DIRECT_TRAFFIC", "REFERRALS", "EMAIL_MARKETING"])
        brand = rng.choice(["SW", "TW"])
        utm = ("newsletter", "email") if source == "EMAIL_MARKETING" else ("", "")
        return Contact(
            str(900000 + number), created, f"{name}.{number}@example.com", source, "", "", "", "", brand, *utm
        )
    brand = adset.campaign_name.split(" | ")[0]
    return Contact(
        id=str(900000 + number),
        created=created,
        email=f"{name}.{number}@example.com",
        source="PAID_SOCIAL",
        source_data_1="Facebook",
        source_data_2=adset.adset_name,
        utm_campaign=adset.campaign_name,
        utm_content=adset.adset_id,
        brand=brand,
        utm_source="instagram" if number % 4 == 0 else "facebook",  # Meta's placements: not drawn, the rest stays
        utm_medium="paid_social",
    )


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, 1.0
    while True:
        product *= rng.random()
        if product <= limit:
            return count
        count += 1
