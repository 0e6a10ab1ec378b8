"""The CMO lens: this week's marketing KPIs, where each business line is listed, which channel to add
next, what the email lists can earn, the local SEO checklist, and 30/60/90-day milestones."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from firstmate.domain.business import Entity
from firstmate.domain.reports import cmo_calc as calc
from firstmate.domain.reports import cmo_channels as ch
from firstmate.domain.reports.document import Card, Finding, ReportDocument, Section, Severity, Table, compose
from firstmate.domain.reports.format import count, money, pct, plural, whole
from firstmate.domain.snapshot import ListingStatus, Snapshot

ROLE = "cmo"
NO_ENTITIES = "No business lines yet: add them to the business profile (org, entities, assets)."
LEAD_GROWTH = Decimal("1.2")  # the 90-day lead target: 20% more weekly leads than this week

# Severity guide (all lenses): HIGH = money at stake ≥ 1,000, a security or legal exposure, or a goal
# missed by more than 20%; MEDIUM = smaller money or a clear gap; LOW = hygiene. Money in a dollar's worth,
# scaled to the currency (`in_units_of`: ¥100,000).


def cmo_report(snapshot: Snapshot) -> ReportDocument:
    """The CMO's report: marketing KPIs, channel matrix and sequencing, email model, local SEO, milestones."""
    parts = [
        _kpi_section(snapshot),
        _matrix_section(snapshot),
        _sequence_section(snapshot),
        _email_section(snapshot),
        _seo_section(snapshot),
    ]
    sections = [section for section, _ in parts]
    findings = [finding for _, found in parts for finding in found]
    sections.append(_milestones_section(snapshot))
    return compose(ROLE, snapshot, _headline(snapshot), tuple(sections), tuple(findings))


def _finding(what: str, which: str, title: str, detail: str, severity: Severity) -> Finding:
    return Finding(key=f"{ROLE}:{what}:{which}", title=title, detail=detail, severity=severity, owner=ROLE, lens=ROLE)


def _headline(snapshot: Snapshot) -> str:
    """The number of marketing alerts, the number of missing channels and the single best next listing."""
    if snapshot.marketing is None:
        first = "No weekly marketing report yet"
    else:
        alerts = sum(1 for k in snapshot.marketing.kpis if k.status == "ALERT")
        week = calc.marketing_week(snapshot)
        first = f"{plural(alerts, 'alert')} in this week's marketing"
        if week != "this week":
            first = f"{plural(alerts, 'alert')} in the marketing of {week} (no weekly report since)"
    if not snapshot.entities:
        return f"{first}; no business lines defined yet."
    steps = ch.sequence(snapshot)
    best = ch.next_overall(steps)
    nxt = f", list {best.entity.name} on {best.channel.name} next" if best else ""
    return f"{first}; {plural(len(steps), 'channel')} missing{nxt}."


def _kpi_section(snapshot: Snapshot) -> tuple[Section, list[Finding]]:
    """One card per KPI of the latest weekly marketing report; each ALERT becomes a finding."""
    title = "This week's marketing KPIs"
    method = (
        "The latest weekly marketing report ('firstmate intel run'): each KPI's value, trend and status "
        "as that report computed them from its sources (the ad accounts, and the CRM when there is one). The "
        "3-week trend (UP, DOWN or FLAT) judges the last 3 weeks against the usual level (the median of the "
        "weeks before the last 4), so it may run against the week-over-week change beside it, (this week − "
        "last week) / last week."
    )
    marketing = snapshot.marketing
    if marketing is None:
        return Section(title, summary="No weekly marketing report yet: run 'firstmate intel run'.", method=method), []
    cards = tuple(calc.kpi_card(k, marketing.currency) for k in marketing.kpis)
    week = calc.marketing_week(snapshot)
    when = "this week" if week == "this week" else f"in {week}"
    findings = [
        _finding(
            "kpi",
            k.key,
            f"Act on {k.label}: {calc.kpi_value(k, marketing.currency)} {when}, 3-week trend {k.direction}",
            f"The weekly marketing report of {marketing.week:%d %b %Y} flags {k.label} as ALERT: "
            f"{calc.kpi_value(k, marketing.currency)}, {calc.trend_note(k)}, {calc.change_note(k)}.",
            Severity.MEDIUM,
        )
        for k in marketing.kpis
        if k.status == "ALERT"
    ]
    summary = f"Week of {marketing.week:%d %b %Y}: {plural(len(findings), 'alert')} in {len(cards)} KPIs."
    if week != "this week":
        summary += " There is no weekly marketing report since: 'firstmate intel runs' lists them."
    if not cards:
        summary = f"The weekly report of {marketing.week:%d %b %Y} has no KPIs: check 'firstmate intel run'."
    return Section(title, summary=summary, cards=cards, method=method), findings


def _matrix_section(snapshot: Snapshot) -> tuple[Section, list[Finding]]:
    """Business lines × channels: live / listed / missing / — ; each listed-not-live channel is a finding."""
    title = "Channel visibility"
    method = (
        "channels.csv rows (status live or listed) for each business line; a catalogue channel that suits the "
        "line's kind and has no row is 'missing'; '—' = not relevant to that kind. Columns: the catalogue "
        "channels for the kinds present plus every channel named in channels.csv."
    )
    entities = ch.sorted_entities(snapshot)
    if not entities:
        return Section(title, summary=NO_ENTITIES + " Then list channels in channels.csv.", method=method), []
    found = ch.statuses(snapshot)
    channels = ch.matrix_channels(snapshot)
    rows = tuple((e.name, *(ch.cell(e, c, found) for c in channels)) for e in entities)
    cells = [cell for row in rows for cell in row[1:]]
    summary = (
        f"{cells.count('live')} live, {cells.count('listed')} listed, {cells.count(ch.MISSING)} missing "
        f"across {plural(len(entities), 'business line')}."
    )
    if not snapshot.listings:
        summary += " No listings yet: add channels.csv to the data folder."
    findings = [
        _finding(
            "listed",
            f"{e.id}:{ch.slug(c)}",
            f"Finish the {c} listing for {e.name}",
            f"{e.name} is on {c} but not bookable (status 'listed' in channels.csv); the setup work is "
            "already done, so going live costs nothing more.",
            Severity.MEDIUM,
        )
        for e in entities
        for c in channels
        if found.get((e.id, c)) is ListingStatus.LISTED
    ]
    table = Table(columns=("Business", *channels), rows=rows, title="Where each business line is listed")
    return Section(title, summary=summary, tables=(table,), method=method), findings


def _why(channel: ch.Channel) -> str:
    """The figures behind a channel's rank, for the sequencing table."""
    return (
        f"reach {channel.reach}/5, commission {pct(channel.commission)}, "
        f"setup ~{plural(channel.setup_days, 'day')}; score {channel.score.quantize(Decimal('0.01'))}"
    )


def _sequence_section(snapshot: Snapshot) -> tuple[Section, list[Finding]]:
    """Each line's missing channels in listing order; the first one per line becomes a finding."""
    title = "Which channel to add next"
    method = (
        "For each business line, the catalogue channels that suit its kind and have no channels.csv row, "
        "ranked by score = reach (1–5) × (1 − commission) / setup days, highest first (ties by name). "
        "Commission and setup days are typical figures from the built-in catalogue."
    )
    if not snapshot.entities:
        return Section(title, summary=NO_ENTITIES, method=method), []
    steps = ch.sequence(snapshot)
    if not steps:
        return Section(title, summary="Every business line is on every suitable channel.", method=method), []
    live = {listing.entity for listing in snapshot.listings if listing.status is ListingStatus.LIVE}
    findings = [
        _finding(
            "next-channel",
            s.entity.id,
            f"List {s.entity.name} on {s.channel.name} next",
            f"{s.channel.name} ranks first among the missing channels of {s.entity.name}: {_why(s.channel)}."
            + ("" if s.entity.id in live else f" {s.entity.name} is live on no channel yet."),
            # a line bookable nowhere is a clear gap; otherwise adding a channel is an improvement
            Severity.LOW if s.entity.id in live else Severity.MEDIUM,
        )
        for s in steps
        if s.order == 1
    ]
    rows = tuple((str(s.order), s.entity.name, s.channel.name, _why(s.channel)) for s in steps)
    table = Table(columns=("Order", "Business", "Channel", "Why"), rows=rows, title="Listing order")
    summary = f"{plural(len(steps), 'missing channel')}, in the order to list them."
    return Section(title, summary=summary, tables=(table,), method=method), findings


def _email_section(snapshot: Snapshot) -> tuple[Section, list[Finding]]:
    """The blast model per list, and a finding for every leisure line without a list."""
    title = "Email list and blast model"
    method = (
        "email_lists in business.yaml. Per blast, each step from the one before as shown: opens = subscribers × "
        "open rate and clicks = opens × click rate, each rounded down to whole people; bookings = clicks × "
        "conversion rate, to the hundredth; revenue = bookings × average order; per month = revenue per blast "
        "as shown (in whole units) × blasts per month."
    )
    entities = ch.sorted_entities(snapshot)
    findings = [
        _finding(
            "email-list",
            e.id,
            f"Start an email list for {e.name}",
            f"{e.name} ({e.kind.value}) sells to guests who come back and refer friends, but has no email list "
            "in business.yaml: collect addresses at booking and send a blast after each season.",
            Severity.MEDIUM,
        )
        for e in calc.without_list(snapshot, entities)
    ]
    models = calc.blasts(snapshot)
    if not models:
        summary = "No email lists yet: add email_lists to business.yaml in the data folder."
        return Section(title, summary=summary, method=method), findings
    # each row's month is in whole units as shown (`Blast.monthly`): their sum is the figure the rows add up to
    monthly = sum((b.monthly for b in models), Decimal(0))
    shown = money(monthly, snapshot.currency)
    subscribers = sum(b.row.subscribers for b in models)
    cards = (
        Card("Email revenue / month (model)", shown, raw=monthly),
        Card("Subscribers", count(subscribers), raw=Decimal(subscribers)),
    )
    columns = ("Business", "Subscribers", "Opens", "Clicks", "Bookings", "Average order", "Revenue / blast")
    table = Table(
        columns=(*columns, "Blasts / month", "Revenue / month"),
        rows=tuple(calc.blast_row(b, snapshot) for b in models),
        title="Per blast, step by step",
    )
    # the card's figure: the exact total rounded read $3,577 beside a card of $3,578
    summary = f"The blast model gives {shown} a month from {plural(len(models), 'list')}."
    return Section(title, summary=summary, cards=cards, tables=(table,), method=method), findings


def _seo_section(snapshot: Snapshot) -> tuple[Section, list[Finding]]:
    """Brand × checklist item; a brand with three or more gaps becomes a finding."""
    title = "Local SEO checklist"
    method = (
        f"seo rows in business.yaml, one per brand (a brand without a row counts as all unchecked). Items: "
        f"claimed business profile, reviews ≥ {calc.MIN_REVIEWS}, rating ≥ {calc.MIN_RATING}, consistent "
        "name/address/phone, HTTPS site, structured data, a location page."
    )
    entities = ch.sorted_entities(snapshot)
    if not entities:
        return Section(title, summary=NO_ENTITIES, method=method), []
    profiles = [(e, calc.seo_profile(snapshot, e)) for e in entities]
    findings = []
    for entity, profile in profiles:
        gaps = calc.seo_gaps(profile)
        if len(gaps) >= 3:
            findings.append(
                _finding(
                    "seo",
                    entity.id,
                    f"Fix {len(gaps)} local-SEO gaps for {entity.name}",
                    f"{entity.name} misses {len(gaps)} of {len(calc.SEO_ITEMS)} local-SEO items: {', '.join(gaps)}.",
                    # most of the checklist undone is a clear gap; a few items is hygiene
                    Severity.MEDIUM if len(gaps) >= 5 else Severity.LOW,
                )
            )
    columns = ("Brand", *(label for label, _ in calc.SEO_ITEMS), "Done")
    table = Table(columns=columns, rows=tuple(calc.seo_row(e, p) for e, p in profiles), title="Checklist by brand")
    summary = f"{plural(len(findings), 'brand')} with 3 or more gaps."
    if not snapshot.finance.seo:
        summary += " No seo rows yet: add seo to business.yaml in the data folder."
    return Section(title, summary=summary, tables=(table,), method=method), findings


def _milestones_section(snapshot: Snapshot) -> Section:
    """30/60/90-day milestones, each naming the business line and the channel."""
    method = (
        "Built from the sections above: 30 days = finish 'listed' channels, the first channel of the listing "
        "order and the SEO gaps; 60 days = the second channel and the email cadence; 90 days = weekly leads "
        f"× {LEAD_GROWTH} from this week's 'leads' KPI, rounded up."
    )
    entities = ch.sorted_entities(snapshot)
    bullets = [*_days_30(snapshot, entities), *_days_60(snapshot, entities), _days_90(snapshot)]
    summary = "" if entities else NO_ENTITIES
    return Section("30/60/90-day milestones", summary=summary, bullets=tuple(bullets), method=method)


def _days_30(snapshot: Snapshot, entities: list[Entity]) -> list[str]:
    """Finish listed channels, go live on the first channel in order, fix the SEO gaps."""
    found = ch.statuses(snapshot)
    firsts = {s.entity.id: s.channel.name for s in ch.sequence(snapshot) if s.order == 1}
    bullets = []
    for e in entities:
        listed = [c for (eid, c), status in sorted(found.items()) if eid == e.id and status is ListingStatus.LISTED]
        bullets += [f"30 days — {e.name}: finish the {c} listing so it takes bookings." for c in listed]
        if e.id in firsts:
            bullets.append(f"30 days — {e.name}: go live on {firsts[e.id]}.")
        gaps = calc.seo_gaps(calc.seo_profile(snapshot, e))
        if gaps:
            bullets.append(f"30 days — {e.name}: local SEO fixes: {', '.join(gaps)}.")
    return bullets


def _days_60(snapshot: Snapshot, entities: list[Entity]) -> list[str]:
    """The second channel in order, and an email cadence (or a first list)."""
    seconds = {s.entity.id: s.channel.name for s in ch.sequence(snapshot) if s.order == 2}
    models = {b.row.entity: b for b in reversed(calc.blasts(snapshot))}  # the largest list of each line
    needs_list = {e.id for e in calc.without_list(snapshot, entities)}
    bullets = []
    for e in entities:
        if e.id in seconds:
            bullets.append(f"60 days — {e.name}: go live on {seconds[e.id]}.")
        if e.id in models:
            b = models[e.id]
            cadence = max(b.row.blasts_per_month, 2)  # at least twice a month keeps a list warm
            # a blast as its table row shows it, × the cadence: the exact $1,497.30 twice read "$2,995" beside
            # the table's $1,497 × 2 = $2,994
            per_month = money(whole(b.revenue) * cadence, snapshot.currency)
            bullets.append(
                f"60 days — {e.name}: send {cadence} blasts a month to {count(b.row.subscribers)} subscribers "
                f"(model: {per_month} a month)."
            )
        elif e.id in needs_list:
            bullets.append(f"60 days — {e.name}: start the email list and send the first blast.")
    return bullets


def _days_90(snapshot: Snapshot) -> str:
    """A weekly leads target 20% above this week, or a prompt to set one."""
    leads = calc.leads_kpi(snapshot)
    if leads is None or leads.value is None:
        return "90 days — set a lead goal: there is no 'leads' KPI in a weekly marketing report to grow from yet."
    target = (leads.value * LEAD_GROWTH).to_integral_value(ROUND_CEILING)
    week = calc.marketing_week(snapshot).removeprefix("the ")
    return (
        f"90 days — all business lines: reach {count(target)} leads a week "
        f"({week}{'' if week == 'this week' else ':'} {count(leads.value.to_integral_value())} × {LEAD_GROWTH})."
    )
