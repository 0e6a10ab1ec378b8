"""Where the week's CRM leads came from: one `CrmSourceRow` for each original source and utm_source, in a
reader's words and cut to what a table cell shows (`crm_sources` counts them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from firstmate.domain.marketing import CrmLead, one_line

#: HubSpot's original sources (`hs_analytics_source`) in a reader's words; another reads as written, "_" a space.
CRM_SOURCE_WORDS = {
    "PAID_SOCIAL": "Paid social", "PAID_SEARCH": "Paid search", "ORGANIC_SEARCH": "Organic search",
    "SOCIAL_MEDIA": "Organic social", "EMAIL_MARKETING": "Email marketing", "REFERRALS": "Referrals",
    "AI_REFERRALS": "AI referrals", "DIRECT_TRAFFIC": "Direct traffic", "OTHER_CAMPAIGNS": "Other campaigns",
    "OFFLINE": "Offline sources", "": "No source",
}  # fmt: skip


@dataclass(frozen=True)
class CrmSourceRow:
    """How many of the week's CRM leads came from one original source and utm_source."""

    source: str  # HubSpot's hs_analytics_source as read ("" when the contact has none)
    utm_source: str  # the contact's utm_source as read ("" when it has none)
    leads: int

    @property
    def source_words(self) -> str:
        """The original source in words: "Paid social" (one of another name cut to `SHOWN_CHARS`)."""
        return CRM_SOURCE_WORDS.get(self.source) or _cut(one_line(self.source).replace("_", " ").capitalize())

    @property
    def shown_utm(self) -> str:
        """utm_source as the email, page and text show it: cut to `SHOWN_CHARS` ("…" ending it). Anyone may
        write a link's ?utm_source=: 5,000 letters made one unbroken cell, which widened the email's table
        past the screen (Outlook wraps no word). The JSON keeps it whole."""
        return _cut(self.utm_source)

    @property
    def label(self) -> str:
        """The row as the report names it: "Paid social (utm_source facebook)", "Organic search"."""
        return self.source_words + (f" (utm_source {self.shown_utm})" if self.utm_source else "")


#: The most characters of a CRM source or utm_source the email, page and text show.
SHOWN_CHARS = 60


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def crm_sources(leads: Iterable[CrmLead]) -> list[CrmSourceRow]:
    """The leads by original source and utm_source: the sources with the most leads first, and in each the
    utm_source with the most (the paid-social leads together, which the "Leads in the CRM" card counts)."""
    counts = Counter((lead.source, lead.utm_source) for lead in leads)
    by_source: Counter[str] = Counter()
    for (source, _), n in counts.items():
        by_source[source] += n
    order = sorted(counts.items(), key=lambda item: (-by_source[item[0][0]], item[0][0], -item[1], item[0][1]))
    return [CrmSourceRow(source, utm_source, n) for (source, utm_source), n in order]
