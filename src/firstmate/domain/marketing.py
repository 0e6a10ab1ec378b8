"""Marketing facts as the sources report them: ad-set weeks and CRM leads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

#: No ad set spends or counts more than this in a week: a larger figure is a broken answer.
MAX_FIGURE = 10**12
#: Meta reports one lead under several action types; these are tried in order and only the first
#: present is counted (summing them would count each lead two or three times).
LEAD_ACTIONS = ("lead", "onsite_conversion.lead_grouped", "offsite_conversion.fb_pixel_lead", "leadgen_grouped")


def one_line(name: str) -> str:
    """`name` with each line break, tab or other control character a space: a campaign named over two lines
    broke the plain-text report's lines, and the PDF had no glyph for it."""
    return name if name.isprintable() else "".join(c if c.isprintable() else " " for c in name)


@dataclass(frozen=True)
class AdWeek:
    """One ad set's week on an ad platform."""

    source: str
    account: str
    campaign_id: str
    campaign_name: str
    adset_id: str
    adset_name: str
    objective: str
    week_start: date
    spend: Decimal
    currency: str
    impressions: int
    clicks: int
    leads: int
    landing_page_views: int

    def __post_init__(self) -> None:
        # checked once, here, so no NaN, infinite or negative figure from a source reaches a report
        if not (self.spend.is_finite() and 0 <= self.spend <= MAX_FIGURE):
            raise ValueError(f"spend must be an amount from 0 to {MAX_FIGURE:,}, not {self.spend}")
        counts = (self.impressions, self.clicks, self.leads, self.landing_page_views)
        if not all(0 <= count <= MAX_FIGURE for count in counts):
            raise ValueError(f"impressions, clicks, leads and landing page views must be from 0 to {MAX_FIGURE:,}")
        for name in ("campaign_name", "adset_name"):
            object.__setattr__(self, name, one_line(getattr(self, name)))

    def in_currency(self, currency: str, unit: Decimal) -> AdWeek:
        """This week as its source meant it when it names no currency: in `currency`, the spend to `unit` (its
        minor unit, half up). Not checked again: rounding a checked spend to a coarser unit keeps it in range,
        and a run of sixteen weeks copies thousands of rows (checking each twice was a twentieth of a build)."""
        copied = object.__new__(AdWeek)
        copied.__dict__.update(self.__dict__, currency=currency, spend=self.spend.quantize(unit, ROUND_HALF_UP))
        return copied

    @property
    def lead_generating(self) -> bool:
        """Whether this campaign is meant to bring leads (only those have a cost per lead)."""
        return self.objective in ("OUTCOME_LEADS", "LEAD_GENERATION") or self.leads > 0


@dataclass(frozen=True)
class CrmLead:
    """A contact created in the CRM, with what it says about where it came from: HubSpot's original source
    (`hs_analytics_source`: PAID_SOCIAL, ORGANIC_SEARCH…) and its drill-downs, and the UTM fields a form
    keeps (`utm_source`: facebook, instagram, newsletter…; "" when the contact has none, as in a run archived
    before they were kept)."""

    id: str
    created: datetime
    source: str
    source_data_1: str
    source_data_2: str
    utm_campaign: str
    utm_content: str
    utm_source: str = ""
    utm_medium: str = ""

    def __post_init__(self) -> None:
        if self.created.tzinfo is None:  # compared with aware times everywhere: a naive one would crash later
            raise ValueError(f"the creation time {self.created.isoformat()} has no offset")
        # as the ads' names are, so the two still match, and as the report shows them (most are one line already)
        if not (self.utm_campaign + self.utm_content + self.utm_source + self.utm_medium).isprintable():
            for name in ("utm_campaign", "utm_content", "utm_source", "utm_medium"):
                object.__setattr__(self, name, one_line(getattr(self, name)))

    @property
    def paid_social(self) -> bool:
        """Whether the CRM attributes it to paid social ads."""
        return self.source == "PAID_SOCIAL"


def once_each(rows: Iterable[AdWeek]) -> list[AdWeek]:
    """One row per account, ad set and week: a row a source sends again (Meta, when its data moves
    while it is paged) counts once, as last sent, where it was first."""
    kept: dict[tuple[str, str, date], AdWeek] = {}
    for row in rows:
        kept[(row.account, row.adset_id, row.week_start)] = row
    return list(kept.values())


def canonical_leads(actions: Sequence[Mapping[str, object]]) -> int:
    """Leads in a Meta `actions` list, counted once (see LEAD_ACTIONS)."""
    by_type = {str(a.get("action_type")): a.get("value") for a in actions}
    for action in LEAD_ACTIONS:
        if action in by_type:
            return int(float(str(by_type[action])))
    return 0


def action_count(actions: Sequence[Mapping[str, object]], action_type: str) -> int:
    """The count of one action type (0 when absent)."""
    for action in actions:
        if action.get("action_type") == action_type:
            return int(float(str(action.get("value", 0))))
    return 0
