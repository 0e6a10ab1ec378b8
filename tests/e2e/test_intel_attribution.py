"""Where the week's CRM leads came from: HubSpot's original source and the form's utm_source, kept on each
lead as read, archived with the raw pages, and shown by source in every format of the weekly report."""

from __future__ import annotations

import html
import io
import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from firstmate.adapters.sources.ads_csv import COLUMNS, CsvAdsSource
from firstmate.adapters.sources.hubspot import HubSpotSource
from firstmate.bootstrap import App
from firstmate.errors import InvalidInput
from firstmate.services.intel import replay_run, run_weekly
from firstmate.standin.server import META_TOKEN, StandIn
from tests.e2e.conftest import INTEL_NOW, INTEL_WEEK, intel_sources

WEEK = INTEL_WEEK
NOW = INTEL_NOW
LOS_ANGELES = ZoneInfo("America/Los_Angeles")  # the demo business's zone: its weeks are its days


_sources = intel_sources


def _by_source(text: str) -> dict[str, int]:
    """The text report's CRM LEADS BY SOURCE rows: "Paid social (utm_source facebook)" → 23."""
    section = text.partition("CRM LEADS BY SOURCE\n")[2].partition("\n\n")[0]
    return {name: int(n) for name, n in re.findall(r"^- (.+): (\d+) leads?$", section, re.MULTILINE)}


def test_the_weeks_crm_leads_are_shown_by_source_and_utm_source_and_add_up_to_the_card(
    intel_app: App, standin: StandIn, tmp_path: Path
) -> None:
    """A review: HubSpot's utm_source was asked for and dropped, and the report showed no lead's source at all
    (the JSON's crm_by_source only), so leads could not be told by channel, and the "Leads in the CRM" card,
    the paid-social leads alone, could not be checked against anything shown."""
    run = run_weekly(intel_app, "demo", *_sources(standin.url))
    pages = json.loads(intel_app.blobs.get(f"raw/demo/{run.run_id}/hubspot.json"))
    leads = HubSpotSource("http://127.0.0.1:9", lambda: "unused").parse(pages)
    # kept on each lead as HubSpot sent it, and in the archive
    assert {lead.utm_source for lead in leads if lead.paid_social} == {"facebook", "instagram"}
    assert '"utm_source": "instagram"' in json.dumps(pages)
    this_week = [lead for lead in leads if WEEK <= lead.created.astimezone(LOS_ANGELES).date() < WEEK + timedelta(7)]
    expected = Counter(
        ("Paid social" if lead.paid_social else lead.source.replace("_", " ").capitalize())
        + (f" (utm_source {lead.utm_source})" if lead.utm_source else "")
        for lead in this_week
    )
    shown = _by_source(run.report.text)
    assert shown == dict(expected), shown
    paid = sum(n for name, n in shown.items() if name.startswith("Paid social"))
    assert paid == run.facts.kpi("crm_leads").value
    said = f"All sources: {len(this_week)} leads; the {paid} from paid social are the Leads in the CRM card's."
    assert said in run.report.text
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(run.report.pdf)).pages)
    for shown_in in (html.unescape(run.report.email_html), html.unescape(run.report.page_html), " ".join(pdf.split())):
        assert "CRM leads by source" in shown_in and said in shown_in
        assert "utm_source" in shown_in and "instagram" in shown_in
    rows = run.report.data["facts"]["crm_sources"]
    instagram = expected["Paid social (utm_source instagram)"]
    assert {"source": "PAID_SOCIAL", "utm_source": "instagram", "leads": instagram} in rows


def test_a_run_archived_before_utm_source_was_kept_still_replays(
    intel_app: App, standin: StandIn, tmp_path: Path
) -> None:
    """An archive whose contacts hold no utm_source (HubSpot leaves out a property the portal lacks, and runs
    before this change were replayed) reads as before: its leads by original source alone."""
    run = run_weekly(intel_app, "demo", *_sources(standin.url))
    key = f"raw/demo/{run.run_id}/hubspot.json"
    pages = json.loads(intel_app.blobs.get(key))
    for page in pages:
        for contact in page["body"]["results"]:
            contact["properties"].pop("utm_source", None)
    intel_app.blobs.put(key, json.dumps(pages).encode(), "application/json")
    again = replay_run(intel_app, "demo", run.run_id, *_sources("http://127.0.0.1:9"), out=tmp_path)
    shown = _by_source(again.report.text)
    assert shown["Paid social"] == again.facts.kpi("crm_leads").value == run.facts.kpi("crm_leads").value
    assert not any("utm_source" in name for name in shown)


def _ads_files(folder: Path, currencies: dict[str, str]) -> Path:
    """The two demo ad accounts as CSV files of sixteen weeks, a `currency` column in those `currencies` names."""
    folder.mkdir()
    for account in ("1001", "1002"):
        said = currencies.get(account)
        lines = [",".join(COLUMNS) + (",currency" if said is not None else "")]
        for back in range(16):
            week = WEEK - timedelta(weeks=15 - back)
            row = f"{week},Harbor tours {account},Locals,OUTCOME_LEADS,9000.00,40000,480,30,300"
            lines.append(row + (f",{said}" if said is not None else ""))
        (folder / f"{account}.csv").write_text("\n".join(lines) + "\n")
    return folder


def test_an_ads_file_in_another_currency_is_said_and_never_added_to_the_business_s_money(
    intel_app: App, tmp_path: Path
) -> None:
    """A review: an ads file could not name its currency, so an account billed in pesos had its 9,000 pesos
    added to the other account's 9,000 dollars ("Ad spend: $18,000.00"). With a currency column it is left out
    of every figure and the report says so, as for a Meta account billed in another currency."""
    folder = _ads_files(tmp_path / "ads", {"1001": "MXN", "1002": "usd"})
    run = run_weekly(intel_app, "demo", CsvAdsSource(folder), None, week=WEEK)
    assert run.facts.currency == "USD" and run.facts.kpi("spend").value == 9000.0
    assert {row.account for row in run.facts.campaigns} == {"1002"}
    said = (
        "Ad account 1001 is billed in MXN: its figures (9,000.00 MXN spend, 30 leads this week) are in none of this "
        "report's, which are in USD."
    )
    pdf = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(run.report.pdf)).pages).split())
    for shown in (run.report.text, html.unescape(run.report.page_html), pdf):
        assert said in shown


def test_an_ads_files_bad_currency_is_refused_by_its_row_and_nothing_is_kept(intel_app: App, tmp_path: Path) -> None:
    folder = _ads_files(tmp_path / "ads", {"1001": "MXN", "1002": "dollars"})
    with pytest.raises(InvalidInput) as refused:
        run_weekly(intel_app, "demo", CsvAdsSource(folder), None, week=WEEK)
    assert "1002.csv row 2: currency must be an ISO 4217 code like USD, EUR or MXN, not 'dollars'" in str(refused.value)
    assert not list(intel_app.blobs.list("raw/demo/")) and not list(intel_app.blobs.list("reports/demo/"))


def test_a_run_that_reports_the_week_before_because_an_ad_accounts_week_is_not_over_says_so(
    intel_app: App, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review: a business in Auckland whose ad accounts count Los Angeles' days, at 07:01 on its Monday, got the
    week before from `intel run` and from the scheduled run, and the command line and `jobs list` said only its
    subject ("Nov 2–8"): nothing there said why not Nov 9–15, nor when that one could be had."""
    from contextlib import nullcontext

    from typer.testing import CliRunner

    from firstmate.cli import cli
    from firstmate.demo.run import demo_profile
    from firstmate.jobs import weekly_reports
    from firstmate.services.business import save_business
    from tests.e2e.test_intel import _monday_7am

    profile = demo_profile()
    save_business(intel_app.store, profile.model_copy(update={"org": profile.org.model_copy(
        update={"timezone": "Pacific/Auckland"})}))  # fmt: skip
    app, clock, _ = _monday_7am(intel_app, standin, monkeypatch, META_TOKEN, timezone="Pacific/Auckland")
    monday = datetime(2026, 11, 15, 18, 1, tzinfo=UTC)  # 07:01 on Monday 16 November in Auckland
    clock.set(monday)
    monkeypatch.setattr("firstmate.cli.intel.app_context", lambda: nullcontext(app))
    why = (
        "the week of 2026-11-09 has not ended yet in America/Los_Angeles, where ad accounts 1001 and 1002 count "
        "their days: this report is of the week of 2026-11-02; the week of 2026-11-09 can be reported from "
        "Mon Nov 16 21:00 Pacific/Auckland time (firstmate intel run --week 2026-11-09)"
    )

    result = CliRunner().invoke(cli, ["intel", "run", "--org", "demo"])

    assert result.exit_code == 0, result.output
    assert why in " ".join(result.output.split()), result.output
    said = weekly_reports(app, monday)  # what `firstmate jobs run weekly_report` (by hand, at once) says
    assert isinstance(said, str) and "Nov 2–8, 2026" in said and why in said, said
    clock.set(datetime(2026, 11, 16, 8, 1, tzinfo=UTC))  # 00:01 on Monday in Los Angeles: its week is over
    assert "has not ended" not in CliRunner().invoke(cli, ["intel", "run", "--org", "demo"]).output


def test_an_ads_file_without_a_currency_column_in_a_business_of_whole_yen_is_read_in_whole_yen(
    intel_app: App, tmp_path: Path
) -> None:
    """A review: a file naming its currency had its spend rounded to that currency's places, but a file without
    the column, in a business of yen, kept its cents ("¥9,000.50"), which no yen amount has."""
    from firstmate.domain.bookings import BookingRequest
    from firstmate.services.bookings import orchestrate_booking
    from tests.conftest import booking_body

    body = {**booking_body(currency="JPY", gross_amount="84000"), "start": "2026-12-12T10:00:00+00:00"}
    orchestrate_booking(intel_app, "demo", BookingRequest.model_validate(body), tell=False)
    folder = tmp_path / "ads"
    folder.mkdir()
    for account in ("1001", "1002"):
        lines = [",".join(COLUMNS)]
        for back in range(16):
            week = WEEK - timedelta(weeks=15 - back)
            lines.append(f"{week},Harbor tours {account},Locals,OUTCOME_LEADS,4500.25,40000,480,30,300")
        (folder / f"{account}.csv").write_text("\n".join(lines) + "\n")
    run = run_weekly(intel_app, "demo", CsvAdsSource(folder), None, week=WEEK)
    assert run.facts.currency == "JPY" and run.facts.kpi("spend").value == 9000.0  # 4,500 each, not 4,500.25
    assert ".25" not in run.report.text and ".50" not in run.report.text and "9,000" in run.report.text
