"""The weekly facts as the report's tables show them: one row per campaign and per ad set, each ad
set's CRM leads matched to it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from firstmate.domain.analysis import checked, half_up, rules_analysis
from firstmate.domain.intel import compute_facts
from firstmate.domain.marketing import AdWeek, CrmLead

WEEK = date(2026, 11, 9)


def _row(week: date, spend: str, leads: int, views: int, *, source: str = "csv") -> AdWeek:
    return AdWeek(source, "1001", "Harbor tours", "Harbor tours", "Harbor tours/Locals", "Locals", "OUTCOME_LEADS",
                  week, Decimal(spend), "USD", 20_000, 200, leads, views)  # fmt: skip


def _lead(n: int, campaign: str, content: str) -> CrmLead:
    return CrmLead(f"{n}", datetime(2026, 11, 10, 18, n, tzinfo=UTC), "PAID_SOCIAL", "", "", campaign, content)


def test_an_ad_set_whose_week_a_csv_file_splits_over_rows_shows_once_with_all_its_leads() -> None:
    """Each row was an ad set: shown twice, its CRM lead counted twice, its row without leads told to check the form."""
    rows = [_row(week, spend, leads, views) for week in (WEEK - timedelta(weeks=1), WEEK)
            for spend, leads, views in (("300.00", 3, 150), ("50.00", 0, 40))]  # fmt: skip
    lead = _lead(1, "Harbor tours", "Harbor tours/Locals")

    for crm, leads in (("hubspot", [lead]), (None, [])):
        facts = compute_facts("demo", WEEK, rows, leads, ads_source="csv", crm_source=crm)
        [row] = facts.lead_activity
        assert (row.leads, row.cpl, row.landing_page_views) == (3, Decimal("116.67"), 190)
        assert row.crm_leads == len(leads)
        assert not any("no leads" in point for point in rules_analysis(facts).sections[1].points)


def test_two_ad_accounts_campaigns_of_one_name_are_two_rows_each_with_its_own_cost_per_lead() -> None:
    """Keyed by name, two accounts' "Sunset cruises" made one row: its CPL $60.00, the lead campaign's own $20.00."""
    rows = []
    for back in range(8):
        week = WEEK - timedelta(weeks=back)
        rows += [
            AdWeek("meta", "1001", "111", "Sunset cruises", "a1", "Locals", "OUTCOME_LEADS", week,
                   Decimal("500.00"), "USD", 40_000, 400, 25, 300),
            AdWeek("meta", "1002", "222", "Sunset cruises", "b1", "Tourists", "OUTCOME_AWARENESS", week,
                   Decimal("1000.00"), "USD", 90_000, 500, 0, 0),
        ]  # fmt: skip

    facts = compute_facts("demo", WEEK, rows, [], crm_source=None)

    shown = [(c.campaign, c.spend, c.cpl) for c in facts.campaigns]
    assert shown == [
        ("Sunset cruises (ad account 1001)", Decimal("500.00"), Decimal("20.00")),
        ("Sunset cruises (ad account 1002)", Decimal("1000.00"), None),
    ]
    assert [a.campaign for a in facts.lead_activity] == ["Sunset cruises (ad account 1001)"]
    assert not checked(rules_analysis(facts), facts).dropped  # the account's digits are a name's, not figures


def test_a_renamed_campaigns_ad_set_keeps_its_crm_leads() -> None:
    """Leads were matched by campaign name too: after a rename on Meta the ad set read "0 in CRM" beside a card of 5."""
    rows = [
        AdWeek("meta", "1001", "120210", "Sunset Cruises | Fall", "120211", "Locals 25-55", "OUTCOME_LEADS",
               WEEK - timedelta(weeks=back), Decimal("250.00"), "USD", 20_000, 180, 5, 120)
        for back in (1, 0)
    ]  # fmt: skip
    leads = [_lead(n, "Sunset Cruises", "120211") for n in range(5)]  # the name before the rename

    facts = compute_facts("demo", WEEK, rows, leads)

    [row] = facts.lead_activity
    assert row.crm_leads == 5 == facts.kpi("crm_leads").value


def test_the_cost_per_lead_card_and_the_campaign_table_round_the_same_figure() -> None:
    """A review: $100.35 over 6 leads is $16.725 exactly; worked out in floats it came to 16.72499…, so the
    card, the subject and the analysis said $16.72 beside $16.73 in the campaign table."""
    rows = [_row(WEEK - timedelta(weeks=back), "100.35", 6, 50) for back in range(4)]
    facts = compute_facts("demo", WEEK, rows, [], crm_source=None)
    [campaign] = facts.campaigns
    cpl = facts.kpi("cpl")
    assert campaign.cpl == Decimal("16.73") == half_up(cpl.value or 0, 2) == half_up(cpl.rolling_4w or 0, 2)
    assert "$16.73" in " ".join(rules_analysis(facts).sections[0].points)


def test_the_cost_per_lead_card_counts_a_lead_campaigns_whole_spend_as_its_table_row_does() -> None:
    """A traffic campaign whose retargeting ad set brings pixel leads: the card counted that ad set's
    spend alone ($150.00 a lead) beside the campaign's own row of $500.00, the only campaign there is."""
    rows = []
    for back in range(4):
        week = WEEK - timedelta(weeks=back)
        rows += [
            AdWeek("meta", "1001", "c1", "Site traffic", "a1", "Retargeting", "OUTCOME_TRAFFIC", week,
                   Decimal("300.00"), "USD", 20_000, 300, 2, 100),
            AdWeek("meta", "1001", "c1", "Site traffic", "a2", "Broad", "OUTCOME_TRAFFIC", week,
                   Decimal("700.00"), "USD", 50_000, 500, 0, 200),
        ]  # fmt: skip

    facts = compute_facts("demo", WEEK, rows, [], crm_source=None)

    [campaign] = facts.campaigns
    cpl = facts.kpi("cpl")
    assert campaign.cpl == Decimal("500.00") == half_up(cpl.value or 0, 2) == half_up(cpl.rolling_4w or 0, 2)
    assert "2 leads at $500.00 each" in " ".join(rules_analysis(facts).sections[2].points)


def test_a_new_account_s_report_says_it_is_too_early_to_judge_not_that_all_is_normal() -> None:
    """Five weeks of figures, leads down from 30 to 3 for the last three: no KPI can be judged before ten
    weeks, yet the subject said "nothing unusual" and the analysis "normal variation only"."""
    from firstmate.reports.weekly import render_weekly

    rows = [_row(WEEK - timedelta(weeks=back), "300.00", 3 if back < 3 else 30, 150) for back in range(5)]
    facts = compute_facts("demo", WEEK, rows, [], crm_source=None)

    analysis = checked(rules_analysis(facts), facts)
    report = render_weekly(facts, analysis, business="Saltwind Charters")
    said = " ".join(point for section in analysis.sections for point in section.points)
    assert "normal range" not in said and "normal variation only" not in said
    assert "nothing unusual" not in report.subject
    assert "too early to judge trends" in report.subject and "ten weeks of figures" in said
    assert not analysis.dropped


def test_an_ad_set_that_did_not_run_is_not_told_to_check_its_form() -> None:
    """A spreadsheet listing every ad set each week, paused ones with zeros: each paused one topped Lead
    Activity as [NO LEADS] and the analysis said "no leads from 0 landing page views; check the form"."""
    rows = []
    for back in range(2):
        week = WEEK - timedelta(weeks=back)
        rows += [
            _row(week, "300.00", 6, 150),
            AdWeek("csv", "1001", "Harbor tours", "Harbor tours", "Harbor tours/Winter", "Winter", "OUTCOME_LEADS",
                   week, Decimal("0"), "USD", 0, 0, 0, 0),
        ]  # fmt: skip

    facts = compute_facts("demo", WEEK, rows, [], ads_source="csv", crm_source=None)

    assert [a.adset for a in facts.lead_activity] == ["Locals"]
    assert not any("check the form" in point for point in rules_analysis(facts).sections[1].points)


def test_a_model_is_told_a_new_account_s_kpis_are_not_judged_not_that_they_are_flat() -> None:
    """A model was told "trend: FLAT", which its prompt calls noise, for KPIs nothing had judged: it wrote
    that all was normal for leads fallen from 30 to 3, as the rules analyst did."""
    import json

    from firstmate.adapters.analyst.llm import facts_for_model

    rows = [_row(WEEK - timedelta(weeks=back), "300.00", 3 if back < 3 else 30, 150) for back in range(5)]
    given = json.loads(facts_for_model(compute_facts("demo", WEEK, rows, [], crm_source=None)))

    assert {k["trend"] for k in given["kpis"]} == {"not judged: too little history"}


def test_a_week_without_lead_campaigns_says_so_and_does_not_call_the_crm_a_match() -> None:
    """Only awareness ads ran, and 4 paid-social leads came into the CRM: Digital/Dev read "Every lead campaign
    brought leads and the CRM matches Meta's count" (Meta had counted none)."""
    rows = [
        AdWeek("meta", "1001", "c9", "Harbor brand", "a9", "Everyone", "OUTCOME_AWARENESS",
               WEEK - timedelta(weeks=back), Decimal("400.00"), "USD", 90_000, 300, 0, 0)
        for back in range(3)
    ]  # fmt: skip
    leads = [_lead(n, "Harbor brand", "a9") for n in range(4)]

    facts = compute_facts("demo", WEEK, rows, leads)

    digital = checked(rules_analysis(facts), facts).sections[1].points
    assert digital == [
        "No lead campaign ran this week.",
        "Meta counted 0 leads but the CRM received 4; check the form-to-CRM sync.",
    ]


def test_a_csv_ad_set_whose_campaign_name_holds_a_no_break_space_keeps_its_crm_leads() -> None:
    """A review: names are read on one line (a no-break space, a tab: a space), the CRM's utm_content too; but a
    CSV ad set's id is its campaign and ad set names as written, so its leads, tagged with that id, no longer
    matched it: "0 in CRM" beside a card of 2."""
    campaign = "Harbor\u00a0tours"  # copied from a web page into the sheet and the ad's link alike
    rows = [
        AdWeek("csv", "1001", campaign, campaign, f"{campaign}/Locals", "Locals", "OUTCOME_LEADS",
               WEEK - timedelta(weeks=back), Decimal("300.00"), "USD", 20_000, 200, 2, 150)
        for back in (1, 0)
    ]  # fmt: skip
    leads = [_lead(n, campaign, f"{campaign}/Locals") for n in range(2)]

    facts = compute_facts("demo", WEEK, rows, leads, ads_source="csv", crm_source="hubspot")

    [row] = facts.lead_activity
    assert row.campaign == "Harbor tours" and row.crm_leads == 2 == facts.kpi("crm_leads").value


def test_two_csv_accounts_ad_sets_of_one_name_are_not_each_credited_with_the_same_crm_leads(tmp_path: Path) -> None:
    """A review: two ad accounts' files each run "Harbor tours / Locals"; the 3 CRM leads tagged with that ad
    set (and no account) read "3 in CRM" in both rows, 6 in Lead Activity beside a card of 4. A lead whose
    utm_content names the account too counts for that account's ad set; one that does not is said to be
    shared, in no row."""
    from firstmate.adapters.sources.ads_csv import CsvAdsSource
    from firstmate.reports.weekly import render_weekly

    folder = tmp_path / "ads"
    folder.mkdir()
    for account in ("1001", "1002"):
        (folder / f"{account}.csv").write_text(
            "week_start,campaign,adset,objective,spend,impressions,clicks,leads,landing_page_views\n"
            f"{WEEK},Harbor tours,Locals,OUTCOME_LEADS,300.00,20000,200,2,150\n"
        )
    source = CsvAdsSource(folder)
    rows = [row for account in ("1001", "1002") for row in source.parse(source.pull(account, WEEK, WEEK))]
    leads = [_lead(n, "Harbor tours", "Harbor tours/Locals") for n in range(3)]
    leads.append(_lead(3, "Harbor tours", "1002/Harbor tours/Locals"))

    facts = compute_facts("demo", WEEK, rows, leads, ads_source="csv", crm_source="hubspot")

    in_crm = {row.campaign: row.crm_leads for row in facts.lead_activity}
    assert in_crm == {"Harbor tours (ad account 1001)": 0, "Harbor tours (ad account 1002)": 1}
    assert facts.kpi("crm_leads").value == 4
    text = render_weekly(facts, checked(rules_analysis(facts), facts), business="Saltwind Charters").text
    assert "3 CRM leads name the ad set Harbor tours / Locals, which ad accounts 1001 and 1002 both run" in text
    assert "(1 in CRM)" in text and "(3 in CRM)" not in text


def test_a_traffic_campaign_s_four_week_cost_per_lead_is_the_cards_in_its_row_too() -> None:
    """A review: a traffic campaign with leads in three of its four weeks, the only campaign there is. The card
    counts its spend in the weeks it brought leads ($1,200.00 over 6 leads: $200.00); its row counted all four
    weeks' ($1,600.00: $266.67), two 4-week costs per lead of the same leads."""
    from firstmate.reports.weekly import render_weekly

    rows = [
        AdWeek("meta", "1001", "c1", "Site traffic", "a1", "Retargeting", "OUTCOME_TRAFFIC",
               WEEK - timedelta(weeks=back), Decimal("400.00"), "USD", 30_000, 400, leads, 200)
        for back, leads in ((3, 2), (2, 0), (1, 3), (0, 1))
    ]  # fmt: skip

    facts = compute_facts("demo", WEEK, rows, [], crm_source=None)

    [campaign] = facts.campaigns
    cpl = facts.kpi("cpl")
    assert campaign.cpl_4w == Decimal("200.00") == half_up(cpl.rolling_4w or 0, 2)
    text = render_weekly(facts, checked(rules_analysis(facts), facts), business="Saltwind Charters").text
    assert "Cost per lead: $400.00" in text and "4 weeks: $200.00" in text
    assert "$400.00 per lead (4 weeks: $200.00)" in text

    quiet = [replace(row, leads=0) if row.week_start == WEEK else row for row in rows]  # no lead this week
    facts = compute_facts("demo", WEEK, quiet, [], crm_source=None)
    [campaign] = facts.campaigns
    assert campaign.cpl_4w == Decimal("160.00") == half_up(facts.kpi("cpl").rolling_4w or 0, 2)  # it was "–"
    text = render_weekly(facts, checked(rules_analysis(facts), facts), business="Saltwind Charters").text
    assert "- Site traffic: $400.00 spend, 0 leads (4 weeks: $160.00 per lead)" in text


def test_paid_social_crm_leads_no_listed_ad_set_is_credited_with_are_counted_under_lead_activity() -> None:
    """A review: the "Leads in the CRM" card counts every paid-social lead of the week, the In CRM column only
    those matched to a listed ad set. A lead whose utm_content named an ad set no longer running, or one of an
    awareness campaign, was in neither a row nor any line, and the column fell short of the card unexplained."""
    from firstmate.reports.weekly import render_weekly

    awareness = AdWeek("csv", "1001", "Brand", "Brand", "Brand/All", "All", "OUTCOME_AWARENESS", WEEK,
                       Decimal("80.00"), "USD", 9_000, 50, 0, 0)  # fmt: skip
    rows = [_row(week, "300.00", 3, 150) for week in (WEEK - timedelta(weeks=1), WEEK)] + [awareness]
    leads = [
        _lead(1, "Harbor tours", "Harbor tours/Locals"),
        _lead(2, "Harbor tours", "Harbor tours/Old audience"),
        _lead(3, "", ""),
        _lead(4, "Brand", "Brand/All"),
    ]
    facts = compute_facts("demo", WEEK, rows, leads, ads_source="csv")
    [row] = facts.lead_activity
    assert row.crm_leads == 1 and facts.kpi("crm_leads").value == 4
    said = (
        "3 paid-social CRM leads are credited to no ad set listed here (their utm_content names none of this "
        "week's lead ad sets): counted in the Leads in the CRM card and in no row."
    )
    assert said in facts.crm_notes
    report = render_weekly(facts, rules_analysis(facts), business="Saltwind Charters")
    assert said in report.text


def test_an_ad_sets_cost_per_lead_in_lead_activity_shows_the_spend_it_is_worked_out_from() -> None:
    """A review: Lead Activity showed each ad set's cost per lead and leads, not its spend, which the report showed
    nowhere else (the campaign table adds its ad sets up): "$116.67" could not be worked out from the report."""
    import io
    import re

    from pypdf import PdfReader

    from firstmate.reports.weekly import render_weekly

    rows = [_row(week, "350.00", 3, 190) for week in (WEEK - timedelta(weeks=1), WEEK)]
    facts = compute_facts("demo", WEEK, rows, [_lead(1, "Harbor tours", "Harbor tours/Locals")], ads_source="csv")
    report = render_weekly(facts, rules_analysis(facts), business="Saltwind Charters")
    assert "Harbor tours / Locals: 3 leads (1 in CRM), $350.00 spend, $116.67 per lead, 190 landing page views" in (
        report.text
    )
    cells = re.findall(r"<td>([^<]*)</td>", report.page_html.partition("Lead activity")[2])[:6]
    assert cells == ["Harbor tours / Locals", "3", "1", "$350.00", "$116.67", "190"], cells
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf)).pages)
    assert "Spend" in pdf.partition("Lead activity")[2] and "$350.00 $116.67" in pdf.partition("Lead activity")[2]
    assert report.data["facts"]["lead_activity"][0]["spend"] == "350.00"


def test_the_click_through_rate_card_shows_the_clicks_and_impressions_it_is_worked_out_from() -> None:
    """A review: the click-through rate card read "1.00%", and the report showed the week's impressions but its
    clicks nowhere, so the rate could not be redone from it."""
    import html
    import io

    from pypdf import PdfReader

    from firstmate.reports.weekly import render_weekly

    rows = [_row(week, "350.00", 3, 190) for week in (WEEK - timedelta(weeks=1), WEEK)]
    facts = compute_facts("demo", WEEK, rows, [], ads_source="csv", crm_source=None)
    report = render_weekly(facts, rules_analysis(facts), business="Saltwind Charters")
    said = "200 clicks of 20,000 impressions"
    assert f"Click-through rate: 1.00% ({said})" in report.text
    assert said in html.unescape(report.page_html) and said in html.unescape(report.email_html)
    pdf = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf)).pages).split())
    assert said in pdf


def test_each_card_says_last_weeks_figure_beside_its_change_and_the_pdf_its_four_weeks() -> None:
    """A review: "+17% week over week" could not be redone, last week's figure being nowhere in the report (the
    sparkline has no numbers), and the PDF's cards had no 4-week figure, and their change ran under the chart."""
    import html
    import io

    from pypdf import PdfReader

    from firstmate.reports.weekly import render_weekly

    rows = [_row(WEEK - timedelta(weeks=1), "300.00", 3, 190), _row(WEEK, "350.00", 3, 190)]
    facts = compute_facts("demo", WEEK, rows, [], ads_source="csv", crm_source=None)
    report = render_weekly(facts, rules_analysis(facts), business="Saltwind Charters")
    said = "+17% week over week, from $300.00"
    assert f"Ad spend: $350.00  ● [FLAT] [OK]  ({said}; 4 weeks: $650.00)" in report.text
    assert f"{said} · 4 weeks: $650.00" in html.unescape(report.page_html)
    pdf = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf)).pages).split())
    assert f"{said} · 4 weeks: $650.00" in pdf
