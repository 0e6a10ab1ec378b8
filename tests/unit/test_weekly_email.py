"""The weekly email stays readable at any size: each table shows the rows that most need a look and
counts the rest, which the PDF and the JSON list. A 500-campaign account's email was 176 KB, and
Gmail clips a message past 102 KB: "What it means", which comes last, was behind "View entire message"."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

from pypdf import PdfReader

from firstmate.domain.analysis import rules_analysis
from firstmate.domain.intel import WeeklyFacts, compute_facts
from firstmate.domain.marketing import AdWeek
from firstmate.reports.weekly import SHOWN_ROWS, render_weekly

WEEK = date(2026, 11, 9)
FULL = "https://fm.example.com/admin/reports/demo/2026-11-09?format=pdf"
GMAIL_CLIPS_AT = 102 * 1024


def _facts(campaigns: int, *, falling: tuple[int, ...] = (), idle: tuple[int, ...] = ()) -> WeeklyFacts:
    """`campaigns` lead campaigns of one ad set over 16 weeks, spend growing with their number; those
    in `falling` lose most of their leads in the last three weeks, those in `idle` bring none."""
    rows = []
    for n in range(campaigns):
        for back in range(16):
            leads = 0 if n in idle else (3 if n in falling and back < 3 else 30)
            name = f"Campaign {n:03d}"
            rows.append(
                AdWeek("meta", "1001", name, name, f"{name}/All", "All", "OUTCOME_LEADS", WEEK - timedelta(weeks=back),
                       Decimal(100 + n) + Decimal("0.25"), "USD", 20_000, 300, leads, 400 + n)
            )  # fmt: skip
    return compute_facts("demo", WEEK, rows, [])


def _listed(text: str) -> list[str]:
    """The campaigns the text's CAMPAIGNS section lists."""
    section = text.partition("CAMPAIGNS\n")[2].partition("LEAD ACTIVITY")[0]
    return re.findall(r"^- (Campaign \d{3}):", section, re.MULTILINE)


def test_a_large_account_s_email_lists_what_needs_a_look_and_counts_the_rest() -> None:
    facts = _facts(60, falling=(7, 42), idle=(3, 11))
    report = render_weekly(facts, rules_analysis(facts), business="Saltwind Charters", full_report=FULL)
    listed = _listed(report.text)
    assert len(listed) == SHOWN_ROWS
    assert {"Campaign 007", "Campaign 042"} <= set(listed)  # their cost per lead sounds an alert
    # then the largest spend (campaigns 040–059), in the table's own order
    assert listed == sorted(listed) and "Campaign 059" in listed and "Campaign 030" not in listed
    hidden = [c for c in facts.campaigns if c.campaign not in listed]
    spend, leads = sum(c.spend for c in hidden), sum(c.leads for c in hidden)
    more = f"…and 40 more campaigns: ${spend:,.2f} spend, {leads:,} leads; the PDF lists every one: {FULL}"
    assert more in report.text
    # the ad sets without a lead come first in lead activity
    assert re.search(r"^- \[NO LEADS\] Campaign 003 / All", report.text, re.MULTILINE)
    # the ad sets left out say their spend too, as the rows listed do beside their cost per lead
    left = [a for a in facts.lead_activity if f"] {a.campaign} / {a.adset}:" not in report.text]
    spend, leads = sum(a.spend for a in left), sum(a.leads for a in left)
    assert f"…and 40 more ad sets: ${spend:,.2f} spend, {leads:,} leads, " in report.text
    for html in (report.email_html, report.page_html):
        assert len(re.findall(r"<td>Campaign \d{3}</td>", html)) == SHOWN_ROWS
        assert "40 more campaigns" in html and f'href="{FULL.replace("&", "&amp;")}"' in html
        assert "What it means" in html
    pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf)).pages)
    assert all(f"Campaign {n:03d}" in pdf for n in range(60))  # the PDF and the JSON keep every row
    assert len(report.data["facts"]["campaigns"]) == 60 and len(report.data["facts"]["lead_activity"]) == 60


def test_an_email_of_500_campaigns_is_not_clipped_and_a_small_one_lists_everything() -> None:
    facts = _facts(500, falling=(250,))
    report = render_weekly(facts, rules_analysis(facts), business="Saltwind Charters", full_report=FULL)
    assert len(report.email_html.encode()) < GMAIL_CLIPS_AT and "What it means" in report.email_html
    assert "Campaign 250" in report.email_html and "480 more campaigns" in report.email_html

    small = _facts(SHOWN_ROWS, idle=(1,))
    report = render_weekly(small, rules_analysis(small), business="Saltwind Charters", full_report=FULL)
    assert len(_listed(report.text)) == SHOWN_ROWS
    assert "more campaigns" not in report.text and "more ad sets" not in report.email_html
    assert "Campaign 001: $101.25 spend, 0 leads" in report.text and ", 1 leads" not in report.text


def test_the_subject_names_the_kpis_that_need_attention_as_their_cards_do() -> None:
    """The subject lowercased whole labels: "needs attention: leads (meta), leads in the crm"."""
    from datetime import UTC, datetime

    from firstmate.domain.marketing import CrmLead

    rows, leads = [], []
    for back in range(16):
        week, count = WEEK - timedelta(weeks=back), 12 if back < 3 else 30
        rows.append(AdWeek("meta", "1001", "c1", "Harbor tours", "a1", "Locals", "OUTCOME_LEADS", week,
                           Decimal("500.00"), "USD", 40_000, 480, count, 300))  # fmt: skip
        monday = datetime(week.year, week.month, week.day, 18, tzinfo=UTC)
        leads += [CrmLead(f"{back}-{n}", monday, "PAID_SOCIAL", "", "", "Harbor tours", "a1") for n in range(count)]
    facts = compute_facts("demo", WEEK, rows, leads)

    report = render_weekly(facts, rules_analysis(facts), business="Saltwind Charters")

    assert report.subject.endswith("needs attention: leads (Meta), leads in the CRM, cost per lead")


def test_a_week_of_one_lead_says_one_lead_in_the_subject_and_the_analysis() -> None:
    """ "1 leads at $200.00" in the subject, "Lead campaigns brought 1 leads" in the analysis."""
    rows = [
        AdWeek("csv", "1001", "Harbor tours", "Harbor tours", "Harbor tours/Locals", "Locals", "OUTCOME_LEADS",
               WEEK - timedelta(weeks=back), Decimal("200.00"), "USD", 10_000, 100, 1 if back == 0 else 5, 80)
        for back in range(12)
    ]  # fmt: skip
    facts = compute_facts("demo", WEEK, rows, [], ads_source="csv", crm_source=None)

    report = render_weekly(facts, rules_analysis(facts), business="Saltwind Charters")

    assert report.subject.endswith(": 1 lead at $200.00, nothing unusual")
    assert "Lead campaigns brought 1 lead at $200.00 each" in report.text and "1 leads" not in report.text


def test_a_lead_campaign_whose_leads_stopped_reads_no_leads_in_its_trend_not_a_rising_cost() -> None:
    """Three weeks without a lead counted as $500 a lead each: its row read "–" for cost per lead and
    "[UP] [ALERT]" beside it, a rise the card (which skips weeks without a lead) did not show."""
    rows = [
        AdWeek("meta", "1001", "c1", "Harbor tours", "a1", "Locals", "OUTCOME_LEADS", WEEK - timedelta(weeks=back),
               Decimal("500.00"), "USD", 40_000, 480, 0 if back < 3 else 25, 300)
        for back in range(16)
    ]  # fmt: skip
    facts = compute_facts("demo", WEEK, rows, [], crm_source=None)

    report = render_weekly(facts, rules_analysis(facts), business="Saltwind Charters")

    [row] = facts.campaigns
    assert row.cpl is None and row.cpl_signal is not None and row.cpl_signal.status.value == "OK"
    assert row.cpl_signal.direction == facts.kpi("cpl").signal.direction  # as the card reads it
    for html in (report.email_html, report.page_html):
        cells = re.search(r"<td>Harbor tours</td>(.*?)</tr>", html, re.DOTALL)
        assert cells is not None
        assert "<td>–</td>" in cells[1] and "<td>no leads</td>" in cells[1] and "[UP]" not in cells[1]
    assert "cost per lead has risen" not in report.text
    assert "Leads (Meta) needs attention" in report.text  # the leads that stopped are what is news


def test_a_long_utm_source_is_cut_in_the_email_text_and_pdf_and_kept_whole_in_the_json() -> None:
    """utm_source is whatever a link said (anyone can write ?utm_source=…): a value of 5,000 letters made one
    unbroken cell of the CRM sources table, which widens the email's table past the screen (Outlook does not
    wrap a word), filled a line of the text report, and in the PDF ran over the Leads column beside it."""
    import dataclasses
    from datetime import UTC, datetime

    from firstmate.domain.intel import crm_sources
    from firstmate.domain.marketing import CrmLead

    long = "fbclid" + "A" * 5000
    created = datetime(2026, 11, 10, tzinfo=UTC)
    leads = [
        CrmLead("1", created, "PAID_SOCIAL", "", "", "", "", utm_source=long),
        CrmLead("2", created, "PAID_SOCIAL", "", "", "", "", utm_source="facebook"),
        CrmLead("3", created, "X" * 300, "", "", "", ""),
    ]
    facts = dataclasses.replace(_facts(2), crm_sources=crm_sources(leads), crm_source="hubspot")
    report = render_weekly(facts, rules_analysis(facts), business="Demo")
    for where, text in (("email", report.email_html), ("page", report.page_html), ("text", report.text)):
        assert "A" * 61 not in text and "X" * 61 not in text, where
        assert "fbclid" + "A" * 50 in text and "facebook" in text, where
    [line] = [line for line in report.text.splitlines() if "fbclid" in line]
    assert line.endswith("…): 1 lead"), line
    assert {row["utm_source"] for row in report.data["facts"]["crm_sources"]} >= {long}  # the data keeps it whole
    pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf)).pages)
    [row] = [line for line in pdf.splitlines() if "fbclid" in line]
    assert re.search(r"…\s+1$", row), row  # cut to its column, the count apart
