"""The CMO lens on small hand-computed snapshots: KPIs, channels, sequencing, email model, SEO, milestones."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from firstmate.domain.reports.cmo import cmo_report
from firstmate.domain.reports.document import Finding, ReportDocument, Section, Severity, Tone
from firstmate.domain.snapshot import Snapshot

AS_OF = date(2026, 11, 21)
ENTITIES = [
    {"id": "tide", "name": "Tidewater Charters", "kind": "charter"},
    {"id": "gull", "name": "Gull Cottage", "kind": "rental"},
    {"id": "haul", "name": "Quick Haul", "kind": "junk_removal"},
]
KPIS = [
    {"key": "leads", "label": "Leads (Meta)", "value": "37", "unit": "count", "direction": "DOWN",
     "status": "ALERT", "change": "-0.2"},
    {"key": "ctr", "label": "Click-through rate", "value": "2.4", "unit": "percent", "direction": "FLAT",
     "status": "OK"},
    {"key": "cpl", "label": "Cost per lead", "value": "12.5", "unit": "money", "direction": "DOWN",
     "status": "OK", "change": "-0.05"},
]  # fmt: skip
LISTINGS = [
    {"entity": "tide", "channel": "google business profile", "status": "live"},  # lower case on purpose
    {"entity": "tide", "channel": "Viator", "status": "listed"},
    {"entity": "gull", "channel": "Airbnb", "status": "live"},
]


def _snapshot(**changes: Any) -> Snapshot:
    data: dict[str, Any] = {
        "org_id": "o",
        "org_name": "Saltmarsh Holdings",
        "as_of": AS_OF,
        "entities": ENTITIES,
        "listings": LISTINGS,
        "marketing": {"week": "2026-11-16", "kpis": KPIS},
        "finance": {
            "email_lists": [
                {"entity": "tide", "subscribers": 1234, "open_rate": "0.37", "click_rate": "0.09",
                 "conversion_rate": "0.05", "average_order": "380", "blasts_per_month": 3},
            ],
            "seo": [
                {"entity": "tide", "business_profile": True, "reviews": 40, "rating": "4.8", "https": True},
                {"entity": "haul", "business_profile": True, "reviews": 30, "rating": "4.6", "https": True,
                 "consistent_contact": True},
            ],
        },
    }  # fmt: skip
    data.update(changes)
    return Snapshot.model_validate(data)


def _section(doc: ReportDocument, title: str) -> Section:
    return next(s for s in doc.sections if s.title == title)


def _finding(doc: ReportDocument, key: str) -> Finding:
    return next(f for f in doc.findings if f.key == key)


def test_kpi_cards_format_by_unit_and_alerts_become_findings() -> None:
    doc = cmo_report(_snapshot())
    cards = {c.label: c for c in _section(doc, "This week's marketing KPIs").cards}
    assert cards["Leads (Meta)"].value == "37" and cards["Leads (Meta)"].marker == "[ALERT]"
    assert (
        cards["Leads (Meta)"].tone is Tone.ALERT
        and cards["Leads (Meta)"].note == "3-week trend DOWN against the usual level; −20% week over week"
    )
    assert cards["Click-through rate"].value == "2.40%"  # a percent number, as the weekly report prints it
    assert cards["Click-through rate"].tone is Tone.INFO  # FLAT and OK
    assert cards["Cost per lead"].value == "$12.50" and cards["Cost per lead"].tone is Tone.OK
    alert = _finding(doc, "cmo:kpi:leads")
    assert alert.severity is Severity.MEDIUM and alert.owner == "cmo" and "37" in alert.title
    assert not [f for f in doc.findings if f.key in ("cmo:kpi:ctr", "cmo:kpi:cpl")]


def test_ad_figures_keep_the_weekly_reports_currency_and_its_rounding() -> None:
    """A business keeping its books in euros saw its dollar ad spend as "€12.50"; a change of 12.5%
    read "+12%" in the weekly report and "+13%" here."""
    kpis = [{**k, "change": "0.125"} if k["key"] == "cpl" else k for k in KPIS]
    doc = cmo_report(_snapshot(currency="EUR", marketing={"week": "2026-11-16", "kpis": kpis, "currency": "USD"}))
    cpl = {c.label: c for c in _section(doc, "This week's marketing KPIs").cards}["Cost per lead"]
    assert (
        cpl.value == "$12.50"
        and cpl.note.endswith(f"; {0.125:+.0%} week over week")
        and cpl.note.endswith("; +12% week over week")
    )


def test_a_week_without_a_lead_shows_no_cost_per_lead() -> None:
    kpis = [{**k, "value": None, "change": None} if k["key"] == "cpl" else k for k in KPIS]
    doc = cmo_report(_snapshot(marketing={"week": "2026-11-16", "kpis": kpis}))
    cpl = {c.label: c for c in _section(doc, "This week's marketing KPIs").cards}["Cost per lead"]
    assert cpl.value == "no leads" and cpl.note.endswith("; no previous week")


def test_channel_matrix_shows_live_listed_missing_and_not_relevant() -> None:
    doc = cmo_report(_snapshot())
    table = _section(doc, "Channel visibility").tables[0]
    rows = {r[0]: dict(zip(table.columns, r, strict=True)) for r in table.rows}
    tide = rows["Tidewater Charters"]
    assert tide["Google Business Profile"] == "live"  # matched case-insensitively
    assert tide["Viator"] == "listed" and tide["GetMyBoat"] == "missing" and tide["Airbnb"] == "—"
    assert rows["Gull Cottage"]["Airbnb"] == "live" and rows["Gull Cottage"]["Vrbo"] == "missing"
    assert rows["Quick Haul"]["Yelp"] == "missing" and rows["Quick Haul"]["Viator"] == "—"
    listed = _finding(doc, "cmo:listed:tide:viator")
    assert listed.title == "Finish the Viator listing for Tidewater Charters" and listed.severity is Severity.MEDIUM


def test_sequencing_ranks_missing_channels_by_reach_commission_and_effort() -> None:
    doc = cmo_report(_snapshot())
    rows = [r for r in _section(doc, "Which channel to add next").tables[0].rows if r[1] == "Tidewater Charters"]
    # scores = reach × (1 − commission) / setup days: TripAdvisor 4×1/1 = 4; GetMyBoat 4×0.88/2 = 1.76;
    # Boatsetter 4×0.8/3 = 1.07; Airbnb Experiences 5×0.8/5 = 0.8 (Viator is listed, GBP live: not missing)
    assert [(r[0], r[2]) for r in rows] == [
        ("1", "TripAdvisor"),
        ("2", "GetMyBoat"),
        ("3", "Boatsetter"),
        ("4", "Airbnb Experiences"),
    ]
    assert "score 1.76" in rows[1][3]
    tide = _finding(doc, "cmo:next-channel:tide")
    assert tide.title == "List Tidewater Charters on TripAdvisor next" and tide.severity is Severity.LOW
    # Quick Haul is live nowhere: its first channel (GBP, 5×1/1 = 5) is a clear gap
    haul = _finding(doc, "cmo:next-channel:haul")
    assert haul.title == "List Quick Haul on Google Business Profile next" and haul.severity is Severity.MEDIUM


def test_email_model_works_each_step_from_the_one_before_as_shown() -> None:
    doc = cmo_report(_snapshot())
    section = _section(doc, "Email list and blast model")
    row = section.tables[0].rows[0]
    # opens 1,234 × 0.37 = 456.58 → 456 people; clicks 456 × 0.09 = 41.04 → 41; bookings 41 × 0.05 = 2.05;
    # revenue 2.05 × 380 = $779 a blast; a month: $779 × 3 = $2,337
    assert row == (
        "Tidewater Charters", "1,234", "456 (37.0%)", "41 (9.0%)", "2.05 (5.0%)", "$380", "$779", "3", "$2,337"
    )  # fmt: skip
    monthly = next(c for c in section.cards if c.label.startswith("Email revenue"))
    assert monthly.value == "$2,337" and monthly.raw == Decimal(2337)
    gull = _finding(doc, "cmo:email-list:gull")
    assert gull.title == "Start an email list for Gull Cottage" and gull.severity is Severity.MEDIUM
    assert not [f for f in doc.findings if f.key == "cmo:email-list:haul"]  # junk removal: no list expected


def test_seo_checklist_and_brands_with_three_or_more_gaps() -> None:
    doc = cmo_report(_snapshot())
    table = _section(doc, "Local SEO checklist").tables[0]
    rows = {r[0]: r for r in table.rows}
    # Tidewater: profile, 40 reviews, 4.8, HTTPS done; contact, structured data, location page missing
    assert rows["Tidewater Charters"][1:4] == ("✓", "✓ (40)", "✓ (4.8)") and rows["Tidewater Charters"][-1] == "4 of 7"
    assert rows["Gull Cottage"][-1] == "0 of 7"  # no seo row: all unchecked
    tide = _finding(doc, "cmo:seo:tide")
    assert tide.severity is Severity.LOW and "Structured data" in tide.detail and "3 local-SEO gaps" in tide.title
    assert _finding(doc, "cmo:seo:gull").severity is Severity.MEDIUM  # 7 gaps
    assert not [f for f in doc.findings if f.key == "cmo:seo:haul"]  # only 2 gaps


def test_milestones_name_the_business_and_channel_and_the_lead_target() -> None:
    bullets = _section(cmo_report(_snapshot()), "30/60/90-day milestones").bullets
    assert "30 days — Tidewater Charters: finish the Viator listing so it takes bookings." in bullets
    assert "30 days — Tidewater Charters: go live on TripAdvisor." in bullets
    assert "60 days — Tidewater Charters: go live on GetMyBoat." in bullets
    assert "60 days — Gull Cottage: start the email list and send the first blast." in bullets
    # 37 leads × 1.2 = 44.4, rounded up to 45
    assert bullets[-1] == "90 days — all business lines: reach 45 leads a week (this week 37 × 1.2)."


def test_headline_counts_alerts_missing_channels_and_names_the_next_listing() -> None:
    doc = cmo_report(_snapshot())
    # missing: Tidewater 4; Gull Cottage (Vrbo, Booking.com, GBP) 3; Quick Haul (GBP, Yelp, Nextdoor, Thumbtack,
    # Angi) 5 → 12; best first step: GBP (score 5) for Gull Cottage (before Quick Haul by name)
    assert doc.headline == (
        "1 alert in this week's marketing; 12 channels missing, list Gull Cottage on Google Business Profile next."
    )
    assert doc.role == "cmo" and doc.title == "CMO report" and doc.actions == ()
    assert all(s.method for s in doc.sections)


def test_same_snapshot_in_any_row_order_gives_the_same_document() -> None:
    shuffled = _snapshot(entities=ENTITIES[::-1], listings=LISTINGS[::-1])
    assert cmo_report(shuffled) == cmo_report(_snapshot())


def test_empty_snapshot_says_what_to_fill() -> None:
    doc = cmo_report(Snapshot(org_id="x", org_name="X", as_of=AS_OF))
    assert doc.findings == ()
    summaries = {s.title: s.summary for s in doc.sections}
    assert summaries["This week's marketing KPIs"] == "No weekly marketing report yet: run 'firstmate intel run'."
    assert "channels.csv" in summaries["Channel visibility"]
    assert "add email_lists to business.yaml" in summaries["Email list and blast model"]
    assert "set a lead goal" in _section(doc, "30/60/90-day milestones").bullets[-1]
    assert doc.headline == "No weekly marketing report yet; no business lines defined yet."
    assert all(s.method for s in doc.sections)


def test_the_email_model_s_rows_add_up_to_its_card() -> None:
    """Two rows of $2,995 and $583 stood under a card of $3,577: each was rounded, the card was not."""
    import re

    lists = [  # each $503.50 a month: shown $504, and $1,007 added exactly
        {"entity": entity, "subscribers": 1000, "open_rate": "0.5", "click_rate": "0.1", "conversion_rate": "0.1",
         "average_order": "100.70", "blasts_per_month": 1}
        for entity in ("tide", "haul")
    ]  # fmt: skip
    doc = cmo_report(_snapshot(finance={"email_lists": lists}))
    section = _section(doc, "Email list and blast model")
    shown = [int(re.sub(r"\D", "", row[-1])) for row in section.tables[0].rows]
    card = next(c for c in section.cards if c.label == "Email revenue / month (model)")
    assert shown == [504, 504] and card.value == "$1,008" and card.raw == Decimal(1008)


def test_the_email_model_s_summary_reads_the_figure_of_its_card() -> None:
    """The demo's summary said "The blast model gives $3,577 a month" beside a card of $3,578 over rows of
    $2,995 and $583: the card added the rows as shown, the summary rounded their exact total."""
    lists = [  # each $503.50 a month: rows of $504, a card of $1,008
        {"entity": entity, "subscribers": 1000, "open_rate": "0.5", "click_rate": "0.1", "conversion_rate": "0.1",
         "average_order": "100.70", "blasts_per_month": 1}
        for entity in ("tide", "haul")
    ]  # fmt: skip
    section = _section(cmo_report(_snapshot(finance={"email_lists": lists})), "Email list and blast model")
    card = next(c for c in section.cards if c.label == "Email revenue / month (model)")
    assert card.value == "$1,008"
    assert section.summary == "The blast model gives $1,008 a month from 2 lists."


def test_a_kpi_with_no_change_from_a_week_of_none_says_so_as_the_weekly_report_does() -> None:
    """In the week after one without a lead, the weekly report read "Leads (Meta): 5 (no comparison with
    last week)" and the CMO report "no previous week", as if its 16 weeks of figures had just begun."""
    kpis = [{**k, "value": "5", "change": None, "weeks": 16} if k["key"] == "leads" else k for k in KPIS]
    doc = cmo_report(_snapshot(marketing={"week": "2026-11-16", "kpis": kpis}))
    leads = {c.label: c for c in _section(doc, "This week's marketing KPIs").cards}["Leads (Meta)"]
    assert leads.note.endswith("; no comparison with last week")


def test_a_weekly_report_older_than_the_last_week_is_named_by_its_week_not_this_weeks() -> None:
    """The weekly marketing report had not run since (an expired token; or on AWS the role reports, fired at
    the same minute, built before it): Monday's CMO report called the week before last "this week's"."""
    monday = date(2026, 12, 7)
    old = cmo_report(_snapshot(as_of=monday, marketing={"week": "2026-11-23", "kpis": KPIS}))
    assert "this week" not in old.headline and old.headline.startswith(
        "1 alert in the marketing of the week of 23 Nov 2026 (no weekly report since)"
    )
    [act] = [f for f in old.findings if f.key == "cmo:kpi:leads"]
    assert act.title == "Act on Leads (Meta): 37 in the week of 23 Nov 2026, 3-week trend DOWN"
    assert "no weekly marketing report since" in _section(old, "This week's marketing KPIs").summary
    assert "(week of 23 Nov 2026: 37 × 1.2)" in _section(old, "30/60/90-day milestones").bullets[-1]

    fresh = cmo_report(_snapshot(as_of=monday, marketing={"week": "2026-11-30", "kpis": KPIS}))
    assert fresh.headline.startswith("1 alert in this week's marketing;")


def test_a_lists_month_is_its_blast_as_shown_times_its_blasts() -> None:
    """A review: the demo's charter list read "$1,497" a blast, "2" blasts a month and "$2,995" a month
    (the exact $1,497.30 twice); the owner's $1,497 × 2 is $2,994."""
    import re

    lists = [{"entity": "tide", "subscribers": 2400, "open_rate": "0.31", "click_rate": "0.07",
              "conversion_rate": "0.025", "average_order": "1150.00", "blasts_per_month": 2}]  # fmt: skip
    section = _section(cmo_report(_snapshot(finance={"email_lists": lists})), "Email list and blast model")
    [row] = section.tables[0].rows
    per_blast, blasts, monthly = (int(re.sub(r"\D", "", cell)) for cell in row[-3:])
    assert (per_blast, blasts) == (1495, 2)  # 52 clicks × 2.5% = 1.30 bookings × $1,150
    assert monthly == per_blast * blasts == 2990
    card = next(c for c in section.cards if c.label == "Email revenue / month (model)")
    assert card.value == "$2,990" and section.summary == "The blast model gives $2,990 a month from 1 list."


def test_the_60_day_milestone_reads_a_lists_month_as_its_table_row() -> None:
    """A review: the demo's charter list read "$2,994" a month in the blast table ($1,497 × 2) and "model:
    $2,995 a month" in its 60-day milestone, the exact $1,497.30 twice."""
    lists = [{"entity": "tide", "subscribers": 2400, "open_rate": "0.31", "click_rate": "0.07",
              "conversion_rate": "0.025", "average_order": "1150.00", "blasts_per_month": 2}]  # fmt: skip
    doc = cmo_report(_snapshot(finance={"email_lists": lists}))
    bullets = _section(doc, "30/60/90-day milestones").bullets
    [milestone] = [b for b in bullets if b.startswith("60 days — Tidewater Charters: send")]
    assert milestone.endswith("(model: $2,990 a month).")  # $1,495 a blast × 2
    # a list sent less than twice a month is modelled at two blasts, of its blast as the row shows it
    lists[0]["blasts_per_month"] = 1
    doc = cmo_report(_snapshot(finance={"email_lists": lists}))
    [milestone] = [b for b in _section(doc, "30/60/90-day milestones").bullets if "send 2 blasts" in b]
    assert milestone.endswith("(model: $2,990 a month).")


def test_each_step_of_the_blast_model_is_redone_from_the_row_as_shown() -> None:
    """A review: the demo's charter list read "52 (7.0%)" clicks, "1.3 (2.5%)" bookings and "$1,497" a blast,
    the exact 1.302 bookings × an average order of $1,150 the table did not show; nobody could redo it."""
    import math
    import re

    lists = [
        {"entity": "tide", "subscribers": 2400, "open_rate": "0.31", "click_rate": "0.07",
         "conversion_rate": "0.025", "average_order": "1150.00", "blasts_per_month": 2},
        {"entity": "gull", "subscribers": 860, "open_rate": "0.44", "click_rate": "0.11",
         "conversion_rate": "0.0333", "average_order": "349.50", "blasts_per_month": 1},
    ]  # fmt: skip
    section = _section(cmo_report(_snapshot(finance={"email_lists": lists})), "Email list and blast model")
    table = section.tables[0]
    assert "Average order" in table.columns

    def figure(text: str) -> Decimal:
        return Decimal(re.sub(r"[^\d.]", "", text.split(" (")[0]))

    def rate(text: str) -> Decimal:
        return Decimal(text.split("(")[1].rstrip("%)")) / 100

    for row in table.rows:
        cell = dict(zip(table.columns, row, strict=True))
        opens, clicks, bookings = (figure(cell[c]) for c in ("Opens", "Clicks", "Bookings"))
        assert opens == math.floor(figure(cell["Subscribers"]) * rate(cell["Opens"]))
        assert clicks == math.floor(opens * rate(cell["Clicks"]))
        assert bookings == (clicks * rate(cell["Bookings"])).quantize(Decimal("0.01"), ROUND_HALF_UP)
        per_blast = (bookings * figure(cell["Average order"])).quantize(Decimal(1), ROUND_HALF_UP)
        assert figure(cell["Revenue / blast"]) == per_blast
        assert figure(cell["Revenue / month"]) == per_blast * figure(cell["Blasts / month"])
    # the charter list: 744 opens, 52 clicks, 52 × 2.5% = 1.30 bookings × $1,150 = $1,495 a blast; a conversion
    # rate of 3.33% reads so, not 3.3%
    rows = {row[0]: row for row in table.rows}
    assert rows["Tidewater Charters"][3:6] == ("52 (7.0%)", "1.30 (2.5%)", "$1,150")
    assert rows["Gull Cottage"][4:6] == ("1.37 (3.33%)", "$349.50")  # 378 opens, 41 clicks × 3.33% = 1.3653


def test_a_kpis_trend_and_its_week_over_week_change_say_what_each_measures() -> None:
    """A review: the demo read "Cost per lead: $43.61 [UP] [ALERT] −14% week over week": [UP] is the weekly report's
    trend of the last 3 weeks against the usual level, and beside a fall it read as a contradiction."""
    kpis = [{**k, "direction": "UP", "status": "ALERT", "change": "-0.14"} if k["key"] == "cpl" else k for k in KPIS]
    doc = cmo_report(_snapshot(marketing={"week": "2026-11-16", "kpis": kpis}))
    cpl = {c.label: c for c in _section(doc, "This week's marketing KPIs").cards}["Cost per lead"]
    assert cpl.marker == "[ALERT]"
    assert cpl.note == "3-week trend UP against the usual level; −14% week over week"
    act = _finding(doc, "cmo:kpi:cpl")
    assert act.title.endswith(", 3-week trend UP")
    assert "3-week trend UP against the usual level, −14% week over week" in act.detail
    from firstmate.domain.reports.ceo import ceo_report

    ceo = ceo_report(_snapshot(marketing={"week": "2026-11-16", "kpis": kpis}), [])
    flagged = next(t for s in ceo.sections for t in s.tables if t.title.startswith("Marketing KPIs flagged"))
    assert flagged.columns == ("KPI", "Value", "3-week trend", "Week over week")
    assert ("Cost per lead", "$12.50", "UP", "−14%") in flagged.rows
