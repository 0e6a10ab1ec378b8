"""Render the weekly marketing report: MJML email (Outlook-safe), plain text, JSON."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from mjml import mjml2html

from firstmate.domain.analysis import Analysis, figure, leads_figure, percent, too_early
from firstmate.domain.intel import CampaignRow, CrmSourceRow, Kpi, LeadActivityRow, WeeklyFacts, cash
from firstmate.domain.mail import InlineImage, subject_line
from firstmate.domain.reports.format import plural
from firstmate.domain.signal import Direction, Status
from firstmate.rendering import render
from firstmate.reports.charts import ALERT, INK, OK, sparkline
from firstmate.reports.left_out import in_the_pdf, more
from firstmate.reports.serial import plain

MARKERS = {Direction.UP: "▲", Direction.DOWN: "▼", Direction.FLAT: "●"}

#: Each table of the email (and of its page and its text) shows at most this many rows. A 500-campaign
#: account's two tables made a 176 KB email: Gmail clips a message past 102 KB, hiding what it means,
#: which comes last, and an outbox entry holds at most 400 KB. The PDF and the JSON keep every row.
SHOWN_ROWS = 20

Row = TypeVar("Row", CampaignRow, LeadActivityRow, CrmSourceRow)


@dataclass(frozen=True)
class Shown:
    """The rows of a table the email shows, in the table's order, and a line for those it leaves out."""

    rows: list[Any]
    more: str  # "" when every row is shown


@dataclass(frozen=True)
class WeeklyReport:
    """The report in every form it is delivered or stored in."""

    subject: str
    email_html: str  # charts as cid: references, for mail
    page_html: str  # charts inline as data: URLs, for files and the web
    text: str
    data: dict[str, Any]
    images: tuple[InlineImage, ...]
    pdf: bytes


def render_weekly(
    facts: WeeklyFacts, analysis: Analysis, *, business: str, colour: str = INK, full_report: str = ""
) -> WeeklyReport:
    """Everything a reader sees, built from the facts and the checked analysis only. The email's
    tables show the rows that most need a look (`SHOWN_ROWS` each) and count the rest, which the PDF
    at `full_report` (a link, if given) and the JSON hold."""
    images = tuple(InlineImage(cid=f"spark-{k.key}", data=sparkline(k.series, colour=_colour(k))) for k in facts.kpis)
    cards = [_card(k, facts.currency) | {"detail": card_detail(k, facts)} for k in facts.kpis]
    context = {
        "facts": facts,
        "analysis": analysis,
        "business": business,
        "colour": colour,
        "cards": cards,
        "period": _period(facts.week_start, facts.week_end),
        "restated": restated(facts),
        "data_line": data_line(facts),
        "campaigns": shown_campaigns(facts.campaigns, facts.currency),
        "cash": lambda value: cash(value, facts.currency),
        "activity": shown_activity(facts.lead_activity, facts.currency),
        "sources": shown_sources(facts.crm_sources),
        "sources_line": crm_sources_line(facts),
        "plural": plural,
        "full_report": full_report,
        "in_the_pdf": in_the_pdf,
    }
    subject = subject_line(f"Weekly marketing report, {context['period']}: " + _headline(facts))
    mjml = render("reports/weekly.mjml", **context, image_src={i.cid: f"cid:{i.cid}" for i in images})
    email_html = mjml2html(mjml)
    page_mjml = mjml  # the same page with the charts inline: rendering the template once is enough
    for image in images:
        page_mjml = page_mjml.replace(f'src="cid:{image.cid}"', f'src="{_data_url(image)}"')
    page_html = mjml2html(page_mjml)
    text = render("reports/weekly.txt", **context)
    from firstmate.reports.weekly_pdf import weekly_pdf  # fpdf2 (and numpy) only when a report is built

    pdf = weekly_pdf(facts, analysis, images, business=business, period=_period(facts.week_start, facts.week_end))
    return WeeklyReport(subject, email_html, page_html, text, _data(facts, analysis), images, pdf)


def shown_campaigns(rows: Sequence[CampaignRow], currency: str) -> Shown:
    """The campaigns the email lists: those whose leads or cost per lead sound an alert, then those
    that moved, then the largest spend (the spend of those left out said in `currency`)."""

    def rank(row: CampaignRow) -> tuple[bool, bool, Any]:
        signals = [s for s in (row.cpl_signal, row.leads_signal) if s is not None]
        alert = any(s.status is Status.ALERT for s in signals)
        moved = any(s.direction is not Direction.FLAT for s in signals)
        return not alert, not moved, -row.spend

    def left_out(left: list[CampaignRow]) -> str:
        spend, leads = sum(r.spend for r in left), sum(r.leads for r in left)
        return f"{more(len(left), 'campaign')}: {cash(Decimal(spend), currency)} spend, {plural(leads, 'lead')}"

    return _shown(rows, rank, left_out)


def shown_activity(rows: Sequence[LeadActivityRow], currency: str) -> Shown:
    """The ad sets the email lists: those that brought no lead, most landing page views first, then
    the most leads (the spend of those left out said in `currency`, as each row listed says its own)."""

    def left_out(left: list[LeadActivityRow]) -> str:
        leads, views = sum(r.leads for r in left), sum(r.landing_page_views for r in left)
        spend = cash(sum((r.spend for r in left), Decimal(0)), currency)
        return f"{more(len(left), 'ad set')}: {spend} spend, {plural(leads, 'lead')}, {views:,} landing page views"

    return _shown(rows, lambda r: (r.has_leads, -r.leads, -r.landing_page_views), left_out)


def shown_sources(rows: Sequence[CrmSourceRow]) -> Shown:
    """The CRM's sources the email lists: those that brought the most leads."""

    def left_out(left: list[CrmSourceRow]) -> str:
        return f"{more(len(left), 'source')}: {plural(sum(r.leads for r in left), 'lead')}"

    return _shown(rows, lambda r: -r.leads, left_out)


def crm_sources_line(facts: WeeklyFacts) -> str:
    """What the leads by source add up to, and which of them the "Leads in the CRM" card counts ("" without any):
    the card's paid-social leads beside a table of every source read as leads lost."""
    if not facts.crm_sources:
        return ""
    return (
        f"All sources: {plural(facts.crm_total, 'lead')}; the {facts.crm_paid_social:,} from paid social are "
        "the Leads in the CRM card's."
    )


def _shown(rows: Sequence[Row], rank: Callable[[Row], Any], left_out: Callable[[list[Row]], str]) -> Shown:
    if len(rows) <= SHOWN_ROWS:
        return Shown(list(rows), "")
    chosen = set(sorted(range(len(rows)), key=lambda n: rank(rows[n]))[:SHOWN_ROWS])
    left = [row for n, row in enumerate(rows) if n not in chosen]
    return Shown([row for n, row in enumerate(rows) if n in chosen], left_out(left))


def restated(facts: WeeklyFacts) -> str:
    """What late attribution changed in last week since the previous run, or "" (every format says it)."""
    if not facts.restatements:
        return ""
    return f"Last week restated since the previous run (late attribution): {'; '.join(facts.restatements)}."


def data_line(facts: WeeklyFacts) -> str:
    """Where the figures came from and when they were pulled."""
    pulled = f", pulled {facts.pulled_at:%Y-%m-%d %H:%M UTC}" if facts.pulled_at else ""
    return f"Data: {facts.data_sources}{pulled}." + (f" {facts.ads_days}" if facts.ads_days else "")


def _data_url(image: InlineImage) -> str:
    return "data:image/png;base64," + base64.b64encode(image.data).decode()


def card_detail(kpi: Kpi, facts: WeeklyFacts) -> str:
    """What a card's figure is worked out from when the report shows it nowhere else ("" for the others): the
    click-through rate's clicks of its impressions ("1,684 clicks of 155,912 impressions")."""
    if kpi.key != "ctr" or kpi.value is None:
        return ""
    clicks, impressions = sum(c.clicks for c in facts.campaigns), sum(c.impressions for c in facts.campaigns)
    return f"{plural(clicks, 'click')} of {plural(impressions, 'impression')}"


def change_words(kpi: Kpi, currency: str) -> str:
    """A card's week-over-week change with last week's figure it is worked out from ("+17% week over week, from
    $300.00": the report shows last week's figure nowhere else), or why there is none."""
    if kpi.change is not None:
        return f"{percent(kpi.change)} week over week, from {figure(kpi, kpi.previous, currency=currency)}"
    return "no previous week" if len(kpi.series) < 2 else "no comparison with last week"


def rolling_words(kpi: Kpi, currency: str) -> str:
    """A card's 4-week figure ("4 weeks: $6,902.61"), or "" without one."""
    return "" if kpi.rolling_4w is None else f"4 weeks: {figure(kpi, kpi.rolling_4w, currency=currency)}"


def _card(kpi: Kpi, currency: str) -> dict[str, str]:
    change = change_words(kpi, currency)
    status = kpi.signal.status
    return {
        "key": kpi.key,
        "label": kpi.label,
        "value": figure(kpi, currency=currency),
        "marker": f"{MARKERS[kpi.signal.direction]} [{kpi.signal.direction.value}] [{status.value}]",
        "marker_colour": ALERT
        if status is Status.ALERT
        else (OK if kpi.signal.direction is not Direction.FLAT else "#5b6570"),
        "change": change,
        "rolling": rolling_words(kpi, currency),
    }


def _colour(kpi: Kpi) -> str:
    return ALERT if kpi.signal.status is Status.ALERT else INK


def _headline(facts: WeeklyFacts) -> str:
    # only the first letter lowered: whole labels lowered read "leads (meta), leads in the crm"
    alerts = [k.label[:1].lower() + k.label[1:] for k in facts.kpis if k.signal.status is Status.ALERT]
    if alerts:
        return "needs attention: " + ", ".join(alerts)
    cpl = facts.kpi("cpl")
    at = f" at {figure(cpl, currency=facts.currency)}" if cpl.value is not None else ""
    verdict = "too early to judge trends" if too_early(facts) else "nothing unusual"
    return f"{leads_figure(facts.kpi('leads'))}{at}, {verdict}"


def _period(start: date, end: date) -> str:
    return (
        f"{start:%b} {start.day}–{end.day}, {end.year}"
        if start.month == end.month
        else f"{start:%b} {start.day} – {end:%b} {end.day}, {end.year}"
    )


def _data(facts: WeeklyFacts, analysis: Analysis) -> dict[str, Any]:
    data: dict[str, Any] = plain({"facts": facts, "analysis": analysis})
    if facts.crm_source is None:  # no CRM: its count is unknown, not zero
        for row in data["facts"]["lead_activity"]:
            del row["crm_leads"]
    return data
