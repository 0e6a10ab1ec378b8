"""The CMO's arithmetic outside channels: the weekly KPI cards, the email blast model and the local
SEO checklist. Pure functions over snapshot rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from firstmate.domain.analysis import percent
from firstmate.domain.business import Entity, EntityKind
from firstmate.domain.reports.document import Card, Tone
from firstmate.domain.reports.format import count, money, pct, whole
from firstmate.domain.snapshot import EmailList, MarketingKpi, SeoProfile, Snapshot

#: Entity kinds that sell to repeat leisure guests: an email list pays for itself there.
LIST_KINDS = frozenset({EntityKind.CHARTER, EntityKind.GUEST_BRAND, EntityKind.RENTAL})
MIN_REVIEWS = 25
MIN_RATING = Decimal("4.5")


# --- weekly KPIs ---------------------------------------------------------------------------------


def kpi_value(kpi: MarketingKpi, currency: str) -> str:
    """A KPI's figure as the weekly report prints it: money with cents in `currency` (the weekly
    report's own), a whole count, or a percent with two places (1.08 → "1.08%"); "no leads" for a
    cost per lead without one."""
    if kpi.value is None:
        return "no leads" if kpi.key == "cpl" else "—"
    if kpi.unit == "money":
        return money(kpi.value, currency, cents=True)
    if kpi.unit == "percent":  # the weekly report keeps rates in percent points
        return pct(kpi.value / 100, 2)
    return count(kpi.value.to_integral_value(ROUND_HALF_UP))


def change_percent(change: Decimal) -> str:
    """A week-over-week change rounded as the weekly report rounds it (0.125 → "+12%"), with the
    role reports' minus sign."""
    return percent(float(change)).replace("-", "−")


def change_note(kpi: MarketingKpi) -> str:
    """The week-over-week change as the weekly report words it: "+12% week over week"; without one, "no
    previous week" in a first week alone (after a week without a lead it read so, 16 weeks in)."""
    if kpi.change is None:
        return "no previous week" if kpi.weeks < 2 else "no comparison with last week"
    return f"{change_percent(kpi.change)} week over week"


def trend_note(kpi: MarketingKpi) -> str:
    """The weekly report's direction, said as what it measures: its last 3 weeks against the usual level (the
    weeks before the last 4), which may run against this week's change ("[UP] … −14% week over week")."""
    return f"3-week trend {kpi.direction} against the usual level"


def kpi_card(kpi: MarketingKpi, currency: str) -> Card:
    """One card per KPI: ALERT tone on an alert, OK when it moved the right way, INFO when flat; the note says the
    trend and the week-over-week change, each by what it measures."""
    tone = Tone.ALERT if kpi.status == "ALERT" else Tone.OK if kpi.direction != "FLAT" else Tone.INFO
    return Card(
        label=kpi.label,
        value=kpi_value(kpi, currency),
        tone=tone,
        marker=f"[{kpi.status}]",
        note=f"{trend_note(kpi)}; {change_note(kpi)}",
        raw=kpi.value,
    )


def marketing_week(snapshot: Snapshot) -> str:
    """The week the weekly marketing report is of, as the CMO's report words it: "this week", or, when a
    later week has ended unreported (the weekly report not run since: an expired token; on AWS the role
    reports built before it), "the week of 23 Nov 2026"."""
    assert snapshot.marketing is not None
    week = snapshot.marketing.week
    # a week ended more than seven days before the report's day has another, complete, after it
    return "this week" if (snapshot.as_of - week).days - 6 <= 7 else f"the week of {week:%d %b %Y}"


def leads_kpi(snapshot: Snapshot) -> MarketingKpi | None:
    """This week's "leads" KPI, when the weekly report has one."""
    if snapshot.marketing is None:
        return None
    return next((k for k in snapshot.marketing.kpis if k.key == "leads" and k.value is not None), None)


# --- email blast model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Blast:
    """What one email blast to a list yields, step by step, each step from the one before as the table shows
    it: whole people who open and click, bookings to the hundredth, and their revenue."""

    row: EmailList
    opens: int
    clicks: int
    bookings: Decimal
    revenue: Decimal

    @property
    def monthly(self) -> Decimal:
        """Revenue of a month's blasts: a blast's in whole units, as its row shows it, × blasts a month (the
        exact $1,497.30 twice read "$2,995" beside "$1,497" and "2", where the reader's product is $2,994)."""
        return whole(self.revenue) * self.row.blasts_per_month


def blast(row: EmailList) -> Blast:
    """opens = subscribers × open rate and clicks = opens × click rate, each rounded down to whole people;
    bookings = clicks × conversion, to the hundredth; revenue = bookings × average order. Each step takes the
    one before as shown, so that a reader redoes it: the exact products read 52 clicks × 2.5% = "1.3" bookings
    and "$1,497" a blast, from 52.08 clicks and 1.302 bookings × an average order not shown."""
    opens = int((row.subscribers * row.open_rate).to_integral_value(ROUND_DOWN))
    clicks = int((opens * row.click_rate).to_integral_value(ROUND_DOWN))
    bookings = (clicks * row.conversion_rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Blast(row, opens, clicks, bookings, bookings * row.average_order)


def blasts(snapshot: Snapshot) -> list[Blast]:
    """Every list's blast, by business name then subscribers (largest first)."""
    rows = sorted(
        snapshot.finance.email_lists,
        key=lambda r: (snapshot.entity_name(r.entity).lower(), r.entity, -r.subscribers, r.open_rate),
    )
    return [blast(r) for r in rows]


def rate_text(rate: Decimal) -> str:
    """A rate of business.yaml as a percent to one decimal, or as many as it is written with, so that a step
    worked out from it is redone from it: 0.31 → "31.0%", 0.0333 → "3.33%" (not "3.3%")."""
    value = rate * 100
    places = max(1, -int(value.normalize().as_tuple().exponent))
    return f"{value:.{places}f}%"


def blast_row(b: Blast, snapshot: Snapshot) -> tuple[str, ...]:
    """One table row of the blast model."""
    currency = snapshot.currency
    return (
        snapshot.entity_name(b.row.entity),
        count(b.row.subscribers),
        f"{count(b.opens)} ({rate_text(b.row.open_rate)})",
        f"{count(b.clicks)} ({rate_text(b.row.click_rate)})",
        f"{b.bookings} ({rate_text(b.row.conversion_rate)})",
        money(b.row.average_order, currency, cents=b.row.average_order != b.row.average_order.to_integral_value()),
        money(b.revenue, currency),
        str(b.row.blasts_per_month),
        money(b.monthly, currency),
    )


def without_list(snapshot: Snapshot, entities: list[Entity]) -> list[Entity]:
    """Charter, guest-brand and rental lines that have no email list."""
    listed = {r.entity for r in snapshot.finance.email_lists}
    return [e for e in entities if e.kind in LIST_KINDS and e.id not in listed]


# --- local SEO -----------------------------------------------------------------------------------

#: The checklist, in display order: label and the test on a brand's SEO row.
SEO_ITEMS: tuple[tuple[str, Callable[[SeoProfile], bool]], ...] = (
    ("Claimed business profile", lambda p: p.business_profile),
    (f"≥ {MIN_REVIEWS} reviews", lambda p: p.reviews >= MIN_REVIEWS),
    (f"Rating ≥ {MIN_RATING}", lambda p: p.rating is not None and p.rating >= MIN_RATING),
    ("Consistent name/address/phone", lambda p: p.consistent_contact),
    ("HTTPS site", lambda p: p.https),
    ("Structured data", lambda p: p.structured_data),
    ("Location page", lambda p: p.location_page),
)


def seo_profile(snapshot: Snapshot, entity: Entity) -> SeoProfile:
    """The brand's SEO row from business.yaml; without one, an all-unchecked profile."""
    found = next((p for p in snapshot.finance.seo if p.entity == entity.id), None)
    return found if found is not None else SeoProfile(entity=entity.id)


def seo_gaps(profile: SeoProfile) -> list[str]:
    """The checklist items this brand has not done, in checklist order."""
    return [label for label, check in SEO_ITEMS if not check(profile)]


def seo_row(entity: Entity, profile: SeoProfile) -> tuple[str, ...]:
    """One brand's checklist row: ✓/✗ per item, with its review count and rating where they matter."""
    cells = []
    for label, check in SEO_ITEMS:
        mark = "✓" if check(profile) else "✗"
        if label.startswith("≥"):
            mark += f" ({count(profile.reviews)})"
        elif label.startswith("Rating"):
            mark += f" ({profile.rating if profile.rating is not None else 'none'})"
        cells.append(mark)
    done = len(SEO_ITEMS) - len(seo_gaps(profile))
    return (entity.name, *cells, f"{done} of {len(SEO_ITEMS)}")
