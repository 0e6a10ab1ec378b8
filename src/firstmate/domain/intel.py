"""The weekly marketing facts: computed once from the sources' rows, then read by every analyst,
renderer and check. Nothing here is estimated: every figure traces to rows.

Cost per lead (CPL) is campaign-level spend over leads, for lead-generating campaigns only; the
4-week CPL is total spend over total leads for those four weeks (not an average of weekly CPLs), a
campaign's spend counting in the weeks it was lead-generating (a traffic campaign's, those it brought
leads), on the card and in its table row alike.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from firstmate.domain.marketing import AdWeek, CrmLead, one_line
from firstmate.domain.reports.format import money as money_text
from firstmate.domain.signal import Point, Signal, Status, classify

CENT = Decimal("0.01")


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


def week_ends(week: date, zone: str) -> datetime:
    """When the week starting on `week` ends in `zone`: the midnight that starts its eighth day there."""
    return datetime.combine(week + timedelta(weeks=1), time(), ZoneInfo(zone))


def ads_days(
    week: date, business_zone: str, account_zones: dict[str, str | None], pulled_at: datetime, *, crm: bool
) -> str:
    """What the report says when an ad account counts its days in another zone than the business's (Meta's
    weeks are the account's): whose days its ad figures are, and, when the week after had ended in the
    business's zone but not in the account's as the figures were pulled, when it does (it is not this
    report's: its Sunday was still running there). "" when every account counts the business's days."""
    other = {account: zone for account, zone in sorted(account_zones.items()) if zone and zone != business_zone}
    if not other:
        return ""
    by_zone: dict[str, list[str]] = defaultdict(list)
    for account, zone in other.items():
        by_zone[zone].append(account)
    whose = " and ".join(
        f"of ad account{'s' if len(accounts) > 1 else ''} {_listed(accounts)} in {zone}"
        for zone, accounts in by_zone.items()
    )
    said = f"Ad figures are the days {whose}" + (f", CRM leads the days in {business_zone}" if crm else "")
    after = week + timedelta(weeks=1)
    ends, zone = max((week_ends(after, zone), zone) for zone in by_zone)
    if week_ends(after, business_zone) <= pulled_at < ends:
        local = ends.astimezone(ZoneInfo(business_zone))
        said += (
            f"; the week of {after:%b} {after.day} ends in {zone} at {local:%H:%M} on {local:%a %b} {local.day}, "
            f"{business_zone} time, after these figures were pulled: it is reported once it has"
        )
    return said + "."


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def money(value: Decimal) -> Decimal:
    """An amount rounded to cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def cash(value: Decimal, currency: str) -> str:
    """An amount of the report as it prints it, in its currency: "$1,234.56", "€19.07", "12,000 JPY"."""
    return money_text(value, currency, cents=True)


def in_one_currency(rows: list[AdWeek], week: date, preferred: str) -> tuple[str, list[AdWeek], list[str]]:
    """The currency the report adds and shows, the rows billed in it, and what it says of the ad accounts
    billed in another, whose figures it leaves out: amounts of two currencies added up are no amount (an
    account's pesos were added to the others' dollars). The currency is `preferred` (the business's) when an
    account is billed in it, else the first account's."""
    billed = list(dict.fromkeys(row.currency for row in rows))
    if len(billed) <= 1:
        return (billed[0] if billed else preferred), rows, []
    shown = preferred if preferred in billed else billed[0]
    others: dict[tuple[str, str], list[AdWeek]] = defaultdict(list)
    for row in rows:
        if row.currency != shown:
            others[(row.account, row.currency)].append(row)
    notes = []
    for (account, currency), held in others.items():
        this_week = [row for row in held if row.week_start == week]
        spend = cash(sum((row.spend for row in this_week), Decimal(0)), currency)
        leads = sum(row.leads for row in this_week)
        notes.append(
            f"Ad account {account} is billed in {currency}: its figures ({spend} spend, {leads:,} "
            f"lead{'' if leads == 1 else 's'} this week) are in none of this report's, which are in {shown}."
        )
    return shown, [row for row in rows if row.currency == shown], notes


def weeks_with_data(rows: Iterable[AdWeek]) -> list[date]:
    """The weeks the rows cover, oldest first."""
    return sorted({r.week_start for r in rows})


def calendar_weeks(with_data: list[date]) -> list[date]:
    """Every week from the first with data to the last, those without a row (ads paused) among them:
    skipped, "week over week" compared with two weeks before and "4 weeks" added up five. Counted back
    from the last week with data, on its weekday: a file of Sunday weeks has no Monday ones between."""
    if not with_data:
        return []
    last = with_data[-1]
    steps = (last - with_data[0]).days // 7
    return sorted({*with_data, *(last - timedelta(weeks=n) for n in range(steps + 1))})


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
    dated = [(_week_of(lead.created, zone, week.weekday()), lead) for lead in leads]
    crm_by_week: Counter[date] = Counter(when for when, lead in dated if lead.paid_social)
    kpis = _kpis(
        weeks, by_week, crm_by_week if crm_source is not None else None, "Meta" if ads_source == "meta" else "ads"
    )
    this_week = [lead for when, lead in dated if when == week]
    names = _campaign_names(by_week.get(week, []))
    activity, crm_notes = _lead_activity(by_week.get(week, []), this_week, names)
    return WeeklyFacts(
        org=org,
        week_start=week,
        currency=currency,
        kpis=kpis,
        campaigns=_campaigns(weeks, by_week, names),
        lead_activity=activity,
        crm_by_source=dict(Counter(lead.source or "UNKNOWN" for lead in this_week).most_common()),
        crm_notes=crm_notes if crm_source is not None else [],
        crm_sources=crm_sources(this_week) if crm_source is not None else [],
        ads_source=ads_source,
        crm_source=crm_source,
    )


def crm_sources(leads: Iterable[CrmLead]) -> list[CrmSourceRow]:
    """The leads by original source and utm_source: the sources with the most leads first, and in each the
    utm_source with the most (the paid-social leads together, which the "Leads in the CRM" card counts)."""
    counts = Counter((lead.source, lead.utm_source) for lead in leads)
    by_source: Counter[str] = Counter()
    for (source, _), n in counts.items():
        by_source[source] += n
    order = sorted(counts.items(), key=lambda item: (-by_source[item[0][0]], item[0][0], -item[1], item[0][1]))
    return [CrmSourceRow(source, utm_source, n) for (source, utm_source), n in order]


def _kpis(weeks: list[date], by_week: dict[date, list[AdWeek]], crm: Counter[date] | None, platform: str) -> list[Kpi]:
    def total(week: date, attr: str, lead_gen_only: bool = False) -> Decimal:
        rows = by_week[week]
        if lead_gen_only:  # a lead campaign's whole spend, as its table row counts it: its ad sets without a
            # lead (a traffic campaign's, beside the one bringing pixel leads) were left out, $150 a lead beside $500
            lead_gen = {(r.account, r.campaign_id) for r in rows if r.lead_generating}
            rows = [r for r in rows if (r.account, r.campaign_id) in lead_gen]
        return Decimal(sum(getattr(r, attr) for r in rows))

    # exact sums, so a ratio is the very figure the campaign table rounds: $100.35 over 6 leads as floats
    # came to 16.72499…, $16.72 on the card beside $16.73 in the table
    exact = {a: [total(w, a) for w in weeks] for a in ("spend", "impressions", "clicks", "leads", "landing_page_views")}
    lead_spend_exact = [total(w, "spend", lead_gen_only=True) for w in weeks]
    spend, impressions, leads, views = (
        [float(v) for v in exact[a]] for a in ("spend", "impressions", "leads", "landing_page_views")
    )
    # a week without a lead has no cost per lead: as $0.00 it read as the cheapest week, and a form
    # that broke for three weeks as good news
    cpl = [_quotient([s], [n]) for s, n in zip(lead_spend_exact, exact["leads"], strict=True)]
    ctr = [_quotient([c], [i], 100) for c, i in zip(exact["clicks"], exact["impressions"], strict=True)]
    in_crm: list[Kpi] = []  # without a CRM there is no count of its leads: zeros would read as leads lost
    if crm is not None:
        crm_leads = [float(crm.get(w, 0)) for w in weeks]
        in_crm.append(_kpi("crm_leads", "Leads in the CRM", "count", crm_leads, "leads", sums=True))
    return [
        _kpi("spend", "Ad spend", "money", spend, "spend", sums=True),
        _kpi("leads", f"Leads ({platform})", "count", leads, "leads", sums=True),
        *in_crm,
        _kpi("cpl", "Cost per lead", "money", cpl, "cpl", volumes=leads,
             rolling=_quotient(lead_spend_exact[-4:], exact["leads"][-4:]),
             all_time=_quotient(lead_spend_exact, exact["leads"])),
        _kpi("ctr", "Click-through rate", "percent", ctr, "ctr", volumes=impressions,
             rolling=_quotient(exact["clicks"][-4:], exact["impressions"][-4:], 100),
             all_time=_quotient(exact["clicks"], exact["impressions"], 100)),
        _kpi("impressions", "Impressions", "count", impressions, "impressions", sums=True),
        _kpi("landing_page_views", "Landing page views", "count", views, "leads", sums=True),
    ]  # fmt: skip


def _kpi(
    key: str, label: str, unit: str, series: Sequence[float | None], metric: str, *, sums: bool = False,
    volumes: list[float] | None = None, rolling: float | None = None, all_time: float | None = None,
) -> Kpi:  # fmt: skip
    if sums:
        rolling, all_time = sum(v or 0.0 for v in series[-4:]), sum(v or 0.0 for v in series)
    weights: list[float | None] = list(volumes) if volumes else [None] * len(series)
    scale = 100 if key == "ctr" else 1  # a rate's points carry the impressions behind them, as a fraction
    # the signal reads the weeks that have a figure
    points = [Point(v / scale, vol) for v, vol in zip(series, weights, strict=True) if v is not None]
    signal = classify(metric, points) if key != "spend" else _neutral(classify("revenue", points))
    return Kpi(
        key=key,
        label=label,
        unit=unit,
        value=series[-1] if series else 0.0,
        previous=series[-2] if len(series) > 1 else None,
        rolling_4w=rolling,
        all_time=all_time,
        series=list(series[-16:]),
        signal=signal,
    )


def _neutral(signal: Signal) -> Signal:
    """Spend moving is a decision, not news: keep the direction, never alert."""
    return Signal(signal.direction, Status.OK, signal.change, signal.z, signal.reason)


def _quotient(numerators: list[Decimal], denominators: list[Decimal], scale: int = 1) -> float | None:
    """Their sums' quotient (× `scale`) worked out exactly, as the float nearest it; None over nothing."""
    total = sum(denominators, Decimal(0))
    return float(sum(numerators, Decimal(0)) * scale / total) if total else None


def _campaign_names(rows: Iterable[AdWeek]) -> dict[tuple[str, str], str]:
    """Each campaign's name as the report shows it, by ad account and campaign id: with its account
    when another account's campaign has the same name, and its id too when its own account's has.
    Two brands' "Sunset cruises" were one row, its cost per lead counting both campaigns' spend."""
    named = {(r.account, r.campaign_id): r.campaign_name for r in rows}
    anywhere = Counter(named.values())
    in_account = Counter((account, name) for (account, _), name in named.items())
    shown = {}
    for (account, campaign_id), name in named.items():
        if anywhere[name] == 1:
            shown[(account, campaign_id)] = name
        elif in_account[(account, name)] == 1:
            shown[(account, campaign_id)] = f"{name} (ad account {account})"
        else:
            shown[(account, campaign_id)] = f"{name} (ad account {account}, campaign {campaign_id})"
    return shown


def _campaigns(
    weeks: list[date], by_week: dict[date, list[AdWeek]], names: dict[tuple[str, str], str]
) -> list[CampaignRow]:
    # grouped once, in row order: scanning every week's rows per campaign made this quadratic
    grouped: dict[tuple[str, str], dict[date, list[AdWeek]]] = defaultdict(lambda: defaultdict(list))
    for w in weeks:
        for r in by_week[w]:
            grouped[(r.account, r.campaign_id)][w].append(r)
    rows = []
    for key, name in sorted(names.items(), key=lambda item: (item[1], item[0])):
        of_campaign = grouped[key]
        weekly = [of_campaign.get(w, []) for w in weeks]
        current = weekly[-1]
        spend = money(sum((r.spend for r in current), Decimal(0)))
        leads = sum(r.leads for r in current)
        lead_gen = any(r.lead_generating for r in current)
        # the weeks it was a lead campaign, as the card counts them: a traffic campaign's spend in its weeks
        # without a lead made its row's 4-week cost per lead $266.67 beside the card's $200.00
        last4 = [r for group in weekly[-4:] if any(r.lead_generating for r in group) for r in group]
        spend4 = sum((r.spend for r in last4), Decimal(0))
        leads4 = sum(r.leads for r in last4)
        lead_series = [float(sum(r.leads for r in g)) for g in weekly]
        # the weeks with a lead, as the card reads them: a week without one counted as its spend over one
        # lead, and a campaign whose leads stopped read "[UP] [ALERT]" beside a cost per lead of "–"
        cpl_points = [
            Point(float(sum((r.spend for r in g), Decimal(0)) / int(n)), n)
            for g, n in zip(weekly, lead_series, strict=True)
            if n
        ]
        rows.append(
            CampaignRow(
                campaign=name,
                account=key[0],
                campaign_id=key[1],
                objective=current[0].objective if current else "",
                spend=spend,
                impressions=sum(r.impressions for r in current),
                clicks=sum(r.clicks for r in current),
                leads=leads,
                landing_page_views=sum(r.landing_page_views for r in current),
                cpl=money(spend / leads) if lead_gen and leads else None,
                cpl_4w=money(spend4 / leads4) if leads4 else None,
                leads_signal=classify("leads", [Point(v) for v in lead_series]) if lead_gen else None,
                cpl_signal=classify("cpl", cpl_points) if lead_gen else None,
            )
        )
    return rows


def _lead_activity(
    rows: list[AdWeek], leads: list[CrmLead], names: dict[tuple[str, str], str]
) -> tuple[list[LeadActivityRow], list[str]]:
    groups = _by_ad_set(rows, names)
    in_crm, shared, unsure = _crm_leads(groups, leads)
    activity = []
    for group in groups:
        first = group[0]
        if not any(r.lead_generating for r in group):
            continue
        spend, brought = sum((r.spend for r in group), Decimal(0)), sum(r.leads for r in group)
        ran = spend or any(r.impressions for r in group)
        if not (ran or brought or in_crm[(first.account, first.adset_id)]):
            continue  # paused (a file's row of zeros): it topped the list told to check its form
        activity.append(
            LeadActivityRow(
                campaign=names[(first.account, first.campaign_id)],
                adset=first.adset_name,
                leads=brought,
                crm_leads=in_crm[(first.account, first.adset_id)],
                spend=money(spend),
                cpl=money(spend / brought) if brought else None,
                landing_page_views=sum(r.landing_page_views for r in group),
            )
        )
    # the card counts every paid-social lead, the rows those credited to them: a lead naming an ad set not running
    # this week, or an awareness one, was in neither a row nor a line, and the column fell short of the card unsaid
    credited = sum(row.crm_leads for row in activity) + unsure
    left = sum(lead.paid_social for lead in leads) - credited
    if left > 0:
        their = "its" if left == 1 else "their"
        lead_is = "1 paid-social CRM lead is" if left == 1 else f"{left:,} paid-social CRM leads are"
        shared.append(
            f"{lead_is} credited to no ad set listed here ({their} utm_content names none of this week's lead ad "
            "sets): counted in the Leads in the CRM card and in no row."
        )
    return activity, shared


def _crm_leads(groups: list[list[AdWeek]], leads: list[CrmLead]) -> tuple[dict[tuple[str, str], int], list[str], int]:
    """How many paid-social CRM leads each ad set brought, by account and ad set id, a note for each ad set
    name the leads cannot be credited by, and how many leads those notes count. A lead counts for the ad
    set whose id its utm_content is, when no other ad set of the week has that id, or whose
    `<account>/<id>` it is; else for the one whose campaign its utm_campaign also names. Matched by name
    always, a renamed campaign lost its leads. Ids are matched on one line, as utm_content is read: a
    CSV ad set's id is its names as written. Two ad accounts' files may both run "Harbor tours/Locals":
    a lead naming it and not the account is either's, so it counts for neither (it is in the CRM's
    total) and the note says so; both rows claimed it, each lead counted twice in Lead Activity."""
    firsts = [group[0] for group in groups]
    ids = Counter(one_line(row.adset_id) for row in firsts)
    named: dict[str, tuple[str, str]] = {}  # what a lead's utm_content may say to name one ad set
    by_campaign: dict[tuple[str, str], list[AdWeek]] = defaultdict(list)  # ad sets of an id others share
    for row in firsts:
        key, adset_id = (row.account, row.adset_id), one_line(row.adset_id)
        named[f"{row.account}/{adset_id}"] = key
        if ids[adset_id] == 1:
            named[adset_id] = key
        else:
            by_campaign[(row.campaign_name, adset_id)].append(row)
    counted: Counter[tuple[str, str]] = Counter()
    unsure: Counter[tuple[str, str]] = Counter()
    for lead in (lead for lead in leads if lead.paid_social):
        candidates = by_campaign.get((lead.utm_campaign, lead.utm_content), [])
        if lead.utm_content in named:
            counted[named[lead.utm_content]] += 1
        elif len(candidates) == 1:
            counted[(candidates[0].account, candidates[0].adset_id)] += 1
        elif candidates:
            unsure[(lead.utm_campaign, lead.utm_content)] += 1
    notes = [_shared_note(n, by_campaign[key]) for key, n in sorted(unsure.items())]
    counts = {(row.account, row.adset_id): counted[(row.account, row.adset_id)] for row in firsts}
    return counts, notes, sum(unsure.values())


def _shared_note(count: int, rows: list[AdWeek]) -> str:
    """What the report says of CRM leads that name an ad set several ad accounts run, and not the account."""
    accounts = sorted({row.account for row in rows})
    both = " and ".join([", ".join(accounts[:-1]), accounts[-1]]) if len(accounts) > 1 else accounts[0]
    first = rows[0]
    lead = "1 CRM lead names" if count == 1 else f"{count:,} CRM leads name"
    return (
        f"{lead} the ad set {first.campaign_name} / {first.adset_name}, which ad accounts {both} "
        f"{'both' if len(accounts) == 2 else 'all'} run, and not the account: counted in the CRM's total and in "
        f"no ad set's row (a utm_content of {accounts[0]}/{one_line(first.adset_id)} names one)."
    )


def _by_ad_set(rows: list[AdWeek], names: dict[tuple[str, str], str]) -> list[list[AdWeek]]:
    """The week's rows of each ad set together, in campaign and ad set name order: a CSV file may split an
    ad set's week over rows, and one row each showed it twice, its CRM leads counted in both."""
    grouped: dict[tuple[str, str], list[AdWeek]] = defaultdict(list)
    for row in rows:
        grouped[(row.account, row.adset_id)].append(row)
    return sorted(grouped.values(), key=lambda g: (names[(g[0].account, g[0].campaign_id)], g[0].adset_name))


def _week_of(moment: datetime, zone: ZoneInfo, first_day: int) -> date:
    """The start of the week holding `moment`'s day in `zone`, weeks starting on `first_day` (0: Monday)."""
    day = moment.astimezone(zone).date()
    return day - timedelta(days=(day.weekday() - first_day) % 7)
